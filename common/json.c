#include "common/json.h"

#include <inttypes.h>
#include <string.h>

#include "common/text.h"

void json_init(struct json *j, struct strbuf *out, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->pretty = pretty;
}

static void newline(struct json *j)
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
static void before_value(struct json *j)
{
	if (j->key_pending) {
		j->key_pending = false; /* json_key() wrote the separator */
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

static void open(struct json *j, char c)
{
	before_value(j);
	strbuf_putc(j->out, c);
	if (j->depth + 1 < JSON_MAX_DEPTH) {
		j->depth++;
	}
	j->need_comma[j->depth] = false;
}

static void close(struct json *j, char c)
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

void json_begin_object(struct json *j)
{
	open(j, '{');
}

void json_end_object(struct json *j)
{
	close(j, '}');
}

void json_begin_array(struct json *j)
{
	open(j, '[');
}

void json_end_array(struct json *j)
{
	close(j, ']');
}

void json_escape(struct strbuf *sb, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"':
			strbuf_puts(sb, "\\\"");
			break;
		case '\\':
			strbuf_puts(sb, "\\\\");
			break;
		case '\n':
			strbuf_puts(sb, "\\n");
			break;
		case '\r':
			strbuf_puts(sb, "\\r");
			break;
		case '\t':
			strbuf_puts(sb, "\\t");
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				strbuf_printf(sb, "\\u%04x", c);
			} else {
				strbuf_putc(sb, (char)c);
			}
			break;
		}
	}
}

void json_key(struct json *j, const char *key)
{
	if (j->need_comma[j->depth]) {
		strbuf_putc(j->out, ',');
	}
	newline(j);
	j->need_comma[j->depth] = true;
	strbuf_putc(j->out, '"');
	json_escape(j->out, key, strlen(key));
	strbuf_puts(j->out, j->pretty ? "\": " : "\":");
	j->key_pending = true;
}

void json_string_n(struct json *j, const char *s, size_t len)
{
	before_value(j);
	strbuf_putc(j->out, '"');
	json_escape(j->out, s, len);
	strbuf_putc(j->out, '"');
}

void json_string(struct json *j, const char *s)
{
	if (s == NULL) {
		json_null(j);
		return;
	}
	json_string_n(j, s, strlen(s));
}

void json_int(struct json *j, int64_t v)
{
	before_value(j);
	strbuf_printf(j->out, "%" PRId64, v);
}

void json_uint(struct json *j, uint64_t v)
{
	before_value(j);
	strbuf_printf(j->out, "%" PRIu64, v);
}

void json_bool(struct json *j, bool v)
{
	before_value(j);
	strbuf_puts(j->out, v ? "true" : "false");
}

void json_null(struct json *j)
{
	before_value(j);
	strbuf_puts(j->out, "null");
}

void json_hex(struct json *j, uint64_t v)
{
	before_value(j);
	strbuf_printf(j->out, "\"0x%" PRIx64 "\"", v);
}

void json_hex_bytes(struct json *j, const void *bytes, size_t len)
{
	before_value(j);
	strbuf_putc(j->out, '"');
	text_append_hex(j->out, bytes, len);
	strbuf_putc(j->out, '"');
}

void json_kv_string(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_string(j, s);
}

void json_kv_int(struct json *j, const char *key, int64_t v)
{
	json_key(j, key);
	json_int(j, v);
}

void json_kv_uint(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_uint(j, v);
}

void json_kv_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}

void json_kv_hex(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_hex(j, v);
}
