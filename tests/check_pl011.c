/*
 * Unit tests of emulator/pl011.c: the data register both ways, the flag
 * register, input queueing, the "waiting for input" inference, the
 * PrimeCell ID registers and the optional echo stream.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "emulator/pl011.h"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Check fixture state: the only file-scope mutable state (STYLE C1). */
static struct pl011 uart;

static void uart_setup(void)
{
	pl011_init(&uart);
}

static void uart_teardown(void)
{
	pl011_free(&uart);
}

static void put(const char *s)
{
	for (; *s != '\0'; s++) {
		pl011_write(&uart, PL011_DR, 4, (unsigned char)*s);
	}
}

static uint64_t fr(void)
{
	return pl011_read(&uart, PL011_FR, 4);
}

START_TEST(dr_write_appends_to_output)
{
	put("hello\n");
	ck_assert_str_eq(pl011_output(&uart), "hello\n");
	ck_assert_uint_eq(pl011_output_len(&uart), 6);
}
END_TEST

START_TEST(dr_write_keeps_only_the_low_byte)
{
	pl011_write(&uart, PL011_DR, 4, 0xffffff41);
	ck_assert_str_eq(pl011_output(&uart), "A");
}
END_TEST

START_TEST(output_is_empty_after_reset)
{
	ck_assert_str_eq(pl011_output(&uart), "");
	ck_assert_uint_eq(pl011_output_len(&uart), 0);
}
END_TEST

START_TEST(fr_with_no_input_says_rx_empty_and_tx_empty)
{
	uint64_t f = fr();

	ck_assert_uint_ne(f & PL011_FR_RXFE, 0);
	ck_assert_uint_ne(f & PL011_FR_TXFE, 0);
	ck_assert_uint_eq(f & (PL011_FR_TXFF | PL011_FR_RXFF | PL011_FR_BUSY),
			  0);
}
END_TEST

START_TEST(fr_with_input_clears_rx_empty)
{
	pl011_feed(&uart, "x", 1);
	ck_assert_uint_eq(fr() & PL011_FR_RXFE, 0);
	ck_assert_uint_ne(fr() & PL011_FR_TXFE, 0);
}
END_TEST

START_TEST(fed_input_is_read_from_dr_in_order)
{
	pl011_feed(&uart, "ab", 2);
	pl011_feed(&uart, "c", 1);
	ck_assert_uint_eq(pl011_input_pending(&uart), 3);
	ck_assert_uint_eq(pl011_read(&uart, PL011_DR, 4), 'a');
	ck_assert_uint_eq(pl011_read(&uart, PL011_DR, 4), 'b');
	ck_assert_uint_eq(pl011_input_pending(&uart), 1);
	ck_assert_uint_eq(pl011_read(&uart, PL011_DR, 4), 'c');
	ck_assert_uint_eq(pl011_input_pending(&uart), 0);
	ck_assert_uint_ne(fr() & PL011_FR_RXFE, 0);
	ck_assert_uint_eq(pl011_read(&uart, PL011_DR, 4), 0);
}
END_TEST

START_TEST(input_bytes_above_0x7f_read_back_unsigned)
{
	pl011_feed(&uart, "\xe9", 1);
	ck_assert_uint_eq(pl011_read(&uart, PL011_DR, 4), 0xe9);
}
END_TEST

START_TEST(feed_after_everything_was_consumed_starts_afresh)
{
	pl011_feed(&uart, "ab", 2);
	pl011_read(&uart, PL011_DR, 4);
	pl011_read(&uart, PL011_DR, 4);
	pl011_feed(&uart, "z", 1);
	ck_assert_uint_eq(pl011_input_pending(&uart), 1);
	ck_assert_uint_eq(pl011_read(&uart, PL011_DR, 4), 'z');
}
END_TEST

START_TEST(empty_polls_up_to_the_threshold_mean_waiting_for_input)
{
	uart.idle_polls = 3;
	ck_assert(!pl011_waiting_for_input(&uart));
	fr();
	pl011_read(&uart, PL011_DR, 4); /* an empty DR read counts too */
	ck_assert(!pl011_waiting_for_input(&uart));
	fr();
	ck_assert(pl011_waiting_for_input(&uart));
}
END_TEST

START_TEST(default_idle_threshold_is_pl011_idle_polls)
{
	for (unsigned i = 1; i < PL011_IDLE_POLLS; i++) {
		fr();
	}
	ck_assert(!pl011_waiting_for_input(&uart));
	fr();
	ck_assert(pl011_waiting_for_input(&uart));
}
END_TEST

START_TEST(output_between_polls_restarts_idle_detection)
{
	uart.idle_polls = 2;
	fr();
	put("."); /* a countdown printing is not idle */
	fr();
	ck_assert(!pl011_waiting_for_input(&uart));
	fr();
	ck_assert(pl011_waiting_for_input(&uart));
}
END_TEST

START_TEST(restart_idle_needs_the_polls_again)
{
	uart.idle_polls = 2;
	fr();
	fr();
	ck_assert(pl011_waiting_for_input(&uart));
	pl011_restart_idle(&uart);
	ck_assert(!pl011_waiting_for_input(&uart));
	fr();
	ck_assert(!pl011_waiting_for_input(&uart));
	fr();
	ck_assert(pl011_waiting_for_input(&uart));
}
END_TEST

