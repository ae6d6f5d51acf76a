/*
 * Freestanding helpers.  All of them are runtime code: the compiler may
 * call memcpy/memset from anywhere, and the agent prints at runtime too
 * (the UART is declared as runtime MMIO).
 */
#include <stdarg.h>

#include "abi/psci.h"
#include "refclient.h"

#define PL011_DR 0x00u
#define PL011_FR 0x18u
#define PL011_FR_TXFF (1u << 5)

/*
 * Eight bytes at a time when both ends are aligned: every guest store is
 * expensive in Unicorn 2.0.1 (docs/performance.md), and the agent copies
 * steps and results through these.
 */
__rt_text void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if ((((uintptr_t)d | (uintptr_t)s) & 7u) == 0) {
		for (; n >= 8; n -= 8, d += 8, s += 8) {
			*(uint64_t *)(void *)d = *(const uint64_t *)(const void *)s;
		}
	}
	while (n-- != 0) {
		*d++ = *s++;
	}
	return dst;
}

__rt_text void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;
	uint64_t pattern = (uint8_t)c * UINT64_C(0x0101010101010101);

	if (((uintptr_t)d & 7u) == 0) {
		for (; n >= 8; n -= 8, d += 8) {
			*(uint64_t *)(void *)d = pattern;
		}
	}
	while (n-- != 0) {
		*d++ = (uint8_t)c;
	}
	return dst;
}

__rt_text int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a;
	const uint8_t *y = b;

	for (size_t i = 0; i < n; i++) {
		if (x[i] != y[i]) {
			return x[i] < y[i] ? -1 : 1;
		}
	}
	return 0;
}

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
