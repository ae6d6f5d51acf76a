/*
 * FF-A memory management model.  See ffa_mem.h for the interface and what
 * is not modelled, docs/ffa-memory.md for the rules and their sources.
 *
 * Invariants:
 *   - a page belongs to at most one COMPLETE transaction, and a donated
 *     page is in no transaction (checked at send, so validation never has
 *     to undo anything);
 *   - every call validates all of its input first and changes state only
 *     afterwards; the one exception is a fragment that cannot be taken,
 *     which aborts its (not yet complete) transaction as Hafnium does;
 *   - descriptors are copied out of guest memory once and parsed from the
 *     copy, so the firmware cannot change them between check and use.
 *
 * Sources: DEN0077A v1.2 chapter 17 (memory management ABIs; section
 * 17.4.3 for the hypervisor retrieve request, as Hafnium cites it), v1.1
 * EAC0 Tables 10.13-10.21 (descriptors), Hafnium src/ffa_memory.c
 * (ffa_memory_region_sanity_check(), ffa_memory_send_validate(),
 * ffa_memory_retrieve_validate(), ffa_send_check_transition()), Linux
 * drivers/firmware/arm_ffa/driver.c (ffa_setup_and_transmit()) and
 * arch/arm64/kvm/hyp/nvhe/ffa.c (do_ffa_mem_reclaim()).
 */
#include "models/ffa_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/ffa.h"
#include "abi/ffa_mem.h"
#include "common/strbuf.h"
#include "models/ffa_mem_desc.h"

#define PAGE_MASK ((uint64_t)FFA_MEM_PAGE_SIZE - 1)

struct mem_txn {
	bool live;
	uint64_t handle;
	enum ffa_mem_kind kind;
	enum ffa_mem_state state;
	uint32_t version; /* of the sender: layout of the fragments */
	struct ffa_mem_desc d;
	bool zeroed;
	/* Fragments of the send (state SENDING). */
	uint8_t *frag_buf;
	uint32_t frag_total, frag_received;
};

/* A retrieve response still being handed out with FFA_MEM_FRAG_RX. */
struct mem_resp {
	bool live;
	uint64_t handle;
	uint16_t to;
	uint8_t *bytes;
	uint32_t len, sent;
};

/* A donated region: its new owner. */
struct mem_donated {
	uint64_t addr;
	uint32_t pages;
	uint16_t owner;
};

struct ffa_mem {
	struct ffa_mem_config cfg;
	const struct guest_mem *mem;
	struct findings *findings;
	struct ffa_mem_observer obs;
	struct mem_txn txns[FFA_MEM_MAX_TRANSACTIONS];
	struct mem_resp resps[FFA_MEM_MAX_TRANSACTIONS];
	/*
	 * Slots at and past these were never used: searches stop there, so
	 * a model with a few handles does not scan 256 slots per page asked
	 * about (ffa_mem_page_access() runs per page and endpoint).
	 */
	size_t txns_used, resps_used;
	struct mem_donated *donated;
	size_t donated_count, donated_cap;
	uint64_t next_handle;
};

/* One call in progress: the model and the context findings refer to. */
struct mem_call {
	struct ffa_mem *m;
	struct ffa_mem_ctx ctx;
};

/* --- Replies and findings --------------------------------------------- */

static struct smccc_regs mem_error(int32_t code)
{
	return (struct smccc_regs){.x = {FFA_ERROR, 0, (uint32_t)code}};
}

/* --- Lifecycle ------------------------------------------------------------ */

struct ffa_mem *ffa_mem_new(const struct ffa_mem_config *cfg,
			    const struct guest_mem *mem,
			    struct findings *findings)
{
	struct ffa_mem *m = xcalloc(1, sizeof(*m));

	m->cfg = *cfg;
	if (m->cfg.endpoint_count > FFA_MEM_MAX_ENDPOINTS) {
		m->cfg.endpoint_count = FFA_MEM_MAX_ENDPOINTS;
	}
	m->mem = mem;
	m->findings = findings;
	m->next_handle = 1; /* bit 63 clear: allocated by the SPMC */
	return m;
}

void ffa_mem_observe(struct ffa_mem *m, const struct ffa_mem_observer *obs)
{
	m->obs = obs != NULL ? *obs : (struct ffa_mem_observer){NULL, NULL};
}

/*
 * Tells the observer that the normal world lost or regained its access to
 * the pages of t (lend and donate only: a share leaves the owner's access
 * as it was).
 */
static void announce(const struct ffa_mem *m, const struct mem_txn *t,
		     enum ffa_mem_owner_change change)
{
	if (m->obs.ops == NULL || m->obs.ops->owner_access == NULL ||
	    t->kind == FFA_MEM_KIND_SHARE || t->d.sender != m->cfg.nwd_id) {
		return;
	}
	for (uint32_t i = 0; i < t->d.range_count; i++) {
		m->obs.ops->owner_access(m->obs.ctx, change, t->handle, t->kind,
					 t->d.ranges[i].addr,
					 t->d.ranges[i].pages);
	}
}

static void txn_free(struct mem_txn *t)
{
	free(t->d.ranges);
	free(t->frag_buf);
	memset(t, 0, sizeof(*t));
}

static void resp_free(struct mem_resp *r)
{
	free(r->bytes);
	memset(r, 0, sizeof(*r));
}

void ffa_mem_free(struct ffa_mem *m)
{
	if (m == NULL) {
		return;
	}
	for (size_t i = 0; i < m->txns_used; i++) {
		txn_free(&m->txns[i]);
	}
	for (size_t i = 0; i < m->resps_used; i++) {
		resp_free(&m->resps[i]);
	}
	free(m->donated);
	free(m);
}

const char *ffa_mem_kind_name(enum ffa_mem_kind k)
{
	switch (k) {
	case FFA_MEM_KIND_SHARE:
		return "share";
	case FFA_MEM_KIND_LEND:
		return "lend";
	case FFA_MEM_KIND_DONATE:
		return "donate";
	}
	return "?";
}

static struct mem_txn *txn_find(struct ffa_mem *m, uint64_t handle)
{
	for (size_t i = 0; i < m->txns_used; i++) {
		if (m->txns[i].live && m->txns[i].handle == handle) {
			return &m->txns[i];
		}
	}
	return NULL;
}

