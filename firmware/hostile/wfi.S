/* Waits for an interrupt that never comes. */
	.text
	.global _start
_start:
1:	wfi
	b	1b
