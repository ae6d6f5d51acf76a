/*
 * A flat fake of the guest-memory interface (models/guest_mem.h) for
 * Check tests of the models: one malloc'd buffer that stands for the RAM at
 * [base, base + size).  Everything outside it is "not RAM": reads, writes
 * and is_ram() fail there as a whole, as the machine's implementation does.
 */
#ifndef TESTS_FAKE_GUEST_MEM_H
#define TESTS_FAKE_GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/guest_mem.h"

struct fake_guest_mem {
	uint64_t base;
	uint64_t size;
	/*
	 * Zero-filled at init.  Read it freely, write it only through
	 * fake_guest_mem_at(): the next init clears only the span written.
	 */
	uint8_t *bytes;
	struct guest_mem mem; /* what the model under test is given */
	/* Offsets: the span written by anyone since init (cleared next). */
	uint64_t dirty_lo, dirty_hi;
	/* Offsets: the span the model wrote through mem since the mark. */
	uint64_t written_lo, written_hi;
};

void fake_guest_mem_init(struct fake_guest_mem *f, uint64_t base,
			 uint64_t size);
/* The last RAM freed is kept for the next init of its size (a reachable
 * block at exit, not a leak). */
void fake_guest_mem_free(struct fake_guest_mem *f);
/* Host pointer to guest address addr; the range must lie inside the RAM. */
uint8_t *fake_guest_mem_at(struct fake_guest_mem *f, uint64_t addr,
			   uint64_t len);
/*
 * The span of guest addresses [*lo, *hi) the model wrote through the
 * interface since the last fake_guest_mem_mark_written() (or init); false
 * if it wrote nothing.  One span, not a list: a property "writes only
 * inside [a, b)" holds exactly when the span lies inside it.
 */
bool fake_guest_mem_written(const struct fake_guest_mem *f, uint64_t *lo,
			    uint64_t *hi);
void fake_guest_mem_mark_written(struct fake_guest_mem *f);

#endif /* TESTS_FAKE_GUEST_MEM_H */
