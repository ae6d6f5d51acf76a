/*
 * Unit tests of harness/expect.c: every kind of `expect:` entry of a step
 * (docs/scenarios.md), once met and once not, with the check it records:
 * what, expected, seen, ok and the scenario line.
 *
 * The step is built by hand in a fresh session (no firmware is run): the
 * agent's report, two SMCs in the trace (FFA_VERSION, then an MM
 * GetVariable doorbell with its decoded request), console output written
 * to the PL011 and one firmware finding.  Each table row fills exactly one
 * expectation, so expect_step() must record exactly one check.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "abi/agent.h"
#include "abi/efi.h"
#include "abi/ffa.h"
#include "abi/mm.h"
#include "common/error.h"
#include "common/finding.h"
#include "common/strbuf.h"
#include "common/trace.h"
#include "emulator/machine.h"
#include "emulator/pl011.h"
#include "harness/expect.h"
#include "harness/runner.h"
#include "harness/scenario.h"
#include "harness/session.h"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define CONSOLE_TEXT "hello world\n"
#define STEP 0
#define NAME_SIZE 10u /* L"Boot" */

static const struct efi_guid global_guid = EFI_GLOBAL_VARIABLE_GUID;
static const struct efi_guid other_guid = MM_SMM_VARIABLE_GUID;
static const uint16_t boot_name[] = {'B', 'o', 'o', 't', 0};

/* Check fixture state: the only file-scope mutable state (STYLE C1). */
static struct session session;
static struct scenario_step step;
static struct step_run sr;
static struct scenario_smc_match match;

/* The decoded GetVariable request: header, name, then 4 data bytes. */
static void add_doorbell(void)
{
	struct trace_event *ev = trace_append(&session.trace, TRACE_SMC);
	struct trace_mm *mm;
	size_t at = MM_VAR_PAYLOAD_OFFSET + MM_ACCESS_VARIABLE_NAME_OFFSET;

	ev->fid = FFA_MSG_SEND_DIRECT_REQ_64;
	ev->name = "FFA_MSG_SEND_DIRECT_REQ_64";
	ev->in[0] = FFA_MSG_SEND_DIRECT_REQ_64;
	ev->in[1] = 0x8003;
	ev->out[0] = FFA_MSG_SEND_DIRECT_RESP_64;
	trace_event_field(ev, "sri", 8); /* a partition set a notification */
	mm = trace_event_mm(ev);
	mm->function = MM_VAR_FN_GET_VARIABLE;
	mm->has_variable = true;
	mm->name = xstrdup("Boot");
	mm->vendor_guid = global_guid;
	mm->attributes = EFI_VARIABLE_NON_VOLATILE |
			 EFI_VARIABLE_BOOTSERVICE_ACCESS;
	mm->name_size = NAME_SIZE;
	mm->data_size = 4;
	mm->message_length = MM_VAR_HEADER_SIZE +
			     MM_ACCESS_VARIABLE_NAME_OFFSET + NAME_SIZE + 4;
	mm->mm_ret = MM_RET_SUCCESS;
	mm->return_status = EFI_SUCCESS;
	mm->request_len = at + NAME_SIZE + 4;
	mm->request = calloc(1, mm->request_len);
	ck_assert_ptr_nonnull(mm->request);
	mm->request[0] = 0xaa;
	mm->request[1] = 0x55;
	memcpy(mm->request + at, boot_name, NAME_SIZE);
	memcpy(mm->request + at + NAME_SIZE, "wxyz", 4);
}

