/*
 * Unit tests of models/secure_world.c, the secure world's owner, driven as
 * a backend drives it: secure_world_call() with registers, guest memory
 * through a flat fake, and an observer.  Checks the wiring the owner is
 * for: routing with the caller in the trace, doorbells announced around
 * the partition's work, one lifecycle read by the injector and the
 * SPMC's unmap auditor, and the phase changes traced.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "abi/efi.h"
#include "abi/ffa.h"
#include "abi/mm.h"
#include "abi/optee.h"
#include "abi/psci.h"
#include "common/finding.h"
#include "common/trace.h"
#include "emulator/qemu.h"
#include "harness/qemu_run.h"
#include "models/secure_world.h"
#include "models/spmc.h"
#include "tests/fake_guest_mem.h"

#define RAM_BASE UINT64_C(0x40000000)
#define RAM_SIZE UINT64_C(0x100000)
#define BUF (RAM_BASE + 0x80000)
#define BUF_SIZE UINT64_C(0x4000)
#define TX (RAM_BASE + 0x10000)
#define RX (RAM_BASE + 0x11000)
#define MM_SP_ID 0x8003

/* Check fixture state: the only file-scope mutable state (STYLE C1). */
static struct fake_guest_mem ram;
static struct trace trace;
static struct findings findings;
static struct secure_world *world;
static struct {
	int begins, ends;
	struct sw_doorbell last;
} seen;

static void on_doorbell(void *ctx, enum sw_doorbell_edge edge,
			const struct sw_doorbell *d)
{
	(void)ctx;
	if (edge == SW_DOORBELL_BEGIN) {
		seen.begins++;
	} else {
		seen.ends++;
	}
	seen.last = *d;
}

static void make_world_optee(bool audit_unmap, bool optee)
{
	struct secure_world_config cfg;
	struct secure_world_ports ports = {&ram.mem, &ram.mem};
	struct sw_observer obs = {.doorbell = on_doorbell};
	struct error err = {0};

	secure_world_config_default(&cfg);
	cfg.mm_buf_addr = BUF;
	cfg.mm_buf_size = BUF_SIZE;
	cfg.spmc.audit_rxtx_unmap_at_exit = audit_unmap;
	cfg.optee = optee;
	world = secure_world_new(&cfg, &ports, &trace, &findings, &err);
	ck_assert_ptr_nonnull(world);
	secure_world_observe(world, &obs);
}

static void make_world(bool audit_unmap)
{
	make_world_optee(audit_unmap, false);
}

static void setup(void)
{
	fake_guest_mem_init(&ram, RAM_BASE, RAM_SIZE);
	trace_init(&trace);
	findings_init(&findings);
	memset(&seen, 0, sizeof(seen));
	make_world(true);
}

static void teardown(void)
{
	secure_world_free(world);
	findings_free(&findings);
	trace_free(&trace);
	fake_guest_mem_free(&ram);
}

static struct smccc_regs call_as(unsigned cpu, unsigned el,
				 struct smccc_regs in)
{
	struct sw_caller caller = {.cpu = cpu, .el = (uint8_t)el};
	struct smccc_regs out;
	enum smc_action a;

	a = secure_world_call(world, &caller, &in, 0x40001000, 0x40002000, 7,
			      &out);
	ck_assert_int_eq(a, SMC_ACTION_RETURN);
	return out;
}

#define CALL(...) call_as(0, 1, (struct smccc_regs){.x = {__VA_ARGS__}})

static void discover(void)
{
	ck_assert_uint_eq(CALL(FFA_VERSION, FFA_VERSION_1_1).x[0],
			  FFA_VERSION_1_2);
	ck_assert_uint_eq(CALL(FFA_RXTX_MAP_64, TX, RX, 1).x[0],
			  FFA_SUCCESS_32);
}

/* Writes an MM variable request with no payload (an event) at BUF. */
static void mm_event(uint64_t function)
{
	static const struct efi_guid g = MM_SMM_VARIABLE_GUID;
	uint8_t *m = fake_guest_mem_at(&ram, BUF, MM_VAR_PAYLOAD_OFFSET);
	uint64_t len = MM_VAR_HEADER_SIZE;

	memset(m, 0, MM_VAR_PAYLOAD_OFFSET);
	memcpy(m, &g, sizeof(g));
	memcpy(m + 16, &len, 8);
	memcpy(m + 24, &function, 8);
}

static struct smccc_regs doorbell(void)
{
	return CALL(FFA_MSG_SEND_DIRECT_REQ_64, ffa_endpoints(0, MM_SP_ID), 0,
		    0);
}

static const struct trace_event *last_of(enum trace_kind kind)
{
	for (size_t i = trace.count; i-- > 0;) {
		if (trace.events[i].kind == kind) {
			return &trace.events[i];
		}
	}
	return NULL;
}

