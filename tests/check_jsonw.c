/*
 * Unit tests of common/json.c: commas between siblings at every depth,
 * keys, escaping, numbers, the hex forms, pretty output, and what happens
 * beyond the nesting limit.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "common/jsonw.h"
#include "common/strbuf.h"

/* Check fixture state: the only file-scope mutable state (STYLE C1). */
static struct strbuf out;
static struct jsonw j;

static void json_setup(void)
{
	strbuf_reset(&out);
	jsonw_init(&j, &out, false);
}

static void json_teardown(void)
{
	strbuf_free(&out);
}

#define ASSERT_JSON(text) ck_assert_str_eq(strbuf_str(&out), (text))

START_TEST(empty_object_and_array)
{
	jsonw_begin_array(&j);
	jsonw_begin_object(&j);
	jsonw_end_object(&j);
	jsonw_begin_array(&j);
	jsonw_end_array(&j);
	jsonw_end_array(&j);
	ASSERT_JSON("[{},[]]");
}
END_TEST

START_TEST(object_members_are_separated_by_commas)
{
	jsonw_begin_object(&j);
	jsonw_kv_int(&j, "a", 1);
	jsonw_kv_string(&j, "b", "x");
	jsonw_kv_bool(&j, "c", false);
	jsonw_end_object(&j);
	ASSERT_JSON("{\"a\":1,\"b\":\"x\",\"c\":false}");
}
END_TEST

START_TEST(nesting_keeps_commas_per_level)
{
	jsonw_begin_object(&j);
	jsonw_key(&j, "a");
	jsonw_begin_array(&j);
	jsonw_int(&j, 1);
	jsonw_int(&j, 2);
	jsonw_begin_object(&j);
	jsonw_kv_bool(&j, "b", true);
	jsonw_end_object(&j);
	jsonw_end_array(&j);
	jsonw_key(&j, "c");
	jsonw_null(&j);
	jsonw_key(&j, "d");
	jsonw_begin_object(&j);
	jsonw_end_object(&j);
	jsonw_end_object(&j);
	ASSERT_JSON("{\"a\":[1,2,{\"b\":true}],\"c\":null,\"d\":{}}");
}
END_TEST

START_TEST(array_of_objects_has_commas_between_objects)
{
	jsonw_begin_array(&j);
	for (int i = 0; i < 3; i++) {
		jsonw_begin_object(&j);
		jsonw_kv_int(&j, "i", i);
		jsonw_end_object(&j);
	}
	jsonw_end_array(&j);
	ASSERT_JSON("[{\"i\":0},{\"i\":1},{\"i\":2}]");
}
END_TEST

START_TEST(strings_are_escaped)
{
	jsonw_begin_array(&j);
	jsonw_string(&j, "q\"b\\n\nr\rt\t\x01\x1f\x7f");
	jsonw_string(&j, "caf\xc3\xa9"); /* UTF-8 passes through */
	jsonw_end_array(&j);
	ASSERT_JSON("[\"q\\\"b\\\\n\\nr\\rt\\t\\u0001\\u001f\\u007f\","
		    "\"caf\xc3\xa9\"]");
}
END_TEST

START_TEST(keys_are_escaped_too)
{
	jsonw_begin_object(&j);
	jsonw_kv_int(&j, "a\"b", 1);
	jsonw_end_object(&j);
	ASSERT_JSON("{\"a\\\"b\":1}");
}
END_TEST

START_TEST(string_with_length_may_contain_nul)
{
	jsonw_string_n(&j, "a\0b", 3);
	ASSERT_JSON("\"a\\u0000b\"");
}
END_TEST

START_TEST(null_string_is_json_null)
{
	jsonw_begin_object(&j);
	jsonw_kv_string(&j, "s", NULL);
	jsonw_end_object(&j);
	ASSERT_JSON("{\"s\":null}");
}
END_TEST

/* Unsigned values past INT64_MAX are hex text, which readers accept. */
START_TEST(numbers_keep_all_64_bits)
{
	jsonw_begin_array(&j);
	jsonw_int(&j, INT64_MIN);
	jsonw_uint(&j, (uint64_t)INT64_MAX);
	jsonw_uint(&j, UINT64_MAX);
	jsonw_int(&j, -1);
	jsonw_end_array(&j);
	ASSERT_JSON("[-9223372036854775808,9223372036854775807,"
		    "\"0xffffffffffffffff\",-1]");
}
END_TEST

START_TEST(hex_forms_are_strings)
{
	static const uint8_t b[] = {0x01, 0xab};

	jsonw_begin_object(&j);
	jsonw_kv_hex(&j, "x0", UINT64_C(0xc4000061));
	jsonw_key(&j, "bytes");
	jsonw_hex_bytes(&j, b, sizeof(b));
	jsonw_kv_uint(&j, "n", 7);
	jsonw_end_object(&j);
	ASSERT_JSON("{\"x0\":\"0xc4000061\",\"bytes\":\"01ab\",\"n\":7}");
}
END_TEST

