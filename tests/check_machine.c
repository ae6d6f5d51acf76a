/*
 * Unit tests of emulator/machine.c through its public API: tiny
 * hand-assembled AArch64 programs placed in the flash of the default
 * platform (emulator/platform.c, qemu-virt: flash at 0, RAM at
 * 0x40000000, PL011 at 0x09000000, the MM shared buffer at 0x60000000,
 * nothing at 0x0e000000) and run to their stop.
 *
 * Encodings are from the Arm ARM (DDI 0487), section C6 (A64 base
 * instructions), each word commented with its mnemonic; llvm-mc
 * -show-encoding gives the same words.
 *
 * Programs hand results back by storing registers to RESULT_ADDR in RAM,
 * which the tests read through machine_cpu_mem().
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "common/error.h"
#include "common/finding.h"
#include "models/guest_mem.h"
#include "emulator/loader.h"
#include "emulator/machine.h"
#include "emulator/machine_priv.h" /* machine_block_is_stale() */
#include "emulator/pl011.h"
#include "emulator/platform.h"
#include "harness/session.h"
#include "models/mm_sp.h"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define RESULT_ADDR UINT64_C(0x40100000) /* RAM, past the device tree */
#define SHARED_BUF_ADDR UINT64_C(0x60000000) /* the default platform's */
#define SCTLR_WRITTEN UINT64_C(0x1005)    /* M, C and I */
#define BUDGET UINT64_C(10000)

/* Words shared by several programs. */
#define A64_NOP 0xd503201fu
#define A64_B_SELF 0x14000000u      /* b . */
#define A64_SMC_0 0xd4000003u       /* smc #0 */
/* mov w0, #0x84000008 (PSCI SYSTEM_OFF, PSCI 1.1 section 5.10) */
#define A64_PSCI_SYSTEM_OFF_W0_LO 0x52800100u /* movz w0, #0x8 */
#define A64_PSCI_SYSTEM_OFF_W0_HI 0x72b08000u /* movk w0, #0x8400, lsl #16 */

/* The wall-clock safety net of the tests' machines. */
#define WALL_TIMEOUT_MS 20000

/* --- The machine under test ---------------------------------------------- */

/* A64 instructions are little-endian words: out gets 4 * count bytes. */
static void program_bytes(const uint32_t *program, size_t count,
			  uint8_t *out)
{
	for (size_t i = 0; i < count; i++) {
		out[4 * i] = (uint8_t)program[i];
		out[4 * i + 1] = (uint8_t)(program[i] >> 8);
		out[4 * i + 2] = (uint8_t)(program[i] >> 16);
		out[4 * i + 3] = (uint8_t)(program[i] >> 24);
	}
}

/*
 * machine_with_options() - The one place that builds a machine for these
 * tests: a session (machine, secure world, SMC routing) on the default
 * platform, with the program in flash at address 0 as a raw image, the
 * entry point there.  @max_insns: the run's budget (0: the default).
 *
 * How the machine is connected to the secure world is session_init()'s
 * business; when that changes, only this function should need to.
 */
static struct machine *machine_with_options(struct session *s,
					    const uint32_t *program,
					    size_t count, uint64_t max_insns,
					    bool paced_clock,
					    uint64_t wall_timeout_ms,
					    bool cache_model_off)
{
	struct session_config cfg;
	struct error err = {false, ""};
	uint8_t *bytes = malloc(count * 4);

	ck_assert_ptr_nonnull(bytes);
	program_bytes(program, count, bytes);
	session_config_default(&cfg, NULL);
	if (max_insns != 0) {
		cfg.machine.max_insns = max_insns;
	}
	cfg.machine.wall_timeout_ms = wall_timeout_ms;
	cfg.machine.paced_clock = paced_clock;
	cfg.machine.cache_model_off = cache_model_off;
	ck_assert_msg(session_init(s, &cfg, &err), "session_init: %s",
		      err.message);
	ck_assert_msg(image_parse(&s->image, bytes, count * 4, "program",
				  IMAGE_FORMAT_RAW,
				  cfg.platform->default_load_addr, &err),
		      "image_parse: %s", err.message);
	free(bytes);
	s->image_loaded = true; /* session_free() frees it */
	ck_assert_msg(machine_load_image(s->machine, &s->image, &err),
		      "machine_load_image: %s", err.message);
	return s->machine;
}

static struct machine *machine_with_limits(struct session *s,
					   const uint32_t *program,
					   size_t count, uint64_t max_insns,
					   bool paced_clock,
					   uint64_t wall_timeout_ms)
{
	return machine_with_options(s, program, count, max_insns, paced_clock,
				    wall_timeout_ms, false);
}

static struct machine *machine_with_clock(struct session *s,
					  const uint32_t *program,
					  size_t count, uint64_t max_insns,
					  bool paced_clock)
{
	return machine_with_limits(s, program, count, max_insns, paced_clock,
				   WALL_TIMEOUT_MS);
}

static struct machine *machine_under_test(struct session *s,
					  const uint32_t *program,
					  size_t count, uint64_t max_insns)
{
	return machine_with_clock(s, program, count, max_insns, false);
}

static enum machine_stop run(struct machine *m)
{
	const struct machine_run_opts opts = {0};

	return machine_run(m, &opts);
}

static uint64_t result_word(struct machine *m, unsigned index)
{
	uint8_t b[8];
	uint64_t v = 0;

	ck_assert(guest_mem_read(machine_cpu_mem(m), RESULT_ADDR + 8 * index,
				 b, sizeof(b)));
	for (int i = 7; i >= 0; i--) {
		v = v << 8 | b[i];
	}
	return v;
}

/* Check fixture state: the only file-scope mutable state (STYLE C1). */
static struct session session;

static void machine_teardown(void)
{
	session_free(&session);
}

/* --- Programs ------------------------------------------------------------ */

static const uint32_t system_off_program[] = {
	A64_PSCI_SYSTEM_OFF_W0_LO, /* movz w0, #0x8 */
	A64_PSCI_SYSTEM_OFF_W0_HI, /* movk w0, #0x8400, lsl #16 */
	A64_SMC_0,                 /* smc #0 */
	A64_B_SELF,                /* b . (never reached) */
};

static const uint32_t udf_program[] = {
	A64_NOP,     /* nop */
	0x00000000u, /* udf #0 */
	A64_B_SELF,  /* b . */
};

static const uint32_t unmapped_read_program[] = {
	0xd2a1c001u, /* movz x1, #0x0e00, lsl #16: nothing is mapped there */
	0xf9400020u, /* ldr x0, [x1] */
	A64_B_SELF,  /* b . */
};

static const uint32_t branch_to_self_program[] = {
	A64_B_SELF, /* b . */
};

static const uint32_t counting_loop_program[] = {
	0x91000400u, /* add x0, x0, #1 */
	0x17ffffffu, /* b .-4 */
};

static const uint32_t uart_program[] = {
	0xd2a12001u, /* movz x1, #0x0900, lsl #16: the PL011 data register */
	0x52800900u, /* movz w0, #'H' */
	0x39000020u, /* strb w0, [x1] */
	0x52800d20u, /* movz w0, #'i' */
	0x39000020u, /* strb w0, [x1] */
	A64_PSCI_SYSTEM_OFF_W0_LO, /* movz w0, #0x8 */
	A64_PSCI_SYSTEM_OFF_W0_HI, /* movk w0, #0x8400, lsl #16 */
	A64_SMC_0,                 /* smc #0 */
};

static const uint32_t sctlr_program[] = {
	0xd28200a0u, /* movz x0, #0x1005 (SCTLR_EL1 M, C, I) */
	0xd5181000u, /* msr sctlr_el1, x0 */
	0xd5381001u, /* mrs x1, sctlr_el1 */
	0xd2a80202u, /* movz x2, #0x4010, lsl #16 (RESULT_ADDR) */
	0xf9000041u, /* str x1, [x2] */
	A64_PSCI_SYSTEM_OFF_W0_LO, /* movz w0, #0x8 */
	A64_PSCI_SYSTEM_OFF_W0_HI, /* movk w0, #0x8400, lsl #16 */
	A64_SMC_0,                 /* smc #0 */
};

