/*
 * EL3 relay: reset entry, the parameter block the host patches, the EL3
 * exception vectors and the exits to the normal world.  relay.c has the
 * logic; include/abi/qemu_relay.h the protocol.
 *
 * QEMU's virt machine with secure=on and firmware starts every CPU at
 * address 0 in EL3 (its own PSCI is off: hw/arm/virt.c).  Each CPU gets
 * RELAY_STACK_SIZE bytes of secure RAM as its EL3 stack (SP_EL3), whose
 * top is kept in TPIDR_EL3 so that every entry to the normal world starts
 * the stack afresh.
 */
#define RELAY_STACK_SIZE 0x2000
#define RELAY_SECURE_RAM 0x0e000000
#define RELAY_MAX_CPUS 8

	.section .text.boot, "ax"
	.global _start
_start:
	b	reset

	/* The parameter block, at RELAY_PARAMS_OFFSET (0x40). */
	.balign	0x40
	.global relay_params
relay_params:
	.quad	0x59414c4552334c45	/* magic "EL3RELAY" */
	.word	2			/* abi_version (RELAY_ABI_VERSION) */
	.word	0			/* cpu_count (host) */
	.quad	0			/* mailbox (host) */
	.quad	0			/* entry (host) */
	.quad	0			/* entry_x0 (host) */
	.quad	0			/* flags (host) */
	.quad	0			/* dtb_src (host) */
	.quad	0			/* dtb_size (host) */

reset:
	mrs	x0, mpidr_el1
	and	x0, x0, #0xff		/* Aff0: the CPU index on virt */
	cmp	x0, #RELAY_MAX_CPUS
	b.hs	park_forever
	mov	x1, #RELAY_STACK_SIZE
	add	x2, x0, #1
	mul	x1, x1, x2
	mov	x2, #RELAY_SECURE_RAM
	add	x1, x1, x2
	mov	sp, x1
	msr	tpidr_el3, x1
	adr	x1, el3_vectors
	msr	vbar_el3, x1
	isb
	bl	relay_main		/* x0 = CPU index; does not return */
park_forever:
	wfi
	b	park_forever

/*
 * relay_enter(entry, x0, spsr): leave EL3 for the normal world with a
 * fresh EL3 stack and x1..x30 cleared.
 */
	.global relay_enter
relay_enter:
	msr	elr_el3, x0
	msr	spsr_el3, x2
	mov	x0, x1
	mrs	x1, tpidr_el3
	mov	sp, x1
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	mov	x4, xzr
	mov	x5, xzr
	mov	x6, xzr
	mov	x7, xzr
	mov	x8, xzr
	mov	x9, xzr
	mov	x10, xzr
	mov	x11, xzr
	mov	x12, xzr
	mov	x13, xzr
	mov	x14, xzr
	mov	x15, xzr
	mov	x16, xzr
	mov	x17, xzr
	mov	x18, xzr
	mov	x19, xzr
	mov	x20, xzr
	mov	x21, xzr
	mov	x22, xzr
	mov	x23, xzr
	mov	x24, xzr
	mov	x25, xzr
	mov	x26, xzr
	mov	x27, xzr
	mov	x28, xzr
	mov	x29, xzr
	mov	x30, xzr
	isb
	eret

/* Saves x0..x30 in a 32-slot frame on SP_EL3 and calls \handler(frame). */
.macro	trap handler
	sub	sp, sp, #256
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	str	x30, [sp, #240]
	mov	x0, sp
	bl	\handler
	b	trap_return
.endm

trap_return:
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	add	sp, sp, #256
	eret

/*
 * Vectors (Arm ARM D1.10.2): synchronous exceptions from a lower EL in
 * AArch64 are SMCs (or traps) to relay; anything else is a fault that the
 * relay reports to the host and then parks on.
 */
	.balign	0x800
el3_vectors:
	.balign	0x80		/* current EL, SP_EL0 */
	trap	relay_fault
	.balign	0x80
	trap	relay_fault
	.balign	0x80
	trap	relay_fault
	.balign	0x80
	trap	relay_fault
	.balign	0x80		/* current EL, SP_ELx */
	trap	relay_fault
	.balign	0x80
	trap	relay_fault
	.balign	0x80
	trap	relay_fault
	.balign	0x80
	trap	relay_fault
	.balign	0x80		/* lower EL, AArch64 */
	trap	relay_sync
	.balign	0x80
	trap	relay_fault
	.balign	0x80
	trap	relay_fault
	.balign	0x80
	trap	relay_fault
	.balign	0x80		/* lower EL, AArch32 */
	trap	relay_fault
	.balign	0x80
	trap	relay_fault
	.balign	0x80
	trap	relay_fault
	.balign	0x80
	trap	relay_fault
