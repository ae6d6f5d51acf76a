/* Reads from a hole in the memory map: an unmapped-read fault verdict. */
	.text
	.global _start
_start:
	mov	x0, #0x1000
	movk	x0, #0x10, lsl #32	/* 0x10_0000_1000: nothing there */
	ldr	x1, [x0]
	b	.
