/*
 * One entry point for the report files of a run, computed from the JSON
 * result document (docs/report-format.md): JUnit XML, Markdown, HTML.
 */
#ifndef REPORTS_REPORTS_H
#define REPORTS_REPORTS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

struct report_outputs {
	const char *junit;    /* NULL: not written */
	const char *markdown;
	const char *html;
	bool html_all_traces; /* diagrams and traces of passes too */
};

/*
 * Parses the document and writes each requested file atomically.
 * seconds[i] is the wall time of scenario i (may be NULL).
 */
bool reports_write(const char *doc, size_t len, const double *seconds,
		   size_t count, const struct report_outputs *out,
		   struct error *err);

#endif /* REPORTS_REPORTS_H */
