/*
 * Unit tests of common/text.c: GUID text both as an EFI_GUID (memory
 * layout: data1..data3 little-endian) and as an FF-A UUID (the RFC-4122
 * bytes packed little-endian into four words, reference 2.6 and 5.4), hex,
 * UTF-8/UCS-2 and numbers.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "abi/efi.h"
#include "abi/ffa.h"
#include "common/strbuf.h"
#include "common/text.h"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define MM_TEXT "ed32d533-99e6-4209-9cc0-2d72cdd998a7"

/* --- GUIDs and UUIDs ----------------------------------------------------- */

START_TEST(mm_sp_uuid_text_gives_the_words_u_boot_sends)
{
	struct ffa_uuid u;

	ck_assert(text_parse_ffa_uuid(MM_TEXT, &u));
	ck_assert_uint_eq(u.w[0], 0x33d532ed);
	ck_assert_uint_eq(u.w[1], 0x0942e699);
	ck_assert_uint_eq(u.w[2], 0x722dc09c);
	ck_assert_uint_eq(u.w[3], 0xa798d9cd);
	ck_assert_uint_eq(u.w[0], FFA_MM_SP_UUID_W0);
	ck_assert_uint_eq(u.w[3], FFA_MM_SP_UUID_W3);
}
END_TEST

START_TEST(ffa_uuid_words_follow_the_reference_example)
{
	struct ffa_uuid u;

	ck_assert(text_parse_ffa_uuid("a1a2a3a4-b1b2-c1c2-d1d2-d3d4d5d6d7d8",
				      &u));
	ck_assert_uint_eq(u.w[0], 0xa4a3a2a1);
	ck_assert_uint_eq(u.w[1], 0xc2c1b2b1);
	ck_assert_uint_eq(u.w[2], 0xd4d3d2d1);
	ck_assert_uint_eq(u.w[3], 0xd8d7d6d5);
}
END_TEST

START_TEST(ffa_uuid_bytes_are_in_rfc_order)
{
	static const uint8_t rfc[16] = {0xed, 0x32, 0xd5, 0x33, 0x99, 0xe6,
					0x42, 0x09, 0x9c, 0xc0, 0x2d, 0x72,
					0xcd, 0xd9, 0x98, 0xa7};
	struct ffa_uuid u;
	uint8_t b[16];

	ck_assert(text_parse_ffa_uuid(MM_TEXT, &u));
	ffa_uuid_to_bytes(&u, b);
	ck_assert_mem_eq(b, rfc, 16);
}
END_TEST

START_TEST(efi_guid_memory_layout_is_little_endian_fields)
{
	/* Reference 5.4: EFI (LE) bytes of the MM variable GUID. */
	static const uint8_t efi[16] = {0x33, 0xd5, 0x32, 0xed, 0xe6, 0x99,
					0x09, 0x42, 0x9c, 0xc0, 0x2d, 0x72,
					0xcd, 0xd9, 0x98, 0xa7};
	struct efi_guid g;

	ck_assert(text_parse_guid(MM_TEXT, &g));
	ck_assert_uint_eq(g.data1, 0xed32d533);
	ck_assert_uint_eq(g.data2, 0x99e6);
	ck_assert_uint_eq(g.data3, 0x4209);
	ck_assert_mem_eq(&g, efi, 16);
}
END_TEST

START_TEST(global_variable_guid_parses_to_the_abi_constant)
{
	const struct efi_guid expect = EFI_GLOBAL_VARIABLE_GUID;
	struct efi_guid g;

	ck_assert(text_parse_guid("8be4df61-93ca-11d2-aa0d-00e098032b8c", &g));
	ck_assert(efi_guid_equal(&g, &expect));
	ck_assert(text_parse_guid("8BE4DF61-93CA-11D2-AA0D-00E098032B8C", &g));
	ck_assert(efi_guid_equal(&g, &expect));
}
END_TEST

static const char *const guid_texts[] = {
	MM_TEXT,
	"8be4df61-93ca-11d2-aa0d-00e098032b8c",
	"d719b2cb-3d3a-4596-a3bc-dad00e67656f",
	"00000000-0000-0000-0000-000000000000",
	"ffffffff-ffff-ffff-ffff-ffffffffffff",
	"378daedc-f06b-4446-8314-40ab933c87a3",
};

