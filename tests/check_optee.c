/*
 * Unit tests of the OP-TEE model (models/optee.c, optee_param.c,
 * optee_pta.c) and its plumbing (routing, device tree).
 *
 * optee_handle() is driven with register bundles over a flat fake RAM, a
 * real variable store and a real MM partition.  Messages are built byte
 * by byte as Linux's drivers/tee/optee and U-Boot's drivers/tee/optee
 * build them (struct optee_msg_arg at a page of its own, UUIDs as
 * octets, REGISTER_SHM with a page list, RMEM memrefs by cookie); the
 * StMM path is checked end to end against the FF-A doorbell of the same
 * partition.
 */
#include <check.h>
#include <libfdt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "abi/efi.h"
#include "abi/mm.h"
#include "abi/optee.h"
#include "common/error.h"
#include "common/finding.h"
#include "common/trace.h"
#include "emulator/devtree.h"
#include "emulator/platform.h"
#include "models/smc_router.h"
#include "models/inject.h"
#include "models/mm_sp.h"
#include "models/optee.h"
#include "models/varstore.h"
#include "tests/fake_guest_mem.h"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define RAM_BASE UINT64_C(0x40000000)
#define RAM_SIZE UINT64_C(0x40000)
#define FFA_BUF (RAM_BASE + 0x1000) /* the FF-A route's shared buffer */
#define FFA_BUF_SIZE UINT64_C(0x1000)
#define RPC_BUF (RAM_BASE + 0x2000) /* what the NW answers RPC_ALLOC with */
#define ARG_PAGE (RAM_BASE + 0x3000) /* registered page for REGD_ARG */
#define ARG (RAM_BASE + 0x4000)      /* struct optee_msg_arg */
#define LIST (RAM_BASE + 0x5000)     /* page list */
#define SHM (RAM_BASE + 0x8000)      /* registered buffers, 8 pages */
#define SHM_FAR (RAM_BASE + 0x20000) /* and more pages */
#define COOKIE UINT64_C(0xffff000012345000)
#define NV_BS_RT                                                       \
	(EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS | \
	 EFI_VARIABLE_RUNTIME_ACCESS)

/* Check fixture state: the only file-scope mutable state (STYLE C1). */
static struct fake_guest_mem ram;
static struct findings findings;
static struct varstore *store;
static struct injector inj;
static struct mm_sp *mm;
static struct optee *op;
static struct optee_config cfg;

static const uint8_t enum_uuid[16] = OPTEE_PTA_DEVICE_ENUM_UUID;
static const uint8_t stmm_uuid[16] = OPTEE_PTA_STMM_UUID;
static const struct efi_guid vendor = EFI_GLOBAL_VARIABLE_GUID;
static const struct efi_guid variable_guid = MM_SMM_VARIABLE_GUID;

static void start(void)
{
	struct mm_sp_config mc = {.buf_addr = FFA_BUF,
				  .buf_size = FFA_BUF_SIZE};

	findings_init(&findings);
	fake_guest_mem_init(&ram, RAM_BASE, RAM_SIZE);
	store = varstore_new(NULL);
	inject_init(&inj);
	mm = mm_sp_new(&mc, store, &ram.mem, &findings, &inj);
	op = optee_new(&cfg, &ram.mem, &findings, &inj, mm);
}

static void optee_setup(void)
{
	optee_config_default(&cfg);
	start();
}

static void optee_teardown(void)
{
	optee_free(op);
	mm_sp_free(mm);
	varstore_free(store);
	fake_guest_mem_free(&ram);
	findings_free(&findings);
}

/* Restarts the model with another configuration. */
static void restart(void)
{
	optee_teardown();
	start();
}

/* --- Bytes and calls --------------------------------------------------- */

static uint8_t *at(uint64_t pa, uint64_t len)
{
	return fake_guest_mem_at(&ram, pa, len);
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

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static struct smc_call smc6(uint32_t fid, uint64_t a1, uint64_t a2,
			    uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct smc_call c;

	memset(&c, 0, sizeof(c));
	c.in.x[0] = fid;
	c.in.x[1] = a1;
	c.in.x[2] = a2;
	c.in.x[3] = a3;
	c.in.x[4] = a4;
	c.in.x[5] = a5;
	c.out = c.in;
	optee_handle(op, &c);
	return c;
}

static struct smc_call smc(uint32_t fid, uint64_t a1)
{
	return smc6(fid, a1, 0, 0, 0, 0);
}

static void exchange_caps(void)
{
	ck_assert_uint_eq(smc(OPTEE_SMC_EXCHANGE_CAPABILITIES, 0).out.x[0],
			  OPTEE_SMC_RETURN_OK);
}

/* A zeroed struct optee_msg_arg with n params at pa. */
static void msg_at(uint64_t pa, uint32_t cmd, uint32_t session,
		   uint32_t func, uint32_t n)
{
	uint8_t *m = at(pa, optee_msg_arg_size(6));

	memset(m, 0, (size_t)optee_msg_arg_size(6));
	put32(m, cmd);
	put32(m + 4, func);
	put32(m + 8, session);
	put32(m + 20, 0x5a5a5a5a); /* ret: the model must write it */
	put32(m + 28, n);
}

static void msg(uint32_t cmd, uint32_t session, uint32_t func, uint32_t n)
{
	msg_at(ARG, cmd, session, func, n);
}

static void param_at(uint64_t pa, unsigned int i, uint64_t attr, uint64_t a,
		     uint64_t b, uint64_t c)
{
	uint8_t *p = at(pa + 32 + 32 * i, 32);

	put64(p, attr);
	put64(p + 8, a);
	put64(p + 16, b);
	put64(p + 24, c);
}

static void param(unsigned int i, uint64_t attr, uint64_t a, uint64_t b,
		  uint64_t c)
{
	param_at(ARG, i, attr, a, b, c);
}

static uint32_t msg_ret(void)
{
	return get32(at(ARG + 20, 4));
}

static uint32_t msg_origin(void)
{
	return get32(at(ARG + 24, 4));
}

static uint32_t msg_session(void)
{
	return get32(at(ARG + 8, 4));
}

static uint64_t param_u(unsigned int i, unsigned int k)
{
	return get64(at(ARG + 32 + 32 * i + 8 + 8 * k, 8));
}

/* CALL_WITH_ARG as both drivers issue it; returns a0. */
static uint64_t call(void)
{
	return smc6(OPTEE_SMC_CALL_WITH_ARG, ARG >> 32, ARG & 0xffffffff, 0,
		    0, 0)
		.out.x[0];
}

static uint32_t open_session_login(const uint8_t uuid[16], uint64_t login)
{
	msg(OPTEE_MSG_CMD_OPEN_SESSION, 0, 0, 2);
	param(0, 0x101, 0, 0, 0);
	memcpy(at(ARG + 32 + 8, 16), uuid, 16);
	param(1, 0x101, 0, 0, login);
	ck_assert_uint_eq(call(), OPTEE_SMC_RETURN_OK);
	return msg_ret();
}

static uint32_t open_session(const uint8_t uuid[16])
{
	ck_assert_uint_eq(open_session_login(uuid, OPTEE_MSG_LOGIN_PUBLIC),
			  TEEC_SUCCESS);
	ck_assert_uint_ne(msg_session(), 0);
	return msg_session();
}

static uint32_t close_session(uint32_t session)
{
	msg(OPTEE_MSG_CMD_CLOSE_SESSION, session, 0, 0);
	ck_assert_uint_eq(call(), OPTEE_SMC_RETURN_OK);
	return msg_ret();
}

/* REGISTER_SHM of size bytes from pgoff in the given pages. */
static uint32_t register_pages(uint64_t cookie, const uint64_t *pages,
			       size_t count, uint64_t pgoff, uint64_t size)
{
	for (size_t i = 0; i < count; i++) {
		put64(at(LIST + 8 * i, 8), pages[i]);
	}
	msg(OPTEE_MSG_CMD_REGISTER_SHM, 0, 0, 1);
	param(0, 0x20a, LIST | pgoff, size, cookie);
	ck_assert_uint_eq(call(), OPTEE_SMC_RETURN_OK);
	return msg_ret();
}

/* Registers [addr, addr + size) as contiguous pages. */
static void register_buf(uint64_t cookie, uint64_t addr, uint64_t size)
{
	uint64_t pages[8];
	uint64_t first = addr & ~UINT64_C(0xfff);
	size_t n = (size_t)(((addr & 0xfff) + size + 0xfff) / 0x1000);

	ck_assert_uint_le(n, ARRAY_COUNT(pages));
	for (size_t i = 0; i < n; i++) {
		pages[i] = first + 0x1000 * i;
	}
	ck_assert_uint_eq(register_pages(cookie, pages, n, addr & 0xfff, size),
			  TEEC_SUCCESS);
}

static uint32_t unregister(uint64_t cookie)
{
	msg(OPTEE_MSG_CMD_UNREGISTER_SHM, 0, 0, 1);
	param(0, OPTEE_MSG_ATTR_TYPE_RMEM_INPUT, 0, 0, cookie);
	ck_assert_uint_eq(call(), OPTEE_SMC_RETURN_OK);
	return msg_ret();
}

#define ASSERT_FINDING_KIND(code, want)                                    \
	do {                                                               \
		const struct finding *f_ = findings_find(&findings, code); \
		ck_assert_msg(f_ != NULL, "no finding %s", code);          \
		ck_assert_int_eq(f_->kind, (want));                        \
	} while (0)
#define ASSERT_FINDING(code) ASSERT_FINDING_KIND(code, FINDING_FIRMWARE)
#define ASSERT_NO_FINDINGS() ck_assert_uint_eq(findings.count, 0)

/* --- MM requests as U-Boot and Linux build them ------------------------ */

/*
 * An access-variable request (GET/SET_VARIABLE) at pa: payload 40 + name
 * + data, the name at 36 (efi_get_variable_int(), tee_get_variable()).
 * Returns the buffer length (24 + MessageLength).
 */
static uint64_t access_request(uint64_t pa, uint64_t function,
			       const char *name, uint64_t data_size,
			       uint32_t attributes, const void *data)
{
	uint64_t ns = 2 * (strlen(name) + 1);
	uint64_t payload = 40 + ns + data_size;
	uint8_t *m = at(pa, 40 + payload);
	uint8_t *p = m + MM_VAR_PAYLOAD_OFFSET;

	memset(m, 0, (size_t)(40 + payload));
	memcpy(m, &variable_guid, 16);
	put64(m + 16, MM_VAR_HEADER_SIZE + payload);
	put64(m + 24, function);
	memcpy(p, &vendor, 16);
	put64(p + 16, data_size);
	put64(p + 24, ns);
	put32(p + 32, attributes);
	for (size_t i = 0; i <= strlen(name); i++) {
		p[36 + 2 * i] = (uint8_t)name[i];
	}
	if (data != NULL) {
		memcpy(p + 36 + ns, data, (size_t)data_size);
	}
	return 40 + payload;
}

static uint64_t payload_size_request(uint64_t pa)
{
	uint8_t *m = at(pa, 48);

	memset(m, 0, 48);
	memcpy(m, &variable_guid, 16);
	put64(m + 16, MM_VAR_HEADER_SIZE + 8);
	put64(m + 24, MM_VAR_FN_GET_PAYLOAD_SIZE);
	return 48;
}

static uint64_t mm_status(uint64_t pa)
{
	return get64(at(pa + 32, 8));
}

/*
 * U-Boot's optee_mm_communicate(): open, register, invoke, unregister,
 * close for every request.  Returns the invoke's ret; *mm_ret = value.a.
 */
static uint32_t uboot_communicate(uint64_t pa, uint64_t len,
				  uint64_t *mm_ret)
{
	uint32_t session = open_session(stmm_uuid);
	uint32_t ret;

	register_buf(COOKIE, pa, len);
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, session, PTA_STMM_CMD_COMMUNICATE,
	    2);
	param(0, OPTEE_MSG_ATTR_TYPE_RMEM_INOUT, 0, len, COOKIE);
	param(1, OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0x77, 0x77, 0x77);
	ck_assert_uint_eq(call(), OPTEE_SMC_RETURN_OK);
	ret = msg_ret();
	*mm_ret = param_u(1, 0);
	if (ret == TEEC_SUCCESS) {
		ck_assert_uint_eq(param_u(0, 1), len); /* size unchanged */
	}
	ck_assert_uint_eq(unregister(COOKIE), TEEC_SUCCESS);
	ck_assert_uint_eq(close_session(session), TEEC_SUCCESS);
	return ret;
}

