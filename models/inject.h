/*
 * The fault injector: rules that make the secure side answer the next N (or
 * every) matching calls with a chosen FF-A error, MM return code or EFI
 * status, a truncated, corrupted or oversized MM reply, or an RX buffer
 * kept busy, optionally only after ExitBootServices, and optionally only
 * after letting the first `skip` matching calls through (so that `nth: N`
 * of a scenario is skip N-1, one answer).  The SPMC and the MM
 * partition consult it at the point where the real component would have
 * produced that answer, so everything else (validation, tracing) stays as
 * it is.  Injected answers are marked in the trace and are never findings.
 */
#ifndef MODELS_INJECT_H
#define MODELS_INJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/lifecycle.h"

#define INJECT_MAX_RULES 32

enum inject_kind {
	INJECT_KIND_FFA_ERROR,
	INJECT_KIND_MM_RETURN,
	INJECT_KIND_EFI_STATUS,
	INJECT_KIND_REPLY,
	INJECT_KIND_RX_BUSY,
};

enum inject_reply {
	INJECT_REPLY_TRUNCATED, /* MessageLength = 16: the payload is lost */
	INJECT_REPLY_CORRUPTED, /* every payload byte inverted */
	INJECT_REPLY_OVERSIZED, /* MessageLength beyond the request's */
};

struct inject_rule {
	enum inject_kind kind;
	int64_t code;       /* FF-A error, MM return code, or EFI status */
	enum inject_reply reply;
	uint32_t on_fid;    /* FF-A function; 0 = the kind's default */
	bool has_mm_function;
	uint64_t mm_function;
	uint64_t remaining; /* answers left; ignored when every is set */
	uint64_t skip;      /* matching calls still to let through */
	bool every;
	bool after_exit_boot_services;
	uint64_t hits;
};

struct injector {
	struct inject_rule rules[INJECT_MAX_RULES];
	size_t count;
	/* "After ExitBootServices" rules fire from the exit-boot-services
	 * phase on; NULL: always before. */
	const struct lifecycle *lifecycle;
};

void inject_init(struct injector *inj);
/* False when the table is full. */
bool inject_add(struct injector *inj, const struct inject_rule *rule);

/*
 * Each returns the rule that fires for this call (consuming one answer), or
 * NULL.  mm_function is the MM function of a doorbell (UINT64_MAX when the
 * call is not a doorbell or the buffer could not be read).
 */
struct inject_rule *inject_ffa_error(struct injector *inj, uint32_t fid,
				     uint64_t mm_function);
struct inject_rule *inject_rx_busy(struct injector *inj);
struct inject_rule *inject_mm(struct injector *inj, enum inject_kind kind,
			      uint64_t mm_function);

#endif /* MODELS_INJECT_H */
