/*
 * Scenario loader: a YAML file (docs/scenarios.md) to the typed model of
 * harness/scenario.h, in two passes.
 *
 * 1. One libyaml event loop builds a small tree of nodes (mapping,
 *    sequence, scalar), each with its 1-based mark.  A YAML syntax error
 *    (reader, scanner, parser) ends the load with that one error: what
 *    follows it cannot be trusted.
 * 2. The tree is checked against schema tables, one `static const` table of
 *    {key, required, handler, offset} rows per kind of mapping, and the
 *    handlers fill the structs.  Every semantic error is collected, so one
 *    `ffa-harness check` lists all the mistakes of a file, sorted by line.
 *
 * Ownership: whatever a handler allocates hangs on the scenario being
 * filled at once (an array gets its count when it is allocated), so
 * scenario_free_one() releases any partial result.  Nothing reaches the
 * caller's set unless the whole file is valid.
 *
 * Deviations from full YAML: aliases are rejected (a scenario is small;
 * write the value out), anchors and tags are ignored, and a file holds one
 * YAML document.
 */
#include "harness/scenario.h"

#include <assert.h>
#include <ctype.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "abi/agent.h"
#include "common/abi_names.h"
#include "common/error.h"
#include "common/fileio.h"
#include "common/text.h"
#include "emulator/smc.h"
#include "models/spmc.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Deeper than any sane scenario; bounds the recursion of both passes. */
#define MAX_DEPTH 64
/* The largest scenario file accepted. */
#define MAX_FILE_SIZE (16u * 1024 * 1024)
#define PATH_LEN 256
/* Longest scalar quoted in a message. */
#define QUOTE_MAX 48
/* Most rows in one schema table. */
#define MAX_FIELDS 32

/* --- Node tree ------------------------------------------------------------ */

enum node_type {
	NODE_SCALAR,
	NODE_SEQUENCE,
	NODE_MAPPING,
	NODE_ALIAS, /* rejected where a value is read; text = anchor name */
};

struct node {
	enum node_type type;
	struct source_mark mark;
	char *text; /* scalar: NUL-terminated; may hold NULs, see len */
	size_t len;
	bool plain; /* scalar written without quotes (only those are null) */
	/* Sequence: the items.  Mapping: key, value, key, value ... */
	struct node **kids;
	size_t count;
	size_t cap;
};

static struct source_mark mark_of(yaml_mark_t m)
{
	return (struct source_mark){(int)m.line + 1, (int)m.column + 1};
}

static struct node *node_new(enum node_type type, yaml_mark_t m)
{
	struct node *n = xcalloc(1, sizeof(*n));

	n->type = type;
	n->mark = mark_of(m);
	return n;
}

static void node_add(struct node *parent, struct node *kid)
{
	if (parent->count == parent->cap) {
		parent->cap = parent->cap != 0 ? 2 * parent->cap : 8;
		parent->kids = xrealloc(parent->kids,
					parent->cap * sizeof(*parent->kids));
	}
	parent->kids[parent->count++] = kid;
}

/* Recursion is bounded by MAX_DEPTH, enforced while building. */
static void node_free(struct node *n)
{
	if (n == NULL) {
		return;
	}
	for (size_t i = 0; i < n->count; i++) {
		node_free(n->kids[i]);
	}
	free(n->kids);
	free(n->text);
	free(n);
}

/* YAML 1.1/1.2 null: an unquoted empty scalar, "~" or "null". */
static bool node_is_null(const struct node *n)
{
	if (n->type != NODE_SCALAR || !n->plain) {
		return false;
	}
	return n->len == 0 || strcmp(n->text, "~") == 0 ||
	       strcmp(n->text, "null") == 0 || strcmp(n->text, "Null") == 0 ||
	       strcmp(n->text, "NULL") == 0;
}

/* The key node of key in a mapping, or NULL (also for a null node). */
static const struct node *mapping_key_node(const struct node *map,
					   const char *key)
{
	if (map->type != NODE_MAPPING) {
		return NULL;
	}
	for (size_t i = 0; i + 1 < map->count; i += 2) {
		const struct node *k = map->kids[i];

		if (k->type == NODE_SCALAR && strcmp(k->text, key) == 0) {
			return k;
		}
	}
	return NULL;
}

/* The value of key in a mapping node, or NULL. */
static const struct node *mapping_get(const struct node *map, const char *key)
{
	const struct node *k = mapping_key_node(map, key);

	for (size_t i = 0; k != NULL && i + 1 < map->count; i += 2) {
		if (map->kids[i] == k) {
			return map->kids[i + 1];
		}
	}
	return NULL;
}

/* --- Errors and key paths ------------------------------------------------- */

struct load_error {
	struct source_mark mark;
	size_t seq; /* keeps the order of errors at one mark */
	char *text;
};

struct loader {
	const char *file;
	char path[PATH_LEN]; /* "steps[2].set_variable.attributes" */
	size_t path_len;
	struct load_error *errors;
	size_t error_count;
	size_t error_cap;
};

static void loader_error(struct loader *ld, struct source_mark mark,
			 const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void loader_error(struct loader *ld, struct source_mark mark,
			 const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	strbuf_printf(&sb, "%s:%d:%d: error: %s: ", ld->file, mark.line,
		      mark.column, ld->path_len != 0 ? ld->path : "(document)");
	va_start(ap, fmt);
	strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	if (ld->error_count == ld->error_cap) {
		ld->error_cap = ld->error_cap != 0 ? 2 * ld->error_cap : 8;
		ld->errors = xrealloc(ld->errors,
				      ld->error_cap * sizeof(*ld->errors));
	}
	ld->errors[ld->error_count] =
		(struct load_error){mark, ld->error_count, strbuf_steal(&sb)};
	ld->error_count++;
}

static size_t path_append(struct loader *ld, const char *piece)
{
	size_t saved = ld->path_len;
	size_t room = sizeof(ld->path) - 1 - ld->path_len;
	size_t n = strlen(piece);

	if (n > room) {
		n = room;
	}
	memcpy(ld->path + ld->path_len, piece, n);
	ld->path_len += n;
	ld->path[ld->path_len] = '\0';
	return saved;
}

/* Appends ".key" (or "key" at the top); returns what path_restore needs. */
static size_t path_key(struct loader *ld, const char *key)
{
	char piece[72];
	size_t saved = ld->path_len;
	size_t n = 0;

	if (ld->path_len != 0) {
		piece[n++] = '.';
	}
	for (const char *p = key; *p != '\0' && n < sizeof(piece) - 1; p++) {
		/* A user's unknown key may hold anything; keep lines whole. */
		piece[n++] = (unsigned char)*p < 0x20 ? '?' : *p;
	}
	piece[n] = '\0';
	path_append(ld, piece);
	return saved;
}

static size_t path_index(struct loader *ld, size_t i)
{
	char piece[32];

	snprintf(piece, sizeof(piece), "[%zu]", i);
	return path_append(ld, piece);
}

static void path_restore(struct loader *ld, size_t saved)
{
	ld->path_len = saved;
	ld->path[saved] = '\0';
}

/* What a node is, for "got ...": 'text', null, a mapping, a sequence. */
static void describe(const struct node *n, char *out, size_t size)
{
	struct strbuf sb = STRBUF_INIT;

	switch (n->type) {
	case NODE_MAPPING:
		strbuf_puts(&sb, "a mapping");
		break;
	case NODE_SEQUENCE:
		strbuf_puts(&sb, "a sequence");
		break;
	case NODE_ALIAS:
		strbuf_printf(&sb, "an alias (*%.*s); aliases are not "
				   "supported, write the value out",
			      QUOTE_MAX, n->text);
		break;
	case NODE_SCALAR:
		if (node_is_null(n)) {
			strbuf_puts(&sb, "null");
			break;
		}
		strbuf_putc(&sb, '\'');
		for (size_t i = 0; i < n->len && i < QUOTE_MAX; i++) {
			unsigned char c = (unsigned char)n->text[i];

			if (c < 0x20 || c == 0x7f) {
				strbuf_printf(&sb, "\\x%02x", c);
			} else {
				strbuf_putc(&sb, (char)c);
			}
		}
		strbuf_puts(&sb, n->len > QUOTE_MAX ? "...'" : "'");
		break;
	}
	snprintf(out, size, "%s", strbuf_str(&sb));
	strbuf_free(&sb);
}

/* Reports "expected <what>, got <node>" at the node. */
static void error_expected(struct loader *ld, const struct node *n,
			   const char *what)
{
	char got[160];

	describe(n, got, sizeof(got));
	loader_error(ld, n->mark, "expected %s, got %s", what, got);
}

/* The text of a non-null scalar free of NULs, or NULL after an error. */
static const char *want_text(struct loader *ld, const struct node *n,
			     const char *what)
{
	if (n->type != NODE_SCALAR || node_is_null(n)) {
		error_expected(ld, n, what);
		return NULL;
	}
	if (strlen(n->text) != n->len) {
		loader_error(ld, n->mark,
			     "expected %s, got text with a NUL character",
			     what);
		return NULL;
	}
	return n->text;
}

/* --- Scalar conversions --------------------------------------------------- */

#define EXP_TEXT "a string"
#define EXP_NUMBER "a number (decimal or 0x hex)"
#define EXP_SIZE "a size (a number with an optional K, M or G suffix)"
#define EXP_BOOL "true or false (or yes/no)"
#define EXP_STATUS "an EFI status name (EFI_NOT_FOUND) or a number"
#define EXP_FFA_ERROR "an FF-A error name (DENIED) or a number"
#define EXP_MM_RET "an MM return code name (MM_DENIED) or a number"
#define EXP_MM_FUNCTION \
	"an MM variable function name (SET_VARIABLE) or a number"
#define EXP_ATTRIBUTES "EFI variable attributes (NV|BS|RT) or a number"
#define EXP_GUID "a GUID (8be4df61-93ca-11d2-aa0d-00e098032b8c)"
#define EXP_HEX "hex bytes (0a0b0c)"
#define EXP_SMC "an SMC function name (FFA_MSG_SEND_DIRECT_REQ_64) or a number"

/*
 * Decimal or 0x hex; sizes may end in K, M or G.  Leading zeros of a
 * decimal are dropped before text_parse_u64(), whose strtoull() would read
 * "010" as octal: scenarios have no octal.
 */
static bool parse_number(const char *s, bool size, uint64_t *out)
{
	const char *p = s;
	const char *digits;
	bool hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');

	if (hex) {
		p += 2;
		digits = p;
		while (isxdigit((unsigned char)*p)) {
			p++;
		}
	} else {
		while (p[0] == '0' && isdigit((unsigned char)p[1])) {
			p++;
		}
		digits = p;
		while (isdigit((unsigned char)*p)) {
			p++;
		}
	}
	if (p == digits) {
		return false;
	}
	if (*p != '\0' &&
	    !(size && p[1] == '\0' && strchr("KkMmGg", *p) != NULL)) {
		return false;
	}
	if (size) {
		return text_parse_size(hex ? s : digits, out);
	}
	return text_parse_u64(hex ? s : digits, out);
}

/*
 * The text to give a name-or-number parser (abi_names.h, smc.h): a name
 * as it is; a number, which must be an optional minus and a decimal or 0x
 * hex, without the leading zeros of a decimal, so that strtoull()'s octal
 * and "+" never apply.  NULL for anything else that starts like a number.
 */
static const char *canonical_number(const char *s, char buf[32])
{
	const char *p = s + (s[0] == '-' ? 1 : 0);
	const char *digits;
	size_t n;

	if (!isdigit((unsigned char)s[0]) && s[0] != '-' && s[0] != '+') {
		return s; /* a name */
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		for (n = 2; isxdigit((unsigned char)p[n]); n++) {
		}
		return n > 2 && p[n] == '\0' ? s : NULL;
	}
	while (p[0] == '0' && isdigit((unsigned char)p[1])) {
		p++;
	}
	digits = p;
	for (n = 0; isdigit((unsigned char)digits[n]); n++) {
	}
	if (n == 0 || digits[n] != '\0' || n > 24) {
		return NULL;
	}
	snprintf(buf, 32, "%s%s", s[0] == '-' ? "-" : "", digits);
	return buf;
}

static bool parse_bool(const char *s, bool *out)
{
	if (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0) {
		*out = true;
		return true;
	}
	if (strcasecmp(s, "false") == 0 || strcasecmp(s, "no") == 0) {
		*out = false;
		return true;
	}
	return false;
}

/* "a, b or c" */
static void join_choices(const char *const *choices, struct strbuf *sb)
{
	for (size_t i = 0; choices[i] != NULL; i++) {
		if (i != 0) {
			strbuf_puts(sb, choices[i + 1] == NULL ? " or " : ", ");
		}
		strbuf_puts(sb, choices[i]);
	}
}

/* Index of s in the NULL-terminated list, or -1 after an error. */
static int want_choice(struct loader *ld, const struct node *n,
		       const char *const *choices)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s;
	int found = -1;

	join_choices(choices, &sb);
	s = want_text(ld, n, strbuf_str(&sb));
	if (s != NULL) {
		for (int i = 0; choices[i] != NULL; i++) {
			if (strcmp(s, choices[i]) == 0) {
				found = i;
			}
		}
		if (found < 0) {
			error_expected(ld, n, strbuf_str(&sb));
		}
	}
	strbuf_free(&sb);
	return found;
}