static void expect_setup(void)
{
	struct session_config cfg;
	struct error err = {false, ""};
	struct trace_event *ev;
	struct pl011 *uart;

	session_config_default(&cfg, NULL);
	ck_assert_msg(session_init(&session, &cfg, &err), "session_init: %s",
		      err.message);
	memset(&step, 0, sizeof(step));
	memset(&sr, 0, sizeof(sr));
	memset(&match, 0, sizeof(match));
	step.expect.present = true;
	sr.step = &step;

	ev = trace_append(&session.trace, TRACE_SMC);
	ev->fid = FFA_VERSION;
	ev->name = "FFA_VERSION";
	ev->in[0] = FFA_VERSION;
	ev->in[1] = 0x10001;
	ev->out[0] = 0x10002;
	add_doorbell();
	sr.trace_first = 0;
	sr.trace_end = (uint32_t)session.trace.count;

	uart = machine_uart(session.machine);
	for (const char *c = CONSOLE_TEXT; *c != '\0'; c++) {
		pl011_write(uart, PL011_DR, 1, (uint8_t)*c);
	}
	sr.console_first = 0;
	sr.console_end = pl011_output_len(uart);

	session.findings.current_step = STEP;
	findings_add(&session.findings, FINDING_FIRMWARE, "ffa.test-rule",
		     "a rule was broken");

	sr.has_result = true;
	sr.result.status = EFI_SUCCESS;
	sr.result.flags = AGENT_RESULT_PAYLOAD_DATA;
	sr.result.guid = global_guid;
	sr.result.attributes = EFI_VARIABLE_NON_VOLATILE |
			       EFI_VARIABLE_BOOTSERVICE_ACCESS;
	sr.result.name_size = NAME_SIZE;
	sr.result.data_size = 4;
	sr.result.value[0] = 100;
	sr.result.value[1] = 200;
	sr.result.value[2] = 300;
	sr.payload = (uint8_t *)xstrdup("abcd");
	sr.payload_len = 4;
}

static void free_bytes(struct scenario_bytes *b)
{
	free(b->data);
	b->data = NULL;
}

static void expect_teardown(void)
{
	struct scenario_expect *e = &step.expect;

	for (size_t i = 0; i < sr.check_count; i++) {
		free(sr.checks[i].what);
		free(sr.checks[i].expected);
		free(sr.checks[i].seen);
	}
	free(sr.checks);
	free(sr.payload);
	free_bytes(&e->data);
	free_bytes(&e->mm.data);
	free_bytes(&e->mm.raw_bytes);
	free_bytes(&e->mm.raw_mask);
	session_free(&session);
}

static struct scenario_u64 u64(uint64_t v)
{
	return (struct scenario_u64){true, v, {7, 9}};
}

static struct scenario_text text(const char *s)
{
	return (struct scenario_text){(char *)s, {7, 9}};
}

static struct scenario_bytes bytes(const void *b, size_t len)
{
	struct scenario_bytes out = {true, malloc(len), len, {7, 9}};

	ck_assert_ptr_nonnull(out.data);
	memcpy(out.data, b, len);
	return out;
}

/* --- One arrangement per expectation kind -------------------------------- */

static void want_status(struct scenario_expect *e, bool met)
{
	e->status = u64(met ? EFI_SUCCESS : EFI_NOT_FOUND);
}

static void want_data(struct scenario_expect *e, bool met)
{
	e->data = bytes(met ? "abcd" : "abce", 4);
}

static void want_data_size(struct scenario_expect *e, bool met)
{
	e->data_size = u64(met ? 4 : 5);
}

static void want_attributes(struct scenario_expect *e, bool met)
{
	e->attributes = u64(met ? (EFI_VARIABLE_NON_VOLATILE |
				   EFI_VARIABLE_BOOTSERVICE_ACCESS)
				: EFI_VARIABLE_BOOTSERVICE_ACCESS);
}

static void want_name(struct scenario_expect *e, bool met)
{
	free(sr.payload);
	sr.payload = malloc(NAME_SIZE);
	ck_assert_ptr_nonnull(sr.payload);
	memcpy(sr.payload, boot_name, NAME_SIZE);
	sr.payload_len = NAME_SIZE;
	sr.result.flags = AGENT_RESULT_PAYLOAD_NAME;
	e->name = text(met ? "Boot" : "Boo");
}

static void want_guid(struct scenario_expect *e, bool met)
{
	e->has_guid = true;
	e->guid = met ? global_guid : other_guid;
	e->guid_mark = (struct source_mark){7, 9};
}

static void want_name_size(struct scenario_expect *e, bool met)
{
	e->name_size = u64(met ? NAME_SIZE : NAME_SIZE + 2);
}

static void want_maximum_storage(struct scenario_expect *e, bool met)
{
	e->maximum_storage_size = u64(met ? 100 : 101);
}

static void want_remaining_storage(struct scenario_expect *e, bool met)
{
	e->remaining_storage_size = u64(met ? 200 : 0);
}

