/*
 * The harness side of the agent protocol (include/abi/agent.h,
 * docs/agent-protocol.md): the OEM-range SMCs by which an agent inside the
 * firmware announces itself, asks for its next scenario step and reports
 * results.  AGENT_FID_NEXT pauses the run (SMC_ACTION_AGENT_WAIT) until the
 * runner calls agent_give_step(); AGENT_FID_REPORT stores the result for
 * agent_take_result().  The mailbox is read and written through the CPU's
 * view of memory: the agent is a test fixture, not firmware under test, so
 * its traffic is not subject to the cache checks.
 */
#ifndef MODELS_AGENT_H
#define MODELS_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/agent.h"
#include "common/error.h"
#include "common/finding.h"
#include "models/guest_mem.h"
#include "models/smc_call.h"

#define AGENT_MAX_MAILBOX (1u << 20)

struct agent {
	const struct guest_mem *mem;
	struct findings *findings;
	bool hello;
	uint32_t kind;
	uint64_t mailbox;
	uint64_t mailbox_size;
	uint64_t image_base;
	uint64_t image_size;
	bool waiting;
	bool have_result;
	struct agent_result result;
	uint8_t *payload;
	size_t payload_len;
	bool panicked;
	uint64_t panic_esr, panic_elr, panic_far, panic_vector;
	uint64_t steps;
};

void agent_init(struct agent *a, const struct guest_mem *mem,
		struct findings *findings);
void agent_free(struct agent *a);
void agent_handle(struct agent *a, struct smc_call *call);
/*
 * Writes the step (and its payload: name, then data) into the mailbox and
 * sets x0/x1 of regs to what AGENT_FID_NEXT returns.  The agent must be
 * waiting.
 */
bool agent_give_step(struct agent *a, const struct agent_step *step,
		     const void *payload, size_t payload_len,
		     struct smccc_regs *regs, struct error *err);
/* The last report, if any; payload stays owned by the agent. */
bool agent_take_result(struct agent *a, struct agent_result *out,
		       const uint8_t **payload, size_t *payload_len);
const char *agent_function_name(uint32_t fid);
const char *agent_op_name(uint32_t op);
bool agent_op_parse(const char *s, uint32_t *out);

#endif /* MODELS_AGENT_H */
