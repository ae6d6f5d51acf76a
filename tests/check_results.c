/*
 * Unit tests of reports/results.c: loading and validating result documents
 * (docs/report-format.md) with errors that name the JSON path, and the
 * accessors and text helpers the report writers share.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/strbuf.h"
#include "reports/results.h"
#include "tests/results_fixtures.h"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const fixtures[] = {
    "pass",	   "fail-expectation", "firmware-finding",
    "error-fault", "not-implemented",  "diff-base",
    "diff-new",	   "qemu-linux",
};

START_TEST(every_fixture_loads_and_validates)
{
	json_t *doc = fixture_load(fixtures[_i]);

	ck_assert(results_scenario_count(doc) > 0);
	json_decref(doc);
}
END_TEST

/* A minimal valid document with one scenario: "%s" is its body. */
#define DOC_PREFIX                                                      \
	"{\"format\": \"ffa-harness-results\", \"version\": 1, "        \
	"\"summary\": {}, \"scenarios\": [{\"name\": \"a\", \"file\": " \
	"\"a.yaml\", \"verdict\": \"pass\""
#define DOC_SUFFIX "}]}"

static const struct {
	const char *text;
	const char *error; /* prefix of the message */
} invalid_cases[] = {
    {"{\"format\": ", "1:"},
    {"[1, 2]", "$: expected an object, got an array"},
    {"{\"version\": 1}", "$.format: missing"},
    {"{\"format\": \"junit\", \"version\": 1}",
     "$.format: not \"ffa-harness-results\""},
    {"{\"format\": \"ffa-harness-results\", \"version\": 2}",
     "$.version: version 2 is not supported (this build reads version 1)"},
    {"{\"format\": \"ffa-harness-results\", \"version\": \"1\"}",
     "$.version: missing or not an integer"},
    {"{\"format\": \"ffa-harness-results\", \"version\": 1, "
     "\"summary\": {}}",
     "$.scenarios: missing"},
    {"{\"format\": \"ffa-harness-results\", \"version\": 1, "
     "\"summary\": {}, \"scenarios\": {}}",
     "$.scenarios: expected an array, got an object"},
    {"{\"format\": \"ffa-harness-results\", \"version\": 1, "
     "\"summary\": {}, \"scenarios\": [{\"name\": \"a\", \"file\": "
     "\"a.yaml\", \"verdict\": \"maybe\"}]}",
     "$.scenarios[0].verdict: 'maybe' is not one of pass, "
     "not-implemented, fail, firmware, error"},
    {"{\"format\": \"ffa-harness-results\", \"version\": 1, "
     "\"summary\": {}, \"scenarios\": [{\"file\": \"a.yaml\", "
     "\"verdict\": \"pass\"}]}",
     "$.scenarios[0].name: missing"},
    {DOC_PREFIX ", \"steps\": [{\"index\": 0}, {\"index\": \"1\"}]" DOC_SUFFIX,
     "$.scenarios[0].steps[1].index: expected an integer, got a string"},
    {DOC_PREFIX ", \"steps\": [{\"index\": 0, \"checks\": [{\"what\": "
		"\"x\", \"expected\": [1]}]}]" DOC_SUFFIX,
     "$.scenarios[0].steps[0].checks[0].expected: expected a scalar, got "
     "an array"},
    {DOC_PREFIX
     ", \"findings\": [{\"kind\": \"bug\", \"code\": \"x\"}]" DOC_SUFFIX,
     "$.scenarios[0].findings[0].kind: 'bug' is not one of firmware"},
    {DOC_PREFIX ", \"trace\": [{\"seq\": 0, \"type\": \"smc\", "
		"\"in\": [], \"out\": []}]" DOC_SUFFIX,
     "$.scenarios[0].trace[0].name: missing in an smc event"},
    {DOC_PREFIX ", \"trace\": [{\"seq\": 0, \"type\": \"smc\", "
		"\"name\": \"X\", \"in\": [\"0xzz\"], \"out\": []}]" DOC_SUFFIX,
     "$.scenarios[0].trace[0].in[0]: '0xzz' is not a number"},
    {DOC_PREFIX ", \"trace\": [{\"seq\": 0, \"type\": \"smc\", "
		"\"name\": \"X\", \"in\": [], \"out\": [], \"mm\": "
		"{\"request\": \"0a1\"}}]" DOC_SUFFIX,
     "$.scenarios[0].trace[0].mm.request: not hex bytes"},
    {DOC_PREFIX ", \"stop\": {\"kind\": \"fault\"}" DOC_SUFFIX,
     "$.scenarios[0].stop.reason: missing"},
    {DOC_PREFIX ", \"console\": 12" DOC_SUFFIX,
     "$.scenarios[0].console: expected a string, got an integer"},
    {DOC_PREFIX ", \"backend\": {\"command\": \"q\"}" DOC_SUFFIX,
     "$.scenarios[0].backend.name: missing"},
    {DOC_PREFIX ", \"backend\": {\"name\": \"qemu\", \"not_applicable\": "
		"[{\"reason\": \"r\"}]}" DOC_SUFFIX,
     "$.scenarios[0].backend.not_applicable[0].check: missing"},
    {DOC_PREFIX ", \"steps\": [{\"index\": 0, \"exit_status\": \"0\"}]"
		DOC_SUFFIX,
     "$.scenarios[0].steps[0].exit_status: expected an integer, got a "
     "string"},
    {"{\"format\": \"ffa-harness-results\", \"format\": \"x\"}", "1:"},
};

