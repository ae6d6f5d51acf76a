/*
 * Unit tests of models/varstore.c: the EFI variable services (reference
 * section 6) and the persistence format (docs/variable-store.md).
 *
 * Fixture files live in tests/data/varstore/; the tests find them relative
 * to the working directory, which is the top of the tree under `make unit`.
 * Each persistence test gets a fresh directory from mkdtemp(3).
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uchar.h>
#include <unistd.h>

#include <check.h>

#include "abi/efi.h"
#include "abi/mm.h"
#include "common/error.h"
#include "common/strbuf.h"
#include "common/text.h"
#include "models/varstore.h"
#include "models/varstore_file.h"

#define DATA_DIR "tests/data/varstore/"

#define NV EFI_VARIABLE_NON_VOLATILE
#define BS EFI_VARIABLE_BOOTSERVICE_ACCESS
#define RT EFI_VARIABLE_RUNTIME_ACCESS
#define HR EFI_VARIABLE_HARDWARE_ERROR_RECORD
#define AW EFI_VARIABLE_AUTHENTICATED_WRITE_ACCESS
#define AT EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS
#define AP EFI_VARIABLE_APPEND_WRITE
#define EA EFI_VARIABLE_ENHANCED_AUTHENTICATED_ACCESS
#define NV_BS_RT (NV | BS | RT)
#define BS_RT (BS | RT)
#define NV_BS (NV | BS)

/* A UCS-2 literal as the (name, name_size) argument pair. */
#define N(lit) ((const uint16_t *)(lit)), sizeof(lit)

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define OVERHEAD ((uint64_t)VARSTORE_ENTRY_OVERHEAD)

static const struct efi_guid guid_a = EFI_GLOBAL_VARIABLE_GUID;
static const struct efi_guid guid_b = EFI_IMAGE_SECURITY_DATABASE_GUID;
static const uint8_t bytes4[4] = {1, 2, 3, 4};

/* Check fixture state: the only file-scope mutable state (STYLE C1). */
static struct varstore *vs;
static char tmpdir[64];

static void store_setup(void)
{
	vs = varstore_new(NULL);
}

static void store_teardown(void)
{
	varstore_free(vs);
	vs = NULL;
}

/* Replaces the fixture's store by one with these capacities. */
static void use_config(uint64_t nv, uint64_t vol, uint64_t max_var)
{
	struct varstore_config cfg = {nv, vol, max_var};

	varstore_free(vs);
	vs = varstore_new(&cfg);
}

/* Everything a caller could observe, as text, to prove "unchanged". */
static char *store_dump(const struct varstore *s)
{
	struct strbuf sb = STRBUF_INIT;
	struct varstore_entry_view e;

	for (size_t i = 0; varstore_entry(s, i, &e); i++) {
		char g[TEXT_GUID_LEN + 1];

		text_format_guid(&e.guid, g);
		text_append_ucs2(&sb, e.name, e.name_size);
		strbuf_printf(&sb, " %s %zu 0x%x ", g, e.name_size,
			      (unsigned)e.attributes);
		text_append_hex(&sb, e.data, (size_t)e.data_size);
		strbuf_putc(&sb, '\n');
	}
	strbuf_printf(&sb, "used nv %llu volatile %llu\n",
		      (unsigned long long)varstore_used(s, true),
		      (unsigned long long)varstore_used(s, false));
	return strbuf_steal(&sb);
}

/* Names in GetNextVariableName order, "A,B,C", as the caller sees them. */
static char *walk_names(struct varstore *s)
{
	struct strbuf sb = STRBUF_INIT;
	uint16_t name[128] = {0};
	struct efi_guid guid = {0};
	uint64_t size = sizeof(name);
	uint64_t st;

	while ((st = varstore_get_next(s, name, &size, &guid)) ==
	       EFI_SUCCESS) {
		if (sb.len != 0) {
			strbuf_putc(&sb, ',');
		}
		text_append_ucs2(&sb, name, (size_t)size);
		size = sizeof(name);
	}
	ck_assert_uint_eq(st, EFI_NOT_FOUND);
	return strbuf_steal(&sb);
}

static void set_ok(const uint16_t *name, size_t name_size,
		   const struct efi_guid *guid, uint32_t attr, uint64_t size,
		   const void *data)
{
	ck_assert_uint_eq(
		varstore_set(vs, name, name_size, guid, attr, size, data),
		EFI_SUCCESS);
}

static uint64_t query_remaining(uint32_t attr)
{
	uint64_t max_storage = 0;
	uint64_t remaining = 0;
	uint64_t max_var = 0;

	ck_assert_uint_eq(varstore_query(vs, attr, &max_storage, &remaining,
					 &max_var),
			  EFI_SUCCESS);
	return remaining;
}

/* ---- GetVariable, section 6.4 ---- */

START_TEST(set_then_get_returns_data_and_attributes)
{
	uint8_t buf[16] = {0};
	uint64_t size = sizeof(buf);
	uint32_t attr = 0;

	set_ok(N(u"Boot0001"), &guid_a, NV_BS_RT, sizeof(bytes4), bytes4);
	ck_assert_uint_eq(varstore_get(vs, N(u"Boot0001"), &guid_a, &attr,
				       &size, buf),
			  EFI_SUCCESS);
	ck_assert_uint_eq(size, sizeof(bytes4));
	ck_assert_uint_eq(attr, NV_BS_RT);
	ck_assert_mem_eq(buf, bytes4, sizeof(bytes4));
}
END_TEST

START_TEST(get_too_small_returns_size_and_attributes)
{
	uint8_t buf[2] = {0xee, 0xee};
	uint64_t size = sizeof(buf);
	uint32_t attr = 0;

	set_ok(N(u"V"), &guid_a, BS_RT, sizeof(bytes4), bytes4);
	ck_assert_uint_eq(
		varstore_get(vs, N(u"V"), &guid_a, &attr, &size, buf),
		EFI_BUFFER_TOO_SMALL);
	ck_assert_uint_eq(size, sizeof(bytes4));
	ck_assert_uint_eq(attr, BS_RT);
	ck_assert_uint_eq(buf[0], 0xee); /* nothing written */
}
END_TEST

START_TEST(get_too_small_with_null_attributes_returns_size)
{
	uint64_t size = 0;

	set_ok(N(u"V"), &guid_a, BS, sizeof(bytes4), bytes4);
	ck_assert_uint_eq(varstore_get(vs, N(u"V"), &guid_a, NULL, &size,
				       NULL),
			  EFI_BUFFER_TOO_SMALL);
	ck_assert_uint_eq(size, sizeof(bytes4));
}
END_TEST

START_TEST(get_with_room_but_null_data_is_invalid_parameter)
{
	uint64_t size = 64;

	set_ok(N(u"V"), &guid_a, BS, sizeof(bytes4), bytes4);
	ck_assert_uint_eq(varstore_get(vs, N(u"V"), &guid_a, NULL, &size,
				       NULL),
			  EFI_INVALID_PARAMETER);
}
END_TEST

START_TEST(get_of_missing_variable_is_not_found)
{
	uint8_t buf[8];
	uint64_t size = sizeof(buf);

	ck_assert_uint_eq(
		varstore_get(vs, N(u"Nope"), &guid_a, NULL, &size, buf),
		EFI_NOT_FOUND);
}
END_TEST

START_TEST(get_with_empty_name_is_not_found)
{
	uint8_t buf[8];
	uint64_t size = sizeof(buf);

	ck_assert_uint_eq(varstore_get(vs, N(u""), &guid_a, NULL, &size, buf),
			  EFI_NOT_FOUND);
}
END_TEST

START_TEST(get_matches_whole_name_and_guid)
{
	uint8_t buf[8];
	uint64_t size = sizeof(buf);

	set_ok(N(u"Boot"), &guid_a, BS, 1, bytes4);
	ck_assert_uint_eq(varstore_get(vs, N(u"Boot"), &guid_b, NULL, &size,
				       buf),
			  EFI_NOT_FOUND);
	ck_assert_uint_eq(varstore_get(vs, N(u"Boo"), &guid_a, NULL, &size,
				       buf),
			  EFI_NOT_FOUND);
	ck_assert_uint_eq(varstore_get(vs, N(u"Boot0"), &guid_a, NULL, &size,
				       buf),
			  EFI_NOT_FOUND);
	ck_assert_uint_eq(varstore_get(vs, N(u"boot"), &guid_a, NULL, &size,
				       buf),
			  EFI_NOT_FOUND);
}
END_TEST

static const uint16_t unterminated[] = {'A', 'B'};

struct name_case {
	const char *what;
	const uint16_t *name;
	size_t name_size;
	bool null_guid;
	bool null_size;
};

static const struct name_case get_invalid_cases[] = {
	{"name NULL", NULL, 4, false, false},
	{"odd name_size", (const uint16_t *)u"AB", 5, false, false},
	{"no NUL within name_size", unterminated, sizeof(unterminated), false,
	 false},
	{"name_size 0", (const uint16_t *)u"AB", 0, false, false},
	{"guid NULL", (const uint16_t *)u"AB", 6, true, false},
	{"data_size NULL", (const uint16_t *)u"AB", 6, false, true},
	{"empty name and guid NULL", (const uint16_t *)u"", 2, true, false},
};

START_TEST(get_with_bad_arguments_is_invalid_parameter)
{
	const struct name_case *c = &get_invalid_cases[_i];
	uint8_t buf[8];
	uint64_t size = sizeof(buf);

	set_ok(N(u"AB"), &guid_a, BS, 1, bytes4);
	ck_assert_msg(varstore_get(vs, c->name, c->name_size,
				   c->null_guid ? NULL : &guid_a, NULL,
				   c->null_size ? NULL : &size,
				   buf) == EFI_INVALID_PARAMETER,
		      "%s", c->what);
}
END_TEST

START_TEST(name_is_the_code_units_before_the_first_nul)
{
	static const uint16_t padded[] = {'A', 'B', 0, 'x', 'y', 0};
	struct varstore_entry_view e;
	uint8_t buf[8];
	uint64_t size = sizeof(buf);

	set_ok(padded, sizeof(padded), &guid_a, BS, 1, bytes4);
	ck_assert_uint_eq(varstore_get(vs, N(u"AB"), &guid_a, NULL, &size,
				       buf),
			  EFI_SUCCESS);
	ck_assert(varstore_entry(vs, 0, &e));
	ck_assert_uint_eq(e.name_size, 6);
	ck_assert_uint_eq(varstore_used(vs, false), OVERHEAD + 6 + 1);
}
END_TEST

/* ---- SetVariable, section 6.3 ---- */

