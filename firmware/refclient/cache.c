/*
 * Cache maintenance and the identity MMU.  The transport cleans the request
 * to the point of coherency before the doorbell and invalidates the
 * response range after it, by VA, a line at a time, as the proposed U-Boot
 * FF-A runtime series does (reference 4.7).
 */
#include "refclient.h"

__rt_text void dcache_clean_range(uintptr_t start, size_t size)
{
	uintptr_t end = start + size;

	for (uintptr_t a = start & ~(uintptr_t)(CACHE_LINE - 1); a < end;
	     a += CACHE_LINE) {
		__asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
	}
	__asm__ volatile("dsb sy" : : : "memory");
}

__rt_text void dcache_invalidate_range(uintptr_t start, size_t size)
{
	uintptr_t end = start + size;

	for (uintptr_t a = start & ~(uintptr_t)(CACHE_LINE - 1); a < end;
	     a += CACHE_LINE) {
		__asm__ volatile("dc ivac, %0" : : "r"(a) : "memory");
	}
	__asm__ volatile("dsb sy" : : : "memory");
}

/*
 * What mainline U-Boot does instead (invalidate_dcache_all(): DC ISW over
 * every set and way of every level up to the LoC).  Only the set/way
 * variant of the seeded bugs calls it.  One level, 4 ways, 128 sets is
 * enough to exercise the instruction; the harness acts on all lines.
 */
__rt_text void dcache_flush_all_setway(void)
{
	for (uint64_t way = 0; way < 4; way++) {
		for (uint64_t set = 0; set < 128; set++) {
			uint64_t sw = way << 30 | set << 6;
			__asm__ volatile("dc isw, %0" : : "r"(sw) : "memory");
		}
	}
	__asm__ volatile("dsb sy\n\tisb" : : : "memory");
}

/*
 * Identity map with 1 GiB blocks: [0, 1 GiB) device memory (flash and
 * MMIO), [1 GiB, 2 GiB) normal write-back RAM.  39-bit VA, 4 KiB granule,
 * tables start at level 1.  (Under ffa-harness the MMU stays off
 * underneath; the tables are what real hardware would need.)
 */
static uint64_t level1[512] __attribute__((aligned(4096)));

void mmu_enable_identity(void)
{
	const uint64_t block = 1u;         /* level 1 block descriptor */
	const uint64_t af = 1u << 10;      /* access flag */
	const uint64_t sh_inner = 3u << 8; /* inner shareable */
	const uint64_t attr_device = 0u << 2;
	const uint64_t attr_normal = 1u << 2;
	uint64_t sctlr;

	level1[0] = 0x00000000u | block | af | attr_device;
	level1[1] = 0x40000000u | block | af | sh_inner | attr_normal;
	__asm__ volatile(
		"msr mair_el1, %0\n\t"
		"msr tcr_el1, %1\n\t"
		"msr ttbr0_el1, %2\n\t"
		"dsb sy\n\t"
		"isb"
		:
		: "r"(UINT64_C(0xff00)), /* attr0 device nGnRnE, attr1 WB */
		  "r"(UINT64_C(25) | UINT64_C(1) << 8 | UINT64_C(1) << 10 |
		      UINT64_C(3) << 12 | UINT64_C(1) << 23 |
		      UINT64_C(2) << 32),
		  "r"((uint64_t)(uintptr_t)level1)
		: "memory");
	__asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
	sctlr |= 1u << 0 | 1u << 2 | 1u << 12; /* M, C, I */
	__asm__ volatile("msr sctlr_el1, %0\n\tisb" : : "r"(sctlr) : "memory");
}