static void want_maximum_variable(struct scenario_expect *e, bool met)
{
	e->maximum_variable_size = u64(met ? 300 : 299);
}

static void want_calls(struct scenario_expect *e, bool met)
{
	match.function = text("FFA_VERSION");
	match.fid = FFA_VERSION;
	match.x[1] = u64(met ? 0x10001 : 0x10000);
	match.mark = (struct source_mark){7, 9};
	e->calls = &match;
	e->call_count = 1;
}

static void want_calls_sri(struct scenario_expect *e, bool met)
{
	match.function = text("FFA_MSG_SEND_DIRECT_REQ_64");
	match.fid = FFA_MSG_SEND_DIRECT_REQ_64;
	match.sri = u64(met ? 8 : 9);
	match.mark = (struct source_mark){7, 9};
	e->calls = &match;
	e->call_count = 1;
}

static void want_no_calls(struct scenario_expect *e, bool met)
{
	match.function = text(met ? "FFA_RXTX_UNMAP" : "FFA_VERSION");
	match.fid = met ? FFA_RXTX_UNMAP : FFA_VERSION;
	match.mark = (struct source_mark){7, 9};
	e->no_calls = &match;
	e->no_call_count = 1;
}

static void want_mm_function(struct scenario_expect *e, bool met)
{
	e->mm.present = true;
	e->mm.function = u64(met ? MM_VAR_FN_GET_VARIABLE
				 : MM_VAR_FN_SET_VARIABLE);
	e->mm.mark = (struct source_mark){7, 9};
}

static void want_mm_name(struct scenario_expect *e, bool met)
{
	e->mm.present = true;
	e->mm.name = text(met ? "Boot" : "Bo");
}

static void want_mm_guid(struct scenario_expect *e, bool met)
{
	e->mm.present = true;
	e->mm.has_guid = true;
	e->mm.guid = met ? global_guid : other_guid;
	e->mm.guid_mark = (struct source_mark){7, 9};
}

static void want_mm_attributes(struct scenario_expect *e, bool met)
{
	e->mm.present = true;
	e->mm.attributes = u64(met ? (EFI_VARIABLE_NON_VOLATILE |
				      EFI_VARIABLE_BOOTSERVICE_ACCESS)
				   : EFI_VARIABLE_NON_VOLATILE);
}

static void want_mm_data_size(struct scenario_expect *e, bool met)
{
	e->mm.present = true;
	e->mm.data_size = u64(met ? 4 : 8);
}

static void want_mm_name_size(struct scenario_expect *e, bool met)
{
	e->mm.present = true;
	e->mm.name_size = u64(met ? NAME_SIZE : 8);
}

static void want_mm_message_length(struct scenario_expect *e, bool met)
{
	e->mm.present = true;
	e->mm.message_length = u64(met ? 66 : 65);
}

static void want_mm_data(struct scenario_expect *e, bool met)
{
	e->mm.present = true;
	e->mm.data = bytes(met ? "wxyz" : "wxy!", 4);
}

static void want_mm_raw(struct scenario_expect *e, bool met)
{
	static const uint8_t raw[] = {0xa0, 0x55};
	static const uint8_t mask_met[] = {0xf0, 0xff};
	static const uint8_t mask_unmet[] = {0xff, 0xff};

	e->mm.present = true;
	e->mm.raw_offset = u64(0);
	e->mm.raw_bytes = bytes(raw, sizeof(raw));
	e->mm.raw_mask = bytes(met ? mask_met : mask_unmet, 2);
}

static void want_mm_return(struct scenario_expect *e, bool met)
{
	e->mm.present = true;
	e->mm.mm_return = u64(met ? (uint64_t)MM_RET_SUCCESS
				  : (uint64_t)(int64_t)MM_RET_INVALID_PARAMETER);
}

static void want_mm_return_status(struct scenario_expect *e, bool met)
{
	e->mm.present = true;
	e->mm.return_status = u64(met ? EFI_SUCCESS : EFI_BUFFER_TOO_SMALL);
}

static void want_console(struct scenario_expect *e, bool met)
{
	e->console = text(met ? "world" : "planet");
}

static void want_console_absent(struct scenario_expect *e, bool met)
{
	e->console_absent = text(met ? "planet" : "hello");
}

