/*
 * The scenario loader's private interface, shared by harness/scenario.c
 * (document, node tree, errors and key paths, entry points),
 * harness/scenario_schema.c (scalar conversions and the one table-driven
 * field handler), harness/scenario_header.c, harness/scenario_steps.c,
 * harness/scenario_expect.c and harness/scenario_inject.c.  Nothing
 * outside harness/scenario*.c includes it; the public interface is
 * harness/scenario.h.
 *
 * A schema is one `static const` table of field rows per struct (STYLE
 * I2, after libcyaml's CYAML_FIELD_*): key, kind of value, offsetof the
 * member it fills, required flag and the "expected ..." text.  One
 * function, schema_walk(), checks a mapping node against a table and fills
 * the struct; the kinds below are all the value handling there is.
 */
#ifndef HARNESS_SCENARIO_SCHEMA_H
#define HARNESS_SCENARIO_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"
#include "harness/scenario.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The member at offset of the struct at base. */
#define AT(base, offset, type) ((type *)(void *)((char *)(base) + (offset)))

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

/*
 * Nodes, errors and key paths are implemented in harness/scenario.c, the
 * rest in harness/scenario_schema.c unless said otherwise.
 */

/* YAML 1.1/1.2 null: an unquoted empty scalar, "~" or "null". */
bool schema_is_null(const struct node *n);
/* The key node of key in a mapping node, or NULL. */
const struct node *schema_key_node(const struct node *map, const char *key);
/* The value of key in a mapping node, or NULL. */
const struct node *schema_get(const struct node *map, const char *key);

/* --- Errors and key paths ------------------------------------------------- */

#define SCHEMA_PATH_LEN 256

struct load_error {
	struct source_mark mark;
	size_t seq; /* keeps the order of errors at one mark */
	char *text;
};

struct loader {
	const char *file;
	char path[SCHEMA_PATH_LEN]; /* "steps[2].set_variable.attributes" */
	size_t path_len;
	struct load_error *errors;
	size_t error_count;
	size_t error_cap;
};

