/*
 * Unit tests of models/inject.c, the fault injector: which rule fires for
 * which call (kind, FF-A function, MM function, ExitBootServices), in
 * which order, how many times, and the size of the table.  The way the
 * SPMC and the MM partition act on a rule is tested with them
 * (tests/check_mm_sp.c, tests/check_spmc.c).
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "abi/ffa.h"
#include "abi/mm.h"
#include "models/inject.h"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Check fixture state: the only file-scope mutable state (STYLE C1). */
static struct injector inj;
static struct lifecycle lc;

static void inject_setup(void)
{
	inject_init(&inj);
	lifecycle_init(&lc);
	inj.lifecycle = &lc;
}

static void add(struct inject_rule r)
{
	ck_assert(inject_add(&inj, &r));
}

/* The code of the rule that fires; fails the test if none does. */
static int64_t mm_code(enum inject_kind kind, uint64_t mm_function)
{
	struct inject_rule *r = inject_mm(&inj, kind, mm_function);

	ck_assert_ptr_nonnull(r);
	return r->code;
}

static int64_t ffa_code(uint32_t fid, uint64_t mm_function)
{
	struct inject_rule *r = inject_ffa_error(&inj, fid, mm_function);

	ck_assert_ptr_nonnull(r);
	return r->code;
}

/* --- Matching: one rule, one call ---------------------------------------- */

enum query {
	Q_FFA_ERROR, /* inject_ffa_error(fid, mm_function) */
	Q_MM,	     /* inject_mm(kind, mm_function) */
	Q_RX_BUSY,   /* inject_rx_busy() */
};

struct match_row {
	const char *what;
	struct inject_rule rule;
	enum query query;
	enum inject_kind kind; /* Q_MM */
	uint32_t fid;	       /* Q_FFA_ERROR */
	uint64_t mm_function;
	bool at_runtime;
	bool fires;
};

#define ONCE .remaining = 1
#define FFA_RULE(...)                                            \
	{                                                        \
		.kind = INJECT_KIND_FFA_ERROR, ONCE, __VA_ARGS__ \
	}
#define MM_RULE(...)              \
	{                         \
		ONCE, __VA_ARGS__ \
	}
#define REQ64 FFA_MSG_SEND_DIRECT_REQ_64
#define REQ32 FFA_MSG_SEND_DIRECT_REQ_32
#define NO_MM UINT64_MAX
#define GET MM_VAR_FN_GET_VARIABLE
#define SET MM_VAR_FN_SET_VARIABLE

