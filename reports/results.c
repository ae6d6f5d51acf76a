/*
 * Loading and validating result documents; the accessors and text helpers
 * the report writers share.  Documented in reports/results.h.
 *
 * Validation is driven by const tables, one per object of the format
 * (STYLE I2): each member has a type and whether it is required.  Members
 * the tables do not name are accepted, so that a newer runner may add
 * fields without breaking older reports.  Errors name the JSON path of
 * the offending member ("$.scenarios[2].steps[0].verdict"), built from a
 * chain of stack frames only when an error is reported.
 */
#include "reports/results.h"

#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fileio.h"
#include "common/text.h"
#include "common/verdict.h"

/* The names are the runner's (common/verdict.h): one table, both sides. */
_Static_assert((int)RESULTS_PASS == (int)VERDICT_PASS &&
		       (int)RESULTS_NOT_IMPLEMENTED ==
			   (int)VERDICT_NOT_IMPLEMENTED &&
		       (int)RESULTS_FAIL == (int)VERDICT_FAIL &&
		       (int)RESULTS_FIRMWARE == (int)VERDICT_FIRMWARE &&
		       (int)RESULTS_ERROR == (int)VERDICT_ERROR &&
		       (int)RESULTS_VERDICT_COUNT == (int)VERDICT_COUNT,
	       "results_verdict follows enum verdict");

static const char *const event_types[] = {"smc", "step", "stop", "note",
					  "phase"};

static const char *const finding_kinds[] = {
    "firmware", "expectation", "not-implemented", "warning", "error",
};

/* ------------------------------------------------------------------ */
/* UTF-8                                                               */

/*
 * Length of the well-formed UTF-8 sequence at s (at most len bytes), with
 * its code point in *cp; 0 if the bytes there are not UTF-8 (overlong
 * forms, surrogates and values above U+10FFFF included).
 */
static size_t utf8_sequence(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t n;
	uint32_t v;

	if (len == 0) {
		return 0;
	}
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		v = s[0] & 0x1fu;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		v = s[0] & 0x0fu;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		v = s[0] & 0x07u;
	} else {
		return 0;
	}
	if (n > len) {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			return 0;
		}
		v = v << 6 | (s[i] & 0x3fu);
	}
	if ((n == 2 && v < 0x80) || (n == 3 && v < 0x800) ||
	    (n == 4 && v < 0x10000) || v > 0x10ffff ||
	    (v >= 0xd800 && v <= 0xdfff)) {
		return 0;
	}
	*cp = v;
	return n;
}

#define REPLACEMENT_CHARACTER "\xef\xbf\xbd"

/* Copies text into out with every byte that is not UTF-8 as U+FFFD. */
static size_t repair_utf8(const char *text, size_t len, struct strbuf *out)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t replaced = 0;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = utf8_sequence(s + i, len - i, &cp);

		if (n == 0) {
			strbuf_puts(out, REPLACEMENT_CHARACTER);
			replaced++;
			i++;
			continue;
		}
		strbuf_append(out, s + i, n);
		i += n;
	}
	return replaced;
}

