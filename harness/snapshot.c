/*
 * Snapshot planning (harness/snapshot.h).  Prints come from
 * harness/scenario_fingerprint.c; every comparison is of whole prints, so a
 * difference anywhere in a header or a step (a value, a key, a style of
 * quoting) keeps scenarios apart.
 */
#include "harness/snapshot.h"

#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"

static const char *print_text(const struct strbuf *sb)
{
	return sb->data != NULL ? sb->data : "";
}

/* Documented in harness/snapshot.h. */
const char *snapshot_excluded(const struct scenario *sc)
{
	if (sc->no_snapshot) {
		return "the scenario says snapshot: false";
	}
	if (sc->spmc.store_file.value != NULL) {
		return "the scenario persists its store to a file";
	}
	if (sc->step_count == 0 || sc->steps[0].node_mark_count == 0) {
		return "the scenario has no step prints";
	}
	return NULL;
}

static bool same_step(const struct scenario_step *a,
		      const struct scenario_step *b)
{
	return a->fingerprint.len == b->fingerprint.len &&
	       memcmp(print_text(&a->fingerprint), print_text(&b->fingerprint),
		      a->fingerprint.len) == 0;
}

/* Documented in harness/snapshot.h. */
size_t snapshot_shared_steps(const struct scenario *a,
			     const struct scenario *b)
{
	size_t k = 0;

	while (k < a->step_count && k < b->step_count &&
	       same_step(&a->steps[k], &b->steps[k])) {
		k++;
	}
	return k;
}

/* The length of the directory part of a path ("" and "x" have none). */
static size_t dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? (size_t)(slash - path) : 0;
}

static bool same_setup(const struct scenario *a, const struct scenario *b)
{
	size_t da = dir_len(a->file), db = dir_len(b->file);

	return da == db && strncmp(a->file, b->file, da) == 0 &&
	       strcmp(print_text(&a->header_print),
		      print_text(&b->header_print)) == 0;
}

static void add_group(struct snapshot_plan *plan, const size_t *members,
		      size_t count, size_t prefix)
{
	struct snapshot_group *g;

	plan->groups = xrealloc(plan->groups,
				(plan->count + 1) * sizeof(*plan->groups));
	g = &plan->groups[plan->count++];
	g->members = xmalloc(count * sizeof(*members));
	memcpy(g->members, members, count * sizeof(*members));
	g->count = count;
	g->prefix = prefix;
}

/*
 * One header class (members[], ascending): those that share their first
 * step group with the steps they all share; the rest, set-up only.
 */
static void plan_class(const struct scenario *const *scs, const size_t *cls,
		       size_t n, struct snapshot_plan *plan, bool *taken)
{
	size_t *sub = xmalloc(n * sizeof(*sub));
	size_t *rest = xmalloc(n * sizeof(*rest));
	size_t rest_count = 0;

	for (size_t i = 0; i < n; i++) {
		size_t count = 0, prefix;

		if (taken[cls[i]]) {
			continue;
		}
		prefix = scs[cls[i]]->step_count;
		for (size_t j = i; j < n; j++) {
			size_t shared;

			if (taken[cls[j]]) {
				continue;
			}
			shared = snapshot_shared_steps(scs[cls[i]], scs[cls[j]]);
			if (shared > 0) {
				sub[count++] = cls[j];
				prefix = shared < prefix ? shared : prefix;
			}
		}
		if (count >= 2) {
			for (size_t k = 0; k < count; k++) {
				taken[sub[k]] = true;
			}
			add_group(plan, sub, count, prefix);
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!taken[cls[i]]) {
			rest[rest_count++] = cls[i];
			taken[cls[i]] = true;
		}
	}
	/* On QEMU, set-up alone is not worth a save and a restore: the
	 * machine starts from reset either way. */
	if (rest_count >= 2 && scs[rest[0]]->machine != SCENARIO_MACHINE_QEMU) {
		add_group(plan, rest, rest_count, 0);
	}
	free(sub);
	free(rest);
}

/* Documented in harness/snapshot.h. */
void snapshot_plan(const struct scenario *const *scs, size_t n,
		   struct snapshot_plan *plan)
{
	bool *taken = xcalloc(n != 0 ? n : 1, sizeof(*taken));
	size_t *cls = xmalloc((n != 0 ? n : 1) * sizeof(*cls));

	plan->groups = NULL;
	plan->count = 0;
	for (size_t i = 0; i < n; i++) {
		taken[i] = snapshot_excluded(scs[i]) != NULL;
	}
	for (size_t i = 0; i < n; i++) {
		size_t count = 0;

		if (taken[i]) {
			continue;
		}
		for (size_t j = i; j < n; j++) {
			if (!taken[j] && same_setup(scs[i], scs[j])) {
				cls[count++] = j;
			}
		}
		if (count < 2) {
			taken[i] = true;
			continue;
		}
		plan_class(scs, cls, count, plan, taken);
	}
	free(cls);
	free(taken);
}

/* Documented in harness/snapshot.h. */
void snapshot_plan_free(struct snapshot_plan *plan)
{
	for (size_t i = 0; i < plan->count; i++) {
		free(plan->groups[i].members);
	}
	free(plan->groups);
	plan->groups = NULL;
	plan->count = 0;
}