static const uint32_t counter_program[] = {
	0xd53be040u, /* mrs x0, cntvct_el0 */
	0xd53be041u, /* mrs x1, cntvct_el0 */
	0xd2a80202u, /* movz x2, #0x4010, lsl #16 (RESULT_ADDR) */
	0xf9000040u, /* str x0, [x2] */
	0xf9000441u, /* str x1, [x2, #8] */
	A64_PSCI_SYSTEM_OFF_W0_LO, /* movz w0, #0x8 */
	A64_PSCI_SYSTEM_OFF_W0_HI, /* movk w0, #0x8400, lsl #16 */
	A64_SMC_0,                 /* smc #0 */
};

/*
 * A store to the MM shared buffer, then (optionally) DC CVAC over it, then
 * FFA_VERSION and an FFA_MSG_SEND_DIRECT_REQ_64 doorbell to the MM
 * partition (ID 0x8003, buffer offset 0 in x3), then SYSTEM_OFF.  With the
 * data cache on (SCTLR_EL1.M and C), the secure side reads the point of
 * coherency, which the store has not reached without the clean.
 */
#define DOORBELL_PROGRAM(clean)                                              \
	{                                                                    \
		0xd28200a0u, /* movz x0, #0x1005 (SCTLR_EL1 M, C, I) */      \
		0xd5181000u, /* msr sctlr_el1, x0 */                         \
		0xd2ac0001u, /* movz x1, #0x6000, lsl #16 (shared buffer) */ \
		0xf9000020u, /* str x0, [x1] */                              \
		(clean),     /* dc cvac, x1 / nop */                         \
		0xd5033f9fu, /* dsb sy */                                    \
		0x52800c60u, /* movz w0, #0x63 */                            \
		0x72b08000u, /* movk w0, #0x8400, lsl #16: FFA_VERSION */    \
		0x52800021u, /* movz w1, #1 */                               \
		0x72a00021u, /* movk w1, #1, lsl #16: version 1.1 */         \
		A64_SMC_0,   /* smc #0 */                                    \
		0x52800de0u, /* movz w0, #0x6f */                            \
		0x72b88000u, /* movk w0, #0xc400, lsl #16: DIRECT_REQ_64 */  \
		0x52900061u, /* movz w1, #0x8003: sender 0, receiver MM SP */ \
		0xd2800002u, /* movz x2, #0: no flags */                     \
		0xd2800003u, /* movz x3, #0: request at buffer offset 0 */   \
		A64_SMC_0,   /* smc #0 */                                    \
		A64_PSCI_SYSTEM_OFF_W0_LO, /* movz w0, #0x8 */               \
		A64_PSCI_SYSTEM_OFF_W0_HI, /* movk w0, #0x8400, lsl #16 */   \
		A64_SMC_0,                 /* smc #0 */                      \
	}

static const uint32_t doorbell_without_clean_program[] =
	DOORBELL_PROGRAM(A64_NOP);
static const uint32_t doorbell_with_clean_program[] =
	DOORBELL_PROGRAM(0xd50b7a21u /* dc cvac, x1 */);

/*
 * Loads RESULT_ADDR in a subroutine called twice, with an SMC between the
 * calls whose answer forbids the range (as the secure world's answer to a
 * lend does): the subroutine's block was translated before.
 */
#define LOAD_SUBROUTINE 32u
static const uint32_t load_twice_program[] = {
	0xd2a80202u, /* movz x2, #0x4010, lsl #16 (RESULT_ADDR) */
	0x94000007u, /* bl 32 */
	A64_SMC_0,   /* smc #0: the range is forbidden in here */
	0x94000005u, /* bl 32 */
	A64_PSCI_SYSTEM_OFF_W0_LO, /* movz w0, #0x8 */
	A64_PSCI_SYSTEM_OFF_W0_HI, /* movk w0, #0x8400, lsl #16 */
	A64_SMC_0,                 /* smc #0 */
	A64_NOP,
	0xf9400041u, /* 32: ldr x1, [x2] */
	0xd65f03c0u, /* ret */
};

/* The same with the subroutine further on: code no run translated yet. */
static const uint32_t load_twice_later_program[] = {
	0xd2a80202u, /* movz x2, #0x4010, lsl #16 (RESULT_ADDR) */
	0x94000009u, /* bl 40 */
	A64_SMC_0,   /* smc #0: the range is forbidden in here */
	0x94000007u, /* bl 40 */
	A64_PSCI_SYSTEM_OFF_W0_LO, /* movz w0, #0x8 */
	A64_PSCI_SYSTEM_OFF_W0_HI, /* movk w0, #0x8400, lsl #16 */
	A64_SMC_0,                 /* smc #0 */
	A64_NOP,
	A64_NOP,
	A64_NOP,
	0xf9400041u, /* 40: ldr x1, [x2] */
	0xd65f03c0u, /* ret */
};

/* Check fixture state: whether the fake secure world allows again. */
static bool forbid_then_allow;

/* A secure world that forbids RESULT_ADDR's page at the first SMC. */
static enum smc_action forbidding_world(void *world,
					const struct sw_caller *caller,
					const struct smccc_regs *in,
					uint64_t pc, uint64_t lr,
					uint64_t insns,
					struct smccc_regs *out)
{
	struct machine *m = world;

	(void)caller;
	(void)lr;
	(void)insns;
	*out = *in;
	if ((uint32_t)in->x[0] == 0x84000008u) {
		return SMC_ACTION_POWER_OFF;
	}
	ck_assert_uint_eq(pc, 8);
	ck_assert(machine_forbid(m, 7, RESULT_ADDR, 4096,
				 "ffa.mem.owner-access-after-lend",
				 "lent with handle 0x7"));
	if (forbid_then_allow) {
		machine_allow(m, 7);
	}
	return SMC_ACTION_RETURN;
}

/* A secure world that only powers off (engine reuse tests). */
static enum smc_action quiet_world(void *world, const struct sw_caller *caller,
				   const struct smccc_regs *in, uint64_t pc,
				   uint64_t lr, uint64_t insns,
				   struct smccc_regs *out)
{
	(void)world;
	(void)caller;
	(void)pc;
	(void)lr;
	(void)insns;
	*out = *in;
	return (uint32_t)in->x[0] == 0x84000008u ? SMC_ACTION_POWER_OFF
						 : SMC_ACTION_RETURN;
}

static bool quiet_world_runs;

static void run_load_program(const uint32_t *program, size_t count,
			     bool cache_model_off, bool allow)
{
	struct machine *m = machine_with_options(&session, program, count, 0,
						 false, WALL_TIMEOUT_MS,
						 cache_model_off);

	forbid_then_allow = allow;
	machine_set_secure_port(m, quiet_world_runs ? quiet_world
						    : forbidding_world,
				m);
	ck_assert_int_eq(run(m), MACHINE_STOP_POWER_OFF);
}

static void run_load_twice(bool cache_model_off, bool allow)
{
	run_load_program(load_twice_program, ARRAY_COUNT(load_twice_program),
			 cache_model_off, allow);
}

/*
 * A subroutine on the next page that loads RESULT_ADDR, run once before
 * the SMC that forbids the range and never after it.
 */
#define NEXT_PAGE 4096u
static uint32_t load_then_leave_program[NEXT_PAGE / 4 + 2] = {
	0xd2a80202u, /* movz x2, #0x4010, lsl #16 (RESULT_ADDR) */
	0x940003ffu, /* bl 4096 */
	A64_SMC_0,   /* smc #0: the range is forbidden in here */
	A64_PSCI_SYSTEM_OFF_W0_LO, /* movz w0, #0x8 */
	A64_PSCI_SYSTEM_OFF_W0_HI, /* movk w0, #0x8400, lsl #16 */
	A64_SMC_0,                 /* smc #0 */
};

