/*
 * Unit tests of reports/diff.c against tests/data/results/diff-base.json
 * and diff-new.json, which differ in: a verdict that regressed (query-info
 * pass -> fail) and one that was fixed (boot-only fail -> pass); a removed
 * and an added scenario; set-then-get's call sequence (NEW has an extra
 * note event and an extra FFA_FEATURES before FFA_RX_RELEASE) and one
 * byte of its GET_VARIABLE response ("bar" -> "baz", offset 0x56); and a
 * new warning finding.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "reports/diff.h"
#include "reports/results.h"
#include "tests/results_fixtures.h"

#define ck_assert_has(text, needle)                                         \
	ck_assert_msg(strstr(text, needle) != NULL, "missing '%s' in:\n%s", \
		      needle, text)

/* Check fixture state (STYLE C1): the two documents. */
static json_t *base;
static json_t *next;

static void docs_setup(void)
{
	base = fixture_load("diff-base");
	next = fixture_load("diff-new");
}

static void docs_teardown(void)
{
	json_decref(base);
	json_decref(next);
}

/* The scenario comparison named name in diff, or NULL. */
static const json_t *scenario_diff(const json_t *diff, const char *name)
{
	for (size_t i = 0; i < results_len(diff, "scenarios"); i++) {
		const json_t *d = results_at(diff, "scenarios", i);

		if (strcmp(results_str(d, "name", ""), name) == 0) {
			return d;
		}
	}
	return NULL;
}

static json_t *scenario_of(json_t *doc, size_t i)
{
	return json_array_get(json_object_get(doc, "scenarios"), i);
}

static void add_finding(json_t *sc, const char *kind, const char *code,
			bool expected)
{
	json_array_append_new(
	    json_object_get(sc, "findings"),
	    json_pack("{s:s, s:s, s:s, s:b}", "kind", kind, "code", code,
		      "message", "m", "expected", expected));
}

START_TEST(identical_documents_have_no_difference_and_no_regression)
{
	struct strbuf out = STRBUF_INIT;
	json_t *diff = diff_compute(base, base);

	ck_assert(!results_bool(diff, "regressed", true));
	ck_assert_uint_eq(results_len(diff, "scenarios"), 0);
	ck_assert_uint_eq(results_len(diff, "added"), 0);
	ck_assert_uint_eq(results_len(diff, "removed"), 0);
	ck_assert_int_eq(results_int(diff, "unchanged", -1), 4);
	ck_assert(!diff_render(base, "a.json", base, "b.json", false, &out));
	ck_assert_has(strbuf_str(&out),
		      "\nNo differences.\nResult: no "
		      "regression\n");
	strbuf_free(&out);
	json_decref(diff);
}
END_TEST

START_TEST(added_and_removed_scenarios_are_listed)
{
	json_t *diff = diff_compute(base, next);

	ck_assert_uint_eq(results_len(diff, "added"), 1);
	ck_assert_str_eq(results_str(results_at(diff, "added", 0), "name", ""),
			 "new-scenario");
	ck_assert_uint_eq(results_len(diff, "removed"), 1);
	ck_assert_str_eq(
	    results_str(results_at(diff, "removed", 0), "name", ""),
	    "old-scenario");
	json_decref(diff);
}
END_TEST

START_TEST(verdict_flips_are_regressions_or_fixes)
{
	json_t *diff = diff_compute(base, next);
	const json_t *query = scenario_diff(diff, "query-info");
	const json_t *boot = scenario_diff(diff, "boot-only");

	ck_assert(results_bool(diff, "regressed", false));
	ck_assert_str_eq(results_str(query, "change", ""), "regression");
	ck_assert_str_eq(results_str(query, "base_verdict", ""), "pass");
	ck_assert_str_eq(results_str(query, "new_verdict", ""), "fail");
	ck_assert(results_bool(query, "regressed", false));
	ck_assert_str_eq(results_str(boot, "change", ""), "fix");
	ck_assert(!results_bool(boot, "regressed", true));
	ck_assert_uint_eq(results_len(diff, "reasons"), 1);
	ck_assert_str_eq(json_string_value(results_at(diff, "reasons", 0)),
			 "query-info: verdict pass -> fail");
	json_decref(diff);
}
END_TEST

