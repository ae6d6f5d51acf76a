/*
 * The machine's state, shared by the files that make the Unicorn backend
 * (machine.c: set-up, runs, traps, memory and devices; machine_hooks.c:
 * system-register, cache-maintenance and cache-watch hooks).  Only these
 * include <unicorn/unicorn.h>; nothing outside emulator/machine*.c
 * includes this header.
 */
#ifndef EMULATOR_MACHINE_PRIV_H
#define EMULATOR_MACHINE_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <unicorn/unicorn.h>

#include "emulator/machine.h"
#include "emulator/disasm.h"
#include "emulator/pl031.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* QEMU target/arm exception numbers as Unicorn reports them. */
enum {
	EXCP_UDEF = 1,
	EXCP_SWI = 2,
	EXCP_PREFETCH_ABORT = 3,
	EXCP_DATA_ABORT = 4,
	EXCP_IRQ = 5,
	EXCP_FIQ = 6,
	EXCP_BKPT = 7,
	EXCP_HVC = 11,
	EXCP_SMC = 13,
	EXCP_UNALIGNED = 22,
	EXCP_HLT = 0x10001,
};

/* A64 encodings recognised in fault and hang reports. */
#define INSN_B_SELF UINT32_C(0x14000000)
#define INSN_WFI UINT32_C(0xd503207f)
#define INSN_WFE UINT32_C(0xd503205f)
#define INSN_HVC_MASK UINT32_C(0xffe0001f)
#define INSN_HVC UINT32_C(0xd4000002)

/* The end address we never reach: runs stop through uc_emu_stop(). */
#define RUN_UNTIL UINT64_C(0xfffffffffffffffc)

#define MAX_MMIO_REGIONS 32

/* user_data of an absent-device region: where it starts. */
struct mmio_ctx {
	struct machine *m;
	uint64_t base;
};

#define MACHINE_MAX_WRITTEN_RANGES 16
#define MACHINE_MAX_PENDING 64
#define MACHINE_MAX_SCENARIO_HOOKS 64
#define MACHINE_MAX_WINDOWS 8 /* CACHE_MAX_RANGES: one per watched range */

/*
 * Host memory behind a RAM or flash region (uc_mem_map_ptr()), and a bit
 * per 4 KiB page set once a block ran from it (it may hold translated
 * code: machine_pool.c).
 */
struct ram_block {
	uint64_t base, size;
	uint8_t *host;
	uint8_t *code;  /* pages blocks ran from (machine_note_code()) */
	uint8_t *stale; /* of those, pages whose blocks predate the read hooks */
	unsigned char *resident; /* mincore()'s vector, kept for reuse */
};

/* A guest address range [lo, hi). */
struct span {
	uint64_t lo, hi;
};

struct machine {
	struct machine_config cfg;
	struct mmio_ctx mmio[MAX_MMIO_REGIONS];
	const struct platform *platform;
	uc_engine *uc;
	struct disasm disasm;
	bool disasm_open;
	struct pl011 uart;
	struct pl031 rtc;
	struct trace *trace;
	struct findings *findings;
	secure_call_fn *secure_call; /* the secure world's entry */
	void *secure_world;
	struct guest_mem secure_mem;
	struct guest_mem cpu_mem;
	struct cache_model cache;

	uint64_t pc;      /* where the next run starts */
	uint64_t insns;   /* instructions executed (per block) */
	uint64_t run_stop_at;
	uint64_t last_block;
	uint32_t last_block_size;
	uint64_t same_block_count;
	/* Two blocks taking turns (machine_loops.c): the one before. */
	uint64_t pair_block;
	uint32_t pair_block_size;
	uint64_t pair_turns;
	uint64_t fast_loop_iterations; /* applied at once (machine_loops.c) */
	/*
	 * The wall-clock safety net: the block hook reads the clock every
	 * CLOCK_CHECK_BLOCKS blocks and stops the run past deadline_ns.
	 */
	uint64_t deadline_ns;
	uint32_t blocks_to_clock_check;