/*
 * U-Boot 2023.01's memset() word loop (lib/string.c as GCC 12 builds it)
 * filling 8196 bytes at RESULT_ADDR with 0x55667788: 1024 stores, the
 * last four bytes left to a byte loop this program does not have.
 * Instructions: the first block 8, each turn of the body and the head 6,
 * the power-off block 3: 8 + 1024 * 6 + 3.
 */
#define FILL_LEN 8196u
#define FILL_INSNS (8u + 1024u * 6u + 3u)
#define FILL_HEAD 0x14u
#define FILL_BODY 0x2cu
static const uint32_t fill_words_program[] = {
	0xd2a80200u, /* movz x0, #0x4010, lsl #16 (RESULT_ADDR) */
	0xd2840082u, /* movz x2, #0x2004 (FILL_LEN) */
	0xd28ef104u, /* movz x4, #0x7788 */
	0xf2aaacc4u, /* movk x4, #0x5566, lsl #16 */
	0xd2800003u, /* movz x3, #0 */
	0xcb030045u, /* 0x14: sub x5, x2, x3 */
	0xf1001cbfu, /* cmp x5, #7 */
	0x54000088u, /* b.hi 0x2c */
	A64_PSCI_SYSTEM_OFF_W0_LO, /* movz w0, #0x8 */
	A64_PSCI_SYSTEM_OFF_W0_HI, /* movk w0, #0x8400, lsl #16 */
	A64_SMC_0,                 /* smc #0 */
	0xf8236804u, /* 0x2c: str x4, [x0, x3] */
	0x91002063u, /* add x3, x3, #8 */
	0x17fffff8u, /* b 0x14 */
};

/*
 * U-Boot 2023.01's memcpy() byte loop copying COPY_LEN bytes from
 * RESULT_ADDR to RESULT_ADDR + the offset in word 2 (patched by the test:
 * 0x2001 apart, or 1, overlapping).  Instructions: the first block 7,
 * each turn of the body and the head 6, the power-off block 3.
 */
#define COPY_LEN 3000u
#define COPY_INSNS (7u + COPY_LEN * 6u + 3u)
static uint32_t copy_bytes_program[] = {
	0xd2a80201u, /* movz x1, #0x4010, lsl #16 (RESULT_ADDR) */
	0xd2a80204u, /* movz x4, #0x4010, lsl #16 */
	0xf2800004u, /* movk x4, #offset (patched) */
	0xd2817702u, /* movz x2, #3000 (COPY_LEN) */
	0xd2800003u, /* movz x3, #0 */
	0xeb03005fu, /* 0x14: cmp x2, x3 */
	0x540000a1u, /* b.ne 0x2c */
	A64_PSCI_SYSTEM_OFF_W0_LO, /* movz w0, #0x8 */
	A64_PSCI_SYSTEM_OFF_W0_HI, /* movk w0, #0x8400, lsl #16 */
	A64_SMC_0,                 /* smc #0 */
	A64_NOP,
	0x38636825u, /* 0x2c: ldrb w5, [x1, x3] */
	0x38236885u, /* strb w5, [x4, x3] */
	0x91000463u, /* add x3, x3, #1 */
	0x17fffff7u, /* b 0x14 */
};

static uint8_t copy_source_byte(size_t i)
{
	return (uint8_t)(i * 7 + 3);
}

/*
 * Reads line 0 of the shared buffer and writes line 1 with the data cache
 * on, and stores what it read at RESULT_ADDR.
 */
static const uint32_t buffer_access_program[] = {
	0xd28200a0u, /* movz x0, #0x1005 (SCTLR_EL1 M, C, I) */
	0xd5181000u, /* msr sctlr_el1, x0 */
	0xd2ac0001u, /* movz x1, #0x6000, lsl #16 (shared buffer) */
	0xf9400022u, /* ldr x2, [x1] */
	0xf9002022u, /* str x2, [x1, #64] */
	0xd2a80203u, /* movz x3, #0x4010, lsl #16 (RESULT_ADDR) */
	0xf9000062u, /* str x2, [x3] */
	A64_PSCI_SYSTEM_OFF_W0_LO, /* movz w0, #0x8 */
	A64_PSCI_SYSTEM_OFF_W0_HI, /* movk w0, #0x8400, lsl #16 */
	A64_SMC_0,                 /* smc #0 */
};

/* --- Tests --------------------------------------------------------------- */

/*
 * The second load is reported, although its block was translated before
 * the range was forbidden inside the SMC, when no read hook existed (the
 * cache model watches through an MMIO window, on (_i = 0) or off (_i =
 * 1)): the machine drops the translated blocks.  Once per range, with the
 * PC of the load.
 */
START_TEST(load_from_a_forbidden_range_is_a_finding)
{
	const struct finding *fd;

	run_load_twice(_i == 1, false);
	fd = findings_find(&session.findings,
			   "ffa.mem.owner-access-after-lend");
	ck_assert_ptr_nonnull(fd);
	ck_assert_int_eq(fd->kind, FINDING_FIRMWARE);
	ck_assert_uint_eq(fd->pc, LOAD_SUBROUTINE);
	ck_assert_uint_eq(fd->address, RESULT_ADDR);
	ck_assert_ptr_nonnull(strstr(fd->message, "handle 0x7"));
	ck_assert_uint_eq(session.findings.count, 1); /* once per range */
}
END_TEST

/*
 * The first read hook drops only the blocks that run after it: the page
 * the run goes on from is translated again, the page left behind keeps
 * its blocks (stale, dropped should they run again).
 */
START_TEST(first_read_hook_drops_only_the_blocks_that_run_again)
{
	struct machine *m;

	load_then_leave_program[NEXT_PAGE / 4] = 0xf9400041u; /* ldr x1, [x2] */
	load_then_leave_program[NEXT_PAGE / 4 + 1] = 0xd65f03c0u; /* ret */
	run_load_program(load_then_leave_program,
			 ARRAY_COUNT(load_then_leave_program), false, false);
	m = session.machine;
	ck_assert(!machine_block_is_stale(m, 12, 4));
	ck_assert(machine_block_is_stale(m, NEXT_PAGE, 8));
	ck_assert_ptr_null(findings_find(&session.findings,
					 "ffa.mem.owner-access-after-lend"));
}
END_TEST

static struct machine *fill_machine(bool fast)
{
	struct machine *m = machine_with_options(
		&session, fill_words_program, ARRAY_COUNT(fill_words_program),
		0, false, WALL_TIMEOUT_MS, false);

	machine_fast_loops_enable(fast);
	machine_set_secure_port(m, quiet_world, m);
	return m;
}

/* The bytes, the registers and the count the loop leaves, run or not. */
static void assert_filled(struct machine *m)
{
	static uint8_t got[FILL_LEN + 4];

	ck_assert(guest_mem_read(machine_cpu_mem(m), RESULT_ADDR, got,
				 sizeof(got)));
	for (size_t i = 0; i < FILL_LEN - 4; i += 8) {
		ck_assert_uint_eq(got[i], 0x88);
		ck_assert_uint_eq(got[i + 3], 0x55);
		ck_assert_uint_eq(got[i + 4], 0);
	}
	for (size_t i = FILL_LEN - 4; i < sizeof(got); i++) {
		ck_assert_uint_eq(got[i], 0);
	}
	ck_assert_uint_eq(machine_xreg(m, 3), FILL_LEN - 4);
	ck_assert_uint_eq(machine_xreg(m, 5), 4);
	ck_assert_uint_eq(machine_insns(m), FILL_INSNS);
}

/*
 * U-Boot's memset() loop leaves the same memory, registers and
 * instruction count whether the machine runs each turn (_i = 1) or
 * applies all but the first MACHINE_LOOP_TURNS at once (_i = 0).
 */
