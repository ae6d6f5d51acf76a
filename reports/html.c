/*
 * HTML report writer.  Documented in reports/html.h.
 *
 * Every string that comes from the document goes through esc()/esc_n()
 * (results_escape_xml()), including attribute values and SVG text; the
 * page has no script at all, so nothing in it needs to be trusted.
 * Element ids are built from indexes only, never from names.
 */
#include "reports/html.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "abi/ffa.h"
#include "common/abi_names.h"
#include "common/console_text.h"
#include "common/text.h"
#include "reports/results.h"

/* Sequence diagram geometry, in SVG user units (pixels). */
#define LANE_X0 100  /* centre of the first lifeline */
#define LANE_GAP 250 /* between lifelines */
#define HEAD_TOP 8   /* lifeline name boxes */
#define HEAD_H 30
#define ROWS_TOP 56  /* first row */
#define SMC_ROW 48   /* a call and its return */
#define RETURN_DY 22 /* return arrow below its call */
#define BAND_ROW 28  /* a step band */
#define NOTE_ROW 22  /* a stop or note line */
#define LABEL_MAX 44 /* bytes of an arrow label */

static const char page_css[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;"
    "margin:16px 24px;color:#1f2328;background:#fff;font-size:14px}\n"
    "h1{font-size:22px;margin:4px 0 8px}h2{font-size:18px;"
    "margin:28px 0 6px;padding-top:10px;border-top:2px solid #d0d7de}\n"
    "h3{font-size:15px;margin:18px 0 6px}h4{font-size:13px;"
    "margin:10px 0 4px}\n"
    "table{border-collapse:collapse;margin:4px 0}\n"
    "th,td{border:1px solid #d0d7de;padding:2px 6px;text-align:left;"
    "vertical-align:top}\n"
    "th{background:#f6f8fa}\n"
    "pre{background:#f6f8fa;border:1px solid #d0d7de;padding:6px;"
    "overflow:auto;max-height:480px;font-size:12px;margin:4px 0;"
    "white-space:pre-wrap;overflow-wrap:anywhere}\n"
    "td,dd,p,summary{overflow-wrap:anywhere}\n"
    "section{max-width:100%}\n"
    "code,pre,.mono{font-family:ui-monospace,'DejaVu Sans Mono',"
    "monospace}\n"
    ".v{display:inline-block;padding:0 6px;border-radius:4px;"
    "color:#fff;font-weight:600;font-size:12px}\n"
    ".v-pass{background:#1a7f37}.v-not-implemented{background:#9a6700}"
    ".v-fail{background:#cf222e}.v-firmware{background:#8250df}"
    ".v-error{background:#57606a}\n"
    ".bad{color:#cf222e;font-weight:600}.ok{color:#1a7f37}\n"
    ".muted{color:#57606a}.note{color:#57606a;font-style:italic}\n"
    ".scroll{max-height:480px;overflow:auto}\n"
    ".diagram{overflow-x:auto;max-width:100%;border:1px solid "
    "#d0d7de;background:#fff}\n"
    "dl.meta{display:grid;grid-template-columns:max-content auto;"
    "gap:2px 12px;margin:6px 0}dl.meta dt{color:#57606a}"
    "dl.meta dd{margin:0;min-width:0}\n"
    "details.scenario>summary{list-style-position:outside;"
    "margin-left:18px}details.scenario>summary h2{display:inline}\n"
    "details{margin:4px 0}summary{cursor:pointer}\n"
    "table.trace td{font-family:ui-monospace,monospace;font-size:12px;"
    "white-space:nowrap}\n";

static void esc(struct strbuf *out, const char *s)
{
	results_escape_xml_str(out, s);
}

static void esc_n(struct strbuf *out, const char *s, size_t len)
{
	results_escape_xml(out, s, len);
}

/* A string member, escaped ("" if absent). */
static void esc_member(struct strbuf *out, const json_t *obj, const char *key)
{
	size_t len;
	const char *s = results_text(obj, key, &len);

	esc_n(out, s, len);
}

static void verdict_badge(struct strbuf *out, enum results_verdict v)
{
	strbuf_printf(out, "<span class=\"v v-%s\">%s</span>",
		      results_verdict_name(v), results_verdict_label(v));
}

static void pre_block(struct strbuf *out, const char *cls, const char *s,
		      size_t len)
{
	strbuf_printf(out, "<pre class=\"%s\">", cls);
	esc_n(out, s, len);
	strbuf_puts(out, "</pre>\n");
}

/* ------------------------------------------------------------------ */
/* Summary                                                             */

static void summary(struct strbuf *out, const json_t *doc)
{
	size_t counts[RESULTS_VERDICT_COUNT];
	size_t n = results_scenario_count(doc);
	const json_t *tool = results_obj(doc, "tool");

	results_count(doc, counts);
	strbuf_puts(out, "<header>\n<h1>ffa-harness ");
	verdict_badge(out, results_run_verdict(doc));
	strbuf_puts(out, "</h1>\n<p>");
	if (n == 0) {
		strbuf_puts(out, "No scenario ran.");
		if (results_notice(doc) != NULL) {
			strbuf_putc(out, ' ');
			esc(out, results_notice(doc));
		}
	} else {
		strbuf_printf(out, "%zu of %zu scenarios passed.",
			      counts[RESULTS_PASS], n);
	}
	strbuf_puts(out, " <span class=\"muted\">");
	esc(out, results_str(tool, "name", "ffa-harness"));
	strbuf_putc(out, ' ');
	esc(out, results_str(tool, "version", ""));
	strbuf_puts(out, "</span></p>\n<table class=\"counts\"><tr>");
	for (size_t v = 0; v < RESULTS_VERDICT_COUNT; v++) {
		strbuf_printf(out, "<th>%s</th>",
			      results_verdict_name((enum results_verdict)v));
	}
	strbuf_puts(out, "<th>total</th></tr>\n<tr>");
	for (size_t v = 0; v < RESULTS_VERDICT_COUNT; v++) {
		strbuf_printf(out, "<td>%zu</td>", counts[v]);
	}
	strbuf_printf(out, "<td>%zu</td></tr></table>\n", n);
	if (n == 0) {
		strbuf_puts(out, "</header>\n");
		return;
	}
	strbuf_puts(out,
		    "<table class=\"index\"><tr><th>Scenario</th>"
		    "<th>Verdict</th><th>Message</th><th>Where</th></tr>\n");
	for (size_t i = 0; i < n; i++) {
		const json_t *sc = results_scenario(doc, i);
		struct strbuf where = STRBUF_INIT;

		results_append_location(&where, sc, results_where(sc));
		strbuf_printf(out, "<tr><td><a href=\"#sc-%zu\">", i);
		esc(out, results_str(sc, "name", "?"));
		strbuf_puts(out, "</a></td><td>");
		verdict_badge(out, results_verdict_of(sc));
		strbuf_puts(out, "</td><td>");
		esc_member(out, sc, "message");
		strbuf_puts(out, "</td><td class=\"mono\">");
		esc_n(out, where.data, where.len);
		strbuf_puts(out, "</td></tr>\n");
		strbuf_free(&where);
	}
	strbuf_puts(out, "</table>\n</header>\n");
}

/* ------------------------------------------------------------------ */
/* Scenario header, stop and steps                                     */

static void meta_row(struct strbuf *out, const char *label, const char *s)
{
	if (s == NULL || s[0] == '\0') {
		return;
	}
	strbuf_printf(out, "<dt>%s</dt><dd>", label);
	esc(out, s);
	strbuf_puts(out, "</dd>");
}

static void scenario_head(struct strbuf *out, const json_t *sc, size_t i,
			  bool open)
{
	struct strbuf where = STRBUF_INIT;
	const json_t *fw = results_obj(sc, "firmware");
	const json_t *stop = results_obj(sc, "stop");
	long long insns = results_int(sc, "instructions", -1);
	size_t len;

	/* Failures open, passes folded: <details> needs no script. */
	strbuf_printf(out,
		      "<section id=\"sc-%zu\">\n<details class=\"scenario\"%s>"
		      "<summary><h2>",
		      i, open ? " open" : "");
	esc(out, results_str(sc, "name", "?"));
	strbuf_putc(out, ' ');
	verdict_badge(out, results_verdict_of(sc));
	strbuf_puts(out, "</h2></summary>\n");
	results_text(sc, "description", &len);
	if (len > 0) {
		strbuf_puts(out, "<p>");
		esc_member(out, sc, "description");
		strbuf_puts(out, "</p>\n");
	}
	results_text(sc, "message", &len);
	if (len > 0) {
		strbuf_puts(out, "<p class=\"bad\">");
		esc_member(out, sc, "message");
		strbuf_puts(out, "</p>\n");
	}
	strbuf_puts(out, "<dl class=\"meta\">");
	results_append_location(&where, sc, sc);
	meta_row(out, "Scenario file", where.data);
	strbuf_reset(&where);
	results_append_location(&where, sc, results_where(sc));
	if (results_verdict_of(sc) != RESULTS_PASS) {
		meta_row(out, "Look at", where.data);
		if (results_str(sc, "reproduce", NULL) != NULL) {
			strbuf_puts(out, "<dt>Reproduce</dt><dd><code>");
			esc(out, results_str(sc, "reproduce", ""));
			strbuf_puts(out, "</code></dd>");
		}
	}
	meta_row(out, "Firmware", results_str(fw, "name", NULL));
	meta_row(out, "Image", results_str(fw, "path", NULL));
	meta_row(out, "Platform", results_str(sc, "platform", NULL));
	meta_row(out, "Backend", results_str(results_obj(sc, "backend"), "name",
					     NULL));
	strbuf_reset(&where);
	if (results_append_not_applicable(&where, sc, true) != 0) {
		meta_row(out, "Not applicable", where.data);
	}
	meta_row(out, "QEMU command", results_str(results_obj(sc, "backend"),
						  "command", NULL));
	if (insns >= 0) {
		strbuf_printf(out, "<dt>Instructions</dt><dd>%lld</dd>", insns);
	}
	meta_row(out, "Run ended", results_str(stop, "reason", NULL));
	meta_row(out, "Stop kind", results_str(stop, "kind", NULL));
	meta_row(out, "What", results_str(stop, "what", NULL));
	meta_row(out, "PC", results_str(stop, "pc", NULL));
	meta_row(out, "Address", results_str(stop, "address", NULL));
	strbuf_puts(out, "</dl>\n");
	results_text(stop, "registers", &len);
	if (len > 0) {
		strbuf_puts(out, "<h4>Registers</h4>\n");
		pre_block(out, "regs", results_text(stop, "registers", &len),
			  len);
	}
	results_text(stop, "disassembly", &len);
	if (len > 0) {
		strbuf_puts(out, "<h4>Disassembly</h4>\n");
		pre_block(out, "disasm",
			  results_text(stop, "disassembly", &len), len);
	}
	strbuf_free(&where);
}

/* The agent's RESULT object in one line. */
static void step_result(struct strbuf *out, const json_t *result)
{
	static const char *const keys[] = {
	    "op",   "status_name", "attributes_text", "data",
	    "name", "guid",	   "name_size",
	};
	const json_t *values = json_object_get(result, "values");

	if (result == NULL) {
		return;
	}
	strbuf_puts(out, "<div class=\"muted mono\">");
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		const json_t *v = json_object_get(result, keys[k]);
		struct strbuf text = STRBUF_INIT;

		if (v == NULL) {
			continue;
		}
		results_append_scalar(&text, v);
		strbuf_printf(out, "%s=", keys[k]);
		esc_n(out, text.data, text.len);
		strbuf_putc(out, ' ');
		strbuf_free(&text);
	}
	if (json_array_size(values) > 0) {
		strbuf_puts(out, "values=");
		for (size_t k = 0; k < json_array_size(values); k++) {
			struct strbuf text = STRBUF_INIT;

			results_append_scalar(&text, json_array_get(values, k));
			strbuf_puts(out, k == 0 ? "" : ",");
			esc_n(out, text.data, text.len);
			strbuf_free(&text);
		}
	}
	strbuf_puts(out, "</div>");
}

