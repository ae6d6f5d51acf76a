/*
 * The scenario runner: one scenario in one fresh session (machine + secure
 * world), its steps replayed in order (boot, variable calls through the
 * agent, ExitBootServices, runtime calls, console lines, fault injection,
 * power off), every expectation checked, and a verdict per step and per
 * scenario.  The result is written as JSON (docs/report-format.md), the
 * one form every report is computed from.
 */
#ifndef HARNESS_RUNNER_H
#define HARNESS_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/agent.h"
#include "common/strbuf.h"
#include "common/verdict.h"
#include "emulator/loader.h"
#include "emulator/machine.h"
#include "harness/scenario.h"
#include "models/lifecycle.h"

/* One expectation as checked: what, expected, seen. */
struct check {
	char *what;
	char *expected;
	char *seen;
	bool ok;
	struct source_mark mark;
};

/* A region the firmware may use after ExitBootServices (issue 5). */
struct runtime_region {
	uint64_t base;
	uint64_t size;
	uint32_t kind;    /* enum agent_region_kind; 0 for a name only */
	const char *name; /* static; NULL: named by its kind */
};

struct step_run {
	const struct scenario_step *step;
	enum verdict verdict;
	char *message;
	bool ran;
	uint32_t trace_first;
	uint32_t trace_end;
	size_t console_first;
	size_t console_end;
	uint64_t insns_first; /* machine_insns() as the step began */
	uint64_t insns;
	bool has_result;
	struct agent_result result;
	uint8_t *payload;
	size_t payload_len;
	struct check *checks;
	size_t check_count;
	/* The state expectations are checked against, kept at the step's
	 * end so that they can be checked later (snapshots). */
	bool ended;
	enum machine_stop end_stop;
	enum lifecycle_phase end_phase;
	enum lifecycle_evidence end_why;
	/* A Linux step (QEMU): the command's output and exit status. */
	bool has_exit_status;
	int exit_status;
	char *output;
};

struct runner_options {
	const char *image;        /* overrides every scenario's firmware */
	enum image_format format;
	bool has_load_addr;
	uint64_t load_addr;
	const char *firmware_dir; /* built-in firmware; NULL: next to the
				     binary, or $FFAH_FW_DIR */
	const char *platform;     /* overrides the scenario's platform */
	bool has_shared_buffer;
	uint64_t shared_buf_addr;
	uint64_t shared_buf_size;
	uint64_t max_insns;       /* 0: the scenario's or the default */
	bool print_trace;         /* text trace on stdout as steps end */
	bool echo_console;        /* copy the console to stdout live */
	unsigned gdb_port;        /* wait for gdb there (run --gdb); 0 = no */
	unsigned gdb_break_at_step; /* stop for gdb as step N begins */
	bool gdb_break_on_finding;  /* stop for gdb after a firmware finding */
	/* run --backend: every scenario on this machine, whatever its
	 * `machine:` says. */
	bool backend_given;
	enum scenario_machine backend;
	/* QEMU: start it so that runner_snapshot() can save it (the leader's
	 * run, harness/snapshot.h). */
	bool snapshot_source;
};

struct exit_watch;
struct gdb_session;
struct stepper;
struct qemu_run;

struct scenario_run {
	const struct scenario *sc;
	char *firmware_name;
	char *firmware_path;
	const char *platform;
	enum verdict verdict;
	char *message;
	struct session *session; /* NULL if it could not be set up */
	enum machine_stop stop;
	struct step_run *steps;
	size_t step_count;
	struct runtime_region *regions; /* usable after ExitBootServices */
	size_t region_count;
	struct runtime_region *names;   /* every memory-map entry, named */
	size_t name_count;
	const char *fw_dir; /* where built-in firmware is */
	bool input_error; /* bad scenario or image: exit code 2 */
	char *setup_error;
	struct exit_watch *exit_watch; /* the firmware's own ExitBootServices */
	struct stepper *current;       /* the step running now, or NULL */
	struct gdb_session *gdb;       /* run --gdb, or NULL */
	char *store_file;    /* spmc.store.file, resolved; NULL if none */
	char *preload_file;  /* spmc.store.preload, resolved */
	size_t expect_later; /* steps below this are checked by runner_adopt */
	bool ended;         /* a step ended the run: the rest do not run */
	size_t ended_after; /* a final stop: steps from here did not run */
	struct qemu_run *qemu; /* the QEMU backend ran it (runner_qemu.c) */
	bool complete;         /* run and judged whole at start (QEMU) */
	/* runner_boot_phase() stopped boot step boot_phase_step at its
	 * first stop (boot_phase_stop); runner_steps() goes on from there. */
	bool boot_phase;
	size_t boot_phase_step;
	struct machine_run_opts boot_phase_opts;
	enum machine_stop boot_phase_stop;
};

/* Runs sc; the caller frees with runner_run_free(). */
struct scenario_run *runner_run(const struct scenario *sc,
				const struct runner_options *o);

/*
 * runner_run() in parts, for snapshots (harness/snapshot.c): set up the
 * machine and the secure world, run steps [first, end), let another
 * scenario whose header and first `prefix` steps print alike take the run
 * over (a forked copy, after those steps ran), and compute the verdicts.
 */
struct scenario_run *runner_start(const struct scenario *sc,
				  const struct runner_options *o);
/* False when set-up failed (the run then only needs runner_finish). */
bool runner_started(const struct scenario_run *run);
void runner_steps(struct scenario_run *run, size_t first, size_t end);
/* Steps below n run without checking their expectations: the scenario
 * that adopts the run checks its own (runner_adopt). */
void runner_defer_expectations(struct scenario_run *run, size_t n);
void runner_adopt(struct scenario_run *run, const struct scenario *sc,
		  size_t prefix);
/*
 * Begins boot step `index` and runs it to its first stop that is not the
 * autoboot countdown (U-Boot's prompt, or an earlier end): the part that
 * only the boot's budget, countdown text and kind of end decide
 * (snapshot_boot_phase_alike()).  runner_adopt() with prefix `index` then
 * takes the begun step over too, and runner_steps() from `index` goes on
 * with it.  False (nothing run) when step `index` is no boot.
 */
bool runner_boot_phase(struct scenario_run *run, size_t index);
/*
 * The leader's run after the shared prefix, before the first fork: on
 * QEMU, saves the machine (harness/runner_qemu.c); the Unicorn machine
 * needs nothing (fork copies it).  False with a message in why (size n)
 * when the state cannot be kept: the group then runs from reset.
 */
bool runner_snapshot(struct scenario_run *run, char *why, size_t n);
/* In a worker after runner_adopt(): QEMU restored from the snapshot. */
void runner_resume(struct scenario_run *run, const struct runner_options *o);
void runner_finish(struct scenario_run *run);
void runner_run_free(struct scenario_run *run);
/* Appends the run as one JSON SCENARIO object (docs/report-format.md). */
void runner_run_to_json(const struct scenario_run *run, struct strbuf *out);

/* True if the scenario lists fd's code in expect_findings, or in the
 * expect.findings of the step during which it was found. */
bool runner_finding_expected(const struct scenario *sc,
			     const struct finding *fd);

/* Where built-in firmware is looked for (see runner_options). */
const char *runner_default_firmware_dir(void);

#endif /* HARNESS_RUNNER_H */