static const struct match_row match_rows[] = {
    /* FF-A errors: the default function is the doorbell, either width. */
    {"default on a 64-bit doorbell", FFA_RULE(.code = -4), Q_FFA_ERROR, 0,
     REQ64, GET, false, true},
    {"default on a 32-bit doorbell", FFA_RULE(.code = -4), Q_FFA_ERROR, 0,
     REQ32, GET, false, true},
    {"default on FFA_ID_GET", FFA_RULE(.code = -4), Q_FFA_ERROR, 0, FFA_ID_GET,
     NO_MM, false, false},
    {"default on FFA_MSG_SEND_DIRECT_REQ2", FFA_RULE(.code = -4), Q_FFA_ERROR,
     0, FFA_MSG_SEND_DIRECT_REQ2, NO_MM, false, false},
    {"default on FFA_VERSION", FFA_RULE(.code = -4), Q_FFA_ERROR, 0,
     FFA_VERSION, NO_MM, false, false},
    {"on_fid ID_GET on ID_GET", FFA_RULE(.on_fid = FFA_ID_GET), Q_FFA_ERROR, 0,
     FFA_ID_GET, NO_MM, false, true},
    {"on_fid ID_GET on a doorbell", FFA_RULE(.on_fid = FFA_ID_GET), Q_FFA_ERROR,
     0, REQ64, GET, false, false},
    {"on_fid REQ_32 on REQ_64", FFA_RULE(.on_fid = REQ32), Q_FFA_ERROR, 0,
     REQ64, GET, false, false},
    {"on_fid REQ_32 on REQ_32", FFA_RULE(.on_fid = REQ32), Q_FFA_ERROR, 0,
     REQ32, GET, false, true},
    {"on_fid REQ_64 on REQ_32", FFA_RULE(.on_fid = REQ64), Q_FFA_ERROR, 0,
     REQ32, GET, false, false},
    {"on_fid REQ2 on REQ2", FFA_RULE(.on_fid = FFA_MSG_SEND_DIRECT_REQ2),
     Q_FFA_ERROR, 0, FFA_MSG_SEND_DIRECT_REQ2, NO_MM, false, true},
    {"MM function SET on a SET doorbell",
     FFA_RULE(.has_mm_function = true, .mm_function = SET), Q_FFA_ERROR, 0,
     REQ64, SET, false, true},
    {"MM function SET on a GET doorbell",
     FFA_RULE(.has_mm_function = true, .mm_function = SET), Q_FFA_ERROR, 0,
     REQ64, GET, false, false},
    {"MM function on a call that is no doorbell",
     FFA_RULE(.on_fid = FFA_ID_GET, .has_mm_function = true,
	      .mm_function = SET),
     Q_FFA_ERROR, 0, FFA_ID_GET, NO_MM, false, false},
    {"MM function 0 is a real filter",
     FFA_RULE(.has_mm_function = true, .mm_function = 0), Q_FFA_ERROR, 0, REQ64,
     GET, false, false},
    /* Kinds never mix. */
    {"FF-A rule asked for an MM return", FFA_RULE(.code = -4), Q_MM,
     INJECT_KIND_MM_RETURN, 0, GET, false, false},
    {"MM return rule asked for an FF-A error",
     MM_RULE(.kind = INJECT_KIND_MM_RETURN, .code = -3), Q_FFA_ERROR, 0, REQ64,
     GET, false, false},
    {"MM return rule", MM_RULE(.kind = INJECT_KIND_MM_RETURN, .code = -3), Q_MM,
     INJECT_KIND_MM_RETURN, 0, GET, false, true},
    {"MM return rule asked for an EFI status",
     MM_RULE(.kind = INJECT_KIND_MM_RETURN, .code = -3), Q_MM,
     INJECT_KIND_EFI_STATUS, 0, GET, false, false},
    {"EFI status rule", MM_RULE(.kind = INJECT_KIND_EFI_STATUS, .code = 7),
     Q_MM, INJECT_KIND_EFI_STATUS, 0, SET, false, true},
    {"reply rule", MM_RULE(.kind = INJECT_KIND_REPLY), Q_MM, INJECT_KIND_REPLY,
     0, GET, false, true},
    {"reply rule asked for an MM return", MM_RULE(.kind = INJECT_KIND_REPLY),
     Q_MM, INJECT_KIND_MM_RETURN, 0, GET, false, false},
    {"MM rule with matching MM function",
     MM_RULE(.kind = INJECT_KIND_EFI_STATUS, .has_mm_function = true,
	     .mm_function = SET),
     Q_MM, INJECT_KIND_EFI_STATUS, 0, SET, false, true},
    {"MM rule with another MM function",
     MM_RULE(.kind = INJECT_KIND_EFI_STATUS, .has_mm_function = true,
	     .mm_function = SET),
     Q_MM, INJECT_KIND_EFI_STATUS, 0, GET, false, false},
    {"MM rule ignores on_fid",
     MM_RULE(.kind = INJECT_KIND_MM_RETURN, .on_fid = FFA_ID_GET), Q_MM,
     INJECT_KIND_MM_RETURN, 0, GET, false, true},
    /* After ExitBootServices. */
    {"after EBS, before it", FFA_RULE(.after_exit_boot_services = true),
     Q_FFA_ERROR, 0, REQ64, GET, false, false},
    {"after EBS, at runtime", FFA_RULE(.after_exit_boot_services = true),
     Q_FFA_ERROR, 0, REQ64, GET, true, true},
    {"MM rule after EBS, before it",
     MM_RULE(.kind = INJECT_KIND_REPLY, .after_exit_boot_services = true), Q_MM,
     INJECT_KIND_REPLY, 0, GET, false, false},
    {"ungated rule at runtime", FFA_RULE(.code = -4), Q_FFA_ERROR, 0, REQ64,
     GET, true, true},
    /* Counts. */
    {"no answers left",
     {.kind = INJECT_KIND_FFA_ERROR, .remaining = 0},
     Q_FFA_ERROR,
     0,
     REQ64,
     GET,
     false,
     false},
    {"every, with no count",
     {.kind = INJECT_KIND_FFA_ERROR, .remaining = 0, .every = true},
     Q_FFA_ERROR,
     0,
     REQ64,
     GET,
     false,
     true},
    /* RX busy. */
    {"RX busy rule", MM_RULE(.kind = INJECT_KIND_RX_BUSY), Q_RX_BUSY, 0, 0,
     NO_MM, false, true},
    {"RX busy rule with an MM function",
     MM_RULE(.kind = INJECT_KIND_RX_BUSY, .has_mm_function = true,
	     .mm_function = GET),
     Q_RX_BUSY, 0, 0, NO_MM, false, false},
    {"FF-A rule asked for RX busy", FFA_RULE(.code = -4), Q_RX_BUSY, 0, 0,
     NO_MM, false, false},
    {"RX busy rule asked for an FF-A error",
     MM_RULE(.kind = INJECT_KIND_RX_BUSY), Q_FFA_ERROR, 0, REQ64, GET, false,
     false},
};

