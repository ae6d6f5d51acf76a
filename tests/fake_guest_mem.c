#include "tests/fake_guest_mem.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"

/* True if [addr, addr+len) lies inside the fake RAM, without overflow. */
static bool inside(const struct fake_guest_mem *f, uint64_t addr,
		   uint64_t len)
{
	return addr >= f->base && addr - f->base <= f->size &&
	       len <= f->size - (addr - f->base);
}

static bool fake_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct fake_guest_mem *f = ctx;

	if (!inside(f, addr, len)) {
		return false;
	}
	if (len != 0) {
		memcpy(buf, f->bytes + (addr - f->base), len);
	}
	return true;
}

/* Widens the span [*lo, *hi) (empty when lo == hi) to hold [off, off+len). */
static void widen(uint64_t *lo, uint64_t *hi, uint64_t off, uint64_t len)
{
	if (len == 0) {
		return;
	}
	if (*lo == *hi) {
		*lo = off;
		*hi = off + len;
		return;
	}
	if (off < *lo) {
		*lo = off;
	}
	if (off + len > *hi) {
		*hi = off + len;
	}
}

static bool fake_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	struct fake_guest_mem *f = ctx;
	uint64_t off = addr - f->base;

	if (!inside(f, addr, len)) {
		return false;
	}
	if (len != 0) {
		memcpy(f->bytes + off, buf, len);
		widen(&f->dirty_lo, &f->dirty_hi, off, len);
		widen(&f->written_lo, &f->written_hi, off, len);
	}
	return true;
}

static bool fake_is_ram(void *ctx, uint64_t addr, uint64_t len)
{
	return inside(ctx, addr, len);
}

static const struct guest_mem_ops fake_ops = {
	.read = fake_read,
	.write = fake_write,
	.is_ram = fake_is_ram,
};

/*
 * One freed RAM kept for the next init of the same size.  Fuzz targets
 * make a RAM of up to a few MiB per input; calloc serves that size with a
 * fresh mapping, so every input paid a page fault per page (over half of
 * fuzz_ffa's time): clearing a kept buffer costs far less.
 */
static uint8_t *spare;
static uint64_t spare_size;
static uint64_t spare_dirty_lo, spare_dirty_hi; /* what init must clear */

void fake_guest_mem_init(struct fake_guest_mem *f, uint64_t base,
			 uint64_t size)
{
	memset(f, 0, sizeof(*f));
	f->base = base;
	f->size = size;
	if (spare != NULL && spare_size == size) {
		f->bytes = spare;
		spare = NULL;
		memset(f->bytes + spare_dirty_lo, 0,
		       (size_t)(spare_dirty_hi - spare_dirty_lo));
	} else {
		f->bytes = xcalloc(1, (size_t)size);
	}
	f->mem = (struct guest_mem){.ops = &fake_ops, .ctx = f};
}

void fake_guest_mem_free(struct fake_guest_mem *f)
{
	if (spare == NULL) {
		spare = f->bytes;
		spare_size = f->size;
		spare_dirty_lo = f->dirty_lo;
		spare_dirty_hi = f->dirty_hi;
	} else {
		free(f->bytes);
	}
	memset(f, 0, sizeof(*f));
}

uint8_t *fake_guest_mem_at(struct fake_guest_mem *f, uint64_t addr,
			   uint64_t len)
{
	assert(inside(f, addr, len));
	widen(&f->dirty_lo, &f->dirty_hi, addr - f->base, len);
	return f->bytes + (addr - f->base);
}

bool fake_guest_mem_written(const struct fake_guest_mem *f, uint64_t *lo,
			    uint64_t *hi)
{
	*lo = f->base + f->written_lo;
	*hi = f->base + f->written_hi;
	return f->written_lo != f->written_hi;
}

void fake_guest_mem_mark_written(struct fake_guest_mem *f)
{
	f->written_lo = f->written_hi = 0;
}
