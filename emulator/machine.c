/*
 * The machine on Unicorn.  See machine.h for the model and its shims.
 *
 * Hooks (all registered once in machine_new()):
 *   UC_HOOK_INTR        SMC (intno 13) -> the secure world; else -> fault
 *   UC_HOOK_INSN MRS    SCTLR_EL1 shadow, virtual counter and timers
 *   UC_HOOK_INSN MSR    SCTLR_EL1 shadow, timers
 *   UC_HOOK_BLOCK       instruction budget, branch-to-self detection
 *   UC_HOOK_MEM_INVALID unmapped or protected access -> fault
 * MMIO regions use uc_mmio_map() callbacks.  Every uc_* result is checked.
 */
#include "emulator/machine.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>


#include "common/strbuf.h"
#include "emulator/devtree.h"
#include "emulator/disasm.h"
#include "emulator/pl031.h"

#include "emulator/machine_priv.h"

static void guard_mmio(struct machine *m, uint64_t address);
static void guard_fetch(struct machine *m, uint64_t address);

static const char *const stop_names[MACHINE_STOP_COUNT] = {
	[MACHINE_STOP_NONE] = "running",
	[MACHINE_STOP_POWER_OFF] = "power-off",
	[MACHINE_STOP_RESET] = "reset",
	[MACHINE_STOP_AGENT_WAIT] = "agent-wait",
	[MACHINE_STOP_AGENT_PANIC] = "agent-panic",
	[MACHINE_STOP_CONSOLE_IDLE] = "console-idle",
	[MACHINE_STOP_CONSOLE_MATCH] = "console-match",
	[MACHINE_STOP_FAULT] = "fault",
	[MACHINE_STOP_BUDGET] = "instruction-budget",
	[MACHINE_STOP_STEP_BUDGET] = "step-bound",
	[MACHINE_STOP_TIMEOUT] = "timeout",
	[MACHINE_STOP_HANG] = "hang",
	[MACHINE_STOP_HOST_ERROR] = "host-error",
	[MACHINE_STOP_BREAKPOINT] = "breakpoint",
};

const char *machine_stop_name(enum machine_stop s)
{
	return (unsigned)s < MACHINE_STOP_COUNT ? stop_names[s] : "?";
}

bool machine_stop_is_final(enum machine_stop s)
{
	switch (s) {
	case MACHINE_STOP_NONE:
	case MACHINE_STOP_AGENT_WAIT:
	case MACHINE_STOP_CONSOLE_IDLE:
	case MACHINE_STOP_CONSOLE_MATCH:
	case MACHINE_STOP_STEP_BUDGET:
	case MACHINE_STOP_BREAKPOINT:
		return false;
	default:
		return true;
	}
}

void machine_config_default(struct machine_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->platform = platform_default();
	cfg->max_insns = UINT64_C(4000000000);
	cfg->wall_timeout_ms = 120000;
	/*
	 * 256 us per read at 62.5 MHz.  Firmware waits by polling the counter,
	 * so the step sets how many instructions a virtual wait costs: U-Boot's
	 * EFI selftest waits on 10 ms timer events and ran 49 million
	 * instructions of its own at 1000 ticks, 13 million at 16000
	 * (docs/performance.md); a 10 ms wait still sees about 40 reads.
	 */
	cfg->counter_step = 16000;
	cfg->shared_buf_addr = cfg->platform->shared_buf_addr;
	cfg->shared_buf_size = cfg->platform->shared_buf_size;
}

/* --- Fault reports -------------------------------------------------------- */

static void format_registers(struct machine *m, uint64_t pc,
			     struct strbuf *sb)
{
	for (unsigned i = 0; i < 31; i++) {
		strbuf_printf(sb, "x%-2u 0x%016" PRIx64 "%s", i,
			      reg_read(m, xreg(i)), i % 4 == 3 ? "\n" : "  ");
	}
	strbuf_printf(sb, "\nsp  0x%016" PRIx64 "  pc  0x%016" PRIx64
			  "  pstate 0x%08" PRIx64 "\n",
		      reg_read(m, UC_ARM64_REG_SP), pc,
		      reg_read(m, UC_ARM64_REG_PSTATE));
	strbuf_printf(sb,
		      "sctlr_el1 0x%016" PRIx64 " (as the firmware set it)  "
		      "vbar_el1 0x%016" PRIx64 "\n",
		      m->sctlr_shadow, reg_read(m, UC_ARM64_REG_VBAR_EL1));
}

/* From RAM or flash (their host memory: map_ram()). */
static bool read_word(struct machine *m, uint64_t addr, uint32_t *word)
{
	const uint8_t *b = machine_ram_host(m, addr, 4);

	if (b == NULL) {
		return false;
	}
	*word = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
		(uint32_t)b[3] << 24;
	return true;
}

/*
 * The instruction of the block starting at block_pc that accessed
 * fault_addr: Unicorn reports invalid accesses with PC at the start of the
 * block but with the registers as they were at the faulting instruction,
 * so its effective address still matches.  block_pc if none does.
 */
static uint64_t locate_faulting_insn(struct machine *m, uint64_t block_pc,
				     uint64_t fault_addr)
{
	struct disasm_regs r;

	for (unsigned i = 0; i < 31; i++) {
		r.x[i] = reg_read(m, xreg(i));
	}
	r.sp = reg_read(m, UC_ARM64_REG_SP);
	for (uint64_t a = block_pc; a < block_pc + 4 * 512; a += 4) {
		uint32_t word;
		uint64_t ea;
		bool ends_block;

		if (!read_word(m, a, &word)) {
			break;
		}
		if (disasm_memory_address(&m->disasm, a, word, &r, &ea,
					  &ends_block) &&
		    fault_addr >= ea && fault_addr - ea < 64) {
			return a;
		}
		if (ends_block) {
			break;
		}
	}
	return block_pc;
}

/* Eight instructions before pc and four after, pc marked with "=>". */
static void format_disasm(struct machine *m, uint64_t pc, struct strbuf *sb)
{
	uint64_t start = pc >= 32 ? pc - 32 : 0;

	for (uint64_t a = start & ~UINT64_C(3); a <= pc + 16; a += 4) {
		uint32_t word;
		char text[128];

		if (!read_word(m, a, &word)) {
			if (a == (pc & ~UINT64_C(3))) {
				strbuf_printf(sb, "=> 0x%016" PRIx64
						  ": <not readable memory>\n",
					      a);
			}
			continue;
		}
		disasm_word(&m->disasm, a, word, text, sizeof(text));
		strbuf_printf(sb, "%s 0x%016" PRIx64 ": %08x  %s\n",
			      a == (pc & ~UINT64_C(3)) ? "=>" : "  ", a, word,
			      text);
	}
}

static void fault_clear(struct machine_fault *f)
{
	free(f->registers);
	free(f->disasm);
	memset(f, 0, sizeof(*f));
}