static bool utf8_valid(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = utf8_sequence(s + i, len - i, &cp);

		if (n == 0) {
			return false;
		}
		i += n;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Validation                                                          */

enum vtype {
	V_STRING,
	V_INT,
	V_BOOL,
	V_OBJECT,    /* with shape */
	V_OBJECTS,   /* an array of objects, each with shape */
	V_NUMBERS,   /* an array of numbers or "0x..." strings */
	V_NUMBER,    /* an integer, or a "0x..."/decimal string */
	V_HEX_BYTES, /* "0a1b..." */
	V_SCALAR,    /* string, number, boolean or null */
	V_VERDICT,
	V_STEP_VERDICT, /* a verdict, or not-run */
	V_EVENT_TYPE,
	V_FINDING_KIND,
};

struct vshape;

struct vfield {
	const char *key;
	enum vtype type;
	bool required;
	const struct vshape *shape;
};

struct vshape {
	const struct vfield *fields;
	size_t count;
};

#define SHAPE(fields)                                      \
	{                                                  \
		fields, sizeof(fields) / sizeof(fields[0]) \
	}

/* One step of a JSON path: a member key, or an array index. */
struct vpath {
	const struct vpath *parent;
	const char *key; /* NULL: index */
	size_t index;
};

static const struct vfield check_fields[] = {
    {"what", V_STRING, true, NULL},  {"expected", V_SCALAR, false, NULL},
    {"seen", V_SCALAR, false, NULL}, {"ok", V_BOOL, false, NULL},
    {"line", V_INT, false, NULL},    {"column", V_INT, false, NULL},
};
static const struct vshape check_shape = SHAPE(check_fields);

static const struct vfield result_fields[] = {
    {"op", V_STRING, false, NULL},
    {"status", V_NUMBER, false, NULL},
    {"status_name", V_STRING, false, NULL},
    {"attributes", V_NUMBER, false, NULL},
    {"attributes_text", V_STRING, false, NULL},
    {"data", V_HEX_BYTES, false, NULL},
    {"data_size", V_INT, false, NULL},
    {"name", V_STRING, false, NULL},
    {"guid", V_STRING, false, NULL},
    {"name_size", V_INT, false, NULL},
    {"values", V_NUMBERS, false, NULL},
};
static const struct vshape result_shape = SHAPE(result_fields);

static const struct vfield step_fields[] = {
    {"index", V_INT, true, NULL},
    {"kind", V_STRING, false, NULL},
    {"line", V_INT, false, NULL},
    {"column", V_INT, false, NULL},
    {"verdict", V_STEP_VERDICT, false, NULL},
    {"message", V_STRING, false, NULL},
    {"trace_first", V_INT, false, NULL},
    {"trace_end", V_INT, false, NULL},
    {"console_first", V_INT, false, NULL},
    {"console_end", V_INT, false, NULL},
    {"instructions", V_INT, false, NULL},
    {"exit_status", V_INT, false, NULL},
    {"output", V_STRING, false, NULL},
    {"result", V_OBJECT, false, &result_shape},
    {"checks", V_OBJECTS, false, &check_shape},
};
static const struct vshape step_shape = SHAPE(step_fields);

static const struct vfield finding_fields[] = {
    {"kind", V_FINDING_KIND, true, NULL}, {"code", V_STRING, true, NULL},
    {"message", V_STRING, false, NULL},	  {"detail", V_STRING, false, NULL},
    {"seq", V_INT, false, NULL},	  {"pc", V_NUMBER, false, NULL},
    {"address", V_NUMBER, false, NULL},	  {"step", V_INT, false, NULL},
    {"line", V_INT, false, NULL},	  {"column", V_INT, false, NULL},
    {"expected", V_BOOL, false, NULL},
};
static const struct vshape finding_shape = SHAPE(finding_fields);

static const struct vfield mm_fields[] = {
    {"offset", V_NUMBER, false, NULL},
    {"message_length", V_INT, false, NULL},
    {"header_guid_ok", V_BOOL, false, NULL},
    {"function", V_INT, false, NULL},
    {"function_name", V_STRING, false, NULL},
    {"name", V_STRING, false, NULL},
    {"guid", V_STRING, false, NULL},
    {"attributes", V_NUMBER, false, NULL},
    {"attributes_text", V_STRING, false, NULL},
    {"name_size", V_INT, false, NULL},
    {"data_size", V_INT, false, NULL},
    {"mm_ret", V_INT, false, NULL},
    {"mm_ret_name", V_STRING, false, NULL},
    {"return_status", V_NUMBER, false, NULL},
    {"return_status_name", V_STRING, false, NULL},
    {"reply_message_length", V_INT, false, NULL},
    {"request", V_HEX_BYTES, false, NULL},
    {"response", V_HEX_BYTES, false, NULL},
};
static const struct vshape mm_shape = SHAPE(mm_fields);

/* Members whose keys depend on the call (an event's decoded fields). */
static const struct vshape free_form_shape = {NULL, 0};

static const struct vfield event_fields[] = {
    {"seq", V_INT, true, NULL},		{"type", V_EVENT_TYPE, true, NULL},
    {"step", V_INT, false, NULL},	{"pc", V_NUMBER, false, NULL},
    {"lr", V_NUMBER, false, NULL},	{"insns", V_INT, false, NULL},
    {"fid", V_NUMBER, false, NULL},	{"name", V_STRING, false, NULL},
    {"result", V_STRING, false, NULL},	{"in", V_NUMBERS, false, NULL},
    {"out", V_NUMBERS, false, NULL},	{"summary", V_STRING, false, NULL},
    {"mm", V_OBJECT, false, &mm_shape}, {"cpu", V_INT, false, NULL},
    {"el", V_INT, false, NULL},		{"service", V_STRING, false, NULL},
    {"from", V_STRING, false, NULL},	{"to", V_STRING, false, NULL},
    {"evidence", V_STRING, false, NULL}, {"returned", V_STRING, false, NULL},
    {"pc_sym", V_STRING, false, NULL},	{"lr_sym", V_STRING, false, NULL},
    {"endpoint", V_INT, false, NULL},
    {"fields", V_OBJECT, false, &free_form_shape},
};
static const struct vshape event_shape = SHAPE(event_fields);

static const struct vfield stop_fields[] = {
    {"reason", V_STRING, true, NULL},
    {"kind", V_STRING, false, NULL},
    {"what", V_STRING, false, NULL},
    {"pc", V_NUMBER, false, NULL},
    {"address", V_NUMBER, false, NULL},
    {"registers", V_STRING, false, NULL},
    {"disassembly", V_STRING, false, NULL},
};
static const struct vshape stop_shape = SHAPE(stop_fields);

static const struct vfield not_applicable_fields[] = {
    {"check", V_STRING, true, NULL},
    {"verdict", V_STRING, false, NULL},
    {"reason", V_STRING, false, NULL},
};
static const struct vshape not_applicable_shape =
    SHAPE(not_applicable_fields);

static const struct vfield backend_fields[] = {
    {"name", V_STRING, true, NULL},
    {"command", V_STRING, false, NULL},
    {"not_applicable", V_OBJECTS, false, &not_applicable_shape},
};
static const struct vshape backend_shape = SHAPE(backend_fields);

static const struct vfield firmware_fields[] = {
    {"name", V_STRING, false, NULL},
    {"path", V_STRING, false, NULL},
};
static const struct vshape firmware_shape = SHAPE(firmware_fields);

static const struct vfield scenario_fields[] = {
    {"name", V_STRING, true, NULL},
    {"reproduce", V_STRING, false, NULL},
    {"description", V_STRING, false, NULL},
    {"file", V_STRING, true, NULL},
    {"line", V_INT, false, NULL},
    {"column", V_INT, false, NULL},
    {"firmware", V_OBJECT, false, &firmware_shape},
    {"platform", V_STRING, false, NULL},
    {"backend", V_OBJECT, false, &backend_shape},
    {"verdict", V_VERDICT, true, NULL},
    {"message", V_STRING, false, NULL},
    {"instructions", V_INT, false, NULL},
    {"stop", V_OBJECT, false, &stop_shape},
    {"steps", V_OBJECTS, false, &step_shape},
    {"findings", V_OBJECTS, false, &finding_shape},
    {"trace", V_OBJECTS, false, &event_shape},
    {"console", V_STRING, false, NULL},
};
static const struct vshape scenario_shape = SHAPE(scenario_fields);

static const struct vfield summary_fields[] = {
    {"total", V_INT, false, NULL},
    {"pass", V_INT, false, NULL},
    {"fail", V_INT, false, NULL},
    {"firmware", V_INT, false, NULL},
    {"not_implemented", V_INT, false, NULL},
    {"error", V_INT, false, NULL},
    {"verdict", V_VERDICT, false, NULL},
    {"notice", V_STRING, false, NULL},
};
static const struct vshape summary_shape = SHAPE(summary_fields);

static const struct vfield tool_fields[] = {
    {"name", V_STRING, false, NULL},
    {"version", V_STRING, false, NULL},
};
static const struct vshape tool_shape = SHAPE(tool_fields);

static const struct vfield document_fields[] = {
    {"tool", V_OBJECT, false, &tool_shape},
    {"summary", V_OBJECT, true, &summary_shape},
    {"scenarios", V_OBJECTS, true, &scenario_shape},
};
static const struct vshape document_shape = SHAPE(document_fields);

static void append_path(struct strbuf *sb, const struct vpath *p)
{
	if (p == NULL) {
		strbuf_putc(sb, '$');
		return;
	}
	append_path(sb, p->parent);
	if (p->key != NULL) {
		strbuf_printf(sb, ".%s", p->key);
	} else {
		strbuf_printf(sb, "[%zu]", p->index);
	}
}

static bool vfail(struct error *err, const struct vpath *p, const char *fmt,
		  ...) __attribute__((format(printf, 3, 4)));

/* Sets err to "PATH: message"; always returns false. */
static bool vfail(struct error *err, const struct vpath *p, const char *fmt,
		  ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	append_path(&sb, p);
	strbuf_puts(&sb, ": ");
	va_start(ap, fmt);
	strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	error_setf(err, "%s", strbuf_str(&sb));
	strbuf_free(&sb);
	return false;
}

static const char *json_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a real number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "?";
}

