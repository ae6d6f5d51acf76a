/*
 * Markdown summary writer.  Documented in reports/markdown.h.
 */
#include "reports/markdown.h"

#include <stdbool.h>
#include <string.h>

#include "reports/results.h"

/* Finding groups, most important first. */
static const char *const finding_groups[] = {
    "firmware", "error", "expectation", "not-implemented", "warning",
};

/*
 * Escapes text for a table cell or a list item: Markdown punctuation gets
 * a backslash, HTML's three special characters become references, and
 * line breaks and control characters become spaces.  At most max bytes of
 * text are used; "..." marks a cut.
 */
static void md_escape(struct strbuf *sb, const char *s, size_t len, size_t max)
{
	size_t n = results_utf8_prefix(s, len, max);

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '&':
			strbuf_puts(sb, "&amp;");
			break;
		case '<':
			strbuf_puts(sb, "&lt;");
			break;
		case '>':
			strbuf_puts(sb, "&gt;");
			break;
		case '\\':
		case '`':
		case '*':
		case '_':
		case '[':
		case ']':
		case '|':
		case '#':
		case '~':
		case '!':
			strbuf_putc(sb, '\\');
			strbuf_putc(sb, (char)c);
			break;
		default:
			strbuf_putc(sb, c < 0x20 || c == 0x7f ? ' ' : (char)c);
			break;
		}
	}
	if (n < len) {
		strbuf_puts(sb, "...");
	}
}

static void md_escape_str(struct strbuf *sb, const char *s)
{
	md_escape(sb, s, strlen(s), MARKDOWN_MAX_MESSAGE);
}

/* A finding code as a code span, unless it could break out of one. */
static void md_code(struct strbuf *sb, const char *s)
{
	if (strpbrk(s, "`\r\n") != NULL || strlen(s) > MARKDOWN_MAX_MESSAGE) {
		md_escape_str(sb, s);
		return;
	}
	strbuf_printf(sb, "`%s`", s);
}

static void headline(struct strbuf *out, const json_t *doc,
		     const size_t counts[RESULTS_VERDICT_COUNT])
{
	const char *upper = results_verdict_label(results_run_verdict(doc));
	size_t n = results_scenario_count(doc);

	if (n == 0) {
		const char *notice = results_notice(doc);

		strbuf_printf(out, "## ffa-harness: %s - no scenario ran\n\n",
			      upper);
		if (notice != NULL) {
			md_escape_str(out, notice);
			strbuf_puts(out, "\n\n");
		}
		return;
	}
	strbuf_printf(out,
		      "## ffa-harness: %s - %zu of %zu scenarios "
		      "passed\n\n",
		      upper, counts[RESULTS_PASS], n);
	strbuf_printf(out,
		      "pass %zu, fail %zu, firmware %zu, not-implemented %zu, "
		      "error %zu\n\n",
		      counts[RESULTS_PASS], counts[RESULTS_FAIL],
		      counts[RESULTS_FIRMWARE], counts[RESULTS_NOT_IMPLEMENTED],
		      counts[RESULTS_ERROR]);
}

static void table_row(struct strbuf *out, const json_t *sc)
{
	struct strbuf where = STRBUF_INIT;
	size_t len;
	const char *message = results_text(sc, "message", &len);
	enum results_verdict v = results_verdict_of(sc);
	const char *bold = v >= RESULTS_FAIL ? "**" : "";

	results_append_location(&where, sc, results_where(sc));
	strbuf_puts(out, "| ");
	md_escape_str(out, results_str(sc, "name", "?"));
	strbuf_printf(out, " | %s%s%s | ", bold, results_verdict_label(v),
		      bold);
	md_escape(out, message, len, MARKDOWN_MAX_MESSAGE);
	strbuf_puts(out, " | ");
	md_escape(out, where.data, where.len, MARKDOWN_MAX_MESSAGE);
	strbuf_puts(out, " |\n");
	strbuf_free(&where);
}

/* Scenarios worst verdict first, in document order within a verdict. */
static void table(struct strbuf *out, const json_t *doc)
{
	size_t n = results_scenario_count(doc);
	size_t shown = 0;
	size_t left[RESULTS_VERDICT_COUNT] = {0};
	bool cut = false;

	if (n == 0) {
		return;
	}
	strbuf_puts(out,
		    "| Scenario | Verdict | Message | Where |\n"
		    "|---|---|---|---|\n");
	for (int v = RESULTS_VERDICT_COUNT - 1; v >= 0; v--) {
		for (size_t i = 0; i < n; i++) {
			const json_t *sc = results_scenario(doc, i);

			if ((int)results_verdict_of(sc) != v) {
				continue;
			}
			if (shown == MARKDOWN_MAX_ROWS) {
				left[v]++;
				cut = true;
				continue;
			}
			table_row(out, sc);
			shown++;
		}
	}
	if (cut) {
		strbuf_printf(out, "\n_... and %zu more scenarios not listed:",
			      n - shown);
		for (int v = RESULTS_VERDICT_COUNT - 1; v >= 0; v--) {
			if (left[v] > 0) {
				strbuf_printf(out, " %s %zu",
					      results_verdict_name(
						  (enum results_verdict)v),
					      left[v]);
			}
		}
		strbuf_puts(out, "_\n");
	}
	strbuf_putc(out, '\n');
}