/* Records the machine's state for a verdict and stops the run. */
void raise_stop(struct machine *m, enum machine_stop stop,
		const char *kind, uint64_t pc, const char *what)
{
	struct strbuf regs = STRBUF_INIT;
	struct strbuf dis = STRBUF_INIT;
	bool had_address = m->fault.has_address;
	uint64_t address = m->fault.address;

	fault_clear(&m->fault);
	m->fault.has_address = had_address;
	m->fault.address = address;
	snprintf(m->fault.kind, sizeof(m->fault.kind), "%s", kind);
	snprintf(m->fault.what, sizeof(m->fault.what), "%s", what);
	m->fault.pc = pc;
	format_registers(m, pc, &regs);
	format_disasm(m, pc, &dis);
	m->fault.registers = strbuf_steal(&regs);
	m->fault.disasm = strbuf_steal(&dis);
	m->stop = stop;
	uc_emu_stop(m->uc);
}

/* --- Guest memory views -------------------------------------------------- */

static bool range_is_ram(const struct machine *m, uint64_t addr, uint64_t len)
{
	const struct platform_region *r;

	if (len == 0) {
		return platform_region_at(m->platform, addr) != NULL;
	}
	r = platform_region_at(m->platform, addr);
	return r != NULL && r->kind == REGION_RAM &&
	       len <= r->size - (addr - r->base);
}

static bool mem_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct machine *m = ctx;
	const uint8_t *host;

	if (len == 0) {
		return true;
	}
	/* Host memory, not uc_mem_read(): a watch window's callbacks would
	 * take the host's read for a CPU load. */
	host = range_is_ram(m, addr, len) ? machine_ram_host(m, addr, len)
					   : NULL;
	if (host == NULL) {
		return false;
	}
	memcpy(buf, host, len);
	machine_pool_overlay(m, addr, buf, len);
	return true;
}

/* Notes a host write into RAM (machine_load_image() reads the list). */
static void note_written(struct machine *m, uint64_t addr, uint64_t len)
{
	if (m->written_count == MACHINE_MAX_WRITTEN_RANGES) {
		m->ram_unknown = true;
		return;
	}
	m->written[m->written_count++] = (struct written_range){addr, len};
}

static bool mem_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	struct machine *m = ctx;

	if (len == 0) {
		return true;
	}
	note_written(m, addr, len);
	return range_is_ram(m, addr, len) &&
	       machine_ram_store(m, addr, buf, len);
}

static bool mem_is_ram(void *ctx, uint64_t addr, uint64_t len)
{
	return range_is_ram(ctx, addr, len);
}

static bool mem_untouched(void *ctx, uint64_t addr, uint64_t len)
{
	return range_is_ram(ctx, addr, len) &&
	       machine_ram_untouched(ctx, addr, len);
}

static const struct guest_mem_ops machine_mem_ops = {
	.read = mem_read,
	.write = mem_write,
	.is_ram = mem_is_ram,
	.untouched = mem_untouched,
};

/*
 * The secure side's view: watched ranges come from the cache model's point
 * of coherency, the rest straight from guest memory.
 */
static bool secure_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct machine *m = ctx;

	if (!range_is_ram(m, addr, len)) {
		return len == 0;
	}
	if (cache_watches(&m->cache, addr, len)) {
		cache_secure_read(&m->cache, addr, buf, len);
		return true;
	}
	return mem_read(ctx, addr, buf, len);
}

static bool secure_write(void *ctx, uint64_t addr, const void *buf,
			 size_t len)
{
	struct machine *m = ctx;

	if (!range_is_ram(m, addr, len)) {
		return len == 0;
	}
	if (cache_watches(&m->cache, addr, len)) {
		cache_secure_write(&m->cache, addr, buf, len);
		return true;
	}
	return mem_write(ctx, addr, buf, len);
}

static const struct guest_mem_ops machine_secure_ops = {
	.read = secure_read,
	.write = secure_write,
	.is_ram = mem_is_ram,
};

const struct guest_mem *machine_secure_mem(struct machine *m)
{
	return &m->secure_mem;
}

const struct guest_mem *machine_cpu_mem(struct machine *m)
{
	return &m->cpu_mem;
}

/* --- Devices -------------------------------------------------------------- */

static uint64_t uart_read(uc_engine *uc, uint64_t offset, unsigned size,
			  void *user_data)
{
	struct machine *m = user_data;
	uint64_t v = pl011_read(&m->uart, offset, size);

	(void)uc;
	guard_mmio(m, m->platform->uart_base + offset);
	if (m->opts != NULL && m->opts->stop_on_idle &&
	    pl011_waiting_for_input(&m->uart) &&
	    m->deferred_stop == MACHINE_STOP_NONE) {
		m->deferred_stop = MACHINE_STOP_CONSOLE_IDLE;
	}
	return v;
}

static void uart_write(uc_engine *uc, uint64_t offset, unsigned size,
		       uint64_t value, void *user_data)
{
	struct machine *m = user_data;
	const struct machine_run_opts *o = m->opts;

	(void)uc;
	guard_mmio(m, m->platform->uart_base + offset);
	pl011_write(&m->uart, offset, size, value);
	if (o != NULL && o->wait_text != NULL && offset == PL011_DR &&
	    m->deferred_stop == MACHINE_STOP_NONE) {
		size_t n = strlen(o->wait_text);
		size_t len = pl011_output_len(&m->uart);

		if (n != 0 && len >= o->output_mark + n &&
		    memcmp(pl011_output(&m->uart) + len - n, o->wait_text, n) ==
			    0) {
			m->deferred_stop = MACHINE_STOP_CONSOLE_MATCH;
		}
	}
}

/* Seconds of virtual time: the counter at the platform's frequency (a
 * paced counter first catches up with the host's clock). */
static uint64_t virtual_seconds(struct machine *m)
{
	if (m->cfg.paced_clock) {
		counter_pace(m);
	}
	return m->counter / m->platform->counter_freq_hz;
}

static uint64_t rtc_read(uc_engine *uc, uint64_t offset, unsigned size,
			 void *user_data)
{
	struct machine *m = user_data;

	(void)uc;
	(void)size;
	guard_mmio(m, m->platform->rtc_base + offset);
	return pl031_read(&m->rtc, offset, virtual_seconds(m));
}

static void rtc_write(uc_engine *uc, uint64_t offset, unsigned size,
		      uint64_t value, void *user_data)
{
	struct machine *m = user_data;

	(void)uc;
	(void)size;
	guard_mmio(m, m->platform->rtc_base + offset);
	pl031_write(&m->rtc, offset, (uint32_t)value, virtual_seconds(m));
}

static uint64_t zero_read(uc_engine *uc, uint64_t offset, unsigned size,
			  void *user_data)
{
	struct mmio_ctx *ctx = user_data;

	(void)uc;
	(void)size;
	guard_mmio(ctx->m, ctx->base + offset);
	return 0;
}

static uint64_t ones_read(uc_engine *uc, uint64_t offset, unsigned size,
			  void *user_data)
{
	struct mmio_ctx *ctx = user_data;

	(void)uc;
	guard_mmio(ctx->m, ctx->base + offset);
	return size >= 8 ? UINT64_MAX : (UINT64_C(1) << (size * 8)) - 1;
}

static void ignore_write(uc_engine *uc, uint64_t offset, unsigned size,
			 uint64_t value, void *user_data)
{
	struct mmio_ctx *ctx = user_data;

	(void)uc;
	(void)size;
	(void)value;
	guard_mmio(ctx->m, ctx->base + offset);
}

