/*
 * libFuzzer target: the FF-A memory transaction descriptor parser and the
 * memory-management state behind it (models/ffa_mem.c, ffa_mem_desc.c),
 * driven through the SPMC (models/spmc.c) by a hostile normal world and
 * directly as the scripted test partition (models/test_sp.c).
 *
 * Input layout (tests/fuzz/input.h reads zeros past the end):
 *   u8 setup     bits 1:0 the negotiated version (1.0, 1.1, 1.2, 1.2)
 *   then up to MAX_OPS operations, each starting with u8 op % 10:
 *   0 TX write       u16 offset, u16 length, bytes (into the NWd TX page)
 *   1 send           u8 kind (share, lend, donate) | bit 7 SMC32, u16
 *                    total, u16 fragment length, u8 in registers (the
 *                    buffer at DYN, one page, when odd)
 *   2 FRAG_TX        u16 length (the last handle)
 *   3 retrieve       u16 length: FFA_MEM_RETRIEVE_REQ from the NWd (a
 *                    hypervisor retrieve when the EMAD count is 0)
 *   4 FRAG_RX        u16 offset
 *   5 RX_RELEASE
 *   6 RECLAIM        u8 flags
 *   7 SP command     u8 command, u64 x4, u64 x5, u64 x6 (x4 = the last
 *                    handle when the command byte has bit 7 set)
 *   8 SP raw call    u8 which (retrieve, relinquish, FRAG_RX), u16 length,
 *                    bytes: a descriptor from the partition's own TX
 *   9 pattern        u8 byte: fill the shared pages (the NWd writes)
 *
 * Properties checked after each call: the reply is a shape these ABIs
 * have, an FFA_ERROR carries a defined code, and an FFA_ERROR from a send,
 * a retrieve or a relinquish leaves every transaction and the owner and
 * access of every tracked page unchanged (an invalid descriptor never
 * changes ownership state); a fragment error may only drop its own
 * incomplete transaction.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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
#include "tests/fuzz/checks.h"
#include "tests/fuzz/input.h"

#define TARGET "fuzz_ffa_mem"
#define RAM_BASE UINT64_C(0x40000000)
#define RAM_SIZE UINT64_C(0x200000)
#define TX (RAM_BASE + 0x1000)
#define RX (RAM_BASE + 0x2000)
#define DYN (RAM_BASE + 0x3000)
#define SHARED (RAM_BASE + 0x10000) /* the pages descriptors point at */
#define TRACKED 32		    /* pages whose state is compared */
#define SP_ID 0x8001
#define SP2_ID 0x8002
#define MAX_OPS 48

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct mem_fuzz {
	struct fake_guest_mem ram;
	struct findings findings;
	struct spmc_config cfg;
	struct spmc spmc;
	uint64_t last_handle;
	uint8_t sp_tx[FFA_MEM_PAGE_SIZE]; /* the raw partition's mailbox */
	uint8_t sp_rx[FFA_MEM_PAGE_SIZE];
};

/* What "state" means for the unchanged-on-error property. */
struct snapshot {
	size_t transactions;
	uint16_t owner[TRACKED];
	uint8_t access[TRACKED][3];
};

static const uint16_t endpoints[3] = {0, SP_ID, SP2_ID};

static void snap(const struct mem_fuzz *f, struct snapshot *s)
{
	const struct ffa_mem *m = spmc_memory(&f->spmc);

	s->transactions = ffa_mem_transaction_count(m);
	for (size_t p = 0; p < TRACKED; p++) {
		uint64_t pa = SHARED + p * FFA_MEM_PAGE_SIZE;

		s->owner[p] = ffa_mem_page_owner(m, pa);
		for (size_t e = 0; e < 3; e++) {
			s->access[p][e] =
			    (uint8_t)ffa_mem_page_access(m, pa, endpoints[e]);
		}
	}
}

static void add_partition(struct spmc_config *cfg, uint16_t id,
			  enum sp_model model)
{
	struct spmc_partition_config *p =
	    &cfg->partitions[cfg->partition_count++];

	memset(p, 0, sizeof(*p));
	p->id = id;
	p->uuid = (struct ffa_uuid){{id, 1, 2, 3}};
	p->properties = FFA_PART_PROP_DIRECT_REQ_RECV |
			FFA_PART_PROP_NOTIFICATION_RECV | FFA_PART_PROP_AARCH64;
	p->exec_ctx_count = 1;
	p->model = model;
}

static struct smc_call call(struct mem_fuzz *f, struct smccc_regs in)
{
	struct smc_call c;

	memset(&c, 0, sizeof(c));
	c.in = in;
	c.out = in;
	c.action = SMC_ACTION_RETURN;
	spmc_handle(&f->spmc, &c);
	return c;
}

