/*
 * The emulated machine: one AArch64 CPU at EL1 on Unicorn, the platform's
 * memory map, the PL011, the device tree, the SMC trap, and the shims that
 * make Debian's Unicorn 2.0.1 usable for firmware (measured on it with
 * small probes, checked by tests/check_machine.c; API: Unicorn's
 * include/unicorn/unicorn.h):
 *   - identity MMU: MSR SCTLR_EL1 is kept in a shadow and written with M=0,
 *     MRS SCTLR_EL1 answers from the shadow, so firmware that maps VA = PA
 *     believes its MMU is on;
 *   - deterministic time: CNTPCT/CNTVCT (and the timer compare registers)
 *     are answered from a virtual counter that advances a fixed step per
 *     read, so that a run gives the same trace twice (or, paced, one that
 *     keeps to host time: machine_config.paced_clock);
 *   - limits: an instruction budget counted per translated block (never
 *     Unicorn's per-instruction count, which is 100 times slower), a
 *     wall-clock safety net, and detection of a branch-to-self hang.
 * Every exception other than SMC (UNDEF, aborts, BRK, HVC, SVC) and every
 * access to unmapped memory ends the run with a fault verdict that shows
 * PC, registers and the disassembly around PC.
 *
 * This module (machine.c, machine_hooks.c and their private header) is the
 * only one that includes <unicorn/unicorn.h>.
 */
#ifndef EMULATOR_MACHINE_H
#define EMULATOR_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/error.h"
#include "common/finding.h"
#include "common/trace.h"
#include "emulator/cache.h"
#include "emulator/loader.h"
#include "emulator/pl011.h"
#include "emulator/platform.h"
#include "emulator/runtime_guard.h"
#include "models/guest_mem.h"
#include "models/secure_port.h"

struct machine_config {
	const struct platform *platform;
	uint64_t max_insns;       /* whole-run budget; 0 = unlimited */
	uint64_t wall_timeout_ms; /* safety net per run call; 0 = none */
	uint64_t counter_step;    /* virtual ticks per counter read */
	uint64_t shared_buf_addr; /* reserved in the device tree, watched by
				     the cache model */
	uint64_t shared_buf_size;
	enum cache_core cache_core; /* whether DC ISW cleans */
	bool cache_model_off;     /* do not watch the shared buffer at all
				     (boot --cache-model off, benchmarks) */
	bool wide_maintenance_fails;
	/*
	 * Guest time is host time (`console`, as under QEMU): the counter
	 * reads as the host's clock since machine_new() (one tick more than
	 * the last read if that is later), so a delay loop takes its real
	 * time.  Off (the default), time advances counter_step per read
	 * only, and runs are deterministic.
	 */
	bool paced_clock;
	FILE *console_echo;       /* copy of the console, or NULL */
};

void machine_config_default(struct machine_config *cfg);

enum machine_stop {
	MACHINE_STOP_NONE,
	MACHINE_STOP_POWER_OFF,
	MACHINE_STOP_RESET,
	MACHINE_STOP_AGENT_WAIT,
	MACHINE_STOP_AGENT_PANIC,
	MACHINE_STOP_CONSOLE_IDLE,  /* the firmware waits for console input */
	MACHINE_STOP_CONSOLE_MATCH, /* the awaited text appeared */
	MACHINE_STOP_FAULT,
	MACHINE_STOP_BUDGET,        /* the run's instruction budget is spent */
	MACHINE_STOP_STEP_BUDGET,   /* this call's instruction bound is spent */
	MACHINE_STOP_TIMEOUT,       /* wall-clock safety net */
	MACHINE_STOP_HANG,          /* branch to self, WFI with no interrupt */
	MACHINE_STOP_HOST_ERROR,    /* Unicorn failed: a harness problem */
	MACHINE_STOP_BREAKPOINT,    /* pc reached a debugger breakpoint */
	MACHINE_STOP_COUNT
};