static const struct name_case set_invalid_cases[] = {
	{"name NULL", NULL, 4, false, false},
	{"name_size 0", (const uint16_t *)u"AB", 0, false, false},
	{"name_size 1", (const uint16_t *)u"AB", 1, false, false},
	{"odd name_size", (const uint16_t *)u"AB", 5, false, false},
	{"no NUL within name_size", unterminated, sizeof(unterminated), false,
	 false},
	{"empty name", (const uint16_t *)u"", 2, false, false},
	{"guid NULL", (const uint16_t *)u"AB", 6, true, false},
	{"data NULL with data_size 4", (const uint16_t *)u"AB", 6, false,
	 true},
};

START_TEST(set_with_bad_arguments_is_invalid_parameter)
{
	const struct name_case *c = &set_invalid_cases[_i];

	/* null_size here means "data NULL with a non-zero size". */
	ck_assert_msg(varstore_set(vs, c->name, c->name_size,
				   c->null_guid ? NULL : &guid_a, NV_BS_RT, 4,
				   c->null_size ? NULL : bytes4) ==
			      EFI_INVALID_PARAMETER,
		      "%s", c->what);
	ck_assert_uint_eq(varstore_count(vs), 0);
}
END_TEST

struct attr_case {
	const char *what;
	uint32_t attributes;
	uint64_t status;
};

static const struct attr_case set_attr_cases[] = {
	{"reserved bit 8", 0x100 | NV_BS_RT, EFI_INVALID_PARAMETER},
	{"reserved bit 31", 0x80000000u | NV_BS_RT, EFI_INVALID_PARAMETER},
	{"AW", AW | NV_BS_RT, EFI_UNSUPPORTED},
	{"EA", EA | NV_BS_RT, EFI_UNSUPPORTED},
	{"AT without a key database", AT | NV_BS_RT, EFI_INVALID_PARAMETER},
	{"HR without HR storage", HR | NV_BS_RT, EFI_INVALID_PARAMETER},
	{"RT without BS", RT, EFI_INVALID_PARAMETER},
	{"NV|RT without BS", NV | RT, EFI_INVALID_PARAMETER},
	{"NV as the only access bit", NV, EFI_INVALID_PARAMETER},
	{"NV|AP: still NV only", NV | AP, EFI_INVALID_PARAMETER},
	{"reserved bit checked before AW", 0x100 | AW, EFI_INVALID_PARAMETER},
	{"AW checked before RT without BS", AW | RT, EFI_UNSUPPORTED},
	{"EA checked before AT", EA | AT | BS, EFI_UNSUPPORTED},
	{"BS", BS, EFI_SUCCESS},
	{"NV|BS", NV_BS, EFI_SUCCESS},
	{"BS|RT", BS_RT, EFI_SUCCESS},
	{"NV|BS|RT", NV_BS_RT, EFI_SUCCESS},
	{"NV|BS|RT|AP creates", NV_BS_RT | AP, EFI_SUCCESS},
	{"0 is a delete of nothing", 0, EFI_NOT_FOUND},
	{"AP alone is a delete of nothing", AP, EFI_NOT_FOUND},
};

START_TEST(set_attribute_combinations_give_their_status)
{
	const struct attr_case *c = &set_attr_cases[_i];
	struct varstore_entry_view e;
	uint64_t st;

	st = varstore_set(vs, N(u"V"), &guid_a, c->attributes, 1, bytes4);
	ck_assert_msg(st == c->status, "%s: got 0x%llx", c->what,
		      (unsigned long long)st);
	if (c->status == EFI_SUCCESS) {
		ck_assert(varstore_lookup(vs, N(u"V"), &guid_a, &e));
		ck_assert_uint_eq(e.attributes, c->attributes & ~AP);
	} else {
		ck_assert_uint_eq(varstore_count(vs), 0);
	}
}
END_TEST

START_TEST(set_rt_without_bs_is_invalid_parameter)
{
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, NV | RT, 1,
				       bytes4),
			  EFI_INVALID_PARAMETER);
}
END_TEST

START_TEST(set_larger_than_max_variable_size_is_invalid_parameter)
{
	static uint8_t big[200];
	/* u"V" is 4 bytes: cost = OVERHEAD + 4 + data. */
	uint64_t fit = 100 - OVERHEAD - 4;

	use_config(1000, 1000, 100);
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, NV_BS_RT,
				       fit + 1, big),
			  EFI_INVALID_PARAMETER);
	ck_assert_uint_eq(varstore_count(vs), 0);
	set_ok(N(u"V"), &guid_a, NV_BS_RT, fit, big);
}
END_TEST

START_TEST(set_with_huge_sizes_is_invalid_parameter)
{
	static const uint16_t long_name[] = {'A', 0, 'x'};

	/* data points at 4 bytes: a read of the claimed size would crash. */
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, NV_BS_RT,
				       UINT64_MAX, bytes4),
			  EFI_INVALID_PARAMETER);
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, NV_BS_RT,
				       UINT64_MAX - OVERHEAD, bytes4),
			  EFI_INVALID_PARAMETER);
	/* A huge name_size is fine: the name stops at its NUL. */
	set_ok(long_name, SIZE_MAX - 1, &guid_a, BS, 1, bytes4);
	ck_assert_uint_eq(varstore_used(vs, false), OVERHEAD + 4 + 1);
}
END_TEST

START_TEST(stored_attributes_never_include_append_write)
{
	struct varstore_entry_view e;
	uint32_t attr = 0;
	uint8_t buf[8];
	uint64_t size = sizeof(buf);

	set_ok(N(u"V"), &guid_a, NV_BS_RT | AP, 2, bytes4);
	set_ok(N(u"V"), &guid_a, NV_BS_RT | AP, 2, bytes4 + 2);
	ck_assert(varstore_lookup(vs, N(u"V"), &guid_a, &e));
	ck_assert_uint_eq(e.attributes, NV_BS_RT);
	ck_assert_uint_eq(varstore_get(vs, N(u"V"), &guid_a, &attr, &size,
				       buf),
			  EFI_SUCCESS);
	ck_assert_uint_eq(attr, NV_BS_RT);
}
END_TEST

/* ---- Delete ---- */

START_TEST(delete_by_zero_size_removes_the_variable)
{
	set_ok(N(u"V"), &guid_a, NV_BS_RT, 4, bytes4);
	set_ok(N(u"V"), &guid_a, NV_BS_RT, 0, NULL);
	ck_assert_uint_eq(varstore_count(vs), 0);
	ck_assert_uint_eq(varstore_used(vs, true), 0);
}
END_TEST

START_TEST(delete_by_zero_attributes_removes_the_variable)
{
	set_ok(N(u"V"), &guid_a, BS_RT, 4, bytes4);
	set_ok(N(u"V"), &guid_a, 0, 4, bytes4);
	ck_assert_uint_eq(varstore_count(vs), 0);
	ck_assert_uint_eq(varstore_used(vs, false), 0);
}
END_TEST

START_TEST(delete_by_append_without_access_removes_the_variable)
{
	set_ok(N(u"V"), &guid_a, BS, 4, bytes4);
	set_ok(N(u"V"), &guid_a, AP, 4, bytes4);
	ck_assert_uint_eq(varstore_count(vs), 0);
}
END_TEST

START_TEST(delete_of_missing_variable_is_not_found)
{
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, NV_BS_RT, 0,
				       NULL),
			  EFI_NOT_FOUND);
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, 0, 0, NULL),
			  EFI_NOT_FOUND);
}
END_TEST

START_TEST(delete_is_not_refused_for_other_attributes)
{
	set_ok(N(u"V"), &guid_a, NV_BS_RT, 4, bytes4);
	set_ok(N(u"V"), &guid_a, BS, 0, NULL);
	ck_assert_uint_eq(varstore_count(vs), 0);
}
END_TEST

START_TEST(append_of_nothing_to_existing_changes_nothing)
{
	char *before;
	char *after;

	set_ok(N(u"V"), &guid_a, NV_BS_RT, 4, bytes4);
	before = store_dump(vs);
	set_ok(N(u"V"), &guid_a, NV_BS_RT | AP, 0, NULL);
	after = store_dump(vs);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
}
END_TEST

START_TEST(append_of_nothing_to_missing_creates_nothing)
{
	set_ok(N(u"V"), &guid_a, NV_BS_RT | AP, 0, NULL);
	ck_assert_uint_eq(varstore_count(vs), 0);
}
END_TEST

/* ---- Update and append ---- */

START_TEST(update_with_other_attributes_is_invalid_parameter)
{
	char *before;
	char *after;

	set_ok(N(u"V"), &guid_a, NV_BS_RT, 4, bytes4);
	before = store_dump(vs);
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, NV_BS, 2,
				       bytes4),
			  EFI_INVALID_PARAMETER);
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, BS_RT | AP, 2,
				       bytes4),
			  EFI_INVALID_PARAMETER);
	after = store_dump(vs);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
}
END_TEST

START_TEST(append_concatenates_and_keeps_position)
{
	struct varstore_entry_view e;
	char *order;

	set_ok(N(u"A"), &guid_a, NV_BS_RT, 2, bytes4);
	set_ok(N(u"B"), &guid_a, NV_BS_RT, 1, bytes4);
	set_ok(N(u"A"), &guid_a, NV_BS_RT | AP, 2, bytes4 + 2);
	ck_assert(varstore_entry(vs, 0, &e));
	ck_assert_uint_eq(e.data_size, 4);
	ck_assert_mem_eq(e.data, bytes4, 4);
	order = walk_names(vs);
	ck_assert_str_eq(order, "A,B");
	free(order);
}
END_TEST

START_TEST(append_does_not_deduplicate)
{
	struct varstore_entry_view e;

	set_ok(N(u"db"), &guid_b, NV_BS_RT, 4, bytes4);
	set_ok(N(u"db"), &guid_b, NV_BS_RT | AP, 4, bytes4);
	ck_assert(varstore_lookup(vs, N(u"db"), &guid_b, &e));
	ck_assert_uint_eq(e.data_size, 8);
	ck_assert_mem_eq(e.data + 4, bytes4, 4);
}
END_TEST

START_TEST(append_beyond_max_variable_size_is_invalid_parameter)
{
	static uint8_t big[100];
	char *before;
	char *after;

	use_config(1000, 1000, 100);
	set_ok(N(u"V"), &guid_a, NV_BS_RT, 30, big);
	before = store_dump(vs);
	/* 60 + 4 + 30 + 7 = 101 > 100 */
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, NV_BS_RT | AP,
				       7, big),
			  EFI_INVALID_PARAMETER);
	after = store_dump(vs);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	set_ok(N(u"V"), &guid_a, NV_BS_RT | AP, 6, big);
}
END_TEST

