#include "harness/run_json.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/abi_names.h"
#include "common/jsonw.h"
#include "common/text.h"
#include "common/version.h"
#include "harness/runner_priv.h"
#include "harness/session.h"
#include "harness/symbols.h"
#include "models/agent.h"

#define TOOL_VERSION FFA_HARNESS_VERSION

static void result_json(const struct step_run *sr, struct jsonw *j)
{
	const struct agent_result *r = &sr->result;
	const char *status = efi_status_name(r->status);
	char guid[TEXT_GUID_LEN + 1];
	char attrs[96];

	jsonw_begin_object(j);
	jsonw_kv_string(j, "op", agent_op_name(r->op));
	jsonw_kv_hex(j, "status", r->status);
	jsonw_kv_string(j, "status_name", status != NULL ? status : "unknown");
	jsonw_kv_hex(j, "attributes", r->attributes);
	efi_attributes_format(r->attributes, attrs, sizeof(attrs));
	jsonw_kv_string(j, "attributes_text", attrs);
	jsonw_kv_uint(j, "data_size", r->data_size);
	if (r->flags == AGENT_RESULT_PAYLOAD_DATA) {
		jsonw_key(j, "data");
		jsonw_hex_bytes(j, sr->payload, sr->payload_len);
	}
	if (r->flags == AGENT_RESULT_PAYLOAD_NAME) {
		struct strbuf name = STRBUF_INIT;

		text_append_ucs2(&name, (const uint16_t *)(const void *)sr->payload,
				 sr->payload_len & ~(size_t)1);
		jsonw_kv_string(j, "name", strbuf_str(&name));
		strbuf_free(&name);
		text_format_guid(&r->guid, guid);
		jsonw_kv_string(j, "guid", guid);
	}
	jsonw_kv_uint(j, "name_size", r->name_size);
	if (r->op == AGENT_OP_QUERY_VARIABLE_INFO) {
		jsonw_key(j, "values");
		jsonw_begin_array(j);
		for (size_t i = 0; i < 3; i++) {
			jsonw_hex(j, r->value[i]);
		}
		jsonw_end_array(j);
	}
	jsonw_end_object(j);
}

static void step_json(const struct step_run *sr, size_t index,
		      struct jsonw *j)
{
	jsonw_begin_object(j);
	jsonw_kv_uint(j, "index", index);
	jsonw_kv_string(j, "kind", scenario_step_kind_name(sr->step->kind));
	jsonw_kv_int(j, "line", sr->step->mark.line);
	jsonw_kv_int(j, "column", sr->step->mark.column);
	jsonw_kv_string(j, "verdict", sr->ran || sr->message != NULL
					     ? verdict_name(sr->verdict)
					     : VERDICT_NOT_RUN_NAME);
	jsonw_kv_string(j, "message", sr->message != NULL ? sr->message : "");
	jsonw_kv_uint(j, "trace_first", sr->trace_first);
	jsonw_kv_uint(j, "trace_end", sr->trace_end);
	jsonw_kv_uint(j, "console_first", sr->console_first);
	jsonw_kv_uint(j, "console_end", sr->console_end);
	jsonw_kv_uint(j, "instructions", sr->insns);
	if (sr->has_exit_status) {
		jsonw_kv_int(j, "exit_status", sr->exit_status);
	}
	if (sr->output != NULL) {
		jsonw_kv_string(j, "output", sr->output);
	}
	if (sr->has_result) {
		jsonw_key(j, "result");
		result_json(sr, j);
	}
	jsonw_key(j, "checks");
	jsonw_begin_array(j);
	for (size_t k = 0; k < sr->check_count; k++) {
		const struct check *c = &sr->checks[k];

		jsonw_begin_object(j);
		jsonw_kv_string(j, "what", c->what);
		jsonw_kv_string(j, "expected", c->expected);
		jsonw_kv_string(j, "seen", c->seen);
		jsonw_kv_bool(j, "ok", c->ok);
		jsonw_kv_int(j, "line", c->mark.line);
		jsonw_kv_int(j, "column", c->mark.column);
		jsonw_end_object(j);
	}
	jsonw_end_array(j);
	jsonw_end_object(j);
}

static void finding_json(const struct scenario *sc, const struct finding *fd,
			 struct jsonw *j)
{
	jsonw_begin_object(j);
	jsonw_kv_string(j, "kind", finding_kind_name(fd->kind));
	jsonw_kv_string(j, "code", fd->code);
	jsonw_kv_string(j, "message", fd->message);
	if (fd->detail != NULL) {
		jsonw_kv_string(j, "detail", fd->detail);
	}
	if (fd->trace_seq != FINDING_NO_SEQ) {
		jsonw_kv_uint(j, "seq", fd->trace_seq);
	}
	jsonw_kv_hex(j, "pc", fd->pc);
	if (fd->address != 0) {
		jsonw_kv_hex(j, "address", fd->address);
	}
	jsonw_kv_int(j, "step", fd->step);
	jsonw_kv_int(j, "line", fd->line);
	jsonw_kv_int(j, "column", fd->column);
	jsonw_kv_bool(j, "expected", runner_finding_expected(sc, fd));
	jsonw_end_object(j);
}

