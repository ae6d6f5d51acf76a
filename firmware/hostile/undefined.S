/* An undefined instruction: an UNDEF fault verdict. */
	.text
	.global _start
_start:
	nop
	udf	#0x1234