static int64_t doorbell(void)
{
	int32_t ffa_error = 0;
	int64_t r = mm_sp_doorbell(mm, 0, true, NULL, &ffa_error);

	ck_assert_int_eq(ffa_error, 0);
	return r;
}

/* --- Fast calls --------------------------------------------------------- */

START_TEST(calls_uid_is_the_optee_api_uid_zero_extended)
{
	struct smc_call c = smc6(OPTEE_SMC_CALLS_UID, UINT64_MAX, 0, 0, 0, 0);

	ck_assert_uint_eq(c.out.x[0], 0x384fb3e0);
	ck_assert_uint_eq(c.out.x[1], 0xe7f811e3);
	ck_assert_uint_eq(c.out.x[2], 0xaf630002);
	ck_assert_uint_eq(c.out.x[3], 0xa5d5c51b);
	ck_assert_str_eq(c.name, "OPTEE_SMC_CALLS_UID");
	ASSERT_NO_FINDINGS();
}
END_TEST

START_TEST(revisions_and_os_uuid_are_what_the_probes_check)
{
	struct smc_call c = smc(OPTEE_SMC_CALLS_REVISION, 0);

	ck_assert_uint_eq(c.out.x[0], 2);
	ck_assert_uint_eq(c.out.x[1], 0);
	c = smc(OPTEE_SMC_GET_OS_REVISION, 0);
	ck_assert_uint_eq(c.out.x[0], 4);
	ck_assert_uint_eq(c.out.x[2], 0);
	c = smc(OPTEE_SMC_GET_OS_UUID, 0);
	ck_assert_uint_eq(c.out.x[0], 0x486178e0);
	ck_assert_uint_eq(c.out.x[3], 0xa5d5c51b);
	c = smc(OPTEE_SMC_GET_THREAD_COUNT, 0);
	ck_assert_uint_eq(c.out.x[0], OPTEE_SMC_RETURN_OK);
	ck_assert_uint_eq(c.out.x[1], 4);
}
END_TEST

START_TEST(exchange_capabilities_advertises_dynamic_shm_and_rpc_arg)
{
	struct smc_call c = smc(OPTEE_SMC_EXCHANGE_CAPABILITIES,
				OPTEE_SMC_NSEC_CAP_UNIPROCESSOR);

	ck_assert_uint_eq(c.out.x[0], OPTEE_SMC_RETURN_OK);
	ck_assert_uint_eq(c.out.x[1], OPTEE_SMC_SEC_CAP_DYNAMIC_SHM |
					      OPTEE_SMC_SEC_CAP_MEMREF_NULL |
					      OPTEE_SMC_SEC_CAP_RPC_ARG);
	ck_assert_uint_eq(c.out.x[3], 4);
	ck_assert(optee_capabilities_exchanged(op));
}
END_TEST

START_TEST(exchange_capabilities_with_unknown_bits_is_enotavail)
{
	struct smc_call c = smc(OPTEE_SMC_EXCHANGE_CAPABILITIES, 0x6);

	ck_assert_uint_eq(c.out.x[0], OPTEE_SMC_RETURN_ENOTAVAIL);
	ck_assert(!optee_capabilities_exchanged(op));
	ASSERT_FINDING("optee.capabilities-unknown-bits");
}
END_TEST

START_TEST(shm_cache_calls_never_hang_linux)
{
	/* __optee_disable_shm_cache() loops until ENOTAVAIL. */
	ck_assert_uint_eq(smc(OPTEE_SMC_DISABLE_SHM_CACHE, 0).out.x[0],
			  OPTEE_SMC_RETURN_ENOTAVAIL);
	ck_assert_uint_eq(smc(OPTEE_SMC_ENABLE_SHM_CACHE, 0).out.x[0],
			  OPTEE_SMC_RETURN_OK);
}
END_TEST

START_TEST(get_shm_config_without_and_with_a_reserved_pool)
{
	struct smc_call c = smc(OPTEE_SMC_GET_SHM_CONFIG, 0);

	ck_assert_uint_eq(c.out.x[0], OPTEE_SMC_RETURN_ENOTAVAIL);
	cfg.reserved_shm_addr = SHM;
	cfg.reserved_shm_size = 0x8000;
	restart();
	c = smc(OPTEE_SMC_GET_SHM_CONFIG, 0);
	ck_assert_uint_eq(c.out.x[0], OPTEE_SMC_RETURN_OK);
	ck_assert_uint_eq(c.out.x[1], SHM);
	ck_assert_uint_eq(c.out.x[2], 0x8000);
	ck_assert_uint_eq(c.out.x[3], OPTEE_SMC_SHM_CACHED);
}
END_TEST

START_TEST(unmodelled_and_unknown_functions_are_unknown_function)
{
	struct smc_call c = smc(OPTEE_SMC_ENABLE_ASYNC_NOTIF, 0);

	ck_assert_uint_eq(c.out.x[0], OPTEE_SMC_RETURN_UNKNOWN_FUNCTION);
	ck_assert_int_eq(c.disposition, SMC_DISP_UNIMPLEMENTED);
	c = smc(0xb2000042, 0);
	ck_assert_uint_eq(c.out.x[0], OPTEE_SMC_RETURN_UNKNOWN_FUNCTION);
	ASSERT_FINDING_KIND("model.unimplemented-smc", FINDING_UNIMPLEMENTED);
	ck_assert_uint_eq(findings_count_kind(&findings, FINDING_FIRMWARE), 0);
}
END_TEST

/* Every row of the SMC table: named, in the trusted-OS range, found. */
START_TEST(smc_table_row_is_consistent)
{
	uint32_t fid = optee_abi_fid((size_t)_i);
	const char *name = optee_function_name(fid);

	ck_assert_ptr_nonnull(name);
	ck_assert(strncmp(name, "OPTEE_SMC_", 10) == 0);
	ck_assert(optee_is_function(fid));
	ck_assert_int_eq(smccc_owner(fid) == 50 || smccc_owner(fid) == 63, 1);
	for (size_t j = 0; j < optee_abi_count(); j++) {
		if (j != (size_t)_i) {
			ck_assert_uint_ne(optee_abi_fid(j), fid);
		}
	}
}
END_TEST

/* --- Sessions ----------------------------------------------------------- */

