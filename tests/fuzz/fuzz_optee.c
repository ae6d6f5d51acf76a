/*
 * libFuzzer target: the OP-TEE model's argument decoder (models/optee.c,
 * optee_param.c, optee_pta.c) with the MM partition and the variable store
 * behind its StMM pseudo-TA, driven as hostile firmware drives them: SMCs
 * of the trusted-OS range, messages, page lists and RAM writes.
 *
 * Input layout (tests/fuzz/input.h reads zeros past the end):
 *   u8 setup          bit 0 no SEC_CAP_RPC_ARG; bit 1 a reserved
 *                     shared-memory pool; bit 2 StMM listed for the
 *                     supplicant; bit 3 one injection rule (read next);
 *                     bit 4 trace events
 *   [rule]            u8 kind, u8 code, u8 flags
 *   then up to MAX_RECORDS records, u8 op (mod 6) first:
 *   0 SMC             u8 function (table index or raw), u32 a1..a5
 *   1 RAM write       u16 offset, u8 length, bytes
 *   2 message         u8 transport, u8 cmd, u8 session, u8 func, u8 n,
 *                     n x (u8 attr, u8 a, u8 b, u8 c: choices below,
 *                     0xff = a raw u64 follows)
 *   3 REGISTER_SHM    u8 cookie, u8 pages, u8 page offset, u16 size,
 *                     pages x u8 page choice
 *   4 StMM request    u8 function, u8 name, u8 data size: U-Boot's
 *                     open, register, invoke, unregister, close
 *   5 RETURN_FROM_RPC u32 a1, u32 a2, u8 token delta, u32 a4, u32 a5
 *
 * Properties checked after every SMC: results are zero-extended 32-bit
 * values; a yielding call answers one of the codes optee_smc.h defines (an
 * RPC only while one is pending); the store keeps its invariants
 * (tests/fuzz/checks.h).  At the end of the input: session and
 * registration counts stay within the tables, and the audit counts
 * exactly them.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/mm.h"
#include "abi/optee.h"
#include "common/finding.h"
#include "common/strbuf.h"
#include "common/trace.h"
#include "models/inject.h"
#include "models/mm_sp.h"
#include "models/optee.h"
#include "models/varstore.h"
#include "tests/fake_guest_mem.h"
#include "tests/fuzz/checks.h"
#include "tests/fuzz/input.h"

#define TARGET "fuzz_optee"
#define RAM_BASE UINT64_C(0x40000000)
#define RAM_SIZE UINT64_C(0x20000)
#define FFA_BUF (RAM_BASE + 0x1000)
#define ARG (RAM_BASE + 0x4000)
#define LIST (RAM_BASE + 0x5000)
#define SHM (RAM_BASE + 0x8000) /* 8 pages */
#define MAX_RECORDS 48

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct optee_fuzz {
	struct fake_guest_mem ram;
	struct findings *findings; /* kept across inputs, reset by setup() */
	struct injector inj;
	bool injecting;
	bool tracing;
	struct trace *trace;       /* kept across inputs, reset by setup() */
	struct varstore *store;
	struct mm_sp *mm;
	struct optee *op;
	uint32_t last_session;
	uint64_t token;
};

static const uint32_t fids[] = {
	OPTEE_SMC_CALLS_UID,		 OPTEE_SMC_CALLS_REVISION,
	OPTEE_SMC_GET_OS_UUID,		 OPTEE_SMC_GET_OS_REVISION,
	OPTEE_SMC_RETURN_FROM_RPC,	 OPTEE_SMC_CALL_WITH_ARG,
	OPTEE_SMC_GET_SHM_CONFIG,	 OPTEE_SMC_EXCHANGE_CAPABILITIES,
	OPTEE_SMC_DISABLE_SHM_CACHE,	 OPTEE_SMC_ENABLE_SHM_CACHE,
	OPTEE_SMC_GET_THREAD_COUNT,	 OPTEE_SMC_ENABLE_ASYNC_NOTIF,
	OPTEE_SMC_GET_ASYNC_NOTIF_VALUE, OPTEE_SMC_CALL_WITH_RPC_ARG,
	OPTEE_SMC_CALL_WITH_REGD_ARG,	 0xbf000002,
	0x3f000004,			 0xb2000042,
};

static const uint64_t attrs[] = {
	0x0, 0x1, 0x2, 0x3, 0x4, 0x5, 0x6, 0x7, 0x9, 0xa, 0xb, 0xc,
	0x101, 0x20a, 0x209, 0x20b, 0x105, 0x8, 0xff,
};

