/*
 * Unit tests of common/trace.c: event numbering and ownership, the names of
 * kinds and dispositions, and the two renderings of an event (the JSON
 * object of the JSONL trace and reports, parsed back here with jansson, and
 * the text line).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "abi/efi.h"
#include "abi/mm.h"
#include "common/strbuf.h"
#include "common/trace.h"

/* Check fixture state: the only file-scope mutable state (STYLE C1). */
static struct trace trace;

static void trace_setup(void)
{
	trace_init(&trace);
}

static void trace_teardown(void)
{
	trace_free(&trace);
}

/* An FFA_VERSION call as the SMC router records it. */
static struct trace_event *add_smc(void)
{
	struct trace_event *ev = trace_append(&trace, TRACE_SMC);

	ev->pc = 0x1000;
	ev->lr = 0x2004;
	ev->insns = 77;
	ev->fid = 0x84000063u;
	ev->name = "FFA_VERSION";
	ev->in[0] = 0x84000063u;
	ev->in[1] = 0x10001;
	ev->in[17] = 0x17;
	ev->out[0] = 0x10002;
	ev->disposition = SMC_DISP_OK;
	return ev;
}

static json_t *to_json(const struct trace_event *ev, bool with_bytes)
{
	struct strbuf sb = STRBUF_INIT;
	json_error_t jerr;
	json_t *root;

	trace_event_to_json(ev, &sb, with_bytes);
	root = json_loads(strbuf_str(&sb), 0, &jerr);
	ck_assert_msg(root != NULL, "not JSON (%s): %s", jerr.text,
		      strbuf_str(&sb));
	strbuf_free(&sb);
	return root;
}

static const char *json_str(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	ck_assert_msg(json_is_string(v), "%s is not a string", key);
	return json_string_value(v);
}

static json_int_t json_num(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	ck_assert_msg(json_is_integer(v), "%s is not an integer", key);
	return json_integer_value(v);
}

START_TEST(init_starts_empty_outside_any_step)
{
	ck_assert_uint_eq(trace.count, 0);
	ck_assert_int_eq(trace.current_step, -1);
}
END_TEST

START_TEST(append_numbers_events_in_order_and_stamps_the_step)
{
	struct trace_event *ev;

	for (int i = 0; i < 200; i++) {
		trace.current_step = i / 50;
		ev = trace_append(&trace, i % 2 == 0 ? TRACE_SMC : TRACE_NOTE);
		ev->pc = (uint64_t)i;
	}
	ck_assert_uint_eq(trace.count, 200);
	/* Growing the array kept every earlier event. */
	for (uint32_t i = 0; i < 200; i++) {
		ck_assert_uint_eq(trace.events[i].seq, i);
		ck_assert_uint_eq(trace.events[i].pc, i);
		ck_assert_int_eq(trace.events[i].step, (int)i / 50);
		ck_assert_int_eq(trace.events[i].kind,
				 i % 2 == 0 ? TRACE_SMC : TRACE_NOTE);
		ck_assert_str_eq(trace.events[i].name, "");
		ck_assert_ptr_null(trace.events[i].summary);
		ck_assert_ptr_null(trace.events[i].mm);
	}
}
END_TEST

START_TEST(summary_is_formatted_and_replaced)
{
	struct trace_event *ev = trace_append(&trace, TRACE_NOTE);

	trace_event_set_summary(ev, "step %d of %s", 3, "boot");
	ck_assert_str_eq(ev->summary, "step 3 of boot");
	trace_event_set_summary(ev, "again");
	ck_assert_str_eq(ev->summary, "again");
	/* Untraced calls pass NULL: nothing happens. */
	trace_event_set_summary(NULL, "ignored %d", 1);
}
END_TEST

START_TEST(mm_part_is_allocated_once_zeroed)
{
	struct trace_event *ev = trace_append(&trace, TRACE_SMC);
	struct trace_mm *mm = trace_event_mm(ev);

	ck_assert_ptr_nonnull(mm);
	ck_assert_uint_eq(mm->function, 0);
	ck_assert_ptr_null(mm->name);
	ck_assert(!mm->has_variable);
	mm->function = 7;
	ck_assert_ptr_eq(trace_event_mm(ev), mm);
	ck_assert_uint_eq(ev->mm->function, 7);
}
END_TEST