START_TEST(open_and_close_sessions_to_both_pseudo_tas)
{
	uint32_t a, b;

	exchange_caps();
	a = open_session(enum_uuid);
	ck_assert_uint_eq(msg_origin(), TEEC_ORIGIN_TEE);
	b = open_session(stmm_uuid);
	ck_assert_uint_ne(a, b);
	ck_assert_uint_eq(optee_session_count(op), 2);
	ck_assert_uint_eq(close_session(a), TEEC_SUCCESS);
	ck_assert_uint_eq(close_session(b), TEEC_SUCCESS);
	ck_assert_uint_eq(optee_session_count(op), 0);
	ck_assert_uint_eq(optee_audit_released(op, "end of run"), 0);
	ASSERT_NO_FINDINGS();
}
END_TEST

START_TEST(open_session_to_an_unknown_ta_is_item_not_found)
{
	static const uint8_t other[16] = {1, 2, 3};

	exchange_caps();
	ck_assert_uint_eq(open_session_login(other, 0),
			  TEEC_ERROR_ITEM_NOT_FOUND);
	ck_assert_uint_eq(msg_origin(), TEEC_ORIGIN_TEE);
	ck_assert_uint_eq(msg_session(), 0);
	ASSERT_FINDING_KIND("optee.ta-not-modelled", FINDING_UNIMPLEMENTED);
}
END_TEST

START_TEST(open_session_without_meta_params_is_bad_parameters)
{
	const struct finding *f;

	exchange_caps();
	msg(OPTEE_MSG_CMD_OPEN_SESSION, 0, 0, 2);
	param(0, OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, 0, 0, 0); /* no META */
	param(1, 0x101, 0, 0, 0);
	ck_assert_uint_eq(call(), OPTEE_SMC_RETURN_OK);
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_BAD_PARAMETERS);
	ck_assert_uint_eq(msg_origin(), TEEC_ORIGIN_TEE);
	ASSERT_FINDING("optee.open-session-bad-meta");
	f = findings_find(&findings, "optee.open-session-bad-meta");
	ck_assert_ptr_nonnull(f->detail); /* the message's bytes */
	ck_assert_uint_eq(f->address, ARG);
}
END_TEST

START_TEST(open_session_with_an_unknown_login_is_bad_parameters)
{
	exchange_caps();
	ck_assert_uint_eq(open_session_login(enum_uuid, 3),
			  TEEC_ERROR_BAD_PARAMETERS);
	ASSERT_FINDING("optee.open-session-bad-login");
	ck_assert_uint_eq(open_session_login(enum_uuid,
					     OPTEE_MSG_LOGIN_REE_KERNEL),
			  TEEC_SUCCESS);
}
END_TEST

START_TEST(stmm_open_session_takes_no_parameters)
{
	exchange_caps();
	msg(OPTEE_MSG_CMD_OPEN_SESSION, 0, 0, 3);
	param(0, 0x101, 0, 0, 0);
	memcpy(at(ARG + 40, 16), stmm_uuid, 16);
	param(1, 0x101, 0, 0, 0);
	param(2, OPTEE_MSG_ATTR_TYPE_VALUE_INPUT, 1, 2, 3);
	ck_assert_uint_eq(call(), OPTEE_SMC_RETURN_OK);
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_BAD_PARAMETERS);
	ck_assert_uint_eq(msg_origin(), TEEC_ORIGIN_TRUSTED_APP);
	ASSERT_FINDING("optee.pta-param-types");
}
END_TEST

START_TEST(session_commands_on_a_closed_session)
{
	uint32_t s;

	exchange_caps();
	s = open_session(enum_uuid);
	ck_assert_uint_eq(close_session(s), TEEC_SUCCESS);
	ck_assert_uint_eq(close_session(s), TEEC_ERROR_ITEM_NOT_FOUND);
	ASSERT_FINDING("optee.session-not-open");
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, PTA_CMD_GET_DEVICES, 1);
	param(0, OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, 0, 0, 0);
	ck_assert_uint_eq(call(), OPTEE_SMC_RETURN_OK);
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_BAD_PARAMETERS);
	ck_assert_uint_eq(msg_origin(), TEEC_ORIGIN_TEE);
	msg(OPTEE_MSG_CMD_CANCEL, s, 0, 0);
	ck_assert_uint_eq(call(), OPTEE_SMC_RETURN_OK);
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_BAD_PARAMETERS);
}
END_TEST

START_TEST(cancel_and_close_take_no_parameters)
{
	uint32_t s;

	exchange_caps();
	s = open_session(enum_uuid);
	msg(OPTEE_MSG_CMD_CANCEL, s, 0, 0);
	ck_assert_uint_eq(call(), OPTEE_SMC_RETURN_OK);
	ck_assert_uint_eq(msg_ret(), TEEC_SUCCESS);
	msg(OPTEE_MSG_CMD_CANCEL, s, 0, 1);
	ck_assert_uint_eq(call(), OPTEE_SMC_RETURN_OK);
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_BAD_PARAMETERS);
	msg(OPTEE_MSG_CMD_CLOSE_SESSION, s, 0, 1);
	ck_assert_uint_eq(call(), OPTEE_SMC_RETURN_OK);
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_BAD_PARAMETERS);
	ASSERT_FINDING("optee.params-not-expected");
	ck_assert_uint_eq(optee_session_count(op), 1); /* still open */
}
END_TEST

START_TEST(the_session_table_fills_when_sessions_are_not_closed)
{
	exchange_caps();
	for (int i = 0; i < OPTEE_MAX_SESSIONS; i++) {
		open_session(enum_uuid);
	}
	ck_assert_uint_eq(open_session_login(enum_uuid, 0),
			  TEEC_ERROR_OUT_OF_MEMORY);
	ASSERT_FINDING_KIND("optee.session-table-full", FINDING_WARNING);
	ck_assert_uint_eq(optee_audit_released(op, "exit boot services"),
			  OPTEE_MAX_SESSIONS);
	ASSERT_FINDING("optee.session-left-open");
}
END_TEST

/* --- The released audit, where the lifecycle says ----------------------- */

/* How many findings with this code. */
static size_t count_findings(const char *code)
{
	size_t n = 0;

	for (size_t i = 0; i < findings.count; i++) {
		n += strcmp(findings.items[i].code, code) == 0;
	}
	return n;
}

static void watch_lifecycle(struct lifecycle *lc)
{
	lifecycle_init(lc);
	optee_set_lifecycle(op, lc);
	ck_assert(lifecycle_listen(lc, optee_phase_changed, op));
}

/*
 * U-Boot closes and unregisters around every request: anything still held
 * when ExitBootServices has returned is a leak, named once.  The MM
 * EXIT_BOOT_SERVICE event (ExitBootServices under way, sent inside an
 * open session) is not the point.
 */
START_TEST(what_boot_left_is_found_when_exit_boot_services_returns)
{
	struct lifecycle lc;
	uint32_t kept, closed;

	watch_lifecycle(&lc);
	exchange_caps();
	kept = open_session(stmm_uuid);
	closed = open_session(enum_uuid);
	register_buf(COOKIE, SHM, 0x100);
	register_buf(COOKIE + 0x1000, SHM + 0x1000, 0x100);
	ck_assert_uint_eq(unregister(COOKIE + 0x1000), TEEC_SUCCESS);
	ck_assert_uint_eq(close_session(closed), TEEC_SUCCESS);
	lifecycle_evidence(&lc, EVIDENCE_MM_EXIT_BOOT_SERVICE);
	ASSERT_NO_FINDINGS();
	lifecycle_evidence(&lc, EVIDENCE_FIRMWARE_EXIT_RETURNED);
	ck_assert_uint_eq(findings.count, 2);
	ASSERT_FINDING("optee.session-left-open");
	ASSERT_FINDING("optee.shm-left-registered");
	ck_assert_ptr_nonnull(strstr(findings.items[0].message, "(stmm)"));
	ck_assert_ptr_nonnull(
		strstr(findings.items[0].message,
		       "still open at the return of ExitBootServices"));
	(void)kept;
	/* Named once: neither a later phase nor the end repeats them. */
	lifecycle_evidence(&lc, EVIDENCE_FIRMWARE_VIRTUAL_MAP);
	ck_assert_uint_eq(optee_audit_end_of_run(op), 0);
	ck_assert_uint_eq(optee_audit_released(op, "again"), 0);
	ck_assert_uint_eq(findings.count, 2);
}
END_TEST

START_TEST(everything_released_at_exit_boot_services_is_no_finding)
{
	struct lifecycle lc;
	uint32_t s;

	watch_lifecycle(&lc);
	exchange_caps();
	s = open_session(stmm_uuid);
	register_buf(COOKIE, SHM, 0x100);
	ck_assert_uint_eq(unregister(COOKIE), TEEC_SUCCESS);
	ck_assert_uint_eq(close_session(s), TEEC_SUCCESS);
	lifecycle_evidence(&lc, EVIDENCE_AGENT_EXIT_BOOT_SERVICES);
	ck_assert_uint_eq(optee_audit_end_of_run(op), 0);
	ASSERT_NO_FINDINGS();
}
END_TEST

/*
 * The end of a run names only what was opened before ExitBootServices
 * began: Linux's tee_stmm_efi holds its session and buffer to the end,
 * and on a backend without the runtime phase it opens them while the
 * phase is still exit-boot-services.
 */
