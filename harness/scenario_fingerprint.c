/*
 * Scenario fingerprints, for snapshots (harness/snapshot.c, issue 17).
 *
 * Two scenarios whose headers print alike, and whose first K steps print
 * alike, run identically up to the end of step K: the runner may run that
 * prefix once and fork each scenario from it.  A print is the YAML node
 * tree written out without positions (scalar text and style, sequence and
 * mapping structure); a step's print leaves its expectations out but for
 * expect.stop (they are checked after the step, each scenario its own),
 * and keeps the position of every node printed in the same walk order, so
 * that a position recorded while the prefix ran (a check made by the step
 * itself, such as boot.prompt) can be translated to the other scenario's.
 *
 * Positions that coincide (a block mapping in a sequence starts where its
 * first key does) are part of the print, so that translation by walk index
 * gives the same answer in both trees.
 */
#include <string.h>

#include "common/strbuf.h"
#include "harness/scenario.h"
#include "harness/scenario_schema.h"

/* Header keys that never change how a run goes. */
static const char *const metadata_keys[] = {
	"name", "description", "tags", "expect_findings", "snapshot", "steps",
};

struct walk {
	struct strbuf *print;
	bool keep_marks;
	struct source_mark *marks;
	size_t count;
	size_t cap;
	struct source_mark last;
};

static void walk_node(struct walk *w, const struct node *n, int depth)
{
	bool same = n->mark.line == w->last.line &&
		    n->mark.column == w->last.column;

	w->last = n->mark;
	if (w->keep_marks) {
		if (w->count == w->cap) {
			w->cap = w->cap != 0 ? 2 * w->cap : 16;
			w->marks = xrealloc(w->marks,
					    w->cap * sizeof(*w->marks));
		}
		w->marks[w->count++] = n->mark;
	}
	strbuf_putc(w->print, same ? '=' : '.');
	switch (n->type) {
	case NODE_SCALAR:
	case NODE_ALIAS:
		/* By hand, not printf: one per scalar was most of the walk. */
		strbuf_putc(w->print, n->type == NODE_ALIAS ? 'A' : 'S');
		strbuf_putc(w->print, n->plain ? 'p' : 'q');
		strbuf_put_dec(w->print, n->len);
		strbuf_putc(w->print, ':');
		strbuf_append(w->print, n->text, n->len);
		break;
	case NODE_SEQUENCE:
	case NODE_MAPPING:
		strbuf_putc(w->print, n->type == NODE_SEQUENCE ? '[' : '{');
		for (size_t i = 0; i < n->count && depth < 64; i++) {
			walk_node(w, n->kids[i], depth + 1);
		}
		strbuf_putc(w->print, n->type == NODE_SEQUENCE ? ']' : '}');
		break;
	}
}

static bool is_metadata(const struct node *key)
{
	for (size_t i = 0; i < sizeof(metadata_keys) / sizeof(*metadata_keys);
	     i++) {
		if (key->type == NODE_SCALAR &&
		    strcmp(key->text, metadata_keys[i]) == 0) {
			return true;
		}
	}
	return false;
}

/*
 * A step as it runs: everything but its expectations, which are checked
 * after it (and, from a snapshot, by each scenario for itself), except
 * expect.stop, which decides whether the run may go on after a stop.
 */
static void walk_step(struct walk *w, const struct node *step)
{
	if (step->type != NODE_MAPPING) {
		walk_node(w, step, 0);
		return;
	}
	strbuf_putc(w->print, '{');
	for (size_t i = 0; i + 1 < step->count; i += 2) {
		const struct node *key = step->kids[i];
		const struct node *value = step->kids[i + 1];

		if (key->type != NODE_SCALAR || strcmp(key->text, "expect") != 0 ||
		    value->type != NODE_MAPPING) {
			walk_node(w, key, 1);
			walk_node(w, value, 1);
			continue;
		}
		for (size_t k = 0; k + 1 < value->count; k += 2) {
			if (value->kids[k]->type == NODE_SCALAR &&
			    strcmp(value->kids[k]->text, "stop") == 0) {
				strbuf_puts(w->print, "stop:");
				walk_node(w, value->kids[k + 1], 2);
			}
		}
	}
	strbuf_putc(w->print, '}');
}

/* Documented in harness/scenario_schema.h. */
void scenario_fingerprint(struct scenario *sc, const struct node *map)
{
	const struct node *steps = schema_get(map, "steps");

	for (size_t i = 0; i + 1 < map->count; i += 2) {
		struct walk w = {.print = &sc->header_print};

		if (!is_metadata(map->kids[i])) {
			walk_node(&w, map->kids[i], 0);
			walk_node(&w, map->kids[i + 1], 0);
		}
	}
	if (steps == NULL || steps->type != NODE_SEQUENCE ||
	    steps->count != sc->step_count) {
		return;
	}
	for (size_t i = 0; i < sc->step_count; i++) {
		struct scenario_step *st = &sc->steps[i];
		struct walk w = {.print = &st->fingerprint, .keep_marks = true};

		walk_step(&w, steps->kids[i]);
		st->node_marks = w.marks;
		st->node_mark_count = w.count;
	}
}

/* Documented in harness/scenario.h. */
struct source_mark scenario_translate_mark(const struct scenario_step *from,
					   const struct scenario_step *to,
					   struct source_mark m)
{
	for (size_t i = 0; i < from->node_mark_count; i++) {
		if (from->node_marks[i].line == m.line &&
		    from->node_marks[i].column == m.column) {
			return i < to->node_mark_count ? to->node_marks[i] : m;
		}
	}
	return m;
}
