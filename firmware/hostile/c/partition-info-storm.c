/*
 * FFA_PARTITION_INFO_GET in a loop without FFA_RX_RELEASE: the first call
 * fills RX, the STORM - 1 after it must get BUSY.  Then releases and
 * well-behaved calls, also in a loop.  The harness must stay bounded:
 * the trace stops growing at its limit and repeated findings are counted,
 * not listed (models/smc_router.h, common/finding.h).  Finding:
 * ffa.rx-not-released.
 */
#include "hostile.h"

void hostile_main(void);

#define STORM 30000u

void hostile_main(void)
{
	struct smccc_regs r;
	unsigned busy = 0;
	unsigned ok = 0;

	ffa_setup();
	r = smc(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0);
	expect_eq("first PARTITION_INFO_GET", r.x[0], FFA_SUCCESS_32);
	for (unsigned i = 1; i < STORM; i++) {
		r = smc(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0);
		busy += r.x[0] == FFA_ERROR &&
			r.x[2] == (uint32_t)FFA_RET_BUSY;
	}
	expect_eq("every later call is BUSY", busy, STORM - 1);
	for (unsigned i = 0; i < STORM; i++) {
		r = smc(FFA_RX_RELEASE, 0, 0, 0, 0, 0, 0, 0);
		ok += r.x[0] == FFA_SUCCESS_32;
		r = smc(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0);
		ok += r.x[0] == FFA_SUCCESS_32;
	}
	expect_eq("release and get, every time", ok, 2 * STORM);
	power_off();
}
