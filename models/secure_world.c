/*
 * The secure world's owner: builds every model from one configuration,
 * wires the lifecycle to the models that read it, and is the one entry a
 * backend calls.  See secure_world.h.
 */
#include "models/secure_world.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/text.h"
#include "models/mm_sp.h"
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
	struct varstore *store;
	struct mm_sp *mm[SPMC_MAX_PARTITIONS];
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
	spmc_init(&w->spmc, &cfg->spmc, ports->secure, findings, &w->inject);
	lifecycle_listen(&w->lifecycle, spmc_phase_changed, &w->spmc);
	agent_init(&w->agent, ports->cpu, findings);
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
	w->router = (struct smc_router){
		.psci = &w->psci,
		.spmc = &w->spmc,
		.agent = &w->agent,
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
	spmc_free(&w->spmc);
	agent_free(&w->agent);
	if (w->store != NULL) {
		varstore_free(w->store);
	}
	free(w);
}

enum smc_action secure_world_call(void *world, const struct sw_caller *caller,
				  const struct smccc_regs *in, uint64_t pc,
				  uint64_t lr, uint64_t insns,
				  struct smccc_regs *out)
{
	struct secure_world *w = world;

	return smc_router_dispatch(&w->router, caller, in, pc, lr, insns, out);
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

bool secure_world_save_store(struct secure_world *w, struct error *err)
{
	if (w->cfg.store_file == NULL || w->store == NULL) {
		return true;
	}
	return varstore_save(w->store, w->cfg.store_file, err);
}
