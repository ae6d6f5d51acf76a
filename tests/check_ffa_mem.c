/*
 * Unit tests of FF-A memory management (models/ffa_mem.c, ffa_mem_desc.c)
 * through the SPMC's ABI table, with the scripted test partition
 * (models/test_sp.c) as the borrower: every validation rule with its error
 * code and finding, v1.0 / v1.1 / v1.2 layouts, fragmented transmission
 * and retrieval, ownership transitions per page, the hypervisor retrieve
 * request pKVM issues before a reclaim, and that an invalid descriptor
 * never changes state.
 *
 * The normal world is driven with hand-built register bundles over a flat
 * fake RAM (tests/fake_guest_mem.c); descriptors are written into its TX.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "abi/ffa.h"
#include "abi/ffa_mem.h"
#include "abi/smccc.h"
#include "common/finding.h"
#include "models/ffa_mem.h"
#include "models/smc_call.h"
#include "models/spmc.h"
#include "models/test_sp.h"
#include "tests/fake_guest_mem.h"

#define RAM_BASE UINT64_C(0x40000000)
#define RAM_SIZE UINT64_C(0x400000)
#define TX (RAM_BASE + 0x10000)
#define RX (RAM_BASE + 0x20000)
#define DYN (RAM_BASE + 0x30000)    /* a buffer given in registers */
#define PAGES (RAM_BASE + 0x100000) /* memory that is shared */
#define SP_ID 0x8001
#define SP2_ID 0x8002
#define TAG UINT64_C(0x7a67)

#define V10 FFA_VERSION_1_0
#define V11 FFA_VERSION_1_1
#define V12 FFA_VERSION_1_2

/* Check fixture state: the only file-scope mutable state (STYLE C1). */
static struct fake_guest_mem ram;
static struct findings findings;
static struct spmc_config cfg;
static struct spmc spmc;

static void add_partition(uint16_t id, enum sp_model model)
{
	struct spmc_partition_config *p =
	    &cfg.partitions[cfg.partition_count++];

	memset(p, 0, sizeof(*p));
	p->id = id;
	p->uuid = (struct ffa_uuid){{id, 1, 2, 3}};
	p->properties = FFA_PART_PROP_DIRECT_REQ_RECV |
			FFA_PART_PROP_NOTIFICATION_RECV | FFA_PART_PROP_AARCH64;
	p->exec_ctx_count = 2;
	p->model = model;
}

static void setup(void)
{
	findings_init(&findings);
	fake_guest_mem_init(&ram, RAM_BASE, RAM_SIZE);
	spmc_config_default(&cfg);
	cfg.partition_count = 0;
	add_partition(SP_ID, SP_MODEL_TEST);
	add_partition(SP2_ID, SP_MODEL_ECHO);
	spmc_init(&spmc, &cfg, &ram.mem, &findings, NULL);
}

static void teardown(void)
{
	spmc_free(&spmc);
	fake_guest_mem_free(&ram);
	findings_free(&findings);
}

static struct smc_call run(struct smccc_regs in)
{
	struct smc_call c;

	memset(&c, 0, sizeof(c));
	c.in = in;
	c.out = in;
	c.action = SMC_ACTION_RETURN;
	spmc_handle(&spmc, &c);
	return c;
}

#define FFA(...) run((struct smccc_regs){.x = {__VA_ARGS__}})

#define ASSERT_FFA_ERROR(c, code)                                \
	do {                                                     \
		ck_assert_uint_eq((c).out.x[0], FFA_ERROR);      \
		ck_assert_int_eq((int32_t)(c).out.x[2], (code)); \
	} while (0)

#define ASSERT_FINDING(code)                                               \
	do {                                                               \
		const struct finding *f_ = findings_find(&findings, code); \
		ck_assert_msg(f_ != NULL, "no finding %s", code);          \
		ck_assert_int_eq(f_->kind, FINDING_FIRMWARE);              \
	} while (0)

static void start(uint32_t version)
{
	struct smc_call c = FFA(FFA_VERSION, version);

	ck_assert_uint_eq(c.out.x[0], cfg.max_version);
	c = FFA(FFA_RXTX_MAP_64, TX, RX, 1);
	ck_assert_uint_eq(c.out.x[0], FFA_SUCCESS_32);
}

static struct ffa_mem *mm(void)
{
	return spmc_memory(&spmc);
}

/* --- Descriptor builder ----------------------------------------------------
 */

struct spec {
	uint32_t version;
	uint16_t sender;
	uint16_t attributes;
	uint32_t flags;
	uint32_t emad_size; /* 0: the version's */
	size_t receiver_count;
	uint16_t receivers[4];
	uint8_t perms[4];
	size_t range_count;
	uint64_t addr[400];
	uint32_t pages[400];
};

