#include "harness/expect.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/mm.h"
#include "common/abi_names.h"
#include "common/console_text.h"
#include "common/regex_guard.h"
#include "common/strbuf.h"
#include "common/text.h"
#include "models/smc_router.h"

bool expect_add_check(struct step_run *sr, const char *what,
		      struct source_mark mark, bool ok, const char *expected,
		      const char *seen)
{
	struct check *c;

	sr->checks = xrealloc(sr->checks,
			      (sr->check_count + 1) * sizeof(*sr->checks));
	c = &sr->checks[sr->check_count++];
	c->what = xstrdup(what);
	c->expected = xstrdup(expected != NULL ? expected : "");
	c->seen = xstrdup(seen != NULL ? seen : "");
	c->ok = ok;
	c->mark = mark;
	return ok;
}

void expect_format_bytes(struct strbuf *sb, const uint8_t *b, size_t len)
{
	bool printable = len > 0;
	size_t shown = len > 64 ? 64 : len;

	for (size_t i = 0; i < len; i++) {
		if (b[i] < 0x20 || b[i] >= 0x7f) {
			printable = false;
		}
	}
	if (printable) {
		strbuf_putc(sb, '"');
		strbuf_append(sb, b, shown);
		strbuf_putc(sb, '"');
	} else {
		strbuf_puts(sb, "hex:");
		text_append_hex(sb, b, shown);
	}
	if (shown < len) {
		strbuf_printf(sb, "... (%zu bytes)", len);
	}
}

static void status_text(uint64_t status, char *out, size_t size)
{
	const char *n = efi_status_name(status);

	if (n != NULL) {
		snprintf(out, size, "%s", n);
	} else {
		snprintf(out, size, "0x%llx", (unsigned long long)status);
	}
}

static void check_u64(struct step_run *sr, const char *what,
		      const struct scenario_u64 *want, uint64_t seen)
{
	char e[32], s[32];

	if (!want->present) {
		return;
	}
	snprintf(e, sizeof(e), "%llu", (unsigned long long)want->value);
	snprintf(s, sizeof(s), "%llu", (unsigned long long)seen);
	expect_add_check(sr, what, want->mark, want->value == seen, e, s);
}

static void check_bytes(struct step_run *sr, const char *what,
			const struct scenario_bytes *want, const uint8_t *seen,
			size_t seen_len)
{
	struct strbuf e = STRBUF_INIT, s = STRBUF_INIT;
	bool ok;

	if (!want->present) {
		return;
	}
	ok = want->len == seen_len &&
	     (seen_len == 0 || memcmp(want->data, seen, seen_len) == 0);
	expect_format_bytes(&e, want->data, want->len);
	expect_format_bytes(&s, seen, seen_len);
	expect_add_check(sr, what, want->mark, ok, strbuf_str(&e),
			 strbuf_str(&s));
	strbuf_free(&e);
	strbuf_free(&s);
}

static void check_guid(struct step_run *sr, const char *what, bool present,
		       const struct efi_guid *want, struct source_mark mark,
		       const struct efi_guid *seen)
{
	char e[TEXT_GUID_LEN + 1], s[TEXT_GUID_LEN + 1];

	if (!present) {
		return;
	}
	text_format_guid(want, e);
	text_format_guid(seen, s);
	expect_add_check(sr, what, mark, efi_guid_equal(want, seen), e, s);
}

static void check_attributes(struct step_run *sr, const char *what,
			     const struct scenario_u64 *want, uint32_t seen)
{
	char e[96], s[96];

	if (!want->present) {
		return;
	}
	efi_attributes_format((uint32_t)want->value, e, sizeof(e));
	efi_attributes_format(seen, s, sizeof(s));
	expect_add_check(sr, what, want->mark, want->value == seen, e, s);
}