START_TEST(first_divergent_smc_is_found_with_both_seqs)
{
	json_t *diff = diff_compute(base, next);
	const json_t *d =
	    results_obj(scenario_diff(diff, "set-then-get"), "divergence");
	const json_t *regs;

	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(results_int(d, "index", -1), 4);
	ck_assert_int_eq(results_int(d, "base_seq", -1), 5);
	ck_assert_int_eq(results_int(d, "new_seq", -1), 6);
	ck_assert_str_eq(results_str(d, "base_event", ""),
			 "#5 FFA_RX_RELEASE x1=0x0 x2=0x0 x3=0x0 x4=0x0 -> "
			 "x0=0x84000061");
	regs = json_object_get(d, "registers");
	ck_assert_uint_eq(json_array_size(regs), 3);
	ck_assert_str_eq(results_str(json_array_get(regs, 0), "register", ""),
			 "name");
	ck_assert_str_eq(results_str(json_array_get(regs, 1), "register", ""),
			 "x0");
	ck_assert_str_eq(results_str(json_array_get(regs, 2), "new", ""),
			 "0xc400006f");
	/* Context: three SMCs before, the divergent one, two after. */
	ck_assert_uint_eq(results_len(d, "base_context"), 6);
	ck_assert_int_eq(
	    results_int(results_at(d, "base_context", 0), "seq", -1), 2);
	ck_assert(
	    results_bool(results_at(d, "new_context", 3), "diverges", false));
	ck_assert_int_eq(
	    results_int(results_at(d, "new_context", 3), "seq", -1), 6);
	json_decref(diff);
}
END_TEST

START_TEST(scenario_without_divergence_has_none)
{
	json_t *diff;

	/* Only the verdict of query-info differs: same call sequence. */
	diff = diff_compute(base, next);
	ck_assert_ptr_null(
	    json_object_get(scenario_diff(diff, "query-info"), "divergence"));
	json_decref(diff);
}
END_TEST

START_TEST(a_shorter_trace_diverges_at_its_end)
{
	json_t *trace = json_object_get(scenario_of(next, 0), "trace");
	json_t *diff;
	const json_t *d;

	json_array_clear(trace);
	diff = diff_compute(base, next);
	d = results_obj(scenario_diff(diff, "set-then-get"), "divergence");
	ck_assert_int_eq(results_int(d, "index", -1), 0);
	ck_assert_int_eq(results_int(d, "base_seq", -1), 1);
	ck_assert(json_is_null(json_object_get(d, "new_seq")));
	ck_assert_uint_eq(results_len(d, "new_context"), 0);
	json_decref(diff);
}
END_TEST

START_TEST(differing_buffer_bytes_are_reported_with_offsets)
{
	json_t *diff = diff_compute(base, next);
	const json_t *sc = scenario_diff(diff, "set-then-get");
	const json_t *b, *r;

	ck_assert_uint_eq(results_len(sc, "buffers"), 1);
	b = results_at(sc, "buffers", 0);
	ck_assert_int_eq(results_int(b, "doorbell", -1), 1);
	ck_assert_int_eq(results_int(b, "base_seq", -1), 9);
	ck_assert_int_eq(results_int(b, "new_seq", -1), 11);
	ck_assert_str_eq(results_str(b, "part", ""), "response");
	ck_assert_str_eq(results_str(b, "label", ""), "GET_VARIABLE \"Foo\"");
	ck_assert_int_eq(results_int(b, "differing_bytes", -1), 1);
	ck_assert_int_eq(results_int(b, "base_length", -1), 100);
	ck_assert_int_eq(results_int(b, "new_length", -1), 100);
	ck_assert_uint_eq(results_len(b, "ranges"), 1);
	r = results_at(b, "ranges", 0);
	ck_assert_int_eq(results_int(r, "offset", -1), 0x56);
	ck_assert_int_eq(results_int(r, "length", -1), 1);
	ck_assert_str_eq(results_str(r, "base", ""), "72");
	ck_assert_str_eq(results_str(r, "new", ""), "7a");
	json_decref(diff);
}
END_TEST