/* --- Schema tables -------------------------------------------------------- */

struct field;
struct schema;

typedef void field_fn(struct loader *ld, const struct node *v, void *base,
		      const struct field *f);
typedef void schema_init_fn(void *base);
typedef void schema_check_fn(struct loader *ld, const struct node *n,
			     void *base);

/* One key of a mapping (STYLE I2, after libcyaml's CYAML_FIELD_*). */
struct field {
	const char *key;
	bool required;
	field_fn *parse;
	size_t offset;   /* the member the handler fills */
	size_t aux;      /* a second member: count, has-flag, fid */
	size_t aux2;     /* a third member: mark */
	const struct schema *sub;     /* nested mapping or sequence entry */
	const char *const *choices;   /* NULL-terminated */
	bool ucs2; /* text: a variable name, so UCS-2 must hold it */
	/* Numbers: allowed range when max != 0.  Text: min 1 = non-empty. */
	uint64_t min;
	uint64_t max;
	const char *what; /* "expected <what>" instead of the default */
};

/* A kind of mapping. */
struct schema {
	const char *what; /* "a partition mapping {id, uuid, ...}" */
	const struct field *fields;
	size_t field_count;
	size_t size;        /* entry size, for sequences of these */
	bool marked;        /* the entry has a source mark at mark_offset */
	size_t mark_offset;
	bool null_is_empty; /* step arguments: `- exit_boot_services:` */
	schema_init_fn *init;   /* defaults before the keys are read */
	schema_check_fn *check; /* rules across keys, after them */
};

#define AT(base, offset, type) ((type *)(void *)((char *)(base) + (offset)))

#define ROW(k, req, fn, type, member)                                   \
	{                                                               \
		.key = (k), .required = (req), .parse = (fn),           \
		.offset = offsetof(type, member),                       \
	}
#define ROW_AUX(k, req, fn, type, member, aux_member, aux2_member)      \
	{                                                               \
		.key = (k), .required = (req), .parse = (fn),           \
		.offset = offsetof(type, member),                       \
		.aux = offsetof(type, aux_member),                      \
		.aux2 = offsetof(type, aux2_member),                    \
	}
#define ROW_RANGE(k, req, fn, type, member, lo, hi, text)               \
	{                                                               \
		.key = (k), .required = (req), .parse = (fn),           \
		.offset = offsetof(type, member), .min = (lo),          \
		.max = (hi), .what = (text),                            \
	}
#define ROW_CHOICE(k, fn, type, member, list)                           \
	{                                                               \
		.key = (k), .parse = (fn), .offset = offsetof(type, member), \
		.choices = (list),                                      \
	}
#define ROW_SUB(k, req, fn, type, member, aux_member, schema)           \
	{                                                               \
		.key = (k), .required = (req), .parse = (fn),           \
		.offset = offsetof(type, member),                       \
		.aux = offsetof(type, aux_member), .sub = (schema),     \
	}
#define ROW_NONEMPTY(k, req, fn, type, member)                          \
	{                                                               \
		.key = (k), .required = (req), .parse = (fn),           \
		.offset = offsetof(type, member), .min = 1,             \
	}

static int find_field(const struct schema *s, const char *key)
{
	for (size_t i = 0; i < s->field_count; i++) {
		if (strcmp(s->fields[i].key, key) == 0) {
			return (int)i;
		}
	}
	return -1;
}

static void unknown_key(struct loader *ld, const struct node *key,
			const struct schema *s)
{
	struct strbuf sb = STRBUF_INIT;
	char got[160];
	size_t saved = path_key(ld, key->text);

	describe(key, got, sizeof(got));
	for (size_t i = 0; i < s->field_count; i++) {
		strbuf_printf(&sb, "%s%s", i != 0 ? ", " : "",
			      s->fields[i].key);
	}
	if (s->field_count == 0) {
		loader_error(ld, key->mark,
			     "unknown key %s; this takes no arguments", got);
	} else {
		loader_error(ld, key->mark,
			     "unknown key %s; expected one of: %s", got,
			     strbuf_str(&sb));
	}
	path_restore(ld, saved);
	strbuf_free(&sb);
}

/*
 * The text of the key at index i of a mapping, or NULL after an error
 * (a key that is not a scalar, or a repeat of an earlier key).
 */
static const char *mapping_key(struct loader *ld, const struct node *map,
			       size_t i)
{
	const struct node *key = map->kids[i];

	if (key->type != NODE_SCALAR || strlen(key->text) != key->len) {
		error_expected(ld, key, "a key name");
		return NULL;
	}
	for (size_t j = 0; j < i; j += 2) {
		const struct node *prev = map->kids[j];

		if (prev->type == NODE_SCALAR &&
		    strcmp(prev->text, key->text) == 0) {
			size_t saved = path_key(ld, key->text);

			loader_error(ld, key->mark,
				     "duplicate key '%s' (first at line %d, "
				     "column %d)",
				     key->text, prev->mark.line,
				     prev->mark.column);
			path_restore(ld, saved);
			return NULL;
		}
	}
	return key->text;
}

/* Fills base from mapping n by schema s; see struct schema. */
static void walk_mapping(struct loader *ld, const struct node *n,
			 const struct schema *s, void *base)
{
	bool seen[MAX_FIELDS] = {false};

	assert(s->field_count <= MAX_FIELDS);
	if (s->init != NULL) {
		s->init(base);
	}
	if (s->marked) {
		*AT(base, s->mark_offset, struct source_mark) = n->mark;
	}
	if (!(s->null_is_empty && node_is_null(n)) &&
	    n->type != NODE_MAPPING) {
		error_expected(ld, n, s->what);
		return;
	}
	for (size_t i = 0; n->type == NODE_MAPPING && i + 1 < n->count;
	     i += 2) {
		const char *key = mapping_key(ld, n, i);
		const struct field *f;
		size_t saved;
		int idx;

		if (key == NULL) {
			continue;
		}
		idx = find_field(s, key);
		if (idx < 0) {
			unknown_key(ld, n->kids[i], s);
			continue;
		}
		f = &s->fields[idx];
		seen[idx] = true;
		saved = path_key(ld, key);
		f->parse(ld, n->kids[i + 1], base, f);
		path_restore(ld, saved);
	}
	for (size_t i = 0; i < s->field_count; i++) {
		if (s->fields[i].required && !seen[i]) {
			size_t saved = path_key(ld, s->fields[i].key);

			loader_error(ld, n->mark, "missing required key '%s'",
				     s->fields[i].key);
			path_restore(ld, saved);
		}
	}
	if (s->check != NULL) {
		s->check(ld, n, base);
	}
}

/* --- Field handlers: scalars ---------------------------------------------- */

/* The text of a row's scalar: non-empty or a variable name if it says. */
static const char *want_row_text(struct loader *ld, const struct node *v,
				 const struct field *f)
{
	const char *what = f->ucs2 && f->min != 0 ? "a non-empty variable name"
			   : f->ucs2		    ? "a variable name"
			   : f->min != 0	    ? "a non-empty string"
						    : EXP_TEXT;
	const char *s = want_text(ld, v, what);
	uint16_t *units;
	size_t size;

	if (s == NULL) {
		return NULL;
	}
	if (f->min != 0 && s[0] == '\0') {
		error_expected(ld, v, what);
		return NULL;
	}
	if (f->ucs2) {
		if (!text_utf8_to_ucs2(s, &units, &size)) {
			error_expected(ld, v,
				       "a variable name of characters UCS-2 "
				       "can hold (none beyond U+FFFF)");
			return NULL;
		}
		free(units);
	}
	return s;
}

static void f_string(struct loader *ld, const struct node *v, void *base,
		     const struct field *f)
{
	char **out = AT(base, f->offset, char *);
	const char *s = want_row_text(ld, v, f);

	if (s == NULL) {
		return;
	}
	free(*out);
	*out = xstrdup(s);
}

static void set_text(struct scenario_text *t, const struct node *v,
		     const char *s)
{
	free(t->value);
	t->value = xstrdup(s);
	t->mark = v->mark;
}

static void f_text(struct loader *ld, const struct node *v, void *base,
		   const struct field *f)
{
	const char *s = want_row_text(ld, v, f);

	if (s == NULL) {
		return;
	}
	set_text(AT(base, f->offset, struct scenario_text), v, s);
}

static void f_text_choice(struct loader *ld, const struct node *v,
			  void *base, const struct field *f)
{
	if (want_choice(ld, v, f->choices) >= 0) {
		set_text(AT(base, f->offset, struct scenario_text), v, v->text);
	}
}

static void f_string_choice(struct loader *ld, const struct node *v,
			    void *base, const struct field *f)
{
	char **out = AT(base, f->offset, char *);

	if (want_choice(ld, v, f->choices) >= 0) {
		free(*out);
		*out = xstrdup(v->text);
	}
}

/* A number or size into struct scenario_u64, with the row's range. */
static void number_field(struct loader *ld, const struct node *v,
			 void *base, const struct field *f, bool size)
{
	struct scenario_u64 *out = AT(base, f->offset, struct scenario_u64);
	const char *what = f->what != NULL ? f->what
					   : size ? EXP_SIZE : EXP_NUMBER;
	const char *s = want_text(ld, v, what);
	uint64_t value;

	if (s == NULL) {
		return;
	}
	if (!parse_number(s, size, &value)) {
		error_expected(ld, v, what);
		return;
	}
	if (f->max != 0 && (value < f->min || value > f->max)) {
		char range[96];

		if (f->what != NULL) {
			snprintf(range, sizeof(range), "%s", f->what);
		} else if (f->max == UINT64_MAX) {
			snprintf(range, sizeof(range),
				 "a number of at least %llu",
				 (unsigned long long)f->min);
		} else {
			snprintf(range, sizeof(range),
				 "a number from %llu to %llu",
				 (unsigned long long)f->min,
				 (unsigned long long)f->max);
		}
		error_expected(ld, v, range);
		return;
	}
	*out = (struct scenario_u64){true, value, v->mark};
}