START_TEST(invalid_document_is_refused_with_its_path)
{
	struct error err = {0};
	const char *text = invalid_cases[_i].text;
	json_t *doc = results_load_string(text, strlen(text), &err);

	ck_assert_ptr_null(doc);
	ck_assert(err.set);
	ck_assert_msg(strncmp(err.message, invalid_cases[_i].error,
			      strlen(invalid_cases[_i].error)) == 0,
		      "case %d: '%s' does not start with '%s'", _i, err.message,
		      invalid_cases[_i].error);
}
END_TEST

START_TEST(minimal_document_is_valid)
{
	static const char text[] = DOC_PREFIX DOC_SUFFIX;
	struct error err = {0};
	json_t *doc = results_load_string(text, strlen(text), &err);

	ck_assert_msg(doc != NULL, "%s", err.message);
	ck_assert(!err.set);
	ck_assert_uint_eq(results_scenario_count(doc), 1);
	json_decref(doc);
}
END_TEST

/* A QEMU run's checks that could not run: named, with their reasons. */
START_TEST(not_applicable_checks_are_listed)
{
	static const char text[] =
		DOC_PREFIX ", \"backend\": {\"name\": \"qemu\", \"command\": "
			   "\"qemu-system-aarch64\", \"not_applicable\": ["
			   "{\"check\": \"cache-model\", \"verdict\": "
			   "\"not-applicable\", \"reason\": \"no caches\"}, "
			   "{\"check\": \"runtime-guard\"}]}, \"steps\": "
			   "[{\"index\": 0, \"exit_status\": 95, \"output\": "
			   "\"x\"}]" DOC_SUFFIX;
	struct error err = {0};
	json_t *doc = results_load_string(text, strlen(text), &err);
	struct strbuf sb = STRBUF_INIT;

	ck_assert_msg(doc != NULL, "%s", err.message);
	ck_assert_uint_eq(results_append_not_applicable(
				  &sb, results_scenario(doc, 0), false),
			  2);
	ck_assert_str_eq(strbuf_str(&sb), "cache-model, runtime-guard");
	strbuf_reset(&sb);
	results_append_not_applicable(&sb, results_scenario(doc, 0), true);
	ck_assert_str_eq(strbuf_str(&sb),
			 "cache-model (no caches); runtime-guard");
	json_decref(doc);
	doc = results_load_string(DOC_PREFIX DOC_SUFFIX,
				  strlen(DOC_PREFIX DOC_SUFFIX), &err);
	strbuf_reset(&sb);
	ck_assert_uint_eq(results_append_not_applicable(
				  &sb, results_scenario(doc, 0), true),
			  0);
	ck_assert_str_eq(strbuf_str(&sb), "");
	json_decref(doc);
	strbuf_free(&sb);
}
END_TEST

START_TEST(missing_file_error_names_the_file)
{
	struct error err = {0};

	ck_assert_ptr_null(
	    results_load_file(RESULTS_DATA_DIR "no-such.json", &err));
	ck_assert_msg(strncmp(err.message, RESULTS_DATA_DIR "no-such.json: ",
			      strlen(RESULTS_DATA_DIR) + 14) == 0,
		      "%s", err.message);
}
END_TEST

