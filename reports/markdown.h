/*
 * A Markdown summary of a result document for a pull-request comment:
 * a headline verdict with counts, a table of scenarios (worst first) and
 * the findings grouped by kind.  Lists are truncated with a count so that
 * the text stays well under the 65536 characters a GitHub comment holds.
 * Text markers, no emoji.  Every string from the document is escaped, so
 * firmware output cannot inject Markdown or HTML.
 */
#ifndef REPORTS_MARKDOWN_H
#define REPORTS_MARKDOWN_H

#include <jansson.h>

#include "common/strbuf.h"

/* Most scenario rows and findings per kind that are listed. */
#define MARKDOWN_MAX_ROWS 30
#define MARKDOWN_MAX_FINDINGS 10
/* Longest message (bytes) in a table cell or list item. */
#define MARKDOWN_MAX_MESSAGE 200

/*
 * markdown_render() - append the Markdown summary of doc to out.
 * @doc: a validated result document (reports/results.h).
 * @out: receives UTF-8 text.
 */
void markdown_render(const json_t *doc, struct strbuf *out);

#endif /* REPORTS_MARKDOWN_H */
