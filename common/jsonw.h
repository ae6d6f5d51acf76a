/*
 * A small JSON writer into a strbuf: the caller emits the structure, this
 * module gets commas and escaping right.  Nesting is tracked so that a
 * value after a value gets its comma.
 */
#ifndef COMMON_JSONW_H
#define COMMON_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"

#define JSON_MAX_DEPTH 32

struct jsonw {
	struct strbuf *out;
	int depth;
	bool need_comma[JSON_MAX_DEPTH]; /* a sibling was written at this depth */
	bool key_pending;                /* jsonw_key() awaits its value */
	bool pretty;
};

void jsonw_init(struct jsonw *j, struct strbuf *out, bool pretty);
void jsonw_begin_object(struct jsonw *j);
void jsonw_end_object(struct jsonw *j);
void jsonw_begin_array(struct jsonw *j);
void jsonw_end_array(struct jsonw *j);
/* Key of the next value inside an object. */
void jsonw_key(struct jsonw *j, const char *key);
void jsonw_string(struct jsonw *j, const char *s);
void jsonw_string_n(struct jsonw *j, const char *s, size_t len);
void jsonw_int(struct jsonw *j, int64_t v);
/* A number; above INT64_MAX, "0x..." text (what readers can take). */
void jsonw_uint(struct jsonw *j, uint64_t v);
void jsonw_bool(struct jsonw *j, bool v);
void jsonw_null(struct jsonw *j);
/* "0x..." string: registers and addresses keep all 64 bits readable. */
void jsonw_hex(struct jsonw *j, uint64_t v);
/* Bytes as one hex string. */
void jsonw_hex_bytes(struct jsonw *j, const void *bytes, size_t len);

/* A value already rendered as JSON text, inserted verbatim. */
void jsonw_raw(struct jsonw *j, const char *text, size_t len);

/* Key/value shorthands. */
void jsonw_kv_string(struct jsonw *j, const char *key, const char *s);
void jsonw_kv_int(struct jsonw *j, const char *key, int64_t v);
void jsonw_kv_uint(struct jsonw *j, const char *key, uint64_t v);
void jsonw_kv_bool(struct jsonw *j, const char *key, bool v);
void jsonw_kv_hex(struct jsonw *j, const char *key, uint64_t v);

/* Escapes s as the contents of a JSON string (no quotes). */
void jsonw_escape(struct strbuf *sb, const char *s, size_t len);

#endif /* COMMON_JSONW_H */