static void f_u64(struct loader *ld, const struct node *v, void *base,
		  const struct field *f)
{
	number_field(ld, v, base, f, false);
}

static void f_size(struct loader *ld, const struct node *v, void *base,
		   const struct field *f)
{
	number_field(ld, v, base, f, true);
}

static bool want_bool(struct loader *ld, const struct node *v, bool *out)
{
	const char *s = want_text(ld, v, EXP_BOOL);

	if (s != NULL && !parse_bool(s, out)) {
		error_expected(ld, v, EXP_BOOL);
		return false;
	}
	return s != NULL;
}

/* A boolean kept as a scenario_u64 (0 or 1) so that presence is known. */
static void f_bool(struct loader *ld, const struct node *v, void *base,
		   const struct field *f)
{
	bool b;

	if (want_bool(ld, v, &b)) {
		*AT(base, f->offset, struct scenario_u64) =
			(struct scenario_u64){true, b ? 1 : 0, v->mark};
	}
}

static void f_flag(struct loader *ld, const struct node *v, void *base,
		   const struct field *f)
{
	bool b;

	if (want_bool(ld, v, &b)) {
		*AT(base, f->offset, bool) = b;
	}
}

/* console.enter (default true) is stored inverted, as no_enter. */
static void f_enter(struct loader *ld, const struct node *v, void *base,
		    const struct field *f)
{
	bool b;

	if (want_bool(ld, v, &b)) {
		*AT(base, f->offset, bool) = !b;
	}
}

static void f_efi_status(struct loader *ld, const struct node *v,
			 void *base, const struct field *f)
{
	const char *s = want_text(ld, v, EXP_STATUS);
	char number[32];
	const char *c;
	uint64_t status;

	if (s == NULL) {
		return;
	}
	c = canonical_number(s, number);
	if (c == NULL || !efi_status_parse(c, &status)) {
		error_expected(ld, v, EXP_STATUS);
		return;
	}
	*AT(base, f->offset, struct scenario_u64) =
		(struct scenario_u64){true, status, v->mark};
}

static bool want_attributes(struct loader *ld, const struct node *v,
			    uint32_t *out)
{
	const char *s = want_text(ld, v, EXP_ATTRIBUTES);
	char number[32];
	const char *c;

	if (s == NULL) {
		return false;
	}
	c = canonical_number(s, number);
	if (c == NULL || !efi_attributes_parse(c, out)) {
		error_expected(ld, v, EXP_ATTRIBUTES);
		return false;
	}
	return true;
}

/* Attributes as an expectation: struct scenario_u64. */
static void f_attributes(struct loader *ld, const struct node *v,
			 void *base, const struct field *f)
{
	uint32_t a;

	if (want_attributes(ld, v, &a)) {
		*AT(base, f->offset, struct scenario_u64) =
			(struct scenario_u64){true, a, v->mark};
	}
}

/* Attributes with a has-flag (aux) and a mark (aux2). */
static void f_attributes_has(struct loader *ld, const struct node *v,
			     void *base, const struct field *f)
{
	uint32_t a;

	if (want_attributes(ld, v, &a)) {
		*AT(base, f->offset, uint32_t) = a;
		*AT(base, f->aux, bool) = true;
		*AT(base, f->aux2, struct source_mark) = v->mark;
	}
}

/* Attributes of a preloaded variable: a plain uint32_t. */
static void f_attributes_plain(struct loader *ld, const struct node *v,
			       void *base, const struct field *f)
{
	uint32_t a;

	if (want_attributes(ld, v, &a)) {
		*AT(base, f->offset, uint32_t) = a;
	}
}

static bool want_guid(struct loader *ld, const struct node *v,
		      struct efi_guid *out)
{
	const char *s = want_text(ld, v, EXP_GUID);

	if (s != NULL && !text_parse_guid(s, out)) {
		error_expected(ld, v, EXP_GUID);
		return false;
	}
	return s != NULL;
}

/* A GUID with a has-flag (aux) and a mark (aux2). */
static void f_guid_has(struct loader *ld, const struct node *v, void *base,
		       const struct field *f)
{
	if (want_guid(ld, v, AT(base, f->offset, struct efi_guid))) {
		*AT(base, f->aux, bool) = true;
		*AT(base, f->aux2, struct source_mark) = v->mark;
	}
}

static void f_guid_plain(struct loader *ld, const struct node *v,
			 void *base, const struct field *f)
{
	want_guid(ld, v, AT(base, f->offset, struct efi_guid));
}

/* A partition UUID (FF-A words) with its has-flag (aux). */
static void f_ffa_uuid(struct loader *ld, const struct node *v, void *base,
		       const struct field *f)
{
	const char *s = want_text(ld, v, EXP_GUID);

	if (s == NULL) {
		return;
	}
	if (!text_parse_ffa_uuid(s, AT(base, f->offset, struct ffa_uuid))) {
		error_expected(ld, v, EXP_GUID);
		return;
	}
	*AT(base, f->aux, bool) = true;
}

static void f_mm_function(struct loader *ld, const struct node *v,
			  void *base, const struct field *f)
{
	const char *s = want_text(ld, v, EXP_MM_FUNCTION);
	char number[32];
	const char *c;
	uint64_t fn;

	if (s == NULL) {
		return;
	}
	c = canonical_number(s, number);
	if (c == NULL || !mm_function_parse(c, &fn)) {
		error_expected(ld, v, EXP_MM_FUNCTION);
		return;
	}
	*AT(base, f->offset, struct scenario_u64) =
		(struct scenario_u64){true, fn, v->mark};
}

/* An expected MM return code; the int64_t is kept as its bits. */
static void f_mm_return(struct loader *ld, const struct node *v,
			void *base, const struct field *f)
{
	const char *s = want_text(ld, v, EXP_MM_RET);
	char number[32];
	const char *c;
	int64_t code;

	if (s == NULL) {
		return;
	}
	c = canonical_number(s, number);
	if (c == NULL || !mm_ret_parse(c, &code)) {
		error_expected(ld, v, EXP_MM_RET);
		return;
	}
	*AT(base, f->offset, struct scenario_u64) =
		(struct scenario_u64){true, (uint64_t)code, v->mark};
}

/* An SMC function name or number, kept as text (offset) and fid (aux). */
static bool want_smc(struct loader *ld, const struct node *v, void *base,
		     size_t text_offset, uint32_t *fid)
{
	const char *s = want_text(ld, v, EXP_SMC);
	char number[32];
	const char *c;

	if (s == NULL) {
		return false;
	}
	c = canonical_number(s, number);
	if (c == NULL || !smc_function_parse(c, fid)) {
		error_expected(ld, v, EXP_SMC);
		return false;
	}
	set_text(AT(base, text_offset, struct scenario_text), v, s);
	return true;
}

static void f_smc_function(struct loader *ld, const struct node *v,
			   void *base, const struct field *f)
{
	uint32_t fid;

	if (want_smc(ld, v, base, f->offset, &fid)) {
		*AT(base, f->aux, uint32_t) = fid;
	}
}

static void f_smc_name(struct loader *ld, const struct node *v, void *base,
		       const struct field *f)
{
	uint32_t fid;

	want_smc(ld, v, base, f->offset, &fid);
}

static void f_regex(struct loader *ld, const struct node *v, void *base,
		    const struct field *f)
{
	const char *s = want_text(ld, v, "a POSIX extended regular expression");
	regex_t re;
	int rc;

	if (s == NULL) {
		return;
	}
	/* The flags the runner matches with (harness/expect.c). */
	rc = regcomp(&re, s, REG_EXTENDED | REG_NOSUB | REG_NEWLINE);
	if (rc != 0) {
		char why[128];
		char got[160];

		regerror(rc, &re, why, sizeof(why));
		describe(v, got, sizeof(got));
		loader_error(ld, v->mark,
			     "expected a POSIX extended regular expression, "
			     "got %s (%s)",
			     got, why);
		return;
	}
	regfree(&re);
	set_text(AT(base, f->offset, struct scenario_text), v, s);
}

/* --- Field handlers: bytes ------------------------------------------------ */

enum bytes_form { BYTES_TEXT, BYTES_HEX, BYTES_UCS2 };

static void bytes_field(struct loader *ld, const struct node *v, void *base,
			const struct field *f, enum bytes_form form)
{
	struct scenario_bytes *b = AT(base, f->offset, struct scenario_bytes);
	uint8_t *data = NULL;
	size_t len = 0;

	if (b->present) {
		/* data, data_hex and data_ucs2 share one member. */
		loader_error(ld, v->mark,
			     "only one of data, data_hex and data_ucs2 may be "
			     "given; one is already at line %d, column %d",
			     b->mark.line, b->mark.column);
		return;
	}
	if (form == BYTES_TEXT) {
		/* Text may hold NULs ("a\0b"): take the scalar's length. */
		if (v->type != NODE_SCALAR || node_is_null(v)) {
			error_expected(ld, v, "text");
			return;
		}
		len = v->len;
		data = xmalloc(len + 1);
		memcpy(data, v->text, len);
	} else if (form == BYTES_HEX) {
		const char *s = want_text(ld, v, EXP_HEX);

		if (s == NULL) {
			return;
		}
		if (!text_parse_hex(s, &data, &len)) {
			char got[160];

			describe(v, got, sizeof(got));
			loader_error(ld, v->mark,
				     "expected %s, got %s (bad digit or odd "
				     "count at character %zu)",
				     EXP_HEX, got, len + 1);
			return;
		}
	} else {
		const char *s = want_text(ld, v, "text");
		uint16_t *units;
		size_t size;

		if (s == NULL) {
			return;
		}
		if (!text_utf8_to_ucs2(s, &units, &size)) {
			error_expected(ld, v,
				       "UTF-8 text of characters UCS-2 can "
				       "hold (none beyond U+FFFF)");
			return;
		}
		/* The variable services take UCS-2 little-endian. */
		len = size;
		data = xmalloc(size);
		for (size_t i = 0; i < size / 2; i++) {
			data[2 * i] = (uint8_t)(units[i] & 0xff);
			data[2 * i + 1] = (uint8_t)(units[i] >> 8);
		}
		free(units);
	}
	*b = (struct scenario_bytes){true, data, len, v->mark};
}

static void f_data_text(struct loader *ld, const struct node *v, void *base,
			const struct field *f)
{
	bytes_field(ld, v, base, f, BYTES_TEXT);
}

static void f_data_hex(struct loader *ld, const struct node *v, void *base,
		       const struct field *f)
{
	bytes_field(ld, v, base, f, BYTES_HEX);
}

static void f_data_ucs2(struct loader *ld, const struct node *v, void *base,
			const struct field *f)
{
	bytes_field(ld, v, base, f, BYTES_UCS2);
}

/* --- Field handlers: collections ------------------------------------------ */

static void f_nested(struct loader *ld, const struct node *v, void *base,
		     const struct field *f)
{
	walk_mapping(ld, v, f->sub, AT(base, f->offset, char));
}

/* A sequence of mappings: array at offset, count at aux, entry schema. */
static void f_entries(struct loader *ld, const struct node *v, void *base,
		      const struct field *f)
{
	char **array = AT(base, f->offset, char *);
	size_t *count = AT(base, f->aux, size_t);
	char what[160];

	if (v->type != NODE_SEQUENCE) {
		snprintf(what, sizeof(what), "a sequence of %s", f->sub->what);
		error_expected(ld, v, what);
		return;
	}
	*array = xcalloc(v->count != 0 ? v->count : 1, f->sub->size);
	*count = v->count;
	for (size_t i = 0; i < v->count; i++) {
		size_t saved = path_index(ld, i);

		walk_mapping(ld, v->kids[i], f->sub,
			     *array + i * f->sub->size);
		path_restore(ld, saved);
	}
}

