/*
 * libFuzzer target: the FF-A dispatcher (models/spmc.c, spmc_handle()) with
 * the MM partition behind it, fed sequences of register bundles and buffer
 * contents as hostile normal-world firmware would produce them.
 *
 * Input layout (tests/fuzz/input.h reads zeros past the end):
 *   u8 setup     bits 1:0 the SPMC's highest version (1.0, 1.1, 1.2);
 *                bit 2 a second partition (echo, properties from the next
 *                byte); bit 3 64 KiB (or, with bit 6, 16 KiB) RX/TX
 *                granule; bit 4 one fault-injection rule; bit 5 trace
 *                events; bit 6 see bit 3; bit 7 the MM partition has no
 *                store attached
 *   [u8 properties] [rule: u8 kind, u8 code, u8 on, u8 flags]
 *   then up to MAX_OPS operations, each starting with u8 op:
 *   op >= 0xe0   a write into guest memory: op bits 1:0 choose TX, RX,
 *                the MM shared buffer or any RAM; u16 offset, u8 length,
 *                bytes
 *   otherwise    an SMC: u8 selector (mostly a row of the SPMC's ABI
 *                table via spmc_abi_fid(), else any FF-A number or any
 *                32-bit value), 5 bytes of tags (2 bits per register
 *                x1..x17: zero, a small value, an interesting value
 *                from a table, or 8 raw bytes), then the values
 *
 * Properties checked after each call: x0 is a shape FF-A has, an FFA_ERROR
 * carries a defined code (unless injected), SMC32 calls preserve
 * x8..x17, a mapped RX/TX pair is normal RAM, and the variable store keeps
 * its invariants.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/ffa.h"
#include "abi/smccc.h"
#include "common/finding.h"
#include "common/strbuf.h"
#include "common/trace.h"
#include "models/inject.h"
#include "models/mm_sp.h"
#include "models/smc_call.h"
#include "models/spmc.h"
#include "models/varstore.h"
#include "tests/fake_guest_mem.h"
#include "tests/fuzz/checks.h"
#include "tests/fuzz/input.h"

#define TARGET "fuzz_ffa"
#define RAM_BASE UINT64_C(0x40000000)
/*
 * Room for the reference client's RX/TX pair at RAM + 2.25 MiB, so that
 * register bundles taken from its traces (the seeds) work unchanged.
 */
#define RAM_SIZE UINT64_C(0x280000)
#define SHARED_BUF (RAM_BASE + 0x260000)
#define SHARED_SIZE UINT64_C(0x4000)
#define MM_ID 0x8003
#define ECHO_ID 0x8001
#define MAX_OPS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ffa_fuzz {
	struct fake_guest_mem ram;
	struct findings findings;
	struct injector inj;
	bool injecting;
	bool tracing;
	struct trace trace;
	struct spmc_config cfg;
	struct spmc spmc;
	struct varstore *store;
	struct mm_sp *mm;
};

static void setup(struct ffa_fuzz *f, struct fuzz_input *in)
{
	static const uint32_t versions[] = {FFA_VERSION_1_0, FFA_VERSION_1_1,
					    FFA_VERSION_1_2, FFA_VERSION_1_2};
	uint8_t s = fuzz_input_u8(in);
	struct mm_sp_config mc = {.buf_addr = SHARED_BUF, .buf_size = SHARED_SIZE};

	fake_guest_mem_init(&f->ram, RAM_BASE, RAM_SIZE);
	findings_init(&f->findings);
	trace_init(&f->trace);
	spmc_config_default(&f->cfg);
	f->cfg.max_version = versions[s & 3];
	if ((s & 4) != 0) {
		struct spmc_partition_config *p =
			&f->cfg.partitions[f->cfg.partition_count++];

		memset(p, 0, sizeof(*p));
		p->id = ECHO_ID;
		p->uuid = (struct ffa_uuid){{1, 2, 3, 4}};
		p->properties = fuzz_input_u8(in) |
				(uint32_t)fuzz_input_u8(in) << 8;
		p->exec_ctx_count = 1;
		p->model = SP_MODEL_ECHO;
	}
	if ((s & 8) != 0) {
		f->cfg.rxtx_min_size = (s & 64) != 0 ? FFA_RXTX_MIN_16K
						     : FFA_RXTX_MIN_64K;
	}
	if ((s & 16) != 0) {
		struct inject_rule r;
		uint8_t kind = fuzz_input_u8(in);
		int8_t code = (int8_t)fuzz_input_u8(in);
		uint8_t on = fuzz_input_u8(in);
		uint8_t flags = fuzz_input_u8(in);

		memset(&r, 0, sizeof(r));
		r.kind = (enum inject_kind)(kind % 5);
		r.code = code;
		r.reply = (enum inject_reply)(kind / 5 % 3);
		r.on_fid = (on & 1) != 0 ? spmc_abi_fid(on / 2) : 0;
		r.has_mm_function = (flags & 1) != 0;
		r.mm_function = flags >> 4;
		r.every = (flags & 2) != 0;
		r.remaining = 1 + (flags >> 6);
		r.after_exit_boot_services = (flags & 4) != 0;
		inject_init(&f->inj);
		if (!inject_add(&f->inj, &r)) {
			fuzz_check_failed(TARGET, "an empty injector refused "
						  "a rule");
		}
		f->injecting = true;
	}
	f->tracing = (s & 32) != 0;
	spmc_init(&f->spmc, &f->cfg, &f->ram.mem, &f->findings,
		  f->injecting ? &f->inj : NULL);
	f->store = varstore_new(NULL);
	f->mm = mm_sp_new(&mc, f->store, &f->ram.mem, &f->findings,
			  f->injecting ? &f->inj : NULL);
	if ((s & 128) == 0) {
		spmc_attach_mm(&f->spmc, 0, f->mm);
	}
}

