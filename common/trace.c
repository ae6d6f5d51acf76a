#include "common/trace.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/abi_names.h"
#include "common/jsonw.h"
#include "common/text.h"

void trace_init(struct trace *t)
{
	memset(t, 0, sizeof(*t));
	t->current_step = -1;
}

static void trace_mm_free(struct trace_mm *mm)
{
	if (mm == NULL) {
		return;
	}
	free(mm->name);
	free(mm->request);
	free(mm->response);
	free(mm);
}

/* Frees what each recorded event owns. */
static void release_events(struct trace *t)
{
	for (size_t i = 0; i < t->count; i++) {
		free(t->events[i].summary);
		trace_mm_free(t->events[i].mm);
	}
}

void trace_free(struct trace *t)
{
	release_events(t);
	free(t->events);
	trace_init(t);
}

void trace_reset(struct trace *t)
{
	struct trace_event *events = t->events;
	size_t cap = t->cap;

	release_events(t);
	trace_init(t);
	t->events = events;
	t->cap = cap;
}

struct trace_event *trace_append(struct trace *t, enum trace_kind kind)
{
	struct trace_event *ev;

	if (t->count == t->cap) {
		t->cap = t->cap != 0 ? t->cap * 2 : 64;
		t->events = xrealloc(t->events, t->cap * sizeof(*t->events));
	}
	ev = &t->events[t->count];
	memset(ev, 0, sizeof(*ev));
	ev->seq = (uint32_t)t->count;
	ev->kind = kind;
	ev->step = t->current_step;
	ev->name = "";
	t->count++;
	return ev;
}

void trace_event_set_summary(struct trace_event *ev, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (ev == NULL) {
		return; /* untraced call (unit tests) */
	}
	va_start(ap, fmt);
	strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	free(ev->summary);
	ev->summary = strbuf_steal(&sb);
}

static struct trace_field *next_field(struct trace_event *ev,
				      const char *key)
{
	struct trace_field *f;

	if (ev == NULL || ev->field_count == TRACE_MAX_FIELDS) {
		return NULL;
	}
	f = &ev->fields[ev->field_count++];
	memset(f, 0, sizeof(*f));
	f->key = key;
	return f;
}

void trace_event_field(struct trace_event *ev, const char *key,
		       uint64_t value)
{
	struct trace_field *f = next_field(ev, key);

	if (f != NULL) {
		f->value = value;
	}
}

void trace_event_field_text(struct trace_event *ev, const char *key,
			    const char *text)
{
	struct trace_field *f = next_field(ev, key);

	if (f != NULL) {
		f->is_text = true;
		snprintf(f->text, sizeof(f->text), "%s", text);
	}
}

struct trace_mm *trace_event_mm(struct trace_event *ev)
{
	if (ev->mm == NULL) {
		ev->mm = xcalloc(1, sizeof(*ev->mm));
	}
	return ev->mm;
}

void trace_event_release(struct trace_event *ev)
{
	free(ev->summary);
	ev->summary = NULL;
	trace_mm_free(ev->mm);
	ev->mm = NULL;
}

const char *smc_disposition_name(enum smc_disposition d)
{
	switch (d) {
	case SMC_DISP_OK:
		return "ok";
	case SMC_DISP_ERROR:
		return "error";
	case SMC_DISP_UNIMPLEMENTED:
		return "not-implemented";
	case SMC_DISP_STOP:
		return "stop";
	}
	return "?";
}

const char *trace_kind_name(enum trace_kind k)
{
	switch (k) {
	case TRACE_SMC:
		return "smc";
	case TRACE_STEP:
		return "step";
	case TRACE_STOP:
		return "stop";
	case TRACE_NOTE:
		return "note";
	case TRACE_PHASE:
		return "phase";
	}
	return "?";
}

static void mm_to_json(const struct trace_mm *mm, struct jsonw *j,
		       bool with_bytes)
{
	char guid[TEXT_GUID_LEN + 1];
	char attrs[96];
	const char *fname = mm_function_name(mm->function);
	const char *ret = mm_ret_name(mm->mm_ret);
	const char *status = efi_status_name(mm->return_status);

	jsonw_begin_object(j);
	jsonw_kv_hex(j, "offset", mm->offset);
	jsonw_kv_uint(j, "message_length", mm->message_length);
	jsonw_kv_bool(j, "header_guid_ok", mm->header_guid_ok);
	jsonw_kv_uint(j, "function", mm->function);
	jsonw_kv_string(j, "function_name", fname != NULL ? fname : "unknown");
	if (mm->has_variable) {
		if (mm->name != NULL) {
			jsonw_kv_string(j, "name", mm->name);
		}
		text_format_guid(&mm->vendor_guid, guid);
		jsonw_kv_string(j, "guid", guid);
		efi_attributes_format(mm->attributes, attrs, sizeof(attrs));
		jsonw_kv_hex(j, "attributes", mm->attributes);
		jsonw_kv_string(j, "attributes_text", attrs);
		jsonw_kv_uint(j, "name_size", mm->name_size);
		jsonw_kv_uint(j, "data_size", mm->data_size);
	}
	jsonw_kv_int(j, "mm_ret", mm->mm_ret);
	jsonw_kv_string(j, "mm_ret_name", ret != NULL ? ret : "unknown");
	jsonw_kv_hex(j, "return_status", mm->return_status);
	jsonw_kv_string(j, "return_status_name",
		       status != NULL ? status : "unknown");
	jsonw_kv_uint(j, "reply_message_length", mm->reply_message_length);
	if (with_bytes) {
		jsonw_key(j, "request");
		jsonw_hex_bytes(j, mm->request, mm->request_len);
		jsonw_key(j, "response");
		jsonw_hex_bytes(j, mm->response, mm->response_len);
	}
	jsonw_end_object(j);
}

