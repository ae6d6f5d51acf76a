/*
 * Unit tests of models/mm_sp.c: the MM partition as Trusted Services'
 * smm-gateway answers U-Boot (U-Boot lib/efi_loader/efi_variable_tee.c;
 * Trusted Services components/rpc/mm_communicate/endpoint/sp/
 * mm_communicate_call_ep.c; EDK2 VariableSmm.c SmmVariableHandler()).
 *
 * mm_sp_doorbell() is driven directly over a flat fake RAM holding the
 * shared buffer, with a real variable store.  Requests are built byte by
 * byte as U-Boot's efi_variable_tee.c builds them: a zeroed 24 + 16 +
 * payload buffer, gEfiSmmVariableProtocolGuid, MessageLength = 16 +
 * payload, access-variable payloads sized with sizeof() = 40 but with the
 * name at byte 36.  Replies are read back byte by byte from the same RAM.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/efi.h"
#include "abi/ffa.h"
#include "abi/mm.h"
#include "common/finding.h"
#include "common/text.h"
#include "common/trace.h"
#include "models/inject.h"
#include "models/mm_sp.h"
#include "models/varstore.h"
#include "tests/fake_guest_mem.h"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define RAM_BASE UINT64_C(0x60000000)
#define RAM_SIZE UINT64_C(0x4000)
#define BUF (RAM_BASE + 0x1000)	  /* the shared buffer ... */
#define BUF_SIZE UINT64_C(0x1000) /* ... 4 KiB, RAM on both sides */

#define NV_BS_RT                                                       \
	(EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS | \
	 EFI_VARIABLE_RUNTIME_ACCESS)
#define BS_ONLY EFI_VARIABLE_BOOTSERVICE_ACCESS

/* U-Boot's MM_VARIABLE_ACCESS_HEADER_SIZE: sizeof, not the name offset. */
#define UB_ACCESS_HEADER_SIZE sizeof(struct mm_access_variable)

/* Check fixture state: the only file-scope mutable state (STYLE C1). */
static struct fake_guest_mem ram;
static struct findings findings;
static struct varstore *store;
static struct injector inj;
static struct lifecycle lc;
static struct mm_sp *mm;
static struct trace trace;
static int32_t ffa_err;
static uint8_t before[RAM_SIZE]; /* RAM as it was before the doorbell */

static const struct efi_guid vendor = EFI_GLOBAL_VARIABLE_GUID;
static const struct efi_guid variable_guid = MM_SMM_VARIABLE_GUID;

static void mm_setup(void)
{
	struct mm_sp_config cfg = {.buf_addr = BUF, .buf_size = BUF_SIZE,
				   .lifecycle = &lc};

	findings_init(&findings);
	fake_guest_mem_init(&ram, RAM_BASE, RAM_SIZE);
	store = varstore_new(NULL);
	inject_init(&inj);
	lifecycle_init(&lc);
	inj.lifecycle = &lc;
	trace_init(&trace);
	mm = mm_sp_new(&cfg, store, &ram.mem, &findings, &inj);
	ffa_err = 0;
}

static void mm_teardown(void)
{
	mm_sp_free(mm);
	trace_free(&trace);
	varstore_free(store);
	fake_guest_mem_free(&ram);
	findings_free(&findings);
}

/* --- Bytes ------------------------------------------------------------ */

static uint8_t *buf_at(uint64_t off)
{
	return fake_guest_mem_at(&ram, BUF + off, 1);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* An ASCII name as UCS-2 with its NUL at p; returns NameSize. */
static uint64_t put_name(uint8_t *p, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i <= n; i++) {
		p[2 * i] = (uint8_t)s[i];
		p[2 * i + 1] = 0;
	}
	return 2 * (n + 1);
}

static uint64_t name_size_of(const char *s)
{
	return 2 * (strlen(s) + 1);
}

/* --- Requests as U-Boot builds them ----------------------------------- */

/*
 * setup_mm_hdr(): a zeroed 24 + 16 + payload request at offset off of the
 * shared buffer.  Returns the payload (absolute byte 40).
 */
static uint8_t *request(uint64_t off, uint64_t function, uint64_t payload)
{
	uint8_t *m = buf_at(off);

	memset(m, 0, (size_t)(MM_VAR_PAYLOAD_OFFSET + payload));
	memcpy(m, &variable_guid, sizeof(variable_guid));
	put64(m + 16, MM_VAR_HEADER_SIZE + payload);
	put64(m + 24, function);
	return m + MM_VAR_PAYLOAD_OFFSET;
}

/*
 * efi_get_variable_int() / efi_set_variable_int(): payload = 40 + name +
 * data, the name at 36, the data right after the name.
 */
static uint8_t *access_request(uint64_t off, uint64_t function,
			       const char *name, uint64_t data_size,
			       uint32_t attributes, const void *data)
{
	uint64_t ns = name_size_of(name);
	uint8_t *p =
	    request(off, function, UB_ACCESS_HEADER_SIZE + ns + data_size);

	memcpy(p, &vendor, sizeof(vendor));
	put64(p + 16, data_size);
	put64(p + 24, ns);
	put32(p + 32, attributes);
	put_name(p + MM_ACCESS_VARIABLE_NAME_OFFSET, name);
	if (data != NULL) {
		memcpy(p + MM_ACCESS_VARIABLE_NAME_OFFSET + ns, data,
		       (size_t)data_size);
	}
	return p;
}

/* efi_get_next_variable_name_int(): NameSize = the caller's buffer. */
static uint8_t *get_next_request(uint64_t off, const struct efi_guid *g,
				 const char *name, uint64_t name_buf)
{
	uint8_t *p =
	    request(off, MM_VAR_FN_GET_NEXT_VARIABLE_NAME,
		    sizeof(struct mm_get_next_variable_name) + name_buf);

	memcpy(p, g, sizeof(*g));
	put64(p + 16, name_buf);
	put_name(p + 24, name);
	return p;
}

/* VAR_CHECK_VARIABLE_PROPERTY_SET/GET: name at 48. */
static uint8_t *property_request(uint64_t function, const char *name,
				 const struct mm_var_check_property *prop)
{
	uint64_t ns = name_size_of(name);
	uint8_t *p = request(
	    0, function, sizeof(struct mm_var_check_variable_property) + ns);

	memcpy(p, &vendor, sizeof(vendor));
	put64(p + 16, ns);
	if (prop != NULL) {
		memcpy(p + 24, prop, sizeof(*prop));
	}
	put_name(p + 48, name);
	return p;
}

static uint8_t *query_request(uint32_t attributes)
{
	uint8_t *p = request(0, MM_VAR_FN_QUERY_VARIABLE_INFO,
			     sizeof(struct mm_query_variable_info));

	put32(p + 24, attributes);
	return p;
}

/* Stores a variable directly (ASCII name). */
static void store_set(const char *name, uint32_t attributes, const void *data,
		      uint64_t size)
{
	uint16_t n[64];
	size_t len = strlen(name);

	ck_assert_uint_lt(len, ARRAY_COUNT(n));
	for (size_t i = 0; i <= len; i++) {
		n[i] = (uint8_t)name[i];
	}
	ck_assert_uint_eq(varstore_set(store, n, (len + 1) * 2, &vendor,
				       attributes, size, data),
			  EFI_SUCCESS);
}

static bool store_has(const char *name, struct varstore_entry_view *out)
{
	uint16_t n[64];
	size_t len = strlen(name);

	for (size_t i = 0; i <= len; i++) {
		n[i] = (uint8_t)name[i];
	}
	return varstore_lookup(store, n, (len + 1) * 2, &vendor, out);
}

/* --- Doorbells -------------------------------------------------------- */

static int64_t ring_ev(uint64_t off, bool is_64, struct trace_event *ev)
{
	memcpy(before, ram.bytes, sizeof(before));
	ffa_err = 0x7777; /* must be reset by the model */
	return mm_sp_doorbell(mm, off, is_64, ev, &ffa_err);
}

static int64_t ring(uint64_t off)
{
	return ring_ev(off, true, NULL);
}

static bool ram_untouched(void)
{
	return memcmp(before, ram.bytes, sizeof(before)) == 0;
}

static uint64_t reply_length(uint64_t off)
{
	return get64(buf_at(off) + 16);
}

static uint64_t request_length(uint64_t off)
{
	return get64(before + (BUF - RAM_BASE) + off + 16);
}

static uint64_t reply_status(uint64_t off)
{
	return get64(buf_at(off) + 32);
}

/*
 * A served request: MM_SUCCESS in x3, no FF-A error, the given
 * ReturnStatus and MessageLength, never longer than the request's, and
 * the header GUID and function left as they were.
 */
#define ASSERT_REPLY(ret, off, status, length)                               \
	do {                                                                 \
		ck_assert_int_eq((ret), MM_RET_SUCCESS);                     \
		ck_assert_int_eq(ffa_err, 0);                                \
		ck_assert_uint_eq(reply_status(off), (status));              \
		ck_assert_uint_eq(reply_length(off), (length));              \
		ck_assert_uint_le(reply_length(off), request_length(off));   \
		ck_assert_mem_eq(buf_at(off), &variable_guid, 16);           \
		ck_assert_mem_eq(buf_at(off) + 24,                           \
				 before + (BUF - RAM_BASE) + (off) + 24, 8); \
	} while (0)

#define ASSERT_FINDING(code)                                               \
	do {                                                               \
		const struct finding *f_ = findings_find(&findings, code); \
		ck_assert_msg(f_ != NULL, "no finding %s", code);          \
		ck_assert_int_eq(f_->kind, FINDING_FIRMWARE);              \
	} while (0)

/* --- GET_VARIABLE ------------------------------------------------------ */

static const uint8_t five[5] = {1, 2, 3, 4, 5};