static const struct mem_txn *txn_find_const(const struct ffa_mem *m,
					    uint64_t handle)
{
	return txn_find((struct ffa_mem *)m, handle);
}

static struct mem_txn *txn_alloc(struct ffa_mem *m)
{
	for (size_t i = 0; i < m->txns_used; i++) {
		if (!m->txns[i].live) {
			return &m->txns[i];
		}
	}
	if (m->txns_used < FFA_MEM_MAX_TRANSACTIONS) {
		return &m->txns[m->txns_used++];
	}
	return NULL;
}

static struct mem_resp *resp_alloc(struct ffa_mem *m)
{
	for (size_t i = 0; i < m->resps_used; i++) {
		if (!m->resps[i].live) {
			return &m->resps[i];
		}
	}
	if (m->resps_used < FFA_MEM_MAX_TRANSACTIONS) {
		return &m->resps[m->resps_used++];
	}
	return NULL;
}

/* --- Reading the caller's descriptor -------------------------------------- */

/*
 * Copies fraglen bytes of the caller's descriptor: from TX, or from the
 * buffer x3 (address) / w4 (4 KiB pages) when either is non-zero
 * ("dynamically allocated buffer", FF-A v1.2 17.1-17.4).  Returns 0 or the
 * error code (with its finding); *out is malloc'd on success.
 */
static int32_t read_descriptor(struct mem_call *x, const struct smccc_regs *in,
			       uint32_t fraglen, uint8_t **out)
{
	struct ffa_mem_mailbox *mb = x->ctx.c->mb;
	uint64_t addr = in->x[3];
	uint32_t pages = (uint32_t)in->x[4];
	uint8_t *buf;

	*out = NULL;
	if (addr != 0 || pages != 0) {
		uint64_t size = (uint64_t)pages * FFA_MEM_PAGE_SIZE;

		if (mb->tx_host != NULL || addr == 0 || pages == 0 ||
		    (addr & PAGE_MASK) != 0 || fraglen > size ||
		    !guest_mem_is_ram(x->m->mem, addr, size)) {
			return ffa_mem_reject(
			    &x->ctx, FFA_RET_INVALID_PARAMETERS,
			    "ffa.mem.buffer", 0, 0,
			    "the buffer in registers (x3=0x%llx, "
			    "w4=%u pages) is not %u bytes of "
			    "4 KiB-aligned normal-world RAM",
			    (unsigned long long)addr, pages, fraglen);
		}
		buf = xmalloc(fraglen);
		if (!guest_mem_read(x->m->mem, addr, buf, fraglen)) {
			free(buf);
			return ffa_mem_reject(
			    &x->ctx, FFA_RET_INVALID_PARAMETERS,
			    "ffa.mem.buffer", 0, 0,
			    "the buffer at 0x%llx cannot be read",
			    (unsigned long long)addr);
		}
		x->ctx.base = addr;
	} else {
		if (!mb->mapped) {
			return ffa_mem_reject(
			    &x->ctx, FFA_RET_INVALID_PARAMETERS,
			    "ffa.mem.no-tx", 0, 0,
			    "the descriptor is in TX, but no RX/TX "
			    "pair is mapped");
		}
		if (fraglen > mb->size) {
			return ffa_mem_reject(
			    &x->ctx, FFA_RET_INVALID_PARAMETERS,
			    "ffa.mem.length", 0, 0,
			    "fragment length %u is larger than the "
			    "TX buffer (%u bytes)",
			    fraglen, mb->size);
		}
		buf = xmalloc(fraglen > 0 ? fraglen : 1);
		if (mb->tx_host != NULL) {
			memcpy(buf, mb->tx_host, fraglen);
		} else if (!guest_mem_read(x->m->mem, mb->tx, buf, fraglen)) {
			free(buf);
			return FFA_RET_ABORTED; /* TX vanished under us */
		}
		x->ctx.base = mb->tx_host != NULL ? 0 : mb->tx;
	}
	x->ctx.bytes = buf;
	x->ctx.len = fraglen;
	*out = buf;
	return 0;
}

/* --- Send: constituents and ownership (whole descriptor) ------------------ */

/* The owner of the page at pa (donations move it away from the NWd). */
static uint16_t owner_of(const struct ffa_mem *m, uint64_t pa)
{
	for (size_t i = m->donated_count; i-- > 0;) {
		const struct mem_donated *dn = &m->donated[i];

		if (ffa_mem_ranges_overlap(dn->addr, dn->pages, pa, 1)) {
			return dn->owner;
		}
	}
	return m->cfg.nwd_id;
}

static bool overlaps_donation(const struct ffa_mem *m,
			      const struct ffa_mem_range *r)
{
	for (size_t i = 0; i < m->donated_count; i++) {
		if (ffa_mem_ranges_overlap(m->donated[i].addr,
					   m->donated[i].pages, r->addr,
					   r->pages)) {
			return true;
		}
	}
	return false;
}

/*
 * The sender must own every page of d with exclusive access: no page in a
 * complete transaction, none donated away (Hafnium
 * ffa_send_check_transition(): DENIED otherwise).
 */
static int32_t check_ownership(struct mem_call *x, const struct ffa_mem_desc *d)
{
	struct ffa_mem *m = x->m;
	uint32_t first = d->composite_off + FFA_MEM_COMPOSITE_SIZE;

	for (uint32_t i = 0; i < d->range_count; i++) {
		const struct ffa_mem_range *r = &d->ranges[i];
		uint32_t off = first + i * FFA_MEM_CONSTITUENT_SIZE;

		for (size_t t = 0; t < m->txns_used; t++) {
			const struct mem_txn *o = &m->txns[t];

			if (!o->live || o->state != FFA_MEM_STATE_COMPLETE) {
				continue;
			}
			for (uint32_t k = 0; k < o->d.range_count; k++) {
				if (ffa_mem_ranges_overlap(
					r->addr, r->pages, o->d.ranges[k].addr,
					o->d.ranges[k].pages)) {
					return ffa_mem_reject(
					    &x->ctx, FFA_RET_DENIED,
					    "ffa.mem.not-owner", off, 12,
					    "constituent %u overlaps "
					    "handle 0x%llx (%s): the "
					    "sender has no exclusive "
					    "access",
					    i, (unsigned long long)o->handle,
					    ffa_mem_kind_name(o->kind));
				}
			}
		}
		if (!overlaps_donation(m, r) && d->sender == m->cfg.nwd_id) {
			continue; /* never donated: the normal world's */
		}
		for (uint32_t p = 0; p < r->pages; p++) {
			uint64_t pa = r->addr + (uint64_t)p * FFA_MEM_PAGE_SIZE;
			uint16_t owner = owner_of(m, pa);

			if (owner != d->sender) {
				return ffa_mem_reject(
				    &x->ctx, FFA_RET_DENIED,
				    "ffa.mem.not-owner", off, 12,
				    "page 0x%llx belongs to 0x%04x, not the "
				    "sender",
				    (unsigned long long)pa, owner);
			}
		}
	}
	return 0;
}