START_TEST(fast_loop_leaves_what_running_it_leaves)
{
	struct machine *m = fill_machine(_i == 0);

	ck_assert_int_eq(run(m), MACHINE_STOP_POWER_OFF);
	assert_filled(m);
	if (_i == 0) {
		ck_assert_uint_ge(m->fast_loop_iterations,
				  1024 - MACHINE_LOOP_TURNS - 1);
	} else {
		ck_assert_uint_eq(m->fast_loop_iterations, 0);
	}
	machine_fast_loops_enable(true);
}
END_TEST

static void count_write(void *ctx, uint64_t addr, uint64_t value)
{
	(void)addr;
	(void)value;
	(*(unsigned *)ctx)++;
}

/* A store the loop would make to a watched range: every turn runs. */
START_TEST(fast_loop_runs_every_turn_under_a_write_watch)
{
	struct machine *m = fill_machine(true);
	unsigned writes = 0;

	ck_assert(machine_watch_write(m, RESULT_ADDR + 0x1000, 8, count_write,
				      &writes));
	ck_assert_int_eq(run(m), MACHINE_STOP_POWER_OFF);
	assert_filled(m);
	ck_assert_uint_eq(m->fast_loop_iterations, 0);
	ck_assert_uint_eq(writes, 1);
}
END_TEST

/*
 * A bound inside the loop stops the run at the block where running each
 * turn stops it: 8 + 3 * 998 = 3002 >= 3000, after 499 stores.
 */
START_TEST(fast_loop_stops_where_the_bound_falls)
{
	struct machine *m = fill_machine(_i == 0);
	const struct machine_run_opts opts = {.max_insns = 3000};

	ck_assert_int_eq(machine_run(m, &opts), MACHINE_STOP_STEP_BUDGET);
	ck_assert_uint_eq(machine_insns(m), 3002);
	ck_assert_uint_eq(machine_xreg(m, 3), 499 * 8);
	machine_fast_loops_enable(true);
}
END_TEST

/*
 * U-Boot's memcpy() byte loop leaves the same bytes, registers and count
 * run turn by turn or applied at once (_i bit 0: every turn), apart
 * (_i < 2) or overlapping one byte ahead, where the forward copy repeats
 * the first byte all along (_i >= 2).
 */
START_TEST(fast_copy_leaves_what_running_it_leaves)
{
	bool every_turn = _i & 1, overlap = _i >= 2;
	uint64_t offset = overlap ? 1 : 0x2001;
	static uint8_t src[COPY_LEN], got[COPY_LEN];
	struct machine *m;

	copy_bytes_program[2] = 0xf2800004u | (uint32_t)(offset << 5);
	m = machine_with_options(&session, copy_bytes_program,
				 ARRAY_COUNT(copy_bytes_program), 0, false,
				 WALL_TIMEOUT_MS, false);
	machine_fast_loops_enable(!every_turn);
	machine_set_secure_port(m, quiet_world, m);
	for (size_t i = 0; i < COPY_LEN; i++) {
		src[i] = copy_source_byte(i);
	}
	ck_assert(guest_mem_write(machine_cpu_mem(m), RESULT_ADDR, src,
				  sizeof(src)));
	ck_assert_int_eq(run(m), MACHINE_STOP_POWER_OFF);
	ck_assert(guest_mem_read(machine_cpu_mem(m), RESULT_ADDR + offset, got,
				 sizeof(got)));
	for (size_t i = 0; i < COPY_LEN; i++) {
		ck_assert_uint_eq(got[i], overlap ? copy_source_byte(0)
						  : copy_source_byte(i));
	}
	ck_assert_uint_eq(machine_xreg(m, 3), COPY_LEN);
	ck_assert_uint_eq(machine_xreg(m, 5),
			  overlap ? copy_source_byte(0)
				  : copy_source_byte(COPY_LEN - 1));
	ck_assert_uint_eq(machine_insns(m), COPY_INSNS);
	if (every_turn) {
		ck_assert_uint_eq(m->fast_loop_iterations, 0);
	} else {
		ck_assert_uint_ge(m->fast_loop_iterations,
				  COPY_LEN - MACHINE_LOOP_TURNS - 1);
	}
	machine_fast_loops_enable(true);
}
END_TEST

START_TEST(allowed_range_is_no_finding)
{
	run_load_twice(_i == 1, true);
	ck_assert_ptr_null(findings_find(&session.findings,
					 "ffa.mem.owner-access-after-lend"));
}
END_TEST

/*
 * The guest's loads and stores in the shared buffer reach the cache model
 * (through its MMIO window, no read hook): the line read is allocated
 * clean, the line written dirty.  The host's reads and writes there do
 * not count as the CPU's, and the guest reads the bytes the host wrote.
 */
START_TEST(guest_buffer_accesses_reach_the_cache_model_host_ones_do_not)
{
	struct machine *m = machine_with_options(
		&session, buffer_access_program,
		ARRAY_COUNT(buffer_access_program), 0, false, WALL_TIMEOUT_MS,
		false);
	const uint8_t value[8] = {0x88, 0x77, 0x66, 0x55,
				  0x44, 0x33, 0x22, 0x11};
	uint8_t seen[8];
	const struct cache_range *r;

	ck_assert(guest_mem_write(machine_cpu_mem(m), SHARED_BUF_ADDR, value,
				  sizeof(value)));
	ck_assert(guest_mem_write(machine_cpu_mem(m), SHARED_BUF_ADDR + 128,
				  value, sizeof(value)));
	ck_assert(guest_mem_read(machine_cpu_mem(m), SHARED_BUF_ADDR + 192,
				 seen, sizeof(seen)));
	ck_assert_int_eq(run(m), MACHINE_STOP_POWER_OFF);
	ck_assert_uint_eq(result_word(m, 0), UINT64_C(0x1122334455667788));
	r = &machine_cache(m)->ranges[0];
	ck_assert_uint_eq(r->base, SHARED_BUF_ADDR);
	ck_assert_int_eq(r->state[0], CACHE_CLEAN);
	ck_assert_int_eq(r->state[1], CACHE_DIRTY);
	ck_assert_int_eq(r->state[2], CACHE_INVALID); /* host write */
	ck_assert_int_eq(r->state[3], CACHE_INVALID); /* host read */
	ck_assert(guest_mem_read(machine_cpu_mem(m), SHARED_BUF_ADDR + 64,
				 seen, sizeof(seen)));
	ck_assert_mem_eq(seen, value, sizeof(value));
	ck_assert_int_eq(r->state[1], CACHE_DIRTY);
}
END_TEST

START_TEST(psci_system_off_through_smc_powers_off)
{
	struct machine *m = machine_under_test(
		&session, system_off_program, ARRAY_COUNT(system_off_program),
		0);
	bool traced = false;

	ck_assert_int_eq(run(m), MACHINE_STOP_POWER_OFF);
	ck_assert(machine_stop_is_final(MACHINE_STOP_POWER_OFF));
	for (size_t i = 0; i < session.trace.count; i++) {
		const struct trace_event *ev = &session.trace.events[i];

		if (ev->kind == TRACE_SMC && ev->fid == 0x84000008u &&
		    ev->pc == 8) {
			traced = true;
		}
	}
	ck_assert_msg(traced, "the SYSTEM_OFF SMC at 0x8 is not in the trace");
}
END_TEST

START_TEST(udf_stops_with_a_fault_at_its_pc)
{
	struct machine *m = machine_under_test(&session, udf_program,
					       ARRAY_COUNT(udf_program), 0);
	const struct machine_fault *f;

	ck_assert_int_eq(run(m), MACHINE_STOP_FAULT);
	f = machine_fault(m);
	ck_assert_str_eq(f->kind, "undefined-instruction");
	ck_assert_uint_eq(f->pc, 4);
	ck_assert_ptr_nonnull(f->registers);
	ck_assert_ptr_nonnull(strstr(f->registers,
				     "pc  0x0000000000000004"));
	ck_assert_ptr_nonnull(f->disasm);
	ck_assert_ptr_nonnull(strstr(f->disasm,
				     "=> 0x0000000000000004: 00000000"));
}
END_TEST

