/*
 * The machine's instruction hooks (see machine.c for the list): MRS and
 * MSR for the SCTLR_EL1 shadow, the virtual counter and the timers; SYS
 * for data-cache maintenance; and the memory hooks of the cache model's
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

static void hook_watched_write(uc_engine *uc, uc_mem_type type,
			       uint64_t address, int size, int64_t value,
			       void *user_data)
{
	struct machine *m = user_data;

	(void)uc;
	(void)type;
	cache_cpu_write(&m->cache, address, (size_t)size, (uint64_t)value, 0);
}

static void hook_watched_read(uc_engine *uc, uc_mem_type type,
			      uint64_t address, int size, int64_t value,
			      void *user_data)
{
	struct machine *m = user_data;

	(void)uc;
	(void)type;
	(void)value;
	cache_cpu_read(&m->cache, address, (size_t)size, 0);
}

/* Range-limited hooks: only accesses to the range pay for them. */
static bool hook_range(struct machine *m, uint64_t base, uint64_t size,
		       struct error *err)
{
	uc_hook h;
	uc_err rc;

	rc = uc_hook_add(m->uc, &h, UC_HOOK_MEM_WRITE,
			 (void *)hook_watched_write,
			 m, base, base + size - 1);
	if (rc == UC_ERR_OK) {
		machine_note_hook(m, h);
		rc = uc_hook_add(m->uc, &h, UC_HOOK_MEM_READ,
				 (void *)hook_watched_read, m, base,
				 base + size - 1);
	}
	if (rc == UC_ERR_OK) {
		machine_note_hook(m, h);
	}
	if (rc != UC_ERR_OK) {
		return error_setf(err, "watching 0x%" PRIx64 ": %s", base,
				  uc_strerror(rc));
	}
	m->read_hooked = true;
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
	return hook_range(m, base & ~(uint64_t)(CACHE_LINE - 1),
			  ((base + size + CACHE_LINE - 1) &
			   ~(uint64_t)(CACHE_LINE - 1)) -
				  (base & ~(uint64_t)(CACHE_LINE - 1)),
			  err);
}

void machine_set_runtime(struct machine *m)
{
	m->cache.runtime = true;
}

const struct cache_model *machine_cache(const struct machine *m)
{
	return &m->cache;
}

