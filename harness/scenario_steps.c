/*
 * The steps of a scenario (docs/scenarios.md "Steps"): `- kind` or
 * `- kind: ARGS` with an optional `expect:`.  One row per step kind names
 * its key and the schema of its arguments; the variable services share one
 * argument table and differ in which arguments apply (variable_rules[]).
 */
#include "harness/scenario_schema.h"

#include <string.h>

#include "abi/agent.h"

_Static_assert(sizeof(enum scenario_boot_until) == sizeof(int),
	       "FIELD_ENUM stores an int");

/* --- boot ----------------------------------------------------------------- */

static const char *const boot_untils[] = {"agent", "prompt", "stop", "shell",
					  NULL};
static const int boot_until_values[] = {BOOT_UNTIL_AGENT, BOOT_UNTIL_PROMPT,
					BOOT_UNTIL_STOP, BOOT_UNTIL_SHELL};

#define B_ROW(k, kd, member) ROW(k, kd, struct scenario_boot, member)

static const struct field boot_fields[] = {
	{B_ROW("until", FIELD_ENUM, until), .choices = boot_untils,
	 .values = boot_until_values, .sets = SET_PRESENT,
	 .present_at = offsetof(struct scenario_boot, until_given)},
	{B_ROW("prompt", FIELD_TEXT, prompt)},
	{B_ROW("max_instructions", FIELD_U64, max_insns), .min = 1,
	 .max = UINT64_MAX},
	{B_ROW("interrupt_autoboot", FIELD_TEXT, interrupt_autoboot),
	 .min = 1},
	{B_ROW("efi_agent", FIELD_TEXT, efi_agent), .min = 1},
	{B_ROW("efi_agent_address", FIELD_U64, efi_agent_address),
	 .min = 0x1000, .max = UINT64_MAX},
};

static const struct schema boot_schema = {
	.what = "a mapping {until, prompt, max_instructions, "
		"interrupt_autoboot, efi_agent, efi_agent_address} or nothing",
	.fields = boot_fields,
	.field_count = ARRAY_SIZE(boot_fields),
	.null_is_empty = true,
};

/* --- Variable services ---------------------------------------------------- */

/* null: [name, guid, data, attributes, size] */
static const char *const null_names[] = {"name", "guid", "data",
					 "attributes", "size", NULL};
static const int null_flag_values[] = {
	AGENT_STEP_NULL_NAME, AGENT_STEP_NULL_GUID, AGENT_STEP_NULL_DATA,
	AGENT_STEP_NULL_ATTRIBUTES, AGENT_STEP_NULL_SIZE};

#define V_ROW(k, kd, member) ROW(k, kd, struct scenario_variable_call, member)

