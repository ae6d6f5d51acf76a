#include "reports/reports.h"

#include <jansson.h>

#include "common/fileio.h"
#include "common/strbuf.h"
#include "reports/html.h"
#include "reports/junit.h"
#include "reports/markdown.h"
#include "reports/results.h"

static bool write_one(const char *path, const struct strbuf *text,
		      struct error *err)
{
	return path == NULL ||
	       file_write_atomic(path, strbuf_str(text), text->len, err);
}

bool reports_write(const char *doc, size_t len, const double *seconds,
		   size_t count, const struct report_outputs *out,
		   struct error *err)
{
	json_t *root = results_load_string(doc, len, err);
	struct strbuf text = STRBUF_INIT;
	bool ok;

	if (root == NULL) {
		return false;
	}
	junit_render(root, seconds, count, &text);
	ok = write_one(out->junit, &text, err);
	strbuf_reset(&text);
	if (ok && out->markdown != NULL) {
		markdown_render(root, &text);
		ok = write_one(out->markdown, &text, err);
		strbuf_reset(&text);
	}
	if (ok && out->html != NULL) {
		struct html_options ho = {.all_traces = out->html_all_traces};

		html_render_with(root, &ho, &text);
		ok = write_one(out->html, &text, err);
	}
	strbuf_free(&text);
	json_decref(root);
	return ok;
}