	uint64_t sctlr_shadow;
	uint64_t counter;
	uint64_t pace_origin_ns; /* host time of counter 0 (paced_clock) */
	uint64_t cntp_cval, cntv_cval;
	uint32_t cntp_ctl, cntv_ctl;

	/* The current run call. */
	const struct machine_run_opts *opts;
	enum machine_stop stop;
	/*
	 * A stop decided inside an MMIO callback, taken at the next block.
	 * Unicorn 2.0.1 loses register values when uc_emu_stop() is called
	 * in the middle of a block from an MMIO callback (seen: x0 held the
	 * value just loaded into w2), so those callbacks only ask.
	 */
	enum machine_stop deferred_stop;
	/* The runtime-discipline guard (machine_guard_runtime()). */
	struct runtime_guard guard;
	/* An invalid access seen by the memory hook, reported after the run. */
	bool pending_memory_fault;
	bool pending_fetch;
	char pending_kind[32];
	char pending_what[256];
	bool final;
	struct machine_fault fault;
	bool fault_pending_unmapped;
	/*
	 * Code addresses someone wants to hear about (machine_watch_pc()).
	 * The block hook stops the run at a watched block before it runs;
	 * machine_run() calls the watcher outside emulation (where hooks may
	 * be added safely) and goes on from the same block, which is then let
	 * through once (resume_past).
	 */
	struct {
		uint64_t pc;
		machine_pc_fn *fn;
		void *ctx;
	} watches[MACHINE_MAX_PC_WATCHES];
	size_t watch_count;
	struct write_watch {
		struct machine *m;
		machine_write_fn *fn;
		void *ctx;
		uint64_t lo, hi; /* [lo, hi) */
	} write_watches[MACHINE_MAX_WRITE_WATCHES];
	size_t write_watch_count;
	/*
	 * Unicorn 2.0.1 decides at translation time whether a load calls
	 * the read hooks at all (none registered: the inline fast path), so
	 * a read hook added later reaches only blocks translated after it.
	 * read_hooked: this scenario added a read hook (machine_forbid(),
	 * the runtime guard).  Adding the first marks every page a block ran
	 * from as stale (ram_block.stale), and a block about to run from a
	 * stale page stops the run (stale_block), which drops that page's
	 * blocks and goes on: only the code that runs afterwards is
	 * translated again.  Blocks translated with read hooks stay correct
	 * once the hooks are gone (they find none to call).
	 * The drop is needed even on an engine whose cached blocks all call
	 * read hooks: where the hooks' ranges lay when a block was translated
	 * decides which instruction a memory hook is told about (seen: a
	 * reused engine that kept blocks translated with other read hooks
	 * reported other PCs of the runtime guard's findings than a fresh
	 * one).
	 */
	bool read_hooked;
	bool stale;		/* some page may be stale */
	/* A block hook_block() stopped before (size 0: none). */
	uint64_t stale_block;
	uint32_t stale_block_size;
	/* Ranges the firmware gave away (machine_forbid()). */
	struct forbidden_range {
		struct machine *m; /* user_data of the hook */
		bool used;
		bool reported;     /* its first access is the finding */
		uint64_t key, base, size;
		const char *code;
		char what[128];
		uc_hook hook;
	} forbidden[MACHINE_MAX_FORBIDDEN];
	/*
	 * Debugger breakpoints.  The block hook stops at the start of a block
	 * that holds one; when it lies inside the block, the run goes on one
	 * instruction at a time (step_count = 1) until pc reaches it or
	 * leaves the block.
	 */
	uint64_t breakpoints[MACHINE_MAX_BREAKPOINTS];
	size_t breakpoint_count;
	uint64_t bp_target, bp_block_end;
	uint64_t step_count;  /* uc_emu_start()'s count: 0 or 1 */
	uint64_t translated_count; /* the count the cached blocks were
				      translated for */
	/*
	 * RAM written since the machine was made, while it has not run:
	 * RAM starts zeroed (an anonymous mapping, map_ram(); a reused
	 * engine's reads as zero too, machine_pool.c), so
	 * machine_load_image() clears .bss only where something was written.
	 * It is also what the next scenario keeps pending on a reused engine.
	 * Clearing all of it faulted in every page of it for each scenario
	 * (the reference client's .bss is 300 KiB).  ram_unknown: the guest
	 * ran, or more writes came than the list holds.
	 */
	struct written_range {
		uint64_t addr, len;
	} written[MACHINE_MAX_WRITTEN_RANGES];
	size_t written_count;
	bool ram_unknown;
	/* RAM and flash, mapped from host memory we own: the engine pool
	 * (machine_pool.c) compares and scrubs it. */
	struct ram_block ram[MAX_MMIO_REGIONS];
	size_t ram_count;
	uint64_t last_code_page; /* hook_block(): the page it last marked */
	/*
	 * The pages of the cache model's watched ranges, mapped as MMIO
	 * (uc_mmio_map()) over their RAM block's host memory: every guest
	 * load and store there reaches the model through the callbacks
	 * (machine_hooks.c), so no read hook exists for it.  Unicorn 2.0.1
	 * decides per translated block, not per address, whether loads call
	 * read hooks: one on the shared buffer sent every load of U-Boot
	 * through the slow path (22 % of its selftest, docs/performance.md).
	 * Slots never move: a slot is its callbacks' user_data.  claimed: a
	 * reused engine keeps the last scenario's windows (mapping drops
	 * every translated block); those this scenario does not watch again
	 * go back to RAM before its first run.
	 */
	struct watch_window {
		struct machine *m;
		uint64_t lo, hi; /* page-aligned [lo, hi) */
		uint8_t *host;   /* host memory of lo */
		bool used, claimed;
	} windows[MACHINE_MAX_WINDOWS];
	/*
	 * Engine reuse (machine_pool.c).  pristine: the CPU right after
	 * uc_open(), restored when the machine is reused.  pre_first_run: a
	 * reused machine whose guest has not run yet; until then the pending
	 * ranges (what the last scenario loaded) must read as zero, and
	 * writes store only the bytes that differ.  scenario_hooks: hooks
	 * added after machine_new()'s own, deleted when the machine is parked
	 * (machine_forbid()'s are in forbidden[]).
	 */
	uc_context *pristine;
	bool reused;
	bool pre_first_run;
	struct span pending[MACHINE_MAX_PENDING];
	size_t pending_count;
	uc_hook scenario_hooks[MACHINE_MAX_SCENARIO_HOOKS];
	size_t scenario_hook_count;
	bool scenario_hooks_lost; /* more than the list holds: never park */
	uint64_t bp_resume_past; /* the run starts on a breakpoint: let it go */
	bool break_on_finding;
	size_t findings_seen; /* findings already looked at for it */
	long watch_hit;       /* index of the watch that stopped the run */
	uint64_t resume_past; /* a watched block let through once */
};

