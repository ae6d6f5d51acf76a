#include "common/finding.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"

void findings_init(struct findings *f)
{
	memset(f, 0, sizeof(*f));
	f->current_seq = FINDING_NO_SEQ;
	f->current_step = -1;
}

/* Frees what each finding and the spare own. */
static void release_items(struct findings *f)
{
	for (size_t i = 0; i < f->count; i++) {
		free(f->items[i].code);
		free(f->items[i].message);
		free(f->items[i].detail);
	}
	free(f->spare.detail);
}

void findings_free(struct findings *f)
{
	release_items(f);
	free(f->items);
	findings_init(f);
}

void findings_reset(struct findings *f)
{
	struct finding *items = f->items;
	size_t cap = f->cap;

	release_items(f);
	findings_init(f);
	f->items = items;
	f->cap = cap;
}

void findings_set_context(struct findings *f, uint32_t seq, uint64_t pc)
{
	f->current_seq = seq;
	f->current_pc = pc;
}

/* Whether a finding of this kind and code was recorded in this step. */
static bool recorded(const struct findings *f, enum finding_kind kind,
		     const char *code)
{
	for (size_t i = f->count; i > 0; i--) {
		const struct finding *fd = &f->items[i - 1];

		if (fd->step == f->current_step && fd->kind == kind &&
		    strcmp(fd->code, code) == 0) {
			return true;
		}
	}
	return false;
}

/* Counts a repeat instead of recording it (see FINDINGS_MAX). */
static struct finding *drop_repeat(struct findings *f)
{
	if (f->dropped++ == 0) {
		findings_add(f, FINDING_WARNING, "findings.repeats-dropped",
			     "more than %u findings: repeats of one already "
			     "listed (same kind, code and step) are counted, "
			     "not listed",
			     FINDINGS_MAX);
	}
	free(f->spare.detail);
	memset(&f->spare, 0, sizeof(f->spare));
	return &f->spare;
}

struct finding *findings_add(struct findings *f, enum finding_kind kind,
			     const char *code, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	struct finding *fd;
	va_list ap;

	if (f->count >= FINDINGS_MAX && recorded(f, kind, code)) {
		return drop_repeat(f);
	}
	if (f->count == f->cap) {
		f->cap = f->cap != 0 ? f->cap * 2 : 16;
		f->items = xrealloc(f->items, f->cap * sizeof(*f->items));
	}
	va_start(ap, fmt);
	strbuf_vprintf(&msg, fmt, ap);
	va_end(ap);
	fd = &f->items[f->count++];
	memset(fd, 0, sizeof(*fd));
	fd->kind = kind;
	fd->code = xstrdup(code);
	fd->message = strbuf_steal(&msg);
	fd->trace_seq = f->current_seq;
	fd->pc = f->current_pc;
	fd->step = f->current_step;
	return fd;
}

void finding_set_detail(struct finding *fd, const char *detail)
{
	free(fd->detail);
	fd->detail = detail != NULL ? xstrdup(detail) : NULL;
}

void finding_take_detail(struct finding *fd, struct strbuf *detail)
{
	free(fd->detail);
	fd->detail = strbuf_steal(detail);
}

size_t findings_count_kind(const struct findings *f, enum finding_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < f->count; i++) {
		if (f->items[i].kind == kind) {
			n++;
		}
	}
	return n;
}

const struct finding *findings_find(const struct findings *f,
				    const char *code)
{
	for (size_t i = 0; i < f->count; i++) {
		if (strcmp(f->items[i].code, code) == 0) {
			return &f->items[i];
		}
	}
	return NULL;
}

const char *finding_kind_name(enum finding_kind kind)
{
	static const char *const names[FINDING_KIND_COUNT] = {
		[FINDING_FIRMWARE] = "firmware",
		[FINDING_EXPECTATION] = "expectation",
		[FINDING_UNIMPLEMENTED] = "not-implemented",
		[FINDING_WARNING] = "warning",
		[FINDING_ERROR] = "error",
	};

	return (unsigned)kind < FINDING_KIND_COUNT ? names[kind] : "?";
}