START_TEST(invalid_utf8_is_replaced_and_nul_is_kept)
{
	static const char text[] = DOC_PREFIX
	    ", \"console\": \"a\xff"
	    "b\\u0000c\"" DOC_SUFFIX;
	struct error err = {0};
	json_t *doc = results_load_string(text, sizeof(text) - 1, &err);
	size_t len;
	const char *console;

	ck_assert_msg(doc != NULL, "%s", err.message);
	console = results_text(results_scenario(doc, 0), "console", &len);
	ck_assert_uint_eq(len, 7);
	ck_assert_mem_eq(console,
			 "a\xef\xbf\xbd"
			 "b\0c",
			 7);
	json_decref(doc);
}
END_TEST

START_TEST(counts_and_run_verdict_follow_the_scenarios)
{
	json_t *doc = fixture_load("fail-expectation");
	size_t counts[RESULTS_VERDICT_COUNT];

	results_count(doc, counts);
	ck_assert_uint_eq(counts[RESULTS_PASS], 1);
	ck_assert_uint_eq(counts[RESULTS_FAIL], 1);
	ck_assert_uint_eq(counts[RESULTS_ERROR], 0);
	ck_assert_int_eq(results_run_verdict(doc), RESULTS_FAIL);
	/* summary.verdict may only make it worse. */
	json_object_set_new(json_object_get(doc, "summary"), "verdict",
			    json_string("error"));
	ck_assert_int_eq(results_run_verdict(doc), RESULTS_ERROR);
	json_object_set_new(json_object_get(doc, "summary"), "verdict",
			    json_string("pass"));
	ck_assert_int_eq(results_run_verdict(doc), RESULTS_FAIL);
	/* Nothing ran: nothing passed. */
	json_array_clear(json_object_get(doc, "scenarios"));
	ck_assert_int_eq(results_run_verdict(doc), RESULTS_ERROR);
	json_decref(doc);
}
END_TEST

START_TEST(verdict_names_round_trip_in_severity_order)
{
	enum results_verdict v;

	for (int i = 0; i < RESULTS_VERDICT_COUNT; i++) {
		ck_assert(results_verdict_parse(
		    results_verdict_name((enum results_verdict)i), &v));
		ck_assert_int_eq(v, i);
	}
	ck_assert_str_eq(results_verdict_name(RESULTS_NOT_IMPLEMENTED),
			 "not-implemented");
	ck_assert_str_eq(results_verdict_label(RESULTS_FIRMWARE), "FIRMWARE");
	ck_assert(!results_verdict_parse("skipped", &v));
	ck_assert(RESULTS_PASS < RESULTS_NOT_IMPLEMENTED &&
		  RESULTS_NOT_IMPLEMENTED < RESULTS_FAIL &&
		  RESULTS_FAIL < RESULTS_FIRMWARE &&
		  RESULTS_FIRMWARE < RESULTS_ERROR);
}
END_TEST

START_TEST(event_line_shows_name_registers_result_and_summary)
{
	json_t *doc = fixture_load("pass");
	const json_t *sc = results_scenario(doc, 0);
	struct strbuf sb = STRBUF_INIT;

	results_append_event(&sb, results_event(sc, 9));
	ck_assert_str_eq(strbuf_str(&sb),
			 "#9 FFA_MSG_SEND_DIRECT_REQ_64 x1=0x8003 x2=0x0 "
			 "x3=0x0 x4=0x0 -> x0=0xc4000070  MM GET_VARIABLE Foo "
			 "-> EFI_SUCCESS");
	strbuf_reset(&sb);
	results_append_event(&sb, results_event(sc, 8));
	ck_assert_str_eq(strbuf_str(&sb), "#8 [step] get_variable");
	strbuf_reset(&sb);
	results_append_event(&sb, results_event(sc, 11));
	ck_assert_str_eq(strbuf_str(&sb),
			 "#11 PSCI_SYSTEM_OFF x1=0x0 x2=0x0 x3=0x0 x4=0x0 -> "
			 "x0=0x0 (stop)");
	ck_assert(results_event_is_doorbell(results_event(sc, 9)));
	ck_assert(!results_event_is_doorbell(results_event(sc, 1)));
	ck_assert_ptr_null(results_event(sc, 99));
	strbuf_free(&sb);
	json_decref(doc);
}
END_TEST

