/*
 * Unit tests of models/spmc.c: every FF-A ABI row against FF-A v1.2
 * (DEN0077A) as TF-A spmc_main.c, OP-TEE thread_spmc.c and U-Boot
 * drivers/firmware/arm-ffa/arm-ffa-uclass.c implement it: return shapes
 * with exact register values, each documented error with its finding, the
 * RX/TX ownership rules and the table's own consistency.
 *
 * The SPMC is driven with hand-built `struct smc_call`s (in = registers,
 * out = copy of in, no trace event) over a flat fake RAM.  Direct requests
 * go to SP_MODEL_ECHO partitions; the MM model is tested elsewhere.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "abi/ffa.h"
#include "abi/smccc.h"
#include "common/finding.h"
#include "common/text.h"
#include "models/smc_call.h"
#include "models/spmc.h"
#include "tests/fake_guest_mem.h"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define RAM_BASE UINT64_C(0x40000000)
#define RAM_SIZE UINT64_C(0x100000)
#define TX (RAM_BASE + 0x10000)
#define RX (RAM_BASE + 0x20000)
#define MM_ID 0x8003

#define V10 FFA_VERSION_1_0
#define V11 FFA_VERSION_1_1
#define V12 FFA_VERSION_1_2

/* Check fixture state: the only file-scope mutable state (STYLE C1). */
static struct fake_guest_mem ram;
static struct findings findings;
static struct spmc_config cfg;
static struct spmc spmc;

/* The default configuration with the MM partition answered by ECHO. */
static void echo_config(struct spmc_config *c)
{
	spmc_config_default(c);
	c->partitions[0].model = SP_MODEL_ECHO;
}

static void spmc_setup(void)
{
	findings_init(&findings);
	fake_guest_mem_init(&ram, RAM_BASE, RAM_SIZE);
	echo_config(&cfg);
	spmc_init(&spmc, &cfg, &ram.mem, &findings, NULL);
}

static void spmc_teardown(void)
{
	spmc_free(&spmc);
	fake_guest_mem_free(&ram);
	findings_free(&findings);
}

/* Replaces the fixture's SPMC by a fresh one with cfg. */
static void use_config(void)
{
	spmc_free(&spmc);
	spmc_init(&spmc, &cfg, &ram.mem, &findings, NULL);
}

/* Adds an ECHO partition to cfg (call use_config() afterwards). */
static void add_partition(uint16_t id, uint32_t w0, uint32_t properties)
{
	struct spmc_partition_config *p =
		&cfg.partitions[cfg.partition_count++];

	memset(p, 0, sizeof(*p));
	p->id = id;
	p->uuid = (struct ffa_uuid){{w0, 0x11111111, 0x22222222, 0x33333333}};
	p->properties = properties;
	p->exec_ctx_count = 1;
	p->model = SP_MODEL_ECHO;
}

static struct smc_call run(struct smccc_regs in)
{
	struct smc_call c;

	memset(&c, 0, sizeof(c));
	c.in = in;
	c.out = in;
	c.event = NULL;
	c.action = SMC_ACTION_RETURN;
	spmc_handle(&spmc, &c);
	return c;
}

/* One SMC with x0, x1, ... as listed and every other register zero. */
#define FFA(...) run((struct smccc_regs){.x = {__VA_ARGS__}})

#define ASSERT_FFA_ERROR(c, code)                                       \
	do {                                                            \
		ck_assert_uint_eq((c).out.x[0], FFA_ERROR);             \
		ck_assert_uint_eq((c).out.x[1], 0);                     \
		ck_assert_int_eq((int32_t)(c).out.x[2], (code));        \
		ck_assert_int_ne((c).disposition, SMC_DISP_OK);         \
	} while (0)

#define ASSERT_SUCCESS_32(c)                                     \
	do {                                                     \
		ck_assert_uint_eq((c).out.x[0], FFA_SUCCESS_32); \
		ck_assert_int_eq((c).disposition, SMC_DISP_OK);  \
	} while (0)

#define ASSERT_FINDING(code, k)                                          \
	do {                                                             \
		const struct finding *f_ = findings_find(&findings, code); \
		ck_assert_msg(f_ != NULL, "no finding %s", code);        \
		ck_assert_int_eq(f_->kind, (k));                         \
	} while (0)

#define ASSERT_NO_FINDING(code) \
	ck_assert_ptr_null(findings_find(&findings, code))

/* FFA_VERSION(v); asserts the SPMC's version comes back in w0. */
static void negotiate(uint32_t v)
{
	struct smc_call c = FFA(FFA_VERSION, v);

	ck_assert_uint_eq(c.out.x[0], cfg.max_version);
}

static void map_rxtx(void)
{
	struct smc_call c = FFA(FFA_RXTX_MAP_64, TX, RX, 1);

	ASSERT_SUCCESS_32(c);
}

static size_t abi_index(uint32_t fid)
{
	for (size_t i = 0; i < spmc_abi_count(); i++) {
		if (spmc_abi_fid(i) == fid) {
			return i;
		}
	}
	ck_abort_msg("0x%08x is not in the ABI table", fid);
	return 0;
}

/* ABIs only the secure world may call (reference 2.1, 2.4; pKVM, TF-A). */
static const uint32_t secure_only[] = {
	FFA_ERROR,
	FFA_SUCCESS_32,
	FFA_SUCCESS_64,
	FFA_INTERRUPT,
	FFA_MSG_WAIT,
	FFA_YIELD,
	FFA_MSG_SEND_DIRECT_RESP_32,
	FFA_MSG_SEND_DIRECT_RESP_64,
	FFA_MEM_RETRIEVE_RESP,
	FFA_NORMAL_WORLD_RESUME,
	FFA_SECONDARY_EP_REGISTER_32,
	FFA_SECONDARY_EP_REGISTER_64,
	FFA_MEM_PERM_GET_32,
	FFA_MEM_PERM_GET_64,
	FFA_MEM_PERM_SET_32,
	FFA_MEM_PERM_SET_64,
	FFA_CONSOLE_LOG_32,
	FFA_CONSOLE_LOG_64,
	FFA_EL3_INTR_HANDLE,
	FFA_MSG_SEND_DIRECT_RESP2,
};

/* Normal-world ABIs the model recognises but does not implement. */
static const uint32_t unimplemented[] = {
	FFA_MSG_POLL,
	FFA_RUN,
	FFA_MSG_SEND,
	FFA_MEM_OP_PAUSE,
	FFA_MEM_OP_RESUME,
	FFA_RX_ACQUIRE,
	FFA_MSG_SEND2,
};

static bool listed(const uint32_t *list, size_t n, uint32_t fid)
{
	for (size_t i = 0; i < n; i++) {
		if (list[i] == fid) {
			return true;
		}
	}
	return false;
}

/* --- FFA_VERSION ------------------------------------------------------- */