/* --- Send ----------------------------------------------------------------- */

static enum ffa_mem_kind kind_of(uint32_t fid)
{
	switch (fid & 0xffu) {
	case 0x71:
		return FFA_MEM_KIND_DONATE;
	case 0x72:
		return FFA_MEM_KIND_LEND;
	default:
		return FFA_MEM_KIND_SHARE;
	}
}

static struct smccc_regs success_handle(uint64_t handle)
{
	return (struct smccc_regs){.x = {FFA_SUCCESS_32, 0, (uint32_t)handle,
					 (uint32_t)(handle >> 32)}};
}

static struct smccc_regs frag_rx(uint64_t handle, uint32_t offset)
{
	return (struct smccc_regs){.x = {FFA_MEM_FRAG_RX, (uint32_t)handle,
					 (uint32_t)(handle >> 32), offset, 0}};
}

static uint64_t new_handle(struct ffa_mem *m)
{
	return m->next_handle++ & ~FFA_MEM_HANDLE_HYPERVISOR;
}

/*
 * Validates the whole descriptor of t (all fragments in t->frag_buf) and
 * makes the transaction COMPLETE, or returns the error (t stays SENDING for
 * the caller to free).
 */
static int32_t finish_send(struct mem_call *x, struct mem_txn *t)
{
	int32_t rc;

	x->ctx.bytes = t->frag_buf;
	x->ctx.len = t->frag_total;
	rc = ffa_mem_desc_check_ranges(&x->ctx, t->frag_buf, &t->d);
	if (rc == 0) {
		rc = check_ownership(x, &t->d);
	}
	if (rc != 0) {
		return rc;
	}
	t->state = FFA_MEM_STATE_COMPLETE;
	free(t->frag_buf);
	t->frag_buf = NULL;
	return 0;
}

/*
 * FFA_MEM_SHARE/LEND/DONATE_32/64 (FF-A v1.2 17.1-17.3).  w1 = total
 * length, w2 = fragment length, x3/w4 = optional buffer.  Returns
 * FFA_SUCCESS (w2/w3 = handle), FFA_MEM_FRAG_RX (w1/w2 = handle, w3 = bytes
 * received) when more fragments follow, or INVALID_PARAMETERS, DENIED,
 * NO_MEMORY (model limits).
 */
static struct smccc_regs mem_send(struct mem_call *x,
				  const struct smccc_regs *in)
{
	struct ffa_mem *m = x->m;
	enum ffa_mem_kind kind = kind_of((uint32_t)in->x[0]);
	uint32_t total = (uint32_t)in->x[1];
	uint32_t fraglen = (uint32_t)in->x[2];
	struct ffa_mem_desc d;
	struct mem_txn *t;
	uint8_t *buf = NULL;
	int32_t rc;

	if (fraglen == 0 || fraglen > total || fraglen % 16 != 0 ||
	    total % 16 != 0) {
		rc = ffa_mem_reject(
		    &x->ctx, FFA_RET_INVALID_PARAMETERS, "ffa.mem.length", 0, 0,
		    "fragment length %u / total length %u: zero, "
		    "fragment longer than total, or not multiples "
		    "of 16",
		    fraglen, total);
		return mem_error(rc);
	}
	if (total > FFA_MEM_MAX_DESC_LEN) {
		findings_add(m->findings, FINDING_WARNING,
			     "ffa.mem.model-limit",
			     "%s: descriptors over %u bytes are refused with "
			     "NO_MEMORY by the model (%u)",
			     x->ctx.abi, FFA_MEM_MAX_DESC_LEN, total);
		return mem_error(FFA_RET_NO_MEMORY);
	}
	rc = read_descriptor(x, in, fraglen, &buf);
	if (rc == 0) {
		rc = ffa_mem_desc_parse(&x->ctx, buf, fraglen, true, &d);
	}
	if (rc == 0) {
		rc = ffa_mem_desc_check_send(&x->ctx, kind, buf, fraglen, total,
					     &d);
	}
	if (rc != 0) {
		free(buf);
		return mem_error(rc);
	}
	t = txn_alloc(m);
	if (t == NULL) {
		free(buf);
		findings_add(m->findings, FINDING_WARNING,
			     "ffa.mem.model-limit",
			     "%s: more than %u live transactions", x->ctx.abi,
			     FFA_MEM_MAX_TRANSACTIONS);
		return mem_error(FFA_RET_NO_MEMORY);
	}
	*t = (struct mem_txn){
	    .live = true,
	    .kind = kind,
	    .state = FFA_MEM_STATE_SENDING,
	    .version = x->ctx.c->version,
	    .d = d,
	    .frag_total = total,
	    .frag_received = fraglen,
	};
	t->frag_buf = xmalloc(total);
	memcpy(t->frag_buf, buf, fraglen);
	free(buf);
	if (fraglen < total) {
		t->handle = new_handle(m);
		return frag_rx(t->handle, fraglen);
	}
	rc = finish_send(x, t);
	if (rc != 0) {
		txn_free(t);
		return mem_error(rc);
	}
	t->handle = new_handle(m);
	announce(m, t, FFA_MEM_OWNER_LOST);
	return success_handle(t->handle);
}

/*
 * FFA_MEM_FRAG_TX (FF-A v1.2 17.x, fragmented transmission): w1/w2 =
 * handle, w3 = fragment length, w4[31:16] = sender (hypervisor) or 0.  The
 * next fragment of a send is in TX.  Returns FFA_MEM_FRAG_RX (more to come)
 * or FFA_SUCCESS with the handle; INVALID_PARAMETERS for an unknown handle
 * or a bad length, which also aborts the transaction (Hafnium).
 */
