/*
 * The scripted test partition.  See test_sp.h for the protocol.
 *
 * The partition behaves as an SP using FF-A v1.2 would: it writes a
 * retrieve request into its TX buffer, reads FFA_MEM_RETRIEVE_RESP and any
 * FFA_MEM_FRAG_TX fragments from its RX buffer and releases RX after each
 * (Linux-style borrower flow, FF-A v1.2 17.4/17.5), and touches memory only
 * where the SPMC's ownership model gives it access.
 */
#include "models/test_sp.h"

#include <stdlib.h>
#include <string.h>

#include "abi/ffa.h"
#include "abi/ffa_mem.h"
#include "common/strbuf.h"

struct held_handle {
	bool used;
	uint64_t handle;
	size_t range_count;
	uint64_t addr[TEST_SP_MAX_RANGES];
	uint32_t pages[TEST_SP_MAX_RANGES];
};

struct test_sp {
	uint16_t id;
	struct ffa_mem *mem;
	struct ffa_notif *notif;
	const struct guest_mem *gm;
	struct findings *findings;
	uint8_t tx[TEST_SP_BUFFER_SIZE];
	uint8_t rx[TEST_SP_BUFFER_SIZE];
	struct ffa_mem_mailbox mb;
	struct held_handle held[TEST_SP_MAX_HANDLES];
	/* The retrieve response being reassembled. */
	uint8_t resp[64 * 1024];
};

struct test_sp *test_sp_new(uint16_t id, struct ffa_mem *mem,
			    struct ffa_notif *notif, const struct guest_mem *gm,
			    struct findings *findings)
{
	struct test_sp *sp = xcalloc(1, sizeof(*sp));

	sp->id = id;
	sp->mem = mem;
	sp->notif = notif;
	sp->gm = gm;
	sp->findings = findings;
	sp->mb = (struct ffa_mem_mailbox){
	    .mapped = true,
	    .tx_host = sp->tx,
	    .rx_host = sp->rx,
	    .size = TEST_SP_BUFFER_SIZE,
	};
	return sp;
}

void test_sp_free(struct test_sp *sp)
{
	free(sp);
}

size_t test_sp_held(const struct test_sp *sp)
{
	size_t n = 0;

	for (size_t i = 0; i < TEST_SP_MAX_HANDLES; i++) {
		n += sp->held[i].used;
	}
	return n;
}