static void teardown(struct ffa_fuzz *f)
{
	fuzz_format_last_event(&f->trace);
	spmc_free(&f->spmc);
	mm_sp_free(f->mm);
	varstore_free(f->store);
	trace_free(&f->trace);
	findings_free(&f->findings);
	fake_guest_mem_free(&f->ram);
}

/* Values firmware passes on purpose or by mistake. */
static uint64_t interesting(const struct ffa_fuzz *f, uint8_t k)
{
	switch (k % 16) {
	case 0:
		return RAM_BASE + (uint64_t)(k / 16) * 0x10000;
	case 1:
		return f->spmc.rxtx.tx;
	case 2:
		return f->spmc.rxtx.rx;
	case 3:
		return (uint64_t)(k / 16) * 8; /* an MM offset */
	case 4:
		return UINT64_C(0x0e000000); /* the secure hole */
	case 5:
		return UINT64_C(0x09000000); /* the PL011 */
	case 6:
		return RAM_BASE + RAM_SIZE - 0x1000 * (uint64_t)(k / 16 + 1);
	case 7:
		return ffa_endpoints(f->cfg.nwd_id, MM_ID);
	case 8:
		return ffa_endpoints(f->cfg.nwd_id, ECHO_ID);
	case 9:
		return FFA_VERSION_MAKE(1, k / 16 % 4);
	case 10:
		return 63; /* the largest page count */
	case 11:
		return (uint64_t)FFA_MM_SP_UUID_W1 << 32 | FFA_MM_SP_UUID_W0;
	case 12:
		return (uint64_t)FFA_MM_SP_UUID_W3 << 32 | FFA_MM_SP_UUID_W2;
	case 13:
		return UINT64_MAX - (k / 16);
	case 14:
		return UINT64_C(1) << (32 + k / 16);
	default:
		return SHARED_SIZE - (k / 16) * 8;
	}
}

static uint32_t pick_fid(struct fuzz_input *in)
{
	uint8_t sel = fuzz_input_u8(in);

	if (sel < 0xc0) {
		return spmc_abi_fid(sel % spmc_abi_count());
	}
	if (sel < 0xf0) {
		uint8_t n = fuzz_input_u8(in);
		uint32_t num = FFA_FUNC_FIRST +
			       n % (FFA_FUNC_LAST - FFA_FUNC_FIRST + 1);

		return (n & 0x80) != 0 ? FFA_FID64(num) : FFA_FID32(num);
	}
	return fuzz_input_u32(in);
}

static void write_memory(struct ffa_fuzz *f, uint8_t op,
			 struct fuzz_input *in)
{
	uint16_t offset = fuzz_input_u16(in);
	uint8_t want = fuzz_input_u8(in);
	size_t got;
	const uint8_t *bytes = fuzz_input_bytes(in, want, &got);
	uint64_t base;

	switch (op & 3) {
	case 0:
		base = f->spmc.rxtx.tx;
		break;
	case 1:
		base = f->spmc.rxtx.rx;
		break;
	case 2:
		base = SHARED_BUF;
		break;
	default:
		base = RAM_BASE;
		break;
	}
	for (size_t i = 0; i < got; i++) {
		uint64_t a = base + offset + i;

		if (a >= RAM_BASE && a - RAM_BASE < RAM_SIZE) {
			fake_guest_mem_at(&f->ram, a, 1)[0] = bytes[i];
		}
	}
}

static bool known_error(int64_t code)
{
	return code <= FFA_RET_NOT_SUPPORTED && code >= FFA_RET_NOT_READY;
}