/* The name a GetNextVariableName result carries, as UTF-8. */
static char *result_name(const struct step_run *sr)
{
	struct strbuf sb = STRBUF_INIT;

	if (sr->result.flags == AGENT_RESULT_PAYLOAD_NAME &&
	    sr->payload_len >= 2) {
		text_append_ucs2(&sb, (const uint16_t *)(const void *)sr->payload,
				 sr->payload_len & ~(size_t)1);
	}
	return strbuf_steal(&sb);
}

static void check_result(const struct scenario_expect *e, struct step_run *sr)
{
	char want[64], seen[64];

	if (e->status.present) {
		status_text(e->status.value, want, sizeof(want));
		if (sr->has_result) {
			status_text(sr->result.status, seen, sizeof(seen));
		} else {
			snprintf(seen, sizeof(seen), "no report from the agent");
		}
		expect_add_check(sr, "status", e->status.mark,
				 sr->has_result &&
					 sr->result.status == e->status.value,
				 want, seen);
	}
	if (!sr->has_result) {
		return;
	}
	if (e->data.present) {
		bool has_data = sr->result.flags == AGENT_RESULT_PAYLOAD_DATA;

		check_bytes(sr, "data", &e->data, has_data ? sr->payload : NULL,
			    has_data ? sr->payload_len : 0);
	}
	check_u64(sr, "data_size", &e->data_size, sr->result.data_size);
	check_attributes(sr, "attributes", &e->attributes,
			 sr->result.attributes);
	if (e->name.value != NULL) {
		char *name = result_name(sr);

		expect_add_check(sr, "name", e->name.mark,
				 strcmp(name, e->name.value) == 0,
				 e->name.value, name);
		free(name);
	}
	check_guid(sr, "guid", e->has_guid, &e->guid, e->guid_mark,
		   &sr->result.guid);
	check_u64(sr, "name_size", &e->name_size, sr->result.name_size);
	check_u64(sr, "maximum_storage_size", &e->maximum_storage_size,
		  sr->result.value[0]);
	check_u64(sr, "remaining_storage_size", &e->remaining_storage_size,
		  sr->result.value[1]);
	check_u64(sr, "maximum_variable_size", &e->maximum_variable_size,
		  sr->result.value[2]);
}

/* The SPMC's "sri" field: the call marked that interrupt pending. */
static bool event_raised_sri(const struct trace_event *ev, uint64_t intid)
{
	for (uint8_t i = 0; i < ev->field_count; i++) {
		if (!ev->fields[i].is_text &&
		    strcmp(ev->fields[i].key, "sri") == 0 &&
		    ev->fields[i].value == intid) {
			return true;
		}
	}
	return false;
}

static bool smc_matches(const struct scenario_smc_match *m,
			const struct trace_event *ev)
{
	if (ev->kind != TRACE_SMC || ev->fid != m->fid) {
		return false;
	}
	for (size_t i = 1; i < SMCCC_REG_COUNT; i++) {
		if (m->x[i].present && ev->in[i] != m->x[i].value) {
			return false;
		}
	}
	if ((m->el.present && ev->el != m->el.value) ||
	    (m->cpu.present && ev->cpu != m->cpu.value)) {
		return false;
	}
	if (m->sri.present && !event_raised_sri(ev, m->sri.value)) {
		return false;
	}
	return !m->out_x0.present || ev->out[0] == m->out_x0.value;
}

static void describe_match(const struct scenario_smc_match *m,
			   struct strbuf *sb)
{
	const char *name = smc_function_name(m->fid);

	strbuf_puts(sb, name != NULL ? name : m->function.value);
	for (size_t i = 1; i < SMCCC_REG_COUNT; i++) {
		if (m->x[i].present) {
			strbuf_printf(sb, " x%zu=0x%llx", i,
				      (unsigned long long)m->x[i].value);
		}
	}
	if (m->out_x0.present) {
		strbuf_printf(sb, " returns 0x%llx",
			      (unsigned long long)m->out_x0.value);
	}
	if (m->el.present) {
		strbuf_printf(sb, " from EL%llu",
			      (unsigned long long)m->el.value);
	}
	if (m->cpu.present) {
		strbuf_printf(sb, " on CPU %llu",
			      (unsigned long long)m->cpu.value);
	}
	if (m->sri.present) {
		strbuf_printf(sb, " raising SRI %llu",
			      (unsigned long long)m->sri.value);
	}
}