static void put16(uint8_t *b, size_t off, uint16_t v)
{
	b[off] = (uint8_t)v;
	b[off + 1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *b, size_t off, uint32_t v)
{
	put16(b, off, (uint16_t)v);
	put16(b, off + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *b, size_t off, uint64_t v)
{
	put32(b, off, (uint32_t)v);
	put32(b, off + 4, (uint32_t)(v >> 32));
}

static uint32_t get32(const uint8_t *b, size_t off)
{
	return (uint32_t)b[off] | (uint32_t)b[off + 1] << 8 |
	       (uint32_t)b[off + 2] << 16 | (uint32_t)b[off + 3] << 24;
}

static uint64_t get64(const uint8_t *b, size_t off)
{
	return (uint64_t)get32(b, off) | (uint64_t)get32(b, off + 4) << 32;
}

/* One FF-A memory call as this partition; returns x0..x7 of the reply. */
static struct smccc_regs mem_call(struct test_sp *sp, struct smccc_regs in)
{
	struct ffa_mem_caller c = {
	    .id = sp->id, .version = FFA_VERSION_1_2, .mb = &sp->mb};
	struct smccc_regs out;

	sp->mb.rx_busy = false; /* the partition released RX after reading */
	ffa_mem_call(sp->mem, &c, &in, &out);
	return out;
}

static int64_t error_of(const struct smccc_regs *out)
{
	return out->x[0] == FFA_ERROR ? (int64_t)(int32_t)out->x[2]
				      : FFA_RET_ABORTED;
}

static struct held_handle *held_find(struct test_sp *sp, uint64_t handle)
{
	for (size_t i = 0; i < TEST_SP_MAX_HANDLES; i++) {
		if (sp->held[i].used && sp->held[i].handle == handle) {
			return &sp->held[i];
		}
	}
	return NULL;
}

/*
 * RETRIEVE: one v1.2 retrieve request with a single 32-byte EMAD naming
 * this partition, then the response (and its fragments) into `resp`.
 */
static int64_t do_retrieve(struct test_sp *sp, uint64_t *args)
{
	uint64_t handle = args[1];
	uint16_t sender = (uint16_t)args[3];
	uint8_t perms = (uint8_t)(args[3] >> 16);
	uint32_t flags = (uint32_t)(args[3] >> 32) | (1u << 10);
	uint32_t type =
	    (flags & FFA_MEM_FLAG_TYPE_MASK) >> FFA_MEM_FLAG_TYPE_SHIFT;
	uint32_t len = FFA_MEM_V1_1_HEADER_SIZE + FFA_MEM_EMAD_SIZE_V1_2;
	struct held_handle *h = held_find(sp, handle);
	struct smccc_regs out;
	uint32_t total, got, composite, count;

	if (h == NULL) {
		for (size_t i = 0; i < TEST_SP_MAX_HANDLES && h == NULL; i++) {
			if (!sp->held[i].used) {
				h = &sp->held[i];
			}
		}
	}
	if (h == NULL) {
		return FFA_RET_NO_MEMORY;
	}
	if (perms == 0) {
		perms = FFA_MEM_DATA_RW;
		if (type == FFA_MEM_KIND_LEND || type == FFA_MEM_KIND_DONATE) {
			perms |= FFA_MEM_INSN_NX << FFA_MEM_INSN_SHIFT;
		}
	}
	memset(sp->tx, 0, len);
	put16(sp->tx, FFA_MEM_OFF_SENDER, sender);
	put32(sp->tx, FFA_MEM_OFF_FLAGS, flags);
	put64(sp->tx, FFA_MEM_OFF_HANDLE, handle);
	put64(sp->tx, FFA_MEM_OFF_TAG, args[2]);
	put32(sp->tx, FFA_MEM_OFF_EMAD_SIZE, FFA_MEM_EMAD_SIZE_V1_2);
	put32(sp->tx, FFA_MEM_OFF_EMAD_COUNT, 1);
	put32(sp->tx, FFA_MEM_OFF_EMAD_OFFSET, FFA_MEM_V1_1_HEADER_SIZE);
	put16(sp->tx, FFA_MEM_V1_1_HEADER_SIZE, sp->id);
	sp->tx[FFA_MEM_V1_1_HEADER_SIZE + FFA_MEM_EMAD_OFF_PERMS] = perms;
	out = mem_call(
	    sp, (struct smccc_regs){.x = {FFA_MEM_RETRIEVE_REQ_64, len, len}});
	if (out.x[0] != FFA_MEM_RETRIEVE_RESP) {
		return error_of(&out);
	}
	total = (uint32_t)out.x[1];
	got = (uint32_t)out.x[2];
	if (total > sizeof(sp->resp) || got > total) {
		return FFA_RET_NO_MEMORY;
	}
	memcpy(sp->resp, sp->rx, got);
	while (got < total) {
		out = mem_call(sp, (struct smccc_regs){
				       .x = {FFA_MEM_FRAG_RX, (uint32_t)handle,
					     (uint32_t)(handle >> 32), got}});
		if (out.x[0] != FFA_MEM_FRAG_TX || out.x[3] == 0 ||
		    out.x[3] > total - got) {
			return error_of(&out);
		}
		memcpy(sp->resp + got, sp->rx, (size_t)out.x[3]);
		got += (uint32_t)out.x[3];
	}
	composite = get32(
	    sp->resp, FFA_MEM_V1_1_HEADER_SIZE + FFA_MEM_EMAD_OFF_COMPOSITE);
	if ((uint64_t)composite + FFA_MEM_COMPOSITE_SIZE > total) {
		return FFA_RET_ABORTED;
	}
	count = get32(sp->resp, composite + 4);
	memset(h, 0, sizeof(*h));
	h->used = true;
	h->handle = handle;
	args[1] = get32(sp->resp, composite);
	args[2] = 0;
	for (uint32_t i = 0; i < count && i < TEST_SP_MAX_RANGES; i++) {
		size_t off = composite + FFA_MEM_COMPOSITE_SIZE +
			     (size_t)i * FFA_MEM_CONSTITUENT_SIZE;

		if (off + FFA_MEM_CONSTITUENT_SIZE > total) {
			break;
		}
		h->addr[i] = get64(sp->resp, off);
		h->pages[i] = get32(sp->resp, off + 8);
		h->range_count++;
	}
	if (h->range_count > 0) {
		args[2] = h->addr[0];
	}
	args[3] = count;
	return 0;
}

/* CHECK (write = false) or WRITE every byte of a held handle. */
static int64_t do_pattern(struct test_sp *sp, uint64_t *args, bool write)
{
	struct held_handle *h = held_find(sp, args[1]);
	uint8_t pattern = (uint8_t)args[2];
	uint8_t page[FFA_MEM_PAGE_SIZE];
	uint64_t offset = 0;

	if (h == NULL) {
		return FFA_RET_INVALID_PARAMETERS;
	}
	memset(page, pattern, sizeof(page));
	for (size_t r = 0; r < h->range_count; r++) {
		for (uint32_t p = 0; p < h->pages[r]; p++) {
			uint64_t pa = h->addr[r] + (uint64_t)p * sizeof(page);
			enum ffa_mem_access a =
			    ffa_mem_page_access(sp->mem, pa, sp->id);
			uint8_t got[FFA_MEM_PAGE_SIZE];

			if (a == FFA_MEM_ACCESS_NONE ||
			    (write && a != FFA_MEM_ACCESS_RW)) {
				return FFA_RET_DENIED;
			}
			if (write) {
				if (!guest_mem_write(sp->gm, pa, page,
						     sizeof(page))) {
					return FFA_RET_ABORTED;
				}
			} else {
				if (!guest_mem_read(sp->gm, pa, got,
						    sizeof(got))) {
					return FFA_RET_ABORTED;
				}
				for (size_t i = 0; i < sizeof(got); i++) {
					if (got[i] != pattern) {
						args[1] = offset + i;
						return TEST_SP_MISMATCH;
					}
				}
			}
			offset += sizeof(page);
		}
	}
	args[1] = offset;
	return 0;
}

static int64_t do_relinquish(struct test_sp *sp, const uint64_t *args)
{
	struct held_handle *h = held_find(sp, args[1]);
	struct smccc_regs out;

	memset(sp->tx, 0, FFA_MEM_RELINQUISH_HEADER_SIZE + 2);
	put64(sp->tx, 0, args[1]);
	put32(sp->tx, 8, (uint32_t)args[2]);
	put32(sp->tx, 12, 1);
	put16(sp->tx, 16, sp->id);
	out = mem_call(sp, (struct smccc_regs){.x = {FFA_MEM_RELINQUISH}});
	if (out.x[0] != FFA_SUCCESS_32) {
		return error_of(&out);
	}
	if (h != NULL) {
		memset(h, 0, sizeof(*h));
	}
	return 0;
}

static int64_t do_notif(struct test_sp *sp, uint64_t *args, uint32_t fid)
{
	struct smccc_regs in = {.x = {fid}};
	struct smccc_regs out;

	switch (fid) {
	case FFA_NOTIFICATION_GET:
		in.x[1] = ffa_endpoints((uint16_t)args[1], sp->id);
		in.x[2] = (uint32_t)args[2];
		break;
	case FFA_NOTIFICATION_BIND:
		in.x[1] = ffa_endpoints((uint16_t)args[1], sp->id);
		break;
	default: /* SET: this partition sends */
		in.x[1] = ffa_endpoints(sp->id, (uint16_t)args[1]);
		break;
	}
	if (fid != FFA_NOTIFICATION_GET) {
		in.x[2] = (uint32_t)args[3];
		in.x[3] = (uint32_t)args[2];
		in.x[4] = (uint32_t)(args[2] >> 32);
	}
	ffa_notif_call(sp->notif, sp->id, &in, &out);
	if (out.x[0] != FFA_SUCCESS_32) {
		return error_of(&out);
	}
	if (fid == FFA_NOTIFICATION_GET) {
		args[1] = (uint32_t)out.x[2] | (uint64_t)(uint32_t)out.x[3]
						   << 32;
		args[2] = (uint32_t)out.x[4] | (uint64_t)(uint32_t)out.x[5]
						   << 32;
	}
	return 0;
}

void test_sp_direct_req(struct test_sp *sp, uint64_t *args, size_t count)
{
	uint64_t a[8] = {0};
	int64_t status;

	for (size_t i = 0; i < count && i < 8; i++) {
		a[i] = args[i];
	}
	switch (a[0]) {
	case TEST_SP_RETRIEVE:
		status = do_retrieve(sp, a);
		break;
	case TEST_SP_CHECK:
		status = do_pattern(sp, a, false);
		break;
	case TEST_SP_WRITE:
		status = do_pattern(sp, a, true);
		break;
	case TEST_SP_RELINQUISH:
		status = do_relinquish(sp, a);
		break;
	case TEST_SP_NOTIF_BIND:
		status = do_notif(sp, a, FFA_NOTIFICATION_BIND);
		break;
	case TEST_SP_NOTIF_SET:
		status = do_notif(sp, a, FFA_NOTIFICATION_SET);
		break;
	case TEST_SP_NOTIF_GET:
		status = do_notif(sp, a, FFA_NOTIFICATION_GET);
		break;
	case TEST_SP_ACCESS:
		a[1] = ffa_mem_page_access(sp->mem, a[1], (uint16_t)a[2]);
		status = 0;
		break;
	default:
		status = FFA_RET_NOT_SUPPORTED;
		break;
	}
	a[0] = (uint64_t)status;
	for (size_t i = 0; i < count && i < 8; i++) {
		args[i] = a[i];
	}
}
