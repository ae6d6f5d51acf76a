/*
 * The scenario schema engine: scalar conversions, suggestions for
 * misspelt keys, and the one table-driven field handler that fills a
 * struct from a mapping node by its table of rows
 * (harness/scenario_schema.h).  Messages and key paths are made in
 * harness/scenario.c.
 *
 * Every value error is "expected <what>, got <node>" at the value's mark,
 * under the key path of the value, so that one message says where, in
 * which key, and what would have been right.
 */
#include "harness/scenario_schema.h"

#include <assert.h>
#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/abi_names.h"
#include "common/regex_guard.h"
#include "common/text.h"
#include "models/optee.h"
#include "models/smc_router.h"

/* Most rows in one schema table. */
#define MAX_FIELDS 32
/* Longest key or name compared for a suggestion. */
#define SUGGEST_MAX 40

/* --- Suggestions ---------------------------------------------------------- */

/*
 * Optimal string alignment distance: insertions, deletions, substitutions
 * and swaps of two neighbours each cost 1, so "expcet" is 1 from "expect".
 */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a);
	size_t lb = strlen(b);
	size_t d[SUGGEST_MAX + 1][SUGGEST_MAX + 1];

	if (la > SUGGEST_MAX || lb > SUGGEST_MAX) {
		return SIZE_MAX;
	}
	for (size_t i = 0; i <= la; i++) {
		d[i][0] = i;
	}
	for (size_t j = 0; j <= lb; j++) {
		d[0][j] = j;
	}
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = d[i - 1][j - 1] + cost;
			bool swapped = i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
				       a[i - 2] == b[j - 1];

			if (d[i - 1][j] + 1 < best) {
				best = d[i - 1][j] + 1;
			}
			if (d[i][j - 1] + 1 < best) {
				best = d[i][j - 1] + 1;
			}
			if (swapped && d[i - 2][j - 2] + 1 < best) {
				best = d[i - 2][j - 2] + 1;
			}
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

/* Documented in harness/scenario_schema.h. */
void schema_suggest(const char *got, const char *const *candidates,
		    size_t count, struct strbuf *sb)
{
	const char *best = NULL;
	size_t best_distance = SIZE_MAX;
	size_t got_len = strlen(got);

	for (size_t i = 0; i < count; i++) {
		size_t len = strlen(candidates[i]);
		/* One slip in a short word, two in a longer one. */
		size_t limit = len <= 4 ? 1 : 2;
		size_t d;

		/* The distance is at least the difference in length. */
		if ((got_len > len ? got_len - len : len - got_len) > limit) {
			continue;
		}
		d = edit_distance(got, candidates[i]);

		if (d != 0 && d <= limit && d < best_distance) {
			best = candidates[i];
			best_distance = d;
		}
	}
	if (best != NULL) {
		strbuf_printf(sb, " (did you mean '%s'?)", best);
	}
}

/* --- Scalar conversions --------------------------------------------------- */

/*
 * Documented in harness/scenario_schema.h.  Leading zeros of a decimal are
 * dropped before text_parse_u64(), whose strtoull() would read "010" as
 * octal: scenarios have no octal.
 */
bool schema_parse_number(const char *s, bool size, uint64_t *out)
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

/* Documented in harness/scenario_schema.h. */
bool schema_want_bool(struct loader *ld, const struct node *v, bool *out)
{
	const char *s = schema_want_text(ld, v, EXP_BOOL);

	if (s == NULL) {
		return false;
	}
	if (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0) {
		*out = true;
		return true;
	}
	if (strcasecmp(s, "false") == 0 || strcasecmp(s, "no") == 0) {
		*out = false;
		return true;
	}
	schema_expected(ld, v, EXP_BOOL);
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

/* Documented in harness/scenario_schema.h. */
int schema_want_choice(struct loader *ld, const struct node *n,
		       const char *const *choices)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s;
	int found = -1;

	join_choices(choices, &sb);
	s = schema_want_text(ld, n, strbuf_str(&sb));
	if (s != NULL) {
		for (int i = 0; choices[i] != NULL; i++) {
			if (strcmp(s, choices[i]) == 0) {
				found = i;
			}
		}
		if (found < 0) {
			schema_expected(ld, n, strbuf_str(&sb));
		}
	}
	strbuf_free(&sb);
	return found;
}

