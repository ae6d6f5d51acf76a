/*
 * The machine's instruction hooks (see machine.c for the list): MRS and
 * MSR for the SCTLR_EL1 shadow, the virtual counter and the timers; SYS
 * for data-cache maintenance; and the MMIO windows over the cache model's
 * watched ranges.
 */
#include "emulator/machine_priv.h"

#include <string.h>
#include <time.h>

/* --- System registers ----------------------------------------------------- */

#define SCTLR_M (UINT64_C(1) << 0)
#define SCTLR_C (UINT64_C(1) << 2)

#define SYSREG(op0, op1, crn, crm, op2) \
	((uint32_t)((op0) << 16 | (op1) << 12 | (crn) << 8 | (crm) << 4 | (op2)))

enum {
	SR_SCTLR_EL1 = SYSREG(3, 0, 1, 0, 0),
	SR_CNTFRQ_EL0 = SYSREG(3, 3, 14, 0, 0),
	SR_CNTPCT_EL0 = SYSREG(3, 3, 14, 0, 1),
	SR_CNTVCT_EL0 = SYSREG(3, 3, 14, 0, 2),
	SR_CNTPCTSS_EL0 = SYSREG(3, 3, 14, 0, 5),
	SR_CNTVCTSS_EL0 = SYSREG(3, 3, 14, 0, 6),
	SR_CNTP_TVAL_EL0 = SYSREG(3, 3, 14, 2, 0),
	SR_CNTP_CTL_EL0 = SYSREG(3, 3, 14, 2, 1),
	SR_CNTP_CVAL_EL0 = SYSREG(3, 3, 14, 2, 2),
	SR_CNTV_TVAL_EL0 = SYSREG(3, 3, 14, 3, 0),
	SR_CNTV_CTL_EL0 = SYSREG(3, 3, 14, 3, 1),
	SR_CNTV_CVAL_EL0 = SYSREG(3, 3, 14, 3, 2),
};

static uint32_t sysreg_key(const uc_arm64_cp_reg *cp)
{
	return SYSREG(cp->op0, cp->op1, cp->crn, cp->crm, cp->op2);
}

static uint64_t ns_to_ticks(uint64_t ns, uint64_t hz)
{
	/* Whole seconds apart: ns * hz overflows 64 bits past 4 s. */
	return ns / 1000000000u * hz + ns % 1000000000u * hz / 1000000000u;
}

/*
 * machine_config.paced_clock: a counter behind the host's clock jumps to
 * it.  Reads then step by one tick only, so that it never runs ahead of
 * the host: firmware that reads the timer as it works (a timeout per
 * character) is not slowed down, and a delay loop takes its real time.
 */
void counter_pace(struct machine *m)
{
	struct timespec now;
	uint64_t host;

	clock_gettime(CLOCK_MONOTONIC, &now);
	host = ns_to_ticks((uint64_t)now.tv_sec * 1000000000u +
				   (uint64_t)now.tv_nsec - m->pace_origin_ns,
			   m->platform->counter_freq_hz);
	if (m->counter < host) {
		m->counter = host;
	}
}

uint64_t counter_read(struct machine *m)
{
	if (m->cfg.paced_clock) {
		m->counter++; /* two reads never return the same value */
		counter_pace(m);
	} else {
		m->counter += m->cfg.counter_step;
	}
	return m->counter;
}

/* CNTx_CTL with ISTATUS (bit 2) computed from the virtual counter. */
static uint64_t timer_ctl(const struct machine *m, uint32_t ctl, uint64_t cval)
{
	ctl &= 3u;
	if (m->counter >= cval) {
		ctl |= 4u;
	}
	return ctl;
}

uint32_t hook_mrs(uc_engine *uc, uc_arm64_reg reg,
			 const uc_arm64_cp_reg *cp, void *user_data)
{
	struct machine *m = user_data;
	uint64_t v;

	(void)uc;
	switch (sysreg_key(cp)) {
	case SR_SCTLR_EL1:
		v = m->sctlr_shadow;
		break;
	case SR_CNTFRQ_EL0:
		v = m->platform->counter_freq_hz;
		break;
	case SR_CNTPCT_EL0:
	case SR_CNTVCT_EL0:
	case SR_CNTPCTSS_EL0:
	case SR_CNTVCTSS_EL0:
		v = counter_read(m);
		break;
	case SR_CNTP_TVAL_EL0:
		v = (uint32_t)(m->cntp_cval - m->counter);
		break;
	case SR_CNTV_TVAL_EL0:
		v = (uint32_t)(m->cntv_cval - m->counter);
		break;
	case SR_CNTP_CTL_EL0:
		v = timer_ctl(m, m->cntp_ctl, m->cntp_cval);
		break;
	case SR_CNTV_CTL_EL0:
		v = timer_ctl(m, m->cntv_ctl, m->cntv_cval);
		break;
	case SR_CNTP_CVAL_EL0:
		v = m->cntp_cval;
		break;
	case SR_CNTV_CVAL_EL0:
		v = m->cntv_cval;
		break;
	default:
		return 0; /* let Unicorn execute it */
	}
	reg_write(m, (int)reg, v);
	return 1;
}

