/*
 * Snapshots of a run (issue 17): scenarios that set up alike and begin
 * with the same steps share that prefix.  The leader process sets up the
 * machine and secure world once, runs the prefix, and forks one worker
 * per scenario from there (copy-on-write: the Unicorn machine, guest
 * memory, secure world, variable store and trace so far), so each pays
 * only for its own steps.  Results are byte-identical to running each
 * scenario from reset (tests/integration/test-snapshots.sh).
 *
 * This module only plans: which scenarios group, and how many steps they
 * share.  Running the plan is harness/run_cmd.c's; taking a prefix run
 * over is runner_adopt() (harness/runner.c).
 */
#ifndef HARNESS_SNAPSHOT_H
#define HARNESS_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>

#include "harness/scenario.h"

struct snapshot_group {
	size_t *members; /* indexes into the planned array, ascending */
	size_t count;    /* at least 2, but in a boot-phase group's subs */
	size_t prefix;   /* steps all members share (0: set-up only) */
	/*
	 * The members' step `prefix` is a boot whose first part they share
	 * (snapshot_boot_phase_alike()): the snapshot is taken there, and
	 * each sub (a group of members that share more steps, or one
	 * member) goes on from it.
	 */
	bool boot_phase;
	struct snapshot_group *subs;
	size_t sub_count;
};

struct snapshot_plan {
	struct snapshot_group *groups;
	size_t count;
};

/*
 * Why sc always runs from reset, or NULL when it may share a prefix: it
 * says `snapshot: false`, or it persists its variable store to a file
 * (a later scenario may read what this one wrote, so each must start from
 * the file as the one before left it).
 */
const char *snapshot_excluded(const struct scenario *sc);

/*
 * Groups scs[0..n): same directory (relative paths resolve alike), equal
 * header prints, and then either the same first step (prefix = the steps
 * all share) or, for the rest of a header class, set-up only.  Groups
 * that share only a first boot step, and scenarios left over, whose first
 * boots run alike to the first stop, share that instead: one boot-phase
 * group with them as subs.  Scenarios that are excluded or alone stay out
 * of every group.
 */
void snapshot_plan(const struct scenario *const *scs, size_t n,
		   struct snapshot_plan *plan);
void snapshot_plan_free(struct snapshot_plan *plan);

/*
 * Whether step `index` of a and of b are boots that run alike to their
 * first stop but the autoboot countdown (runner_boot_phase()): on the
 * Unicorn machine, with the same budget and countdown text, both stopping
 * at the console.  What follows (starting the EFI agent, the prompt
 * check, expectations) is each scenario's own.
 */
bool snapshot_boot_phase_alike(const struct scenario *a,
			       const struct scenario *b, size_t index);

/* Sorts indexes into the planned array ascending (scenario order). */
void snapshot_sort_indexes(size_t *indexes, size_t count);

/* How many leading steps a and b share (equal step prints). */
size_t snapshot_shared_steps(const struct scenario *a,
			     const struct scenario *b);

#endif /* HARNESS_SNAPSHOT_H */
