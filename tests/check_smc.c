/*
 * Unit tests of emulator/smc.c, the SMC router: routing by SMCCC owner and
 * function range (reference 1.1, TF-A's DECLARE_RT_SVC ranges), SMC_UNK
 * for everything else, the trace event of every SMC, and preservation of
 * the registers a service does not define (SMCCC 1.1+).  The router is
 * wired to real models over a flat fake RAM; no CPU is involved.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "abi/agent.h"
#include "abi/ffa.h"
#include "abi/mm.h"
#include "abi/psci.h"
#include "abi/smccc.h"
#include "common/finding.h"
#include "common/trace.h"
#include "models/smc_router.h"
#include "models/agent.h"
#include "models/mm_sp.h"
#include "models/psci.h"
#include "models/spmc.h"
#include "models/varstore.h"
#include "tests/fake_guest_mem.h"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define RAM_BASE UINT64_C(0x40000000)
#define RAM_SIZE UINT64_C(0x10000)
#define PC UINT64_C(0x40001234)
#define LR UINT64_C(0x40005678)

/* Check fixture state: the only file-scope mutable state (STYLE C1). */
static struct fake_guest_mem ram;
static struct findings findings;
static struct trace trace;
static struct psci psci;
static struct spmc spmc;
static struct agent agent;
static struct smc_router router;

static void router_setup(void)
{
	struct spmc_config cfg;

	fake_guest_mem_init(&ram, RAM_BASE, RAM_SIZE);
	findings_init(&findings);
	trace_init(&trace);
	psci_init(&psci, &findings);
	spmc_config_default(&cfg);
	cfg.partitions[0].model = SP_MODEL_ECHO;
	spmc_init(&spmc, &cfg, &ram.mem, &findings, NULL);
	agent_init(&agent, &ram.mem, &findings);
	router = (struct smc_router){
		.psci = &psci,
		.spmc = &spmc,
		.agent = &agent,
		.trace = &trace,
		.findings = &findings,
	};
}

static void router_teardown(void)
{
	agent_free(&agent);
	spmc_free(&spmc);
	trace_free(&trace);
	findings_free(&findings);
	fake_guest_mem_free(&ram);
}

struct routed {
	enum smc_action action;
	struct smccc_regs out;
};

static struct routed route(struct smccc_regs in)
{
	struct routed r;

	memset(&r.out, 0x5a, sizeof(r.out)); /* the router must fill it */
	r.action = smc_router_dispatch(&router, NULL, &in, PC, LR, 1000,
				       &r.out);
	return r;
}

#define SMC(...) route((struct smccc_regs){.x = {__VA_ARGS__}})

static const struct trace_event *last_event(void)
{
	ck_assert_uint_gt(trace.count, 0);
	return &trace.events[trace.count - 1];
}

static void assert_unknown(const struct routed *r)
{
	ck_assert_uint_eq(r->out.x[0], UINT64_MAX); /* SMC_UNK, all ones */
	ck_assert_int_eq(r->action, SMC_ACTION_RETURN);
	ck_assert_str_eq(last_event()->name, "SMC_UNKNOWN");
	ck_assert_int_eq(last_event()->disposition, SMC_DISP_UNIMPLEMENTED);
	ck_assert_uint_eq(findings_count_kind(&findings, FINDING_UNIMPLEMENTED),
			  1);
	ck_assert_uint_eq(findings_count_kind(&findings, FINDING_FIRMWARE), 0);
}

/* --- Routing ------------------------------------------------------------- */

START_TEST(arch_owner_routes_to_the_architecture_service)
{
	struct routed r = SMC(SMCCC_VERSION);

	ck_assert_uint_eq(r.out.x[0], 0x10002);
	ck_assert_str_eq(last_event()->name, "SMCCC_VERSION");
}
END_TEST

START_TEST(psci_range_routes_to_psci)
{
	struct routed r = SMC(PSCI_VERSION);

	ck_assert_uint_eq(r.out.x[0], 0x10001);
	ck_assert_str_eq(last_event()->name, "PSCI_VERSION");
	ck_assert_uint_eq(psci.calls, 1);
}
END_TEST

