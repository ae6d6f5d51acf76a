/*
 * Unit tests of common/abi_names.c: every code space both ways (value ->
 * name for traces and reports, name -> value for scenarios), with and
 * without the prefix, any case, and numbers.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "abi/efi.h"
#include "abi/ffa.h"
#include "abi/mm.h"
#include "abi/psci.h"
#include "common/abi_names.h"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* --- EFI_STATUS ----------------------------------------------------------- */

static const struct {
	uint64_t status;
	const char *name;
} efi_statuses[] = {
	{EFI_SUCCESS, "EFI_SUCCESS"},
	{EFI_INVALID_PARAMETER, "EFI_INVALID_PARAMETER"},
	{EFI_UNSUPPORTED, "EFI_UNSUPPORTED"},
	{EFI_BUFFER_TOO_SMALL, "EFI_BUFFER_TOO_SMALL"},
	{EFI_DEVICE_ERROR, "EFI_DEVICE_ERROR"},
	{EFI_WRITE_PROTECTED, "EFI_WRITE_PROTECTED"},
	{EFI_OUT_OF_RESOURCES, "EFI_OUT_OF_RESOURCES"},
	{EFI_NOT_FOUND, "EFI_NOT_FOUND"},
	{EFI_ACCESS_DENIED, "EFI_ACCESS_DENIED"},
	{EFI_SECURITY_VIOLATION, "EFI_SECURITY_VIOLATION"},
	{EFI_COMPROMISED_DATA, "EFI_COMPROMISED_DATA"},
};

START_TEST(efi_status_names_round_trip)
{
	uint64_t v = 1;

	ck_assert_str_eq(efi_status_name(efi_statuses[_i].status),
			 efi_statuses[_i].name);
	ck_assert(efi_status_parse(efi_statuses[_i].name, &v));
	ck_assert_uint_eq(v, efi_statuses[_i].status);
	/* Without the prefix, any case. */
	v = 1;
	ck_assert(efi_status_parse(efi_statuses[_i].name + 4, &v));
	ck_assert_uint_eq(v, efi_statuses[_i].status);
}
END_TEST

START_TEST(efi_status_parse_accepts_lowercase_and_numbers)
{
	uint64_t v;

	ck_assert(efi_status_parse("not_found", &v));
	ck_assert_uint_eq(v, EFI_NOT_FOUND);
	ck_assert(efi_status_parse("0x800000000000000E", &v));
	ck_assert_uint_eq(v, EFI_NOT_FOUND);
	ck_assert(!efi_status_parse("EFI_BOGUS", &v));
	ck_assert(!efi_status_parse("", &v));
}
END_TEST

START_TEST(efi_warnings_and_unknown_errors_have_no_name)
{
	ck_assert_ptr_null(efi_status_name(1)); /* a warning */
	ck_assert_ptr_null(efi_status_name(EFI_ERROR_BIT | 99));
}
END_TEST

/* --- FF-A errors ---------------------------------------------------------- */

static const char *const ffa_names[] = {
	"NOT_SUPPORTED", "INVALID_PARAMETERS", "NO_MEMORY", "BUSY",
	"INTERRUPTED",   "DENIED",             "RETRY",     "ABORTED",
	"NO_DATA",       "NOT_READY",
};

START_TEST(ffa_error_names_round_trip)
{
	int32_t code = -1 - _i; /* -1 .. -10 */
	char prefixed[64] = "FFA_";
	int32_t v = 0;

	ck_assert_str_eq(ffa_error_name(code), ffa_names[_i]);
	ck_assert(ffa_error_parse(ffa_names[_i], &v));
	ck_assert_int_eq(v, code);
	strcat(prefixed, ffa_names[_i]);
	v = 0;
	ck_assert_msg(ffa_error_parse(prefixed, &v), "%s", prefixed);
	ck_assert_int_eq(v, code);
}
END_TEST

START_TEST(ffa_error_parse_accepts_numbers_in_range)
{
	int32_t v;

	ck_assert(ffa_error_parse("busy", &v));
	ck_assert_int_eq(v, FFA_RET_BUSY);
	ck_assert(ffa_error_parse("-6", &v));
	ck_assert_int_eq(v, FFA_RET_DENIED);
	ck_assert(!ffa_error_parse("4294967296", &v));
	ck_assert(!ffa_error_parse("FFA_", &v));
	ck_assert(!ffa_error_parse("SUCCESS", &v));
}
END_TEST

