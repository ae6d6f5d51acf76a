/*
 * FFA_RXTX_MAP with TX, then RX, in the secure world's memory at
 * 0x0e00_0000, where the partitions live: the SPMC must refuse
 * (INVALID_PARAMETERS) and must not touch it.  Finding: ffa.rxtx-not-ram.
 */
#include "hostile.h"

void hostile_main(void);

void hostile_main(void)
{
	uint64_t own = (uint64_t)(uintptr_t)hostile_rx;
	struct smccc_regs r;

	r = smc(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);
	expect_eq("FFA_VERSION", r.x[0], FFA_VERSION_1_2);
	expect_rxtx_map_refused("TX in secure memory", FFA_RXTX_MAP_64,
				SECURE_BASE, own, 1);
	expect_rxtx_map_refused("RX in secure memory", FFA_RXTX_MAP_64, own,
				SECURE_BASE + 0x1000, 1);
	expect_rxtx_map_refused("both in secure memory", FFA_RXTX_MAP_64,
				SECURE_BASE + 0x2000, SECURE_BASE + 0x3000, 1);
	/* The 32-bit form with the same addresses. */
	r = smc(FFA_RXTX_MAP_32, SECURE_BASE, own, 1, 0, 0, 0, 0);
	expect_eq("FFA_RXTX_MAP_32 into secure memory", r.x[0], FFA_ERROR);
	power_off();
}
