/*
 * MessageLengths near 2^64, where 24 + MessageLength or offset +
 * MessageLength wraps around: every one must be refused as running past
 * the buffer.  Finding: mm.message-length-exceeds-buffer.
 */
#include "hostile.h"

void hostile_main(void);

void hostile_main(void)
{
	static const uint64_t lengths[] = {
		UINT64_MAX,
		UINT64_MAX - 23, /* 24 + length == 0 */
		UINT64_MAX - 15,
		UINT64_C(1) << 63,
		UINT64_MAX - SHARED_SIZE + 1,
	};
	uint8_t payload[40] = {0};

	ffa_setup();
	for (unsigned i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		struct smccc_regs r;

		mm_put(0x100, lengths[i], MM_VAR_FN_SET_VARIABLE, payload,
		       sizeof(payload));
		r = mm_doorbell(0x100);
		expect_eq("MM_INVALID_PARAMETER", r.x[3],
			  (uint64_t)(int64_t)MM_RET_INVALID_PARAMETER);
	}
	power_off();
}
