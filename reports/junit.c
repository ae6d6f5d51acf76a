/*
 * JUnit XML writer.  Documented in reports/junit.h.
 *
 * The failure and error texts are what a developer reads in the CI merge
 * request widget: the first message, the failed checks with expected and
 * seen values and the scenario line of each, the findings that decided the
 * verdict, how the run stopped, and the SMC events of the step that failed,
 * one line each.  The console tail goes to <system-out>.
 */
#include "reports/junit.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "reports/results.h"

/* Bounds that keep a report readable in a CI widget. */
#define JUNIT_MESSAGE_MAX 1024	 /* bytes of the message attribute */
#define JUNIT_TRACE_LINES_MAX 40 /* SMC events in a trace excerpt */
#define JUNIT_LAST_CALLS 5	 /* ... when the failing step has none */
#define JUNIT_CONSOLE_LINES 60	 /* console tail in <system-out> */
#define JUNIT_CONSOLE_BYTES 8192

void junit_classname(const char *file, struct strbuf *out)
{
	static const char *const suffixes[] = {".yaml", ".yml"};
	size_t len = strlen(file);

	while (len >= 2 && file[0] == '.' && file[1] == '/') {
		file += 2;
		len -= 2;
	}
	for (size_t i = 0; i < 2; i++) {
		size_t n = strlen(suffixes[i]);

		if (len > n && strcmp(file + len - n, suffixes[i]) == 0) {
			len -= n;
			break;
		}
	}
	for (size_t i = 0; i < len; i++) {
		strbuf_putc(out, file[i] == '/' ? '.' : file[i]);
	}
}

static void put_attr(struct strbuf *out, const char *name, const char *value,
		     size_t len)
{
	strbuf_printf(out, " %s=\"", name);
	results_escape_xml(out, value, len);
	strbuf_putc(out, '"');
}

static void put_attr_str(struct strbuf *out, const char *name,
			 const char *value)
{
	put_attr(out, name, value, strlen(value));
}

static void put_time(struct strbuf *out, const double *seconds, size_t count,
		     size_t i)
{
	if (seconds == NULL || i >= count || !isfinite(seconds[i]) ||
	    seconds[i] < 0) {
		strbuf_puts(out, " time=\"0\"");
		return;
	}
	strbuf_printf(out, " time=\"%.3f\"", seconds[i]);
}

/* The step whose SMC events explain the verdict, or false if none. */
static bool failing_step_index(const json_t *sc, long long *index)
{
	const json_t *st;
	long long last = -2;

	if (results_verdict_of(sc) == RESULTS_FIRMWARE) {
		for (size_t i = 0; i < results_len(sc, "findings"); i++) {
			const json_t *fd = results_at(sc, "findings", i);

			if (strcmp(results_str(fd, "kind", ""), "firmware") ==
				0 &&
			    results_finding_unexpected(fd) &&
			    json_object_get(fd, "step") != NULL) {
				*index = results_int(fd, "step", -1);
				return true;
			}
		}
	}
	st = results_failing_step(sc);
	if (st != NULL) {
		*index = results_int(st, "index", -1);
		return true;
	}
	/* An error without a failing step: where the last SMC happened. */
	for (size_t i = 0; i < results_len(sc, "trace"); i++) {
		const json_t *ev = results_at(sc, "trace", i);

		if (results_event_is_smc(ev)) {
			last = results_int(ev, "step", -1);
		}
	}
	*index = last;
	return last != -2;
}

/* The last SMC events before seq end: what led to a step without any. */
static void append_last_calls(struct strbuf *text, const json_t *sc,
			      long long end)
{
	size_t n = results_len(sc, "trace");
	size_t first = n, count = 0;

	while (first > 0 && count < JUNIT_LAST_CALLS) {
		const json_t *ev = results_at(sc, "trace", first - 1);

		first--;
		if (results_event_is_smc(ev) &&
		    results_int(ev, "seq", -1) < end) {
			count++;
		}
	}
	if (count == 0) {
		return;
	}
	strbuf_printf(text, "last SMC calls before it:\n");
	for (size_t i = first; i < n; i++) {
		const json_t *ev = results_at(sc, "trace", i);

		if (results_event_is_smc(ev) &&
		    results_int(ev, "seq", -1) < end) {
			strbuf_puts(text, "  ");
			results_append_event(text, ev);
			strbuf_putc(text, '\n');
		}
	}
}

