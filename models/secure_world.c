/*
 * The secure world's owner: builds every model from one configuration,
 * wires the lifecycle to the models that read it, and is the one entry a
 * backend calls.  See secure_world.h.
 */
#include "models/secure_world.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abi/ffa.h"
#include "common/text.h"
#include "models/mm_sp.h"
#include "models/optee.h"
#include "models/psci.h"
#include "models/smc_router.h"
#include "models/varstore_file.h"

struct secure_world {
	struct secure_world_config cfg;
	struct trace *trace;
	struct findings *findings;
	struct lifecycle lifecycle;
	struct injector inject;
	struct psci psci;
	struct spmc spmc;
	struct agent agent;
	struct ffa_order order;
	struct varstore *store;
	struct mm_sp *mm[SPMC_MAX_PARTITIONS];
	struct optee *optee;    /* platforms with OP-TEE, else NULL */
	struct mm_sp *optee_mm; /* its own partition when the SPMC has none */
	struct smc_router router;
	struct sw_observer observer;
};

void secure_world_config_default(struct secure_world_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	spmc_config_default(&cfg->spmc);
	varstore_config_default(&cfg->store);
}

/*
 * Every phase change is a trace event of its own, so that a report shows
 * when and why the rules changed (listener added first: it is traced
 * before any auditor's finding).
 */
static void trace_phase(void *ctx, enum lifecycle_phase from,
			enum lifecycle_phase to, enum lifecycle_evidence why)
{
	struct secure_world *w = ctx;
	struct trace_event *ev = trace_append(w->trace, TRACE_PHASE);

	ev->phase_from = lifecycle_phase_name(from);
	ev->phase_to = lifecycle_phase_name(to);
	ev->evidence = lifecycle_evidence_name(why);
	trace_event_set_summary(ev, "phase %s -> %s (%s)", ev->phase_from,
				ev->phase_to, ev->evidence);
}

static bool load_store(struct secure_world *w, struct error *err)
{
	const struct secure_world_config *cfg = &w->cfg;

	w->store = varstore_new(&cfg->store);
	if (cfg->preload_file != NULL &&
	    !varstore_load_preload(w->store, cfg->preload_file, err)) {
		return false;
	}
	return cfg->store_file == NULL || access(cfg->store_file, F_OK) != 0 ||
	       varstore_load(w->store, cfg->store_file, err);
}

/*
 * OP-TEE's StMM pseudo-TA is answered by the SPMC's MM partition when
 * there is one, else by a partition of its own: one store either way.
 */
static void add_optee(struct secure_world *w, const struct mm_sp_config *mmc,
		      const struct guest_mem *secure)
{
	struct optee_config oc;
	struct mm_sp *mm = NULL;

	for (size_t i = 0; i < SPMC_MAX_PARTITIONS && mm == NULL; i++) {
		mm = w->mm[i];
	}
	if (mm == NULL) {
		w->optee_mm = mm_sp_new(mmc, w->store, secure, w->findings,
					&w->inject);
		mm = w->optee_mm;
	}
	optee_config_default(&oc);
	w->optee = optee_new(&oc, secure, w->findings, &w->inject, mm);
	/* The released audit at the return of ExitBootServices. */
	optee_set_lifecycle(w->optee, &w->lifecycle);
	lifecycle_listen(&w->lifecycle, optee_phase_changed, w->optee);
}

struct secure_world *secure_world_new(const struct secure_world_config *cfg,
				      const struct secure_world_ports *ports,
				      struct trace *trace,
				      struct findings *findings,
				      struct error *err)
{
	struct secure_world *w = xcalloc(1, sizeof(*w));
	struct mm_sp_config mmc = {
		.buf_addr = cfg->mm_buf_addr,
		.buf_size = cfg->mm_buf_size,
		.lifecycle = &w->lifecycle,
	};

	w->cfg = *cfg;
	w->trace = trace;
	w->findings = findings;
	lifecycle_init(&w->lifecycle);
	lifecycle_listen(&w->lifecycle, trace_phase, w);
	inject_init(&w->inject);
	w->inject.lifecycle = &w->lifecycle;
	psci_init(&w->psci, findings);
	if (cfg->cpus > 1 && !psci_set_cpu_count(&w->psci, cfg->cpus)) {
		error_setf(err, "%u CPUs: PSCI models 1..%u", cfg->cpus,
			   PSCI_MAX_CPUS);
		secure_world_free(w);
		return NULL;
	}
	spmc_init(&w->spmc, &cfg->spmc, ports->secure, findings, &w->inject);
	lifecycle_listen(&w->lifecycle, spmc_phase_changed, &w->spmc);
	agent_init(&w->agent, ports->cpu, findings);
	ffa_order_init(&w->order, findings, cfg->hypervisor);
	if (!load_store(w, err)) {
		secure_world_free(w);
		return NULL;
	}
	for (size_t i = 0; i < cfg->spmc.partition_count; i++) {
		if (cfg->spmc.partitions[i].model != SP_MODEL_MM_VARIABLE) {
			continue;
		}
		w->mm[i] = mm_sp_new(&mmc, w->store, ports->secure, findings,
				     &w->inject);
		spmc_attach_mm(&w->spmc, i, w->mm[i]);
	}
	if (cfg->optee) {
		add_optee(w, &mmc, ports->secure);
	}
	w->router = (struct smc_router){
		.psci = &w->psci,
		.spmc = &w->spmc,
		.agent = &w->agent,
		.optee = w->optee,
		.order = &w->order,
		.trace = trace,
		.findings = findings,
	};
	return w;
}

