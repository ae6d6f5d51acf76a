/*
 * `ffa-harness report`: regenerate the JUnit, Markdown and HTML reports
 * from a saved result document (docs/report-format.md).  The exit status
 * says whether the reports were written, not how the run went.
 */
#include "harness/report_cmd.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "common/fileio.h"
#include "common/strbuf.h"
#include "harness/cli.h"
#include "reports/html.h"
#include "reports/junit.h"
#include "reports/markdown.h"
#include "reports/results.h"

static const char report_usage[] =
    "usage: ffa-harness report RESULTS.json [--junit FILE] "
    "[--markdown FILE]\n"
    "                          [--html FILE]\n"
    "\n"
    "Reads RESULTS.json (written by `ffa-harness run --json`), checks its\n"
    "format and version, and writes the reports asked for.  Each file is\n"
    "written completely or not at all.  FILE \"-\" is standard output.\n"
    "Without an output option, prints the run's verdict and counts.\n"
    "\n"
    "  --junit FILE      JUnit XML for CI (GitLab, GitHub, Jenkins); the\n"
    "                    saved document has no wall-clock times: time=\"0\"\n"
    "  --markdown FILE   summary for a pull-request comment\n"
    "  --html FILE       one self-contained page: steps, sequence\n"
    "                    diagrams, MM buffers, findings, console\n"
    "  --html-traces failures|all   diagrams, buffers and traces of\n"
    "                    failed scenarios only (default), or of all\n"
    "  -h, --help        this text\n"
    "\n"
    "Exit status: 0 reports written, 2 invalid input (options, unreadable\n"
    "or invalid RESULTS.json), 3 internal error (a report could not be\n"
    "written).\n";

enum report_kind {
	REPORT_JUNIT,
	REPORT_MARKDOWN,
	REPORT_HTML,
	REPORT_KIND_COUNT
};

static const char *const report_names[REPORT_KIND_COUNT] = {
    [REPORT_JUNIT] = "JUnit",
    [REPORT_MARKDOWN] = "Markdown",
    [REPORT_HTML] = "HTML",
};

static const struct option report_options[] = {
    {"junit", required_argument, NULL, 'j'},
    {"markdown", required_argument, NULL, 'm'},
    {"html", required_argument, NULL, 'w'},
    {"html-traces", required_argument, NULL, 't'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static struct html_options html_opts;

static void render(enum report_kind kind, const json_t *doc, struct strbuf *out)
{
	switch (kind) {
	case REPORT_JUNIT:
		junit_render(doc, NULL, 0, out);
		break;
	case REPORT_MARKDOWN:
		markdown_render(doc, out);
		break;
	case REPORT_HTML:
		html_render_with(doc, &html_opts, out);
		break;
	case REPORT_KIND_COUNT:
		break;
	}
}

static bool write_report(const char *path, const struct strbuf *text,
			 struct error *err)
{
	if (strcmp(path, "-") != 0) {
		return file_write_atomic(path, text->data, text->len, err);
	}
	if (fwrite(text->data, 1, text->len, stdout) != text->len ||
	    fflush(stdout) != 0) {
		return error_setf(err, "writing standard output failed");
	}
	return true;
}

static void print_summary(const char *path, const json_t *doc)
{
	size_t counts[RESULTS_VERDICT_COUNT];

	results_count(doc, counts);
	printf(
	    "%s: %s, %zu scenario%s (pass %zu, fail %zu, firmware %zu, "
	    "not-implemented %zu, error %zu)\n",
	    path, results_verdict_label(results_run_verdict(doc)),
	    results_scenario_count(doc),
	    results_scenario_count(doc) == 1 ? "" : "s", counts[RESULTS_PASS],
	    counts[RESULTS_FAIL], counts[RESULTS_FIRMWARE],
	    counts[RESULTS_NOT_IMPLEMENTED], counts[RESULTS_ERROR]);
}

int report_main(int argc, char **argv)
{
	const char *paths[REPORT_KIND_COUNT] = {NULL};
	struct error err = {0};
	bool to_stdout = false, any = false;
	const char *input;
	json_t *doc;
	int c, rc = CLI_EXIT_PASS;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", report_options, NULL)) != -1) {
		switch (c) {
		case 'j':
			paths[REPORT_JUNIT] = optarg;
			break;
		case 'm':
			paths[REPORT_MARKDOWN] = optarg;
			break;
		case 'w':
			paths[REPORT_HTML] = optarg;
			break;
		case 't':
			if (!cli_parse_html_traces(optarg,
						   &html_opts.all_traces)) {
				return CLI_EXIT_INVALID_INPUT;
			}
			break;
		case 'h':
			fputs(report_usage, stdout);
			return CLI_EXIT_PASS;
		default:
			fputs(report_usage, stderr);
			return CLI_EXIT_INVALID_INPUT;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "ffa-harness report: %s\n\n",
			argc - optind == 0
			    ? "RESULTS.json is required"
			    : "exactly one RESULTS.json, please");
		fputs(report_usage, stderr);
		return CLI_EXIT_INVALID_INPUT;
	}
	input = argv[optind];
	doc = results_load_file(input, &err);
	if (doc == NULL) {
		fprintf(stderr, "ffa-harness report: %s\n", err.message);
		return CLI_EXIT_INVALID_INPUT;
	}
	for (size_t k = 0; k < REPORT_KIND_COUNT; k++) {
		struct strbuf text = STRBUF_INIT;

		if (paths[k] == NULL) {
			continue;
		}
		any = true;
		to_stdout = to_stdout || strcmp(paths[k], "-") == 0;
		render((enum report_kind)k, doc, &text);
		if (!write_report(paths[k], &text, &err)) {
			fprintf(stderr, "ffa-harness report: %s report: %s\n",
				report_names[k], err.message);
			error_clear(&err);
			rc = CLI_EXIT_INTERNAL;
		}
		strbuf_free(&text);
	}
	if (!any || !to_stdout) {
		print_summary(input, doc);
	}
	json_decref(doc);
	return rc;
}