/* Values a parameter field takes: sizes, offsets, addresses, cookies. */
static const uint64_t values[] = {
	0,
	1,
	16,
	48,
	0x1000,
	0x4000,
	0x4001,
	SHM,
	SHM + 0x18,
	SHM + 0xff8,
	LIST,
	LIST | 0x18,
	LIST | 0xfc0,
	RAM_BASE + RAM_SIZE,
	0xc0c0,
	0xc0c1,
	0xc0c2,
	UINT64_MAX,
	UINT64_MAX - 15,
	0x80000000,
};

static const uint8_t enum_uuid[16] = OPTEE_PTA_DEVICE_ENUM_UUID;
static const uint8_t stmm_uuid[16] = OPTEE_PTA_STMM_UUID;

static uint64_t pick(struct fuzz_input *in)
{
	uint8_t sel = fuzz_input_u8(in);

	if (sel == 0xff) {
		return fuzz_input_u64(in);
	}
	return values[sel % (sizeof(values) / sizeof(values[0]))];
}

/* Records are written from here up to at most the end of RAM. */
static uint8_t *ram_at(struct optee_fuzz *f, uint64_t pa)
{
	return fake_guest_mem_at(&f->ram, pa, RAM_BASE + RAM_SIZE - pa);
}

static void add_rule(struct optee_fuzz *f, struct fuzz_input *in)
{
	static const enum inject_kind kinds[] = {
		INJECT_KIND_TEEC_ERROR, INJECT_KIND_OPTEE_RPC,
		INJECT_KIND_OPTEE_SMC, INJECT_KIND_OPTEE_TRUNCATED,
		INJECT_KIND_EFI_STATUS, INJECT_KIND_REPLY,
	};
	static const int64_t codes[] = {
		TEEC_ERROR_BUSY,
		OPTEE_SMC_RETURN_RPC_FOREIGN_INTR,
		OPTEE_SMC_RETURN_RPC_CMD,
		OPTEE_SMC_RETURN_RPC_ALLOC,
		OPTEE_SMC_RETURN_EBUSY,
		0,
		4,
		(int64_t)EFI_DEVICE_ERROR,
	};
	struct inject_rule r;
	uint8_t kind = fuzz_input_u8(in);
	uint8_t code = fuzz_input_u8(in);
	uint8_t flags = fuzz_input_u8(in);

	memset(&r, 0, sizeof(r));
	r.kind = kinds[kind % (sizeof(kinds) / sizeof(kinds[0]))];
	r.code = codes[code % (sizeof(codes) / sizeof(codes[0]))];
	r.every = (flags & 1) != 0;
	r.remaining = 1 + (flags >> 4);
	r.has_optee_cmd = (flags & 2) != 0;
	r.optee_cmd = (flags >> 2) & 3;
	inject_init(&f->inj);
	if (!inject_add(&f->inj, &r)) {
		fuzz_check_failed(TARGET, "an empty injector refused a rule");
	}
	f->injecting = true;
}

static void setup(struct optee_fuzz *f, struct fuzz_input *in)
{
	uint8_t s = fuzz_input_u8(in);
	struct mm_sp_config mc = {.buf_addr = FFA_BUF, .buf_size = 0x1000};
	struct optee_config oc;

	fake_guest_mem_init(&f->ram, RAM_BASE, RAM_SIZE);
	findings_reset(f->findings);
	trace_reset(f->trace);
	f->store = varstore_new(NULL);
	optee_config_default(&oc);
	if ((s & 1) != 0) {
		oc.sec_caps &= ~OPTEE_SMC_SEC_CAP_RPC_ARG;
	}
	if ((s & 2) != 0) {
		oc.sec_caps |= OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM;
		oc.reserved_shm_addr = SHM;
		oc.reserved_shm_size = 0x4000;
	}
	oc.stmm_listed_with_supplicant = (s & 4) != 0;
	if ((s & 8) != 0) {
		add_rule(f, in);
	}
	f->tracing = (s & 16) != 0;
	f->mm = mm_sp_new(&mc, f->store, &f->ram.mem, f->findings,
			  f->injecting ? &f->inj : NULL);
	f->op = optee_new(&oc, &f->ram.mem, f->findings,
			  f->injecting ? &f->inj : NULL, f->mm);
}

static void teardown(struct optee_fuzz *f)
{
	fuzz_format_last_event(f->trace);
	optee_free(f->op);
	mm_sp_free(f->mm);
	varstore_free(f->store);
	fake_guest_mem_free(&f->ram);
}