START_TEST(release_frees_and_clears_what_an_event_owns)
{
	struct trace_event ev;

	memset(&ev, 0, sizeof(ev));
	trace_event_set_summary(&ev, "kept outside a trace");
	trace_event_mm(&ev)->name = xstrdup("Boot");
	trace_event_release(&ev);
	ck_assert_ptr_null(ev.summary);
	ck_assert_ptr_null(ev.mm);
	trace_event_release(&ev); /* a second release is harmless */
}
END_TEST

START_TEST(free_resets_the_trace_for_reuse)
{
	trace.current_step = 4;
	trace_event_set_summary(add_smc(), "x");
	trace_free(&trace);
	ck_assert_uint_eq(trace.count, 0);
	ck_assert_ptr_null(trace.events);
	ck_assert_int_eq(trace.current_step, -1);
	ck_assert_uint_eq(trace_append(&trace, TRACE_STOP)->seq, 0);
}
END_TEST

/*
 * A reset trace is a fresh one (no events, outside any step) that keeps its
 * array; what the events owned is freed (LeakSanitizer in the san variant
 * would see it otherwise), and new events come out as on a fresh trace.
 */
START_TEST(reset_is_a_fresh_trace_that_keeps_its_array)
{
	struct trace fresh;
	struct trace_event *events;
	struct trace_event *a, *b;

	trace.current_step = 4;
	for (int i = 0; i < 100; i++) {
		struct trace_event *ev = add_smc();

		trace_event_set_summary(ev, "call %d", i);
		trace_event_mm(ev)->name = xstrdup("Boot");
	}
	events = trace.events;
	trace_reset(&trace);
	trace_init(&fresh);
	ck_assert_ptr_eq(trace.events, events);
	ck_assert_uint_ge(trace.cap, 100);
	ck_assert_uint_eq(trace.count, fresh.count);
	ck_assert_int_eq(trace.current_step, fresh.current_step);

	a = trace_append(&trace, TRACE_NOTE);
	b = trace_append(&fresh, TRACE_NOTE);
	ck_assert_int_eq(memcmp(a, b, sizeof(*a)), 0);
	ck_assert_uint_eq(a->seq, 0);
	ck_assert_int_eq(a->step, -1);
	ck_assert_ptr_null(a->summary);
	ck_assert_ptr_null(a->mm);
	trace_free(&fresh);
}
END_TEST

START_TEST(kind_and_disposition_names)
{
	ck_assert_str_eq(trace_kind_name(TRACE_SMC), "smc");
	ck_assert_str_eq(trace_kind_name(TRACE_STEP), "step");
	ck_assert_str_eq(trace_kind_name(TRACE_STOP), "stop");
	ck_assert_str_eq(trace_kind_name(TRACE_NOTE), "note");
	ck_assert_str_eq(trace_kind_name((enum trace_kind)99), "?");
	ck_assert_str_eq(smc_disposition_name(SMC_DISP_OK), "ok");
	ck_assert_str_eq(smc_disposition_name(SMC_DISP_ERROR), "error");
	ck_assert_str_eq(smc_disposition_name(SMC_DISP_UNIMPLEMENTED),
			 "not-implemented");
	ck_assert_str_eq(smc_disposition_name(SMC_DISP_STOP), "stop");
	ck_assert_str_eq(smc_disposition_name((enum smc_disposition)99),
			 "?");
}
END_TEST

