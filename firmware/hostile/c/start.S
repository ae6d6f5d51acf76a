/*
 * Entry of the C hostile images (firmware/hostile/c/): a stack, then
 * hostile_main().  Entered at EL1 with the MMU and caches off, which the
 * images leave off, so that the shared buffer needs no cache maintenance.
 * The SMC call every image goes through is smccc_call (firmware/lib).
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