START_TEST(version_returns_own_version_in_w0_not_wrapped_in_success)
{
	struct smc_call c = FFA(FFA_VERSION, V10);

	ck_assert_uint_eq(c.out.x[0], V12);
	for (size_t i = 1; i < 8; i++) {
		ck_assert_uint_eq(c.out.x[i], 0);
	}
	ck_assert_int_eq(c.disposition, SMC_DISP_OK);
	ck_assert_str_eq(c.name, "FFA_VERSION");
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(version_with_bit31_set_is_not_supported_with_finding)
{
	struct smc_call c = FFA(FFA_VERSION, FFA_VERSION_MBZ | V10);

	ck_assert_uint_eq((uint32_t)c.out.x[0], 0xffffffffu);
	ck_assert_int_eq(c.disposition, SMC_DISP_ERROR);
	ASSERT_FINDING("ffa.version-mbz", FINDING_FIRMWARE);
}
END_TEST

START_TEST(version_with_other_major_is_not_supported_without_finding)
{
	struct smc_call c = FFA(FFA_VERSION, FFA_VERSION_MAKE(2, 0));

	ck_assert_uint_eq((uint32_t)c.out.x[0], 0xffffffffu);
	ck_assert_int_eq(c.disposition, SMC_DISP_ERROR);
	ck_assert_uint_eq(findings_count_kind(&findings, FINDING_FIRMWARE), 0);
}
END_TEST

START_TEST(version_with_newer_minor_than_ours_is_not_supported)
{
	struct smc_call c;

	cfg.max_version = V11;
	use_config();
	c = FFA(FFA_VERSION, V12);
	ck_assert_uint_eq((uint32_t)c.out.x[0], 0xffffffffu);
	/* A compatible request still works afterwards. */
	negotiate(V10);
}
END_TEST

START_TEST(version_renegotiation_after_another_call_is_not_supported)
{
	struct smc_call c;

	negotiate(V10);
	c = FFA(FFA_ID_GET);
	ASSERT_SUCCESS_32(c);
	c = FFA(FFA_VERSION, V11);
	ck_assert_uint_eq((uint32_t)c.out.x[0], 0xffffffffu);
	ck_assert_int_eq(c.disposition, SMC_DISP_ERROR);
	ASSERT_FINDING("ffa.version-changed-after-negotiation",
		       FINDING_FIRMWARE);
}
END_TEST

START_TEST(same_version_again_after_negotiation_is_accepted)
{
	struct smc_call c;

	negotiate(V10);
	c = FFA(FFA_ID_GET);
	ASSERT_SUCCESS_32(c);
	c = FFA(FFA_VERSION, V10);
	ck_assert_uint_eq(c.out.x[0], V12);
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(version_may_change_until_another_call_is_made)
{
	struct smc_call c;

	negotiate(V10);
	negotiate(V12);
	c = FFA(FFA_FEATURES, FFA_RXTX_MAP_64);
	ASSERT_SUCCESS_32(c);
	/* The v1.2 shape: maximum pages in bits 31:16. */
	ck_assert_uint_eq(c.out.x[2], 63u << 16);
}
END_TEST

START_TEST(version_ignores_upper_half_of_x1)
{
	struct smc_call c =
		FFA(FFA_VERSION, UINT64_C(0xdead000000000000) | V10);

	ck_assert_uint_eq(c.out.x[0], V12);
	c = FFA(FFA_FEATURES, FFA_RXTX_MAP_64);
	ck_assert_uint_eq(c.out.x[2], 0); /* negotiated v1.0 */
}
END_TEST

START_TEST(version_with_nonzero_mbz_register_answers_not_supported_in_w0)
{
	/* FFA_VERSION has no FFA_ERROR form (reference 2.4). */
	struct smc_call c = FFA(FFA_VERSION, V10, 1);

	ck_assert_uint_eq((uint32_t)c.out.x[0], 0xffffffffu);
	ck_assert_int_eq(c.disposition, SMC_DISP_ERROR);
	ASSERT_FINDING("ffa.mbz-not-zero", FINDING_FIRMWARE);
}
END_TEST

/* --- The version gate ------------------------------------------------- */

START_TEST(id_get_before_version_is_invalid_parameters_with_finding)
{
	struct smc_call c = FFA(FFA_ID_GET);

	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ck_assert_int_eq(c.disposition, SMC_DISP_ERROR);
	ASSERT_FINDING("ffa.call-before-version", FINDING_FIRMWARE);
	/* The window to negotiate is still open. */
	negotiate(V10);
	c = FFA(FFA_ID_GET);
	ASSERT_SUCCESS_32(c);
}
END_TEST

/* Every normal-world row other than FFA_VERSION, before FFA_VERSION. */
START_TEST(any_call_before_version_is_invalid_parameters)
{
	uint32_t fid = spmc_abi_fid((size_t)_i);
	struct smc_call c;

	if (fid == FFA_VERSION) {
		fid = FFA_ID_GET; /* VERSION itself opens the window */
	}
	c = FFA(fid);
	if (listed(secure_only, ARRAY_COUNT(secure_only), fid)) {
		/* Secure-only rows are refused before the version gate. */
		ASSERT_FINDING("ffa.secure-only-abi", FINDING_FIRMWARE);
		ASSERT_FFA_ERROR(c, FFA_RET_NOT_SUPPORTED);
		return;
	}
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.call-before-version", FINDING_FIRMWARE);
}
END_TEST

/* --- FFA_ID_GET, FFA_SPM_ID_GET ------------------------------------------ */

START_TEST(id_get_returns_success32_with_caller_id_in_w2)
{
	struct smc_call c;

	cfg.nwd_id = 0x0042;
	use_config();
	negotiate(V10);
	c = FFA(FFA_ID_GET);
	ASSERT_SUCCESS_32(c);
	ck_assert_uint_eq(c.out.x[1], 0);
	ck_assert_uint_eq(c.out.x[2], 0x0042);
	ck_assert_uint_eq(c.out.x[3], 0);
	ck_assert_str_eq(c.name, "FFA_ID_GET");
}
END_TEST

START_TEST(id_get_counts_its_calls_in_the_abi_table)
{
	size_t i = abi_index(FFA_ID_GET);

	negotiate(V10);
	FFA(FFA_ID_GET);
	FFA(FFA_ID_GET);
	ck_assert_uint_eq(spmc_abi_calls(&spmc, i), 2);
	ck_assert_uint_eq(spmc_abi_calls(&spmc, abi_index(FFA_VERSION)), 1);
}
END_TEST

START_TEST(spm_id_get_at_v1_1_returns_the_spmc_id)
{
	struct smc_call c;

	negotiate(V11);
	c = FFA(FFA_SPM_ID_GET);
	ASSERT_SUCCESS_32(c);
	ck_assert_uint_eq(c.out.x[2], FFA_SPMC_ID);
}
END_TEST

START_TEST(spm_id_get_at_v1_0_is_newer_than_negotiated)
{
	struct smc_call c;

	negotiate(V10);
	c = FFA(FFA_SPM_ID_GET);
	ASSERT_FFA_ERROR(c, FFA_RET_NOT_SUPPORTED);
	ck_assert_int_eq(c.disposition, SMC_DISP_ERROR);
	ASSERT_FINDING("ffa.abi-newer-than-negotiated", FINDING_FIRMWARE);
}
END_TEST

START_TEST(unimplemented_v1_1_abi_at_v1_0_is_newer_than_negotiated)
{
	struct smc_call c;

	negotiate(V10);
	c = FFA(FFA_NOTIFICATION_BIND);
	ASSERT_FFA_ERROR(c, FFA_RET_NOT_SUPPORTED);
	ASSERT_FINDING("ffa.abi-newer-than-negotiated", FINDING_FIRMWARE);
	ck_assert_uint_eq(findings_count_kind(&findings, FINDING_UNIMPLEMENTED),
			  0);
}
END_TEST

/* --- Must-be-zero registers and SMC32 upper halves ---------------------- */

static const struct {
	uint32_t fid;
	unsigned reg;
} mbz_cases[] = {
	{FFA_ID_GET, 1},
	{FFA_ID_GET, 7},
	{FFA_FEATURES, 3},
	{FFA_RX_RELEASE, 1},
	{FFA_RXTX_MAP_64, 4},
	{FFA_RXTX_MAP_32, 7},
	{FFA_RXTX_UNMAP, 2},
	{FFA_PARTITION_INFO_GET, 6},
	{FFA_SPM_ID_GET, 1},
	{FFA_PARTITION_INFO_GET_REGS, 4},
};

START_TEST(nonzero_mbz_register_is_invalid_parameters)
{
	struct smccc_regs in = {.x = {mbz_cases[_i].fid}};
	struct smc_call c;

	negotiate(V12);
	in.x[mbz_cases[_i].reg] = 1;
	c = run(in);
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mbz-not-zero", FINDING_FIRMWARE);
}
END_TEST

START_TEST(smc32_mbz_check_ignores_upper_halves)
{
	struct smc_call c;

	negotiate(V10);
	c = FFA(FFA_ID_GET, UINT64_C(0xffffffff00000000),
		UINT64_C(0x1234567800000000));
	ASSERT_SUCCESS_32(c);
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(smc64_mbz_check_sees_upper_halves)
{
	struct smc_call c;

	negotiate(V12);
	c = FFA(FFA_PARTITION_INFO_GET_REGS, 0, 0, 0,
		UINT64_C(0x100000000));
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mbz-not-zero", FINDING_FIRMWARE);
}
END_TEST

START_TEST(smc32_call_preserves_x8_to_x17)
{
	struct smccc_regs in = {.x = {FFA_ID_GET}};
	struct smc_call c;

	negotiate(V10);
	for (size_t i = 8; i < SMCCC_REG_COUNT; i++) {
		in.x[i] = 0x1000 + i;
	}
	c = run(in);
	ASSERT_SUCCESS_32(c);
	/* SMCCC 1.2: SMC32 results are w0..w7, x8..x17 stay preserved. */
	for (size_t i = 8; i < SMCCC_REG_COUNT; i++) {
		ck_assert_uint_eq(c.out.x[i], 0x1000 + i);
	}
}
END_TEST

/* --- FFA_FEATURES -------------------------------------------------------- */

START_TEST(features_rxtx_map_64_for_v1_0_caller_is_exactly_min_size)
{
	struct smc_call c;

	negotiate(V10);
	c = FFA(FFA_FEATURES, FFA_RXTX_MAP_64);
	ASSERT_SUCCESS_32(c);
	ck_assert_uint_eq(c.out.x[1], 0);
	ck_assert_uint_eq(c.out.x[2], 0); /* U-Boot wants 0, 1 or 2 exactly */
	ck_assert_uint_eq(c.out.x[3], 0);
}
END_TEST

START_TEST(features_rxtx_map_for_v1_0_caller_reports_16k_as_2)
{
	struct smc_call c;

	cfg.rxtx_min_size = FFA_RXTX_MIN_16K;
	use_config();
	negotiate(V10);
	c = FFA(FFA_FEATURES, FFA_RXTX_MAP_32);
	ASSERT_SUCCESS_32(c);
	ck_assert_uint_eq(c.out.x[2], 2);
}
END_TEST

START_TEST(features_rxtx_map_64_for_v1_1_caller_has_no_max_pages)
{
	struct smc_call c;

	negotiate(V11);
	c = FFA(FFA_FEATURES, FFA_RXTX_MAP_64);
	ck_assert_uint_eq(c.out.x[2], 0);
}
END_TEST

START_TEST(features_rxtx_map_64_for_v1_2_has_max_pages_in_bits_31_16)
{
	struct smc_call c;

	cfg.rxtx_max_pages = 4;
	cfg.rxtx_min_size = FFA_RXTX_MIN_64K;
	use_config();
	negotiate(V12);
	c = FFA(FFA_FEATURES, FFA_RXTX_MAP_64);
	ASSERT_SUCCESS_32(c);
	ck_assert_uint_eq(c.out.x[2], (4u << 16) | FFA_RXTX_MIN_64K);
}
END_TEST

START_TEST(features_of_implemented_abi_is_success_with_zero_properties)
{
	struct smc_call c;

	negotiate(V10);
	c = FFA(FFA_FEATURES, FFA_MSG_SEND_DIRECT_REQ_64);
	ASSERT_SUCCESS_32(c);
	ck_assert_uint_eq(c.out.x[2], 0);
}
END_TEST

static const uint32_t features_not_supported[] = {
	0x840000ff,                  /* not an FF-A function */
	FFA_MEM_OP_RESUME,           /* recognised, not implemented */
	FFA_MSG_WAIT,                /* secure world only */
	FFA_PARTITION_INFO_GET_REGS, /* v1.2, caller negotiated v1.1 */
	FFA_MSG_SEND_DIRECT_REQ2,    /* v1.2 */
	1,                           /* feature ID: notification interrupt */
	3,                           /* feature ID: managed exit */
};

START_TEST(features_of_unsupported_id_is_not_supported)
{
	struct smc_call c;

	negotiate(V11);
	c = FFA(FFA_FEATURES, features_not_supported[_i]);
	ASSERT_FFA_ERROR(c, FFA_RET_NOT_SUPPORTED);
	ck_assert_int_eq(c.disposition, SMC_DISP_ERROR);
}
END_TEST

START_TEST(features_with_nonzero_input_properties_is_not_supported)
{
	struct smc_call c;

	negotiate(V12);
	c = FFA(FFA_FEATURES, FFA_RXTX_MAP_64, 1);
	ASSERT_FFA_ERROR(c, FFA_RET_NOT_SUPPORTED);
}
END_TEST

/* --- FFA_RXTX_MAP -------------------------------------------------------- */

START_TEST(rxtx_map_64_answers_success_32)
{
	struct smc_call c;

	negotiate(V10);
	c = FFA(FFA_RXTX_MAP_64, TX, RX, 1);
	ck_assert_uint_eq(c.out.x[0], FFA_SUCCESS_32); /* not SUCCESS_64 */
	ck_assert_uint_eq(c.out.x[2], 0);
	ck_assert_int_eq(c.disposition, SMC_DISP_OK);
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(rxtx_map_32_ignores_upper_halves_of_addresses)
{
	struct smc_call c;

	negotiate(V10);
	c = FFA(FFA_RXTX_MAP_32, UINT64_C(0xffffffff00000000) | TX,
		UINT64_C(0x8000000000000000) | RX,
		UINT64_C(0xffffffff00000000) | 1);
	ASSERT_SUCCESS_32(c);
	/* The pair really is at TX/RX: PARTITION_INFO_GET fills RX. */
	c = FFA(FFA_PARTITION_INFO_GET);
	ASSERT_SUCCESS_32(c);
	ck_assert_uint_eq(*(uint16_t *)fake_guest_mem_at(&ram, RX, 2), MM_ID);
}
END_TEST

START_TEST(rxtx_map_when_already_mapped_is_denied)
{
	struct smc_call c;

	negotiate(V10);
	map_rxtx();
	c = FFA(FFA_RXTX_MAP_64, TX + 0x40000, RX + 0x40000, 1);
	ASSERT_FFA_ERROR(c, FFA_RET_DENIED);
	ASSERT_FINDING("ffa.rxtx-already-mapped", FINDING_FIRMWARE);
}
END_TEST

static const struct {
	uint64_t tx, rx, w3;
	const char *finding;
} bad_maps[] = {
	{0x1000, RX, 1, "ffa.rxtx-not-ram"},             /* TX not RAM */
	{TX, RAM_BASE + RAM_SIZE, 1, "ffa.rxtx-not-ram"}, /* RX past RAM */
	{TX, RAM_BASE + RAM_SIZE - 0x1000, 2, "ffa.rxtx-not-ram"}, /* tail */
	{UINT64_C(0xfffffffffffff000), RX, 2, "ffa.rxtx-not-ram"}, /* wraps */
	{TX + 0x800, RX, 1, "ffa.rxtx-misaligned"},
	{TX, RX + 8, 1, "ffa.rxtx-misaligned"},
	{TX, TX, 1, "ffa.rxtx-overlap"},
	{TX, TX + 0x1000, 2, "ffa.rxtx-overlap"},
	{TX + 0x1000, TX, 2, "ffa.rxtx-overlap"},
	{TX, RX, 0, "ffa.rxtx-bad-page-count"},
	{TX, RX, 0x41, "ffa.rxtx-bad-page-count"}, /* bit 6 set */
	{TX, RX, 0x80000001, "ffa.rxtx-bad-page-count"},
};

START_TEST(rxtx_map_with_bad_buffers_is_invalid_parameters)
{
	struct smc_call c;

	negotiate(V10);
	c = FFA(FFA_RXTX_MAP_64, bad_maps[_i].tx, bad_maps[_i].rx,
		bad_maps[_i].w3);
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING(bad_maps[_i].finding, FINDING_FIRMWARE);
	/* Nothing was mapped: a good pair maps now. */
	map_rxtx();
}
END_TEST

START_TEST(rxtx_map_above_configured_max_pages_is_invalid_parameters)
{
	struct smc_call c;

	cfg.rxtx_max_pages = 2;
	use_config();
	negotiate(V10);
	c = FFA(FFA_RXTX_MAP_64, TX, RX, 3);
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.rxtx-bad-page-count", FINDING_FIRMWARE);
	c = FFA(FFA_RXTX_MAP_64, TX, RX, 2);
	ASSERT_SUCCESS_32(c);
}
END_TEST

START_TEST(rxtx_map_with_16k_granule_needs_16k_alignment_and_size)
{
	struct smc_call c;

	cfg.rxtx_min_size = FFA_RXTX_MIN_16K;
	use_config();
	negotiate(V10);
	c = FFA(FFA_RXTX_MAP_64, TX + 0x1000, RX, 4);
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	c = FFA(FFA_RXTX_MAP_64, TX, RX, 1); /* 4 KiB is not 16 KiB */
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.rxtx-misaligned", FINDING_FIRMWARE);
	c = FFA(FFA_RXTX_MAP_64, TX, RX, 4);
	ASSERT_SUCCESS_32(c);
}
END_TEST

/* --- FFA_RXTX_UNMAP ------------------------------------------------------- */

START_TEST(rxtx_unmap_with_own_id_succeeds_and_allows_a_new_map)
{
	struct smc_call c;

	negotiate(V10);
	map_rxtx();
	c = FFA(FFA_RXTX_UNMAP, ffa_endpoints(0, 0));
	ASSERT_SUCCESS_32(c);
	c = FFA(FFA_RXTX_MAP_64, TX + 0x40000, RX + 0x40000, 1);
	ASSERT_SUCCESS_32(c);
}
END_TEST

START_TEST(rxtx_unmap_with_other_id_is_invalid_parameters)
{
	struct smc_call c;

	negotiate(V10);
	map_rxtx();
	c = FFA(FFA_RXTX_UNMAP, ffa_endpoints(5, 0));
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.rxtx-unmap-bad-id", FINDING_FIRMWARE);
	/* Still mapped. */
	c = FFA(FFA_RXTX_MAP_64, TX, RX, 1);
	ASSERT_FFA_ERROR(c, FFA_RET_DENIED);
}
END_TEST

START_TEST(rxtx_unmap_with_id_in_low_half_is_invalid_parameters)
{
	struct smc_call c;

	cfg.nwd_id = 1;
	use_config();
	negotiate(V10);
	map_rxtx();
	c = FFA(FFA_RXTX_UNMAP, 1); /* id belongs in bits 31:16 */
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	c = FFA(FFA_RXTX_UNMAP, ffa_endpoints(1, 0));
	ASSERT_SUCCESS_32(c);
}
END_TEST

START_TEST(rxtx_unmap_with_nothing_mapped_is_invalid_parameters)
{
	struct smc_call c;

	negotiate(V10);
	c = FFA(FFA_RXTX_UNMAP, 0);
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.rxtx-unmap-not-mapped", FINDING_FIRMWARE);
}
END_TEST

/* --- FFA_RX_RELEASE ------------------------------------------------------- */

START_TEST(rx_release_without_ownership_is_denied)
{
	struct smc_call c;

	negotiate(V10);
	map_rxtx();
	c = FFA(FFA_RX_RELEASE);
	ASSERT_FFA_ERROR(c, FFA_RET_DENIED);
	ASSERT_FINDING("ffa.rx-release-not-owned", FINDING_FIRMWARE);
}
END_TEST

START_TEST(rx_release_with_nothing_mapped_is_denied)
{
	struct smc_call c;

	negotiate(V10);
	c = FFA(FFA_RX_RELEASE);
	ASSERT_FFA_ERROR(c, FFA_RET_DENIED);
	ASSERT_FINDING("ffa.rx-release-not-mapped", FINDING_FIRMWARE);
}
END_TEST

START_TEST(rx_release_after_partition_info_get_succeeds_once)
{
	struct smc_call c;

	negotiate(V10);
	map_rxtx();
	c = FFA(FFA_PARTITION_INFO_GET);
	ASSERT_SUCCESS_32(c);
	c = FFA(FFA_RX_RELEASE);
	ASSERT_SUCCESS_32(c);
	ck_assert_uint_eq(c.out.x[2], 0);
	c = FFA(FFA_RX_RELEASE);
	ASSERT_FFA_ERROR(c, FFA_RET_DENIED);
}
END_TEST

START_TEST(rxtx_unmap_gives_an_owned_rx_back)
{
	struct smc_call c;

	negotiate(V10);
	map_rxtx();
	c = FFA(FFA_PARTITION_INFO_GET);
	ASSERT_SUCCESS_32(c);
	c = FFA(FFA_RXTX_UNMAP, 0);
	ASSERT_SUCCESS_32(c);
	map_rxtx();
	c = FFA(FFA_PARTITION_INFO_GET); /* not BUSY: the new RX is free */
	ASSERT_SUCCESS_32(c);
}
END_TEST

/* --- FFA_PARTITION_INFO_GET ----------------------------------------------- */

static const uint8_t mm_uuid_rfc[16] = {0xed, 0x32, 0xd5, 0x33, 0x99, 0xe6,
					0x42, 0x09, 0x9c, 0xc0, 0x2d, 0x72,
					0xcd, 0xd9, 0x98, 0xa7};

START_TEST(partition_info_get_v1_0_writes_8_byte_descriptors_with_w3_zero)
{
	uint8_t *rx = fake_guest_mem_at(&ram, RX, 32);
	static const uint8_t expect[8] = {0x03, 0x80, 0x01, 0x00,
					  0x03, 0x00, 0x00, 0x00};
	struct smc_call c;

	memset(rx, 0xaa, 32);
	negotiate(V10);
	map_rxtx();
	c = FFA(FFA_PARTITION_INFO_GET);
	ASSERT_SUCCESS_32(c);
	ck_assert_uint_eq(c.out.x[2], 1);
	ck_assert_uint_eq(c.out.x[3], 0);
	/* ID 0x8003, one context, properties 0x103 masked to 0x3. */
	ck_assert_mem_eq(rx, expect, sizeof(expect));
	ck_assert_uint_eq(rx[8], 0xaa); /* nothing past the descriptor */
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(partition_info_get_v1_1_writes_24_byte_descriptors_with_w3_24)
{
	uint8_t *rx = fake_guest_mem_at(&ram, RX, 64);
	struct ffa_partition_info_v1_1 d;
	struct smc_call c;

	memset(rx, 0xaa, 64);
	negotiate(V11);
	map_rxtx();
	c = FFA(FFA_PARTITION_INFO_GET);
	ASSERT_SUCCESS_32(c);
	ck_assert_uint_eq(c.out.x[2], 1);
	ck_assert_uint_eq(c.out.x[3], 24);
	memcpy(&d, rx, sizeof(d));
	ck_assert_uint_eq(d.id, MM_ID);
	ck_assert_uint_eq(d.exec_ctx_count, 1);
	ck_assert_uint_eq(d.properties, 0x103);
	ck_assert_mem_eq(d.uuid, mm_uuid_rfc, 16); /* RFC-4122 byte order */
	ck_assert_uint_eq(rx[24], 0xaa);
}
END_TEST

static const struct {
	uint32_t version;
	uint32_t visible;
} property_masks[] = {
	{V10, 0x7},
	{V11, 0x1ff},
	{V12, 0x7ff},
};

START_TEST(partition_info_get_masks_properties_by_version)
{
	struct ffa_partition_info_v1_0 d;
	struct smc_call c;

	cfg.partitions[0].properties = 0xffffffff;
	use_config();
	negotiate(property_masks[_i].version);
	map_rxtx();
	c = FFA(FFA_PARTITION_INFO_GET);
	ASSERT_SUCCESS_32(c);
	memcpy(&d, fake_guest_mem_at(&ram, RX, sizeof(d)), sizeof(d));
	ck_assert_uint_eq(d.properties, property_masks[_i].visible);
}
END_TEST

START_TEST(partition_info_get_by_mm_uuid_returns_only_that_partition)
{
	struct ffa_partition_info_v1_0 d;
	struct smc_call c;

	add_partition(0x8001, 0xabcdef01, 0x3);
	cfg.partitions[0].id = 0x8005; /* the MM one comes first */
	use_config();
	negotiate(V10);
	map_rxtx();
	c = FFA(FFA_PARTITION_INFO_GET, FFA_MM_SP_UUID_W0, FFA_MM_SP_UUID_W1,
		FFA_MM_SP_UUID_W2, FFA_MM_SP_UUID_W3);
	ASSERT_SUCCESS_32(c);
	ck_assert_uint_eq(c.out.x[2], 1);
	memcpy(&d, fake_guest_mem_at(&ram, RX, sizeof(d)), sizeof(d));
	ck_assert_uint_eq(d.id, 0x8005);
}
END_TEST

START_TEST(partition_info_get_with_nil_uuid_lists_all_in_order)
{
	uint8_t *rx = fake_guest_mem_at(&ram, RX, 48);
	struct ffa_partition_info_v1_1 d[2];
	struct smc_call c;

	add_partition(0x8001, 0xa4a3a2a1, 0x3);
	use_config();
	negotiate(V11);
	map_rxtx();
	c = FFA(FFA_PARTITION_INFO_GET);
	ASSERT_SUCCESS_32(c);
	ck_assert_uint_eq(c.out.x[2], 2);
	memcpy(d, rx, sizeof(d));
	ck_assert_uint_eq(d[0].id, MM_ID);
	ck_assert_uint_eq(d[1].id, 0x8001);
	/* Words packed little-endian: 0xa4a3a2a1 is bytes a1 a2 a3 a4. */
	ck_assert_uint_eq(d[1].uuid[0], 0xa1);
	ck_assert_uint_eq(d[1].uuid[3], 0xa4);
	ck_assert_uint_eq(d[1].uuid[4], 0x11);
}
END_TEST

START_TEST(partition_info_get_ignores_upper_halves_of_uuid_registers)
{
	struct smc_call c;

	negotiate(V10);
	map_rxtx();
	c = FFA(FFA_PARTITION_INFO_GET,
		UINT64_C(0xffffffff00000000) | FFA_MM_SP_UUID_W0,
		UINT64_C(0x1234567800000000) | FFA_MM_SP_UUID_W1,
		FFA_MM_SP_UUID_W2, FFA_MM_SP_UUID_W3);
	ASSERT_SUCCESS_32(c);
	ck_assert_uint_eq(c.out.x[2], 1);
}
END_TEST

START_TEST(partition_info_get_with_unknown_uuid_is_invalid_parameters)
{
	struct smc_call c;

	negotiate(V10);
	map_rxtx();
	/* U-Boot's sandbox word order of the MM UUID is another UUID. */
	c = FFA(FFA_PARTITION_INFO_GET, 0xed32d533, 0x99e64209, 0x9cc02d72,
		0xcdd998a7);
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	/* RX was not handed over. */
	c = FFA(FFA_RX_RELEASE);
	ASSERT_FFA_ERROR(c, FFA_RET_DENIED);
}
END_TEST

START_TEST(partition_info_get_count_only_leaves_rx_alone)
{
	uint8_t *rx = fake_guest_mem_at(&ram, RX, 8);
	struct smc_call c;

	add_partition(0x8001, 1, 0x3);
	use_config();
	memset(rx, 0xaa, 8);
	negotiate(V11);
	map_rxtx();
	c = FFA(FFA_PARTITION_INFO_GET, 0, 0, 0, 0,
		FFA_PARTITION_INFO_GET_COUNT_ONLY);
	ASSERT_SUCCESS_32(c);
	ck_assert_uint_eq(c.out.x[2], 2);
	ck_assert_uint_eq(c.out.x[3], 0); /* no size for count-only */
	ck_assert_uint_eq(rx[0], 0xaa);
	c = FFA(FFA_RX_RELEASE); /* the caller does not own RX */
	ASSERT_FFA_ERROR(c, FFA_RET_DENIED);
	c = FFA(FFA_PARTITION_INFO_GET);
	ASSERT_SUCCESS_32(c);
}
END_TEST

START_TEST(partition_info_get_count_only_needs_no_rx_and_ignores_busy)
{
	struct smc_call c;

	negotiate(V11);
	c = FFA(FFA_PARTITION_INFO_GET, 0, 0, 0, 0,
		FFA_PARTITION_INFO_GET_COUNT_ONLY);
	ASSERT_SUCCESS_32(c);
	map_rxtx();
	FFA(FFA_PARTITION_INFO_GET);
	c = FFA(FFA_PARTITION_INFO_GET, 0, 0, 0, 0,
		FFA_PARTITION_INFO_GET_COUNT_ONLY);
	ASSERT_SUCCESS_32(c);
	ck_assert_uint_eq(c.out.x[2], 1);
}
END_TEST

START_TEST(partition_info_get_count_only_at_v1_0_is_invalid_parameters)
{
	struct smc_call c;

	negotiate(V10);
	map_rxtx();
	c = FFA(FFA_PARTITION_INFO_GET, 0, 0, 0, 0,
		FFA_PARTITION_INFO_GET_COUNT_ONLY);
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.partition-info-bad-flags", FINDING_FIRMWARE);
}
END_TEST

START_TEST(partition_info_get_other_flag_bits_are_invalid_parameters)
{
	struct smc_call c;

	negotiate(V12);
	map_rxtx();
	c = FFA(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 2);
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.partition-info-bad-flags", FINDING_FIRMWARE);
}
END_TEST

START_TEST(partition_info_get_twice_without_release_is_busy)
{
	struct smc_call c;

	negotiate(V10);
	map_rxtx();
	c = FFA(FFA_PARTITION_INFO_GET);
	ASSERT_SUCCESS_32(c);
	c = FFA(FFA_PARTITION_INFO_GET);
	ASSERT_FFA_ERROR(c, FFA_RET_BUSY);
	ASSERT_FINDING("ffa.rx-not-released", FINDING_FIRMWARE);
	c = FFA(FFA_RX_RELEASE);
	ASSERT_SUCCESS_32(c);
	c = FFA(FFA_PARTITION_INFO_GET);
	ASSERT_SUCCESS_32(c);
}
END_TEST

START_TEST(partition_info_get_without_rx_buffer_is_busy)
{
	struct smc_call c;

	negotiate(V10);
	c = FFA(FFA_PARTITION_INFO_GET);
	ASSERT_FFA_ERROR(c, FFA_RET_BUSY);
	ASSERT_FINDING("ffa.partition-info-no-rx", FINDING_FIRMWARE);
}
END_TEST

/* --- FFA_PARTITION_INFO_GET_REGS ------------------------------------------ */

START_TEST(partition_info_get_regs_packs_descriptors_into_registers)
{
	struct smc_call c;

	add_partition(0x8001, 0xa4a3a2a1, 0x603);
	cfg.partitions[1].exec_ctx_count = 4;
	use_config();
	negotiate(V12);
	c = FFA(FFA_PARTITION_INFO_GET_REGS);
	ck_assert_uint_eq(c.out.x[0], FFA_SUCCESS_64);
	ck_assert_int_eq(c.disposition, SMC_DISP_OK);
	/* last 1, current 1, tag 0, size 24 */
	ck_assert_uint_eq(c.out.x[2], UINT64_C(24) << 48 | 1u << 16 | 1);
	ck_assert_uint_eq(c.out.x[3],
			  UINT64_C(0x103) << 32 | 1u << 16 | MM_ID);
	ck_assert_uint_eq(c.out.x[4], (uint64_t)FFA_MM_SP_UUID_W1 << 32 |
					      FFA_MM_SP_UUID_W0);
	ck_assert_uint_eq(c.out.x[5], (uint64_t)FFA_MM_SP_UUID_W3 << 32 |
					      FFA_MM_SP_UUID_W2);
	ck_assert_uint_eq(c.out.x[6],
			  UINT64_C(0x603) << 32 | 4u << 16 | 0x8001);
	ck_assert_uint_eq(c.out.x[7], UINT64_C(0x11111111a4a3a2a1));
	ck_assert_uint_eq(c.out.x[8], UINT64_C(0x3333333322222222));
	for (size_t i = 9; i < SMCCC_REG_COUNT; i++) {
		ck_assert_uint_eq(c.out.x[i], 0);
	}
}
END_TEST

START_TEST(partition_info_get_regs_pages_five_descriptors_at_a_time)
{
	struct smc_call c;

	for (uint16_t i = 1; i < 7; i++) {
		add_partition((uint16_t)(0x8010 + i), i, 0x3);
	}
	use_config(); /* 7 partitions */
	negotiate(V12);
	c = FFA(FFA_PARTITION_INFO_GET_REGS);
	ck_assert_uint_eq(c.out.x[0], FFA_SUCCESS_64);
	ck_assert_uint_eq(c.out.x[2] & 0xffff, 6);         /* last */
	ck_assert_uint_eq((c.out.x[2] >> 16) & 0xffff, 4); /* current */
	ck_assert_uint_eq(c.out.x[15] & 0xffff, 0x8014);   /* 5th */
	c = FFA(FFA_PARTITION_INFO_GET_REGS, 0, 0, 5);
	ck_assert_uint_eq(c.out.x[0], FFA_SUCCESS_64);
	ck_assert_uint_eq((c.out.x[2] >> 16) & 0xffff, 6);
	ck_assert_uint_eq(c.out.x[3] & 0xffff, 0x8015);
	ck_assert_uint_eq(c.out.x[6] & 0xffff, 0x8016);
	ck_assert_uint_eq(c.out.x[9], 0);
}
END_TEST

START_TEST(partition_info_get_regs_by_uuid_returns_that_partition)
{
	struct smc_call c;

	add_partition(0x8001, 0xa4a3a2a1, 0x3);
	use_config();
	negotiate(V12);
	c = FFA(FFA_PARTITION_INFO_GET_REGS, UINT64_C(0x11111111a4a3a2a1),
		UINT64_C(0x3333333322222222));
	ck_assert_uint_eq(c.out.x[0], FFA_SUCCESS_64);
	ck_assert_uint_eq(c.out.x[2] & 0xffffffff, 0);
	ck_assert_uint_eq(c.out.x[3] & 0xffff, 0x8001);
}
END_TEST

START_TEST(partition_info_get_regs_start_past_end_is_invalid_parameters)
{
	struct smc_call c;

	negotiate(V12);
	c = FFA(FFA_PARTITION_INFO_GET_REGS, 0, 0, 1);
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
}
END_TEST

START_TEST(partition_info_get_regs_unknown_uuid_is_invalid_parameters)
{
	struct smc_call c;

	negotiate(V12);
	c = FFA(FFA_PARTITION_INFO_GET_REGS, 1, 2);
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
}
END_TEST

START_TEST(partition_info_get_regs_with_information_tag_is_retry)
{
	struct smc_call c;

	negotiate(V12);
	c = FFA(FFA_PARTITION_INFO_GET_REGS, 0, 0, 1u << 16);
	ASSERT_FFA_ERROR(c, FFA_RET_RETRY);
}
END_TEST

START_TEST(partition_info_get_regs_at_v1_1_is_not_supported)
{
	struct smc_call c;

	negotiate(V11);
	c = FFA(FFA_PARTITION_INFO_GET_REGS);
	ASSERT_FFA_ERROR(c, FFA_RET_NOT_SUPPORTED);
	ASSERT_FINDING("ffa.abi-newer-than-negotiated", FINDING_FIRMWARE);
}
END_TEST

/* --- Direct messages ------------------------------------------------------ */

START_TEST(direct_req_64_gets_resp_64_with_swapped_endpoints_and_payload)
{
	struct smc_call c;

	negotiate(V10);
	c = FFA(FFA_MSG_SEND_DIRECT_REQ_64, ffa_endpoints(0, MM_ID), 0,
		UINT64_C(0xaaaaaaaa00000001), UINT64_C(0xbbbbbbbb00000002),
		UINT64_C(0xcccccccc00000003), UINT64_C(0xdddddddd00000004),
		UINT64_C(0xeeeeeeee00000005));
	ck_assert_uint_eq(c.out.x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	ck_assert_uint_eq(c.out.x[1], ffa_endpoints(MM_ID, 0));
	ck_assert_uint_eq(c.out.x[2], 0);
	ck_assert_uint_eq(c.out.x[3], UINT64_C(0xaaaaaaaa00000001));
	ck_assert_uint_eq(c.out.x[7], UINT64_C(0xeeeeeeee00000005));
	ck_assert_int_eq(c.disposition, SMC_DISP_OK);
	ck_assert_str_eq(c.name, "FFA_MSG_SEND_DIRECT_REQ_64");
}
END_TEST

START_TEST(direct_req_32_gets_resp_32_with_32_bit_payload)
{
	struct smc_call c;

	negotiate(V10);
	c = FFA(FFA_MSG_SEND_DIRECT_REQ_32,
		UINT64_C(0xffffffff00000000) | ffa_endpoints(0, MM_ID), 0,
		UINT64_C(0xaaaaaaaa00000001), 2, 3, 4,
		UINT64_C(0xeeeeeeee00000005));
	ck_assert_uint_eq(c.out.x[0], FFA_MSG_SEND_DIRECT_RESP_32);
	ck_assert_uint_eq(c.out.x[1], ffa_endpoints(MM_ID, 0));
	ck_assert_uint_eq(c.out.x[3], 1);
	ck_assert_uint_eq(c.out.x[4], 2);
	ck_assert_uint_eq(c.out.x[7], 5);
}
END_TEST

START_TEST(direct_req_to_unknown_partition_is_invalid_parameters)
{
	struct smc_call c;

	negotiate(V10);
	c = FFA(FFA_MSG_SEND_DIRECT_REQ_64, ffa_endpoints(0, 0x8009));
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.direct-req-unknown-partition", FINDING_FIRMWARE);
}
END_TEST

START_TEST(direct_req_from_wrong_sender_is_invalid_parameters)
{
	struct smc_call c;

	negotiate(V10);
	c = FFA(FFA_MSG_SEND_DIRECT_REQ_64, ffa_endpoints(7, MM_ID));
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.direct-req-wrong-sender", FINDING_FIRMWARE);
}
END_TEST

START_TEST(direct_req_with_flags_is_invalid_parameters)
{
	struct smc_call c;

	negotiate(V11);
	c = FFA(FFA_MSG_SEND_DIRECT_REQ_64, ffa_endpoints(0, MM_ID),
		FFA_MSG_FLAG_FRAMEWORK);
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.direct-req-flags", FINDING_FIRMWARE);
}
END_TEST

START_TEST(direct_req_to_partition_without_receive_property_is_invalid)
{
	struct smc_call c;

	add_partition(0x8001, 1, FFA_PART_PROP_DIRECT_REQ_SEND);
	use_config();
	negotiate(V10);
	c = FFA(FFA_MSG_SEND_DIRECT_REQ_64, ffa_endpoints(0, 0x8001));
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.direct-req-not-accepted", FINDING_FIRMWARE);
}
END_TEST

START_TEST(direct_req_to_undiscovered_partition_is_delivered_with_finding)
{
	struct smc_call c;

	negotiate(V10);
	c = FFA(FFA_MSG_SEND_DIRECT_REQ_64, ffa_endpoints(0, MM_ID));
	ck_assert_uint_eq(c.out.x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	ASSERT_FINDING("ffa.direct-req-undiscovered", FINDING_FIRMWARE);
}
END_TEST

START_TEST(direct_req_after_discovery_has_no_finding)
{
	struct smc_call c;

	negotiate(V10);
	map_rxtx();
	FFA(FFA_PARTITION_INFO_GET);
	FFA(FFA_RX_RELEASE);
	c = FFA(FFA_MSG_SEND_DIRECT_REQ_64, ffa_endpoints(0, MM_ID));
	ck_assert_uint_eq(c.out.x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(direct_req_to_mm_partition_without_store_is_aborted)
{
	struct smc_call c;

	cfg.partitions[0].model = SP_MODEL_MM_VARIABLE; /* none attached */
	use_config();
	negotiate(V10);
	c = FFA(FFA_MSG_SEND_DIRECT_REQ_64, ffa_endpoints(0, MM_ID));
	ASSERT_FFA_ERROR(c, FFA_RET_ABORTED);
}
END_TEST

/* REQ2 needs property bit 9: the fixture's partition plus that bit. */
static void req2_config(void)
{
	cfg.partitions[0].properties |= FFA_PART_PROP_DIRECT_REQ2_RECV;
	use_config();
	negotiate(V12);
}

START_TEST(direct_req2_gets_resp2_with_payload_in_x4_to_x17)
{
	struct smccc_regs in = {.x = {FFA_MSG_SEND_DIRECT_REQ2,
				      ffa_endpoints(0, MM_ID)}};
	struct smc_call c;

	req2_config();
	for (size_t i = 4; i < SMCCC_REG_COUNT; i++) {
		in.x[i] = UINT64_C(0x0101010100000000) * i + i;
	}
	c = run(in);
	ck_assert_uint_eq(c.out.x[0], FFA_MSG_SEND_DIRECT_RESP2);
	ck_assert_uint_eq(c.out.x[1], ffa_endpoints(MM_ID, 0));
	ck_assert_uint_eq(c.out.x[2], 0);
	ck_assert_uint_eq(c.out.x[3], 0);
	for (size_t i = 4; i < SMCCC_REG_COUNT; i++) {
		ck_assert_uint_eq(c.out.x[i], in.x[i]);
	}
}
END_TEST

START_TEST(direct_req2_with_the_partition_uuid_is_delivered)
{
	struct smc_call c;

	req2_config();
	c = FFA(FFA_MSG_SEND_DIRECT_REQ2, ffa_endpoints(0, MM_ID),
		(uint64_t)FFA_MM_SP_UUID_W1 << 32 | FFA_MM_SP_UUID_W0,
		(uint64_t)FFA_MM_SP_UUID_W3 << 32 | FFA_MM_SP_UUID_W2);
	ck_assert_uint_eq(c.out.x[0], FFA_MSG_SEND_DIRECT_RESP2);
}
END_TEST

START_TEST(direct_req2_with_another_uuid_is_invalid_parameters)
{
	struct smc_call c;

	req2_config();
	c = FFA(FFA_MSG_SEND_DIRECT_REQ2, ffa_endpoints(0, MM_ID), 1, 2);
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.direct-req2-bad-uuid", FINDING_FIRMWARE);
}
END_TEST

START_TEST(direct_req2_to_partition_without_bit_9_is_invalid_parameters)
{
	struct smc_call c;

	negotiate(V12);
	c = FFA(FFA_MSG_SEND_DIRECT_REQ2, ffa_endpoints(0, MM_ID));
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.direct-req-not-accepted", FINDING_FIRMWARE);
}
END_TEST

START_TEST(direct_req2_to_unknown_partition_is_invalid_parameters)
{
	struct smc_call c;

	req2_config();
	c = FFA(FFA_MSG_SEND_DIRECT_REQ2, ffa_endpoints(0, 0x8009));
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.direct-req-unknown-partition", FINDING_FIRMWARE);
}
END_TEST

START_TEST(direct_req2_at_v1_1_is_not_supported)
{
	struct smc_call c;

	cfg.partitions[0].properties |= FFA_PART_PROP_DIRECT_REQ2_RECV;
	use_config();
	negotiate(V11);
	c = FFA(FFA_MSG_SEND_DIRECT_REQ2, ffa_endpoints(0, MM_ID));
	ASSERT_FFA_ERROR(c, FFA_RET_NOT_SUPPORTED);
	ASSERT_FINDING("ffa.abi-newer-than-negotiated", FINDING_FIRMWARE);
}
END_TEST

/* --- Secure-only, unimplemented and unknown functions --------------------- */

START_TEST(secure_only_abi_from_normal_world_is_not_supported)
{
	struct smc_call c;

	negotiate(V12);
	c = FFA(secure_only[_i]);
	ASSERT_FFA_ERROR(c, FFA_RET_NOT_SUPPORTED);
	ck_assert_int_eq(c.disposition, SMC_DISP_ERROR);
	ASSERT_FINDING("ffa.secure-only-abi", FINDING_FIRMWARE);
	ck_assert_uint_eq(findings_count_kind(&findings, FINDING_UNIMPLEMENTED),
			  0);
}
END_TEST

START_TEST(unimplemented_row_is_not_supported_and_recorded_as_such)
{
	struct smc_call c;

	negotiate(V12);
	c = FFA(unimplemented[_i]);
	ASSERT_FFA_ERROR(c, FFA_RET_NOT_SUPPORTED);
	ck_assert_int_eq(c.disposition, SMC_DISP_UNIMPLEMENTED);
	ck_assert_str_eq(c.name, spmc_function_name(unimplemented[_i]));
	ASSERT_FINDING("model.unimplemented-smc", FINDING_UNIMPLEMENTED);
	ck_assert_uint_eq(findings_count_kind(&findings, FINDING_FIRMWARE), 0);
}
END_TEST

START_TEST(unknown_ffa_function_is_not_supported_and_unimplemented)
{
	struct smc_call c;

	negotiate(V12);
	c = FFA(FFA_FID32(0x90)); /* FFA_ABORT, v1.3 */
	ASSERT_FFA_ERROR(c, FFA_RET_NOT_SUPPORTED);
	ck_assert_int_eq(c.disposition, SMC_DISP_UNIMPLEMENTED);
	ck_assert_str_eq(c.name, "FFA_UNKNOWN");
	ASSERT_FINDING("model.unimplemented-smc", FINDING_UNIMPLEMENTED);
	ck_assert_ptr_null(spmc_function_name(FFA_FID32(0x90)));
}
END_TEST

/* --- The ABI table itself ------------------------------------------------- */

START_TEST(abi_row_is_consistent)
{
	size_t i = (size_t)_i;
	uint32_t fid = spmc_abi_fid(i);
	const char *name = spmc_function_name(fid);
	bool implemented = spmc_abi_implemented(i);
	bool supported;
	uint32_t w2 = 0xdead;
	struct smc_call c;

	/* Name: non-empty, "FFA_...", unique; FID unique and well formed. */
	ck_assert_ptr_nonnull(name);
	ck_assert_msg(strncmp(name, "FFA_", 4) == 0 && name[4] != '\0',
		      "row %zu: bad name '%s'", i, name);
	for (size_t j = 0; j < spmc_abi_count(); j++) {
		if (j != i) {
			ck_assert_uint_ne(spmc_abi_fid(j), fid);
			ck_assert_str_ne(spmc_function_name(spmc_abi_fid(j)),
					 name);
		}
	}
	ck_assert(smccc_is_fast(fid));
	ck_assert_uint_eq(smccc_owner(fid), SMCCC_OWNER_STD);
	ck_assert_uint_eq(fid & 0x00ff0000u, 0);
	ck_assert_uint_ge(smccc_func_num(fid), FFA_FUNC_FIRST);
	ck_assert_uint_le(smccc_func_num(fid), FFA_FUNC_LAST);
	/* Exactly one of: implemented, secure-only, known unimplemented. */
	ck_assert_int_eq(implemented + listed(secure_only,
					      ARRAY_COUNT(secure_only), fid) +
				 listed(unimplemented,
					ARRAY_COUNT(unimplemented), fid),
			 1);

	/* FFA_FEATURES at v1.2 agrees with dispatch. */
	negotiate(V12);
	c = FFA(FFA_FEATURES, fid);
	supported = c.out.x[0] == FFA_SUCCESS_32;
	if (!supported) {
		ASSERT_FFA_ERROR(c, FFA_RET_NOT_SUPPORTED);
	}
	ck_assert_msg(supported == implemented,
		      "%s: FFA_FEATURES says %d, table says %d", name,
		      supported, implemented);
	ck_assert_int_eq(spmc_features_props(&spmc, fid, &w2), supported);
	if (supported) {
		ck_assert_uint_eq(w2, c.out.x[2]);
	}
	c = FFA(fid);
	ck_assert_str_eq(c.name, name);
	if (supported) {
		ck_assert_int_ne(c.disposition, SMC_DISP_UNIMPLEMENTED);
	} else {
		ASSERT_FFA_ERROR(c, FFA_RET_NOT_SUPPORTED);
	}
}
END_TEST

START_TEST(abi_table_lookups_outside_the_table_are_safe)
{
	size_t n = spmc_abi_count();

	ck_assert_uint_gt(n, 0);
	ck_assert_uint_eq(spmc_abi_fid(n), 0);
	ck_assert(!spmc_abi_implemented(n));
	ck_assert_uint_eq(spmc_abi_calls(&spmc, n), 0);
	ck_assert_ptr_null(spmc_function_name(0x84000000));
}
END_TEST

START_TEST(sp_model_names_parse_back)
{
	enum sp_model m;

	for (int i = 0; i < SP_MODEL_COUNT; i++) {
		ck_assert(sp_model_parse(sp_model_name((enum sp_model)i), &m));
		ck_assert_int_eq(m, i);
	}
	ck_assert(!sp_model_parse("nope", &m));
	ck_assert_str_eq(sp_model_name(SP_MODEL_COUNT), "?");
}
END_TEST

START_TEST(default_config_is_the_partition_u_boot_looks_for)
{
	struct spmc_config d;
	struct ffa_uuid mm;

	spmc_config_default(&d);
	ck_assert(text_parse_ffa_uuid("ed32d533-99e6-4209-9cc0-2d72cdd998a7",
				      &mm));
	ck_assert_uint_eq(d.max_version, V12);
	ck_assert_uint_eq(d.partition_count, 1);
	ck_assert_uint_eq(d.partitions[0].id, MM_ID);
	ck_assert(ffa_uuid_equal(&d.partitions[0].uuid, &mm));
	ck_assert_uint_eq(d.partitions[0].properties, 0x103);
	ck_assert_int_eq(d.partitions[0].model, SP_MODEL_MM_VARIABLE);
}
END_TEST

/* --- Suite ---------------------------------------------------------------- */

static TCase *fixture_case(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, spmc_setup, spmc_teardown);
	tcase_set_timeout(tc, 10);
	suite_add_tcase(s, tc);
	return tc;
}

Suite *spmc_suite(void);

Suite *spmc_suite(void)
{
	Suite *s = suite_create("spmc");
	TCase *tc;

	tc = fixture_case(s, "version");
	tcase_add_test(
		tc, version_returns_own_version_in_w0_not_wrapped_in_success);
	tcase_add_test(tc,
		       version_with_bit31_set_is_not_supported_with_finding);
	tcase_add_test(
		tc, version_with_other_major_is_not_supported_without_finding);
	tcase_add_test(tc, version_with_newer_minor_than_ours_is_not_supported);
	tcase_add_test(
		tc, version_renegotiation_after_another_call_is_not_supported);
	tcase_add_test(tc, same_version_again_after_negotiation_is_accepted);
	tcase_add_test(tc, version_may_change_until_another_call_is_made);
	tcase_add_test(tc, version_ignores_upper_half_of_x1);
	tcase_add_test(
		tc,
		version_with_nonzero_mbz_register_answers_not_supported_in_w0);
	tcase_add_test(
		tc, id_get_before_version_is_invalid_parameters_with_finding);
	tcase_add_loop_test(tc, any_call_before_version_is_invalid_parameters,
			    0, (int)spmc_abi_count());

	tc = fixture_case(s, "discovery");
	tcase_add_test(tc, id_get_returns_success32_with_caller_id_in_w2);
	tcase_add_test(tc, id_get_counts_its_calls_in_the_abi_table);
	tcase_add_test(tc, spm_id_get_at_v1_1_returns_the_spmc_id);
	tcase_add_test(tc, spm_id_get_at_v1_0_is_newer_than_negotiated);
	tcase_add_test(tc,
		       unimplemented_v1_1_abi_at_v1_0_is_newer_than_negotiated);
	tcase_add_loop_test(tc, nonzero_mbz_register_is_invalid_parameters, 0,
			    (int)ARRAY_COUNT(mbz_cases));
	tcase_add_test(tc, smc32_mbz_check_ignores_upper_halves);
	tcase_add_test(tc, smc64_mbz_check_sees_upper_halves);
	tcase_add_test(tc, smc32_call_preserves_x8_to_x17);

	tc = fixture_case(s, "features");
	tcase_add_test(
		tc, features_rxtx_map_64_for_v1_0_caller_is_exactly_min_size);
	tcase_add_test(tc, features_rxtx_map_for_v1_0_caller_reports_16k_as_2);
	tcase_add_test(tc,
		       features_rxtx_map_64_for_v1_1_caller_has_no_max_pages);
	tcase_add_test(
		tc, features_rxtx_map_64_for_v1_2_has_max_pages_in_bits_31_16);
	tcase_add_test(
		tc,
		features_of_implemented_abi_is_success_with_zero_properties);
	tcase_add_loop_test(tc, features_of_unsupported_id_is_not_supported, 0,
			    (int)ARRAY_COUNT(features_not_supported));
	tcase_add_test(tc,
		       features_with_nonzero_input_properties_is_not_supported);

	tc = fixture_case(s, "rxtx");
	tcase_add_test(tc, rxtx_map_64_answers_success_32);
	tcase_add_test(tc, rxtx_map_32_ignores_upper_halves_of_addresses);
	tcase_add_test(tc, rxtx_map_when_already_mapped_is_denied);
	tcase_add_loop_test(tc, rxtx_map_with_bad_buffers_is_invalid_parameters,
			    0, (int)ARRAY_COUNT(bad_maps));
	tcase_add_test(
		tc, rxtx_map_above_configured_max_pages_is_invalid_parameters);
	tcase_add_test(tc,
		       rxtx_map_with_16k_granule_needs_16k_alignment_and_size);
	tcase_add_test(tc,
		       rxtx_unmap_with_own_id_succeeds_and_allows_a_new_map);
	tcase_add_test(tc, rxtx_unmap_with_other_id_is_invalid_parameters);
	tcase_add_test(tc,
		       rxtx_unmap_with_id_in_low_half_is_invalid_parameters);
	tcase_add_test(tc,
		       rxtx_unmap_with_nothing_mapped_is_invalid_parameters);
	tcase_add_test(tc, rx_release_without_ownership_is_denied);
	tcase_add_test(tc, rx_release_with_nothing_mapped_is_denied);
	tcase_add_test(tc, rx_release_after_partition_info_get_succeeds_once);
	tcase_add_test(tc, rxtx_unmap_gives_an_owned_rx_back);

	tc = fixture_case(s, "partition_info");
	tcase_add_test(
		tc,
		partition_info_get_v1_0_writes_8_byte_descriptors_with_w3_zero);
	tcase_add_test(
		tc,
		partition_info_get_v1_1_writes_24_byte_descriptors_with_w3_24);
	tcase_add_loop_test(tc, partition_info_get_masks_properties_by_version,
			    0, (int)ARRAY_COUNT(property_masks));
	tcase_add_test(
		tc, partition_info_get_by_mm_uuid_returns_only_that_partition);
	tcase_add_test(tc, partition_info_get_with_nil_uuid_lists_all_in_order);
	tcase_add_test(
		tc, partition_info_get_ignores_upper_halves_of_uuid_registers);
	tcase_add_test(
		tc, partition_info_get_with_unknown_uuid_is_invalid_parameters);
	tcase_add_test(tc, partition_info_get_count_only_leaves_rx_alone);
	tcase_add_test(
		tc, partition_info_get_count_only_needs_no_rx_and_ignores_busy);
	tcase_add_test(
		tc,
		partition_info_get_count_only_at_v1_0_is_invalid_parameters);
	tcase_add_test(
		tc, partition_info_get_other_flag_bits_are_invalid_parameters);
	tcase_add_test(tc, partition_info_get_twice_without_release_is_busy);
	tcase_add_test(tc, partition_info_get_without_rx_buffer_is_busy);
	tcase_add_test(
		tc, partition_info_get_regs_packs_descriptors_into_registers);
	tcase_add_test(
		tc, partition_info_get_regs_pages_five_descriptors_at_a_time);
	tcase_add_test(tc,
		       partition_info_get_regs_by_uuid_returns_that_partition);
	tcase_add_test(
		tc,
		partition_info_get_regs_start_past_end_is_invalid_parameters);
	tcase_add_test(
		tc, partition_info_get_regs_unknown_uuid_is_invalid_parameters);
	tcase_add_test(tc,
		       partition_info_get_regs_with_information_tag_is_retry);
	tcase_add_test(tc, partition_info_get_regs_at_v1_1_is_not_supported);

	tc = fixture_case(s, "direct");
	tcase_add_test(
		tc,
		direct_req_64_gets_resp_64_with_swapped_endpoints_and_payload);
	tcase_add_test(tc, direct_req_32_gets_resp_32_with_32_bit_payload);
	tcase_add_test(tc,
		       direct_req_to_unknown_partition_is_invalid_parameters);
	tcase_add_test(tc, direct_req_from_wrong_sender_is_invalid_parameters);
	tcase_add_test(tc, direct_req_with_flags_is_invalid_parameters);
	tcase_add_test(
		tc,
		direct_req_to_partition_without_receive_property_is_invalid);
	tcase_add_test(
		tc,
		direct_req_to_undiscovered_partition_is_delivered_with_finding);
	tcase_add_test(tc, direct_req_after_discovery_has_no_finding);
	tcase_add_test(tc, direct_req_to_mm_partition_without_store_is_aborted);
	tcase_add_test(tc, direct_req2_gets_resp2_with_payload_in_x4_to_x17);
	tcase_add_test(tc, direct_req2_with_the_partition_uuid_is_delivered);
	tcase_add_test(tc, direct_req2_with_another_uuid_is_invalid_parameters);
	tcase_add_test(
		tc,
		direct_req2_to_partition_without_bit_9_is_invalid_parameters);
	tcase_add_test(tc,
		       direct_req2_to_unknown_partition_is_invalid_parameters);
	tcase_add_test(tc, direct_req2_at_v1_1_is_not_supported);

	tc = fixture_case(s, "table");
	tcase_add_loop_test(tc,
			    secure_only_abi_from_normal_world_is_not_supported,
			    0, (int)ARRAY_COUNT(secure_only));
	tcase_add_loop_test(
		tc, unimplemented_row_is_not_supported_and_recorded_as_such, 0,
		(int)ARRAY_COUNT(unimplemented));
	tcase_add_test(tc,
		       unknown_ffa_function_is_not_supported_and_unimplemented);
	tcase_add_loop_test(tc, abi_row_is_consistent, 0,
			    (int)spmc_abi_count());
	tcase_add_test(tc, abi_table_lookups_outside_the_table_are_safe);
	tcase_add_test(tc, sp_model_names_parse_back);
	tcase_add_test(tc, default_config_is_the_partition_u_boot_looks_for);

	return s;
}