static void want_console_regex(struct scenario_expect *e, bool met)
{
	e->console_regex = text(met ? "^hel+o w" : "^world");
}

static void want_stop(struct scenario_expect *e, bool met)
{
	e->stop = text(met ? "power-off" : "fault");
}

static void want_findings(struct scenario_expect *e, bool met)
{
	static struct scenario_text codes[2];

	codes[0] = text("ffa.test-rule");
	codes[1] = text("ffa.other-rule");
	e->findings = met ? &codes[0] : &codes[1];
	e->finding_count = 1;
}

struct expect_case {
	void (*arrange)(struct scenario_expect *e, bool met);
	const char *what;
	const char *expected_met, *expected_unmet;
	const char *seen_met, *seen_unmet;
	const char *what_unmet; /* NULL: what */
};

static const struct expect_case cases[] = {
	{want_status, "status", "EFI_SUCCESS", "EFI_NOT_FOUND", "EFI_SUCCESS",
	 "EFI_SUCCESS", NULL},
	{want_data, "data", "\"abcd\"", "\"abce\"", "\"abcd\"", "\"abcd\"", NULL},
	{want_data_size, "data_size", "4", "5", "4", "4", NULL},
	{want_attributes, "attributes", "NV|BS", "BS", "NV|BS", "NV|BS", NULL},
	{want_name, "name", "Boot", "Boo", "Boot", "Boot", NULL},
	{want_guid, "guid", "8be4df61-93ca-11d2-aa0d-00e098032b8c",
	 "ed32d533-99e6-4209-9cc0-2d72cdd998a7",
	 "8be4df61-93ca-11d2-aa0d-00e098032b8c",
	 "8be4df61-93ca-11d2-aa0d-00e098032b8c", NULL},
	{want_name_size, "name_size", "10", "12", "10", "10", NULL},
	{want_maximum_storage, "maximum_storage_size", "100", "101", "100",
	 "100", NULL},
	{want_remaining_storage, "remaining_storage_size", "200", "0", "200",
	 "200", NULL},
	{want_maximum_variable, "maximum_variable_size", "300", "299", "300",
	 "300", NULL},
	{want_calls, "calls[0]", "FFA_VERSION x1=0x10001",
	 "FFA_VERSION x1=0x10000", "SMC #0",
	 "not made (in this order); the step made: FFA_VERSION, "
	 "FFA_MSG_SEND_DIRECT_REQ_64", NULL},
	{want_calls_sri, "calls[0]", "FFA_MSG_SEND_DIRECT_REQ_64 raising SRI 8",
	 "FFA_MSG_SEND_DIRECT_REQ_64 raising SRI 9", "SMC #1",
	 "not made (in this order); the step made: FFA_VERSION, "
	 "FFA_MSG_SEND_DIRECT_REQ_64", NULL},
	{want_no_calls, "no_calls[0]", "no FFA_RXTX_UNMAP", "no FFA_VERSION",
	 "none", "SMC #0", NULL},
	/* No doorbell of the wanted function: the whole `mm:` fails. */
	{want_mm_function, "mm.function", "GET_VARIABLE",
	 "a doorbell with SET_VARIABLE", "GET_VARIABLE",
	 "no MM request in this step", "mm"},
	{want_mm_name, "mm.name", "Boot", "Bo", "Boot", "Boot", NULL},
	{want_mm_guid, "mm.guid", "8be4df61-93ca-11d2-aa0d-00e098032b8c",
	 "ed32d533-99e6-4209-9cc0-2d72cdd998a7",
	 "8be4df61-93ca-11d2-aa0d-00e098032b8c",
	 "8be4df61-93ca-11d2-aa0d-00e098032b8c", NULL},
	{want_mm_attributes, "mm.attributes", "NV|BS", "NV", "NV|BS",
	 "NV|BS", NULL},
	{want_mm_data_size, "mm.data_size", "4", "8", "4", "4", NULL},
	{want_mm_name_size, "mm.name_size", "10", "8", "10", "10", NULL},
	{want_mm_message_length, "mm.message_length", "66", "65", "66", "66", NULL},
	{want_mm_data, "mm.data", "\"wxyz\"", "\"wxy!\"", "\"wxyz\"",
	 "\"wxyz\"", NULL},
	{want_mm_raw, "mm.raw", "a055", "a055", "aa55", "aa55", NULL},
	{want_mm_return, "mm.mm_return", "MM_SUCCESS", "MM_INVALID_PARAMETER",
	 "MM_SUCCESS", "MM_SUCCESS", NULL},
	{want_mm_return_status, "mm.return_status", "EFI_SUCCESS",
	 "EFI_BUFFER_TOO_SMALL", "EFI_SUCCESS", "EFI_SUCCESS", NULL},
	{want_console, "console", "world", "planet", "in line \"hello world\"",
	 "not in the step's console output; the last lines: "
	 "\"hello world\"",
	 NULL},
	{want_console_absent, "console_absent", "planet", "hello",
	 "absent from the step's output", "present, in line \"hello world\"",
	 NULL},
	{want_console_regex, "console_regex", "^hel+o w", "^world",
	 "in line \"hello world\"",
	 "no match in the step's output; the last lines: \"hello world\"",
	 NULL},
	{want_stop, "stop", "power-off", "fault", "power-off", "power-off", NULL},
	{want_findings, "findings[0]", "ffa.test-rule", "ffa.other-rule",
	 "ffa.test-rule", "not found in this step", NULL},
};

