/*
 * Platform profiles: the memory map a firmware image expects, as const
 * data.  The default, "qemu-virt", is QEMU's `virt` machine (hw/arm/virt.c
 * memmap), so that qemu_arm64 U-Boot runs unmodified: flash at 0 (mapped as
 * writable memory, see docs/machine.md), RAM at 0x4000_0000, a PL011 at
 * 0x0900_0000, and the other virt MMIO ranges present so that probing reads
 * zeros (or all-ones for PCI configuration space).
 */
#ifndef EMULATOR_PLATFORM_H
#define EMULATOR_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum region_kind {
	REGION_ROM,        /* flash window: writable memory (docs/machine.md) */
	REGION_RAM,        /* normal non-secure RAM */
	REGION_UART,       /* the PL011 model */
	REGION_RTC,        /* the PL031 model */
	REGION_MMIO_ZERO,  /* absent device: reads 0, writes ignored */
	REGION_MMIO_ONES,  /* PCI configuration space: reads all-ones */
};

struct platform_region {
	const char *name;
	uint64_t base;
	uint64_t size;
	enum region_kind kind;
};

struct platform {
	const char *name;
	const char *description;
	const struct platform_region *regions;
	size_t region_count;
	uint64_t ram_base;
	uint64_t ram_size;
	uint64_t dtb_addr;
	uint64_t uart_base;
	uint64_t rtc_base;          /* 0: no RTC */
	uint64_t default_load_addr; /* raw images without --load-addr */
	/* The MM shared buffer as the firmware was configured. */
	uint64_t shared_buf_addr;
	uint64_t shared_buf_size;
	uint64_t shared_buf_offset;
	uint32_t counter_freq_hz;
	const char *console_prompt; /* "=> " for U-Boot */
	/* OP-TEE answers the trusted-OS SMC range; DT /firmware/optee. */
	bool optee;
};

/* NULL if there is no profile of that name. */
const struct platform *platform_find(const char *name);
const struct platform *platform_default(void);
size_t platform_count(void);
const struct platform *platform_at(size_t index);
void platform_print_list(FILE *out);
/* The region containing addr, or NULL. */
const struct platform_region *platform_region_at(const struct platform *p,
						 uint64_t addr);
const char *region_kind_name(enum region_kind kind);

#endif /* EMULATOR_PLATFORM_H */
