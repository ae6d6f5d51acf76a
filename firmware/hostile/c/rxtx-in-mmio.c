/*
 * FFA_RXTX_MAP with RX, then TX, on the PL011's page: the SPMC must
 * refuse (INVALID_PARAMETERS), never write partition descriptors into a
 * device; a PARTITION_INFO_GET then finds no RX.  Findings:
 * ffa.rxtx-not-ram, ffa.partition-info-no-rx.
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
	uint64_t own = (uint64_t)(uintptr_t)hostile_tx;
	struct smccc_regs r;

	r = smc(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);
	expect_eq("FFA_VERSION", r.x[0], FFA_VERSION_1_2);
	map("RX on the PL011", own, UART_BASE);
	map("TX on the PL011", UART_BASE, own);
	/* Had RX been mapped, this would have written into the UART. */
	r = smc(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0);
	expect_eq("PARTITION_INFO_GET without RX", r.x[0], FFA_ERROR);
	power_off();
}