/* --- Runtime discipline ---------------------------------------------------- */

/*
 * Records one violation.  Each PC is reported once (the first
 * GUARD_MAX_REPORTED), and every violation is counted.
 */
static void guard_violation(struct machine *m, const char *code,
			    const char *what, uint64_t pc, uint64_t addr)
{
	struct strbuf detail = STRBUF_INIT;
	struct finding *fd;

	if (!runtime_guard_first_at(&m->guard, pc)) {
		return;
	}
	fd = findings_add(
		m->findings, FINDING_FIRMWARE, code,
		"after ExitBootServices, %s 0x%" PRIx64 " (%s) at pc 0x%" PRIx64
		" (%s)",
		what, addr, runtime_guard_region_name(&m->guard, m->platform, addr),
		pc, runtime_guard_region_name(&m->guard, m->platform, pc));
	fd->pc = pc;
	fd->address = addr;
	format_disasm(m, pc, &detail);
	finding_take_detail(fd, &detail);
	strbuf_free(&detail);
}

static void guard_fetch(struct machine *m, uint64_t address)
{
	if (runtime_guard_violates(&m->guard, GUARD_CHECK_FETCH, address)) {
		guard_violation(m, "runtime.execute-outside-runtime-code",
				"executing", address, address);
	}
}

static void hook_guard_access(uc_engine *uc, uc_mem_type type,
			      uint64_t address, int size, int64_t value,
			      void *user_data)
{
	struct machine *m = user_data;

	(void)uc;
	(void)size;
	(void)value;
	if (!runtime_guard_violates(&m->guard, GUARD_CHECK_DATA, address)) {
		return;
	}
	guard_violation(m, "runtime.access-outside-runtime-data",
			type == UC_MEM_WRITE ? "writing" : "reading",
			locate_faulting_insn(m, reg_read(m, UC_ARM64_REG_PC),
					     address),
			address);
}

/* MMIO is checked in the device callbacks: GUARD_DATA ranges only. */
static void guard_mmio(struct machine *m, uint64_t address)
{
	if (runtime_guard_violates(&m->guard, GUARD_CHECK_MMIO, address)) {
		guard_violation(m, "runtime.mmio-not-declared-for-runtime",
				"touching the device at",
				locate_faulting_insn(m,
						     reg_read(m, UC_ARM64_REG_PC),
						     address),
				address);
	}
}

/*
 * A read hook reaches only the blocks translated after it (machine_priv.h,
 * read_hooked): the first one a scenario adds makes every cached block
 * stale, and hook_block() stops before one runs.  The page the run is on
 * is checked again at the next block.
 */
static void read_hook_added(struct machine *m)
{
	if (!m->read_hooked) {
		m->read_hooked = true;
		machine_mark_translations_stale(m);
		m->last_code_page = UINT64_MAX;
	}
}

/* A part of RAM or flash no allowed range covers: a memory hook. */
static bool hook_gap(void *ctx, uint64_t first, uint64_t last)
{
	struct machine *m = ctx;
	uc_hook h;

	if (uc_hook_add(m->uc, &h, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE,
			(void *)hook_guard_access, m, first, last) != UC_ERR_OK) {
		return false;
	}
	machine_note_hook(m, h);
	read_hook_added(m);
	return true;
}

bool machine_guard_runtime(struct machine *m, const struct guard_range *allowed,
			   size_t allowed_count, const struct guard_range *names,
			   size_t name_count, struct error *err)
{
	if (m->guard.armed) {
		return true;
	}
	runtime_guard_arm(&m->guard, allowed, allowed_count, names,
			  name_count);
	for (size_t i = 0; i < m->platform->region_count; i++) {
		const struct platform_region *r = &m->platform->regions[i];

		if ((r->kind == REGION_RAM || r->kind == REGION_ROM) &&
		    !runtime_guard_gaps(&m->guard, r->base, r->base + r->size,
					hook_gap, m)) {
			return error_setf(err, "runtime guard: cannot hook "
					       "the ranges outside the "
					       "runtime regions");
		}
	}
	return true;
}

/* --- Traps and faults ----------------------------------------------------- */

static void handle_smc(struct machine *m)
{
	/* One core, running at EL1 (Unicorn 2.0.1 has no usable EL2). */
	const struct sw_caller caller = {.cpu = 0, .el = 1};
	struct smccc_regs in, out;
	uint64_t pc = reg_read(m, UC_ARM64_REG_PC) - 4; /* PC is past the SMC */
	enum smc_action action;

	for (unsigned i = 0; i < SMCCC_REG_COUNT; i++) {
		in.x[i] = reg_read(m, xreg(i));
	}
	action = m->secure_call(m->secure_world, &caller, &in, pc,
				reg_read(m, xreg(30)), m->insns, &out);
	if (action != SMC_ACTION_AGENT_WAIT) {
		for (unsigned i = 0; i < SMCCC_REG_COUNT; i++) {
			reg_write(m, xreg(i), out.x[i]);
		}
	}
	switch (action) {
	case SMC_ACTION_RETURN:
		return;
	case SMC_ACTION_POWER_OFF:
		m->stop = MACHINE_STOP_POWER_OFF;
		break;
	case SMC_ACTION_RESET:
		m->stop = MACHINE_STOP_RESET;
		break;
	case SMC_ACTION_AGENT_WAIT:
		m->stop = MACHINE_STOP_AGENT_WAIT;
		break;
	case SMC_ACTION_AGENT_PANIC:
		raise_stop(m, MACHINE_STOP_AGENT_PANIC, "agent-panic", pc,
			   "the agent caught an exception it cannot handle");
		return;
	}
	uc_emu_stop(m->uc);
}

static void hook_intr(uc_engine *uc, uint32_t intno, void *user_data)
{
	struct machine *m = user_data;
	uint64_t pc = reg_read(m, UC_ARM64_REG_PC);
	uint32_t word = 0;
	char what[256];

	(void)uc;
	if (intno == EXCP_SMC) {
		handle_smc(m);
		return;
	}
	switch (intno) {
	case EXCP_UDEF:
		if (read_word(m, pc, &word) &&
		    (word & INSN_HVC_MASK) == INSN_HVC) {
			raise_stop(m, MACHINE_STOP_FAULT, "hvc", pc,
				   "HVC with no hypervisor: the conduit is SMC "
				   "(device tree psci method = \"smc\")");
		} else {
			raise_stop(m, MACHINE_STOP_FAULT,
				   "undefined-instruction", pc,
				   "undefined instruction");
		}
		return;
	case EXCP_SWI:
		/* PC is past the SVC: point at it. */
		raise_stop(m, MACHINE_STOP_FAULT, "svc", pc - 4,
			   "SVC at EL1: nothing handles supervisor calls");
		return;
	case EXCP_PREFETCH_ABORT:
		raise_stop(m, MACHINE_STOP_FAULT, "prefetch-abort", pc,
			   "prefetch abort");
		return;
	case EXCP_DATA_ABORT:
		raise_stop(m, MACHINE_STOP_FAULT, "data-abort", pc,
			   "data abort");
		return;
	case EXCP_BKPT:
		raise_stop(m, MACHINE_STOP_FAULT, "brk", pc,
			   "BRK breakpoint instruction");
		return;
	case EXCP_UNALIGNED:
		raise_stop(m, MACHINE_STOP_FAULT, "alignment-fault", pc,
			   "unaligned access");
		return;
	case EXCP_HLT:
		raise_stop(m, MACHINE_STOP_HANG, "wfi", pc,
			   "WFI/WFE with no interrupt that could wake the CPU");
		return;
	default:
		snprintf(what, sizeof(what), "exception %u", intno);
		raise_stop(m, MACHINE_STOP_FAULT, "exception", pc, what);
		return;
	}
}