static struct inject_rule *ask(const struct match_row *m)
{
	switch (m->query) {
	case Q_FFA_ERROR:
		return inject_ffa_error(&inj, m->fid, m->mm_function);
	case Q_MM:
		return inject_mm(&inj, m->kind, m->mm_function);
	case Q_RX_BUSY:
		return inject_rx_busy(&inj);
	}
	return NULL;
}

START_TEST(rule_fires_exactly_on_the_calls_it_matches)
{
	const struct match_row *m = &match_rows[_i];
	struct inject_rule *r;

	add(m->rule);
	if (m->at_runtime) {
		lifecycle_evidence(&lc, EVIDENCE_MM_EXIT_BOOT_SERVICE);
	}
	r = ask(m);
	if (!m->fires) {
		ck_assert_msg(r == NULL, "%s: fired", m->what);
		ck_assert_uint_eq(inj.rules[0].hits, 0);
		ck_assert_uint_eq(inj.rules[0].remaining, m->rule.remaining);
		return;
	}
	ck_assert_msg(r == &inj.rules[0], "%s: did not fire", m->what);
	ck_assert_uint_eq(r->hits, 1);
	ck_assert_int_eq(r->code, m->rule.code);
	if (!m->rule.every) {
		ck_assert_uint_eq(r->remaining, m->rule.remaining - 1);
	}
}
END_TEST

/* --- Counts ----------------------------------------------------------------
 */

START_TEST(rule_with_count_fires_that_many_times_then_never)
{
	add((struct inject_rule){
	    .kind = INJECT_KIND_MM_RETURN, .code = -3, .remaining = 3});
	for (int i = 0; i < 3; i++) {
		ck_assert_ptr_eq(inject_mm(&inj, INJECT_KIND_MM_RETURN, GET),
				 &inj.rules[0]);
	}
	ck_assert_ptr_null(inject_mm(&inj, INJECT_KIND_MM_RETURN, GET));
	ck_assert_ptr_null(inject_mm(&inj, INJECT_KIND_MM_RETURN, GET));
	ck_assert_uint_eq(inj.rules[0].hits, 3);
	ck_assert_uint_eq(inj.rules[0].remaining, 0);
}
END_TEST

START_TEST(rule_with_every_fires_always_and_keeps_its_count)
{
	add((struct inject_rule){.kind = INJECT_KIND_FFA_ERROR,
				 .code = -4,
				 .remaining = 2,
				 .every = true});
	for (int i = 0; i < 100; i++) {
		ck_assert_ptr_nonnull(inject_ffa_error(&inj, REQ64, GET));
	}
	ck_assert_uint_eq(inj.rules[0].hits, 100);
	ck_assert_uint_eq(inj.rules[0].remaining, 2);
}
END_TEST

START_TEST(calls_that_do_not_match_consume_nothing)
{
	add((struct inject_rule){.kind = INJECT_KIND_FFA_ERROR,
				 .has_mm_function = true,
				 .mm_function = SET,
				 .remaining = 1});
	ck_assert_ptr_null(inject_ffa_error(&inj, REQ64, GET));
	ck_assert_ptr_null(inject_ffa_error(&inj, FFA_ID_GET, NO_MM));
	ck_assert_ptr_null(inject_mm(&inj, INJECT_KIND_MM_RETURN, SET));
	ck_assert_uint_eq(inj.rules[0].remaining, 1);
	ck_assert_uint_eq(inj.rules[0].hits, 0);
	ck_assert_ptr_nonnull(inject_ffa_error(&inj, REQ32, SET));
}
END_TEST