START_TEST(unmapped_read_faults_with_the_address)
{
	struct machine *m = machine_under_test(
		&session, unmapped_read_program,
		ARRAY_COUNT(unmapped_read_program), 0);
	const struct machine_fault *f;

	ck_assert_int_eq(run(m), MACHINE_STOP_FAULT);
	f = machine_fault(m);
	ck_assert_str_eq(f->kind, "unmapped-read");
	ck_assert(f->has_address);
	ck_assert_uint_eq(f->address, 0x0e000000u);
	ck_assert_uint_eq(f->pc, 4);
	ck_assert_ptr_nonnull(strstr(f->disasm, "=> 0x0000000000000004"));
}
END_TEST

START_TEST(branch_to_self_is_a_hang)
{
	struct machine *m = machine_under_test(
		&session, branch_to_self_program,
		ARRAY_COUNT(branch_to_self_program), 0);

	ck_assert_int_eq(run(m), MACHINE_STOP_HANG);
	ck_assert_str_eq(machine_fault(m)->kind, "hang");
	ck_assert_uint_eq(machine_fault(m)->pc, 0);
}
END_TEST

START_TEST(endless_loop_spends_the_instruction_budget)
{
	struct machine *m = machine_under_test(
		&session, counting_loop_program,
		ARRAY_COUNT(counting_loop_program), BUDGET);

	ck_assert_int_eq(run(m), MACHINE_STOP_BUDGET);
	ck_assert_str_eq(machine_fault(m)->kind, "instruction-budget");
	/* Counted per translated block of two instructions. */
	ck_assert_uint_ge(machine_insns(m), BUDGET);
	ck_assert_uint_le(machine_insns(m), BUDGET + 2);
}
END_TEST

/* wall_timeout_ms 0 is no safety net (machine.h), not an instant one:
 * a loop of a million blocks meets the clock check 15 times. */
START_TEST(no_wall_clock_limit_lets_the_budget_end_the_run)
{
	struct machine *m = machine_with_limits(
		&session, counting_loop_program,
		ARRAY_COUNT(counting_loop_program), 2000000, false, 0);

	ck_assert_int_eq(run(m), MACHINE_STOP_BUDGET);
	ck_assert_uint_ge(machine_insns(m), 2000000);
}
END_TEST

START_TEST(pl011_output_appears_in_the_console)
{
	struct machine *m = machine_under_test(&session, uart_program,
					       ARRAY_COUNT(uart_program), 0);
	struct pl011 *uart;

	ck_assert_int_eq(run(m), MACHINE_STOP_POWER_OFF);
	uart = machine_uart(m);
	ck_assert_uint_eq(pl011_output_len(uart), 2);
	ck_assert_str_eq(pl011_output(uart), "Hi");
}
END_TEST

START_TEST(sctlr_el1_reads_back_what_was_written)
{
	struct machine *m = machine_under_test(
		&session, sctlr_program, ARRAY_COUNT(sctlr_program), 0);

	ck_assert_uint_ne(machine_sctlr(m), SCTLR_WRITTEN);
	ck_assert_int_eq(run(m), MACHINE_STOP_POWER_OFF);
	/* M is set although Unicorn runs with the MMU off underneath. */
	ck_assert_uint_eq(result_word(m, 0), SCTLR_WRITTEN);
	ck_assert_uint_eq(machine_sctlr(m), SCTLR_WRITTEN);
}
END_TEST

START_TEST(virtual_counter_is_the_same_on_two_machines)
{
	struct session second;
	struct machine *a = machine_under_test(
		&session, counter_program, ARRAY_COUNT(counter_program), 0);
	struct machine *b = machine_under_test(
		&second, counter_program, ARRAY_COUNT(counter_program), 0);

	ck_assert_int_eq(run(a), MACHINE_STOP_POWER_OFF);
	ck_assert_int_eq(run(b), MACHINE_STOP_POWER_OFF);
	ck_assert_uint_eq(result_word(a, 0), result_word(b, 0));
	ck_assert_uint_eq(result_word(a, 1), result_word(b, 1));
	/* The counter moves by the configured step between two reads. */
	ck_assert_uint_eq(result_word(a, 1) - result_word(a, 0),
			  session.cfg.machine.counter_step);
	/* The default docs/machine.md states. */
	ck_assert_uint_eq(session.cfg.machine.counter_step, 16000u);
	session_free(&second);
}
END_TEST

/*
 * Counts the mappings of `kib` KiB in /proc/self/smaps, and of those the
 * ones whose VmFlags hold "hg" (madvise(MADV_HUGEPAGE)).
 */
static void count_mappings(unsigned long kib, unsigned *all, unsigned *huge)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	bool in_match = false;

	ck_assert_ptr_nonnull(f);
	*all = *huge = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long size;

		if (sscanf(line, "Size: %lu kB", &size) == 1) {
			in_match = size == kib;
			*all += in_match;
		} else if (in_match && strncmp(line, "VmFlags:", 8) == 0) {
			*huge += strstr(line, " hg") != NULL;
		}
	}
	fclose(f);
}

/* The top 64 MiB of RAM, where U-Boot lives after relocation, asks for
 * transparent huge pages; the rest of RAM does not (machine.c,
 * hint_huge_pages_at_top()). */
START_TEST(top_of_ram_asks_for_huge_pages)
{
	uint64_t ram;
	unsigned top_all, top_huge, rest_all, rest_huge;
	bool thp = access("/sys/kernel/mm/transparent_hugepage/enabled",
			  F_OK) == 0;

	(void)machine_under_test(&session, counter_program,
				 ARRAY_COUNT(counter_program), 0);
	ram = session.cfg.machine.platform->ram_size;
	count_mappings(64 * 1024, &top_all, &top_huge);
	count_mappings((unsigned long)(ram / 1024) - 64 * 1024, &rest_all,
		       &rest_huge);
	if (thp) {
		ck_assert_uint_ge(top_huge, 1);
		ck_assert_uint_ge(rest_all, 1);
	}
	ck_assert_uint_eq(rest_huge, 0);
}
END_TEST

/* Whether /proc/swaps lists a swap area (a line past its header). */
static bool host_has_swap_area(void)
{
	FILE *f = fopen("/proc/swaps", "r");
	char line[256];
	int lines = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		lines++;
	}
	fclose(f);
	return lines > 1;
}

/* RAM the host never touched reads as untouched, so that a search of
 * all RAM can skip it (harness/exit_watch.c); a write, the loaded image
 * and what is not RAM are never untouched.  With a swap area nothing is:
 * a swapped-out page is not resident either. */
START_TEST(ram_is_untouched_until_written)
{
	struct machine *m = machine_under_test(
		&session, counter_program, ARRAY_COUNT(counter_program), 0);
	const struct guest_mem *gm = machine_cpu_mem(m);
	uint64_t far = UINT64_C(0x70000000); /* nothing loads or runs here */
	uint64_t image = session.cfg.machine.platform->default_load_addr;
	uint64_t uart = session.cfg.machine.platform->uart_base;
	const uint8_t one = 1;

	if (host_has_swap_area()) {
		ck_assert(!guest_mem_untouched(gm, far, 1u << 20));
		return;
	}
	ck_assert(guest_mem_untouched(gm, far, 1u << 20));
	ck_assert(!guest_mem_untouched(gm, image, 4096));
	ck_assert(!guest_mem_untouched(gm, uart, 4096));
	ck_assert(guest_mem_write(gm, far + 5000, &one, 1));
	ck_assert(!guest_mem_untouched(gm, far, 1u << 20));
	ck_assert(!guest_mem_untouched(gm, far + 4096, 1));
	ck_assert(guest_mem_untouched(gm, far + 8192, 4096));
	ck_assert(guest_mem_untouched(gm, far, 4096));
}
END_TEST

