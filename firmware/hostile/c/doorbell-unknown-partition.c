/*
 * Direct requests to partitions that do not exist (0x8042, the caller's
 * own ID 0, 0x7fff), in the 32-bit, 64-bit and REQ2 forms, and one whose
 * sender is not the caller: each must get INVALID_PARAMETERS, and nothing
 * must reach the MM partition.  Findings: ffa.direct-req-unknown-partition,
 * ffa.direct-req-wrong-sender.
 */
#include "hostile.h"

void hostile_main(void);

static void refused(const char *what, uint32_t fid, uint64_t w1)
{
	struct smccc_regs r = smc(fid, w1, 0, 0, 0, 0, 0, 0);

	expect_eq(what, r.x[0], FFA_ERROR);
	expect_eq("INVALID_PARAMETERS", r.x[2],
		  (uint32_t)FFA_RET_INVALID_PARAMETERS);
}

void hostile_main(void)
{
	uint8_t payload[8] = {0};

	ffa_setup();
	mm_put(0, MM_VAR_HEADER_SIZE + sizeof(payload),
	       MM_VAR_FN_GET_PAYLOAD_SIZE, payload, sizeof(payload));
	refused("REQ_64 to 0x8042", FFA_MSG_SEND_DIRECT_REQ_64,
		ffa_endpoints(0, 0x8042));
	refused("REQ_64 to itself", FFA_MSG_SEND_DIRECT_REQ_64,
		ffa_endpoints(0, 0));
	refused("REQ_32 to 0x7fff", FFA_MSG_SEND_DIRECT_REQ_32,
		ffa_endpoints(0, 0x7fff));
	refused("REQ2 to 0x8042", FFA_MSG_SEND_DIRECT_REQ2,
		ffa_endpoints(0, 0x8042));
	refused("REQ_64 from 0x1234", FFA_MSG_SEND_DIRECT_REQ_64,
		ffa_endpoints(0x1234, MM_SP_ID));
	expect_eq("no doorbell reached the partition", mm_status(0), 0);
	power_off();
}