static bool hook_mem_invalid(uc_engine *uc, uc_mem_type type,
			     uint64_t address, int size, int64_t value,
			     void *user_data)
{
	struct machine *m = user_data;
	const char *kind;

	(void)uc;
	(void)value;
	switch (type) {
	case UC_MEM_READ_UNMAPPED:
		kind = "unmapped-read";
		break;
	case UC_MEM_WRITE_UNMAPPED:
		kind = "unmapped-write";
		break;
	case UC_MEM_FETCH_UNMAPPED:
		kind = "unmapped-fetch";
		break;
	case UC_MEM_WRITE_PROT:
		kind = "write-protected";
		break;
	case UC_MEM_READ_PROT:
		kind = "read-protected";
		break;
	case UC_MEM_FETCH_PROT:
		kind = "fetch-protected";
		break;
	default:
		kind = "bad-access";
		break;
	}
	/*
	 * PC is not up to date inside this hook (it points at the start of
	 * the block); machine_run() raises the stop once Unicorn has
	 * unwound to the faulting instruction.
	 */
	snprintf(m->pending_what, sizeof(m->pending_what),
		 "%s of %d bytes at 0x%" PRIx64 " (no memory or device there)",
		 kind, size, address);
	snprintf(m->pending_kind, sizeof(m->pending_kind), "%s", kind);
	m->pending_fetch =
		type == UC_MEM_FETCH_UNMAPPED || type == UC_MEM_FETCH_PROT;
	m->fault.has_address = true;
	m->fault.address = address;
	m->pending_memory_fault = true;
	return false;
}

/*
 * Unicorn 2.0.1 implements uc_emu_start()'s timeout with a thread per call
 * that wakes every few microseconds, which cost 18 % of the suite
 * (docs/performance.md); the block hook reads the clock instead, about
 * every millisecond of emulation (clock_gettime() is a vDSO call).
 */
#define CLOCK_CHECK_BLOCKS 65536u

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* True, with the run stopped, once the run's wall-clock limit is past. */
static bool past_deadline(struct machine *m, uint64_t address)
{
	if (--m->blocks_to_clock_check != 0) {
		return false;
	}
	m->blocks_to_clock_check = CLOCK_CHECK_BLOCKS;
	if (monotonic_ns() < m->deadline_ns || m->stop != MACHINE_STOP_NONE) {
		return false;
	}
	raise_stop(m, MACHINE_STOP_TIMEOUT, "timeout", address,
		   "the wall-clock limit of the run was reached");
	return true;
}

/* True (and the run stopping) when address starts a watched block. */
static bool watch_stops_here(struct machine *m, uint64_t address)
{
	if (address == m->resume_past) {
		m->resume_past = UINT64_MAX;
		return false;
	}
	for (size_t i = 0; i < m->watch_count; i++) {
		if (m->watches[i].pc == address) {
			m->watch_hit = (long)i;
			uc_emu_stop(m->uc);
			return true;
		}
	}
	return false;
}

/*
 * True (and the run stopping) when the block holds a breakpoint: at its
 * start, the run stops there; inside, the run goes on one instruction at a
 * time from the block's start (machine_run()).
 */
static bool breakpoint_stops_here(struct machine *m, uint64_t address,
				  uint32_t size)
{
	if (address == m->bp_resume_past) {
		m->bp_resume_past = UINT64_MAX;
		return false;
	}
	for (size_t i = 0; i < m->breakpoint_count; i++) {
		uint64_t bp = m->breakpoints[i];

		if (bp == address) {
			m->stop = MACHINE_STOP_BREAKPOINT;
			uc_emu_stop(m->uc);
			return true;
		}
		if (bp > address && bp < address + size) {
			m->bp_target = bp;
			m->bp_block_end = address + size;
			m->step_count = 1;
			uc_emu_stop(m->uc);
			return true;
		}
	}
	return false;
}

/* True once per batch of new findings that holds a firmware finding. */
static bool new_firmware_finding(struct machine *m)
{
	bool found = false;

	for (size_t i = m->findings_seen; i < m->findings->count; i++) {
		found = found || m->findings->items[i].kind == FINDING_FIRMWARE;
	}
	m->findings_seen = m->findings->count;
	return found;
}

/*
 * Counts instructions per block: cheap, deterministic, and good to a block.
 * A one-instruction block that branches to itself is a hang (`b .`).
 */
static void hook_block(uc_engine *uc, uint64_t address, uint32_t size,
		       void *user_data)
{
	struct machine *m = user_data;

	(void)uc;
	/* Before any stop: the block is translated whether it runs or not. */
	if (address >> 12 != m->last_code_page ||
	    (address + size - 1) >> 12 != m->last_code_page) {
		if (machine_block_is_stale(m, address, size)) {
			/* Translated before the first read hook: not run. */
			m->stale_block = address;
			m->stale_block_size = size;
			uc_emu_stop(m->uc);
			return;
		}
		machine_note_code(m, address, size);
		m->last_code_page = address >> 12;
	}
	if (m->watch_count != 0 && watch_stops_here(m, address)) {
		return;
	}
	if (m->break_on_finding && m->findings->count != m->findings_seen &&
	    new_firmware_finding(m)) {
		m->stop = MACHINE_STOP_BREAKPOINT;
		uc_emu_stop(m->uc);
		return;
	}
	if (m->breakpoint_count != 0 && m->step_count == 0 &&
	    breakpoint_stops_here(m, address, size)) {
		return;
	}
	if (m->deferred_stop != MACHINE_STOP_NONE &&
	    m->stop == MACHINE_STOP_NONE) {
		m->stop = m->deferred_stop;
		m->deferred_stop = MACHINE_STOP_NONE;
		uc_emu_stop(m->uc);
		return;
	}
	/* One instruction per uc_emu_start() while stepping. */
	m->insns += m->step_count != 0 ? 1 : size / 4;
	if (past_deadline(m, address)) {
		return;
	}
	if (m->guard.armed) {
		guard_fetch(m, address);
	}
	if (address == m->last_block && size == m->last_block_size) {
		m->same_block_count++;
		if (size == 4 && m->same_block_count == 3) {
			uint32_t word;

			if (read_word(m, address, &word) &&
			    word == INSN_B_SELF) {
				raise_stop(m, MACHINE_STOP_HANG, "hang", address,
					   "branch to self: the firmware "
					   "stopped making progress");
				return;
			}
		}
	} else {
		if (address == m->pair_block && size == m->pair_block_size) {
			/* At the count and the turn after: one is the head. */
			if (++m->pair_turns - MACHINE_LOOP_TURNS < 2) {
				machine_try_fast_loop(m, address, size,
						      m->last_block,
						      m->last_block_size);
			}
		} else {
			m->pair_turns = 0;
		}
		m->pair_block = m->last_block;
		m->pair_block_size = m->last_block_size;
		m->last_block = address;
		m->last_block_size = size;
		m->same_block_count = 0;
	}
	if (m->cfg.max_insns != 0 && m->insns >= m->cfg.max_insns &&
	    m->stop == MACHINE_STOP_NONE) {
		raise_stop(m, MACHINE_STOP_BUDGET, "instruction-budget", address,
			   "the run's instruction budget is spent (a "
			   "runaway loop?)");
		return;
	}
	if (m->run_stop_at != 0 && m->insns >= m->run_stop_at &&
	    m->stop == MACHINE_STOP_NONE) {
		m->stop = MACHINE_STOP_STEP_BUDGET;
		uc_emu_stop(m->uc);
	}
}