/* The SMC names of the step, for "seen". */
static void describe_calls(const struct trace *t, const struct step_run *sr,
			   struct strbuf *sb)
{
	size_t n = 0;

	for (uint32_t i = sr->trace_first; i < sr->trace_end; i++) {
		const struct trace_event *ev = &t->events[i];

		if (ev->kind != TRACE_SMC) {
			continue;
		}
		if (n++ == 24) {
			strbuf_puts(sb, ", ...");
			break;
		}
		strbuf_printf(sb, "%s%s", n > 1 ? ", " : "", ev->name);
	}
	if (n == 0) {
		strbuf_puts(sb, "no SMC");
	}
}

/* `calls` in order (others may come between); `no_calls` never. */
static void check_calls(const struct scenario_expect *e, struct step_run *sr,
			const struct trace *t)
{
	uint32_t next = sr->trace_first;

	for (size_t k = 0; k < e->call_count; k++) {
		const struct scenario_smc_match *m = &e->calls[k];
		struct strbuf want = STRBUF_INIT, seen = STRBUF_INIT;
		char what[32];
		bool found = false;

		for (uint32_t i = next; i < sr->trace_end; i++) {
			if (smc_matches(m, &t->events[i])) {
				found = true;
				next = i + 1;
				break;
			}
		}
		describe_match(m, &want);
		if (found) {
			strbuf_printf(&seen, "SMC #%u", next - 1);
		} else {
			strbuf_puts(&seen, "not made (in this order); the step "
					   "made: ");
			describe_calls(t, sr, &seen);
		}
		snprintf(what, sizeof(what), "calls[%zu]", k);
		expect_add_check(sr, what, m->mark, found, strbuf_str(&want),
				 strbuf_str(&seen));
		strbuf_free(&want);
		strbuf_free(&seen);
	}
	for (size_t k = 0; k < e->no_call_count; k++) {
		const struct scenario_smc_match *m = &e->no_calls[k];
		struct strbuf want = STRBUF_INIT, seen = STRBUF_INIT;
		char what[32];
		long hit = -1;

		for (uint32_t i = sr->trace_first; i < sr->trace_end; i++) {
			if (smc_matches(m, &t->events[i])) {
				hit = (long)i;
				break;
			}
		}
		strbuf_puts(&want, "no ");
		describe_match(m, &want);
		if (hit >= 0) {
			strbuf_printf(&seen, "SMC #%ld", hit);
		} else {
			strbuf_puts(&seen, "none");
		}
		snprintf(what, sizeof(what), "no_calls[%zu]", k);
		expect_add_check(sr, what, m->mark, hit < 0, strbuf_str(&want),
				 strbuf_str(&seen));
		strbuf_free(&want);
		strbuf_free(&seen);
	}
}

/* The doorbell `mm:` looks at: the last of the step, or of its function. */
static const struct trace_event *pick_doorbell(const struct scenario_expect_mm *m,
					       const struct step_run *sr,
					       const struct trace *t)
{
	const struct trace_event *found = NULL;

	for (uint32_t i = sr->trace_first; i < sr->trace_end; i++) {
		const struct trace_event *ev = &t->events[i];

		if (ev->mm == NULL) {
			continue;
		}
		if (m->function.present && ev->mm->function != m->function.value) {
			continue;
		}
		found = ev;
	}
	return found;
}

