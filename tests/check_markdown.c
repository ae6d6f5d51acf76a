/*
 * Unit tests of reports/markdown.c: the headline, the scenario table worst
 * first, findings grouped by kind, truncation with counts, and escaping.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "reports/markdown.h"
#include "tests/results_fixtures.h"

#define ck_assert_has(text, needle)                                         \
	ck_assert_msg(strstr(text, needle) != NULL, "missing '%s' in:\n%s", \
		      needle, text)
#define ck_assert_lacks(text, needle)                                          \
	ck_assert_msg(strstr(text, needle) == NULL, "unexpected '%s' in:\n%s", \
		      needle, text)

static char *render_doc(const json_t *doc)
{
	struct strbuf out = STRBUF_INIT;

	markdown_render(doc, &out);
	return strbuf_steal(&out);
}

static char *render(const char *name)
{
	json_t *doc = fixture_load(name);
	char *md = render_doc(doc);

	json_decref(doc);
	return md;
}

START_TEST(headline_gives_the_run_verdict_and_counts)
{
	char *md = render("fail-expectation");

	ck_assert_msg(
	    strncmp(md,
		    "## ffa-harness: FAIL - 1 of 2 scenarios passed\n"
		    "\npass 1, fail 1, firmware 0, not-implemented 0, "
		    "error 0\n",
		    strlen("## ffa-harness: FAIL - 1 of 2 scenarios "
			   "passed\n\npass 1, fail 1, firmware 0, "
			   "not-implemented 0, error 0\n")) == 0,
	    "%s", md);
	free(md);
	md = render("pass");
	ck_assert_msg(strncmp(md,
			      "## ffa-harness: PASS - 2 of 2 scenarios "
			      "passed\n",
			      41) == 0,
		      "%s", md);
	ck_assert_lacks(md, "### Findings");
	free(md);
}
END_TEST

START_TEST(table_lists_scenarios_worst_first_with_where)
{
	char *md = render("fail-expectation");
	const char *fail_row =
	    "| get-missing | **FAIL** | status: expected EFI\\_SUCCESS, "
	    "seen EFI\\_NOT\\_FOUND | "
	    "scenarios/variables/get-missing.yaml:16:17 |\n";
	const char *pass_row =
	    "| version-only | PASS |  | scenarios/ffa/version.yaml:1:1 |\n";

	ck_assert_has(md,
		      "| Scenario | Verdict | Message | Where |\n"
		      "|---|---|---|---|\n");
	ck_assert_has(md, fail_row);
	ck_assert_has(md, pass_row);
	/* version-only comes first in the document, last in the table. */
	ck_assert(strstr(md, fail_row) < strstr(md, pass_row));
	free(md);
}
END_TEST

START_TEST(findings_are_grouped_by_kind_without_expected_ones)
{
	char *md = render("firmware-finding");
	const char *firmware = strstr(md,
				      "**firmware**\n\n- "
				      "`cache.request-dirty-at-doorbell` "
				      "the request buffer was not cleaned "
				      "before the doorbell (dirty-cache, "
				      "scenarios/cache/dirty-request.yaml:"
				      "22:5)\n");
	const char *warning = strstr(md,
				     "**warning**\n\n- "
				     "`cache.setway-at-runtime`");

	ck_assert_has(md, "## ffa-harness: FIRMWARE - 0 of 1 scenarios");
	ck_assert_has(md, "| dirty-cache | **FIRMWARE** |");
	ck_assert_has(md, "### Findings\n\n");
	ck_assert_msg(firmware != NULL && warning != NULL && firmware < warning,
		      "%s", md);
	ck_assert_lacks(md, "ffa.rx-not-released");
	ck_assert_has(md,
		      "1 expected finding (listed by the scenarios) not "
		      "shown.\n");
	free(md);
}
END_TEST

START_TEST(not_implemented_and_error_have_their_markers)
{
	char *md = render("not-implemented");

	ck_assert_has(md, "## ffa-harness: NOT-IMPLEMENTED - 0 of 1");
	ck_assert_has(md,
		      "| notification-bind | NOT-IMPLEMENTED | "
		      "FFA\\_NOTIFICATION\\_BIND is not implemented by the "
		      "model | scenarios/ffa/notifications.yaml:4:5 |");
	ck_assert_has(md, "**not-implemented**\n\n- `ffa.not-implemented`");
	free(md);
	md = render("error-fault");
	ck_assert_has(md, "## ffa-harness: ERROR - 0 of 1");
	ck_assert_has(md,
		      "| unmapped-read | **ERROR** | fault: data abort at "
		      "pc 0x40200008 | "
		      "scenarios/faults/unmapped-read.yaml:10:5 |");
	free(md);
}
END_TEST