/* Documented in harness/scenario_schema.h. */
void schema_set_text(struct scenario_text *t, const struct node *v,
		     const char *s)
{
	free(t->value);
	t->value = xstrdup(s);
	t->mark = v->mark;
}

/* Documented in harness/scenario_schema.h. */
bool schema_want_smc(struct loader *ld, const struct node *v,
		     struct scenario_text *t, uint32_t *fid)
{
	const char *s = schema_want_text(ld, v, EXP_SMC);
	char number[32];
	const char *c;

	if (s == NULL) {
		return false;
	}
	c = canonical_number(s, number);
	if (c == NULL || !smc_function_parse(c, fid)) {
		schema_expected(ld, v, EXP_SMC);
		return false;
	}
	schema_set_text(t, v, s);
	return true;
}

/* The name-or-number vocabularies, each widened to its 64-bit pattern. */
static bool parse_mm_return(const char *s, uint64_t *out)
{
	int64_t v;

	if (!mm_ret_parse(s, &v)) {
		return false;
	}
	*out = (uint64_t)v;
	return true;
}

static bool parse_ffa_error(const char *s, uint64_t *out)
{
	int32_t v;

	if (!ffa_error_parse(s, &v)) {
		return false;
	}
	*out = (uint64_t)(int64_t)v;
	return true;
}

static bool parse_attributes(const char *s, uint64_t *out)
{
	uint32_t v;

	if (!efi_attributes_parse(s, &v)) {
		return false;
	}
	*out = v;
	return true;
}

static bool parse_teec_result(const char *s, uint64_t *out)
{
	uint32_t v;

	if (!optee_result_parse(s, &v)) {
		return false;
	}
	*out = v;
	return true;
}

static bool parse_optee_smc_return(const char *s, uint64_t *out)
{
	uint32_t v;

	if (!optee_smc_return_parse(s, &v)) {
		return false;
	}
	*out = v;
	return true;
}

/* By name, or a number (commands OP-TEE does not know answer EBADCMD). */
static bool parse_optee_command(const char *s, uint64_t *out)
{
	uint32_t v;

	if (optee_cmd_parse(s, &v)) {
		*out = v;
		return true;
	}
	return isdigit((unsigned char)s[0]) && text_parse_u64(s, out) &&
	       *out <= UINT32_MAX;
}

static bool parse_byte_count(const char *s, uint64_t *out)
{
	return isdigit((unsigned char)s[0]) && text_parse_u64(s, out) &&
	       *out <= INT64_MAX;
}

static const struct {
	const char *what;
	bool (*parse)(const char *s, uint64_t *out);
} named_kinds[NAMED_COUNT] = {
	[NAMED_EFI_STATUS] = {"an EFI status name (EFI_NOT_FOUND) or a number",
			      efi_status_parse},
	[NAMED_MM_FUNCTION] = {"an MM variable function name (SET_VARIABLE) "
			       "or a number",
			       mm_function_parse},
	[NAMED_MM_RETURN] = {"an MM return code name (MM_DENIED) or a number",
			     parse_mm_return},
	[NAMED_FFA_ERROR] = {"an FF-A error name (DENIED) or a number",
			     parse_ffa_error},
	[NAMED_ATTRIBUTES] = {"EFI variable attributes (NV|BS|RT) or a number",
			      parse_attributes},
	[NAMED_TEEC_RESULT] = {"a TEEC result name "
			       "(TEEC_ERROR_BAD_PARAMETERS) or a 32-bit number",
			       parse_teec_result},
	[NAMED_OPTEE_SMC_RETURN] = {"an OP-TEE SMC return name "
				    "(OPTEE_SMC_RETURN_EBUSY) or a 32-bit "
				    "number",
				    parse_optee_smc_return},
	[NAMED_OPTEE_COMMAND] = {"an OP-TEE message command (OPEN_SESSION, "
				 "INVOKE_COMMAND, CLOSE_SESSION, CANCEL, "
				 "REGISTER_SHM, UNREGISTER_SHM, "
				 "DO_BOTTOM_HALF, STOP_ASYNC_NOTIF) or a "
				 "number",
				 parse_optee_command},
	[NAMED_BYTE_COUNT] = {"a number of bytes (decimal or 0x hex)",
			      parse_byte_count},
};