static void step_checks(struct strbuf *out, const json_t *sc, const json_t *st)
{
	size_t n = results_len(st, "checks");

	if (n == 0) {
		return;
	}
	strbuf_puts(out,
		    "<table class=\"checks\"><tr><th>Check</th>"
		    "<th>Expected</th><th>Seen</th><th></th>"
		    "<th>Line</th></tr>\n");
	for (size_t k = 0; k < n; k++) {
		const json_t *c = results_at(st, "checks", k);
		struct strbuf text = STRBUF_INIT;
		bool ok = results_bool(c, "ok", false);

		strbuf_puts(out, "<tr><td class=\"mono\">");
		esc_member(out, c, "what");
		strbuf_puts(out, "</td><td class=\"mono\">");
		results_append_scalar(&text, json_object_get(c, "expected"));
		esc_n(out, text.data, text.len);
		strbuf_reset(&text);
		strbuf_puts(out, "</td><td class=\"mono\">");
		results_append_scalar(&text, json_object_get(c, "seen"));
		esc_n(out, text.data, text.len);
		strbuf_reset(&text);
		strbuf_printf(out, "</td><td class=\"%s\">%s</td>",
			      ok ? "ok" : "bad", ok ? "ok" : "FAILED");
		results_append_location(&text, sc, c);
		strbuf_puts(out, "<td class=\"mono\">");
		esc_n(out, text.data, text.len);
		strbuf_puts(out, "</td></tr>\n");
		strbuf_free(&text);
	}
	strbuf_puts(out, "</table>");
}

