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

static bool same_text(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* Documented in harness/snapshot.h. */
bool snapshot_boot_phase_alike(const struct scenario *a,
			       const struct scenario *b, size_t index)
{
	const struct scenario_boot *x, *y;

	if (index >= a->step_count || index >= b->step_count ||
	    a->steps[index].kind != STEP_BOOT ||
	    b->steps[index].kind != STEP_BOOT ||
	    a->machine == SCENARIO_MACHINE_QEMU ||
	    b->machine == SCENARIO_MACHINE_QEMU) {
		return false;
	}
	x = &a->steps[index].boot;
	y = &b->steps[index].boot;
	return x->until != BOOT_UNTIL_STOP && y->until != BOOT_UNTIL_STOP &&
	       x->max_insns.present == y->max_insns.present &&
	       (!x->max_insns.present ||
		x->max_insns.value == y->max_insns.value) &&
	       same_text(x->interrupt_autoboot.value,
			 y->interrupt_autoboot.value);
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

/* A new, zeroed group at the end of the plan. */
static struct snapshot_group *plan_append(struct snapshot_plan *plan)
{
	struct snapshot_group *g;

	plan->groups = xrealloc(plan->groups,
				(plan->count + 1) * sizeof(*plan->groups));
	g = &plan->groups[plan->count++];
	memset(g, 0, sizeof(*g));
	return g;
}

static void add_group(struct snapshot_plan *plan, const size_t *members,
		      size_t count, size_t prefix)
{
	struct snapshot_group *g = plan_append(plan);

	g->members = xmalloc(count * sizeof(*members));
	memcpy(g->members, members, count * sizeof(*members));
	g->count = count;
	g->prefix = prefix;
}

static int compare_indexes(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

/* Documented in harness/snapshot.h. */
void snapshot_sort_indexes(size_t *indexes, size_t count)
{
	qsort(indexes, count, sizeof(*indexes), compare_indexes);
}

/*
 * Whether a unit may join a boot-phase group: one scenario, or a group
 * that shares only its first step; either way, a first boot whose first
 * part can be shared.
 */
static bool boot_unit(const struct scenario *const *scs,
		      const struct snapshot_group *u)
{
	const struct scenario *sc = scs[u->members[0]];

	return (u->count == 1 || u->prefix == 1) &&
	       snapshot_boot_phase_alike(sc, sc, 0);
}

static bool units_alike(const struct scenario *const *scs,
			const struct snapshot_group *a,
			const struct snapshot_group *b)
{
	return boot_unit(scs, a) && boot_unit(scs, b) &&
	       snapshot_boot_phase_alike(scs[a->members[0]],
					 scs[b->members[0]], 0);
}

/* A boot-phase group of units[pick[0..count)], which it takes over. */
static void add_boot_phase_group(struct snapshot_plan *plan,
				 struct snapshot_group *units,
				 const size_t *pick, size_t count)
{
	struct snapshot_group *g = plan_append(plan);
	size_t members = 0;

	for (size_t k = 0; k < count; k++) {
		members += units[pick[k]].count;
	}
	g->boot_phase = true;
	g->members = xmalloc(members * sizeof(*g->members));
	g->subs = xmalloc(count * sizeof(*g->subs));
	for (size_t k = 0; k < count; k++) {
		const struct snapshot_group *u = &units[pick[k]];

		memcpy(g->members + g->count, u->members,
		       u->count * sizeof(*u->members));
		g->count += u->count;
		g->subs[g->sub_count++] = *u;
	}
	snapshot_sort_indexes(g->members, g->count);
}

/*
 * The groups planned from plan->groups[first] on, and the scenarios of
 * rest[] that begin with a boot, as units: those whose boots run alike to
 * their first stop become the subs of one boot-phase group (each then
 * pays for its own boot's end, the prompt check or starting the agent,
 * instead of a whole boot).  The others stay as they were; rest[] keeps
 * the scenarios no group took.
 */
static void merge_boot_units(const struct scenario *const *scs,
			     struct snapshot_plan *plan, size_t first,
			     size_t *rest, size_t *rest_count)
{
	size_t n = plan->count - first + *rest_count, left = 0;
	struct snapshot_group *units = xcalloc(n != 0 ? n : 1, sizeof(*units));
	size_t *pick = xmalloc((n != 0 ? n : 1) * sizeof(*pick));
	bool *used = xcalloc(n != 0 ? n : 1, sizeof(*used));

	if (plan->count > first) { /* plan->groups may still be NULL */
		memcpy(units, plan->groups + first,
		       (plan->count - first) * sizeof(*units));
	}
	for (size_t i = plan->count - first, r = 0; i < n; i++, r++) {
		units[i].members = xmalloc(sizeof(*units[i].members));
		units[i].members[0] = rest[r];
		units[i].count = 1;
	}
	plan->count = first;
	for (size_t i = 0; i < n; i++) {
		size_t count = 0;

		for (size_t j = i; j < n && !used[i]; j++) {
			if (!used[j] && units_alike(scs, &units[i], &units[j])) {
				pick[count++] = j;
			}
		}
		if (count >= 2) {
			add_boot_phase_group(plan, units, pick, count);
			for (size_t k = 0; k < count; k++) {
				used[pick[k]] = true;
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (used[i]) {
			continue;
		}
		if (units[i].count >= 2) { /* a group as planned */
			*plan_append(plan) = units[i];
		} else {
			rest[left++] = units[i].members[0];
			free(units[i].members);
		}
	}
	*rest_count = left;
	snapshot_sort_indexes(rest, left);
	free(units);
	free(pick);
	free(used);
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
	size_t rest_count = 0, first_group = plan->count;

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
	merge_boot_units(scs, plan, first_group, rest, &rest_count);
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
		for (size_t k = 0; k < plan->groups[i].sub_count; k++) {
			free(plan->groups[i].subs[k].members);
		}
		free(plan->groups[i].subs);
		free(plan->groups[i].members);
	}
	free(plan->groups);
	plan->groups = NULL;
	plan->count = 0;
}