START_TEST(buffer_ranges_merge_and_lengths_are_compared)
{
	json_t *ev =
	    json_array_get(json_object_get(scenario_of(next, 0), "trace"), 9);
	json_t *mm = json_object_get(ev, "mm");
	struct strbuf hex = STRBUF_INIT;
	json_t *diff;
	const json_t *b;

	/* Doorbell 0 (SET_VARIABLE): bytes 0..3 changed, 2 bytes added. */
	ck_assert(results_event_is_doorbell(ev));
	strbuf_puts(&hex, "ffffffff");
	strbuf_puts(&hex, results_str(mm, "request", "") + 8);
	strbuf_puts(&hex, "abcd");
	json_object_set_new(mm, "request", json_string(strbuf_str(&hex)));
	diff = diff_compute(base, next);
	b = results_at(scenario_diff(diff, "set-then-get"), "buffers", 0);
	ck_assert_int_eq(results_int(b, "doorbell", -1), 0);
	ck_assert_str_eq(results_str(b, "part", ""), "request");
	ck_assert_int_eq(results_int(b, "differing_bytes", -1), 4);
	ck_assert_int_eq(results_int(b, "new_length", -1),
			 results_int(b, "base_length", -1) + 2);
	ck_assert_uint_eq(results_len(b, "ranges"), 1);
	ck_assert_int_eq(results_int(results_at(b, "ranges", 0), "offset", -1),
			 0);
	ck_assert_str_eq(results_str(results_at(b, "ranges", 0), "base", ""),
			 "33d532ed");
	strbuf_free(&hex);
	json_decref(diff);
}
END_TEST

START_TEST(findings_added_and_removed_by_code)
{
	json_t *diff = diff_compute(base, next);
	const json_t *sc = scenario_diff(diff, "set-then-get");

	ck_assert_uint_eq(results_len(sc, "findings_added"), 1);
	ck_assert_str_eq(
	    results_str(results_at(sc, "findings_added", 0), "code", ""),
	    "perf.many-doorbells");
	ck_assert_uint_eq(results_len(sc, "findings_removed"), 0);
	/* A new warning is no regression. */
	ck_assert(!results_bool(sc, "regressed", true));
	json_decref(diff);
	diff = diff_compute(next, base);
	sc = scenario_diff(diff, "set-then-get");
	ck_assert_uint_eq(results_len(sc, "findings_removed"), 1);
	json_decref(diff);
}
END_TEST

START_TEST(new_firmware_finding_alone_is_a_regression)
{
	json_t *copy = json_deep_copy(base);
	json_t *diff;

	add_finding(scenario_of(copy, 0), "firmware", "ffa.bad", false);
	diff = diff_compute(base, copy);
	ck_assert(results_bool(diff, "regressed", false));
	ck_assert_str_eq(json_string_value(results_at(diff, "reasons", 0)),
			 "set-then-get: new firmware finding ffa.bad");
	json_decref(diff);
	/* The same code on both sides is not new. */
	add_finding(scenario_of(base, 0), "firmware", "ffa.bad", false);
	diff = diff_compute(base, copy);
	ck_assert(!results_bool(diff, "regressed", true));
	json_decref(diff);
	json_decref(copy);
}
END_TEST

START_TEST(expected_firmware_finding_is_no_regression)
{
	json_t *copy = json_deep_copy(base);
	json_t *diff;

	add_finding(scenario_of(copy, 0), "firmware", "ffa.bad", true);
	diff = diff_compute(base, copy);
	ck_assert(!results_bool(diff, "regressed", true));
	ck_assert_uint_eq(
	    results_len(scenario_diff(diff, "set-then-get"), "findings_added"),
	    1);
	json_decref(diff);
	json_decref(copy);
}
END_TEST

START_TEST(fixes_alone_are_no_regression)
{
	json_t *diff = diff_compute(next, base);

	/* NEW -> BASE: query-info fixed, boot-only regressed. */
	ck_assert(results_bool(diff, "regressed", false));
	ck_assert_str_eq(
	    results_str(scenario_diff(diff, "query-info"), "change", ""),
	    "fix");
	json_decref(diff);
	json_object_set_new(scenario_of(base, 2), "verdict",
			    json_string("pass"));
	diff = diff_compute(next, base);
	ck_assert(!results_bool(diff, "regressed", true));
	json_decref(diff);
}
END_TEST