START_TEST(the_end_of_the_run_spares_what_the_os_holds)
{
	struct lifecycle lc;

	watch_lifecycle(&lc);
	exchange_caps();
	open_session(enum_uuid); /* boot firmware's, never closed */
	lifecycle_evidence(&lc, EVIDENCE_MM_EXIT_BOOT_SERVICE);
	open_session(stmm_uuid); /* the OS's */
	register_buf(COOKIE, SHM, 0x100);
	ck_assert_uint_eq(optee_audit_end_of_run(op), 1);
	ck_assert_uint_eq(count_findings("optee.session-left-open"), 1);
	ck_assert_uint_eq(count_findings("optee.shm-left-registered"), 0);
	ck_assert_ptr_nonnull(strstr(findings.items[0].message,
				     "(device-enum), opened in phase boot, "
				     "still open at the end of the run"));
	/* The runtime phase audits all that is held, the OS's included. */
	lifecycle_evidence(&lc, EVIDENCE_FIRMWARE_EXIT_RETURNED);
	ck_assert_uint_eq(count_findings("optee.session-left-open"), 2);
	ck_assert_uint_eq(count_findings("optee.shm-left-registered"), 1);
}
END_TEST

/* Without a lifecycle everything counts as opened at boot. */
START_TEST(without_a_lifecycle_the_end_of_the_run_names_everything)
{
	exchange_caps();
	open_session(stmm_uuid);
	register_buf(COOKIE, SHM, 0x100);
	ck_assert_uint_eq(optee_audit_end_of_run(op), 2);
	ck_assert_uint_eq(optee_audit_end_of_run(op), 0);
}
END_TEST

/* --- Device enumeration ------------------------------------------------ */

START_TEST(linux_enumeration_finds_stmm_once)
{
	uint32_t s;

	exchange_caps();
	s = open_session(enum_uuid);
	/* device.c: TMEM_OUTPUT NULL first, num_params 4. */
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, PTA_CMD_GET_DEVICES, 4);
	param(0, OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, 0, 0, 0);
	ck_assert_uint_eq(call(), OPTEE_SMC_RETURN_OK);
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_SHORT_BUFFER);
	ck_assert_uint_eq(msg_origin(), TEEC_ORIGIN_TRUSTED_APP);
	ck_assert_uint_eq(param_u(0, 1), 16);
	/* tee_shm_alloc_kernel_buf(): a whole registered page. */
	register_buf(COOKIE, SHM, 0x1000);
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, PTA_CMD_GET_DEVICES, 4);
	param(0, OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT, 0, 16, COOKIE);
	ck_assert_uint_eq(call(), OPTEE_SMC_RETURN_OK);
	ck_assert_uint_eq(msg_ret(), TEEC_SUCCESS);
	ck_assert_uint_eq(param_u(0, 1), 16);
	ck_assert_mem_eq(at(SHM, 16), stmm_uuid, 16);
	/* Not in the supplicant's list as well. */
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, PTA_CMD_GET_DEVICES_SUPP, 4);
	param(0, OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, 0, 0, 0);
	ck_assert_uint_eq(call(), OPTEE_SMC_RETURN_OK);
	ck_assert_uint_eq(msg_ret(), TEEC_SUCCESS);
	ck_assert_uint_eq(param_u(0, 1), 0);
	ck_assert_uint_eq(unregister(COOKIE), TEEC_SUCCESS);
	ck_assert_uint_eq(close_session(s), TEEC_SUCCESS);
	ASSERT_NO_FINDINGS();
}
END_TEST

START_TEST(stmm_can_be_listed_for_the_supplicant_instead)
{
	uint32_t s;

	cfg.stmm_listed_with_supplicant = true;
	restart();
	exchange_caps();
	s = open_session(enum_uuid);
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, PTA_CMD_GET_DEVICES, 1);
	param(0, OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, 0, 0, 0);
	call();
	ck_assert_uint_eq(msg_ret(), TEEC_SUCCESS);
	ck_assert_uint_eq(param_u(0, 1), 0);
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, PTA_CMD_GET_DEVICES_SUPP, 1);
	param(0, OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, 0, 0, 0);
	call();
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_SHORT_BUFFER);
	ck_assert_uint_eq(param_u(0, 1), 16);
}
END_TEST

START_TEST(uboot_null_rmem_is_taken_as_null_with_a_warning)
{
	uint32_t s;

	exchange_caps();
	s = open_session(enum_uuid);
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, PTA_CMD_GET_DEVICES, 1);
	param(0, OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT, 0, 0, 0);
	call();
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_SHORT_BUFFER);
	ck_assert_uint_eq(param_u(0, 1), 16);
	ASSERT_FINDING_KIND("optee.rmem-null-cookie", FINDING_WARNING);
}
END_TEST

START_TEST(enumeration_errors_are_the_real_ptas)
{
	uint32_t s;

	exchange_caps();
	s = open_session(enum_uuid);
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, 7, 1);
	param(0, OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, 0, 0, 0);
	call();
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_NOT_IMPLEMENTED);
	ck_assert_uint_eq(msg_origin(), TEEC_ORIGIN_TRUSTED_APP);
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, PTA_CMD_GET_DEVICES, 1);
	param(0, OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0, 0, 0);
	call();
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_BAD_PARAMETERS);
	ASSERT_FINDING("optee.pta-param-types");
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, PTA_CMD_GET_DEVICES_RPMB, 1);
	param(0, OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, 0, 0, 0);
	call();
	ck_assert_uint_eq(msg_ret(), TEEC_SUCCESS);
	ck_assert_uint_eq(param_u(0, 1), 0);
}
END_TEST

/* --- Registered memory ------------------------------------------------- */

START_TEST(register_shm_wants_one_noncontig_tmem_output)
{
	exchange_caps();
	msg(OPTEE_MSG_CMD_REGISTER_SHM, 0, 0, 1);
	param(0, OPTEE_MSG_ATTR_TYPE_TMEM_INPUT | OPTEE_MSG_ATTR_NONCONTIG,
	      LIST, 16, COOKIE);
	call();
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_BAD_PARAMETERS);
	ASSERT_FINDING("optee.register-shm-bad-param");
	ck_assert_uint_eq(optee_shm_count(op), 0);
}
END_TEST

START_TEST(register_shm_checks_every_page_of_the_list)
{
	uint64_t bad_align[2] = {SHM, SHM + 0x1001};
	uint64_t not_ram[2] = {SHM, RAM_BASE + RAM_SIZE};

	exchange_caps();
	ck_assert_uint_eq(register_pages(COOKIE, bad_align, 2, 0, 0x2000),
			  TEEC_ERROR_BAD_PARAMETERS);
	ASSERT_FINDING("optee.page-list-misaligned");
	ck_assert_uint_eq(register_pages(COOKIE, not_ram, 2, 0, 0x2000),
			  TEEC_ERROR_BAD_PARAMETERS);
	ASSERT_FINDING("optee.page-list-not-ram");
	ck_assert_uint_eq(register_pages(COOKIE, not_ram, 1, 0, 0),
			  TEEC_ERROR_BAD_PARAMETERS);
	ASSERT_FINDING("optee.page-list-size");
	ck_assert_uint_eq(optee_shm_count(op), 0);
}
END_TEST

START_TEST(a_page_list_spans_list_pages)
{
	/* 600 pages: the list continues at byte 4088 of its first page. */
	uint64_t list2 = RAM_BASE + 0x6000;
	uint32_t s;

	exchange_caps();
	for (uint64_t i = 0; i < 600; i++) {
		uint64_t page = SHM + 0x1000 * (i % 8);

		if (i < 511) {
			put64(at(LIST + 8 * i, 8), page);
		} else {
			put64(at(list2 + 8 * (i - 511), 8), page);
		}
	}
	put64(at(LIST + 4088, 8), list2);
	msg(OPTEE_MSG_CMD_REGISTER_SHM, 0, 0, 1);
	param(0, 0x20a, LIST, 600 * 0x1000, COOKIE);
	call();
	ck_assert_uint_eq(msg_ret(), TEEC_SUCCESS);
	/* The last page of the registration is SHM + 0x1000 * (599 % 8). */
	s = open_session(enum_uuid);
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, PTA_CMD_GET_DEVICES, 1);
	param(0, OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT, 599 * 0x1000 + 8, 16,
	      COOKIE);
	call();
	ck_assert_uint_eq(msg_ret(), TEEC_SUCCESS);
	ck_assert_mem_eq(at(SHM + 0x1000 * (599 % 8) + 8, 16), stmm_uuid, 16);
}
END_TEST

START_TEST(cookies_are_registered_once_and_unregistered_once)
{
	exchange_caps();
	register_buf(COOKIE, SHM, 100);
	msg(OPTEE_MSG_CMD_REGISTER_SHM, 0, 0, 1);
	param(0, 0x20a, LIST, 100, COOKIE);
	call();
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_BAD_PARAMETERS);
	ASSERT_FINDING("optee.shm-cookie-reused");
	ck_assert_uint_eq(unregister(COOKIE), TEEC_SUCCESS);
	ck_assert_uint_eq(unregister(COOKIE), TEEC_ERROR_BAD_PARAMETERS);
	ASSERT_FINDING("optee.unregister-unknown-shm");
	msg(OPTEE_MSG_CMD_UNREGISTER_SHM, 0, 0, 0);
	call();
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_BAD_PARAMETERS);
	ASSERT_FINDING("optee.unregister-shm-bad-param");
}
END_TEST

START_TEST(the_shm_table_fills_when_memory_is_not_unregistered)
{
	exchange_caps();
	for (uint64_t i = 0; i < OPTEE_MAX_SHM; i++) {
		register_buf(COOKIE + i, SHM, 64);
	}
	ck_assert_uint_eq(register_pages(COOKIE + OPTEE_MAX_SHM,
					 (uint64_t[]){SHM}, 1, 0, 64),
			  TEEC_ERROR_OUT_OF_MEMORY);
	ASSERT_FINDING_KIND("optee.shm-table-full", FINDING_WARNING);
	ck_assert_uint_eq(optee_audit_released(op, "end of run"),
			  OPTEE_MAX_SHM);
	ASSERT_FINDING("optee.shm-left-registered");
	ck_assert_uint_eq(unregister(COOKIE + 3), TEEC_SUCCESS);
	ck_assert_uint_eq(optee_shm_count(op), OPTEE_MAX_SHM - 1);
}
END_TEST

