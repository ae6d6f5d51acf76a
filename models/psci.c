/*
 * PSCI, TRNG (absent) and the SMCCC architecture calls.  One table per
 * service drives dispatch, PSCI_FEATURES / SMCCC_ARCH_FEATURES and names.
 * Facts: SMCCC 1.2 (DEN0028) and PSCI 1.1 (DEN0022) as TF-A
 * services/arm_arch_svc/arm_arch_svc_setup.c and lib/psci/psci_main.c
 * implement them; the calls U-Boot makes: U-Boot drivers/firmware/psci.c,
 * drivers/rng/smccc_trng.c.
 */
#include "models/psci.h"

#include <stddef.h>
#include <string.h>

#include "abi/psci.h"
#include "abi/smccc.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

typedef void psci_handler_fn(struct psci *p, struct smc_call *call);

struct psci_fn_desc {
	uint32_t fid;
	const char *name;
	psci_handler_fn *handler; /* NULL: recognised, not implemented */
	bool discoverable;        /* *_FEATURES reports it as present */
};

static void set_x0(struct smc_call *call, int32_t code)
{
	call->out.x[0] = smc_ret_code(code);
	call->disposition = code < 0 ? SMC_DISP_ERROR : SMC_DISP_OK;
}

static void psci_version(struct psci *p, struct smc_call *call)
{
	set_x0(call, (int32_t)p->psci_version);
	trace_event_set_summary(call->event, "-> PSCI %u.%u",
				p->psci_version >> 16,
				p->psci_version & 0xffff);
}

static void psci_features(struct psci *p, struct smc_call *call);

/*
 * The CPU index of a target MPIDR (x1 of CPU_ON and AFFINITY_INFO), or -1
 * for a CPU the machine does not have.  Only Aff0 may be non-zero (bits
 * 7:0); the SMC32 forms pass the low 32 bits (PSCI 1.1 section 5.1.4).
 */
static int target_cpu(const struct psci *p, const struct smc_call *call)
{
	uint64_t mpidr = call->in.x[1];

	if (!smccc_is_64((uint32_t)call->in.x[0])) {
		mpidr &= UINT32_MAX;
	}
	if ((mpidr & ~UINT64_C(0xff)) != 0 || mpidr >= p->cpu_count) {
		return -1;
	}
	return (int)mpidr;
}

/*
 * CPU_ON (PSCI 1.1 section 5.6): INVALID_PARAMS for a CPU the machine does
 * not have, ALREADY_ON for a running one; otherwise the CPU is on from now
 * (the backend starts it at x2 with x0 = x3: psci_take_effect()).  The
 * entry point is not checked against RAM: a bad one is the caller's fault
 * and shows as that CPU faulting.
 */
static void psci_cpu_on(struct psci *p, struct smc_call *call)
{
	int cpu = target_cpu(p, call);

	if (cpu < 0) {
		set_x0(call, PSCI_RET_INVALID_PARAMS);
		return;
	}
	if (p->cpu_state[cpu] == PSCI_CPU_STATE_ON) {
		set_x0(call, PSCI_RET_ALREADY_ON);
		return;
	}
	p->cpu_state[cpu] = PSCI_CPU_STATE_ON;
	p->effect = (struct psci_effect){
		.kind = PSCI_EFFECT_CPU_ON,
		.cpu = (unsigned)cpu,
		.entry = call->in.x[2],
		.context = call->in.x[3],
	};
	set_x0(call, PSCI_RET_SUCCESS);
	trace_event_set_summary(call->event, "(cpu %d, entry 0x%llx) -> on",
				cpu, (unsigned long long)call->in.x[2]);
}

/*
 * CPU_OFF (PSCI 1.1 section 5.5): does not return on success.  On a
 * one-CPU machine it stays unimplemented, as before CPUs were counted:
 * turning off the last CPU is a system power-off the Unicorn machine does
 * not model.
 */
