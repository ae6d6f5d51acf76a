/*
 * Unit tests of models/ffa_order.c, the FF-A init-order auditor, over SMC
 * streams shaped like the ones Linux 6.12 and pKVM make (a module loaded
 * after pKVM; the driver built in, before it; no hypervisor; U-Boot at EL2
 * first), and through the router, which gives it each caller's EL.
 */
#include <string.h>

#include <check.h>

#include "abi/ffa.h"
#include "abi/psci.h"
#include "common/finding.h"
#include "common/trace.h"
#include "models/ffa_order.h"
#include "models/secure_world.h"
#include "models/smc_router.h"
#include "tests/fake_guest_mem.h"

#define CODE "ffa.host-before-hypervisor"
#define PKVM "pKVM (kvm-arm.mode=protected)"

/* Check fixture state: the only file-scope mutable state (STYLE C1). */
static struct findings findings;
static struct trace trace;
static struct ffa_order order;

static void setup(void)
{
	findings_init(&findings);
	trace_init(&trace);
}

static void teardown(void)
{
	findings_free(&findings);
	trace_free(&trace);
}

/* One answered call as the router hands it over (x0 out = answer). */
static void observe(unsigned cpu, unsigned el, uint32_t fid, uint64_t x1,
		    uint64_t answer)
{
	struct smc_call call;

	memset(&call, 0, sizeof(call));
	call.in.x[0] = fid;
	call.in.x[1] = x1;
	call.out.x[0] = answer;
	call.cpu = cpu;
	call.el = (uint8_t)el;
	call.name = smc_function_name(fid);
	call.event = trace_append(&trace, TRACE_SMC);
	findings_set_context(&findings, call.event->seq, 0);
	ffa_order_observe(&order, &call);
	findings_set_context(&findings, FINDING_NO_SEQ, 0);
}

static size_t count(void)
{
	size_t n = 0;

	for (size_t i = 0; i < findings.count; i++) {
		n += strcmp(findings.items[i].code, CODE) == 0;
	}
	return n;
}

/* Early PSCI probing from EL1, as every kernel boot starts. */
static void kernel_probes(void)
{
	observe(0, 1, PSCI_VERSION, 0, 0x10001);
	observe(0, 1, PSCI_FEATURES, 0x80000000, 0);
}

/* pKVM's init: EL1 PSCI_VERSION (init_psci_relay), EL2 FFA_VERSION. */
static void pkvm_init(void)
{
	observe(0, 1, PSCI_VERSION, 0, 0x10001);
	observe(0, 2, FFA_VERSION, FFA_VERSION_1_1, FFA_VERSION_1_2);
}

/* The driver's discovery from EL (1: directly; 2: through pKVM). */
static void driver_probe(unsigned cpu, unsigned el)
{
	if (el == 1) {
		observe(cpu, el, FFA_VERSION, FFA_VERSION_1_1,
			FFA_VERSION_1_2);
	}
	observe(cpu, el, FFA_ID_GET, 0, FFA_SUCCESS_32);
	observe(cpu, el, FFA_FEATURES, FFA_RXTX_MAP_64, FFA_SUCCESS_32);
	observe(cpu, el, FFA_RXTX_MAP_64, 0x41000000, FFA_SUCCESS_32);
	observe(cpu, el, FFA_PARTITION_INFO_GET, 0, FFA_SUCCESS_32);
	observe(cpu, el, FFA_RX_RELEASE, 0, FFA_SUCCESS_32);
}

