/*
 * Freestanding helpers of the reference client only; memcpy, memset,
 * memcmp, uart_putc/uart_puts and smccc_call are shared with the other
 * images (firmware/lib).  All of them are runtime code: the agent still
 * prints and powers off after ExitBootServices (the UART is declared as
 * runtime MMIO).
 */
#include <stdarg.h>

#include "abi/psci.h"
#include "refclient.h"

__rt_text size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0') {
		n++;
	}
	return n;
}

__rt_text size_t ucs2_size(const uint16_t *s)
{
	size_t n = 0;

	while (s[n] != 0) {
		n++;
	}
	return (n + 1) * sizeof(uint16_t);
}

__rt_text static void put_number(uint64_t v, unsigned base, int width,
				 bool pad_zero)
{
	char buf[24];
	int n = 0;

	do {
		unsigned d = (unsigned)(v % base);
		buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= base;
	} while (v != 0 && n < (int)sizeof(buf));
	while (n < width) {
		buf[n++] = pad_zero ? '0' : ' ';
	}
	while (n > 0) {
		uart_putc(buf[--n]);
	}
}

/* %s %c %d %u %x %lx %llx %lu %p, with an optional zero-padded width. */
__rt_text void uart_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (const char *p = fmt; *p != '\0'; p++) {
		bool pad_zero = false;
		int width = 0;
		int longs = 0;

		if (*p != '%') {
			if (*p == '\n') {
				uart_putc('\r');
			}
			uart_putc(*p);
			continue;
		}
		p++;
		if (*p == '0') {
			pad_zero = true;
			p++;
		}
		while (*p >= '0' && *p <= '9') {
			width = width * 10 + (*p++ - '0');
		}
		while (*p == 'l') {
			longs++;
			p++;
		}
		switch (*p) {
		case 's':
			uart_puts(va_arg(ap, const char *));
			break;
		case 'c':
			uart_putc((char)va_arg(ap, int));
			break;
		case 'd': {
			int64_t v = longs != 0 ? va_arg(ap, int64_t)
					       : va_arg(ap, int);
			if (v < 0) {
				uart_putc('-');
				v = -v;
			}
			put_number((uint64_t)v, 10, width, pad_zero);
			break;
		}
		case 'u':
			put_number(longs != 0 ? va_arg(ap, uint64_t)
					      : va_arg(ap, unsigned),
				   10, width, pad_zero);
			break;
		case 'x':
			put_number(longs != 0 ? va_arg(ap, uint64_t)
					      : va_arg(ap, unsigned),
				   16, width, pad_zero);
			break;
		case 'p':
			uart_puts("0x");
			put_number((uint64_t)(uintptr_t)va_arg(ap, void *), 16,
				   0, false);
			break;
		case '%':
			uart_putc('%');
			break;
		default:
			uart_putc('?');
			break;
		}
	}
	va_end(ap);
}

__rt_text void psci_system_off(void)
{
	struct smccc_regs r = {.x = {PSCI_SYSTEM_OFF}};

	smccc_call(&r);
	for (;;) {
	}
}

__rt_text void psci_system_reset(void)
{
	struct smccc_regs r = {.x = {PSCI_SYSTEM_RESET}};

	smccc_call(&r);
	for (;;) {
	}
}