START_TEST(registered_memrefs_must_be_registered_and_inside)
{
	uint32_t s;

	exchange_caps();
	s = open_session(enum_uuid);
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, PTA_CMD_GET_DEVICES, 1);
	param(0, OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT, 0, 16, COOKIE);
	call();
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_BAD_PARAMETERS);
	ASSERT_FINDING("optee.rmem-not-registered");
	register_buf(COOKIE, SHM + 0x10, 32);
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, PTA_CMD_GET_DEVICES, 1);
	param(0, OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT, 20, 16, COOKIE);
	call();
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_SECURITY);
	ck_assert_uint_eq(msg_origin(), TEEC_ORIGIN_TEE);
	ASSERT_FINDING("optee.memref-outside-shm");
	/* offs + size wrapping around is outside too. */
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, PTA_CMD_GET_DEVICES, 1);
	param(0, OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT, UINT64_MAX, 16, COOKIE);
	call();
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_SECURITY);
	/* Inside: the pgoff of the registration counts. */
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, PTA_CMD_GET_DEVICES, 1);
	param(0, OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT, 16, 16, COOKIE);
	call();
	ck_assert_uint_eq(msg_ret(), TEEC_SUCCESS);
	ck_assert_mem_eq(at(SHM + 0x20, 16), stmm_uuid, 16);
}
END_TEST

START_TEST(temporary_memrefs_need_a_page_list_or_the_reserved_pool)
{
	uint32_t s;

	exchange_caps();
	s = open_session(enum_uuid);
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, PTA_CMD_GET_DEVICES, 1);
	param(0, OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, SHM, 16, 0);
	call();
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_BAD_PARAMETERS);
	ASSERT_FINDING("optee.tmem-not-shared-memory");
	/* A temporary NONCONTIG list. */
	put64(at(LIST, 8), SHM + 0x3000);
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, PTA_CMD_GET_DEVICES, 1);
	param(0, OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT | OPTEE_MSG_ATTR_NONCONTIG,
	      LIST | 0x40, 16, 0);
	call();
	ck_assert_uint_eq(msg_ret(), TEEC_SUCCESS);
	ck_assert_mem_eq(at(SHM + 0x3040, 16), stmm_uuid, 16);
	ck_assert_uint_eq(optee_shm_count(op), 0); /* not kept */
	/* The reserved pool. */
	cfg.reserved_shm_addr = SHM;
	cfg.reserved_shm_size = 0x1000;
	restart();
	exchange_caps();
	s = open_session(enum_uuid);
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, PTA_CMD_GET_DEVICES, 1);
	param(0, OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT, SHM + 0x100, 16, 0);
	call();
	ck_assert_uint_eq(msg_ret(), TEEC_SUCCESS);
	ck_assert_mem_eq(at(SHM + 0x100, 16), stmm_uuid, 16);
}
END_TEST

/* --- Message decoding -------------------------------------------------- */

START_TEST(parameter_types_meta_and_count_are_checked)
{
	uint32_t s;

	exchange_caps();
	s = open_session(enum_uuid);
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, PTA_CMD_GET_DEVICES, 1);
	param(0, 0x4, 0, 0, 0); /* between VALUE and RMEM */
	call();
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_BAD_PARAMETERS);
	ASSERT_FINDING("optee.param-type-unknown");
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, PTA_CMD_GET_DEVICES, 1);
	param(0, 0x101, 0, 0, 0);
	call();
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_BAD_PARAMETERS);
	ASSERT_FINDING("optee.param-meta-misplaced");
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, PTA_CMD_GET_DEVICES, 5);
	call();
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_BAD_PARAMETERS);
	ASSERT_FINDING("optee.too-many-params");
}
END_TEST

START_TEST(arguments_out_of_place_are_ebadaddr)
{
	exchange_caps();
	msg(OPTEE_MSG_CMD_CANCEL, 0, 0, 7);
	ck_assert_uint_eq(call(), OPTEE_SMC_RETURN_EBADADDR);
	ASSERT_FINDING("optee.arg-too-many-params");
	ck_assert_uint_eq(get32(at(ARG + 20, 4)), 0x5a5a5a5a); /* untouched */
	/* Not page aligned (no reserved pool). */
	ck_assert_uint_eq(smc6(OPTEE_SMC_CALL_WITH_ARG, 0, ARG + 8, 0, 0, 0)
				  .out.x[0],
			  OPTEE_SMC_RETURN_EBADADDR);
	ASSERT_FINDING("optee.arg-bad-address");
	/* Not RAM; and the upper half of a1 counts. */
	ck_assert_uint_eq(smc6(OPTEE_SMC_CALL_WITH_ARG, 1, ARG, 0, 0, 0)
				  .out.x[0],
			  OPTEE_SMC_RETURN_EBADADDR);
	ck_assert_uint_eq(smc6(OPTEE_SMC_CALL_WITH_ARG, 0,
			       RAM_BASE + RAM_SIZE, 0, 0, 0)
				  .out.x[0],
			  OPTEE_SMC_RETURN_EBADADDR);
}
END_TEST

START_TEST(unknown_commands_are_ebadcmd)
{
	exchange_caps();
	msg(9, 0, 0, 0);
	ck_assert_uint_eq(call(), OPTEE_SMC_RETURN_EBADCMD);
	msg(OPTEE_MSG_CMD_DO_BOTTOM_HALF, 0, 0, 0);
	ck_assert_uint_eq(call(), OPTEE_SMC_RETURN_EBADCMD);
	ASSERT_FINDING("optee.unknown-command");
	ck_assert_str_eq(optee_cmd_name(OPTEE_MSG_CMD_STOP_ASYNC_NOTIF),
			 "STOP_ASYNC_NOTIF");
}
END_TEST

START_TEST(register_shm_without_dynamic_shm_is_ebadcmd)
{
	cfg.sec_caps = OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM;
	cfg.reserved_shm_addr = SHM;
	cfg.reserved_shm_size = 0x4000;
	restart();
	exchange_caps();
	msg(OPTEE_MSG_CMD_REGISTER_SHM, 0, 0, 1);
	param(0, 0x20a, LIST, 16, COOKIE);
	ck_assert_uint_eq(call(), OPTEE_SMC_RETURN_EBADCMD);
	ASSERT_FINDING("optee.unknown-command");
}
END_TEST

START_TEST(a_call_before_exchange_capabilities_is_found_once)
{
	open_session(enum_uuid);
	open_session(enum_uuid);
	ASSERT_FINDING("optee.call-before-capabilities");
	ck_assert_uint_eq(findings.count, 1);
}
END_TEST

START_TEST(regd_arg_finds_the_message_in_registered_memory)
{
	uint64_t arg_pa = ARG_PAGE + 0x100;
	struct smc_call c;

	exchange_caps();
	register_buf(COOKIE, ARG_PAGE, 0x1000);
	msg_at(arg_pa, OPTEE_MSG_CMD_OPEN_SESSION, 0, 0, 2);
	param_at(arg_pa, 0, 0x101, 0, 0, 0);
	memcpy(at(arg_pa + 40, 16), enum_uuid, 16);
	param_at(arg_pa, 1, 0x101, 0, 0, 0);
	c = smc6(OPTEE_SMC_CALL_WITH_REGD_ARG, COOKIE >> 32,
		 COOKIE & 0xffffffff, 0x100, 0, 0);
	ck_assert_uint_eq(c.out.x[0], OPTEE_SMC_RETURN_OK);
	ck_assert_uint_eq(get32(at(arg_pa + 20, 4)), TEEC_SUCCESS);
	ck_assert_uint_ne(get32(at(arg_pa + 8, 4)), 0);
	/* Unknown cookie; an offset leaving no room for the RPC arg. */
	c = smc6(OPTEE_SMC_CALL_WITH_REGD_ARG, 0, 0x1000, 0, 0, 0);
	ck_assert_uint_eq(c.out.x[0], OPTEE_SMC_RETURN_EBADADDR);
	ASSERT_FINDING("optee.regd-arg-not-registered");
	c = smc6(OPTEE_SMC_CALL_WITH_REGD_ARG, COOKIE >> 32,
		 COOKIE & 0xffffffff, 0x1000 - 64, 0, 0);
	ck_assert_uint_eq(c.out.x[0], OPTEE_SMC_RETURN_EBADADDR);
	ASSERT_FINDING("optee.arg-bad-address");
}
END_TEST

START_TEST(rpc_arg_calls_need_the_capability)
{
	struct smc_call c;

	cfg.sec_caps = OPTEE_SMC_SEC_CAP_DYNAMIC_SHM;
	restart();
	exchange_caps();
	msg(OPTEE_MSG_CMD_OPEN_SESSION, 0, 0, 2);
	param(0, 0x101, 0, 0, 0);
	memcpy(at(ARG + 40, 16), enum_uuid, 16);
	param(1, 0x101, 0, 0, 0);
	c = smc6(OPTEE_SMC_CALL_WITH_RPC_ARG, 0, ARG, 0, 0, 0);
	ck_assert_uint_eq(c.out.x[0], OPTEE_SMC_RETURN_OK);
	ck_assert_uint_eq(msg_ret(), TEEC_SUCCESS);
	ASSERT_FINDING("optee.rpc-arg-not-advertised");
}
END_TEST