uint32_t hook_msr(uc_engine *uc, uc_arm64_reg reg,
			 const uc_arm64_cp_reg *cp, void *user_data)
{
	struct machine *m = user_data;
	uc_arm64_cp_reg real;

	(void)uc;
	(void)reg;
	switch (sysreg_key(cp)) {
	case SR_SCTLR_EL1:
		/* The identity-MMU shim: keep M (bit 0) clear underneath. */
		m->sctlr_shadow = cp->val;
		m->cache.enabled = (cp->val & SCTLR_M) != 0 &&
				   (cp->val & SCTLR_C) != 0;
		real = *cp;
		real.val &= ~UINT64_C(1);
		if (uc_reg_write(m->uc, UC_ARM64_REG_CP_REG, &real) !=
		    UC_ERR_OK) {
			raise_stop(m, MACHINE_STOP_HOST_ERROR, "host-error",
				   reg_read(m, UC_ARM64_REG_PC),
				   "Unicorn refused the SCTLR_EL1 write");
		}
		return 1;
	case SR_CNTP_TVAL_EL0:
		m->cntp_cval = m->counter + (uint64_t)(int64_t)(int32_t)cp->val;
		return 1;
	case SR_CNTV_TVAL_EL0:
		m->cntv_cval = m->counter + (uint64_t)(int64_t)(int32_t)cp->val;
		return 1;
	case SR_CNTP_CTL_EL0:
		m->cntp_ctl = (uint32_t)cp->val & 3u;
		return 1;
	case SR_CNTV_CTL_EL0:
		m->cntv_ctl = (uint32_t)cp->val & 3u;
		return 1;
	case SR_CNTP_CVAL_EL0:
		m->cntp_cval = cp->val;
		return 1;
	case SR_CNTV_CVAL_EL0:
		m->cntv_cval = cp->val;
		return 1;
	default:
		return 0;
	}
}

/* DC operations by (op1, CRm, op2) with op0 = 1, CRn = 7. */
static const struct {
	uint32_t op1, crm, op2;
	enum cache_op op;
} dc_ops[] = {
	{0, 6, 1, CACHE_OP_IVAC},  {0, 6, 2, CACHE_OP_ISW},
	{0, 10, 2, CACHE_OP_CSW},  {0, 14, 2, CACHE_OP_CISW},
	{3, 4, 1, CACHE_OP_ZVA},   {3, 10, 1, CACHE_OP_CVAC},
	{3, 11, 1, CACHE_OP_CVAU}, {3, 12, 1, CACHE_OP_CVAP},
	{3, 14, 1, CACHE_OP_CIVAC},
};

/*
 * DC/IC/TLBI/AT instructions.  DC operations go to the cache model; a DC
 * ZVA inside a watched range is performed by the model (returns 1: skip),
 * everything else executes as Unicorn does it.
 */
uint32_t hook_sys(uc_engine *uc, uc_arm64_reg reg,
			 const uc_arm64_cp_reg *cp, void *user_data)
{
	struct machine *m = user_data;

	(void)uc;
	(void)reg;
	if (cp->op0 != 1 || cp->crn != 7) {
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(dc_ops); i++) {
		if (dc_ops[i].op1 == cp->op1 && dc_ops[i].crm == cp->crm &&
		    dc_ops[i].op2 == cp->op2) {
			bool done = cache_maintain(&m->cache, dc_ops[i].op,
						   cp->val,
						   reg_read(m, UC_ARM64_REG_PC));

			return dc_ops[i].op == CACHE_OP_ZVA && done ? 1 : 0;
		}
	}
	return 0;
}

/* --- Watch windows --------------------------------------------------------- */

/*
 * A guest load from a window: the model sees it (a read allocates the
 * line), then the CPU view's bytes are the value.  Unicorn 2.0.1 calls
 * MMIO callbacks with at most 4 bytes, so a wider access arrives in parts,
 * which the model treats the same (it works per byte and per line).
 */
static uint64_t window_read(uc_engine *uc, uint64_t offset, unsigned size,
			    void *user_data)
{
	struct watch_window *w = user_data;
	uint64_t value = 0;

	(void)uc;
	cache_cpu_read(&w->m->cache, w->lo + offset, size, 0);
	for (unsigned i = size; i-- > 0;) {
		value = value << 8 | w->host[offset + i];
	}
	return value;
}

