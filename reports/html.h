/*
 * One self-contained HTML page from a result document: inline CSS, inline
 * SVG, no script, no network asset, no external font.  A
 * Content-Security-Policy meta element forbids scripts and remote loads,
 * as a second line of defence behind the escaping of every string (the
 * console, variable names and messages come from the firmware).
 *
 * Per scenario: verdict, stop, steps with their checks (expected vs
 * seen), the call sequence as an SVG sequence diagram, each MM doorbell
 * with its decoded header and hex dumps of the request and response
 * bytes, the findings with their detail, the full trace table and the
 * console.
 *
 * Sequence diagram: lifelines "Firmware (NWd)", "SPMC" and one per
 * partition ID that a direct request targeted.  Each SMC is a call arrow
 * (class "call", stroke HTML_CALL_COLOUR) from the firmware to the SPMC or
 * the partition, and a dashed return arrow (class "ret", stroke
 * HTML_RETURN_COLOUR) labelled with the result.  Step markers are bands.
 * At most HTML_MAX_ARROWS SMCs are drawn per scenario; a note says how
 * many more the trace table lists.
 */
#ifndef REPORTS_HTML_H
#define REPORTS_HTML_H

#include <jansson.h>
#include <stdbool.h>

#include "common/strbuf.h"

#define HTML_MAX_ARROWS 300
/* Lifelines for partitions; later partitions share the SPMC's. */
#define HTML_MAX_PARTITIONS 12
/* Hex dumps show at most this many bytes of a buffer. */
#define HTML_MAX_DUMP 8192
/* Doorbells whose buffers are dumped, per scenario. */
#define HTML_MAX_DOORBELLS 200

/* Distinctive colours nothing else on the page uses (tests look for
 * them in screenshots). */
#define HTML_CALL_COLOUR "#d1007a"
#define HTML_RETURN_COLOUR "#0a7d8c"

/*
 * html_render() - append the HTML page of doc to out.
 * @doc: a validated result document (reports/results.h).
 * @out: receives the page, UTF-8.
 */
void html_render(const json_t *doc, struct strbuf *out);

struct html_options {
	bool all_traces; /* diagrams and traces of passing scenarios too */
};

/* html_render() with options; html_render() leaves passes folded. */
void html_render_with(const json_t *doc, const struct html_options *o,
		      struct strbuf *out);

#endif /* REPORTS_HTML_H */
