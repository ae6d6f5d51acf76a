/*
 * Entry, exception vectors and the stack switch.
 * Entered at EL1 with x0 = the device tree, MMU and caches off.
 */
	.section .text.start, "ax"
	.global _start
_start:
	mov	x20, x0			/* keep the device tree address */
	ldr	x1, =__stack_top
	mov	sp, x1
	/* Zero .bss and rt_bss: the loader may not have. */
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
	bl	zero_range
	ldr	x1, =__rt_bss_start
	ldr	x2, =__rt_bss_end
	bl	zero_range
	ldr	x1, =rt_vectors_base
	msr	vbar_el1, x1
	isb
	mov	x0, x20
	bl	refclient_main
	/* refclient_main never returns; if it does, stop visibly. */
1:	brk	#0xf000
	b	1b

zero_range:
	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	zero_range
2:	ret

/*
 * void switch_stack(void *top, void (*fn)(void)): continue in fn on a new
 * stack; never returns.  Used at ExitBootServices to leave the boot stack.
 * (The SMC call, smccc_call, is in firmware/lib/smccc.S.)
 */
	.section rt_text, "ax"
	.global switch_stack
	.type switch_stack, %function
switch_stack:
	mov	sp, x0
	mov	x29, #0
	mov	x30, #0
	br	x1

/*
 * Exception vectors: every entry reports to the harness through
 * AGENT_FID_PANIC (x1 ESR, x2 ELR, x3 FAR, x4 vector offset).
 */
	.section rt_vectors, "ax"
	.balign 2048
	.global rt_vectors_base
rt_vectors_base:
	.irp off, 0x000, 0x080, 0x100, 0x180, 0x200, 0x280, 0x300, 0x380, 0x400, 0x480, 0x500, 0x580, 0x600, 0x680, 0x700, 0x780
	.balign 128
	mov	x4, #\off
	b	vector_panic
	.endr

vector_panic:
	mrs	x1, esr_el1
	mrs	x2, elr_el1
	mrs	x3, far_el1
	movz	x0, #0xff03
	movk	x0, #0xc300, lsl #16
	smc	#0
3:	b	3b
