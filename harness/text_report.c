#include "harness/text_report.h"

#include <string.h>

#include "common/strbuf.h"
#include "emulator/machine.h"

void report_text_trace(FILE *out, const struct trace *t)
{
	struct strbuf line = STRBUF_INIT;

	for (size_t i = 0; i < t->count; i++) {
		strbuf_reset(&line);
		trace_event_to_text(&t->events[i], &line);
		fprintf(out, "%s\n", strbuf_str(&line));
	}
	strbuf_free(&line);
}

void report_text_call_counts(FILE *out, const struct trace *t)
{
	const char *names[256];
	size_t counts[256];
	size_t n = 0;

	for (size_t i = 0; i < t->count; i++) {
		const struct trace_event *ev = &t->events[i];
		size_t k;

		if (ev->kind != TRACE_SMC) {
			continue;
		}
		for (k = 0; k < n; k++) {
			if (strcmp(names[k], ev->name) == 0) {
				break;
			}
		}
		if (k == n) {
			if (n == sizeof(names) / sizeof(names[0])) {
				continue;
			}
			names[n] = ev->name;
			counts[n++] = 0;
		}
		counts[k]++;
	}
	for (size_t k = 0; k < n; k++) {
		fprintf(out, "  %6zu  %s\n", counts[k], names[k]);
	}
}

void report_text_findings(FILE *out, const struct findings *f,
			  bool with_detail)
{
	for (size_t i = 0; i < f->count; i++) {
		const struct finding *fd = &f->items[i];

		fprintf(out, "  [%s] %s: %s", finding_kind_name(fd->kind),
			fd->code, fd->message);
		if (fd->trace_seq != FINDING_NO_SEQ) {
			fprintf(out, " (SMC #%u, pc 0x%llx)", fd->trace_seq,
				(unsigned long long)fd->pc);
		}
		fputc('\n', out);
		if (with_detail && fd->detail != NULL) {
			fprintf(out, "%s", fd->detail);
		}
	}
}

void report_text_fault(FILE *out, const char *stop,
		       const struct machine_fault *fault)
{
	fprintf(out, "verdict: %s: %s (%s) at pc 0x%llx\n", stop, fault->what,
		fault->kind, (unsigned long long)fault->pc);
	if (fault->has_address) {
		fprintf(out, "address: 0x%llx\n",
			(unsigned long long)fault->address);
	}
	if (fault->registers != NULL) {
		fprintf(out, "registers:\n%s", fault->registers);
	}
	if (fault->disasm != NULL) {
		fprintf(out, "disassembly:\n%s", fault->disasm);
	}
}

char *report_trace_jsonl(const struct trace *t, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < t->count; i++) {
		trace_event_to_json(&t->events[i], &sb, true);
		strbuf_putc(&sb, '\n');
	}
	*len = sb.len;
	return strbuf_steal(&sb);
}