START_TEST(ffa_codes_outside_the_table_have_no_name)
{
	ck_assert_ptr_null(ffa_error_name(0));
	ck_assert_ptr_null(ffa_error_name(-11));
	ck_assert_ptr_null(ffa_error_name(1));
}
END_TEST

/* --- MM return codes and functions ---------------------------------------- */

START_TEST(mm_return_codes_round_trip)
{
	static const struct {
		int64_t code;
		const char *name;
	} mm[] = {
		{MM_RET_SUCCESS, "MM_SUCCESS"},
		{MM_RET_NOT_SUPPORTED, "MM_NOT_SUPPORTED"},
		{MM_RET_INVALID_PARAMETER, "MM_INVALID_PARAMETER"},
		{MM_RET_DENIED, "MM_DENIED"},
		{MM_RET_NO_MEMORY, "MM_NO_MEMORY"},
	};
	int64_t v;

	for (size_t i = 0; i < ARRAY_COUNT(mm); i++) {
		ck_assert_str_eq(mm_ret_name(mm[i].code), mm[i].name);
		ck_assert(mm_ret_parse(mm[i].name, &v));
		ck_assert_int_eq(v, mm[i].code);
		ck_assert(mm_ret_parse(mm[i].name + 3, &v));
		ck_assert_int_eq(v, mm[i].code);
	}
	ck_assert_ptr_null(mm_ret_name(-4)); /* deliberately unused */
	ck_assert(mm_ret_parse("-4", &v));
	ck_assert_int_eq(v, -4);
}
END_TEST

START_TEST(mm_function_names_round_trip)
{
	uint64_t function = (uint64_t)_i + 1; /* 1 .. 14 */
	const char *name = mm_function_name(function);
	uint64_t v = 0;

	ck_assert_ptr_nonnull(name);
	ck_assert(mm_function_parse(name, &v));
	ck_assert_uint_eq(v, function);
}
END_TEST

START_TEST(mm_function_names_match_the_reference)
{
	uint64_t v;

	ck_assert_str_eq(mm_function_name(1), "GET_VARIABLE");
	ck_assert_str_eq(mm_function_name(6), "EXIT_BOOT_SERVICE");
	ck_assert_str_eq(mm_function_name(11), "GET_PAYLOAD_SIZE");
	ck_assert_ptr_null(mm_function_name(0));
	ck_assert_ptr_null(mm_function_name(15));
	ck_assert_ptr_null(mm_function_name(UINT64_MAX));
	ck_assert(mm_function_parse("get_next_variable_name", &v));
	ck_assert_uint_eq(v, 2);
	ck_assert(mm_function_parse("11", &v));
	ck_assert_uint_eq(v, 11);
	ck_assert(!mm_function_parse("GET", &v));
}
END_TEST

/* --- PSCI ----------------------------------------------------------------- */

START_TEST(psci_return_codes_have_names)
{
	ck_assert_str_eq(psci_ret_name(PSCI_RET_SUCCESS), "SUCCESS");
	ck_assert_str_eq(psci_ret_name(PSCI_RET_INVALID_PARAMS),
			 "INVALID_PARAMS");
	ck_assert_str_eq(psci_ret_name(PSCI_RET_ALREADY_ON), "ALREADY_ON");
	ck_assert_str_eq(psci_ret_name(PSCI_RET_INVALID_ADDRESS),
			 "INVALID_ADDRESS");
	ck_assert_ptr_null(psci_ret_name(-10));
	ck_assert_ptr_null(psci_ret_name(1));
}
END_TEST

/* --- Variable attributes ------------------------------------------------- */

static const struct {
	uint32_t attributes;
	const char *text;
} attribute_texts[] = {
	{0x7, "NV|BS|RT"},
	{0x0, "0x0"},
	{0x47, "NV|BS|RT|AP"},
	{0xff, "NV|BS|RT|HR|AW|AT|AP|EA"},
	{0x80000006, "BS|RT|0x80000000"},
	{0x100, "0x100"},
};