const char *machine_stop_name(enum machine_stop s);
/* True for stops after which the machine cannot go on. */
bool machine_stop_is_final(enum machine_stop s);

/* Details of the last fault, budget or hang stop. */
struct machine_fault {
	char kind[64];   /* "data-abort", "unmapped-write", "brk", ... */
	char what[256];  /* one-line description */
	uint64_t pc;
	uint64_t address;
	bool has_address;
	char *registers; /* formatted register dump */
	char *disasm;    /* listing around pc, "=>" marks pc */
};

struct machine_run_opts {
	uint64_t max_insns;    /* bound for this call; 0 = none */
	const char *wait_text; /* stop once the console shows this ... */
	size_t output_mark;    /* ... after this offset of the output */
	bool stop_on_idle;     /* stop when the firmware waits for input */
	bool single_insn;      /* run one instruction (gdb's `s`), then stop
				  with MACHINE_STOP_STEP_BUDGET */
};

struct machine;

/*
 * Creates the machine: maps the platform, builds and places the device
 * tree at the platform's address (x0 = its address at reset).
 */
struct machine *machine_new(const struct machine_config *cfg,
			    struct trace *trace, struct findings *findings,
			    struct error *err);
void machine_free(struct machine *m);
/*
 * Engine reuse, off by default: machine_free() then parks the machine and
 * the next machine_new() for the same platform takes it back, as fresh
 * (emulator/machine_pool.c says how and when).  For processes that run
 * scenarios one after another; drain before exit to free the parked one.
 */
void machine_pool_enable(bool on);
/*
 * Fast loops (emulator/machine_loops.c), on by default: a loop
 * emulator/loop_idiom.h knows is applied at once when nothing observes its
 * iterations; off runs every iteration (`--no-fast-loops`).  For the
 * process.
 */
void machine_fast_loops_enable(bool on);
void machine_pool_drain(void);
/* Whether m was taken from the pool (tests, diagnostics). */
bool machine_is_reused(const struct machine *m);
/* The secure world that answers SMCs: set before the first run. */
void machine_set_secure_port(struct machine *m, secure_call_fn *call,
			     void *world);
/*
 * Calls fn (outside emulation, before the block at pc runs) each time the
 * CPU reaches pc as the start of a block: a function's entry or a return
 * address.  Hooks (machine_guard_runtime()) may be added from fn.  At most
 * MACHINE_MAX_PC_WATCHES addresses; watching one again replaces fn.
 */
#define MACHINE_MAX_PC_WATCHES 32
typedef void machine_pc_fn(void *ctx, uint64_t pc);
bool machine_watch_pc(struct machine *m, uint64_t pc, machine_pc_fn *fn,
		      void *ctx);
void machine_unwatch_pc(struct machine *m, uint64_t pc);
/*
 * Calls fn inside emulation with each value the CPU stores into
 * [addr, addr+len): fn may read memory and watch code addresses, nothing
 * else.  Call between runs; at most MACHINE_MAX_WRITE_WATCHES.
 */
#define MACHINE_MAX_WRITE_WATCHES 4
typedef void machine_write_fn(void *ctx, uint64_t addr, uint64_t value);
bool machine_watch_write(struct machine *m, uint64_t addr, uint64_t len,
			 machine_write_fn *fn, void *ctx);
/*
 * Memory the firmware gave away (FF-A: pages it lent or donated): its
 * first read or write of [base, base+size) after this call is a firmware
 * finding `code` (a static string) naming the PC, the address and `what`.
 * The hook covers that range only and is removed by machine_allow(), so
 * accesses elsewhere pay nothing.  key names the range (a handle); one key
 * may hold several ranges.  May be called inside emulation (from the
 * secure world's answer to an SMC).  False when MACHINE_MAX_FORBIDDEN
 * ranges are held or the hook cannot be added (nothing is then enforced).
 */
#define MACHINE_MAX_FORBIDDEN 64
bool machine_forbid(struct machine *m, uint64_t key, uint64_t base,
		    uint64_t size, const char *code, const char *what);
