/*
 * The secure world as one owner: the SMC router, PSCI, the FF-A SPMC with
 * its partitions, the MM partitions and their variable store, the agent
 * service, the fault injector, the lifecycle and the auditors that read it
 * (among them the FF-A init order, models/ffa_order.h).
 * harness/session.c builds one from a configuration; any machine backend
 * drives it through secure_world_call() (models/secure_port.h) and reads
 * guest memory through the ports it gave.  Nothing outside models/ needs
 * to know an FF-A, MM or PSCI function ID.
 */
#ifndef MODELS_SECURE_WORLD_H
#define MODELS_SECURE_WORLD_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "common/finding.h"
#include "common/trace.h"
#include "models/agent.h"
#include "models/guest_mem.h"
#include "models/inject.h"
#include "models/lifecycle.h"
#include "models/psci.h"
#include "models/secure_port.h"
#include "models/spmc.h"
#include "models/varstore.h"

struct secure_world_config {
	struct spmc_config spmc;
	struct varstore_config store;
	uint64_t mm_buf_addr;     /* the MM partitions' shared buffer */
	uint64_t mm_buf_size;
	const char *store_file;   /* NV variables persist here (may be NULL) */
	const char *preload_file; /* initial variables (may be NULL) */
	bool optee;               /* an OP-TEE with the StMM pseudo-TA */
	unsigned cpus;            /* cores PSCI manages (0: one) */
	/* A hypervisor at EL2 that proxies FF-A, when the run knows of one
	 * (models/ffa_order.h; static text, NULL if none is known). */
	const char *hypervisor;
};

void secure_world_config_default(struct secure_world_config *cfg);

struct secure_world_ports {
	/* Memory as the secure side sees it (the point of coherency). */
	const struct guest_mem *secure;
	/* Memory as the CPU sees it (the agent's mailbox: a test fixture). */
	const struct guest_mem *cpu;
};

struct secure_world;

/* trace and findings are the run's; they must outlive the world. */
struct secure_world *secure_world_new(const struct secure_world_config *cfg,
				      const struct secure_world_ports *ports,
				      struct trace *trace,
				      struct findings *findings,
				      struct error *err);
void secure_world_free(struct secure_world *w);

/* A secure_call_fn: world is the struct secure_world. */
enum smc_action secure_world_call(void *world, const struct sw_caller *caller,
				  const struct smccc_regs *in, uint64_t pc,
				  uint64_t lr, uint64_t insns,
				  struct smccc_regs *out);
/*
 * What the last call asked of the other CPUs (PSCI CPU_ON/CPU_OFF), for a
 * backend with several cores; taking it clears it.
 */
struct psci_effect secure_world_psci_effect(struct secure_world *w);
/* Where doorbells are announced (the backend's cache model). */
void secure_world_observe(struct secure_world *w,
			  const struct sw_observer *obs);

struct lifecycle *secure_world_lifecycle(struct secure_world *w);
struct injector *secure_world_injector(struct secure_world *w);
struct agent *secure_world_agent(struct secure_world *w);
/* The store every MM partition serves (NULL if none is configured). */
struct varstore *secure_world_store(struct secure_world *w);
/* Read-only views for reports and tests. */
const struct spmc *secure_world_spmc(const struct secure_world *w);
uint64_t secure_world_smc_count(const struct secure_world *w);
/* Doorbells the MM partitions served, all partitions together. */
uint64_t secure_world_mm_doorbells(const struct secure_world *w);
/*
 * A run ended with the firmware at rest (power off, reset, waiting for
 * input): the audits that wait for the end (OP-TEE: what the boot
 * firmware opened and never released, models/optee.h).  Not after a
 * fault, a hang or a budget: a call cut short proves nothing.
 */
void secure_world_end_run(struct secure_world *w);
/* Writes the store file, if one is configured. */
bool secure_world_save_store(struct secure_world *w, struct error *err);

#endif /* MODELS_SECURE_WORLD_H */