static void check_reply(const struct smccc_regs *out)
{
	uint64_t x0 = out->x[0];

	if (fuzz_verbose()) {
		fprintf(stderr,
			"  -> x0=0x%llx x1=0x%llx x2=0x%llx x3=0x%llx\n",
			(unsigned long long)x0, (unsigned long long)out->x[1],
			(unsigned long long)out->x[2],
			(unsigned long long)out->x[3]);
	}
	if (x0 == FFA_ERROR) {
		int32_t code = (int32_t)out->x[2];

		if (code > -1 || code < -10) {
			fuzz_check_failed(TARGET,
					  "FFA_ERROR with an "
					  "undefined code");
		}
		return;
	}
	if (x0 != FFA_SUCCESS_32 && x0 != FFA_MEM_FRAG_RX &&
	    x0 != FFA_MEM_FRAG_TX && x0 != FFA_MEM_RETRIEVE_RESP &&
	    x0 != FFA_MSG_SEND_DIRECT_RESP_64 && x0 != FFA_VERSION_1_2 &&
	    x0 != FFA_VERSION_1_1 && x0 != FFA_VERSION_1_0) {
		fuzz_check_failed(TARGET, "a reply no memory ABI has");
	}
}

static void check_unchanged(const struct mem_fuzz *f,
			    const struct snapshot *before, bool may_drop_one)
{
	struct snapshot after;

	snap(f, &after);
	if (after.transactions != before->transactions &&
	    !(may_drop_one && after.transactions + 1 == before->transactions)) {
		fuzz_check_failed(TARGET, "an error changed the transactions");
	}
	if (memcmp(after.owner, before->owner, sizeof(after.owner)) != 0 ||
	    memcmp(after.access, before->access, sizeof(after.access)) != 0) {
		fuzz_check_failed(TARGET,
				  "an error changed page ownership or "
				  "access");
	}
}

static uint64_t handle_from(const struct smccc_regs *out)
{
	if (out->x[0] == FFA_SUCCESS_32) {
		return (uint32_t)out->x[2] | out->x[3] << 32;
	}
	return (uint32_t)out->x[1] | out->x[2] << 32; /* FRAG_RX */
}

static void write_bytes(struct mem_fuzz *f, struct fuzz_input *in,
			uint64_t base, uint16_t off, uint16_t len)
{
	off %= FFA_MEM_PAGE_SIZE;
	if (len > FFA_MEM_PAGE_SIZE - off) {
		len = (uint16_t)(FFA_MEM_PAGE_SIZE - off);
	}
	for (uint16_t i = 0; i < len; i++) {
		fake_guest_mem_at(&f->ram, base + off + i, 1)[0] =
		    fuzz_input_u8(in);
	}
}

static void op_send(struct mem_fuzz *f, struct fuzz_input *in)
{
	static const uint32_t fids[3] = {FFA_MEM_SHARE_64, FFA_MEM_LEND_64,
					 FFA_MEM_DONATE_64};
	uint8_t k = fuzz_input_u8(in);
	uint32_t fid = fids[(k & 0x7f) % 3];
	uint16_t total = fuzz_input_u16(in);
	uint16_t frag = fuzz_input_u16(in);
	bool dyn = (fuzz_input_u8(in) & 1) != 0;
	struct snapshot before;
	struct smc_call c;

	if ((k & 0x80) != 0) {
		fid &= ~UINT32_C(0x40000000); /* the SMC32 form */
	}
	if (dyn) {
		memcpy(fake_guest_mem_at(&f->ram, DYN, FFA_MEM_PAGE_SIZE),
		       fake_guest_mem_at(&f->ram, TX, FFA_MEM_PAGE_SIZE),
		       FFA_MEM_PAGE_SIZE);
	}
	snap(f, &before);
	c = call(f, (struct smccc_regs){
			.x = {fid, total, frag, dyn ? DYN : 0, dyn ? 1 : 0}});
	check_reply(&c.out);
	if (c.out.x[0] == FFA_ERROR) {
		check_unchanged(f, &before, false);
	} else {
		f->last_handle = handle_from(&c.out);
	}
}

static void op_sp_raw(struct mem_fuzz *f, struct fuzz_input *in)
{
	static const uint32_t fids[3] = {FFA_MEM_RETRIEVE_REQ_64,
					 FFA_MEM_RELINQUISH, FFA_MEM_FRAG_RX};
	uint32_t fid = fids[fuzz_input_u8(in) % 3];
	uint16_t len = fuzz_input_u16(in) % (FFA_MEM_PAGE_SIZE + 1);
	struct ffa_mem_mailbox mb = {
	    .mapped = true,
	    .tx_host = f->sp_tx,
	    .rx_host = f->sp_rx,
	    .size = FFA_MEM_PAGE_SIZE,
	};
	struct ffa_mem_caller c = {
	    .id = SP_ID, .version = FFA_VERSION_1_2, .mb = &mb};
	struct smccc_regs regs = {.x = {fid, len, len}};
	struct smccc_regs out;
	struct snapshot before;

	memset(f->sp_tx, 0, sizeof(f->sp_tx));
	for (uint16_t i = 0; i < len; i++) {
		f->sp_tx[i] = fuzz_input_u8(in);
	}
	if (fid == FFA_MEM_FRAG_RX) {
		regs.x[1] = (uint32_t)f->last_handle;
		regs.x[2] = f->last_handle >> 32;
		regs.x[3] = len;
	}
	snap(f, &before);
	ffa_mem_call(spmc_memory(&f->spmc), &c, &regs, &out);
	check_reply(&out);
	if (out.x[0] == FFA_ERROR) {
		check_unchanged(f, &before, false);
	}
}

