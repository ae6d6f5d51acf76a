/*
 * Unit tests of models/agent.c, the harness side of the agent protocol
 * (include/abi/agent.h): HELLO validation, NEXT pausing the run, steps
 * written into the mailbox, REPORT read back with its payload bounds
 * checked, PANIC.  The mailbox lives in a flat fake RAM.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "abi/agent.h"
#include "common/error.h"
#include "common/finding.h"
#include "models/agent.h"
#include "models/smc_call.h"
#include "tests/fake_guest_mem.h"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define RAM_BASE UINT64_C(0x40000000)
#define RAM_SIZE UINT64_C(0x10000)
#define MAILBOX (RAM_BASE + 0x1000)
#define MAILBOX_SIZE UINT64_C(0x1000)

/* Check fixture state: the only file-scope mutable state (STYLE C1). */
static struct fake_guest_mem ram;
static struct findings findings;
static struct agent agent;

static void agent_setup(void)
{
	fake_guest_mem_init(&ram, RAM_BASE, RAM_SIZE);
	findings_init(&findings);
	agent_init(&agent, &ram.mem, &findings);
}

static void agent_teardown(void)
{
	agent_free(&agent);
	findings_free(&findings);
	fake_guest_mem_free(&ram);
}

static struct smc_call run(struct smccc_regs in)
{
	struct smc_call c;

	memset(&c, 0, sizeof(c));
	c.in = in;
	c.out = in;
	c.event = NULL;
	c.action = SMC_ACTION_RETURN;
	agent_handle(&agent, &c);
	return c;
}

#define AGENT(...) run((struct smccc_regs){.x = {__VA_ARGS__}})

#define ASSERT_PROTOCOL_ERROR(c, code)                                  \
	do {                                                            \
		ck_assert_int_eq((int64_t)(c).out.x[0], (code));        \
		ck_assert_int_eq((c).disposition, SMC_DISP_ERROR);      \
		ck_assert_int_eq((c).action, SMC_ACTION_RETURN);        \
		ck_assert_ptr_nonnull(                                  \
			findings_find(&findings, "agent.protocol"));    \
		ck_assert_uint_eq(                                      \
			findings_count_kind(&findings, FINDING_ERROR), 1); \
	} while (0)

static void hello(void)
{
	struct smc_call c = AGENT(AGENT_FID_HELLO, AGENT_PROTOCOL_VERSION,
				  AGENT_KIND_REFERENCE_CLIENT, MAILBOX,
				  MAILBOX_SIZE, RAM_BASE, 0x800);

	ck_assert_uint_eq(c.out.x[0], AGENT_OK);
}

static void next(void)
{
	struct smc_call c = AGENT(AGENT_FID_NEXT);

	ck_assert_int_eq(c.action, SMC_ACTION_AGENT_WAIT);
}

/* Writes a result with payload_size bytes of payload into the mailbox. */
static void put_result(uint64_t payload_size, const void *payload,
		       size_t len)
{
	struct agent_result r;

	memset(&r, 0, sizeof(r));
	r.op = AGENT_OP_GET_VARIABLE;
	r.status = UINT64_C(0x800000000000000e);
	r.data_size = len;
	r.payload_size = payload_size;
	memcpy(fake_guest_mem_at(&ram, MAILBOX, sizeof(r)), &r, sizeof(r));
	if (len != 0) {
		memcpy(fake_guest_mem_at(&ram,
					 MAILBOX + AGENT_RESULT_PAYLOAD_OFFSET,
					 len),
		       payload, len);
	}
}

/* --- HELLO ---------------------------------------------------------------- */

