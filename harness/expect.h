/*
 * Expectations: a step's `expect:` checked against what the agent reported,
 * the SMCs of the step (decoded FF-A and MM content included), its console
 * output, how the run stopped and which findings appeared.  Each
 * expectation becomes one `struct check` (what, expected, seen, ok, the
 * scenario line) on the step.
 */
#ifndef HARNESS_EXPECT_H
#define HARNESS_EXPECT_H

#include <stdbool.h>

#include "emulator/machine.h"
#include "harness/runner.h"
#include "harness/scenario.h"
#include "harness/session.h"

void expect_step(const struct scenario_step *st, struct step_run *sr,
		 struct session *s, enum machine_stop stop, int step_index);

/* What expectations are checked against, whichever backend ran. */
struct expect_view {
	const struct trace *trace;
	const struct findings *findings;
	const struct lifecycle *lifecycle;
	const char *console; /* the whole console output so far */
	size_t console_len;
	const char *stop;    /* machine_stop_name() of how the run stopped */
};

void expect_step_view(const struct scenario_step *st, struct step_run *sr,
		      const struct expect_view *v, int step_index);

/* Appends a check to sr; returns ok. */
bool expect_add_check(struct step_run *sr, const char *what,
		      struct source_mark mark, bool ok, const char *expected,
		      const char *seen);

/* Text of bytes for messages: quoted if printable, else hex (capped). */
void expect_format_bytes(struct strbuf *sb, const uint8_t *b, size_t len);

#endif /* HARNESS_EXPECT_H */