static void psci_cpu_off(struct psci *p, struct smc_call *call)
{
	if (p->cpu_count == 1) {
		set_x0(call, PSCI_RET_NOT_SUPPORTED);
		call->disposition = SMC_DISP_UNIMPLEMENTED;
		findings_add(p->findings, FINDING_UNIMPLEMENTED,
			     "model.unimplemented-smc",
			     "PSCI_CPU_OFF (0x%08x) is not implemented by the "
			     "model on a one-CPU machine",
			     PSCI_CPU_OFF);
		return;
	}
	p->cpu_state[p->caller] = PSCI_CPU_STATE_OFF;
	p->effect = (struct psci_effect){
		.kind = PSCI_EFFECT_CPU_OFF,
		.cpu = p->caller,
	};
	call->disposition = SMC_DISP_OK;
	trace_event_set_summary(call->event, "cpu %u off", p->caller);
}

/* AFFINITY_INFO (PSCI 1.1 section 5.7): level 0 only, as TF-A. */
static void psci_affinity_info(struct psci *p, struct smc_call *call)
{
	int cpu = target_cpu(p, call);

	if (cpu < 0 || (uint32_t)call->in.x[2] != 0) {
		set_x0(call, PSCI_RET_INVALID_PARAMS);
		return;
	}
	set_x0(call, p->cpu_state[cpu] == PSCI_CPU_STATE_ON
			     ? PSCI_AFFINITY_ON
			     : PSCI_AFFINITY_OFF);
}

static void psci_migrate_info_type(struct psci *p, struct smc_call *call)
{
	(void)p;
	set_x0(call, PSCI_TOS_NOT_PRESENT_MP);
}

static void psci_system_off(struct psci *p, struct smc_call *call)
{
	(void)p;
	call->action = SMC_ACTION_POWER_OFF;
	call->disposition = SMC_DISP_STOP;
	trace_event_set_summary(call->event, "power off");
}

static void psci_system_reset(struct psci *p, struct smc_call *call)
{
	(void)p;
	call->action = SMC_ACTION_RESET;
	call->disposition = SMC_DISP_STOP;
	trace_event_set_summary(call->event, "reset");
}

/* SYSTEM_RESET2: type 0 is the architectural warm reset. */
static void psci_system_reset2(struct psci *p, struct smc_call *call)
{
	if ((uint32_t)call->in.x[1] != 0) {
		set_x0(call, PSCI_RET_INVALID_PARAMS);
		return;
	}
	psci_system_reset(p, call);
}

static const struct psci_fn_desc psci_table[] = {
	{PSCI_VERSION, "PSCI_VERSION", psci_version, true},
	{PSCI_CPU_SUSPEND_32, "PSCI_CPU_SUSPEND_32", NULL, false},
	{PSCI_CPU_SUSPEND_64, "PSCI_CPU_SUSPEND_64", NULL, false},
	{PSCI_CPU_OFF, "PSCI_CPU_OFF", psci_cpu_off, false},
	{PSCI_CPU_ON_32, "PSCI_CPU_ON_32", psci_cpu_on, true},
	{PSCI_CPU_ON_64, "PSCI_CPU_ON_64", psci_cpu_on, true},
	{PSCI_AFFINITY_INFO_32, "PSCI_AFFINITY_INFO_32", psci_affinity_info,
	 true},
	{PSCI_AFFINITY_INFO_64, "PSCI_AFFINITY_INFO_64", psci_affinity_info,
	 true},
	{PSCI_MIGRATE_INFO_TYPE, "PSCI_MIGRATE_INFO_TYPE",
	 psci_migrate_info_type, true},
	{PSCI_SYSTEM_OFF, "PSCI_SYSTEM_OFF", psci_system_off, true},
	{PSCI_SYSTEM_RESET, "PSCI_SYSTEM_RESET", psci_system_reset, true},
	{PSCI_FEATURES, "PSCI_FEATURES", psci_features, true},
	{PSCI_SYSTEM_SUSPEND_32, "PSCI_SYSTEM_SUSPEND_32", NULL, false},
	{PSCI_SYSTEM_SUSPEND_64, "PSCI_SYSTEM_SUSPEND_64", NULL, false},
	{PSCI_SYSTEM_RESET2_32, "PSCI_SYSTEM_RESET2_32", psci_system_reset2,
	 true},
	{PSCI_SYSTEM_RESET2_64, "PSCI_SYSTEM_RESET2_64", psci_system_reset2,
	 true},
};