/*
 * Adds "pc_sym" and "lr_sym" (function+offset) to one serialized event
 * object, before its closing brace; the event's own fields stay as
 * common/trace.c writes them.
 */
static void name_event(const struct symbols *sy, const struct trace_event *e,
		       struct strbuf *ev)
{
	static const char *const keys[] = {"pc_sym", "lr_sym"};
	const uint64_t addrs[] = {e->pc, e->lr};
	struct strbuf name = STRBUF_INIT;

	if (e->kind != TRACE_SMC || ev->len == 0 ||
	    ev->data[ev->len - 1] != '}') {
		return;
	}
	ev->len--;
	for (size_t k = 0; k < 2; k++) {
		strbuf_reset(&name);
		if (addrs[k] != 0 && symbols_name(sy, e->pc, addrs[k], &name)) {
			strbuf_printf(ev, ",\"%s\":\"", keys[k]);
			jsonw_escape(ev, name.data, name.len);
			strbuf_putc(ev, '"');
		}
	}
	strbuf_putc(ev, '}');
	ev->data[ev->len] = '\0';
	strbuf_free(&name);
}

/* How a QEMU run ended: the reason and, if not a power off, why. */
static void qemu_stop_json(const struct scenario_run *run, struct jsonw *j)
{
	const char *detail = runner_qemu_stop_detail(run);

	jsonw_begin_object(j);
	jsonw_kv_string(j, "reason", run->stop == MACHINE_STOP_NONE
					    ? "not-started"
					    : machine_stop_name(run->stop));
	if (detail != NULL && run->stop != MACHINE_STOP_POWER_OFF &&
	    run->stop != MACHINE_STOP_RESET) {
		jsonw_kv_string(j, "kind", "qemu");
		jsonw_kv_string(j, "what", detail);
	}
	jsonw_end_object(j);
}

/*
 * Which machine ran the scenario; on QEMU its exact command line and the
 * checks that could not run there (docs/report-format.md "BACKEND").
 */
static void backend_json(const struct scenario_run *run, struct jsonw *j)
{
	const struct runner_na *na;
	size_t n = runner_qemu_not_applicable(run, &na);
	const char *cmd = runner_qemu_command(run);

	jsonw_begin_object(j);
	jsonw_kv_string(j, "name", run->qemu != NULL ? "qemu" : "unicorn");
	if (cmd != NULL) {
		jsonw_kv_string(j, "command", cmd);
	}
	jsonw_key(j, "not_applicable");
	jsonw_begin_array(j);
	for (size_t i = 0; i < n; i++) {
		jsonw_begin_object(j);
		jsonw_kv_string(j, "check", na[i].check);
		jsonw_kv_string(j, "verdict", "not-applicable");
		jsonw_kv_string(j, "reason", na[i].reason);
		jsonw_end_object(j);
	}
	jsonw_end_array(j);
	jsonw_end_object(j);
}

static void stop_json(const struct scenario_run *run, struct jsonw *j)
{
	const struct machine_fault *f = machine_fault(run->session->machine);
	bool detailed = machine_stop_is_final(run->stop) &&
			run->stop != MACHINE_STOP_POWER_OFF &&
			run->stop != MACHINE_STOP_RESET &&
			f->what[0] != '\0';

	jsonw_begin_object(j);
	jsonw_kv_string(j, "reason", run->stop == MACHINE_STOP_NONE
					    ? "not-started"
					    : machine_stop_name(run->stop));
	if (detailed) {
		jsonw_kv_string(j, "kind", f->kind);
		jsonw_kv_string(j, "what", f->what);
		jsonw_kv_hex(j, "pc", f->pc);
		if (f->has_address) {
			jsonw_kv_hex(j, "address", f->address);
		}
		jsonw_kv_string(j, "registers",
			       f->registers != NULL ? f->registers : "");
		jsonw_kv_string(j, "disassembly",
			       f->disasm != NULL ? f->disasm : "");
	}
	jsonw_end_object(j);
}