/*
 * The command that reruns each scenario that did not pass, in one code
 * block a reader can copy (lines that could close the block are left out).
 */
static void reproduce(struct strbuf *out, const json_t *doc)
{
	size_t shown = 0;

	for (size_t i = 0; i < results_scenario_count(doc); i++) {
		const json_t *sc = results_scenario(doc, i);
		const char *line = results_str(sc, "reproduce", NULL);

		if (results_verdict_of(sc) < RESULTS_FAIL || line == NULL ||
		    strpbrk(line, "`\r\n") != NULL) {
			continue;
		}
		if (shown == MARKDOWN_MAX_ROWS) {
			strbuf_puts(out, "# ... more in results.json\n");
			break;
		}
		if (shown++ == 0) {
			strbuf_puts(out, "### Reproduce\n\n```sh\n");
		}
		strbuf_printf(out, "%s\n", line);
	}
	if (shown > 0) {
		strbuf_puts(out, "```\n\n");
	}
}

static void finding_item(struct strbuf *out, const json_t *sc, const json_t *fd)
{
	struct strbuf where = STRBUF_INIT;
	size_t len;
	const char *message = results_text(fd, "message", &len);

	results_append_location(&where, sc, fd);
	strbuf_puts(out, "- ");
	md_code(out, results_str(fd, "code", "?"));
	strbuf_putc(out, ' ');
	md_escape(out, message, len, MARKDOWN_MAX_MESSAGE);
	strbuf_puts(out, " (");
	md_escape_str(out, results_str(sc, "name", "?"));
	strbuf_puts(out, ", ");
	md_escape(out, where.data, where.len, MARKDOWN_MAX_MESSAGE);
	strbuf_puts(out, ")\n");
	strbuf_free(&where);
}

static void findings(struct strbuf *out, const json_t *doc)
{
	size_t n = results_scenario_count(doc);
	size_t expected = 0, total = 0;

	for (size_t g = 0; g < sizeof(finding_groups) / sizeof(char *); g++) {
		size_t count = 0;

		for (size_t i = 0; i < n; i++) {
			const json_t *sc = results_scenario(doc, i);

			for (size_t k = 0; k < results_len(sc, "findings");
			     k++) {
				const json_t *fd =
				    results_at(sc, "findings", k);

				if (strcmp(results_str(fd, "kind", ""),
					   finding_groups[g]) != 0) {
					continue;
				}
				if (!results_finding_unexpected(fd)) {
					expected++;
					continue;
				}
				if (total++ == 0) {
					strbuf_puts(out, "### Findings\n\n");
				}
				if (count == 0) {
					strbuf_printf(out, "**%s**\n\n",
						      finding_groups[g]);
				}
				if (count++ < MARKDOWN_MAX_FINDINGS) {
					finding_item(out, sc, fd);
				}
			}
		}
		if (count > MARKDOWN_MAX_FINDINGS) {
			strbuf_printf(out, "- _... and %zu more_\n",
				      count - MARKDOWN_MAX_FINDINGS);
		}
		if (count > 0) {
			strbuf_putc(out, '\n');
		}
	}
	if (expected > 0) {
		strbuf_printf(
		    out,
		    "%zu expected finding%s (listed by the scenarios) "
		    "not shown.\n\n",
		    expected, expected == 1 ? "" : "s");
	}
}

/*
 * Checks a backend could not run, per scenario: they are not passes, so
 * the summary says which ones were not applicable where.
 */
static void not_applicable(struct strbuf *out, const json_t *doc)
{
	struct strbuf list = STRBUF_INIT;
	size_t shown = 0;

	for (size_t i = 0; i < results_scenario_count(doc); i++) {
		const json_t *sc = results_scenario(doc, i);

		strbuf_reset(&list);
		if (results_append_not_applicable(&list, sc, false) == 0) {
			continue;
		}
		if (shown == MARKDOWN_MAX_ROWS) {
			strbuf_puts(out, "- ... more in results.json\n");
			break;
		}
		if (shown++ == 0) {
			strbuf_puts(out, "### Not applicable (not passed)\n\n");
		}
		strbuf_puts(out, "- ");
		md_code(out, results_str(sc, "name", "?"));
		strbuf_printf(out, " on %s: ",
			      results_str(results_obj(sc, "backend"), "name",
					  "?"));
		md_escape(out, list.data, list.len, list.len);
		strbuf_putc(out, '\n');
	}
	if (shown > 0) {
		strbuf_putc(out, '\n');
	}
	strbuf_free(&list);
}

void markdown_render(const json_t *doc, struct strbuf *out)
{
	size_t counts[RESULTS_VERDICT_COUNT];

	results_count(doc, counts);
	headline(out, doc, counts);
	table(out, doc);
	findings(out, doc);
	not_applicable(out, doc);
	reproduce(out, doc);
}