static bool in_list(const char *s, const char *const *list, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		if (strcmp(s, list[i]) == 0) {
			return true;
		}
	}
	return false;
}

static void append_list(struct strbuf *sb, const char *const *list,
			size_t count)
{
	for (size_t i = 0; i < count; i++) {
		strbuf_printf(sb, "%s%s", i == 0 ? "" : ", ", list[i]);
	}
}

/* A string that must be one of list. */
static bool check_enum(const json_t *v, const struct vpath *p,
		       const char *const *list, size_t count, struct error *err)
{
	struct strbuf expected = STRBUF_INIT;
	bool ok;

	if (!json_is_string(v)) {
		return vfail(err, p, "expected a string, got %s",
			     json_type_name(v));
	}
	if (in_list(json_string_value(v), list, count)) {
		return true;
	}
	append_list(&expected, list, count);
	ok = vfail(err, p, "'%s' is not one of %s", json_string_value(v),
		   strbuf_str(&expected));
	strbuf_free(&expected);
	return ok;
}

static bool check_number(const json_t *v, const struct vpath *p,
			 struct error *err)
{
	uint64_t n;

	if (json_is_integer(v)) {
		return true;
	}
	if (!json_is_string(v)) {
		return vfail(err, p,
			     "expected a number or \"0x...\" text, "
			     "got %s",
			     json_type_name(v));
	}
	if (!text_parse_u64(json_string_value(v), &n)) {
		return vfail(err, p, "'%s' is not a number",
			     json_string_value(v));
	}
	return true;
}

