/*
 * Unit tests of emulator/runtime_guard.c, the runtime guard's rules: what
 * each check allows, which checks run, one report per PC, region names and
 * the gaps the machine hooks.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "emulator/platform.h"
#include "emulator/runtime_guard.h"

/* Check fixture state: the only file-scope mutable state (STYLE C1). */
static struct runtime_guard g;
static uint64_t gaps[8][2];
static size_t gap_count;

static const struct guard_range allowed[] = {
	{0x40300000, 0x1000, GUARD_DATA, "runtime data"},
	{0x40100000, 0x2000, GUARD_EXEC, "runtime code"},
	{0x09000000, 0x1000, GUARD_DATA, "UART"},
};
static const struct guard_range names[] = {
	{0x40000000, 0x100000, 0, "boot code"},
};

static void setup(void)
{
	runtime_guard_init(&g);
	gap_count = 0;
}

static void teardown(void)
{
	runtime_guard_free(&g);
}

static void arm(void)
{
	runtime_guard_arm(&g, allowed, 3, names, 1);
}

START_TEST(nothing_is_a_violation_before_arming)
{
	ck_assert(!runtime_guard_violates(&g, GUARD_CHECK_FETCH, 0x40000000));
	ck_assert(!runtime_guard_violates(&g, GUARD_CHECK_DATA, 0x40000000));
}
END_TEST

START_TEST(each_check_allows_its_ranges)
{
	arm();
	ck_assert(!runtime_guard_violates(&g, GUARD_CHECK_FETCH, 0x40101ffc));
	ck_assert(runtime_guard_violates(&g, GUARD_CHECK_FETCH, 0x40102000));
	ck_assert(runtime_guard_violates(&g, GUARD_CHECK_FETCH, 0x40300000));
	/* Data may be read from code and data ranges. */
	ck_assert(!runtime_guard_violates(&g, GUARD_CHECK_DATA, 0x40100010));
	ck_assert(!runtime_guard_violates(&g, GUARD_CHECK_DATA, 0x40300ff8));
	ck_assert(runtime_guard_violates(&g, GUARD_CHECK_DATA, 0x40000000));
	/* Devices: declared data ranges only. */
	ck_assert(!runtime_guard_violates(&g, GUARD_CHECK_MMIO, 0x09000018));
	ck_assert(runtime_guard_violates(&g, GUARD_CHECK_MMIO, 0x09010000));
	ck_assert(runtime_guard_violates(&g, GUARD_CHECK_MMIO, 0x40100000));
}
END_TEST

START_TEST(checks_switched_off_find_nothing)
{
	arm();
	g.checks = GUARD_CHECK_FETCH | GUARD_CHECK_MMIO;
	ck_assert(!runtime_guard_violates(&g, GUARD_CHECK_DATA, 0x40000000));
	ck_assert(runtime_guard_violates(&g, GUARD_CHECK_FETCH, 0x40000000));
	g.checks = 0;
	ck_assert(!runtime_guard_violates(&g, GUARD_CHECK_FETCH, 0x40000000));
}
END_TEST

START_TEST(each_pc_is_reported_once_and_every_violation_counted)
{
	ck_assert(runtime_guard_first_at(&g, 0x1000));
	ck_assert(!runtime_guard_first_at(&g, 0x1000));
	for (uint64_t pc = 1; pc < GUARD_MAX_REPORTED; pc++) {
		ck_assert(runtime_guard_first_at(&g, 0x2000 + pc * 4));
	}
	ck_assert(!runtime_guard_first_at(&g, 0x9000)); /* cap reached */
	ck_assert_uint_eq(g.violations, GUARD_MAX_REPORTED + 2);
}
END_TEST

START_TEST(regions_are_named_by_range_then_platform)
{
	const struct platform *p = platform_default();

	arm();
	ck_assert_str_eq(runtime_guard_region_name(&g, p, 0x40000010),
			 "boot code");
	ck_assert_str_ne(runtime_guard_region_name(&g, p, 0x50000000),
			 "boot code");
	ck_assert_str_eq(runtime_guard_region_name(&g, p, UINT64_C(1) << 60),
			 "unmapped");
}
END_TEST

static bool record(void *ctx, uint64_t first, uint64_t last)
{
	(void)ctx;
	gaps[gap_count][0] = first;
	gaps[gap_count][1] = last;
	gap_count++;
	return true;
}

START_TEST(gaps_are_what_no_allowed_range_covers_in_order)
{
	arm();
	ck_assert(runtime_guard_gaps(&g, 0x40000000, 0x40400000, record,
				     NULL));
	ck_assert_uint_eq(gap_count, 3);
	ck_assert_uint_eq(gaps[0][0], 0x40000000);
	ck_assert_uint_eq(gaps[0][1], 0x400fffff);
	ck_assert_uint_eq(gaps[1][0], 0x40102000);
	ck_assert_uint_eq(gaps[1][1], 0x402fffff);
	ck_assert_uint_eq(gaps[2][0], 0x40301000);
	ck_assert_uint_eq(gaps[2][1], 0x403fffff);
}
END_TEST

Suite *runtime_guard_suite(void);

Suite *runtime_guard_suite(void)
{
	Suite *s = suite_create("runtime_guard");
	TCase *tc = tcase_create("runtime_guard");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, nothing_is_a_violation_before_arming);
	tcase_add_test(tc, each_check_allows_its_ranges);
	tcase_add_test(tc, checks_switched_off_find_nothing);
	tcase_add_test(tc, each_pc_is_reported_once_and_every_violation_counted);
	tcase_add_test(tc, regions_are_named_by_range_then_platform);
	tcase_add_test(tc, gaps_are_what_no_allowed_range_covers_in_order);
	suite_add_tcase(s, tc);
	return s;
}