START_TEST(guid_text_round_trips_both_ways)
{
	char out[TEXT_GUID_LEN + 1];
	struct efi_guid g;
	struct ffa_uuid u;

	ck_assert(text_parse_guid(guid_texts[_i], &g));
	text_format_guid(&g, out);
	ck_assert_str_eq(out, guid_texts[_i]);
	ck_assert(text_parse_ffa_uuid(guid_texts[_i], &u));
	text_format_ffa_uuid(&u, out);
	ck_assert_str_eq(out, guid_texts[_i]);
}
END_TEST

static const char *const bad_guids[] = {
	"",
	"ed32d533-99e6-4209-9cc0-2d72cdd998a",   /* short */
	"ed32d533-99e6-4209-9cc0-2d72cdd998a70", /* long */
	"ed32d53399e6-4209-9cc0-2d72cdd998a7-",  /* dash moved */
	"ed32d533_99e6-4209-9cc0-2d72cdd998a7",  /* wrong separator */
	"ed32d533-99e6-4209-9cc0-2d72cdd998ag",  /* not hex */
	"ed32d533-99e6-4209-9cc0 2d72cdd998a7",
	"{d32d533-99e6-4209-9cc0-2d72cdd998a7",
	"ed32d533-99e6-4209-9cc0-2d72cdd998-7",
};

START_TEST(malformed_guid_text_is_refused)
{
	struct efi_guid g;
	struct ffa_uuid u;

	ck_assert(!text_parse_guid(bad_guids[_i], &g));
	ck_assert(!text_parse_ffa_uuid(bad_guids[_i], &u));
}
END_TEST

START_TEST(null_guid_text_is_refused)
{
	struct efi_guid g;

	ck_assert(!text_parse_guid(NULL, &g));
}
END_TEST

START_TEST(uuid_nil_and_equality)
{
	struct ffa_uuid nil = {{0, 0, 0, 0}};
	struct ffa_uuid a = {{0, 0, 0, 1}};
	struct ffa_uuid b = {{0, 0, 0, 1}};

	ck_assert(ffa_uuid_is_nil(&nil));
	ck_assert(!ffa_uuid_is_nil(&a));
	ck_assert(ffa_uuid_equal(&a, &b));
	ck_assert(!ffa_uuid_equal(&a, &nil));
}
END_TEST

/* --- Hex ------------------------------------------------------------------ */

START_TEST(hex_parses_pairs_with_prefix_and_separators)
{
	static const uint8_t expect[] = {0x01, 0x02, 0xab, 0xff};
	uint8_t *bytes = NULL;
	size_t len = 0;

	ck_assert(text_parse_hex("0x0102ABff", &bytes, &len));
	ck_assert_uint_eq(len, 4);
	ck_assert_mem_eq(bytes, expect, 4);
	free(bytes);
	ck_assert(text_parse_hex("  01 02:ab_FF\n", &bytes, &len));
	ck_assert_uint_eq(len, 4);
	ck_assert_mem_eq(bytes, expect, 4);
	free(bytes);
}
END_TEST

START_TEST(hex_of_empty_text_is_no_bytes)
{
	uint8_t *bytes = NULL;
	size_t len = 99;

	ck_assert(text_parse_hex("", &bytes, &len));
	ck_assert_uint_eq(len, 0);
	free(bytes);
}
END_TEST

static const struct {
	const char *text;
	size_t offset; /* of the offending character */
} bad_hex[] = {
	{"0", 1},     /* odd: the missing digit is at the end */
	{"zz", 0},
	{"01z2", 2},
	{"0z", 1},
	{"abc", 3},
	{"01 2 3", 4},
};

START_TEST(bad_hex_is_refused_at_the_offending_character)
{
	uint8_t *bytes = (uint8_t *)"not touched";
	size_t len = 0;

	ck_assert(!text_parse_hex(bad_hex[_i].text, &bytes, &len));
	ck_assert_ptr_null(bytes);
	ck_assert_uint_eq(len, bad_hex[_i].offset);
}
END_TEST

