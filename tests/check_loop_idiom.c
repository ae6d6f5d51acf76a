/*
 * Unit tests of emulator/loop_idiom.c: which pairs of blocks are U-Boot's
 * memset() word loop, and how many turns are left.  The words are those of
 * Debian's u-boot-qemu 2023.01 (u-boot.bin at 0x82c84 and 0x82cb4).
 */
#include <check.h>

#include "emulator/loop_idiom.h"

#define HEAD_PC UINT64_C(0x82c84)
#define BODY_PC UINT64_C(0x82cb4)

static const uint32_t uboot_head[3] = {
	0xcb030045u, /* sub x5, x2, x3 */
	0xf1001cbfu, /* cmp x5, #7 */
	0x54000148u, /* b.hi 0x82cb4 */
};
static const uint32_t uboot_body[3] = {
	0xf8236804u, /* str x4, [x0, x3] */
	0x91002063u, /* add x3, x3, #8 */
	0x17fffff2u, /* b 0x82c84 */
};

START_TEST(uboot_memset_loop_is_a_fill)
{
	struct loop_idiom l;

	ck_assert(loop_idiom_match(HEAD_PC, uboot_head, BODY_PC, uboot_body,
				   &l));
	ck_assert_int_eq(l.kind, LOOP_IDIOM_FILL_WORDS);
	ck_assert_uint_eq(l.end_reg, 2);
	ck_assert_uint_eq(l.index_reg, 3);
	ck_assert_uint_eq(l.base_reg, 0);
	ck_assert_uint_eq(l.value_reg, 4);
	ck_assert_uint_eq(l.temp_reg, 5);
	ck_assert_uint_eq(l.step, 8);
	ck_assert_uint_eq(l.insns_per_iteration, 6);
}
END_TEST

/* The body first, or either block somewhere else: not the loop. */
START_TEST(blocks_in_another_order_or_place_are_not)
{
	struct loop_idiom l;

	ck_assert(!loop_idiom_match(BODY_PC, uboot_body, HEAD_PC, uboot_head,
				    &l));
	ck_assert_int_eq(l.kind, LOOP_IDIOM_NONE);
	ck_assert(!loop_idiom_match(HEAD_PC, uboot_head, BODY_PC + 4,
				    uboot_body, &l));
	ck_assert(!loop_idiom_match(HEAD_PC - 4, uboot_head, BODY_PC,
				    uboot_body, &l));
}
END_TEST

/*
 * One word changed at a time (_i: which of the six), each a loop with
 * another effect: not the loop.
 */
static const uint32_t changed[6] = {
	0xcb030445u, /* sub x5, x2, x3, lsl #1 */
	0xf1003cbfu, /* cmp x5, #15 */
	0x54000142u, /* b.hs 0x82cb4 */
	0xb8236804u, /* str w4, [x0, x3] */
	0x91001063u, /* add x3, x3, #4 */
	0x17fffff3u, /* b 0x82c88 */
};

START_TEST(other_loops_are_not)
{
	uint32_t head[3], body[3];
	struct loop_idiom l;

	for (unsigned i = 0; i < 3; i++) {
		head[i] = uboot_head[i];
		body[i] = uboot_body[i];
	}
	if (_i < 3) {
		head[_i] = changed[_i];
	} else {
		body[_i - 3] = changed[_i];
	}
	ck_assert(!loop_idiom_match(HEAD_PC, head, BODY_PC, body, &l));
}
END_TEST

/*
 * Registers that would make an iteration change more than the index: the
 * stored value is the head's temporary (str x5), the index is the base
 * (str x4, [x3, x3]), or the zero register is the base.
 */
START_TEST(registers_the_loop_changes_elsewhere_are_not)
{
	static const uint32_t bodies[3] = {
		0xf8236805u, /* str x5, [x0, x3] */
		0xf8236864u, /* str x4, [x3, x3] */
		0xf8236be4u, /* str x4, [sp, x3] */
	};
	uint32_t body[3] = {0, uboot_body[1], uboot_body[2]};
	struct loop_idiom l;

	body[0] = bodies[_i];
	ck_assert(!loop_idiom_match(HEAD_PC, uboot_head, BODY_PC, body, &l));
}
END_TEST

/* Turns left for Xend - Xi: none up to 7, then one per 8 bytes. */
START_TEST(turns_left_follow_the_head_comparison)
{
	struct loop_idiom l;

	ck_assert(loop_idiom_match(HEAD_PC, uboot_head, BODY_PC, uboot_body,
				   &l));
	ck_assert_uint_eq(loop_idiom_iterations(&l, 7, 0), 0);
	ck_assert_uint_eq(loop_idiom_iterations(&l, 8, 0), 1);
	ck_assert_uint_eq(loop_idiom_iterations(&l, 15, 0), 1);
	ck_assert_uint_eq(loop_idiom_iterations(&l, 16, 0), 2);
	ck_assert_uint_eq(loop_idiom_iterations(&l, 8196, 8), 1023);
	ck_assert_uint_eq(loop_idiom_iterations(&l, 100, 100), 0);
	/* Xi past Xend: the unsigned difference is huge, as in the loop. */
	ck_assert_uint_eq(loop_idiom_iterations(&l, 0, 8),
			  (UINT64_MAX - 7) / 8);
}
END_TEST

Suite *loop_idiom_suite(void);

Suite *loop_idiom_suite(void)
{
	Suite *s = suite_create("loop_idiom");
	TCase *tc = tcase_create("fill words");

	tcase_add_test(tc, uboot_memset_loop_is_a_fill);
	tcase_add_test(tc, blocks_in_another_order_or_place_are_not);
	tcase_add_loop_test(tc, other_loops_are_not, 0, 6);
	tcase_add_loop_test(tc, registers_the_loop_changes_elsewhere_are_not,
			    0, 3);
	tcase_add_test(tc, turns_left_follow_the_head_comparison);
	suite_add_tcase(s, tc);
	return s;
}