START_TEST(smc_event_json_carries_registers_and_names)
{
	struct trace_event *ev;
	json_t *root;
	json_t *in, *out;

	trace.current_step = 2;
	trace_append(&trace, TRACE_NOTE);
	ev = add_smc();
	root = to_json(ev, false);
	ck_assert_int_eq(json_num(root, "seq"), 1);
	ck_assert_str_eq(json_str(root, "type"), "smc");
	ck_assert_int_eq(json_num(root, "step"), 2);
	ck_assert_str_eq(json_str(root, "pc"), "0x1000");
	ck_assert_str_eq(json_str(root, "lr"), "0x2004");
	ck_assert_int_eq(json_num(root, "insns"), 77);
	ck_assert_str_eq(json_str(root, "fid"), "0x84000063");
	ck_assert_str_eq(json_str(root, "name"), "FFA_VERSION");
	ck_assert_str_eq(json_str(root, "result"), "ok");
	in = json_object_get(root, "in");
	out = json_object_get(root, "out");
	ck_assert_uint_eq(json_array_size(in), SMCCC_REG_COUNT);
	ck_assert_uint_eq(json_array_size(out), SMCCC_REG_COUNT);
	ck_assert_str_eq(json_string_value(json_array_get(in, 1)), "0x10001");
	ck_assert_str_eq(json_string_value(json_array_get(in, 17)), "0x17");
	ck_assert_str_eq(json_string_value(json_array_get(out, 0)),
			 "0x10002");
	/* Absent parts are left out, not written empty. */
	ck_assert_ptr_null(json_object_get(root, "summary"));
	ck_assert_ptr_null(json_object_get(root, "mm"));
	ck_assert_ptr_null(json_object_get(root, "injected"));
	json_decref(root);
}
END_TEST

START_TEST(non_smc_event_json_has_no_registers)
{
	struct trace_event *ev = trace_append(&trace, TRACE_STEP);
	json_t *root;

	trace_event_set_summary(ev, "set_variable \"quoted\"");
	root = to_json(ev, false);
	ck_assert_str_eq(json_str(root, "type"), "step");
	ck_assert_str_eq(json_str(root, "summary"), "set_variable \"quoted\"");
	ck_assert_ptr_null(json_object_get(root, "fid"));
	ck_assert_ptr_null(json_object_get(root, "in"));
	json_decref(root);
}
END_TEST

START_TEST(mm_json_names_function_statuses_and_bytes_on_request)
{
	static const struct efi_guid guid = EFI_GLOBAL_VARIABLE_GUID;
	struct trace_event *ev = add_smc();
	struct trace_mm *mm = trace_event_mm(ev);
	json_t *root, *m;

	ev->injected = true;
	mm->function = MM_VAR_FN_GET_VARIABLE;
	mm->has_variable = true;
	mm->name = xstrdup("Boot");
	mm->vendor_guid = guid;
	mm->attributes = EFI_VARIABLE_NON_VOLATILE |
			 EFI_VARIABLE_BOOTSERVICE_ACCESS;
	mm->name_size = 10;
	mm->mm_ret = MM_RET_INVALID_PARAMETER;
	mm->return_status = EFI_NOT_FOUND;
	mm->request = xmalloc(2);
	mm->request[0] = 0xab;
	mm->request[1] = 0x01;
	mm->request_len = 2;

	root = to_json(ev, false);
	ck_assert(json_is_true(json_object_get(root, "injected")));
	m = json_object_get(root, "mm");
	ck_assert(json_is_object(m));
	ck_assert_str_eq(json_str(m, "function_name"), "GET_VARIABLE");
	ck_assert_str_eq(json_str(m, "name"), "Boot");
	ck_assert_str_eq(json_str(m, "guid"),
			 "8be4df61-93ca-11d2-aa0d-00e098032b8c");
	ck_assert_str_eq(json_str(m, "attributes"), "0x3");
	ck_assert_str_eq(json_str(m, "attributes_text"), "NV|BS");
	ck_assert_int_eq(json_num(m, "name_size"), 10);
	ck_assert_int_eq(json_num(m, "mm_ret"), MM_RET_INVALID_PARAMETER);
	ck_assert_str_eq(json_str(m, "mm_ret_name"), "MM_INVALID_PARAMETER");
	ck_assert_str_eq(json_str(m, "return_status_name"), "EFI_NOT_FOUND");
	ck_assert_ptr_null(json_object_get(m, "request"));
	json_decref(root);

	root = to_json(ev, true);
	m = json_object_get(root, "mm");
	ck_assert_str_eq(json_str(m, "request"), "ab01");
	ck_assert_str_eq(json_str(m, "response"), "");
	json_decref(root);
}
END_TEST

