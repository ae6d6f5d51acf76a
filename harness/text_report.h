/*
 * Plain-text views of a run for terminals and logs: the SMC trace as lines,
 * a per-function call count, the findings with their detail, and a fault
 * verdict with registers and disassembly.
 */
#ifndef HARNESS_TEXT_REPORT_H
#define HARNESS_TEXT_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "common/finding.h"
#include "common/trace.h"

struct machine_fault;

void report_text_trace(FILE *out, const struct trace *t);
void report_text_call_counts(FILE *out, const struct trace *t);
void report_text_findings(FILE *out, const struct findings *f,
			  bool with_detail);
void report_text_fault(FILE *out, const char *stop,
		       const struct machine_fault *fault);
/* JSON Lines: one trace event per line. */
char *report_trace_jsonl(const struct trace *t, size_t *len);

#endif /* HARNESS_TEXT_REPORT_H */
