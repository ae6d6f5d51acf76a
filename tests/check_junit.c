/*
 * Unit tests of reports/junit.c: counts, the verdict mapping (failure,
 * error, never skipped), failure texts with expected vs seen, file:line and
 * the failing step's SMC events, times, and escaping of firmware text.
 * tests/integration/test-reports-junit.sh checks the same output with
 * xmllint.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "reports/junit.h"
#include "tests/results_fixtures.h"

/* Renders fixture name; the caller frees the text. */
static char *render(const char *name, const double *seconds, size_t count)
{
	json_t *doc = fixture_load(name);
	struct strbuf out = STRBUF_INIT;

	junit_render(doc, seconds, count, &out);
	json_decref(doc);
	return strbuf_steal(&out);
}

#define ck_assert_has(text, needle)                                         \
	ck_assert_msg(strstr(text, needle) != NULL, "missing '%s' in:\n%s", \
		      needle, text)
#define ck_assert_lacks(text, needle)                                          \
	ck_assert_msg(strstr(text, needle) == NULL, "unexpected '%s' in:\n%s", \
		      needle, text)

START_TEST(suite_counts_failures_and_errors_never_skips)
{
	char *xml = render("fail-expectation", NULL, 0);

	ck_assert_msg(strncmp(xml,
			      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
			      "\n<testsuites ",
			      51) == 0,
		      "%s", xml);
	ck_assert_has(
	    xml,
	    "<testsuites name=\"ffa-harness\" tests=\"2\" "
	    "failures=\"1\" errors=\"0\" skipped=\"0\" time=\"0.000\">");
	ck_assert_has(
	    xml,
	    "<testsuite name=\"ffa-harness\" tests=\"2\" "
	    "failures=\"1\" errors=\"0\" skipped=\"0\" time=\"0.000\">");
	ck_assert_uint_eq(text_count(xml, "<testcase "), 2);
	ck_assert_uint_eq(text_count(xml, "<failure "), 1);
	ck_assert_lacks(xml, "<skipped");
	free(xml);
}
END_TEST

START_TEST(testcase_names_its_class_from_the_scenario_file)
{
	char *xml = render("fail-expectation", NULL, 0);

	ck_assert_has(
	    xml,
	    "<testcase classname=\"scenarios.variables.get-missing\" "
	    "name=\"get-missing\" "
	    "file=\"scenarios/variables/get-missing.yaml\" line=\"1\" "
	    "time=\"0\">");
	free(xml);
}
END_TEST

static const struct {
	const char *file;
	const char *classname;
} classname_cases[] = {
    {"scenarios/variables/set-get.yaml", "scenarios.variables.set-get"},
    {"./scenarios/boot.yml", "scenarios.boot"},
    {"a.b/c.yaml", "a.b.c"},
    {"noext", "noext"},
    {".yaml", ".yaml"},
};

START_TEST(classname_drops_yaml_and_dots_the_path)
{
	struct strbuf sb = STRBUF_INIT;

	junit_classname(classname_cases[_i].file, &sb);
	ck_assert_str_eq(strbuf_str(&sb), classname_cases[_i].classname);
	strbuf_free(&sb);
}
END_TEST

START_TEST(failure_text_has_checks_with_lines_and_the_step_trace)
{
	char *xml = render("fail-expectation", NULL, 0);
	char *failure = text_between(xml, "<failure", "</failure>");

	ck_assert_has(failure,
		      "<failure message=\"status: expected EFI_SUCCESS, seen "
		      "EFI_NOT_FOUND\" type=\"fail\">");
	ck_assert_has(failure,
		      "step 3 get_variable: status: expected EFI_SUCCESS, "
		      "seen EFI_NOT_FOUND "
		      "(scenarios/variables/get-missing.yaml:16:17)\n");
	ck_assert_has(
	    failure,
	    "step 3 get_variable: data: expected 626172, seen &quot;&quot; "
	    "(scenarios/variables/get-missing.yaml:17:17)\n");
	ck_assert_has(failure,
		      "SMC calls of step 3 (trace seq 8..9):\n"
		      "  #9 FFA_MSG_SEND_DIRECT_REQ_64 x1=0x8003 "
		      "x2=0x0 x3=0x0 x4=0x0 -&gt; x0=0xc4000070  MM "
		      "GET_VARIABLE Foo -&gt; EFI_NOT_FOUND\n");
	/* Only SMC events, one line each: not the step marker. */
	ck_assert_lacks(failure, "[step]");
	ck_assert_has(failure, "expectation expect.status:");
	free(failure);
	free(xml);
}
END_TEST

