/*
 * Unit tests of harness/console_input.c: the escape keys of `ffa-harness
 * console` (QEMU's multiplexer conventions: C-a x, C-a h, C-a C-a) and the
 * bounded queue that refills the UART as the firmware reads.
 */
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "harness/console_input.h"

/* Check fixture state: the only file-scope mutable state (STYLE C1). */
static struct console_input in;

static void input_setup(void)
{
	console_input_init(&in);
}

/* Everything queued now, as a string. */
static const char *drain(void)
{
	static char out[CONSOLE_INPUT_CAP + 1];
	size_t n = console_input_pop(&in, out, CONSOLE_INPUT_CAP);

	out[n] = '\0';
	return out;
}

START_TEST(plain_bytes_are_queued_in_order)
{
	size_t used = 0;

	ck_assert_int_eq(console_input_take(&in, "version\r", 8, &used),
			 CONSOLE_CMD_NONE);
	ck_assert_uint_eq(used, 8);
	ck_assert_uint_eq(console_input_queued(&in), 8);
	ck_assert_str_eq(drain(), "version\r");
	ck_assert_uint_eq(console_input_queued(&in), 0);
}
END_TEST

START_TEST(ctrl_a_x_quits_and_takes_nothing_after_it)
{
	size_t used = 0;

	ck_assert_int_eq(console_input_take(&in, "ab\001xcd", 6, &used),
			 CONSOLE_CMD_QUIT);
	ck_assert_uint_eq(used, 4);
	ck_assert_uint_eq(console_input_room(&in), 0);
	ck_assert_int_eq(console_input_take(&in, "cd", 2, &used),
			 CONSOLE_CMD_NONE);
	ck_assert_uint_eq(used, 0);
	ck_assert_str_eq(drain(), "ab");
}
END_TEST

START_TEST(ctrl_a_h_asks_for_help_and_the_rest_goes_on)
{
	size_t used = 0;

	ck_assert_int_eq(console_input_take(&in, "a\001hb", 4, &used),
			 CONSOLE_CMD_HELP);
	ck_assert_uint_eq(used, 3);
	ck_assert_int_eq(console_input_take(&in, "b", 1, &used),
			 CONSOLE_CMD_NONE);
	ck_assert_str_eq(drain(), "ab");
	ck_assert_ptr_nonnull(strstr(console_input_help, "C-a x"));
}
END_TEST

START_TEST(ctrl_a_s_asks_for_the_status)
{
	size_t used = 0;

	ck_assert_int_eq(console_input_take(&in, "\001s", 2, &used),
			 CONSOLE_CMD_STATUS);
	ck_assert_uint_eq(console_input_queued(&in), 0);
}
END_TEST

START_TEST(ctrl_a_twice_sends_one_ctrl_a)
{
	size_t used = 0;

	ck_assert_int_eq(console_input_take(&in, "\001\001z", 3, &used),
			 CONSOLE_CMD_NONE);
	ck_assert_str_eq(drain(), "\001z");
}
END_TEST

START_TEST(an_unknown_key_after_ctrl_a_is_dropped)
{
	size_t used = 0;

	ck_assert_int_eq(console_input_take(&in, "\001qok", 4, &used),
			 CONSOLE_CMD_NONE);
	ck_assert_str_eq(drain(), "ok");
}
END_TEST

START_TEST(an_escape_split_across_reads_still_counts)
{
	size_t used = 0;

	ck_assert_int_eq(console_input_take(&in, "a\001", 2, &used),
			 CONSOLE_CMD_NONE);
	ck_assert_int_eq(console_input_take(&in, "x", 1, &used),
			 CONSOLE_CMD_QUIT);
	ck_assert_str_eq(drain(), "a");
}
END_TEST

START_TEST(the_queue_takes_no_more_than_its_room)
{
	static char big[CONSOLE_INPUT_CAP + 10];
	char out[8];
	size_t used = 0;

	memset(big, 'k', sizeof(big));
	ck_assert_int_eq(console_input_take(&in, big, sizeof(big), &used),
			 CONSOLE_CMD_NONE);
	ck_assert_uint_eq(used, CONSOLE_INPUT_CAP);
	ck_assert_uint_eq(console_input_room(&in), 0);
	ck_assert_uint_eq(console_input_pop(&in, out, sizeof(out)), 8);
	ck_assert_uint_eq(console_input_room(&in), 8);
}
END_TEST

START_TEST(the_queue_wraps_around_in_order)
{
	static char first[CONSOLE_INPUT_CAP - 3];
	char out[CONSOLE_INPUT_CAP];
	size_t used = 0;

	memset(first, 'f', sizeof(first));
	console_input_take(&in, first, sizeof(first), &used);
	ck_assert_uint_eq(console_input_pop(&in, out, sizeof(first)),
			  sizeof(first));
	/* head is 3 bytes before the end: these 6 wrap. */
	console_input_take(&in, "abcdef", 6, &used);
	ck_assert_uint_eq(used, 6);
	ck_assert_str_eq(drain(), "abcdef");
}
END_TEST

Suite *console_input_suite(void);

Suite *console_input_suite(void)
{
	Suite *s = suite_create("console_input");
	TCase *tc = tcase_create("console_input");

	tcase_add_checked_fixture(tc, input_setup, NULL);
	tcase_add_test(tc, plain_bytes_are_queued_in_order);
	tcase_add_test(tc, ctrl_a_x_quits_and_takes_nothing_after_it);
	tcase_add_test(tc, ctrl_a_h_asks_for_help_and_the_rest_goes_on);
	tcase_add_test(tc, ctrl_a_s_asks_for_the_status);
	tcase_add_test(tc, ctrl_a_twice_sends_one_ctrl_a);
	tcase_add_test(tc, an_unknown_key_after_ctrl_a_is_dropped);
	tcase_add_test(tc, an_escape_split_across_reads_still_counts);
	tcase_add_test(tc, the_queue_takes_no_more_than_its_room);
	tcase_add_test(tc, the_queue_wraps_around_in_order);
	suite_add_tcase(s, tc);
	return s;
}