/* A sequence of strings as struct scenario_text[] (count at aux). */
static void f_text_list(struct loader *ld, const struct node *v, void *base,
			const struct field *f)
{
	struct scenario_text **array =
		AT(base, f->offset, struct scenario_text *);
	size_t *count = AT(base, f->aux, size_t);

	if (v->type != NODE_SEQUENCE) {
		error_expected(ld, v, "a sequence of finding codes");
		return;
	}
	*array = xcalloc(v->count != 0 ? v->count : 1, sizeof(**array));
	*count = v->count;
	for (size_t i = 0; i < v->count; i++) {
		size_t saved = path_index(ld, i);
		const struct node *item = v->kids[i];
		const char *s = want_text(ld, item, "a finding code");

		if (s != NULL && s[0] == '\0') {
			error_expected(ld, item, "a finding code");
		} else if (s != NULL) {
			set_text(&(*array)[i], item, s);
		}
		path_restore(ld, saved);
	}
}

/* tags: a sequence of strings as char *[] (count at aux). */
static void f_tags(struct loader *ld, const struct node *v, void *base,
		   const struct field *f)
{
	char ***array = AT(base, f->offset, char **);
	size_t *count = AT(base, f->aux, size_t);

	if (v->type != NODE_SEQUENCE) {
		error_expected(ld, v, "a sequence of tags");
		return;
	}
	*array = xcalloc(v->count != 0 ? v->count : 1, sizeof(**array));
	*count = v->count;
	for (size_t i = 0; i < v->count; i++) {
		size_t saved = path_index(ld, i);
		const char *s = want_text(ld, v->kids[i], "a tag");

		if (s != NULL && s[0] == '\0') {
			error_expected(ld, v->kids[i], "a non-empty tag");
		} else if (s != NULL) {
			(*array)[i] = xstrdup(s);
		}
		path_restore(ld, saved);
	}
}

/* --- spmc ----------------------------------------------------------------- */

static const char *const ffa_versions[] = {"1.0", "1.1", "1.2", NULL};
static const char *const sp_models[] = {"mm-variable", "echo", NULL};

static const struct field shared_buffer_fields[] = {
	ROW("address", false, f_u64, struct scenario_spmc,
	    shared_buffer_address),
	ROW_RANGE("size", false, f_size, struct scenario_spmc,
		  shared_buffer_size, 1, UINT64_MAX, NULL),
	ROW("offset", false, f_u64, struct scenario_spmc,
	    shared_buffer_offset),
};

static const struct schema shared_buffer_schema = {
	.what = "a mapping {address, size, offset}",
	.fields = shared_buffer_fields,
	.field_count = ARRAY_SIZE(shared_buffer_fields),
};

static const struct field partition_fields[] = {
	ROW("name", false, f_text, struct scenario_partition, name),
	ROW_RANGE("id", true, f_u64, struct scenario_partition, id, 0x8000,
		  0xffff, "a secure partition ID (0x8000 to 0xffff)"),
	ROW_AUX("uuid", true, f_ffa_uuid, struct scenario_partition, uuid,
		has_uuid, mark),
	ROW_RANGE("properties", false, f_u64, struct scenario_partition,
		  properties, 0, UINT32_MAX, "a 32-bit number"),
	ROW_RANGE("execution_contexts", false, f_u64,
		  struct scenario_partition, exec_ctx_count, 1, 65535, NULL),
	ROW_CHOICE("model", f_text_choice, struct scenario_partition, model,
		   sp_models),
};

static const struct schema partition_schema = {
	.what = "a partition mapping {name, id, uuid, properties, "
		"execution_contexts, model}",
	.fields = partition_fields,
	.field_count = ARRAY_SIZE(partition_fields),
	.size = sizeof(struct scenario_partition),
	.marked = true,
	.mark_offset = offsetof(struct scenario_partition, mark),
};

static void variable_init(void *base)
{
	struct scenario_variable *var = base;

	var->guid = (struct efi_guid)EFI_GLOBAL_VARIABLE_GUID;
}

static const struct field variable_fields[] = {
	{.key = "name", .required = true, .parse = f_string,
	 .offset = offsetof(struct scenario_variable, name), .min = 1,
	 .ucs2 = true},
	ROW("guid", false, f_guid_plain, struct scenario_variable, guid),
	ROW("attributes", true, f_attributes_plain, struct scenario_variable,
	    attributes),
	ROW("data", false, f_data_text, struct scenario_variable, data),
	ROW("data_hex", false, f_data_hex, struct scenario_variable, data),
	ROW("data_ucs2", false, f_data_ucs2, struct scenario_variable, data),
};

static const struct schema variable_schema = {
	.what = "a variable mapping {name, guid, attributes, data}",
	.fields = variable_fields,
	.field_count = ARRAY_SIZE(variable_fields),
	.size = sizeof(struct scenario_variable),
	.marked = true,
	.mark_offset = offsetof(struct scenario_variable, mark),
	.init = variable_init,
};

static const struct field store_fields[] = {
	ROW("capacity", false, f_size, struct scenario_spmc, store_capacity),
	ROW("volatile_capacity", false, f_size, struct scenario_spmc,
	    store_volatile_capacity),
	ROW("max_variable_size", false, f_size, struct scenario_spmc,
	    store_max_variable_size),
	ROW_NONEMPTY("file", false, f_text, struct scenario_spmc, store_file),
	ROW_NONEMPTY("preload", false, f_text, struct scenario_spmc,
		     store_preload),
};

static const struct schema store_schema = {
	.what = "a mapping {capacity, volatile_capacity, max_variable_size, "
		"file, preload}",
	.fields = store_fields,
	.field_count = ARRAY_SIZE(store_fields),
};

/* Rules across entries: partition IDs and variables are unique. */
static void spmc_check(struct loader *ld, const struct node *n, void *base)
{
	const struct scenario_spmc *spmc = base;
	size_t saved = path_key(ld, "partitions");

	if (spmc->partition_count > SPMC_MAX_PARTITIONS) {
		loader_error(ld, mapping_get(n, "partitions")->mark,
			     "expected at most %d partitions, got %zu",
			     SPMC_MAX_PARTITIONS, spmc->partition_count);
	}
	for (size_t j = 0; j < spmc->partition_count; j++) {
		const struct scenario_partition *b = &spmc->partitions[j];

		for (size_t i = 0; b->id.present && i < j; i++) {
			const struct scenario_partition *a =
				&spmc->partitions[i];

			if (a->id.present && a->id.value == b->id.value) {
				size_t inner = path_index(ld, j);
				size_t id = path_key(ld, "id");

				loader_error(ld, b->id.mark,
					     "partition ID 0x%llx is already "
					     "used by partitions[%zu]",
					     (unsigned long long)b->id.value,
					     i);
				path_restore(ld, id);
				path_restore(ld, inner);
				break;
			}
		}
	}
	path_restore(ld, saved);
	saved = path_key(ld, "variables");
	for (size_t j = 0; j < spmc->variable_count; j++) {
		const struct scenario_variable *b = &spmc->variables[j];

		for (size_t i = 0; b->name != NULL && i < j; i++) {
			const struct scenario_variable *a = &spmc->variables[i];

			if (a->name != NULL && strcmp(a->name, b->name) == 0 &&
			    efi_guid_equal(&a->guid, &b->guid)) {
				size_t inner = path_index(ld, j);

				loader_error(ld, b->mark,
					     "variable '%s' with this GUID is "
					     "already in variables[%zu]",
					     b->name, i);
				path_restore(ld, inner);
				break;
			}
		}
	}
	path_restore(ld, saved);
}

static const struct field spmc_fields[] = {
	ROW_CHOICE("ffa_version", f_text_choice, struct scenario_spmc,
		   ffa_version, ffa_versions),
	ROW_RANGE("endpoint_id", false, f_u64, struct scenario_spmc, nwd_id,
		  0, 0x7fff, "a normal-world endpoint ID (0 to 0x7fff)"),
	{.key = "shared_buffer", .parse = f_nested, .offset = 0,
	 .sub = &shared_buffer_schema},
	ROW_SUB("partitions", false, f_entries, struct scenario_spmc,
		partitions, partition_count, &partition_schema),
	{.key = "store", .parse = f_nested, .offset = 0, .sub = &store_schema},
	ROW_SUB("variables", false, f_entries, struct scenario_spmc, variables,
		variable_count, &variable_schema),
};

static const struct schema spmc_schema = {
	.what = "a mapping {ffa_version, endpoint_id, shared_buffer, "
		"partitions, store, variables}",
	.fields = spmc_fields,
	.field_count = ARRAY_SIZE(spmc_fields),
	.check = spmc_check,
};

/* --- checks --------------------------------------------------------------- */

static const char *const cache_models[] = {"cortex-a57", "cortex-a53",
					   "strict", NULL};

struct watch_entry {
	struct scenario_u64 address;
	struct scenario_u64 size;
};

static const struct field watch_fields[] = {
	ROW("address", true, f_u64, struct watch_entry, address),
	ROW_RANGE("size", true, f_size, struct watch_entry, size, 1,
		  UINT64_MAX, NULL),
};

static const struct schema watch_schema = {
	.what = "a watched range {address, size}",
	.fields = watch_fields,
	.field_count = ARRAY_SIZE(watch_fields),
};

/* watch: entries go to two parallel arrays of struct scenario_checks. */
static void f_watch(struct loader *ld, const struct node *v, void *base,
		    const struct field *f)
{
	struct scenario_checks *c = base;

	(void)f;
	if (v->type != NODE_SEQUENCE) {
		error_expected(ld, v, "a sequence of watched ranges "
				      "{address, size}");
		return;
	}
	c->watch_address = xcalloc(v->count + 1, sizeof(*c->watch_address));
	c->watch_size = xcalloc(v->count + 1, sizeof(*c->watch_size));
	c->watch_count = v->count;
	for (size_t i = 0; i < v->count; i++) {
		struct watch_entry w = {{false, 0, {0, 0}}, {false, 0, {0, 0}}};
		size_t saved = path_index(ld, i);

		walk_mapping(ld, v->kids[i], &watch_schema, &w);
		c->watch_address[i] = w.address;
		c->watch_size[i] = w.size;
		path_restore(ld, saved);
	}
}

static const struct field checks_fields[] = {
	ROW_CHOICE("cache_model", f_text_choice, struct scenario_checks,
		   cache_model, cache_models),
	ROW("wide_maintenance_fails", false, f_bool, struct scenario_checks,
	    wide_maintenance_fails),
	ROW("rxtx_unmapped_at_ebs", false, f_bool, struct scenario_checks,
	    rxtx_unmapped_at_ebs),
	{.key = "watch", .parse = f_watch},
};

static const struct schema checks_schema = {
	.what = "a mapping {cache_model, wide_maintenance_fails, "
		"rxtx_unmapped_at_ebs, watch}",
	.fields = checks_fields,
	.field_count = ARRAY_SIZE(checks_fields),
};

/* --- firmware ------------------------------------------------------------- */

static const char *const image_formats[] = {"auto", "elf", "raw", NULL};

static const struct field firmware_fields[] = {
	ROW_NONEMPTY("image", true, f_string, struct scenario_firmware, image),
	ROW_CHOICE("format", f_string_choice, struct scenario_firmware, format,
		   image_formats),
	ROW("load_address", false, f_u64, struct scenario_firmware,
	    load_addr),
};