START_TEST(identical_rewrite_is_success_and_unchanged)
{
	char *before;
	char *after;

	set_ok(N(u"A"), &guid_a, NV_BS_RT, 4, bytes4);
	set_ok(N(u"B"), &guid_a, NV_BS_RT, 4, bytes4);
	before = store_dump(vs);
	set_ok(N(u"A"), &guid_a, NV_BS_RT, 4, bytes4);
	after = store_dump(vs);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
}
END_TEST

START_TEST(update_replaces_data_and_keeps_position)
{
	static const uint8_t other[2] = {9, 9};
	struct varstore_entry_view e;
	char *order;

	set_ok(N(u"A"), &guid_a, BS, 4, bytes4);
	set_ok(N(u"B"), &guid_a, BS, 4, bytes4);
	set_ok(N(u"A"), &guid_a, BS, 2, other);
	ck_assert(varstore_entry(vs, 0, &e));
	ck_assert_uint_eq(e.data_size, 2);
	ck_assert_mem_eq(e.data, other, 2);
	order = walk_names(vs);
	ck_assert_str_eq(order, "A,B");
	free(order);
}
END_TEST

/* ---- Capacity and QueryVariableInfo, section 6.6 ---- */

START_TEST(create_beyond_capacity_is_out_of_resources)
{
	static uint8_t data[100];
	char *before;
	char *after;

	/* One variable u"A" with 36 bytes costs 60 + 4 + 36 = 100. */
	use_config(200, 200, 200);
	set_ok(N(u"A"), &guid_a, NV_BS_RT, 36, data);
	before = store_dump(vs);
	ck_assert_uint_eq(varstore_set(vs, N(u"B"), &guid_a, NV_BS_RT, 37,
				       data),
			  EFI_OUT_OF_RESOURCES);
	after = store_dump(vs);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	/* Exactly the remaining 100 bytes still fit. */
	set_ok(N(u"B"), &guid_a, NV_BS_RT, 36, data);
}
END_TEST

START_TEST(append_beyond_capacity_is_out_of_resources)
{
	static uint8_t data[100];
	char *before;
	char *after;

	use_config(110, 110, 200);
	set_ok(N(u"A"), &guid_a, BS, 36, data); /* 100 */
	before = store_dump(vs);
	ck_assert_uint_eq(varstore_set(vs, N(u"A"), &guid_a, BS | AP, 11,
				       data),
			  EFI_OUT_OF_RESOURCES);
	after = store_dump(vs);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	set_ok(N(u"A"), &guid_a, BS | AP, 10, data);
	ck_assert_uint_eq(varstore_used(vs, false), 110);
}
END_TEST

START_TEST(update_beyond_capacity_is_out_of_resources)
{
	static uint8_t data[100];
	char *before;
	char *after;

	use_config(110, 110, 200);
	set_ok(N(u"A"), &guid_a, NV_BS, 36, data); /* 100 */
	before = store_dump(vs);
	ck_assert_uint_eq(varstore_set(vs, N(u"A"), &guid_a, NV_BS, 47,
				       data),
			  EFI_OUT_OF_RESOURCES);
	after = store_dump(vs);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	/* The old copy's cost is given back: 46 bytes make exactly 110. */
	set_ok(N(u"A"), &guid_a, NV_BS, 46, data);
}
END_TEST

START_TEST(each_class_has_its_own_capacity)
{
	static uint8_t data[100];

	use_config(100, 200, 200);
	set_ok(N(u"N"), &guid_a, NV_BS, 36, data); /* NV full */
	ck_assert_uint_eq(varstore_set(vs, N(u"M"), &guid_a, NV_BS, 1, data),
			  EFI_OUT_OF_RESOURCES);
	set_ok(N(u"V"), &guid_a, BS, 36, data);
	ck_assert_uint_eq(varstore_used(vs, true), 100);
	ck_assert_uint_eq(varstore_used(vs, false), 100);
}
END_TEST

START_TEST(query_figures_move_by_exactly_the_cost)
{
	static uint8_t data[64];
	uint64_t nv0 = query_remaining(NV_BS_RT);
	uint64_t vol0 = query_remaining(BS_RT);

	set_ok(N(u"Abc"), &guid_a, NV_BS_RT, 10, data);
	ck_assert_uint_eq(query_remaining(NV_BS_RT), nv0 - (OVERHEAD + 8 + 10));
	ck_assert_uint_eq(query_remaining(BS_RT), vol0);
	set_ok(N(u"Abc"), &guid_a, NV_BS_RT, 20, data);
	ck_assert_uint_eq(query_remaining(NV_BS_RT), nv0 - (OVERHEAD + 8 + 20));
	set_ok(N(u"Abc"), &guid_a, NV_BS_RT | AP, 5, data);
	ck_assert_uint_eq(query_remaining(NV_BS_RT), nv0 - (OVERHEAD + 8 + 25));
	set_ok(N(u"Vol"), &guid_a, BS, 3, data);
	ck_assert_uint_eq(query_remaining(BS_RT), vol0 - (OVERHEAD + 8 + 3));
	set_ok(N(u"Abc"), &guid_a, NV_BS_RT, 0, NULL);
	ck_assert_uint_eq(query_remaining(NV_BS_RT), nv0);
	set_ok(N(u"Vol"), &guid_a, 0, 0, NULL);
	ck_assert_uint_eq(query_remaining(BS_RT), vol0);
}
END_TEST

START_TEST(query_reports_capacity_and_largest_variable)
{
	static uint8_t data[2048];
	uint64_t max_storage = 0;
	uint64_t remaining = 0;
	uint64_t max_var = 0;
	uint64_t data_size;

	use_config(1000, 4000, 1500);
	ck_assert_uint_eq(varstore_query(vs, NV_BS, &max_storage, &remaining,
					 &max_var),
			  EFI_SUCCESS);
	ck_assert_uint_eq(max_storage, 1000);
	ck_assert_uint_eq(remaining, 1000);
	/* min(1500, 1000) - 60 */
	ck_assert_uint_eq(max_var, 1000 - OVERHEAD);
	ck_assert_uint_eq(varstore_query(vs, BS, &max_storage, &remaining,
					 &max_var),
			  EFI_SUCCESS);
	ck_assert_uint_eq(max_storage, 4000);
	ck_assert_uint_eq(max_var, 1500 - OVERHEAD);
	/* Name + data of exactly max_var bytes is accepted, one more not. */
	ck_assert_uint_eq(varstore_query(vs, NV_BS, &max_storage, &remaining,
					 &max_var),
			  EFI_SUCCESS);
	data_size = max_var - 4;
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, NV_BS,
				       data_size + 1, data),
			  EFI_OUT_OF_RESOURCES);
	set_ok(N(u"V"), &guid_a, NV_BS, data_size, data);
	ck_assert_uint_eq(varstore_query(vs, NV_BS, &max_storage, &remaining,
					 &max_var),
			  EFI_SUCCESS);
	ck_assert_uint_eq(remaining, 0);
	ck_assert_uint_eq(max_var, 0);
}
END_TEST

START_TEST(query_max_variable_size_is_zero_when_nearly_full)
{
	static uint8_t data[64];
	uint64_t max_storage = 0;
	uint64_t remaining = 0;
	uint64_t max_var = 1;

	use_config(130, 130, 200);
	set_ok(N(u"V"), &guid_a, NV_BS, 30, data); /* 94 used, 36 left */
	ck_assert_uint_eq(varstore_query(vs, NV_BS, &max_storage, &remaining,
					 &max_var),
			  EFI_SUCCESS);
	ck_assert_uint_eq(remaining, 36);
	ck_assert_uint_eq(max_var, 0);
}
END_TEST

START_TEST(properties_cost_no_storage)
{
	struct mm_var_check_property p = {MM_VAR_CHECK_REVISION, 0, 0, 0, 8};
	uint64_t nv0 = query_remaining(NV_BS_RT);

	ck_assert_uint_eq(varstore_set_property(vs, N(u"V"), &guid_a, &p),
			  EFI_SUCCESS);
	ck_assert_uint_eq(query_remaining(NV_BS_RT), nv0);
	ck_assert_uint_eq(varstore_used(vs, true), 0);
}
END_TEST

struct query_case {
	const char *what;
	uint32_t attributes;
	bool runtime;
	uint64_t status;
};

static const struct query_case query_cases[] = {
	{"0", 0, false, EFI_INVALID_PARAMETER},
	{"AW", AW | NV_BS_RT, false, EFI_UNSUPPORTED},
	{"AT without auth support", AT | NV_BS_RT, false, EFI_UNSUPPORTED},
	{"HR without HR storage", HR | NV_BS_RT, false, EFI_UNSUPPORTED},
	{"reserved bit", 0x200 | NV_BS_RT, false, EFI_INVALID_PARAMETER},
	{"EA", EA | NV_BS_RT, false, EFI_UNSUPPORTED},
	{"AP alone: no NV, BS or RT", AP, false, EFI_UNSUPPORTED},
	{"NV only", NV, false, EFI_INVALID_PARAMETER},
	{"RT without BS", RT, false, EFI_INVALID_PARAMETER},
	{"NV|RT without BS", NV | RT, false, EFI_INVALID_PARAMETER},
	{"AW before reserved bit", AW | 0x200, false, EFI_UNSUPPORTED},
	{"at runtime without RT", NV_BS, true, EFI_INVALID_PARAMETER},
	{"at runtime BS only", BS, true, EFI_INVALID_PARAMETER},
	{"at runtime NV|BS|RT", NV_BS_RT, true, EFI_SUCCESS},
	{"BS at boot", BS, false, EFI_SUCCESS},
	{"NV|BS at boot", NV_BS, false, EFI_SUCCESS},
	{"AP is ignored", NV_BS_RT | AP, false, EFI_SUCCESS},
};

START_TEST(query_attribute_combinations_give_their_status)
{
	const struct query_case *c = &query_cases[_i];
	uint64_t a = 0;
	uint64_t b = 0;
	uint64_t m = 0;
	uint64_t st;

	if (c->runtime) {
		varstore_exit_boot_services(vs);
	}
	st = varstore_query(vs, c->attributes, &a, &b, &m);
	ck_assert_msg(st == c->status, "%s: got 0x%llx", c->what,
		      (unsigned long long)st);
}
END_TEST

