/*
 * Benchmark firmware for `make bench` (scripts/bench.sh, docs/performance.md).
 * One source, one image per mode: bench.mk builds bench-<mode>.elf with
 * BENCH_MODE = mode_<mode> ('-' becomes '_').
 *
 *   empty            PSCI SYSTEM_OFF at once: the fixed cost of a run
 *   loop             the FFA_ID_GET loop of `smc` with a NOP where the SMC
 *                    is: its baseline
 *   smc              FFA_VERSION, then SMC_N x FFA_ID_GET
 *   mm-base          FF-A discovery, one SET_VARIABLE, then MM_N x: build a
 *                    GET_VARIABLE request, copy it to the shared buffer,
 *                    DC CVAC, (no doorbell), DC IVAC, copy back: baseline
 *   mm               the same with the doorbell (FFA_MSG_SEND_DIRECT_REQ_64)
 *   mm-nomaint-base  data cache off, no maintenance, no doorbell
 *   mm-nomaint       data cache off, no maintenance, with the doorbell
 *   compute          COMPUTE_N rounds of a loop with one load and one store,
 *                    its data in .bss
 *   compute-shared   the same loop on the MM shared buffer, data cache on:
 *                    every access goes through the cache model's hooks
 *   agent            an agent (docs/agent-protocol.md) for scenario runs:
 *                    data cache on; ExitBootServices reports the whole image
 *                    as runtime memory; `print: compute`, `print:
 *                    compute-shared` run the loop, anything else just prints
 *
 * Every image prints "bench: <mode> iterations <N>" first and ends with
 * PSCI SYSTEM_OFF.  A wrong answer from the secure world ends the run with
 * a BRK (a fault verdict), so that a benchmark fails instead of timing an
 * error path.
 *
 * The "data cache on" modes set SCTLR_EL1.M and C without page tables:
 * ffa-harness keeps the MMU off underneath (docs/machine.md, identity MMU)
 * and only needs the bits for its cache model.  These images are for
 * ffa-harness, not for hardware.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/agent.h"
#include "abi/efi.h"
#include "abi/ffa.h"
#include "abi/mm.h"
#include "abi/psci.h"
#include "fwlib.h" /* memcpy, memset, uart (firmware/lib) */

enum bench_mode {
	mode_empty,
	mode_loop,
	mode_smc,
	mode_mm_base,
	mode_mm,
	mode_mm_nomaint_base,
	mode_mm_nomaint,
	mode_compute,
	mode_compute_shared,
	mode_agent,
};

#ifndef BENCH_MODE
#error "BENCH_MODE must name a mode (bench.mk sets it)"
#endif
static const enum bench_mode mode = BENCH_MODE;

/* Iterations per mode: about 0.1 to 1 s each on a 2020s x86 host. */
#define SMC_N UINT64_C(400000)
#define MM_N UINT64_C(40000)
#define COMPUTE_N UINT64_C(5000000)

/* The platform's MM shared buffer (qemu-virt: 16 KiB at 0x6000_0000). */
#define SHARED_BUF UINT64_C(0x60000000)
#define CACHE_LINE 64u

#define SCTLR_M (UINT64_C(1) << 0)
#define SCTLR_C (UINT64_C(1) << 2)
#define SCTLR_I (UINT64_C(1) << 12)

extern char __image_start[], __text_end[], __image_end[];
void bench_main(void) __attribute__((noreturn));

static void put_u64(uint64_t v)
{
	char digits[21];
	size_t n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n != 0) {
		uart_putc(digits[--n]);
	}
}

static bool text_equal(const uint8_t *a, size_t len, const char *b)
{
	size_t i = 0;

	for (; i < len && b[i] != '\0'; i++) {
		if (a[i] != (uint8_t)b[i]) {
			return false;
		}
	}
	return i == len && b[i] == '\0';
}

/* --- SMC ----------------------------------------------------------------- */

struct regs {
	uint64_t x[8];
};

/*
 * x0..x7 in and out; x8..x17 may be written by the secure side (SMCCC
 * 1.2).  real = false puts a NOP where the SMC is (the baselines).
 */