/* A delay loop: spins until the counter is 0.2 s (at 62.5 MHz) past its
 * first read, then stores the first and the last value read. */
static const uint32_t delay_program[] = {
	0xd53be040u, /* mrs x0, cntvct_el0 */
	0xd2978401u, /* movz x1, #0xbc20 */
	0xf2a017c1u, /* movk x1, #0xbe, lsl #16: 12,500,000 ticks */
	0x8b010001u, /* add x1, x0, x1 */
	0xd53be042u, /* loop: mrs x2, cntvct_el0 */
	0xeb01005fu, /* cmp x2, x1 */
	0x54ffffc3u, /* b.lo loop */
	0xd2a80203u, /* movz x3, #0x4010, lsl #16 (RESULT_ADDR) */
	0xf9000060u, /* str x0, [x3] */
	0xf9000462u, /* str x2, [x3, #8] */
	A64_PSCI_SYSTEM_OFF_W0_LO, /* movz w0, #0x8 */
	A64_PSCI_SYSTEM_OFF_W0_HI, /* movk w0, #0x8400, lsl #16 */
	A64_SMC_0,                 /* smc #0 */
};

static double host_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Paced (`console`): a counter that lags the host's clock catches up. */
START_TEST(paced_counter_catches_up_with_host_time)
{
	struct machine *m = machine_with_clock(
		&session, counter_program, ARRAY_COUNT(counter_program), 0,
		true);
	uint64_t hz = session.cfg.platform->counter_freq_hz;
	struct timespec nap = {0, 300000000};

	nanosleep(&nap, NULL);
	ck_assert_int_eq(run(m), MACHINE_STOP_POWER_OFF);
	ck_assert_uint_ge(result_word(m, 0), hz * 3 / 10);
	ck_assert_uint_gt(result_word(m, 1), result_word(m, 0));
}
END_TEST

/* Paced: a delay loop of 0.2 s takes 0.2 s of host time, not the few
 * milliseconds its counter reads take unpaced; the counter never runs
 * ahead of the host's clock. */
START_TEST(paced_delay_loop_takes_host_time)
{
	struct session second;
	double made = host_seconds();
	struct machine *paced = machine_with_clock(
		&session, delay_program, ARRAY_COUNT(delay_program), 0, true);
	struct machine *fixed = machine_under_test(
		&second, delay_program, ARRAY_COUNT(delay_program), 0);
	uint64_t hz = session.cfg.platform->counter_freq_hz;
	double t0 = host_seconds();
	double paced_s, fixed_s, since_made;

	ck_assert_int_eq(run(paced), MACHINE_STOP_POWER_OFF);
	paced_s = host_seconds() - t0;
	since_made = host_seconds() - made;
	t0 = host_seconds();
	ck_assert_int_eq(run(fixed), MACHINE_STOP_POWER_OFF);
	fixed_s = host_seconds() - t0;
	ck_assert_msg(paced_s >= 0.19 && paced_s < 2.0,
		      "paced delay loop took %.3f s", paced_s);
	ck_assert_msg(fixed_s < 0.19, "unpaced delay loop took %.3f s",
		      fixed_s);
	ck_assert_uint_ge(result_word(paced, 1) - result_word(paced, 0),
			  12500000u);
	/* Never ahead of the host's clock since the machine was made. */
	ck_assert_uint_le(result_word(paced, 1),
			  (uint64_t)((since_made + 0.001) * (double)hz));
	session_free(&second);
}
END_TEST

START_TEST(store_then_doorbell_without_clean_is_a_cache_finding)
{
	struct machine *m = machine_under_test(
		&session, doorbell_without_clean_program,
		ARRAY_COUNT(doorbell_without_clean_program), 0);
	const struct finding *fd;

	ck_assert_int_eq(run(m), MACHINE_STOP_POWER_OFF);
	fd = findings_find(&session.findings,
			   "cache.request-dirty-at-doorbell");
	ck_assert_ptr_nonnull(fd);
	ck_assert_int_eq(fd->kind, FINDING_FIRMWARE);
	ck_assert_ptr_nonnull(strstr(fd->message, "0x60000000"));
	ck_assert_uint_eq(secure_world_mm_doorbells(session.world), 1);
}
END_TEST

START_TEST(store_cleaned_before_doorbell_is_no_cache_finding)
{
	struct machine *m = machine_under_test(
		&session, doorbell_with_clean_program,
		ARRAY_COUNT(doorbell_with_clean_program), 0);

	ck_assert_int_eq(run(m), MACHINE_STOP_POWER_OFF);
	ck_assert_ptr_null(findings_find(&session.findings,
					 "cache.request-dirty-at-doorbell"));
	/* The doorbell did reach the MM partition. */
	ck_assert_ptr_nonnull(session.world);
	ck_assert_uint_eq(secure_world_mm_doorbells(session.world), 1);
}
END_TEST

/*
 * .bss is zero wherever RAM was written before the load: the device tree,
 * an earlier segment, a host write, or anything once the guest has run
 * (machine_load_image() skips clearing RAM it knows to be fresh).
 */
static bool range_is_zero(struct machine *m, uint64_t addr, size_t len)
{
	uint8_t b[512];

	ck_assert_uint_le(len, sizeof(b));
	ck_assert(guest_mem_read(machine_cpu_mem(m), addr, b, len));
	for (size_t i = 0; i < len; i++) {
		if (b[i] != 0) {
			return false;
		}
	}
	return true;
}

static void load_bss_over(struct machine *m, uint64_t addr, uint64_t len)
{
	static const uint8_t marks[16] = {0xaa, 0xaa, 0xaa, 0xaa};
	struct image_segment seg[2] = {
		/* written data, then a .bss that covers it */
		{.addr = addr, .data = marks, .file_size = sizeof(marks),
		 .mem_size = sizeof(marks)},
		{.addr = addr - 0x100, .data = marks, .file_size = 0,
		 .mem_size = len + 0x200},
	};
	char path[] = "bss";
	struct image img = {.path = path, .segments = seg,
			    .segment_count = 2, .entry = 0};
	struct error err = {false, ""};

	ck_assert_msg(machine_load_image(m, &img, &err), "%s", err.message);
}

START_TEST(bss_is_zero_over_whatever_was_written_before)
{
	struct machine *m = machine_under_test(
		&session, sctlr_program, ARRAY_COUNT(sctlr_program), 0);
	uint64_t dtb = session.cfg.platform->dtb_addr;
	static const uint8_t ones[8] = {1, 1, 1, 1, 1, 1, 1, 1};

	/* The device tree lies at dtb: a .bss over it must clear it. */
	ck_assert(!range_is_zero(m, dtb, 64));
	load_bss_over(m, dtb + 0x100, 0x10);
	ck_assert(range_is_zero(m, dtb, 0x100 + 16));
	/* A host write through the CPU's view. */
	ck_assert(guest_mem_write(machine_cpu_mem(m), RESULT_ADDR + 0x800,
				  ones, sizeof(ones)));
	load_bss_over(m, RESULT_ADDR + 0x900, 0x10);
	ck_assert(range_is_zero(m, RESULT_ADDR + 0x800, 8));
	/* After a run the guest may have written anywhere. */
	ck_assert_int_eq(run(m), MACHINE_STOP_POWER_OFF);
	ck_assert_uint_eq(result_word(m, 0), SCTLR_WRITTEN);
	load_bss_over(m, RESULT_ADDR + 0x100, 0x10);
	ck_assert(range_is_zero(m, RESULT_ADDR, 8));
}
END_TEST

/* --- Engine reuse (emulator/machine_pool.c) ------------------------------ */