static bool check_object(const json_t *obj, const struct vshape *shape,
			 const struct vpath *p, struct error *err);

static bool check_value(const json_t *v, const struct vfield *f,
			const struct vpath *p, struct error *err)
{
	uint64_t big;

	switch (f->type) {
	case V_STRING:
		if (json_is_string(v)) {
			return true;
		}
		return vfail(err, p, "expected a string, got %s",
			     json_type_name(v));
	case V_INT:
		/* Counts above INT64_MAX come as "0x..." (common/jsonw.h). */
		if (json_is_integer(v) ||
		    (json_is_string(v) &&
		     text_parse_u64(json_string_value(v), &big) &&
		     big > (uint64_t)INT64_MAX)) {
			return true;
		}
		return vfail(err, p, "expected an integer, got %s",
			     json_type_name(v));
	case V_BOOL:
		if (json_is_boolean(v)) {
			return true;
		}
		return vfail(err, p, "expected a boolean, got %s",
			     json_type_name(v));
	case V_OBJECT:
		return check_object(v, f->shape, p, err);
	case V_OBJECTS:
		if (!json_is_array(v)) {
			return vfail(err, p, "expected an array, got %s",
				     json_type_name(v));
		}
		for (size_t i = 0; i < json_array_size(v); i++) {
			struct vpath item = {p, NULL, i};

			if (!check_object(json_array_get(v, i), f->shape, &item,
					  err)) {
				return false;
			}
		}
		return true;
	case V_NUMBERS:
		if (!json_is_array(v)) {
			return vfail(err, p, "expected an array, got %s",
				     json_type_name(v));
		}
		for (size_t i = 0; i < json_array_size(v); i++) {
			struct vpath item = {p, NULL, i};

			if (!check_number(json_array_get(v, i), &item, err)) {
				return false;
			}
		}
		return true;
	case V_NUMBER:
		return check_number(v, p, err);
	case V_HEX_BYTES: {
		uint8_t *bytes;
		size_t len;

		if (!json_is_string(v)) {
			return vfail(err, p, "expected a hex string, got %s",
				     json_type_name(v));
		}
		if (!text_parse_hex(json_string_value(v), &bytes, &len)) {
			return vfail(err, p, "not hex bytes (at character %zu)",
				     len);
		}
		free(bytes);
		return true;
	}
	case V_SCALAR:
		if (json_is_object(v) || json_is_array(v)) {
			return vfail(err, p, "expected a scalar, got %s",
				     json_type_name(v));
		}
		return true;
	case V_VERDICT:
		return check_enum(v, p, verdict_step_names, VERDICT_COUNT, err);
	case V_STEP_VERDICT:
		return check_enum(v, p, verdict_step_names,
				  VERDICT_STEP_NAME_COUNT, err);
	case V_EVENT_TYPE:
		return check_enum(v, p, event_types,
				  sizeof(event_types) / sizeof(event_types[0]),
				  err);
	case V_FINDING_KIND:
		return check_enum(
		    v, p, finding_kinds,
		    sizeof(finding_kinds) / sizeof(finding_kinds[0]), err);
	}
	return vfail(err, p, "unknown member type");
}

static bool check_object(const json_t *obj, const struct vshape *shape,
			 const struct vpath *p, struct error *err)
{
	if (!json_is_object(obj)) {
		return vfail(err, p, "expected an object, got %s",
			     json_type_name(obj));
	}
	for (size_t i = 0; i < shape->count; i++) {
		const struct vfield *f = &shape->fields[i];
		const json_t *v = json_object_get(obj, f->key);
		struct vpath member = {p, f->key, 0};

		if (v == NULL) {
			if (f->required) {
				return vfail(err, &member, "missing");
			}
			continue;
		}
		if (!check_value(v, f, &member, err)) {
			return false;
		}
	}
	return true;
}

/* What the tables cannot say: an SMC event has a name and registers. */
static bool check_smc_events(const json_t *sc, const struct vpath *p,
			     struct error *err)
{
	struct vpath trace = {p, "trace", 0};

