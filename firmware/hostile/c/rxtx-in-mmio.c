/*
 * FFA_RXTX_MAP with RX, then TX, on the PL011's page: the SPMC must
 * refuse (INVALID_PARAMETERS), never write partition descriptors into a
 * device; a PARTITION_INFO_GET then finds no RX.  Findings:
 * ffa.rxtx-not-ram, ffa.partition-info-no-rx.
 */
#include "hostile.h"

void hostile_main(void);

void hostile_main(void)
{
	uint64_t own = (uint64_t)(uintptr_t)hostile_tx;
	struct smccc_regs r;

	r = smc(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);
	expect_eq("FFA_VERSION", r.x[0], FFA_VERSION_1_2);
	expect_rxtx_map_refused("RX on the PL011", FFA_RXTX_MAP_64, own,
				UART_BASE, 1);
	expect_rxtx_map_refused("TX on the PL011", FFA_RXTX_MAP_64, UART_BASE,
				own, 1);
	/* Had RX been mapped, this would have written into the UART. */
	r = smc(FFA_PARTITION_INFO_GET, 0, 0, 0, 0, 0, 0, 0);
	expect_eq("PARTITION_INFO_GET without RX", r.x[0], FFA_ERROR);
	power_off();
}
