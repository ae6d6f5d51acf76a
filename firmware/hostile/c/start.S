/*
 * Entry of the C hostile images (firmware/hostile/c/): a stack, then
 * hostile_main(); the SMC call every image goes through.  Entered at EL1
 * with the MMU and caches off, which the images leave off, so that the
 * shared buffer needs no cache maintenance.
 */
	.section .text.start, "ax"
	.global _start
_start:
	ldr	x1, =__stack_top
	mov	sp, x1
	bl	hostile_main
	/* hostile_main() powers off; if it returns, stop visibly. */
1:	brk	#0xf001
	b	1b

/*
 * void hostile_smc(struct smccc_regs *r): x0..x17 from *r, SMC #0, all of
 * x0..x17 back into *r.  x19 keeps r across the call.
 */
	.text
	.global hostile_smc
	.type hostile_smc, %function
hostile_smc:
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	str	x19, [sp, #16]
	mov	x19, x0
	ldp	x0, x1, [x19, #0]
	ldp	x2, x3, [x19, #16]
	ldp	x4, x5, [x19, #32]
	ldp	x6, x7, [x19, #48]
	ldp	x8, x9, [x19, #64]
	ldp	x10, x11, [x19, #80]
	ldp	x12, x13, [x19, #96]
	ldp	x14, x15, [x19, #112]
	ldp	x16, x17, [x19, #128]
	smc	#0
	stp	x0, x1, [x19, #0]
	stp	x2, x3, [x19, #16]
	stp	x4, x5, [x19, #32]
	stp	x6, x7, [x19, #48]
	stp	x8, x9, [x19, #64]
	stp	x10, x11, [x19, #80]
	stp	x12, x13, [x19, #96]
	stp	x14, x15, [x19, #112]
	stp	x16, x17, [x19, #128]
	ldr	x19, [sp, #16]
	ldp	x29, x30, [sp], #32
	ret