START_TEST(steps_are_named_from_one)
{
	struct strbuf sb = STRBUF_INIT;

	results_append_step_name(&sb, 2);
	ck_assert_str_eq(strbuf_str(&sb), "step 3");
	strbuf_reset(&sb);
	results_append_step_name(&sb, -1);
	ck_assert_str_eq(strbuf_str(&sb), "before the first step");
	strbuf_free(&sb);
}
END_TEST

START_TEST(check_and_finding_lines_cite_the_scenario_line)
{
	json_t *doc = fixture_load("fail-expectation");
	const json_t *sc = results_scenario(doc, 1);
	const json_t *st = results_failing_step(sc);
	struct strbuf sb = STRBUF_INIT;

	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(results_int(st, "index", -1), 2);
	results_append_check(&sb, sc, results_at(st, "checks", 0));
	ck_assert_str_eq(strbuf_str(&sb),
			 "status: expected EFI_SUCCESS, seen EFI_NOT_FOUND "
			 "(scenarios/variables/get-missing.yaml:16:17)");
	strbuf_reset(&sb);
	results_append_check(&sb, sc, results_at(st, "checks", 1));
	ck_assert_str_eq(strbuf_str(&sb),
			 "data: expected 626172, seen \"\" "
			 "(scenarios/variables/get-missing.yaml:17:17)");
	strbuf_reset(&sb);
	results_append_finding(&sb, sc, results_at(sc, "findings", 0));
	ck_assert_str_eq(strbuf_str(&sb),
			 "expectation expect.status: status: expected "
			 "EFI_SUCCESS, seen EFI_NOT_FOUND "
			 "(scenarios/variables/get-missing.yaml:16:17, seq 9)");
	strbuf_reset(&sb);
	results_append_location(&sb, sc, results_where(sc));
	ck_assert_str_eq(strbuf_str(&sb),
			 "scenarios/variables/get-missing.yaml:16:17");
	strbuf_free(&sb);
	json_decref(doc);
}
END_TEST

START_TEST(where_of_a_firmware_verdict_is_its_finding)
{
	json_t *doc = fixture_load("firmware-finding");
	const json_t *sc = results_scenario(doc, 0);
	struct strbuf sb = STRBUF_INIT;

	results_append_location(&sb, sc, results_where(sc));
	ck_assert_str_eq(strbuf_str(&sb),
			 "scenarios/cache/dirty-request.yaml:22:5");
	strbuf_free(&sb);
	json_decref(doc);
}
END_TEST

START_TEST(step_range_comes_from_the_step_or_the_events)
{
	json_t *doc = fixture_load("pass");
	json_t *sc = json_array_get(json_object_get(doc, "scenarios"), 0);
	long long first, end;

	ck_assert(results_step_range(sc, 2, &first, &end));
	ck_assert_int_eq(first, 8);
	ck_assert_int_eq(end, 10);
	/* Without trace_first/trace_end: the events whose step is 2. */
	json_object_del(json_array_get(json_object_get(sc, "steps"), 2),
			"trace_first");
	ck_assert(results_step_range(sc, 2, &first, &end));
	ck_assert_int_eq(first, 8);
	ck_assert_int_eq(end, 10);
	ck_assert(!results_step_range(sc, 7, &first, &end));
	json_decref(doc);
}
END_TEST

START_TEST(accessors_return_defaults_for_missing_or_mistyped_members)
{
	json_t *obj = json_pack("{s:s, s:i, s:s, s:[s, i]}", "s", "text", "i",
				42, "hex", "0x10", "regs", "0xff", 7);
	uint64_t v = 0;
	size_t len;
	uint8_t *bytes;

	ck_assert_str_eq(results_str(obj, "s", "d"), "text");
	ck_assert_str_eq(results_str(obj, "i", "d"), "d");
	ck_assert_int_eq(results_int(obj, "s", -1), -1);
	ck_assert_int_eq(results_int(obj, "i", -1), 42);
	ck_assert(results_u64(obj, "hex", &v) && v == 16);
	ck_assert(results_u64(obj, "i", &v) && v == 42);
	ck_assert(!results_u64(obj, "s", &v));
	ck_assert_uint_eq(results_reg(obj, "regs", 0), 0xff);
	ck_assert_uint_eq(results_reg(obj, "regs", 1), 7);
	ck_assert_uint_eq(results_reg(obj, "regs", 5), 0);
	ck_assert_uint_eq(results_len(obj, "s"), 0);
	ck_assert_ptr_null(results_obj(obj, "s"));
	ck_assert_str_eq(results_text(obj, "missing", &len), "");
	ck_assert_uint_eq(len, 0);
	ck_assert(!results_hex_bytes(obj, "missing", &bytes, &len));
	ck_assert_ptr_null(bytes);
	ck_assert_str_eq(results_str(NULL, "s", "d"), "d");
	json_decref(obj);
}
END_TEST