START_TEST(hex_append_writes_lowercase_pairs)
{
	static const uint8_t b[] = {0x00, 0x0f, 0xa0, 0xff};
	struct strbuf sb = STRBUF_INIT;

	text_append_hex(&sb, b, sizeof(b));
	ck_assert_str_eq(strbuf_str(&sb), "000fa0ff");
	strbuf_free(&sb);
}
END_TEST

START_TEST(hexdump_shows_offsets_bytes_and_text)
{
	struct strbuf sb = STRBUF_INIT;

	text_append_hexdump(&sb, "AB\x01", 3, 0x1000);
	ck_assert_ptr_nonnull(strstr(strbuf_str(&sb), "00001000  41 42 01"));
	ck_assert_ptr_nonnull(strstr(strbuf_str(&sb), "|AB.|\n"));
	strbuf_free(&sb);
}
END_TEST

/*
 * The dump as the printf-per-byte version wrote it, kept here as the
 * reference for the table-driven one in common/text.c.
 */
static void reference_hexdump(struct strbuf *sb, const uint8_t *b, size_t len,
			      uint64_t base)
{
	for (size_t line = 0; line < len; line += 16) {
		strbuf_printf(sb, "%08llx ", (unsigned long long)(base + line));
		for (size_t i = 0; i < 16; i++) {
			if (line + i < len) {
				strbuf_printf(sb, " %02x", b[line + i]);
			} else {
				strbuf_puts(sb, "   ");
			}
		}
		strbuf_puts(sb, "  |");
		for (size_t i = 0; i < 16 && line + i < len; i++) {
			strbuf_putc(sb, b[line + i] >= 0x20 && b[line + i] < 0x7f
						? (char)b[line + i]
						: '.');
		}
		strbuf_puts(sb, "|\n");
	}
}

/* Bases: small, crossing from 8 to 9 address digits, wrapping around. */
static const uint64_t hexdump_bases[] = {
	0, 0x1000, UINT64_C(0xffffffe8), UINT64_C(0x40000000000),
	UINT64_MAX - 0x17,
};

START_TEST(hexdump_matches_the_printf_reference)
{
	uint64_t base = hexdump_bases[_i];
	uint8_t bytes[300];
	struct strbuf got = STRBUF_INIT;
	struct strbuf want = STRBUF_INIT;

	for (size_t i = 0; i < sizeof(bytes); i++) {
		bytes[i] = (uint8_t)(i * 7 + 0x1b); /* every value, shuffled */
	}
	for (size_t len = 0; len <= sizeof(bytes); len++) {
		strbuf_reset(&got);
		strbuf_reset(&want);
		text_append_hexdump(&got, bytes, len, base);
		reference_hexdump(&want, bytes, len, base);
		ck_assert_str_eq(strbuf_str(&got), strbuf_str(&want));
		ck_assert_uint_eq(got.len, want.len);
	}
	strbuf_free(&got);
	strbuf_free(&want);
}
END_TEST

/* --- UCS-2 ---------------------------------------------------------------- */

START_TEST(ascii_name_becomes_ucs2_with_terminator)
{
	static const uint16_t expect[] = {'B', 'o', 'o', 't', '0', '0',
					  '0', '1', 0};
	uint16_t *name = NULL;
	size_t size = 0;

	ck_assert(text_utf8_to_ucs2("Boot0001", &name, &size));
	ck_assert_uint_eq(size, sizeof(expect));
	ck_assert_mem_eq(name, expect, sizeof(expect));
	ck_assert_int_eq(text_ucs2_length(name, size), 8);
	free(name);
}
END_TEST

START_TEST(bmp_characters_convert_both_ways)
{
	const char *utf8 = "caf\xc3\xa9 \xe2\x82\xac"; /* "café €" */
	struct strbuf sb = STRBUF_INIT;
	uint16_t *name = NULL;
	size_t size = 0;

	ck_assert(text_utf8_to_ucs2(utf8, &name, &size));
	ck_assert_uint_eq(size, 7 * 2);
	ck_assert_uint_eq(name[3], 0x00e9);
	ck_assert_uint_eq(name[5], 0x20ac);
	text_append_ucs2(&sb, name, size);
	ck_assert_str_eq(strbuf_str(&sb), utf8);
	strbuf_free(&sb);
	free(name);
}
END_TEST