START_TEST(query_with_null_output_is_invalid_parameter)
{
	uint64_t a = 0;
	uint64_t b = 0;

	ck_assert_uint_eq(varstore_query(vs, NV_BS_RT, &a, &b, NULL),
			  EFI_INVALID_PARAMETER);
	ck_assert_uint_eq(varstore_query(vs, NV_BS_RT, NULL, &a, &b),
			  EFI_INVALID_PARAMETER);
	ck_assert_uint_eq(varstore_query(vs, NV_BS_RT, &a, NULL, &b),
			  EFI_INVALID_PARAMETER);
}
END_TEST

/* ---- GetNextVariableName, section 6.5 ---- */

START_TEST(get_next_walks_in_creation_order_then_not_found)
{
	char *order;

	set_ok(N(u"C"), &guid_a, BS, 1, bytes4);
	set_ok(N(u"A"), &guid_b, NV_BS_RT, 1, bytes4);
	set_ok(N(u"B"), &guid_a, BS_RT, 1, bytes4);
	set_ok(N(u"A"), &guid_a, BS, 1, bytes4);
	set_ok(N(u"C"), &guid_a, BS, 2, bytes4); /* update keeps place */
	order = walk_names(vs);
	ck_assert_str_eq(order, "C,A,B,A");
	free(order);
	set_ok(N(u"A"), &guid_b, NV_BS_RT, 0, NULL);
	set_ok(N(u"A"), &guid_b, NV_BS_RT, 1, bytes4); /* re-created: last */
	order = walk_names(vs);
	ck_assert_str_eq(order, "C,B,A,A");
	free(order);
}
END_TEST

START_TEST(get_next_returns_name_guid_and_size)
{
	uint16_t name[16] = {0};
	struct efi_guid guid = {0};
	uint64_t size = sizeof(name);

	set_ok(N(u"Boot0001"), &guid_b, BS, 1, bytes4);
	ck_assert_uint_eq(varstore_get_next(vs, name, &size, &guid),
			  EFI_SUCCESS);
	ck_assert_uint_eq(size, sizeof(u"Boot0001"));
	ck_assert_mem_eq(name, u"Boot0001", sizeof(u"Boot0001"));
	ck_assert(efi_guid_equal(&guid, &guid_b));
	ck_assert_uint_eq(varstore_get_next(vs, name, &size, &guid),
			  EFI_NOT_FOUND);
}
END_TEST

START_TEST(get_next_with_small_buffer_is_buffer_too_small)
{
	uint16_t name[4] = {0, 0x5555, 0x5555, 0x5555};
	struct efi_guid guid = guid_b;
	uint64_t size = sizeof(name);

	set_ok(N(u"Boot0001"), &guid_a, BS, 1, bytes4);
	ck_assert_uint_eq(varstore_get_next(vs, name, &size, &guid),
			  EFI_BUFFER_TOO_SMALL);
	ck_assert_uint_eq(size, sizeof(u"Boot0001"));
	ck_assert_uint_eq(name[0], 0);
	ck_assert_uint_eq(name[1], 0x5555);
	ck_assert(efi_guid_equal(&guid, &guid_b));
}
END_TEST

START_TEST(get_next_from_unknown_name_is_invalid_parameter)
{
	uint16_t name[8] = {'X', 0};
	struct efi_guid guid = guid_a;
	uint64_t size = sizeof(name);

	set_ok(N(u"A"), &guid_a, BS, 1, bytes4);
	ck_assert_uint_eq(varstore_get_next(vs, name, &size, &guid),
			  EFI_INVALID_PARAMETER);
	/* Right name, wrong GUID. */
	name[0] = 'A';
	guid = guid_b;
	ck_assert_uint_eq(varstore_get_next(vs, name, &size, &guid),
			  EFI_INVALID_PARAMETER);
}
END_TEST

START_TEST(get_next_on_empty_store_is_not_found)
{
	uint16_t name[8] = {0};
	struct efi_guid guid = {0};
	uint64_t size = sizeof(name);

	ck_assert_uint_eq(varstore_get_next(vs, name, &size, &guid),
			  EFI_NOT_FOUND);
}
END_TEST

START_TEST(get_next_with_bad_arguments_is_invalid_parameter)
{
	uint16_t name[2] = {'A', 'B'};
	struct efi_guid guid = {0};
	uint64_t size = sizeof(name);

	ck_assert_uint_eq(varstore_get_next(vs, name, NULL, &guid),
			  EFI_INVALID_PARAMETER);
	ck_assert_uint_eq(varstore_get_next(vs, NULL, &size, &guid),
			  EFI_INVALID_PARAMETER);
	ck_assert_uint_eq(varstore_get_next(vs, name, &size, NULL),
			  EFI_INVALID_PARAMETER);
	/* No NUL within *name_size bytes. */
	ck_assert_uint_eq(varstore_get_next(vs, name, &size, &guid),
			  EFI_INVALID_PARAMETER);
	size = 0;
	ck_assert_uint_eq(varstore_get_next(vs, name, &size, &guid),
			  EFI_INVALID_PARAMETER);
}
END_TEST

/* ---- Phases and runtime, sections 6.3, 6.4, 6.8 ---- */

START_TEST(ready_to_boot_moves_to_ready_to_boot_phase)
{
	ck_assert_int_eq(varstore_phase(vs), VARSTORE_PHASE_BOOT);
	ck_assert_uint_eq(varstore_ready_to_boot(vs), EFI_SUCCESS);
	ck_assert_int_eq(varstore_phase(vs), VARSTORE_PHASE_READY_TO_BOOT);
}
END_TEST

START_TEST(ready_to_boot_at_runtime_is_unsupported)
{
	varstore_exit_boot_services(vs);
	ck_assert_uint_eq(varstore_ready_to_boot(vs), EFI_UNSUPPORTED);
	ck_assert_int_eq(varstore_phase(vs), VARSTORE_PHASE_RUNTIME);
}
END_TEST

START_TEST(exit_boot_services_moves_to_runtime_and_is_idempotent)
{
	ck_assert_uint_eq(varstore_exit_boot_services(vs), EFI_SUCCESS);
	ck_assert_int_eq(varstore_phase(vs), VARSTORE_PHASE_RUNTIME);
	ck_assert_uint_eq(varstore_exit_boot_services(vs), EFI_SUCCESS);
	ck_assert_int_eq(varstore_phase(vs), VARSTORE_PHASE_RUNTIME);
}
END_TEST

START_TEST(runtime_get_of_boot_services_variable_is_not_found)
{
	uint8_t buf[8];
	uint64_t size = sizeof(buf);

	set_ok(N(u"V"), &guid_a, NV_BS, 1, bytes4);
	varstore_exit_boot_services(vs);
	ck_assert_uint_eq(varstore_get(vs, N(u"V"), &guid_a, NULL, &size,
				       buf),
			  EFI_NOT_FOUND);
}
END_TEST

START_TEST(runtime_get_next_skips_boot_services_variables)
{
	char *order;
	uint16_t name[8] = {'B', 0};
	struct efi_guid guid = guid_a;
	uint64_t size = sizeof(name);

	set_ok(N(u"A"), &guid_a, NV_BS_RT, 1, bytes4);
	set_ok(N(u"B"), &guid_a, BS, 1, bytes4);
	set_ok(N(u"C"), &guid_a, BS_RT, 1, bytes4);
	set_ok(N(u"D"), &guid_a, NV_BS, 1, bytes4);
	varstore_exit_boot_services(vs);
	order = walk_names(vs);
	ck_assert_str_eq(order, "A,C");
	free(order);
	/* Continuing from an invisible name is like an unknown name. */
	ck_assert_uint_eq(varstore_get_next(vs, name, &size, &guid),
			  EFI_INVALID_PARAMETER);
}
END_TEST

static const uint32_t runtime_bad_create[] = {BS, BS_RT, NV_BS};

START_TEST(runtime_create_without_nv_and_rt_is_invalid_parameter)
{
	varstore_exit_boot_services(vs);
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a,
				       runtime_bad_create[_i], 1, bytes4),
			  EFI_INVALID_PARAMETER);
	ck_assert_uint_eq(varstore_count(vs), 0);
}
END_TEST

START_TEST(runtime_create_with_nv_bs_rt_succeeds)
{
	varstore_exit_boot_services(vs);
	set_ok(N(u"V"), &guid_a, NV_BS_RT, 1, bytes4);
	ck_assert_uint_eq(varstore_count(vs), 1);
}
END_TEST

START_TEST(runtime_write_of_volatile_variable_is_write_protected)
{
	char *before;
	char *after;

	set_ok(N(u"V"), &guid_a, BS_RT, 1, bytes4);
	varstore_exit_boot_services(vs);
	before = store_dump(vs);
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, BS_RT, 2,
				       bytes4),
			  EFI_WRITE_PROTECTED);
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, BS_RT | AP, 2,
				       bytes4),
			  EFI_WRITE_PROTECTED);
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, BS_RT, 0, NULL),
			  EFI_WRITE_PROTECTED);
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, 0, 0, NULL),
			  EFI_WRITE_PROTECTED);
	after = store_dump(vs);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
}
END_TEST

START_TEST(runtime_nv_rt_write_over_invisible_is_write_protected)
{
	set_ok(N(u"V"), &guid_a, NV_BS, 1, bytes4);
	varstore_exit_boot_services(vs);
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, NV_BS_RT, 1,
				       bytes4),
			  EFI_WRITE_PROTECTED);
	/* A delete (size 0) does not reveal it either: NOT_FOUND. */
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, NV_BS_RT, 0,
				       NULL),
			  EFI_NOT_FOUND);
	ck_assert_uint_eq(varstore_count(vs), 1);
}
END_TEST

START_TEST(runtime_other_write_over_invisible_is_invalid_parameter)
{
	set_ok(N(u"V"), &guid_a, BS, 1, bytes4);
	varstore_exit_boot_services(vs);
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, BS, 1, bytes4),
			  EFI_INVALID_PARAMETER);
	ck_assert_uint_eq(varstore_count(vs), 1);
}
END_TEST

/* A delete does not reveal an invisible variable: NOT_FOUND, unchanged. */
START_TEST(runtime_delete_of_invisible_is_not_found)
{
	set_ok(N(u"V"), &guid_a, BS, 1, bytes4);
	varstore_exit_boot_services(vs);
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, 0, 0, NULL),
			  EFI_NOT_FOUND);
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, BS, 0, NULL),
			  EFI_NOT_FOUND);
	ck_assert_uint_eq(varstore_count(vs), 1);
}
END_TEST

