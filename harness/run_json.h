/*
 * The JSON result document (docs/report-format.md) from scenario runs:
 * one SCENARIO object per run, and the document that wraps them.
 */
#ifndef HARNESS_RUN_JSON_H
#define HARNESS_RUN_JSON_H

#include <stddef.h>

#include "common/strbuf.h"
#include "harness/runner.h"

/* Appends one SCENARIO object. */
void run_json_scenario(const struct scenario_run *run, struct strbuf *out);

/*
 * Appends the whole document around scenario objects already rendered
 * (as the parallel runner gets them from its workers), with the summary
 * computed from their verdicts.
 */
void run_json_document(const char *const *scenario_objects,
		       const enum verdict *verdicts, size_t count,
		       struct strbuf *out);

/*
 * Appends a document without scenarios that passes, with a notice that
 * says why (an empty --shard of a fixed CI matrix).
 */
void run_json_empty_document(const char *notice, struct strbuf *out);

#endif /* HARNESS_RUN_JSON_H */