static const char *const bad_utf8[] = {
	"\xf0\x9f\x98\x80", /* U+1F600: outside the BMP */
	"a\xf0\x90\x80\x80",
	"\xc3",             /* truncated */
	"\xc3(",            /* bad continuation */
	"\xc0\x80",         /* overlong NUL */
	"\xe0\x80\xaf",     /* overlong '/' */
	"\xed\xa0\x80",     /* a surrogate */
	"\x80",             /* lone continuation */
};

START_TEST(non_bmp_and_malformed_utf8_are_refused)
{
	uint16_t *name = NULL;
	size_t size = 0;

	ck_assert(!text_utf8_to_ucs2(bad_utf8[_i], &name, &size));
	ck_assert_ptr_null(name);
}
END_TEST

START_TEST(ucs2_nul_and_lone_surrogates_are_escaped)
{
	static const uint16_t name[] = {'a', 0, 0xd800, 'b', 0};
	struct strbuf sb = STRBUF_INIT;

	text_append_ucs2(&sb, name, sizeof(name));
	ck_assert_str_eq(strbuf_str(&sb), "a\\u0000\\ud800b");
	strbuf_free(&sb);
}
END_TEST

START_TEST(ucs2_length_without_terminator_is_minus_one)
{
	static const uint16_t name[] = {'a', 'b', 0};

	ck_assert_int_eq(text_ucs2_length(name, 4), -1);
	ck_assert_int_eq(text_ucs2_length(name, 5), -1); /* odd size */
	ck_assert_int_eq(text_ucs2_length(name, 6), 2);
	ck_assert_int_eq(text_ucs2_length(name, 0), -1);
}
END_TEST

/* --- Numbers -------------------------------------------------------------- */

static const struct {
	const char *text;
	uint64_t value;
} good_u64[] = {
	{"0", 0},
	{"42", 42},
	{"0x10", 16},
	{"0XfF", 255},
	{"010", 10}, /* decimal, not octal */
	{"08", 8},
	{"18446744073709551615", UINT64_MAX},
	{"0xffffffffffffffff", UINT64_MAX},
};

START_TEST(u64_parses_decimal_and_hex)
{
	uint64_t v = 1;

	ck_assert_msg(text_parse_u64(good_u64[_i].text, &v), "'%s'",
		      good_u64[_i].text);
	ck_assert_uint_eq(v, good_u64[_i].value);
}
END_TEST

static const char *const bad_u64[] = {
	"", "-1", " 1", "1 ", "0x", "12a", "18446744073709551616", "1.0",
	"+", "0x1g",
};

START_TEST(u64_refuses_junk_signs_and_overflow)
{
	uint64_t v = 7;

	ck_assert_msg(!text_parse_u64(bad_u64[_i], &v), "'%s'", bad_u64[_i]);
	ck_assert_uint_eq(v, 7);
}
END_TEST

START_TEST(i64_parses_signed_decimal_and_hex)
{
	int64_t v;

	ck_assert(text_parse_i64("-5", &v));
	ck_assert_int_eq(v, -5);
	ck_assert(text_parse_i64("-0x10", &v));
	ck_assert_int_eq(v, -16);
	ck_assert(text_parse_i64("-010", &v));
	ck_assert_int_eq(v, -10);
	ck_assert(text_parse_i64("9223372036854775807", &v));
	ck_assert_int_eq(v, INT64_MAX);
	ck_assert(text_parse_i64("-9223372036854775808", &v));
	ck_assert_int_eq(v, INT64_MIN);
	ck_assert(!text_parse_i64("9223372036854775808", &v));
	ck_assert(!text_parse_i64("", &v));
	ck_assert(!text_parse_i64("abc", &v));
	ck_assert(!text_parse_i64(NULL, &v));
}
END_TEST