static void run_op(struct mem_fuzz *f, struct fuzz_input *in, uint8_t op)
{
	struct snapshot before;
	struct smc_call c;
	uint64_t h = f->last_handle;

	switch (op % 10) {
	case 0: {
		uint16_t off = fuzz_input_u16(in);

		write_bytes(f, in, TX, off, fuzz_input_u16(in));
		return;
	}
	case 1:
		op_send(f, in);
		return;
	case 2:
		snap(f, &before);
		c = call(
		    f, (struct smccc_regs){.x = {FFA_MEM_FRAG_TX, (uint32_t)h,
						 h >> 32, fuzz_input_u16(in)}});
		if (c.out.x[0] == FFA_ERROR) {
			check_unchanged(f, &before, true);
		}
		break;
	case 3: {
		uint16_t len = fuzz_input_u16(in);

		snap(f, &before);
		c = call(f, (struct smccc_regs){
				.x = {FFA_MEM_RETRIEVE_REQ_64, len, len}});
		if (c.out.x[0] == FFA_ERROR) {
			check_unchanged(f, &before, false);
		}
		break;
	}
	case 4:
		c = call(
		    f, (struct smccc_regs){.x = {FFA_MEM_FRAG_RX, (uint32_t)h,
						 h >> 32, fuzz_input_u16(in)}});
		break;
	case 5:
		c = call(f, (struct smccc_regs){.x = {FFA_RX_RELEASE}});
		break;
	case 6:
		c = call(f, (struct smccc_regs){.x = {FFA_MEM_RECLAIM,
						      (uint32_t)h, h >> 32,
						      fuzz_input_u8(in) & 7}});
		break;
	case 7: {
		uint8_t cmd = fuzz_input_u8(in);
		uint64_t x4 = fuzz_input_u64(in);
		uint64_t x5 = fuzz_input_u64(in);
		uint64_t x6 = fuzz_input_u64(in);

		c = call(f, (struct smccc_regs){
				.x = {FFA_MSG_SEND_DIRECT_REQ_64,
				      ffa_endpoints(0, SP_ID), 0, cmd & 0x7f,
				      (cmd & 0x80) ? h : x4, x5, x6}});
		break;
	}
	case 8:
		op_sp_raw(f, in);
		return;
	default:
		memset(fake_guest_mem_at(&f->ram, SHARED,
					 TRACKED * FFA_MEM_PAGE_SIZE),
		       fuzz_input_u8(in), TRACKED * FFA_MEM_PAGE_SIZE);
		return;
	}
	check_reply(&c.out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t versions[4] = {FFA_VERSION_1_0, FFA_VERSION_1_1,
					     FFA_VERSION_1_2, FFA_VERSION_1_2};
	struct fuzz_input in = fuzz_input_init(data, size);
	struct mem_fuzz f;
	uint8_t setup = fuzz_input_u8(&in);
	struct smc_call c;

	memset(&f, 0, sizeof(f));
	fake_guest_mem_init(&f.ram, RAM_BASE, RAM_SIZE);
	findings_init(&f.findings);
	spmc_config_default(&f.cfg);
	f.cfg.partition_count = 0;
	add_partition(&f.cfg, SP_ID, SP_MODEL_TEST);
	add_partition(&f.cfg, SP2_ID, SP_MODEL_ECHO);
	spmc_init(&f.spmc, &f.cfg, &f.ram.mem, &f.findings, NULL);
	c = call(&f,
		 (struct smccc_regs){.x = {FFA_VERSION, versions[setup & 3]}});
	check_reply(&c.out);
	c = call(&f, (struct smccc_regs){.x = {FFA_RXTX_MAP_64, TX, RX, 1}});
	if (c.out.x[0] != FFA_SUCCESS_32) {
		fuzz_check_failed(TARGET, "RXTX_MAP of valid buffers failed");
	}
	for (int i = 0; i < MAX_OPS && !fuzz_input_empty(&in); i++) {
		uint8_t op = fuzz_input_u8(&in);

		if (fuzz_verbose()) {
			fprintf(stderr, "op %u\n", op % 10);
		}
		run_op(&f, &in, op);
	}
	spmc_free(&f.spmc);
	findings_free(&f.findings);
	fake_guest_mem_free(&f.ram);
	return 0;
}
