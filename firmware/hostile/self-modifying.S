/*
 * Rewrites an instruction ahead of itself (a `nop` becomes `brk #0x55`) and
 * executes it after IC IVAU: the harness must see the new code.
 */
	.text
	.global _start
_start:
	adr	x0, patched
	ldr	w1, =0xd4200aa0		/* brk #0x55 */
	str	w1, [x0]
	dc	cvau, x0
	dsb	ish
	ic	ivau, x0
	dsb	ish
	isb
patched:
	nop
	b	.