/* --- Mapping keys --------------------------------------------------------- */

/* Documented in harness/scenario_schema.h. */
const char *schema_mapping_key(struct loader *ld, const struct node *map,
			       size_t i)
{
	const struct node *key = map->kids[i];

	if (key->type != NODE_SCALAR || strlen(key->text) != key->len) {
		schema_expected(ld, key, "a key name");
		return NULL;
	}
	for (size_t j = 0; j < i; j += 2) {
		const struct node *prev = map->kids[j];

		if (prev->type == NODE_SCALAR &&
		    strcmp(prev->text, key->text) == 0) {
			size_t saved = schema_path_key(ld, key->text);

			schema_error(ld, key->mark,
				     "duplicate key '%s' (first at line %d, "
				     "column %d)",
				     key->text, prev->mark.line,
				     prev->mark.column);
			schema_path_restore(ld, saved);
			return NULL;
		}
	}
	return key->text;
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
	const char *keys[MAX_FIELDS];
	char got[160];
	size_t saved = schema_path_key(ld, key->text);

	schema_describe(key, got, sizeof(got));
	for (size_t i = 0; i < s->field_count; i++) {
		strbuf_printf(&sb, "%s%s", i != 0 ? ", " : "",
			      s->fields[i].key);
		keys[i] = s->fields[i].key;
	}
	schema_suggest(key->text, keys, s->field_count, &sb);
	if (s->field_count == 0) {
		schema_error(ld, key->mark,
			     "unknown key %s; this takes no arguments", got);
	} else {
		schema_error(ld, key->mark,
			     "unknown key %s; expected one of: %s", got,
			     strbuf_str(&sb));
	}
	schema_path_restore(ld, saved);
	strbuf_free(&sb);
}

/* --- The field handler ---------------------------------------------------- */

/* A row's text: non-empty or a variable name if it says. */
static const char *want_row_text(struct loader *ld, const struct node *v,
				 const struct field *f)
{
	const char *what = f->ucs2 && f->min != 0 ? "a non-empty variable name"
			   : f->ucs2		    ? "a variable name"
			   : f->min != 0	    ? "a non-empty string"
						    : EXP_TEXT;
	const char *s;
	uint16_t *units;
	size_t size;

	if (f->choices != NULL) {
		return schema_want_choice(ld, v, f->choices) >= 0 ? v->text
								  : NULL;
	}
	s = schema_want_text(ld, v, what);
	if (s == NULL) {
		return NULL;
	}
	if (f->min != 0 && s[0] == '\0') {
		schema_expected(ld, v, what);
		return NULL;
	}
	if (f->ucs2) {
		if (!text_utf8_to_ucs2(s, &units, &size)) {
			schema_expected(ld, v,
					"a variable name of characters UCS-2 "
					"can hold (none beyond U+FFFF)");
			return NULL;
		}
		free(units);
	}
	return s;
}

/* A number or size with the row's range. */
static bool want_number(struct loader *ld, const struct node *v,
			const struct field *f, uint64_t *value)
{
	bool size = f->kind == FIELD_SIZE;
	const char *what = f->what != NULL ? f->what
					   : size ? EXP_SIZE : EXP_NUMBER;
	const char *s = schema_want_text(ld, v, what);
	char range[96];

	if (s == NULL) {
		return false;
	}
	if (!schema_parse_number(s, size, value)) {
		schema_expected(ld, v, what);
		return false;
	}
	if (f->max == 0 || (*value >= f->min && *value <= f->max)) {
		return true;
	}
	if (f->what != NULL) {
		snprintf(range, sizeof(range), "%s", f->what);
	} else if (f->max == UINT64_MAX) {
		snprintf(range, sizeof(range), "a number of at least %llu",
			 (unsigned long long)f->min);
	} else {
		snprintf(range, sizeof(range), "a number from %llu to %llu",
			 (unsigned long long)f->min,
			 (unsigned long long)f->max);
	}
	schema_expected(ld, v, range);
	return false;
}

