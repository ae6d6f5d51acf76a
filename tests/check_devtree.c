/*
 * Unit tests of emulator/devtree.c: the blob is built for the default
 * platform and read back with libfdt, as U-Boot would read it: /psci with
 * method "smc" and the compatible list U-Boot binds on, memory, cpus,
 * /chosen/stdout-path pointing at the PL011, and the MM shared buffer in
 * /reserved-memory with no-map.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <libfdt.h>

#include "common/error.h"
#include "emulator/devtree.h"
#include "emulator/platform.h"

#define SHARED_ADDR UINT64_C(0x60000000)
#define SHARED_SIZE UINT64_C(0x4000)

/* Check fixture state: the only file-scope mutable state (STYLE C1). */
static union {
	uint8_t b[DEVTREE_MAX_SIZE];
	uint64_t align;
} blob;
static const void *fdt = blob.b;
static const struct platform *plat;

static void build(const struct devtree_options *o)
{
	struct error err;
	size_t size = 0;

	error_clear(&err);
	ck_assert_msg(devtree_build(plat, o, blob.b, &size, &err), "%s",
		      err.message);
	ck_assert_int_eq(fdt_check_header(fdt), 0);
	ck_assert_uint_eq(size, fdt_totalsize(fdt));
	ck_assert_uint_le(size, DEVTREE_MAX_SIZE);
}

static void devtree_setup(void)
{
	struct devtree_options o = {SHARED_ADDR, SHARED_SIZE, NULL};

	plat = platform_default();
	memset(blob.b, 0, sizeof(blob.b));
	build(&o);
}

static int node(const char *path)
{
	int off = fdt_path_offset(fdt, path);

	ck_assert_msg(off >= 0, "no node %s: %s", path, fdt_strerror(off));
	return off;
}

static uint32_t prop_u32(int off, const char *name)
{
	int len = 0;
	const fdt32_t *p = fdt_getprop(fdt, off, name, &len);

	ck_assert_msg(p != NULL, "no property %s", name);
	ck_assert_int_eq(len, 4);
	return fdt32_to_cpu(*p);
}

/* reg with #address-cells = #size-cells = 2. */
static void prop_reg(int off, uint64_t *base, uint64_t *size)
{
	int len = 0;
	const void *p = fdt_getprop(fdt, off, "reg", &len);
	fdt64_t reg[2]; /* properties are only 4-byte aligned */

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(len, 16);
	memcpy(reg, p, sizeof(reg));
	*base = fdt64_to_cpu(reg[0]);
	*size = fdt64_to_cpu(reg[1]);
}

START_TEST(root_uses_two_cells_for_addresses_and_sizes)
{
	int root = node("/");

	ck_assert_uint_eq(prop_u32(root, "#address-cells"), 2);
	ck_assert_uint_eq(prop_u32(root, "#size-cells"), 2);
}
END_TEST

START_TEST(psci_node_has_method_smc_and_the_psci_compatibles)
{
	int psci = node("/psci");

	ck_assert_str_eq(fdt_getprop(fdt, psci, "method", NULL), "smc");
	/* U-Boot binds its PSCI driver on "arm,psci-1.0". */
	ck_assert_int_eq(fdt_node_check_compatible(fdt, psci, "arm,psci-1.0"),
			 0);
	ck_assert_int_eq(fdt_stringlist_count(fdt, psci, "compatible"), 2);
	ck_assert_str_eq(fdt_stringlist_get(fdt, psci, "compatible", 0, NULL),
			 "arm,psci-1.0");
	ck_assert_str_eq(fdt_stringlist_get(fdt, psci, "compatible", 1, NULL),
			 "arm,psci-0.2");
}
END_TEST

START_TEST(psci_method_can_be_hvc)
{
	struct devtree_options o = {0, 0, "hvc"};

	build(&o);
	ck_assert_str_eq(fdt_getprop(fdt, node("/psci"), "method", NULL),
			 "hvc");
}
END_TEST

START_TEST(memory_node_covers_the_platform_ram)
{
	int off = fdt_node_offset_by_prop_value(fdt, -1, "device_type",
						"memory", sizeof("memory"));
	uint64_t base, size;

	ck_assert_int_ge(off, 0);
	prop_reg(off, &base, &size);
	ck_assert_uint_eq(base, plat->ram_base);
	ck_assert_uint_eq(size, plat->ram_size);
	ck_assert_int_eq(node("/memory@40000000"), off);
}
END_TEST

START_TEST(stdout_path_points_at_the_pl011)
{
	const char *path = fdt_getprop(fdt, node("/chosen"), "stdout-path",
				       NULL);
	uint64_t base, size;
	int uart;

	ck_assert_ptr_nonnull(path);
	uart = node(path);
	ck_assert_int_eq(fdt_node_check_compatible(fdt, uart, "arm,pl011"), 0);
	ck_assert_int_eq(
		fdt_node_check_compatible(fdt, uart, "arm,primecell"), 0);
	prop_reg(uart, &base, &size);
	ck_assert_uint_eq(base, plat->uart_base);
	ck_assert_uint_eq(size, 0x1000);
}
END_TEST