START_TEST(psci_system_off_action_reaches_the_caller)
{
	struct routed r = SMC(PSCI_SYSTEM_OFF);

	ck_assert_int_eq(r.action, SMC_ACTION_POWER_OFF);
	ck_assert_int_eq(last_event()->disposition, SMC_DISP_STOP);
}
END_TEST

START_TEST(trng_range_routes_to_the_absent_trng)
{
	struct routed r = SMC(TRNG_VERSION);

	ck_assert_int_eq((int32_t)r.out.x[0], SMCCC_RET_NOT_SUPPORTED);
	ck_assert_str_eq(last_event()->name, "TRNG_VERSION");
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(ffa_range_routes_to_the_spmc)
{
	struct routed r = SMC(FFA_VERSION, FFA_VERSION_1_0);

	ck_assert_uint_eq(r.out.x[0], FFA_VERSION_1_2);
	ck_assert_str_eq(last_event()->name, "FFA_VERSION");
	r = SMC(FFA_ID_GET);
	ck_assert_uint_eq(r.out.x[0], FFA_SUCCESS_32);
}
END_TEST

START_TEST(ffa_range_end_is_ffa_even_when_unknown_to_the_spmc)
{
	struct routed r = SMC(FFA_FID64(0x97));

	ck_assert_str_eq(last_event()->name, "FFA_UNKNOWN");
	ck_assert_uint_eq(r.out.x[0], FFA_ERROR);
	ck_assert_int_eq((int32_t)r.out.x[2], FFA_RET_NOT_SUPPORTED);
}
END_TEST

START_TEST(oem_agent_range_routes_to_the_agent)
{
	struct routed r = SMC(AGENT_FID_NEXT);

	/* NEXT before HELLO: the agent, not the router, refuses it. */
	ck_assert_int_eq((int32_t)r.out.x[0], AGENT_ERR_STATE);
	ck_assert_str_eq(last_event()->name, "AGENT_NEXT");
	r = SMC(AGENT_FID_HELLO, AGENT_PROTOCOL_VERSION, 1, RAM_BASE, 0x1000);
	ck_assert_uint_eq(r.out.x[0], AGENT_OK);
	r = SMC(AGENT_FID_NEXT);
	ck_assert_int_eq(r.action, SMC_ACTION_AGENT_WAIT);
}
END_TEST

static const uint32_t unknown_fids[] = {
	0x82000000, /* SiP */
	0xc2000001, /* SiP, SMC64 */
	0x83000000, /* OEM, below the agent range */
	0x81000000, /* CPU service */
	0xb2000000, /* trusted OS */
	0x84000020, /* standard service, between PSCI and TRNG */
	0x84000098, /* standard service, past FF-A */
	0x85000000, /* standard hypervisor service */
	0x04000000, /* yielding call in the PSCI range */
	0x44000063, /* yielding FFA_VERSION */
};

START_TEST(unknown_function_gets_smc_unk_and_an_unimplemented_finding)
{
	struct routed r = SMC(unknown_fids[_i]);
	const struct finding *f;

	assert_unknown(&r);
	f = findings_find(&findings, "model.unimplemented-smc");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->trace_seq, last_event()->seq);
	ck_assert_uint_eq(f->pc, PC);
}
END_TEST

START_TEST(reserved_bit_set_in_fast_call_makes_it_unknown)
{
	uint32_t bit = UINT32_C(1) << (17 + _i); /* bits 23:17 */
	struct routed r = SMC(PSCI_VERSION | bit);

	assert_unknown(&r);
}
END_TEST

START_TEST(sve_hint_is_masked_before_routing)
{
	struct routed r = SMC(PSCI_VERSION | SMCCC_SVE_HINT);

	ck_assert_uint_eq(r.out.x[0], 0x10001);
	ck_assert_uint_eq(last_event()->fid, PSCI_VERSION);
	r = SMC(FFA_VERSION | SMCCC_SVE_HINT, FFA_VERSION_1_0);
	ck_assert_uint_eq(r.out.x[0], FFA_VERSION_1_2);
}
END_TEST

