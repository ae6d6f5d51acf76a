/*
 * FFA_RXTX_MAP with 63 pages (the most w3 can say) that run over the end
 * of RAM at 0x8000_0000, and a 64-bit TX address whose 63 pages wrap
 * around the address space: the SPMC must refuse (INVALID_PARAMETERS).
 * Finding: ffa.rxtx-not-ram.
 */
#include "hostile.h"

void hostile_main(void);

#define PAGES 63u
#define SIZE ((uint64_t)PAGES * 4096)

void hostile_main(void)
{
	struct smccc_regs r;

	r = smc(FFA_VERSION, FFA_VERSION_1_2, 0, 0, 0, 0, 0, 0);
	expect_eq("FFA_VERSION", r.x[0], FFA_VERSION_1_2);
	/* TX's last page is the first page after RAM. */
	expect_rxtx_map_refused("TX one page past the end", FFA_RXTX_MAP_64,
				RAM_END - SIZE + 0x1000, RAM_END - 2 * SIZE,
				PAGES);
	/* RX starts in the last page of RAM. */
	expect_rxtx_map_refused("RX from the last page", FFA_RXTX_MAP_64,
				RAM_END - 2 * SIZE, RAM_END - 0x1000, PAGES);
	expect_rxtx_map_refused("TX wraps around 2^64", FFA_RXTX_MAP_64,
				UINT64_MAX - 0xfff, RAM_END - 2 * SIZE, PAGES);
	expect_rxtx_map_refused("32-bit TX past 4 GiB", FFA_RXTX_MAP_32,
				UINT64_C(0xffffe000), RAM_END - 2 * SIZE,
				PAGES);
	/* Both inside RAM: accepted, so the refusals were about the end. */
	r = smc(FFA_RXTX_MAP_64, RAM_END - SIZE, RAM_END - 2 * SIZE, PAGES, 0,
		0, 0, 0);
	expect_eq("63 pages inside RAM", r.x[0], FFA_SUCCESS_32);
	power_off();
}