/* --- Set-up --------------------------------------------------------------- */

/*
 * U-Boot reserves its relocated image, TLB tables, heap and stacks from the
 * top of RAM down (common/board_f.c, the reserve_* steps), and its EFI
 * allocations come from just below them: most first touches of a boot land
 * there.  In a VM each 4 KiB page fault costs microseconds, so the top of
 * RAM asks for transparent huge pages: scenarios/uboot/boot-version-
 * poweroff.yaml from reset (three boots) took 2 300 faults instead of
 * 6 700, scenarios/uboot with snapshots 12 700 instead of 17 200 (the rest
 * are copy-on-write after forks and translated code).  Not all of RAM: the
 * engine pool scrubs resident pages, and a firmware that touches a few
 * pages would then scrub whole 2 MiB pages (the reference client's suite
 * was 7 % slower).
 */
#define RAM_TOP_HUGE_PAGES (UINT64_C(64) << 20)

static void hint_huge_pages_at_top(const struct platform_region *r,
				   uint8_t *host)
{
	if (r->kind == REGION_RAM && r->size > RAM_TOP_HUGE_PAGES) {
		/* A hint: without THP (or with it off) nothing changes. */
		(void)madvise(host + (r->size - RAM_TOP_HUGE_PAGES),
			      RAM_TOP_HUGE_PAGES, MADV_HUGEPAGE);
	}
}

/*
 * RAM and flash from host memory of our own (zeroed, faulted in as used,
 * as Unicorn's own would be), so that the engine pool can compare and
 * scrub it without going through Unicorn for every page.
 */
static uc_err map_ram(struct machine *m, const struct platform_region *r)
{
	struct ram_block *b = &m->ram[m->ram_count];
	void *host = mmap(NULL, r->size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uc_err rc;

	if (host == MAP_FAILED) {
		return UC_ERR_NOMEM;
	}
	hint_huge_pages_at_top(r, host);
	/* The shared buffer's window cut out now: cutting it later costs a
	 * split of the whole region (machine_hooks.c, window_cover()). */
	uint64_t lo = m->cfg.shared_buf_addr;
	uint64_t hi = lo + m->cfg.shared_buf_size;
	uint64_t end = r->base + r->size;

	machine_window_pages(&lo, &hi);
	if (m->cfg.cache_model_off || m->cfg.shared_buf_size == 0 ||
	    r->kind != REGION_RAM || lo < r->base || hi > end || hi <= lo) {
		lo = hi = end;
	}
	rc = lo > r->base ? uc_mem_map_ptr(m->uc, r->base, lo - r->base,
					   UC_PROT_ALL, host)
			  : UC_ERR_OK;
	if (rc == UC_ERR_OK && hi > lo &&
	    !machine_window_map(m, lo, hi, (uint8_t *)host + (lo - r->base))) {
		rc = UC_ERR_MAP;
	}
	if (rc == UC_ERR_OK && end > hi) {
		rc = uc_mem_map_ptr(m->uc, hi, end - hi, UC_PROT_ALL,
				    (uint8_t *)host + (hi - r->base));
	}
	if (rc != UC_ERR_OK) {
		munmap(host, r->size);
		return rc;
	}
	*b = (struct ram_block){r->base, r->size, host,
				xcalloc(r->size / 4096 / 8 + 1, 1),
				xcalloc(r->size / 4096 / 8 + 1, 1), NULL};
	m->ram_count++;
	return UC_ERR_OK;
}

static bool map_regions(struct machine *m, struct error *err)
{
	if (m->platform->region_count > MAX_MMIO_REGIONS) {
		return error_setf(err, "platform %s has too many regions",
				  m->platform->name);
	}
	for (size_t i = 0; i < m->platform->region_count; i++) {
		const struct platform_region *r = &m->platform->regions[i];
		struct mmio_ctx *ctx = &m->mmio[i];
		uc_err rc;

		ctx->m = m;
		ctx->base = r->base;
		switch (r->kind) {
		case REGION_ROM:
		case REGION_RAM:
			rc = map_ram(m, r);
			break;
		case REGION_UART:
			rc = uc_mmio_map(m->uc, r->base, r->size, uart_read, m,
					 uart_write, m);
			break;
		case REGION_RTC:
			rc = uc_mmio_map(m->uc, r->base, r->size, rtc_read, m,
					 rtc_write, m);
			break;
		case REGION_MMIO_ZERO:
			rc = uc_mmio_map(m->uc, r->base, r->size, zero_read, ctx,
					 ignore_write, ctx);
			break;
		case REGION_MMIO_ONES:
			rc = uc_mmio_map(m->uc, r->base, r->size, ones_read, ctx,
					 ignore_write, ctx);
			break;
		default:
			rc = UC_ERR_ARG;
			break;
		}
		if (rc != UC_ERR_OK) {
			return error_setf(err, "mapping %s at 0x%" PRIx64 ": %s",
					  r->name, r->base, uc_strerror(rc));
		}
	}
	return true;
}

static bool add_hooks(struct machine *m, struct error *err)
{
	uc_hook h;
	uc_err rc;

	rc = uc_hook_add(m->uc, &h, UC_HOOK_INTR, (void *)hook_intr, m, 1, 0);
	if (rc == UC_ERR_OK) {
		rc = uc_hook_add(m->uc, &h, UC_HOOK_INSN, (void *)hook_mrs, m, 1,
				 0, UC_ARM64_INS_MRS);
	}
	if (rc == UC_ERR_OK) {
		rc = uc_hook_add(m->uc, &h, UC_HOOK_INSN, (void *)hook_msr, m, 1,
				 0, UC_ARM64_INS_MSR);
	}
	if (rc == UC_ERR_OK) {
		rc = uc_hook_add(m->uc, &h, UC_HOOK_INSN, (void *)hook_sys, m, 1,
				 0, UC_ARM64_INS_SYS);
	}
	if (rc == UC_ERR_OK) {
		rc = uc_hook_add(m->uc, &h, UC_HOOK_BLOCK, (void *)hook_block, m,
				 1, 0);
	}
	if (rc == UC_ERR_OK) {
		rc = uc_hook_add(m->uc, &h, UC_HOOK_MEM_INVALID,
				 (void *)hook_mem_invalid, m, 1, 0);
	}
	if (rc != UC_ERR_OK) {
		return error_setf(err, "adding Unicorn hooks: %s",
				  uc_strerror(rc));
	}
	return true;
}

static bool place_devtree(struct machine *m, struct error *err)
{
	struct devtree_options o = {
		.shared_buf_addr = m->cfg.shared_buf_addr,
		.shared_buf_size = m->cfg.shared_buf_size,
		.psci_method = "smc",
	};
	uint8_t *blob = xmalloc(DEVTREE_MAX_SIZE);
	size_t size;
	bool ok = devtree_build(m->platform, &o, blob, &size, err);

	if (ok) {
		note_written(m, m->platform->dtb_addr, size);
	}
	if (ok && !machine_ram_store(m, m->platform->dtb_addr, blob, size)) {
		ok = error_setf(err, "placing the device tree at 0x%" PRIx64,
				m->platform->dtb_addr);
	}
	free(blob);
	return ok && reg_write(m, UC_ARM64_REG_X0, m->platform->dtb_addr);
}

/* What every new machine starts from, fresh or reused. */
static void init_scenario_state(struct machine *m,
				const struct machine_config *cfg,
				struct trace *trace, struct findings *findings)
{
	m->cfg = *cfg;
	m->platform = cfg->platform != NULL ? cfg->platform : platform_default();
	m->trace = trace;
	m->findings = findings;
	m->secure_mem = (struct guest_mem){&machine_secure_ops, m};
	m->cpu_mem = (struct guest_mem){&machine_mem_ops, m};
	pl011_init(&m->uart);
	pl031_init(&m->rtc);
	m->uart.echo = cfg->console_echo;
	cache_init(&m->cache, cfg->cache_core, &m->cpu_mem, findings);
	m->cache.wide_fails = cfg->wide_maintenance_fails;
	m->last_code_page = UINT64_MAX; /* none marked yet */
}

/* A fresh engine: opened, mapped, hooked. */
static bool open_engine(struct machine *m, struct error *err)
{
	uc_err rc;

	if (!disasm_init(&m->disasm, err)) {
		return false;
	}
	m->disasm_open = true;
	rc = uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &m->uc);
	if (rc != UC_ERR_OK) {
		m->uc = NULL;
		return error_setf(err, "uc_open: %s", uc_strerror(rc));
	}
	rc = uc_ctl_set_cpu_model(m->uc, UC_CPU_ARM64_A57);
	if (rc != UC_ERR_OK) {
		return error_setf(err, "selecting the Cortex-A57 model: %s",
				  uc_strerror(rc));
	}
	if (!machine_pool_save_pristine(m)) {
		return error_setf(err, "saving the engine's CPU state");
	}
	return map_regions(m, err) && add_hooks(m, err);
}