static bool want_named(struct loader *ld, const struct node *v,
		       const struct field *f, uint64_t *value)
{
	const char *what =
		f->what != NULL ? f->what : named_kinds[f->named].what;
	const char *s = schema_want_text(ld, v, what);
	char number[32];
	const char *c;

	if (s == NULL) {
		return false;
	}
	c = canonical_number(s, number);
	if (c == NULL || !named_kinds[f->named].parse(c, value)) {
		schema_expected(ld, v, what);
		return false;
	}
	return true;
}

/* "all" (0) or a number of at least 1. */
static bool want_count(struct loader *ld, const struct node *v,
		       uint64_t *value)
{
	static const char what[] = "a number of at least 1, or all";
	const char *s = schema_want_text(ld, v, what);

	if (s == NULL) {
		return false;
	}
	if (strcmp(s, "all") == 0) {
		*value = 0;
		return true;
	}
	if (!schema_parse_number(s, false, value) || *value == 0) {
		schema_expected(ld, v, what);
		return false;
	}
	return true;
}

static bool want_regex(struct loader *ld, const struct node *v)
{
	const char *s = schema_want_text(ld, v,
					 "a POSIX extended regular expression");
	char why[192];
	char got[160];
	regex_t re;
	bool ok;

	if (s == NULL) {
		return false;
	}
	/* Costly patterns never reach regcomp (common/regex_guard.h). */
	ok = regex_guard_check(s, why, sizeof(why));
	if (ok) {
		/* The flags the runner matches with (harness/expect.c). */
		int rc = regcomp(&re, s, REG_EXTENDED | REG_NOSUB | REG_NEWLINE);

		if (rc != 0) {
			regerror(rc, &re, why, sizeof(why));
			ok = false;
		} else {
			regfree(&re);
		}
	}
	if (!ok) {
		schema_describe(v, got, sizeof(got));
		schema_error(ld, v->mark,
			     "expected a POSIX extended regular expression, "
			     "got %s (%s)",
			     got, why);
	}
	return ok;
}

static bool want_bytes(struct loader *ld, const struct node *v,
		       const struct field *f, struct scenario_bytes *b)
{
	uint8_t *data = NULL;
	size_t len = 0;
	const char *s;

	if (b->present) {
		/* data, data_hex and data_ucs2 share one member. */
		schema_error(ld, v->mark,
			     "only one of data, data_hex and data_ucs2 may be "
			     "given; one is already at line %d, column %d",
			     b->mark.line, b->mark.column);
		return false;
	}
	switch (f->bytes) {
	case BYTES_TEXT:
		/* Text may hold NULs ("a\0b"): take the scalar's length. */
		if (v->type != NODE_SCALAR || schema_is_null(v)) {
			schema_expected(ld, v, "text");
			return false;
		}
		len = v->len;
		data = xmalloc(len + 1);
		memcpy(data, v->text, len);
		break;
	case BYTES_HEX:
		s = schema_want_text(ld, v, EXP_HEX);
		if (s == NULL) {
			return false;
		}
		if (!text_parse_hex(s, &data, &len)) {
			char got[160];

			schema_describe(v, got, sizeof(got));
			schema_error(ld, v->mark,
				     "expected %s, got %s (bad digit or odd "
				     "count at character %zu)",
				     EXP_HEX, got, len + 1);
			return false;
		}
		break;
	case BYTES_UCS2: {
		uint16_t *units;
		size_t size;

		s = schema_want_text(ld, v, "text");
		if (s == NULL) {
			return false;
		}
		if (!text_utf8_to_ucs2(s, &units, &size)) {
			schema_expected(ld, v,
					"UTF-8 text of characters UCS-2 can "
					"hold (none beyond U+FFFF)");
			return false;
		}
		/* The variable services take UCS-2 little-endian. */
		len = size;
		data = xmalloc(size);
		for (size_t i = 0; i < size / 2; i++) {
			data[2 * i] = (uint8_t)(units[i] & 0xff);
			data[2 * i + 1] = (uint8_t)(units[i] >> 8);
		}
		free(units);
		break;
	}
	}
	*b = (struct scenario_bytes){true, data, len, v->mark};
	return true;
}

/* Index of the name in the row's choices, or -1 after an error. */
static int want_enum(struct loader *ld, const struct node *v,
		     const struct field *f)
{
	int i = schema_want_choice(ld, v, f->choices);

	return i >= 0 ? f->values[i] : -1;
}

