/*
 * The MM secure partition: MM communicate over FF-A as U-Boot's
 * efi_variable_tee.c speaks it and Trusted Services' smm-gateway answers it
 * (reference sections 4.3 to 4.8), in front of a UEFI variable store
 * (models/varstore.h).
 *
 * Interface: the SPMC calls mm_sp_doorbell() for each direct request the
 * partition receives.  x3 is the offset of the request in the shared
 * buffer; the request is read from, and the reply written back to, the
 * buffer through the guest-memory interface (the point-of-coherency view);
 * the return value is the MM return code for x3 of the direct response.
 *
 * Validation never trusts the buffer: offset, MessageLength, HeaderGuid,
 * every payload size and offset, NUL-terminated even-length names.  A
 * malformed request gets the answer the real service gives and is recorded
 * as a firmware finding with the offending bytes.
 */
#ifndef MODELS_MM_SP_H
#define MODELS_MM_SP_H

#include <stdbool.h>
#include <stdint.h>

#include "common/finding.h"
#include "common/trace.h"
#include "models/guest_mem.h"
#include "models/inject.h"
#include "models/lifecycle.h"
#include "models/varstore.h"

/* Largest shared buffer the model copies in one piece. */
#define MM_SP_MAX_BUFFER (1u << 20)

struct mm_sp_config {
	uint64_t buf_addr; /* the static shared buffer (FFA_SHARED_MM_BUF_ADDR) */
	uint64_t buf_size;
	/* Told of the MM READY_TO_BOOT and EXIT_BOOT_SERVICE events (may be
	 * NULL in unit tests). */
	struct lifecycle *lifecycle;
};

struct mm_sp;

/* inj may be NULL (no fault injection). */
struct mm_sp *mm_sp_new(const struct mm_sp_config *cfg, struct varstore *vs,
			const struct guest_mem *mem, struct findings *findings,
			struct injector *inj);
void mm_sp_free(struct mm_sp *mm);

/*
 * One doorbell.  is_64 says which direct-request width carried it (the
 * offset is then x3, or w3 for the 32-bit form).  ev, when not NULL,
 * receives the decoded request and reply.  Returns an MM_RET_* code, or
 * sets *ffa_error (non-zero) when an injected FF-A error answers instead.
 */
int64_t mm_sp_doorbell(struct mm_sp *mm, uint64_t offset, bool is_64,
		       struct trace_event *ev, int32_t *ffa_error);

/* The payload size GET_PAYLOAD_SIZE reports (TS: buffer - 24 - 16 - 36). */
uint64_t mm_sp_payload_size(const struct mm_sp *mm);
struct varstore *mm_sp_store(struct mm_sp *mm);
uint64_t mm_sp_doorbells(const struct mm_sp *mm);
/* The shared buffer a doorbell hands over. */
void mm_sp_buffer(const struct mm_sp *mm, uint64_t *addr, uint64_t *size);

#endif /* MODELS_MM_SP_H */