START_TEST(firmware_finding_is_a_failure_of_type_firmware)
{
	char *xml = render("firmware-finding", NULL, 0);
	char *failure = text_between(xml, "<failure", "</failure>");

	ck_assert_has(xml, "tests=\"1\" failures=\"1\" errors=\"0\"");
	ck_assert_has(failure, "type=\"firmware\"");
	ck_assert_has(failure,
		      "firmware cache.request-dirty-at-doorbell: the request "
		      "buffer was not cleaned before the doorbell "
		      "(scenarios/cache/dirty-request.yaml:22:5, seq 9)");
	/* Warnings and expected findings do not explain a failure. */
	ck_assert_lacks(failure, "cache.setway-at-runtime");
	ck_assert_lacks(failure, "ffa.rx-not-released");
	ck_assert_has(failure, "SMC calls of step 3");
	free(failure);
	free(xml);
}
END_TEST

START_TEST(fault_is_an_error_with_stop_and_last_calls)
{
	char *xml = render("error-fault", NULL, 0);
	char *error = text_between(xml, "<error", "</error>");

	ck_assert_has(xml, "tests=\"1\" failures=\"0\" errors=\"1\"");
	ck_assert_lacks(xml, "<failure");
	ck_assert_has(error,
		      "<error message=\"fault: data abort at pc "
		      "0x40200008\" type=\"fault\">");
	ck_assert_has(error,
		      "run stopped: fault (data-abort): data abort "
		      "reading 0x1000001000 at pc 0x40200008, address "
		      "0x1000001000\n");
	ck_assert_has(error, "=&gt; 0x40200008: ldr x1, [x0]\n");
	ck_assert_has(error,
		      "stop: expected power-off, seen fault "
		      "(scenarios/faults/unmapped-read.yaml:10:5)");
	/* Step 1 made no SMC: the calls that led to it are shown. */
	ck_assert_has(error, "last SMC calls before it:\n  #1 FFA_VERSION");
	free(error);
	free(xml);
}
END_TEST

START_TEST(not_implemented_passes_with_a_note)
{
	char *xml = render("not-implemented", NULL, 0);

	ck_assert_has(xml,
		      "tests=\"1\" failures=\"0\" errors=\"0\" "
		      "skipped=\"0\"");
	ck_assert_lacks(xml, "<failure");
	ck_assert_lacks(xml, "<error");
	ck_assert_lacks(xml, "<skipped");
	ck_assert_has(xml, "<system-out>NOT IMPLEMENTED: ");
	ck_assert_has(xml,
		      "FFA_NOTIFICATION_BIND is not implemented by the "
		      "model\n  not-implemented ffa.not-implemented:");
	free(xml);
}
END_TEST

START_TEST(system_out_has_the_console_tail)
{
	char *xml = render("pass", NULL, 0);

	ck_assert_has(xml,
		      "<system-out>console (6 lines):\nU-Boot 2023.01 "
		      "(refclient)\n");
	ck_assert_has(xml, "powering off\n</system-out>");
	free(xml);
}
END_TEST

