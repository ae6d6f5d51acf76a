/*
 * The FF-A initialisation-order auditor: see ffa_order.h.
 */
#include "models/ffa_order.h"

#include <string.h>

#include "abi/ffa.h"
#include "abi/smccc.h"

#define EL_HOST 1
#define EL_HYPERVISOR 2

void ffa_order_init(struct ffa_order *o, struct findings *findings,
		    const char *hypervisor)
{
	memset(o, 0, sizeof(*o));
	o->findings = findings;
	o->hypervisor = hypervisor;
}

static bool is_ffa(uint32_t fid)
{
	return smccc_owner(fid) == SMCCC_OWNER_STD &&
	       smccc_func_num(fid) >= FFA_FUNC_FIRST &&
	       smccc_func_num(fid) <= FFA_FUNC_LAST;
}

static const char *detail =
	"A hypervisor at EL2 that proxies FF-A (pKVM) must negotiate "
	"FFA_VERSION before the host's first FF-A call: the host's earlier "
	"calls reach the SPMC directly, so the hypervisor learns neither "
	"the version nor the host's RX/TX buffers and refuses the host's "
	"later calls itself. Linux 6.12.43 and later with the arm_ffa "
	"driver built in run ffa_init() at the rootfs initcall level, "
	"before kvm_arm_init() (drivers/firmware/arm_ffa/driver.c).\n";

/* Known hypervisor: the host's first call is the fault. */
static void report_host_call(struct ffa_order *o, const struct smc_call *call)
{
	struct finding *fd = findings_add(
		o->findings, FINDING_FIRMWARE, "ffa.host-before-hypervisor",
		"%s from EL%u on CPU %u reached the SPMC before the "
		"hypervisor at EL2 (%s) negotiated FFA_VERSION: the host "
		"initialised FF-A before the hypervisor",
		call->name != NULL ? call->name : "an FF-A call",
		(unsigned)call->el, (unsigned)call->cpu, o->hypervisor);

	finding_set_detail(fd, detail);
	o->reported = true;
}

/* Inferred hypervisor: its negotiation comes after the host's calls. */
static void report_late_hypervisor(struct ffa_order *o,
				   const struct smc_call *call)
{
	const struct ffa_order_call *h = &o->host_first;
	struct finding *fd;

	if (h->seq != FINDING_NO_SEQ) {
		fd = findings_add(o->findings, FINDING_FIRMWARE,
				  "ffa.host-before-hypervisor",
				  "%s from EL%u on CPU %u (#%u) reached the "
				  "SPMC before the hypervisor at EL2 "
				  "negotiated FFA_VERSION (on CPU %u): the "
				  "host initialised FF-A before the "
				  "hypervisor",
				  h->name, (unsigned)h->el, (unsigned)h->cpu,
				  (unsigned)h->seq, (unsigned)call->cpu);
	} else {
		fd = findings_add(o->findings, FINDING_FIRMWARE,
				  "ffa.host-before-hypervisor",
				  "%s from EL%u on CPU %u reached the SPMC "
				  "before the hypervisor at EL2 negotiated "
				  "FFA_VERSION (on CPU %u): the host "
				  "initialised FF-A before the hypervisor",
				  h->name, (unsigned)h->el, (unsigned)h->cpu,
				  (unsigned)call->cpu);
	}
	finding_set_detail(fd, detail);
	o->reported = true;
}

static void host_call(struct ffa_order *o, const struct smc_call *call)
{
	struct ffa_order_call *h = &o->host_first;

	if (h->seen) {
		return;
	}
	*h = (struct ffa_order_call){
		.seen = true,
		.name = call->name != NULL ? call->name : "an FF-A call",
		.cpu = call->cpu,
		.el = call->el,
		.seq = call->event != NULL ? call->event->seq : FINDING_NO_SEQ,
	};
	if (o->hypervisor != NULL && !o->reported) {
		report_host_call(o, call);
	}
}

void ffa_order_observe(struct ffa_order *o, const struct smc_call *call)
{
	uint32_t fid = (uint32_t)call->in.x[0];

	/*
	 * A live hypervisor traps every host SMC, so any FF-A call from
	 * EL1 came before it (or the software at EL2 was a boot loader).
	 */
	if (call->el == EL_HOST && is_ffa(fid)) {
		host_call(o, call);
		return;
	}
	/* Its answer does not matter: a refusal is as late as a success. */
	if (call->el == EL_HYPERVISOR && fid == FFA_VERSION &&
	    o->host_first.seen && !o->reported) {
		report_late_hypervisor(o, call);
	}
}