START_TEST(gated_rule_keeps_its_count_until_exit_boot_services)
{
	add((struct inject_rule){.kind = INJECT_KIND_EFI_STATUS,
				 .remaining = 1,
				 .after_exit_boot_services = true});
	for (int i = 0; i < 5; i++) {
		ck_assert_ptr_null(
		    inject_mm(&inj, INJECT_KIND_EFI_STATUS, GET));
	}
	ck_assert_uint_eq(inj.rules[0].remaining, 1);
	lifecycle_evidence(&lc, EVIDENCE_MM_EXIT_BOOT_SERVICE);
	ck_assert_ptr_nonnull(inject_mm(&inj, INJECT_KIND_EFI_STATUS, GET));
	ck_assert_ptr_null(inject_mm(&inj, INJECT_KIND_EFI_STATUS, GET));
}
END_TEST

/* --- skip (and nth, which the scenario loader turns into skip) -----------
 */

START_TEST(skipping_rule_lets_the_first_calls_through_then_answers)
{
	/* skip: 2, count: 2 -- calls 3 and 4 are answered. */
	add((struct inject_rule){.kind = INJECT_KIND_MM_RETURN,
				 .code = -5,
				 .remaining = 2,
				 .skip = 2});
	ck_assert_ptr_null(inject_mm(&inj, INJECT_KIND_MM_RETURN, GET));
	ck_assert_ptr_null(inject_mm(&inj, INJECT_KIND_MM_RETURN, GET));
	ck_assert_uint_eq(inj.rules[0].skip, 0);
	ck_assert_uint_eq(inj.rules[0].hits, 0);
	ck_assert_int_eq(mm_code(INJECT_KIND_MM_RETURN, GET), -5);
	ck_assert_int_eq(mm_code(INJECT_KIND_MM_RETURN, GET), -5);
	ck_assert_ptr_null(inject_mm(&inj, INJECT_KIND_MM_RETURN, GET));
	ck_assert_uint_eq(inj.rules[0].hits, 2);
}
END_TEST

START_TEST(nth_call_alone_is_answered)
{
	/* nth: 3 is skip: 2 with one answer. */
	add((struct inject_rule){.kind = INJECT_KIND_FFA_ERROR,
				 .code = -7,
				 .remaining = 1,
				 .skip = 2});
	for (int call = 1; call <= 6; call++) {
		struct inject_rule *r = inject_ffa_error(&inj, REQ64, GET);

		if (call == 3) {
			ck_assert_ptr_eq(r, &inj.rules[0]);
		} else {
			ck_assert_msg(r == NULL, "call %d answered", call);
		}
	}
	ck_assert_uint_eq(inj.rules[0].hits, 1);
}
END_TEST

START_TEST(skip_counts_only_matching_calls)
{
	add((struct inject_rule){.kind = INJECT_KIND_FFA_ERROR,
				 .has_mm_function = true,
				 .mm_function = SET,
				 .remaining = 1,
				 .skip = 1,
				 .after_exit_boot_services = true});
	/* Other MM functions, other functions, other kinds, before EBS. */
	ck_assert_ptr_null(inject_ffa_error(&inj, REQ64, GET));
	ck_assert_ptr_null(inject_ffa_error(&inj, FFA_ID_GET, NO_MM));
	ck_assert_ptr_null(inject_mm(&inj, INJECT_KIND_MM_RETURN, SET));
	ck_assert_ptr_null(inject_ffa_error(&inj, REQ64, SET));
	ck_assert_uint_eq(inj.rules[0].skip, 1);
	lifecycle_evidence(&lc, EVIDENCE_MM_EXIT_BOOT_SERVICE);
	ck_assert_ptr_null(inject_ffa_error(&inj, REQ64, SET));
	ck_assert_uint_eq(inj.rules[0].skip, 0);
	ck_assert_ptr_eq(inject_ffa_error(&inj, REQ32, SET), &inj.rules[0]);
}
END_TEST

START_TEST(every_rule_with_skip_answers_all_calls_after_the_skipped)
{
	add((struct inject_rule){
	    .kind = INJECT_KIND_EFI_STATUS, .every = true, .skip = 3});
	for (int i = 0; i < 3; i++) {
		ck_assert_ptr_null(
		    inject_mm(&inj, INJECT_KIND_EFI_STATUS, GET));
	}
	for (int i = 0; i < 10; i++) {
		ck_assert_ptr_nonnull(
		    inject_mm(&inj, INJECT_KIND_EFI_STATUS, GET));
	}
	ck_assert_uint_eq(inj.rules[0].hits, 10);
}
END_TEST