/*
 * A parked machine (machine_pool.c) made new again: its engine, RAM,
 * capstone handle and device callbacks kept, everything else as
 * xcalloc() left it.
 */
static bool reuse_engine(struct machine *m, struct error *err)
{
	struct machine *old = xmalloc(sizeof(*old));
	bool ok;

	memcpy(old, m, sizeof(*old));
	memset(m, 0, sizeof(*m));
	m->uc = old->uc;
	m->disasm = old->disasm;
	m->disasm_open = old->disasm_open;
	m->pristine = old->pristine;
	memcpy(m->ram, old->ram, sizeof(m->ram));
	m->ram_count = old->ram_count;
	memcpy(m->mmio, old->mmio, sizeof(m->mmio));
	memcpy(m->windows, old->windows, sizeof(m->windows));
	machine_windows_unclaim(m);
	m->reused = true;
	ok = machine_pool_prepare(m, old->written, old->written_count, err);
	free(old);
	return ok;
}

bool machine_is_reused(const struct machine *m)
{
	return m->reused;
}

struct machine *machine_new(const struct machine_config *cfg,
			    struct trace *trace, struct findings *findings,
			    struct error *err)
{
	struct machine *m = machine_pool_take(cfg);
	bool ok;

	if (m != NULL) {
		ok = reuse_engine(m, err);
		init_scenario_state(m, cfg, trace, findings);
	} else {
		m = xcalloc(1, sizeof(*m));
		init_scenario_state(m, cfg, trace, findings);
		ok = open_engine(m, err);
	}
	ok = ok && place_devtree(m, err);
	if (ok && cfg->shared_buf_size != 0 && !cfg->cache_model_off) {
		ok = machine_watch(m, "MM shared buffer", cfg->shared_buf_addr,
				   cfg->shared_buf_size, err);
	}
	if (!ok) {
		cache_free(&m->cache);
		pl011_free(&m->uart);
		machine_destroy(m); /* never parked half made */
		return NULL;
	}
	m->pc = m->platform->default_load_addr;
	m->resume_past = UINT64_MAX;
	m->pace_origin_ns = monotonic_ns();
	runtime_guard_init(&m->guard);
	return m;
}

void machine_destroy(struct machine *m)
{
	if (m->uc != NULL) {
		uc_close(m->uc);
	}
	if (m->pristine != NULL) {
		uc_context_free(m->pristine);
	}
	for (size_t i = 0; i < m->ram_count; i++) {
		munmap(m->ram[i].host, m->ram[i].size);
		free(m->ram[i].code);
		free(m->ram[i].stale);
		free(m->ram[i].resident);
	}
	if (m->disasm_open) {
		disasm_free(&m->disasm);
	}
	free(m);
}

void machine_free(struct machine *m)
{
	if (m == NULL) {
		return;
	}
	cache_free(&m->cache);
	pl011_free(&m->uart);
	fault_clear(&m->fault);
	runtime_guard_free(&m->guard);
	if (!machine_pool_park(m)) {
		machine_destroy(m);
	}
}

void machine_set_secure_port(struct machine *m, secure_call_fn *call,
			     void *world)
{
	m->secure_call = call;
	m->secure_world = world;
}

bool machine_watch_pc(struct machine *m, uint64_t pc, machine_pc_fn *fn,
		      void *ctx)
{
	for (size_t i = 0; i < m->watch_count; i++) {
		if (m->watches[i].pc == pc) {
			m->watches[i].fn = fn;
			m->watches[i].ctx = ctx;
			return true;
		}
	}
	if (m->watch_count == MACHINE_MAX_PC_WATCHES) {
		return false;
	}
	m->watches[m->watch_count].pc = pc;
	m->watches[m->watch_count].fn = fn;
	m->watches[m->watch_count].ctx = ctx;
	m->watch_count++;
	return true;
}

void machine_unwatch_pc(struct machine *m, uint64_t pc)
{
	for (size_t i = 0; i < m->watch_count; i++) {
		if (m->watches[i].pc == pc) {
			m->watches[i] = m->watches[--m->watch_count];
			return;
		}
	}
}

static void hook_write_watch(uc_engine *uc, uc_mem_type type,
			       uint64_t address, int size, int64_t value,
			       void *user_data)
{
	struct write_watch *w = user_data;

	(void)uc;
	(void)type;
	(void)size;
	w->fn(w->ctx, address, (uint64_t)value);
}

