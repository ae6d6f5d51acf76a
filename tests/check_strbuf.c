/*
 * Unit tests of common/strbuf.c: strbuf_printf() formats into reserved
 * room first and formats again only when the text did not fit, so the
 * texts around that room's edge, long texts and texts appended after
 * existing bytes must all come out whole and NUL-terminated.  The number
 * writers must give printf's digits.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "common/strbuf.h"

/* Lengths around the first reservation (64, 128 and 256 bytes of cap). */
static const size_t printf_lengths[] = {
	0, 1, 62, 63, 64, 65, 119, 120, 121, 126, 127, 128, 129,
	255, 256, 257, 1000, 5000,
};

/* A text of len bytes that is not all one character. */
static void fill_pattern(char *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		p[i] = (char)('a' + i % 26);
	}
	p[len] = '\0';
}

START_TEST(printf_writes_whole_text_of_any_length)
{
	size_t len = printf_lengths[_i];
	char *want = xmalloc(len + 1);
	struct strbuf sb = STRBUF_INIT;

	fill_pattern(want, len);
	strbuf_printf(&sb, "%s", want);
	ck_assert_uint_eq(sb.len, len);
	ck_assert_str_eq(strbuf_str(&sb), want);
	ck_assert_uint_eq(strlen(strbuf_str(&sb)), len);
	strbuf_free(&sb);
	free(want);
}
END_TEST

START_TEST(printf_appends_after_existing_bytes)
{
	size_t len = printf_lengths[_i];
	char *text = xmalloc(len + 1);
	char *want = xmalloc(len + 40);
	struct strbuf sb = STRBUF_INIT;

	fill_pattern(text, len);
	strbuf_puts(&sb, "head:");
	strbuf_printf(&sb, "%s|%d", text, -7);
	snprintf(want, len + 40, "head:%s|%d", text, -7);
	ck_assert_str_eq(strbuf_str(&sb), want);
	ck_assert_uint_eq(sb.len, strlen(want));
	/* A second printf goes after the first, not over it. */
	strbuf_printf(&sb, "%s", "!");
	ck_assert_uint_eq(sb.len, strlen(want) + 1);
	ck_assert_int_eq(sb.data[sb.len - 1], '!');
	ck_assert_int_eq(sb.data[sb.len], '\0');
	strbuf_free(&sb);
	free(text);
	free(want);
}
END_TEST

START_TEST(printf_of_nothing_leaves_an_empty_string)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_printf(&sb, "%s", "");
	ck_assert_uint_eq(sb.len, 0);
	ck_assert_str_eq(strbuf_str(&sb), "");
	strbuf_free(&sb);
}
END_TEST

START_TEST(many_printfs_build_the_same_text_as_one_snprintf)
{
	struct strbuf sb = STRBUF_INIT;
	char want[4096];
	size_t n = 0;

	for (int i = 0; i < 300; i++) {
		strbuf_printf(&sb, "%d,", i * 37);
		n += (size_t)snprintf(want + n, sizeof(want) - n, "%d,", i * 37);
	}
	ck_assert_uint_lt(n, sizeof(want));
	ck_assert_str_eq(strbuf_str(&sb), want);
	ck_assert_uint_eq(sb.len, n);
	strbuf_free(&sb);
}
END_TEST

/* Values at every digit count and the edges of the type. */
static const uint64_t number_values[] = {
	0, 1, 9, 10, 15, 16, 99, 100, 255, 256, 4095, 4096, 65535,
	UINT64_C(0xdeadbeef), UINT64_C(9999999999), UINT64_C(10000000000),
	UINT64_C(0x7fffffffffffffff), UINT64_C(0x8000000000000000),
	UINT64_C(9999999999999999999), UINT64_C(10000000000000000000),
	UINT64_MAX,
};

START_TEST(dec_and_hex_are_printfs_digits)
{
	uint64_t v = number_values[_i];
	struct strbuf sb = STRBUF_INIT;
	char want[64];

	strbuf_puts(&sb, "<");
	strbuf_put_dec(&sb, v);
	strbuf_putc(&sb, '|');
	strbuf_put_hex(&sb, v);
	strbuf_putc(&sb, '>');
	snprintf(want, sizeof(want), "<%" PRIu64 "|%" PRIx64 ">", v, v);
	ck_assert_str_eq(strbuf_str(&sb), want);
	ck_assert_uint_eq(sb.len, strlen(want));
	strbuf_free(&sb);
}
END_TEST

Suite *strbuf_suite(void);

Suite *strbuf_suite(void)
{
	Suite *s = suite_create("strbuf");
	TCase *tc = tcase_create("printf");

	tcase_add_loop_test(tc, printf_writes_whole_text_of_any_length, 0,
			    (int)(sizeof(printf_lengths) /
				  sizeof(printf_lengths[0])));
	tcase_add_loop_test(tc, printf_appends_after_existing_bytes, 0,
			    (int)(sizeof(printf_lengths) /
				  sizeof(printf_lengths[0])));
	tcase_add_test(tc, printf_of_nothing_leaves_an_empty_string);
	tcase_add_test(tc, many_printfs_build_the_same_text_as_one_snprintf);
	suite_add_tcase(s, tc);

	tc = tcase_create("numbers");
	tcase_add_loop_test(tc, dec_and_hex_are_printfs_digits, 0,
			    (int)(sizeof(number_values) /
				  sizeof(number_values[0])));
	suite_add_tcase(s, tc);
	return s;
}
