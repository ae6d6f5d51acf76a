/*
 * The FF-A initialisation order on a machine whose hypervisor at EL2
 * proxies FF-A for the host at EL1 (pKVM: Linux arch/arm64/kvm/hyp/nvhe/
 * ffa.c).  The hypervisor must negotiate FFA_VERSION with the SPMC before
 * the host makes any FF-A call: once it is up it traps every host SMC,
 * but calls the host made before that reached the SPMC directly, and the
 * hypervisor never learns the version or the RX/TX buffers they set up
 * (it answers the host's later calls INVALID_PARAMETERS itself).  Linux
 * 6.12.43 and later hit this with the arm_ffa driver built in: ffa_init()
 * is a rootfs_initcall, which runs before KVM's device_initcall
 * (drivers/firmware/arm_ffa/driver.c, arch/arm64/kvm/arm.c).
 *
 * The auditor reads the SMC stream alone, with each caller's EL.  A live
 * hypervisor traps every host SMC and makes its own from EL2, so an FF-A
 * call that arrives from EL1 was made before the hypervisor came up (an
 * FF-A user at EL2 before that, such as U-Boot, was a boot loader that
 * has handed over, and its negotiation does not count).  Finding
 * ffa.host-before-hypervisor (firmware broke a rule), once a run:
 *   - at the host's first FF-A call from EL1 when the run knows that a
 *     hypervisor runs at EL2 (`hypervisor` names it: pKVM with
 *     kvm-arm.mode=protected);
 *   - otherwise at an FFA_VERSION from EL2 after FF-A calls from EL1: the
 *     stream itself shows a hypervisor negotiating too late (answered or
 *     refused alike).
 * Without a hypervisor nothing is found: FF-A from EL1 is then direct.
 */
#ifndef MODELS_FFA_ORDER_H
#define MODELS_FFA_ORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "common/finding.h"
#include "models/smc_call.h"

/* The host's first FF-A call from EL1. */
struct ffa_order_call {
	bool seen;
	const char *name; /* static */
	uint32_t cpu;
	uint8_t el;
	uint32_t seq; /* trace event, FINDING_NO_SEQ if none */
};

struct ffa_order {
	struct findings *findings;
	const char *hypervisor; /* known up front, or NULL */
	struct ffa_order_call host_first;
	bool reported;
};

/* hypervisor: what runs at EL2 if the run knows (NULL: infer it). */
void ffa_order_init(struct ffa_order *o, struct findings *findings,
		    const char *hypervisor);
/* One answered SMC (call->el 0: the EL is not known and it is ignored). */
void ffa_order_observe(struct ffa_order *o, const struct smc_call *call);

#endif /* MODELS_FFA_ORDER_H */