START_TEST(get_variable_writes_data_after_the_name_and_shrinks_the_reply)
{
	uint8_t *p;
	int64_t ret;

	store_set("Foo", NV_BS_RT, five, sizeof(five));
	p = access_request(0, MM_VAR_FN_GET_VARIABLE, "Foo", 16, 0, NULL);
	ret = ring(0);
	/* 16 + 36 + NameSize 8 + DataSize 5: the 11 spare bytes are gone. */
	ASSERT_REPLY(ret, 0, EFI_SUCCESS, 16 + 36 + 8 + 5);
	ck_assert_uint_eq(request_length(0), 16 + 40 + 8 + 16);
	ck_assert_mem_eq(p, &vendor, 16);
	ck_assert_uint_eq(get64(p + 16), 5);	    /* DataSize */
	ck_assert_uint_eq(get64(p + 24), 8);	    /* NameSize */
	ck_assert_uint_eq(get32(p + 32), NV_BS_RT); /* Attributes */
	ck_assert_uint_eq(get16(p + 36), 'F');	    /* name untouched */
	ck_assert_mem_eq(p + 36 + 8, five, 5);	    /* abs. byte 84 */
	ck_assert_uint_eq(p[36 + 8 + 5], 0);
	ck_assert_uint_eq(findings.count, 0);
	ck_assert_uint_eq(mm_sp_doorbells(mm), 1);
}
END_TEST