void run_json_scenario(const struct scenario_run *run, struct strbuf *out)
{
	const struct scenario *sc = run->sc;
	struct jsonw j;

	jsonw_init(&j, out, false);
	jsonw_begin_object(&j);
	jsonw_kv_string(&j, "name", sc->name);
	jsonw_kv_string(&j, "description",
		       sc->description != NULL ? sc->description : "");
	jsonw_kv_string(&j, "file", sc->file != NULL ? sc->file : "");
	jsonw_kv_int(&j, "line", sc->mark.line);
	jsonw_kv_int(&j, "column", sc->mark.column);
	jsonw_key(&j, "firmware");
	jsonw_begin_object(&j);
	jsonw_kv_string(&j, "name",
		       run->firmware_name != NULL ? run->firmware_name : "");
	jsonw_kv_string(&j, "path",
		       run->firmware_path != NULL ? run->firmware_path : "");
	jsonw_end_object(&j);
	jsonw_kv_string(&j, "platform",
		       run->platform != NULL ? run->platform : "");
	jsonw_kv_string(&j, "verdict", verdict_name(run->verdict));
	jsonw_kv_string(&j, "message", run->message != NULL ? run->message : "");
	if (run->qemu != NULL) {
		jsonw_key(&j, "backend");
		backend_json(run, &j);
		jsonw_key(&j, "stop");
		qemu_stop_json(run, &j);
	} else if (run->session != NULL) {
		jsonw_kv_uint(&j, "instructions",
			     machine_insns(run->session->machine));
		jsonw_key(&j, "stop");
		stop_json(run, &j);
	}
	jsonw_key(&j, "steps");
	jsonw_begin_array(&j);
	for (size_t i = 0; i < run->step_count; i++) {
		step_json(&run->steps[i], i, &j);
	}
	jsonw_end_array(&j);
	jsonw_key(&j, "findings");
	jsonw_begin_array(&j);
	if (run->session != NULL) {
		for (size_t i = 0; i < run->session->findings.count; i++) {
			finding_json(sc, &run->session->findings.items[i], &j);
		}
	}
	jsonw_end_array(&j);
	jsonw_key(&j, "trace");
	jsonw_begin_array(&j);
	if (run->session != NULL) {
		struct strbuf ev = STRBUF_INIT;
		struct symbols sy;
		bool named = symbols_init(
			&sy,
			run->session->image_loaded ? &run->session->image : NULL,
			run->firmware_path, &run->session->trace);

		for (size_t i = 0; i < run->session->trace.count; i++) {
			strbuf_reset(&ev);
			trace_event_to_json(&run->session->trace.events[i], &ev,
					    true);
			if (named) {
				name_event(&sy, &run->session->trace.events[i],
					   &ev);
			}
			jsonw_raw(&j, ev.data, ev.len);
		}
		strbuf_free(&ev);
		symbols_free(&sy);
	}
	jsonw_end_array(&j);
	if (run->qemu != NULL) {
		size_t len;
		const char *text = runner_qemu_console(run, &len);

		jsonw_key(&j, "console");
		jsonw_string_n(&j, text, len);
	} else if (run->session != NULL) {
		struct pl011 *u = machine_uart(run->session->machine);

		jsonw_key(&j, "console");
		jsonw_string_n(&j, pl011_output(u), pl011_output_len(u));
	}
	jsonw_end_object(&j);
}

void run_json_empty_document(const char *notice, struct strbuf *out)
{
	struct jsonw j;

	strbuf_printf(out,
		      "{\"format\":\"ffa-harness-results\",\"version\":1,"
		      "\"tool\":{\"name\":\"ffa-harness\",\"version\":\"%s\"},"
		      "\"summary\":{\"total\":0,\"pass\":0,\"fail\":0,"
		      "\"firmware\":0,\"not_implemented\":0,\"error\":0,"
		      "\"verdict\":\"pass\",\"notice\":",
		      TOOL_VERSION);
	jsonw_init(&j, out, false);
	jsonw_string(&j, notice);
	strbuf_puts(out, "},\"scenarios\":[]}\n");
}

void run_json_document(const char *const *scenario_objects,
		       const enum verdict *verdicts, size_t count,
		       struct strbuf *out)
{
	size_t n[VERDICT_COUNT] = {0};
	enum verdict worst = VERDICT_PASS;

	for (size_t i = 0; i < count; i++) {
		n[verdicts[i]]++;
		worst = verdict_worst(worst, verdicts[i]);
	}
	strbuf_printf(out,
		      "{\"format\":\"ffa-harness-results\",\"version\":1,"
		      "\"tool\":{\"name\":\"ffa-harness\",\"version\":\"%s\"},"
		      "\"summary\":{\"total\":%zu,\"pass\":%zu,\"fail\":%zu,"
		      "\"firmware\":%zu,\"not_implemented\":%zu,"
		      "\"error\":%zu,\"verdict\":\"%s\"},\"scenarios\":[",
		      TOOL_VERSION, count, n[VERDICT_PASS], n[VERDICT_FAIL],
		      n[VERDICT_FIRMWARE], n[VERDICT_NOT_IMPLEMENTED],
		      n[VERDICT_ERROR], count == 0 ? "error" : verdict_name(worst));
	for (size_t i = 0; i < count; i++) {
		if (i != 0) {
			strbuf_putc(out, ',');
		}
		strbuf_puts(out, scenario_objects[i]);
	}
	strbuf_puts(out, "]}\n");
}