START_TEST(firmware_text_cannot_inject_markup)
{
	json_t *doc = fixture_load("fail-expectation");
	json_t *sc = json_array_get(json_object_get(doc, "scenarios"), 1);
	char *md;

	json_object_set_new(sc, "message",
			    json_string("a|b <img src=x> *c* [l](u)\nnext"));
	json_object_set_new(sc, "name", json_string("`x`"));
	md = render_doc(doc);
	ck_assert_has(md,
		      "| \\`x\\` | **FAIL** | a\\|b &lt;img src=x&gt; "
		      "\\*c\\* \\[l\\](u) next |");
	ck_assert_lacks(md, "<img");
	ck_assert(!text_has_control(md));
	free(md);
	json_decref(doc);
}
END_TEST

START_TEST(long_lists_and_messages_are_truncated_with_counts)
{
	json_t *doc = fixture_load("fail-expectation");
	json_t *scenarios = json_object_get(doc, "scenarios");
	json_t *failing = json_array_get(scenarios, 1);
	struct strbuf longmsg = STRBUF_INIT;
	char *md;

	for (int i = 0; i < 50; i++) {
		json_array_append_new(scenarios, json_deep_copy(failing));
	}
	for (int i = 0; i < 300; i++) {
		strbuf_putc(&longmsg, 'm');
	}
	json_object_set_new(failing, "message",
			    json_string(strbuf_str(&longmsg)));
	md = render_doc(doc);
	/* 52 scenarios: 51 fail, 1 pass; 30 rows listed. */
	ck_assert_uint_eq(text_count(md, "| get-missing | **FAIL** |"), 30);
	ck_assert_has(md,
		      "_... and 22 more scenarios not listed: fail 21 "
		      "pass 1_\n");
	ck_assert_lacks(md, "| version-only |");
	/* 51 expectation findings: 10 listed. */
	ck_assert_uint_eq(text_count(md, "- `expect.status`"), 10);
	ck_assert_has(md, "- _... and 41 more_\n");
	/* The message is cut at 200 bytes. */
	strbuf_reset(&longmsg);
	for (int i = 0; i < 200; i++) {
		strbuf_putc(&longmsg, 'm');
	}
	strbuf_puts(&longmsg, "... |");
	ck_assert_has(md, strbuf_str(&longmsg));
	ck_assert(strlen(md) < 30000);
	strbuf_free(&longmsg);
	free(md);
	json_decref(doc);
}
END_TEST

/* Checks QEMU could not run are listed apart, never among the passes. */
START_TEST(not_applicable_checks_have_their_section)
{
	char *md = render("qemu-linux");

	ck_assert_has(md, "### Not applicable (not passed)\n\n- "
			  "`linux-arm-ffa-probe` on qemu: cache-model, "
			  "runtime-guard\n");
	free(md);
	md = render("pass");
	ck_assert_lacks(md, "Not applicable");
	free(md);
}
END_TEST

START_TEST(empty_run_is_an_error)
{
	json_t *doc = fixture_load("pass");
	char *md;

	json_array_clear(json_object_get(doc, "scenarios"));
	md = render_doc(doc);
	ck_assert_str_eq(md, "## ffa-harness: ERROR - no scenario ran\n\n");
	free(md);
	json_decref(doc);
}
END_TEST

Suite *markdown_suite(void);

Suite *markdown_suite(void)
{
	Suite *s = suite_create("markdown");
	TCase *tc = tcase_create("markdown");

	tcase_add_test(tc, headline_gives_the_run_verdict_and_counts);
	tcase_add_test(tc, table_lists_scenarios_worst_first_with_where);
	tcase_add_test(tc, findings_are_grouped_by_kind_without_expected_ones);
	tcase_add_test(tc, not_implemented_and_error_have_their_markers);
	tcase_add_test(tc, firmware_text_cannot_inject_markup);
	tcase_add_test(tc, long_lists_and_messages_are_truncated_with_counts);
	tcase_add_test(tc, not_applicable_checks_have_their_section);
	tcase_add_test(tc, empty_run_is_an_error);
	suite_add_tcase(s, tc);
	return s;
}