static struct smccc_regs mem_frag_tx(struct mem_call *x,
				     const struct smccc_regs *in)
{
	uint64_t handle = (uint32_t)in->x[1] | in->x[2] << 32;
	uint32_t fraglen = (uint32_t)in->x[3];
	uint16_t w4_sender = (uint16_t)(in->x[4] >> 16);
	struct ffa_mem_mailbox *mb = x->ctx.c->mb;
	struct mem_txn *t = txn_find(x->m, handle);
	uint8_t *dst;
	int32_t rc;

	if (t == NULL || t->state != FFA_MEM_STATE_SENDING ||
	    t->d.sender != x->ctx.c->id ||
	    (w4_sender != 0 && w4_sender != x->ctx.c->id)) {
		rc =
		    ffa_mem_reject(&x->ctx, FFA_RET_INVALID_PARAMETERS,
				   "ffa.mem.frag-unknown-handle", 0, 0,
				   "no transmission of handle 0x%llx from this "
				   "endpoint is in progress",
				   (unsigned long long)handle);
		return mem_error(rc);
	}
	if (fraglen == 0 || fraglen % 16 != 0 ||
	    fraglen > t->frag_total - t->frag_received || !mb->mapped ||
	    fraglen > mb->size) {
		rc = ffa_mem_reject(
		    &x->ctx, FFA_RET_INVALID_PARAMETERS, "ffa.mem.frag-length",
		    0, 0,
		    "fragment of %u bytes after %u of %u (TX %u "
		    "bytes): zero, not a multiple of 16, too long or "
		    "no TX; transaction 0x%llx aborted",
		    fraglen, t->frag_received, t->frag_total,
		    mb->mapped ? mb->size : 0, (unsigned long long)handle);
		txn_free(t);
		return mem_error(rc);
	}
	dst = t->frag_buf + t->frag_received;
	if (mb->tx_host != NULL) {
		memcpy(dst, mb->tx_host, fraglen);
	} else if (!guest_mem_read(x->m->mem, mb->tx, dst, fraglen)) {
		txn_free(t);
		return mem_error(FFA_RET_ABORTED);
	}
	t->frag_received += fraglen;
	if (t->frag_received < t->frag_total) {
		return frag_rx(handle, t->frag_received);
	}
	rc = finish_send(x, t);
	if (rc != 0) {
		txn_free(t);
		return mem_error(rc);
	}
	announce(x->m, t, FFA_MEM_OWNER_LOST);
	return success_handle(handle);
}

/* --- Retrieve ------------------------------------------------------------- */

static bool rx_write(struct ffa_mem *m, struct ffa_mem_mailbox *mb,
		     const uint8_t *b, uint32_t len)
{
	if (mb->rx_host != NULL) {
		memcpy(mb->rx_host, b, len);
		return true;
	}
	return guest_mem_write(m->mem, mb->rx, b, len);
}

/* Largest fragment that fits RX: whole 16-byte units (constituents). */
static uint32_t fragment_size(const struct ffa_mem_mailbox *mb, uint32_t left)
{
	uint32_t room = mb->size & ~15u;

	return left < room ? left : room;
}

/*
 * Writes the first fragment of a retrieve response into RX and keeps the
 * rest for FFA_MEM_FRAG_RX.  Takes ownership of b.  Returns
 * FFA_MEM_RETRIEVE_RESP (w1 = total, w2 = fragment length).
 */
static struct smccc_regs deliver(struct mem_call *x, uint64_t handle,
				 uint8_t *b, uint32_t len)
{
	struct ffa_mem_mailbox *mb = x->ctx.c->mb;
	uint32_t first = fragment_size(mb, len);

	if (!rx_write(x->m, mb, b, first)) {
		free(b);
		return mem_error(FFA_RET_ABORTED);
	}
	mb->rx_filled = true;
	if (first < len) {
		struct mem_resp *r = resp_alloc(x->m);

		if (r != NULL) {
			*r = (struct mem_resp){
			    .live = true,
			    .handle = handle,
			    .to = x->ctx.c->id,
			    .bytes = b,
			    .len = len,
			    .sent = first,
			};
			b = NULL;
		}
	}
	free(b);
	return (struct smccc_regs){.x = {FFA_MEM_RETRIEVE_RESP, len, first}};
}

static void zero_ranges(struct ffa_mem *m, const struct ffa_mem_desc *d)
{
	static const uint8_t zeros[FFA_MEM_PAGE_SIZE];

	for (uint32_t i = 0; i < d->range_count; i++) {
		for (uint32_t p = 0; p < d->ranges[i].pages; p++) {
			/* Checked as RAM at send; a failure cannot happen. */
			(void)guest_mem_write(
			    m->mem,
			    d->ranges[i].addr + (uint64_t)p * FFA_MEM_PAGE_SIZE,
			    zeros, sizeof(zeros));
		}
	}
}

static void donated_add(struct ffa_mem *m, const struct ffa_mem_desc *d,
			uint16_t owner)
{
	for (uint32_t i = 0; i < d->range_count; i++) {
		if (m->donated_count == m->donated_cap) {
			m->donated_cap =
			    m->donated_cap ? m->donated_cap * 2 : 8;
			m->donated = xrealloc(
			    m->donated, m->donated_cap * sizeof(*m->donated));
		}
		m->donated[m->donated_count++] = (struct mem_donated){
		    d->ranges[i].addr, d->ranges[i].pages, owner};
	}
}

/*
 * The hypervisor retrieve request (FF-A v1.2 17.4.3; pKVM
 * do_ffa_mem_reclaim()): the normal world, as the owner, asks with no
 * EMADs for the description of its own transaction before a reclaim.  The
 * answer is the original descriptor with every receiver; nothing is
 * counted as retrieved.
 */
