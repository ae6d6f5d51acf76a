/*
 * void smccc_call(struct smccc_regs *r): x0..x17 from *r, SMC #0, all of
 * x0..x17 back into *r (SMCCC 1.2 passes and returns values in all of
 * them).  x19 holds r across the call: callee-saved, so saved here.
 * In rt_text, as all of fwlib.h: the reference client calls it at runtime.
 */

/* \op (ldp or stp) x0..x17 at [x19]: one layout for both directions. */
	.macro	regs_x19 op
	\op	x0, x1, [x19, #0]
	\op	x2, x3, [x19, #16]
	\op	x4, x5, [x19, #32]
	\op	x6, x7, [x19, #48]
	\op	x8, x9, [x19, #64]
	\op	x10, x11, [x19, #80]
	\op	x12, x13, [x19, #96]
	\op	x14, x15, [x19, #112]
	\op	x16, x17, [x19, #128]
	.endm

	.section rt_text, "ax"
	.global smccc_call
	.type smccc_call, %function
smccc_call:
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	str	x19, [sp, #16]
	mov	x19, x0
	regs_x19 ldp
	smc	#0
	regs_x19 stp
	ldr	x19, [sp, #16]
	ldp	x29, x30, [sp], #32
	ret
	.size smccc_call, . - smccc_call
