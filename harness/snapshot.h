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
	size_t count;    /* at least 2 */
	size_t prefix;   /* steps all members share (0: set-up only) */
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
 * all share) or, for the rest of a header class, set-up only.  Scenarios
 * that are excluded or alone stay out of every group.
 */
void snapshot_plan(const struct scenario *const *scs, size_t n,
		   struct snapshot_plan *plan);
void snapshot_plan_free(struct snapshot_plan *plan);

/* How many leading steps a and b share (equal step prints). */
size_t snapshot_shared_steps(const struct scenario *a,
			     const struct scenario *b);

#endif /* HARNESS_SNAPSHOT_H */