static struct smccc_regs hyp_retrieve(struct mem_call *x, struct mem_txn *t,
				      const struct ffa_mem_desc *q,
				      uint32_t len)
{
	const struct ffa_mem_receiver *rcv[FFA_MEM_MAX_RECEIVERS];
	uint32_t out_len;
	uint8_t *b;
	int32_t rc;

	if (x->ctx.c->id != x->m->cfg.nwd_id) {
		rc = ffa_mem_reject(
		    &x->ctx, FFA_RET_INVALID_PARAMETERS,
		    "ffa.mem.retrieve-receivers", FFA_MEM_OFF_EMAD_COUNT, 4,
		    "no EMADs: only the hypervisor may retrieve "
		    "without naming a receiver");
		return mem_error(rc);
	}
	if (len != q->header_size) {
		rc = ffa_mem_reject(
		    &x->ctx, FFA_RET_INVALID_PARAMETERS,
		    "ffa.mem.retrieve-length", 0, len,
		    "a hypervisor retrieve request is the %u-byte "
		    "header alone, not %u bytes",
		    q->header_size, len);
		return mem_error(rc);
	}
	if (t->state != FFA_MEM_STATE_COMPLETE || t->d.sender != x->ctx.c->id) {
		rc = ffa_mem_reject(
		    &x->ctx, FFA_RET_DENIED, "ffa.mem.retrieve-denied",
		    FFA_MEM_OFF_HANDLE, 8,
		    "handle 0x%llx is still being transmitted or not "
		    "the caller's",
		    (unsigned long long)t->handle);
		return mem_error(rc);
	}
	for (size_t i = 0; i < t->d.emad_count; i++) {
		rcv[i] = &t->d.receivers[i];
	}
	b = ffa_mem_desc_build(
	    &t->d, t->handle, x->ctx.c->version, rcv, t->d.emad_count, false,
	    t->d.flags | (uint32_t)t->kind << FFA_MEM_FLAG_TYPE_SHIFT,
	    t->d.attributes, &out_len);
	return deliver(x, t->handle, b, out_len);
}

/*
 * FFA_MEM_RETRIEVE_REQ_32/64 (FF-A v1.2 17.4): w1 = total length, w2 =
 * fragment length (equal: requests are not fragmented), x3/w4 = optional
 * buffer.  Returns FFA_MEM_RETRIEVE_RESP with the descriptor in RX, or
 * INVALID_PARAMETERS, DENIED, BUSY (RX not free), ABORTED.
 */
static struct smccc_regs mem_retrieve(struct mem_call *x,
				      const struct smccc_regs *in)
{
	uint32_t total = (uint32_t)in->x[1];
	uint32_t fraglen = (uint32_t)in->x[2];
	struct ffa_mem_mailbox *mb = x->ctx.c->mb;
	const struct ffa_mem_receiver *rcv[1];
	struct smccc_regs out;
	struct ffa_mem_receiver *self;
	struct ffa_mem_receiver granted_copy;
	struct ffa_mem_desc q;
	uint16_t attrs;
	uint8_t *resp;
	struct mem_txn *t;
	uint8_t *buf = NULL;
	uint8_t granted = 0;
	uint32_t out_len;
	size_t k = 0;
	int32_t rc;

	if (total != fraglen || total == 0) {
		rc = ffa_mem_reject(
		    &x->ctx, FFA_RET_INVALID_PARAMETERS,
		    "ffa.mem.retrieve-length", 0, 0,
		    "total length %u and fragment length %u differ "
		    "or are zero: retrieve requests are not "
		    "fragmented",
		    total, fraglen);
		return mem_error(rc);
	}
	rc = read_descriptor(x, in, fraglen, &buf);
	if (rc == 0) {
		rc = ffa_mem_desc_parse(&x->ctx, buf, fraglen, false, &q);
	}
	if (rc != 0) {
		free(buf);
		return mem_error(rc);
	}
	t = txn_find(x->m, q.handle);
	if (t == NULL) {
		rc = ffa_mem_reject(
		    &x->ctx, FFA_RET_INVALID_PARAMETERS,
		    "ffa.mem.unknown-handle", FFA_MEM_OFF_HANDLE, 8,
		    "handle 0x%llx is not live", (unsigned long long)q.handle);
	} else if (!mb->mapped) {
		rc = ffa_mem_reject(
		    &x->ctx, FFA_RET_BUSY, "ffa.mem.rx-busy", 0, 0,
		    "no RX buffer to hold the retrieve response");
	} else if (mb->rx_busy) {
		rc = ffa_mem_reject(&x->ctx, FFA_RET_BUSY, "ffa.mem.rx-busy", 0,
				    0,
				    "RX is still owned by the caller (no "
				    "FFA_RX_RELEASE)");
	}
	if (rc != 0) {
		free(buf);
		return mem_error(rc);
	}
	if (q.emad_count == 0) {
		out = hyp_retrieve(x, t, &q, fraglen);
		free(buf);
		return out;
	}
	if (t->state != FFA_MEM_STATE_COMPLETE) {
		rc = ffa_mem_reject(&x->ctx, FFA_RET_DENIED,
				    "ffa.mem.retrieve-denied",
				    FFA_MEM_OFF_HANDLE, 8,
				    "handle 0x%llx is still being transmitted",
				    (unsigned long long)t->handle);
	} else {
		rc = ffa_mem_desc_check_retrieve(&x->ctx, t->kind, &t->d,
						 t->handle, &q, fraglen, &k,
						 &granted);
	}
	free(buf);
	x->ctx.bytes = NULL;
	if (rc != 0) {
		return mem_error(rc);
	}
	/* The response first: if RX cannot take it, nothing changes. */
	granted_copy = t->d.receivers[k];
	granted_copy.granted = granted;
	rcv[0] = &granted_copy;
	/* The memory is normal-world memory: NS set for secure borrowers. */
	attrs = t->d.attributes;
	if (!ffa_mem_layout_v1_0(x->ctx.c->version) &&
	    (x->ctx.c->id & FFA_ID_SECURE_BIT)) {
		attrs |= FFA_MEM_ATTR_NS;
	}
	resp = ffa_mem_desc_build(
	    &t->d, t->handle, x->ctx.c->version, rcv, 1, true,
	    (t->d.flags & FFA_MEM_FLAG_ZERO) | (uint32_t)t->kind
						   << FFA_MEM_FLAG_TYPE_SHIFT,
	    attrs, &out_len);
	out = deliver(x, t->handle, resp, out_len);
	if (out.x[0] == FFA_ERROR) {
		return out;
	}
	self = &t->d.receivers[k];
	self->retrieved = true;
	self->granted = granted;
	self->zero_after = (q.flags & FFA_MEM_FLAG_ZERO_AFTER) != 0;
	if ((t->d.flags & FFA_MEM_FLAG_ZERO) != 0 && !t->zeroed) {
		zero_ranges(x->m, &t->d);
		t->zeroed = true;
	}
	if (t->kind == FFA_MEM_KIND_DONATE) {
		/* Ownership moves; the handle is used up (Hafnium). */
		announce(x->m, t, FFA_MEM_OWNER_DONATED);
		donated_add(x->m, &t->d, x->ctx.c->id);
		txn_free(t);
	}
	return out;
}