START_TEST(call_let_through_by_a_skipping_rule_can_fire_a_later_one)
{
	add((struct inject_rule){.kind = INJECT_KIND_MM_RETURN,
				 .code = -1,
				 .remaining = 1,
				 .skip = 1});
	add((struct inject_rule){
	    .kind = INJECT_KIND_MM_RETURN, .code = -2, .remaining = 5});
	ck_assert_int_eq(mm_code(INJECT_KIND_MM_RETURN, GET), -2);
	ck_assert_int_eq(mm_code(INJECT_KIND_MM_RETURN, GET), -1);
	ck_assert_int_eq(mm_code(INJECT_KIND_MM_RETURN, GET), -2);
}
END_TEST

START_TEST(add_keeps_the_skip_of_the_rule)
{
	add((struct inject_rule){
	    .kind = INJECT_KIND_RX_BUSY, .remaining = 1, .skip = 4});
	ck_assert_uint_eq(inj.rules[0].skip, 4);
	for (int i = 0; i < 4; i++) {
		ck_assert_ptr_null(inject_rx_busy(&inj));
	}
	ck_assert_ptr_eq(inject_rx_busy(&inj), &inj.rules[0]);
	ck_assert_ptr_null(inject_rx_busy(&inj));
}
END_TEST

/* --- Order -----------------------------------------------------------------
 */

START_TEST(first_added_matching_rule_wins_until_it_is_used_up)
{
	add((struct inject_rule){
	    .kind = INJECT_KIND_MM_RETURN, .code = -1, .remaining = 2});
	add((struct inject_rule){
	    .kind = INJECT_KIND_MM_RETURN, .code = -2, .remaining = 1});
	ck_assert_int_eq(mm_code(INJECT_KIND_MM_RETURN, GET), -1);
	ck_assert_int_eq(mm_code(INJECT_KIND_MM_RETURN, GET), -1);
	ck_assert_int_eq(mm_code(INJECT_KIND_MM_RETURN, GET), -2);
	ck_assert_ptr_null(inject_mm(&inj, INJECT_KIND_MM_RETURN, GET));
	ck_assert_uint_eq(inj.rules[0].hits, 2);
	ck_assert_uint_eq(inj.rules[1].hits, 1);
}
END_TEST

START_TEST(earlier_rule_that_does_not_match_lets_a_later_one_fire)
{
	add((struct inject_rule){.kind = INJECT_KIND_MM_RETURN,
				 .code = -1,
				 .has_mm_function = true,
				 .mm_function = SET,
				 .every = true});
	add((struct inject_rule){
	    .kind = INJECT_KIND_MM_RETURN, .code = -2, .every = true});
	ck_assert_int_eq(mm_code(INJECT_KIND_MM_RETURN, GET), -2);
	ck_assert_int_eq(mm_code(INJECT_KIND_MM_RETURN, SET), -1);
	ck_assert_uint_eq(inj.rules[0].hits, 1);
	ck_assert_uint_eq(inj.rules[1].hits, 1);
}
END_TEST

START_TEST(every_rule_after_a_counted_one_takes_over_when_it_runs_out)
{
	add((struct inject_rule){
	    .kind = INJECT_KIND_FFA_ERROR, .code = -4, .remaining = 1});
	add((struct inject_rule){
	    .kind = INJECT_KIND_FFA_ERROR, .code = -6, .every = true});
	ck_assert_int_eq(ffa_code(REQ64, GET), -4);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(ffa_code(REQ64, GET), -6);
	}
}
END_TEST

START_TEST(rules_of_other_kinds_do_not_shadow_each_other)
{
	struct inject_rule *r;

	add((struct inject_rule){.kind = INJECT_KIND_REPLY,
				 .reply = INJECT_REPLY_OVERSIZED,
				 .every = true});
	add((struct inject_rule){
	    .kind = INJECT_KIND_EFI_STATUS, .code = 9, .every = true});
	r = inject_mm(&inj, INJECT_KIND_REPLY, GET);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->reply, INJECT_REPLY_OVERSIZED);
	ck_assert_int_eq(mm_code(INJECT_KIND_EFI_STATUS, GET), 9);
}
END_TEST

/* --- The table -------------------------------------------------------------
 */

START_TEST(empty_injector_never_fires)
{
	lifecycle_evidence(&lc, EVIDENCE_MM_EXIT_BOOT_SERVICE);
	ck_assert_ptr_null(inject_ffa_error(&inj, REQ64, GET));
	ck_assert_ptr_null(inject_ffa_error(&inj, FFA_ID_GET, NO_MM));
	for (int k = INJECT_KIND_FFA_ERROR; k <= INJECT_KIND_RX_BUSY; k++) {
		ck_assert_ptr_null(inject_mm(&inj, (enum inject_kind)k, GET));
	}
	ck_assert_ptr_null(inject_rx_busy(&inj));
}
END_TEST