START_TEST(runtime_update_append_delete_of_nv_rt_variable_succeed)
{
	struct varstore_entry_view e;

	set_ok(N(u"V"), &guid_a, NV_BS_RT, 1, bytes4);
	varstore_exit_boot_services(vs);
	set_ok(N(u"V"), &guid_a, NV_BS_RT, 2, bytes4);
	set_ok(N(u"V"), &guid_a, NV_BS_RT | AP, 2, bytes4 + 2);
	ck_assert(varstore_lookup(vs, N(u"V"), &guid_a, &e));
	ck_assert_uint_eq(e.data_size, 4);
	ck_assert_mem_eq(e.data, bytes4, 4);
	set_ok(N(u"V"), &guid_a, NV_BS_RT, 0, NULL);
	ck_assert_uint_eq(varstore_count(vs), 0);
}
END_TEST

START_TEST(runtime_delete_of_missing_variable_is_not_found)
{
	varstore_exit_boot_services(vs);
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, NV_BS_RT, 0,
				       NULL),
			  EFI_NOT_FOUND);
}
END_TEST

/* ---- VarCheck properties, section 6.7 ---- */

static const struct mm_var_check_property read_only = {
	MM_VAR_CHECK_REVISION, MM_VAR_CHECK_READ_ONLY, 0, 0, UINT64_MAX};

START_TEST(property_set_then_get_returns_it)
{
	struct mm_var_check_property p = {MM_VAR_CHECK_REVISION, 1, NV_BS_RT,
					  2, 10};
	struct mm_var_check_property got = {0};

	ck_assert_uint_eq(varstore_set_property(vs, N(u"V"), &guid_a, &p),
			  EFI_SUCCESS);
	ck_assert_uint_eq(varstore_get_property(vs, N(u"V"), &guid_a, &got),
			  EFI_SUCCESS);
	ck_assert_mem_eq(&got, &p, sizeof(p));
}
END_TEST

START_TEST(property_set_again_replaces_it)
{
	struct mm_var_check_property p = {MM_VAR_CHECK_REVISION, 0, 0, 2, 10};
	struct mm_var_check_property got = {0};

	ck_assert_uint_eq(varstore_set_property(vs, N(u"V"), &guid_a,
						&read_only),
			  EFI_SUCCESS);
	ck_assert_uint_eq(varstore_set_property(vs, N(u"V"), &guid_a, &p),
			  EFI_SUCCESS);
	ck_assert_uint_eq(varstore_get_property(vs, N(u"V"), &guid_a, &got),
			  EFI_SUCCESS);
	ck_assert_uint_eq(got.property, 0);
	set_ok(N(u"V"), &guid_a, BS, 4, bytes4);
}
END_TEST

START_TEST(property_get_without_property_is_not_found)
{
	struct mm_var_check_property got;

	set_ok(N(u"V"), &guid_a, BS, 1, bytes4);
	ck_assert_uint_eq(varstore_get_property(vs, N(u"V"), &guid_a, &got),
			  EFI_NOT_FOUND);
	ck_assert_uint_eq(varstore_set_property(vs, N(u"V"), &guid_a,
						&read_only),
			  EFI_SUCCESS);
	ck_assert_uint_eq(varstore_get_property(vs, N(u"V"), &guid_b, &got),
			  EFI_NOT_FOUND);
}
END_TEST

struct prop_case {
	const char *what;
	const uint16_t *name;
	size_t name_size;
	bool null_guid;
	bool null_prop;
	struct mm_var_check_property property;
};

static const struct prop_case prop_invalid_cases[] = {
	{"revision 0", (const uint16_t *)u"V", 4, false, false,
	 {0, 0, 0, 0, 1}},
	{"revision 2", (const uint16_t *)u"V", 4, false, false,
	 {2, 0, 0, 0, 1}},
	{"min above max", (const uint16_t *)u"V", 4, false, false,
	 {MM_VAR_CHECK_REVISION, 0, 0, 5, 4}},
	{"name NULL", NULL, 4, false, false,
	 {MM_VAR_CHECK_REVISION, 0, 0, 0, 1}},
	{"empty name", (const uint16_t *)u"", 2, false, false,
	 {MM_VAR_CHECK_REVISION, 0, 0, 0, 1}},
	{"odd name_size", (const uint16_t *)u"V", 3, false, false,
	 {MM_VAR_CHECK_REVISION, 0, 0, 0, 1}},
	{"no NUL", unterminated, sizeof(unterminated), false, false,
	 {MM_VAR_CHECK_REVISION, 0, 0, 0, 1}},
	{"guid NULL", (const uint16_t *)u"V", 4, true, false,
	 {MM_VAR_CHECK_REVISION, 0, 0, 0, 1}},
	{"property NULL", (const uint16_t *)u"V", 4, false, true,
	 {MM_VAR_CHECK_REVISION, 0, 0, 0, 1}},
};

START_TEST(property_set_with_bad_arguments_is_invalid_parameter)
{
	const struct prop_case *c = &prop_invalid_cases[_i];
	struct mm_var_check_property got;

	ck_assert_msg(varstore_set_property(vs, c->name, c->name_size,
					    c->null_guid ? NULL : &guid_a,
					    c->null_prop ? NULL
							 : &c->property) ==
			      EFI_INVALID_PARAMETER,
		      "%s", c->what);
	ck_assert_uint_eq(varstore_get_property(vs, N(u"V"), &guid_a, &got),
			  EFI_NOT_FOUND);
}
END_TEST

START_TEST(property_get_with_bad_arguments_is_invalid_parameter)
{
	struct mm_var_check_property got;

	ck_assert_uint_eq(varstore_get_property(vs, N(u""), &guid_a, &got),
			  EFI_INVALID_PARAMETER);
	ck_assert_uint_eq(varstore_get_property(vs, N(u"V"), NULL, &got),
			  EFI_INVALID_PARAMETER);
	ck_assert_uint_eq(varstore_get_property(vs, N(u"V"), &guid_a, NULL),
			  EFI_INVALID_PARAMETER);
}
END_TEST

START_TEST(property_set_after_ready_to_boot_is_access_denied)
{
	varstore_ready_to_boot(vs);
	ck_assert_uint_eq(varstore_set_property(vs, N(u"V"), &guid_a,
						&read_only),
			  EFI_ACCESS_DENIED);
}
END_TEST

START_TEST(property_set_at_runtime_is_access_denied)
{
	struct mm_var_check_property got;

	varstore_exit_boot_services(vs);
	ck_assert_uint_eq(varstore_set_property(vs, N(u"V"), &guid_a,
						&read_only),
			  EFI_ACCESS_DENIED);
	ck_assert_uint_eq(varstore_get_property(vs, N(u"V"), &guid_a, &got),
			  EFI_NOT_FOUND);
}
END_TEST

START_TEST(property_may_be_set_before_the_variable_exists)
{
	ck_assert_uint_eq(varstore_set_property(vs, N(u"V"), &guid_a,
						&read_only),
			  EFI_SUCCESS);
	ck_assert_uint_eq(varstore_count(vs), 0);
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, NV_BS_RT, 1,
				       bytes4),
			  EFI_WRITE_PROTECTED);
	ck_assert_uint_eq(varstore_count(vs), 0);
}
END_TEST

START_TEST(read_only_variable_set_is_write_protected)
{
	char *before;
	char *after;

	set_ok(N(u"V"), &guid_a, NV_BS_RT, 4, bytes4);
	ck_assert_uint_eq(varstore_set_property(vs, N(u"V"), &guid_a,
						&read_only),
			  EFI_SUCCESS);
	before = store_dump(vs);
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, NV_BS_RT, 2,
				       bytes4),
			  EFI_WRITE_PROTECTED);
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, NV_BS_RT | AP,
				       2, bytes4),
			  EFI_WRITE_PROTECTED);
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, NV_BS_RT, 0,
				       NULL),
			  EFI_WRITE_PROTECTED);
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, 0, 0, NULL),
			  EFI_WRITE_PROTECTED);
	after = store_dump(vs);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
}
END_TEST

START_TEST(property_size_limits_refuse_data_outside_them)
{
	struct mm_var_check_property p = {MM_VAR_CHECK_REVISION, 0, 0, 2, 3};

	ck_assert_uint_eq(varstore_set_property(vs, N(u"V"), &guid_a, &p),
			  EFI_SUCCESS);
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, BS, 1, bytes4),
			  EFI_INVALID_PARAMETER);
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, BS, 4, bytes4),
			  EFI_INVALID_PARAMETER);
	set_ok(N(u"V"), &guid_a, BS, 2, bytes4);
	set_ok(N(u"V"), &guid_a, BS, 3, bytes4);
	/* Append checks the chunk (EDK2), not the result. */
	set_ok(N(u"V"), &guid_a, BS | AP, 2, bytes4);
	/* A delete is not a write with data. */
	set_ok(N(u"V"), &guid_a, BS, 0, NULL);
	ck_assert_uint_eq(varstore_count(vs), 0);
}
END_TEST

START_TEST(property_attributes_must_match_the_write)
{
	struct mm_var_check_property p = {MM_VAR_CHECK_REVISION, 0, NV_BS_RT,
					  0, 100};

	ck_assert_uint_eq(varstore_set_property(vs, N(u"V"), &guid_a, &p),
			  EFI_SUCCESS);
	ck_assert_uint_eq(varstore_set(vs, N(u"V"), &guid_a, BS_RT, 1,
				       bytes4),
			  EFI_INVALID_PARAMETER);
	set_ok(N(u"V"), &guid_a, NV_BS_RT, 1, bytes4);
	set_ok(N(u"V"), &guid_a, NV_BS_RT | AP, 1, bytes4);
}
END_TEST

START_TEST(runtime_property_get_of_invisible_is_not_found)
{
	struct mm_var_check_property got;

	set_ok(N(u"B"), &guid_a, NV_BS, 1, bytes4);
	set_ok(N(u"R"), &guid_a, NV_BS_RT, 1, bytes4);
	ck_assert_uint_eq(varstore_set_property(vs, N(u"B"), &guid_a,
						&read_only),
			  EFI_SUCCESS);
	ck_assert_uint_eq(varstore_set_property(vs, N(u"R"), &guid_a,
						&read_only),
			  EFI_SUCCESS);
	varstore_exit_boot_services(vs);
	ck_assert_uint_eq(varstore_get_property(vs, N(u"B"), &guid_a, &got),
			  EFI_NOT_FOUND);
	ck_assert_uint_eq(varstore_get_property(vs, N(u"R"), &guid_a, &got),
			  EFI_SUCCESS);
}
END_TEST

/* ---- Persistence ---- */

