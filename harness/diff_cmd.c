/*
 * `ffa-harness diff`: compare two result documents (reports/diff.h) and
 * exit 1 when NEW regressed against BASE, so that CI can gate on it.
 */
#include "harness/diff_cmd.h"

#include <getopt.h>
#include <stdio.h>

#include "common/error.h"
#include "common/strbuf.h"
#include "harness/cli.h"
#include "reports/diff.h"
#include "reports/results.h"

static const char diff_usage[] =
    "usage: ffa-harness diff [--json] BASE.json NEW.json\n"
    "\n"
    "Compares two result documents (`ffa-harness run --json`): scenarios\n"
    "added and removed, verdicts that changed, the first SMC where each\n"
    "scenario's call sequence diverges (name, x0..x17 in, x0 out), MM\n"
    "buffer bytes that differ between doorbells of the same index, and\n"
    "findings that appeared or went away.\n"
    "\n"
    "A regression is a verdict that got worse (pass < not-implemented <\n"
    "fail < firmware < error) or a new unexpected firmware finding in a\n"
    "scenario present in both runs.\n"
    "\n"
    "  --json       print the comparison as JSON instead of text\n"
    "  -h, --help   this text\n"
    "\n"
    "Exit status: 0 nothing regressed, 1 something regressed, 2 invalid\n"
    "input (options, unreadable or invalid documents), 3 internal error.\n";

static const struct option diff_options[] = {
    {"json", no_argument, NULL, 'j'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int diff_main(int argc, char **argv)
{
	struct error err = {0};
	struct strbuf out = STRBUF_INIT;
	json_t *docs[2] = {NULL, NULL};
	bool json = false, regressed;
	int c, rc = CLI_EXIT_INVALID_INPUT;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", diff_options, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(diff_usage, stdout);
			return CLI_EXIT_PASS;
		default:
			fputs(diff_usage, stderr);
			return CLI_EXIT_INVALID_INPUT;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr,
			"ffa-harness diff: BASE.json and NEW.json are "
			"required\n\n");
		fputs(diff_usage, stderr);
		return CLI_EXIT_INVALID_INPUT;
	}
	for (size_t i = 0; i < 2; i++) {
		docs[i] = results_load_file(argv[optind + (int)i], &err);
		if (docs[i] == NULL) {
			fprintf(stderr, "ffa-harness diff: %s\n", err.message);
			goto free_docs;
		}
	}
	regressed = diff_render(docs[0], argv[optind], docs[1],
				argv[optind + 1], json, &out);
	if (fwrite(out.data, 1, out.len, stdout) != out.len ||
	    fflush(stdout) != 0) {
		fprintf(stderr,
			"ffa-harness diff: writing standard output "
			"failed\n");
		rc = CLI_EXIT_INTERNAL;
		goto free_docs;
	}
	rc = regressed ? CLI_EXIT_FAIL : CLI_EXIT_PASS;

free_docs:
	strbuf_free(&out);
	json_decref(docs[0]);
	json_decref(docs[1]);
	return rc;
}
