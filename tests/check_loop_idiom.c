/*
 * Unit tests of emulator/loop_idiom.c: which pairs of blocks are U-Boot's
 * memset() word loop and memcpy() byte loop, and how many turns are left.
 * The words are those of Debian's u-boot-qemu 2023.01 (u-boot.bin at
 * 0x82c84 and 0x82cb4, 0x82cf0 and 0x82d30).
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

static bool match(uint64_t head_pc, const uint32_t *head, unsigned head_count,
		  uint64_t body_pc, const uint32_t *body, unsigned body_count,
		  struct loop_idiom *l)
{
	const struct loop_block h = {head_pc, head, head_count};
	const struct loop_block b = {body_pc, body, body_count};

	return loop_idiom_match(&h, &b, l);
}

static bool match_fill(uint64_t head_pc, const uint32_t *head,
		       uint64_t body_pc, const uint32_t *body,
		       struct loop_idiom *l)
{
	return match(head_pc, head, 3, body_pc, body, 3, l);
}

START_TEST(uboot_memset_loop_is_a_fill)
{
	struct loop_idiom l;

	ck_assert(match_fill(HEAD_PC, uboot_head, BODY_PC, uboot_body, &l));
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

	ck_assert(!match_fill(BODY_PC, uboot_body, HEAD_PC, uboot_head, &l));
	ck_assert_int_eq(l.kind, LOOP_IDIOM_NONE);
	ck_assert(!match_fill(HEAD_PC, uboot_head, BODY_PC + 4, uboot_body,
			      &l));
	ck_assert(!match_fill(HEAD_PC - 4, uboot_head, BODY_PC, uboot_body,
			      &l));
	/* A block one instruction longer or shorter. */
	ck_assert(!match(HEAD_PC, uboot_head, 2, BODY_PC, uboot_body, 3, &l));
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
	ck_assert(!match_fill(HEAD_PC, head, BODY_PC, body, &l));
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
	ck_assert(!match_fill(HEAD_PC, uboot_head, BODY_PC, body, &l));
}
END_TEST

/* Turns left for Xend - Xi: none up to 7, then one per 8 bytes. */
START_TEST(turns_left_follow_the_head_comparison)
{
	struct loop_idiom l;

	ck_assert(match_fill(HEAD_PC, uboot_head, BODY_PC, uboot_body, &l));
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

#define COPY_HEAD_PC UINT64_C(0x82cf0)
#define COPY_BODY_PC UINT64_C(0x82d30)

static const uint32_t copy_head[2] = {
	0xeb03005fu, /* cmp x2, x3 */
	0x540001e1u, /* b.ne 0x82d30 */
};
static const uint32_t copy_body[4] = {
	0x38636825u, /* ldrb w5, [x1, x3] */
	0x38236885u, /* strb w5, [x4, x3] */
	0x91000463u, /* add x3, x3, #1 */
	0x17ffffedu, /* b 0x82cf0 */
};

START_TEST(uboot_memcpy_byte_loop_is_a_copy)
{
	struct loop_idiom l;

	ck_assert(match(COPY_HEAD_PC, copy_head, 2, COPY_BODY_PC, copy_body, 4,
			&l));
	ck_assert_int_eq(l.kind, LOOP_IDIOM_COPY_BYTES);
	ck_assert_uint_eq(l.end_reg, 2);
	ck_assert_uint_eq(l.index_reg, 3);
	ck_assert_uint_eq(l.source_reg, 1);
	ck_assert_uint_eq(l.base_reg, 4);
	ck_assert_uint_eq(l.temp_reg, 5);
	ck_assert_uint_eq(l.step, 1);
	ck_assert_uint_eq(l.insns_per_iteration, 6);
	/* One turn a byte until the index meets the end. */
	ck_assert_uint_eq(loop_idiom_iterations(&l, 100, 100), 0);
	ck_assert_uint_eq(loop_idiom_iterations(&l, 100, 1), 99);
	/* The compare the other way round means the same. */
	{
		uint32_t head[2] = {0xeb02007fu /* cmp x3, x2 */, copy_head[1]};

		ck_assert(match(COPY_HEAD_PC, head, 2, COPY_BODY_PC, copy_body,
				4, &l));
		ck_assert_uint_eq(l.end_reg, 2);
	}
}
END_TEST

/*
 * One word changed at a time (_i: which of the six), each a loop with
 * another effect: a signed compare's branch (b.gt), a halfword load, a
 * store of another register, a step of 2, a branch elsewhere; or the
 * byte in flight held in the index register (ldrb w3 and strb w3).
 */
START_TEST(other_copy_loops_are_not)
{
	static const uint32_t changed_copy[6] = {
		0x540001ecu,                /* b.gt 0x82d30 */
		0x78636825u,                /* ldrh w5, [x1, x3] */
		0x38236886u,                /* strb w6, [x4, x3] */
		0x91000863u,                /* add x3, x3, #2 */
		0x17ffffeeu,                /* b 0x82cf4 */
		0x38636823u,                /* ldrb w3, [x1, x3] */
	};
	uint32_t head[2] = {copy_head[0], copy_head[1]};
	uint32_t body[4] = {copy_body[0], copy_body[1], copy_body[2],
			    copy_body[3]};
	struct loop_idiom l;

	switch (_i) {
	case 0:
		head[1] = changed_copy[0];
		break;
	case 5:
		body[0] = changed_copy[5];
		body[1] = 0x38236883u; /* strb w3, [x4, x3] */
		break;
	default:
		body[_i - 1] = changed_copy[_i];
		break;
	}
	ck_assert(!match(COPY_HEAD_PC, head, 2, COPY_BODY_PC, body, 4, &l));
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
	tc = tcase_create("copy bytes");
	tcase_add_test(tc, uboot_memcpy_byte_loop_is_a_copy);
	tcase_add_loop_test(tc, other_copy_loops_are_not, 0, 6);
	suite_add_tcase(s, tc);
	return s;
}
