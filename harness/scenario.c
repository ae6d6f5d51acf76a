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
 * document, the node tree and its marks, error reporting (messages, key
 * paths, YAML syntax errors) and the entry points;
 * harness/scenario_schema.c the table engine, harness/scenario_header.c
 * the scenario mapping (firmware, spmc, checks), harness/scenario_steps.c
 * the steps, harness/scenario_expect.c the expectations and
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

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "common/error.h"
#include "common/fileio.h"
#include "harness/scenario_schema.h"

/* Deeper than any sane scenario; bounds the recursion of both passes. */
#define MAX_DEPTH 64
/* The largest scenario file accepted. */
#define MAX_FILE_SIZE (16u * 1024 * 1024)
/* Longest scalar quoted in a message. */
#define QUOTE_MAX 48

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


/* --- Nodes ---------------------------------------------------------------- */

/* Documented in harness/scenario_schema.h. */
bool schema_is_null(const struct node *n)
{
	if (n->type != NODE_SCALAR || !n->plain) {
		return false;
	}
	return n->len == 0 || strcmp(n->text, "~") == 0 ||
	       strcmp(n->text, "null") == 0 || strcmp(n->text, "Null") == 0 ||
	       strcmp(n->text, "NULL") == 0;
}

/* Documented in harness/scenario_schema.h. */
const struct node *schema_key_node(const struct node *map, const char *key)
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

/* Documented in harness/scenario_schema.h. */
const struct node *schema_get(const struct node *map, const char *key)
{
	const struct node *k = schema_key_node(map, key);

	for (size_t i = 0; k != NULL && i + 1 < map->count; i += 2) {
		if (map->kids[i] == k) {
			return map->kids[i + 1];
		}
	}
	return NULL;
}

/* --- Errors and key paths ------------------------------------------------- */

/* Documented in harness/scenario_schema.h. */
void schema_error(struct loader *ld, struct source_mark mark,
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

/* Documented in harness/scenario_schema.h. */
size_t schema_path_key(struct loader *ld, const char *key)
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

/* Documented in harness/scenario_schema.h. */
size_t schema_path_index(struct loader *ld, size_t i)
{
	char piece[32];

	snprintf(piece, sizeof(piece), "[%zu]", i);
	return path_append(ld, piece);
}

/* Documented in harness/scenario_schema.h. */
void schema_path_restore(struct loader *ld, size_t saved)
{
	ld->path_len = saved;
	ld->path[saved] = '\0';
}

/* Documented in harness/scenario_schema.h. */
void schema_describe(const struct node *n, char *out, size_t size)
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
		if (schema_is_null(n)) {
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

/* Documented in harness/scenario_schema.h. */
void schema_expected(struct loader *ld, const struct node *n,
		     const char *what)
{
	char got[160];

	schema_describe(n, got, sizeof(got));
	schema_error(ld, n->mark, "expected %s, got %s", what, got);
}

/* Documented in harness/scenario_schema.h. */
const char *schema_want_text(struct loader *ld, const struct node *n,
			     const char *what)
{
	if (n->type != NODE_SCALAR || schema_is_null(n)) {
		schema_expected(ld, n, what);
		return NULL;
	}
	if (strlen(n->text) != n->len) {
		schema_error(ld, n->mark,
			     "expected %s, got text with a NUL character",
			     what);
		return NULL;
	}
	return n->text;
}

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
	free(sc->qemu.cpu.value);
	free(sc->qemu.kernel_args.value);
	free(sc->qemu.kernel.value);
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
		free(st->shell.command.value);
		free(st->shell.module.value);
		free(st->shell.args.value);
		free(e->output.value);
		free(e->output_regex.value);
		free(e->output_absent.value);
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
		free(e->phase.value);
		free(e->phase_evidence.value);
		for (size_t k = 0; k < e->finding_count; k++) {
			free(e->findings[k].value);
		}
		free(e->findings);
	}
	for (size_t i = 0; i < sc->step_count; i++) {
		strbuf_free(&sc->steps[i].fingerprint);
		free(sc->steps[i].node_marks);
	}
	free(sc->steps);
	strbuf_free(&sc->header_print);
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
		schema_walk(ld, root, &scenario_header_schema, &set->items[0]);
		scenario_fingerprint(&set->items[0], root);
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
		schema_walk(ld, root->kids[i], &scenario_header_schema,
			     &set->items[i]);
		scenario_fingerprint(&set->items[i], root->kids[i]);
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