START_TEST(pl011_clocks_name_the_fixed_apb_clock)
{
	int uart = node("/pl011@9000000");
	int len = 0;
	const fdt32_t *clocks = fdt_getprop(fdt, uart, "clocks", &len);
	int clk;

	ck_assert_ptr_nonnull(clocks);
	ck_assert_int_eq(len, 8);
	clk = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(clocks[0]));
	ck_assert_int_ge(clk, 0);
	ck_assert_int_eq(fdt_node_check_compatible(fdt, clk, "fixed-clock"),
			 0);
	ck_assert_uint_eq(prop_u32(clk, "clock-frequency"), 24000000);
	ck_assert_str_eq(
		fdt_stringlist_get(fdt, uart, "clock-names", 1, NULL),
		"apb_pclk");
}
END_TEST

START_TEST(reserved_memory_covers_the_shared_buffer_with_no_map)
{
	int rsv = node("/reserved-memory");
	int child = fdt_first_subnode(fdt, rsv);
	uint64_t base, size;
	int len = -1;

	ck_assert_uint_eq(prop_u32(rsv, "#address-cells"), 2);
	ck_assert_uint_eq(prop_u32(rsv, "#size-cells"), 2);
	ck_assert_ptr_nonnull(fdt_getprop(fdt, rsv, "ranges", &len));
	ck_assert_int_eq(len, 0);
	ck_assert_int_ge(child, 0);
	prop_reg(child, &base, &size);
	ck_assert_uint_le(base, SHARED_ADDR);
	ck_assert_uint_ge(base + size, SHARED_ADDR + SHARED_SIZE);
	ck_assert_ptr_nonnull(fdt_getprop(fdt, child, "no-map", &len));
	ck_assert_int_eq(len, 0);
}
END_TEST

START_TEST(no_shared_buffer_means_no_reserved_memory_node)
{
	struct devtree_options o = {0, 0, NULL};

	build(&o);
	ck_assert_int_eq(fdt_path_offset(fdt, "/reserved-memory"),
			 -FDT_ERR_NOTFOUND);
}
END_TEST

START_TEST(cpus_has_one_cpu_enabled_by_psci)
{
	int cpus = node("/cpus");
	int cpu = node("/cpus/cpu@0");

	ck_assert_uint_eq(prop_u32(cpus, "#address-cells"), 1);
	ck_assert_uint_eq(prop_u32(cpus, "#size-cells"), 0);
	ck_assert_str_eq(fdt_getprop(fdt, cpu, "device_type", NULL), "cpu");
	ck_assert_uint_eq(prop_u32(cpu, "reg"), 0);
	ck_assert_str_eq(fdt_getprop(fdt, cpu, "enable-method", NULL), "psci");
	ck_assert_int_lt(fdt_next_subnode(fdt, cpu), 0); /* only one */
}
END_TEST

START_TEST(timer_runs_at_the_platform_counter_frequency)
{
	int timer = node("/timer");

	ck_assert_int_eq(
		fdt_node_check_compatible(fdt, timer, "arm,armv8-timer"), 0);
	ck_assert_uint_eq(prop_u32(timer, "clock-frequency"),
			  plat->counter_freq_hz);
}
END_TEST

START_TEST(blob_too_big_for_the_buffer_is_an_error)
{
	size_t n = DEVTREE_MAX_SIZE + 16;
	char *method = malloc(n + 1);
	struct devtree_options o = {0, 0, method};
	struct error err;
	size_t size = 0;

	ck_assert_ptr_nonnull(method);
	memset(method, 'x', n);
	method[n] = '\0';
	error_clear(&err);
	ck_assert(!devtree_build(plat, &o, blob.b, &size, &err));
	free(method);
	ck_assert(err.set);
	ck_assert_msg(strncmp(err.message, "device tree: ", 13) == 0, "%s",
		      err.message);
}
END_TEST

Suite *devtree_suite(void);

Suite *devtree_suite(void)
{
	Suite *s = suite_create("devtree");
	TCase *tc = tcase_create("devtree");

	tcase_add_checked_fixture(tc, devtree_setup, NULL);
	tcase_add_test(tc, root_uses_two_cells_for_addresses_and_sizes);
	tcase_add_test(tc, psci_node_has_method_smc_and_the_psci_compatibles);
	tcase_add_test(tc, psci_method_can_be_hvc);
	tcase_add_test(tc, memory_node_covers_the_platform_ram);
	tcase_add_test(tc, stdout_path_points_at_the_pl011);
	tcase_add_test(tc, pl011_clocks_name_the_fixed_apb_clock);
	tcase_add_test(tc,
		       reserved_memory_covers_the_shared_buffer_with_no_map);
	tcase_add_test(tc, no_shared_buffer_means_no_reserved_memory_node);
	tcase_add_test(tc, cpus_has_one_cpu_enabled_by_psci);
	tcase_add_test(tc, timer_runs_at_the_platform_counter_frequency);
	tcase_add_test(tc, blob_too_big_for_the_buffer_is_an_error);
	suite_add_tcase(s, tc);
	return s;
}
