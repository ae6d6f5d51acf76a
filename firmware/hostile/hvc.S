/* HVC although the device tree says the conduit is SMC. */
	.text
	.global _start
_start:
	movz	x0, #0x0063
	movk	x0, #0x8400, lsl #16	/* FFA_VERSION */
	hvc	#0
	b	.
