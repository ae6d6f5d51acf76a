/*
 * A request whose MessageLength runs past the end of the shared buffer,
 * by one byte from offset 0 and from an offset inside the buffer: the
 * partition must refuse it (MM_INVALID_PARAMETER) without reading or
 * writing past the buffer.  Finding: mm.message-length-exceeds-buffer.
 */
#include "hostile.h"

void hostile_main(void);

void hostile_main(void)
{
	static const uint64_t offsets[] = {0, 0x1000, SHARED_SIZE - 64};
	uint8_t payload[40] = {0};

	ffa_setup();
	for (unsigned i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		uint64_t room = SHARED_SIZE - offsets[i] - MM_COMM_HEADER_SIZE;
		struct smccc_regs r;

		mm_put(offsets[i], room + 1, MM_VAR_FN_GET_VARIABLE, payload,
		       sizeof(payload));
		r = mm_doorbell(offsets[i]);
		expect_eq("direct response", r.x[0],
			  FFA_MSG_SEND_DIRECT_RESP_64);
		expect_eq("MM_INVALID_PARAMETER", r.x[3],
			  (uint64_t)(int64_t)MM_RET_INVALID_PARAMETER);
	}
	power_off();
}
