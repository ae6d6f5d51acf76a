/* A breakpoint: a BRK fault verdict. */
	.text
	.global _start
_start:
	nop
	brk	#0x7