/* --- Registers ------------------------------------------------------------ */

static inline int xreg(unsigned n)
{
	if (n < 29) {
		return UC_ARM64_REG_X0 + (int)n;
	}
	return n == 29 ? UC_ARM64_REG_X29 : UC_ARM64_REG_X30;
}

static inline uint64_t reg_read(struct machine *m, int reg)
{
	uint64_t v = 0;

	if (uc_reg_read(m->uc, reg, &v) != UC_ERR_OK) {
		return 0;
	}
	return v;
}

static inline bool reg_write(struct machine *m, int reg, uint64_t v)
{
	return uc_reg_write(m->uc, reg, &v) == UC_ERR_OK;
}

/* machine_hooks.c: the instruction hooks add_hooks() installs. */
uint32_t hook_mrs(uc_engine *uc, uc_arm64_reg reg,
		  const uc_arm64_cp_reg *cp, void *user_data);
uint32_t hook_msr(uc_engine *uc, uc_arm64_reg reg,
		  const uc_arm64_cp_reg *cp, void *user_data);
uint32_t hook_sys(uc_engine *uc, uc_arm64_reg reg,
		  const uc_arm64_cp_reg *cp, void *user_data);
uint64_t counter_read(struct machine *m);
/* machine_config.paced_clock: brings the counter up to host time
 * (machine_hooks.c). */
void counter_pace(struct machine *m);
/*
 * machine_loops.c: two blocks took turns pair_turns times; the block at pc
 * is about to run.  Applies the rest of a known loop at once
 * (emulator/loop_idiom.h) when nothing watches what it does.
 */