	for (size_t i = 0; i < results_len(sc, "trace"); i++) {
		const json_t *ev = results_at(sc, "trace", i);
		struct vpath item = {&trace, NULL, i};
		static const char *const needed[] = {"name", "in", "out"};

		if (!results_event_is_smc(ev)) {
			continue;
		}
		for (size_t k = 0; k < 3; k++) {
			if (json_object_get(ev, needed[k]) == NULL) {
				struct vpath member = {&item, needed[k], 0};

				return vfail(err, &member,
					     "missing in an smc event");
			}
		}
	}
	return true;
}

bool results_validate(const json_t *doc, struct error *err)
{
	const json_t *format, *version;
	struct vpath format_path = {NULL, "format", 0};
	struct vpath version_path = {NULL, "version", 0};
	struct vpath scenarios = {NULL, "scenarios", 0};

	if (!json_is_object(doc)) {
		return vfail(err, NULL, "expected an object, got %s",
			     json_type_name(doc));
	}
	format = json_object_get(doc, "format");
	if (format == NULL) {
		return vfail(err, &format_path,
			     "missing: not an ffa-harness result document");
	}
	if (!json_is_string(format) ||
	    strcmp(json_string_value(format), RESULTS_FORMAT) != 0) {
		return vfail(err, &format_path,
			     "not \"" RESULTS_FORMAT
			     "\": not an ffa-harness result document");
	}
	version = json_object_get(doc, "version");
	if (!json_is_integer(version)) {
		return vfail(err, &version_path, "missing or not an integer");
	}
	if (json_integer_value(version) != RESULTS_VERSION) {
		return vfail(err, &version_path,
			     "version %" JSON_INTEGER_FORMAT
			     " is not supported (this build reads version %d)",
			     json_integer_value(version), RESULTS_VERSION);
	}
	if (!check_object(doc, &document_shape, NULL, err)) {
		return false;
	}
	for (size_t i = 0; i < results_scenario_count(doc); i++) {
		struct vpath item = {&scenarios, NULL, i};

		if (!check_smc_events(results_scenario(doc, i), &item, err)) {
			return false;
		}
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */

json_t *results_load_string(const char *text, size_t len, struct error *err)
{
	struct strbuf repaired = STRBUF_INIT;
	json_error_t jerr;
	json_t *doc;

	if (!utf8_valid(text, len)) {
		repair_utf8(text, len, &repaired);
		text = strbuf_str(&repaired);
		len = repaired.len;
	}
	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL,
			 &jerr);
	strbuf_free(&repaired);
	if (doc == NULL) {
		error_setf(err, "%d:%d: %s", jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	if (!results_validate(doc, err)) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

json_t *results_load_file(const char *path, struct error *err)
{
	struct strbuf text = STRBUF_INIT;
	json_t *doc;

	if (!file_read_all(path, &text, RESULTS_MAX_FILE_SIZE, err)) {
		strbuf_free(&text);
		return NULL;
	}
	doc = results_load_string(strbuf_str(&text), text.len, err);
	strbuf_free(&text);
	if (doc == NULL) {
		error_prefix(err, "%s", path);
	}
	return doc;
}

/* ------------------------------------------------------------------ */
/* Verdicts                                                            */

const char *results_verdict_name(enum results_verdict v)
{
	if ((unsigned)v >= RESULTS_VERDICT_COUNT) {
		return "?";
	}
	return verdict_name((enum verdict)v);
}

const char *results_verdict_label(enum results_verdict v)
{
	if ((unsigned)v >= RESULTS_VERDICT_COUNT) {
		return "?";
	}
	return verdict_label((enum verdict)v);
}

bool results_verdict_parse(const char *s, enum results_verdict *out)
{
	enum verdict v;

	if (!verdict_parse(s, &v)) {
		return false;
	}
	*out = (enum results_verdict)v;
	return true;
}

enum results_verdict results_verdict_of(const json_t *obj)
{
	enum results_verdict v;

	if (!results_verdict_parse(results_str(obj, "verdict", NULL), &v)) {
		return RESULTS_ERROR;
	}
	return v;
}

void results_count(const json_t *doc, size_t counts[RESULTS_VERDICT_COUNT])
{
	memset(counts, 0, RESULTS_VERDICT_COUNT * sizeof(counts[0]));
	for (size_t i = 0; i < results_scenario_count(doc); i++) {
		counts[results_verdict_of(results_scenario(doc, i))]++;
	}
}

const char *results_notice(const json_t *doc)
{
	return results_str(results_obj(doc, "summary"), "notice", NULL);
}

enum results_verdict results_run_verdict(const json_t *doc)
{
	enum results_verdict worst = RESULTS_PASS;
	enum results_verdict summary;
	size_t n = results_scenario_count(doc);

	if (n == 0) {
		/* Nothing ran: an error, unless the runner says why (an empty
		 * shard passes with a notice). */
		return results_notice(doc) != NULL ? RESULTS_PASS
						    : RESULTS_ERROR;
	}
	for (size_t i = 0; i < n; i++) {
		enum results_verdict v =
		    results_verdict_of(results_scenario(doc, i));

		if (v > worst) {
			worst = v;
		}
	}
	if (results_verdict_parse(
		results_str(results_obj(doc, "summary"), "verdict", NULL),
		&summary) &&
	    summary > worst) {
		worst = summary;
	}
	return worst;
}

/* ------------------------------------------------------------------ */
/* Accessors                                                           */

const char *results_str(const json_t *obj, const char *key, const char *def)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : def;
}

const char *results_text(const json_t *obj, const char *key, size_t *len)
{
	const json_t *v = json_object_get(obj, key);

	if (!json_is_string(v)) {
		*len = 0;
		return "";
	}
	*len = json_string_length(v);
	return json_string_value(v);
}

long long results_int(const json_t *obj, const char *key, long long def)
{
	const json_t *v = json_object_get(obj, key);

	uint64_t big;

	if (json_is_string(v) && text_parse_u64(json_string_value(v), &big)) {
		return big > (uint64_t)LLONG_MAX ? LLONG_MAX : (long long)big;
	}
	return json_is_integer(v) ? (long long)json_integer_value(v) : def;
}

bool results_bool(const json_t *obj, const char *key, bool def)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_boolean(v) ? json_is_true(v) : def;
}

static bool value_u64(const json_t *v, uint64_t *out)
{
	if (json_is_integer(v)) {
		*out = (uint64_t)json_integer_value(v);
		return true;
	}
	return json_is_string(v) && text_parse_u64(json_string_value(v), out);
}

bool results_u64(const json_t *obj, const char *key, uint64_t *out)
{
	return value_u64(json_object_get(obj, key), out);
}

const json_t *results_obj(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_object(v) ? v : NULL;
}

size_t results_len(const json_t *obj, const char *key)
{
	return json_array_size(json_object_get(obj, key));
}

const json_t *results_at(const json_t *obj, const char *key, size_t i)
{
	return json_array_get(json_object_get(obj, key), i);
}

uint64_t results_reg(const json_t *ev, const char *which, size_t i)
{
	uint64_t v;

	if (!value_u64(results_at(ev, which, i), &v)) {
		return 0;
	}
	return v;
}

bool results_hex_bytes(const json_t *obj, const char *key, uint8_t **bytes,
		       size_t *len)
{
	const char *hex = results_str(obj, key, NULL);

	*bytes = NULL;
	*len = 0;
	if (hex == NULL) {
		return false;
	}
	if (!text_parse_hex(hex, bytes, len)) {
		*len = 0;
		return false;
	}
	return true;
}

size_t results_scenario_count(const json_t *doc)
{
	return results_len(doc, "scenarios");
}

const json_t *results_scenario(const json_t *doc, size_t i)
{
	return results_at(doc, "scenarios", i);
}

const json_t *results_step(const json_t *sc, long long index)
{
	for (size_t i = 0; i < results_len(sc, "steps"); i++) {
		const json_t *st = results_at(sc, "steps", i);

		if (results_int(st, "index", -2) == index) {
			return st;
		}
	}
	return NULL;
}

const json_t *results_failing_step(const json_t *sc)
{
	for (size_t i = 0; i < results_len(sc, "steps"); i++) {
		const json_t *st = results_at(sc, "steps", i);
		enum results_verdict v;

		if (results_verdict_parse(results_str(st, "verdict", NULL),
					  &v) &&
		    v >= RESULTS_FAIL) {
			return st;
		}
	}
	return NULL;
}

const json_t *results_event(const json_t *sc, long long seq)
{
	size_t n = results_len(sc, "trace");
	const json_t *guess;

	/* The runner numbers events from 0 in order: try that first. */
	if (seq >= 0 && (size_t)seq < n) {
		guess = results_at(sc, "trace", (size_t)seq);
		if (results_int(guess, "seq", -1) == seq) {
			return guess;
		}
	}
	for (size_t i = 0; i < n; i++) {
		const json_t *ev = results_at(sc, "trace", i);

		if (results_int(ev, "seq", -1) == seq) {
			return ev;
		}
	}
	return NULL;
}

bool results_event_is_smc(const json_t *ev)
{
	const char *type = results_str(ev, "type", "");

	return strcmp(type, "smc") == 0;
}

bool results_event_is_doorbell(const json_t *ev)
{
	return results_event_is_smc(ev) && results_obj(ev, "mm") != NULL;
}

bool results_step_range(const json_t *sc, long long index, long long *first,
			long long *end)
{
	const json_t *st = results_step(sc, index);
	long long lo = -1, hi = -1;

	if (st != NULL && results_int(st, "trace_first", -1) >= 0 &&
	    results_int(st, "trace_end", -1) >= 0) {
		*first = results_int(st, "trace_first", 0);
		*end = results_int(st, "trace_end", 0);
		return *first < *end;
	}
	for (size_t i = 0; i < results_len(sc, "trace"); i++) {
		const json_t *ev = results_at(sc, "trace", i);
		long long seq = results_int(ev, "seq", -1);

		if (results_int(ev, "step", -2) != index || seq < 0) {
			continue;
		}
		if (lo < 0 || seq < lo) {
			lo = seq;
		}
		if (seq + 1 > hi) {
			hi = seq + 1;
		}
	}
	*first = lo;
	*end = hi;
	return lo >= 0;
}

bool results_finding_unexpected(const json_t *finding)
{
	return !results_bool(finding, "expected", false);
}

/* The first unexpected finding of this kind with a line, or NULL. */
static const json_t *first_finding(const json_t *sc, const char *kind)
{
	for (size_t i = 0; i < results_len(sc, "findings"); i++) {
		const json_t *fd = results_at(sc, "findings", i);

		if (strcmp(results_str(fd, "kind", ""), kind) == 0 &&
		    results_finding_unexpected(fd) &&
		    results_int(fd, "line", 0) > 0) {
			return fd;
		}
	}
	return NULL;
}

const json_t *results_where(const json_t *sc)
{
	enum results_verdict v = results_verdict_of(sc);
	const json_t *st, *fd;

	if (v == RESULTS_FIRMWARE &&
	    (fd = first_finding(sc, "firmware")) != NULL) {
		return fd;
	}
	st = results_failing_step(sc);
	if (st != NULL) {
		for (size_t i = 0; i < results_len(st, "checks"); i++) {
			const json_t *c = results_at(st, "checks", i);

			if (!results_bool(c, "ok", true) &&
			    results_int(c, "line", 0) > 0) {
				return c;
			}
		}
		return st;
	}
	if (v == RESULTS_NOT_IMPLEMENTED &&
	    (fd = first_finding(sc, "not-implemented")) != NULL) {
		return fd;
	}
	return sc;
}

/* ------------------------------------------------------------------ */
/* Text                                                                */

size_t results_append_not_applicable(struct strbuf *sb, const json_t *sc,
				      bool reasons)
{
	const json_t *backend = results_obj(sc, "backend");
	size_t n = results_len(backend, "not_applicable");

	for (size_t i = 0; i < n; i++) {
		const json_t *na = results_at(backend, "not_applicable", i);

		strbuf_printf(sb, "%s%s", i != 0 ? (reasons ? "; " : ", ") : "",
			      results_str(na, "check", "?"));
		if (reasons && results_str(na, "reason", NULL) != NULL) {
			strbuf_printf(sb, " (%s)", results_str(na, "reason", ""));
		}
	}
	return n;
}

void results_append_location(struct strbuf *sb, const json_t *sc,
			     const json_t *at)
{
	long long line = results_int(at, "line", 0);
	long long column = results_int(at, "column", 0);

	if (line <= 0) {
		line = results_int(sc, "line", 0);
		column = 0;
	}
	strbuf_puts(sb, results_str(sc, "file", "?"));
	if (line > 0) {
		strbuf_printf(sb, ":%lld", line);
		if (column > 0) {
			strbuf_printf(sb, ":%lld", column);
		}
	}
}

void results_append_step_name(struct strbuf *sb, long long index)
{
	if (index < 0) {
		strbuf_puts(sb, "before the first step");
		return;
	}
	strbuf_printf(sb, "step %lld", index + 1);
}

void results_append_scalar(struct strbuf *sb, const json_t *value)
{
	char *dump;

	if (value == NULL) {
		strbuf_puts(sb, "(none)");
		return;
	}
	if (json_is_string(value)) {
		if (json_string_length(value) == 0) {
			strbuf_puts(sb, "\"\"");
			return;
		}
		strbuf_append(sb, json_string_value(value),
			      json_string_length(value));
		return;
	}
	dump = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
	if (dump == NULL) {
		strbuf_puts(sb, "?");
		return;
	}
	strbuf_puts(sb, dump);
	free(dump);
}

void results_append_check(struct strbuf *sb, const json_t *sc,
			  const json_t *check)
{
	strbuf_printf(sb, "%s: expected ", results_str(check, "what", "?"));
	results_append_scalar(sb, json_object_get(check, "expected"));
	strbuf_puts(sb, ", seen ");
	results_append_scalar(sb, json_object_get(check, "seen"));
	strbuf_puts(sb, " (");
	results_append_location(sb, sc, check);
	strbuf_putc(sb, ')');
}

void results_append_finding(struct strbuf *sb, const json_t *sc,
			    const json_t *finding)
{
	size_t len;
	const char *message = results_text(finding, "message", &len);
	long long seq = results_int(finding, "seq", -1);

	strbuf_printf(sb, "%s %s: ", results_str(finding, "kind", "?"),
		      results_str(finding, "code", "?"));
	strbuf_append(sb, message, len);
	strbuf_puts(sb, " (");
	results_append_location(sb, sc, finding);
	if (seq >= 0) {
		strbuf_printf(sb, ", seq %lld", seq);
	}
	strbuf_putc(sb, ')');
	if (!results_finding_unexpected(finding)) {
		strbuf_puts(sb, " [expected]");
	}
}

void results_append_event(struct strbuf *sb, const json_t *ev)
{
	size_t len;
	const char *summary = results_text(ev, "summary", &len);
	const char *result = results_str(ev, "result", "ok");

	strbuf_printf(sb, "#%lld ", results_int(ev, "seq", -1));
	if (!results_event_is_smc(ev)) {
		strbuf_printf(sb, "[%s] ", results_str(ev, "type", "?"));
		strbuf_append(sb, summary, len);
		return;
	}
	strbuf_puts(sb, results_str(ev, "name", "?"));
	for (size_t i = 1; i <= 4; i++) {
		strbuf_printf(sb, " x%zu=0x%" PRIx64, i,
			      results_reg(ev, "in", i));
	}
	strbuf_printf(sb, " -> x0=0x%" PRIx64, results_reg(ev, "out", 0));
	if (strcmp(result, "ok") != 0) {
		strbuf_printf(sb, " (%s)", result);
	}
	if (len > 0) {
		strbuf_puts(sb, "  ");
		strbuf_append(sb, summary, len);
	}
	if (results_str(ev, "pc_sym", NULL) != NULL) {
		strbuf_printf(sb, "  [at %s", results_str(ev, "pc_sym", ""));
		if (results_str(ev, "lr_sym", NULL) != NULL) {
			strbuf_printf(sb, ", from %s",
				      results_str(ev, "lr_sym", ""));
		}
		strbuf_putc(sb, ']');
	}
}

void results_escape_xml(struct strbuf *sb, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = utf8_sequence(p + i, len - i, &cp);

		if (n == 0) {
			strbuf_puts(sb, REPLACEMENT_CHARACTER);
			i++;
			continue;
		}
		switch (cp) {
		case '&':
			strbuf_puts(sb, "&amp;");
			break;
		case '<':
			strbuf_puts(sb, "&lt;");
			break;
		case '>':
			strbuf_puts(sb, "&gt;");
			break;
		case '"':
			strbuf_puts(sb, "&quot;");
			break;
		case '\'':
			strbuf_puts(sb, "&#39;");
			break;
		case '\t':
		case '\n':
		case '\r':
			strbuf_putc(sb, (char)cp);
			break;
		default:
			if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
			    cp == 0xfffe || cp == 0xffff) {
				strbuf_puts(sb, REPLACEMENT_CHARACTER);
			} else {
				strbuf_append(sb, p + i, n);
			}
			break;
		}
		i += n;
	}
}

