/*
 * Scenario loader: a YAML file (docs/scenarios.md) to the typed model of
 * harness/scenario.h, in two passes.
 *
 * 1. One libyaml event loop builds a small tree of nodes (mapping,
 *    sequence, scalar), each with its 1-based mark.  A YAML syntax error
 *    (reader, scanner, parser) ends the load with that one error: what
 *    follows it cannot be trusted.
 * 2. The tree is checked against schema tables, one `static const` table of
 *    {key, kind, offset, required, what} rows per struct, by one generic
 *    walker (harness/scenario_schema.c).  Every semantic error is
 *    collected, so one `ffa-harness check` lists all the mistakes of a
 *    file, sorted by line.
 *
 * The loader is split by the seams of the language: this file holds the
 * document, the node tree, YAML errors, the scenario header tables (spmc,
 * checks, firmware) and the entry points; harness/scenario_steps.c the
 * steps, harness/scenario_expect.c the expectations,
 * harness/scenario_inject.c the inject rules.
 *
 * Ownership: whatever a row allocates hangs on the scenario being filled
 * at once (an array gets its count when it is allocated), so
 * scenario_free_one() releases any partial result.  Nothing reaches the
 * caller's set unless the whole file is valid.
 *
 * Deviations from full YAML: aliases are rejected (a scenario is small;
 * write the value out), anchors and tags are ignored, and a file holds one
 * YAML document.
 */
#include "harness/scenario.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "common/error.h"
#include "common/fileio.h"
#include "common/text.h"
#include "harness/scenario_schema.h"
#include "models/spmc.h"

/* Deeper than any sane scenario; bounds the recursion of both passes. */
#define MAX_DEPTH 64
/* The largest scenario file accepted. */
#define MAX_FILE_SIZE (16u * 1024 * 1024)

/* --- Node tree ------------------------------------------------------------ */

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


/* --- spmc ----------------------------------------------------------------- */

static const char *const ffa_versions[] = {"1.0", "1.1", "1.2", NULL};
static const char *const sp_models[] = {"mm-variable", "echo", NULL};

#define S_ROW(k, kd, member) ROW(k, kd, struct scenario_spmc, member)

static const struct field shared_buffer_fields[] = {
	{S_ROW("address", FIELD_U64, shared_buffer_address)},
	{S_ROW("size", FIELD_SIZE, shared_buffer_size), .min = 1,
	 .max = UINT64_MAX},
	{S_ROW("offset", FIELD_U64, shared_buffer_offset)},
};

/* shared_buffer: fills struct scenario_spmc itself. */
static const struct schema shared_buffer_schema = {
	.what = "a mapping {address, size, offset}",
	.fields = shared_buffer_fields,
	.field_count = ARRAY_SIZE(shared_buffer_fields),
};

#define P_ROW(k, kd, member) ROW(k, kd, struct scenario_partition, member)