#define MACHINE_LOOP_TURNS 32
void machine_try_fast_loop(struct machine *m, uint64_t pc, uint32_t size,
			   uint64_t other_pc, uint32_t other_size);
/* machine.c: ends the run with a stop and its fault report. */
void raise_stop(struct machine *m, enum machine_stop stop, const char *kind,
		uint64_t pc, const char *what);

/* --- Engine reuse (machine_pool.c) ---------------------------------------- */

/* A parked machine for this configuration's platform, or NULL. */
struct machine *machine_pool_take(const struct machine_config *cfg);
/* Parks m for the next machine_new(); false when it cannot be reused. */
bool machine_pool_park(struct machine *m);
/* Saves the CPU state a fresh engine has (pooling on only). */
bool machine_pool_save_pristine(struct machine *m);
/* A taken machine, engine state as fresh: CPU restored, RAM scrubbed but
 * for what the last scenario loaded (pending until the first run). */
bool machine_pool_prepare(struct machine *m, const struct written_range
			  *loaded, size_t loaded_count, struct error *err);
/* Before the first run of a reused machine: zeroes what is still pending. */
bool machine_pool_first_run(struct machine *m);
/* Writes guest RAM; before a reused machine's first run, only the bytes
 * that differ (an unchanged image keeps its translated blocks). */
bool machine_ram_store(struct machine *m, uint64_t addr, const void *buf,
		       size_t len);
/* Zeroes in buf what a reused machine's pending ranges hide. */
void machine_pool_overlay(const struct machine *m, uint64_t addr, void *buf,
			  size_t len);
/* Marks the pages of a block that ran (hook_block()). */
void machine_note_code(struct machine *m, uint64_t address, uint32_t size);
/* Whether a block ever ran from a page of [lo, hi). */
bool machine_range_ran_code(const struct machine *m, uint64_t lo,
			    uint64_t hi);
/* Removes every translated block (from the pages blocks ran from). */
bool machine_drop_translations(struct machine *m);
/* Marks every page a block ran from as stale (the first read hook). */
void machine_mark_translations_stale(struct machine *m);
/* Whether the block covers a stale page. */
bool machine_block_is_stale(const struct machine *m, uint64_t address,
			    uint32_t size);
/* Removes the blocks of the stale pages the block covers; clears them. */
bool machine_drop_stale(struct machine *m, uint64_t address, uint32_t size);
/* Records a hook machine_pool_park() must delete. */
void machine_note_hook(struct machine *m, uc_hook h);
/* Host memory behind [addr, addr + len) of one RAM or flash block, or
 * NULL. */
uint8_t *machine_ram_host(const struct machine *m, uint64_t addr,
			  uint64_t len);
/* True when the host never touched a page of [addr, addr + len): it is
 * zero (machine_pool.c, mincore()). */
bool machine_ram_untouched(const struct machine *m, uint64_t addr,
			   uint64_t len);

/* --- Watch windows (machine_hooks.c) -------------------------------------- */

/* Widens [*lo, *hi) to whole pages, a window's granule. */
static inline void machine_window_pages(uint64_t *lo, uint64_t *hi)
{
	*lo &= ~(uint64_t)4095;
	*hi = (*hi + 4095) & ~(uint64_t)4095;
}
/* Maps the unmapped [lo, hi) as a window over host memory; claimed. */
bool machine_window_map(struct machine *m, uint64_t lo, uint64_t hi,
			uint8_t *host);
/* The window with the lowest address that meets [lo, hi), or NULL. */
const struct watch_window *machine_window_next(const struct machine *m,
					       uint64_t lo, uint64_t hi);
/* A reused engine: every window is the last scenario's until watched. */
void machine_windows_unclaim(struct machine *m);
/* Maps the windows no watch claimed back as RAM. */
bool machine_windows_release_unclaimed(struct machine *m);
/* Unicorn engine, RAM and capstone: what machine_free() tears down. */
void machine_destroy(struct machine *m);

#endif /* EMULATOR_MACHINE_PRIV_H */