START_TEST(hello_with_good_mailbox_answers_ok_and_our_version)
{
	struct smc_call c = AGENT(AGENT_FID_HELLO, AGENT_PROTOCOL_VERSION,
				  AGENT_KIND_EFI_APPLICATION, MAILBOX,
				  MAILBOX_SIZE, RAM_BASE, 0x800);

	ck_assert_uint_eq(c.out.x[0], AGENT_OK);
	ck_assert_uint_eq(c.out.x[1], AGENT_PROTOCOL_VERSION);
	ck_assert_int_eq(c.disposition, SMC_DISP_OK);
	ck_assert_str_eq(c.name, "AGENT_HELLO");
	ck_assert_uint_eq(agent.kind, AGENT_KIND_EFI_APPLICATION);
	ck_assert_uint_eq(agent.image_size, 0x800);
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(hello_with_unknown_version_is_refused)
{
	struct smc_call c = AGENT(AGENT_FID_HELLO, AGENT_PROTOCOL_VERSION + 1,
				  1, MAILBOX, MAILBOX_SIZE);

	ASSERT_PROTOCOL_ERROR(c, AGENT_ERR_VERSION);
	c = AGENT(AGENT_FID_NEXT); /* no HELLO took effect */
	ck_assert_int_eq((int64_t)c.out.x[0], AGENT_ERR_STATE);
}
END_TEST

static const struct {
	uint64_t addr, size;
} bad_mailboxes[] = {
	{0x1000, MAILBOX_SIZE},                      /* not RAM */
	{MAILBOX, AGENT_RESULT_PAYLOAD_OFFSET - 1},   /* no room for a result */
	{MAILBOX, 0},
	{RAM_BASE + RAM_SIZE - 0x800, 0x1000},        /* runs past RAM */
	{RAM_BASE, AGENT_MAX_MAILBOX + 1},            /* too big */
	{UINT64_C(0xfffffffffffff000), 0x2000},       /* wraps */
};

START_TEST(hello_with_bad_mailbox_is_refused)
{
	struct smc_call c = AGENT(AGENT_FID_HELLO, AGENT_PROTOCOL_VERSION, 1,
				  bad_mailboxes[_i].addr,
				  bad_mailboxes[_i].size);

	ASSERT_PROTOCOL_ERROR(c, AGENT_ERR_MAILBOX);
}
END_TEST

START_TEST(hello_with_smallest_mailbox_is_accepted)
{
	struct smc_call c = AGENT(AGENT_FID_HELLO, AGENT_PROTOCOL_VERSION, 1,
				  MAILBOX, AGENT_RESULT_PAYLOAD_OFFSET);

	ck_assert_uint_eq(c.out.x[0], AGENT_OK);
}
END_TEST

/* --- NEXT and steps ------------------------------------------------------- */

START_TEST(next_before_hello_is_a_state_error)
{
	struct smc_call c = AGENT(AGENT_FID_NEXT);

	ASSERT_PROTOCOL_ERROR(c, AGENT_ERR_STATE);
	ck_assert_str_eq(c.name, "AGENT_NEXT");
}
END_TEST

START_TEST(next_pauses_the_run_for_a_step)
{
	struct smc_call c;

	hello();
	c = AGENT(AGENT_FID_NEXT);
	ck_assert_int_eq(c.action, SMC_ACTION_AGENT_WAIT);
	ck_assert_int_eq(c.disposition, SMC_DISP_STOP);
	ck_assert(agent.waiting);
}
END_TEST

START_TEST(give_step_writes_the_mailbox_and_returns_x0_x1)
{
	static const char payload[] = "B\0o\0o\0t\0\0\0data";
	struct agent_step step, back;
	struct smccc_regs regs;
	struct error err;

	hello();
	next();
	memset(&step, 0, sizeof(step));
	memset(&regs, 0xee, sizeof(regs));
	step.op = AGENT_OP_SET_VARIABLE;
	step.attributes = 7;
	step.name_size = 10;
	step.data_size = 4;
	error_clear(&err);
	ck_assert(agent_give_step(&agent, &step, payload, 14, &regs, &err));
	ck_assert_uint_eq(regs.x[0], AGENT_OK);
	ck_assert_uint_eq(regs.x[1], AGENT_OP_SET_VARIABLE);
	memcpy(&back, fake_guest_mem_at(&ram, MAILBOX, sizeof(back)),
	       sizeof(back));
	ck_assert_mem_eq(&back, &step, sizeof(step));
	ck_assert_mem_eq(
		fake_guest_mem_at(&ram, MAILBOX + AGENT_STEP_PAYLOAD_OFFSET,
				  14),
		payload, 14);
	ck_assert(!agent.waiting);
	ck_assert_uint_eq(agent.steps, 1);
}
END_TEST

START_TEST(give_step_when_not_waiting_fails)
{
	struct agent_step step = {.op = AGENT_OP_PRINT};
	struct smccc_regs regs;
	struct error err;

	hello();
	error_clear(&err);
	ck_assert(!agent_give_step(&agent, &step, NULL, 0, &regs, &err));
	ck_assert_ptr_nonnull(strstr(err.message, "not waiting"));
	next();
	ck_assert(agent_give_step(&agent, &step, NULL, 0, &regs, &err));
	error_clear(&err);
	ck_assert(!agent_give_step(&agent, &step, NULL, 0, &regs, &err));
}
END_TEST

START_TEST(give_step_with_payload_larger_than_mailbox_fails)
{
	static uint8_t payload[MAILBOX_SIZE];
	struct agent_step step = {.op = AGENT_OP_SET_VARIABLE};
	struct smccc_regs regs;
	struct error err;

	hello();
	next();
	error_clear(&err);
	ck_assert(!agent_give_step(&agent, &step, payload,
				   MAILBOX_SIZE - AGENT_STEP_PAYLOAD_OFFSET + 1,
				   &regs, &err));
	ck_assert_ptr_nonnull(strstr(err.message, "does not fit"));
	ck_assert(agent.waiting); /* still waiting for a usable step */
	ck_assert(agent_give_step(&agent, &step, payload,
				  MAILBOX_SIZE - AGENT_STEP_PAYLOAD_OFFSET,
				  &regs, &err));
}
END_TEST

/* --- REPORT --------------------------------------------------------------- */

START_TEST(report_before_hello_is_a_state_error)
{
	struct smc_call c = AGENT(AGENT_FID_REPORT, AGENT_OP_GET_VARIABLE);

	ASSERT_PROTOCOL_ERROR(c, AGENT_ERR_STATE);
}
END_TEST

START_TEST(report_reads_the_result_and_its_payload)
{
	static const uint8_t data[5] = {1, 2, 3, 4, 5};
	struct agent_result r;
	const uint8_t *payload = NULL;
	size_t len = 0;
	struct smc_call c;

	hello();
	put_result(sizeof(data), data, sizeof(data));
	c = AGENT(AGENT_FID_REPORT, AGENT_OP_GET_VARIABLE);
	ck_assert_uint_eq(c.out.x[0], AGENT_OK);
	ck_assert_int_eq(c.disposition, SMC_DISP_OK);
	ck_assert(agent_take_result(&agent, &r, &payload, &len));
	ck_assert_uint_eq(r.op, AGENT_OP_GET_VARIABLE);
	ck_assert_uint_eq(r.status, UINT64_C(0x800000000000000e));
	ck_assert_uint_eq(len, sizeof(data));
	ck_assert_mem_eq(payload, data, sizeof(data));
	/* Taken once. */
	ck_assert(!agent_take_result(&agent, &r, &payload, &len));
}
END_TEST

START_TEST(report_payload_filling_the_mailbox_exactly_is_accepted)
{
	struct agent_result r;
	const uint8_t *payload;
	size_t len;
	struct smc_call c;

	hello();
	put_result(MAILBOX_SIZE - AGENT_RESULT_PAYLOAD_OFFSET, NULL, 0);
	c = AGENT(AGENT_FID_REPORT, AGENT_OP_GET_VARIABLE);
	ck_assert_uint_eq(c.out.x[0], AGENT_OK);
	ck_assert(agent_take_result(&agent, &r, &payload, &len));
	ck_assert_uint_eq(len, MAILBOX_SIZE - AGENT_RESULT_PAYLOAD_OFFSET);
}
END_TEST

static const uint64_t bad_payload_sizes[] = {
	MAILBOX_SIZE - AGENT_RESULT_PAYLOAD_OFFSET + 1,
	MAILBOX_SIZE,
	UINT64_MAX,
	UINT64_MAX - AGENT_RESULT_PAYLOAD_OFFSET + 1, /* sum wraps to 0 */
};

START_TEST(report_with_payload_larger_than_mailbox_is_refused)
{
	struct agent_result r;
	const uint8_t *payload;
	size_t len;
	struct smc_call c;

	hello();
	put_result(bad_payload_sizes[_i], NULL, 0);
	c = AGENT(AGENT_FID_REPORT, AGENT_OP_GET_VARIABLE);
	ASSERT_PROTOCOL_ERROR(c, AGENT_ERR_RESULT);
	ck_assert(!agent_take_result(&agent, &r, &payload, &len));
}
END_TEST

START_TEST(new_step_discards_an_untaken_result)
{
	struct agent_step step = {.op = AGENT_OP_PRINT};
	struct agent_result r;
	const uint8_t *payload;
	struct smccc_regs regs;
	struct error err;
	size_t len;

	hello();
	put_result(0, NULL, 0);
	AGENT(AGENT_FID_REPORT, AGENT_OP_GET_VARIABLE);
	next();
	error_clear(&err);
	ck_assert(agent_give_step(&agent, &step, NULL, 0, &regs, &err));
	ck_assert(!agent_take_result(&agent, &r, &payload, &len));
}
END_TEST

/* --- PANIC and the rest --------------------------------------------------- */

START_TEST(panic_stops_the_run_and_keeps_the_registers)
{
	struct smc_call c = AGENT(AGENT_FID_PANIC, 0x96000045, 0x40001000,
				  0xdead0000, 0x200);

	ck_assert_int_eq(c.action, SMC_ACTION_AGENT_PANIC);
	ck_assert_int_eq(c.disposition, SMC_DISP_STOP);
	ck_assert_str_eq(c.name, "AGENT_PANIC");
	ck_assert(agent.panicked);
	ck_assert_uint_eq(agent.panic_esr, 0x96000045);
	ck_assert_uint_eq(agent.panic_elr, 0x40001000);
	ck_assert_uint_eq(agent.panic_far, 0xdead0000);
	ck_assert_uint_eq(agent.panic_vector, 0x200);
}
END_TEST

START_TEST(unknown_agent_function_is_unimplemented)
{
	struct smc_call c = AGENT(AGENT_FUNC_LAST + 1 + 0xc3000000u);

	ck_assert_uint_eq(c.out.x[0], UINT64_MAX);
	ck_assert_int_eq(c.disposition, SMC_DISP_UNIMPLEMENTED);
	ck_assert_str_eq(c.name, "OEM_UNKNOWN");
	ck_assert_uint_eq(findings_count_kind(&findings, FINDING_UNIMPLEMENTED),
			  1);
}
END_TEST

START_TEST(op_names_round_trip)
{
	uint32_t op = (uint32_t)_i;
	uint32_t back = 999;

	ck_assert_str_ne(agent_op_name(op), "unknown");
	ck_assert(agent_op_parse(agent_op_name(op), &back));
	ck_assert_uint_eq(back, op);
}
END_TEST

START_TEST(unknown_op_and_function_names)
{
	uint32_t op;

	ck_assert_str_eq(agent_op_name(AGENT_OP_COUNT), "unknown");
	ck_assert(!agent_op_parse("fly", &op));
	ck_assert_str_eq(agent_function_name(AGENT_FID_REPORT), "AGENT_REPORT");
	ck_assert_ptr_null(agent_function_name(0xc300fffe));
}
END_TEST

Suite *agent_suite(void);

Suite *agent_suite(void)
{
	Suite *s = suite_create("agent");
	TCase *tc = tcase_create("agent");

	tcase_add_checked_fixture(tc, agent_setup, agent_teardown);
	tcase_add_test(tc, hello_with_good_mailbox_answers_ok_and_our_version);
	tcase_add_test(tc, hello_with_unknown_version_is_refused);
	tcase_add_loop_test(tc, hello_with_bad_mailbox_is_refused, 0,
			    (int)ARRAY_COUNT(bad_mailboxes));
	tcase_add_test(tc, hello_with_smallest_mailbox_is_accepted);
	tcase_add_test(tc, next_before_hello_is_a_state_error);
	tcase_add_test(tc, next_pauses_the_run_for_a_step);
	tcase_add_test(tc, give_step_writes_the_mailbox_and_returns_x0_x1);
	tcase_add_test(tc, give_step_when_not_waiting_fails);
	tcase_add_test(tc, give_step_with_payload_larger_than_mailbox_fails);
	tcase_add_test(tc, report_before_hello_is_a_state_error);
	tcase_add_test(tc, report_reads_the_result_and_its_payload);
	tcase_add_test(tc,
		       report_payload_filling_the_mailbox_exactly_is_accepted);
	tcase_add_loop_test(tc,
			    report_with_payload_larger_than_mailbox_is_refused,
			    0, (int)ARRAY_COUNT(bad_payload_sizes));
	tcase_add_test(tc, new_step_discards_an_untaken_result);
	tcase_add_test(tc, panic_stops_the_run_and_keeps_the_registers);
	tcase_add_test(tc, unknown_agent_function_is_unimplemented);
	tcase_add_loop_test(tc, op_names_round_trip, 0, AGENT_OP_COUNT);
	tcase_add_test(tc, unknown_op_and_function_names);
	suite_add_tcase(s, tc);
	return s;
}
