/*
 * Unit tests of common/finding.c: what a finding records (kind, code,
 * message, the SMC, PC and step it concerns), lookups and counts, kind
 * names, and the FINDINGS_MAX bound on repeats (common/finding.h).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "common/finding.h"
#include "common/strbuf.h"

/* Check fixture state: the only file-scope mutable state (STYLE C1). */
static struct findings findings;

static void finding_setup(void)
{
	findings_init(&findings);
}

static void finding_teardown(void)
{
	findings_free(&findings);
}

START_TEST(init_has_no_context)
{
	ck_assert_uint_eq(findings.count, 0);
	ck_assert_uint_eq(findings.current_seq, FINDING_NO_SEQ);
	ck_assert_int_eq(findings.current_step, -1);
	ck_assert_uint_eq(findings.dropped, 0);
}
END_TEST

START_TEST(add_records_message_and_context)
{
	struct finding *fd;
	char code[] = "ffa.some-rule";

	findings_set_context(&findings, 12, 0x4000);
	findings.current_step = 3;
	fd = findings_add(&findings, FINDING_FIRMWARE, code, "%s: w%d is %#x",
			  "FFA_VERSION", 1, 0x20000u);
	ck_assert_uint_eq(findings.count, 1);
	ck_assert_ptr_eq(fd, &findings.items[0]);
	ck_assert_int_eq(fd->kind, FINDING_FIRMWARE);
	ck_assert_str_eq(fd->message, "FFA_VERSION: w1 is 0x20000");
	ck_assert_uint_eq(fd->trace_seq, 12);
	ck_assert_uint_eq(fd->pc, 0x4000);
	ck_assert_int_eq(fd->step, 3);
	ck_assert_ptr_null(fd->detail);
	ck_assert_uint_eq(fd->address, 0);
	/* The code is copied: the caller's buffer may change. */
	code[0] = 'X';
	ck_assert_str_eq(fd->code, "ffa.some-rule");
}
END_TEST

START_TEST(context_applies_to_later_findings_only)
{
	findings_add(&findings, FINDING_WARNING, "a.first", "first");
	findings_set_context(&findings, 5, 0x10);
	findings_add(&findings, FINDING_WARNING, "a.second", "second");
	ck_assert_uint_eq(findings.items[0].trace_seq, FINDING_NO_SEQ);
	ck_assert_int_eq(findings.items[0].step, -1);
	ck_assert_uint_eq(findings.items[1].trace_seq, 5);
	ck_assert_uint_eq(findings.items[1].pc, 0x10);
}
END_TEST

START_TEST(detail_is_set_replaced_and_cleared)
{
	struct finding *fd = findings_add(&findings, FINDING_ERROR,
					  "runtime.fault", "fault");

	finding_set_detail(fd, "x0 0x1");
	ck_assert_str_eq(fd->detail, "x0 0x1");
	finding_set_detail(fd, "x0 0x2");
	ck_assert_str_eq(fd->detail, "x0 0x2");
	finding_set_detail(fd, NULL);
	ck_assert_ptr_null(fd->detail);
}
END_TEST

START_TEST(take_detail_moves_the_text_and_empties_the_buffer)
{
	struct finding *fd = findings_add(&findings, FINDING_FIRMWARE,
					  "mm.x", "m");
	struct strbuf dump = STRBUF_INIT;
	const char *moved;

	finding_set_detail(fd, "old");
	strbuf_puts(&dump, "00000000  01 02");
	moved = dump.data;
	finding_take_detail(fd, &dump);
	ck_assert_str_eq(fd->detail, "00000000  01 02");
	ck_assert_ptr_eq(fd->detail, moved); /* no copy */
	ck_assert_ptr_null(dump.data);
	ck_assert_uint_eq(dump.len, 0);
	strbuf_free(&dump); /* still allowed, frees nothing */
	/* An empty buffer gives an empty detail, as set_detail("") does. */
	finding_take_detail(fd, &dump);
	ck_assert_str_eq(fd->detail, "");
}
END_TEST

START_TEST(find_returns_the_first_with_the_code)
{
	findings_add(&findings, FINDING_FIRMWARE, "mm.a", "one");
	findings_add(&findings, FINDING_WARNING, "mm.b", "two");
	findings_add(&findings, FINDING_FIRMWARE, "mm.a", "three");
	ck_assert_str_eq(findings_find(&findings, "mm.a")->message, "one");
	ck_assert_str_eq(findings_find(&findings, "mm.b")->message, "two");
	ck_assert_ptr_null(findings_find(&findings, "mm"));
	ck_assert_ptr_null(findings_find(&findings, "mm.c"));
}
END_TEST