START_TEST(mm_json_says_unknown_for_unnamed_values)
{
	struct trace_event *ev = add_smc();
	struct trace_mm *mm = trace_event_mm(ev);
	json_t *root, *m;

	mm->function = 0xdead;
	mm->mm_ret = -1000;
	mm->return_status = 0x1234;
	root = to_json(ev, false);
	m = json_object_get(root, "mm");
	ck_assert_str_eq(json_str(m, "function_name"), "unknown");
	ck_assert_str_eq(json_str(m, "mm_ret_name"), "unknown");
	ck_assert_str_eq(json_str(m, "return_status_name"), "unknown");
	/* Without a decoded variable there are no variable fields. */
	ck_assert_ptr_null(json_object_get(m, "guid"));
	json_decref(root);
}
END_TEST

START_TEST(text_line_of_an_smc)
{
	struct trace_event *ev = add_smc();
	struct strbuf sb = STRBUF_INIT;

	trace_event_to_text(ev, &sb);
	ck_assert_str_eq(strbuf_str(&sb),
			 "#0    FFA_VERSION                  lr=0x00002004 "
			 "x1=0x10001 -> x0=0x10002");
	strbuf_free(&sb);

	ev->disposition = SMC_DISP_UNIMPLEMENTED;
	ev->injected = true;
	trace_event_set_summary(ev, "v1.1");
	trace_event_to_text(ev, &sb);
	ck_assert_str_eq(strbuf_str(&sb),
			 "#0    FFA_VERSION                  lr=0x00002004 v1.1"
			 "  [not implemented by the model]  [injected]");
	strbuf_free(&sb);
}
END_TEST

START_TEST(text_line_of_other_events)
{
	struct trace_event *ev;
	struct strbuf sb = STRBUF_INIT;

	trace_append(&trace, TRACE_NOTE);
	ev = trace_append(&trace, TRACE_STOP);
	trace_event_set_summary(ev, "power-off");
	trace_event_to_text(ev, &sb);
	ck_assert_str_eq(strbuf_str(&sb), "#1    [stop] power-off");
	strbuf_free(&sb);
	trace_event_to_text(&trace.events[0], &sb);
	ck_assert_str_eq(strbuf_str(&sb), "#0    [note] ");
	strbuf_free(&sb);
}
END_TEST

Suite *trace_suite(void);

Suite *trace_suite(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = tcase_create("events");

	tcase_add_checked_fixture(tc, trace_setup, trace_teardown);
	tcase_add_test(tc, init_starts_empty_outside_any_step);
	tcase_add_test(tc, append_numbers_events_in_order_and_stamps_the_step);
	tcase_add_test(tc, summary_is_formatted_and_replaced);
	tcase_add_test(tc, mm_part_is_allocated_once_zeroed);
	tcase_add_test(tc, release_frees_and_clears_what_an_event_owns);
	tcase_add_test(tc, free_resets_the_trace_for_reuse);
	tcase_add_test(tc, reset_is_a_fresh_trace_that_keeps_its_array);
	tcase_add_test(tc, kind_and_disposition_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("render");
	tcase_add_checked_fixture(tc, trace_setup, trace_teardown);
	tcase_add_test(tc, smc_event_json_carries_registers_and_names);
	tcase_add_test(tc, non_smc_event_json_has_no_registers);
	tcase_add_test(tc, mm_json_names_function_statuses_and_bytes_on_request);
	tcase_add_test(tc, mm_json_says_unknown_for_unnamed_values);
	tcase_add_test(tc, text_line_of_an_smc);
	tcase_add_test(tc, text_line_of_other_events);
	suite_add_tcase(s, tc);
	return s;
}