void results_escape_xml_str(struct strbuf *sb, const char *s)
{
	if (s != NULL) {
		results_escape_xml(sb, s, strlen(s));
	}
}

size_t results_utf8_prefix(const char *s, size_t len, size_t max)
{
	size_t n = max;

	if (len <= max) {
		return len;
	}
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80) {
		n--;
	}
	return n;
}

size_t results_tail_start(const char *s, size_t len, size_t max_lines,
			  size_t max_bytes)
{
	size_t i = len;
	size_t lines = 0;

	if (i > 0 && s[i - 1] == '\n') {
		i--; /* a final newline does not begin a line */
	}
	while (i > 0) {
		if (s[i - 1] == '\n') {
			lines++;
			if (lines >= max_lines) {
				break;
			}
		}
		i--;
	}
	if (len - i > max_bytes) {
		const char *nl;

		i = len - max_bytes;
		/* Start at a line if one starts in the tail. */
		nl = memchr(s + i, '\n', len - i - 1);
		if (nl != NULL) {
			return (size_t)(nl - s) + 1;
		}
		while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80) {
			i++;
		}
	}
	return i;
}

size_t results_line_count(const char *s, size_t len)
{
	size_t lines = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n') {
			lines++;
		}
	}
	if (len > 0 && s[len - 1] != '\n') {
		lines++;
	}
	return lines;
}
