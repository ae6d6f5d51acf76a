/*
 * PSCI 1.1 and the SMCCC 1.2 Arm architecture service, as U-Boot and Linux
 * probe them, for a machine with one CPU.
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

struct psci {
	struct findings *findings;
	uint32_t psci_version;
	uint32_t smccc_version;
	uint64_t calls;
};

void psci_init(struct psci *p, struct findings *findings);
/* PSCI and TRNG: the standard-service IDs that are not FF-A. */
void psci_handle(struct psci *p, struct smc_call *call);
/* The Arm architecture service (owner 0). */
void psci_arch_handle(struct psci *p, struct smc_call *call);
/* Name of a PSCI/TRNG/architecture function ID, or NULL. */
const char *psci_function_name(uint32_t fid);
/* The function ID of such a name ("PSCI_SYSTEM_OFF"). */
bool psci_function_parse(const char *name, uint32_t *fid);

#endif /* MODELS_PSCI_H */