void secure_world_free(struct secure_world *w)
{
	if (w == NULL) {
		return;
	}
	for (size_t i = 0; i < SPMC_MAX_PARTITIONS; i++) {
		mm_sp_free(w->mm[i]);
	}
	optee_free(w->optee);
	mm_sp_free(w->optee_mm);
	spmc_free(&w->spmc);
	agent_free(&w->agent);
	if (w->store != NULL) {
		varstore_free(w->store);
	}
	free(w);
}

/*
 * True for an FF-A call whose answer may use x8..x17: the v1.2 ABIs with
 * results beyond x7 (DIRECT_REQ2 answered by DIRECT_RESP2,
 * PARTITION_INFO_GET_REGS).
 */
static bool ffa_results_beyond_x7(uint32_t fid)
{
	return fid == FFA_MSG_SEND_DIRECT_REQ2 ||
	       fid == FFA_PARTITION_INFO_GET_REGS;
}

static bool is_ffa_fid(uint32_t fid)
{
	uint32_t func = fid & 0xffffu;

	return (fid & 0xbfff0000u) == 0x84000000u && func >= FFA_FUNC_FIRST &&
	       func <= FFA_FUNC_LAST;
}

/* Documented in models/secure_world.h. */
enum smc_action secure_world_call(void *world, const struct sw_caller *caller,
				  const struct smccc_regs *in, uint64_t pc,
				  uint64_t lr, uint64_t insns,
				  struct smccc_regs *out)
{
	struct secure_world *w = world;
	uint32_t fid = (uint32_t)in->x[0];
	enum smc_action action;

	if (caller != NULL) {
		psci_set_caller(&w->psci, caller->cpu);
	}
	action = smc_router_dispatch(&w->router, caller, in, pc, lr, insns, out);
	/*
	 * SMCCC v1.2: registers that hold no result are preserved.  The models
	 * build answers as compound literals (x8..x17 zero), and a caller may
	 * keep live values there across the SMC: pKVM 6.12 issues its FF-A
	 * calls with arm_smccc_1_1_smc(), which tells the compiler that
	 * x4..x17 survive, and faults on a zeroed x9 after its hypervisor
	 * retrieve request (fixed upstream by "KVM: arm64: Use SMCCC 1.2 for
	 * FF-A initialization and in host handler").  FF-A results end at x7
	 * except for the v1.2 ABIs above; x4..x7 are results or MBZ per ABI.
	 */
	if (is_ffa_fid(fid) && !ffa_results_beyond_x7(fid)) {
		for (unsigned i = 8; i < SMCCC_REG_COUNT; i++) {
			out->x[i] = in->x[i];
		}
	}
	return action;
}

struct psci_effect secure_world_psci_effect(struct secure_world *w)
{
	return psci_take_effect(&w->psci);
}

void secure_world_observe(struct secure_world *w,
			  const struct sw_observer *obs)
{
	w->observer = *obs;
	spmc_observe(&w->spmc, &w->observer);
}

struct lifecycle *secure_world_lifecycle(struct secure_world *w)
{
	return &w->lifecycle;
}

struct injector *secure_world_injector(struct secure_world *w)
{
	return &w->inject;
}

struct agent *secure_world_agent(struct secure_world *w)
{
	return &w->agent;
}

struct varstore *secure_world_store(struct secure_world *w)
{
	return w->store;
}

const struct spmc *secure_world_spmc(const struct secure_world *w)
{
	return &w->spmc;
}

uint64_t secure_world_smc_count(const struct secure_world *w)
{
	return w->router.count;
}

uint64_t secure_world_mm_doorbells(const struct secure_world *w)
{
	uint64_t n = 0;

	for (size_t i = 0; i < SPMC_MAX_PARTITIONS; i++) {
		if (w->mm[i] != NULL) {
			n += mm_sp_doorbells(w->mm[i]);
		}
	}
	return n;
}

void secure_world_end_run(struct secure_world *w)
{
	/* No SMC and no instruction: the end of the run is the context. */
	findings_set_context(w->findings, FINDING_NO_SEQ, 0);
	if (w->optee != NULL) {
		optee_audit_end_of_run(w->optee);
	}
}

bool secure_world_save_store(struct secure_world *w, struct error *err)
{
	if (w->cfg.store_file == NULL || w->store == NULL) {
		return true;
	}
	return varstore_save(w->store, w->cfg.store_file, err);
}