static const struct field partition_fields[] = {
	{P_ROW("name", FIELD_TEXT, name)},
	{P_ROW("id", FIELD_U64, id), .required = true, .min = 0x8000,
	 .max = 0xffff, .what = "a secure partition ID (0x8000 to 0xffff)"},
	{P_ROW("uuid", FIELD_FFA_UUID, uuid), .required = true,
	 .sets = SET_PRESENT,
	 .present_at = offsetof(struct scenario_partition, has_uuid)},
	{P_ROW("properties", FIELD_U64, properties), .max = UINT32_MAX,
	 .what = "a 32-bit number"},
	{P_ROW("execution_contexts", FIELD_U64, exec_ctx_count), .min = 1,
	 .max = 65535},
	{P_ROW("model", FIELD_TEXT, model), .choices = sp_models},
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

#define VAR_ROW(k, kd, member) ROW(k, kd, struct scenario_variable, member)

static const struct field variable_fields[] = {
	{VAR_ROW("name", FIELD_STRING, name), .required = true, .min = 1,
	 .ucs2 = true},
	{VAR_ROW("guid", FIELD_GUID, guid)},
	{VAR_ROW("attributes", FIELD_NAMED_U32, attributes), .required = true,
	 .named = NAMED_ATTRIBUTES},
	{VAR_ROW("data", FIELD_BYTES, data), .bytes = BYTES_TEXT},
	{VAR_ROW("data_hex", FIELD_BYTES, data), .bytes = BYTES_HEX},
	{VAR_ROW("data_ucs2", FIELD_BYTES, data), .bytes = BYTES_UCS2},
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
	{S_ROW("capacity", FIELD_SIZE, store_capacity)},
	{S_ROW("volatile_capacity", FIELD_SIZE, store_volatile_capacity)},
	{S_ROW("max_variable_size", FIELD_SIZE, store_max_variable_size)},
	{S_ROW("file", FIELD_TEXT, store_file), .min = 1},
	{S_ROW("preload", FIELD_TEXT, store_preload), .min = 1},
};

/* store: fills struct scenario_spmc itself. */
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
	size_t saved = schema_path_key(ld, "partitions");

	if (spmc->partition_count > SPMC_MAX_PARTITIONS) {
		schema_error(ld, schema_get(n, "partitions")->mark,
			     "expected at most %d partitions, got %zu",
			     SPMC_MAX_PARTITIONS, spmc->partition_count);
	}
	for (size_t j = 0; j < spmc->partition_count; j++) {
		const struct scenario_partition *b = &spmc->partitions[j];

		for (size_t i = 0; b->id.present && i < j; i++) {
			const struct scenario_partition *a =
				&spmc->partitions[i];

			if (a->id.present && a->id.value == b->id.value) {
				size_t inner = schema_path_index(ld, j);
				size_t id = schema_path_key(ld, "id");

				schema_error(ld, b->id.mark,
					     "partition ID 0x%llx is already "
					     "used by partitions[%zu]",
					     (unsigned long long)b->id.value,
					     i);
				schema_path_restore(ld, id);
				schema_path_restore(ld, inner);
				break;
			}
		}
	}
	schema_path_restore(ld, saved);
	saved = schema_path_key(ld, "variables");
	for (size_t j = 0; j < spmc->variable_count; j++) {
		const struct scenario_variable *b = &spmc->variables[j];

		for (size_t i = 0; b->name != NULL && i < j; i++) {
			const struct scenario_variable *a = &spmc->variables[i];

			if (a->name != NULL && strcmp(a->name, b->name) == 0 &&
			    efi_guid_equal(&a->guid, &b->guid)) {
				size_t inner = schema_path_index(ld, j);

				schema_error(ld, b->mark,
					     "variable '%s' with this GUID is "
					     "already in variables[%zu]",
					     b->name, i);
				schema_path_restore(ld, inner);
				break;
			}
		}
	}
	schema_path_restore(ld, saved);
}

static const struct field spmc_fields[] = {
	{S_ROW("ffa_version", FIELD_TEXT, ffa_version),
	 .choices = ffa_versions},
	{S_ROW("endpoint_id", FIELD_U64, nwd_id), .max = 0x7fff,
	 .what = "a normal-world endpoint ID (0 to 0x7fff)"},
	{.key = "shared_buffer", .kind = FIELD_NESTED, .offset = 0,
	 .sub = &shared_buffer_schema},
	{S_ROW("partitions", FIELD_LIST, partitions), .sub = &partition_schema,
	 .aux = offsetof(struct scenario_spmc, partition_count)},
	{.key = "store", .kind = FIELD_NESTED, .offset = 0,
	 .sub = &store_schema},
	{S_ROW("variables", FIELD_LIST, variables), .sub = &variable_schema,
	 .aux = offsetof(struct scenario_spmc, variable_count)},
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
	{ROW("address", FIELD_U64, struct watch_entry, address),
	 .required = true},
	{ROW("size", FIELD_SIZE, struct watch_entry, size), .required = true,
	 .min = 1, .max = UINT64_MAX},
};

static const struct schema watch_schema = {
	.what = "a watched range {address, size}",
	.fields = watch_fields,
	.field_count = ARRAY_SIZE(watch_fields),
};

/* watch: entries go to two parallel arrays of struct scenario_checks. */
static void parse_watch(struct loader *ld, const struct node *v, void *base,
			const struct field *f)
{
	struct scenario_checks *c = base;

	(void)f;
	if (v->type != NODE_SEQUENCE) {
		schema_expected(ld, v, "a sequence of watched ranges "
				       "{address, size}");
		return;
	}
	c->watch_address = xcalloc(v->count + 1, sizeof(*c->watch_address));
	c->watch_size = xcalloc(v->count + 1, sizeof(*c->watch_size));
	c->watch_count = v->count;
	for (size_t i = 0; i < v->count; i++) {
		struct watch_entry w = {{false, 0, {0, 0}}, {false, 0, {0, 0}}};
		size_t saved = schema_path_index(ld, i);

		schema_walk(ld, v->kids[i], &watch_schema, &w);
		c->watch_address[i] = w.address;
		c->watch_size[i] = w.size;
		schema_path_restore(ld, saved);
	}
}