/* Loop index 2k: row k met; 2k+1: row k not met. */
START_TEST(each_expectation_records_one_check_with_its_message)
{
	const struct expect_case *c = &cases[_i / 2];
	bool met = _i % 2 == 0;
	const char *expected = met ? c->expected_met : c->expected_unmet;
	const char *seen = met ? c->seen_met : c->seen_unmet;
	const char *what = !met && c->what_unmet != NULL ? c->what_unmet
							 : c->what;
	const struct check *k;

	c->arrange(&step.expect, met);
	expect_step(&step, &sr, &session, MACHINE_STOP_POWER_OFF, STEP);
	ck_assert_uint_eq(sr.check_count, 1);
	k = &sr.checks[0];
	ck_assert_str_eq(k->what, what);
	ck_assert_msg(k->ok == met, "%s: ok is %d", what, k->ok);
	ck_assert_str_eq(k->expected, expected);
	ck_assert_str_eq(k->seen, seen);
	ck_assert_int_eq(k->mark.line, 7);
	ck_assert_int_eq(k->mark.column, 9);
}
END_TEST

START_TEST(status_without_an_agent_report_fails)
{
	sr.has_result = false;
	want_status(&step.expect, true);
	want_data_size(&step.expect, true);
	expect_step(&step, &sr, &session, MACHINE_STOP_POWER_OFF, STEP);
	/* Nothing but the status is checked without a report. */
	ck_assert_uint_eq(sr.check_count, 1);
	ck_assert(!sr.checks[0].ok);
	ck_assert_str_eq(sr.checks[0].expected, "EFI_SUCCESS");
	ck_assert_str_eq(sr.checks[0].seen, "no report from the agent");
}
END_TEST

START_TEST(finding_of_another_step_does_not_count)
{
	want_findings(&step.expect, true);
	expect_step(&step, &sr, &session, MACHINE_STOP_POWER_OFF, STEP + 1);
	ck_assert_uint_eq(sr.check_count, 1);
	ck_assert(!sr.checks[0].ok);
	ck_assert_str_eq(sr.checks[0].seen, "not found in this step");
}
END_TEST

START_TEST(console_outside_the_step_does_not_count)
{
	sr.console_first = strlen("hello ");
	want_console_regex(&step.expect, true);
	expect_step(&step, &sr, &session, MACHINE_STOP_POWER_OFF, STEP);
	ck_assert_uint_eq(sr.check_count, 1);
	ck_assert(!sr.checks[0].ok);
}
END_TEST

/* U-Boot and the reference client end lines with CRLF: $ still matches. */
START_TEST(console_regex_dollar_matches_before_crlf)
{
	struct pl011 *uart = machine_uart(session.machine);

	for (const char *c = "done\r\nnext\r\n"; *c != '\0'; c++) {
		pl011_write(uart, PL011_DR, 1, (uint8_t)*c);
	}
	sr.console_end = pl011_output_len(uart);
	step.expect.console_regex = text("^done$");
	expect_step(&step, &sr, &session, MACHINE_STOP_POWER_OFF, STEP);
	ck_assert_uint_eq(sr.check_count, 1);
	ck_assert(sr.checks[0].ok);
	ck_assert_ptr_nonnull(strstr(sr.checks[0].seen, "\"done\""));
}
END_TEST

