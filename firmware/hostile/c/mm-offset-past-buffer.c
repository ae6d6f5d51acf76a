/*
 * Direct requests whose x3 offset leaves no room for the 24-byte header:
 * at the end of the buffer, 8 bytes before it, far past it, and near 2^64
 * (where offset + 24 wraps around).  Finding: mm.offset-outside-buffer.
 */
#include "hostile.h"

void hostile_main(void);

void hostile_main(void)
{
	static const uint64_t offsets[] = {
		SHARED_SIZE,
		SHARED_SIZE - 8,
		UINT64_C(0x100000),
		UINT64_MAX - 8,
	};
	uint8_t payload[8] = {0};

	ffa_setup();
	/* A valid request at 0, so that only the offsets are wrong. */
	mm_put(0, MM_VAR_HEADER_SIZE + sizeof(payload),
	       MM_VAR_FN_GET_PAYLOAD_SIZE, payload, sizeof(payload));
	for (unsigned i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		struct smccc_regs r = mm_doorbell(offsets[i]);

		expect_eq("direct response", r.x[0],
			  FFA_MSG_SEND_DIRECT_RESP_64);
		expect_eq("MM_INVALID_PARAMETER", r.x[3],
			  (uint64_t)(int64_t)MM_RET_INVALID_PARAMETER);
	}
	power_off();
}
