/*
 * The SMC trap router: function IDs are routed by SMCCC owner and function
 * range (one table, smc.c) to the models, every SMC becomes a trace event
 * (within the limits below), and an unknown ID gets SMC_UNK and a "not
 * implemented by the model" finding, never a firmware finding.
 */
#ifndef MODELS_SMC_ROUTER_H
#define MODELS_SMC_ROUTER_H

#include <stdint.h>

#include "common/finding.h"
#include "common/trace.h"
#include "models/agent.h"
#include "models/ffa_order.h"
#include "models/optee.h"
#include "models/psci.h"
#include "models/secure_port.h"
#include "models/smc_call.h"
#include "models/spmc.h"

/*
 * What one run's trace keeps, so that firmware making SMCs in a loop (an
 * SMC storm) can exhaust neither the host's memory nor the disk with its
 * report.  Once the trace holds SMC_TRACE_MAX_EVENTS events, SMCs are still
 * answered, checked and counted, but traced only when they end or pause
 * the run (power off, reset, the agent waiting for its next step); a note
 * event marks the place.  Once traced doorbells hold SMC_TRACE_MAX_BYTES
 * of MM request and reply bytes, later ones keep their decoded fields but
 * not their bytes.
 */
#define SMC_TRACE_MAX_EVENTS 20000u
#define SMC_TRACE_MAX_BYTES (16u << 20)

struct smc_router {
	struct psci *psci;
	struct spmc *spmc;
	struct agent *agent;
	struct optee *optee; /* NULL: the trusted-OS range is unknown */
	struct ffa_order *order; /* the init-order auditor, or NULL */
	struct trace *trace;
	struct findings *findings;
	uint64_t count;
	uint64_t untraced;    /* SMCs answered past SMC_TRACE_MAX_EVENTS */
	uint64_t trace_bytes; /* MM bytes kept in the trace */
};

/*
 * Handles one SMC from caller (NULL: CPU 0, EL not known): in = x0..x17 at the trap, pc = the SMC instruction,
 * lr = x30 at the trap, insns = instructions executed so far.  *out receives x0..x17 to write
 * back.  Returns what the run should do next.
 */
enum smc_action smc_router_dispatch(struct smc_router *r,
				    const struct sw_caller *caller,
				    const struct smccc_regs *in, uint64_t pc,
				    uint64_t lr, uint64_t insns,
				    struct smccc_regs *out);
/* Name of any function ID the harness knows, or NULL. */
const char *smc_function_name(uint32_t fid);
/* The function ID of a name smc_function_name() gives, or a number. */
bool smc_function_parse(const char *name, uint32_t *fid);

#endif /* MODELS_SMC_ROUTER_H */