START_TEST(console_regex_dollar_needs_the_line_end)
{
	struct pl011 *uart = machine_uart(session.machine);

	for (const char *c = "done\r\nnext\r\n"; *c != '\0'; c++) {
		pl011_write(uart, PL011_DR, 1, (uint8_t)*c);
	}
	sr.console_end = pl011_output_len(uart);
	step.expect.console_regex = text("^don$");
	expect_step(&step, &sr, &session, MACHINE_STOP_POWER_OFF, STEP);
	ck_assert_uint_eq(sr.check_count, 1);
	ck_assert(!sr.checks[0].ok);
}
END_TEST

START_TEST(bad_console_regex_fails_the_check)
{
	step.expect.console_regex = text("(unclosed");
	expect_step(&step, &sr, &session, MACHINE_STOP_POWER_OFF, STEP);
	ck_assert_uint_eq(sr.check_count, 1);
	ck_assert(!sr.checks[0].ok);
}
END_TEST

START_TEST(step_without_expect_records_nothing)
{
	step.expect.present = false;
	want_status(&step.expect, false);
	expect_step(&step, &sr, &session, MACHINE_STOP_POWER_OFF, STEP);
	ck_assert_uint_eq(sr.check_count, 0);
}
END_TEST

START_TEST(several_expectations_record_one_check_each_in_order)
{
	want_status(&step.expect, true);
	want_data_size(&step.expect, false);
	want_stop(&step.expect, true);
	expect_step(&step, &sr, &session, MACHINE_STOP_POWER_OFF, STEP);
	ck_assert_uint_eq(sr.check_count, 3);
	ck_assert_str_eq(sr.checks[0].what, "status");
	ck_assert(sr.checks[0].ok);
	ck_assert_str_eq(sr.checks[1].what, "data_size");
	ck_assert(!sr.checks[1].ok);
	ck_assert_str_eq(sr.checks[2].what, "stop");
	ck_assert(sr.checks[2].ok);
}
END_TEST

START_TEST(format_bytes_quotes_text_and_caps_hex)
{
	struct strbuf sb = STRBUF_INIT;
	uint8_t many[70];

	expect_format_bytes(&sb, (const uint8_t *)"ok", 2);
	ck_assert_str_eq(strbuf_str(&sb), "\"ok\"");
	strbuf_free(&sb);
	expect_format_bytes(&sb, (const uint8_t *)"\x01\xff", 2);
	ck_assert_str_eq(strbuf_str(&sb), "hex:01ff");
	strbuf_free(&sb);
	memset(many, 0, sizeof(many));
	expect_format_bytes(&sb, many, sizeof(many));
	ck_assert_uint_eq(strlen(strbuf_str(&sb)),
			  strlen("hex:") + 128 + strlen("... (70 bytes)"));
	ck_assert_ptr_nonnull(strstr(strbuf_str(&sb), "... (70 bytes)"));
	strbuf_free(&sb);
}
END_TEST

Suite *expect_suite(void);

Suite *expect_suite(void)
{
	Suite *s = suite_create("expect");
	TCase *tc = tcase_create("kinds");

	tcase_add_checked_fixture(tc, expect_setup, expect_teardown);
	tcase_add_loop_test(tc,
			    each_expectation_records_one_check_with_its_message,
			    0, (int)(2 * ARRAY_COUNT(cases)));
	tcase_add_test(tc, status_without_an_agent_report_fails);
	tcase_add_test(tc, finding_of_another_step_does_not_count);
	tcase_add_test(tc, console_outside_the_step_does_not_count);
	tcase_add_test(tc, console_regex_dollar_matches_before_crlf);
	tcase_add_test(tc, console_regex_dollar_needs_the_line_end);
	tcase_add_test(tc, bad_console_regex_fails_the_check);
	tcase_add_test(tc, step_without_expect_records_nothing);
	tcase_add_test(tc, several_expectations_record_one_check_each_in_order);
	tcase_add_test(tc, format_bytes_quotes_text_and_caps_hex);
	suite_add_tcase(s, tc);
	return s;
}
