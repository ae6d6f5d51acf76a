/*
 * Well-formed doorbells in a loop, each with a message that fills the
 * whole 16 KiB buffer: nothing is wrong, so the verdict is pass, but the
 * requests and replies are far more bytes than the trace keeps
 * (SMC_TRACE_MAX_BYTES in models/smc_router.h).  The harness must stay bounded
 * and still answer each one.  No finding.
 */
#include "hostile.h"

void hostile_main(void);

#define DOORBELLS 5000u

void hostile_main(void)
{
	uint8_t payload[8] = {0};
	uint64_t ok = 0;

	ffa_setup();
	for (unsigned i = 0; i < DOORBELLS; i++) {
		struct smccc_regs r;

		/* The reply shortened MessageLength: write it again. */
		mm_put(0, SHARED_SIZE - MM_COMM_HEADER_SIZE,
		       MM_VAR_FN_GET_PAYLOAD_SIZE, payload, sizeof(payload));
		r = mm_doorbell(0);
		ok += r.x[3] == MM_RET_SUCCESS && mm_status(0) == EFI_SUCCESS;
	}
	expect_eq("every doorbell answered", ok, DOORBELLS);
	power_off();
}