START_TEST(count_kind_counts_each_kind)
{
	findings_add(&findings, FINDING_FIRMWARE, "a.x", "1");
	findings_add(&findings, FINDING_FIRMWARE, "a.y", "2");
	findings_add(&findings, FINDING_UNIMPLEMENTED, "a.z", "3");
	findings_add(&findings, FINDING_EXPECTATION, "a.w", "4");
	ck_assert_uint_eq(findings_count_kind(&findings, FINDING_FIRMWARE), 2);
	ck_assert_uint_eq(
		findings_count_kind(&findings, FINDING_UNIMPLEMENTED), 1);
	ck_assert_uint_eq(findings_count_kind(&findings, FINDING_EXPECTATION),
			  1);
	ck_assert_uint_eq(findings_count_kind(&findings, FINDING_WARNING), 0);
	ck_assert_uint_eq(findings_count_kind(&findings, FINDING_ERROR), 0);
}
END_TEST

START_TEST(kind_names_are_stable)
{
	ck_assert_str_eq(finding_kind_name(FINDING_FIRMWARE), "firmware");
	ck_assert_str_eq(finding_kind_name(FINDING_EXPECTATION),
			 "expectation");
	ck_assert_str_eq(finding_kind_name(FINDING_UNIMPLEMENTED),
			 "not-implemented");
	ck_assert_str_eq(finding_kind_name(FINDING_WARNING), "warning");
	ck_assert_str_eq(finding_kind_name(FINDING_ERROR), "error");
	ck_assert_str_eq(finding_kind_name(FINDING_KIND_COUNT), "?");
	ck_assert_str_eq(finding_kind_name((enum finding_kind)-1), "?");
}
END_TEST

START_TEST(free_leaves_an_empty_reusable_list)
{
	findings.current_step = 2;
	finding_set_detail(findings_add(&findings, FINDING_ERROR, "a.b", "c"),
			   "d");
	findings_free(&findings);
	ck_assert_uint_eq(findings.count, 0);
	ck_assert_ptr_null(findings.items);
	ck_assert_int_eq(findings.current_step, -1);
	findings_add(&findings, FINDING_ERROR, "a.b", "again");
	ck_assert_uint_eq(findings.count, 1);
}
END_TEST

/*
 * A reset list is a fresh one: same context, nothing listed, nothing
 * dropped, and the next findings (up to and past the bound) come out as
 * they do from a fresh list.  Only the item array is kept.
 */
START_TEST(reset_is_a_fresh_list_that_keeps_its_array)
{
	struct findings fresh;
	struct finding *items;

	findings_set_context(&findings, 9, 0x8000);
	findings.current_step = 3;
	for (size_t i = 0; i < FINDINGS_MAX + 5; i++) {
		finding_set_detail(findings_add(&findings, FINDING_FIRMWARE,
						"loop.same", "#%zu", i),
				   "detail");
	}
	ck_assert_uint_gt(findings.dropped, 0);
	items = findings.items;
	findings_reset(&findings);
	findings_init(&fresh);
	ck_assert_ptr_eq(findings.items, items);
	ck_assert_uint_ge(findings.cap, FINDINGS_MAX);
	ck_assert_uint_eq(findings.count, fresh.count);
	ck_assert_uint_eq(findings.current_seq, fresh.current_seq);
	ck_assert_uint_eq(findings.current_pc, fresh.current_pc);
	ck_assert_int_eq(findings.current_step, fresh.current_step);
	ck_assert_uint_eq(findings.dropped, fresh.dropped);
	ck_assert_ptr_null(findings.spare.detail);
	ck_assert_ptr_null(findings_find(&findings, "loop.same"));

	/* The same sequence again gives the same list as on a fresh one. */
	for (size_t i = 0; i < FINDINGS_MAX + 2; i++) {
		findings_add(&findings, FINDING_FIRMWARE, "loop.same", "#%zu",
			     i);
		findings_add(&fresh, FINDING_FIRMWARE, "loop.same", "#%zu", i);
	}
	ck_assert_uint_eq(findings.count, fresh.count);
	ck_assert_uint_eq(findings.dropped, fresh.dropped);
	for (size_t i = 0; i < fresh.count; i++) {
		const struct finding *a = &findings.items[i];
		const struct finding *b = &fresh.items[i];

		ck_assert_int_eq(a->kind, b->kind);
		ck_assert_str_eq(a->code, b->code);
		ck_assert_str_eq(a->message, b->message);
		ck_assert_ptr_null(a->detail);
		ck_assert_uint_eq(a->trace_seq, b->trace_seq);
		ck_assert_uint_eq(a->pc, b->pc);
		ck_assert_int_eq(a->step, b->step);
	}
	findings_free(&fresh);
}
END_TEST

