/* FFA_VERSION in a tight loop: the budget ends it, the trace stays sane. */
	.text
	.global _start
_start:
1:	movz	x0, #0x0063
	movk	x0, #0x8400, lsl #16
	movz	x1, #0x0000
	movk	x1, #0x0001, lsl #16
	smc	#0
	b	1b