/* A service this platform does not have: a valid, documented answer. */
static void absent(struct psci *p, struct smc_call *call)
{
	(void)p;
	set_x0(call, SMCCC_RET_NOT_SUPPORTED);
	trace_event_set_summary(call->event, "-> NOT_SUPPORTED (absent)");
}

static const struct psci_fn_desc trng_table[] = {
	{TRNG_VERSION, "TRNG_VERSION", absent, false},
	{TRNG_FEATURES, "TRNG_FEATURES", absent, false},
	{TRNG_GET_UUID, "TRNG_GET_UUID", absent, false},
	{TRNG_RND_32, "TRNG_RND_32", absent, false},
	{TRNG_RND_64, "TRNG_RND_64", absent, false},
};

static void arch_version(struct psci *p, struct smc_call *call)
{
	set_x0(call, (int32_t)p->smccc_version);
	trace_event_set_summary(call->event, "-> SMCCC %u.%u",
				p->smccc_version >> 16,
				p->smccc_version & 0xffff);
}

static void arch_features(struct psci *p, struct smc_call *call);

static const struct psci_fn_desc arch_table[] = {
	{SMCCC_VERSION, "SMCCC_VERSION", arch_version, true},
	{SMCCC_ARCH_FEATURES, "SMCCC_ARCH_FEATURES", arch_features, true},
	{SMCCC_ARCH_SOC_ID, "SMCCC_ARCH_SOC_ID", absent, false},
	{SMCCC_ARCH_FEATURE_AVAILABILITY, "SMCCC_ARCH_FEATURE_AVAILABILITY",
	 absent, false},
	{SMCCC_ARCH_WORKAROUND_1, "SMCCC_ARCH_WORKAROUND_1", absent, false},
	{SMCCC_ARCH_WORKAROUND_2, "SMCCC_ARCH_WORKAROUND_2", absent, false},
	{SMCCC_ARCH_WORKAROUND_3, "SMCCC_ARCH_WORKAROUND_3", absent, false},
};

static const struct psci_fn_desc *find(const struct psci_fn_desc *table,
				       size_t n, uint32_t fid)
{
	for (size_t i = 0; i < n; i++) {
		if (table[i].fid == fid) {
			return &table[i];
		}
	}
	return NULL;
}

static const struct psci_fn_desc *find_any(uint32_t fid)
{
	const struct psci_fn_desc *d = find(psci_table, ARRAY_SIZE(psci_table),
					    fid);

	if (d == NULL) {
		d = find(trng_table, ARRAY_SIZE(trng_table), fid);
	}
	if (d == NULL) {
		d = find(arch_table, ARRAY_SIZE(arch_table), fid);
	}
	return d;
}

/*
 * PSCI_FEATURES (PSCI 1.1 section 5.1.13): 0 for an implemented PSCI
 * function and for SMCCC_VERSION (TF-A psci_features()), NOT_SUPPORTED
 * otherwise.
 */
static void psci_features(struct psci *p, struct smc_call *call)
{
	uint32_t fid = (uint32_t)call->in.x[1];
	const struct psci_fn_desc *d = find(psci_table, ARRAY_SIZE(psci_table),
					    fid);
	bool present = fid == SMCCC_VERSION ||
		       (d != NULL && d->handler != NULL && d->discoverable);

	(void)p;
	set_x0(call, present ? PSCI_RET_SUCCESS : PSCI_RET_NOT_SUPPORTED);
	trace_event_set_summary(call->event, "(0x%08x) -> %s", fid,
				present ? "supported" : "NOT_SUPPORTED");
}

/* SMCCC_ARCH_FEATURES (SMCCC 1.2 section 7.3). */
static void arch_features(struct psci *p, struct smc_call *call)
{
	uint32_t fid = (uint32_t)call->in.x[1];
	const struct psci_fn_desc *d = find(arch_table, ARRAY_SIZE(arch_table),
					    fid);
	bool present = d != NULL && d->handler != NULL && d->discoverable;

	(void)p;
	set_x0(call, present ? SMCCC_RET_SUCCESS : SMCCC_RET_NOT_SUPPORTED);
	trace_event_set_summary(call->event, "(0x%08x) -> %s", fid,
				present ? "supported" : "NOT_SUPPORTED");
}