START_TEST(calls_are_routed_and_traced_with_their_caller)
{
	struct smccc_regs out =
		call_as(2, 2, (struct smccc_regs){.x = {FFA_VERSION,
							FFA_VERSION_1_1}});
	const struct trace_event *ev = last_of(TRACE_SMC);

	ck_assert_uint_eq(out.x[0], FFA_VERSION_1_2);
	ck_assert_ptr_nonnull(ev);
	ck_assert_str_eq(ev->name, "FFA_VERSION");
	ck_assert_str_eq(ev->service, "ffa");
	ck_assert_uint_eq(ev->cpu, 2);
	ck_assert_uint_eq(ev->el, 2);
	ck_assert_uint_eq(ev->pc, 0x40001000);
	ck_assert_uint_eq(secure_world_smc_count(world), 1);
	ck_assert(ev->has_endpoint);
	ck_assert_uint_eq(ev->endpoint, 0);
	ck_assert_uint_eq(ev->field_count, 2);
	ck_assert_str_eq(ev->fields[0].key, "requested");
	ck_assert_str_eq(ev->fields[0].text, "1.1");
	ck_assert_str_eq(ev->fields[1].text, "1.2");
	out = CALL(FFA_RXTX_MAP_64, TX, RX, 1);
	ev = last_of(TRACE_SMC);
	ck_assert_uint_eq(ev->field_count, 3);
	ck_assert_str_eq(ev->fields[0].key, "tx");
	ck_assert_uint_eq(ev->fields[0].value, TX);
	ck_assert_str_eq(ev->fields[1].key, "rx");
	ck_assert_uint_eq(ev->fields[1].value, RX);
	ck_assert_str_eq(ev->fields[2].key, "pages");
	ck_assert_uint_eq(ev->fields[2].value, 1);
	out = CALL(PSCI_VERSION);
	ck_assert(!last_of(TRACE_SMC)->has_endpoint); /* not an FF-A call */
	ck_assert_str_eq(last_of(TRACE_SMC)->service, "psci");
}
END_TEST

START_TEST(ffa_answers_preserve_x8_to_x17)
{
	struct smccc_regs in = {.x = {FFA_VERSION, FFA_VERSION_1_1}};
	struct smccc_regs out;

	for (unsigned i = 8; i < SMCCC_REG_COUNT; i++) {
		in.x[i] = 0x1000 + i;
	}
	out = call_as(0, 2, in);
	ck_assert_uint_eq(out.x[0], FFA_VERSION_1_2);
	for (unsigned i = 8; i < SMCCC_REG_COUNT; i++) {
		ck_assert_uint_eq(out.x[i], 0x1000 + i);
	}
	in.x[0] = FFA_ID_GET;
	in.x[1] = 0;
	out = call_as(0, 2, in);
	ck_assert_uint_eq(out.x[0], FFA_SUCCESS_32);
	ck_assert_uint_eq(out.x[9], 0x1009);
}
END_TEST