static bool want_flag_list(struct loader *ld, const struct node *v,
			   const struct field *f, uint32_t *out)
{
	bool ok = true;

	if (v->type != NODE_SEQUENCE) {
		schema_expected(ld, v, f->what);
		return false;
	}
	for (size_t i = 0; i < v->count; i++) {
		size_t saved = schema_path_index(ld, i);
		int k = schema_want_choice(ld, v->kids[i], f->choices);

		if (k >= 0) {
			*out |= (uint32_t)f->values[k];
		} else {
			ok = false;
		}
		schema_path_restore(ld, saved);
	}
	return ok;
}

/* A sequence of mappings: array at offset, count at aux. */
static bool want_list(struct loader *ld, const struct node *v, void *base,
		      const struct field *f)
{
	char **array = AT(base, f->offset, char *);
	size_t *count = AT(base, f->aux, size_t);
	char what[160];

	if (v->type != NODE_SEQUENCE) {
		snprintf(what, sizeof(what), "a sequence of %s", f->sub->what);
		schema_expected(ld, v, f->what != NULL ? f->what : what);
		return false;
	}
	*array = xcalloc(v->count != 0 ? v->count : 1, f->sub->size);
	*count = v->count;
	for (size_t i = 0; i < v->count; i++) {
		size_t saved = schema_path_index(ld, i);

		schema_walk(ld, v->kids[i], f->sub, *array + i * f->sub->size);
		schema_path_restore(ld, saved);
	}
	return true;
}

/* A sequence of non-empty strings, as text or plain strings. */
static bool want_text_list(struct loader *ld, const struct node *v,
			   void *base, const struct field *f)
{
	bool text = f->kind == FIELD_TEXT_LIST;
	size_t item_size = text ? sizeof(struct scenario_text) : sizeof(char *);
	char **array = AT(base, f->offset, char *);
	size_t *count = AT(base, f->aux, size_t);

	if (v->type != NODE_SEQUENCE) {
		schema_expected(ld, v, f->what);
		return false;
	}
	*array = xcalloc(v->count != 0 ? v->count : 1, item_size);
	*count = v->count;
	for (size_t i = 0; i < v->count; i++) {
		size_t saved = schema_path_index(ld, i);
		const struct node *item = v->kids[i];
		const char *s = schema_want_text(ld, item, f->item);

		if (s != NULL && s[0] == '\0') {
			schema_expected(ld, item, f->item_nonempty);
		} else if (s != NULL && text) {
			schema_set_text(&((struct scenario_text *)(void *)
						  *array)[i],
					item, s);
		} else if (s != NULL) {
			((char **)(void *)*array)[i] = xstrdup(s);
		}
		schema_path_restore(ld, saved);
	}
	return true;
}

/*
 * The one field handler: checks value v against row f and fills the
 * member at f->offset of base.  Returns true when the value was taken.
 */