static void check_call(const struct ffa_fuzz *f, const struct smc_call *c)
{
	uint32_t fid = (uint32_t)c->in.x[0];
	uint64_t x0 = c->out.x[0];
	const struct spmc_rxtx *r = &f->spmc.rxtx;

	if (!smccc_is_64(fid)) {
		for (size_t i = 8; i < SMCCC_REG_COUNT; i++) {
			if (c->out.x[i] != c->in.x[i]) {
				fuzz_check_failed(TARGET, "an SMC32 call "
							  "changed x8..x17");
			}
		}
	}
	if (fid == FFA_VERSION) {
		if ((uint32_t)x0 != f->cfg.max_version &&
		    (int32_t)x0 != FFA_RET_NOT_SUPPORTED && !f->injecting) {
			fuzz_check_failed(TARGET, "FFA_VERSION returned "
						  "neither the version nor "
						  "NOT_SUPPORTED");
		}
	} else if (x0 == FFA_ERROR) {
		if (!f->injecting && !known_error((int32_t)c->out.x[2])) {
			fuzz_check_failed(TARGET, "FFA_ERROR with an "
						  "undefined code");
		}
		if (c->disposition == SMC_DISP_OK) {
			fuzz_check_failed(TARGET, "FFA_ERROR disposed as OK");
		}
	} else if (x0 != FFA_SUCCESS_32 && x0 != FFA_SUCCESS_64 &&
		   x0 != FFA_MSG_SEND_DIRECT_RESP_32 &&
		   x0 != FFA_MSG_SEND_DIRECT_RESP_64 &&
		   x0 != FFA_MSG_SEND_DIRECT_RESP2) {
		fuzz_check_failed(TARGET, "x0 is not an FF-A return shape");
	}
	if (c->name == NULL) {
		fuzz_check_failed(TARGET, "a call was left without a name");
	}
	if (r->mapped) {
		uint64_t size = (uint64_t)r->page_count * FFA_PAGE_SIZE;

		if (r->page_count == 0 ||
		    !guest_mem_is_ram(&f->ram.mem, r->tx, size) ||
		    !guest_mem_is_ram(&f->ram.mem, r->rx, size)) {
			fuzz_check_failed(TARGET, "a mapped RX/TX pair is not "
						  "RAM");
		}
	}
}

static void call(struct ffa_fuzz *f, struct fuzz_input *in)
{
	struct smc_call c;
	uint64_t tags;

	memset(&c, 0, sizeof(c));
	c.in.x[0] = pick_fid(in);
	tags = fuzz_input_uint(in, 5);
	for (size_t i = 1; i < SMCCC_REG_COUNT; i++) {
		switch ((tags >> (2 * (i - 1))) & 3) {
		case 0:
			break;
		case 1:
			c.in.x[i] = fuzz_input_u8(in);
			break;
		case 2:
			c.in.x[i] = interesting(f, fuzz_input_u8(in));
			break;
		default:
			c.in.x[i] = fuzz_input_u64(in);
			break;
		}
	}
	c.out = c.in;
	c.pc = RAM_BASE + 0x200000;
	c.action = SMC_ACTION_RETURN;
	if (f->tracing) {
		c.event = trace_append(&f->trace, TRACE_SMC);
		c.event->fid = (uint32_t)c.in.x[0];
		memcpy(c.event->in, c.in.x, sizeof(c.event->in));
	}
	spmc_handle(&f->spmc, &c);
	if (fuzz_verbose()) {
		fprintf(stderr, "%s(0x%llx, 0x%llx, 0x%llx) -> 0x%llx 0x%llx "
				"0x%llx 0x%llx\n",
			c.name, (unsigned long long)c.in.x[1],
			(unsigned long long)c.in.x[2],
			(unsigned long long)c.in.x[3],
			(unsigned long long)c.out.x[0],
			(unsigned long long)c.out.x[1],
			(unsigned long long)c.out.x[2],
			(unsigned long long)c.out.x[3]);
	}
	check_call(f, &c);
	fuzz_check_store(TARGET, f->store);
	if (c.event != NULL) {
		c.event->name = c.name;
		memcpy(c.event->out, c.out.x, sizeof(c.event->out));
		c.event->disposition = c.disposition;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ffa_fuzz f;
	struct fuzz_input in = fuzz_input_init(data, size);

	memset(&f, 0, sizeof(f));
	setup(&f, &in);
	for (int i = 0; i < MAX_OPS && !fuzz_input_empty(&in); i++) {
		uint8_t op = fuzz_input_u8(&in);

		if (op >= 0xe0) {
			write_memory(&f, op, &in);
		} else {
			call(&f, &in);
		}
	}
	teardown(&f);
	return 0;
}