static void steps(struct strbuf *out, const json_t *sc)
{
	size_t n = results_len(sc, "steps");

	strbuf_printf(out, "<h3>Steps (%zu)</h3>\n", n);
	if (n == 0) {
		strbuf_puts(out, "<p class=\"note\">No step ran.</p>\n");
		return;
	}
	strbuf_puts(out,
		    "<table class=\"steps\"><tr><th>#</th><th>Step</th>"
		    "<th>Line</th><th>Verdict</th><th>Trace</th>"
		    "<th>Message, result and checks</th></tr>\n");
	for (size_t i = 0; i < n; i++) {
		const json_t *st = results_at(sc, "steps", i);
		enum results_verdict v = RESULTS_PASS;
		long long first, end;
		long long index = results_int(st, "index", -1);

		results_verdict_parse(results_str(st, "verdict", "pass"), &v);
		strbuf_printf(out, "<tr><td>%lld</td><td class=\"mono\">",
			      index + 1);
		esc_member(out, st, "kind");
		strbuf_printf(out, "</td><td>%lld</td><td>",
			      results_int(st, "line", 0));
		verdict_badge(out, v);
		strbuf_puts(out, "</td><td class=\"mono\">");
		if (results_step_range(sc, index, &first, &end)) {
			strbuf_printf(out, "#%lld..#%lld", first, end - 1);
		}
		strbuf_puts(out, "</td><td>");
		if (v != RESULTS_PASS) {
			strbuf_puts(out, "<div class=\"bad\">");
			esc_member(out, st, "message");
			strbuf_puts(out, "</div>");
		}
		step_result(out, results_obj(st, "result"));
		step_checks(out, sc, st);
		strbuf_puts(out, "</td></tr>\n");
	}
	strbuf_puts(out, "</table>\n");
}

/* ------------------------------------------------------------------ */
/* Sequence diagram                                                    */

