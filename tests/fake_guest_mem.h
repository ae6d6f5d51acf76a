/*
 * A flat fake of the guest-memory interface (models/guest_mem.h) for
 * Check tests of the models: one malloc'd buffer that stands for the RAM at
 * [base, base + size).  Everything outside it is "not RAM": reads, writes
 * and is_ram() fail there as a whole, as the machine's implementation does.
 */
#ifndef TESTS_FAKE_GUEST_MEM_H
#define TESTS_FAKE_GUEST_MEM_H

#include <stddef.h>
#include <stdint.h>

#include "models/guest_mem.h"

struct fake_guest_mem {
	uint64_t base;
	uint64_t size;
	uint8_t *bytes; /* zero-filled at init */
	struct guest_mem mem; /* what the model under test is given */
};

void fake_guest_mem_init(struct fake_guest_mem *f, uint64_t base,
			 uint64_t size);
/* The last RAM freed is kept for the next init of its size (a reachable
 * block at exit, not a leak). */
void fake_guest_mem_free(struct fake_guest_mem *f);
/* Host pointer to guest address addr; the range must lie inside the RAM. */
uint8_t *fake_guest_mem_at(struct fake_guest_mem *f, uint64_t addr,
			   uint64_t len);

#endif /* TESTS_FAKE_GUEST_MEM_H */