static void persist_setup(void)
{
	store_setup();
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_varstore.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

/* Removes tmpdir and what the tests left in it (files and empty dirs). */
static void persist_teardown(void)
{
	DIR *d;
	struct dirent *de;

	store_teardown();
	chmod(tmpdir, 0700);
	d = opendir(tmpdir);
	if (d != NULL) {
		while ((de = readdir(d)) != NULL) {
			char path[512];

			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0) {
				continue;
			}
			snprintf(path, sizeof(path), "%s/%s", tmpdir,
				 de->d_name);
			if (unlink(path) != 0) {
				rmdir(path);
			}
		}
		closedir(d);
	}
	rmdir(tmpdir);
}

static char *tmp_path(const char *leaf)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_printf(&sb, "%s/%s", tmpdir, leaf);
	return strbuf_steal(&sb);
}

static char *slurp(const char *path, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	char chunk[4096];
	FILE *f = fopen(path, "rb");
	size_t n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		strbuf_append(&sb, chunk, n);
	}
	fclose(f);
	*len = sb.len;
	if (sb.data == NULL) {
		return xstrdup("");
	}
	return strbuf_steal(&sb);
}

static void spill(const char *path, const char *bytes, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_msg(f != NULL, "cannot create %s", path);
	ck_assert_uint_eq(fwrite(bytes, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* Number of entries in tmpdir whose name contains ".tmp.". */
static int count_temporaries(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		if (strstr(de->d_name, ".tmp.") != NULL) {
			n++;
		}
	}
	closedir(d);
	return n;
}

/* A store with NV and volatile variables and two properties. */
static void fill_sample(void)
{
	static const uint8_t order[] = {0, 0, 1, 0};
	struct mm_var_check_property p = {MM_VAR_CHECK_REVISION, 0, NV_BS_RT,
					  1, 64};

	set_ok(N(u"BootOrder"), &guid_a, NV_BS_RT, sizeof(order), order);
	set_ok(N(u"Volatile"), &guid_a, BS_RT, 4, bytes4);
	set_ok(N(u"My Var #1"), &guid_b, NV_BS, 4, bytes4);
	set_ok(N(u"Ünïcödé\\%"), &guid_a, NV_BS_RT, 1, bytes4);
	set_ok(N(u"hex:41"), &guid_a, NV_BS, 2, bytes4);
	ck_assert_uint_eq(varstore_set_property(vs, N(u"BootOrder"), &guid_a,
						&read_only),
			  EFI_SUCCESS);
	ck_assert_uint_eq(varstore_set_property(vs, N(u"Missing"), &guid_b,
						&p),
			  EFI_SUCCESS);
}

START_TEST(save_then_load_round_trips_nv_variables_and_properties)
{
	struct varstore *copy = varstore_new(NULL);
	struct mm_var_check_property got = {0};
	struct error err = {0};
	char *path = tmp_path("vars");
	char *order;

	fill_sample();
	ck_assert_msg(varstore_save(vs, path, &err), "%s", err.message);
	/* Drop the volatile variable: what is left must come back. */
	set_ok(N(u"Volatile"), &guid_a, 0, 0, NULL);
	ck_assert_msg(varstore_load(copy, path, &err), "%s", err.message);
	{
		char *want = store_dump(vs);
		char *have = store_dump(copy);

		ck_assert_str_eq(have, want);
		free(want);
		free(have);
	}
	order = walk_names(copy);
	ck_assert_str_eq(order, "BootOrder,My Var #1,Ünïcödé\\%,hex:41");
	free(order);
	ck_assert_uint_eq(varstore_get_property(copy, N(u"BootOrder"),
						&guid_a, &got),
			  EFI_SUCCESS);
	ck_assert_uint_eq(got.property, MM_VAR_CHECK_READ_ONLY);
	ck_assert_uint_eq(varstore_get_property(copy, N(u"Missing"), &guid_b,
						&got),
			  EFI_SUCCESS);
	ck_assert_uint_eq(got.attributes, NV_BS_RT);
	ck_assert_uint_eq(got.max_size, 64);
	varstore_free(copy);
	free(path);
}
END_TEST

START_TEST(save_writes_odd_names_in_hex_form)
{
	char *path = tmp_path("vars");
	struct error err = {0};
	size_t len;
	char *text;

	fill_sample();
	ck_assert(varstore_save(vs, path, &err));
	text = slurp(path, &len);
	ck_assert_ptr_nonnull(strstr(text, "ffa-harness-varstore 1\n"));
	ck_assert_ptr_nonnull(strstr(text, " BootOrder 0x7 00000100\n"));
	/* u"My Var #1": space and '#' are not plain. */
	ck_assert_ptr_nonnull(strstr(text, " hex:4d0079002000560061007200200023"
					   "003100 0x3 01020304\n"));
	/* u"hex:41" must not be written as itself. */
	ck_assert_ptr_null(strstr(text, " hex:41 "));
	ck_assert_ptr_null(strstr(text, "Volatile"));
	ck_assert_ptr_nonnull(strstr(text, "\nend 6\ncrc32 "));
	free(text);
	free(path);
}
END_TEST

START_TEST(save_leaves_no_temporary_file)
{
	char *path = tmp_path("vars");
	struct error err = {0};

	fill_sample();
	ck_assert(varstore_save(vs, path, &err));
	ck_assert(varstore_save(vs, path, &err));
	ck_assert_int_eq(count_temporaries(), 0);
	ck_assert_int_eq(access(path, R_OK), 0);
	free(path);
}
END_TEST

START_TEST(failed_save_keeps_the_original_file)
{
	char *path = tmp_path("vars");
	struct error err = {0};
	char *before;
	char *after;
	size_t len_before;
	size_t len_after;

	fill_sample();
	ck_assert(varstore_save(vs, path, &err));
	before = slurp(path, &len_before);
	set_ok(N(u"Extra"), &guid_a, NV_BS_RT, 4, bytes4);
	if (geteuid() != 0) {
		/* A directory we may not write to. */
		ck_assert_int_eq(chmod(tmpdir, 0500), 0);
		ck_assert(!varstore_save(vs, path, &err));
		ck_assert_ptr_nonnull(strstr(err.message, path));
		ck_assert_ptr_nonnull(strstr(err.message, strerror(EACCES)));
		ck_assert_int_eq(chmod(tmpdir, 0700), 0);
	} else {
		/*
		 * Root writes anywhere; block the temporary file's name
		 * with a directory instead, so that creating it fails.
		 */
		char tmp_name[64];
		char *blocker;

		snprintf(tmp_name, sizeof(tmp_name), "vars.tmp.%ld",
			 (long)getpid());
		blocker = tmp_path(tmp_name);
		ck_assert_int_eq(mkdir(blocker, 0700), 0);
		ck_assert(!varstore_save(vs, path, &err));
		ck_assert_ptr_nonnull(strstr(err.message, path));
		ck_assert_ptr_nonnull(strstr(err.message, strerror(EISDIR)));
		ck_assert_int_eq(rmdir(blocker), 0);
		free(blocker);
	}
	after = slurp(path, &len_after);
	ck_assert_uint_eq(len_after, len_before);
	ck_assert_mem_eq(after, before, len_before);
	ck_assert_int_eq(count_temporaries(), 0);
	free(before);
	free(after);
	free(path);
}
END_TEST

START_TEST(save_failing_at_rename_removes_the_temporary_file)
{
	char *path = tmp_path("vars");
	char *inside = tmp_path("vars/keep");
	struct error err = {0};

	/* A non-empty directory cannot be replaced by a file. */
	ck_assert_int_eq(mkdir(path, 0700), 0);
	spill(inside, "x", 1);
	fill_sample();
	ck_assert(!varstore_save(vs, path, &err));
	ck_assert_ptr_nonnull(strstr(err.message, path));
	ck_assert_ptr_nonnull(strstr(err.message, "rename"));
	ck_assert_int_eq(count_temporaries(), 0);
	ck_assert_int_eq(unlink(inside), 0);
	free(inside);
	free(path);
}
END_TEST

START_TEST(save_into_missing_directory_fails_naming_the_path)
{
	char *path = tmp_path("no/such/dir/vars");
	struct error err = {0};

	ck_assert(!varstore_save(vs, path, &err));
	ck_assert_ptr_nonnull(strstr(err.message, path));
	ck_assert_ptr_nonnull(strstr(err.message, strerror(ENOENT)));
	free(path);
}
END_TEST

START_TEST(load_of_missing_file_fails_naming_the_path)
{
	char *path = tmp_path("absent");
	struct error err = {0};

	ck_assert(!varstore_load(vs, path, &err));
	ck_assert_ptr_nonnull(strstr(err.message, path));
	ck_assert_ptr_nonnull(strstr(err.message, strerror(ENOENT)));
	free(path);
}
END_TEST

START_TEST(load_of_every_truncation_fails_unchanged)
{
	char *path = tmp_path("vars");
	char *cut = tmp_path("cut");
	struct error err = {0};
	char *before;
	char *text;
	size_t len;

	fill_sample();
	ck_assert(varstore_save(vs, path, &err));
	text = slurp(path, &len);
	varstore_free(vs);
	vs = varstore_new(NULL);
	set_ok(N(u"Resident"), &guid_b, NV_BS, 4, bytes4);
	before = store_dump(vs);
	/* Every proper prefix but the one missing only the last '\n'. */
	for (size_t n = 0; n + 1 < len; n++) {
		char *after;

		spill(cut, text, n);
		error_clear(&err);
		ck_assert_msg(!varstore_load(vs, cut, &err),
			      "prefix of %zu bytes loaded", n);
		ck_assert_msg(strncmp(err.message, cut, strlen(cut)) == 0,
			      "%s", err.message);
		after = store_dump(vs);
		ck_assert_str_eq(after, before);
		free(after);
	}
	spill(cut, text, len - 1);
	ck_assert_msg(varstore_load(vs, cut, &err), "%s", err.message);
	free(before);
	free(text);
	free(cut);
	free(path);
}
END_TEST

START_TEST(load_of_truncated_file_says_truncated)
{
	char *path = tmp_path("vars");
	struct error err = {0};
	struct varstore *copy = varstore_new(NULL);
	char *text;
	char *crc_line;
	size_t len;

	fill_sample();
	ck_assert(varstore_save(vs, path, &err));
	text = slurp(path, &len);
	crc_line = strstr(text, "\ncrc32 ");
	ck_assert_ptr_nonnull(crc_line);
	spill(path, text, (size_t)(crc_line + 1 - text));
	ck_assert(!varstore_load(copy, path, &err));
	ck_assert_ptr_nonnull(strstr(err.message, "truncated"));
	ck_assert_ptr_nonnull(strstr(err.message, "crc32"));
	ck_assert_uint_eq(varstore_count(copy), 0);
	varstore_free(copy);
	free(text);
	free(path);
}
END_TEST

START_TEST(load_of_any_flipped_bit_fails)
{
	char *path = tmp_path("vars");
	char *bad = tmp_path("bad");
	struct error err = {0};
	struct varstore *copy = varstore_new(NULL);
	char *text;
	size_t len;

	fill_sample();
	ck_assert(varstore_save(vs, path, &err));
	text = slurp(path, &len);
	for (size_t i = 0; i < len; i++) {
		text[i] ^= 0x01;
		spill(bad, text, len);
		text[i] ^= 0x01;
		error_clear(&err);
		ck_assert_msg(!varstore_load(copy, bad, &err),
			      "flip at byte %zu loaded", i);
		ck_assert_uint_eq(varstore_count(copy), 0);
	}
	varstore_free(copy);
	free(text);
	free(bad);
	free(path);
}
END_TEST

START_TEST(load_of_flipped_data_byte_is_a_checksum_mismatch)
{
	char *path = tmp_path("vars");
	struct error err = {0};
	char *text;
	char *data;
	size_t len;

	set_ok(N(u"V"), &guid_a, NV_BS_RT, 4, bytes4);
	ck_assert(varstore_save(vs, path, &err));
	text = slurp(path, &len);
	data = strstr(text, " 01020304\n");
	ck_assert_ptr_nonnull(data);
	data[2] = '3'; /* still valid hex, but not what was written */
	spill(path, text, len);
	varstore_free(vs);
	vs = varstore_new(NULL);
	ck_assert(!varstore_load(vs, path, &err));
	ck_assert_ptr_nonnull(strstr(err.message, "checksum mismatch"));
	ck_assert_ptr_nonnull(strstr(err.message, ":5: "));
	ck_assert_uint_eq(varstore_count(vs), 0);
	free(text);
	free(path);
}
END_TEST

START_TEST(load_of_bad_line_names_its_line_unchanged)
{
	static const char text[] =
		"ffa-harness-varstore 1\n"
		"var 8be4df61-93ca-11d2-aa0d-00e098032b8c A 0x7 01\n"
		"# a comment\n"
		"var 8be4df61-93ca-11d2-aa0d-00e098032b8c B 0x7 xyz\n"
		"end 2\n"
		"crc32 00000000\n";
	char *path = tmp_path("vars");
	struct error err = {0};
	char *before;
	char *after;

	spill(path, text, sizeof(text) - 1);
	set_ok(N(u"Resident"), &guid_b, NV_BS, 4, bytes4);
	before = store_dump(vs);
	ck_assert(!varstore_load(vs, path, &err));
	ck_assert_ptr_nonnull(strstr(err.message, path));
	ck_assert_ptr_nonnull(strstr(err.message, ":4: "));
	ck_assert_ptr_nonnull(strstr(err.message, "bad data"));
	after = store_dump(vs);
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
	free(path);
}
END_TEST

START_TEST(load_of_nul_byte_fails)
{
	static const char text[] = "ffa-harness-varstore 1\n# a\0b\nend 0\n";
	char *path = tmp_path("vars");
	struct error err = {0};

	spill(path, text, sizeof(text) - 1);
	ck_assert(!varstore_load_preload(vs, path, &err));
	ck_assert_ptr_nonnull(strstr(err.message, ":2: NUL byte"));
	free(path);
}
END_TEST

START_TEST(load_of_variable_already_present_fails_unchanged)
{
	struct error err = {0};
	char *before;
	char *after;

	set_ok(N(u"BootOrder"), &guid_a, NV_BS_RT, 1, bytes4);
	before = store_dump(vs);
	ck_assert(!varstore_load(vs, DATA_DIR "saved.vars", &err));
	ck_assert_ptr_nonnull(strstr(err.message, "saved.vars:3: "));
	ck_assert_ptr_nonnull(strstr(err.message, "already in the store"));
	after = store_dump(vs);
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
}
END_TEST

START_TEST(load_of_property_already_present_fails)
{
	struct error err = {0};

	ck_assert_uint_eq(varstore_set_property(vs, N(u"BootOrder"), &guid_a,
						&read_only),
			  EFI_SUCCESS);
	ck_assert(!varstore_load(vs, DATA_DIR "saved.vars", &err));
	ck_assert_ptr_nonnull(strstr(err.message, "saved.vars:5: "));
	ck_assert_uint_eq(varstore_count(vs), 0);
}
END_TEST

START_TEST(load_beyond_capacity_fails_unchanged)
{
	struct error err = {0};

	/* BootOrder costs 60 + 20 + 4 = 84; the second one does not fit. */
	use_config(100, 100, 100);
	ck_assert(!varstore_load(vs, DATA_DIR "saved.vars", &err));
	ck_assert_ptr_nonnull(strstr(err.message, "saved.vars:4: store full"));
	ck_assert_uint_eq(varstore_count(vs), 0);
	ck_assert_uint_eq(varstore_used(vs, true), 0);
}
END_TEST

START_TEST(load_of_variable_above_max_variable_size_fails)
{
	struct error err = {0};

	use_config(1000, 1000, 80);
	ck_assert(!varstore_load(vs, DATA_DIR "saved.vars", &err));
	ck_assert_ptr_nonnull(strstr(err.message, ":3: variable too large"));
	ck_assert_uint_eq(varstore_count(vs), 0);
}
END_TEST

START_TEST(load_of_fixture_checks_crc_computed_elsewhere)
{
	static const uint16_t my_var[] = {'M', 'y', ' ', 'V', 'a', 'r', 0};
	static const uint8_t cafe[] = {0xca, 0xfe};
	struct mm_var_check_property got = {0};
	struct varstore_entry_view e;
	struct error err = {0};

	/* The crc32 line of saved.vars was computed with zlib.crc32(). */
	ck_assert_msg(varstore_load(vs, DATA_DIR "saved.vars", &err), "%s",
		      err.message);
	ck_assert_uint_eq(varstore_count(vs), 2);
	ck_assert(varstore_lookup(vs, my_var, sizeof(my_var), &guid_a, &e));
	ck_assert_uint_eq(e.attributes, NV_BS);
	ck_assert_uint_eq(e.data_size, 2);
	ck_assert_mem_eq(e.data, cafe, 2);
	ck_assert_uint_eq(varstore_used(vs, true),
			  (OVERHEAD + 20 + 4) + (OVERHEAD + 14 + 2));
	ck_assert_uint_eq(varstore_get_property(vs, N(u"BootOrder"), &guid_a,
						&got),
			  EFI_SUCCESS);
	ck_assert_uint_eq(got.property, MM_VAR_CHECK_READ_ONLY);
}
END_TEST

START_TEST(load_appends_after_existing_variables)
{
	struct error err = {0};
	char *order;

	set_ok(N(u"First"), &guid_b, NV_BS_RT, 1, bytes4);
	ck_assert(varstore_load(vs, DATA_DIR "saved.vars", &err));
	order = walk_names(vs);
	ck_assert_str_eq(order, "First,BootOrder,My Var");
	free(order);
}
END_TEST

START_TEST(preload_accepts_no_crc_volatile_variables_and_comments)
{
	struct mm_var_check_property got = {0};
	struct varstore_entry_view e;
	struct error err = {0};

	ck_assert_msg(varstore_load_preload(vs, DATA_DIR "preload.vars",
					    &err),
		      "%s", err.message);
	ck_assert_uint_eq(varstore_count(vs), 2);
	ck_assert(varstore_lookup(vs, N(u"PlatformLangCodes"), &guid_a, &e));
	ck_assert_uint_eq(e.attributes, BS_RT);
	ck_assert_uint_eq(e.data_size, 6);
	ck_assert_uint_eq(varstore_used(vs, false), OVERHEAD + 36 + 6);
	ck_assert_uint_eq(varstore_get_property(vs, N(u"Timeout"), &guid_a,
						&got),
			  EFI_SUCCESS);
	ck_assert_uint_eq(got.min_size, 2);
}
END_TEST

START_TEST(load_refuses_a_preload_file_without_crc)
{
	struct error err = {0};

	ck_assert(!varstore_load(vs, DATA_DIR "preload.vars", &err));
	ck_assert_uint_eq(varstore_count(vs), 0);
}
END_TEST

START_TEST(preload_checks_a_crc_line_when_present)
{
	char *path = tmp_path("vars");
	struct error err = {0};
	struct varstore *copy = varstore_new(NULL);

	fill_sample();
	ck_assert(varstore_save(vs, path, &err));
	ck_assert_msg(varstore_load_preload(copy, path, &err), "%s",
		      err.message);
	ck_assert_uint_eq(varstore_count(copy), 4);
	varstore_free(copy);
	free(path);
}
END_TEST

START_TEST(preload_accepts_crlf_line_ends)
{
	static const char text[] =
		"ffa-harness-varstore 1\r\n"
		"var 8be4df61-93ca-11d2-aa0d-00e098032b8c A 0x7 01\r\n"
		"end 1\r\n";
	char *path = tmp_path("vars");
	struct error err = {0};

	spill(path, text, sizeof(text) - 1);
	ck_assert_msg(varstore_load_preload(vs, path, &err), "%s",
		      err.message);
	ck_assert_uint_eq(varstore_count(vs), 1);
	free(path);
}
END_TEST

struct bad_file {
	const char *file;
	bool preload;
	unsigned line;
	const char *message;
};

static const struct bad_file bad_files[] = {
	{"bad-header.vars", true, 1, "expected header"},
	{"bad-unknown-record.vars", true, 3, "unknown record 'variable'"},
	{"bad-guid.vars", true, 2, "bad GUID"},
	{"bad-field-count.vars", true, 2, "expected 'var <guid>"},
	{"bad-attributes-number.vars", true, 2, "bad attributes '0x1g'"},
	{"bad-attributes-rt-without-bs.vars", true, 3,
	 "RUNTIME_ACCESS without BOOTSERVICE_ACCESS"},
	{"bad-attributes-append.vars", true, 2, "APPEND_WRITE"},
	{"bad-attributes-no-access.vars", true, 2, "no access attribute"},
	{"bad-attributes-authenticated.vars", true, 2, "key database"},
	{"bad-data-odd.vars", true, 2, "bad data"},
	{"bad-name-char.vars", true, 2, "hex: form"},
	{"bad-name-hex-nul.vars", true, 2, "NUL code unit"},
	{"bad-duplicate.vars", true, 4, "duplicate variable A"},
	{"bad-count.vars", true, 4, "record count mismatch"},
	{"bad-no-end.vars", true, 3, "truncated: no 'end' line"},
	{"bad-after-end.vars", true, 4, "expected 'crc32"},
	{"bad-prop-revision.vars", true, 2, "bad revision"},
	{"bad-prop-sizes.vars", true, 2, "bad sizes"},
	{"bad-crc.vars", true, 4, "checksum mismatch"},
	{"bad-volatile-in-saved-file.vars", false, 3, "only NON_VOLATILE"},
};

START_TEST(load_of_malformed_fixture_names_line_and_reason)
{
	const struct bad_file *b = &bad_files[_i];
	struct error err = {0};
	char path[256];
	char where[300];
	char *before;
	char *after;
	bool ok;

	snprintf(path, sizeof(path), DATA_DIR "%s", b->file);
	snprintf(where, sizeof(where), "%s:%u: ", path, b->line);
	set_ok(N(u"Resident"), &guid_b, NV_BS, 4, bytes4);
	before = store_dump(vs);
	ok = b->preload ? varstore_load_preload(vs, path, &err)
			: varstore_load(vs, path, &err);
	ck_assert_msg(!ok, "%s loaded", b->file);
	ck_assert_msg(strncmp(err.message, where, strlen(where)) == 0,
		      "%s: want prefix '%s', got '%s'", b->file, where,
		      err.message);
	ck_assert_msg(strstr(err.message, b->message) != NULL,
		      "%s: want '%s' in '%s'", b->file, b->message,
		      err.message);
	after = store_dump(vs);
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
}
END_TEST

/* Called by tests/check_main.c through the generated suite list. */
Suite *varstore_suite(void);

Suite *varstore_suite(void)
{
	Suite *s = suite_create("varstore");
	TCase *tc;

	tc = tcase_create("get");
	tcase_add_checked_fixture(tc, store_setup, store_teardown);
	tcase_add_test(tc, set_then_get_returns_data_and_attributes);
	tcase_add_test(tc, get_too_small_returns_size_and_attributes);
	tcase_add_test(tc, get_too_small_with_null_attributes_returns_size);
	tcase_add_test(tc, get_with_room_but_null_data_is_invalid_parameter);
	tcase_add_test(tc, get_of_missing_variable_is_not_found);
	tcase_add_test(tc, get_with_empty_name_is_not_found);
	tcase_add_test(tc, get_matches_whole_name_and_guid);
	tcase_add_loop_test(tc, get_with_bad_arguments_is_invalid_parameter, 0,
			    (int)ARRAY_COUNT(get_invalid_cases));
	tcase_add_test(tc, name_is_the_code_units_before_the_first_nul);
	suite_add_tcase(s, tc);

	tc = tcase_create("set");
	tcase_add_checked_fixture(tc, store_setup, store_teardown);
	tcase_add_loop_test(tc, set_with_bad_arguments_is_invalid_parameter, 0,
			    (int)ARRAY_COUNT(set_invalid_cases));
	tcase_add_loop_test(tc, set_attribute_combinations_give_their_status, 0,
			    (int)ARRAY_COUNT(set_attr_cases));
	tcase_add_test(tc, set_rt_without_bs_is_invalid_parameter);
	tcase_add_test(tc,
		       set_larger_than_max_variable_size_is_invalid_parameter);
	tcase_add_test(tc, set_with_huge_sizes_is_invalid_parameter);
	tcase_add_test(tc, stored_attributes_never_include_append_write);
	tcase_add_test(tc, delete_by_zero_size_removes_the_variable);
	tcase_add_test(tc, delete_by_zero_attributes_removes_the_variable);
	tcase_add_test(tc,
		       delete_by_append_without_access_removes_the_variable);
	tcase_add_test(tc, delete_of_missing_variable_is_not_found);
	tcase_add_test(tc, delete_is_not_refused_for_other_attributes);
	tcase_add_test(tc, append_of_nothing_to_existing_changes_nothing);
	tcase_add_test(tc, append_of_nothing_to_missing_creates_nothing);
	tcase_add_test(tc, update_with_other_attributes_is_invalid_parameter);
	tcase_add_test(tc, append_concatenates_and_keeps_position);
	tcase_add_test(tc, append_does_not_deduplicate);
	tcase_add_test(tc,
		       append_beyond_max_variable_size_is_invalid_parameter);
	tcase_add_test(tc, identical_rewrite_is_success_and_unchanged);
	tcase_add_test(tc, update_replaces_data_and_keeps_position);
	suite_add_tcase(s, tc);

	tc = tcase_create("capacity");
	tcase_add_checked_fixture(tc, store_setup, store_teardown);
	tcase_add_test(tc, create_beyond_capacity_is_out_of_resources);
	tcase_add_test(tc, append_beyond_capacity_is_out_of_resources);
	tcase_add_test(tc, update_beyond_capacity_is_out_of_resources);
	tcase_add_test(tc, each_class_has_its_own_capacity);
	tcase_add_test(tc, query_figures_move_by_exactly_the_cost);
	tcase_add_test(tc, query_reports_capacity_and_largest_variable);
	tcase_add_test(tc, query_max_variable_size_is_zero_when_nearly_full);
	tcase_add_test(tc, properties_cost_no_storage);
	tcase_add_loop_test(
		tc, query_attribute_combinations_give_their_status, 0,
		(int)ARRAY_COUNT(query_cases));
	tcase_add_test(tc, query_with_null_output_is_invalid_parameter);
	suite_add_tcase(s, tc);

	tc = tcase_create("get_next");
	tcase_add_checked_fixture(tc, store_setup, store_teardown);
	tcase_add_test(tc, get_next_walks_in_creation_order_then_not_found);
	tcase_add_test(tc, get_next_returns_name_guid_and_size);
	tcase_add_test(tc, get_next_with_small_buffer_is_buffer_too_small);
	tcase_add_test(tc, get_next_from_unknown_name_is_invalid_parameter);
	tcase_add_test(tc, get_next_on_empty_store_is_not_found);
	tcase_add_test(tc, get_next_with_bad_arguments_is_invalid_parameter);
	suite_add_tcase(s, tc);

	tc = tcase_create("runtime");
	tcase_add_checked_fixture(tc, store_setup, store_teardown);
	tcase_add_test(tc, ready_to_boot_moves_to_ready_to_boot_phase);
	tcase_add_test(tc, ready_to_boot_at_runtime_is_unsupported);
	tcase_add_test(tc,
		       exit_boot_services_moves_to_runtime_and_is_idempotent);
	tcase_add_test(tc, runtime_get_of_boot_services_variable_is_not_found);
	tcase_add_test(tc, runtime_get_next_skips_boot_services_variables);
	tcase_add_loop_test(
		tc, runtime_create_without_nv_and_rt_is_invalid_parameter, 0,
		(int)ARRAY_COUNT(runtime_bad_create));
	tcase_add_test(tc, runtime_create_with_nv_bs_rt_succeeds);
	tcase_add_test(tc,
		       runtime_write_of_volatile_variable_is_write_protected);
	tcase_add_test(tc,
		       runtime_nv_rt_write_over_invisible_is_write_protected);
	tcase_add_test(tc,
		       runtime_other_write_over_invisible_is_invalid_parameter);
	tcase_add_test(tc, runtime_delete_of_invisible_is_not_found);
	tcase_add_test(tc,
		       runtime_update_append_delete_of_nv_rt_variable_succeed);
	tcase_add_test(tc, runtime_delete_of_missing_variable_is_not_found);
	suite_add_tcase(s, tc);

	tc = tcase_create("property");
	tcase_add_checked_fixture(tc, store_setup, store_teardown);
	tcase_add_test(tc, property_set_then_get_returns_it);
	tcase_add_test(tc, property_set_again_replaces_it);
	tcase_add_test(tc, property_get_without_property_is_not_found);
	tcase_add_loop_test(
		tc, property_set_with_bad_arguments_is_invalid_parameter, 0,
		(int)ARRAY_COUNT(prop_invalid_cases));
	tcase_add_test(tc,
		       property_get_with_bad_arguments_is_invalid_parameter);
	tcase_add_test(tc, property_set_after_ready_to_boot_is_access_denied);
	tcase_add_test(tc, property_set_at_runtime_is_access_denied);
	tcase_add_test(tc, property_may_be_set_before_the_variable_exists);
	tcase_add_test(tc, read_only_variable_set_is_write_protected);
	tcase_add_test(tc, property_size_limits_refuse_data_outside_them);
	tcase_add_test(tc, property_attributes_must_match_the_write);
	tcase_add_test(tc, runtime_property_get_of_invisible_is_not_found);
	suite_add_tcase(s, tc);

	tc = tcase_create("persistence");
	tcase_add_checked_fixture(tc, persist_setup, persist_teardown);
	tcase_add_test(tc,
		       save_then_load_round_trips_nv_variables_and_properties);
	tcase_add_test(tc, save_writes_odd_names_in_hex_form);
	tcase_add_test(tc, save_leaves_no_temporary_file);
	tcase_add_test(tc, failed_save_keeps_the_original_file);
	tcase_add_test(tc, save_failing_at_rename_removes_the_temporary_file);
	tcase_add_test(tc, save_into_missing_directory_fails_naming_the_path);
	tcase_add_test(tc, load_of_missing_file_fails_naming_the_path);
	tcase_add_test(tc, load_of_every_truncation_fails_unchanged);
	tcase_add_test(tc, load_of_truncated_file_says_truncated);
	tcase_add_test(tc, load_of_any_flipped_bit_fails);
	tcase_add_test(tc, load_of_flipped_data_byte_is_a_checksum_mismatch);
	tcase_add_test(tc, load_of_bad_line_names_its_line_unchanged);
	tcase_add_test(tc, load_of_nul_byte_fails);
	tcase_add_test(tc, load_of_variable_already_present_fails_unchanged);
	tcase_add_test(tc, load_of_property_already_present_fails);
	tcase_add_test(tc, load_beyond_capacity_fails_unchanged);
	tcase_add_test(tc, load_of_variable_above_max_variable_size_fails);
	tcase_add_test(tc, load_of_fixture_checks_crc_computed_elsewhere);
	tcase_add_test(tc, load_appends_after_existing_variables);
	tcase_add_test(tc,
		       preload_accepts_no_crc_volatile_variables_and_comments);
	tcase_add_test(tc, load_refuses_a_preload_file_without_crc);
	tcase_add_test(tc, preload_checks_a_crc_line_when_present);
	tcase_add_test(tc, preload_accepts_crlf_line_ends);
	tcase_add_loop_test(
		tc, load_of_malformed_fixture_names_line_and_reason, 0,
		(int)ARRAY_COUNT(bad_files));
	suite_add_tcase(s, tc);

	return s;
}
