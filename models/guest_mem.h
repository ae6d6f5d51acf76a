/*
 * The guest-memory interface: the only way a model (models/) or the agent
 * touches firmware memory.  Models never see Unicorn; the machine
 * implements these operations (through the cache model for watched ranges,
 * so that the secure side sees the point of coherency), and Check tests
 * link a flat fake (tests/fake_guest_mem.c).
 *
 * Addresses come from the firmware and are untrusted: every access is
 * bounds-checked by the implementation and fails as a whole, never partly.
 */
#ifndef MODELS_GUEST_MEM_H
#define MODELS_GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct guest_mem_ops {
	/* Copies len bytes at addr; false if any byte is not normal RAM. */
	bool (*read)(void *ctx, uint64_t addr, void *buf, size_t len);
	bool (*write)(void *ctx, uint64_t addr, const void *buf, size_t len);
	/* True if [addr, addr+len) is normal, non-secure RAM. */
	bool (*is_ram)(void *ctx, uint64_t addr, uint64_t len);
	/*
	 * Optional (NULL: never): true if [addr, addr+len) is RAM nothing
	 * ever wrote, known to read as zero without reading it.  Lets a
	 * search of all RAM skip what is empty: reading untouched host pages
	 * makes the host allocate and clear them.
	 */
	bool (*untouched)(void *ctx, uint64_t addr, uint64_t len);
};

struct guest_mem {
	const struct guest_mem_ops *ops;
	void *ctx;
};

static inline bool guest_range_ok(uint64_t addr, uint64_t len)
{
	return len == 0 || addr + len - 1 >= addr; /* no wrap-around */
}

static inline bool guest_mem_read(const struct guest_mem *gm, uint64_t addr,
				  void *buf, size_t len)
{
	return guest_range_ok(addr, len) && gm->ops->read(gm->ctx, addr, buf, len);
}

static inline bool guest_mem_write(const struct guest_mem *gm, uint64_t addr,
				   const void *buf, size_t len)
{
	return guest_range_ok(addr, len) &&
	       gm->ops->write(gm->ctx, addr, buf, len);
}

static inline bool guest_mem_is_ram(const struct guest_mem *gm, uint64_t addr,
				    uint64_t len)
{
	return guest_range_ok(addr, len) && gm->ops->is_ram(gm->ctx, addr, len);
}

static inline bool guest_mem_untouched(const struct guest_mem *gm,
				       uint64_t addr, uint64_t len)
{
	return gm->ops->untouched != NULL && guest_range_ok(addr, len) &&
	       gm->ops->untouched(gm->ctx, addr, len);
}

#endif /* MODELS_GUEST_MEM_H */