static void append_trace_excerpt(struct strbuf *text, const json_t *sc)
{
	long long index, first, end;
	size_t shown = 0, more = 0;

	if (!failing_step_index(sc, &index) ||
	    !results_step_range(sc, index, &first, &end)) {
		return;
	}
	strbuf_puts(text, "\nSMC calls of ");
	results_append_step_name(text, index);
	strbuf_printf(text, " (trace seq %lld..%lld):\n", first, end - 1);
	for (size_t i = 0; i < results_len(sc, "trace"); i++) {
		const json_t *ev = results_at(sc, "trace", i);
		long long seq = results_int(ev, "seq", -1);

		if (!results_event_is_smc(ev) || seq < first || seq >= end) {
			continue;
		}
		if (shown == JUNIT_TRACE_LINES_MAX) {
			more++;
			continue;
		}
		strbuf_puts(text, "  ");
		results_append_event(text, ev);
		strbuf_putc(text, '\n');
		shown++;
	}
	if (more > 0) {
		strbuf_printf(text, "  ... %zu more\n", more);
	}
	if (shown == 0) {
		strbuf_puts(text, "  (none)\n");
		append_last_calls(text, sc, end);
	}
}

static void append_stop(struct strbuf *text, const json_t *stop)
{
	static const char *const blocks[] = {"registers", "disassembly"};
	const char *reason = results_str(stop, "reason", NULL);
	const char *kind = results_str(stop, "kind", NULL);
	const char *what = results_str(stop, "what", NULL);
	const char *pc = results_str(stop, "pc", NULL);
	const char *address = results_str(stop, "address", NULL);

	if (reason == NULL) {
		return;
	}
	strbuf_printf(text, "\nrun stopped: %s", reason);
	if (kind != NULL) {
		strbuf_printf(text, " (%s)", kind);
	}
	if (what != NULL) {
		strbuf_printf(text, ": %s", what);
	}
	if (pc != NULL) {
		strbuf_printf(text, " at pc %s", pc);
	}
	if (address != NULL) {
		strbuf_printf(text, ", address %s", address);
	}
	strbuf_putc(text, '\n');
	for (size_t i = 0; i < 2; i++) {
		size_t len;
		const char *block = results_text(stop, blocks[i], &len);

		if (len == 0) {
			continue;
		}
		strbuf_printf(text, "%s:\n", blocks[i]);
		strbuf_append(text, block, len);
		if (block[len - 1] != '\n') {
			strbuf_putc(text, '\n');
		}
	}
}

/* The body of <failure> or <error>, as plain text. */
static void failure_text(struct strbuf *text, const json_t *sc)
{
	size_t len, checks = 0, findings = 0;
	const char *message = results_text(sc, "message", &len);
	enum results_verdict v = results_verdict_of(sc);

	strbuf_append(text, message, len);
	strbuf_puts(text, "\nscenario ");
	strbuf_puts(text, results_str(sc, "name", "?"));
	strbuf_puts(text, " at ");
	results_append_location(text, sc, results_where(sc));
	strbuf_putc(text, '\n');
	if (results_str(sc, "reproduce", NULL) != NULL) {
		strbuf_printf(text, "reproduce: %s\n",
			      results_str(sc, "reproduce", ""));
	}
	for (size_t i = 0; i < results_len(sc, "steps"); i++) {
		const json_t *st = results_at(sc, "steps", i);

		for (size_t k = 0; k < results_len(st, "checks"); k++) {
			const json_t *c = results_at(st, "checks", k);

			if (results_bool(c, "ok", true)) {
				continue;
			}
			if (checks++ == 0) {
				strbuf_puts(text, "\nfailed checks:\n");
			}
			strbuf_puts(text, "  ");
			results_append_step_name(text,
						 results_int(st, "index", -1));
			strbuf_printf(text,
				      " %s: ", results_str(st, "kind", "?"));
			results_append_check(text, sc, c);
			strbuf_putc(text, '\n');
		}
	}
	for (size_t i = 0; i < results_len(sc, "findings"); i++) {
		const json_t *fd = results_at(sc, "findings", i);
		const char *kind = results_str(fd, "kind", "");

		if (!results_finding_unexpected(fd) ||
		    strcmp(kind, "warning") == 0 ||
		    strcmp(kind, "not-implemented") == 0) {
			continue;
		}
		if (findings++ == 0) {
			strbuf_puts(text, "\nfindings:\n");
		}
		strbuf_puts(text, "  ");
		results_append_finding(text, sc, fd);
		strbuf_putc(text, '\n');
	}
	if (v == RESULTS_ERROR) {
		append_stop(text, results_obj(sc, "stop"));
	}
	append_trace_excerpt(text, sc);
}