START_TEST(upper_half_of_x0_is_ignored)
{
	struct routed r = SMC(UINT64_C(0xdeadbeef00000000) | PSCI_VERSION);

	ck_assert_uint_eq(r.out.x[0], 0x10001);
	ck_assert_uint_eq(last_event()->fid, PSCI_VERSION);
}
END_TEST

/* --- Trace and registers ------------------------------------------------ */

START_TEST(every_smc_is_traced_with_name_registers_and_pc)
{
	struct smccc_regs in = {.x = {PSCI_VERSION | SMCCC_SVE_HINT}};
	const struct trace_event *ev;
	struct routed r;

	for (size_t i = 1; i < SMCCC_REG_COUNT; i++) {
		in.x[i] = i * 0x11;
	}
	r = route(in);
	ck_assert_uint_eq(trace.count, 1);
	ev = last_event();
	ck_assert_int_eq(ev->kind, TRACE_SMC);
	ck_assert_uint_eq(ev->seq, 0);
	ck_assert_str_eq(ev->name, "PSCI_VERSION");
	ck_assert_uint_eq(ev->pc, PC);
	ck_assert_uint_eq(ev->lr, LR);
	ck_assert_uint_eq(ev->insns, 1000);
	ck_assert_uint_eq(ev->fid, PSCI_VERSION);
	ck_assert_int_eq(ev->disposition, SMC_DISP_OK);
	ck_assert_mem_eq(ev->in, in.x, sizeof(ev->in)); /* raw, as trapped */
	ck_assert_mem_eq(ev->out, r.out.x, sizeof(ev->out));
	ck_assert_uint_eq(router.count, 1);
	SMC(SMCCC_VERSION);
	ck_assert_uint_eq(trace.count, 2);
	ck_assert_uint_eq(last_event()->seq, 1);
	ck_assert_uint_eq(router.count, 2);
}
END_TEST

START_TEST(unknown_smc_is_traced_too)
{
	SMC(0x82000000);
	ck_assert_uint_eq(trace.count, 1);
	ck_assert_uint_eq(last_event()->out[0], UINT64_MAX);
	ck_assert_uint_eq(last_event()->fid, 0x82000000);
}
END_TEST

static const uint32_t preserving_fids[] = {
	PSCI_VERSION, SMCCC_VERSION, TRNG_VERSION, 0x82000000,
};

START_TEST(registers_a_service_does_not_define_are_preserved)
{
	struct smccc_regs in = {.x = {preserving_fids[_i]}};
	struct routed r;

	for (size_t i = 1; i < SMCCC_REG_COUNT; i++) {
		in.x[i] = UINT64_C(0x1000000000) + i;
	}
	r = route(in);
	for (size_t i = 4; i < SMCCC_REG_COUNT; i++) {
		ck_assert_uint_eq(r.out.x[i], in.x[i]);
	}
}
END_TEST

START_TEST(smc32_ffa_call_preserves_x8_to_x17)
{
	struct smccc_regs in = {.x = {FFA_VERSION, FFA_VERSION_1_0}};
	struct routed r;

	for (size_t i = 8; i < SMCCC_REG_COUNT; i++) {
		in.x[i] = 0x77000 + i;
	}
	r = route(in);
	ck_assert_uint_eq(r.out.x[0], FFA_VERSION_1_2);
	for (size_t i = 8; i < SMCCC_REG_COUNT; i++) {
		ck_assert_uint_eq(r.out.x[i], in.x[i]);
	}
}
END_TEST

static const struct {
	uint32_t fid;
	const char *name;
} names[] = {
	{FFA_RXTX_MAP_64, "FFA_RXTX_MAP_64"},
	{PSCI_SYSTEM_RESET, "PSCI_SYSTEM_RESET"},
	{SMCCC_ARCH_FEATURES, "SMCCC_ARCH_FEATURES"},
	{TRNG_RND_64, "TRNG_RND_64"},
	{AGENT_FID_HELLO, "AGENT_HELLO"},
	{AGENT_FID_PANIC, "AGENT_PANIC"},
};