/*
 * The first program leaves marks in a register, RAM and SCTLR_EL1, and the
 * host writes RAM before it runs (a range the next machine keeps pending);
 * the second reports what it finds.  On a reused engine it must find what
 * a fresh engine holds.
 */
#define HOST_MARK_ADDR (RESULT_ADDR + 0x200)
static const uint32_t leave_marks_program[] = {
	0xd2800aa5u, /* movz x5, #0x55 */
	0xd2a80202u, /* movz x2, #0x4010, lsl #16 (RESULT_ADDR) */
	0xf9008045u, /* str x5, [x2, #0x100] */
	0xd28200a0u, /* movz x0, #0x1005 (SCTLR_EL1 M, C, I) */
	0xd5181000u, /* msr sctlr_el1, x0 */
	A64_PSCI_SYSTEM_OFF_W0_LO, /* movz w0, #0x8 */
	A64_PSCI_SYSTEM_OFF_W0_HI, /* movk w0, #0x8400, lsl #16 */
	A64_SMC_0,                 /* smc #0 */
};

static const uint32_t report_program[] = {
	0xd2a80202u, /* movz x2, #0x4010, lsl #16 (RESULT_ADDR) */
	0xf9000045u, /* str x5, [x2]: 0 in a fresh CPU */
	0xf9408046u, /* ldr x6, [x2, #0x100]: 0 in fresh RAM */
	0xf9000446u, /* str x6, [x2, #8] */
	0xd5381001u, /* mrs x1, sctlr_el1 */
	0xf9000841u, /* str x1, [x2, #16] */
	0xf9410047u, /* ldr x7, [x2, #0x200] (HOST_MARK_ADDR) */
	0xf9000c47u, /* str x7, [x2, #24] */
	A64_PSCI_SYSTEM_OFF_W0_LO, /* movz w0, #0x8 */
	A64_PSCI_SYSTEM_OFF_W0_HI, /* movk w0, #0x8400, lsl #16 */
	A64_SMC_0,                 /* smc #0 */
};

/* Store 1 (or 2) at RESULT_ADDR and power off. */
#define STORE_PROGRAM(movz_x1)                                       \
	{                                                            \
		(movz_x1),   /* movz x1, #1 or #2 */                 \
		0xd2a80202u, /* movz x2, #0x4010, lsl #16 */          \
		0xf9000041u, /* str x1, [x2] */                       \
		A64_PSCI_SYSTEM_OFF_W0_LO, A64_PSCI_SYSTEM_OFF_W0_HI, \
		A64_SMC_0,                                            \
	}
static const uint32_t store_1[] = STORE_PROGRAM(0xd2800021u);
static const uint32_t store_2[] = STORE_PROGRAM(0xd2800041u);

static void reuse_teardown(void)
{
	session_free(&session);
	machine_pool_enable(false);
}

/* Runs program on the session's machine to its power-off. */
static struct machine *run_program(const uint32_t *program, size_t count,
				   bool cache_model_off)
{
	struct machine *m = machine_with_options(&session, program, count, 0,
						 false, WALL_TIMEOUT_MS,
						 cache_model_off);

	ck_assert_int_eq(run(m), MACHINE_STOP_POWER_OFF);
	return m;
}

/* What report_program finds: words 0..3 of RESULT_ADDR. */
static void report_words(uint64_t w[4], bool after_marks, bool pool)
{
	struct machine *m;

	static const uint8_t marks[8] = {0xee, 0xee, 0xee, 0xee,
					 0xee, 0xee, 0xee, 0xee};
	uint8_t seen[8];

	machine_pool_enable(pool);
	if (after_marks) {
		m = machine_with_options(&session, leave_marks_program,
					 ARRAY_COUNT(leave_marks_program), 0,
					 false, WALL_TIMEOUT_MS, false);
		ck_assert(guest_mem_write(machine_cpu_mem(m), HOST_MARK_ADDR,
					  marks, sizeof(marks)));
		ck_assert_int_eq(run(m), MACHINE_STOP_POWER_OFF);
		session_free(&session);
	}
	m = machine_with_options(&session, report_program,
				 ARRAY_COUNT(report_program), 0, false,
				 WALL_TIMEOUT_MS, false);
	ck_assert(machine_is_reused(m) == (after_marks && pool));
	/* Before the run too, the host reads what a fresh engine holds. */
	ck_assert(guest_mem_read(machine_cpu_mem(m), HOST_MARK_ADDR, seen,
				 sizeof(seen)));
	ck_assert_mem_eq(seen, (uint8_t[8]){0}, sizeof(seen));
	ck_assert_int_eq(run(m), MACHINE_STOP_POWER_OFF);
	for (unsigned i = 0; i < 4; i++) {
		w[i] = result_word(m, i);
	}
	session_free(&session);
	machine_pool_enable(false);
}

START_TEST(reused_engine_holds_what_a_fresh_one_holds)
{
	uint64_t fresh[4], reused[4];

	report_words(fresh, false, false);
	ck_assert_uint_eq(fresh[0], 0);
	ck_assert_uint_eq(fresh[1], 0);
	ck_assert_uint_eq(fresh[3], 0);
	report_words(reused, true, true);
	for (unsigned i = 0; i < 4; i++) {
		ck_assert_msg(reused[i] == fresh[i],
			      "word %u: 0x%llx on a reused engine, 0x%llx on a "
			      "fresh one",
			      i, (unsigned long long)reused[i],
			      (unsigned long long)fresh[i]);
	}
}
END_TEST

/*
 * The second program is written over the first one's code, which ran (its
 * blocks are translated): the reused engine must run the new code.
 */
START_TEST(reused_engine_runs_the_new_code_written_over_the_old)
{
	struct machine *m;

	machine_pool_enable(true);
	m = run_program(store_1, ARRAY_COUNT(store_1), false);
	ck_assert_uint_eq(result_word(m, 0), 1);
	session_free(&session);
	m = run_program(store_2, ARRAY_COUNT(store_2), false);
	ck_assert(machine_is_reused(m));
	ck_assert_uint_eq(result_word(m, 0), 2);
	session_free(&session);
	/* The same image again runs as well (its blocks may be kept). */
	m = run_program(store_2, ARRAY_COUNT(store_2), false);
	ck_assert(machine_is_reused(m));
	ck_assert_uint_eq(result_word(m, 0), 2);
}
END_TEST

/*
 * Calls a subroutine in RAM, has the secure world write another over it
 * in an SMC (the host writes while the firmware runs, as when an EFI
 * binary is loaded where another ran), and calls it again: words 0 and 1
 * of RESULT_ADDR get what each subroutine stored.
 */
#define SUBROUTINE_ADDR 0x40200000u
static const uint32_t call_twice_program[] = {
	0xd2a80202u, /* movz x2, #0x4010, lsl #16 (RESULT_ADDR) */
	0xd2a80403u, /* movz x3, #0x4020, lsl #16 (SUBROUTINE_ADDR) */
	0xd63f0060u, /* blr x3 */
	0x52800020u, /* movz w0, #1: not a PSCI call */
	A64_SMC_0,   /* the world writes the second subroutine */
	0x91002042u, /* add x2, x2, #8 */
	0xd63f0060u, /* blr x3 */
	A64_PSCI_SYSTEM_OFF_W0_LO, A64_PSCI_SYSTEM_OFF_W0_HI, A64_SMC_0,
};
#define STORE_SUBROUTINE(movz_x1)                              \
	{                                                      \
		(movz_x1),   /* movz x1, #1 or #2 */           \
		0xf9000041u, /* str x1, [x2] */                 \
		0xd65f03c0u, /* ret */                          \
	}
static const uint32_t subroutine_1[] = STORE_SUBROUTINE(0xd2800021u);
static const uint32_t subroutine_2[] = STORE_SUBROUTINE(0xd2800041u);