/*
 * FFA_MEM_FRAG_RX (retrieve direction): w1/w2 = handle, w3 = offset of the
 * next fragment (the bytes already received).  Returns FFA_MEM_FRAG_TX
 * (w1/w2 = handle, w3 = fragment length) with the fragment in RX, or
 * INVALID_PARAMETERS (nothing pending, wrong offset), BUSY (RX not free).
 */
static struct smccc_regs mem_frag_rx(struct mem_call *x,
				     const struct smccc_regs *in)
{
	uint64_t handle = (uint32_t)in->x[1] | in->x[2] << 32;
	uint32_t offset = (uint32_t)in->x[3];
	struct ffa_mem_mailbox *mb = x->ctx.c->mb;
	struct mem_resp *r = NULL;
	uint32_t len;
	int32_t rc;

	for (size_t i = 0; i < x->m->resps_used; i++) {
		if (x->m->resps[i].live && x->m->resps[i].handle == handle &&
		    x->m->resps[i].to == x->ctx.c->id) {
			r = &x->m->resps[i];
		}
	}
	if (r == NULL) {
		rc = ffa_mem_reject(&x->ctx, FFA_RET_INVALID_PARAMETERS,
				    "ffa.mem.frag-unknown-handle", 0, 0,
				    "no retrieve response of handle 0x%llx is "
				    "pending for this endpoint",
				    (unsigned long long)handle);
		return mem_error(rc);
	}
	if (offset != r->sent) {
		rc = ffa_mem_reject(&x->ctx, FFA_RET_INVALID_PARAMETERS,
				    "ffa.mem.frag-offset", 0, 0,
				    "offset %u, but %u of %u bytes were sent",
				    offset, r->sent, r->len);
		return mem_error(rc);
	}
	if (!mb->mapped || mb->rx_busy) {
		rc = ffa_mem_reject(&x->ctx, FFA_RET_BUSY, "ffa.mem.rx-busy", 0,
				    0, "RX is not mapped or not released");
		return mem_error(rc);
	}
	len = fragment_size(mb, r->len - r->sent);
	if (!rx_write(x->m, mb, r->bytes + r->sent, len)) {
		return mem_error(FFA_RET_ABORTED);
	}
	mb->rx_filled = true;
	r->sent += len;
	if (r->sent == r->len) {
		resp_free(r);
	}
	return (struct smccc_regs){.x = {FFA_MEM_FRAG_TX, (uint32_t)handle,
					 (uint32_t)(handle >> 32), len, 0}};
}

/* --- Relinquish and reclaim ----------------------------------------------- */

/*
 * FFA_MEM_RELINQUISH (FF-A v1.2 17.6): the relinquish descriptor in TX
 * (u64 handle, u32 flags, u32 endpoint count, u16 IDs).  Returns
 * FFA_SUCCESS, or INVALID_PARAMETERS (bad descriptor, unknown handle, not
 * a borrower), DENIED (not retrieved, zeroing by a read-only borrower).
 */
static struct smccc_regs mem_relinquish(struct mem_call *x,
					const struct smccc_regs *in)
{
	struct ffa_mem_mailbox *mb = x->ctx.c->mb;
	uint8_t b[FFA_MEM_RELINQUISH_HEADER_SIZE + 2];
	uint64_t handle;
	uint32_t flags, count;
	struct mem_txn *t;
	struct ffa_mem_receiver *r = NULL;
	int32_t rc = 0;

	(void)in;
	if (!mb->mapped || mb->size < sizeof(b)) {
		return mem_error(ffa_mem_reject(
		    &x->ctx, FFA_RET_INVALID_PARAMETERS, "ffa.mem.no-tx", 0, 0,
		    "no TX buffer holds the relinquish "
		    "descriptor"));
	}
	if (mb->tx_host != NULL) {
		memcpy(b, mb->tx_host, sizeof(b));
	} else if (!guest_mem_read(x->m->mem, mb->tx, b, sizeof(b))) {
		return mem_error(FFA_RET_ABORTED);
	}
	x->ctx.bytes = b;
	x->ctx.len = sizeof(b);
	x->ctx.base = mb->tx_host != NULL ? 0 : mb->tx;
	handle = ffa_mem_rd64(b, 0);
	flags = ffa_mem_rd32(b, 8);
	count = ffa_mem_rd32(b, 12);
	t = txn_find(x->m, handle);
	if (count != 1 || ffa_mem_rd16(b, 16) != x->ctx.c->id) {
		rc = ffa_mem_reject(
		    &x->ctx, FFA_RET_INVALID_PARAMETERS,
		    "ffa.mem.relinquish-endpoints", 12, 6,
		    "%u endpoints, first 0x%04x: exactly the caller "
		    "must be listed",
		    count, ffa_mem_rd16(b, 16));
	} else if ((flags & ~(FFA_MEM_FLAG_ZERO | FFA_MEM_FLAG_TIME_SLICE)) !=
		   0) {
		rc = ffa_mem_reject(&x->ctx, FFA_RET_INVALID_PARAMETERS,
				    "ffa.mem.flags", 8, 4,
				    "relinquish flags 0x%x: bits 31:2 are "
				    "reserved",
				    flags);
	} else if (t == NULL || t->state != FFA_MEM_STATE_COMPLETE) {
		rc = ffa_mem_reject(&x->ctx, FFA_RET_INVALID_PARAMETERS,
				    "ffa.mem.unknown-handle", 0, 8,
				    "handle 0x%llx is not live",
				    (unsigned long long)handle);
	}
	if (rc == 0) {
		for (uint32_t i = 0; i < t->d.emad_count; i++) {
			if (t->d.receivers[i].id == x->ctx.c->id) {
				r = &t->d.receivers[i];
			}
		}
		if (r == NULL) {
			rc = ffa_mem_reject(
			    &x->ctx, FFA_RET_INVALID_PARAMETERS,
			    "ffa.mem.relinquish-not-borrower", 16, 2,
			    "0x%04x is not a borrower of handle 0x%llx",
			    x->ctx.c->id, (unsigned long long)handle);
		} else if (!r->retrieved) {
			rc = ffa_mem_reject(
			    &x->ctx, FFA_RET_DENIED,
			    "ffa.mem.relinquish-not-retrieved", 0, 8,
			    "handle 0x%llx was not retrieved by 0x%04x",
			    (unsigned long long)handle, x->ctx.c->id);
		} else if ((flags & FFA_MEM_FLAG_ZERO) != 0 &&
			   t->kind == FFA_MEM_KIND_SHARE) {
			rc = ffa_mem_reject(
			    &x->ctx, FFA_RET_INVALID_PARAMETERS,
			    "ffa.mem.zero-on-share", 8, 4,
			    "zeroing requested for shared memory");
		} else if ((flags & FFA_MEM_FLAG_ZERO) != 0 &&
			   (r->granted & FFA_MEM_DATA_MASK) !=
			       FFA_MEM_DATA_RW) {
			rc = ffa_mem_reject(
			    &x->ctx, FFA_RET_DENIED, "ffa.mem.retrieve-zero", 8,
			    4,
			    "a read-only borrower cannot ask for "
			    "zeroing");
		}
	}
	if (rc != 0) {
		return mem_error(rc);
	}
	if ((flags & FFA_MEM_FLAG_ZERO) != 0 || r->zero_after) {
		zero_ranges(x->m, &t->d);
	}
	r->retrieved = false;
	r->granted = 0;
	r->zero_after = false;
	return (struct smccc_regs){.x = {FFA_SUCCESS_32}};
}