static void check_mm(const struct scenario_expect_mm *m, struct step_run *sr,
		     const struct trace *t)
{
	const struct trace_event *ev;
	const struct trace_mm *mm;
	char want[64], seen[64];

	if (!m->present) {
		return;
	}
	ev = pick_doorbell(m, sr, t);
	if (ev == NULL) {
		const char *fn = m->function.present
					 ? mm_function_name(m->function.value)
					 : NULL;

		snprintf(want, sizeof(want), "a doorbell%s%s",
			 fn != NULL ? " with " : "", fn != NULL ? fn : "");
		expect_add_check(sr, "mm", m->mark, false, want,
				 "no MM request in this step");
		return;
	}
	mm = ev->mm;
	if (m->function.present) {
		const char *fn = mm_function_name(m->function.value);
		expect_add_check(sr, "mm.function", m->function.mark, true,
				 fn != NULL ? fn : "?", fn != NULL ? fn : "?");
	}
	if (m->name.value != NULL) {
		const char *n = mm->name != NULL ? mm->name : "(none)";
		expect_add_check(sr, "mm.name", m->name.mark,
				 strcmp(n, m->name.value) == 0, m->name.value, n);
	}
	check_guid(sr, "mm.guid", m->has_guid, &m->guid, m->guid_mark,
		   &mm->vendor_guid);
	check_attributes(sr, "mm.attributes", &m->attributes, mm->attributes);
	check_u64(sr, "mm.data_size", &m->data_size, mm->data_size);
	check_u64(sr, "mm.name_size", &m->name_size, mm->name_size);
	check_u64(sr, "mm.message_length", &m->message_length,
		  mm->message_length);
	if (m->data.present) {
		/* The data follows the name of an access-variable payload. */
		uint64_t at = MM_VAR_PAYLOAD_OFFSET +
			     MM_ACCESS_VARIABLE_NAME_OFFSET + mm->name_size;
		const uint8_t *d = NULL;
		size_t len = 0;

		if (mm->has_variable && at <= mm->request_len &&
		    mm->data_size <= mm->request_len - at) {
			d = mm->request + at;
			len = (size_t)mm->data_size;
		}
		check_bytes(sr, "mm.data", &m->data, d, len);
	}
	if (m->raw_bytes.present) {
		struct strbuf e = STRBUF_INIT, s = STRBUF_INIT;
		uint64_t off = m->raw_offset.present ? m->raw_offset.value : 0;
		bool ok = off <= mm->request_len &&
			  m->raw_bytes.len <= mm->request_len - off;

		for (size_t i = 0; ok && i < m->raw_bytes.len; i++) {
			uint8_t mask = m->raw_mask.present ? m->raw_mask.data[i]
							   : 0xff;
			ok = ((mm->request[off + i] ^ m->raw_bytes.data[i]) &
			      mask) == 0;
		}
		text_append_hex(&e, m->raw_bytes.data, m->raw_bytes.len);
		if (off <= mm->request_len) {
			size_t n = mm->request_len - off;
			text_append_hex(&s, mm->request + off,
					n < m->raw_bytes.len ? n
							     : m->raw_bytes.len);
		}
		expect_add_check(sr, "mm.raw", m->raw_bytes.mark, ok,
				 strbuf_str(&e), strbuf_str(&s));
		strbuf_free(&e);
		strbuf_free(&s);
	}
	if (m->mm_return.present) {
		const char *a = mm_ret_name((int64_t)m->mm_return.value);
		const char *b = mm_ret_name(mm->mm_ret);
		expect_add_check(sr, "mm.mm_return", m->mm_return.mark,
				 (int64_t)m->mm_return.value == mm->mm_ret,
				 a != NULL ? a : "?", b != NULL ? b : "?");
	}
	if (m->return_status.present) {
		status_text(m->return_status.value, want, sizeof(want));
		status_text(mm->return_status, seen, sizeof(seen));
		expect_add_check(sr, "mm.return_status",
				 m->return_status.mark,
				 m->return_status.value == mm->return_status,
				 want, seen);
	}
}

/*
 * The offset in text of the first match of the POSIX extended pattern, or
 * -1.  The pattern runs over a copy without the CR of each CRLF, so that
 * $ matches at the end of a line printed with CRLF (U-Boot's console, the
 * reference client), as docs/scenarios.md promises; the offset is mapped
 * back to text.
 */