/* --- StMM end to end ---------------------------------------------------- */

static const uint8_t five[5] = {1, 2, 3, 4, 5};

START_TEST(a_variable_set_through_optee_is_read_through_ffa)
{
	uint64_t len, mm_ret = 1;
	uint8_t *p;

	exchange_caps();
	len = access_request(SHM + 0x18, MM_VAR_FN_SET_VARIABLE, "Foo", 5,
			     NV_BS_RT, five);
	ck_assert_uint_eq(uboot_communicate(SHM + 0x18, len, &mm_ret),
			  TEEC_SUCCESS);
	ck_assert_uint_eq(mm_ret, 0);
	ck_assert_uint_eq(mm_status(SHM + 0x18), EFI_SUCCESS);
	access_request(FFA_BUF, MM_VAR_FN_GET_VARIABLE, "Foo", 16, 0, NULL);
	ck_assert_int_eq(doorbell(), MM_RET_SUCCESS);
	ck_assert_uint_eq(mm_status(FFA_BUF), EFI_SUCCESS);
	p = at(FFA_BUF + 40, 64);
	ck_assert_uint_eq(get64(p + 16), 5);
	ck_assert_uint_eq(get32(p + 32), NV_BS_RT);
	ck_assert_mem_eq(p + 36 + 8, five, 5);
	ck_assert_uint_eq(optee_audit_released(op, "end of run"), 0);
	ASSERT_NO_FINDINGS();
}
END_TEST

START_TEST(a_variable_set_through_ffa_is_read_through_optee)
{
	uint64_t len, mm_ret = 1;
	uint64_t pages[5] = {SHM_FAR + 0x3000, SHM_FAR, SHM_FAR + 0x1000};
	uint8_t bytes[200];
	uint32_t s;

	exchange_caps();
	access_request(FFA_BUF, MM_VAR_FN_SET_VARIABLE, "Bar", 5, NV_BS_RT,
		       five);
	ck_assert_int_eq(doorbell(), MM_RET_SUCCESS);
	ck_assert_uint_eq(mm_status(FFA_BUF), EFI_SUCCESS);
	/*
	 * Linux tee_stmm_efi: one session, REGISTER_SHM of the buffer from
	 * pages that are not contiguous (the request straddles two).
	 */
	s = open_session(stmm_uuid);
	len = access_request(SHM, MM_VAR_FN_GET_VARIABLE, "Bar", 16, 0,
			     NULL);
	ck_assert_uint_gt(len, 0x40);
	memcpy(bytes, at(SHM, len), (size_t)len);
	memcpy(at(SHM_FAR + 0x3000 + 0xfc0, 0x40), bytes, 0x40);
	memcpy(at(SHM_FAR, len - 0x40), bytes + 0x40, (size_t)(len - 0x40));
	ck_assert_uint_eq(register_pages(COOKIE, pages, 2, 0xfc0, len),
			  TEEC_SUCCESS);
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, PTA_STMM_CMD_COMMUNICATE, 4);
	param(0, OPTEE_MSG_ATTR_TYPE_RMEM_INOUT, 0, len, COOKIE);
	param(1, OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0, 0, 0);
	ck_assert_uint_eq(call(), OPTEE_SMC_RETURN_OK);
	ck_assert_uint_eq(msg_ret(), TEEC_SUCCESS);
	mm_ret = param_u(1, 0);
	ck_assert_uint_eq(mm_ret, 0);
	/* Reassemble the reply from the two pages. */
	memcpy(bytes, at(SHM_FAR + 0x3000 + 0xfc0, 0x40), 0x40);
	memcpy(bytes + 0x40, at(SHM_FAR, len - 0x40), (size_t)(len - 0x40));
	ck_assert_uint_eq(get64(bytes + 32), EFI_SUCCESS);
	ck_assert_uint_eq(get64(bytes + 40 + 16), 5);
	ck_assert_mem_eq(bytes + 40 + 36 + 8, five, 5);
	ck_assert_uint_eq(unregister(COOKIE), TEEC_SUCCESS);
	ck_assert_uint_eq(optee_audit_released(op, "end of run"), 1);
	ASSERT_FINDING("optee.session-left-open");
}
END_TEST

START_TEST(payload_size_over_optee_counts_from_the_16k_buffer)
{
	uint64_t len = payload_size_request(SHM), mm_ret = 1;

	exchange_caps();
	ck_assert_uint_eq(uboot_communicate(SHM, len, &mm_ret), TEEC_SUCCESS);
	ck_assert_uint_eq(mm_status(SHM), EFI_SUCCESS);
	/* tee_stmm_efi needs >= 72 and <= 16346: 16384 - 24 - 16 - 36. */
	ck_assert_uint_eq(get64(at(SHM + 40, 8)), 16384 - 76);
}
END_TEST

START_TEST(stmm_rejects_what_stmm_sp_rejects)
{
	uint32_t s;
	uint64_t mm_ret;

	exchange_caps();
	s = open_session(stmm_uuid);
	register_buf(COOKIE, SHM, 0x1000);
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, 1, 2);
	param(0, OPTEE_MSG_ATTR_TYPE_RMEM_INOUT, 0, 64, COOKIE);
	param(1, OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0, 0, 0);
	call();
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_BAD_PARAMETERS);
	ck_assert_uint_eq(msg_origin(), TEEC_ORIGIN_TRUSTED_APP);
	ASSERT_FINDING("optee.stmm-unknown-command");
	/* Wrong types: the value first. */
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, 0, 2);
	param(0, OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0, 0, 0);
	param(1, OPTEE_MSG_ATTR_TYPE_RMEM_INOUT, 0, 64, COOKIE);
	call();
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_BAD_PARAMETERS);
	ASSERT_FINDING("optee.pta-param-types");
	/* NULL buffer. */
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, 0, 2);
	param(0, OPTEE_MSG_ATTR_TYPE_TMEM_INOUT, 0, 0, 0);
	param(1, OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0, 0, 0);
	call();
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_BAD_PARAMETERS);
	ASSERT_FINDING("optee.stmm-null-buffer");
	/* Larger than 16 KiB: EXCESS_DATA and the size it takes. */
	ck_assert_uint_eq(unregister(COOKIE), TEEC_SUCCESS);
	register_buf(COOKIE, SHM_FAR, 0x5000);
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, 0, 2);
	param(0, OPTEE_MSG_ATTR_TYPE_RMEM_INOUT, 0, 0x5000, COOKIE);
	param(1, OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0, 0, 0);
	call();
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_EXCESS_DATA);
	ck_assert_uint_eq(param_u(0, 1), 16384);
	ASSERT_FINDING("optee.stmm-buffer-too-large");
	/* A malformed MM message: the MM code comes back as a u32. */
	memset(at(SHM_FAR, 64), 0, 64);
	memcpy(at(SHM_FAR, 16), &variable_guid, 16);
	put64(at(SHM_FAR + 16, 8), 8); /* MessageLength < 16 */
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, 0, 2);
	param(0, OPTEE_MSG_ATTR_TYPE_RMEM_INOUT, 0, 64, COOKIE);
	param(1, OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT, 0, 0, 0);
	call();
	ck_assert_uint_eq(msg_ret(), TEEC_SUCCESS);
	mm_ret = param_u(1, 0);
	ck_assert_uint_eq(mm_ret, (uint32_t)MM_RET_DENIED);
	ASSERT_FINDING("mm.message-too-short");
}
END_TEST

START_TEST(without_an_mm_partition_there_is_no_stmm)
{
	optee_free(op);
	op = optee_new(&cfg, &ram.mem, &findings, &inj, NULL);
	exchange_caps();
	ck_assert_uint_eq(open_session_login(stmm_uuid, 0),
			  TEEC_ERROR_ITEM_NOT_FOUND);
}
END_TEST

/* --- Fault injection ---------------------------------------------------- */

static void add_rule(struct inject_rule r)
{
	ck_assert(inject_add(&inj, &r));
}

START_TEST(an_injected_teec_error_hits_the_chosen_mm_function)
{
	uint64_t len, mm_ret = 1;
	struct varstore_entry_view v;
	static const uint16_t foo[4] = {'F', 'o', 'o', 0};

	add_rule((struct inject_rule){.kind = INJECT_KIND_TEEC_ERROR,
				      .code = TEEC_ERROR_BUSY,
				      .has_mm_function = true,
				      .mm_function = MM_VAR_FN_SET_VARIABLE,
				      .remaining = 1});
	exchange_caps();
	len = access_request(SHM, MM_VAR_FN_GET_VARIABLE, "Foo", 8, 0, NULL);
	ck_assert_uint_eq(uboot_communicate(SHM, len, &mm_ret), TEEC_SUCCESS);
	len = access_request(SHM, MM_VAR_FN_SET_VARIABLE, "Foo", 5, NV_BS_RT,
			     five);
	ck_assert_uint_eq(uboot_communicate(SHM, len, &mm_ret),
			  TEEC_ERROR_BUSY);
	ck_assert(!varstore_lookup(store, foo, sizeof(foo), &vendor, &v));
	ck_assert_uint_eq(uboot_communicate(SHM, len, &mm_ret), TEEC_SUCCESS);
	ck_assert(varstore_lookup(store, foo, sizeof(foo), &vendor, &v));
	ASSERT_NO_FINDINGS();
}
END_TEST