static const struct schema firmware_schema = {
	.what = "a mapping {image, format, load_address}",
	.fields = firmware_fields,
	.field_count = ARRAY_SIZE(firmware_fields),
};

/* "refclient", "uboot-debian", or "refclient:" and a variant name. */
static bool builtin_firmware_name(const char *s)
{
	static const char prefix[] = "refclient:";
	const char *variant = s + sizeof(prefix) - 1;

	if (strcmp(s, "refclient") == 0 || strcmp(s, "uboot-debian") == 0) {
		return true;
	}
	if (strncmp(s, prefix, sizeof(prefix) - 1) != 0 || *variant == '\0') {
		return false;
	}
	for (const char *p = variant; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' &&
		    *p != '.') {
			return false;
		}
	}
	return true;
}

static void f_firmware(struct loader *ld, const struct node *v, void *base,
		       const struct field *f)
{
	static const char what[] =
		"a built-in firmware (refclient, refclient:<variant>, "
		"uboot-debian) or a mapping {image, format, load_address}";
	struct scenario_firmware *fw = AT(base, f->offset,
					  struct scenario_firmware);

	if (v->type == NODE_MAPPING) {
		fw->kind = SCENARIO_FIRMWARE_IMAGE;
		fw->mark = v->mark;
		walk_mapping(ld, v, &firmware_schema, fw);
		return;
	}
	if (v->type != NODE_SCALAR || node_is_null(v) ||
	    strlen(v->text) != v->len || !builtin_firmware_name(v->text)) {
		error_expected(ld, v, what);
		return;
	}
	fw->kind = SCENARIO_FIRMWARE_BUILTIN;
	fw->mark = v->mark;
	free(fw->name);
	fw->name = xstrdup(v->text);
}

/* --- Steps: arguments ----------------------------------------------------- */

static const char *const boot_untils[] = {"agent", "prompt", "stop", NULL};

static void f_boot_until(struct loader *ld, const struct node *v,
			 void *base, const struct field *f)
{
	static const enum scenario_boot_until values[] = {
		BOOT_UNTIL_AGENT, BOOT_UNTIL_PROMPT, BOOT_UNTIL_STOP};
	int i = want_choice(ld, v, boot_untils);

	if (i >= 0) {
		*AT(base, f->offset, enum scenario_boot_until) = values[i];
	}
}

static const struct field boot_fields[] = {
	ROW("until", false, f_boot_until, struct scenario_boot, until),
	ROW("prompt", false, f_text, struct scenario_boot, prompt),
	ROW_RANGE("max_instructions", false, f_u64, struct scenario_boot,
		  max_insns, 1, UINT64_MAX, NULL),
	ROW_NONEMPTY("interrupt_autoboot", false, f_text, struct scenario_boot,
		     interrupt_autoboot),
	ROW_NONEMPTY("efi_agent", false, f_text, struct scenario_boot,
		     efi_agent),
	ROW_RANGE("efi_agent_address", false, f_u64, struct scenario_boot,
		  efi_agent_address, 0x1000, UINT64_MAX, NULL),
};

static const struct schema boot_schema = {
	.what = "a mapping {until, prompt, max_instructions, "
		"interrupt_autoboot, efi_agent, efi_agent_address} or nothing",
	.fields = boot_fields,
	.field_count = ARRAY_SIZE(boot_fields),
	.null_is_empty = true,
};

/* null: [name, guid, data, attributes, size] */
static void f_null_flags(struct loader *ld, const struct node *v,
			 void *base, const struct field *f)
{
	static const char *const names[] = {"name", "guid", "data",
					    "attributes", "size", NULL};
	static const uint32_t flags[] = {
		AGENT_STEP_NULL_NAME, AGENT_STEP_NULL_GUID,
		AGENT_STEP_NULL_DATA, AGENT_STEP_NULL_ATTRIBUTES,
		AGENT_STEP_NULL_SIZE};
	uint32_t *out = AT(base, f->offset, uint32_t);

	if (v->type != NODE_SEQUENCE) {
		error_expected(ld, v, "a sequence of argument names (name, "
				      "guid, data, attributes, size)");
		return;
	}
	for (size_t i = 0; i < v->count; i++) {
		size_t saved = path_index(ld, i);
		int k = want_choice(ld, v->kids[i], names);

		if (k >= 0) {
			*out |= flags[k];
		}
		path_restore(ld, saved);
	}
}

static const struct field variable_call_fields[] = {
	{.key = "name", .parse = f_text,
	 .offset = offsetof(struct scenario_variable_call, name), .ucs2 = true},
	ROW_AUX("guid", false, f_guid_has, struct scenario_variable_call, guid,
		has_guid, guid_mark),
	ROW_AUX("attributes", false, f_attributes_has,
		struct scenario_variable_call, attributes, has_attributes,
		attributes_mark),
	ROW("data", false, f_data_text, struct scenario_variable_call, data),
	ROW("data_hex", false, f_data_hex, struct scenario_variable_call,
	    data),
	ROW("data_ucs2", false, f_data_ucs2, struct scenario_variable_call,
	    data),
	ROW("buffer_size", false, f_size, struct scenario_variable_call,
	    buffer_size),
	ROW("null", false, f_null_flags, struct scenario_variable_call,
	    null_flags),
};

/* Which arguments each variable service uses (the rest are errors). */
enum {
	VA_NAME = 1 << 0,
	VA_GUID = 1 << 1,
	VA_ATTRIBUTES = 1 << 2,
	VA_DATA = 1 << 3,
	VA_BUFFER_SIZE = 1 << 4,
};

struct variable_rule {
	const char *step;
	unsigned allowed;
	unsigned required; /* name: or null: [name] satisfies VA_NAME */
	const char *takes;
};

static const struct variable_rule variable_rules[] = {
	{"get_variable", VA_NAME | VA_GUID | VA_BUFFER_SIZE, VA_NAME,
	 "name, guid, buffer_size, null"},
	{"set_variable", VA_NAME | VA_GUID | VA_ATTRIBUTES | VA_DATA,
	 VA_NAME | VA_ATTRIBUTES,
	 "name, guid, attributes, data, data_hex, data_ucs2, null"},
	{"get_next_variable_name", VA_NAME | VA_GUID | VA_BUFFER_SIZE, VA_NAME,
	 "name, guid, buffer_size, null"},
	{"query_variable_info", VA_ATTRIBUTES, VA_ATTRIBUTES,
	 "attributes, null"},
};

/*
 * Goes by the keys written, not by what was filled in: a key with a bad
 * value has its own error and is not also "missing".
 */