/* Records "FILE:LINE:COL: error: PATH: message". */
void schema_error(struct loader *ld, struct source_mark mark,
		  const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Reports "expected <what>, got <node>" at the node. */
void schema_expected(struct loader *ld, const struct node *n,
		     const char *what);
/* What a node is, for "got ...": 'text', null, a mapping, a sequence. */
void schema_describe(const struct node *n, char *out, size_t size);

/* Append ".key" or "[i]" to the key path; each returns what restore needs. */
size_t schema_path_key(struct loader *ld, const char *key);
size_t schema_path_index(struct loader *ld, size_t i);
void schema_path_restore(struct loader *ld, size_t saved);

/*
 * " (did you mean 'x'?)" when one of the candidates is within a small edit
 * distance of got (typos, swapped letters); nothing otherwise.
 */
void schema_suggest(const char *got, const char *const *candidates,
		    size_t count, struct strbuf *sb);

/* --- Scalars -------------------------------------------------------------- */

#define EXP_TEXT "a string"
#define EXP_NUMBER "a number (decimal or 0x hex)"
#define EXP_SIZE "a size (a number with an optional K, M or G suffix)"
#define EXP_BOOL "true or false (or yes/no)"
#define EXP_GUID "a GUID (8be4df61-93ca-11d2-aa0d-00e098032b8c)"
#define EXP_HEX "hex bytes (0a0b0c)"
#define EXP_SMC "an SMC function name (FFA_MSG_SEND_DIRECT_REQ_64) or a number"

/* The text of a non-null scalar free of NULs, or NULL after an error. */
const char *schema_want_text(struct loader *ld, const struct node *n,
			     const char *what);
/* Decimal or 0x hex; with size, an optional K, M or G suffix. */
bool schema_parse_number(const char *s, bool size, uint64_t *out);
bool schema_want_bool(struct loader *ld, const struct node *v, bool *out);
/* Index of the scalar in the NULL-terminated list, or -1 after an error. */
int schema_want_choice(struct loader *ld, const struct node *n,
		       const char *const *choices);
void schema_set_text(struct scenario_text *t, const struct node *v,
		     const char *s);
/* An SMC function name or number into t (as written) and *fid. */
bool schema_want_smc(struct loader *ld, const struct node *v,
		     struct scenario_text *t, uint32_t *fid);
/* The mapping key at index i, or NULL after an error (not a scalar, or a
 * repeat of an earlier key). */
const char *schema_mapping_key(struct loader *ld, const struct node *map,
			       size_t i);

/* --- Schema tables -------------------------------------------------------- */

/* What a field's value is, and so where and how it is stored. */
enum field_kind {
	FIELD_U64,        /* struct scenario_u64: a number (min..max) */
	FIELD_SIZE,       /* struct scenario_u64: a number with K/M/G */
	FIELD_BOOL,       /* struct scenario_u64: 0 or 1, presence known */
	FIELD_FLAG,       /* bool (stored inverted with .invert) */
	FIELD_TRUE,       /* nothing stored: only `true` is accepted */
	FIELD_COUNT,      /* uint64_t: a number >= 1, or "all" as 0 */
	FIELD_NAMED,      /* struct scenario_u64: a .named name or a number */
	FIELD_NAMED_U32,  /* uint32_t: the same */
	FIELD_NAMED_CODE, /* int64_t: the same (codes of the injector) */
	FIELD_STRING,     /* char *: text (.choices, .min 1, .ucs2) */
	FIELD_TEXT,       /* struct scenario_text: the same */
	FIELD_REGEX,      /* struct scenario_text: a POSIX extended regex */
	FIELD_SMC,        /* struct scenario_text: an SMC function; fid at
			     .aux with SET_FID */
	FIELD_ENUM,       /* int-sized enum: .values[i] of .choices[i] */
	FIELD_FLAG_LIST,  /* uint32_t: OR of .values of a sequence of names */
	FIELD_GUID,       /* struct efi_guid */
	FIELD_FFA_UUID,   /* struct ffa_uuid */
	FIELD_BYTES,      /* struct scenario_bytes in the form .bytes */
	FIELD_NESTED,     /* a mapping of .sub at offset */
	FIELD_LIST,       /* a sequence of .sub entries: array, count at .aux */
	FIELD_TEXT_LIST,  /* struct scenario_text[], count at .aux */
	FIELD_STRING_LIST, /* char *[], count at .aux */
	FIELD_CUSTOM,     /* .custom does it all (value shapes of their own) */
};

/* Name-or-number vocabularies (common/abi_names.h, models/smc_router.h). */
enum field_named {
	NAMED_EFI_STATUS,
	NAMED_MM_FUNCTION,
	NAMED_MM_RETURN,
	NAMED_FFA_ERROR,
	NAMED_ATTRIBUTES,
	NAMED_TEEC_RESULT,   /* models/optee.h */
	NAMED_OPTEE_SMC_RETURN,
	NAMED_OPTEE_COMMAND,
	NAMED_BYTE_COUNT,    /* a plain number of bytes, into int64_t */
	NAMED_COUNT
};

enum field_bytes {
	BYTES_TEXT, /* the scalar's bytes, NULs included */
	BYTES_HEX,  /* "0a0b0c" */
	BYTES_UCS2, /* UTF-8 text as UCS-2 little-endian with a NUL */
};

/* What a field sets besides its member, after a valid value. */
enum {
	SET_PRESENT = 1 << 0, /* bool at .present_at */
	SET_MARK = 1 << 1,    /* struct source_mark at .mark_at */
	SET_TAG = 1 << 2,     /* int-sized enum at .tag_at = .tag */
	SET_FID = 1 << 3,     /* FIELD_SMC: uint32_t at .aux */
};

struct field;
struct schema;

typedef void field_custom_fn(struct loader *ld, const struct node *v,
			     void *base, const struct field *f);
typedef void schema_init_fn(void *base);
typedef void schema_check_fn(struct loader *ld, const struct node *n,
			     void *base);

/* One key of a mapping. */
struct field {
	const char *key;
	enum field_kind kind;
	bool required;
	size_t offset; /* the member filled */
	/* "expected <what>" instead of the kind's own text. */
	const char *what;
	/* Numbers: allowed range when max != 0.  Text: min 1 = non-empty. */
	uint64_t min;
	uint64_t max;
	bool ucs2;   /* text: a variable name, so UCS-2 must hold it */
	bool invert; /* FIELD_FLAG: store !value (enter: -> no_enter) */
	enum field_named named;
	enum field_bytes bytes;
	const char *const *choices; /* NULL-terminated */
	const int *values;          /* FIELD_ENUM, FIELD_FLAG_LIST */
	const char *item;           /* list of text: "a tag" */
	const char *item_nonempty;  /* and when it is empty */
	const struct schema *sub;
	size_t aux; /* lists: the count; FIELD_SMC: the fid */
	unsigned sets;
	size_t present_at;
	size_t mark_at;
	size_t tag_at;
	int tag;
	field_custom_fn *custom;
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

/* The start of a row: {ROW(key, kind, struct type, member), .more = ...}. */
#define ROW(k, kd, type, member)                                        \
	.key = (k), .kind = (kd), .offset = offsetof(type, member)

/*
 * Fills base from mapping n by schema s: unknown keys (with a suggestion),
 * repeated keys, missing required keys and bad values are errors, each
 * at its mark with its key path.
 */
void schema_walk(struct loader *ld, const struct node *n,
		 const struct schema *s, void *base);

/* --- What the step, expectation and inject modules provide ---------------- */

/* harness/scenario_header.c: one scenario (a mapping {name, steps, ...}). */
extern const struct schema scenario_header_schema;
/* harness/scenario_expect.c: the `expect:` mapping of a step. */
extern const struct schema scenario_expect_schema;
/* harness/scenario_inject.c: the arguments of an `inject` step. */
extern const struct schema scenario_inject_schema;
/* harness/scenario_steps.c: `steps:` of a scenario (a FIELD_CUSTOM). */
/* Fills sc's header and step prints from its mapping node
 * (harness/scenario_fingerprint.c). */
void scenario_fingerprint(struct scenario *sc, const struct node *map);
void scenario_steps_parse(struct loader *ld, const struct node *v,
			  void *base, const struct field *f);

#endif /* HARNESS_SCENARIO_SCHEMA_H */
