/*
 * A growable byte string.  Out-of-memory aborts: the harness cannot report
 * anything sensible without memory, and checking every append would bury
 * the logic of the writers that use it.
 */
#ifndef COMMON_STRBUF_H
#define COMMON_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf {
	char *data; /* always NUL-terminated when not NULL */
	size_t len;
	size_t cap;
};

#define STRBUF_INIT                \
	{                          \
		NULL, 0, 0         \
	}

void strbuf_append(struct strbuf *sb, const void *bytes, size_t len);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putc(struct strbuf *sb, char c);
/* Grows sb by n bytes and returns them for the caller to fill (sb stays
 * NUL-terminated after them): one reservation for a long formatted run. */
char *strbuf_extend(struct strbuf *sb, size_t n);
/*
 * v in decimal (PRIu64's digits) or lower-case hex without "0x" (PRIx64's),
 * without printf: formatters that write many numbers (JSON traces, the
 * scenario fingerprint) spent most of their time in vsnprintf.
 */
void strbuf_put_dec(struct strbuf *sb, uint64_t v);
void strbuf_put_hex(struct strbuf *sb, uint64_t v);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
/* Never NULL: "" for an empty buffer. */
const char *strbuf_str(const struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);
/* Hands the buffer to the caller (free() it); sb is left empty. */
char *strbuf_steal(struct strbuf *sb);

/* Aborting allocators for the whole program. */
void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif /* COMMON_STRBUF_H */
