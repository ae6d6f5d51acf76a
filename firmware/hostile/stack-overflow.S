/*
 * Recurses until the stack runs off the bottom of the PCIe window (device
 * space: the frames vanish) into the unmapped hole below it.  On hardware
 * this is a synchronous external abort; here an unmapped-write verdict.
 */
	.text
	.global _start
_start:
	mov	x0, #0x10000000
	add	sp, x0, #0x40
recurse:
	stp	x29, x30, [sp, #-16]!
	bl	recurse