/*
 * FFA_MEM_RECLAIM (FF-A v1.2 17.7): w1/w2 = handle, w3 = flags (bit 0 zero,
 * bit 1 time slice).  Returns FFA_SUCCESS (the owner regains exclusive
 * access; an incomplete transmission is aborted, pKVM's FRAG_TX error
 * path), or INVALID_PARAMETERS (unknown handle, flags), DENIED (not the
 * owner, or a borrower still holds the memory).
 */
static struct smccc_regs mem_reclaim(struct mem_call *x,
				     const struct smccc_regs *in)
{
	uint64_t handle = (uint32_t)in->x[1] | in->x[2] << 32;
	uint32_t flags = (uint32_t)in->x[3];
	struct mem_txn *t = txn_find(x->m, handle);
	int32_t rc = 0;

	if (t == NULL) {
		rc = ffa_mem_reject(&x->ctx, FFA_RET_INVALID_PARAMETERS,
				    "ffa.mem.unknown-handle", 0, 0,
				    "handle 0x%llx is not live",
				    (unsigned long long)handle);
	} else if (t->d.sender != x->ctx.c->id) {
		rc = ffa_mem_reject(&x->ctx, FFA_RET_DENIED,
				    "ffa.mem.reclaim-not-owner", 0, 0,
				    "handle 0x%llx belongs to 0x%04x",
				    (unsigned long long)handle, t->d.sender);
	} else if ((flags & ~(FFA_MEM_RECLAIM_ZERO |
			      FFA_MEM_RECLAIM_TIME_SLICE)) != 0) {
		rc = ffa_mem_reject(
		    &x->ctx, FFA_RET_INVALID_PARAMETERS, "ffa.mem.flags", 0, 0,
		    "reclaim flags 0x%x: bits 31:2 are reserved", flags);
	} else if ((flags & FFA_MEM_RECLAIM_ZERO) != 0 &&
		   t->kind == FFA_MEM_KIND_SHARE) {
		rc = ffa_mem_reject(&x->ctx, FFA_RET_INVALID_PARAMETERS,
				    "ffa.mem.zero-on-share", 0, 0,
				    "zeroing requested when reclaiming shared "
				    "memory");
	}
	if (rc == 0 && t->state == FFA_MEM_STATE_COMPLETE) {
		for (uint32_t i = 0; i < t->d.emad_count; i++) {
			if (t->d.receivers[i].retrieved) {
				rc = ffa_mem_reject(
				    &x->ctx, FFA_RET_DENIED,
				    "ffa.mem.reclaim-while-retrieved", 0, 0,
				    "0x%04x still holds handle 0x%llx "
				    "(retrieved, not relinquished)",
				    t->d.receivers[i].id,
				    (unsigned long long)handle);
				break;
			}
		}
	}
	if (rc != 0) {
		return mem_error(rc);
	}
	if (t->state == FFA_MEM_STATE_COMPLETE &&
	    (flags & FFA_MEM_RECLAIM_ZERO) != 0) {
		zero_ranges(x->m, &t->d);
	}
	for (size_t i = 0; i < x->m->resps_used; i++) {
		if (x->m->resps[i].live && x->m->resps[i].handle == handle) {
			resp_free(&x->m->resps[i]);
		}
	}
	if (t->state == FFA_MEM_STATE_COMPLETE) {
		announce(x->m, t, FFA_MEM_OWNER_REGAINED);
	}
	txn_free(t);
	return (struct smccc_regs){.x = {FFA_SUCCESS_32}};
}

/* --- Dispatch ------------------------------------------------------------- */

typedef struct smccc_regs mem_handler_fn(struct mem_call *x,
					 const struct smccc_regs *in);

struct mem_abi {
	uint32_t fid;
	const char *name;
	mem_handler_fn *handler;
	uint32_t features_w2;
};