static const struct {
	const char *text;
	uint64_t value;
} good_sizes[] = {
	{"4096", 4096},       {"4K", 4096},          {"16k", 16384},
	{"1M", 1u << 20},     {"2G", UINT64_C(2) << 30},
	{"0x1000", 0x1000},   {"0x10K", 16 * 1024},
};

START_TEST(size_parses_with_binary_suffixes)
{
	uint64_t v = 0;

	ck_assert_msg(text_parse_size(good_sizes[_i].text, &v), "'%s'",
		      good_sizes[_i].text);
	ck_assert_uint_eq(v, good_sizes[_i].value);
}
END_TEST

static const char *const bad_sizes[] = {
	"", "K", "4KB", "4T", "-4K", "17179869184G",
	"0000000000000000000000000000000000000000000000000000000000000004K",
};

START_TEST(size_refuses_junk_and_overflow)
{
	uint64_t v = 3;

	ck_assert_msg(!text_parse_size(bad_sizes[_i], &v), "'%s'",
		      bad_sizes[_i]);
	ck_assert_uint_eq(v, 3);
}
END_TEST

Suite *text_suite(void);

Suite *text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("guid");

	tcase_add_test(tc, mm_sp_uuid_text_gives_the_words_u_boot_sends);
	tcase_add_test(tc, ffa_uuid_words_follow_the_reference_example);
	tcase_add_test(tc, ffa_uuid_bytes_are_in_rfc_order);
	tcase_add_test(tc, efi_guid_memory_layout_is_little_endian_fields);
	tcase_add_test(tc, global_variable_guid_parses_to_the_abi_constant);
	tcase_add_loop_test(tc, guid_text_round_trips_both_ways, 0,
			    (int)ARRAY_COUNT(guid_texts));
	tcase_add_loop_test(tc, malformed_guid_text_is_refused, 0,
			    (int)ARRAY_COUNT(bad_guids));
	tcase_add_test(tc, null_guid_text_is_refused);
	tcase_add_test(tc, uuid_nil_and_equality);
	suite_add_tcase(s, tc);

	tc = tcase_create("hex");
	tcase_add_test(tc, hex_parses_pairs_with_prefix_and_separators);
	tcase_add_test(tc, hex_of_empty_text_is_no_bytes);
	tcase_add_loop_test(tc, bad_hex_is_refused_at_the_offending_character,
			    0, (int)ARRAY_COUNT(bad_hex));
	tcase_add_test(tc, hex_append_writes_lowercase_pairs);
	tcase_add_test(tc, hexdump_shows_offsets_bytes_and_text);
	tcase_add_loop_test(tc, hexdump_matches_the_printf_reference, 0,
			    (int)(sizeof(hexdump_bases) /
				  sizeof(hexdump_bases[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("ucs2");
	tcase_add_test(tc, ascii_name_becomes_ucs2_with_terminator);
	tcase_add_test(tc, bmp_characters_convert_both_ways);
	tcase_add_loop_test(tc, non_bmp_and_malformed_utf8_are_refused, 0,
			    (int)ARRAY_COUNT(bad_utf8));
	tcase_add_test(tc, ucs2_nul_and_lone_surrogates_are_escaped);
	tcase_add_test(tc, ucs2_length_without_terminator_is_minus_one);
	suite_add_tcase(s, tc);

	tc = tcase_create("numbers");
	tcase_add_loop_test(tc, u64_parses_decimal_and_hex, 0,
			    (int)ARRAY_COUNT(good_u64));
	tcase_add_loop_test(tc, u64_refuses_junk_signs_and_overflow, 0,
			    (int)ARRAY_COUNT(bad_u64));
	tcase_add_test(tc, i64_parses_signed_decimal_and_hex);
	tcase_add_loop_test(tc, size_parses_with_binary_suffixes, 0,
			    (int)ARRAY_COUNT(good_sizes));
	tcase_add_loop_test(tc, size_refuses_junk_and_overflow, 0,
			    (int)ARRAY_COUNT(bad_sizes));
	suite_add_tcase(s, tc);

	return s;
}