static bool yielding(uint32_t fid)
{
	return (fid & UINT32_C(0x80000000)) == 0;
}

/* One SMC, then the properties. */
static struct smc_call smc(struct optee_fuzz *f, uint32_t fid, uint64_t a1,
			   uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct smc_call c;
	bool pending = optee_rpc_pending(f->op);

	memset(&c, 0, sizeof(c));
	c.in.x[0] = fid;
	c.in.x[1] = a1;
	c.in.x[2] = a2;
	c.in.x[3] = a3;
	c.in.x[4] = a4;
	c.in.x[5] = a5;
	c.out = c.in;
	if (f->tracing) {
		c.event = trace_append(f->trace, TRACE_SMC);
	}
	optee_handle(f->op, &c);
	for (int i = 0; i < 4; i++) {
		if (c.out.x[i] > UINT32_MAX) {
			fuzz_check_failed(TARGET, "a result register is not "
						  "a zero-extended 32-bit "
						  "value");
		}
	}
	if (optee_smc_return_is_rpc(c.out.x[0])) {
		f->token = c.out.x[3];
		if (!optee_rpc_pending(f->op)) {
			fuzz_check_failed(TARGET, "an RPC with no call "
						  "suspended");
		}
	} else if (yielding(fid) && !f->injecting &&
		   c.out.x[0] > OPTEE_SMC_RETURN_ENOTAVAIL &&
		   c.out.x[0] != OPTEE_SMC_RETURN_UNKNOWN_FUNCTION) {
		fuzz_check_failed(TARGET, "a yielding call answered a code "
					  "optee_smc.h does not define");
	}
	if (!pending && optee_rpc_pending(f->op) && !f->injecting) {
		fuzz_check_failed(TARGET, "a call was suspended without an "
					  "injected RPC");
	}
	fuzz_check_store(TARGET, f->store);
	if (fuzz_verbose()) {
		fprintf(stderr, "smc 0x%08x -> 0x%llx ret 0x%08x\n", fid,
			(unsigned long long)c.out.x[0],
			(unsigned)(ram_at(f, ARG)[20] |
				   ram_at(f, ARG)[21] << 8 |
				   ram_at(f, ARG)[22] << 16 |
				   (unsigned)ram_at(f, ARG)[23] << 24));
	}
	return c;
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void message_header(uint8_t *m, uint32_t cmd, uint32_t session,
			   uint32_t func, uint32_t n)
{
	memset(m, 0, (size_t)optee_msg_arg_size(6));
	put32(m, cmd);
	put32(m + 4, func);
	put32(m + 8, session);
	put32(m + 28, n);
}

static void call_at(struct optee_fuzz *f, uint64_t pa)
{
	smc(f, OPTEE_SMC_CALL_WITH_ARG, pa >> 32, pa & UINT32_MAX, 0, 0, 0);
}

static void record_message(struct optee_fuzz *f, struct fuzz_input *in)
{
	uint8_t transport = fuzz_input_u8(in) % 4;
	uint32_t cmd = fuzz_input_u8(in) % 10;
	uint8_t session = fuzz_input_u8(in);
	uint32_t func = fuzz_input_u8(in) % 4;
	uint32_t n = fuzz_input_u8(in) % 8;
	/* CALL_WITH_REGD_ARG: the message in registration 0xc0c0's page. */
	uint64_t pa = transport == 2 ? SHM + 8 * (fuzz_input_u8(in) % 64)
				     : ARG;
	uint8_t *m = ram_at(f, pa);

	message_header(m, cmd, session < 0x80 ? f->last_session : session,
		       func, n);
	for (uint32_t i = 0; i < n && i < 6; i++) {
		uint8_t *p = m + 32 + 32 * i;

		put64(p, attrs[fuzz_input_u8(in) %
			       (sizeof(attrs) / sizeof(attrs[0]))]);
		put64(p + 8, pick(in));
		put64(p + 16, pick(in));
		put64(p + 24, pick(in));
	}
	if (cmd == OPTEE_MSG_CMD_OPEN_SESSION && n >= 2 && (session & 1)) {
		/* A well-formed OPEN_SESSION to one of the pseudo-TAs. */
		put64(m + 32, 0x101);
		memcpy(m + 40, (session & 2) ? stmm_uuid : enum_uuid, 16);
		put64(m + 64, 0x101);
		put64(m + 64 + 24, 0);
	}
	switch (transport) {
	case 0:
		call_at(f, pa);
		break;
	case 1:
		smc(f, OPTEE_SMC_CALL_WITH_RPC_ARG, 0, pa, 0, 0, 0);
		break;
	case 2:
		smc(f, OPTEE_SMC_CALL_WITH_REGD_ARG, 0, 0xc0c0, pa - SHM, 0,
		    0);
		break;
	default:
		call_at(f, pa + 8);
		break;
	}
	if (cmd == OPTEE_MSG_CMD_OPEN_SESSION && m[20] == 0 && m[21] == 0 &&
	    m[22] == 0 && m[23] == 0) {
		memcpy(&f->last_session, m + 8, sizeof(f->last_session));
	}
}

static void record_register(struct optee_fuzz *f, struct fuzz_input *in)
{
	static const uint64_t cookies[] = {0xc0c0, 0xc0c1, 0xc0c2, 0};
	uint64_t cookie = cookies[fuzz_input_u8(in) % 4];
	uint8_t count = fuzz_input_u8(in) % 9;
	uint64_t pgoff = (uint64_t)fuzz_input_u8(in) * 16;
	uint64_t size = fuzz_input_u16(in);
	uint8_t *m = ram_at(f, ARG);

	for (uint8_t i = 0; i < count; i++) {
		uint8_t sel = fuzz_input_u8(in);
		uint64_t page = SHM + 0x1000 * (sel % 8);

		if (sel >= 0xf0) {
			page = sel == 0xff ? RAM_BASE + RAM_SIZE : page + sel;
		}
		put64(ram_at(f, LIST + 8 * i), page);
	}
	message_header(m, OPTEE_MSG_CMD_REGISTER_SHM, 0, 0, 1);
	put64(m + 32, 0x20a);
	put64(m + 40, LIST | pgoff);
	put64(m + 48, size);
	put64(m + 56, cookie);
	call_at(f, ARG);
}

/* A well-formed variable request in the registered buffer at SHM. */
static uint64_t build_mm(struct optee_fuzz *f, struct fuzz_input *in)
{
	static const uint64_t functions[] = {
		MM_VAR_FN_GET_VARIABLE, MM_VAR_FN_SET_VARIABLE,
		MM_VAR_FN_GET_NEXT_VARIABLE_NAME, MM_VAR_FN_GET_PAYLOAD_SIZE,
		MM_VAR_FN_QUERY_VARIABLE_INFO, MM_VAR_FN_EXIT_BOOT_SERVICE,
	};
	static const struct efi_guid header = MM_SMM_VARIABLE_GUID;
	static const struct efi_guid vendor = EFI_GLOBAL_VARIABLE_GUID;
	uint64_t function = functions[fuzz_input_u8(in) % 6];
	uint16_t name[3] = {(uint16_t)('A' + fuzz_input_u8(in) % 4), 'x', 0};
	uint64_t data_size = fuzz_input_u8(in) % 64;
	uint32_t attributes = 0x7;
	uint8_t *m = ram_at(f, SHM);
	uint8_t *p = m + MM_VAR_PAYLOAD_OFFSET;
	uint64_t payload = 40 + sizeof(name) + data_size;

	memset(m, 0, 0x200);
	memcpy(m, &header, sizeof(header));
	put64(m + 24, function);
	memcpy(p, &vendor, sizeof(vendor));
	if (function == MM_VAR_FN_GET_NEXT_VARIABLE_NAME) {
		put64(p + 16, 64);
		payload = 24 + 64;
	} else if (function == MM_VAR_FN_QUERY_VARIABLE_INFO) {
		put32(p + 24, attributes);
		payload = 32;
	} else {
		put64(p + 16, data_size);
		put64(p + 24, sizeof(name));
		put32(p + 32, attributes);
		memcpy(p + 36, name, sizeof(name));
		memset(p + 36 + sizeof(name), 0x5a, (size_t)data_size);
	}
	put64(m + 16, MM_VAR_HEADER_SIZE + payload);
	return MM_VAR_PAYLOAD_OFFSET + payload;
}

/* U-Boot's optee_mm_communicate(), every step checked by smc(). */
static void record_stmm(struct optee_fuzz *f, struct fuzz_input *in)
{
	uint8_t *m = ram_at(f, ARG);
	uint64_t len = build_mm(f, in);
	uint32_t session;

	message_header(m, OPTEE_MSG_CMD_OPEN_SESSION, 0, 0, 2);
	put64(m + 32, 0x101);
	memcpy(m + 40, stmm_uuid, 16);
	put64(m + 64, 0x101);
	call_at(f, ARG);
	memcpy(&session, m + 8, sizeof(session));
	put64(ram_at(f, LIST), SHM);
	message_header(m, OPTEE_MSG_CMD_REGISTER_SHM, 0, 0, 1);
	put64(m + 32, 0x20a);
	put64(m + 40, LIST);
	put64(m + 48, len);
	put64(m + 56, 0xc0c3);
	call_at(f, ARG);
	message_header(m, OPTEE_MSG_CMD_INVOKE_COMMAND, session, 0, 2);
	put64(m + 32, OPTEE_MSG_ATTR_TYPE_RMEM_INOUT);
	put64(m + 48, len);
	put64(m + 56, 0xc0c3);
	put64(m + 64, OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT);
	call_at(f, ARG);
	message_header(m, OPTEE_MSG_CMD_UNREGISTER_SHM, 0, 0, 1);
	put64(m + 32, OPTEE_MSG_ATTR_TYPE_RMEM_INPUT);
	put64(m + 56, 0xc0c3);
	call_at(f, ARG);
	message_header(m, OPTEE_MSG_CMD_CLOSE_SESSION, session, 0, 0);
	call_at(f, ARG);
}

static void record(struct optee_fuzz *f, struct fuzz_input *in)
{
	uint8_t op = fuzz_input_u8(in) % 6;

	switch (op) {
	case 0: {
		uint8_t sel = fuzz_input_u8(in);
		uint32_t fid = sel < 0xf0 ? fids[sel % (sizeof(fids) /
							sizeof(fids[0]))]
					  : fuzz_input_u32(in);
		uint64_t a[5];

		for (int i = 0; i < 5; i++) {
			a[i] = fuzz_input_u32(in);
		}
		smc(f, fid, a[0], a[1], a[2], a[3], a[4]);
		break;
	}
	case 1: {
		uint64_t off = fuzz_input_u16(in) % RAM_SIZE;
		size_t got;
		const uint8_t *bytes = fuzz_input_bytes(in, fuzz_input_u8(in),
							&got);

		if (got > RAM_SIZE - off) {
			got = (size_t)(RAM_SIZE - off);
		}
		memcpy(fake_guest_mem_at(&f->ram, RAM_BASE + off, got), bytes, got);
		break;
	}
	case 2:
		record_message(f, in);
		break;
	case 3:
		record_register(f, in);
		break;
	case 4:
		record_stmm(f, in);
		break;
	default: {
		uint64_t a1 = fuzz_input_u32(in), a2 = fuzz_input_u32(in);
		uint64_t t = (f->token + fuzz_input_u8(in) % 2) & UINT32_MAX;
		uint64_t a4 = fuzz_input_u32(in), a5 = fuzz_input_u32(in);

		smc(f, OPTEE_SMC_RETURN_FROM_RPC, a1, a2, t, a4, a5);
		break;
	}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct optee_fuzz f;
	/*
	 * The findings and the trace outlive the input so that their arrays
	 * are reused: growing and freeing them was up to a fifth of
	 * fuzz_mm's own time (docs/fuzzing.md).  Reset, they are fresh ones
	 * (tests/check_trace.c, check_finding.c).
	 */
	static struct findings findings;
	static struct trace trace;
	static bool started;
	struct fuzz_input in = fuzz_input_init(data, size);
	size_t expected;

	if (!started) {
		findings_init(&findings);
		trace_init(&trace);
		started = true;
	}
	memset(&f, 0, sizeof(f));
	f.findings = &findings;
	f.trace = &trace;
	setup(&f, &in);
	for (int i = 0; i < MAX_RECORDS && !fuzz_input_empty(&in); i++) {
		record(&f, &in);
	}
	/*
	 * Once per input, not per SMC: each count walks its table, so it
	 * cannot exceed it at any point, and the two walks after every SMC
	 * were a tenth of the input's time (docs/fuzzing.md).
	 */
	if (optee_session_count(f.op) > OPTEE_MAX_SESSIONS ||
	    optee_shm_count(f.op) > OPTEE_MAX_SHM) {
		fuzz_check_failed(TARGET, "a table overflowed");
	}
	expected = optee_session_count(f.op) + optee_shm_count(f.op);
	if (optee_audit_released(f.op, "end of input") != expected) {
		fuzz_check_failed(TARGET, "the audit does not count what is "
					  "held");
	}
	teardown(&f);
	return 0;
}
