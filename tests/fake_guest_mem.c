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

static bool fake_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	struct fake_guest_mem *f = ctx;

	if (!inside(f, addr, len)) {
		return false;
	}
	if (len != 0) {
		memcpy(f->bytes + (addr - f->base), buf, len);
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

void fake_guest_mem_init(struct fake_guest_mem *f, uint64_t base,
			 uint64_t size)
{
	f->base = base;
	f->size = size;
	if (spare != NULL && spare_size == size) {
		f->bytes = spare;
		spare = NULL;
		memset(f->bytes, 0, (size_t)size);
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
	} else {
		free(f->bytes);
	}
	memset(f, 0, sizeof(*f));
}

uint8_t *fake_guest_mem_at(struct fake_guest_mem *f, uint64_t addr,
			   uint64_t len)
{
	assert(inside(f, addr, len));
	return f->bytes + (addr - f->base);
}
