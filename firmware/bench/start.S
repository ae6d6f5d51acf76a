/*
 * Entry of the benchmark images: stack, .bss cleared, then bench_main().
 * Entered at EL1 with MMU and caches off.
 */
	.section .text.start, "ax"
	.global _start
_start:
	ldr	x1, =__stack_top
	mov	sp, x1
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	bl	bench_main
	/* bench_main never returns; if it does, stop visibly. */
3:	brk	#0xb0
	b	3b