/* The digits are built by hand; they must be printf's, at every width. */
static const uint64_t number_samples[] = {
	0,
	1,
	9,
	10,
	15,
	16,
	99,
	100,
	0xabcdef,
	UINT64_C(0xc4000061),
	UINT64_C(999999999999999999),
	UINT64_C(1000000000000000000),
	(uint64_t)INT64_MAX,
	(uint64_t)INT64_MAX + 1,
	UINT64_C(0xfedcba9876543210),
	UINT64_MAX - 1,
	UINT64_MAX,
};

START_TEST(numbers_match_printf)
{
	uint64_t v = number_samples[_i];
	char want[128];
	int n;

	jsonw_begin_array(&j);
	jsonw_int(&j, (int64_t)v);
	jsonw_uint(&j, v);
	jsonw_hex(&j, v);
	jsonw_end_array(&j);
	if (v > (uint64_t)INT64_MAX) {
		n = snprintf(want, sizeof(want),
			     "[%" PRId64 ",\"0x%" PRIx64 "\",\"0x%" PRIx64 "\"]",
			     (int64_t)v, v, v);
	} else {
		n = snprintf(want, sizeof(want),
			     "[%" PRId64 ",%" PRIu64 ",\"0x%" PRIx64 "\"]",
			     (int64_t)v, v, v);
	}
	ck_assert_int_gt(n, 0);
	ck_assert_int_lt(n, (int)sizeof(want));
	ASSERT_JSON(want);
}
END_TEST

START_TEST(pretty_output_indents_two_spaces_per_level)
{
	jsonw_init(&j, &out, true);
	jsonw_begin_object(&j);
	jsonw_kv_int(&j, "a", 1);
	jsonw_key(&j, "b");
	jsonw_begin_array(&j);
	jsonw_int(&j, 1);
	jsonw_end_array(&j);
	jsonw_key(&j, "c");
	jsonw_begin_object(&j);
	jsonw_end_object(&j);
	jsonw_end_object(&j);
	ASSERT_JSON("{\n  \"a\": 1,\n  \"b\": [\n    1\n  ],\n  \"c\": {}\n}");
}
END_TEST

START_TEST(nesting_beyond_the_limit_stays_in_bounds_and_balanced)
{
	char expect[2 * 40 + 1];

	for (int i = 0; i < 40; i++) {
		jsonw_begin_array(&j);
	}
	for (int i = 0; i < 40; i++) {
		jsonw_end_array(&j);
	}
	memset(expect, '[', 40);
	memset(expect + 40, ']', 40);
	expect[80] = '\0';
	ASSERT_JSON(expect);
	ck_assert_int_eq(j.depth, 0);
}
END_TEST

START_TEST(escape_alone_writes_no_quotes)
{
	jsonw_escape(&out, "a\"", 2);
	ASSERT_JSON("a\\\"");
}
END_TEST

/* Console bytes from firmware need not be UTF-8; the document must be. */
START_TEST(invalid_utf8_becomes_replacement_characters)
{
	struct strbuf sb = STRBUF_INIT;
	/* valid 2-byte, stray continuation, truncated 3-byte, overlong '/',
	 * surrogate, valid 4-byte */
	const char in[] = "\xc3\xa9|\x80|\xe2\x82|\xc0\xaf|\xed\xa0\x80|"
			  "\xf0\x9f\x98\x80";

	jsonw_escape(&sb, in, sizeof(in) - 1);
	ck_assert_str_eq(strbuf_str(&sb),
			 "\xc3\xa9|\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd|"
			 "\\ufffd\\ufffd\\ufffd|\xf0\x9f\x98\x80");
	strbuf_free(&sb);
}
END_TEST

Suite *jsonw_suite(void);

Suite *jsonw_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("json");

	tcase_add_checked_fixture(tc, json_setup, json_teardown);
	tcase_add_test(tc, empty_object_and_array);
	tcase_add_test(tc, object_members_are_separated_by_commas);
	tcase_add_test(tc, nesting_keeps_commas_per_level);
	tcase_add_test(tc, array_of_objects_has_commas_between_objects);
	tcase_add_test(tc, strings_are_escaped);
	tcase_add_test(tc, keys_are_escaped_too);
	tcase_add_test(tc, string_with_length_may_contain_nul);
	tcase_add_test(tc, null_string_is_json_null);
	tcase_add_test(tc, numbers_keep_all_64_bits);
	tcase_add_test(tc, hex_forms_are_strings);
	tcase_add_loop_test(tc, numbers_match_printf, 0,
			    (int)(sizeof(number_samples) /
				  sizeof(number_samples[0])));
	tcase_add_test(tc, pretty_output_indents_two_spaces_per_level);
	tcase_add_test(tc,
		       nesting_beyond_the_limit_stays_in_bounds_and_balanced);
	tcase_add_test(tc, escape_alone_writes_no_quotes);
	tcase_add_test(tc, invalid_utf8_becomes_replacement_characters);
	suite_add_tcase(s, tc);
	return s;
}