bool machine_watch_write(struct machine *m, uint64_t addr, uint64_t len,
			 machine_write_fn *fn, void *ctx)
{
	struct write_watch *w;
	uc_hook h;

	if (m->write_watch_count == MACHINE_MAX_WRITE_WATCHES || len == 0) {
		return false;
	}
	w = &m->write_watches[m->write_watch_count];
	*w = (struct write_watch){m, fn, ctx, addr, addr + len};
	if (uc_hook_add(m->uc, &h, UC_HOOK_MEM_WRITE,
			(void *)hook_write_watch, w, addr,
			addr + len - 1) != UC_ERR_OK) {
		return false;
	}
	machine_note_hook(m, h);
	m->write_watch_count++;
	return true;
}

/*
 * An access to memory the firmware gave away.  Reported once per range:
 * the rest of a loop over the page says nothing new.
 */
static void hook_forbidden(uc_engine *uc, uc_mem_type type, uint64_t address,
			   int size, int64_t value, void *user_data)
{
	struct forbidden_range *f = user_data;
	struct machine *m = f->m;
	struct strbuf detail = STRBUF_INIT;
	struct finding *fd;
	uint64_t pc;

	(void)uc;
	(void)size;
	(void)value;
	if (!f->used || f->reported || address < f->base ||
	    address - f->base >= f->size) {
		return; /* a slot reused while an old hook is being deleted */
	}
	f->reported = true;
	pc = locate_faulting_insn(m, reg_read(m, UC_ARM64_REG_PC), address);
	fd = findings_add(m->findings, FINDING_FIRMWARE, f->code,
			  "%s 0x%" PRIx64 " at pc 0x%" PRIx64 ": %s",
			  type == UC_MEM_WRITE ? "writing" : "reading",
			  address, pc, f->what);
	fd->pc = pc;
	fd->address = address;
	format_disasm(m, pc, &detail);
	finding_take_detail(fd, &detail);
	strbuf_free(&detail);
}

bool machine_forbid(struct machine *m, uint64_t key, uint64_t base,
		    uint64_t size, const char *code, const char *what)
{
	struct forbidden_range *f = NULL;

	if (size == 0 || base + size - 1 < base) {
		return false;
	}
	for (size_t i = 0; i < MACHINE_MAX_FORBIDDEN && f == NULL; i++) {
		if (!m->forbidden[i].used) {
			f = &m->forbidden[i];
		}
	}
	if (f == NULL) {
		return false;
	}
	*f = (struct forbidden_range){
		.m = m, .key = key, .base = base, .size = size, .code = code};
	snprintf(f->what, sizeof(f->what), "%s", what);
	if (uc_hook_add(m->uc, &f->hook, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE,
			(void *)hook_forbidden, f, base,
			base + size - 1) != UC_ERR_OK) {
		return false;
	}
	f->used = true;
	read_hook_added(m);
	return true;
}

void machine_allow(struct machine *m, uint64_t key)
{
	for (size_t i = 0; i < MACHINE_MAX_FORBIDDEN; i++) {
		struct forbidden_range *f = &m->forbidden[i];

		if (f->used && f->key == key) {
			/* Unicorn defers the deletion past a running hook. */
			(void)uc_hook_del(m->uc, f->hook);
			f->used = false;
		}
	}
}

void machine_begin_step(struct machine *m)
{
	m->guard.report_count = 0;
	m->cache.setway_runtime_reported = false;
}

void machine_guard_checks(struct machine *m, unsigned checks)
{
	m->guard.checks = checks;
}

uint64_t machine_xreg(struct machine *m, unsigned n)
{
	return n <= 30 ? reg_read(m, xreg(n)) : 0;
}

void machine_doorbell(struct machine *m)
{
	cache_doorbell(&m->cache);
}

static bool write_zeros(struct machine *m, uint64_t addr, uint64_t len)
{
	static const uint8_t zeros[4096];

	while (len > 0) {
		uint64_t n = len < sizeof(zeros) ? len : sizeof(zeros);

		if (!machine_ram_store(m, addr, zeros, n)) {
			return false;
		}
		addr += n;
		len -= n;
	}
	return true;
}

/* Zeroes [addr, addr + len) where RAM may not be zero any more. */
static bool clear_bss(struct machine *m, uint64_t addr, uint64_t len)
{
	if (m->ram_unknown) {
		return write_zeros(m, addr, len);
	}
	for (size_t i = 0; i < m->written_count; i++) {
		const struct written_range *w = &m->written[i];
		uint64_t lo = addr > w->addr ? addr : w->addr;
		uint64_t hi = addr + len < w->addr + w->len ? addr + len
							 : w->addr + w->len;

		if (lo < hi && !write_zeros(m, lo, hi - lo)) {
			return false;
		}
	}
	return true;
}

bool machine_load_image(struct machine *m, const struct image *img,
			struct error *err)
{
	for (size_t i = 0; i < img->segment_count; i++) {
		const struct image_segment *s = &img->segments[i];
		const struct platform_region *r =
			platform_region_at(m->platform, s->addr);

		if (r == NULL || (r->kind != REGION_RAM && r->kind != REGION_ROM) ||
		    s->mem_size > r->size - (s->addr - r->base)) {
			return error_setf(err,
					  "%s: segment at 0x%" PRIx64
					  " (+0x%" PRIx64
					  ") is not inside flash or RAM of "
					  "platform %s",
					  img->path, s->addr, s->mem_size,
					  m->platform->name);
		}
		if (!machine_ram_store(m, s->addr, s->data, s->file_size)) {
			return error_setf(err, "%s: writing segment at 0x%" PRIx64,
					  img->path, s->addr);
		}
		if (!clear_bss(m, s->addr + s->file_size,
			       s->mem_size - s->file_size)) {
			return error_setf(err, "%s: clearing .bss", img->path);
		}
		note_written(m, s->addr, s->file_size);
	}
	m->pc = img->entry;
	cache_resync(&m->cache); /* the image may cover a watched range */
	return true;
}

static bool is_breakpoint(const struct machine *m, uint64_t addr)
{
	for (size_t i = 0; i < m->breakpoint_count; i++) {
		if (m->breakpoints[i] == addr) {
			return true;
		}
	}
	return false;
}

bool machine_add_breakpoint(struct machine *m, uint64_t addr)
{
	if (is_breakpoint(m, addr)) {
		return true;
	}
	if (m->breakpoint_count == MACHINE_MAX_BREAKPOINTS) {
		return false;
	}
	m->breakpoints[m->breakpoint_count++] = addr;
	return true;
}

bool machine_remove_breakpoint(struct machine *m, uint64_t addr)
{
	for (size_t i = 0; i < m->breakpoint_count; i++) {
		if (m->breakpoints[i] == addr) {
			m->breakpoints[i] =
				m->breakpoints[--m->breakpoint_count];
			return true;
		}
	}
	return false;
}

void machine_break_on_finding(struct machine *m, bool on)
{
	m->break_on_finding = on;
	m->findings_seen = m->findings->count;
}

/* gdb's AArch64 core registers (machine.h) as Unicorn names them. */
static int gdb_reg_id(unsigned n)
{
	if (n < 31) {
		return xreg(n);
	}
	switch (n) {
	case 31:
		return UC_ARM64_REG_SP;
	case 32:
		return UC_ARM64_REG_PC;
	case 33:
		return UC_ARM64_REG_PSTATE;
	default:
		return -1;
	}
}

