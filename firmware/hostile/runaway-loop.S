/* Counts forever: only the instruction budget can end this run. */
	.text
	.global _start
_start:
	mov	x0, #0
1:	add	x0, x0, #1
	cmp	x0, #0
	b.ne	1b
	b	1b
