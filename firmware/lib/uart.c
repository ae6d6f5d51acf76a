/*
 * The PL011 console of the freestanding images (fwlib.h).  In rt_text: the
 * reference client still prints after ExitBootServices (it declares the
 * UART as runtime MMIO).
 */
#include "fwlib.h"

#define PL011_DR 0x00u
#define PL011_FR 0x18u
#define PL011_FR_TXFF (1u << 5)

/* Waits while the transmit FIFO is full, as hardware needs. */
__rt_text void uart_putc(char c)
{
	volatile uint32_t *fr = (volatile uint32_t *)(UART_BASE + PL011_FR);
	volatile uint32_t *dr = (volatile uint32_t *)(UART_BASE + PL011_DR);

	while ((*fr & PL011_FR_TXFF) != 0) {
	}
	*dr = (uint32_t)(unsigned char)c;
}

__rt_text void uart_puts(const char *s)
{
	while (*s != '\0') {
		if (*s == '\n') {
			uart_putc('\r');
		}
		uart_putc(*s++);
	}
}
