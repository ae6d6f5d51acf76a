#include "models/lifecycle.h"

#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const phase_names[LIFECYCLE_PHASE_COUNT] = {
	[LIFECYCLE_BOOT] = "boot",
	[LIFECYCLE_READY_TO_BOOT] = "ready-to-boot",
	[LIFECYCLE_EXIT_BOOT_SERVICES] = "exit-boot-services",
	[LIFECYCLE_RUNTIME] = "runtime",
	[LIFECYCLE_VIRTUAL_ADDRESS_MAP] = "virtual-address-map",
};

/* One row per kind of evidence: its name and the phase it proves. */
static const struct {
	const char *name;
	enum lifecycle_phase phase;
} evidence_rows[EVIDENCE_COUNT] = {
	[EVIDENCE_MM_READY_TO_BOOT] = {"mm-ready-to-boot",
				       LIFECYCLE_READY_TO_BOOT},
	[EVIDENCE_MM_EXIT_BOOT_SERVICE] = {"mm-exit-boot-service",
					   LIFECYCLE_EXIT_BOOT_SERVICES},
	[EVIDENCE_FIRMWARE_EXIT_RETURNED] = {"firmware-exit-boot-services-"
					     "returned",
					     LIFECYCLE_RUNTIME},
	[EVIDENCE_AGENT_EXIT_BOOT_SERVICES] = {"agent-exit-boot-services",
					       LIFECYCLE_RUNTIME},
	[EVIDENCE_FIRMWARE_VIRTUAL_MAP] = {"firmware-set-virtual-address-map",
					   LIFECYCLE_VIRTUAL_ADDRESS_MAP},
	[EVIDENCE_AGENT_VIRTUAL_MAP] = {"agent-set-virtual-address-map",
					LIFECYCLE_VIRTUAL_ADDRESS_MAP},
};

void lifecycle_init(struct lifecycle *lc)
{
	memset(lc, 0, sizeof(*lc));
	lc->phase = LIFECYCLE_BOOT;
}

bool lifecycle_listen(struct lifecycle *lc, lifecycle_listener_fn *fn,
		      void *ctx)
{
	if (lc->listener_count == ARRAY_SIZE(lc->listeners)) {
		return false;
	}
	lc->listeners[lc->listener_count].fn = fn;
	lc->listeners[lc->listener_count].ctx = ctx;
	lc->listener_count++;
	return true;
}

enum lifecycle_phase lifecycle_phase_of(enum lifecycle_evidence why)
{
	return (unsigned)why < EVIDENCE_COUNT ? evidence_rows[why].phase
					      : LIFECYCLE_BOOT;
}

bool lifecycle_evidence(struct lifecycle *lc, enum lifecycle_evidence why)
{
	enum lifecycle_phase from = lc->phase;
	enum lifecycle_phase to = lifecycle_phase_of(why);

	if ((unsigned)why >= EVIDENCE_COUNT) {
		return false;
	}
	lc->seen[why] = true;
	if (to <= from) {
		return false; /* already there: evidence confirms, never rewinds */
	}
	lc->phase = to;
	lc->why = why;
	for (size_t i = 0; i < lc->listener_count; i++) {
		lc->listeners[i].fn(lc->listeners[i].ctx, from, to, why);
	}
	return true;
}

const char *lifecycle_phase_name(enum lifecycle_phase p)
{
	return (unsigned)p < LIFECYCLE_PHASE_COUNT ? phase_names[p] : "?";
}

const char *lifecycle_evidence_name(enum lifecycle_evidence e)
{
	return (unsigned)e < EVIDENCE_COUNT ? evidence_rows[e].name : "?";
}