START_TEST(an_injected_teec_error_on_a_command)
{
	add_rule((struct inject_rule){.kind = INJECT_KIND_TEEC_ERROR,
				      .code = TEEC_ERROR_OUT_OF_MEMORY,
				      .has_optee_cmd = true,
				      .optee_cmd = OPTEE_MSG_CMD_REGISTER_SHM,
				      .every = true});
	exchange_caps();
	ck_assert_uint_eq(register_pages(COOKIE, (uint64_t[]){SHM}, 1, 0, 16),
			  TEEC_ERROR_OUT_OF_MEMORY);
	ck_assert_uint_eq(optee_shm_count(op), 0);
	open_session(enum_uuid); /* other commands unaffected */
}
END_TEST

START_TEST(an_injected_smc_error_answers_instead)
{
	add_rule((struct inject_rule){.kind = INJECT_KIND_OPTEE_SMC,
				      .code = OPTEE_SMC_RETURN_ENOMEM,
				      .remaining = 1});
	exchange_caps();
	msg(OPTEE_MSG_CMD_OPEN_SESSION, 0, 0, 2);
	ck_assert_uint_eq(call(), OPTEE_SMC_RETURN_ENOMEM);
	ck_assert_uint_eq(msg_ret(), 0x5a5a5a5a);
	open_session(enum_uuid);
}
END_TEST

START_TEST(an_injected_foreign_interrupt_resumes_with_the_token)
{
	struct smc_call c;
	uint64_t token;

	add_rule((struct inject_rule){.kind = INJECT_KIND_OPTEE_RPC,
				      .code = OPTEE_SMC_RETURN_RPC_FOREIGN_INTR,
				      .remaining = 1});
	exchange_caps();
	msg(OPTEE_MSG_CMD_OPEN_SESSION, 0, 0, 2);
	param(0, 0x101, 0, 0, 0);
	memcpy(at(ARG + 40, 16), enum_uuid, 16);
	param(1, 0x101, 0, 0, 0);
	c = smc6(OPTEE_SMC_CALL_WITH_ARG, 0, ARG, 0, 0, 0);
	ck_assert_uint_eq(c.out.x[0], OPTEE_SMC_RETURN_RPC_FOREIGN_INTR);
	ck_assert(optee_smc_return_is_rpc(c.out.x[0]));
	ck_assert(optee_rpc_pending(op));
	ck_assert_uint_eq(msg_ret(), 0x5a5a5a5a); /* not served yet */
	token = c.out.x[3];
	/* Wrong token: ERESUME, still pending. */
	c = smc6(OPTEE_SMC_RETURN_FROM_RPC, 0, 0, token + 1, 0, 0);
	ck_assert_uint_eq(c.out.x[0], OPTEE_SMC_RETURN_ERESUME);
	ASSERT_FINDING("optee.rpc-resume-wrong-thread");
	c = smc6(OPTEE_SMC_RETURN_FROM_RPC, 0, 0, token, 0, 0);
	ck_assert_uint_eq(c.out.x[0], OPTEE_SMC_RETURN_OK);
	ck_assert_uint_eq(msg_ret(), TEEC_SUCCESS);
	ck_assert(!optee_rpc_pending(op));
	c = smc6(OPTEE_SMC_RETURN_FROM_RPC, 0, 0, token, 0, 0);
	ck_assert_uint_eq(c.out.x[0], OPTEE_SMC_RETURN_ERESUME);
	ASSERT_FINDING("optee.rpc-resume-without-rpc");
}
END_TEST

START_TEST(an_injected_rpc_cmd_allocates_asks_and_frees)
{
	struct smc_call c;
	uint64_t token, rpc_cookie = UINT64_C(0x1122334455667788);
	uint8_t *rpc = at(RPC_BUF, 64);

	add_rule((struct inject_rule){.kind = INJECT_KIND_OPTEE_RPC,
				      .code = OPTEE_SMC_RETURN_RPC_CMD,
				      .remaining = 1});
	exchange_caps();
	msg(OPTEE_MSG_CMD_OPEN_SESSION, 0, 0, 2);
	param(0, 0x101, 0, 0, 0);
	memcpy(at(ARG + 40, 16), enum_uuid, 16);
	param(1, 0x101, 0, 0, 0);
	c = smc6(OPTEE_SMC_CALL_WITH_ARG, 0, ARG, 0, 0, 0);
	ck_assert_uint_eq(c.out.x[0], OPTEE_SMC_RETURN_RPC_ALLOC);
	ck_assert_uint_eq(c.out.x[1], optee_msg_arg_size(4));
	token = c.out.x[3];
	/* Linux: a1:a2 = PA, a4:a5 = cookie. */
	c = smc6(OPTEE_SMC_RETURN_FROM_RPC, 0, RPC_BUF, token,
		 rpc_cookie >> 32, rpc_cookie & 0xffffffff);
	ck_assert_uint_eq(c.out.x[0], OPTEE_SMC_RETURN_RPC_CMD);
	ck_assert_uint_eq(c.out.x[1], rpc_cookie >> 32);
	ck_assert_uint_eq(c.out.x[2], rpc_cookie & 0xffffffff);
	ck_assert_uint_eq(get32(rpc), OPTEE_RPC_CMD_GET_TIME);
	ck_assert_uint_eq(get32(rpc + 28), 1);
	ck_assert_uint_eq(get64(rpc + 32), OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT);
	put32(rpc + 20, TEEC_SUCCESS);
	c = smc6(OPTEE_SMC_RETURN_FROM_RPC, 0, 0, token, 0, 0);
	ck_assert_uint_eq(c.out.x[0], OPTEE_SMC_RETURN_RPC_FREE);
	ck_assert_uint_eq(c.out.x[2], rpc_cookie & 0xffffffff);
	c = smc6(OPTEE_SMC_RETURN_FROM_RPC, 0, 0, token, 0, 0);
	ck_assert_uint_eq(c.out.x[0], OPTEE_SMC_RETURN_OK);
	ck_assert_uint_eq(msg_ret(), TEEC_SUCCESS);
	ASSERT_NO_FINDINGS();
}
END_TEST

START_TEST(a_failed_rpc_alloc_ends_the_call_out_of_memory)
{
	struct smc_call c;

	add_rule((struct inject_rule){.kind = INJECT_KIND_OPTEE_RPC,
				      .code = OPTEE_SMC_RETURN_RPC_ALLOC,
				      .every = true});
	exchange_caps();
	msg(OPTEE_MSG_CMD_OPEN_SESSION, 0, 0, 2);
	c = smc6(OPTEE_SMC_CALL_WITH_ARG, 0, ARG, 0, 0, 0);
	ck_assert_uint_eq(c.out.x[0], OPTEE_SMC_RETURN_RPC_ALLOC);
	c = smc6(OPTEE_SMC_RETURN_FROM_RPC, 0, 0, c.out.x[3], 0, 0);
	ck_assert_uint_eq(c.out.x[0], OPTEE_SMC_RETURN_OK);
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_OUT_OF_MEMORY);
	ck_assert_uint_eq(msg_origin(), TEEC_ORIGIN_TEE);
	/* A misaligned buffer: found, freed, out of memory. */
	c = smc6(OPTEE_SMC_CALL_WITH_ARG, 0, ARG, 0, 0, 0);
	c = smc6(OPTEE_SMC_RETURN_FROM_RPC, 0, RPC_BUF + 4, c.out.x[3], 0, 9);
	ck_assert_uint_eq(c.out.x[0], OPTEE_SMC_RETURN_RPC_FREE);
	ck_assert_uint_eq(c.out.x[2], 9);
	ASSERT_FINDING("optee.rpc-alloc-bad-buffer");
	c = smc6(OPTEE_SMC_RETURN_FROM_RPC, 0, 0, c.out.x[3], 0, 0);
	ck_assert_uint_eq(c.out.x[0], OPTEE_SMC_RETURN_OK);
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_OUT_OF_MEMORY);
}
END_TEST

START_TEST(an_rpc_cmd_uses_the_calls_own_rpc_argument)
{
	struct smc_call c;
	uint64_t rpc_at = ARG + optee_msg_arg_size(2);

	add_rule((struct inject_rule){.kind = INJECT_KIND_OPTEE_RPC,
				      .code = OPTEE_SMC_RETURN_RPC_CMD,
				      .remaining = 1});
	exchange_caps();
	msg(OPTEE_MSG_CMD_OPEN_SESSION, 0, 0, 2);
	param(0, 0x101, 0, 0, 0);
	memcpy(at(ARG + 40, 16), enum_uuid, 16);
	param(1, 0x101, 0, 0, 0);
	c = smc6(OPTEE_SMC_CALL_WITH_RPC_ARG, 0, ARG, 0, 0, 0);
	ck_assert_uint_eq(c.out.x[0], OPTEE_SMC_RETURN_RPC_CMD);
	ck_assert_uint_eq(get32(at(rpc_at, 4)), OPTEE_RPC_CMD_GET_TIME);
	c = smc6(OPTEE_SMC_RETURN_FROM_RPC, 0, 0, c.out.x[3], 0, 0);
	ck_assert_uint_eq(c.out.x[0], OPTEE_SMC_RETURN_OK);
	ck_assert_uint_eq(msg_ret(), TEEC_SUCCESS);
}
END_TEST