/* The ranges of key are the firmware's again: their hooks go. */
void machine_allow(struct machine *m, uint64_t key);
/* x0..x30 as the CPU holds them now (between runs or in a watcher). */
uint64_t machine_xreg(struct machine *m, unsigned n);
/* A doorbell begins: the cache model starts a new request (the secure
 * world's observer calls this). */
void machine_doorbell(struct machine *m);
/* Places every segment; each must lie in flash or RAM.  PC = entry. */
bool machine_load_image(struct machine *m, const struct image *img,
			struct error *err);
enum machine_stop machine_run(struct machine *m,
			      const struct machine_run_opts *opts);
const struct machine_fault *machine_fault(const struct machine *m);

/* Guest memory as the secure side sees it (point of coherency). */
const struct guest_mem *machine_secure_mem(struct machine *m);
/* Guest memory as the CPU sees it (for the agent and for reports). */
const struct guest_mem *machine_cpu_mem(struct machine *m);

struct pl011 *machine_uart(struct machine *m);
uint64_t machine_insns(const struct machine *m);
uint64_t machine_pc(const struct machine *m);
/* Writes x0..x(count-1) (after AGENT_WAIT, what AGENT_FID_NEXT returns). */
bool machine_set_smc_return(struct machine *m, const struct smccc_regs *r,
			    unsigned count);
/* The SCTLR_EL1 value the firmware believes it wrote. */
uint64_t machine_sctlr(const struct machine *m);

/* Another range for the cache model (RX/TX, scenario ranges). */
bool machine_watch(struct machine *m, const char *name, uint64_t base,
		   uint64_t size, struct error *err);
/* ExitBootServices happened: set/way maintenance is now a finding. */
void machine_set_runtime(struct machine *m);

/*
 * Starts the runtime-discipline check: from now on, executing outside a
 * GUARD_EXEC range, or reading or writing RAM or flash outside a
 * GUARD_DATA or GUARD_EXEC range, or touching MMIO outside a GUARD_DATA
 * range, is a finding with PC, address, the region it belongs to (from
 * `names`: image sections, memory-map entries) and the disassembly.
 * Checks cost nothing on allowed accesses: the block hook tests the code
 * address, and memory hooks cover only the forbidden ranges.
 */
bool machine_guard_runtime(struct machine *m, const struct guard_range *allowed,
			   size_t allowed_count, const struct guard_range *names,
			   size_t name_count, struct error *err);
/* Which of the guard's checks run (GUARD_CHECK_*, all by default). */
void machine_guard_checks(struct machine *m, unsigned checks);
/*
 * A scenario step begins: findings reported once (a runtime violation per
 * PC, set/way maintenance at runtime) may be reported again, so that each
 * step's expected findings are found in that step even when an earlier
 * step already hit the same instruction.
 */
void machine_begin_step(struct machine *m);
const struct cache_model *machine_cache(const struct machine *m);

/*
 * Debugger access (harness/gdb_session.c).  Register numbers follow gdb's
 * AArch64 core feature (gdb/features/aarch64-core.xml): 0..30 = x0..x30,
 * 31 = sp, 32 = pc, 33 = cpsr.  Breakpoints stop a run with
 * MACHINE_STOP_BREAKPOINT before the instruction at their address runs;
 * they cost nothing while none is set.
 */
#define MACHINE_GDB_REG_COUNT 34
#define MACHINE_MAX_BREAKPOINTS 16
bool machine_gdb_reg(struct machine *m, unsigned n, uint64_t *value);
bool machine_gdb_set_reg(struct machine *m, unsigned n, uint64_t value);
bool machine_add_breakpoint(struct machine *m, uint64_t addr);
bool machine_remove_breakpoint(struct machine *m, uint64_t addr);
/* Stops with MACHINE_STOP_BREAKPOINT at the next block once a
 * FINDING_FIRMWARE has been recorded (run --break-on-finding). */
void machine_break_on_finding(struct machine *m, bool on);

#endif /* EMULATOR_MACHINE_H */