START_TEST(function_names_cover_every_service)
{
	ck_assert_str_eq(smc_function_name(names[_i].fid), names[_i].name);
}
END_TEST

START_TEST(function_name_of_unknown_id_is_null)
{
	ck_assert_ptr_null(smc_function_name(0x82000000));
}
END_TEST

/* --- Limits: an SMC storm --------------------------------------------- */

START_TEST(smc_storm_past_the_trace_limit_is_answered_but_not_traced)
{
	const struct trace_event *ev;
	struct routed r;

	for (uint32_t i = 0; i < SMC_TRACE_MAX_EVENTS + 100; i++) {
		r = SMC(PSCI_VERSION);
		ck_assert_uint_eq(r.out.x[0], PSCI_VERSION_1_1);
	}
	ck_assert_uint_eq(router.count, SMC_TRACE_MAX_EVENTS + 100);
	ck_assert_uint_eq(router.untraced, 100);
	/* The traced calls, then one note saying the trace is full. */
	ck_assert_uint_eq(trace.count, SMC_TRACE_MAX_EVENTS + 1);
	ev = last_event();
	ck_assert_int_eq(ev->kind, TRACE_NOTE);
	ck_assert_ptr_nonnull(strstr(ev->summary, "trace full"));
	/* A call that ends the run is traced all the same. */
	r = SMC(PSCI_SYSTEM_OFF);
	ck_assert_int_eq(r.action, SMC_ACTION_POWER_OFF);
	ck_assert_uint_eq(trace.count, SMC_TRACE_MAX_EVENTS + 2);
	ev = last_event();
	ck_assert_str_eq(ev->name, "PSCI_SYSTEM_OFF");
	ck_assert_uint_eq(ev->seq, SMC_TRACE_MAX_EVENTS + 1);
	ck_assert_uint_eq(ev->fid, PSCI_SYSTEM_OFF);
}
END_TEST

START_TEST(repeated_finding_past_the_limit_is_counted_not_listed)
{
	for (uint32_t i = 0; i < FINDINGS_MAX + 500; i++) {
		SMC(0x82000000);
	}
	ck_assert_uint_eq(findings_count_kind(&findings, FINDING_UNIMPLEMENTED),
			  FINDINGS_MAX);
	ck_assert_uint_eq(findings.dropped, 500);
	ck_assert_ptr_nonnull(
		findings_find(&findings, "findings.repeats-dropped"));
	ck_assert_uint_eq(findings.count, FINDINGS_MAX + 1);
	/* A different finding, or the same in another step, is listed. */
	SMC(FFA_ID_GET);
	ck_assert_ptr_nonnull(
		findings_find(&findings, "ffa.call-before-version"));
	findings.current_step = 3;
	SMC(0x82000000);
	ck_assert_uint_eq(findings_count_kind(&findings, FINDING_UNIMPLEMENTED),
			  FINDINGS_MAX + 1);
	ck_assert_uint_eq(findings.dropped, 500);
}
END_TEST

#define MM_BUF (RAM_BASE + 0x8000)
#define MM_BUF_SIZE UINT64_C(0x4000)

/* Makes partition 0 an MM partition over a store; the caller frees both. */
static void use_mm_partition(struct varstore **store, struct mm_sp **mm)
{
	struct spmc_config cfg;
	struct mm_sp_config mc = {.buf_addr = MM_BUF, .buf_size = MM_BUF_SIZE};

	spmc_free(&spmc);
	spmc_config_default(&cfg);
	spmc_init(&spmc, &cfg, &ram.mem, &findings, NULL);
	*store = varstore_new(NULL);
	*mm = mm_sp_new(&mc, *store, &ram.mem, &findings, NULL);
	spmc_attach_mm(&spmc, 0, *mm);
}

