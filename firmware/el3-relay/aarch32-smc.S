/*
 * A test image for the relay's fault path (tests/integration/
 * test-qemu-robustness.sh): from EL2 it drops to AArch32 EL1 and makes an
 * SMC there.  An AArch32 SMC reaches EL3 through the lower-EL AArch32
 * vector (Arm ARM D1.10.2, ESR_EL3.EC 0x13), which the relay does not
 * serve: the host must end the run with a fault verdict, not hang.
 */
	.text
	.global _start
_start:
	msr	hcr_el2, xzr		/* RW = 0: EL1 is AArch32 */
	adr	x1, a32
	msr	elr_el2, x1
	mov	x2, #0x1d3		/* AArch32 SVC mode, A, I, F masked */
	msr	spsr_el2, x2
	isb
	eret
	.balign	4
a32:
	.inst	0xe1600070		/* A32: SMC #0 */
	.inst	0xeafffffe		/* A32: b . */