static void system_out(struct strbuf *out, const json_t *sc)
{
	struct strbuf text = STRBUF_INIT;
	size_t len, start, lines;
	const char *console = results_text(sc, "console", &len);

	if (results_verdict_of(sc) == RESULTS_NOT_IMPLEMENTED) {
		size_t mlen;
		const char *message = results_text(sc, "message", &mlen);

		strbuf_puts(&text,
			    "NOT IMPLEMENTED: the firmware asked for "
			    "something the model does not implement; "
			    "the test passes without checking it: ");
		strbuf_append(&text, message, mlen);
		strbuf_putc(&text, '\n');
		for (size_t i = 0; i < results_len(sc, "findings"); i++) {
			const json_t *fd = results_at(sc, "findings", i);

			if (strcmp(results_str(fd, "kind", ""),
				   "not-implemented") != 0) {
				continue;
			}
			strbuf_puts(&text, "  ");
			results_append_finding(&text, sc, fd);
			strbuf_putc(&text, '\n');
		}
		strbuf_putc(&text, '\n');
	}
	if (len > 0) {
		start = results_tail_start(console, len, JUNIT_CONSOLE_LINES,
					   JUNIT_CONSOLE_BYTES);
		lines = results_line_count(console, len);
		if (start == 0) {
			strbuf_printf(&text, "console (%zu lines):\n", lines);
		} else {
			strbuf_printf(
			    &text, "console (last %zu of %zu lines):\n",
			    results_line_count(console + start, len - start),
			    lines);
		}
		strbuf_append(&text, console + start, len - start);
	}
	if (text.len > 0) {
		strbuf_puts(out, "      <system-out>");
		results_escape_xml(out, text.data, text.len);
		strbuf_puts(out, "</system-out>\n");
	}
	strbuf_free(&text);
}

static void testcase(struct strbuf *out, const json_t *sc,
		     const double *seconds, size_t seconds_count, size_t i)
{
	struct strbuf classname = STRBUF_INIT;
	struct strbuf text = STRBUF_INIT;
	enum results_verdict v = results_verdict_of(sc);
	size_t len;
	const char *message = results_text(sc, "message", &len);
	const char *element = v == RESULTS_ERROR ? "error" : "failure";

	junit_classname(results_str(sc, "file", "?"), &classname);
	strbuf_puts(out, "    <testcase");
	put_attr(out, "classname", classname.data, classname.len);
	put_attr_str(out, "name", results_str(sc, "name", "?"));
	put_attr_str(out, "file", results_str(sc, "file", "?"));
	strbuf_printf(out, " line=\"%lld\"", results_int(sc, "line", 0));
	put_time(out, seconds, seconds_count, i);
	strbuf_puts(out, ">\n");
	if (results_append_not_applicable(&text, sc, true) != 0) {
		/* Checks the backend could not run: named, never passed. */
		strbuf_puts(out, "      <properties>\n        <property "
				 "name=\"backend\"");
		put_attr_str(out, "value",
			     results_str(results_obj(sc, "backend"), "name",
					 "?"));
		strbuf_puts(out, "/>\n        <property "
				 "name=\"not-applicable\"");
		put_attr(out, "value", text.data, text.len);
		strbuf_puts(out, "/>\n      </properties>\n");
		strbuf_reset(&text);
	}
	if (v >= RESULTS_FAIL) {
		const json_t *stop = results_obj(sc, "stop");
		const char *type = results_verdict_name(v);

		if (v == RESULTS_ERROR) {
			type = results_str(stop, "reason", type);
		}
		failure_text(&text, sc);
		strbuf_printf(out, "      <%s", element);
		put_attr(out, "message", message,
			 results_utf8_prefix(message, len, JUNIT_MESSAGE_MAX));
		put_attr_str(out, "type", type);
		strbuf_putc(out, '>');
		results_escape_xml(out, text.data, text.len);
		strbuf_printf(out, "</%s>\n", element);
	}
	system_out(out, sc);
	strbuf_puts(out, "    </testcase>\n");
	strbuf_free(&text);
	strbuf_free(&classname);
}

void junit_render(const json_t *doc, const double *seconds,
		  size_t seconds_count, struct strbuf *out)
{
	size_t counts[RESULTS_VERDICT_COUNT];
	size_t n = results_scenario_count(doc);
	double total = 0;
	char attrs[160];

	results_count(doc, counts);
	for (size_t i = 0; seconds != NULL && i < seconds_count && i < n; i++) {
		if (isfinite(seconds[i]) && seconds[i] > 0) {
			total += seconds[i];
		}
	}
	snprintf(attrs, sizeof(attrs),
		 " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
		 "skipped=\"0\" time=\"%.3f\"",
		 n, counts[RESULTS_FAIL] + counts[RESULTS_FIRMWARE],
		 counts[RESULTS_ERROR], total);
	strbuf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	strbuf_printf(out, "<testsuites name=\"ffa-harness\"%s>\n", attrs);
	strbuf_printf(out, "  <testsuite name=\"ffa-harness\"%s>\n", attrs);
	for (size_t i = 0; i < n; i++) {
		testcase(out, results_scenario(doc, i), seconds, seconds_count,
			 i);
	}
	strbuf_puts(out, "  </testsuite>\n</testsuites>\n");
}
