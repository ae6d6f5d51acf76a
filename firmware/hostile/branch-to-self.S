/* Spins on `b .`: the harness must call it a hang, not wait forever. */
	.text
	.global _start
_start:
	mov	x0, #1
	b	.