START_TEST(text_shows_divergence_bytes_and_verdicts)
{
	struct strbuf out = STRBUF_INIT;
	const char *t;

	ck_assert(
	    diff_render(base, "base.json", next, "new.json", false, &out));
	t = strbuf_str(&out);
	ck_assert_has(t,
		      "base: base.json (fail, 4 scenarios)\n"
		      "new:  new.json (fail, 4 scenarios)\n");
	ck_assert_has(t, "  + new-scenario (scenarios/new.yaml): pass\n");
	ck_assert_has(t, "  - old-scenario (scenarios/old.yaml): pass\n");
	ck_assert_has(t,
		      "  REGRESSED query-info "
		      "(scenarios/variables/query.yaml): pass -> fail: "
		      "values[0]: expected 0x10000, seen 0x8000\n");
	ck_assert_has(t,
		      "  FIXED     boot-only (scenarios/boot.yaml): fail "
		      "-> pass\n");
	ck_assert_has(t,
		      "  call sequences diverge at SMC index 4 (base seq "
		      "5, new seq 6):\n");
	ck_assert_has(t, "      > #5 FFA_RX_RELEASE");
	ck_assert_has(t, "      > #6 FFA_FEATURES");
	ck_assert_has(t,
		      "    differs in: name FFA_RX_RELEASE -> "
		      "FFA_FEATURES, x0 0x84000065 -> 0x84000064, x1 0x0 "
		      "-> 0xc400006f\n");
	ck_assert_has(t,
		      "  doorbell 1 GET_VARIABLE \"Foo\" (base seq 9, new "
		      "seq 11): response: 1 byte differs\n"
		      "    0x0056: 72 -> 7a\n");
	ck_assert_has(t,
		      "  new finding: warning perf.many-doorbells: 3 "
		      "doorbells in one step\n");
	ck_assert_has(t,
		      "Result: REGRESSED (1):\n  query-info: verdict pass "
		      "-> fail\n");
	strbuf_free(&out);
}
END_TEST

START_TEST(json_output_parses_and_says_regressed)
{
	struct strbuf out = STRBUF_INIT;
	json_error_t jerr;
	json_t *parsed;

	ck_assert(diff_render(base, "b", next, "n", true, &out));
	parsed = json_loads(strbuf_str(&out), 0, &jerr);
	ck_assert_msg(parsed != NULL, "%s", jerr.text);
	ck_assert_str_eq(results_str(parsed, "format", ""), DIFF_FORMAT);
	ck_assert(results_bool(parsed, "regressed", false));
	json_decref(parsed);
	strbuf_free(&out);
}
END_TEST

START_TEST(duplicate_scenarios_match_in_order)
{
	json_t *copy;
	json_t *diff;

	json_array_append_new(json_object_get(base, "scenarios"),
			      json_deep_copy(scenario_of(base, 1)));
	copy = json_deep_copy(base);
	json_object_set_new(scenario_of(copy, 4), "verdict",
			    json_string("error"));
	diff = diff_compute(base, copy);
	ck_assert_uint_eq(results_len(diff, "scenarios"), 1);
	ck_assert_uint_eq(results_len(diff, "added"), 0);
	ck_assert_str_eq(
	    results_str(results_at(diff, "scenarios", 0), "new_verdict", ""),
	    "error");
	json_decref(diff);
	json_decref(copy);
}
END_TEST

Suite *diff_suite(void);

Suite *diff_suite(void)
{
	Suite *s = suite_create("diff");
	TCase *tc = tcase_create("diff");

	tcase_add_checked_fixture(tc, docs_setup, docs_teardown);
	tcase_add_test(
	    tc, identical_documents_have_no_difference_and_no_regression);
	tcase_add_test(tc, added_and_removed_scenarios_are_listed);
	tcase_add_test(tc, verdict_flips_are_regressions_or_fixes);
	tcase_add_test(tc, first_divergent_smc_is_found_with_both_seqs);
	tcase_add_test(tc, scenario_without_divergence_has_none);
	tcase_add_test(tc, a_shorter_trace_diverges_at_its_end);
	tcase_add_test(tc, differing_buffer_bytes_are_reported_with_offsets);
	tcase_add_test(tc, buffer_ranges_merge_and_lengths_are_compared);
	tcase_add_test(tc, findings_added_and_removed_by_code);
	tcase_add_test(tc, new_firmware_finding_alone_is_a_regression);
	tcase_add_test(tc, expected_firmware_finding_is_no_regression);
	tcase_add_test(tc, fixes_alone_are_no_regression);
	tcase_add_test(tc, text_shows_divergence_bytes_and_verdicts);
	tcase_add_test(tc, json_output_parses_and_says_regressed);
	tcase_add_test(tc, duplicate_scenarios_match_in_order);
	suite_add_tcase(s, tc);
	return s;
}
