#include "emulator/platform.h"

#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * QEMU virt (hw/arm/virt.c, base_memmap and extended_memmap).  The secure
 * memory at 0x0e00_0000 is left unmapped on purpose: a normal-world access
 * to it is a fault, as on the real machine.
 */
static const struct platform_region qemu_virt_regions[] = {
	{"flash", 0x00000000, 0x08000000, REGION_ROM},
	{"gic", 0x08000000, 0x01000000, REGION_MMIO_ZERO},
	{"pl011", 0x09000000, 0x00001000, REGION_UART},
	{"gap", 0x09001000, 0x0000f000, REGION_MMIO_ZERO},
	{"pl031", 0x09010000, 0x00001000, REGION_RTC},
	{"fw_cfg,gpio,smmu,...", 0x09011000, 0x00fef000, REGION_MMIO_ZERO},
	{"virtio-mmio", 0x0a000000, 0x00004000, REGION_MMIO_ZERO},
	{"platform-bus", 0x0c000000, 0x02000000, REGION_MMIO_ZERO},
	{"pcie-mmio", 0x10000000, 0x2eff0000, REGION_MMIO_ZERO},
	{"pcie-pio", 0x3eff0000, 0x00010000, REGION_MMIO_ZERO},
	{"pcie-ecam", 0x3f000000, 0x01000000, REGION_MMIO_ONES},
	{"ram", 0x40000000, 0x40000000, REGION_RAM},
	{"high-pcie-ecam", 0x4010000000, 0x10000000, REGION_MMIO_ONES},
};

/*
 * QEMU's virt board as the profiles share it: its memory map, 1 GiB of RAM
 * with the device tree at its start, the PL011 and PL031, the 62.5 MHz
 * generic timer, U-Boot's prompt, and the 16 KiB MM buffer at 0x60000000
 * that upstream U-Boot's FFA_SHARED_MM_BUF_* defaults name.
 */
#define QEMU_VIRT_LAYOUT                                         \
	.regions = qemu_virt_regions,                            \
	.region_count = ARRAY_SIZE(qemu_virt_regions),           \
	.ram_base = 0x40000000, .ram_size = 0x40000000,          \
	.dtb_addr = 0x40000000, .uart_base = 0x09000000,         \
	.rtc_base = 0x09010000, .default_load_addr = 0x00000000, \
	.shared_buf_addr = 0x60000000, .shared_buf_size = 0x4000, \
	.shared_buf_offset = 0, .counter_freq_hz = 62500000,     \
	.console_prompt = "=> "

static const struct platform platforms[] = {
	{
		.name = "qemu-virt",
		.description = "QEMU virt (Debian's u-boot-qemu qemu_arm64); "
			       "1 GiB RAM, 16 KiB MM buffer at 0x60000000",
		QEMU_VIRT_LAYOUT,
	},
	{
		/*
		 * Upstream U-Boot for qemu_arm64 with ARM_FFA_TRANSPORT and
		 * EFI_MM_COMM_TEE, as built for the reference (section 11):
		 * FFA_SHARED_MM_BUF_ADDR=0x60000000, _SIZE=0x4000, _OFFSET=0.
		 * A build with other values overrides them with
		 * --shared-buffer or the scenario's spmc.shared_buffer.
		 */
		.name = "qemu-virt-ffa",
		.description = "QEMU virt for a U-Boot built with FF-A and "
			       "EFI_MM_COMM_TEE (shared buffer 0x60000000, "
			       "16 KiB, offset 0)",
		QEMU_VIRT_LAYOUT,
	},
	{
		/*
		 * MM over OP-TEE: U-Boot with CONFIG_OPTEE and
		 * EFI_MM_COMM_TEE without FF-A, Linux with tee_stmm_efi
		 * (docs/optee.md).  The FF-A SPMC still answers, unused.
		 */
		.name = "qemu-virt-optee",
		.description = "QEMU virt with OP-TEE (/firmware/optee): MM "
			       "over OP-TEE's StMM pseudo-TA",
		QEMU_VIRT_LAYOUT,
		.optee = true,
	},
	{
		/*
		 * MM over OP-TEE: U-Boot with CONFIG_OPTEE and
		 * EFI_MM_COMM_TEE without FF-A, Linux with tee_stmm_efi
		 * (docs/optee.md), and MM over FF-A as qemu-virt-ffa: both
		 * routes reach one variable store.
		 */
		.name = "qemu-virt-ffa-optee",
		.description = "QEMU virt with FF-A and OP-TEE: MM over both, "
			       "one variable store",
		QEMU_VIRT_LAYOUT,
		.optee = true,
	},
};

const struct platform *platform_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(platforms); i++) {
		if (strcmp(platforms[i].name, name) == 0) {
			return &platforms[i];
		}
	}
	return NULL;
}

const struct platform *platform_default(void)
{
	return &platforms[0];
}

size_t platform_count(void)
{
	return ARRAY_SIZE(platforms);
}

const struct platform *platform_at(size_t index)
{
	return index < ARRAY_SIZE(platforms) ? &platforms[index] : NULL;
}

void platform_print_list(FILE *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(platforms); i++) {
		fprintf(out, "  %-20s %s\n", platforms[i].name,
			platforms[i].description);
	}
}

const struct platform_region *platform_region_at(const struct platform *p,
						 uint64_t addr)
{
	for (size_t i = 0; i < p->region_count; i++) {
		const struct platform_region *r = &p->regions[i];

		if (addr >= r->base && addr - r->base < r->size) {
			return r;
		}
	}
	return NULL;
}

const char *region_kind_name(enum region_kind kind)
{
	switch (kind) {
	case REGION_ROM:
		return "flash";
	case REGION_RAM:
		return "ram";
	case REGION_UART:
		return "uart";
	case REGION_RTC:
		return "rtc";
	case REGION_MMIO_ZERO:
		return "mmio";
	case REGION_MMIO_ONES:
		return "pci-config";
	}
	return "?";
}
