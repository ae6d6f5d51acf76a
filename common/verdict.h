/*
 * Verdicts: the one table of names that the runner writes into the result
 * document and the report writers read back (docs/report-format.md), so
 * that a name one side writes is always a name the other side accepts.
 */
#ifndef COMMON_VERDICT_H
#define COMMON_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

/* Least severe first: a scenario's verdict is the worst of its parts. */
enum verdict {
	VERDICT_PASS,
	VERDICT_NOT_IMPLEMENTED,
	VERDICT_FAIL,
	VERDICT_FIRMWARE,
	VERDICT_ERROR,
	VERDICT_COUNT
};

/*
 * A step the runner never started, because an earlier step ended the run:
 * a step verdict only, never a scenario's.
 */
#define VERDICT_NOT_RUN_NAME "not-run"

/* Every name a step's "verdict" may have: the verdicts, then not-run. */
#define VERDICT_STEP_NAME_COUNT (VERDICT_COUNT + 1)
extern const char *const verdict_step_names[VERDICT_STEP_NAME_COUNT];

/* "pass", "not-implemented", "fail", "firmware", "error"; "?" if out of range. */
const char *verdict_name(enum verdict v);
/* "PASS", "NOT-IMPLEMENTED", ...: the marker reports show. */
const char *verdict_label(enum verdict v);
/* A scenario verdict name (not "not-run"). */
bool verdict_parse(const char *s, enum verdict *out);
enum verdict verdict_worst(enum verdict a, enum verdict b);

#endif /* COMMON_VERDICT_H */
