#include "common/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(size_t size)
{
	fprintf(stderr, "ffa-harness: out of memory allocating %zu bytes\n",
		size);
	abort();
}

void *xmalloc(size_t size)
{
	void *p = malloc(size != 0 ? size : 1);

	if (p == NULL) {
		out_of_memory(size);
	}
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count != 0 ? count : 1, size != 0 ? size : 1);

	if (p == NULL) {
		out_of_memory(count * size);
	}
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size != 0 ? size : 1);

	if (p == NULL) {
		out_of_memory(size);
	}
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static void strbuf_reserve(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;

	if (need <= sb->cap) {
		return;
	}
	size_t cap = sb->cap != 0 ? sb->cap : 64;
	while (cap < need) {
		cap *= 2;
	}
	sb->data = xrealloc(sb->data, cap);
	sb->cap = cap;
}

void strbuf_append(struct strbuf *sb, const void *bytes, size_t len)
{
	strbuf_reserve(sb, len);
	if (len != 0) {
		memcpy(sb->data + sb->len, bytes, len);
	}
	sb->len += len;
	sb->data[sb->len] = '\0';
}

void strbuf_puts(struct strbuf *sb, const char *s)
{
	strbuf_append(sb, s, strlen(s));
}

void strbuf_putc(struct strbuf *sb, char c)
{
	if (sb->len + 2 <= sb->cap) { /* room for c and the NUL */
		sb->data[sb->len++] = c;
		sb->data[sb->len] = '\0';
		return;
	}
	strbuf_append(sb, &c, 1);
}

char *strbuf_extend(struct strbuf *sb, size_t n)
{
	char *at;

	strbuf_reserve(sb, n);
	at = sb->data + sb->len;
	sb->len += n;
	sb->data[sb->len] = '\0';
	return at;
}

/* Appends the digits of v in base 10 or 16, most significant first. */
static void put_digits(struct strbuf *sb, uint64_t v, unsigned int base)
{
	static const char digits[] = "0123456789abcdef";
	char buf[20]; /* UINT64_MAX has 20 decimal digits */
	size_t start = sizeof(buf);

	do {
		buf[--start] = digits[v % base];
		v /= base;
	} while (v != 0);
	strbuf_append(sb, buf + start, sizeof(buf) - start);
}

void strbuf_put_dec(struct strbuf *sb, uint64_t v)
{
	put_digits(sb, v, 10);
}

void strbuf_put_hex(struct strbuf *sb, uint64_t v)
{
	put_digits(sb, v, 16);
}

/*
 * Room reserved before formatting: most messages, summaries and numbers
 * fit, so that vsnprintf runs once.  Measuring first cost a second
 * vsnprintf per finding and per trace summary (docs/fuzzing.md).
 */
#define STRBUF_PRINTF_GUESS 120

void strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list again;
	size_t room;
	int n;

	strbuf_reserve(sb, STRBUF_PRINTF_GUESS);
	room = sb->cap - sb->len; /* includes the NUL's byte */
	va_copy(again, ap);
	n = vsnprintf(sb->data + sb->len, room, fmt, ap);
	if (n < 0) {
		sb->data[sb->len] = '\0'; /* drop whatever was written */
		va_end(again);
		return;
	}
	if ((size_t)n >= room) { /* cut short: grow and format again */
		strbuf_reserve(sb, (size_t)n);
		vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, again);
	}
	va_end(again);
	sb->len += (size_t)n;
}

void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(sb, fmt, ap);
	va_end(ap);
}

const char *strbuf_str(const struct strbuf *sb)
{
	return sb->data != NULL ? sb->data : "";
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->data != NULL) {
		sb->data[0] = '\0';
	}
}

void strbuf_free(struct strbuf *sb)
{
	free(sb->data);
	sb->data = NULL;
	sb->len = 0;
	sb->cap = 0;
}

char *strbuf_steal(struct strbuf *sb)
{
	char *p = sb->data != NULL ? sb->data : xstrdup("");

	sb->data = NULL;
	sb->len = 0;
	sb->cap = 0;
	return p;
}