START_TEST(get_variable_with_small_buffer_is_buffer_too_small_with_size)
{
	uint8_t *p;
	int64_t ret;

	store_set("Foo", NV_BS_RT, five, sizeof(five));
	p = access_request(0, MM_VAR_FN_GET_VARIABLE, "Foo", 2, 0, NULL);
	ret = ring(0);
	/* x3 stays MM_SUCCESS; the reply stops after the name. */
	ASSERT_REPLY(ret, 0, EFI_BUFFER_TOO_SMALL, 16 + 36 + 8);
	ck_assert_uint_eq(get64(p + 16), 5);
	ck_assert_uint_eq(get32(p + 32), NV_BS_RT);
	ck_assert_uint_eq(p[44], 0); /* no data written */
	ck_assert_uint_eq(p[45], 0);
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(get_variable_of_unknown_name_is_not_found_and_echoes_request)
{
	uint8_t *p =
	    access_request(0, MM_VAR_FN_GET_VARIABLE, "Nope", 8, 0, NULL);
	int64_t ret = ring(0);

	ASSERT_REPLY(ret, 0, EFI_NOT_FOUND, 16 + 40 + 10 + 8);
	ck_assert_uint_eq(get64(p + 16), 8); /* DataSize as sent */
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(get_variable_reply_fills_an_exact_request_without_growing)
{
	uint8_t *p;
	int64_t ret;

	store_set("Foo", NV_BS_RT, five, sizeof(five));
	/* EDK2-style: payload exactly 36 + name + data, no spare bytes. */
	p = request(0, MM_VAR_FN_GET_VARIABLE, 36 + 8 + 5);
	memcpy(p, &vendor, 16);
	put64(p + 16, 5);
	put64(p + 24, 8);
	put_name(p + 36, "Foo");
	ret = ring(0);
	ASSERT_REPLY(ret, 0, EFI_SUCCESS, 16 + 36 + 8 + 5);
	ck_assert_uint_eq(reply_length(0), request_length(0));
	ck_assert_mem_eq(p + 44, five, 5);
}
END_TEST

START_TEST(get_variable_without_runtime_access_is_not_found_after_ebs)
{
	int64_t ret;

	store_set("Boot", BS_ONLY, five, 1);
	store_set("Rt", NV_BS_RT, five, 2);
	request(0, MM_VAR_FN_EXIT_BOOT_SERVICE, 0);
	ret = ring(0);
	ASSERT_REPLY(ret, 0, EFI_SUCCESS, 16);
	access_request(0, MM_VAR_FN_GET_VARIABLE, "Boot", 8, 0, NULL);
	ret = ring(0);
	ASSERT_REPLY(ret, 0, EFI_NOT_FOUND, request_length(0));
	access_request(0, MM_VAR_FN_GET_VARIABLE, "Rt", 8, 0, NULL);
	ret = ring(0);
	ASSERT_REPLY(ret, 0, EFI_SUCCESS, 16 + 36 + 6 + 2);
}
END_TEST

/* --- GET_NEXT_VARIABLE_NAME ------------------------------------------- */

START_TEST(get_next_from_empty_name_returns_first_name_guid_and_size)
{
	static const struct efi_guid zero_guid;
	uint8_t *p;
	int64_t ret;

	store_set("Foo", NV_BS_RT, five, 1);
	p = get_next_request(0, &zero_guid, "", 64);
	ret = ring(0);
	ASSERT_REPLY(ret, 0, EFI_SUCCESS, 16 + 24 + 8);
	ck_assert_mem_eq(p, &vendor, 16);
	ck_assert_uint_eq(get64(p + 16), 8);
	ck_assert_uint_eq(get16(p + 24), 'F');
	ck_assert_uint_eq(get16(p + 26), 'o');
	ck_assert_uint_eq(get16(p + 28), 'o');
	ck_assert_uint_eq(get16(p + 30), 0);
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(get_next_walks_every_variable_then_answers_not_found)
{
	static const struct efi_guid zero_guid;
	char seen[2][8] = {"", ""};
	char current[8] = "";
	struct efi_guid g = zero_guid;
	uint8_t *p;
	int64_t ret;

	store_set("A", NV_BS_RT, five, 1);
	store_set("Bb", NV_BS_RT, five, 1);
	for (int i = 0; i < 2; i++) {
		size_t units;

		p = get_next_request(0, &g, current, 32);
		ret = ring(0);
		units = (size_t)get64(p + 16) / 2 - 1;
		ASSERT_REPLY(ret, 0, EFI_SUCCESS, 16 + 24 + 2 * (units + 1));
		for (size_t u = 0; u <= units; u++) {
			current[u] = (char)get16(p + 24 + 2 * u);
		}
		memcpy(&g, p, sizeof(g));
		memcpy(seen[i], current, sizeof(current));
	}
	ck_assert_str_ne(seen[0], seen[1]);
	ck_assert(strcmp(seen[0], "A") == 0 || strcmp(seen[1], "A") == 0);
	ck_assert(strcmp(seen[0], "Bb") == 0 || strcmp(seen[1], "Bb") == 0);
	get_next_request(0, &g, current, 32);
	ret = ring(0);
	ASSERT_REPLY(ret, 0, EFI_NOT_FOUND, request_length(0));
}
END_TEST

START_TEST(get_next_with_small_buffer_is_buffer_too_small_with_size)
{
	static const struct efi_guid zero_guid;
	uint8_t *p;
	int64_t ret;

	store_set("Long", NV_BS_RT, five, 1);
	p = get_next_request(0, &zero_guid, "", 4);
	ret = ring(0);
	ASSERT_REPLY(ret, 0, EFI_BUFFER_TOO_SMALL, 16 + 24 + 4);
	ck_assert_uint_eq(get64(p + 16), 10); /* L"Long" */
	ck_assert_uint_eq(get16(p + 24), 0);  /* no name written */
}
END_TEST

START_TEST(get_next_of_unknown_current_name_is_invalid_parameter)
{
	int64_t ret;

	store_set("Foo", NV_BS_RT, five, 1);
	get_next_request(0, &vendor, "Bar", 16);
	ret = ring(0);
	ASSERT_REPLY(ret, 0, EFI_INVALID_PARAMETER, 16 + 24 + 16);
	ck_assert_uint_eq(findings.count, 0); /* a store answer, no finding */
}
END_TEST

/* --- SET_VARIABLE ------------------------------------------------------ */

START_TEST(set_variable_stores_data_that_follows_the_name_at_byte_36)
{
	static const uint8_t bar[3] = {'b', 'a', 'r'};
	struct varstore_entry_view v;
	int64_t ret;

	access_request(0, MM_VAR_FN_SET_VARIABLE, "Foo", 3, NV_BS_RT, bar);
	ret = ring(0);
	/* The request is echoed: MessageLength unchanged. */
	ASSERT_REPLY(ret, 0, EFI_SUCCESS, 16 + 40 + 8 + 3);
	ck_assert(store_has("Foo", &v));
	ck_assert_uint_eq(v.data_size, 3);
	ck_assert_mem_eq(v.data, bar, 3);
	ck_assert_uint_eq(v.attributes, NV_BS_RT);
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(set_variable_error_from_the_store_travels_in_return_status)
{
	static const uint8_t x = 1;
	int64_t ret;

	/* RT without BS is INVALID_PARAMETER (reference 6.3). */
	access_request(0, MM_VAR_FN_SET_VARIABLE, "Foo", 1,
		       EFI_VARIABLE_RUNTIME_ACCESS, &x);
	ret = ring(0);
	ASSERT_REPLY(ret, 0, EFI_INVALID_PARAMETER, request_length(0));
	ck_assert_uint_eq(varstore_count(store), 0);
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

/* --- QUERY_VARIABLE_INFO ---------------------------------------------- */

START_TEST(query_variable_info_fills_the_three_sizes)
{
	uint8_t *p = query_request(NV_BS_RT);
	uint64_t used;
	int64_t ret;

	store_set("Foo", NV_BS_RT, five, 5);
	used = varstore_used(store, true);
	ck_assert_uint_gt(used, 0);
	ret = ring(0);
	ASSERT_REPLY(ret, 0, EFI_SUCCESS, 16 + 32);
	ck_assert_uint_eq(get64(p), 64 * 1024);
	ck_assert_uint_eq(get64(p + 8), 64 * 1024 - used);
	ck_assert_uint_eq(get64(p + 16), 8 * 1024 - VARSTORE_ENTRY_OVERHEAD);
	ck_assert_uint_eq(get32(p + 24), NV_BS_RT);
}
END_TEST

START_TEST(query_variable_info_with_zero_attributes_is_invalid_parameter)
{
	uint8_t *p = query_request(0);
	int64_t ret = ring(0);

	ASSERT_REPLY(ret, 0, EFI_INVALID_PARAMETER, 16 + 32);
	ck_assert_uint_eq(get64(p), 0); /* sizes not written */
}
END_TEST

/* --- EXIT_BOOT_SERVICE, READY_TO_BOOT ---------------------------------- */

START_TEST(exit_boot_service_switches_store_and_injector_to_runtime)
{
	int64_t ret;

	request(0, MM_VAR_FN_EXIT_BOOT_SERVICE, 0);
	ck_assert_int_lt(lc.phase, LIFECYCLE_EXIT_BOOT_SERVICES);
	ret = ring(0);
	ASSERT_REPLY(ret, 0, EFI_SUCCESS, 16);
	ck_assert_int_eq(varstore_phase(store), VARSTORE_PHASE_RUNTIME);
	ck_assert_int_eq(lc.phase, LIFECYCLE_EXIT_BOOT_SERVICES);
	ck_assert_int_eq(lc.why, EVIDENCE_MM_EXIT_BOOT_SERVICE);
}
END_TEST

START_TEST(exit_boot_service_without_injector_still_switches_the_store)
{
	struct mm_sp_config cfg = {.buf_addr = BUF, .buf_size = BUF_SIZE,
				   .lifecycle = &lc};
	int64_t ret;

	mm_sp_free(mm);
	mm = mm_sp_new(&cfg, store, &ram.mem, &findings, NULL);
	request(0, MM_VAR_FN_EXIT_BOOT_SERVICE, 0);
	ret = ring(0);
	ASSERT_REPLY(ret, 0, EFI_SUCCESS, 16);
	ck_assert_int_eq(varstore_phase(store), VARSTORE_PHASE_RUNTIME);
	ck_assert_ptr_eq(mm_sp_store(mm), store);
}
END_TEST

START_TEST(ready_to_boot_locks_property_set)
{
	struct mm_var_check_property prop = {
	    .revision = MM_VAR_CHECK_REVISION,
	    .property = MM_VAR_CHECK_READ_ONLY,
	    .min_size = 1,
	    .max_size = 1,
	};
	int64_t ret;

	request(0, MM_VAR_FN_READY_TO_BOOT, 0);
	ret = ring(0);
	ASSERT_REPLY(ret, 0, EFI_SUCCESS, 16);
	ck_assert_int_eq(varstore_phase(store), VARSTORE_PHASE_READY_TO_BOOT);
	ck_assert_int_lt(lc.phase, LIFECYCLE_EXIT_BOOT_SERVICES);
	property_request(MM_VAR_FN_VAR_CHECK_PROPERTY_SET, "Foo", &prop);
	ret = ring(0);
	ASSERT_REPLY(ret, 0, EFI_ACCESS_DENIED, request_length(0));
}
END_TEST

/* --- VAR_CHECK_VARIABLE_PROPERTY_SET/GET ------------------------------- */

START_TEST(property_set_then_get_returns_the_property_after_the_guid)
{
	struct mm_var_check_property prop = {
	    .revision = MM_VAR_CHECK_REVISION,
	    .property = MM_VAR_CHECK_READ_ONLY,
	    .attributes = NV_BS_RT,
	    .min_size = 1,
	    .max_size = 5,
	};
	uint8_t *p;
	int64_t ret;

	property_request(MM_VAR_FN_VAR_CHECK_PROPERTY_SET, "Foo", &prop);
	ret = ring(0);
	ASSERT_REPLY(ret, 0, EFI_SUCCESS, 16 + 48 + 8);
	p = property_request(MM_VAR_FN_VAR_CHECK_PROPERTY_GET, "Foo", NULL);
	ret = ring(0);
	ASSERT_REPLY(ret, 0, EFI_SUCCESS, 16 + 48 + 8);
	ck_assert_mem_eq(p, &vendor, 16);
	ck_assert_uint_eq(get64(p + 16), 8);
	ck_assert_uint_eq(get16(p + 24), MM_VAR_CHECK_REVISION);
	ck_assert_uint_eq(get16(p + 26), MM_VAR_CHECK_READ_ONLY);
	ck_assert_uint_eq(get32(p + 28), NV_BS_RT);
	ck_assert_uint_eq(get64(p + 32), 1);
	ck_assert_uint_eq(get64(p + 40), 5);
	ck_assert_uint_eq(get16(p + 48), 'F');
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(property_get_without_property_is_not_found)
{
	uint8_t *p;
	int64_t ret;

	p = property_request(MM_VAR_FN_VAR_CHECK_PROPERTY_GET, "Foo", NULL);
	ret = ring(0);
	ASSERT_REPLY(ret, 0, EFI_NOT_FOUND, 16 + 48 + 8);
	ck_assert_uint_eq(get16(p + 24), 0);
}
END_TEST

START_TEST(property_set_with_bad_revision_is_invalid_parameter)
{
	struct mm_var_check_property prop = {.revision = 2, .max_size = 1};
	int64_t ret;

	property_request(MM_VAR_FN_VAR_CHECK_PROPERTY_SET, "Foo", &prop);
	ret = ring(0);
	ASSERT_REPLY(ret, 0, EFI_INVALID_PARAMETER, 16 + 48 + 8);
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

/* --- GET_PAYLOAD_SIZE -------------------------------------------------- */

START_TEST(get_payload_size_is_buffer_minus_24_16_36)
{
	uint8_t *p = request(0, MM_VAR_FN_GET_PAYLOAD_SIZE, 8);
	int64_t ret = ring(0);

	ASSERT_REPLY(ret, 0, EFI_SUCCESS, 16 + 8);
	ck_assert_uint_eq(get64(p), 4096 - 24 - 16 - 36); /* 4020, TS */
	ck_assert_uint_eq(mm_sp_payload_size(mm), 4020);
}
END_TEST

START_TEST(get_payload_size_at_an_offset_subtracts_the_offset)
{
	uint8_t *p = request(0x100, MM_VAR_FN_GET_PAYLOAD_SIZE, 8);
	int64_t ret = ring(0x100);

	ASSERT_REPLY(ret, 0x100, EFI_SUCCESS, 16 + 8);
	ck_assert_uint_eq(get64(p), 4096 - 0x100 - 24 - 16 - 36);
}
END_TEST

START_TEST(get_payload_size_of_a_tiny_buffer_is_zero)
{
	struct mm_sp_config cfg = {.buf_addr = BUF, .buf_size = 64};

	mm_sp_free(mm);
	mm = mm_sp_new(&cfg, store, &ram.mem, &findings, &inj);
	ck_assert_uint_eq(mm_sp_payload_size(mm), 0);
}
END_TEST

/* --- Unknown functions ------------------------------------------------- */

static const uint64_t unknown_functions[] = {
    0,
    MM_VAR_FN_GET_STATISTICS,
    MM_VAR_FN_LOCK_VARIABLE,
    MM_VAR_FN_INIT_RUNTIME_CACHE_CONTEXT,
    MM_VAR_FN_SYNC_RUNTIME_CACHE,
    MM_VAR_FN_GET_RUNTIME_CACHE_INFO,
    15,
    0x100,
    UINT64_MAX,
};

START_TEST(unknown_function_is_efi_unsupported_with_mm_success)
{
	uint64_t fn = unknown_functions[_i];
	uint8_t *p = request(0, fn, 8);
	int64_t ret;

	put64(p, UINT64_C(0x0123456789abcdef));
	ret = ring(0);
	ASSERT_REPLY(ret, 0, EFI_UNSUPPORTED, 16 + 8);
	ck_assert_uint_eq(get64(p), UINT64_C(0x0123456789abcdef));
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

/* --- Validation --------------------------------------------------------- */

/* A malformed request: built into the buffer, rung at offset. */
struct bad_request {
	const char *what;
	void (*build)(void);
	uint64_t offset;
	int64_t mm_ret;
	bool served; /* MM_SUCCESS with ReturnStatus INVALID_PARAMETER */
	const char *finding;
};

static void build_nothing(void)
{
}

static void set_length(uint64_t off, uint64_t length)
{
	put64(buf_at(off) + 16, length);
}

static void build_length_past_buffer(void)
{
	request(0, MM_VAR_FN_GET_PAYLOAD_SIZE, 8);
	set_length(0, BUF_SIZE - 24 + 1);
}

static void build_length_past_buffer_from_offset(void)
{
	/* Would fit at offset 0, not at 0x800. */
	request(0x800, MM_VAR_FN_GET_PAYLOAD_SIZE, 8);
	set_length(0x800, BUF_SIZE - 0x800 - 24 + 1);
}

static void build_length_max(void)
{
	request(0, MM_VAR_FN_GET_PAYLOAD_SIZE, 8);
	set_length(0, UINT64_MAX);
}

static void build_length_wrapping(void)
{
	/* 24 + MessageLength wraps to 0. */
	request(0, MM_VAR_FN_GET_PAYLOAD_SIZE, 8);
	set_length(0, UINT64_MAX - 23);
}

static void build_length_wrapping_payload(void)
{
	/* MessageLength - 16 + 40 wraps. */
	request(0, MM_VAR_FN_GET_PAYLOAD_SIZE, 8);
	set_length(0, UINT64_MAX - 39);
}

static void build_unknown_guid(void)
{
	request(0, MM_VAR_FN_GET_PAYLOAD_SIZE, 8);
	buf_at(0)[15] ^= 0x01;
}

static void build_communication2_guid(void)
{
	/* EDK2's gEfiMmCommunication2ProtocolGuid is not a header GUID. */
	static const struct efi_guid g =
	    EFI_GUID_INIT(0x378daedc, 0xf06b, 0x4446, 0x83, 0x14, 0x40, 0xab,
			  0x93, 0x3c, 0x87, 0xa3);

	request(0, MM_VAR_FN_GET_PAYLOAD_SIZE, 8);
	memcpy(buf_at(0), &g, sizeof(g));
}

static void build_unknown_guid_and_short_length(void)
{
	/* The GUID is checked before the length's lower bound. */
	request(0, MM_VAR_FN_GET_PAYLOAD_SIZE, 8);
	memset(buf_at(0), 0, 16);
	set_length(0, 0);
}

static void build_length_15(void)
{
	request(0, MM_VAR_FN_GET_PAYLOAD_SIZE, 0);
	set_length(0, 15);
}

static void build_length_0(void)
{
	request(0, MM_VAR_FN_GET_PAYLOAD_SIZE, 0);
	set_length(0, 0);
}

static void build_get_variable_35(void)
{
	request(0, MM_VAR_FN_GET_VARIABLE, 35);
}

static void build_set_variable_35(void)
{
	request(0, MM_VAR_FN_SET_VARIABLE, 35);
}

static void build_get_next_23(void)
{
	request(0, MM_VAR_FN_GET_NEXT_VARIABLE_NAME, 23);
}

static void build_query_31(void)
{
	request(0, MM_VAR_FN_QUERY_VARIABLE_INFO, 31);
}

static void build_property_set_47(void)
{
	request(0, MM_VAR_FN_VAR_CHECK_PROPERTY_SET, 47);
}

static void build_property_get_47(void)
{
	request(0, MM_VAR_FN_VAR_CHECK_PROPERTY_GET, 47);
}

static void build_payload_size_7(void)
{
	request(0, MM_VAR_FN_GET_PAYLOAD_SIZE, 7);
}

static void build_get_variable_empty(void)
{
	request(0, MM_VAR_FN_GET_VARIABLE, 0);
}

static void build_get_name_size_past(void)
{
	uint8_t *p =
	    access_request(0, MM_VAR_FN_GET_VARIABLE, "Foo", 8, 0, NULL);

	put64(p + 24, 1000);
}

static void build_get_name_size_max(void)
{
	uint8_t *p =
	    access_request(0, MM_VAR_FN_GET_VARIABLE, "Foo", 8, 0, NULL);

	put64(p + 24, UINT64_MAX);
}

static void build_get_name_size_wrapping(void)
{
	/* 36 + NameSize wraps to 0. */
	uint8_t *p =
	    access_request(0, MM_VAR_FN_GET_VARIABLE, "Foo", 8, 0, NULL);

	put64(p + 24, UINT64_MAX - 35);
}

static void build_get_data_size_max(void)
{
	uint8_t *p =
	    access_request(0, MM_VAR_FN_GET_VARIABLE, "Foo", 8, 0, NULL);

	put64(p + 16, UINT64_MAX);
}

static void build_get_data_size_wrapping(void)
{
	/* 36 + NameSize 8 + DataSize wraps to 0. */
	uint8_t *p =
	    access_request(0, MM_VAR_FN_GET_VARIABLE, "Foo", 8, 0, NULL);

	put64(p + 16, UINT64_MAX - 43);
}

static void build_get_data_past(void)
{
	uint8_t *p =
	    access_request(0, MM_VAR_FN_GET_VARIABLE, "Foo", 8, 0, NULL);

	put64(p + 16, 13); /* 36 + 8 + 13 = 57 > 56 */
}

static void build_set_data_size_wrapping(void)
{
	static const uint8_t x[4] = {1, 2, 3, 4};
	uint8_t *p =
	    access_request(0, MM_VAR_FN_SET_VARIABLE, "Foo", 4, NV_BS_RT, x);

	put64(p + 16, UINT64_MAX - 43);
}

static void build_set_without_name_in_length(void)
{
	/* The refclient's message-length-without-name seeded bug. */
	static const uint8_t x[4] = {1, 2, 3, 4};

	access_request(0, MM_VAR_FN_SET_VARIABLE, "Foo", 4, NV_BS_RT, x);
	set_length(0, 16 + UB_ACCESS_HEADER_SIZE + 4);
}

static void build_get_next_name_size_past(void)
{
	uint8_t *p = get_next_request(0, &vendor, "", 16);

	put64(p + 16, 18);
}

static void build_get_next_name_size_max(void)
{
	uint8_t *p = get_next_request(0, &vendor, "", 16);

	put64(p + 16, UINT64_MAX);
}

static void build_property_name_size_max(void)
{
	uint8_t *p =
	    property_request(MM_VAR_FN_VAR_CHECK_PROPERTY_GET, "Foo", NULL);

	put64(p + 16, UINT64_MAX);
}

static void build_property_name_size_past(void)
{
	uint8_t *p =
	    property_request(MM_VAR_FN_VAR_CHECK_PROPERTY_SET, "Foo", NULL);

	put64(p + 16, 10);
}

static void build_get_name_size_0(void)
{
	uint8_t *p =
	    access_request(0, MM_VAR_FN_GET_VARIABLE, "Foo", 8, 0, NULL);

	put64(p + 24, 0);
}

static void build_get_name_size_odd(void)
{
	uint8_t *p =
	    access_request(0, MM_VAR_FN_GET_VARIABLE, "Foo", 8, 0, NULL);

	put64(p + 24, 7);
}

static void build_set_name_size_0(void)
{
	static const uint8_t x = 1;
	uint8_t *p =
	    access_request(0, MM_VAR_FN_SET_VARIABLE, "Foo", 1, NV_BS_RT, &x);

	put64(p + 24, 0);
}

static void build_get_next_name_size_0(void)
{
	uint8_t *p = get_next_request(0, &vendor, "", 16);

	put64(p + 16, 0);
}

static void build_get_next_name_size_odd(void)
{
	uint8_t *p = get_next_request(0, &vendor, "", 16);

	put64(p + 16, 3);
}

static void build_property_name_size_1(void)
{
	uint8_t *p =
	    property_request(MM_VAR_FN_VAR_CHECK_PROPERTY_GET, "Foo", NULL);

	put64(p + 16, 1);
}

static void build_get_unterminated(void)
{
	uint8_t *p =
	    access_request(0, MM_VAR_FN_GET_VARIABLE, "Foo", 8, 0, NULL);

	p[36 + 6] = 'X';
}

static void build_get_half_terminated(void)
{
	/* The NUL must be a whole code unit: 0x0100 is not one. */
	uint8_t *p =
	    access_request(0, MM_VAR_FN_GET_VARIABLE, "Foo", 8, 0, NULL);

	p[36 + 7] = 0x01;
}

static void build_set_unterminated(void)
{
	static const uint8_t x = 1;
	uint8_t *p =
	    access_request(0, MM_VAR_FN_SET_VARIABLE, "Foo", 1, NV_BS_RT, &x);

	p[36 + 6] = 'X';
}

static void build_get_name_at_sizeof(void)
{
	/* The refclient's unpacked-access-variable bug: name at 40. */
	uint8_t *p =
	    access_request(0, MM_VAR_FN_GET_VARIABLE, "Foo", 8, 0, NULL);

	memset(p + 36, 0, 8);
	put_name(p + 40, "Foo");
}

static void build_get_next_unterminated(void)
{
	uint8_t *p = get_next_request(0, &vendor, "", 4);

	put16(p + 24, 'A');
	put16(p + 26, 'B');
}

static void build_property_unterminated(void)
{
	uint8_t *p =
	    property_request(MM_VAR_FN_VAR_CHECK_PROPERTY_GET, "Foo", NULL);

	p[48 + 6] = 'X';
}

static const struct bad_request bad_requests[] = {
    {"offset leaves 23 bytes", build_nothing, BUF_SIZE - 23,
     MM_RET_INVALID_PARAMETER, false, "mm.offset-outside-buffer"},
    {"offset at the end", build_nothing, BUF_SIZE, MM_RET_INVALID_PARAMETER,
     false, "mm.offset-outside-buffer"},
    {"offset past the end", build_nothing, BUF_SIZE + 1,
     MM_RET_INVALID_PARAMETER, false, "mm.offset-outside-buffer"},
    {"offset near 2^64", build_nothing, UINT64_MAX - 23,
     MM_RET_INVALID_PARAMETER, false, "mm.offset-outside-buffer"},
    {"offset 2^64-1", build_nothing, UINT64_MAX, MM_RET_INVALID_PARAMETER,
     false, "mm.offset-outside-buffer"},
    {"length one past the buffer", build_length_past_buffer, 0,
     MM_RET_INVALID_PARAMETER, false, "mm.message-length-exceeds-buffer"},
    {"length past the buffer from offset", build_length_past_buffer_from_offset,
     0x800, MM_RET_INVALID_PARAMETER, false,
     "mm.message-length-exceeds-buffer"},
    {"length 2^64-1", build_length_max, 0, MM_RET_INVALID_PARAMETER, false,
     "mm.message-length-exceeds-buffer"},
    {"24 + length wraps", build_length_wrapping, 0, MM_RET_INVALID_PARAMETER,
     false, "mm.message-length-exceeds-buffer"},
    {"length + 24 wraps past the payload", build_length_wrapping_payload, 0,
     MM_RET_INVALID_PARAMETER, false, "mm.message-length-exceeds-buffer"},
    {"header GUID one bit off", build_unknown_guid, 0, MM_RET_NOT_SUPPORTED,
     false, "mm.unknown-header-guid"},
    {"MmCommunication2 GUID", build_communication2_guid, 0,
     MM_RET_NOT_SUPPORTED, false, "mm.unknown-header-guid"},
    {"zero GUID and length 0", build_unknown_guid_and_short_length, 0,
     MM_RET_NOT_SUPPORTED, false, "mm.unknown-header-guid"},
    {"length 15", build_length_15, 0, MM_RET_DENIED, false,
     "mm.message-too-short"},
    {"length 0", build_length_0, 0, MM_RET_DENIED, false,
     "mm.message-too-short"},
    {"GET_VARIABLE payload 35", build_get_variable_35, 0, MM_RET_SUCCESS, true,
     "mm.payload-too-short"},
    {"GET_VARIABLE payload 0", build_get_variable_empty, 0, MM_RET_SUCCESS,
     true, "mm.payload-too-short"},
    {"SET_VARIABLE payload 35", build_set_variable_35, 0, MM_RET_SUCCESS, true,
     "mm.payload-too-short"},
    {"GET_NEXT payload 23", build_get_next_23, 0, MM_RET_SUCCESS, true,
     "mm.payload-too-short"},
    {"QUERY payload 31", build_query_31, 0, MM_RET_SUCCESS, true,
     "mm.payload-too-short"},
    {"PROPERTY_SET payload 47", build_property_set_47, 0, MM_RET_SUCCESS, true,
     "mm.payload-too-short"},
    {"PROPERTY_GET payload 47", build_property_get_47, 0, MM_RET_SUCCESS, true,
     "mm.payload-too-short"},
    {"GET_PAYLOAD_SIZE payload 7", build_payload_size_7, 0, MM_RET_SUCCESS,
     true, "mm.payload-too-short"},
    {"GET NameSize past the message", build_get_name_size_past, 0,
     MM_RET_SUCCESS, true, "mm.size-outside-message"},
    {"GET NameSize 2^64-1", build_get_name_size_max, 0, MM_RET_SUCCESS, true,
     "mm.size-outside-message"},
    {"GET 36 + NameSize wraps", build_get_name_size_wrapping, 0, MM_RET_SUCCESS,
     true, "mm.size-outside-message"},
    {"GET DataSize 2^64-1", build_get_data_size_max, 0, MM_RET_SUCCESS, true,
     "mm.size-outside-message"},
    {"GET 36 + NameSize + DataSize wraps", build_get_data_size_wrapping, 0,
     MM_RET_SUCCESS, true, "mm.size-outside-message"},
    {"GET DataSize one past the message", build_get_data_past, 0,
     MM_RET_SUCCESS, true, "mm.size-outside-message"},
    {"SET 36 + NameSize + DataSize wraps", build_set_data_size_wrapping, 0,
     MM_RET_SUCCESS, true, "mm.size-outside-message"},
    {"SET MessageLength without the name", build_set_without_name_in_length, 0,
     MM_RET_SUCCESS, true, "mm.size-outside-message"},
    {"GET_NEXT NameSize past the message", build_get_next_name_size_past, 0,
     MM_RET_SUCCESS, true, "mm.size-outside-message"},
    {"GET_NEXT NameSize 2^64-1", build_get_next_name_size_max, 0,
     MM_RET_SUCCESS, true, "mm.size-outside-message"},
    {"PROPERTY NameSize 2^64-1", build_property_name_size_max, 0,
     MM_RET_SUCCESS, true, "mm.size-outside-message"},
    {"PROPERTY NameSize past the message", build_property_name_size_past, 0,
     MM_RET_SUCCESS, true, "mm.size-outside-message"},
    {"GET NameSize 0", build_get_name_size_0, 0, MM_RET_SUCCESS, true,
     "mm.name-size-invalid"},
    {"GET NameSize 7", build_get_name_size_odd, 0, MM_RET_SUCCESS, true,
     "mm.name-size-invalid"},
    {"SET NameSize 0", build_set_name_size_0, 0, MM_RET_SUCCESS, true,
     "mm.name-size-invalid"},
    {"GET_NEXT NameSize 0", build_get_next_name_size_0, 0, MM_RET_SUCCESS, true,
     "mm.name-size-invalid"},
    {"GET_NEXT NameSize 3", build_get_next_name_size_odd, 0, MM_RET_SUCCESS,
     true, "mm.name-size-invalid"},
    {"PROPERTY NameSize 1", build_property_name_size_1, 0, MM_RET_SUCCESS, true,
     "mm.name-size-invalid"},
    {"GET name without NUL", build_get_unterminated, 0, MM_RET_SUCCESS, true,
     "mm.name-not-terminated"},
    {"GET name ending in 0x0100", build_get_half_terminated, 0, MM_RET_SUCCESS,
     true, "mm.name-not-terminated"},
    {"SET name without NUL", build_set_unterminated, 0, MM_RET_SUCCESS, true,
     "mm.name-not-terminated"},
    {"GET name at sizeof (40)", build_get_name_at_sizeof, 0, MM_RET_SUCCESS,
     true, "mm.name-not-terminated"},
    {"GET_NEXT no NUL in NameSize", build_get_next_unterminated, 0,
     MM_RET_SUCCESS, true, "mm.name-not-terminated"},
    {"PROPERTY name without NUL", build_property_unterminated, 0,
     MM_RET_SUCCESS, true, "mm.name-not-terminated"},
};

START_TEST(malformed_request_gets_its_answer_and_one_finding)
{
	const struct bad_request *b = &bad_requests[_i];
	const struct finding *f;
	uint64_t off = b->offset;
	int64_t ret;

	b->build();
	ret = ring(off);
	ck_assert_msg(ret == b->mm_ret, "%s: x3 %lld", b->what, (long long)ret);
	ck_assert_int_eq(ffa_err, 0);
	ck_assert_msg(findings.count == 1, "%s: %zu findings", b->what,
		      findings.count);
	f = findings_find(&findings, b->finding);
	ck_assert_msg(f != NULL, "%s: no %s (got %s)", b->what, b->finding,
		      findings.items[0].code);
	ck_assert_int_eq(f->kind, FINDING_FIRMWARE);
	ck_assert_uint_eq(varstore_count(store), 0);
	ck_assert_uint_eq(mm_sp_doorbells(mm), 1);
	if (strcmp(b->finding, "mm.offset-outside-buffer") != 0) {
		/* A hex dump of the offending bytes, at their address. */
		ck_assert_ptr_nonnull(f->detail);
		ck_assert_uint_eq(f->address, BUF + off);
	}
	if (!b->served) {
		ck_assert_msg(ram_untouched(), "%s: buffer written", b->what);
		return;
	}
	/* Served: only ReturnStatus changed, MessageLength echoed. */
	ck_assert_uint_eq(reply_status(off), EFI_INVALID_PARAMETER);
	ck_assert_uint_eq(reply_length(off), request_length(off));
	put64(buf_at(off) + 32, 0);
	ck_assert_msg(ram_untouched(), "%s: more than ReturnStatus written",
		      b->what);
}
END_TEST

START_TEST(message_length_filling_the_buffer_exactly_is_accepted)
{
	uint8_t *p = request(0, MM_VAR_FN_GET_PAYLOAD_SIZE, BUF_SIZE - 40);
	int64_t ret = ring(0);

	ASSERT_REPLY(ret, 0, EFI_SUCCESS, 16 + 8);
	ck_assert_uint_eq(get64(p), 4020);
	/* Far more than GET_PAYLOAD_SIZE needs: served, with a warning. */
	ck_assert_uint_eq(findings.count, 1);
	ck_assert_str_eq(findings.items[0].code, "mm.message-length-too-long");
	ck_assert_int_eq(findings.items[0].kind, FINDING_WARNING);
}
END_TEST

START_TEST(header_at_the_last_24_bytes_with_length_0_is_too_short)
{
	/* offset + 24 == size is allowed; MessageLength 0 then fails. */
	uint8_t *m = buf_at(BUF_SIZE - 24);
	int64_t ret;

	memcpy(m, &variable_guid, 16);
	put64(m + 16, 0);
	ret = ring(BUF_SIZE - 24);
	ck_assert_int_eq(ret, MM_RET_DENIED);
	ASSERT_FINDING("mm.message-too-short");
	ck_assert_ptr_null(
	    findings_find(&findings, "mm.offset-outside-buffer"));
}
END_TEST

START_TEST(shared_buffer_outside_ram_is_invalid_parameter_with_finding)
{
	struct mm_sp_config cfg = {.buf_addr = RAM_BASE + RAM_SIZE,
				   .buf_size = BUF_SIZE};
	int64_t ret;

	mm_sp_free(mm);
	mm = mm_sp_new(&cfg, store, &ram.mem, &findings, &inj);
	ret = ring(0);
	ck_assert_int_eq(ret, MM_RET_INVALID_PARAMETER);
	ASSERT_FINDING("mm.buffer-not-ram");
	ck_assert(ram_untouched());
}
END_TEST

START_TEST(request_running_out_of_ram_is_invalid_parameter)
{
	/* A buffer configured past the end of RAM: header readable only. */
	struct mm_sp_config cfg = {.buf_addr = RAM_BASE + RAM_SIZE - 64,
				   .buf_size = BUF_SIZE};
	uint8_t *m = fake_guest_mem_at(&ram, cfg.buf_addr, 24);
	int64_t ret;

	mm_sp_free(mm);
	mm = mm_sp_new(&cfg, store, &ram.mem, &findings, &inj);
	memcpy(m, &variable_guid, 16);
	put64(m + 16, 100);
	ret = ring(0);
	ck_assert_int_eq(ret, MM_RET_INVALID_PARAMETER);
	ck_assert(ram_untouched());
}
END_TEST

/* --- Offsets ------------------------------------------------------------ */

START_TEST(nonzero_offset_reads_and_writes_at_base_plus_offset)
{
	uint8_t *p;
	int64_t ret;

	store_set("Foo", NV_BS_RT, five, sizeof(five));
	/* A different, malformed request at offset 0 must be ignored. */
	request(0, MM_VAR_FN_GET_VARIABLE, 0);
	memset(buf_at(0), 0xee, 0x100);
	p = access_request(0x100, MM_VAR_FN_GET_VARIABLE, "Foo", 16, 0, NULL);
	ret = ring(0x100);
	ASSERT_REPLY(ret, 0x100, EFI_SUCCESS, 16 + 36 + 8 + 5);
	ck_assert_mem_eq(p + 44, five, 5);
	for (size_t i = 0; i < 0x100; i++) {
		ck_assert_uint_eq(buf_at(0)[i], 0xee);
	}
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(finding_at_an_offset_names_the_offset_address)
{
	const struct finding *f;

	request(0x200, MM_VAR_FN_GET_VARIABLE, 10);
	ck_assert_int_eq(ring(0x200), MM_RET_SUCCESS);
	f = findings_find(&findings, "mm.payload-too-short");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->address, BUF + 0x200);
	ck_assert_uint_eq(reply_status(0x200), EFI_INVALID_PARAMETER);
}
END_TEST

/* --- Trace decode ------------------------------------------------------ */

START_TEST(trace_records_get_variable_request_and_reply)
{
	struct trace_event *ev = trace_append(&trace, TRACE_SMC);
	struct trace_mm *t;
	size_t req_len = 24 + 16 + 40 + 8 + 16;
	int64_t ret;

	store_set("Foo", NV_BS_RT, five, sizeof(five));
	access_request(0, MM_VAR_FN_GET_VARIABLE, "Foo", 16, 0, NULL);
	ret = ring_ev(0, true, ev);
	ck_assert_int_eq(ret, MM_RET_SUCCESS);
	t = ev->mm;
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->offset, 0);
	ck_assert_uint_eq(t->message_length, 16 + 40 + 8 + 16);
	ck_assert(t->header_guid_ok);
	ck_assert_uint_eq(t->function, MM_VAR_FN_GET_VARIABLE);
	ck_assert(t->has_variable);
	ck_assert_str_eq(t->name, "Foo");
	ck_assert_mem_eq(&t->vendor_guid, &vendor, 16);
	ck_assert_uint_eq(t->name_size, 8);
	ck_assert_uint_eq(t->data_size, 16); /* as requested */
	ck_assert_int_eq(t->mm_ret, MM_RET_SUCCESS);
	ck_assert_uint_eq(t->return_status, EFI_SUCCESS);
	ck_assert_uint_eq(t->reply_message_length, 16 + 36 + 8 + 5);
	ck_assert_uint_eq(t->request_len, req_len);
	ck_assert_mem_eq(t->request, before + (BUF - RAM_BASE), req_len);
	ck_assert_uint_eq(t->response_len, 24 + 16 + 36 + 8 + 5);
	ck_assert_mem_eq(t->response, buf_at(0), t->response_len);
	ck_assert(!ev->injected);
	ck_assert_ptr_nonnull(ev->summary);
	ck_assert_ptr_nonnull(strstr(ev->summary, "GET_VARIABLE"));
	ck_assert_ptr_nonnull(strstr(ev->summary, "Foo"));
	ck_assert_ptr_nonnull(strstr(ev->summary, "EFI_SUCCESS"));
}
END_TEST

START_TEST(trace_records_set_variable_attributes_and_utf8_name)
{
	struct trace_event *ev = trace_append(&trace, TRACE_SMC);
	static const uint8_t x[2] = {7, 8};
	uint16_t *name;
	size_t ns;
	uint8_t *p;

	ck_assert(
	    text_utf8_to_ucs2("Gr\xc3\xb6\xc3\x9f"
			      "e",
			      &name, &ns));
	ck_assert_uint_eq(ns, 12);
	p = request(0, MM_VAR_FN_SET_VARIABLE, 40 + ns + 2);
	memcpy(p, &vendor, 16);
	put64(p + 16, 2);
	put64(p + 24, ns);
	put32(p + 32, NV_BS_RT);
	memcpy(p + 36, name, ns);
	memcpy(p + 36 + ns, x, 2);
	free(name);
	ck_assert_int_eq(ring_ev(0, true, ev), MM_RET_SUCCESS);
	ck_assert_uint_eq(reply_status(0), EFI_SUCCESS);
	ck_assert_str_eq(ev->mm->name,
			 "Gr\xc3\xb6\xc3\x9f"
			 "e");
	ck_assert_uint_eq(ev->mm->attributes, NV_BS_RT);
	ck_assert_uint_eq(ev->mm->name_size, 12);
	ck_assert_uint_eq(ev->mm->data_size, 2);
	ck_assert_uint_eq(ev->mm->function, MM_VAR_FN_SET_VARIABLE);
	ck_assert_uint_eq(varstore_count(store), 1);
}
END_TEST

START_TEST(trace_records_header_failure_without_bytes)
{
	struct trace_event *ev = trace_append(&trace, TRACE_SMC);

	ck_assert_int_eq(ring_ev(BUF_SIZE, true, ev), MM_RET_INVALID_PARAMETER);
	ck_assert_ptr_nonnull(ev->mm);
	ck_assert_uint_eq(ev->mm->offset, BUF_SIZE);
	ck_assert_int_eq(ev->mm->mm_ret, MM_RET_INVALID_PARAMETER);
	ck_assert_ptr_null(ev->mm->request);
	ck_assert_ptr_null(ev->mm->response);
	ck_assert_ptr_nonnull(strstr(ev->summary, "MM_INVALID_PARAMETER"));
}
END_TEST

START_TEST(trace_records_unknown_guid_and_the_length)
{
	struct trace_event *ev = trace_append(&trace, TRACE_SMC);

	build_unknown_guid();
	ck_assert_int_eq(ring_ev(0, true, ev), MM_RET_NOT_SUPPORTED);
	ck_assert(!ev->mm->header_guid_ok);
	ck_assert_uint_eq(ev->mm->message_length, 16 + 8);
	ck_assert_ptr_nonnull(strstr(ev->summary, "MM_NOT_SUPPORTED"));
}
END_TEST

START_TEST(trace_records_query_attributes)
{
	struct trace_event *ev = trace_append(&trace, TRACE_SMC);

	query_request(NV_BS_RT);
	ck_assert_int_eq(ring_ev(0, true, ev), MM_RET_SUCCESS);
	ck_assert(ev->mm->has_variable);
	ck_assert_uint_eq(ev->mm->attributes, NV_BS_RT);
	ck_assert_uint_eq(ev->mm->function, MM_VAR_FN_QUERY_VARIABLE_INFO);
	ck_assert_ptr_null(ev->mm->name);
}
END_TEST

START_TEST(trace_records_get_next_name_as_sent)
{
	struct trace_event *ev = trace_append(&trace, TRACE_SMC);

	store_set("Foo", NV_BS_RT, five, 1);
	store_set("Bar", NV_BS_RT, five, 1);
	get_next_request(0, &vendor, "Foo", 64);
	ck_assert_int_eq(ring_ev(0, true, ev), MM_RET_SUCCESS);
	ck_assert_str_eq(ev->mm->name, "Foo");
	ck_assert_uint_eq(ev->mm->name_size, 8); /* the name, not the buffer */
}
END_TEST


/* --- Fault injection through the partition ------------------------------ */

static void add_rule(struct inject_rule r)
{
	ck_assert(inject_add(&inj, &r));
}

static void set_foo_request(void)
{
	static const uint8_t bar[3] = {'b', 'a', 'r'};

	access_request(0, MM_VAR_FN_SET_VARIABLE, "Foo", 3, NV_BS_RT, bar);
}

/* --- MessageLength against what the function needs ---------------------- */

/* A warning about the length, with the header bytes at the request. */
static void assert_too_long_warning(uint64_t length, uint64_t needed)
{
	char text[64];

	ck_assert_uint_eq(findings.count, 1);
	ck_assert_str_eq(findings.items[0].code, "mm.message-length-too-long");
	ck_assert_int_eq(findings.items[0].kind, FINDING_WARNING);
	ck_assert_uint_eq(findings.items[0].address, BUF);
	ck_assert_ptr_nonnull(findings.items[0].detail);
	snprintf(text, sizeof(text), "MessageLength %llu is %llu bytes",
		 (unsigned long long)length,
		 (unsigned long long)(length - needed));
	ck_assert_msg(strstr(findings.items[0].message, text) != NULL,
		      "'%s' lacks '%s'", findings.items[0].message, text);
}

START_TEST(access_variable_sized_with_sizeof_as_u_boot_does_is_exact)
{
	store_set("Foo", NV_BS_RT, five, sizeof(five));
	/* 16 + 40 + NameSize + DataSize: 4 bytes of tail padding. */
	access_request(0, MM_VAR_FN_GET_VARIABLE, "Foo", 5, 0, NULL);
	ASSERT_REPLY(ring(0), 0, EFI_SUCCESS, 16 + 36 + 8 + 5);
	set_foo_request();
	ASSERT_REPLY(ring(0), 0, EFI_SUCCESS, 16 + 40 + 8 + 3);
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(message_length_counting_the_24_byte_header_is_a_warning)
{
	struct varstore_entry_view view;

	/* The bug of a caller that adds the communicate header: served
	 * (StMM and smm-gateway only refuse "needed > payload"). */
	set_foo_request();
	put64(buf_at(16), 16 + 40 + 8 + 3 + 24);
	ASSERT_REPLY(ring(0), 0, EFI_SUCCESS, 16 + 40 + 8 + 3 + 24);
	ck_assert(store_has("Foo", &view));
	assert_too_long_warning(16 + 40 + 8 + 3 + 24, 16 + 36 + 8 + 3);
}
END_TEST

START_TEST(one_byte_beyond_the_padding_is_a_warning)
{
	access_request(0, MM_VAR_FN_GET_VARIABLE, "Foo", 5, 0, NULL);
	put64(buf_at(16), 16 + 40 + 8 + 5 + 1);
	ck_assert_int_eq(ring(0), MM_RET_SUCCESS);
	ck_assert_uint_eq(reply_status(0), EFI_NOT_FOUND);
	assert_too_long_warning(16 + 40 + 8 + 5 + 1, 16 + 36 + 8 + 5);
}
END_TEST

/* Requests of the other functions, exact, as U-Boot builds them. */
static void build_exact_get_next(void)
{
	get_next_request(0, &vendor, "", 16);
}

static void build_exact_query(void)
{
	query_request(NV_BS_RT);
}

static void build_exact_exit_boot_service(void)
{
	request(0, MM_VAR_FN_EXIT_BOOT_SERVICE, 0);
}

static void build_exact_ready_to_boot(void)
{
	request(0, MM_VAR_FN_READY_TO_BOOT, 0);
}

static void build_exact_property_get(void)
{
	property_request(MM_VAR_FN_VAR_CHECK_PROPERTY_GET, "Foo", NULL);
}

static void build_exact_payload_size(void)
{
	request(0, MM_VAR_FN_GET_PAYLOAD_SIZE, 8);
}

static const struct exact_request {
	const char *what;
	void (*build)(void);
	uint64_t length; /* MessageLength of the exact request */
} exact_requests[] = {
    {"GET_NEXT_VARIABLE_NAME", build_exact_get_next, 16 + 24 + 16},
    {"QUERY_VARIABLE_INFO", build_exact_query, 16 + 32},
    {"EXIT_BOOT_SERVICE", build_exact_exit_boot_service, 16},
    {"READY_TO_BOOT", build_exact_ready_to_boot, 16},
    {"PROPERTY_GET", build_exact_property_get, 16 + 48 + 8},
    {"GET_PAYLOAD_SIZE", build_exact_payload_size, 16 + 8},
};

START_TEST(exact_request_has_no_length_finding_and_one_more_byte_warns)
{
	const struct exact_request *e = &exact_requests[_i];

	e->build();
	ck_assert_uint_eq(get64(buf_at(16)), e->length);
	ck_assert_int_eq(ring(0), MM_RET_SUCCESS);
	ck_assert_msg(findings.count == 0, "%s exact: %s", e->what,
		      findings.count ? findings.items[0].code : "");
	findings_free(&findings);
	findings_init(&findings);
	e->build();
	put64(buf_at(16), e->length + 1);
	ck_assert_int_eq(ring(0), MM_RET_SUCCESS);
	assert_too_long_warning(e->length + 1, e->length);
	ck_assert_msg(strstr(findings.items[0].message, e->what) != NULL,
		      "'%s' does not name %s", findings.items[0].message,
		      e->what);
}
END_TEST

START_TEST(too_short_for_name_and_data_is_a_firmware_finding_only)
{
	struct varstore_entry_view view;

	/* DataSize says 16 bytes follow the name; the message has 5. */
	access_request(0, MM_VAR_FN_SET_VARIABLE, "Foo", 5, NV_BS_RT, five);
	put64(buf_at(40 + 16), 16 + 5 + 4 + 1);
	ck_assert_int_eq(ring(0), MM_RET_SUCCESS);
	ck_assert_uint_eq(reply_status(0), EFI_INVALID_PARAMETER);
	ck_assert_uint_eq(findings.count, 1);
	ASSERT_FINDING("mm.size-outside-message");
	ck_assert(!store_has("Foo", &view));
}
END_TEST

START_TEST(sizes_that_wrap_give_no_length_warning)
{
	/* NameSize + DataSize overflow: the handler's finding, no warning. */
	access_request(0, MM_VAR_FN_GET_VARIABLE, "Foo", 5, 0, NULL);
	put64(buf_at(40 + 16), UINT64_MAX - 2);
	ck_assert_int_eq(ring(0), MM_RET_SUCCESS);
	ck_assert_uint_eq(findings.count, 1);
	ASSERT_FINDING("mm.size-outside-message");
}
END_TEST


START_TEST(injected_ffa_error_sets_out_parameter_and_leaves_buffer)
{
	struct trace_event *ev = trace_append(&trace, TRACE_SMC);
	int64_t ret;

	add_rule((struct inject_rule){.kind = INJECT_KIND_FFA_ERROR,
				      .code = FFA_RET_BUSY,
				      .remaining = 1});
	set_foo_request();
	ret = ring_ev(0, true, ev);
	ck_assert_int_eq(ffa_err, FFA_RET_BUSY);
	ck_assert_int_eq(ret, MM_RET_SUCCESS);
	ck_assert(ram_untouched());
	ck_assert_uint_eq(varstore_count(store), 0);
	ck_assert(ev->injected);
	ck_assert_str_eq(ev->summary, "MM -> FFA_ERROR BUSY");
	ck_assert_uint_eq(inj.rules[0].hits, 1);
	ck_assert_uint_eq(findings.count, 0);
	/* Consumed: the next doorbell is served. */
	ret = ring(0);
	ASSERT_REPLY(ret, 0, EFI_SUCCESS, request_length(0));
	ck_assert_uint_eq(varstore_count(store), 1);
}
END_TEST

START_TEST(injected_ffa_error_on_32_bit_doorbell_only_hits_that_width)
{
	add_rule((struct inject_rule){.kind = INJECT_KIND_FFA_ERROR,
				      .code = FFA_RET_DENIED,
				      .on_fid = FFA_MSG_SEND_DIRECT_REQ_32,
				      .every = true});
	request(0, MM_VAR_FN_GET_PAYLOAD_SIZE, 8);
	ck_assert_int_eq(ring_ev(0, true, NULL), MM_RET_SUCCESS);
	ck_assert_int_eq(ffa_err, 0);
	ck_assert_uint_eq(reply_length(0), 24);
	request(0, MM_VAR_FN_GET_PAYLOAD_SIZE, 8);
	ck_assert_int_eq(ring_ev(0, false, NULL), MM_RET_SUCCESS);
	ck_assert_int_eq(ffa_err, FFA_RET_DENIED);
	ck_assert(ram_untouched());
}
END_TEST

START_TEST(injected_ffa_error_by_default_hits_both_doorbell_widths)
{
	add_rule((struct inject_rule){.kind = INJECT_KIND_FFA_ERROR,
				      .code = FFA_RET_ABORTED,
				      .every = true});
	request(0, MM_VAR_FN_GET_PAYLOAD_SIZE, 8);
	ring_ev(0, true, NULL);
	ck_assert_int_eq(ffa_err, FFA_RET_ABORTED);
	ring_ev(0, false, NULL);
	ck_assert_int_eq(ffa_err, FFA_RET_ABORTED);
	ck_assert(ram_untouched());
}
END_TEST

START_TEST(injected_mm_return_code_is_returned_and_buffer_untouched)
{
	struct trace_event *ev = trace_append(&trace, TRACE_SMC);

	add_rule((struct inject_rule){.kind = INJECT_KIND_MM_RETURN,
				      .code = MM_RET_NO_MEMORY,
				      .remaining = 1});
	set_foo_request();
	ck_assert_int_eq(ring_ev(0, true, ev), MM_RET_NO_MEMORY);
	ck_assert_int_eq(ffa_err, 0);
	ck_assert(ram_untouched());
	ck_assert_uint_eq(varstore_count(store), 0);
	ck_assert(ev->injected);
	ck_assert_int_eq(ev->mm->mm_ret, MM_RET_NO_MEMORY);
	ck_assert_str_eq(ev->summary, "MM -> MM_NO_MEMORY");
}
END_TEST

START_TEST(injected_efi_status_is_return_status_and_store_untouched)
{
	struct trace_event *ev = trace_append(&trace, TRACE_SMC);
	int64_t ret;

	add_rule((struct inject_rule){.kind = INJECT_KIND_EFI_STATUS,
				      .code = (int64_t)EFI_DEVICE_ERROR,
				      .remaining = 1});
	set_foo_request();
	ret = ring_ev(0, true, ev);
	ASSERT_REPLY(ret, 0, EFI_DEVICE_ERROR, request_length(0));
	ck_assert_uint_eq(varstore_count(store), 0);
	ck_assert(ev->injected);
	ck_assert_uint_eq(ev->mm->return_status, EFI_DEVICE_ERROR);
	put64(buf_at(0) + 32, 0);
	ck_assert(ram_untouched()); /* only ReturnStatus was written */
}
END_TEST

START_TEST(injected_efi_status_on_exit_boot_service_keeps_boot_phase)
{
	add_rule((struct inject_rule){.kind = INJECT_KIND_EFI_STATUS,
				      .code = (int64_t)EFI_DEVICE_ERROR,
				      .remaining = 1});
	request(0, MM_VAR_FN_EXIT_BOOT_SERVICE, 0);
	ASSERT_REPLY(ring(0), 0, EFI_DEVICE_ERROR, 16);
	ck_assert_int_eq(varstore_phase(store), VARSTORE_PHASE_BOOT);
	ck_assert_int_lt(lc.phase, LIFECYCLE_EXIT_BOOT_SERVICES);
}
END_TEST

/* A served GET_VARIABLE of "Foo" = five: the reply as the model writes it. */
static void get_foo(void)
{
	store_set("Foo", NV_BS_RT, five, sizeof(five));
	access_request(0, MM_VAR_FN_GET_VARIABLE, "Foo", 16, 0, NULL);
}

START_TEST(injected_truncated_reply_says_message_length_16)
{
	uint8_t *p;
	int64_t ret;

	add_rule((struct inject_rule){.kind = INJECT_KIND_REPLY,
				      .reply = INJECT_REPLY_TRUNCATED,
				      .remaining = 1});
	get_foo();
	p = buf_at(0) + 40;
	ret = ring(0);
	ASSERT_REPLY(ret, 0, EFI_SUCCESS, 16);
	/* The payload is still served; only the header drops it. */
	ck_assert_uint_eq(get64(p + 16), 5);
	ck_assert_mem_eq(p + 44, five, 5);
}
END_TEST

START_TEST(injected_corrupted_reply_inverts_every_payload_byte)
{
	uint8_t expect[24 + 16 + 36 + 8 + 5];
	uint8_t *m = buf_at(0);
	int64_t ret;

	/* The clean reply first, as the expectation. */
	get_foo();
	ASSERT_REPLY(ring(0), 0, EFI_SUCCESS, 16 + 36 + 8 + 5);
	memcpy(expect, m, sizeof(expect));
	for (size_t i = 40; i < sizeof(expect); i++) {
		expect[i] = (uint8_t)~expect[i];
	}
	add_rule((struct inject_rule){.kind = INJECT_KIND_REPLY,
				      .reply = INJECT_REPLY_CORRUPTED,
				      .remaining = 1});
	get_foo();
	ret = ring(0);
	ASSERT_REPLY(ret, 0, EFI_SUCCESS, 16 + 36 + 8 + 5);
	ck_assert_mem_eq(m, expect, sizeof(expect));
	/* Bytes past the reply keep the request's (zero) contents. */
	for (size_t i = sizeof(expect); i < 24 + 16 + 40 + 8 + 16; i++) {
		ck_assert_uint_eq(m[i], 0);
	}
}
END_TEST

START_TEST(injected_oversized_reply_claims_more_but_writes_in_bounds)
{
	uint8_t *m = buf_at(0);
	size_t req_end = 24 + 16 + 40 + 8 + 16;
	int64_t ret;

	add_rule((struct inject_rule){.kind = INJECT_KIND_REPLY,
				      .reply = INJECT_REPLY_OVERSIZED,
				      .remaining = 1});
	get_foo();
	memset(m + req_end, 0xaa, 128); /* canary after the request */
	ret = ring(0);
	ck_assert_int_eq(ret, MM_RET_SUCCESS);
	ck_assert_uint_eq(reply_status(0), EFI_SUCCESS);
	ck_assert_uint_eq(reply_length(0), (16 + 40 + 8 + 16) + 64);
	ck_assert_uint_gt(reply_length(0), request_length(0));
	for (size_t i = 0; i < 128; i++) {
		ck_assert_uint_eq(m[req_end + i], 0xaa);
	}
	ck_assert_mem_eq(m + 84, five, 5);
}
END_TEST

START_TEST(injected_rule_with_count_fires_that_many_times)
{
	add_rule((struct inject_rule){.kind = INJECT_KIND_MM_RETURN,
				      .code = MM_RET_DENIED,
				      .remaining = 2});
	request(0, MM_VAR_FN_GET_PAYLOAD_SIZE, 8);
	ck_assert_int_eq(ring(0), MM_RET_DENIED);
	ck_assert_int_eq(ring(0), MM_RET_DENIED);
	ASSERT_REPLY(ring(0), 0, EFI_SUCCESS, 24);
	ck_assert_uint_eq(inj.rules[0].hits, 2);
	ck_assert_uint_eq(inj.rules[0].remaining, 0);
}
END_TEST

START_TEST(injected_rule_with_every_fires_on_every_doorbell)
{
	add_rule((struct inject_rule){.kind = INJECT_KIND_MM_RETURN,
				      .code = MM_RET_DENIED,
				      .every = true});
	request(0, MM_VAR_FN_GET_PAYLOAD_SIZE, 8);
	for (int i = 0; i < 10; i++) {
		ck_assert_int_eq(ring(0), MM_RET_DENIED);
	}
	ck_assert_uint_eq(inj.rules[0].hits, 10);
}
END_TEST

START_TEST(injected_rule_after_exit_boot_services_waits_for_it)
{
	add_rule((struct inject_rule){.kind = INJECT_KIND_MM_RETURN,
				      .code = MM_RET_NOT_SUPPORTED,
				      .every = true,
				      .after_exit_boot_services = true});
	request(0, MM_VAR_FN_GET_PAYLOAD_SIZE, 8);
	ASSERT_REPLY(ring(0), 0, EFI_SUCCESS, 24);
	/* EXIT_BOOT_SERVICE itself is still served: runtime starts after. */
	request(0, MM_VAR_FN_EXIT_BOOT_SERVICE, 0);
	ASSERT_REPLY(ring(0), 0, EFI_SUCCESS, 16);
	request(0, MM_VAR_FN_GET_PAYLOAD_SIZE, 8);
	ck_assert_int_eq(ring(0), MM_RET_NOT_SUPPORTED);
	ck_assert(ram_untouched());
}
END_TEST

START_TEST(injected_rule_with_mm_function_hits_only_that_function)
{
	add_rule((struct inject_rule){.kind = INJECT_KIND_EFI_STATUS,
				      .code = (int64_t)EFI_OUT_OF_RESOURCES,
				      .has_mm_function = true,
				      .mm_function = MM_VAR_FN_SET_VARIABLE,
				      .every = true});
	get_foo();
	ASSERT_REPLY(ring(0), 0, EFI_SUCCESS, 16 + 36 + 8 + 5);
	set_foo_request();
	ASSERT_REPLY(ring(0), 0, EFI_OUT_OF_RESOURCES, request_length(0));
	ck_assert_uint_eq(inj.rules[0].hits, 1);
}
END_TEST

START_TEST(injected_reply_with_mm_function_hits_only_that_function)
{
	add_rule((struct inject_rule){.kind = INJECT_KIND_REPLY,
				      .reply = INJECT_REPLY_TRUNCATED,
				      .has_mm_function = true,
				      .mm_function = MM_VAR_FN_GET_PAYLOAD_SIZE,
				      .every = true});
	query_request(NV_BS_RT);
	ASSERT_REPLY(ring(0), 0, EFI_SUCCESS, 16 + 32);
	request(0, MM_VAR_FN_GET_PAYLOAD_SIZE, 8);
	ASSERT_REPLY(ring(0), 0, EFI_SUCCESS, 16);
}
END_TEST

START_TEST(malformed_header_never_consumes_an_injected_answer)
{
	add_rule((struct inject_rule){.kind = INJECT_KIND_MM_RETURN,
				      .code = MM_RET_DENIED,
				      .remaining = 1});
	ck_assert_int_eq(ring(BUF_SIZE), MM_RET_INVALID_PARAMETER);
	build_unknown_guid();
	ck_assert_int_eq(ring(0), MM_RET_NOT_SUPPORTED);
	ck_assert_uint_eq(inj.rules[0].remaining, 1);
	ck_assert_uint_eq(inj.rules[0].hits, 0);
}
END_TEST

START_TEST(injected_ffa_error_wins_over_mm_return_for_the_same_doorbell)
{
	add_rule((struct inject_rule){.kind = INJECT_KIND_MM_RETURN,
				      .code = MM_RET_DENIED,
				      .remaining = 1});
	add_rule((struct inject_rule){.kind = INJECT_KIND_FFA_ERROR,
				      .code = FFA_RET_BUSY,
				      .remaining = 1});
	request(0, MM_VAR_FN_GET_PAYLOAD_SIZE, 8);
	ring(0);
	ck_assert_int_eq(ffa_err, FFA_RET_BUSY);
	ck_assert_uint_eq(inj.rules[0].remaining, 1); /* not consumed */
	ck_assert_int_eq(ring(0), MM_RET_DENIED);
	ck_assert_int_eq(ffa_err, 0);
}
END_TEST

/* --- Suite -----------------------------------------------------------------
 */

static TCase *fixture_case(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, mm_setup, mm_teardown);
	tcase_set_timeout(tc, 10);
	suite_add_tcase(s, tc);
	return tc;
}

Suite *mm_sp_suite(void);

Suite *mm_sp_suite(void)
{
	Suite *s = suite_create("mm_sp");
	TCase *tc;

	tc = fixture_case(s, "get_variable");
	tcase_add_test(
	    tc, get_variable_writes_data_after_the_name_and_shrinks_the_reply);
	tcase_add_test(
	    tc, get_variable_with_small_buffer_is_buffer_too_small_with_size);
	tcase_add_test(
	    tc, get_variable_of_unknown_name_is_not_found_and_echoes_request);
	tcase_add_test(
	    tc, get_variable_reply_fills_an_exact_request_without_growing);
	tcase_add_test(
	    tc, get_variable_without_runtime_access_is_not_found_after_ebs);

	tc = fixture_case(s, "get_next");
	tcase_add_test(
	    tc, get_next_from_empty_name_returns_first_name_guid_and_size);
	tcase_add_test(tc,
		       get_next_walks_every_variable_then_answers_not_found);
	tcase_add_test(
	    tc, get_next_with_small_buffer_is_buffer_too_small_with_size);
	tcase_add_test(tc,
		       get_next_of_unknown_current_name_is_invalid_parameter);

	tc = fixture_case(s, "set_query_phase");
	tcase_add_test(
	    tc, set_variable_stores_data_that_follows_the_name_at_byte_36);
	tcase_add_test(
	    tc, set_variable_error_from_the_store_travels_in_return_status);
	tcase_add_test(tc, query_variable_info_fills_the_three_sizes);
	tcase_add_test(
	    tc, query_variable_info_with_zero_attributes_is_invalid_parameter);
	tcase_add_test(
	    tc, exit_boot_service_switches_store_and_injector_to_runtime);
	tcase_add_test(
	    tc, exit_boot_service_without_injector_still_switches_the_store);
	tcase_add_test(tc, ready_to_boot_locks_property_set);

	tc = fixture_case(s, "message_length");
	tcase_add_test(tc,
		       access_variable_sized_with_sizeof_as_u_boot_does_is_exact);
	tcase_add_test(tc,
		       message_length_counting_the_24_byte_header_is_a_warning);
	tcase_add_test(tc, one_byte_beyond_the_padding_is_a_warning);
	tcase_add_loop_test(
	    tc, exact_request_has_no_length_finding_and_one_more_byte_warns, 0,
	    (int)ARRAY_COUNT(exact_requests));
	tcase_add_test(tc, too_short_for_name_and_data_is_a_firmware_finding_only);
	tcase_add_test(tc, sizes_that_wrap_give_no_length_warning);

	tc = fixture_case(s, "property_payload_size");
	tcase_add_test(
	    tc, property_set_then_get_returns_the_property_after_the_guid);
	tcase_add_test(tc, property_get_without_property_is_not_found);
	tcase_add_test(tc, property_set_with_bad_revision_is_invalid_parameter);
	tcase_add_test(tc, get_payload_size_is_buffer_minus_24_16_36);
	tcase_add_test(tc, get_payload_size_at_an_offset_subtracts_the_offset);
	tcase_add_test(tc, get_payload_size_of_a_tiny_buffer_is_zero);
	tcase_add_loop_test(tc,
			    unknown_function_is_efi_unsupported_with_mm_success,
			    0, (int)ARRAY_COUNT(unknown_functions));

	tc = fixture_case(s, "validation");
	tcase_add_loop_test(tc,
			    malformed_request_gets_its_answer_and_one_finding,
			    0, (int)ARRAY_COUNT(bad_requests));
	tcase_add_test(tc,
		       message_length_filling_the_buffer_exactly_is_accepted);
	tcase_add_test(tc,
		       header_at_the_last_24_bytes_with_length_0_is_too_short);
	tcase_add_test(
	    tc, shared_buffer_outside_ram_is_invalid_parameter_with_finding);
	tcase_add_test(tc, request_running_out_of_ram_is_invalid_parameter);
	tcase_add_test(tc, nonzero_offset_reads_and_writes_at_base_plus_offset);
	tcase_add_test(tc, finding_at_an_offset_names_the_offset_address);

	tc = fixture_case(s, "trace");
	tcase_add_test(tc, trace_records_get_variable_request_and_reply);
	tcase_add_test(tc, trace_records_set_variable_attributes_and_utf8_name);
	tcase_add_test(tc, trace_records_header_failure_without_bytes);
	tcase_add_test(tc, trace_records_unknown_guid_and_the_length);
	tcase_add_test(tc, trace_records_query_attributes);
	tcase_add_test(tc, trace_records_get_next_name_as_sent);

	tc = fixture_case(s, "inject");
	tcase_add_test(tc,
		       injected_ffa_error_sets_out_parameter_and_leaves_buffer);
	tcase_add_test(
	    tc, injected_ffa_error_on_32_bit_doorbell_only_hits_that_width);
	tcase_add_test(tc,
		       injected_ffa_error_by_default_hits_both_doorbell_widths);
	tcase_add_test(
	    tc, injected_mm_return_code_is_returned_and_buffer_untouched);
	tcase_add_test(
	    tc, injected_efi_status_is_return_status_and_store_untouched);
	tcase_add_test(
	    tc, injected_efi_status_on_exit_boot_service_keeps_boot_phase);
	tcase_add_test(tc, injected_truncated_reply_says_message_length_16);
	tcase_add_test(tc, injected_corrupted_reply_inverts_every_payload_byte);
	tcase_add_test(
	    tc, injected_oversized_reply_claims_more_but_writes_in_bounds);
	tcase_add_test(tc, injected_rule_with_count_fires_that_many_times);
	tcase_add_test(tc, injected_rule_with_every_fires_on_every_doorbell);
	tcase_add_test(tc, injected_rule_after_exit_boot_services_waits_for_it);
	tcase_add_test(tc,
		       injected_rule_with_mm_function_hits_only_that_function);
	tcase_add_test(tc,
		       injected_reply_with_mm_function_hits_only_that_function);
	tcase_add_test(tc, malformed_header_never_consumes_an_injected_answer);
	tcase_add_test(
	    tc, injected_ffa_error_wins_over_mm_return_for_the_same_doorbell);

	return s;
}