static long regex_find(const char *pattern, const char *text, size_t len)
{
	char *lf = xmalloc(len + 1);
	size_t *from = xmalloc((len + 1) * sizeof(*from));
	size_t n = 0;
	long at = -1;
	regmatch_t m[1];
	regex_t re;
	char why[192];

	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n') {
			continue;
		}
		from[n] = i;
		lf[n++] = text[i];
	}
	lf[n] = '\0';
	from[n] = len;
	/* The loader rejected costly patterns; this guards other callers. */
	if (regex_guard_check(pattern, why, sizeof(why)) &&
	    regcomp(&re, pattern, REG_EXTENDED | REG_NEWLINE) == 0) {
		if (regexec(&re, lf, 1, m, 0) == 0) {
			at = (long)from[m[0].rm_so];
		}
		regfree(&re);
	}
	free(lf);
	free(from);
	return at;
}

static void check_console(const struct scenario_expect *e,
			  struct step_run *sr, const char *out, size_t len)
{
	size_t slice_len = sr->console_end - sr->console_first;
	char *slice = xstrndup(out + sr->console_first, slice_len);
	struct strbuf seen = STRBUF_INIT;
	(void)len;

	slice_len = strlen(slice); /* the console may hold a NUL */
	if (e->console.value != NULL) {
		const char *hit = strstr(slice, e->console.value);

		console_seen_text(&seen, slice, slice_len, hit,
			     "not in the step's console output");
		expect_add_check(sr, "console", e->console.mark, hit != NULL,
				 e->console.value, strbuf_str(&seen));
		strbuf_reset(&seen);
	}
	if (e->console_absent.value != NULL) {
		const char *hit = strstr(slice, e->console_absent.value);

		if (hit == NULL) {
			strbuf_puts(&seen, "absent from the step's output");
		} else {
			strbuf_puts(&seen, "present, in line ");
			console_quote_line(&seen, slice, slice_len,
					   (size_t)(hit - slice));
		}
		expect_add_check(sr, "console_absent", e->console_absent.mark,
				 hit == NULL, e->console_absent.value,
				 strbuf_str(&seen));
		strbuf_reset(&seen);
	}
	if (e->console_regex.value != NULL) {
		long at = regex_find(e->console_regex.value, slice, slice_len);
		const char *hit = at >= 0 ? slice + at : NULL;

		console_seen_text(&seen, slice, slice_len, hit,
			     "no match in the step's output");
		expect_add_check(sr, "console_regex", e->console_regex.mark,
				 hit != NULL, e->console_regex.value,
				 strbuf_str(&seen));
		strbuf_reset(&seen);
	}
	strbuf_free(&seen);
	free(slice);
}

static void check_findings(const struct scenario_expect *e,
			   struct step_run *sr, const struct findings *f,
			   int step_index)
{
	for (size_t k = 0; k < e->finding_count; k++) {
		const char *code = e->findings[k].value;
		bool found = false;
		char what[32];

		for (size_t i = 0; i < f->count; i++) {
			if (f->items[i].step == step_index &&
			    strcmp(f->items[i].code, code) == 0) {
				found = true;
			}
		}
		snprintf(what, sizeof(what), "findings[%zu]", k);
		expect_add_check(sr, what, e->findings[k].mark, found, code,
				 found ? code : "not found in this step");
	}
}

/* The lifecycle phase, and the evidence that last changed it, at the end
 * of the step (as the runner kept them), else now. */
