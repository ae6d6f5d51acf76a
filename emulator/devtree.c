#include "emulator/devtree.h"

#include <stdio.h>
#include <string.h>

#include <libfdt.h>

/* A string-list property: the strings with their NULs, back to back. */
static int property_strings(void *fdt, const char *name, const char *a,
			    const char *b)
{
	char buf[128];
	size_t la = strlen(a) + 1;
	size_t lb = b != NULL ? strlen(b) + 1 : 0;

	if (la + lb > sizeof(buf)) {
		return -FDT_ERR_NOSPACE;
	}
	memcpy(buf, a, la);
	if (b != NULL) {
		memcpy(buf + la, b, lb);
	}
	return fdt_property(fdt, name, buf, (int)(la + lb));
}

static int property_reg(void *fdt, uint64_t base, uint64_t size)
{
	fdt64_t reg[2] = {cpu_to_fdt64(base), cpu_to_fdt64(size)};

	return fdt_property(fdt, "reg", reg, sizeof(reg));
}

/* Evaluates a libfdt call; on error jumps to the single error exit. */
#define FDT_DO(call)                 \
	do {                         \
		rc = (call);         \
		if (rc < 0) {        \
			goto fdt_error; \
		}                    \
	} while (0)

bool devtree_build(const struct platform *p, const struct devtree_options *o,
		   void *buf, size_t *size, struct error *err)
{
	char node[64];
	int rc;
	const uint32_t apb_clock = 1;
	FDT_DO(fdt_create(buf, DEVTREE_MAX_SIZE));
	FDT_DO(fdt_finish_reservemap(buf));
	FDT_DO(fdt_begin_node(buf, ""));
	FDT_DO(fdt_property_u32(buf, "#address-cells", 2));
	FDT_DO(fdt_property_u32(buf, "#size-cells", 2));
	FDT_DO(fdt_property_string(buf, "compatible", "linux,dummy-virt"));
	FDT_DO(fdt_property_string(buf, "model", "ffa-harness"));

	snprintf(node, sizeof(node), "memory@%llx",
		 (unsigned long long)p->ram_base);
	FDT_DO(fdt_begin_node(buf, node));
	FDT_DO(fdt_property_string(buf, "device_type", "memory"));
	FDT_DO(property_reg(buf, p->ram_base, p->ram_size));
	FDT_DO(fdt_end_node(buf));

	if (o->shared_buf_size != 0) {
		FDT_DO(fdt_begin_node(buf, "reserved-memory"));
		FDT_DO(fdt_property_u32(buf, "#address-cells", 2));
		FDT_DO(fdt_property_u32(buf, "#size-cells", 2));
		FDT_DO(fdt_property(buf, "ranges", NULL, 0));
		snprintf(node, sizeof(node), "mm-shared-buffer@%llx",
			 (unsigned long long)o->shared_buf_addr);
		FDT_DO(fdt_begin_node(buf, node));
		FDT_DO(property_reg(buf, o->shared_buf_addr,
				    o->shared_buf_size));
		FDT_DO(fdt_property(buf, "no-map", NULL, 0));
		FDT_DO(fdt_end_node(buf));
		FDT_DO(fdt_end_node(buf));
	}

	FDT_DO(fdt_begin_node(buf, "cpus"));
	FDT_DO(fdt_property_u32(buf, "#address-cells", 1));
	FDT_DO(fdt_property_u32(buf, "#size-cells", 0));
	FDT_DO(fdt_begin_node(buf, "cpu@0"));
	FDT_DO(fdt_property_string(buf, "device_type", "cpu"));
	FDT_DO(fdt_property_string(buf, "compatible", "arm,cortex-a57"));
	FDT_DO(fdt_property_u32(buf, "reg", 0));
	FDT_DO(fdt_property_string(buf, "enable-method", "psci"));
	FDT_DO(fdt_end_node(buf));
	FDT_DO(fdt_end_node(buf));

	FDT_DO(fdt_begin_node(buf, "psci"));
	FDT_DO(property_strings(buf, "compatible", "arm,psci-1.0",
				"arm,psci-0.2"));
	FDT_DO(fdt_property_string(buf, "method",
				   o->psci_method != NULL ? o->psci_method
							  : "smc"));
	FDT_DO(fdt_end_node(buf));

	if (p->optee) {
		/* Linux optee_dt_match, binding linaro,optee-tz.yaml. */
		FDT_DO(fdt_begin_node(buf, "firmware"));
		FDT_DO(fdt_begin_node(buf, "optee"));
		FDT_DO(fdt_property_string(buf, "compatible",
					   "linaro,optee-tz"));
		FDT_DO(fdt_property_string(buf, "method", "smc"));
		FDT_DO(fdt_end_node(buf));
		FDT_DO(fdt_end_node(buf));
	}

	FDT_DO(fdt_begin_node(buf, "timer"));
	FDT_DO(fdt_property_string(buf, "compatible", "arm,armv8-timer"));
	/* No GIC is modelled, hence no interrupts property. */
	FDT_DO(fdt_property_u32(buf, "clock-frequency", p->counter_freq_hz));
	FDT_DO(fdt_property(buf, "always-on", NULL, 0));
	FDT_DO(fdt_end_node(buf));

	FDT_DO(fdt_begin_node(buf, "apb-pclk"));
	FDT_DO(fdt_property_string(buf, "compatible", "fixed-clock"));
	FDT_DO(fdt_property_u32(buf, "#clock-cells", 0));
	FDT_DO(fdt_property_u32(buf, "clock-frequency", 24000000));
	FDT_DO(fdt_property_string(buf, "clock-output-names", "clk24mhz"));
	FDT_DO(fdt_property_u32(buf, "phandle", apb_clock));
	FDT_DO(fdt_end_node(buf));

	snprintf(node, sizeof(node), "pl011@%llx",
		 (unsigned long long)p->uart_base);
	FDT_DO(fdt_begin_node(buf, node));
	FDT_DO(property_strings(buf, "compatible", "arm,pl011",
				"arm,primecell"));
	FDT_DO(property_reg(buf, p->uart_base, 0x1000));
	{
		fdt32_t clocks[2] = {cpu_to_fdt32(apb_clock),
				     cpu_to_fdt32(apb_clock)};
		FDT_DO(fdt_property(buf, "clocks", clocks, sizeof(clocks)));
	}
	FDT_DO(property_strings(buf, "clock-names", "uartclk", "apb_pclk"));
	FDT_DO(fdt_end_node(buf));

	if (p->rtc_base != 0) {
		fdt32_t clock = cpu_to_fdt32(apb_clock);

		snprintf(node, sizeof(node), "pl031@%llx",
			 (unsigned long long)p->rtc_base);
		FDT_DO(fdt_begin_node(buf, node));
		FDT_DO(property_strings(buf, "compatible", "arm,pl031",
					"arm,primecell"));
		FDT_DO(property_reg(buf, p->rtc_base, 0x1000));
		FDT_DO(fdt_property(buf, "clocks", &clock, sizeof(clock)));
		FDT_DO(fdt_property_string(buf, "clock-names", "apb_pclk"));
		FDT_DO(fdt_end_node(buf));
	}

	FDT_DO(fdt_begin_node(buf, "chosen"));
	snprintf(node, sizeof(node), "/pl011@%llx",
		 (unsigned long long)p->uart_base);
	FDT_DO(fdt_property_string(buf, "stdout-path", node));
	FDT_DO(fdt_end_node(buf));

	FDT_DO(fdt_end_node(buf));
	FDT_DO(fdt_finish(buf));
	*size = fdt_totalsize(buf);
	return true;

fdt_error:
	return error_setf(err, "device tree: %s", fdt_strerror(rc));
}