bool machine_gdb_reg(struct machine *m, unsigned n, uint64_t *value)
{
	int id = gdb_reg_id(n);

	if (id < 0) {
		return false;
	}
	*value = n == 32 ? m->pc : reg_read(m, id);
	return true;
}

bool machine_gdb_set_reg(struct machine *m, unsigned n, uint64_t value)
{
	int id = gdb_reg_id(n);

	if (id < 0 || !reg_write(m, id, value)) {
		return false;
	}
	if (n == 32) {
		m->pc = value; /* where the next run starts */
	}
	return true;
}

enum machine_stop machine_run(struct machine *m,
			      const struct machine_run_opts *opts)
{
	static const struct machine_run_opts none;
	uc_err rc;

	if (m->final) {
		return m->stop;
	}
	if (m->secure_call == NULL) {
		snprintf(m->fault.what, sizeof(m->fault.what),
			 "no secure world attached");
		return m->stop = MACHINE_STOP_HOST_ERROR;
	}
	if (!machine_pool_first_run(m)) {
		snprintf(m->fault.what, sizeof(m->fault.what),
			 "preparing a reused engine's memory failed");
		return m->stop = MACHINE_STOP_HOST_ERROR;
	}
	m->opts = opts != NULL ? opts : &none;
	m->ram_unknown = true; /* the guest writes where it likes */
	m->stop = MACHINE_STOP_NONE;
	m->deferred_stop = MACHINE_STOP_NONE;
	m->run_stop_at = m->opts->max_insns != 0 ? m->insns + m->opts->max_insns
						 : 0;
	m->pending_memory_fault = false;
	m->deadline_ns = m->cfg.wall_timeout_ms != 0
				 ? monotonic_ns() +
					   m->cfg.wall_timeout_ms * 1000000u
				 : UINT64_MAX; /* no safety net */
	m->blocks_to_clock_check = CLOCK_CHECK_BLOCKS;
	m->step_count = m->opts->single_insn ? 1 : 0;
	m->bp_resume_past = is_breakpoint(m, m->pc) ? m->pc : UINT64_MAX;
	/* No Unicorn timeout: see CLOCK_CHECK_BLOCKS. */
	for (;;) {
		uint64_t from = m->pc;
		long hit;

		m->watch_hit = -1;
		/*
		 * A count costs a per-instruction hook: used only to step.
		 * Unicorn 2.0.1 adds that hook without retranslating cached
		 * blocks (which would then ignore the count), so the cache
		 * is dropped whenever the count changes.
		 */
		if (m->step_count != m->translated_count) {
			if (!machine_drop_translations(m)) {
				raise_stop(m, MACHINE_STOP_HOST_ERROR,
					   "host-error", m->pc,
					   "cannot drop the translated blocks");
				break;
			}
			m->translated_count = m->step_count;
		}
		/* The first block is translated even if a stop comes first. */
		machine_note_code(m, m->pc, 4);
		rc = uc_emu_start(m->uc, m->pc, RUN_UNTIL, 0, m->step_count);
		m->pc = reg_read(m, UC_ARM64_REG_PC);
		hit = m->watch_hit;
		if (m->stale_block_size != 0) {
			/* hook_block() stopped before a stale block. */
			if (!machine_drop_stale(m, m->stale_block,
						m->stale_block_size)) {
				raise_stop(m, MACHINE_STOP_HOST_ERROR,
					   "host-error", m->pc,
					   "cannot drop the translated blocks");
				break;
			}
			m->stale_block_size = 0;
			if (hit < 0 && rc == UC_ERR_OK &&
			    m->stop == MACHINE_STOP_NONE &&
			    !m->pending_memory_fault) {
				continue;
			}
		}
		if (hit < 0 && rc == UC_ERR_OK && m->stop == MACHINE_STOP_NONE &&
		    !m->pending_memory_fault && m->step_count != 0) {
			if (m->opts->single_insn) {
				m->stop = MACHINE_STOP_STEP_BUDGET;
				break;
			}
			if (m->pc == m->bp_target) {
				m->stop = MACHINE_STOP_BREAKPOINT;
				break;
			}
			if (m->pc < from || m->pc >= m->bp_block_end) {
				m->step_count = 0; /* left the block */
			}
			continue;
		}
		if (hit < 0 || rc != UC_ERR_OK || m->stop != MACHINE_STOP_NONE ||
		    m->pending_memory_fault) {
			break;
		}
		m->resume_past = m->pc == m->watches[hit].pc ? m->pc
							      : UINT64_MAX;
		m->watches[hit].fn(m->watches[hit].ctx, m->watches[hit].pc);
	}
	if (m->pending_memory_fault && m->stop == MACHINE_STOP_NONE) {
		raise_stop(m, MACHINE_STOP_FAULT, m->pending_kind,
			   m->pending_fetch
				   ? m->fault.address
				   : locate_faulting_insn(m, m->pc,
							  m->fault.address),
			   m->pending_what);
	}
	if (m->stop == MACHINE_STOP_NONE) {
		/*
		 * Stopped without a hook saying why: Unicorn's own error or
		 * the CPU halted on WFI (anything else would be a Unicorn
		 * stop we did not ask for, reported as the timeout was).
		 */
		uint32_t word = 0;

		if (rc != UC_ERR_OK) {
			char what[128];

			snprintf(what, sizeof(what), "Unicorn: %s",
				 uc_strerror(rc));
			raise_stop(m, MACHINE_STOP_FAULT, "emulation-error",
				   m->pc, what);
		} else if ((read_word(m, m->pc, &word) &&
			    (word == INSN_WFI || word == INSN_WFE)) ||
			   (read_word(m, m->pc - 4, &word) &&
			    (word == INSN_WFI || word == INSN_WFE))) {
			/* Unicorn halts the CPU after WFI with PC past it. */
			raise_stop(m, MACHINE_STOP_HANG, "wfi", m->pc,
				   "WFI/WFE with no interrupt that could wake "
				   "the CPU");
		} else {
			raise_stop(m, MACHINE_STOP_TIMEOUT, "timeout", m->pc,
				   "the wall-clock limit of the run was "
				   "reached");
		}
	}
	m->opts = NULL;
	m->step_count = 0;
	if (machine_stop_is_final(m->stop)) {
		m->final = true;
	}
	return m->stop;
}

const struct machine_fault *machine_fault(const struct machine *m)
{
	return &m->fault;
}

struct pl011 *machine_uart(struct machine *m)
{
	return &m->uart;
}

uint64_t machine_insns(const struct machine *m)
{
	return m->insns;
}

uint64_t machine_pc(const struct machine *m)
{
	return m->pc;
}

bool machine_set_smc_return(struct machine *m, const struct smccc_regs *r,
			    unsigned count)
{
	for (unsigned i = 0; i < count && i < SMCCC_REG_COUNT; i++) {
		if (!reg_write(m, xreg(i), r->x[i])) {
			return false;
		}
	}
	return true;
}

uint64_t machine_sctlr(const struct machine *m)
{
	return m->sctlr_shadow;
}