void psci_init(struct psci *p, struct findings *findings)
{
	p->findings = findings;
	p->psci_version = PSCI_VERSION_1_1;
	p->smccc_version = SMCCC_VERSION_1_2;
	p->calls = 0;
	p->cpu_count = 1;
	p->caller = 0;
	for (unsigned i = 0; i < PSCI_MAX_CPUS; i++) {
		p->cpu_state[i] = PSCI_CPU_STATE_OFF;
	}
	p->cpu_state[0] = PSCI_CPU_STATE_ON;
	p->effect = (struct psci_effect){.kind = PSCI_EFFECT_NONE};
}

bool psci_set_cpu_count(struct psci *p, unsigned count)
{
	if (count == 0 || count > PSCI_MAX_CPUS) {
		return false;
	}
	p->cpu_count = count;
	return true;
}

void psci_set_caller(struct psci *p, unsigned cpu)
{
	p->caller = cpu < p->cpu_count ? cpu : 0;
}

struct psci_effect psci_take_effect(struct psci *p)
{
	struct psci_effect e = p->effect;

	p->effect = (struct psci_effect){.kind = PSCI_EFFECT_NONE};
	return e;
}

enum psci_cpu_state psci_cpu_state(const struct psci *p, unsigned cpu)
{
	return cpu < p->cpu_count ? p->cpu_state[cpu] : PSCI_CPU_STATE_OFF;
}

/*
 * Runs the table's handler.  Unknown IDs get SMC_UNK; rows without a
 * handler get NOT_SUPPORTED; both are recorded as not implemented by the
 * model, never as firmware errors.
 */
static void dispatch(struct psci *p, struct smc_call *call,
		     const struct psci_fn_desc *d)
{
	uint32_t fid = (uint32_t)call->in.x[0];

	p->calls++;
	if (d == NULL || d->handler == NULL) {
		call->out.x[0] = smc_ret_code(d == NULL ? SMC_UNK
						       : SMCCC_RET_NOT_SUPPORTED);
		call->disposition = SMC_DISP_UNIMPLEMENTED;
		if (d != NULL) {
			call->name = d->name;
		}
		findings_add(p->findings, FINDING_UNIMPLEMENTED,
			     "model.unimplemented-smc",
			     "%s (0x%08x) is not implemented by the model",
			     d != NULL ? d->name : "unknown function", fid);
		return;
	}
	call->name = d->name;
	d->handler(p, call);
}

void psci_handle(struct psci *p, struct smc_call *call)
{
	uint32_t fid = (uint32_t)call->in.x[0];
	const struct psci_fn_desc *d = find(psci_table, ARRAY_SIZE(psci_table),
					    fid);

	dispatch(p, call,
		 d != NULL ? d : find(trng_table, ARRAY_SIZE(trng_table), fid));
}

void psci_arch_handle(struct psci *p, struct smc_call *call)
{
	dispatch(p, call,
		 find(arch_table, ARRAY_SIZE(arch_table),
		      (uint32_t)call->in.x[0]));
}

const char *psci_function_name(uint32_t fid)
{
	const struct psci_fn_desc *d = find_any(fid);

	return d != NULL ? d->name : NULL;
}

bool psci_function_parse(const char *name, uint32_t *fid)
{
	static const struct {
		const struct psci_fn_desc *table;
		size_t count;
	} tables[] = {
		{psci_table, ARRAY_SIZE(psci_table)},
		{trng_table, ARRAY_SIZE(trng_table)},
		{arch_table, ARRAY_SIZE(arch_table)},
	};

	for (size_t t = 0; t < ARRAY_SIZE(tables); t++) {
		for (size_t i = 0; i < tables[t].count; i++) {
			if (strcmp(tables[t].table[i].name, name) == 0) {
				*fid = tables[t].table[i].fid;
				return true;
			}
		}
	}
	return false;
}