struct lanes {
	uint16_t ids[HTML_MAX_PARTITIONS];
	bool mm[HTML_MAX_PARTITIONS];
	size_t count;
};

static bool is_direct_request(const json_t *ev)
{
	return strncmp(results_str(ev, "name", ""), "FFA_MSG_SEND_DIRECT_REQ",
		       strlen("FFA_MSG_SEND_DIRECT_REQ")) == 0;
}

/* Lane of the callee: 1 for the SPMC, 2 + k for partition k. */
static size_t target_lane(struct lanes *l, const json_t *ev)
{
	uint16_t id = (uint16_t)(results_reg(ev, "in", 1) & 0xffff);
	size_t k;

	if (!is_direct_request(ev)) {
		return 1;
	}
	for (k = 0; k < l->count; k++) {
		if (l->ids[k] == id) {
			break;
		}
	}
	if (k == l->count) {
		if (l->count == HTML_MAX_PARTITIONS) {
			return 1;
		}
		l->ids[l->count] = id;
		l->mm[l->count++] = false;
	}
	if (results_event_is_doorbell(ev)) {
		l->mm[k] = true;
	}
	return 2 + k;
}

static int lane_x(size_t lane)
{
	return LANE_X0 + (int)lane * LANE_GAP;
}

/* Escaped label text, cut to LABEL_MAX bytes. */
static void label_text(struct strbuf *out, const char *s, size_t len)
{
	size_t n = results_utf8_prefix(s, len, LABEL_MAX);

	esc_n(out, s, n);
	if (n < len) {
		strbuf_puts(out, "...");
	}
}

static void call_label(struct strbuf *label, const json_t *ev)
{
	const json_t *mm = results_obj(ev, "mm");

	if (mm == NULL) {
		strbuf_puts(label, results_str(ev, "name", "?"));
		return;
	}
	strbuf_puts(label, results_str(mm, "function_name", "MM"));
	if (results_str(mm, "name", NULL) != NULL) {
		strbuf_printf(label, " \"%s\"", results_str(mm, "name", ""));
	}
}

static void return_label(struct strbuf *label, const json_t *ev)
{
	const json_t *mm = results_obj(ev, "mm");
	const char *result = results_str(ev, "result", "ok");
	uint64_t x0 = results_reg(ev, "out", 0);
	const char *name;

	if (strcmp(result, "not-implemented") == 0) {
		strbuf_puts(label, "not implemented by the model");
		return;
	}
	if (strcmp(results_str(ev, "name", ""), "AGENT_NEXT") == 0) {
		/*
		 * The machine stops at every AGENT_NEXT to give the agent its
		 * step (docs/agent-protocol.md): that is the answer, not the
		 * end of the run.
		 */
		const char *given = results_str(ev, "summary", NULL);

		if (given != NULL && strncmp(given, "-> ", 3) == 0) {
			strbuf_printf(label, "next step: %s", given + 3);
		} else {
			strbuf_puts(label, "no further step");
		}
		return;
	}
	if (strcmp(result, "stop") == 0) {
		strbuf_puts(label, "(run stopped)");
		return;
	}
	if (mm != NULL) {
		strbuf_printf(label, "%s, %s",
			      results_str(mm, "mm_ret_name", "?"),
			      results_str(mm, "return_status_name", "?"));
		return;
	}
	if (x0 == FFA_ERROR) {
		int32_t code = (int32_t)(uint32_t)results_reg(ev, "out", 2);
		const char *error = ffa_error_name(code);

		if (error != NULL) {
			strbuf_printf(label, "FFA_ERROR %s", error);
		} else {
			strbuf_printf(label, "FFA_ERROR %" PRId32, code);
		}
		return;
	}
	name = results_str(ev, "returned", NULL);
	if (name != NULL) {
		strbuf_puts(label, name);
	} else {
		strbuf_printf(label, "x0=0x%" PRIx64, x0);
	}
}

static void arrow(struct strbuf *body, const char *cls, const char *colour,
		  size_t index, int x1, int x2, int y, const struct strbuf *lbl)
{
	strbuf_printf(
	    body,
	    "<line class=\"%s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" "
	    "y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s "
	    "marker-end=\"url(#ah-%s-%zu)\"/>\n",
	    cls, x1, y, x2, y, colour,
	    strcmp(cls, "ret") == 0 ? " stroke-dasharray=\"6 4\"" : "", cls,
	    index);
	strbuf_printf(body,
		      "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
		      "font-size=\"11\" fill=\"#1f2328\">",
		      (x1 + x2) / 2, y - 5);
	label_text(body, lbl->data, lbl->len);
	strbuf_puts(body, "</text>\n");
}

static void smc_rows(struct strbuf *body, struct lanes *l, const json_t *ev,
		     size_t index, int y)
{
	struct strbuf label = STRBUF_INIT;
	struct strbuf line = STRBUF_INIT;
	size_t lane = target_lane(l, ev);

	results_append_event(&line, ev);
	strbuf_puts(body, "<g><title>");
	esc_n(body, line.data, line.len);
	strbuf_puts(body, "</title>\n");
	call_label(&label, ev);
	arrow(body, "call", HTML_CALL_COLOUR, index, lane_x(0),
	      lane_x(lane) - 2, y, &label);
	strbuf_reset(&label);
	return_label(&label, ev);
	arrow(body, "ret", HTML_RETURN_COLOUR, index, lane_x(lane),
	      lane_x(0) + 2, y + RETURN_DY, &label);
	strbuf_puts(body, "</g>\n");
	strbuf_free(&label);
	strbuf_free(&line);
}