void trace_event_to_json(const struct trace_event *ev, struct strbuf *out,
			 bool with_bytes)
{
	struct jsonw j;

	jsonw_init(&j, out, false);
	jsonw_begin_object(&j);
	jsonw_kv_uint(&j, "seq", ev->seq);
	jsonw_kv_string(&j, "type", trace_kind_name(ev->kind));
	jsonw_kv_int(&j, "step", ev->step);
	jsonw_kv_hex(&j, "pc", ev->pc);
	jsonw_kv_hex(&j, "lr", ev->lr);
	jsonw_kv_uint(&j, "insns", ev->insns);
	if (ev->kind == TRACE_SMC) {
		char fid[16];

		snprintf(fid, sizeof(fid), "0x%08x", (unsigned)ev->fid);
		jsonw_kv_string(&j, "fid", fid);
		jsonw_kv_string(&j, "name", ev->name);
		jsonw_kv_uint(&j, "cpu", ev->cpu);
		if (ev->el != 0) {
			jsonw_kv_uint(&j, "el", ev->el);
		}
		if (ev->has_endpoint) {
			jsonw_kv_uint(&j, "endpoint", ev->endpoint);
		}
		if (ev->service != NULL) {
			jsonw_kv_string(&j, "service", ev->service);
		}
		jsonw_kv_string(&j, "result",
			       smc_disposition_name(ev->disposition));
		if (ev->returned != NULL) {
			jsonw_kv_string(&j, "returned", ev->returned);
		}
		jsonw_key(&j, "in");
		jsonw_begin_array(&j);
		for (size_t i = 0; i < SMCCC_REG_COUNT; i++) {
			jsonw_hex(&j, ev->in[i]);
		}
		jsonw_end_array(&j);
		jsonw_key(&j, "out");
		jsonw_begin_array(&j);
		for (size_t i = 0; i < SMCCC_REG_COUNT; i++) {
			jsonw_hex(&j, ev->out[i]);
		}
		jsonw_end_array(&j);
	}
	if (ev->field_count != 0) {
		jsonw_key(&j, "fields");
		jsonw_begin_object(&j);
		for (size_t i = 0; i < ev->field_count; i++) {
			const struct trace_field *f = &ev->fields[i];

			if (f->is_text) {
				jsonw_kv_string(&j, f->key, f->text);
			} else {
				jsonw_kv_hex(&j, f->key, f->value);
			}
		}
		jsonw_end_object(&j);
	}
	if (ev->kind == TRACE_PHASE) {
		jsonw_kv_string(&j, "from", ev->phase_from);
		jsonw_kv_string(&j, "to", ev->phase_to);
		jsonw_kv_string(&j, "evidence", ev->evidence);
	}
	if (ev->injected) {
		jsonw_kv_bool(&j, "injected", true);
	}
	if (ev->summary != NULL) {
		jsonw_kv_string(&j, "summary", ev->summary);
	}
	if (ev->mm != NULL) {
		jsonw_key(&j, "mm");
		mm_to_json(ev->mm, &j, with_bytes);
	}
	jsonw_end_object(&j);
}

void trace_event_to_text(const struct trace_event *ev, struct strbuf *out)
{
	strbuf_printf(out, "#%-4" PRIu32 " ", ev->seq);
	if (ev->kind != TRACE_SMC) {
		strbuf_printf(out, "[%s] %s", trace_kind_name(ev->kind),
			      ev->summary != NULL ? ev->summary : "");
		return;
	}
	strbuf_printf(out, "%-28s lr=0x%08" PRIx64 " ", ev->name, ev->lr);
	if (ev->summary != NULL) {
		strbuf_puts(out, ev->summary);
	} else {
		strbuf_printf(out, "x1=0x%" PRIx64 " -> x0=0x%" PRIx64,
			      ev->in[1], ev->out[0]);
	}
	if (ev->disposition == SMC_DISP_UNIMPLEMENTED) {
		strbuf_puts(out, "  [not implemented by the model]");
	}
	if (ev->injected) {
		strbuf_puts(out, "  [injected]");
	}
}
