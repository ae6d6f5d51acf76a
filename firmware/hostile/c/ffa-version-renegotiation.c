/*
 * FFA_VERSION asked again: another version while still negotiating (fine),
 * another after an FF-A call fixed it (NOT_SUPPORTED), with bit 31 set
 * (NOT_SUPPORTED), an incompatible major version (NOT_SUPPORTED, not a
 * bug) and the negotiated one again (fine); then a v1.1 ABI at the
 * negotiated v1.0.  Findings: ffa.version-changed-after-negotiation,
 * ffa.version-mbz, ffa.abi-newer-than-negotiated.
 */
#include "hostile.h"

void hostile_main(void);

#define NOT_SUPPORTED ((uint64_t)(int64_t)FFA_RET_NOT_SUPPORTED)

void hostile_main(void)
{
	struct smccc_regs r;

	r = smc(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);
	expect_eq("FFA_VERSION 1.2", r.x[0], FFA_VERSION_1_2);
	r = smc(FFA_VERSION, FFA_VERSION_1_0, 0, 0, 0, 0, 0, 0);
	expect_eq("FFA_VERSION 1.0 before any call", r.x[0], FFA_VERSION_1_2);
	r = smc(FFA_ID_GET, 0, 0, 0, 0, 0, 0, 0);
	expect_eq("FFA_ID_GET fixes 1.0", r.x[0], FFA_SUCCESS_32);
	r = smc(FFA_VERSION, FFA_VERSION_1_1, 0, 0, 0, 0, 0, 0);
	expect_eq("FFA_VERSION 1.1 after negotiation", r.x[0], NOT_SUPPORTED);
	r = smc(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);
	expect_eq("FFA_VERSION 1.2 after negotiation", r.x[0], NOT_SUPPORTED);
	r = smc(FFA_VERSION, FFA_VERSION_1_0 | FFA_VERSION_MBZ, 0, 0, 0, 0, 0,
		0);
	expect_eq("FFA_VERSION with bit 31", r.x[0], NOT_SUPPORTED);
	r = smc(FFA_VERSION, FFA_VERSION_MAKE(2, 0), 0, 0, 0, 0, 0, 0);
	expect_eq("FFA_VERSION 2.0", r.x[0], NOT_SUPPORTED);
	r = smc(FFA_VERSION, FFA_VERSION_1_0, 0, 0, 0, 0, 0, 0);
	expect_eq("FFA_VERSION 1.0 again", r.x[0], FFA_VERSION_1_2);
	/* A v1.1 ABI is refused at the negotiated v1.0. */
	r = smc(FFA_SPM_ID_GET, 0, 0, 0, 0, 0, 0, 0);
	expect_eq("FFA_SPM_ID_GET at v1.0", r.x[0], FFA_ERROR);
	power_off();
}