START_TEST(long_console_is_cut_to_its_last_lines)
{
	json_t *doc = fixture_load("pass");
	struct strbuf console = STRBUF_INIT;
	struct strbuf out = STRBUF_INIT;

	for (int i = 0; i < 500; i++) {
		strbuf_printf(&console, "line %d\n", i);
	}
	json_object_set_new(
	    json_array_get(json_object_get(doc, "scenarios"), 0), "console",
	    json_string(strbuf_str(&console)));
	junit_render(doc, NULL, 0, &out);
	ck_assert_has(strbuf_str(&out),
		      "console (last 60 of 500 lines):\n"
		      "line 440\n");
	ck_assert_has(strbuf_str(&out), "line 499\n</system-out>");
	ck_assert_lacks(strbuf_str(&out), "line 439\n");
	strbuf_free(&console);
	strbuf_free(&out);
	json_decref(doc);
}
END_TEST

START_TEST(times_come_from_the_seconds_array)
{
	static const double seconds[] = {1.5, 0.25};
	char *xml = render("pass", seconds, 2);
	char *partial;

	ck_assert_has(xml, "skipped=\"0\" time=\"1.750\">");
	ck_assert_has(xml,
		      "name=\"set-then-get\" "
		      "file=\"scenarios/variables/set-get.yaml\" "
		      "line=\"1\" time=\"1.500\">");
	ck_assert_has(xml, "line=\"1\" time=\"0.250\">");
	free(xml);
	partial = render("pass", seconds, 1);
	ck_assert_has(partial, "line=\"1\" time=\"1.500\">");
	ck_assert_has(partial, "line=\"1\" time=\"0\">");
	free(partial);
}
END_TEST

/* A QEMU run: the backend and its not-applicable checks as properties. */
START_TEST(not_applicable_checks_are_properties)
{
	char *xml = render("qemu-linux", NULL, 0);

	ck_assert_has(xml, "<properties>\n        <property name=\"backend\" "
			   "value=\"qemu\"/>\n        <property "
			   "name=\"not-applicable\" value=\"cache-model (QEMU "
			   "models no caches); runtime-guard (QEMU runs the "
			   "code)\"/>\n      </properties>");
	ck_assert_has(xml, "<failure message=\"step 2 (shell, line 9): "
			   "output: expected");
	free(xml);
	xml = render("pass", NULL, 0);
	ck_assert_lacks(xml, "<properties>");
	free(xml);
}
END_TEST

START_TEST(firmware_text_is_escaped_and_controls_replaced)
{
	char *xml = render("error-fault", NULL, 0);

	ck_assert_lacks(xml, "<script>");
	ck_assert_lacks(xml, "<img");
	ck_assert_lacks(xml, "<b>");
	ck_assert_lacks(xml, "]]>");
	ck_assert_has(xml, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
	ck_assert_has(xml, "\xef\xbf\xbd[31mred");
	ck_assert_msg(!text_has_control(xml), "control character in XML");
	free(xml);
}
END_TEST

Suite *junit_suite(void);

Suite *junit_suite(void)
{
	Suite *s = suite_create("junit");
	TCase *tc = tcase_create("junit");

	tcase_add_test(tc, suite_counts_failures_and_errors_never_skips);
	tcase_add_test(tc, not_applicable_checks_are_properties);
	tcase_add_test(tc, testcase_names_its_class_from_the_scenario_file);
	tcase_add_loop_test(
	    tc, classname_drops_yaml_and_dots_the_path, 0,
	    (int)(sizeof(classname_cases) / sizeof(classname_cases[0])));
	tcase_add_test(tc,
		       failure_text_has_checks_with_lines_and_the_step_trace);
	tcase_add_test(tc, firmware_finding_is_a_failure_of_type_firmware);
	tcase_add_test(tc, fault_is_an_error_with_stop_and_last_calls);
	tcase_add_test(tc, not_implemented_passes_with_a_note);
	tcase_add_test(tc, system_out_has_the_console_tail);
	tcase_add_test(tc, long_console_is_cut_to_its_last_lines);
	tcase_add_test(tc, times_come_from_the_seconds_array);
	tcase_add_test(tc, firmware_text_is_escaped_and_controls_replaced);
	suite_add_tcase(s, tc);
	return s;
}