static void variable_call_check(struct loader *ld, const struct node *n,
				const struct scenario_variable_call *c,
				const struct variable_rule *r)
{
	static const struct {
		unsigned bit;
		const char *key;
	} args[] = {
		{VA_NAME, "name"},	     {VA_GUID, "guid"},
		{VA_ATTRIBUTES, "attributes"}, {VA_DATA, "data"},
		{VA_DATA, "data_hex"},	     {VA_DATA, "data_ucs2"},
		{VA_BUFFER_SIZE, "buffer_size"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(args); i++) {
		const struct node *key = mapping_key_node(n, args[i].key);

		if (key != NULL && (r->allowed & args[i].bit) == 0) {
			size_t saved = path_key(ld, args[i].key);

			loader_error(ld, key->mark,
				     "%s does not apply to %s; it takes: %s",
				     args[i].key, r->step, r->takes);
			path_restore(ld, saved);
		}
	}
	if ((r->required & VA_NAME) != 0 &&
	    mapping_key_node(n, "name") == NULL &&
	    (c->null_flags & AGENT_STEP_NULL_NAME) == 0) {
		size_t saved = path_key(ld, "name");

		loader_error(ld, n->mark,
			     "missing required key 'name'; %s needs a name "
			     "(\"\" is allowed) or null: [name]",
			     r->step);
		path_restore(ld, saved);
	}
	if ((r->required & VA_ATTRIBUTES) != 0 &&
	    mapping_key_node(n, "attributes") == NULL) {
		size_t saved = path_key(ld, "attributes");

		loader_error(ld, n->mark,
			     "missing required key 'attributes'; %s needs "
			     "attributes (NV|BS|RT or a number)",
			     r->step);
		path_restore(ld, saved);
	}
}

static void get_variable_check(struct loader *ld, const struct node *n,
			       void *base)
{
	variable_call_check(ld, n, base, &variable_rules[0]);
}

static void set_variable_check(struct loader *ld, const struct node *n,
			       void *base)
{
	variable_call_check(ld, n, base, &variable_rules[1]);
}

static void get_next_check(struct loader *ld, const struct node *n,
			   void *base)
{
	variable_call_check(ld, n, base, &variable_rules[2]);
}

static void query_info_check(struct loader *ld, const struct node *n,
			     void *base)
{
	variable_call_check(ld, n, base, &variable_rules[3]);
}

#define VARIABLE_CALL_SCHEMA(checker)                                     \
	{                                                                 \
		.what = "a mapping {name, guid, attributes, data, "       \
			"buffer_size, null}",                             \
		.fields = variable_call_fields,                           \
		.field_count = ARRAY_SIZE(variable_call_fields),          \
		.null_is_empty = true, .check = (checker),                \
	}

static const struct schema get_variable_schema =
	VARIABLE_CALL_SCHEMA(get_variable_check);
static const struct schema set_variable_schema =
	VARIABLE_CALL_SCHEMA(set_variable_check);
static const struct schema get_next_schema =
	VARIABLE_CALL_SCHEMA(get_next_check);
static const struct schema query_info_schema =
	VARIABLE_CALL_SCHEMA(query_info_check);

static const struct schema no_args_schema = {
	.what = "nothing (null or an empty mapping)",
	.null_is_empty = true,
};

static void console_check(struct loader *ld, const struct node *n,
			  void *base)
{
	const struct scenario_console *c = base;

	if ((n->type == NODE_MAPPING || node_is_null(n)) &&
	    c->type.value == NULL && c->wait.value == NULL) {
		loader_error(ld, n->mark,
			     "console needs 'type' (a line to type), 'wait' "
			     "(text to wait for) or both");
	}
}

static const struct field console_fields[] = {
	ROW("type", false, f_text, struct scenario_console, type),
	ROW_NONEMPTY("wait", false, f_text, struct scenario_console, wait),
	ROW_RANGE("max_instructions", false, f_u64, struct scenario_console,
		  max_insns, 1, UINT64_MAX, NULL),
	ROW("enter", false, f_enter, struct scenario_console, no_enter),
};

static const struct schema console_schema = {
	.what = "a mapping {type, wait, max_instructions, enter}",
	.fields = console_fields,
	.field_count = ARRAY_SIZE(console_fields),
	.null_is_empty = true,
	.check = console_check,
};

/* inject: the kind keys (exactly one) and their options. */
static const char *const inject_kind_keys[] = {
	"ffa_error", "mm_return", "efi_status", "reply", "rx_busy", NULL};

/* Parsers of the three injectable codes, widened to int64_t. */
static bool parse_ffa_code(const char *s, int64_t *out)
{
	int32_t v;

	if (!ffa_error_parse(s, &v)) {
		return false;
	}
	*out = v;
	return true;
}

static bool parse_efi_code(const char *s, int64_t *out)
{
	uint64_t v;

	if (!efi_status_parse(s, &v)) {
		return false;
	}
	*out = (int64_t)v; /* the 64-bit pattern, as documented */
	return true;
}

static const struct {
	const char *expected;
	bool (*parse)(const char *s, int64_t *out);
} inject_codes[] = {
	[INJECT_FFA_ERROR] = {EXP_FFA_ERROR, parse_ffa_code},
	[INJECT_MM_RETURN] = {EXP_MM_RET, mm_ret_parse},
	[INJECT_EFI_STATUS] = {EXP_STATUS, parse_efi_code},
};

/* ffa_error, mm_return, efi_status: the row's aux is the inject kind. */
static void f_inject_code(struct loader *ld, const struct node *v, void *base,
			  const struct field *f)
{
	struct scenario_inject *in = base;
	const char *expected = inject_codes[f->aux].expected;
	const char *s = want_text(ld, v, expected);
	char number[32];
	const char *c;
	int64_t code;

	if (s == NULL) {
		return;
	}
	c = canonical_number(s, number);
	if (c == NULL || !inject_codes[f->aux].parse(c, &code)) {
		error_expected(ld, v, expected);
		return;
	}
	in->kind = (enum scenario_inject_kind)f->aux;
	in->code = code;
}

static void f_inject_reply(struct loader *ld, const struct node *v,
			   void *base, const struct field *f)
{
	static const char *const faults[] = {"truncated", "corrupted",
					     "oversized", NULL};
	static const enum scenario_reply_fault values[] = {
		REPLY_TRUNCATED, REPLY_CORRUPTED, REPLY_OVERSIZED};
	struct scenario_inject *in = base;
	int i = want_choice(ld, v, faults);

	(void)f;
	if (i >= 0) {
		in->kind = INJECT_REPLY;
		in->reply = values[i];
	}
}

static void f_inject_rx_busy(struct loader *ld, const struct node *v,
			     void *base, const struct field *f)
{
	struct scenario_inject *in = base;
	bool b;

	(void)f;
	if (!want_bool(ld, v, &b)) {
		return;
	}
	if (!b) {
		error_expected(ld, v,
			       "true (to inject nothing, drop the step)");
		return;
	}
	in->kind = INJECT_RX_BUSY;
}

static void f_inject_count(struct loader *ld, const struct node *v,
			   void *base, const struct field *f)
{
	static const char what[] = "a number of at least 1, or all";
	uint64_t *count = AT(base, f->offset, uint64_t);
	const char *s = want_text(ld, v, what);
	uint64_t n;

	if (s == NULL) {
		return;
	}
	if (strcmp(s, "all") == 0) {
		*count = 0;
		return;
	}
	if (!parse_number(s, false, &n) || n == 0) {
		error_expected(ld, v, what);
		return;
	}
	*count = n;
}

static void inject_step_init(void *base)
{
	struct scenario_inject *in = base;

	in->count = 1;
}

/* Exactly one kind key. */
static void inject_step_check(struct loader *ld, const struct node *n,
			 void *base)
{
	const struct node *first = NULL;

	(void)base;
	for (size_t i = 0; n->type == NODE_MAPPING && i + 1 < n->count;
	     i += 2) {
		const struct node *key = n->kids[i];
		bool is_kind = false;

		for (size_t k = 0; inject_kind_keys[k] != NULL; k++) {
			if (key->type == NODE_SCALAR &&
			    strcmp(key->text, inject_kind_keys[k]) == 0) {
				is_kind = true;
			}
		}
		if (!is_kind) {
			continue;
		}
		if (first != NULL && strcmp(first->text, key->text) != 0) {
			size_t saved = path_key(ld, key->text);

			loader_error(ld, key->mark,
				     "only one of ffa_error, mm_return, "
				     "efi_status, reply and rx_busy may be "
				     "given; '%s' is already at line %d, "
				     "column %d",
				     first->text, first->mark.line,
				     first->mark.column);
			path_restore(ld, saved);
		} else if (first == NULL) {
			first = key;
		}
	}
	if (first == NULL && (n->type == NODE_MAPPING || node_is_null(n))) {
		loader_error(ld, n->mark,
			     "missing the fault to inject; expected one of: "
			     "ffa_error, mm_return, efi_status, reply, "
			     "rx_busy");
	}
}

static const struct field inject_fields[] = {
	{.key = "ffa_error", .parse = f_inject_code, .aux = INJECT_FFA_ERROR},
	{.key = "mm_return", .parse = f_inject_code, .aux = INJECT_MM_RETURN},
	{.key = "efi_status", .parse = f_inject_code,
	 .aux = INJECT_EFI_STATUS},
	{.key = "reply", .parse = f_inject_reply},
	{.key = "rx_busy", .parse = f_inject_rx_busy},
	ROW("on", false, f_smc_name, struct scenario_inject, on),
	ROW("mm_function", false, f_mm_function, struct scenario_inject,
	    mm_function),
	ROW("count", false, f_inject_count, struct scenario_inject, count),
	ROW("after_exit_boot_services", false, f_flag, struct scenario_inject,
	    after_exit_boot_services),
	ROW("may_not_fire", false, f_flag, struct scenario_inject, may_not_fire),
};

static const struct schema inject_schema = {
	.what = "a mapping {ffa_error | mm_return | efi_status | reply | "
		"rx_busy, on, mm_function, count, after_exit_boot_services}",
	.fields = inject_fields,
	.field_count = ARRAY_SIZE(inject_fields),
	.null_is_empty = true,
	.init = inject_step_init,
	.check = inject_step_check,
};

/* --- Steps: expectations -------------------------------------------------- */

static const char *const stop_reasons[] = {
	"power-off",	      "reset",   "fault",	 "hang",
	"instruction-budget", "timeout", "agent-panic", "console-idle",
	NULL};

#define X_ROW(i)                                                        \
	ROW("x" #i, false, f_u64, struct scenario_smc_match, x[i])

static const struct field smc_match_fields[] = {
	ROW_AUX("function", true, f_smc_function, struct scenario_smc_match,
		function, fid, mark),
	X_ROW(1),  X_ROW(2),  X_ROW(3),	 X_ROW(4),  X_ROW(5),  X_ROW(6),
	X_ROW(7),  X_ROW(8),  X_ROW(9),	 X_ROW(10), X_ROW(11), X_ROW(12),
	X_ROW(13), X_ROW(14), X_ROW(15), X_ROW(16), X_ROW(17),
	ROW("returns", false, f_u64, struct scenario_smc_match, out_x0),
};

static const struct schema smc_match_schema = {
	.what = "an SMC function name or a mapping {function, x1..x17, "
		"returns}",
	.fields = smc_match_fields,
	.field_count = ARRAY_SIZE(smc_match_fields),
	.marked = true,
	.mark_offset = offsetof(struct scenario_smc_match, mark),
};

/* calls / no_calls: names or {function, x1..x17, returns}. */
static void f_calls(struct loader *ld, const struct node *v, void *base,
		    const struct field *f)
{
	struct scenario_smc_match **array =
		AT(base, f->offset, struct scenario_smc_match *);
	size_t *count = AT(base, f->aux, size_t);

	if (v->type != NODE_SEQUENCE) {
		error_expected(ld, v, "a sequence of SMC function names or "
				      "mappings {function, x1..x17, returns}");
		return;
	}
	*array = xcalloc(v->count != 0 ? v->count : 1, sizeof(**array));
	*count = v->count;
	for (size_t i = 0; i < v->count; i++) {
		struct scenario_smc_match *m = &(*array)[i];
		const struct node *item = v->kids[i];
		size_t saved = path_index(ld, i);

		if (item->type == NODE_MAPPING) {
			walk_mapping(ld, item, &smc_match_schema, m);
		} else if (item->type == NODE_SCALAR && !node_is_null(item)) {
			m->mark = item->mark;
			want_smc(ld, item, m,
				 offsetof(struct scenario_smc_match, function),
				 &m->fid);
		} else {
			error_expected(ld, item, smc_match_schema.what);
		}
		path_restore(ld, saved);
	}
}

static void raw_check(struct loader *ld, const struct node *n, void *base)
{
	const struct scenario_expect_mm *mm = base;

	(void)n;
	if (mm->raw_bytes.present && mm->raw_bytes.len == 0) {
		size_t saved = path_key(ld, "bytes");

		loader_error(ld, mm->raw_bytes.mark,
			     "expected at least one byte, got none");
		path_restore(ld, saved);
	}
	if (mm->raw_bytes.present && mm->raw_mask.present &&
	    mm->raw_mask.len != mm->raw_bytes.len) {
		size_t saved = path_key(ld, "mask");

		loader_error(ld, mm->raw_mask.mark,
			     "expected as many mask bytes as bytes (%zu), "
			     "got %zu",
			     mm->raw_bytes.len, mm->raw_mask.len);
		path_restore(ld, saved);
	}
}

static const struct field raw_fields[] = {
	ROW("offset", false, f_u64, struct scenario_expect_mm, raw_offset),
	ROW("bytes", true, f_data_hex, struct scenario_expect_mm, raw_bytes),
	ROW("mask", false, f_data_hex, struct scenario_expect_mm, raw_mask),
};

static const struct schema raw_schema = {
	.what = "a mapping {offset, bytes, mask}",
	.fields = raw_fields,
	.field_count = ARRAY_SIZE(raw_fields),
	.check = raw_check,
};

static const struct field expect_mm_fields[] = {
	ROW("function", false, f_mm_function, struct scenario_expect_mm,
	    function),
	ROW("name", false, f_text, struct scenario_expect_mm, name),
	ROW_AUX("guid", false, f_guid_has, struct scenario_expect_mm, guid,
		has_guid, guid_mark),
	ROW("attributes", false, f_attributes, struct scenario_expect_mm,
	    attributes),
	ROW("data", false, f_data_text, struct scenario_expect_mm, data),
	ROW("data_hex", false, f_data_hex, struct scenario_expect_mm, data),
	ROW("data_ucs2", false, f_data_ucs2, struct scenario_expect_mm, data),
	ROW("data_size", false, f_u64, struct scenario_expect_mm, data_size),
	ROW("name_size", false, f_u64, struct scenario_expect_mm, name_size),
	ROW("message_length", false, f_u64, struct scenario_expect_mm,
	    message_length),
	{.key = "raw", .parse = f_nested, .offset = 0, .sub = &raw_schema},
	ROW("mm_return", false, f_mm_return, struct scenario_expect_mm,
	    mm_return),
	ROW("return_status", false, f_efi_status, struct scenario_expect_mm,
	    return_status),
};

static const struct schema expect_mm_schema = {
	.what = "a mapping of MM request expectations {function, name, guid, "
		"...}",
	.fields = expect_mm_fields,
	.field_count = ARRAY_SIZE(expect_mm_fields),
	.marked = true,
	.mark_offset = offsetof(struct scenario_expect_mm, mark),
};

static void f_expect_mm(struct loader *ld, const struct node *v,
			void *base, const struct field *f)
{
	struct scenario_expect_mm *mm =
		AT(base, f->offset, struct scenario_expect_mm);

	if (v->type == NODE_MAPPING) {
		mm->present = true;
	}
	walk_mapping(ld, v, &expect_mm_schema, mm);
}

static const struct field expect_fields[] = {
	ROW("status", false, f_efi_status, struct scenario_expect, status),
	ROW("data", false, f_data_text, struct scenario_expect, data),
	ROW("data_hex", false, f_data_hex, struct scenario_expect, data),
	ROW("data_ucs2", false, f_data_ucs2, struct scenario_expect, data),
	ROW("data_size", false, f_u64, struct scenario_expect, data_size),
	ROW("attributes", false, f_attributes, struct scenario_expect,
	    attributes),
	ROW("name", false, f_text, struct scenario_expect, name),
	ROW_AUX("guid", false, f_guid_has, struct scenario_expect, guid,
		has_guid, guid_mark),
	ROW("name_size", false, f_u64, struct scenario_expect, name_size),
	ROW("maximum_storage_size", false, f_size, struct scenario_expect,
	    maximum_storage_size),
	ROW("remaining_storage_size", false, f_size, struct scenario_expect,
	    remaining_storage_size),
	ROW("maximum_variable_size", false, f_size, struct scenario_expect,
	    maximum_variable_size),
	ROW_SUB("calls", false, f_calls, struct scenario_expect, calls,
		call_count, NULL),
	ROW_SUB("no_calls", false, f_calls, struct scenario_expect, no_calls,
		no_call_count, NULL),
	ROW("mm", false, f_expect_mm, struct scenario_expect, mm),
	ROW("console", false, f_text, struct scenario_expect, console),
	ROW("console_regex", false, f_regex, struct scenario_expect,
	    console_regex),
	ROW_NONEMPTY("console_absent", false, f_text, struct scenario_expect,
		     console_absent),
	ROW_CHOICE("stop", f_text_choice, struct scenario_expect, stop,
		   stop_reasons),
	ROW_SUB("findings", false, f_text_list, struct scenario_expect,
		findings, finding_count, NULL),
};

static const struct schema expect_schema = {
	.what = "a mapping of expectations {status, data, calls, mm, "
		"console, stop, findings, ...}",
	.fields = expect_fields,
	.field_count = ARRAY_SIZE(expect_fields),
	.marked = true,
	.mark_offset = offsetof(struct scenario_expect, mark),
};

/* --- Steps ---------------------------------------------------------------- */

/* One row per step kind: the YAML key and its argument schema. */
struct step_desc {
	const char *name;
	const struct schema *args; /* NULL: print, whose value is text */
	size_t offset;             /* of the arguments in scenario_step */
};

#define STEP_ROW(kind, key, schema, member)                             \
	[kind] = {(key), (schema), offsetof(struct scenario_step, member)}

static const struct step_desc step_descs[STEP_KIND_COUNT] = {
	STEP_ROW(STEP_BOOT, "boot", &boot_schema, boot),
	STEP_ROW(STEP_GET_VARIABLE, "get_variable", &get_variable_schema, var),
	STEP_ROW(STEP_SET_VARIABLE, "set_variable", &set_variable_schema, var),
	STEP_ROW(STEP_GET_NEXT_VARIABLE_NAME, "get_next_variable_name",
		 &get_next_schema, var),
	STEP_ROW(STEP_QUERY_VARIABLE_INFO, "query_variable_info",
		 &query_info_schema, var),
	STEP_ROW(STEP_EXIT_BOOT_SERVICES, "exit_boot_services",
		 &no_args_schema, kind),
	STEP_ROW(STEP_SET_VIRTUAL_ADDRESS_MAP, "set_virtual_address_map",
		 &no_args_schema, kind),
	STEP_ROW(STEP_GET_MEMORY_MAP, "get_memory_map", &no_args_schema, kind),
	STEP_ROW(STEP_CONSOLE, "console", &console_schema, console),
	STEP_ROW(STEP_INJECT, "inject", &inject_schema, inject),
	STEP_ROW(STEP_PRINT, "print", NULL, print),
	STEP_ROW(STEP_POWER_OFF, "power_off", &no_args_schema, kind),
	STEP_ROW(STEP_RESET, "reset", &no_args_schema, kind),
};

static const char *const inject_kind_names[INJECT_KIND_COUNT] = {
	[INJECT_FFA_ERROR] = "ffa_error",   [INJECT_MM_RETURN] = "mm_return",
	[INJECT_EFI_STATUS] = "efi_status", [INJECT_REPLY] = "reply",
	[INJECT_RX_BUSY] = "rx_busy",
};

const char *scenario_step_kind_name(enum scenario_step_kind kind)
{
	if ((unsigned)kind >= STEP_KIND_COUNT) {
		return "?";
	}
	return step_descs[kind].name;
}

const char *scenario_inject_kind_name(enum scenario_inject_kind kind)
{
	if ((unsigned)kind >= INJECT_KIND_COUNT) {
		return "?";
	}
	return inject_kind_names[kind];
}

static int find_step_kind(const char *name)
{
	for (int k = 0; k < STEP_KIND_COUNT; k++) {
		if (strcmp(step_descs[k].name, name) == 0) {
			return k;
		}
	}
	return -1;
}

static void step_kind_list(struct strbuf *sb)
{
	for (int k = 0; k < STEP_KIND_COUNT; k++) {
		strbuf_printf(sb, "%s%s", k != 0 ? ", " : "",
			      step_descs[k].name);
	}
}

static void parse_step_args(struct loader *ld, const struct node *v,
			    struct scenario_step *st)
{
	const struct step_desc *d = &step_descs[st->kind];
	size_t saved = path_key(ld, d->name);

	if (d->args != NULL) {
		walk_mapping(ld, v, d->args, AT(st, d->offset, char));
	} else {
		const char *s = want_text(ld, v, "text to print");

		if (s != NULL) {
			set_text(&st->print, v, s);
		}
	}
	path_restore(ld, saved);
}

static void parse_expect(struct loader *ld, const struct node *v,
			 struct scenario_step *st)
{
	size_t saved = path_key(ld, "expect");

	if (v->type == NODE_MAPPING) {
		st->expect.present = true;
	}
	walk_mapping(ld, v, &expect_schema, &st->expect);
	path_restore(ld, saved);
}

/* A step: `- kind` or `- kind: ARGS` with an optional `expect:`. */
static void parse_step(struct loader *ld, const struct node *n,
		       struct scenario_step *st)
{
	struct strbuf kinds = STRBUF_INIT;
	const struct node *kind_key = NULL;
	const struct node *args = NULL;
	const struct node *expect = NULL;

	st->mark = n->mark;
	step_kind_list(&kinds);
	if (n->type == NODE_SCALAR && !node_is_null(n)) {
		int k = find_step_kind(n->text);

		if (k < 0) {
			char got[160];

			describe(n, got, sizeof(got));
			loader_error(ld, n->mark,
				     "unknown step kind %s; expected one of: "
				     "%s",
				     got, strbuf_str(&kinds));
		} else {
			/* `- boot` is `- boot:` with nothing after it. */
			char empty[1] = "";
			const struct node none = {
				.type = NODE_SCALAR,
				.mark = n->mark,
				.text = empty,
				.plain = true,
			};

			st->kind = (enum scenario_step_kind)k;
			parse_step_args(ld, &none, st);
		}
		goto out;
	}
	if (n->type != NODE_MAPPING) {
		error_expected(ld, n,
			       "a step (a step kind such as boot, or a "
			       "mapping with one step kind key and an "
			       "optional expect)");
		goto out;
	}
	for (size_t i = 0; i + 1 < n->count; i += 2) {
		const char *key = mapping_key(ld, n, i);
		int k;

		if (key == NULL) {
			continue;
		}
		if (strcmp(key, "expect") == 0) {
			expect = n->kids[i + 1];
			continue;
		}
		k = find_step_kind(key);
		if (k < 0) {
			size_t saved = path_key(ld, key);
			char got[160];

			describe(n->kids[i], got, sizeof(got));
			loader_error(ld, n->kids[i]->mark,
				     "unknown key %s; expected a step kind "
				     "(%s) or expect",
				     got, strbuf_str(&kinds));
			path_restore(ld, saved);
		} else if (kind_key != NULL) {
			size_t saved = path_key(ld, key);

			loader_error(ld, n->kids[i]->mark,
				     "two step kinds in one step: '%s' (line "
				     "%d, column %d) and '%s'; write them as "
				     "two steps",
				     kind_key->text, kind_key->mark.line,
				     kind_key->mark.column, key);
			path_restore(ld, saved);
		} else {
			kind_key = n->kids[i];
			args = n->kids[i + 1];
			st->kind = (enum scenario_step_kind)k;
		}
	}
	if (kind_key == NULL) {
		loader_error(ld, n->mark,
			     "missing step kind; expected one of: %s",
			     strbuf_str(&kinds));
	} else {
		parse_step_args(ld, args, st);
	}
	if (expect != NULL) {
		parse_expect(ld, expect, st);
	}
out:
	strbuf_free(&kinds);
}

static void f_steps(struct loader *ld, const struct node *v, void *base,
		    const struct field *f)
{
	struct scenario *sc = base;

	(void)f;
	if (v->type != NODE_SEQUENCE) {
		error_expected(ld, v, "a sequence of steps");
		return;
	}
	if (v->count == 0) {
		loader_error(ld, v->mark,
			     "expected at least one step, got an empty "
			     "sequence");
		return;
	}
	sc->steps = xcalloc(v->count, sizeof(*sc->steps));
	sc->step_count = v->count;
	for (size_t i = 0; i < v->count; i++) {
		size_t saved = path_index(ld, i);

		parse_step(ld, v->kids[i], &sc->steps[i]);
		path_restore(ld, saved);
	}
}

/* --- Scenario ------------------------------------------------------------- */

static const struct field scenario_fields[] = {
	ROW_NONEMPTY("name", true, f_string, struct scenario, name),
	ROW("description", false, f_string, struct scenario, description),
	ROW_SUB("tags", false, f_tags, struct scenario, tags, tag_count, NULL),
	ROW("firmware", false, f_firmware, struct scenario, firmware),
	ROW_NONEMPTY("platform", false, f_text, struct scenario, platform),
	ROW_RANGE("max_instructions", false, f_u64, struct scenario,
		  max_insns, 1, UINT64_MAX, NULL),
	ROW_RANGE("timeout", false, f_u64, struct scenario, timeout_seconds, 1,
		  UINT64_MAX, "a number of seconds (at least 1)"),
	{.key = "spmc", .parse = f_nested,
	 .offset = offsetof(struct scenario, spmc), .sub = &spmc_schema},
	{.key = "checks", .parse = f_nested,
	 .offset = offsetof(struct scenario, checks), .sub = &checks_schema},
	ROW_SUB("expect_findings", false, f_text_list, struct scenario,
		expect_findings, expect_finding_count, NULL),
	{.key = "steps", .required = true, .parse = f_steps},
};

static const struct schema scenario_schema = {
	.what = "a scenario mapping {name, steps, ...}",
	.fields = scenario_fields,
	.field_count = ARRAY_SIZE(scenario_fields),
	.marked = true,
	.mark_offset = offsetof(struct scenario, mark),
};

static void scenario_free_one(struct scenario *sc)
{
	free(sc->file);
	free(sc->name);
	free(sc->description);
	for (size_t i = 0; i < sc->tag_count; i++) {
		free(sc->tags[i]);
	}
	free(sc->tags);
	free(sc->firmware.name);
	free(sc->firmware.image);
	free(sc->firmware.format);
	free(sc->platform.value);
	free(sc->spmc.ffa_version.value);
	for (size_t i = 0; i < sc->spmc.partition_count; i++) {
		free(sc->spmc.partitions[i].name.value);
		free(sc->spmc.partitions[i].model.value);
	}
	free(sc->spmc.partitions);
	free(sc->spmc.store_file.value);
	free(sc->spmc.store_preload.value);
	for (size_t i = 0; i < sc->spmc.variable_count; i++) {
		free(sc->spmc.variables[i].name);
		free(sc->spmc.variables[i].data.data);
	}
	free(sc->spmc.variables);
	free(sc->checks.cache_model.value);
	free(sc->checks.watch_address);
	free(sc->checks.watch_size);
	for (size_t i = 0; i < sc->expect_finding_count; i++) {
		free(sc->expect_findings[i].value);
	}
	free(sc->expect_findings);
	for (size_t i = 0; i < sc->step_count; i++) {
		struct scenario_step *st = &sc->steps[i];
		struct scenario_expect *e = &st->expect;

		free(st->boot.prompt.value);
		free(st->boot.interrupt_autoboot.value);
		free(st->boot.efi_agent.value);
		free(st->var.name.value);
		free(st->var.data.data);
		free(st->console.type.value);
		free(st->console.wait.value);
		free(st->inject.on.value);
		free(st->print.value);
		free(e->data.data);
		free(e->name.value);
		for (size_t k = 0; k < e->call_count; k++) {
			free(e->calls[k].function.value);
		}
		free(e->calls);
		for (size_t k = 0; k < e->no_call_count; k++) {
			free(e->no_calls[k].function.value);
		}
		free(e->no_calls);
		free(e->mm.name.value);
		free(e->mm.data.data);
		free(e->mm.raw_bytes.data);
		free(e->mm.raw_mask.data);
		free(e->console.value);
		free(e->console_regex.value);
		free(e->console_absent.value);
		free(e->stop.value);
		for (size_t k = 0; k < e->finding_count; k++) {
			free(e->findings[k].value);
		}
		free(e->findings);
	}
	free(sc->steps);
	memset(sc, 0, sizeof(*sc));
}

/* Scenario names are unique within a file (reports key on them). */
static void check_unique_names(struct loader *ld, const struct node *root,
			       const struct scenario_set *set)
{
	for (size_t j = 0; j < set->count; j++) {
		for (size_t i = 0; set->items[j].name != NULL && i < j; i++) {
			const struct node *a, *b;
			size_t saved;

			if (set->items[i].name == NULL ||
			    strcmp(set->items[i].name, set->items[j].name) !=
				    0) {
				continue;
			}
			a = mapping_get(root->kids[i], "name");
			b = mapping_get(root->kids[j], "name");
			saved = path_index(ld, j);
			path_key(ld, "name");
			loader_error(ld, b->mark,
				     "duplicate scenario name '%s' (first at "
				     "line %d, column %d)",
				     set->items[j].name, a->mark.line,
				     a->mark.column);
			path_restore(ld, saved);
			break;
		}
	}
}

static void load_document(struct loader *ld, const struct node *root,
			  struct scenario_set *set)
{
	static const char what[] =
		"a scenario (a mapping) or a sequence of scenarios";

	if (root == NULL || node_is_null(root)) {
		struct source_mark m = {1, 1};

		if (root != NULL) {
			m = root->mark;
		}
		loader_error(ld, m, "expected %s, got an empty document", what);
		return;
	}
	if (root->type == NODE_MAPPING) {
		set->items = xcalloc(1, sizeof(*set->items));
		set->count = 1;
		set->items[0].file = xstrdup(ld->file);
		walk_mapping(ld, root, &scenario_schema, &set->items[0]);
		return;
	}
	if (root->type != NODE_SEQUENCE) {
		error_expected(ld, root, what);
		return;
	}
	if (root->count == 0) {
		loader_error(ld, root->mark,
			     "expected at least one scenario, got an empty "
			     "sequence");
		return;
	}
	set->items = xcalloc(root->count, sizeof(*set->items));
	set->count = root->count;
	for (size_t i = 0; i < root->count; i++) {
		size_t saved = path_index(ld, i);

		set->items[i].file = xstrdup(ld->file);
		walk_mapping(ld, root->kids[i], &scenario_schema,
			     &set->items[i]);
		path_restore(ld, saved);
	}
	check_unique_names(ld, root, set);
}

/* --- YAML to nodes -------------------------------------------------------- */

/* Line and column of a byte offset, for reader errors (no mark there). */
static struct source_mark mark_at_offset(const char *text, size_t len,
					 size_t offset)
{
	struct source_mark m = {1, 1};

	for (size_t i = 0; i < offset && i < len; i++) {
		if (text[i] == '\n') {
			m.line++;
			m.column = 1;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
			m.column++;
		}
	}
	return m;
}

static void yaml_error(struct loader *ld, const yaml_parser_t *p,
		       const char *text, size_t len)
{
	const char *problem = p->problem != NULL ? p->problem : "unknown error";

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		loader_error(ld, (struct source_mark){1, 1},
			     "out of memory while parsing YAML");
		break;
	case YAML_READER_ERROR:
		if (p->problem_value != -1) {
			loader_error(ld,
				     mark_at_offset(text, len,
						    p->problem_offset),
				     "%s (#%X at byte offset %zu)", problem,
				     (unsigned)p->problem_value,
				     p->problem_offset);
		} else {
			loader_error(ld,
				     mark_at_offset(text, len,
						    p->problem_offset),
				     "%s (at byte offset %zu)", problem,
				     p->problem_offset);
		}
		break;
	case YAML_SCANNER_ERROR:
	case YAML_PARSER_ERROR:
		if (p->context != NULL) {
			loader_error(ld, mark_of(p->problem_mark),
				     "%s (%s at line %d, column %d)", problem,
				     p->context, (int)p->context_mark.line + 1,
				     (int)p->context_mark.column + 1);
		} else {
			loader_error(ld, mark_of(p->problem_mark), "%s",
				     problem);
		}
		break;
	default:
		loader_error(ld, mark_of(p->problem_mark), "YAML error: %s",
			     problem);
		break;
	}
}

/*
 * Builds the node tree of text (STYLE I1: one event loop, the event
 * deleted every iteration, one exit).  *root is NULL for an empty stream.
 * Returns false after a fatal error (a syntax error, nesting too deep),
 * already reported; *root then holds what was built, for the caller to
 * free.
 */
static bool build_tree(struct loader *ld, const char *text, size_t len,
		       struct node **root)
{
	yaml_parser_t parser;
	yaml_event_t event;
	struct node *stack[MAX_DEPTH];
	size_t depth = 0;
	int documents = 0;
	bool done = false;
	bool ok = false;

	*root = NULL;
	if (!yaml_parser_initialize(&parser)) {
		loader_error(ld, (struct source_mark){1, 1},
			     "out of memory while starting the YAML parser");
		return false;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
				     len);
	while (!done) {
		struct node *n = NULL;
		bool fatal = false;

		if (!yaml_parser_parse(&parser, &event)) {
			goto parser_error;
		}
		switch (event.type) {
		case YAML_DOCUMENT_START_EVENT:
			if (++documents > 1) {
				/* What came before is still worth checking. */
				loader_error(ld, mark_of(event.start_mark),
					     "expected one YAML document, "
					     "found a second one; put several "
					     "scenarios in one sequence");
				done = true;
			}
			break;
		case YAML_SCALAR_EVENT:
			n = node_new(NODE_SCALAR, event.start_mark);
			n->len = event.data.scalar.length;
			n->text = xmalloc(n->len + 1);
			memcpy(n->text, event.data.scalar.value, n->len);
			n->text[n->len] = '\0';
			n->plain = event.data.scalar.style ==
				   YAML_PLAIN_SCALAR_STYLE;
			break;
		case YAML_ALIAS_EVENT:
			n = node_new(NODE_ALIAS, event.start_mark);
			n->text = xstrdup(
				(const char *)event.data.alias.anchor);
			n->len = strlen(n->text);
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (depth == MAX_DEPTH) {
				loader_error(ld, mark_of(event.start_mark),
					     "nesting deeper than %d levels",
					     MAX_DEPTH);
				fatal = true;
				break;
			}
			n = node_new(event.type == YAML_MAPPING_START_EVENT
					     ? NODE_MAPPING
					     : NODE_SEQUENCE,
				     event.start_mark);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		if (n != NULL) {
			if (depth == 0) {
				*root = n;
			} else {
				node_add(stack[depth - 1], n);
			}
			if (n->type == NODE_SEQUENCE ||
			    n->type == NODE_MAPPING) {
				stack[depth++] = n;
			}
		}
		yaml_event_delete(&event);
		if (fatal) {
			goto out;
		}
	}
	ok = true;
	goto out;

parser_error:
	yaml_error(ld, &parser, text, len);
out:
	yaml_parser_delete(&parser);
	return ok;
}

/* --- Entry points --------------------------------------------------------- */

static int compare_errors(const void *pa, const void *pb)
{
	const struct load_error *a = pa;
	const struct load_error *b = pb;

	if (a->mark.line != b->mark.line) {
		return a->mark.line < b->mark.line ? -1 : 1;
	}
	if (a->mark.column != b->mark.column) {
		return a->mark.column < b->mark.column ? -1 : 1;
	}
	return a->seq < b->seq ? -1 : a->seq > b->seq ? 1 : 0;
}

/* Moves the loader's errors, sorted by position, to errs. */
static void hand_over_errors(struct loader *ld, struct scenario_errors *errs)
{
	if (ld->error_count == 0) {
		return;
	}
	qsort(ld->errors, ld->error_count, sizeof(*ld->errors),
	      compare_errors);
	errs->messages = xrealloc(errs->messages,
				  (errs->count + ld->error_count) *
					  sizeof(*errs->messages));
	for (size_t i = 0; i < ld->error_count; i++) {
		errs->messages[errs->count++] = ld->errors[i].text;
	}
	free(ld->errors);
	ld->errors = NULL;
	ld->error_count = 0;
}

/* Documented in harness/scenario.h. */
bool scenario_load_string(const char *name, const char *text, size_t len,
			  struct scenario_set *out,
			  struct scenario_errors *errs)
{
	struct loader ld;
	struct node *root = NULL;
	struct scenario_set got = {NULL, 0};

	memset(&ld, 0, sizeof(ld));
	ld.file = name;
	if (build_tree(&ld, text != NULL ? text : "", text != NULL ? len : 0,
		       &root)) {
		load_document(&ld, root, &got);
	}
	node_free(root);
	if (ld.error_count != 0) {
		for (size_t i = 0; i < got.count; i++) {
			scenario_free_one(&got.items[i]);
		}
		free(got.items);
		hand_over_errors(&ld, errs);
		return false;
	}
	out->items = xrealloc(out->items,
			      (out->count + got.count) * sizeof(*out->items));
	memcpy(out->items + out->count, got.items,
	       got.count * sizeof(*got.items));
	out->count += got.count;
	free(got.items);
	return true;
}

/* Documented in harness/scenario.h. */
bool scenario_load_file(const char *path, struct scenario_set *out,
			struct scenario_errors *errs)
{
	struct strbuf text = STRBUF_INIT;
	struct error err = {false, ""};
	bool ok;

	if (!file_read_all(path, &text, MAX_FILE_SIZE, &err)) {
		struct loader ld;

		memset(&ld, 0, sizeof(ld));
		ld.file = path;
		loader_error(&ld, (struct source_mark){1, 1}, "%s",
			     err.message);
		hand_over_errors(&ld, errs);
		strbuf_free(&text);
		return false;
	}
	ok = scenario_load_string(path, strbuf_str(&text), text.len, out, errs);
	strbuf_free(&text);
	return ok;
}

void scenario_set_free(struct scenario_set *set)
{
	if (set == NULL) {
		return;
	}
	for (size_t i = 0; i < set->count; i++) {
		scenario_free_one(&set->items[i]);
	}
	free(set->items);
	set->items = NULL;
	set->count = 0;
}

void scenario_errors_free(struct scenario_errors *errs)
{
	if (errs == NULL) {
		return;
	}
	for (size_t i = 0; i < errs->count; i++) {
		free(errs->messages[i]);
	}
	free(errs->messages);
	errs->messages = NULL;
	errs->count = 0;
}
