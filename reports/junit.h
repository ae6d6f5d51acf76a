/*
 * JUnit XML from a result document, in the shape GitLab, GitHub actions
 * and Jenkins read: <testsuites> with one <testsuite name="ffa-harness">
 * and one <testcase> per scenario.
 *
 * Verdict mapping: `fail` and `firmware` give <failure>, `error` gives
 * <error>, `pass` and `not-implemented` pass (the latter with a note in
 * <system-out>).  <skipped> is never written: in this project a skip is
 * never a pass, and CI tools count skips as passes.
 */
#ifndef REPORTS_JUNIT_H
#define REPORTS_JUNIT_H

#include <jansson.h>
#include <stddef.h>

#include "common/strbuf.h"

/*
 * junit_render() - append the JUnit XML of a result document to out.
 * @doc: a validated result document (reports/results.h).
 * @seconds: wall-clock seconds per scenario, in document order, or NULL
 *           (the document carries none: it is deterministic); scenarios
 *           beyond @seconds_count get time="0".
 * @seconds_count: entries in @seconds.
 * @out: receives the document, UTF-8.
 */
void junit_render(const json_t *doc, const double *seconds,
		  size_t seconds_count, struct strbuf *out);

/* The testcase classname of a scenario file: "scenarios/a/b.yaml" ->
 * "scenarios.a.b". */
void junit_classname(const char *file, struct strbuf *out);

#endif /* REPORTS_JUNIT_H */
