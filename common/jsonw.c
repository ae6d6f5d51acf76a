#include "common/jsonw.h"

#include <inttypes.h>
#include <string.h>

#include "common/text.h"

void jsonw_init(struct jsonw *j, struct strbuf *out, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->pretty = pretty;
}

static void newline(struct jsonw *j)
{
	if (!j->pretty) {
		return;
	}
	strbuf_putc(j->out, '\n');
	for (int i = 0; i < j->depth; i++) {
		strbuf_puts(j->out, "  ");
	}
}

/* Called before every value: a comma after the previous sibling. */
static void before_value(struct jsonw *j)
{
	if (j->key_pending) {
		j->key_pending = false; /* jsonw_key() wrote the separator */
		return;
	}
	if (j->depth > 0 && j->need_comma[j->depth]) {
		strbuf_putc(j->out, ',');
	}
	if (j->depth > 0) {
		newline(j);
		j->need_comma[j->depth] = true;
	}
}

static void open(struct jsonw *j, char c)
{
	before_value(j);
	strbuf_putc(j->out, c);
	if (j->depth + 1 < JSON_MAX_DEPTH) {
		j->depth++;
	}
	j->need_comma[j->depth] = false;
}

static void close(struct jsonw *j, char c)
{
	bool had = j->need_comma[j->depth];

	if (j->depth > 0) {
		j->depth--;
	}
	if (had) {
		newline(j);
	}
	strbuf_putc(j->out, c);
}

void jsonw_begin_object(struct jsonw *j)
{
	open(j, '{');
}

void jsonw_end_object(struct jsonw *j)
{
	close(j, '}');
}

void jsonw_begin_array(struct jsonw *j)
{
	open(j, '[');
}

void jsonw_end_array(struct jsonw *j)
{
	close(j, ']');
}

/* Length of a well-formed UTF-8 sequence at s (1..4), or 0. */
static size_t utf8_sequence(const unsigned char *s, size_t left)
{
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80) {
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1fu;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0fu;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07u;
	} else {
		return 0;
	}
	if (n > left) {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			return 0;
		}
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff)) {
		return 0; /* overlong, out of range, or a surrogate */
	}
	return n;
}

/*
 * Escapes s as the contents of a JSON string.  Firmware output is not
 * always UTF-8: a byte that does not start a well-formed sequence becomes
 * U+FFFD, so that the document stays valid JSON.
 */
void jsonw_escape(struct strbuf *sb, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		unsigned char c = p[i];
		size_t n;

		switch (c) {
		case '"':
			strbuf_puts(sb, "\\\"");
			i++;
			continue;
		case '\\':
			strbuf_puts(sb, "\\\\");
			i++;
			continue;
		case '\n':
			strbuf_puts(sb, "\\n");
			i++;
			continue;
		case '\r':
			strbuf_puts(sb, "\\r");
			i++;
			continue;
		case '\t':
			strbuf_puts(sb, "\\t");
			i++;
			continue;
		default:
			break;
		}
		if (c >= 0x20 && c < 0x7f) {
			/* A run of printable ASCII goes in one append. */
			size_t end = i + 1;

			while (end < len && p[end] >= 0x20 && p[end] < 0x7f &&
			       p[end] != '"' && p[end] != '\\') {
				end++;
			}
			strbuf_append(sb, p + i, end - i);
			i = end;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			strbuf_printf(sb, "\\u%04x", c);
			i++;
			continue;
		}
		n = utf8_sequence(p + i, len - i);
		if (n == 0) {
			strbuf_puts(sb, "\\ufffd");
			i++;
			continue;
		}
		strbuf_append(sb, p + i, n);
		i += n;
	}
}

void jsonw_key(struct jsonw *j, const char *key)
{
	if (j->need_comma[j->depth]) {
		strbuf_putc(j->out, ',');
	}
	newline(j);
	j->need_comma[j->depth] = true;
	strbuf_putc(j->out, '"');
	jsonw_escape(j->out, key, strlen(key));
	strbuf_puts(j->out, j->pretty ? "\": " : "\":");
	j->key_pending = true;
}

void jsonw_string_n(struct jsonw *j, const char *s, size_t len)
{
	before_value(j);
	strbuf_putc(j->out, '"');
	jsonw_escape(j->out, s, len);
	strbuf_putc(j->out, '"');
}

void jsonw_string(struct jsonw *j, const char *s)
{
	if (s == NULL) {
		jsonw_null(j);
		return;
	}
	jsonw_string_n(j, s, strlen(s));
}

void jsonw_raw(struct jsonw *j, const char *text, size_t len)
{
	before_value(j);
	strbuf_append(j->out, text, len);
}

/* "0x" and the hex digits of v, quoted. */
static void put_hex_string(struct strbuf *out, uint64_t v)
{
	strbuf_puts(out, "\"0x");
	strbuf_put_hex(out, v);
	strbuf_putc(out, '"');
}

/*
 * Numbers are built by strbuf_put_dec() and strbuf_put_hex(): a trace
 * event's JSON holds dozens, and a vsnprintf per number was most of the
 * cost of formatting it (docs/fuzzing.md).
 */
void jsonw_int(struct jsonw *j, int64_t v)
{
	before_value(j);
	if (v < 0) {
		strbuf_putc(j->out, '-');
		/* Negated as unsigned, so that INT64_MIN does not overflow. */
		strbuf_put_dec(j->out, UINT64_C(0) - (uint64_t)v);
		return;
	}
	strbuf_put_dec(j->out, (uint64_t)v);
}

void jsonw_uint(struct jsonw *j, uint64_t v)
{
	before_value(j);
	/*
	 * Above INT64_MAX, readers such as jansson reject the number (RFC
	 * 8259 section 6 leaves the range to them): such values are hex text.
	 */
	if (v > (uint64_t)INT64_MAX) {
		put_hex_string(j->out, v);
		return;
	}
	strbuf_put_dec(j->out, v);
}

void jsonw_bool(struct jsonw *j, bool v)
{
	before_value(j);
	strbuf_puts(j->out, v ? "true" : "false");
}

void jsonw_null(struct jsonw *j)
{
	before_value(j);
	strbuf_puts(j->out, "null");
}

void jsonw_hex(struct jsonw *j, uint64_t v)
{
	before_value(j);
	put_hex_string(j->out, v);
}

void jsonw_hex_bytes(struct jsonw *j, const void *bytes, size_t len)
{
	before_value(j);
	strbuf_putc(j->out, '"');
	text_append_hex(j->out, bytes, len);
	strbuf_putc(j->out, '"');
}

void jsonw_kv_string(struct jsonw *j, const char *key, const char *s)
{
	jsonw_key(j, key);
	jsonw_string(j, s);
}

void jsonw_kv_int(struct jsonw *j, const char *key, int64_t v)
{
	jsonw_key(j, key);
	jsonw_int(j, v);
}

void jsonw_kv_uint(struct jsonw *j, const char *key, uint64_t v)
{
	jsonw_key(j, key);
	jsonw_uint(j, v);
}

void jsonw_kv_bool(struct jsonw *j, const char *key, bool v)
{
	jsonw_key(j, key);
	jsonw_bool(j, v);
}

void jsonw_kv_hex(struct jsonw *j, const char *key, uint64_t v)
{
	jsonw_key(j, key);
	jsonw_hex(j, v);
}