START_TEST(injected_truncation_shortens_the_output)
{
	uint32_t s;

	add_rule((struct inject_rule){.kind = INJECT_KIND_OPTEE_TRUNCATED,
				      .code = 4,
				      .remaining = 1});
	exchange_caps();
	s = open_session(enum_uuid);
	register_buf(COOKIE, SHM, 0x1000);
	memset(at(SHM, 16), 0xee, 16);
	msg(OPTEE_MSG_CMD_INVOKE_COMMAND, s, PTA_CMD_GET_DEVICES, 1);
	param(0, OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT, 0, 16, COOKIE);
	call();
	ck_assert_uint_eq(msg_ret(), TEEC_SUCCESS);
	ck_assert_uint_eq(param_u(0, 1), 4);
	ck_assert_mem_eq(at(SHM, 4), stmm_uuid, 4);
	ck_assert_uint_eq(*at(SHM + 4, 1), 0xee);
}
END_TEST

/* --- Plumbing: routing and the device tree ----------------------------- */

START_TEST(the_router_sends_yielding_trusted_os_calls_to_optee)
{
	struct trace trace;
	struct smc_router r;
	struct smccc_regs in, out;

	trace_init(&trace);
	memset(&r, 0, sizeof(r));
	r.trace = &trace;
	r.findings = &findings;
	memset(&in, 0, sizeof(in));
	in.x[0] = OPTEE_SMC_CALL_WITH_ARG;
	in.x[2] = ARG;
	msg(OPTEE_MSG_CMD_CANCEL, 1, 0, 0);
	smc_router_dispatch(&r, NULL, &in, 0, 0, 0, &out);
	ck_assert_uint_eq(out.x[0], (uint64_t)(int64_t)SMC_UNK);
	r.optee = op;
	in.x[0] = OPTEE_SMC_CALLS_UID;
	smc_router_dispatch(&r, NULL, &in, 0, 0, 0, &out);
	ck_assert_uint_eq(out.x[0], OPTEE_MSG_UID_0);
	in.x[0] = OPTEE_SMC_CALL_WITH_ARG;
	smc_router_dispatch(&r, NULL, &in, 0, 0, 0, &out);
	ck_assert_uint_eq(out.x[0], OPTEE_SMC_RETURN_OK);
	ck_assert_uint_eq(msg_ret(), TEEC_ERROR_BAD_PARAMETERS);
	ck_assert_str_eq(smc_function_name(OPTEE_SMC_CALL_WITH_REGD_ARG),
			 "OPTEE_SMC_CALL_WITH_REGD_ARG");
	trace_free(&trace);
}
END_TEST

START_TEST(optee_profiles_have_the_firmware_node)
{
	static union {
		uint8_t b[DEVTREE_MAX_SIZE];
		uint64_t align;
	} blob;
	struct devtree_options o = {0, 0, NULL};
	const char *names[] = {"qemu-virt-optee", "qemu-virt-ffa-optee",
			       "qemu-virt"};
	struct error err;
	size_t size;

	for (size_t i = 0; i < ARRAY_COUNT(names); i++) {
		const struct platform *p = platform_find(names[i]);
		int node;

		ck_assert_ptr_nonnull(p);
		error_clear(&err);
		ck_assert(devtree_build(p, &o, blob.b, &size, &err));
		node = fdt_path_offset(blob.b, "/firmware/optee");
		if (!p->optee) {
			ck_assert_int_lt(node, 0);
			continue;
		}
		ck_assert_int_ge(node, 0);
		ck_assert_str_eq(fdt_getprop(blob.b, node, "compatible", NULL),
				 "linaro,optee-tz");
		ck_assert_str_eq(fdt_getprop(blob.b, node, "method", NULL),
				 "smc");
	}
}
END_TEST

Suite *optee_suite(void);

Suite *optee_suite(void)
{
	Suite *s = suite_create("optee");
	TCase *tc;

	tc = tcase_create("fast calls");
	tcase_add_checked_fixture(tc, optee_setup, optee_teardown);
	tcase_add_test(tc, calls_uid_is_the_optee_api_uid_zero_extended);
	tcase_add_test(tc, revisions_and_os_uuid_are_what_the_probes_check);
	tcase_add_test(tc,
		       exchange_capabilities_advertises_dynamic_shm_and_rpc_arg);
	tcase_add_test(tc, exchange_capabilities_with_unknown_bits_is_enotavail);
	tcase_add_test(tc, shm_cache_calls_never_hang_linux);
	tcase_add_test(tc, get_shm_config_without_and_with_a_reserved_pool);
	tcase_add_test(tc,
		       unmodelled_and_unknown_functions_are_unknown_function);
	tcase_add_loop_test(tc, smc_table_row_is_consistent, 0,
			    (int)optee_abi_count());
	suite_add_tcase(s, tc);

	tc = tcase_create("sessions");
	tcase_add_checked_fixture(tc, optee_setup, optee_teardown);
	tcase_add_test(tc, open_and_close_sessions_to_both_pseudo_tas);
	tcase_add_test(tc, open_session_to_an_unknown_ta_is_item_not_found);
	tcase_add_test(tc, open_session_without_meta_params_is_bad_parameters);
	tcase_add_test(tc,
		       open_session_with_an_unknown_login_is_bad_parameters);
	tcase_add_test(tc, stmm_open_session_takes_no_parameters);
	tcase_add_test(tc, session_commands_on_a_closed_session);
	tcase_add_test(tc, cancel_and_close_take_no_parameters);
	tcase_add_test(tc, the_session_table_fills_when_sessions_are_not_closed);
	suite_add_tcase(s, tc);

	tc = tcase_create("released audit");
	tcase_add_checked_fixture(tc, optee_setup, optee_teardown);
	tcase_add_test(tc,
		       what_boot_left_is_found_when_exit_boot_services_returns);
	tcase_add_test(tc,
		       everything_released_at_exit_boot_services_is_no_finding);
	tcase_add_test(tc, the_end_of_the_run_spares_what_the_os_holds);
	tcase_add_test(tc,
		       without_a_lifecycle_the_end_of_the_run_names_everything);
	suite_add_tcase(s, tc);

	tc = tcase_create("device enumeration");
	tcase_add_checked_fixture(tc, optee_setup, optee_teardown);
	tcase_add_test(tc, linux_enumeration_finds_stmm_once);
	tcase_add_test(tc, stmm_can_be_listed_for_the_supplicant_instead);
	tcase_add_test(tc, uboot_null_rmem_is_taken_as_null_with_a_warning);
	tcase_add_test(tc, enumeration_errors_are_the_real_ptas);
	suite_add_tcase(s, tc);

	tc = tcase_create("shared memory");
	tcase_add_checked_fixture(tc, optee_setup, optee_teardown);
	tcase_add_test(tc, register_shm_wants_one_noncontig_tmem_output);
	tcase_add_test(tc, register_shm_checks_every_page_of_the_list);
	tcase_add_test(tc, a_page_list_spans_list_pages);
	tcase_add_test(tc, cookies_are_registered_once_and_unregistered_once);
	tcase_add_test(tc, registered_memrefs_must_be_registered_and_inside);
	tcase_add_test(tc, the_shm_table_fills_when_memory_is_not_unregistered);
	tcase_add_test(tc,
		       temporary_memrefs_need_a_page_list_or_the_reserved_pool);
	suite_add_tcase(s, tc);

	tc = tcase_create("messages");
	tcase_add_checked_fixture(tc, optee_setup, optee_teardown);
	tcase_add_test(tc, parameter_types_meta_and_count_are_checked);
	tcase_add_test(tc, arguments_out_of_place_are_ebadaddr);
	tcase_add_test(tc, unknown_commands_are_ebadcmd);
	tcase_add_test(tc, register_shm_without_dynamic_shm_is_ebadcmd);
	tcase_add_test(tc, a_call_before_exchange_capabilities_is_found_once);
	tcase_add_test(tc, regd_arg_finds_the_message_in_registered_memory);
	tcase_add_test(tc, rpc_arg_calls_need_the_capability);
	suite_add_tcase(s, tc);

	tc = tcase_create("stmm");
	tcase_add_checked_fixture(tc, optee_setup, optee_teardown);
	tcase_add_test(tc, a_variable_set_through_optee_is_read_through_ffa);
	tcase_add_test(tc, a_variable_set_through_ffa_is_read_through_optee);
	tcase_add_test(tc, payload_size_over_optee_counts_from_the_16k_buffer);
	tcase_add_test(tc, stmm_rejects_what_stmm_sp_rejects);
	tcase_add_test(tc, without_an_mm_partition_there_is_no_stmm);
	suite_add_tcase(s, tc);

	tc = tcase_create("injection");
	tcase_add_checked_fixture(tc, optee_setup, optee_teardown);
	tcase_add_test(tc, an_injected_teec_error_hits_the_chosen_mm_function);
	tcase_add_test(tc, an_injected_teec_error_on_a_command);
	tcase_add_test(tc, an_injected_smc_error_answers_instead);
	tcase_add_test(tc, an_injected_foreign_interrupt_resumes_with_the_token);
	tcase_add_test(tc, an_injected_rpc_cmd_allocates_asks_and_frees);
	tcase_add_test(tc, a_failed_rpc_alloc_ends_the_call_out_of_memory);
	tcase_add_test(tc, an_rpc_cmd_uses_the_calls_own_rpc_argument);
	tcase_add_test(tc, injected_truncation_shortens_the_output);
	suite_add_tcase(s, tc);

	tc = tcase_create("plumbing");
	tcase_add_checked_fixture(tc, optee_setup, optee_teardown);
	tcase_add_test(tc, the_router_sends_yielding_trusted_os_calls_to_optee);
	tcase_add_test(tc, optee_profiles_have_the_firmware_node);
	suite_add_tcase(s, tc);
	return s;
}