START_TEST(attributes_format_as_abbreviations)
{
	char out[64];

	efi_attributes_format(attribute_texts[_i].attributes, out,
			      sizeof(out));
	ck_assert_str_eq(out, attribute_texts[_i].text);
}
END_TEST

START_TEST(attributes_format_then_parse_round_trips)
{
	uint32_t a = (uint32_t)_i | (_i % 7 == 0 ? 0x80000000u : 0);
	char out[64];
	uint32_t v = 0xdead;

	efi_attributes_format(a, out, sizeof(out));
	ck_assert_msg(efi_attributes_parse(out, &v), "'%s'", out);
	ck_assert_uint_eq(v, a);
}
END_TEST

START_TEST(attributes_format_never_overflows_a_small_buffer)
{
	char out[8];

	memset(out, '#', sizeof(out));
	efi_attributes_format(0xff, out, 4);
	ck_assert_uint_lt(strlen(out), 4);
	ck_assert_int_eq(out[4], '#');
	ck_assert_int_eq(strncmp(out, "NV|", strlen(out)), 0);
	efi_attributes_format(0x7, out, 0); /* no room at all: no write */
	ck_assert_int_eq(out[4], '#');
}
END_TEST

START_TEST(attributes_parse_accepts_long_names_and_separators)
{
	uint32_t v;

	ck_assert(efi_attributes_parse("nv,bs", &v));
	ck_assert_uint_eq(v, 0x3);
	ck_assert(efi_attributes_parse("EFI_VARIABLE_RUNTIME_ACCESS", &v));
	ck_assert_uint_eq(v, 0x4);
	ck_assert(efi_attributes_parse("NON_VOLATILE+BOOTSERVICE_ACCESS", &v));
	ck_assert_uint_eq(v, 0x3);
	ck_assert(efi_attributes_parse("NV BS RT", &v));
	ck_assert_uint_eq(v, 0x7);
	ck_assert(efi_attributes_parse("0x27", &v));
	ck_assert_uint_eq(v, 0x27);
}
END_TEST

START_TEST(attributes_parse_refuses_unknown_names_and_big_numbers)
{
	uint32_t v = 5;

	ck_assert(!efi_attributes_parse("NV|XX", &v));
	ck_assert(!efi_attributes_parse("NV||BS", &v));
	ck_assert(!efi_attributes_parse("0x100000000", &v));
	ck_assert(!efi_attributes_parse(
		"A_VERY_LONG_NAME_THAT_DOES_NOT_FIT_THE_TOKEN_BUFFER_AT_ALL_"
		"REALLY",
		&v));
	ck_assert_uint_eq(v, 5);
}
END_TEST

Suite *abi_names_suite(void);

Suite *abi_names_suite(void)
{
	Suite *s = suite_create("abi_names");
	TCase *tc = tcase_create("codes");

	tcase_add_loop_test(tc, efi_status_names_round_trip, 0,
			    (int)ARRAY_COUNT(efi_statuses));
	tcase_add_test(tc, efi_status_parse_accepts_lowercase_and_numbers);
	tcase_add_test(tc, efi_warnings_and_unknown_errors_have_no_name);
	tcase_add_loop_test(tc, ffa_error_names_round_trip, 0,
			    (int)ARRAY_COUNT(ffa_names));
	tcase_add_test(tc, ffa_error_parse_accepts_numbers_in_range);
	tcase_add_test(tc, ffa_codes_outside_the_table_have_no_name);
	tcase_add_test(tc, mm_return_codes_round_trip);
	tcase_add_loop_test(tc, mm_function_names_round_trip, 0, 14);
	tcase_add_test(tc, mm_function_names_match_the_reference);
	tcase_add_test(tc, psci_return_codes_have_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("attributes");
	tcase_add_loop_test(tc, attributes_format_as_abbreviations, 0,
			    (int)ARRAY_COUNT(attribute_texts));
	tcase_add_loop_test(tc, attributes_format_then_parse_round_trips, 0,
			    256);
	tcase_add_test(tc, attributes_format_never_overflows_a_small_buffer);
	tcase_add_test(tc, attributes_parse_accepts_long_names_and_separators);
	tcase_add_test(tc,
		       attributes_parse_refuses_unknown_names_and_big_numbers);
	suite_add_tcase(s, tc);
	return s;
}
