/*
 * The run's trace: one event per SMC (function name, x0..x17 in and out,
 * caller PC, the decoded FF-A/MM content) and a few markers (scenario steps,
 * the end of the run).  Events are numbered from 0 in the order they
 * happened; the same run gives the same trace (see docs/determinism.md).
 */
#ifndef COMMON_TRACE_H
#define COMMON_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/efi.h"
#include "abi/smccc.h"
#include "common/strbuf.h"

enum trace_kind {
	TRACE_SMC,
	TRACE_STEP,  /* a scenario step begins (summary = its kind) */
	TRACE_STOP,  /* the run ended (summary = why) */
	TRACE_NOTE,  /* anything else worth a line (summary) */
	TRACE_PHASE, /* the lifecycle phase changed (phase_from/to, evidence) */
};

/* What became of an SMC. */
enum smc_disposition {
	SMC_DISP_OK,            /* answered with success */
	SMC_DISP_ERROR,         /* answered with an error code */
	SMC_DISP_UNIMPLEMENTED, /* the model does not implement it */
	SMC_DISP_STOP,          /* ended or paused the run (power off, agent) */
};

/* An MM request and its reply, decoded from the shared buffer. */
struct trace_mm {
	uint64_t offset;         /* x3 of the doorbell */
	uint64_t message_length; /* request header */
	bool header_guid_ok;
	uint64_t function;
	bool has_variable;       /* the fields below were decoded */
	char *name;              /* UTF-8, NULL if none */
	struct efi_guid vendor_guid;
	uint32_t attributes;
	uint64_t name_size;
	uint64_t data_size;
	int64_t mm_ret;          /* x3 of the response */
	uint64_t return_status;  /* ReturnStatus after the call */
	uint64_t reply_message_length;
	uint8_t *request;        /* bytes as the secure side read them */
	size_t request_len;
	uint8_t *response;       /* bytes as the secure side wrote them */
	size_t response_len;
};

/*
 * A decoded argument or result of a call, typed: what the SPMC read from
 * the registers (tx, rx, pages, uuid, sender, receiver, ...), so that a
 * report reads fields, not the summary's prose.
 */
#define TRACE_MAX_FIELDS 6
#define TRACE_FIELD_TEXT_MAX 40

struct trace_field {
	const char *key; /* static */
	bool is_text;
	uint64_t value;
	char text[TRACE_FIELD_TEXT_MAX];
};

struct trace_event {
	uint32_t seq;
	enum trace_kind kind;
	int step;
	uint64_t pc;     /* the SMC instruction */
	uint64_t lr;     /* x30 at the SMC: usually the caller of the stub */
	uint64_t insns;
	uint32_t cpu;    /* the calling core */
	uint8_t el;      /* the caller's exception level (0: not known) */
	bool has_endpoint;
	uint16_t endpoint; /* the caller's FF-A endpoint ID */
	uint32_t fid;
	const char *name;    /* static string */
	const char *service; /* static: the SMCCC service that answered */
	const char *returned; /* static: the function x0 names on return */
	/* TRACE_PHASE: static names of the phases and of the evidence. */
	const char *phase_from, *phase_to, *evidence;
	uint64_t in[SMCCC_REG_COUNT];
	uint64_t out[SMCCC_REG_COUNT];
	enum smc_disposition disposition;
	bool injected; /* the answer came from a scenario's inject rule */
	char *summary;
	struct trace_mm *mm;
	struct trace_field fields[TRACE_MAX_FIELDS];
	uint8_t field_count;
};

struct trace {
	struct trace_event *events;
	size_t count;
	size_t cap;
	int current_step;
};

void trace_init(struct trace *t);
void trace_free(struct trace *t);
/*
 * Empties t into the state trace_init() leaves, but keeps the event array
 * for the next events: a caller that records many short traces (a fuzz
 * target, once per input) then does not allocate and free it each time.
 */
void trace_reset(struct trace *t);
struct trace_event *trace_append(struct trace *t, enum trace_kind kind);
/* No-op when ev is NULL (calls made without a trace, as in unit tests). */
void trace_event_set_summary(struct trace_event *ev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * Typed fields; no-ops when ev is NULL or already holds TRACE_MAX_FIELDS
 * (text is cut to TRACE_FIELD_TEXT_MAX - 1 bytes).
 */
void trace_event_field(struct trace_event *ev, const char *key,
		       uint64_t value);
void trace_event_field_text(struct trace_event *ev, const char *key,
			    const char *text);
/* Allocates ev->mm (zeroed) if not there yet. */
struct trace_mm *trace_event_mm(struct trace_event *ev);
/*
 * Frees what ev owns (summary, MM bytes): for an event kept outside a
 * trace, which trace_free() does not see.
 */
void trace_event_release(struct trace_event *ev);
const char *smc_disposition_name(enum smc_disposition d);
const char *trace_kind_name(enum trace_kind k);

/* One JSON object per event, as in the JSONL trace and the JSON report. */
void trace_event_to_json(const struct trace_event *ev, struct strbuf *out,
			 bool with_bytes);
/* A readable line: "#12 FFA_VERSION pc=0x... x1=... -> x0=..." */
void trace_event_to_text(const struct trace_event *ev, struct strbuf *out);

#endif /* COMMON_TRACE_H */