/* A guest store: the model first (write-allocate), then the CPU view. */
static void window_write(uc_engine *uc, uint64_t offset, unsigned size,
			 uint64_t value, void *user_data)
{
	struct watch_window *w = user_data;

	(void)uc;
	cache_cpu_write(&w->m->cache, w->lo + offset, size, value, 0);
	for (unsigned i = 0; i < size; i++) {
		w->host[offset + i] = (uint8_t)(value >> (8 * i));
	}
}

const struct watch_window *machine_window_next(const struct machine *m,
					       uint64_t lo, uint64_t hi)
{
	const struct watch_window *best = NULL;

	for (size_t i = 0; i < MACHINE_MAX_WINDOWS; i++) {
		const struct watch_window *w = &m->windows[i];

		if (w->used && w->lo < hi && lo < w->hi &&
		    (best == NULL || w->lo < best->lo)) {
			best = w;
		}
	}
	return best;
}

/* Back to RAM: the same host memory, mapped as RAM again. */
static bool window_release(struct machine *m, struct watch_window *w)
{
	bool ok = uc_mem_unmap(m->uc, w->lo, w->hi - w->lo) == UC_ERR_OK &&
		  uc_mem_map_ptr(m->uc, w->lo, w->hi - w->lo, UC_PROT_ALL,
				 w->host) == UC_ERR_OK;

	w->used = false;
	return ok;
}

void machine_windows_unclaim(struct machine *m)
{
	for (size_t i = 0; i < MACHINE_MAX_WINDOWS; i++) {
		m->windows[i].m = m;
		m->windows[i].claimed = false;
	}
}

bool machine_windows_release_unclaimed(struct machine *m)
{
	bool ok = true;

	for (size_t i = 0; i < MACHINE_MAX_WINDOWS; i++) {
		if (m->windows[i].used && !m->windows[i].claimed) {
			ok = window_release(m, &m->windows[i]) && ok;
		}
	}
	return ok;
}

bool machine_window_map(struct machine *m, uint64_t lo, uint64_t hi,
			uint8_t *host)
{
	struct watch_window *slot = NULL;

	for (size_t i = 0; i < MACHINE_MAX_WINDOWS && slot == NULL; i++) {
		slot = m->windows[i].used ? NULL : &m->windows[i];
	}
	if (slot == NULL) {
		return false;
	}
	*slot = (struct watch_window){m, lo, hi, host, true, true};
	if (uc_mmio_map(m->uc, lo, hi - lo, window_read, slot, window_write,
			slot) != UC_ERR_OK) {
		slot->used = false;
		return false;
	}
	return true;
}

/*
 * Covers the pages of [lo, hi) with a window.  One that already covers
 * them is claimed as it is (a reused engine keeps its translated blocks;
 * the shared buffer's was mapped with RAM, map_ram()); otherwise the
 * windows it meets are released, those this scenario watches widen the
 * new one, and the union is mapped.  Unmapping part of RAM makes Unicorn
 * 2.0.1 split its region, unmapping all of it page by page: about 0.1 s
 * for 1 GiB.
 */
static bool window_cover(struct machine *m, uint64_t lo, uint64_t hi,
			 struct error *err)
{
	uint8_t *host;

	machine_window_pages(&lo, &hi);
	for (size_t i = 0; i < MACHINE_MAX_WINDOWS; i++) {
		struct watch_window *w = &m->windows[i];

		if (w->used && w->lo <= lo && hi <= w->hi) {
			w->claimed = true;
			return true;
		}
	}
	for (size_t i = 0; i < MACHINE_MAX_WINDOWS; i++) {
		struct watch_window *w = &m->windows[i];

		if (w->used && w->lo <= hi && lo <= w->hi) {
			if (w->claimed) {
				lo = w->lo < lo ? w->lo : lo;
				hi = w->hi > hi ? w->hi : hi;
			}
			if (!window_release(m, w)) {
				return error_setf(err, "cannot unmap the "
						       "window at 0x%" PRIx64,
						  w->lo);
			}
		}
	}
	host = machine_ram_host(m, lo, hi - lo);
	if (host == NULL || uc_mem_unmap(m->uc, lo, hi - lo) != UC_ERR_OK ||
	    !machine_window_map(m, lo, hi, host)) {
		return error_setf(err, "cannot map a window at 0x%" PRIx64
				       " for the watched range", lo);
	}
	return true;
}

bool machine_watch(struct machine *m, const char *name, uint64_t base,
		   uint64_t size, struct error *err)
{
	if (!cache_watch(&m->cache, name, base, size)) {
		return error_setf(err,
				  "cannot watch %s at 0x%" PRIx64 " (+0x%" PRIx64
				  "): not RAM, overlapping, or too many ranges",
				  name, base, size);
	}
	return window_cover(m, base, base + size, err);
}

void machine_set_runtime(struct machine *m)
{
	m->cache.runtime = true;
}

const struct cache_model *machine_cache(const struct machine *m)
{
	return &m->cache;
}

