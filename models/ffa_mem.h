/*
 * FF-A memory management in the SPMC: FFA_MEM_SHARE, LEND, DONATE (32/64),
 * MEM_RETRIEVE_REQ (32/64) and the RETRIEVE_RESP it produces,
 * MEM_RELINQUISH, MEM_RECLAIM, MEM_FRAG_TX and MEM_FRAG_RX (DEN0077A v1.2
 * chapter 17; descriptor layouts of v1.1 EAC0 Tables 10.13-10.21).
 *
 * Interface: the SPMC (models/spmc.c) passes every MEM_* call to
 * ffa_mem_call() with the caller's endpoint ID, negotiated version and
 * mailbox.  Model partitions (models/test_sp.c) call it the same way with
 * their own ID and host-memory mailbox.  Guest memory is only touched
 * through models/guest_mem.h: descriptors in TX or in a buffer given in
 * x3/w4, retrieve responses into RX, zeroing of regions.
 *
 * Descriptors are parsed in the layout of the caller's version (v1.0: 32-
 * byte header, 16-byte EMADs at 32; v1.1: 48-byte header with EMAD size 16
 * and offset; v1.2: EMADs of 16 or 32 bytes).  Every rule that fails is
 * answered with the specification's error code and recorded as an
 * `ffa.mem.*` firmware finding with a hex dump of the offending bytes; no
 * state changes on any error (validation runs to completion before the
 * first change).
 *
 * Ownership is kept per 4 KiB page: a page is owned by the normal world
 * unless it belongs to a live transaction or was donated.  See
 * docs/ffa-memory.md for the state machine.
 *
 * Not modelled: FFA_MEM_OP_PAUSE/RESUME (time slicing is accepted and
 * ignored), memory sent by a secure partition to the normal world,
 * address-range hints, FFA_MEM_PERM_GET/SET.
 */
#ifndef MODELS_FFA_MEM_H
#define MODELS_FFA_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/smccc.h"
#include "common/finding.h"
#include "models/guest_mem.h"

#define FFA_MEM_MAX_RECEIVERS 4
#define FFA_MEM_MAX_ENDPOINTS 16
#define FFA_MEM_MAX_TRANSACTIONS 256
/* Longest descriptor accepted (pKVM's own limit is 36864 bytes). */
#define FFA_MEM_MAX_DESC_LEN (256u * 1024u)

enum ffa_mem_kind {
	FFA_MEM_KIND_SHARE = 1, /* the values of retrieve flags bits 4:3 */
	FFA_MEM_KIND_LEND = 2,
	FFA_MEM_KIND_DONATE = 3,
};

/* Lifecycle of a handle (one per transaction). */
enum ffa_mem_state {
	FFA_MEM_STATE_SENDING,	/* fragments outstanding; no page claimed */
	FFA_MEM_STATE_COMPLETE, /* pages claimed; borrowers may retrieve */
};

enum ffa_mem_access {
	FFA_MEM_ACCESS_NONE,
	FFA_MEM_ACCESS_RO,
	FFA_MEM_ACCESS_RW,
};

struct ffa_mem_config {
	uint16_t nwd_id; /* the normal-world endpoint (also the hypervisor) */
	size_t endpoint_count;
	uint16_t endpoints[FFA_MEM_MAX_ENDPOINTS]; /* valid receivers */
};

/*
 * Where a caller's RX/TX buffers are: guest addresses (the normal world)
 * or host memory (model partitions, whose buffers are secure memory the
 * harness does not emulate).
 */
struct ffa_mem_mailbox {
	bool mapped;
	uint64_t tx, rx;	    /* guest addresses when tx_host is NULL */
	uint8_t *tx_host, *rx_host; /* host buffers of a model partition */
	uint32_t size;		    /* bytes in each buffer */
	bool rx_busy;		    /* in: the caller still owns RX */
	bool rx_filled;		    /* out: this call handed RX to the caller */
};

struct ffa_mem_caller {
	uint16_t id;
	uint32_t version; /* negotiated FF-A version: picks the layout */
	struct ffa_mem_mailbox *mb;
};

/* A change of the normal world's access to pages it owned. */
enum ffa_mem_owner_change {
	FFA_MEM_OWNER_LOST,     /* lent or donated (send complete) */
	FFA_MEM_OWNER_DONATED,  /* a donation was retrieved: gone for good */
	FFA_MEM_OWNER_REGAINED, /* reclaimed */
};

/*
 * Who wants to hear when the normal world loses or regains access to its
 * pages: a backend that enforces ffa_mem_page_access() on the firmware.
 * One call per constituent range of the handle; shares are not announced
 * (the owner keeps its access).
 */
struct ffa_mem_observer_ops {
	void (*owner_access)(void *ctx, enum ffa_mem_owner_change change,
			     uint64_t handle, enum ffa_mem_kind kind,
			     uint64_t addr, uint32_t pages);
};

struct ffa_mem_observer {
	const struct ffa_mem_observer_ops *ops; /* static const table */
	void *ctx;
};

struct ffa_mem;

struct ffa_mem *ffa_mem_new(const struct ffa_mem_config *cfg,
			    const struct guest_mem *mem,
			    struct findings *findings);
void ffa_mem_free(struct ffa_mem *m);
/* obs may be NULL: nobody is told. */
void ffa_mem_observe(struct ffa_mem *m, const struct ffa_mem_observer *obs);

/* True for the function IDs ffa_mem_call() serves; w2 = FEATURES props. */
bool ffa_mem_serves(uint32_t fid, uint32_t *features_w2);

/*
 * One MEM_* call: in = the caller's registers (SMC32 upper halves already
 * cleared), *out = the reply (FFA_SUCCESS, FFA_MEM_FRAG_RX,
 * FFA_MEM_RETRIEVE_RESP, FFA_MEM_FRAG_TX or FFA_ERROR).
 */
void ffa_mem_call(struct ffa_mem *m, const struct ffa_mem_caller *c,
		  const struct smccc_regs *in, struct smccc_regs *out);

/* --- Read-only introspection (tests, scenarios, backends) --------------- */

size_t ffa_mem_transaction_count(const struct ffa_mem *m);
/* State of a handle; false if it is not live. */
bool ffa_mem_handle_state(const struct ffa_mem *m, uint64_t handle,
			  enum ffa_mem_kind *kind, enum ffa_mem_state *state,
			  uint16_t *owner);
/* True if receiver has retrieved handle and not relinquished it. */
bool ffa_mem_handle_retrieved(const struct ffa_mem *m, uint64_t handle,
			      uint16_t receiver);
/* Owner of the 4 KiB page at pa and the access endpoint has to it. */
uint16_t ffa_mem_page_owner(const struct ffa_mem *m, uint64_t pa);
enum ffa_mem_access ffa_mem_page_access(const struct ffa_mem *m, uint64_t pa,
					uint16_t endpoint);
/*
 * The constituents of a live, complete handle: up to max ranges are copied;
 * returns the total count.
 */
size_t ffa_mem_handle_ranges(const struct ffa_mem *m, uint64_t handle,
			     uint64_t *addr, uint32_t *pages, size_t max);
const char *ffa_mem_kind_name(enum ffa_mem_kind k);

#endif /* MODELS_FFA_MEM_H */