static const struct {
	const char *in;
	size_t len;
	const char *out;
} escape_cases[] = {
    {"<a href='x'>&\"</a>", 18,
     "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"},
    {"tab\tlf\ncr\r", 10, "tab\tlf\ncr\r"},
    {"\x01\x1b[0m\x7f", 6, "\xef\xbf\xbd\xef\xbf\xbd[0m\xef\xbf\xbd"},
    {"a\0b", 3,
     "a\xef\xbf\xbd"
     "b"},
    {"bad\xff\xc3", 5, "bad\xef\xbf\xbd\xef\xbf\xbd"},
    {"\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14,
     "\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"},
    {"\xef\xbf\xbf\xc2\x85", 5, "\xef\xbf\xbd\xef\xbf\xbd"},
    {"\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
};

START_TEST(xml_escape_handles_markup_controls_and_bad_utf8)
{
	struct strbuf sb = STRBUF_INIT;

	results_escape_xml(&sb, escape_cases[_i].in, escape_cases[_i].len);
	ck_assert_str_eq(strbuf_str(&sb), escape_cases[_i].out);
	strbuf_free(&sb);
}
END_TEST

START_TEST(utf8_prefix_and_tail_cut_on_boundaries)
{
	static const char text[] = "l1\nl2\nl3\n";
	static const char euro[] = "a\xe2\x82\xac";

	ck_assert_uint_eq(results_utf8_prefix(euro, 4, 3), 1);
	ck_assert_uint_eq(results_utf8_prefix(euro, 4, 4), 4);
	ck_assert_uint_eq(results_utf8_prefix(euro, 4, 9), 4);
	ck_assert_uint_eq(results_tail_start(text, 9, 2, 100), 3);
	ck_assert_uint_eq(results_tail_start(text, 9, 5, 100), 0);
	ck_assert_uint_eq(results_tail_start(text, 9, 5, 4), 6);
	ck_assert_uint_eq(results_tail_start(euro, 4, 5, 2), 4);
	ck_assert_uint_eq(results_line_count(text, 9), 3);
	ck_assert_uint_eq(results_line_count("a\nb", 3), 2);
	ck_assert_uint_eq(results_line_count("", 0), 0);
}
END_TEST

Suite *results_suite(void);

Suite *results_suite(void)
{
	Suite *s = suite_create("results");
	TCase *tc;

	tc = tcase_create("load");
	tcase_add_loop_test(tc, every_fixture_loads_and_validates, 0,
			    (int)ARRAY_COUNT(fixtures));
	tcase_add_loop_test(tc, invalid_document_is_refused_with_its_path, 0,
			    (int)ARRAY_COUNT(invalid_cases));
	tcase_add_test(tc, minimal_document_is_valid);
	tcase_add_test(tc, not_applicable_checks_are_listed);
	tcase_add_test(tc, missing_file_error_names_the_file);
	tcase_add_test(tc, invalid_utf8_is_replaced_and_nul_is_kept);
	suite_add_tcase(s, tc);

	tc = tcase_create("accessors");
	tcase_add_test(tc, counts_and_run_verdict_follow_the_scenarios);
	tcase_add_test(tc, verdict_names_round_trip_in_severity_order);
	tcase_add_test(tc, event_line_shows_name_registers_result_and_summary);
	tcase_add_test(tc, steps_are_named_from_one);
	tcase_add_test(tc, check_and_finding_lines_cite_the_scenario_line);
	tcase_add_test(tc, where_of_a_firmware_verdict_is_its_finding);
	tcase_add_test(tc, step_range_comes_from_the_step_or_the_events);
	tcase_add_test(
	    tc, accessors_return_defaults_for_missing_or_mistyped_members);
	suite_add_tcase(s, tc);

	tc = tcase_create("text");
	tcase_add_loop_test(tc, xml_escape_handles_markup_controls_and_bad_utf8,
			    0, (int)ARRAY_COUNT(escape_cases));
	tcase_add_test(tc, utf8_prefix_and_tail_cut_on_boundaries);
	suite_add_tcase(s, tc);
	return s;
}