#define CH_ROW(k, kd, member) ROW(k, kd, struct scenario_checks, member)

static const struct field checks_fields[] = {
	{CH_ROW("cache_model", FIELD_TEXT, cache_model),
	 .choices = cache_models},
	{CH_ROW("wide_maintenance_fails", FIELD_BOOL,
		wide_maintenance_fails)},
	{CH_ROW("rxtx_unmapped_at_ebs", FIELD_BOOL, rxtx_unmapped_at_ebs)},
	{.key = "watch", .kind = FIELD_CUSTOM, .custom = parse_watch},
};

static const struct schema checks_schema = {
	.what = "a mapping {cache_model, wide_maintenance_fails, "
		"rxtx_unmapped_at_ebs, watch}",
	.fields = checks_fields,
	.field_count = ARRAY_SIZE(checks_fields),
};

/* --- firmware ------------------------------------------------------------- */

static const char *const image_formats[] = {"auto", "elf", "raw", NULL};

#define FW_ROW(k, kd, member) ROW(k, kd, struct scenario_firmware, member)

static const struct field firmware_fields[] = {
	{FW_ROW("image", FIELD_STRING, image), .required = true, .min = 1},
	{FW_ROW("format", FIELD_STRING, format), .choices = image_formats},
	{FW_ROW("load_address", FIELD_U64, load_addr)},
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

/* firmware: a built-in name or a mapping {image, format, load_address}. */
static void parse_firmware(struct loader *ld, const struct node *v,
			   void *base, const struct field *f)
{
	static const char what[] =
		"a built-in firmware (refclient, refclient:<variant>, "
		"uboot-debian) or a mapping {image, format, load_address}";
	struct scenario_firmware *fw = AT(base, f->offset,
					  struct scenario_firmware);

	if (v->type == NODE_MAPPING) {
		fw->kind = SCENARIO_FIRMWARE_IMAGE;
		fw->mark = v->mark;
		schema_walk(ld, v, &firmware_schema, fw);
		return;
	}
	if (v->type != NODE_SCALAR || schema_is_null(v) ||
	    strlen(v->text) != v->len || !builtin_firmware_name(v->text)) {
		schema_expected(ld, v, what);
		return;
	}
	fw->kind = SCENARIO_FIRMWARE_BUILTIN;
	fw->mark = v->mark;
	free(fw->name);
	fw->name = xstrdup(v->text);
}

/* --- Scenario ------------------------------------------------------------- */

#define SC_ROW(k, kd, member) ROW(k, kd, struct scenario, member)

static const struct field scenario_fields[] = {
	{SC_ROW("name", FIELD_STRING, name), .required = true, .min = 1},
	{SC_ROW("description", FIELD_STRING, description)},
	{SC_ROW("tags", FIELD_STRING_LIST, tags),
	 .aux = offsetof(struct scenario, tag_count),
	 .what = "a sequence of tags", .item = "a tag",
	 .item_nonempty = "a non-empty tag"},
	{SC_ROW("firmware", FIELD_CUSTOM, firmware), .custom = parse_firmware},
	{SC_ROW("platform", FIELD_TEXT, platform), .min = 1},
	{SC_ROW("max_instructions", FIELD_U64, max_insns), .min = 1,
	 .max = UINT64_MAX},
	{SC_ROW("timeout", FIELD_U64, timeout_seconds), .min = 1,
	 .max = UINT64_MAX, .what = "a number of seconds (at least 1)"},
	{SC_ROW("spmc", FIELD_NESTED, spmc), .sub = &spmc_schema},
	{SC_ROW("checks", FIELD_NESTED, checks), .sub = &checks_schema},
	{SC_ROW("expect_findings", FIELD_TEXT_LIST, expect_findings),
	 .aux = offsetof(struct scenario, expect_finding_count),
	 .what = "a sequence of finding codes", .item = "a finding code",
	 .item_nonempty = "a finding code"},
	{SC_ROW("steps", FIELD_CUSTOM, steps), .required = true,
	 .custom = scenario_steps_parse},
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
			a = schema_get(root->kids[i], "name");
			b = schema_get(root->kids[j], "name");
			saved = schema_path_index(ld, j);
			schema_path_key(ld, "name");
			schema_error(ld, b->mark,
				     "duplicate scenario name '%s' (first at "
				     "line %d, column %d)",
				     set->items[j].name, a->mark.line,
				     a->mark.column);
			schema_path_restore(ld, saved);
			break;
		}
	}
}

static void load_document(struct loader *ld, const struct node *root,
			  struct scenario_set *set)
{
	static const char what[] =
		"a scenario (a mapping) or a sequence of scenarios";