/* The QEMU backend's answer asks for the SRI only after an SMC raised it. */
START_TEST(qemu_answer_carries_the_sri_of_a_notification)
{
	/* 7e571e57-0000-4000-8000-000000000001 as four little-endian words. */
	static const struct ffa_uuid test_uuid = {
	    {0x571e577e, 0x00400000, 0x00000080, 0x01000000}};
	struct secure_world_config cfg;
	struct secure_world_ports ports = {&ram.mem, &ram.mem};
	struct error err = {0};
	struct smccc_regs r;
	struct qemu_answer ans = {.action = QEMU_SMC_RETURN};

	secure_world_free(world);
	secure_world_config_default(&cfg);
	cfg.mm_buf_addr = BUF;
	cfg.mm_buf_size = BUF_SIZE;
	cfg.spmc.partition_count = 1;
	cfg.spmc.partitions[0] = (struct spmc_partition_config){
	    .name = "test", .id = 0x8010, .uuid = test_uuid,
	    .properties = 0x10b, .exec_ctx_count = 1, .model = SP_MODEL_TEST};
	world = secure_world_new(&cfg, &ports, &trace, &findings, &err);
	ck_assert_ptr_nonnull(world);
	discover();
	ck_assert_uint_eq(CALL(FFA_NOTIFICATION_BITMAP_CREATE, 0, 1).x[0],
			  FFA_SUCCESS_32);
	ck_assert_uint_eq(
	    CALL(FFA_NOTIFICATION_BIND, ffa_endpoints(0x8010, 0), 0, 1u << 3)
		.x[0],
	    FFA_SUCCESS_32);
	r = (struct smccc_regs){.x = {FFA_ID_GET}};
	qemu_world_answer(world, 0, 1, 0x40001000, &r, &ans);
	ck_assert_uint_eq(ans.ns_sgi, 0);
	/* The partition sets notification 3 for the normal world. */
	r = (struct smccc_regs){.x = {FFA_MSG_SEND_DIRECT_REQ_64,
				       ffa_endpoints(0, 0x8010), 0, 6, 0,
				       1u << 3, 0}};
	qemu_world_answer(world, 0, 1, 0x40001000, &r, &ans);
	ck_assert_uint_eq(r.x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	ck_assert_uint_eq(r.x[3], 0);
	ck_assert_uint_eq(ans.ns_sgi, 8 + 1);
	ans.ns_sgi = 0;
	r = (struct smccc_regs){.x = {FFA_ID_GET}};
	qemu_world_answer(world, 0, 1, 0x40001000, &r, &ans);
	ck_assert_uint_eq(ans.ns_sgi, 0);
}
END_TEST

START_TEST(doorbell_is_announced_before_and_after_the_partition)
{
	discover();
	mm_event(MM_VAR_FN_READY_TO_BOOT);
	ck_assert_uint_eq(doorbell().x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	ck_assert_int_eq(seen.begins, 1);
	ck_assert_int_eq(seen.ends, 1);
	ck_assert_uint_eq(seen.last.partition, MM_SP_ID);
	ck_assert_uint_eq(seen.last.buf_addr, BUF);
	ck_assert_uint_eq(seen.last.buf_size, BUF_SIZE);
	ck_assert_uint_eq(secure_world_mm_doorbells(world), 1);
	ck_assert_str_eq(last_of(TRACE_SMC)->returned,
			 "FFA_MSG_SEND_DIRECT_RESP_64");
	/* Not a doorbell: nothing announced. */
	CALL(FFA_ID_GET);
	ck_assert_int_eq(seen.begins, 1);
}
END_TEST

START_TEST(mm_events_move_the_phase_and_are_traced)
{
	struct lifecycle *lc = secure_world_lifecycle(world);
	const struct trace_event *ph;

	discover();
	mm_event(MM_VAR_FN_READY_TO_BOOT);
	doorbell();
	ck_assert_int_eq(lc->phase, LIFECYCLE_READY_TO_BOOT);
	mm_event(MM_VAR_FN_EXIT_BOOT_SERVICE);
	doorbell();
	ck_assert_int_eq(lc->phase, LIFECYCLE_EXIT_BOOT_SERVICES);
	ph = last_of(TRACE_PHASE);
	ck_assert_ptr_nonnull(ph);
	ck_assert_str_eq(ph->phase_from, "ready-to-boot");
	ck_assert_str_eq(ph->phase_to, "exit-boot-services");
	ck_assert_str_eq(ph->evidence, "mm-exit-boot-service");
}
END_TEST

START_TEST(injector_reads_the_lifecycle)
{
	struct inject_rule r = {.kind = INJECT_KIND_FFA_ERROR,
				.code = FFA_RET_BUSY,
				.remaining = 1,
				.after_exit_boot_services = true};

	ck_assert(inject_add(secure_world_injector(world), &r));
	discover();
	mm_event(MM_VAR_FN_READY_TO_BOOT);
	ck_assert_uint_eq(doorbell().x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	/* Not the MM event: the agent's report alone starts the runtime. */
	lifecycle_evidence(secure_world_lifecycle(world),
			   EVIDENCE_AGENT_EXIT_BOOT_SERVICES);
	ck_assert_uint_eq(doorbell().x[0], FFA_ERROR);
	ck_assert_uint_eq(doorbell().x[0], FFA_MSG_SEND_DIRECT_RESP_64);
}
END_TEST

START_TEST(rxtx_still_mapped_at_runtime_is_a_finding)
{
	discover();
	lifecycle_evidence(secure_world_lifecycle(world),
			   EVIDENCE_MM_EXIT_BOOT_SERVICE);
	ck_assert_uint_eq(findings.count, 0); /* exiting: not yet */
	lifecycle_evidence(secure_world_lifecycle(world),
			   EVIDENCE_FIRMWARE_EXIT_RETURNED);
	ck_assert_ptr_nonnull(findings_find(
		&findings, "ffa.rxtx-mapped-after-exit-boot-services"));
}
END_TEST

START_TEST(rxtx_unmapped_in_time_or_audit_off_is_no_finding)
{
	discover();
	ck_assert_uint_eq(CALL(FFA_RXTX_UNMAP, 0).x[0], FFA_SUCCESS_32);
	lifecycle_evidence(secure_world_lifecycle(world),
			   EVIDENCE_FIRMWARE_EXIT_RETURNED);
	ck_assert_uint_eq(findings.count, 0);

	secure_world_free(world);
	make_world(false);
	discover();
	lifecycle_evidence(secure_world_lifecycle(world),
			   EVIDENCE_AGENT_EXIT_BOOT_SERVICES);
	ck_assert_uint_eq(findings.count, 0);
	ck_assert(secure_world_spmc(world)->rxtx.mapped);
}
END_TEST

/* OP-TEE OPEN_SESSION to the device-enumeration pseudo-TA; the session. */
#define OPTEE_ARG (RAM_BASE + 0x20000)
static uint32_t optee_open_enum_session(void)
{
	static const uint8_t uuid[16] = OPTEE_PTA_DEVICE_ENUM_UUID;
	uint8_t *m = fake_guest_mem_at(&ram, OPTEE_ARG, 96);
	uint32_t v;
	uint64_t meta = 0x101;

	memset(m, 0, 96);
	v = OPTEE_MSG_CMD_OPEN_SESSION;
	memcpy(m, &v, 4);
	v = 2;
	memcpy(m + 28, &v, 4);
	memcpy(m + 32, &meta, 8);
	memcpy(m + 40, uuid, 16);
	memcpy(m + 64, &meta, 8);
	ck_assert_uint_eq(CALL(OPTEE_SMC_EXCHANGE_CAPABILITIES, 1).x[0],
			  OPTEE_SMC_RETURN_OK);
	ck_assert_uint_eq(CALL(OPTEE_SMC_CALL_WITH_ARG, 0, OPTEE_ARG).x[0],
			  OPTEE_SMC_RETURN_OK);
	memcpy(&v, m + 20, 4);
	ck_assert_uint_eq(v, TEEC_SUCCESS);
	memcpy(&v, m + 8, 4);
	return v;
}

/* The owner wires OP-TEE's released audit to the runtime phase. */
START_TEST(optee_sessions_left_open_are_found_at_runtime)
{
	secure_world_free(world);
	make_world_optee(false, true);
	ck_assert_uint_ne(optee_open_enum_session(), 0);
	/* OP-TEE's buffers are coherent: no doorbell for the cache model. */
	ck_assert_int_eq(seen.begins, 0);
	ck_assert_int_eq(seen.ends, 0);
	lifecycle_evidence(secure_world_lifecycle(world),
			   EVIDENCE_MM_EXIT_BOOT_SERVICE);
	ck_assert_uint_eq(findings.count, 0);
	lifecycle_evidence(secure_world_lifecycle(world),
			   EVIDENCE_AGENT_EXIT_BOOT_SERVICES);
	ck_assert_uint_eq(findings.count, 1);
	ck_assert_ptr_nonnull(
		findings_find(&findings, "optee.session-left-open"));
	secure_world_end_run(world); /* named once */
	ck_assert_uint_eq(findings.count, 1);
}
END_TEST

/* ... and the end of a run that never reached it to what boot opened. */
START_TEST(optee_sessions_left_open_are_found_at_the_end_of_the_run)
{
	secure_world_free(world);
	make_world_optee(false, true);
	ck_assert_uint_ne(optee_open_enum_session(), 0);
	ck_assert_uint_eq(findings.count, 0);
	secure_world_end_run(world);
	ck_assert_uint_eq(findings.count, 1);
	ck_assert_uint_eq(findings.items[0].trace_seq, FINDING_NO_SEQ);
	ck_assert_ptr_nonnull(strstr(findings.items[0].message,
				     "at the end of the run"));
	/* A world without OP-TEE has nothing to audit. */
	secure_world_free(world);
	findings_free(&findings);
	findings_init(&findings);
	make_world(false);
	secure_world_end_run(world);
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

Suite *secure_world_suite(void);

Suite *secure_world_suite(void)
{
	Suite *s = suite_create("secure_world");
	TCase *tc = tcase_create("secure_world");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, calls_are_routed_and_traced_with_their_caller);
	tcase_add_test(tc, ffa_answers_preserve_x8_to_x17);
	tcase_add_test(tc, qemu_answer_carries_the_sri_of_a_notification);
	tcase_add_test(tc, doorbell_is_announced_before_and_after_the_partition);
	tcase_add_test(tc, mm_events_move_the_phase_and_are_traced);
	tcase_add_test(tc, injector_reads_the_lifecycle);
	tcase_add_test(tc, rxtx_still_mapped_at_runtime_is_a_finding);
	tcase_add_test(tc, rxtx_unmapped_in_time_or_audit_off_is_no_finding);
	tcase_add_test(tc, optee_sessions_left_open_are_found_at_runtime);
	tcase_add_test(
		tc, optee_sessions_left_open_are_found_at_the_end_of_the_run);
	suite_add_tcase(s, tc);
	return s;
}
