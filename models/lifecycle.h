/*
 * The platform's boot lifecycle as the secure world sees it: one phase for
 * every model, the cache model and the runtime guard, advanced by whatever
 * evidence arrives first and never moved back.
 *
 *   boot              reset until ReadyToBoot;
 *   ready-to-boot     the ReadyToBoot / EndOfDxe notification (UEFI 2.10
 *                     section 7.1 event groups; EDK2 signals it to StMM as
 *                     SMM_VARIABLE_FUNCTION_READY_TO_BOOT);
 *   exit-boot-services ExitBootServices has begun: its notifications run
 *                     (U-Boot's efi_variable_tee.c sends the MM
 *                     EXIT_BOOT_SERVICE event from its ExitBootServices
 *                     notify), and boot-services code still runs;
 *   runtime           ExitBootServices has returned: from here only runtime
 *                     code and data may be used (UEFI 2.10 section 7.4);
 *   virtual-address-map SetVirtualAddressMap has been called (section 8.4).
 *
 * Evidence is named in the transition, so a trace says why the phase
 * changed.  Listeners (the SPMC's auditors, OP-TEE's released audit, the
 * backend's cache model, the runner's runtime guard) are called after each
 * change, in the order they were added.
 */
#ifndef MODELS_LIFECYCLE_H
#define MODELS_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>

enum lifecycle_phase {
	LIFECYCLE_BOOT,
	LIFECYCLE_READY_TO_BOOT,
	LIFECYCLE_EXIT_BOOT_SERVICES,
	LIFECYCLE_RUNTIME,
	LIFECYCLE_VIRTUAL_ADDRESS_MAP,
	LIFECYCLE_PHASE_COUNT
};

/* What told us the phase changed. */
enum lifecycle_evidence {
	EVIDENCE_MM_READY_TO_BOOT,       /* MM READY_TO_BOOT event */
	EVIDENCE_MM_EXIT_BOOT_SERVICE,   /* MM EXIT_BOOT_SERVICE event */
	EVIDENCE_FIRMWARE_EXIT_RETURNED, /* the firmware's own ExitBootServices
					    returned success (observed) */
	EVIDENCE_AGENT_EXIT_BOOT_SERVICES, /* the agent reported it */
	EVIDENCE_FIRMWARE_VIRTUAL_MAP,   /* SetVirtualAddressMap observed */
	EVIDENCE_AGENT_VIRTUAL_MAP,      /* the agent reported it */
	EVIDENCE_COUNT
};

typedef void lifecycle_listener_fn(void *ctx, enum lifecycle_phase from,
				   enum lifecycle_phase to,
				   enum lifecycle_evidence why);

#define LIFECYCLE_MAX_LISTENERS 8

struct lifecycle {
	enum lifecycle_phase phase;
	enum lifecycle_evidence why; /* of the last change */
	bool seen[EVIDENCE_COUNT];   /* every piece of evidence, used or not */
	struct {
		lifecycle_listener_fn *fn;
		void *ctx;
	} listeners[LIFECYCLE_MAX_LISTENERS];
	size_t listener_count;
};

void lifecycle_init(struct lifecycle *lc);
/* False when the listener table is full. */
bool lifecycle_listen(struct lifecycle *lc, lifecycle_listener_fn *fn,
		      void *ctx);
/*
 * Records evidence.  The phase moves to the one the evidence implies if
 * that is later than the current phase (a phase is never skipped back);
 * returns true when it moved.
 */
bool lifecycle_evidence(struct lifecycle *lc, enum lifecycle_evidence why);
/* The phase a piece of evidence implies. */
enum lifecycle_phase lifecycle_phase_of(enum lifecycle_evidence why);
/* True from exit-boot-services on (notifications included). */
static inline bool lifecycle_exiting_or_later(const struct lifecycle *lc)
{
	return lc != NULL && lc->phase >= LIFECYCLE_EXIT_BOOT_SERVICES;
}
/* True once ExitBootServices has returned. */
static inline bool lifecycle_at_runtime(const struct lifecycle *lc)
{
	return lc != NULL && lc->phase >= LIFECYCLE_RUNTIME;
}
const char *lifecycle_phase_name(enum lifecycle_phase p);
const char *lifecycle_evidence_name(enum lifecycle_evidence e);

#endif /* MODELS_LIFECYCLE_H */