static void step_band(struct strbuf *body, const json_t *sc, const json_t *ev,
		      int y, int width)
{
	long long index = results_int(ev, "step", -1);
	const json_t *st = results_step(sc, index);
	struct strbuf label = STRBUF_INIT;
	size_t len;
	const char *summary = results_text(ev, "summary", &len);

	strbuf_printf(body,
		      "<rect class=\"band\" x=\"0\" y=\"%d\" width=\"%d\" "
		      "height=\"%d\" fill=\"#eaeef2\"/>\n",
		      y, width, BAND_ROW - 6);
	/* The step's own kind and line; the event's summary without one. */
	results_append_step_name(&label, index);
	strbuf_puts(&label, ": ");
	if (st != NULL) {
		strbuf_puts(&label, results_str(st, "kind", "?"));
		if (results_int(st, "line", 0) > 0) {
			strbuf_printf(&label, " (line %lld)",
				      results_int(st, "line", 0));
		}
	} else {
		strbuf_append(&label, summary, len);
	}
	strbuf_printf(body,
		      "<text x=\"6\" y=\"%d\" font-size=\"12\" "
		      "font-weight=\"600\" fill=\"#1f2328\">",
		      y + 15);
	esc_n(body, label.data,
	      results_utf8_prefix(label.data, label.len, 2 * LABEL_MAX));
	strbuf_puts(body, "</text>\n");
	strbuf_free(&label);
}

static void note_row(struct strbuf *body, const json_t *ev, int y)
{
	size_t len;
	const char *summary = results_text(ev, "summary", &len);

	strbuf_printf(body,
		      "<text x=\"6\" y=\"%d\" font-size=\"11\" "
		      "font-style=\"italic\" fill=\"#57606a\">%s: ",
		      y + 14,
		      strcmp(results_str(ev, "type", ""), "stop") == 0
			  ? "run ended"
			  : "note");
	label_text(body, summary, len);
	strbuf_puts(body, "</text>\n");
}

static void marker_defs(struct strbuf *out, size_t index)
{
	static const char *const kinds[] = {"call", "ret"};
	static const char *const colours[] = {HTML_CALL_COLOUR,
					      HTML_RETURN_COLOUR};

	strbuf_puts(out, "<defs>");
	for (size_t k = 0; k < 2; k++) {
		strbuf_printf(out,
			      "<marker id=\"ah-%s-%zu\" viewBox=\"0 0 10 10\" "
			      "refX=\"10\" refY=\"5\" markerWidth=\"7\" "
			      "markerHeight=\"7\" orient=\"auto\">"
			      "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"%s\"/>"
			      "</marker>",
			      kinds[k], index, colours[k]);
	}
	strbuf_puts(out, "</defs>\n");
}

static void lifelines(struct strbuf *out, const struct lanes *l, int height)
{
	size_t count = 2 + l->count;

	for (size_t lane = 0; lane < count; lane++) {
		int x = lane_x(lane);

		strbuf_printf(out,
			      "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
			      "stroke=\"#8c959f\" stroke-width=\"1\"/>\n",
			      x, HEAD_TOP + HEAD_H, x, height - 4);
		strbuf_printf(out,
			      "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
			      "height=\"%d\" rx=\"4\" fill=\"#f6f8fa\" "
			      "stroke=\"#57606a\"/>\n",
			      x - 85, HEAD_TOP, 170, HEAD_H);
		strbuf_printf(out,
			      "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
			      "font-size=\"13\" font-weight=\"600\" "
			      "fill=\"#1f2328\">",
			      x, HEAD_TOP + 20);
		if (lane == 0) {
			strbuf_puts(out, "Firmware (NWd)");
		} else if (lane == 1) {
			strbuf_puts(out, "SPMC");
		} else {
			strbuf_printf(out, "%s 0x%04x",
				      l->mm[lane - 2] ? "MM SP" : "SP",
				      l->ids[lane - 2]);
		}
		strbuf_puts(out, "</text>\n");
	}
}

