/*
 * A small JSON writer into a strbuf: the caller emits the structure, this
 * module gets commas and escaping right.  Nesting is tracked so that a
 * value after a value gets its comma.
 */
#ifndef COMMON_JSON_H
#define COMMON_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"

#define JSON_MAX_DEPTH 32

struct json {
	struct strbuf *out;
	int depth;
	bool need_comma[JSON_MAX_DEPTH]; /* a sibling was written at this depth */
	bool key_pending;                /* json_key() awaits its value */
	bool pretty;
};

void json_init(struct json *j, struct strbuf *out, bool pretty);
void json_begin_object(struct json *j);
void json_end_object(struct json *j);
void json_begin_array(struct json *j);
void json_end_array(struct json *j);
/* Key of the next value inside an object. */
void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s);
void json_string_n(struct json *j, const char *s, size_t len);
void json_int(struct json *j, int64_t v);
void json_uint(struct json *j, uint64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* "0x..." string: registers and addresses keep all 64 bits readable. */
void json_hex(struct json *j, uint64_t v);
/* Bytes as one hex string. */
void json_hex_bytes(struct json *j, const void *bytes, size_t len);

/* Key/value shorthands. */
void json_kv_string(struct json *j, const char *key, const char *s);
void json_kv_int(struct json *j, const char *key, int64_t v);
void json_kv_uint(struct json *j, const char *key, uint64_t v);
void json_kv_bool(struct json *j, const char *key, bool v);
void json_kv_hex(struct json *j, const char *key, uint64_t v);

/* Escapes s as the contents of a JSON string (no quotes). */
void json_escape(struct strbuf *sb, const char *s, size_t len);

#endif /* COMMON_JSON_H */