START_TEST(doorbell_bytes_past_the_trace_limit_are_not_kept)
{
	static const struct efi_guid guid = MM_SMM_VARIABLE_GUID;
	struct mm_communicate_header hdr = {guid, MM_BUF_SIZE - 24};
	uint64_t function = MM_VAR_FN_GET_PAYLOAD_SIZE;
	uint64_t request = MM_BUF_SIZE;
	uint64_t reply = 24 + 16 + 8;
	uint64_t fit = SMC_TRACE_MAX_BYTES / (request + reply);
	struct varstore *store;
	struct mm_sp *mm;

	use_mm_partition(&store, &mm);
	memcpy(fake_guest_mem_at(&ram, MM_BUF, 24), &hdr, sizeof(hdr));
	memcpy(fake_guest_mem_at(&ram, MM_BUF + 24, 8), &function, 8);
	SMC(FFA_VERSION, FFA_VERSION_1_2);
	for (uint64_t i = 0; i < fit + 10; i++) {
		struct routed r = SMC(FFA_MSG_SEND_DIRECT_REQ_64, 0x8003);
		const struct trace_event *ev = last_event();

		/* The hostile request is answered whatever the trace keeps. */
		ck_assert_uint_eq(r.out.x[0], FFA_MSG_SEND_DIRECT_RESP_64);
		ck_assert_uint_eq(r.out.x[3], MM_RET_SUCCESS);
		ck_assert_ptr_nonnull(ev->mm);
		ck_assert_uint_eq(ev->mm->function, function);
		/* Restore the request the reply overwrote. */
		memcpy(fake_guest_mem_at(&ram, MM_BUF, 24), &hdr, sizeof(hdr));
		if (i < fit) {
			ck_assert_uint_eq(ev->mm->request_len, request);
			ck_assert_ptr_nonnull(ev->mm->request);
		} else {
			ck_assert_uint_eq(ev->mm->request_len, 0);
			ck_assert_ptr_null(ev->mm->request);
			ck_assert_ptr_null(ev->mm->response);
		}
	}
	ck_assert_uint_eq(router.trace_bytes, fit * (request + reply));
	mm_sp_free(mm);
	varstore_free(store);
}
END_TEST

Suite *smc_suite(void);

Suite *smc_suite(void)
{
	Suite *s = suite_create("smc");
	TCase *tc = tcase_create("routing");

	tcase_add_checked_fixture(tc, router_setup, router_teardown);
	tcase_add_test(tc, arch_owner_routes_to_the_architecture_service);
	tcase_add_test(tc, psci_range_routes_to_psci);
	tcase_add_test(tc, psci_system_off_action_reaches_the_caller);
	tcase_add_test(tc, trng_range_routes_to_the_absent_trng);
	tcase_add_test(tc, ffa_range_routes_to_the_spmc);
	tcase_add_test(tc, ffa_range_end_is_ffa_even_when_unknown_to_the_spmc);
	tcase_add_test(tc, oem_agent_range_routes_to_the_agent);
	tcase_add_loop_test(
		tc, unknown_function_gets_smc_unk_and_an_unimplemented_finding,
		0, (int)ARRAY_COUNT(unknown_fids));
	tcase_add_loop_test(tc, reserved_bit_set_in_fast_call_makes_it_unknown,
			    0, 7);
	tcase_add_test(tc, sve_hint_is_masked_before_routing);
	tcase_add_test(tc, upper_half_of_x0_is_ignored);
	tcase_add_loop_test(tc, function_names_cover_every_service, 0,
			    (int)ARRAY_COUNT(names));
	tcase_add_test(tc, function_name_of_unknown_id_is_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("trace");
	tcase_add_checked_fixture(tc, router_setup, router_teardown);
	tcase_add_test(tc, every_smc_is_traced_with_name_registers_and_pc);
	tcase_add_test(tc, unknown_smc_is_traced_too);
	tcase_add_loop_test(tc,
			    registers_a_service_does_not_define_are_preserved,
			    0, (int)ARRAY_COUNT(preserving_fids));
	tcase_add_test(tc, smc32_ffa_call_preserves_x8_to_x17);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, router_setup, router_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(
		tc, smc_storm_past_the_trace_limit_is_answered_but_not_traced);
	tcase_add_test(
		tc, repeated_finding_past_the_limit_is_counted_not_listed);
	tcase_add_test(tc, doorbell_bytes_past_the_trace_limit_are_not_kept);
	suite_add_tcase(s, tc);

	return s;
}