static bool parse_field(struct loader *ld, const struct node *v, void *base,
			const struct field *f)
{
	void *member = AT(base, f->offset, char);
	uint64_t u = 0;
	const char *s;
	bool b;
	int e;

	switch (f->kind) {
	case FIELD_U64:
	case FIELD_SIZE:
		if (!want_number(ld, v, f, &u)) {
			return false;
		}
		*(struct scenario_u64 *)member =
			(struct scenario_u64){true, u, v->mark};
		return true;
	case FIELD_BOOL:
		if (!schema_want_bool(ld, v, &b)) {
			return false;
		}
		*(struct scenario_u64 *)member =
			(struct scenario_u64){true, b ? 1 : 0, v->mark};
		return true;
	case FIELD_FLAG:
		if (!schema_want_bool(ld, v, &b)) {
			return false;
		}
		*(bool *)member = f->invert ? !b : b;
		return true;
	case FIELD_TRUE:
		if (!schema_want_bool(ld, v, &b)) {
			return false;
		}
		if (!b) {
			schema_expected(ld, v, f->what);
		}
		return b;
	case FIELD_COUNT:
		if (!want_count(ld, v, &u)) {
			return false;
		}
		*(uint64_t *)member = u;
		return true;
	case FIELD_NAMED:
		if (!want_named(ld, v, f, &u)) {
			return false;
		}
		*(struct scenario_u64 *)member =
			(struct scenario_u64){true, u, v->mark};
		return true;
	case FIELD_NAMED_U32:
		if (!want_named(ld, v, f, &u)) {
			return false;
		}
		*(uint32_t *)member = (uint32_t)u;
		return true;
	case FIELD_NAMED_CODE:
		if (!want_named(ld, v, f, &u)) {
			return false;
		}
		*(int64_t *)member = (int64_t)u;
		return true;
	case FIELD_STRING:
		s = want_row_text(ld, v, f);
		if (s == NULL) {
			return false;
		}
		free(*(char **)member);
		*(char **)member = xstrdup(s);
		return true;
	case FIELD_TEXT:
		s = want_row_text(ld, v, f);
		if (s == NULL) {
			return false;
		}
		schema_set_text(member, v, s);
		return true;
	case FIELD_REGEX:
		if (!want_regex(ld, v)) {
			return false;
		}
		schema_set_text(member, v, v->text);
		return true;
	case FIELD_SMC: {
		uint32_t fid;

		if (!schema_want_smc(ld, v, member, &fid)) {
			return false;
		}
		if ((f->sets & SET_FID) != 0) {
			*AT(base, f->aux, uint32_t) = fid;
		}
		return true;
	}
	case FIELD_ENUM:
		e = want_enum(ld, v, f);
		if (e < 0) {
			return false;
		}
		*(int *)member = e;
		return true;
	case FIELD_FLAG_LIST:
		return want_flag_list(ld, v, f, member);
	case FIELD_GUID:
		s = schema_want_text(ld, v, EXP_GUID);
		if (s == NULL) {
			return false;
		}
		if (!text_parse_guid(s, member)) {
			schema_expected(ld, v, EXP_GUID);
			return false;
		}
		return true;
	case FIELD_FFA_UUID:
		s = schema_want_text(ld, v, EXP_GUID);
		if (s == NULL) {
			return false;
		}
		if (!text_parse_ffa_uuid(s, member)) {
			schema_expected(ld, v, EXP_GUID);
			return false;
		}
		return true;
	case FIELD_BYTES:
		return want_bytes(ld, v, f, member);
	case FIELD_NESTED:
		schema_walk(ld, v, f->sub, member);
		return v->type == NODE_MAPPING;
	case FIELD_LIST:
		return want_list(ld, v, base, f);
	case FIELD_TEXT_LIST:
	case FIELD_STRING_LIST:
		return want_text_list(ld, v, base, f);
	case FIELD_CUSTOM:
		f->custom(ld, v, base, f);
		return true;
	}
	return false;
}

/* --- Walking a mapping ---------------------------------------------------- */

/* Documented in harness/scenario_schema.h. */
void schema_walk(struct loader *ld, const struct node *n,
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
	if (!(s->null_is_empty && schema_is_null(n)) &&
	    n->type != NODE_MAPPING) {
		schema_expected(ld, n, s->what);
		return;
	}
	for (size_t i = 0; n->type == NODE_MAPPING && i + 1 < n->count;
	     i += 2) {
		const char *key = schema_mapping_key(ld, n, i);
		const struct node *v = n->kids[i + 1];
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
		saved = schema_path_key(ld, key);
		if (parse_field(ld, v, base, f)) {
			if ((f->sets & SET_PRESENT) != 0) {
				*AT(base, f->present_at, bool) = true;
			}
			if ((f->sets & SET_MARK) != 0) {
				*AT(base, f->mark_at, struct source_mark) =
					v->mark;
			}
			if ((f->sets & SET_TAG) != 0) {
				*AT(base, f->tag_at, int) = f->tag;
			}
		}
		schema_path_restore(ld, saved);
	}
	for (size_t i = 0; i < s->field_count; i++) {
		if (s->fields[i].required && !seen[i]) {
			size_t saved = schema_path_key(ld, s->fields[i].key);

			schema_error(ld, n->mark, "missing required key '%s'",
				     s->fields[i].key);
			schema_path_restore(ld, saved);
		}
	}
	if (s->check != NULL) {
		s->check(ld, n, base);
	}
}