static void check_phase(const struct scenario_expect *e, struct step_run *sr,
			const struct lifecycle *lc)
{
	enum lifecycle_phase at = sr->ended ? sr->end_phase : lc->phase;
	const char *phase = lifecycle_phase_name(at);
	const char *why = at == LIFECYCLE_BOOT
				  ? "none"
				  : lifecycle_evidence_name(sr->ended ? sr->end_why
								      : lc->why);

	if (e->phase.value != NULL) {
		expect_add_check(sr, "phase", e->phase.mark,
				 strcmp(phase, e->phase.value) == 0,
				 e->phase.value, phase);
	}
	if (e->phase_evidence.value != NULL) {
		expect_add_check(sr, "phase_evidence", e->phase_evidence.mark,
				 strcmp(why, e->phase_evidence.value) == 0,
				 e->phase_evidence.value, why);
	}
}

/* A Linux step's exit status and command output (QEMU backend). */
static void check_output(const struct scenario_expect *e, struct step_run *sr)
{
	const char *out = sr->output != NULL ? sr->output : "";
	size_t len = strlen(out);
	struct strbuf seen = STRBUF_INIT;
	char want[16], got[16];

	if (e->exit_status.present) {
		snprintf(want, sizeof(want), "%llu",
			 (unsigned long long)e->exit_status.value);
		if (sr->has_exit_status) {
			snprintf(got, sizeof(got), "%d", sr->exit_status);
		} else {
			snprintf(got, sizeof(got), "none");
		}
		expect_add_check(sr, "exit_status", e->exit_status.mark,
				 sr->has_exit_status &&
					 (uint64_t)sr->exit_status ==
						 e->exit_status.value,
				 want, got);
	}
	if (e->output.value != NULL) {
		const char *hit = strstr(out, e->output.value);

		console_seen_text(&seen, out, len, hit,
				  "not in the command's output");
		expect_add_check(sr, "output", e->output.mark, hit != NULL,
				 e->output.value, strbuf_str(&seen));
		strbuf_reset(&seen);
	}
	if (e->output_absent.value != NULL) {
		const char *hit = strstr(out, e->output_absent.value);

		if (hit == NULL) {
			strbuf_puts(&seen, "absent from the command's output");
		} else {
			strbuf_puts(&seen, "present, in line ");
			console_quote_line(&seen, out, len, (size_t)(hit - out));
		}
		expect_add_check(sr, "output_absent", e->output_absent.mark,
				 hit == NULL, e->output_absent.value,
				 strbuf_str(&seen));
		strbuf_reset(&seen);
	}
	if (e->output_regex.value != NULL) {
		long at = regex_find(e->output_regex.value, out, len);
		const char *hit = at >= 0 ? out + at : NULL;

		console_seen_text(&seen, out, len, hit,
				  "no match in the command's output");
		expect_add_check(sr, "output_regex", e->output_regex.mark,
				 hit != NULL, e->output_regex.value,
				 strbuf_str(&seen));
	}
	strbuf_free(&seen);
}

void expect_step_view(const struct scenario_step *st, struct step_run *sr,
		      const struct expect_view *v, int step_index)
{
	const struct scenario_expect *e = &st->expect;

	if (!e->present) {
		return;
	}
	check_result(e, sr);
	check_calls(e, sr, v->trace);
	check_mm(&e->mm, sr, v->trace);
	check_console(e, sr, v->console, v->console_len);
	check_output(e, sr);
	if (e->stop.value != NULL) {
		expect_add_check(sr, "stop", e->stop.mark,
				 strcmp(v->stop, e->stop.value) == 0,
				 e->stop.value, v->stop);
	}
	check_phase(e, sr, v->lifecycle);
	check_findings(e, sr, v->findings, step_index);
}

void expect_step(const struct scenario_step *st, struct step_run *sr,
		 struct session *s, enum machine_stop stop, int step_index)
{
	struct pl011 *uart = machine_uart(s->machine);
	const struct expect_view v = {
		.trace = &s->trace,
		.findings = &s->findings,
		.lifecycle = secure_world_lifecycle(s->world),
		.console = pl011_output(uart),
		.console_len = pl011_output_len(uart),
		.stop = machine_stop_name(stop),
	};

	expect_step_view(st, sr, &v, step_index);
}
