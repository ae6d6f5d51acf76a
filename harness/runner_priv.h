/*
 * What harness/runner.c (the Unicorn machine) and harness/runner_qemu.c
 * (the QEMU backend) share: the same inject rules, preloaded variables,
 * paths and verdicts, so that a scenario means the same on both.
 */
#ifndef HARNESS_RUNNER_PRIV_H
#define HARNESS_RUNNER_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "harness/runner.h"
#include "harness/session.h"
#include "models/inject.h"

struct spmc_config;

/* Adds an inject step's rule; NULL, or what is wrong (in buf or static). */
const char *runner_add_inject(struct injector *inj,
			      const struct scenario_inject *in, char *buf,
			      size_t size);
/* The scenario's `spmc.variables` into the session's store. */
bool runner_preload(const struct scenario *sc, struct session *s,
		    struct scenario_run *run);
/*
 * The scenario's `spmc.partitions`, if any, replace spmc's default set;
 * false (run->setup_error set) for an unknown model.
 */
bool runner_partitions(const struct scenario *sc, struct scenario_run *run,
		       struct spmc_config *spmc);
/* A scenario path relative to the scenario file (malloc'd). */
char *runner_relative_path(const struct scenario *sc, const char *path);
/* Unfired inject rules, findings and checks into step and scenario
 * verdicts, the headline first cause. */
void runner_judge(struct scenario_run *run);
/*
 * Keeps the state a step's expectations are checked against at its end
 * (stop, lifecycle phase and evidence): runner_adopt() checks a shared
 * prefix's expectations later (harness/snapshot.h).  Both runners.
 */
void runner_record_step_end(struct step_run *sr,
			    const struct scenario_run *run);

/*
 * harness/runner_qemu.c: runs run->sc on qemu-system-aarch64 (run has its
 * steps set up), in the parts of runner.h: set-up and QEMU's start, steps
 * [first, end), and the end (QEMU reaped, the store saved, verdicts).
 */
void runner_qemu_start(struct scenario_run *run,
		       const struct runner_options *o);
void runner_qemu_steps(struct scenario_run *run, size_t first, size_t end);
void runner_qemu_finish(struct scenario_run *run);
/* Checks step i's expectations against the state kept at its end. */
void runner_qemu_expect(struct scenario_run *run, size_t i);
/* After a shared prefix (the leader): saves QEMU (qemu_save) unless the run
 * is over, and ends the leader's QEMU either way.  False with err set if
 * the state could not be saved. */
bool runner_qemu_snapshot(struct scenario_run *run, struct error *err);
/* In a worker, after runner_adopt(): a fresh QEMU from the snapshot. */
void runner_qemu_resume(struct scenario_run *run, FILE *echo);
/* Releases what the QEMU run kept for the result document. */
void runner_qemu_free(struct scenario_run *run);

/* The not-applicable checks of a run, for the result document. */
struct runner_na {
	const char *check;
	const char *reason;
};
/* The QEMU run's command line and not-applicable checks (NULL/0 when the
 * Unicorn machine ran it). */
const char *runner_qemu_command(const struct scenario_run *run);
size_t runner_qemu_not_applicable(const struct scenario_run *run,
				  const struct runner_na **out);
const char *runner_qemu_console(const struct scenario_run *run, size_t *len);
const char *runner_qemu_stop_detail(const struct scenario_run *run);

#endif /* HARNESS_RUNNER_PRIV_H */