/* A secure world that writes subroutine_2 over subroutine_1. */
static enum smc_action rewriting_world(void *world,
				       const struct sw_caller *caller,
				       const struct smccc_regs *in,
				       uint64_t pc, uint64_t lr, uint64_t insns,
				       struct smccc_regs *out)
{
	struct machine *m = world;
	uint8_t bytes[sizeof(subroutine_2)];

	(void)caller;
	(void)pc;
	(void)lr;
	(void)insns;
	*out = *in;
	if ((uint32_t)in->x[0] == 0x84000008u) {
		return SMC_ACTION_POWER_OFF;
	}
	program_bytes(subroutine_2, ARRAY_COUNT(subroutine_2), bytes);
	ck_assert(guest_mem_write(machine_cpu_mem(m), SUBROUTINE_ADDR, bytes,
				  sizeof(bytes)));
	return SMC_ACTION_RETURN;
}

START_TEST(host_write_over_code_that_ran_runs_the_new_code)
{
	struct machine *m = machine_under_test(&session, call_twice_program,
					       ARRAY_COUNT(call_twice_program),
					       0);
	uint8_t bytes[sizeof(subroutine_1)];

	program_bytes(subroutine_1, ARRAY_COUNT(subroutine_1), bytes);
	ck_assert(guest_mem_write(machine_cpu_mem(m), SUBROUTINE_ADDR, bytes,
				  sizeof(bytes)));
	machine_set_secure_port(m, rewriting_world, m);
	ck_assert_int_eq(run(m), MACHINE_STOP_POWER_OFF);
	ck_assert_uint_eq(result_word(m, 0), 1);
	ck_assert_msg(result_word(m, 1) == 2,
		      "the second call ran the old subroutine's blocks");
}
END_TEST

/*
 * Loads decide at translation whether they call read hooks (Unicorn
 * 2.0.1), and a reused engine keeps its blocks: the subroutine's load was
 * translated by the last scenario, which had no read hook.  The range
 * forbidden in this scenario's SMC is still seen at the second load; and
 * on the engine reuses after that one, which added read hooks.
 */
START_TEST(reused_engine_sees_the_loads_a_new_read_hook_watches)
{
	machine_pool_enable(true);
	quiet_world_runs = true;
	run_load_twice(false, false);
	ck_assert_uint_eq(session.findings.count, 0);
	session_free(&session);
	quiet_world_runs = false;
	run_load_twice(false, false);
	ck_assert(machine_is_reused(session.machine));
	ck_assert_ptr_nonnull(findings_find(
		&session.findings, "ffa.mem.owner-access-after-lend"));
	/* New code after an engine that ran read hooks: translated by the
	 * first of the two next scenarios, kept by the second. */
	for (int i = 0; i < 2; i++) {
		session_free(&session);
		run_load_program(load_twice_later_program,
				 ARRAY_COUNT(load_twice_later_program), false,
				 false);
		ck_assert(machine_is_reused(session.machine));
		ck_assert_ptr_nonnull(findings_find(
			&session.findings, "ffa.mem.owner-access-after-lend"));
	}
}
END_TEST

/*
 * The shared buffer's pages are an MMIO window while the cache model
 * watches them, so no block can run there (a fault, not a crash); a reused
 * engine whose scenario does not watch them maps them back as RAM, where
 * the code then runs as on a fresh engine.
 */
static const uint32_t jump_to_buffer_program[] = {
	0xd2ac0001u, /* movz x1, #0x6000, lsl #16 (shared buffer) */
	0xd61f0020u, /* br x1 */
};
static const uint32_t system_off_at_buffer[] = {
	A64_PSCI_SYSTEM_OFF_W0_LO, /* movz w0, #0x8 */
	A64_PSCI_SYSTEM_OFF_W0_HI, /* movk w0, #0x8400, lsl #16 */
	A64_SMC_0,                 /* smc #0 */
};

static enum machine_stop run_from_buffer(bool cache_model_off)
{
	struct machine *m = machine_with_options(
		&session, jump_to_buffer_program,
		ARRAY_COUNT(jump_to_buffer_program), 0, false, WALL_TIMEOUT_MS,
		cache_model_off);
	uint8_t code[sizeof(system_off_at_buffer)];

	program_bytes(system_off_at_buffer, ARRAY_COUNT(system_off_at_buffer),
		      code);
	ck_assert(guest_mem_write(machine_cpu_mem(m), SHARED_BUF_ADDR, code,
				  sizeof(code)));
	return run(m);
}

START_TEST(watch_window_goes_back_to_ram_when_not_watched)
{
	machine_pool_enable(true);
	ck_assert_int_ne(run_from_buffer(false), MACHINE_STOP_POWER_OFF);
	session_free(&session);
	ck_assert_int_eq(run_from_buffer(true), MACHINE_STOP_POWER_OFF);
	ck_assert(machine_is_reused(session.machine));
	session_free(&session);
	ck_assert_int_ne(run_from_buffer(false), MACHINE_STOP_POWER_OFF);
	ck_assert(machine_is_reused(session.machine));
}
END_TEST

Suite *machine_suite(void);

Suite *machine_suite(void)
{
	Suite *s = suite_create("machine");
	TCase *tc = tcase_create("programs");

	tcase_add_checked_fixture(tc, NULL, machine_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, psci_system_off_through_smc_powers_off);
	tcase_add_test(tc, udf_stops_with_a_fault_at_its_pc);
	tcase_add_test(tc, unmapped_read_faults_with_the_address);
	tcase_add_test(tc, host_write_over_code_that_ran_runs_the_new_code);
	tcase_add_test(tc, branch_to_self_is_a_hang);
	tcase_add_test(tc, endless_loop_spends_the_instruction_budget);
	tcase_add_test(tc, no_wall_clock_limit_lets_the_budget_end_the_run);
	tcase_add_test(tc, pl011_output_appears_in_the_console);
	tcase_add_test(tc, sctlr_el1_reads_back_what_was_written);
	tcase_add_test(tc, virtual_counter_is_the_same_on_two_machines);
	tcase_add_test(tc, top_of_ram_asks_for_huge_pages);
	tcase_add_test(tc, ram_is_untouched_until_written);
	tcase_add_test(tc, paced_counter_catches_up_with_host_time);
	tcase_add_test(tc, paced_delay_loop_takes_host_time);
	tcase_add_test(tc,
		       store_then_doorbell_without_clean_is_a_cache_finding);
	tcase_add_test(
		tc, guest_buffer_accesses_reach_the_cache_model_host_ones_do_not);
	tcase_add_test(tc, store_cleaned_before_doorbell_is_no_cache_finding);
	tcase_add_test(tc, bss_is_zero_over_whatever_was_written_before);
	tcase_add_loop_test(tc, load_from_a_forbidden_range_is_a_finding, 0,
			    2);
	tcase_add_loop_test(tc, allowed_range_is_no_finding, 0, 2);
	tcase_add_test(tc, first_read_hook_drops_only_the_blocks_that_run_again);
	tcase_add_loop_test(tc, fast_loop_leaves_what_running_it_leaves, 0, 2);
	tcase_add_test(tc, fast_loop_runs_every_turn_under_a_write_watch);
	tcase_add_loop_test(tc, fast_loop_stops_where_the_bound_falls, 0, 2);
	tcase_add_loop_test(tc, fast_copy_leaves_what_running_it_leaves, 0, 4);
	suite_add_tcase(s, tc);

	tc = tcase_create("reuse");
	tcase_add_checked_fixture(tc, NULL, reuse_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, reused_engine_holds_what_a_fresh_one_holds);
	tcase_add_test(tc, reused_engine_runs_the_new_code_written_over_the_old);
	tcase_add_test(tc, reused_engine_sees_the_loads_a_new_read_hook_watches);
	tcase_add_test(tc, watch_window_goes_back_to_ram_when_not_watched);
	suite_add_tcase(s, tc);
	return s;
}
