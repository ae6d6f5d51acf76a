/*
 * PSCI 1.1 and the SMCCC 1.2 Arm architecture service, as U-Boot and Linux
 * probe them, for a machine with one CPU (the Unicorn machine) or up to
 * PSCI_MAX_CPUS (the QEMU backend: psci_set_cpu_count()).
 *
 * Serves: standard service function numbers 0x00..0x1f (PSCI) and
 * 0x50..0x5f (TRNG, absent: NOT_SUPPORTED by design), and the Arm
 * architecture service (owner 0).
 * Not modelled: CPU_SUSPEND, SYSTEM_SUSPEND, CPU_OFF (handler NULL: the
 * call is answered NOT_SUPPORTED and recorded as not implemented); SMCCC
 * workarounds and SOC_ID are answered as absent (NOT_SUPPORTED), which is a
 * valid firmware configuration, not a gap.
 */
#ifndef MODELS_PSCI_H
#define MODELS_PSCI_H

#include <stdbool.h>
#include <stdint.h>

#include "common/finding.h"
#include "models/smc_call.h"

#define PSCI_MAX_CPUS 8u

/* A CPU's power state (PSCI 1.1 section 5.7, AFFINITY_INFO). */
enum psci_cpu_state {
	PSCI_CPU_STATE_OFF = 0, /* never started, or after CPU_OFF */
	PSCI_CPU_STATE_ON = 1,  /* running: CPU 0 from reset, others after CPU_ON */
};

/*
 * What a call asked of a CPU other than returning, for the backend to
 * carry out: start `cpu` at `entry` with x0 = `context` (CPU_ON), or stop
 * the calling CPU (CPU_OFF).  Taken once with psci_take_effect().
 */
enum psci_effect_kind {
	PSCI_EFFECT_NONE = 0,
	PSCI_EFFECT_CPU_ON,
	PSCI_EFFECT_CPU_OFF,
};

struct psci_effect {
	enum psci_effect_kind kind;
	unsigned cpu; /* CPU_ON: the target; CPU_OFF: the caller */
	uint64_t entry;
	uint64_t context;
};

struct psci {
	struct findings *findings;
	uint32_t psci_version;
	uint32_t smccc_version;
	uint64_t calls;
	unsigned cpu_count; /* CPUs of the machine, 1..PSCI_MAX_CPUS */
	unsigned caller;    /* index of the CPU making the current call */
	enum psci_cpu_state cpu_state[PSCI_MAX_CPUS];
	struct psci_effect effect;
};

/* One CPU, CPU 0, on. */
void psci_init(struct psci *p, struct findings *findings);
/*
 * Gives the machine `count` CPUs (1..PSCI_MAX_CPUS), CPU 0 on and the
 * others off; CPU index = MPIDR Aff0, as on QEMU's virt machine with up to
 * 16 CPUs per cluster (hw/arm/virt.c `virt_cpu_mp_affinity()`).  With more
 * than one CPU, CPU_OFF is implemented.  False if count is out of range.
 */
bool psci_set_cpu_count(struct psci *p, unsigned count);
/* The CPU that makes the next call (0 on a one-CPU machine). */
void psci_set_caller(struct psci *p, unsigned cpu);
/* The effect of the last call, cleared; kind NONE if there was none. */
struct psci_effect psci_take_effect(struct psci *p);
/* AFFINITY_INFO's view of a CPU (for reports and tests). */
enum psci_cpu_state psci_cpu_state(const struct psci *p, unsigned cpu);
/* PSCI and TRNG: the standard-service IDs that are not FF-A. */
void psci_handle(struct psci *p, struct smc_call *call);
/* The Arm architecture service (owner 0). */
void psci_arch_handle(struct psci *p, struct smc_call *call);
/* Name of a PSCI/TRNG/architecture function ID, or NULL. */
const char *psci_function_name(uint32_t fid);
/* The function ID of such a name ("PSCI_SYSTEM_OFF"). */
bool psci_function_parse(const char *name, uint32_t *fid);

#endif /* MODELS_PSCI_H */