/* Fills the list to FINDINGS_MAX: "loop.same" and one "loop.other". */
static void fill_to_max(void)
{
	for (size_t i = 0; i + 1 < FINDINGS_MAX; i++) {
		findings_add(&findings, FINDING_FIRMWARE, "loop.same", "#%zu",
			     i);
	}
	findings_add(&findings, FINDING_FIRMWARE, "loop.other", "last");
	ck_assert_uint_eq(findings.count, FINDINGS_MAX);
}

START_TEST(below_the_bound_repeats_are_all_listed)
{
	for (size_t i = 0; i < 10; i++) {
		findings_add(&findings, FINDING_FIRMWARE, "loop.same", "#%zu",
			     i);
	}
	ck_assert_uint_eq(findings.count, 10);
	ck_assert_uint_eq(findings.dropped, 0);
}
END_TEST

START_TEST(past_the_bound_repeats_are_counted_with_one_warning)
{
	const struct finding *warning;
	struct finding *spare;

	fill_to_max();
	spare = findings_add(&findings, FINDING_FIRMWARE, "loop.same", "more");
	ck_assert_uint_eq(findings.dropped, 1);
	ck_assert_uint_eq(findings.count, FINDINGS_MAX + 1);
	warning = findings_find(&findings, "findings.repeats-dropped");
	ck_assert_ptr_nonnull(warning);
	ck_assert_int_eq(warning->kind, FINDING_WARNING);
	ck_assert_ptr_eq(warning, &findings.items[FINDINGS_MAX]);
	/* What comes back may be used as a finding, but is not listed. */
	ck_assert_ptr_nonnull(spare);
	finding_set_detail(spare, "ignored detail");
	{
		struct strbuf dump = STRBUF_INIT;

		strbuf_puts(&dump, "ignored dump");
		finding_take_detail(spare, &dump); /* LeakSanitizer: freed */
	}
	for (size_t i = 0; i < findings.count; i++) {
		ck_assert_ptr_ne(&findings.items[i], spare);
	}

	findings_add(&findings, FINDING_FIRMWARE, "loop.other", "more");
	findings_add(&findings, FINDING_FIRMWARE, "loop.same", "more");
	ck_assert_uint_eq(findings.dropped, 3);
	ck_assert_uint_eq(findings.count, FINDINGS_MAX + 1);
	ck_assert_uint_eq(findings_count_kind(&findings, FINDING_WARNING), 1);
}
END_TEST

START_TEST(past_the_bound_new_findings_are_still_listed)
{
	fill_to_max();
	/* A new code, the same code with another kind, another step. */
	findings_add(&findings, FINDING_FIRMWARE, "loop.new", "new");
	findings_add(&findings, FINDING_UNIMPLEMENTED, "loop.same", "kind");
	findings.current_step = 1;
	findings_add(&findings, FINDING_FIRMWARE, "loop.same", "step");
	ck_assert_uint_eq(findings.dropped, 0);
	ck_assert_uint_eq(findings.count, FINDINGS_MAX + 3);
	ck_assert_ptr_null(findings_find(&findings,
					 "findings.repeats-dropped"));
	ck_assert_str_eq(findings.items[FINDINGS_MAX + 2].message, "step");
	ck_assert_int_eq(findings.items[FINDINGS_MAX + 2].step, 1);
}
END_TEST

Suite *finding_suite(void);

Suite *finding_suite(void)
{
	Suite *s = suite_create("finding");
	TCase *tc = tcase_create("record");

	tcase_add_checked_fixture(tc, finding_setup, finding_teardown);
	tcase_add_test(tc, init_has_no_context);
	tcase_add_test(tc, add_records_message_and_context);
	tcase_add_test(tc, context_applies_to_later_findings_only);
	tcase_add_test(tc, detail_is_set_replaced_and_cleared);
	tcase_add_test(tc, take_detail_moves_the_text_and_empties_the_buffer);
	tcase_add_test(tc, find_returns_the_first_with_the_code);
	tcase_add_test(tc, count_kind_counts_each_kind);
	tcase_add_test(tc, kind_names_are_stable);
	tcase_add_test(tc, free_leaves_an_empty_reusable_list);
	tcase_add_test(tc, reset_is_a_fresh_list_that_keeps_its_array);
	suite_add_tcase(s, tc);

	tc = tcase_create("bound");
	tcase_add_checked_fixture(tc, finding_setup, finding_teardown);
	tcase_add_test(tc, below_the_bound_repeats_are_all_listed);
	tcase_add_test(tc, past_the_bound_repeats_are_counted_with_one_warning);
	tcase_add_test(tc, past_the_bound_new_findings_are_still_listed);
	suite_add_tcase(s, tc);
	return s;
}
