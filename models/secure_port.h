/*
 * What a machine backend and the secure world say to each other, and no
 * more: the backend hands over each SMC with who made it, and the secure
 * world tells the backend when a doorbell begins and ends.  Nothing here
 * names an FF-A, MM or PSCI function: a backend never decodes them.
 */
#ifndef MODELS_SECURE_PORT_H
#define MODELS_SECURE_PORT_H

#include <stdint.h>

#include "abi/smccc.h"
#include "models/smc_call.h"

/* Who made a secure call. */
struct sw_caller {
	uint32_t cpu; /* linear index of the calling core */
	uint8_t el;   /* exception level of the caller: 1 or 2 */
};

/*
 * A backend's entry into the secure world: one SMC, in = x0..x17 at the
 * trap, pc = the SMC instruction, lr = x30, insns = instructions executed
 * so far (0 where the backend cannot count).  *out receives x0..x17.
 */
typedef enum smc_action secure_call_fn(void *world,
				       const struct sw_caller *caller,
				       const struct smccc_regs *in,
				       uint64_t pc, uint64_t lr,
				       uint64_t insns,
				       struct smccc_regs *out);

enum sw_doorbell_edge {
	SW_DOORBELL_BEGIN, /* before the partition reads the buffer */
	SW_DOORBELL_END,   /* after it wrote its reply */
};

/* The buffer a doorbell hands over (size 0: registers only). */
struct sw_doorbell {
	uint16_t partition;
	uint64_t buf_addr;
	uint64_t buf_size;
};

/* Callbacks from the secure world to the backend; any may be NULL. */
struct sw_observer {
	void (*doorbell)(void *ctx, enum sw_doorbell_edge edge,
			 const struct sw_doorbell *d);
	void *ctx;
};

#endif /* MODELS_SECURE_PORT_H */