static inline __attribute__((always_inline)) void call(struct regs *r,
						       bool real)
{
	register uint64_t x0 __asm__("x0") = r->x[0];
	register uint64_t x1 __asm__("x1") = r->x[1];
	register uint64_t x2 __asm__("x2") = r->x[2];
	register uint64_t x3 __asm__("x3") = r->x[3];
	register uint64_t x4 __asm__("x4") = r->x[4];
	register uint64_t x5 __asm__("x5") = r->x[5];
	register uint64_t x6 __asm__("x6") = r->x[6];
	register uint64_t x7 __asm__("x7") = r->x[7];

	if (real) {
		__asm__ volatile("smc #0"
				 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3),
				   "+r"(x4), "+r"(x5), "+r"(x6), "+r"(x7)
				 :
				 : "x8", "x9", "x10", "x11", "x12", "x13",
				   "x14", "x15", "x16", "x17", "memory");
	} else {
		__asm__ volatile("nop"
				 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3),
				   "+r"(x4), "+r"(x5), "+r"(x6), "+r"(x7)
				 :
				 : "x8", "x9", "x10", "x11", "x12", "x13",
				   "x14", "x15", "x16", "x17", "memory");
	}
	r->x[0] = x0;
	r->x[1] = x1;
	r->x[2] = x2;
	r->x[3] = x3;
	r->x[4] = x4;
	r->x[5] = x5;
	r->x[6] = x6;
	r->x[7] = x7;
}

static void power_off(void) __attribute__((noreturn));
static void power_off(void)
{
	struct regs r = {.x = {PSCI_SYSTEM_OFF}};

	call(&r, true);
	for (;;) {
		__asm__ volatile("brk #0xb1");
	}
}

/* A wrong answer: say what, then fault (the benchmark must not pass). */
static void fail(const char *what, uint64_t value) __attribute__((noreturn));
static void fail(const char *what, uint64_t value)
{
	uart_puts("bench: FAILED: ");
	uart_puts(what);
	uart_puts(" ");
	put_u64(value);
	uart_putc('\n');
	for (;;) {
		__asm__ volatile("brk #0xbad");
	}
}

static void enable_data_cache(void)
{
	uint64_t sctlr;

	__asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
	sctlr |= SCTLR_M | SCTLR_C | SCTLR_I;
	__asm__ volatile("msr sctlr_el1, %0\n\tisb" : : "r"(sctlr) : "memory");
}

/* --- FF-A ---------------------------------------------------------------- */