static void diagram(struct strbuf *out, const json_t *sc, size_t index)
{
	struct strbuf body = STRBUF_INIT;
	struct lanes l = {{0}, {false}, 0};
	size_t n = results_len(sc, "trace");
	size_t smcs = 0, drawn = 0;
	int y = ROWS_TOP;
	int width;

	for (size_t i = 0; i < n; i++) {
		smcs += results_event_is_smc(results_at(sc, "trace", i));
	}
	strbuf_printf(out, "<h3>Call sequence (%zu SMC%s)</h3>\n", smcs,
		      smcs == 1 ? "" : "s");
	if (n == 0) {
		strbuf_puts(out, "<p class=\"note\">No trace.</p>\n");
		return;
	}
	/* The lanes are known once the events are placed: body first. */
	for (size_t i = 0; i < n && drawn < HTML_MAX_ARROWS; i++) {
		const json_t *ev = results_at(sc, "trace", i);

		if (results_event_is_smc(ev)) {
			target_lane(&l, ev);
			drawn++;
		}
	}
	width = lane_x(2 + l.count - 1) + LANE_X0;
	drawn = 0;
	for (size_t i = 0; i < n; i++) {
		const json_t *ev = results_at(sc, "trace", i);
		const char *type = results_str(ev, "type", "");

		if (results_event_is_smc(ev)) {
			if (drawn == HTML_MAX_ARROWS) {
				break;
			}
			smc_rows(&body, &l, ev, index, y + 14);
			drawn++;
			y += SMC_ROW;
		} else if (strcmp(type, "step") == 0) {
			step_band(&body, sc, ev, y, width);
			y += BAND_ROW;
		} else {
			note_row(&body, ev, y);
			y += NOTE_ROW;
		}
	}
	if (drawn < smcs) {
		strbuf_printf(&body,
			      "<text x=\"6\" y=\"%d\" font-size=\"12\" "
			      "fill=\"#cf222e\">... %zu more SMC calls not "
			      "drawn: see the trace table</text>\n",
			      y + 14, smcs - drawn);
		y += NOTE_ROW;
		strbuf_printf(out,
			      "<p class=\"note\">The diagram shows the first "
			      "%zu of %zu SMC calls; the trace table below "
			      "lists all of them.</p>\n",
			      drawn, smcs);
	}
	y += 8;
	strbuf_printf(out,
		      "<div class=\"diagram\"><svg xmlns=\"http://www.w3.org/"
		      "2000/svg\" class=\"sequence\" width=\"%d\" "
		      "height=\"%d\" viewBox=\"0 0 %d %d\" "
		      "font-family=\"system-ui,sans-serif\" role=\"img\" "
		      "aria-label=\"call sequence\">\n",
		      width, y, width, y);
	marker_defs(out, index);
	lifelines(out, &l, y);
	strbuf_append(out, body.data, body.len);
	strbuf_puts(out, "</svg></div>\n");
	strbuf_free(&body);
}

/* ------------------------------------------------------------------ */
/* MM doorbells                                                        */

static void kv_row(struct strbuf *out, const char *label, const char *value)
{
	strbuf_printf(out, "<tr><th>%s</th><td class=\"mono\">", label);
	esc(out, value);
	strbuf_puts(out, "</td></tr>\n");
}

/* A number member with its name member: "0x0 (EFI_SUCCESS)". */
static void kv_number(struct strbuf *out, const char *label, const json_t *mm,
		      const char *key, const char *name_key)
{
	struct strbuf text = STRBUF_INIT;
	const json_t *v = json_object_get(mm, key);

	if (v == NULL) {
		return;
	}
	results_append_scalar(&text, v);
	if (name_key != NULL && results_str(mm, name_key, NULL) != NULL) {
		strbuf_printf(&text, " (%s)", results_str(mm, name_key, ""));
	}
	kv_row(out, label, text.data);
	strbuf_free(&text);
}

static void hex_dump(struct strbuf *out, const json_t *mm, const char *key,
		     const char *title)
{
	struct strbuf dump = STRBUF_INIT;
	uint8_t *bytes;
	size_t len;

	if (!results_hex_bytes(mm, key, &bytes, &len)) {
		return;
	}
	strbuf_printf(out, "<h4>%s (%zu bytes)</h4>\n", title, len);
	text_append_hexdump(&dump, bytes,
			    len < HTML_MAX_DUMP ? len : HTML_MAX_DUMP, 0);
	if (len > HTML_MAX_DUMP) {
		strbuf_printf(&dump, "... %zu more bytes\n",
			      len - HTML_MAX_DUMP);
	}
	strbuf_puts(out, "<pre class=\"hex\">");
	esc_n(out, dump.data, dump.len);
	strbuf_puts(out, "</pre>\n");
	strbuf_free(&dump);
	free(bytes);
}

/* Doorbells a reader wants to see at once: those of the failing step and
 * those a finding points at. */
static bool doorbell_open(const json_t *sc, const json_t *ev)
{
	const json_t *failing = results_failing_step(sc);
	long long seq = results_int(ev, "seq", -1);

	if (failing != NULL &&
	    results_int(failing, "index", -1) == results_int(ev, "step", -2)) {
		return true;
	}
	for (size_t i = 0; i < results_len(sc, "findings"); i++) {
		if (results_int(results_at(sc, "findings", i), "seq", -1) ==
		    seq) {
			return true;
		}
	}
	return false;
}