static void put16(uint8_t *b, size_t off, uint16_t v)
{
	b[off] = (uint8_t)v;
	b[off + 1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *b, size_t off, uint32_t v)
{
	put16(b, off, (uint16_t)v);
	put16(b, off + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *b, size_t off, uint64_t v)
{
	put32(b, off, (uint32_t)v);
	put32(b, off + 4, (uint32_t)(v >> 32));
}

static uint32_t get32(const uint8_t *b, size_t off)
{
	return (uint32_t)b[off] | (uint32_t)b[off + 1] << 8 |
	       (uint32_t)b[off + 2] << 16 | (uint32_t)b[off + 3] << 24;
}

/* Writes the descriptor of sp into b (zeroed first); returns its length. */
static uint32_t build(uint8_t *b, size_t cap, const struct spec *sp)
{
	bool v10 = sp->version < V11;
	uint32_t header = v10 ? 32 : 48;
	uint32_t emad = sp->emad_size != 0 ? sp->emad_size : 16;
	uint32_t composite = header + (uint32_t)sp->receiver_count * emad;
	uint32_t len = composite + 16 + (uint32_t)sp->range_count * 16;
	uint32_t total = 0;

	ck_assert_uint_le(len, cap);
	memset(b, 0, len);
	put16(b, 0, sp->sender);
	if (v10) {
		b[2] = (uint8_t)sp->attributes;
	} else {
		put16(b, 2, sp->attributes);
		put32(b, 24, emad);
		put32(b, 32, header);
	}
	put32(b, 4, sp->flags);
	put64(b, 16, TAG);
	put32(b, 28, (uint32_t)sp->receiver_count);
	for (size_t i = 0; i < sp->receiver_count; i++) {
		uint32_t off = header + (uint32_t)i * emad;

		put16(b, off, sp->receivers[i]);
		b[off + 2] = sp->perms[i];
		put32(b, off + 4, composite);
	}
	for (size_t i = 0; i < sp->range_count; i++) {
		put64(b, composite + 16 + i * 16, sp->addr[i]);
		put32(b, composite + 16 + i * 16 + 8, sp->pages[i]);
		total += sp->pages[i];
	}
	put32(b, composite, total);
	put32(b, composite + 4, (uint32_t)sp->range_count);
	return len;
}

/* One receiver (the test SP, RW), one range of `pages` at PAGES. */
static struct spec basic(uint32_t version, enum ffa_mem_kind kind,
			 uint32_t pages)
{
	struct spec sp;

	memset(&sp, 0, sizeof(sp));
	sp.version = version;
	sp.sender = 0;
	sp.attributes =
	    kind == FFA_MEM_KIND_SHARE ? FFA_MEM_ATTR_NORMAL_WB_INNER : 0;
	sp.receiver_count = 1;
	sp.receivers[0] = SP_ID;
	sp.perms[0] = kind == FFA_MEM_KIND_DONATE ? 0 : FFA_MEM_DATA_RW;
	sp.range_count = 1;
	sp.addr[0] = PAGES;
	sp.pages[0] = pages;
	return sp;
}

static uint32_t fid_of(enum ffa_mem_kind kind)
{
	switch (kind) {
	case FFA_MEM_KIND_DONATE:
		return FFA_MEM_DONATE_64;
	case FFA_MEM_KIND_LEND:
		return FFA_MEM_LEND_64;
	default:
		return FFA_MEM_SHARE_64;
	}
}

/* Writes b into TX and sends it in one fragment. */
static struct smc_call send_bytes(uint32_t fid, const uint8_t *b, uint32_t len)
{
	memcpy(fake_guest_mem_at(&ram, TX, len), b, len);
	return FFA(fid, len, len);
}

static uint64_t handle_of(const struct smc_call *c)
{
	ck_assert_uint_eq(c->out.x[0], FFA_SUCCESS_32);
	return (uint32_t)c->out.x[2] | c->out.x[3] << 32;
}

/* A complete one-fragment transaction; returns its handle. */
static uint64_t send_ok(enum ffa_mem_kind kind, const struct spec *sp)
{
	uint8_t b[8192];
	uint32_t len = build(b, sizeof(b), sp);
	struct smc_call c = send_bytes(fid_of(kind), b, len);

	return handle_of(&c);
}

/* A direct request to the test SP; returns x3..x7 of the answer. */
static void sp_cmd(uint64_t cmd, uint64_t a1, uint64_t a2, uint64_t a3,
		   uint64_t out[5])
{
	struct smc_call c = FFA(FFA_MSG_SEND_DIRECT_REQ_64,
				ffa_endpoints(0, SP_ID), 0, cmd, a1, a2, a3);

	ck_assert_uint_eq(c.out.x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	for (size_t i = 0; i < 5; i++) {
		out[i] = c.out.x[3 + i];
	}
}

static int64_t sp_retrieve(uint64_t handle, enum ffa_mem_kind kind)
{
	uint64_t out[5];

	sp_cmd(TEST_SP_RETRIEVE, handle, TAG,
	       (uint64_t)((uint32_t)kind << FFA_MEM_FLAG_TYPE_SHIFT) << 32,
	       out);
	return (int64_t)out[0];
}

static int64_t sp_simple(uint64_t cmd, uint64_t handle, uint64_t arg)
{
	uint64_t out[5];

	sp_cmd(cmd, handle, arg, 0, out);
	return (int64_t)out[0];
}

static void assert_nothing_changed(void)
{
	ck_assert_uint_eq(ffa_mem_transaction_count(mm()), 0);
	ck_assert_uint_eq(ffa_mem_page_owner(mm(), PAGES), 0);
	ck_assert_int_eq(ffa_mem_page_access(mm(), PAGES, 0),
			 FFA_MEM_ACCESS_RW);
	ck_assert_int_eq(ffa_mem_page_access(mm(), PAGES, SP_ID),
			 FFA_MEM_ACCESS_NONE);
}

/* --- Every send rule: one mutation of a valid v1.1 share each ------------ */

struct mutation {
	const char *finding;
	int32_t error;
	uint32_t off;  /* byte offset in the descriptor */
	uint32_t size; /* 1, 2, 4 or 8 */
	uint64_t value;
};

/* Offsets in the basic v1.1 descriptor: EMAD at 48, composite at 64. */
static const struct mutation send_mutations[] = {
    {"ffa.mem.wrong-sender", FFA_RET_DENIED, 0, 2, 0x1234},
    {"ffa.mem.handle-not-zero", FFA_RET_INVALID_PARAMETERS, 8, 8, 5},
    {"ffa.mem.flags", FFA_RET_INVALID_PARAMETERS, 4, 4, 1u << 5},
    {"ffa.mem.flags", FFA_RET_INVALID_PARAMETERS, 4, 4,
     FFA_MEM_FLAG_ZERO_AFTER},
    {"ffa.mem.zero-on-share", FFA_RET_INVALID_PARAMETERS, 4, 4,
     FFA_MEM_FLAG_ZERO},
    {"ffa.mem.attributes", FFA_RET_INVALID_PARAMETERS, 2, 2,
     FFA_MEM_ATTR_NORMAL_WB_INNER | FFA_MEM_ATTR_NS},
    {"ffa.mem.attributes", FFA_RET_INVALID_PARAMETERS, 2, 2, 0},
    {"ffa.mem.attributes", FFA_RET_INVALID_PARAMETERS, 2, 2, 0x3f},
    {"ffa.mem.attributes", FFA_RET_INVALID_PARAMETERS, 2, 2, 0x23},
    {"ffa.mem.attributes", FFA_RET_INVALID_PARAMETERS, 2, 2, 0x12f},
    {"ffa.mem.emad-layout", FFA_RET_INVALID_PARAMETERS, 24, 4, 24},
    {"ffa.mem.emad-layout", FFA_RET_INVALID_PARAMETERS, 24, 4, 32},
    {"ffa.mem.emad-layout", FFA_RET_INVALID_PARAMETERS, 32, 4, 40},
    {"ffa.mem.emad-layout", FFA_RET_INVALID_PARAMETERS, 32, 4, 8},
    {"ffa.mem.reserved", FFA_RET_INVALID_PARAMETERS, 40, 1, 1},
    {"ffa.mem.receiver-count", FFA_RET_INVALID_PARAMETERS, 28, 4, 0},
    {"ffa.mem.receiver-count", FFA_RET_INVALID_PARAMETERS, 28, 4, 5},
    {"ffa.mem.length", FFA_RET_INVALID_PARAMETERS, 28, 4, 4},
    {"ffa.mem.bad-receiver", FFA_RET_INVALID_PARAMETERS, 48, 2, 0x8099},
    {"ffa.mem.bad-receiver", FFA_RET_INVALID_PARAMETERS, 48, 2, 0},
    {"ffa.mem.permissions", FFA_RET_INVALID_PARAMETERS, 50, 1, 0x06},
    {"ffa.mem.permissions", FFA_RET_INVALID_PARAMETERS, 50, 1, 0x00},
    {"ffa.mem.permissions", FFA_RET_INVALID_PARAMETERS, 50, 1, 0x03},
    {"ffa.mem.permissions", FFA_RET_INVALID_PARAMETERS, 50, 1, 0x12},
    {"ffa.mem.reserved", FFA_RET_INVALID_PARAMETERS, 51, 1, 2},
    {"ffa.mem.reserved", FFA_RET_INVALID_PARAMETERS, 56, 8, 1},
    {"ffa.mem.composite-offset", FFA_RET_INVALID_PARAMETERS, 52, 4, 0},
    {"ffa.mem.composite-offset", FFA_RET_INVALID_PARAMETERS, 52, 4, 48},
    {"ffa.mem.composite-offset", FFA_RET_INVALID_PARAMETERS, 52, 4, 68},
    {"ffa.mem.composite-offset", FFA_RET_INVALID_PARAMETERS, 52, 4, 96},
    {"ffa.mem.reserved", FFA_RET_INVALID_PARAMETERS, 72, 8, 1},
    {"ffa.mem.constituent-count", FFA_RET_INVALID_PARAMETERS, 68, 4, 2},
    {"ffa.mem.constituent-count", FFA_RET_INVALID_PARAMETERS, 68, 4, 0},
    {"ffa.mem.page-count", FFA_RET_INVALID_PARAMETERS, 64, 4, 3},
    {"ffa.mem.constituent-alignment", FFA_RET_INVALID_PARAMETERS, 80, 8,
     PAGES + 0x800},
    {"ffa.mem.constituent-alignment", FFA_RET_INVALID_PARAMETERS, 88, 4, 0},
    {"ffa.mem.constituent-alignment", FFA_RET_INVALID_PARAMETERS, 80, 8,
     UINT64_C(0xfffffffffffff000)},
    {"ffa.mem.not-ram", FFA_RET_INVALID_PARAMETERS, 80, 8,
     UINT64_C(0x80000000)},
    {"ffa.mem.reserved", FFA_RET_INVALID_PARAMETERS, 92, 4, 1},
};

START_TEST(invalid_share_descriptor_is_refused_and_changes_nothing)
{
	const struct mutation *mu = &send_mutations[_i];
	struct spec sp = basic(V11, FFA_MEM_KIND_SHARE, 2);
	uint8_t b[256];
	uint32_t len = build(b, sizeof(b), &sp);
	const struct finding *f;
	struct smc_call c;

	start(V11);
	ck_assert_uint_eq(len, 96);
	for (uint32_t i = 0; i < mu->size; i++) {
		b[mu->off + i] = (uint8_t)(mu->value >> (8 * i));
	}
	c = send_bytes(FFA_MEM_SHARE_64, b, len);
	ASSERT_FFA_ERROR(c, mu->error);
	ASSERT_FINDING(mu->finding);
	f = findings_find(&findings, mu->finding);
	if (strcmp(mu->finding, "ffa.mem.length") != 0) {
		/* The offending bytes are dumped. */
		ck_assert_ptr_nonnull(f->detail);
	}
	assert_nothing_changed();
}
END_TEST

START_TEST(bad_lengths_are_refused)
{
	static const uint32_t lens[][2] = {
	    {96, 112},	/* fragment longer than the total */
	    {100, 100}, /* not a multiple of 16 */
	    {0, 0},
	    {8192, 8192}, /* larger than the one-page TX */
	};
	struct smc_call c;

	start(V11);
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		c = FFA(FFA_MEM_SHARE_64, lens[i][0], lens[i][1]);
		ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	}
	ASSERT_FINDING("ffa.mem.length");
	assert_nothing_changed();
}
END_TEST

START_TEST(share_without_tx_is_refused)
{
	struct smc_call c = FFA(FFA_VERSION, V11);

	(void)c;
	c = FFA(FFA_MEM_SHARE_64, 96, 96);
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.no-tx");
}
END_TEST

START_TEST(overlapping_constituents_are_refused)
{
	struct spec sp = basic(V11, FFA_MEM_KIND_SHARE, 2);
	uint8_t b[256];
	uint32_t len;
	struct smc_call c;

	start(V11);
	sp.range_count = 2;
	sp.addr[1] = PAGES + 0x1000; /* inside the first range */
	sp.pages[1] = 1;
	len = build(b, sizeof(b), &sp);
	c = send_bytes(FFA_MEM_SHARE_64, b, len);
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.constituent-overlap");
	assert_nothing_changed();
}
END_TEST

START_TEST(duplicate_receiver_is_refused)
{
	struct spec sp = basic(V11, FFA_MEM_KIND_SHARE, 1);
	uint8_t b[256];
	struct smc_call c;

	start(V11);
	sp.receiver_count = 2;
	sp.receivers[1] = SP_ID;
	sp.perms[1] = FFA_MEM_DATA_RO;
	c = send_bytes(FFA_MEM_SHARE_64, b, build(b, sizeof(b), &sp));
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.duplicate-receiver");
	assert_nothing_changed();
}
END_TEST

/* Lend and donate rules that differ from share. */
START_TEST(lend_and_donate_rules)
{
	struct spec sp;
	uint8_t b[256];
	struct smc_call c;

	start(V11);
	/* Lend to one borrower: the memory type must be left unspecified. */
	sp = basic(V11, FFA_MEM_KIND_LEND, 1);
	sp.attributes = FFA_MEM_ATTR_NORMAL_WB_INNER;
	c = send_bytes(FFA_MEM_LEND_64, b, build(b, sizeof(b), &sp));
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.attributes");
	/* Donate: the sender leaves data access unspecified. */
	sp = basic(V11, FFA_MEM_KIND_DONATE, 1);
	sp.perms[0] = FFA_MEM_DATA_RW;
	c = send_bytes(FFA_MEM_DONATE_64, b, build(b, sizeof(b), &sp));
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.permissions");
	/* Donate: exactly one receiver. */
	sp = basic(V11, FFA_MEM_KIND_DONATE, 1);
	sp.receiver_count = 2;
	sp.receivers[1] = SP2_ID;
	c = send_bytes(FFA_MEM_DONATE_64, b, build(b, sizeof(b), &sp));
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.receiver-count");
	/* Lend: the borrower needs RO or RW. */
	sp = basic(V11, FFA_MEM_KIND_LEND, 1);
	sp.perms[0] = 0;
	c = send_bytes(FFA_MEM_LEND_32, b, build(b, sizeof(b), &sp));
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.permissions");
	assert_nothing_changed();
}
END_TEST

/* --- Layouts by negotiated version ---------------------------------------- */

START_TEST(v1_0_layout_is_accepted_after_negotiating_v1_0)
{
	struct spec sp = basic(V10, FFA_MEM_KIND_SHARE, 1);
	uint64_t h;

	start(V10);
	h = send_ok(FFA_MEM_KIND_SHARE, &sp);
	ck_assert_uint_ne(h, 0);
	ck_assert_uint_eq(h & FFA_MEM_HANDLE_HYPERVISOR, 0);
	ck_assert_uint_eq(ffa_mem_transaction_count(mm()), 1);
}
END_TEST

START_TEST(v1_0_layout_after_negotiating_v1_1_is_a_layout_mismatch)
{
	struct spec sp = basic(V10, FFA_MEM_KIND_SHARE, 1);
	uint8_t b[256];
	struct smc_call c;

	start(V11);
	c = send_bytes(FFA_MEM_SHARE_64, b, build(b, sizeof(b), &sp));
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.layout-version-mismatch");
	assert_nothing_changed();
}
END_TEST

START_TEST(v1_1_layout_after_negotiating_v1_0_is_a_layout_mismatch)
{
	struct spec sp = basic(V11, FFA_MEM_KIND_SHARE, 1);
	uint8_t b[256];
	struct smc_call c;

	start(V10);
	c = send_bytes(FFA_MEM_SHARE_32, b, build(b, sizeof(b), &sp));
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.layout-version-mismatch");
	assert_nothing_changed();
}
END_TEST

START_TEST(v1_2_accepts_32_byte_emads_v1_1_does_not)
{
	struct spec sp = basic(V12, FFA_MEM_KIND_SHARE, 1);
	uint8_t b[256];
	struct smc_call c;

	sp.emad_size = 32;
	start(V12);
	ck_assert_uint_ne(send_ok(FFA_MEM_KIND_SHARE, &sp), 0);
	teardown();
	setup();
	start(V11);
	c = send_bytes(FFA_MEM_SHARE_64, b, build(b, sizeof(b), &sp));
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.emad-layout");
}
END_TEST

/* --- Buffer given in registers -------------------------------------------- */

START_TEST(descriptor_in_a_buffer_given_in_registers)
{
	struct spec sp = basic(V11, FFA_MEM_KIND_SHARE, 1);
	uint8_t b[256];
	uint32_t len = build(b, sizeof(b), &sp);
	struct smc_call c;

	start(V11);
	memcpy(fake_guest_mem_at(&ram, DYN, len), b, len);
	c = FFA(FFA_MEM_SHARE_64, len, len, DYN + 0x10, 1); /* misaligned */
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.buffer");
	c = FFA(FFA_MEM_SHARE_64, len, len, DYN, 0); /* no page count */
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	assert_nothing_changed();
	c = FFA(FFA_MEM_SHARE_64, len, len, DYN, 1);
	ck_assert_uint_ne(handle_of(&c), 0);
}
END_TEST

START_TEST(features_report_memory_abis)
{
	static const uint32_t fids[] = {
	    FFA_MEM_SHARE_64,	     FFA_MEM_LEND_32,	 FFA_MEM_DONATE_64,
	    FFA_MEM_RETRIEVE_REQ_64, FFA_MEM_RELINQUISH, FFA_MEM_RECLAIM,
	    FFA_MEM_FRAG_RX,	     FFA_MEM_FRAG_TX,
	};
	struct smc_call c;

	start(V11);
	for (size_t i = 0; i < sizeof(fids) / sizeof(fids[0]); i++) {
		c = FFA(FFA_FEATURES, fids[i]);
		ck_assert_uint_eq(c.out.x[0], FFA_SUCCESS_32);
		ck_assert_uint_eq(c.out.x[2], i < 4 ? 1 : 0);
	}
	c = FFA(FFA_FEATURES, FFA_MEM_RETRIEVE_REQ_64, 1); /* NS bit input */
	ck_assert_uint_eq(c.out.x[0], FFA_SUCCESS_32);
	c = FFA(FFA_FEATURES, FFA_MEM_SHARE_64, 1);
	ASSERT_FFA_ERROR(c, FFA_RET_NOT_SUPPORTED);
}
END_TEST

/* --- Ownership transitions --------------------------------------------------
 */

START_TEST(share_retrieve_check_write_relinquish_reclaim)
{
	struct spec sp = basic(V11, FFA_MEM_KIND_SHARE, 2);
	uint64_t out[5];
	uint64_t h;
	struct smc_call c;

	start(V11);
	memset(fake_guest_mem_at(&ram, PAGES, 0x2000), 0x5a, 0x2000);
	h = send_ok(FFA_MEM_KIND_SHARE, &sp);
	/* Shared: the owner keeps access, the borrower has none yet. */
	ck_assert_int_eq(ffa_mem_page_access(mm(), PAGES, 0),
			 FFA_MEM_ACCESS_RW);
	ck_assert_int_eq(ffa_mem_page_access(mm(), PAGES, SP_ID),
			 FFA_MEM_ACCESS_NONE);
	ck_assert_int_eq(sp_simple(TEST_SP_CHECK, h, 0x5a),
			 FFA_RET_INVALID_PARAMETERS);
	sp_cmd(TEST_SP_RETRIEVE, h, TAG, 0, out);
	ck_assert_int_eq((int64_t)out[0], 0);
	ck_assert_uint_eq(out[1], 2);	  /* pages */
	ck_assert_uint_eq(out[2], PAGES); /* first address */
	ck_assert(ffa_mem_handle_retrieved(mm(), h, SP_ID));
	ck_assert_int_eq(ffa_mem_page_access(mm(), PAGES + 0x1000, SP_ID),
			 FFA_MEM_ACCESS_RW);
	ck_assert_int_eq(sp_simple(TEST_SP_CHECK, h, 0x5a), 0);
	ck_assert_int_eq(sp_simple(TEST_SP_CHECK, h, 0x11), TEST_SP_MISMATCH);
	ck_assert_int_eq(sp_simple(TEST_SP_WRITE, h, 0xa7), 0);
	ck_assert_uint_eq(fake_guest_mem_at(&ram, PAGES + 0x1fff, 1)[0], 0xa7);
	/* Reclaim while the borrower holds it: DENIED, nothing changes. */
	c = FFA(FFA_MEM_RECLAIM, (uint32_t)h, h >> 32, 0);
	ASSERT_FFA_ERROR(c, FFA_RET_DENIED);
	ASSERT_FINDING("ffa.mem.reclaim-while-retrieved");
	ck_assert(ffa_mem_handle_retrieved(mm(), h, SP_ID));
	ck_assert_int_eq(sp_simple(TEST_SP_RELINQUISH, h, 0), 0);
	ck_assert_int_eq(ffa_mem_page_access(mm(), PAGES, SP_ID),
			 FFA_MEM_ACCESS_NONE);
	c = FFA(FFA_MEM_RECLAIM, (uint32_t)h, h >> 32, 0);
	ck_assert_uint_eq(c.out.x[0], FFA_SUCCESS_32);
	ck_assert_uint_eq(ffa_mem_transaction_count(mm()), 0);
	c = FFA(FFA_MEM_RECLAIM, (uint32_t)h, h >> 32, 0);
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.unknown-handle");
}
END_TEST

START_TEST(lend_takes_the_owners_access_and_zeroes_on_retrieve)
{
	struct spec sp = basic(V11, FFA_MEM_KIND_LEND, 1);
	uint64_t out[5];
	uint64_t h;

	start(V11);
	sp.flags = FFA_MEM_FLAG_ZERO;
	memset(fake_guest_mem_at(&ram, PAGES, 0x1000), 0x77, 0x1000);
	h = send_ok(FFA_MEM_KIND_LEND, &sp);
	ck_assert_int_eq(ffa_mem_page_access(mm(), PAGES, 0),
			 FFA_MEM_ACCESS_NONE);
	ck_assert_uint_eq(ffa_mem_page_owner(mm(), PAGES), 0);
	ck_assert_uint_eq(fake_guest_mem_at(&ram, PAGES, 1)[0], 0x77);
	/* The partition's ACCESS command reports what the model says. */
	sp_cmd(TEST_SP_ACCESS, PAGES, 0, 0, out);
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(out[1], FFA_MEM_ACCESS_NONE);
	ck_assert_int_eq(sp_retrieve(h, FFA_MEM_KIND_LEND), 0);
	sp_cmd(TEST_SP_ACCESS, PAGES, SP_ID, 0, out);
	ck_assert_uint_eq(out[1], FFA_MEM_ACCESS_RW);
	ck_assert_int_eq(sp_simple(TEST_SP_CHECK, h, 0), 0); /* zeroed */
	ck_assert_int_eq(sp_simple(TEST_SP_RELINQUISH, h, 0), 0);
	ck_assert_int_eq(ffa_mem_page_access(mm(), PAGES, 0),
			 FFA_MEM_ACCESS_NONE); /* until reclaimed */
	ck_assert_uint_eq(FFA(FFA_MEM_RECLAIM, (uint32_t)h, 0, 0).out.x[0],
			  FFA_SUCCESS_32);
	ck_assert_int_eq(ffa_mem_page_access(mm(), PAGES, 0),
			 FFA_MEM_ACCESS_RW);
}
END_TEST

START_TEST(donate_moves_ownership_and_uses_up_the_handle)
{
	struct spec sp = basic(V11, FFA_MEM_KIND_DONATE, 1);
	uint8_t b[256];
	uint64_t h;
	struct smc_call c;

	start(V11);
	h = send_ok(FFA_MEM_KIND_DONATE, &sp);
	ck_assert_int_eq(sp_retrieve(h, FFA_MEM_KIND_DONATE), 0);
	ck_assert_uint_eq(ffa_mem_page_owner(mm(), PAGES), SP_ID);
	ck_assert_int_eq(ffa_mem_page_access(mm(), PAGES, 0),
			 FFA_MEM_ACCESS_NONE);
	ck_assert(!ffa_mem_handle_state(mm(), h, NULL, NULL, NULL));
	c = FFA(FFA_MEM_RECLAIM, (uint32_t)h, h >> 32, 0);
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	/* The normal world no longer owns the page. */
	sp = basic(V11, FFA_MEM_KIND_SHARE, 1);
	c = send_bytes(FFA_MEM_SHARE_64, b, build(b, sizeof(b), &sp));
	ASSERT_FFA_ERROR(c, FFA_RET_DENIED);
	ASSERT_FINDING("ffa.mem.not-owner");
}
END_TEST

/* --- The owner-access observer (what a backend enforces) ----------------- */

struct owner_event {
	enum ffa_mem_owner_change change;
	uint64_t handle;
	enum ffa_mem_kind kind;
	uint64_t addr;
	uint32_t pages;
};

/* Check fixture state: what the observer heard (STYLE C1). */
static struct owner_event heard[16];
static size_t heard_count;

static void record_owner_access(void *ctx, enum ffa_mem_owner_change change,
				uint64_t handle, enum ffa_mem_kind kind,
				uint64_t addr, uint32_t pages)
{
	ck_assert_ptr_eq(ctx, &heard_count);
	ck_assert_uint_lt(heard_count, 16);
	heard[heard_count++] =
	    (struct owner_event){change, handle, kind, addr, pages};
}

static const struct ffa_mem_observer_ops recorder_ops = {
    .owner_access = record_owner_access,
};

static void listen(void)
{
	struct ffa_mem_observer obs = {&recorder_ops, &heard_count};

	heard_count = 0;
	ffa_mem_observe(mm(), &obs);
}

static void assert_heard(size_t i, enum ffa_mem_owner_change change,
			 uint64_t handle, enum ffa_mem_kind kind,
			 uint64_t addr, uint32_t pages)
{
	ck_assert_uint_lt(i, heard_count);
	ck_assert_int_eq(heard[i].change, change);
	ck_assert_uint_eq(heard[i].handle, handle);
	ck_assert_int_eq(heard[i].kind, kind);
	ck_assert_uint_eq(heard[i].addr, addr);
	ck_assert_uint_eq(heard[i].pages, pages);
}

START_TEST(observer_hears_each_lent_range_until_reclaimed)
{
	struct spec sp = basic(V11, FFA_MEM_KIND_SHARE, 1);
	uint8_t b[256];
	struct smc_call c;
	uint64_t h;

	start(V11);
	listen();
	/* A share leaves the owner's access: nothing to enforce. */
	h = send_ok(FFA_MEM_KIND_SHARE, &sp);
	ck_assert_uint_eq(FFA(FFA_MEM_RECLAIM, (uint32_t)h, 0, 0).out.x[0],
			  FFA_SUCCESS_32);
	ck_assert_uint_eq(heard_count, 0);
	/* A lend of two ranges: one event each, at the send. */
	sp = basic(V11, FFA_MEM_KIND_LEND, 1);
	sp.range_count = 2;
	sp.addr[1] = PAGES + 0x3000;
	sp.pages[1] = 2;
	h = send_ok(FFA_MEM_KIND_LEND, &sp);
	ck_assert_uint_eq(heard_count, 2);
	assert_heard(0, FFA_MEM_OWNER_LOST, h, FFA_MEM_KIND_LEND, PAGES, 1);
	assert_heard(1, FFA_MEM_OWNER_LOST, h, FFA_MEM_KIND_LEND,
		     PAGES + 0x3000, 2);
	/* A refused send of the same pages, retrieve and relinquish: none. */
	c = send_bytes(FFA_MEM_LEND_64, b, build(b, sizeof(b), &sp));
	ASSERT_FFA_ERROR(c, FFA_RET_DENIED);
	ck_assert_int_eq(sp_retrieve(h, FFA_MEM_KIND_LEND), 0);
	ck_assert_int_eq(sp_simple(TEST_SP_RELINQUISH, h, 0), 0);
	ck_assert_uint_eq(heard_count, 2);
	/* The reclaim gives both ranges back. */
	ck_assert_uint_eq(FFA(FFA_MEM_RECLAIM, (uint32_t)h, 0, 0).out.x[0],
			  FFA_SUCCESS_32);
	ck_assert_uint_eq(heard_count, 4);
	assert_heard(2, FFA_MEM_OWNER_REGAINED, h, FFA_MEM_KIND_LEND, PAGES,
		     1);
	assert_heard(3, FFA_MEM_OWNER_REGAINED, h, FFA_MEM_KIND_LEND,
		     PAGES + 0x3000, 2);
	ck_assert_int_eq(ffa_mem_page_access(mm(), PAGES + 0x3000, 0),
			 FFA_MEM_ACCESS_RW);
}
END_TEST

START_TEST(observer_hears_a_donation_for_good)
{
	struct spec sp = basic(V11, FFA_MEM_KIND_DONATE, 1);
	uint64_t h, h2;

	start(V11);
	listen();
	h = send_ok(FFA_MEM_KIND_DONATE, &sp);
	assert_heard(0, FFA_MEM_OWNER_LOST, h, FFA_MEM_KIND_DONATE, PAGES, 1);
	ck_assert_int_eq(sp_retrieve(h, FFA_MEM_KIND_DONATE), 0);
	ck_assert_uint_eq(heard_count, 2);
	assert_heard(1, FFA_MEM_OWNER_DONATED, h, FFA_MEM_KIND_DONATE, PAGES,
		     1);
	/* A donation reclaimed before anyone retrieved it comes back. */
	sp.addr[0] = PAGES + 0x1000;
	h2 = send_ok(FFA_MEM_KIND_DONATE, &sp);
	ck_assert_uint_eq(FFA(FFA_MEM_RECLAIM, (uint32_t)h2, 0, 0).out.x[0],
			  FFA_SUCCESS_32);
	ck_assert_uint_eq(heard_count, 4);
	assert_heard(3, FFA_MEM_OWNER_REGAINED, h2, FFA_MEM_KIND_DONATE,
		     PAGES + 0x1000, 1);
	/* Without an observer nothing is called. */
	ffa_mem_observe(mm(), NULL);
	sp.addr[0] = PAGES + 0x2000;
	send_ok(FFA_MEM_KIND_DONATE, &sp);
	ck_assert_uint_eq(heard_count, 4);
}
END_TEST

START_TEST(sharing_pages_of_a_live_transaction_is_denied)
{
	struct spec sp = basic(V11, FFA_MEM_KIND_SHARE, 2);
	uint8_t b[256];
	struct smc_call c;

	start(V11);
	send_ok(FFA_MEM_KIND_SHARE, &sp);
	sp = basic(V11, FFA_MEM_KIND_LEND, 1);
	sp.addr[0] = PAGES + 0x1000;
	c = send_bytes(FFA_MEM_LEND_64, b, build(b, sizeof(b), &sp));
	ASSERT_FFA_ERROR(c, FFA_RET_DENIED);
	ASSERT_FINDING("ffa.mem.not-owner");
	ck_assert_uint_eq(ffa_mem_transaction_count(mm()), 1);
}
END_TEST

START_TEST(double_retrieve_and_relinquish_without_retrieve_are_denied)
{
	struct spec sp = basic(V11, FFA_MEM_KIND_SHARE, 1);
	uint64_t h;

	start(V11);
	h = send_ok(FFA_MEM_KIND_SHARE, &sp);
	ck_assert_int_eq(sp_simple(TEST_SP_RELINQUISH, h, 0), FFA_RET_DENIED);
	ASSERT_FINDING("ffa.mem.relinquish-not-retrieved");
	ck_assert_int_eq(sp_retrieve(h, FFA_MEM_KIND_SHARE), 0);
	ck_assert_int_eq(sp_retrieve(h, FFA_MEM_KIND_SHARE), FFA_RET_DENIED);
	ASSERT_FINDING("ffa.mem.double-retrieve");
	ck_assert(ffa_mem_handle_retrieved(mm(), h, SP_ID));
}
END_TEST

START_TEST(retrieve_request_rules)
{
	struct spec sp = basic(V11, FFA_MEM_KIND_SHARE, 1);
	uint64_t out[5];
	uint64_t h;

	start(V11);
	h = send_ok(FFA_MEM_KIND_SHARE, &sp);
	sp_cmd(TEST_SP_RETRIEVE, h, TAG + 1, 0, out);
	ck_assert_int_eq((int64_t)out[0], FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.retrieve-tag");
	sp_cmd(TEST_SP_RETRIEVE, h, TAG,
	       (uint64_t)(FFA_MEM_KIND_LEND << FFA_MEM_FLAG_TYPE_SHIFT) << 32,
	       out);
	ck_assert_int_eq((int64_t)out[0], FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.retrieve-type");
	sp_cmd(TEST_SP_RETRIEVE, h, TAG, (uint64_t)FFA_MEM_FLAG_ZERO << 32,
	       out);
	ck_assert_int_eq((int64_t)out[0], FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.zero-on-share");
	sp_cmd(TEST_SP_RETRIEVE, h, TAG, 0x1234, out); /* wrong sender */
	ck_assert_int_eq((int64_t)out[0], FFA_RET_DENIED);
	ASSERT_FINDING("ffa.mem.wrong-sender");
	sp_cmd(TEST_SP_RETRIEVE, h, TAG, (uint64_t)0x06 << 16, out); /* +NX */
	ck_assert_int_eq((int64_t)out[0], FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.permissions");
	sp_cmd(TEST_SP_RETRIEVE, h + 100, TAG, 0, out);
	ck_assert_int_eq((int64_t)out[0], FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.unknown-handle");
	ck_assert(!ffa_mem_handle_retrieved(mm(), h, SP_ID));
}
END_TEST

START_TEST(read_only_share_cannot_be_written_or_retrieved_rw)
{
	struct spec sp = basic(V11, FFA_MEM_KIND_SHARE, 1);
	uint64_t out[5];
	uint64_t h;

	start(V11);
	sp.perms[0] = FFA_MEM_DATA_RO;
	h = send_ok(FFA_MEM_KIND_SHARE, &sp);
	sp_cmd(TEST_SP_RETRIEVE, h, TAG, (uint64_t)FFA_MEM_DATA_RW << 16, out);
	ck_assert_int_eq((int64_t)out[0], FFA_RET_DENIED);
	ASSERT_FINDING("ffa.mem.retrieve-permissions");
	sp_cmd(TEST_SP_RETRIEVE, h, TAG, (uint64_t)FFA_MEM_DATA_RO << 16, out);
	ck_assert_int_eq((int64_t)out[0], 0);
	ck_assert_int_eq(ffa_mem_page_access(mm(), PAGES, SP_ID),
			 FFA_MEM_ACCESS_RO);
	ck_assert_int_eq(sp_simple(TEST_SP_WRITE, h, 1), FFA_RET_DENIED);
}
END_TEST

START_TEST(relinquish_and_reclaim_flag_rules)
{
	struct spec sp = basic(V11, FFA_MEM_KIND_SHARE, 1);
	uint64_t h;
	struct smc_call c;

	start(V11);
	h = send_ok(FFA_MEM_KIND_SHARE, &sp);
	ck_assert_int_eq(sp_retrieve(h, FFA_MEM_KIND_SHARE), 0);
	ck_assert_int_eq(sp_simple(TEST_SP_RELINQUISH, h, FFA_MEM_FLAG_ZERO),
			 FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.zero-on-share");
	ck_assert_int_eq(sp_simple(TEST_SP_RELINQUISH, h, 1u << 4),
			 FFA_RET_INVALID_PARAMETERS);
	ck_assert_int_eq(sp_simple(TEST_SP_RELINQUISH, h, 0), 0);
	c = FFA(FFA_MEM_RECLAIM, (uint32_t)h, h >> 32, FFA_MEM_RECLAIM_ZERO);
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	c = FFA(FFA_MEM_RECLAIM, (uint32_t)h, h >> 32, 4);
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.flags");
	ck_assert_uint_eq(ffa_mem_transaction_count(mm()), 1);
}
END_TEST

/* --- The hypervisor retrieve request (pKVM before every reclaim) ---------- */

static struct smc_call hyp_retrieve(uint64_t handle, uint32_t len)
{
	uint8_t *tx = fake_guest_mem_at(&ram, TX, 48);

	memset(tx, 0, 48);
	put64(tx, 8, handle); /* sender 0, no EMADs, offset 0: as pKVM */
	return FFA(FFA_MEM_RETRIEVE_REQ_64, len, len);
}

START_TEST(hypervisor_retrieve_returns_the_original_descriptor)
{
	struct spec sp = basic(V11, FFA_MEM_KIND_LEND, 3);
	uint8_t *rx;
	uint64_t h;
	struct smc_call c;

	start(V11);
	sp.range_count = 2;
	sp.addr[1] = PAGES + 0x10000;
	sp.pages[1] = 2;
	h = send_ok(FFA_MEM_KIND_LEND, &sp);
	c = hyp_retrieve(h, 48);
	ck_assert_uint_eq(c.out.x[0], FFA_MEM_RETRIEVE_RESP);
	ck_assert_uint_eq(c.out.x[1], 48 + 16 + 16 + 2 * 16);
	ck_assert_uint_eq(c.out.x[2], c.out.x[1]);
	rx = fake_guest_mem_at(&ram, RX, 112);
	ck_assert_uint_eq(get32(rx, 28), 1); /* all EMADs */
	ck_assert_uint_eq(get32(rx, 48) & 0xffff, SP_ID);
	ck_assert_uint_eq(get32(rx, 52), 64); /* composite */
	ck_assert_uint_eq(get32(rx, 64), 5);  /* pages */
	ck_assert_uint_eq(get32(rx, 68), 2);  /* ranges */
	ck_assert_uint_eq(get32(rx, 96), (uint32_t)(PAGES + 0x10000));
	/* Not a borrower retrieve; RX now belongs to the caller. */
	ck_assert(!ffa_mem_handle_retrieved(mm(), h, SP_ID));
	c = hyp_retrieve(h, 48);
	ASSERT_FFA_ERROR(c, FFA_RET_BUSY);
	ASSERT_FINDING("ffa.mem.rx-busy");
	ck_assert_uint_eq(FFA(FFA_RX_RELEASE).out.x[0], FFA_SUCCESS_32);
	c = FFA(FFA_MEM_RECLAIM, (uint32_t)h, h >> 32, 0);
	ck_assert_uint_eq(c.out.x[0], FFA_SUCCESS_32);
}
END_TEST

START_TEST(hypervisor_retrieve_rules)
{
	struct spec sp = basic(V11, FFA_MEM_KIND_SHARE, 1);
	uint64_t h;
	struct smc_call c;

	start(V11);
	h = send_ok(FFA_MEM_KIND_SHARE, &sp);
	c = hyp_retrieve(h, 64); /* more than the header */
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.retrieve-length");
	c = hyp_retrieve(h, 32); /* shorter than a v1.1 header */
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	c = hyp_retrieve(h ^ 0x40, 48);
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.unknown-handle");
	c = FFA(FFA_MEM_RETRIEVE_REQ_64, 48, 32); /* fragmented request */
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
}
END_TEST

/* --- Fragmentation -------------------------------------------------------- */

/* 300 constituents: 4880 bytes, more than the 4 KiB TX. */
static struct spec many_ranges(void)
{
	struct spec sp = basic(V11, FFA_MEM_KIND_SHARE, 1);

	sp.range_count = 300;
	for (size_t i = 0; i < sp.range_count; i++) {
		sp.addr[i] = PAGES + i * 0x2000; /* every other page */
		sp.pages[i] = 1;
	}
	return sp;
}

START_TEST(fragmented_send_and_fragmented_hypervisor_retrieve)
{
	struct spec sp = many_ranges();
	uint8_t b[8192];
	uint32_t len = build(b, sizeof(b), &sp);
	uint64_t h;
	struct smc_call c;

	start(V11);
	ck_assert_uint_eq(len, 4880);
	memcpy(fake_guest_mem_at(&ram, TX, 4096), b, 4096);
	c = FFA(FFA_MEM_SHARE_64, len, 4096);
	ck_assert_uint_eq(c.out.x[0], FFA_MEM_FRAG_RX);
	ck_assert_uint_eq(c.out.x[3], 4096);
	h = (uint32_t)c.out.x[1] | c.out.x[2] << 32;
	ck_assert_uint_eq(ffa_mem_page_access(mm(), PAGES, SP_ID),
			  FFA_MEM_ACCESS_NONE);
	/* Not complete: a borrower cannot retrieve it yet. */
	ck_assert_int_eq(sp_retrieve(h, FFA_MEM_KIND_SHARE), FFA_RET_DENIED);
	memcpy(fake_guest_mem_at(&ram, TX, len - 4096), b + 4096, len - 4096);
	c = FFA(FFA_MEM_FRAG_TX, (uint32_t)h, h >> 32, len - 4096);
	ck_assert_uint_eq(handle_of(&c), h);
	/* The borrower's retrieve response is fragmented too. */
	ck_assert_int_eq(sp_retrieve(h, FFA_MEM_KIND_SHARE), 0);
	ck_assert_int_eq(ffa_mem_page_access(mm(), PAGES + 299 * 0x2000, SP_ID),
			 FFA_MEM_ACCESS_RW);
	ck_assert_int_eq(sp_simple(TEST_SP_RELINQUISH, h, 0), 0);
	/* pKVM's reclaim: hypervisor retrieve, RX_RELEASE, FRAG_RX, ... */
	c = hyp_retrieve(h, 48);
	ck_assert_uint_eq(c.out.x[0], FFA_MEM_RETRIEVE_RESP);
	ck_assert_uint_eq(c.out.x[1], len);
	ck_assert_uint_eq(c.out.x[2], 4096);
	c = FFA(FFA_MEM_FRAG_RX, (uint32_t)h, h >> 32, 4096);
	ASSERT_FFA_ERROR(c, FFA_RET_BUSY); /* RX not released */
	ck_assert_uint_eq(FFA(FFA_RX_RELEASE).out.x[0], FFA_SUCCESS_32);
	c = FFA(FFA_MEM_FRAG_RX, (uint32_t)h, h >> 32, 100);
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.frag-offset");
	c = FFA(FFA_MEM_FRAG_RX, (uint32_t)h, h >> 32, 4096);
	ck_assert_uint_eq(c.out.x[0], FFA_MEM_FRAG_TX);
	ck_assert_uint_eq(c.out.x[3], len - 4096);
	ck_assert_int_eq(memcmp(fake_guest_mem_at(&ram, RX, len - 4096),
				b + 4096, len - 4096),
			 0);
	ck_assert_uint_eq(FFA(FFA_RX_RELEASE).out.x[0], FFA_SUCCESS_32);
	c = FFA(FFA_MEM_RECLAIM, (uint32_t)h, h >> 32, 0);
	ck_assert_uint_eq(c.out.x[0], FFA_SUCCESS_32);
}
END_TEST

START_TEST(bad_fragment_aborts_the_transmission)
{
	struct spec sp = many_ranges();
	uint8_t b[8192];
	uint32_t len = build(b, sizeof(b), &sp);
	uint64_t h;
	struct smc_call c;

	start(V11);
	memcpy(fake_guest_mem_at(&ram, TX, 4096), b, 4096);
	c = FFA(FFA_MEM_SHARE_64, len, 4096);
	h = (uint32_t)c.out.x[1] | c.out.x[2] << 32;
	c = FFA(FFA_MEM_FRAG_TX, (uint32_t)h + 1, h >> 32, len - 4096);
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.frag-unknown-handle");
	ck_assert_uint_eq(ffa_mem_transaction_count(mm()), 1);
	c = FFA(FFA_MEM_FRAG_TX, (uint32_t)h, h >> 32, len); /* too long */
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.frag-length");
	assert_nothing_changed();
}
END_TEST

START_TEST(overlap_found_in_a_later_fragment_is_refused)
{
	struct spec sp = many_ranges();
	uint8_t b[8192];
	uint32_t len = build(b, sizeof(b), &sp);
	uint64_t h;
	struct smc_call c;

	start(V11);
	/* The last constituent overlaps the first: found at completion. */
	put64(b, len - 16, PAGES);
	memcpy(fake_guest_mem_at(&ram, TX, 4096), b, 4096);
	c = FFA(FFA_MEM_SHARE_64, len, 4096);
	h = (uint32_t)c.out.x[1] | c.out.x[2] << 32;
	memcpy(fake_guest_mem_at(&ram, TX, len - 4096), b + 4096, len - 4096);
	c = FFA(FFA_MEM_FRAG_TX, (uint32_t)h, h >> 32, len - 4096);
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.constituent-overlap");
	assert_nothing_changed();
}
END_TEST

START_TEST(reclaim_aborts_an_incomplete_transmission)
{
	struct spec sp = many_ranges();
	uint8_t b[8192];
	uint32_t len = build(b, sizeof(b), &sp);
	uint64_t h;
	struct smc_call c;

	start(V11);
	memcpy(fake_guest_mem_at(&ram, TX, 4096), b, 4096);
	c = FFA(FFA_MEM_SHARE_64, len, 4096);
	h = (uint32_t)c.out.x[1] | c.out.x[2] << 32;
	c = FFA(FFA_MEM_RECLAIM, (uint32_t)h, h >> 32, 0); /* pKVM abort */
	ck_assert_uint_eq(c.out.x[0], FFA_SUCCESS_32);
	assert_nothing_changed();
}
END_TEST

START_TEST(memory_calls_need_a_negotiated_version_and_zero_registers)
{
	struct smc_call c = FFA(FFA_MEM_RECLAIM, 1, 0, 0);

	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS); /* before VERSION */
	start(V11);
	c = FFA(FFA_MEM_RECLAIM, 1, 0, 0, 7); /* x4 must be zero */
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
	ck_assert_ptr_nonnull(findings_find(&findings, "ffa.mbz-not-zero"));
}
END_TEST

/* --- Calls made directly as a partition (host mailbox) ------------------- */

/* A partition's own mailbox, as models/test_sp.c has one. */
struct raw_sp {
	uint8_t tx[4096];
	uint8_t rx[4096];
	struct ffa_mem_mailbox mb;
	struct ffa_mem_caller c;
};

static void raw_init(struct raw_sp *r, uint16_t id, uint32_t version)
{
	memset(r, 0, sizeof(*r));
	r->mb = (struct ffa_mem_mailbox){.mapped = true,
					 .tx_host = r->tx,
					 .rx_host = r->rx,
					 .size = sizeof(r->tx)};
	r->c =
	    (struct ffa_mem_caller){.id = id, .version = version, .mb = &r->mb};
}

static struct smccc_regs raw_call(struct raw_sp *r, struct smccc_regs in)
{
	struct smccc_regs out;

	ffa_mem_call(mm(), &r->c, &in, &out);
	return out;
}

/* A v1.1 retrieve request naming `count` receivers (the first = caller). */
static uint32_t raw_request(struct raw_sp *r, uint64_t handle,
			    const uint16_t *ids, uint32_t count, uint8_t perms,
			    uint32_t flags)
{
	uint32_t len = 48 + 16 * count;

	memset(r->tx, 0, len);
	put32(r->tx, 4, flags);
	put64(r->tx, 8, handle);
	put64(r->tx, 16, TAG);
	put32(r->tx, 24, 16);
	put32(r->tx, 28, count);
	put32(r->tx, 32, 48);
	for (uint32_t i = 0; i < count; i++) {
		put16(r->tx, 48 + 16 * i, ids[i]);
		r->tx[48 + 16 * i + 2] = perms;
	}
	return len;
}

START_TEST(raw_partition_retrieve_rules)
{
	struct spec sp = basic(V11, FFA_MEM_KIND_SHARE, 1);
	static const uint16_t both[2] = {SP_ID, SP2_ID};
	static const uint16_t other[2] = {SP2_ID, SP_ID};
	struct raw_sp r;
	struct smccc_regs out;
	uint64_t h;
	uint32_t len;

	start(V11);
	sp.receiver_count = 2;
	sp.receivers[1] = SP2_ID;
	sp.perms[1] = FFA_MEM_DATA_RO;
	h = send_ok(FFA_MEM_KIND_SHARE, &sp);
	raw_init(&r, SP2_ID, V11);
	/* Without the v1.2 bypass flag every borrower must be listed. */
	len = raw_request(&r, h, both + 1, 1, FFA_MEM_DATA_RO, 0);
	out = raw_call(
	    &r, (struct smccc_regs){.x = {FFA_MEM_RETRIEVE_REQ_32, len, len}});
	ck_assert_uint_eq(out.x[0], FFA_ERROR);
	ck_assert_int_eq((int32_t)out.x[2], FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.retrieve-receivers");
	/* The bypass flag needs v1.2. */
	len = raw_request(&r, h, both + 1, 1, FFA_MEM_DATA_RO, 1u << 10);
	out = raw_call(
	    &r, (struct smccc_regs){.x = {FFA_MEM_RETRIEVE_REQ_64, len, len}});
	ck_assert_int_eq((int32_t)out.x[2], FFA_RET_INVALID_PARAMETERS);
	/* No EMAD: a hypervisor retrieve, which partitions may not make. */
	len = raw_request(&r, h, both, 0, 0, 0);
	out = raw_call(
	    &r, (struct smccc_regs){.x = {FFA_MEM_RETRIEVE_REQ_64, len, len}});
	ck_assert_int_eq((int32_t)out.x[2], FFA_RET_INVALID_PARAMETERS);
	/* Both listed, in another order: accepted, RO as the sender gave. */
	len = raw_request(&r, h, other, 2, 0, 0);
	out = raw_call(
	    &r, (struct smccc_regs){.x = {FFA_MEM_RETRIEVE_REQ_64, len, len}});
	ck_assert_uint_eq(out.x[0], FFA_MEM_RETRIEVE_RESP);
	ck_assert(r.mb.rx_filled);
	ck_assert_uint_eq(get32(r.rx, 28), 1); /* only the caller's EMAD */
	ck_assert_uint_eq(r.rx[48] | r.rx[49] << 8, SP2_ID);
	ck_assert_uint_eq(
	    r.rx[50], FFA_MEM_DATA_RO | FFA_MEM_INSN_NX << FFA_MEM_INSN_SHIFT);
	ck_assert_uint_eq(get32(r.rx, 2) & 0xffff,
			  FFA_MEM_ATTR_NORMAL_WB_INNER | FFA_MEM_ATTR_NS);
	ck_assert_uint_eq((get32(r.rx, 4) >> 3) & 3, FFA_MEM_KIND_SHARE);
	ck_assert_int_eq(ffa_mem_page_access(mm(), PAGES, SP2_ID),
			 FFA_MEM_ACCESS_RO);
	/* A one-fragment response leaves nothing for FRAG_RX. */
	r.mb.rx_busy = true;
	out = raw_call(&r, (struct smccc_regs){.x = {FFA_MEM_FRAG_RX,
						     (uint32_t)h, h >> 32, 0}});
	ck_assert_uint_eq(out.x[0], FFA_ERROR);
	ASSERT_FINDING("ffa.mem.frag-unknown-handle");
}
END_TEST

START_TEST(raw_partition_relinquish_and_reclaim_rules)
{
	struct spec sp = basic(V11, FFA_MEM_KIND_LEND, 1);
	struct raw_sp r;
	struct smccc_regs out;
	uint64_t h;

	start(V11);
	h = send_ok(FFA_MEM_KIND_LEND, &sp);
	raw_init(&r, SP2_ID, V11);
	/* Relinquish: exactly the caller must be listed. */
	memset(r.tx, 0, 32);
	put64(r.tx, 0, h);
	put32(r.tx, 12, 2);
	put16(r.tx, 16, SP2_ID);
	out = raw_call(&r, (struct smccc_regs){.x = {FFA_MEM_RELINQUISH}});
	ck_assert_int_eq((int32_t)out.x[2], FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.relinquish-endpoints");
	/* A partition that is no borrower of the handle. */
	put32(r.tx, 12, 1);
	out = raw_call(&r, (struct smccc_regs){.x = {FFA_MEM_RELINQUISH}});
	ck_assert_int_eq((int32_t)out.x[2], FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.mem.relinquish-not-borrower");
	/* Only the owner reclaims. */
	out = raw_call(&r, (struct smccc_regs){
			       .x = {FFA_MEM_RECLAIM, (uint32_t)h, h >> 32}});
	ck_assert_int_eq((int32_t)out.x[2], FFA_RET_DENIED);
	ASSERT_FINDING("ffa.mem.reclaim-not-owner");
	/* The refused calls changed nothing: the borrower still retrieves. */
	ck_assert_int_eq(sp_retrieve(h, FFA_MEM_KIND_LEND), 0);
	ck_assert_uint_eq(ffa_mem_transaction_count(mm()), 1);
}
END_TEST

START_TEST(zeroing_the_lender_did_not_allow_is_denied)
{
	struct spec sp = basic(V11, FFA_MEM_KIND_LEND, 1);
	uint64_t out[5];
	uint64_t h;

	start(V11);
	h = send_ok(FFA_MEM_KIND_LEND, &sp); /* no zero flag */
	sp_cmd(TEST_SP_RETRIEVE, h, TAG,
	       (uint64_t)(FFA_MEM_FLAG_ZERO | FFA_MEM_KIND_LEND
						  << FFA_MEM_FLAG_TYPE_SHIFT)
		   << 32,
	       out);
	ck_assert_int_eq((int64_t)out[0], FFA_RET_DENIED);
	ASSERT_FINDING("ffa.mem.retrieve-zero");
	ck_assert(!ffa_mem_handle_retrieved(mm(), h, SP_ID));
}
END_TEST

START_TEST(smc32_share_with_the_descriptor_in_registers)
{
	struct spec sp = basic(V11, FFA_MEM_KIND_SHARE, 1);
	uint8_t b[256];
	uint32_t len = build(b, sizeof(b), &sp);
	struct smc_call c;

	start(V11);
	memcpy(fake_guest_mem_at(&ram, DYN, len), b, len);
	/* The upper half of x3 is not part of an SMC32 call. */
	c = FFA(FFA_MEM_SHARE_32, len, len, DYN | UINT64_C(0xdead) << 32, 1);
	ck_assert_uint_ne(handle_of(&c), 0);
}
END_TEST

Suite *ffa_mem_suite(void);

Suite *ffa_mem_suite(void)
{
	Suite *s = suite_create("ffa_mem");
	TCase *tc = tcase_create("send");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(
	    tc, invalid_share_descriptor_is_refused_and_changes_nothing, 0,
	    (int)(sizeof(send_mutations) / sizeof(send_mutations[0])));
	tcase_add_test(tc, bad_lengths_are_refused);
	tcase_add_test(tc, share_without_tx_is_refused);
	tcase_add_test(tc, overlapping_constituents_are_refused);
	tcase_add_test(tc, duplicate_receiver_is_refused);
	tcase_add_test(tc, lend_and_donate_rules);
	tcase_add_test(tc, descriptor_in_a_buffer_given_in_registers);
	tcase_add_test(tc, features_report_memory_abis);
	tcase_add_test(
	    tc, memory_calls_need_a_negotiated_version_and_zero_registers);
	suite_add_tcase(s, tc);

	tc = tcase_create("layouts");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, v1_0_layout_is_accepted_after_negotiating_v1_0);
	tcase_add_test(tc,
		       v1_0_layout_after_negotiating_v1_1_is_a_layout_mismatch);
	tcase_add_test(tc,
		       v1_1_layout_after_negotiating_v1_0_is_a_layout_mismatch);
	tcase_add_test(tc, v1_2_accepts_32_byte_emads_v1_1_does_not);
	suite_add_tcase(s, tc);

	tc = tcase_create("ownership");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, share_retrieve_check_write_relinquish_reclaim);
	tcase_add_test(tc, lend_takes_the_owners_access_and_zeroes_on_retrieve);
	tcase_add_test(tc, donate_moves_ownership_and_uses_up_the_handle);
	tcase_add_test(tc, observer_hears_each_lent_range_until_reclaimed);
	tcase_add_test(tc, observer_hears_a_donation_for_good);
	tcase_add_test(tc, sharing_pages_of_a_live_transaction_is_denied);
	tcase_add_test(
	    tc, double_retrieve_and_relinquish_without_retrieve_are_denied);
	tcase_add_test(tc, retrieve_request_rules);
	tcase_add_test(tc, read_only_share_cannot_be_written_or_retrieved_rw);
	tcase_add_test(tc, relinquish_and_reclaim_flag_rules);
	tcase_add_test(tc, zeroing_the_lender_did_not_allow_is_denied);
	tcase_add_test(tc, raw_partition_retrieve_rules);
	tcase_add_test(tc, raw_partition_relinquish_and_reclaim_rules);
	tcase_add_test(tc, smc32_share_with_the_descriptor_in_registers);
	suite_add_tcase(s, tc);

	tc = tcase_create("hypervisor-retrieve");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, hypervisor_retrieve_returns_the_original_descriptor);
	tcase_add_test(tc, hypervisor_retrieve_rules);
	suite_add_tcase(s, tc);

	tc = tcase_create("fragments");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, fragmented_send_and_fragmented_hypervisor_retrieve);
	tcase_add_test(tc, bad_fragment_aborts_the_transmission);
	tcase_add_test(tc, overlap_found_in_a_later_fragment_is_refused);
	tcase_add_test(tc, reclaim_aborts_an_incomplete_transmission);
	suite_add_tcase(s, tc);
	return s;
}