static uint8_t tx_buf[FFA_PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t rx_buf[FFA_PAGE_SIZE] __attribute__((aligned(4096)));
static uint16_t own_id, mm_sp_id;

static uint64_t ffa(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3,
		    uint64_t a4, struct regs *out)
{
	struct regs r = {.x = {fid, a1, a2, a3, a4}};

	call(&r, true);
	if (out != NULL) {
		*out = r;
	}
	return r.x[0];
}

static void ffa_version_1_0(void)
{
	int32_t v = (int32_t)ffa(FFA_VERSION, FFA_VERSION_1_0, 0, 0, 0, NULL);

	if (v < 0 || ffa_version_major((uint32_t)v) != 1) {
		fail("FFA_VERSION", (uint64_t)(uint32_t)v);
	}
}

/* FFA_VERSION, FFA_ID_GET, RX/TX, the MM partition's ID, as U-Boot does. */
static void ffa_discover(void)
{
	struct regs r;
	struct ffa_partition_info_v1_0 d;

	ffa_version_1_0();
	if (ffa(FFA_ID_GET, 0, 0, 0, 0, &r) != FFA_SUCCESS_32) {
		fail("FFA_ID_GET", r.x[2]);
	}
	own_id = (uint16_t)r.x[2];
	if (ffa(FFA_RXTX_MAP_64, (uintptr_t)tx_buf, (uintptr_t)rx_buf, 1, 0,
		&r) != FFA_SUCCESS_32) {
		fail("FFA_RXTX_MAP_64", r.x[2]);
	}
	if (ffa(FFA_PARTITION_INFO_GET, FFA_MM_SP_UUID_W0, FFA_MM_SP_UUID_W1,
		FFA_MM_SP_UUID_W2, FFA_MM_SP_UUID_W3, &r) != FFA_SUCCESS_32 ||
	    r.x[2] == 0) {
		fail("FFA_PARTITION_INFO_GET", r.x[2]);
	}
	memcpy(&d, rx_buf, sizeof(d));
	mm_sp_id = d.id;
	if (ffa(FFA_RX_RELEASE, 0, 0, 0, 0, &r) != FFA_SUCCESS_32) {
		fail("FFA_RX_RELEASE", r.x[2]);
	}
}

/* --- MM GET_VARIABLE ----------------------------------------------------- */

/* L"BenchVar" and a vendor GUID of our own. */
static const uint16_t var_name[] = {'B', 'e', 'n', 'c', 'h',
				    'V', 'a', 'r', 0};
static const struct efi_guid var_guid =
	EFI_GUID_INIT(0x6d2a4f1e, 0x52b0, 0x4c1d, 0x9a, 0x3e, 0x11, 0x22,
		      0x33, 0x44, 0x55, 0x66);
#define VAR_DATA_SIZE 16u

static uint8_t comm_buf[512] __attribute__((aligned(64)));

/*
 * An access-variable request in comm_buf, laid out as U-Boot's
 * efi_variable_tee.c does (payload counted with sizeof = 40, name at 36).
 * Returns the bytes to send.
 */
static size_t build_access(uint64_t function, uint32_t attributes,
			   const uint8_t *data)
{
	static const struct efi_guid smm_variable = MM_SMM_VARIABLE_GUID;
	struct mm_communicate_header *hdr = (void *)comm_buf;
	struct mm_variable_header *var = (void *)(comm_buf + MM_COMM_HEADER_SIZE);
	struct mm_access_variable *va =
		(void *)(comm_buf + MM_VAR_PAYLOAD_OFFSET);
	size_t name_size = sizeof(var_name);
	size_t payload = sizeof(struct mm_access_variable) + name_size +
			 VAR_DATA_SIZE;

	memset(comm_buf, 0, MM_VAR_PAYLOAD_OFFSET + payload);
	hdr->header_guid = smm_variable;
	hdr->message_length = MM_VAR_HEADER_SIZE + payload;
	var->function = function;
	var->return_status = EFI_SUCCESS;
	va->guid = var_guid;
	va->data_size = VAR_DATA_SIZE;
	va->name_size = name_size;
	va->attributes = attributes;
	memcpy((uint8_t *)va + MM_ACCESS_VARIABLE_NAME_OFFSET, var_name,
	       name_size);
	if (data != NULL) {
		memcpy((uint8_t *)va + MM_ACCESS_VARIABLE_NAME_OFFSET +
			       name_size,
		       data, VAR_DATA_SIZE);
	}
	return MM_VAR_PAYLOAD_OFFSET + payload;
}

static void dc_range(uint64_t start, size_t size, bool clean)
{
	for (uint64_t a = start & ~(uint64_t)(CACHE_LINE - 1);
	     a < start + size; a += CACHE_LINE) {
		if (clean) {
			__asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
		} else {
			__asm__ volatile("dc ivac, %0" : : "r"(a) : "memory");
		}
	}
	__asm__ volatile("dsb sy" : : : "memory");
}

/*
 * One MM communicate of tx bytes from comm_buf: copy to the shared buffer,
 * clean, ring, invalidate, copy the response back.  Without the doorbell
 * (the baselines) the request itself is copied back.
 */
static void mm_communicate(size_t tx, bool doorbell, bool maintain)
{
	uint8_t *shared = (uint8_t *)(uintptr_t)SHARED_BUF;
	struct regs r = {.x = {FFA_MSG_SEND_DIRECT_REQ_64,
			       ffa_endpoints(own_id, mm_sp_id), 0, 0}};
	size_t rx = tx;

	memcpy(shared, comm_buf, tx);
	if (maintain) {
		dc_range(SHARED_BUF, tx, true);
	}
	call(&r, doorbell);
	if (doorbell && (r.x[0] != FFA_MSG_SEND_DIRECT_RESP_64 ||
			 r.x[3] != MM_RET_SUCCESS)) {
		fail("doorbell", r.x[0] == FFA_ERROR ? r.x[2] : r.x[3]);
	}
	if (maintain) {
		dc_range(SHARED_BUF, tx, false);
	}
	if (doorbell) {
		rx = MM_COMM_HEADER_SIZE +
		     ((struct mm_communicate_header *)shared)->message_length;
		if (rx > tx) {
			fail("response size", rx);
		}
	}
	memcpy(comm_buf, shared, rx);
	if (doorbell &&
	    ((struct mm_variable_header *)(comm_buf + MM_COMM_HEADER_SIZE))
			    ->return_status != EFI_SUCCESS) {
		fail("EFI status",
		     ((struct mm_variable_header *)(comm_buf +
						     MM_COMM_HEADER_SIZE))
			     ->return_status);
	}
}

static void mm_bench(bool doorbell, bool maintain)
{
	static const uint8_t data[VAR_DATA_SIZE] = "0123456789abcdef";

	if (maintain) {
		enable_data_cache();
	}
	ffa_discover();
	mm_communicate(build_access(MM_VAR_FN_SET_VARIABLE,
				    EFI_VARIABLE_BOOTSERVICE_ACCESS |
					    EFI_VARIABLE_RUNTIME_ACCESS,
				    data),
		       true, maintain);
	for (uint64_t i = 0; i < MM_N; i++) {
		mm_communicate(build_access(MM_VAR_FN_GET_VARIABLE, 0, NULL),
			       doorbell, maintain);
	}
}

/* --- SMC loop ------------------------------------------------------------ */

static uint64_t smc_bench(bool real)
{
	uint64_t sum = 0;

	ffa_version_1_0();
	for (uint64_t i = 0; i < SMC_N; i++) {
		struct regs r = {.x = {FFA_ID_GET}};

		call(&r, real);
		if (real && r.x[0] != FFA_SUCCESS_32) {
			fail("FFA_ID_GET", r.x[2]);
		}
		sum += r.x[2];
	}
	return sum;
}

/* --- Compute ------------------------------------------------------------- */

#define COMPUTE_WORDS 256u /* 2 KiB: 32 cache lines */
static uint64_t compute_buf[COMPUTE_WORDS] __attribute__((aligned(64)));

/* One load, one store and some arithmetic per round. */
static uint64_t compute(uint64_t *buf, uint64_t rounds)
{
	uint64_t x = UINT64_C(0x9e3779b97f4a7c15);

	for (uint64_t i = 0; i < rounds; i++) {
		uint64_t a = buf[i & (COMPUTE_WORDS - 1)];

		x = x * UINT64_C(6364136223846793005) + a + i;
		buf[(i * 7) & (COMPUTE_WORDS - 1)] = x ^ (x >> 29);
	}
	return x;
}

static void report_done(uint64_t value)
{
	uart_puts("bench: done ");
	put_u64(value);
	uart_putc('\n');
}

/* --- Agent --------------------------------------------------------------- */

#define MAILBOX_SIZE 0x2000u
static uint8_t mailbox[MAILBOX_SIZE] __attribute__((aligned(64)));
static uint8_t step_copy[MAILBOX_SIZE] __attribute__((aligned(64)));

static void agent_report(uint32_t op, uint64_t flags, const void *payload,
			 size_t len)
{
	struct agent_result *res = (void *)mailbox;
	struct regs r = {.x = {AGENT_FID_REPORT, op}};

	memset(res, 0, sizeof(*res));
	res->op = op;
	res->status = EFI_SUCCESS;
	res->flags = (uint32_t)flags;
	res->payload_size = len;
	memcpy(mailbox + AGENT_RESULT_PAYLOAD_OFFSET, payload, len);
	call(&r, true);
	if (r.x[0] != AGENT_OK) {
		fail("AGENT_REPORT", r.x[0]);
	}
}

static void agent_exit_boot_services(void)
{
	struct agent_region regions[3] = {
		{(uintptr_t)__image_start,
		 (uintptr_t)(__text_end - __image_start),
		 AGENT_REGION_RUNTIME_CODE, 0},
		{(uintptr_t)__text_end, (uintptr_t)(__image_end - __text_end),
		 AGENT_REGION_RUNTIME_DATA, 0},
		{UART_BASE, 0x1000, AGENT_REGION_RUNTIME_MMIO, 0},
	};

	agent_report(AGENT_OP_EXIT_BOOT_SERVICES, AGENT_RESULT_PAYLOAD_REGIONS,
		     regions, sizeof(regions));
}

static void agent_print(const struct agent_step *st, const uint8_t *payload)
{
	const uint8_t *text = payload + st->name_size;
	size_t len = (size_t)st->data_size;

	if (text_equal(text, len, "compute")) {
		report_done(compute(compute_buf, COMPUTE_N));
	} else if (text_equal(text, len, "compute-shared")) {
		report_done(compute((uint64_t *)(uintptr_t)SHARED_BUF,
				    COMPUTE_N));
	} else {
		uart_puts("bench: print");
		uart_putc('\n');
	}
	agent_report(AGENT_OP_PRINT, AGENT_RESULT_PAYLOAD_NONE, NULL, 0);
}

static void agent(void) __attribute__((noreturn));
static void agent(void)
{
	struct regs r = {.x = {AGENT_FID_HELLO, AGENT_PROTOCOL_VERSION,
			       AGENT_KIND_REFERENCE_CLIENT,
			       (uintptr_t)mailbox, MAILBOX_SIZE}};

	enable_data_cache();
	call(&r, true);
	if (r.x[0] != AGENT_OK) {
		fail("AGENT_HELLO", r.x[0]);
	}
	for (;;) {
		const struct agent_step *st = (const void *)step_copy;

		r = (struct regs){.x = {AGENT_FID_NEXT}};
		call(&r, true);
		if (r.x[0] != AGENT_OK) {
			fail("AGENT_NEXT", r.x[0]);
		}
		memcpy(step_copy, mailbox, MAILBOX_SIZE);
		switch (st->op) {
		case AGENT_OP_EXIT_BOOT_SERVICES:
			agent_exit_boot_services();
			break;
		case AGENT_OP_PRINT:
			agent_print(st, step_copy + AGENT_STEP_PAYLOAD_OFFSET);
			break;
		case AGENT_OP_POWER_OFF:
			power_off();
		default:
			fail("agent step not supported by the bench image",
			     st->op);
		}
	}
}

/* --- Main ---------------------------------------------------------------- */

static const char *const mode_names[] = {
	[mode_empty] = "empty",
	[mode_loop] = "loop",
	[mode_smc] = "smc",
	[mode_mm_base] = "mm-base",
	[mode_mm] = "mm",
	[mode_mm_nomaint_base] = "mm-nomaint-base",
	[mode_mm_nomaint] = "mm-nomaint",
	[mode_compute] = "compute",
	[mode_compute_shared] = "compute-shared",
	[mode_agent] = "agent",
};

static uint64_t iterations(void)
{
	switch (mode) {
	case mode_loop:
	case mode_smc:
		return SMC_N;
	case mode_mm_base:
	case mode_mm:
	case mode_mm_nomaint_base:
	case mode_mm_nomaint:
		return MM_N;
	case mode_compute:
	case mode_compute_shared:
	case mode_agent:
		return COMPUTE_N;
	default:
		return 0;
	}
}

void bench_main(void)
{
	uart_puts("bench: ");
	uart_puts(mode_names[mode]);
	uart_puts(" iterations ");
	put_u64(iterations());
	uart_putc('\n');
	switch (mode) {
	case mode_empty:
		break;
	case mode_loop:
		report_done(smc_bench(false));
		break;
	case mode_smc:
		report_done(smc_bench(true));
		break;
	case mode_mm_base:
		mm_bench(false, true);
		break;
	case mode_mm:
		mm_bench(true, true);
		break;
	case mode_mm_nomaint_base:
		mm_bench(false, false);
		break;
	case mode_mm_nomaint:
		mm_bench(true, false);
		break;
	case mode_compute:
		report_done(compute(compute_buf, COMPUTE_N));
		break;
	case mode_compute_shared:
		enable_data_cache();
		report_done(compute((uint64_t *)(uintptr_t)SHARED_BUF,
				    COMPUTE_N));
		break;
	case mode_agent:
		agent();
	}
	power_off();
}