static void doorbell(struct strbuf *out, const json_t *sc, const json_t *ev)
{
	const json_t *mm = results_obj(ev, "mm");
	struct strbuf text = STRBUF_INIT;
	bool guid_ok = results_bool(mm, "header_guid_ok", false);

	strbuf_printf(&text, "#%lld %s", results_int(ev, "seq", -1),
		      results_str(mm, "function_name", "?"));
	if (results_str(mm, "name", NULL) != NULL) {
		strbuf_printf(&text, " \"%s\"", results_str(mm, "name", ""));
	}
	strbuf_printf(&text, " -> %s, %s", results_str(mm, "mm_ret_name", "?"),
		      results_str(mm, "return_status_name", "?"));
	strbuf_printf(out,
		      "<details class=\"doorbell\"%s><summary "
		      "class=\"mono\">",
		      doorbell_open(sc, ev) ? " open" : "");
	esc_n(out, text.data, text.len);
	strbuf_puts(out, "</summary>\n<table class=\"kv\">\n");
	strbuf_reset(&text);
	strbuf_printf(&text, "0x%04" PRIx64 " (x1 = 0x%" PRIx64 ")",
		      results_reg(ev, "in", 1) & 0xffff,
		      results_reg(ev, "in", 1));
	kv_row(out, "Partition", text.data);
	kv_number(out, "Offset (x3)", mm, "offset", NULL);
	kv_row(out, "HeaderGuid",
	       guid_ok ? "ok (gEfiSmmVariableProtocolGuid)" : "WRONG");
	kv_number(out, "MessageLength", mm, "message_length", NULL);
	kv_number(out, "Function", mm, "function", "function_name");
	kv_number(out, "ReturnStatus", mm, "return_status",
		  "return_status_name");
	kv_number(out, "MM return (x3)", mm, "mm_ret", "mm_ret_name");
	kv_number(out, "Variable name", mm, "name", NULL);
	kv_number(out, "Vendor GUID", mm, "guid", NULL);
	kv_number(out, "Attributes", mm, "attributes", "attributes_text");
	kv_number(out, "NameSize", mm, "name_size", NULL);
	kv_number(out, "DataSize", mm, "data_size", NULL);
	kv_number(out, "Reply MessageLength", mm, "reply_message_length", NULL);
	strbuf_puts(out,
		    "</table>\n<p class=\"muted\">Offsets: 0x00 "
		    "HeaderGuid, 0x10 MessageLength, 0x18 Function, "
		    "0x20 ReturnStatus, 0x28 payload.</p>\n");
	hex_dump(out, mm, "request", "Request as the partition read it");
	hex_dump(out, mm, "response", "Response as the partition wrote it");
	strbuf_puts(out, "</details>\n");
	strbuf_free(&text);
}

static void doorbells(struct strbuf *out, const json_t *sc)
{
	size_t count = 0, shown = 0;

	for (size_t i = 0; i < results_len(sc, "trace"); i++) {
		count += results_event_is_doorbell(results_at(sc, "trace", i));
	}
	if (count == 0) {
		return;
	}
	strbuf_printf(out, "<h3>MM doorbells (%zu)</h3>\n", count);
	for (size_t i = 0; i < results_len(sc, "trace"); i++) {
		const json_t *ev = results_at(sc, "trace", i);

		if (!results_event_is_doorbell(ev)) {
			continue;
		}
		if (shown++ == HTML_MAX_DOORBELLS) {
			strbuf_printf(out,
				      "<p class=\"note\">%zu more doorbells "
				      "not dumped: see the trace table.</p>\n",
				      count - HTML_MAX_DOORBELLS);
			break;
		}
		doorbell(out, sc, ev);
	}
}

/* ------------------------------------------------------------------ */
/* Findings, trace table, console                                      */

static void findings(struct strbuf *out, const json_t *sc, size_t index)
{
	size_t n = results_len(sc, "findings");

	if (n == 0) {
		return;
	}
	strbuf_printf(out, "<h3>Findings (%zu)</h3>\n", n);
	for (size_t i = 0; i < n; i++) {
		const json_t *fd = results_at(sc, "findings", i);
		struct strbuf where = STRBUF_INIT;
		long long seq = results_int(fd, "seq", -1);
		size_t len;
		const char *detail = results_text(fd, "detail", &len);
		const char *kind = results_str(fd, "kind", "?");

		results_append_location(&where, sc, fd);
		strbuf_printf(
		    out, "<div class=\"finding\"><p><b class=\"%s\">",
		    strcmp(kind, "firmware") == 0 || strcmp(kind, "error") == 0
			? "bad"
			: "muted");
		esc(out, kind);
		strbuf_puts(out, "</b> <code>");
		esc_member(out, fd, "code");
		strbuf_puts(out, "</code> ");
		esc_member(out, fd, "message");
		strbuf_puts(out, " <span class=\"muted mono\">(");
		esc_n(out, where.data, where.len);
		if (seq >= 0) {
			strbuf_printf(
			    out, ", <a href=\"#sc%zu-ev%lld\">seq %lld</a>",
			    index, seq, seq);
		}
		if (results_str(fd, "pc", NULL) != NULL) {
			strbuf_puts(out, ", pc ");
			esc_member(out, fd, "pc");
		}
		if (results_str(fd, "address", NULL) != NULL) {
			strbuf_puts(out, ", address ");
			esc_member(out, fd, "address");
		}
		strbuf_puts(out, ")</span>");
		if (!results_finding_unexpected(fd)) {
			strbuf_puts(out, " <i>expected by the scenario</i>");
		}
		strbuf_puts(out, "</p>\n");
		if (len > 0) {
			pre_block(out, "detail", detail, len);
		}
		strbuf_puts(out, "</div>\n");
		strbuf_free(&where);
	}
}