START_TEST(correct_order_module_after_pkvm)
{
	ffa_order_init(&order, &findings, PKVM);
	kernel_probes();
	pkvm_init();
	driver_probe(0, 2); /* insmod: every call proxied from EL2 */
	observe(0, 2, PSCI_SYSTEM_OFF, 0, 0);
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(faulty_order_known_hypervisor_at_first_host_call)
{
	ffa_order_init(&order, &findings, PKVM);
	kernel_probes();
	driver_probe(1, 1); /* built in: rootfs_initcall, before KVM */
	pkvm_init();
	ck_assert_uint_eq(count(), 1);
	ck_assert_int_eq(findings.items[0].kind, FINDING_FIRMWARE);
	/* The first host call: the third SMC (#2), FFA_VERSION on CPU 1. */
	ck_assert_uint_eq(findings.items[0].trace_seq, 2);
	ck_assert_str_eq(findings.items[0].message,
			 "FFA_VERSION from EL1 on CPU 1 reached the SPMC "
			 "before the hypervisor at EL2 (" PKVM ") "
			 "negotiated FFA_VERSION: the host initialised FF-A "
			 "before the hypervisor");
	ck_assert_ptr_nonnull(findings.items[0].detail);
	ck_assert_ptr_nonnull(strstr(findings.items[0].detail,
				     "rootfs initcall"));
}
END_TEST

START_TEST(faulty_order_inferred_at_late_hypervisor_version)
{
	ffa_order_init(&order, &findings, NULL);
	kernel_probes();
	driver_probe(0, 1);
	ck_assert_uint_eq(findings.count, 0); /* no hypervisor known yet */
	observe(0, 1, PSCI_VERSION, 0, 0x10001);
	observe(3, 2, FFA_VERSION, FFA_VERSION_1_1, FFA_VERSION_1_2);
	ck_assert_uint_eq(count(), 1);
	/* Reported at the hypervisor's call, naming the host's first. */
	ck_assert_uint_eq(findings.items[0].trace_seq, 9);
	ck_assert_str_eq(findings.items[0].message,
			 "FFA_VERSION from EL1 on CPU 0 (#2) reached the "
			 "SPMC before the hypervisor at EL2 negotiated "
			 "FFA_VERSION (on CPU 3): the host initialised FF-A "
			 "before the hypervisor");
}
END_TEST

START_TEST(no_hypervisor_no_finding)
{
	/* kvm-arm.mode=nvhe or no KVM: the driver talks to the SPMC. */
	ffa_order_init(&order, &findings, NULL);
	kernel_probes();
	driver_probe(0, 1);
	observe(0, 1, FFA_MSG_SEND_DIRECT_REQ_64, 0, 0);
	observe(0, 1, PSCI_SYSTEM_OFF, 0, 0);
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(reported_once_per_run)
{
	ffa_order_init(&order, &findings, PKVM);
	driver_probe(0, 1);
	driver_probe(1, 1);
	pkvm_init();
	observe(0, 2, FFA_VERSION, FFA_VERSION_1_1, FFA_VERSION_1_2);
	ck_assert_uint_eq(count(), 1);
}
END_TEST

START_TEST(boot_loader_negotiation_at_el2_does_not_count)
{
	/* U-Boot at EL2 negotiates v1.0 and unmaps at ExitBootServices. */
	ffa_order_init(&order, &findings, PKVM);
	observe(0, 2, FFA_VERSION, FFA_VERSION_1_0, FFA_VERSION_1_2);
	observe(0, 2, FFA_RXTX_MAP_64, 0x7f000000, FFA_SUCCESS_32);
	observe(0, 2, FFA_RXTX_UNMAP, 0, FFA_SUCCESS_32);
	ck_assert_uint_eq(findings.count, 0);
	kernel_probes();
	driver_probe(0, 1); /* the kernel's built-in driver, then pKVM */
	pkvm_init();
	ck_assert_uint_eq(count(), 1);
}
END_TEST

START_TEST(boot_loader_then_module_after_pkvm_no_finding)
{
	ffa_order_init(&order, &findings, NULL);
	observe(0, 2, FFA_VERSION, FFA_VERSION_1_0, FFA_VERSION_1_2);
	observe(0, 2, FFA_RXTX_UNMAP, 0, FFA_SUCCESS_32);
	kernel_probes();
	/* pKVM refused by the version lock: still no host call first. */
	observe(0, 1, PSCI_VERSION, 0, 0x10001);
	observe(0, 2, FFA_VERSION, FFA_VERSION_1_1, UINT64_MAX);
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(renegotiation_by_the_hypervisor_is_not_a_finding)
{
	/* pKVM may ask 1.1 at init, then the host's 1.0 on its behalf. */
	ffa_order_init(&order, &findings, PKVM);
	kernel_probes();
	pkvm_init();
	observe(0, 2, FFA_VERSION, FFA_VERSION_1_0, FFA_VERSION_1_2);
	driver_probe(0, 2);
	observe(0, 2, FFA_VERSION, FFA_VERSION_1_1, FFA_VERSION_1_2);
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(refused_late_hypervisor_version_is_still_late)
{
	/* The host's v1.0 locked the version; pKVM's v1.1 is refused. */
	ffa_order_init(&order, &findings, NULL);
	observe(0, 1, FFA_VERSION, FFA_VERSION_1_0, FFA_VERSION_1_2);
	observe(0, 1, FFA_ID_GET, 0, FFA_SUCCESS_32);
	observe(0, 2, FFA_VERSION, FFA_VERSION_1_1, UINT64_MAX);
	ck_assert_uint_eq(count(), 1);
}
END_TEST

START_TEST(unknown_el_and_other_services_are_ignored)
{
	ffa_order_init(&order, &findings, PKVM);
	observe(0, 0, FFA_VERSION, FFA_VERSION_1_1, FFA_VERSION_1_2);
	observe(0, 1, PSCI_CPU_ON_64, 1, 0);
	observe(0, 1, 0x82000010, 0, 0); /* SiP, not FF-A */
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

/* Through the secure world: the router passes the caller's EL on. */
static struct secure_world *world_with(const char *hypervisor,
				       struct fake_guest_mem *mem)
{
	struct secure_world_config cfg;
	struct secure_world_ports ports;
	struct error err = {0};
	struct secure_world *w;

	secure_world_config_default(&cfg);
	cfg.hypervisor = hypervisor;
	fake_guest_mem_init(mem, 0x40000000, 1 << 20);
	ports.secure = ports.cpu = &mem->mem;
	w = secure_world_new(&cfg, &ports, &trace, &findings, &err);
	ck_assert_msg(w != NULL, "%s", err.message);
	return w;
}

static void world_call(struct secure_world *w, unsigned el, uint32_t fid,
		       uint64_t x1)
{
	struct sw_caller caller = {.cpu = 0, .el = (uint8_t)el};
	struct smccc_regs in = {{0}}, out;

	in.x[0] = fid;
	in.x[1] = x1;
	secure_world_call(w, &caller, &in, 0x1000, 0, 0, &out);
}

START_TEST(secure_world_reports_host_call_under_pkvm)
{
	struct fake_guest_mem mem;
	struct secure_world *w = world_with(PKVM, &mem);

	world_call(w, 1, PSCI_VERSION, 0);
	world_call(w, 1, FFA_VERSION, FFA_VERSION_1_1);
	world_call(w, 2, FFA_VERSION, FFA_VERSION_1_1);
	ck_assert_uint_eq(count(), 1);
	ck_assert_uint_eq(findings.items[0].trace_seq, 1);
	ck_assert_ptr_nonnull(strstr(findings.items[0].message,
				     "FFA_VERSION from EL1 on CPU 0"));
	secure_world_free(w);
	fake_guest_mem_free(&mem);
}
END_TEST

START_TEST(secure_world_correct_order_no_finding)
{
	struct fake_guest_mem mem;
	struct secure_world *w = world_with(PKVM, &mem);

	world_call(w, 1, PSCI_VERSION, 0);
	world_call(w, 2, FFA_VERSION, FFA_VERSION_1_1);
	world_call(w, 2, FFA_ID_GET, 0);
	ck_assert_uint_eq(count(), 0);
	secure_world_free(w);
	fake_guest_mem_free(&mem);
}
END_TEST

Suite *ffa_order_suite(void);

Suite *ffa_order_suite(void)
{
	Suite *s = suite_create("ffa_order");
	TCase *tc = tcase_create("order");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, correct_order_module_after_pkvm);
	tcase_add_test(tc, faulty_order_known_hypervisor_at_first_host_call);
	tcase_add_test(tc, faulty_order_inferred_at_late_hypervisor_version);
	tcase_add_test(tc, no_hypervisor_no_finding);
	tcase_add_test(tc, reported_once_per_run);
	tcase_add_test(tc, boot_loader_negotiation_at_el2_does_not_count);
	tcase_add_test(tc, boot_loader_then_module_after_pkvm_no_finding);
	tcase_add_test(tc, renegotiation_by_the_hypervisor_is_not_a_finding);
	tcase_add_test(tc, refused_late_hypervisor_version_is_still_late);
	tcase_add_test(tc, unknown_el_and_other_services_are_ignored);
	tcase_add_test(tc, secure_world_reports_host_call_under_pkvm);
	tcase_add_test(tc, secure_world_correct_order_no_finding);
	suite_add_tcase(s, tc);
	return s;
}