static const struct field variable_call_fields[] = {
	{V_ROW("name", FIELD_TEXT, name), .ucs2 = true},
	{V_ROW("guid", FIELD_GUID, guid), .sets = SET_PRESENT | SET_MARK,
	 .present_at = offsetof(struct scenario_variable_call, has_guid),
	 .mark_at = offsetof(struct scenario_variable_call, guid_mark)},
	{V_ROW("attributes", FIELD_NAMED_U32, attributes),
	 .named = NAMED_ATTRIBUTES, .sets = SET_PRESENT | SET_MARK,
	 .present_at = offsetof(struct scenario_variable_call, has_attributes),
	 .mark_at = offsetof(struct scenario_variable_call, attributes_mark)},
	{V_ROW("data", FIELD_BYTES, data), .bytes = BYTES_TEXT},
	{V_ROW("data_hex", FIELD_BYTES, data), .bytes = BYTES_HEX},
	{V_ROW("data_ucs2", FIELD_BYTES, data), .bytes = BYTES_UCS2},
	{V_ROW("buffer_size", FIELD_SIZE, buffer_size)},
	{V_ROW("null", FIELD_FLAG_LIST, null_flags), .choices = null_names,
	 .values = null_flag_values,
	 .what = "a sequence of argument names (name, guid, data, "
		 "attributes, size)"},
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
	{"efivarfs_read", VA_NAME | VA_GUID, VA_NAME, "name, guid"},
	{"efivarfs_write", VA_NAME | VA_GUID | VA_ATTRIBUTES | VA_DATA,
	 VA_NAME | VA_ATTRIBUTES,
	 "name, guid, attributes, data, data_hex, data_ucs2"},
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
		const struct node *key = schema_key_node(n, args[i].key);

		if (key != NULL && (r->allowed & args[i].bit) == 0) {
			size_t saved = schema_path_key(ld, args[i].key);

			schema_error(ld, key->mark,
				     "%s does not apply to %s; it takes: %s",
				     args[i].key, r->step, r->takes);
			schema_path_restore(ld, saved);
		}
	}
	if ((r->required & VA_NAME) != 0 &&
	    schema_key_node(n, "name") == NULL &&
	    (c->null_flags & AGENT_STEP_NULL_NAME) == 0) {
		size_t saved = schema_path_key(ld, "name");

		schema_error(ld, n->mark,
			     "missing required key 'name'; %s needs a name "
			     "(\"\" is allowed) or null: [name]",
			     r->step);
		schema_path_restore(ld, saved);
	}
	if ((r->required & VA_ATTRIBUTES) != 0 &&
	    schema_key_node(n, "attributes") == NULL) {
		size_t saved = schema_path_key(ld, "attributes");

		schema_error(ld, n->mark,
			     "missing required key 'attributes'; %s needs "
			     "attributes (NV|BS|RT or a number)",
			     r->step);
		schema_path_restore(ld, saved);
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

/* efivarfs files are named NAME-GUID: no NUL (efivarfs_read/write). */
static void efivarfs_check(struct loader *ld, const struct node *n,
			   void *base, const struct variable_rule *r)
{
	const struct scenario_variable_call *c = base;

	variable_call_check(ld, n, base, r);
	if (c->null_flags != 0) {
		size_t saved = schema_path_key(ld, "null");

		schema_error(ld, n->mark, "null does not apply to %s: Linux "
					  "passes no pointers",
			     r->step);
		schema_path_restore(ld, saved);
	}
	if (c->name.value != NULL &&
	    (c->name.value[0] == '\0' || strchr(c->name.value, '/') != NULL)) {
		size_t saved = schema_path_key(ld, "name");

		schema_error(ld, c->name.mark,
			     "expected a variable name without '/', got '%s'",
			     c->name.value);
		schema_path_restore(ld, saved);
	}
}

static void efivarfs_read_check(struct loader *ld, const struct node *n,
				void *base)
{
	efivarfs_check(ld, n, base, &variable_rules[4]);
}

static void efivarfs_write_check(struct loader *ld, const struct node *n,
				 void *base)
{
	efivarfs_check(ld, n, base, &variable_rules[5]);
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
static const struct schema efivarfs_read_schema =
	VARIABLE_CALL_SCHEMA(efivarfs_read_check);
static const struct schema efivarfs_write_schema =
	VARIABLE_CALL_SCHEMA(efivarfs_write_check);

/* --- The others ----------------------------------------------------------- */

static const struct schema no_args_schema = {
	.what = "nothing (null or an empty mapping)",
	.null_is_empty = true,
};

static void console_check(struct loader *ld, const struct node *n,
			  void *base)
{
	const struct scenario_console *c = base;

	if ((n->type == NODE_MAPPING || schema_is_null(n)) &&
	    c->type.value == NULL && c->wait.value == NULL) {
		schema_error(ld, n->mark,
			     "console needs 'type' (a line to type), 'wait' "
			     "(text to wait for) or both");
	}
}

#define C_ROW(k, kd, member) ROW(k, kd, struct scenario_console, member)

static const struct field console_fields[] = {
	{C_ROW("type", FIELD_TEXT, type)},
	{C_ROW("wait", FIELD_TEXT, wait), .min = 1},
	{C_ROW("max_instructions", FIELD_U64, max_insns), .min = 1,
	 .max = UINT64_MAX},
	/* enter: (default true) is kept inverted, as no_enter. */
	{C_ROW("enter", FIELD_FLAG, no_enter), .invert = true},
};

static const struct schema console_schema = {
	.what = "a mapping {type, wait, max_instructions, enter}",
	.fields = console_fields,
	.field_count = ARRAY_SIZE(console_fields),
	.null_is_empty = true,
	.check = console_check,
};

/* --- Linux: shell, load_module, dmesg ------------------------------------ */

/*
 * The initramfs reads one command per line (scripts/linux-init.sh), so a
 * command is one line; a module name is a file name in /lib/modules.
 */
static void shell_check(struct loader *ld, const struct node *n, void *base)
{
	const struct scenario_shell *sh = base;
	const struct scenario_text *t = sh->command.value != NULL
						? &sh->command
						: &sh->module;
	const char *key = sh->command.value != NULL ? "command" : "name";

	(void)n;
	if (t->value != NULL && strpbrk(t->value, "\r\n") != NULL) {
		size_t saved = schema_path_key(ld, key);

		schema_error(ld, t->mark, "expected one line, got a line "
					  "break (Linux's shell reads a "
					  "command per line)");
		schema_path_restore(ld, saved);
	}
	if (sh->module.value != NULL &&
	    strspn(sh->module.value, "abcdefghijklmnopqrstuvwxyz"
				     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
		    strlen(sh->module.value)) {
		size_t saved = schema_path_key(ld, "name");

		schema_error(ld, sh->module.mark,
			     "expected a module name (letters, digits, _ "
			     "and -), got '%s'",
			     sh->module.value);
		schema_path_restore(ld, saved);
	}
	if (sh->args.value != NULL && strpbrk(sh->args.value, "\r\n;&|`$<>") !=
					      NULL) {
		size_t saved = schema_path_key(ld, "args");

		schema_error(ld, sh->args.mark,
			     "expected module parameters (name=value ...), "
			     "got shell syntax in '%s'",
			     sh->args.value);
		schema_path_restore(ld, saved);
	}
}

#define SH_ROW(k, kd, member) ROW(k, kd, struct scenario_shell, member)
#define SH_TIMEOUT                                                      \
	{SH_ROW("timeout", FIELD_U64, timeout), .min = 1, .max = 3600,  \
	 .what = "a number of seconds (1 to 3600)"}

static const struct field shell_fields[] = {
	{SH_ROW("command", FIELD_TEXT, command), .required = true, .min = 1},
	SH_TIMEOUT,
};

static const struct schema shell_schema = {
	.what = "a command line or a mapping {command, timeout}",
	.fields = shell_fields,
	.field_count = ARRAY_SIZE(shell_fields),
	.check = shell_check,
};

static const struct field load_module_fields[] = {
	{SH_ROW("name", FIELD_TEXT, module), .required = true, .min = 1},
	{SH_ROW("args", FIELD_TEXT, args)},
	SH_TIMEOUT,
};

static const struct schema load_module_schema = {
	.what = "a module name or a mapping {name, args, timeout}",
	.fields = load_module_fields,
	.field_count = ARRAY_SIZE(load_module_fields),
	.check = shell_check,
};

static const struct field dmesg_fields[] = {SH_TIMEOUT};

static const struct schema dmesg_schema = {
	.what = "nothing or a mapping {timeout}",
	.fields = dmesg_fields,
	.field_count = ARRAY_SIZE(dmesg_fields),
	.null_is_empty = true,
};

/* --- Steps ---------------------------------------------------------------- */

/* One row per step kind: the YAML key and its argument schema. */
struct step_desc {
	const char *name;
	const struct schema *args; /* NULL: print, whose value is text */
	size_t offset;             /* of the arguments in scenario_step */
	/* A plain text value instead of the mapping fills this member of
	 * scenario_step (`- shell: ls`, `- load_module: ffa-core`); 0: no. */
	size_t scalar_at;
};

#define STEP_ROW(kind, key, schema, member)                             \
	[kind] = {(key), (schema), offsetof(struct scenario_step, member), 0}
#define STEP_ROW_SCALAR(kind, key, schema, member, scalar)              \
	[kind] = {(key), (schema), offsetof(struct scenario_step, member), \
		  offsetof(struct scenario_step, scalar)}

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
	STEP_ROW(STEP_INJECT, "inject", &scenario_inject_schema, inject),
	STEP_ROW(STEP_PRINT, "print", NULL, print),
	STEP_ROW(STEP_POWER_OFF, "power_off", &no_args_schema, kind),
	STEP_ROW(STEP_RESET, "reset", &no_args_schema, kind),
	STEP_ROW_SCALAR(STEP_SHELL, "shell", &shell_schema, shell,
			shell.command),
	STEP_ROW_SCALAR(STEP_LOAD_MODULE, "load_module", &load_module_schema,
			shell, shell.module),
	STEP_ROW(STEP_EFIVARFS_READ, "efivarfs_read", &efivarfs_read_schema,
		 var),
	STEP_ROW(STEP_EFIVARFS_WRITE, "efivarfs_write",
		 &efivarfs_write_schema, var),
	STEP_ROW(STEP_DMESG, "dmesg", &dmesg_schema, shell),
};

/* Documented in harness/scenario.h. */
const char *scenario_step_kind_name(enum scenario_step_kind kind)
{
	if ((unsigned)kind >= STEP_KIND_COUNT) {
		return "?";
	}
	return step_descs[kind].name;
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

/*
 * "boot, get_variable, ..." and, for a name close to one of them (or to
 * "expect" in a step mapping), the suggestion.
 */
static void step_kind_list(struct strbuf *sb, const char *got,
			   bool with_expect)
{
	const char *names[STEP_KIND_COUNT + 1];

	for (int k = 0; k < STEP_KIND_COUNT; k++) {
		if (k != 0) {
			strbuf_puts(sb, ", ");
		}
		strbuf_puts(sb, step_descs[k].name);
		names[k] = step_descs[k].name;
	}
	names[STEP_KIND_COUNT] = "expect";
	if (got == NULL) {
		return;
	}
	if (with_expect) {
		strbuf_puts(sb, ") or expect");
	}
	schema_suggest(got, names, STEP_KIND_COUNT + (with_expect ? 1 : 0),
		       sb);
}

static void parse_step_args(struct loader *ld, const struct node *v,
			    struct scenario_step *st)
{
	const struct step_desc *d = &step_descs[st->kind];
	size_t saved = schema_path_key(ld, d->name);

	if (d->scalar_at != 0 && v->type == NODE_SCALAR && !schema_is_null(v)) {
		const char *s = schema_want_text(ld, v, d->args->what);

		if (s != NULL && s[0] == '\0') {
			schema_expected(ld, v, d->args->what);
		} else if (s != NULL) {
			schema_set_text(AT(st, d->scalar_at, struct scenario_text),
					v, s);
			d->args->check(ld, v, AT(st, d->offset, char));
		}
	} else if (d->args != NULL) {
		schema_walk(ld, v, d->args, AT(st, d->offset, char));
	} else {
		const char *s = schema_want_text(ld, v, "text to print");

		if (s != NULL) {
			schema_set_text(&st->print, v, s);
		}
	}
	schema_path_restore(ld, saved);
}

static void parse_expect(struct loader *ld, const struct node *v,
			 struct scenario_step *st)
{
	size_t saved = schema_path_key(ld, "expect");

	if (v->type == NODE_MAPPING) {
		st->expect.present = true;
	}
	schema_walk(ld, v, &scenario_expect_schema, &st->expect);
	schema_path_restore(ld, saved);
}

/* `- boot`: the kind alone, as `- boot:` with nothing after it. */
static void parse_scalar_step(struct loader *ld, const struct node *n,
			      struct scenario_step *st)
{
	int k = find_step_kind(n->text);

	if (k < 0) {
		struct strbuf kinds = STRBUF_INIT;
		char got[160];

		step_kind_list(&kinds, n->text, false);
		schema_describe(n, got, sizeof(got));
		schema_error(ld, n->mark,
			     "unknown step kind %s; expected one of: %s", got,
			     strbuf_str(&kinds));
		strbuf_free(&kinds);
	} else {
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
}

/* A key of a step mapping that is neither a step kind nor expect. */
static void unknown_step_key(struct loader *ld, const struct node *key)
{
	struct strbuf kinds = STRBUF_INIT;
	size_t saved = schema_path_key(ld, key->text);
	char got[160];

	step_kind_list(&kinds, key->text, true);
	schema_describe(key, got, sizeof(got));
	schema_error(ld, key->mark,
		     "unknown key %s; expected a step kind (%s", got,
		     strbuf_str(&kinds));
	schema_path_restore(ld, saved);
	strbuf_free(&kinds);
}

/* A step: `- kind` or `- kind: ARGS` with an optional `expect:`. */
static void parse_step(struct loader *ld, const struct node *n,
		       struct scenario_step *st)
{
	const struct node *kind_key = NULL;
	const struct node *args = NULL;
	const struct node *expect = NULL;

	st->mark = n->mark;
	if (n->type == NODE_SCALAR && !schema_is_null(n)) {
		parse_scalar_step(ld, n, st);
		return;
	}
	if (n->type != NODE_MAPPING) {
		schema_expected(ld, n,
				"a step (a step kind such as boot, or a "
				"mapping with one step kind key and an "
				"optional expect)");
		return;
	}
	for (size_t i = 0; i + 1 < n->count; i += 2) {
		const char *key = schema_mapping_key(ld, n, i);
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
			unknown_step_key(ld, n->kids[i]);
		} else if (kind_key != NULL) {
			size_t saved = schema_path_key(ld, key);

			schema_error(ld, n->kids[i]->mark,
				     "two step kinds in one step: '%s' (line "
				     "%d, column %d) and '%s'; write them as "
				     "two steps",
				     kind_key->text, kind_key->mark.line,
				     kind_key->mark.column, key);
			schema_path_restore(ld, saved);
		} else {
			kind_key = n->kids[i];
			args = n->kids[i + 1];
			st->kind = (enum scenario_step_kind)k;
		}
	}
	if (kind_key == NULL) {
		struct strbuf kinds = STRBUF_INIT;

		step_kind_list(&kinds, NULL, false);
		schema_error(ld, n->mark,
			     "missing step kind; expected one of: %s",
			     strbuf_str(&kinds));
		strbuf_free(&kinds);
	} else {
		parse_step_args(ld, args, st);
	}
	if (expect != NULL) {
		parse_expect(ld, expect, st);
	}
}

/* Documented in harness/scenario_schema.h. */
void scenario_steps_parse(struct loader *ld, const struct node *v,
			  void *base, const struct field *f)
{
	struct scenario *sc = base;

	(void)f;
	if (v->type != NODE_SEQUENCE) {
		schema_expected(ld, v, "a sequence of steps");
		return;
	}
	if (v->count == 0) {
		schema_error(ld, v->mark,
			     "expected at least one step, got an empty "
			     "sequence");
		return;
	}
	sc->steps = xcalloc(v->count, sizeof(*sc->steps));
	sc->step_count = v->count;
	for (size_t i = 0; i < v->count; i++) {
		size_t saved = schema_path_index(ld, i);

		parse_step(ld, v->kids[i], &sc->steps[i]);
		schema_path_restore(ld, saved);
	}
}