static void trace_table(struct strbuf *out, const json_t *sc, size_t index)
{
	size_t n = results_len(sc, "trace");

	if (n == 0) {
		return;
	}
	strbuf_printf(out,
		      "<details class=\"trace\"><summary>Trace (%zu "
		      "events)</summary>\n<div class=\"scroll\">"
		      "<table class=\"trace\"><tr><th>seq</th>"
		      "<th>step</th><th>event</th><th>x1</th><th>x2</th>"
		      "<th>x3</th><th>x4</th><th>out x0</th>"
		      "<th>result</th><th>summary</th></tr>\n",
		      n);
	for (size_t i = 0; i < n; i++) {
		const json_t *ev = results_at(sc, "trace", i);
		long long seq = results_int(ev, "seq", -1);

		strbuf_printf(out,
			      "<tr id=\"sc%zu-ev%lld\"><td>%lld</td>"
			      "<td>%lld</td><td>",
			      index, seq, seq, results_int(ev, "step", -1));
		if (results_event_is_smc(ev)) {
			esc(out, results_str(ev, "name", "?"));
			strbuf_puts(out, "</td>");
			for (size_t r = 1; r <= 4; r++) {
				strbuf_printf(out, "<td>0x%" PRIx64 "</td>",
					      results_reg(ev, "in", r));
			}
			strbuf_printf(out, "<td>0x%" PRIx64 "</td><td>",
				      results_reg(ev, "out", 0));
			esc(out, results_str(ev, "result", ""));
		} else {
			strbuf_putc(out, '[');
			esc(out, results_str(ev, "type", "?"));
			strbuf_puts(out,
				    "]</td><td></td><td></td><td></td>"
				    "<td></td><td></td><td>");
		}
		strbuf_puts(out, "</td><td>");
		esc_member(out, ev, "summary");
		if (results_str(ev, "pc_sym", NULL) != NULL) {
			strbuf_puts(out, " <span class=\"muted\">at ");
			esc(out, results_str(ev, "pc_sym", ""));
			if (results_str(ev, "lr_sym", NULL) != NULL) {
				strbuf_puts(out, ", from ");
				esc(out, results_str(ev, "lr_sym", ""));
			}
			strbuf_puts(out, "</span>");
		}
		strbuf_puts(out, "</td></tr>\n");
	}
	strbuf_puts(out, "</table></div></details>\n");
}

static void console(struct strbuf *out, const json_t *sc, bool collapsed)
{
	struct strbuf plain = STRBUF_INIT;
	size_t len;
	const char *text = results_text(sc, "console", &len);

	strbuf_printf(out, "<h3>Console (%zu lines)</h3>\n",
		      results_line_count(text, len));
	if (len == 0) {
		strbuf_puts(out, "<p class=\"note\">No console output.</p>\n");
		return;
	}
	/* U-Boot colours and clears with escape sequences: text only. */
	console_strip_escapes(&plain, text, len);
	if (collapsed) {
		strbuf_puts(out, "<details class=\"console\"><summary>Show "
				 "the console</summary>\n");
	}
	pre_block(out, "console", plain.data != NULL ? plain.data : "",
		  plain.len);
	if (collapsed) {
		strbuf_puts(out, "</details>\n");
	}
	strbuf_free(&plain);
}

void html_render(const json_t *doc, struct strbuf *out)
{
	static const struct html_options defaults = {.all_traces = false};

	html_render_with(doc, &defaults, out);
}

/*
 * A scenario that passed shows its steps and findings, folded; its
 * diagram, buffers and trace only when asked (they are most of the page,
 * and results.json keeps them).
 */
static void passing_note(struct strbuf *out, const json_t *sc)
{
	strbuf_printf(out,
		      "<p class=\"note\">Sequence diagram, MM buffers and "
		      "trace (%zu events) left out for a passing scenario: "
		      "<code>ffa-harness report --html-traces all</code> "
		      "includes them; results.json has them.</p>\n",
		      results_len(sc, "trace"));
}

void html_render_with(const json_t *doc, const struct html_options *o,
		      struct strbuf *out)
{
	enum results_verdict run = results_run_verdict(doc);
	size_t n = results_scenario_count(doc);

	strbuf_puts(out,
		    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		    "<meta charset=\"utf-8\">\n"
		    "<meta http-equiv=\"Content-Security-Policy\" "
		    "content=\"default-src 'none'; style-src "
		    "'unsafe-inline'; img-src data:\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, "
		    "initial-scale=1\">\n");
	strbuf_printf(out, "<title>ffa-harness: %s</title>\n",
		      results_verdict_label(run));
	strbuf_printf(out, "<style>\n%s</style>\n</head>\n<body>\n", page_css);
	summary(out, doc);
	for (size_t i = 0; i < n; i++) {
		const json_t *sc = results_scenario(doc, i);

		bool passed = results_verdict_of(sc) <= RESULTS_NOT_IMPLEMENTED;

		scenario_head(out, sc, i, !passed || o->all_traces);
		steps(out, sc);
		if (passed && !o->all_traces) {
			passing_note(out, sc);
		} else {
			diagram(out, sc, i);
			doorbells(out, sc);
		}
		findings(out, sc, i);
		if (!passed || o->all_traces) {
			trace_table(out, sc, i);
		}
		console(out, sc, passed);
		strbuf_puts(out, "</details>\n</section>\n");
	}
	strbuf_puts(out, "</body>\n</html>\n");
}