START_TEST(init_clears_rules_and_runtime)
{
	memset(&inj, 0xff, sizeof(inj));
	inject_init(&inj);
	ck_assert_uint_eq(inj.count, 0);
	ck_assert_ptr_null(inj.lifecycle);
	ck_assert_ptr_null(inject_ffa_error(&inj, REQ64, GET));
}
END_TEST

START_TEST(add_copies_the_rule_and_starts_its_hits_at_zero)
{
	struct inject_rule r = {.kind = INJECT_KIND_MM_RETURN,
				.code = -5,
				.remaining = 1,
				.hits = 42};

	ck_assert(inject_add(&inj, &r));
	r.code = -1;
	r.remaining = 0;
	ck_assert_uint_eq(inj.count, 1);
	ck_assert_uint_eq(inj.rules[0].hits, 0);
	ck_assert_int_eq(inj.rules[0].code, -5);
	ck_assert_int_eq(mm_code(INJECT_KIND_MM_RETURN, GET), -5);
}
END_TEST

START_TEST(table_holds_32_rules_and_refuses_the_33rd)
{
	struct inject_rule r = {.kind = INJECT_KIND_MM_RETURN, .remaining = 1};

	for (int i = 0; i < INJECT_MAX_RULES; i++) {
		r.code = -i;
		ck_assert(inject_add(&inj, &r));
	}
	ck_assert_uint_eq(inj.count, INJECT_MAX_RULES);
	r.code = 1000;
	ck_assert(!inject_add(&inj, &r));
	ck_assert_uint_eq(inj.count, INJECT_MAX_RULES);
	/* All 32 fire in order; the refused one never does. */
	for (int i = 0; i < INJECT_MAX_RULES; i++) {
		ck_assert_int_eq(mm_code(INJECT_KIND_MM_RETURN, GET), -i);
	}
	ck_assert_ptr_null(inject_mm(&inj, INJECT_KIND_MM_RETURN, GET));
}
END_TEST

/* --- Suite -----------------------------------------------------------------
 */

static TCase *fixture_case(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, inject_setup, NULL);
	tcase_set_timeout(tc, 10);
	suite_add_tcase(s, tc);
	return tc;
}

Suite *inject_suite(void);

Suite *inject_suite(void)
{
	Suite *s = suite_create("inject");
	TCase *tc;

	tc = fixture_case(s, "matching");
	tcase_add_loop_test(tc, rule_fires_exactly_on_the_calls_it_matches, 0,
			    (int)ARRAY_COUNT(match_rows));

	tc = fixture_case(s, "counts");
	tcase_add_test(tc, rule_with_count_fires_that_many_times_then_never);
	tcase_add_test(tc, rule_with_every_fires_always_and_keeps_its_count);
	tcase_add_test(tc, calls_that_do_not_match_consume_nothing);
	tcase_add_test(tc, gated_rule_keeps_its_count_until_exit_boot_services);

	tc = fixture_case(s, "skip");
	tcase_add_test(tc,
		       skipping_rule_lets_the_first_calls_through_then_answers);
	tcase_add_test(tc, nth_call_alone_is_answered);
	tcase_add_test(tc, skip_counts_only_matching_calls);
	tcase_add_test(
	    tc, every_rule_with_skip_answers_all_calls_after_the_skipped);
	tcase_add_test(
	    tc, call_let_through_by_a_skipping_rule_can_fire_a_later_one);
	tcase_add_test(tc, add_keeps_the_skip_of_the_rule);

	tc = fixture_case(s, "order");
	tcase_add_test(tc, first_added_matching_rule_wins_until_it_is_used_up);
	tcase_add_test(tc,
		       earlier_rule_that_does_not_match_lets_a_later_one_fire);
	tcase_add_test(
	    tc, every_rule_after_a_counted_one_takes_over_when_it_runs_out);
	tcase_add_test(tc, rules_of_other_kinds_do_not_shadow_each_other);

	tc = fixture_case(s, "table");
	tcase_add_test(tc, empty_injector_never_fires);
	tcase_add_test(tc, init_clears_rules_and_runtime);
	tcase_add_test(tc, add_copies_the_rule_and_starts_its_hits_at_zero);
	tcase_add_test(tc, table_holds_32_rules_and_refuses_the_33rd);

	return s;
}
