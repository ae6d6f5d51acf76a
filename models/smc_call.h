/*
 * One SMC as the models see it: the registers in, the registers out, who
 * called, and what the call should do to the run.  The router
 * (models/smc_router.c) fills `in`, copies it to `out` (so that registers a
 * service does not define are preserved, as SMCCC 1.1+ requires for
 * x4..x17), picks the service and records the result in the trace.
 */
#ifndef MODELS_SMC_CALL_H
#define MODELS_SMC_CALL_H

#include <stdint.h>

#include "abi/smccc.h"
#include "common/trace.h"

enum smc_action {
	SMC_ACTION_RETURN,     /* write `out` back and go on */
	SMC_ACTION_POWER_OFF,  /* PSCI SYSTEM_OFF: the run ends cleanly */
	SMC_ACTION_RESET,      /* PSCI SYSTEM_RESET(2): the run ends cleanly */
	SMC_ACTION_AGENT_WAIT, /* the agent waits for its next step */
	SMC_ACTION_AGENT_PANIC /* the agent reports an exception */
};

struct smc_call {
	struct smccc_regs in;
	struct smccc_regs out;
	uint64_t pc;   /* address of the SMC instruction */
	uint32_t cpu;  /* the caller's core */
	uint8_t el;    /* the caller's exception level, 0 if not known */
	const char *name;
	enum smc_disposition disposition;
	enum smc_action action;
	struct trace_event *event; /* NULL when not traced (unit tests) */
};

/* Sign-extends a 32-bit return code into a 64-bit register. */
static inline uint64_t smc_ret_code(int32_t code)
{
	return (uint64_t)(int64_t)code;
}

#endif /* MODELS_SMC_CALL_H */
