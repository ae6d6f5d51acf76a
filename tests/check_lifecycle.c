/*
 * Unit tests of models/lifecycle.c: one phase, advanced by the first
 * evidence that proves a later phase, never moved back, every piece of
 * evidence remembered, listeners called once per change in order.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "models/lifecycle.h"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Check fixture state: the only file-scope mutable state (STYLE C1). */
static struct lifecycle lc;
static char calls[512];
static char tag_a[] = "a", tag_b[] = "b";

static void listener(void *ctx, enum lifecycle_phase from,
		     enum lifecycle_phase to, enum lifecycle_evidence why)
{
	size_t n = strlen(calls);

	snprintf(calls + n, sizeof(calls) - n, "%s:%s>%s(%s);",
		 (const char *)ctx, lifecycle_phase_name(from),
		 lifecycle_phase_name(to), lifecycle_evidence_name(why));
}

static void setup(void)
{
	lifecycle_init(&lc);
	calls[0] = '\0';
}

START_TEST(starts_in_boot)
{
	ck_assert_int_eq(lc.phase, LIFECYCLE_BOOT);
	ck_assert(!lifecycle_exiting_or_later(&lc));
	ck_assert(!lifecycle_at_runtime(&lc));
	ck_assert(!lifecycle_at_runtime(NULL));
}
END_TEST

START_TEST(mm_exit_event_is_exit_boot_services_not_runtime)
{
	ck_assert(lifecycle_evidence(&lc, EVIDENCE_MM_EXIT_BOOT_SERVICE));
	ck_assert_int_eq(lc.phase, LIFECYCLE_EXIT_BOOT_SERVICES);
	ck_assert(lifecycle_exiting_or_later(&lc));
	ck_assert(!lifecycle_at_runtime(&lc));
}
END_TEST

START_TEST(exit_returned_is_runtime_and_may_skip_phases)
{
	lifecycle_listen(&lc, listener, tag_a);
	ck_assert(lifecycle_evidence(&lc, EVIDENCE_FIRMWARE_EXIT_RETURNED));
	ck_assert_int_eq(lc.phase, LIFECYCLE_RUNTIME);
	ck_assert_int_eq(lc.why, EVIDENCE_FIRMWARE_EXIT_RETURNED);
	ck_assert_str_eq(calls, "a:boot>runtime("
				"firmware-exit-boot-services-returned);");
}
END_TEST

START_TEST(earlier_evidence_never_rewinds_but_is_remembered)
{
	lifecycle_listen(&lc, listener, tag_a);
	lifecycle_evidence(&lc, EVIDENCE_AGENT_EXIT_BOOT_SERVICES);
	calls[0] = '\0';
	ck_assert(!lifecycle_evidence(&lc, EVIDENCE_MM_READY_TO_BOOT));
	ck_assert(!lifecycle_evidence(&lc, EVIDENCE_MM_EXIT_BOOT_SERVICE));
	ck_assert(!lifecycle_evidence(&lc, EVIDENCE_FIRMWARE_EXIT_RETURNED));
	ck_assert_int_eq(lc.phase, LIFECYCLE_RUNTIME);
	ck_assert_int_eq(lc.why, EVIDENCE_AGENT_EXIT_BOOT_SERVICES);
	ck_assert(lc.seen[EVIDENCE_MM_READY_TO_BOOT]);
	ck_assert(lc.seen[EVIDENCE_FIRMWARE_EXIT_RETURNED]);
	ck_assert_str_eq(calls, ""); /* no change, no call */
}
END_TEST

START_TEST(whole_sequence_calls_listeners_in_order)
{
	static const enum lifecycle_evidence seq[] = {
		EVIDENCE_MM_READY_TO_BOOT, EVIDENCE_MM_EXIT_BOOT_SERVICE,
		EVIDENCE_AGENT_EXIT_BOOT_SERVICES, EVIDENCE_AGENT_VIRTUAL_MAP};

	lifecycle_listen(&lc, listener, tag_a);
	lifecycle_listen(&lc, listener, tag_b);
	for (size_t i = 0; i < ARRAY_COUNT(seq); i++) {
		ck_assert(lifecycle_evidence(&lc, seq[i]));
	}
	ck_assert_int_eq(lc.phase, LIFECYCLE_VIRTUAL_ADDRESS_MAP);
	ck_assert_str_eq(
		calls,
		"a:boot>ready-to-boot(mm-ready-to-boot);"
		"b:boot>ready-to-boot(mm-ready-to-boot);"
		"a:ready-to-boot>exit-boot-services(mm-exit-boot-service);"
		"b:ready-to-boot>exit-boot-services(mm-exit-boot-service);"
		"a:exit-boot-services>runtime(agent-exit-boot-services);"
		"b:exit-boot-services>runtime(agent-exit-boot-services);"
		"a:runtime>virtual-address-map(agent-set-virtual-address-map);"
		"b:runtime>virtual-address-map(agent-set-virtual-address-map);");
}
END_TEST

START_TEST(listener_table_is_bounded)
{
	for (int i = 0; i < LIFECYCLE_MAX_LISTENERS; i++) {
		ck_assert(lifecycle_listen(&lc, listener, tag_a));
	}
	ck_assert(!lifecycle_listen(&lc, listener, tag_a));
}
END_TEST

START_TEST(unknown_evidence_changes_nothing)
{
	ck_assert(!lifecycle_evidence(&lc, EVIDENCE_COUNT));
	ck_assert_int_eq(lc.phase, LIFECYCLE_BOOT);
	ck_assert_str_eq(lifecycle_evidence_name(EVIDENCE_COUNT), "?");
	ck_assert_str_eq(lifecycle_phase_name(LIFECYCLE_PHASE_COUNT), "?");
}
END_TEST

Suite *lifecycle_suite(void);

Suite *lifecycle_suite(void)
{
	Suite *s = suite_create("lifecycle");
	TCase *tc = tcase_create("lifecycle");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, starts_in_boot);
	tcase_add_test(tc, mm_exit_event_is_exit_boot_services_not_runtime);
	tcase_add_test(tc, exit_returned_is_runtime_and_may_skip_phases);
	tcase_add_test(tc, earlier_evidence_never_rewinds_but_is_remembered);
	tcase_add_test(tc, whole_sequence_calls_listeners_in_order);
	tcase_add_test(tc, listener_table_is_bounded);
	tcase_add_test(tc, unknown_evidence_changes_nothing);
	suite_add_tcase(s, tc);
	return s;
}