	if (root == NULL || schema_is_null(root)) {
		struct source_mark m = {1, 1};

		if (root != NULL) {
			m = root->mark;
		}
		schema_error(ld, m, "expected %s, got an empty document", what);
		return;
	}
	if (root->type == NODE_MAPPING) {
		set->items = xcalloc(1, sizeof(*set->items));
		set->count = 1;
		set->items[0].file = xstrdup(ld->file);
		schema_walk(ld, root, &scenario_schema, &set->items[0]);
		return;
	}
	if (root->type != NODE_SEQUENCE) {
		schema_expected(ld, root, what);
		return;
	}
	if (root->count == 0) {
		schema_error(ld, root->mark,
			     "expected at least one scenario, got an empty "
			     "sequence");
		return;
	}
	set->items = xcalloc(root->count, sizeof(*set->items));
	set->count = root->count;
	for (size_t i = 0; i < root->count; i++) {
		size_t saved = schema_path_index(ld, i);

		set->items[i].file = xstrdup(ld->file);
		schema_walk(ld, root->kids[i], &scenario_schema,
			     &set->items[i]);
		schema_path_restore(ld, saved);
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

/*
 * The column (1-based) of a tab in the indentation of line (1-based) of
 * text, or 0.  Indentation is the leading spaces and tabs, and the "- "
 * of block sequence entries, whose content is indented past them.
 */
static int tab_in_indentation(const char *text, size_t len, int line)
{
	size_t i = 0;

	for (int l = 1; l < line && i < len; i++) {
		if (text[i] == '\n') {
			l++;
		}
	}
	for (size_t start = i; i < len; i++) {
		if (text[i] == '\t') {
			return (int)(i - start) + 1;
		}
		if (text[i] == '-' && i + 1 < len &&
		    (text[i + 1] == ' ' || text[i + 1] == '\t')) {
			continue;
		}
		if (text[i] != ' ') {
			break;
		}
	}
	return 0;
}

/*
 * YAML forbids tabs in indentation (YAML 1.2.2, 6.1 "Indentation
 * Spaces"); libyaml says "found character that cannot start any token",
 * which does not name the tab.  A syntax error on a line indented with a
 * tab is reported as that, at the tab.
 */
static bool tab_error(struct loader *ld, const yaml_parser_t *p,
		      const char *text, size_t len)
{
	int line = (int)p->problem_mark.line + 1;
	int column = tab_in_indentation(text, len, line);

	if (column == 0) {
		return false;
	}
	schema_error(ld, (struct source_mark){line, column},
		     "tabs are not allowed in YAML indentation; indent with "
		     "spaces (libyaml: %s)",
		     p->problem != NULL ? p->problem : "syntax error");
	return true;
}

static void yaml_error(struct loader *ld, const yaml_parser_t *p,
		       const char *text, size_t len)
{
	const char *problem = p->problem != NULL ? p->problem : "unknown error";

	if ((p->error == YAML_SCANNER_ERROR || p->error == YAML_PARSER_ERROR) &&
	    tab_error(ld, p, text, len)) {
		return;
	}
	switch (p->error) {
	case YAML_MEMORY_ERROR:
		schema_error(ld, (struct source_mark){1, 1},
			     "out of memory while parsing YAML");
		break;
	case YAML_READER_ERROR:
		if (p->problem_value != -1) {
			schema_error(ld,
				     mark_at_offset(text, len,
						    p->problem_offset),
				     "%s (#%X at byte offset %zu)", problem,
				     (unsigned)p->problem_value,
				     p->problem_offset);
		} else {
			schema_error(ld,
				     mark_at_offset(text, len,
						    p->problem_offset),
				     "%s (at byte offset %zu)", problem,
				     p->problem_offset);
		}
		break;
	case YAML_SCANNER_ERROR:
	case YAML_PARSER_ERROR:
		if (p->context != NULL) {
			schema_error(ld, mark_of(p->problem_mark),
				     "%s (%s at line %d, column %d)", problem,
				     p->context, (int)p->context_mark.line + 1,
				     (int)p->context_mark.column + 1);
		} else {
			schema_error(ld, mark_of(p->problem_mark), "%s",
				     problem);
		}
		break;
	default:
		schema_error(ld, mark_of(p->problem_mark), "YAML error: %s",
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
		schema_error(ld, (struct source_mark){1, 1},
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
				schema_error(ld, mark_of(event.start_mark),
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
				schema_error(ld, mark_of(event.start_mark),
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
		schema_error(&ld, (struct source_mark){1, 1}, "%s",
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