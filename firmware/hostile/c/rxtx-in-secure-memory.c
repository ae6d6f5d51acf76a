/*
 * FFA_RXTX_MAP with TX, then RX, in the secure world's memory at
 * 0x0e00_0000, where the partitions live: the SPMC must refuse
 * (INVALID_PARAMETERS) and must not touch it.  Finding: ffa.rxtx-not-ram.
 */
#include "hostile.h"

void hostile_main(void);

static void map(const char *what, uint64_t tx, uint64_t rx)
{
	struct smccc_regs r = smc(FFA_RXTX_MAP_64, tx, rx, 1, 0, 0, 0, 0);

	expect_eq(what, r.x[0], FFA_ERROR);
	expect_eq("INVALID_PARAMETERS", r.x[2],
		  (uint32_t)FFA_RET_INVALID_PARAMETERS);
}

void hostile_main(void)
{
	uint64_t own = (uint64_t)(uintptr_t)hostile_rx;
	struct smccc_regs r;

	r = smc(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);
	expect_eq("FFA_VERSION", r.x[0], FFA_VERSION_1_2);
	map("TX in secure memory", SECURE_BASE, own);
	map("RX in secure memory", own, SECURE_BASE + 0x1000);
	map("both in secure memory", SECURE_BASE + 0x2000,
	    SECURE_BASE + 0x3000);
	/* The 32-bit form with the same addresses. */
	r = smc(FFA_RXTX_MAP_32, SECURE_BASE, own, 1, 0, 0, 0, 0);
	expect_eq("FFA_RXTX_MAP_32 into secure memory", r.x[0], FFA_ERROR);
	power_off();
}