START_TEST(cursor_query_is_answered_unless_turned_off)
{
	put("\x1b[6n");
	ck_assert_uint_eq(pl011_input_pending(&uart), 8);
	while (pl011_input_pending(&uart) != 0) {
		pl011_read(&uart, PL011_DR, 4);
	}
	pl011_answer_queries(&uart, false);
	put("\x1b[6n");
	ck_assert_uint_eq(pl011_input_pending(&uart), 0);
}
END_TEST

START_TEST(feed_ends_waiting_for_input)
{
	uart.idle_polls = 1;
	fr();
	ck_assert(pl011_waiting_for_input(&uart));
	pl011_feed(&uart, "\r", 1);
	ck_assert(!pl011_waiting_for_input(&uart));
	/* Polls while input is pending do not count. */
	fr();
	fr();
	ck_assert(!pl011_waiting_for_input(&uart));
	pl011_read(&uart, PL011_DR, 4);
	ck_assert(!pl011_waiting_for_input(&uart));
	fr();
	ck_assert(pl011_waiting_for_input(&uart));
}
END_TEST

/* PrimeCell periph/cell ID, PL011 r1p5 as QEMU gives them. */
static const uint8_t id_values[8] = {0x11, 0x10, 0x14, 0x00,
				     0x0d, 0xf0, 0x05, 0xb1};

START_TEST(id_registers_identify_a_pl011)
{
	ck_assert_uint_eq(pl011_read(&uart, 0xfe0 + 4 * (uint64_t)_i, 4),
			  id_values[_i]);
}
END_TEST

START_TEST(control_registers_have_reset_values_and_masks)
{
	ck_assert_uint_eq(pl011_read(&uart, PL011_CR, 4), 0x300);
	ck_assert_uint_eq(pl011_read(&uart, PL011_IFLS, 4), 0x12);
	pl011_write(&uart, PL011_IBRD, 4, 0x12345678);
	pl011_write(&uart, PL011_FBRD, 4, 0xff);
	pl011_write(&uart, PL011_LCR_H, 4, 0x170);
	pl011_write(&uart, PL011_CR, 4, 0x10301);
	pl011_write(&uart, PL011_IMSC, 4, 0xffff);
	ck_assert_uint_eq(pl011_read(&uart, PL011_IBRD, 4), 0x5678);
	ck_assert_uint_eq(pl011_read(&uart, PL011_FBRD, 4), 0x3f);
	ck_assert_uint_eq(pl011_read(&uart, PL011_LCR_H, 4), 0x70);
	ck_assert_uint_eq(pl011_read(&uart, PL011_CR, 4), 0x301);
	ck_assert_uint_eq(pl011_read(&uart, PL011_IMSC, 4), 0x7ff);
	/* No interrupts are modelled. */
	ck_assert_uint_eq(pl011_read(&uart, PL011_RIS, 4), 0);
	ck_assert_uint_eq(pl011_read(&uart, PL011_MIS, 4), 0);
	/* Writes elsewhere do not reach the output. */
	pl011_write(&uart, PL011_ICR, 4, 'x');
	ck_assert_uint_eq(pl011_output_len(&uart), 0);
}
END_TEST

START_TEST(echo_off_by_default_output_still_captured)
{
	ck_assert_ptr_null(uart.echo);
	put("quiet");
	ck_assert_str_eq(pl011_output(&uart), "quiet");
}
END_TEST

START_TEST(echo_stream_gets_every_output_byte)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	uart.echo = f;
	put("ab\n");
	ck_assert_int_eq(fclose(f), 0);
	uart.echo = NULL;
	ck_assert_uint_eq(len, 3);
	ck_assert_str_eq(text, "ab\n");
	ck_assert_str_eq(pl011_output(&uart), "ab\n");
	free(text);
}
END_TEST

Suite *pl011_suite(void);

Suite *pl011_suite(void)
{
	Suite *s = suite_create("pl011");
	TCase *tc = tcase_create("pl011");

	tcase_add_checked_fixture(tc, uart_setup, uart_teardown);
	tcase_add_test(tc, dr_write_appends_to_output);
	tcase_add_test(tc, dr_write_keeps_only_the_low_byte);
	tcase_add_test(tc, output_is_empty_after_reset);
	tcase_add_test(tc, fr_with_no_input_says_rx_empty_and_tx_empty);
	tcase_add_test(tc, fr_with_input_clears_rx_empty);
	tcase_add_test(tc, fed_input_is_read_from_dr_in_order);
	tcase_add_test(tc, input_bytes_above_0x7f_read_back_unsigned);
	tcase_add_test(tc, feed_after_everything_was_consumed_starts_afresh);
	tcase_add_test(tc,
		       empty_polls_up_to_the_threshold_mean_waiting_for_input);
	tcase_add_test(tc, default_idle_threshold_is_pl011_idle_polls);
	tcase_add_test(tc, output_between_polls_restarts_idle_detection);
	tcase_add_test(tc, restart_idle_needs_the_polls_again);
	tcase_add_test(tc, cursor_query_is_answered_unless_turned_off);
	tcase_add_test(tc, feed_ends_waiting_for_input);
	tcase_add_loop_test(tc, id_registers_identify_a_pl011, 0,
			    (int)ARRAY_COUNT(id_values));
	tcase_add_test(tc, control_registers_have_reset_values_and_masks);
	tcase_add_test(tc, echo_off_by_default_output_still_captured);
	tcase_add_test(tc, echo_stream_gets_every_output_byte);
	suite_add_tcase(s, tc);
	return s;
}