static const struct mem_abi mem_abis[] = {
    {FFA_MEM_DONATE_32, "FFA_MEM_DONATE", mem_send,
     FFA_MEM_FEAT_DYNAMIC_BUFFER},
    {FFA_MEM_DONATE_64, "FFA_MEM_DONATE", mem_send,
     FFA_MEM_FEAT_DYNAMIC_BUFFER},
    {FFA_MEM_LEND_32, "FFA_MEM_LEND", mem_send, FFA_MEM_FEAT_DYNAMIC_BUFFER},
    {FFA_MEM_LEND_64, "FFA_MEM_LEND", mem_send, FFA_MEM_FEAT_DYNAMIC_BUFFER},
    {FFA_MEM_SHARE_32, "FFA_MEM_SHARE", mem_send, FFA_MEM_FEAT_DYNAMIC_BUFFER},
    {FFA_MEM_SHARE_64, "FFA_MEM_SHARE", mem_send, FFA_MEM_FEAT_DYNAMIC_BUFFER},
    {FFA_MEM_RETRIEVE_REQ_32, "FFA_MEM_RETRIEVE_REQ", mem_retrieve,
     FFA_MEM_FEAT_DYNAMIC_BUFFER},
    {FFA_MEM_RETRIEVE_REQ_64, "FFA_MEM_RETRIEVE_REQ", mem_retrieve,
     FFA_MEM_FEAT_DYNAMIC_BUFFER},
    {FFA_MEM_RELINQUISH, "FFA_MEM_RELINQUISH", mem_relinquish, 0},
    {FFA_MEM_RECLAIM, "FFA_MEM_RECLAIM", mem_reclaim, 0},
    {FFA_MEM_FRAG_RX, "FFA_MEM_FRAG_RX", mem_frag_rx, 0},
    {FFA_MEM_FRAG_TX, "FFA_MEM_FRAG_TX", mem_frag_tx, 0},
};

static const struct mem_abi *mem_abi_find(uint32_t fid)
{
	for (size_t i = 0; i < sizeof(mem_abis) / sizeof(mem_abis[0]); i++) {
		if (mem_abis[i].fid == fid) {
			return &mem_abis[i];
		}
	}
	return NULL;
}

bool ffa_mem_serves(uint32_t fid, uint32_t *features_w2)
{
	const struct mem_abi *a = mem_abi_find(fid);

	if (a != NULL && features_w2 != NULL) {
		*features_w2 = a->features_w2;
	}
	return a != NULL;
}

void ffa_mem_call(struct ffa_mem *m, const struct ffa_mem_caller *c,
		  const struct smccc_regs *in, struct smccc_regs *out)
{
	const struct mem_abi *a = mem_abi_find((uint32_t)in->x[0]);
	struct mem_call x = {
	    .m = m,
	    .ctx = {.cfg = &m->cfg,
		    .mem = m->mem,
		    .findings = m->findings,
		    .c = c},
	};

	c->mb->rx_filled = false;
	if (a == NULL) {
		*out = mem_error(FFA_RET_NOT_SUPPORTED);
		return;
	}
	x.ctx.abi = a->name;
	*out = a->handler(&x, in);
}

/* --- Introspection -------------------------------------------------------- */

size_t ffa_mem_transaction_count(const struct ffa_mem *m)
{
	size_t n = 0;

	for (size_t i = 0; i < m->txns_used; i++) {
		n += m->txns[i].live;
	}
	return n;
}

bool ffa_mem_handle_state(const struct ffa_mem *m, uint64_t handle,
			  enum ffa_mem_kind *kind, enum ffa_mem_state *state,
			  uint16_t *owner)
{
	const struct mem_txn *t = txn_find_const(m, handle);

	if (t == NULL) {
		return false;
	}
	if (kind != NULL) {
		*kind = t->kind;
	}
	if (state != NULL) {
		*state = t->state;
	}
	if (owner != NULL) {
		*owner = t->d.sender;
	}
	return true;
}

bool ffa_mem_handle_retrieved(const struct ffa_mem *m, uint64_t handle,
			      uint16_t receiver)
{
	const struct mem_txn *t = txn_find_const(m, handle);

	for (uint32_t i = 0; t != NULL && i < t->d.emad_count; i++) {
		if (t->d.receivers[i].id == receiver) {
			return t->d.receivers[i].retrieved;
		}
	}
	return false;
}

size_t ffa_mem_handle_ranges(const struct ffa_mem *m, uint64_t handle,
			     uint64_t *addr, uint32_t *pages, size_t max)
{
	const struct mem_txn *t = txn_find_const(m, handle);

	if (t == NULL || t->state != FFA_MEM_STATE_COMPLETE) {
		return 0;
	}
	for (size_t i = 0; i < t->d.range_count && i < max; i++) {
		addr[i] = t->d.ranges[i].addr;
		pages[i] = t->d.ranges[i].pages;
	}
	return t->d.range_count;
}

uint16_t ffa_mem_page_owner(const struct ffa_mem *m, uint64_t pa)
{
	return owner_of(m, pa & ~PAGE_MASK);
}

enum ffa_mem_access ffa_mem_page_access(const struct ffa_mem *m, uint64_t pa,
					uint16_t endpoint)
{
	uint16_t owner = ffa_mem_page_owner(m, pa);

	pa &= ~PAGE_MASK;
	for (size_t i = 0; i < m->txns_used; i++) {
		const struct mem_txn *t = &m->txns[i];

		if (!t->live || t->state != FFA_MEM_STATE_COMPLETE) {
			continue;
		}
		for (uint32_t k = 0; k < t->d.range_count; k++) {
			if (!ffa_mem_ranges_overlap(t->d.ranges[k].addr,
						    t->d.ranges[k].pages, pa,
						    1)) {
				continue;
			}
			if (endpoint == t->d.sender) {
				/* Lend and donate take the owner's access. */
				return t->kind == FFA_MEM_KIND_SHARE
					   ? FFA_MEM_ACCESS_RW
					   : FFA_MEM_ACCESS_NONE;
			}
			for (uint32_t r = 0; r < t->d.emad_count; r++) {
				const struct ffa_mem_receiver *rc =
				    &t->d.receivers[r];

				if (rc->id == endpoint && rc->retrieved) {
					return (rc->granted &
						FFA_MEM_DATA_MASK) ==
						       FFA_MEM_DATA_RW
						   ? FFA_MEM_ACCESS_RW
						   : FFA_MEM_ACCESS_RO;
				}
			}
			return FFA_MEM_ACCESS_NONE;
		}
	}
	return endpoint == owner ? FFA_MEM_ACCESS_RW : FFA_MEM_ACCESS_NONE;
}
