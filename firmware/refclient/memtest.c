/*
 * FF-A memory transactions at boot, when the SPMC lists the scripted test
 * partition (UUID 7e571e57-0000-4000-8000-000000000001, models/test_sp.c):
 * the client shares two pages, lends one and donates one, as Linux's
 * driver does
 * (drivers/firmware/arm_ffa/driver.c ffa_setup_and_transmit(), descriptor
 * in TX, v1.0 layout since the client negotiated v1.0), has the partition
 * retrieve, check, write and relinquish them over direct requests, and
 * reclaims them.  Boot-time code only.
 *
 * The client built with FFA_CLIENT_V1_1 writes v1.1 descriptors (48-byte
 * header, EMAD size and offset).
 *
 * Seeded bugs (seeded_bugs.h) break one rule each: a v1.1 descriptor after
 * negotiating v1.0, a constituent past the composite's count, a reclaim
 * before the borrower relinquished, a lend without the zero flag that the
 * borrower then asks for, a second retrieve of the same handle, a store
 * into the lent page while the borrower holds it, and a load from the
 * donated page.
 */
#include "abi/ffa.h"
#include "refclient.h"

/* The test partition's protocol (models/test_sp.h). */
#define TEST_RETRIEVE 1u
#define TEST_CHECK 2u
#define TEST_WRITE 3u
#define TEST_RELINQUISH 4u

/* Retrieve flags: zero before retrieval, transaction type in 4:3. */
#define FLAG_ZERO 1u
#define TYPE_SHIFT 3
#define TYPE_SHARE 1u
#define TYPE_LEND 2u
#define TYPE_DONATE 3u

#define PAGE 4096u
#define TAG 0x7a67u

static uint8_t shared_pages[2 * PAGE] __attribute__((aligned(PAGE)));

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

/*
 * Writes the descriptor into TX: v1.0 (32-byte header, EMAD at 32,
 * composite at 48, constituent at 64) or, for the seeded layout bug, the
 * v1.1 layout (48-byte header).  Returns its length.
 */
static uint32_t build(uint8_t *tx, uint16_t receiver, uint8_t attributes,
		      uint8_t perms, uint32_t flags, uintptr_t base,
		      uint32_t pages)
{
	bool v11 = FFA_CLIENT_V1_1 || BUG(MEM_V1_1_LAYOUT_AFTER_V1_0);
	uint32_t emad = v11 ? 48 : 32;
	uint32_t composite = emad + 16;
	uint32_t ranges = BUG(MEM_CONSTITUENT_PAST_COMPOSITE) ? 2 : 1;
	uint32_t len = composite + 16 + 16 * ranges;

	memset(tx, 0, len);
	put16(tx, 0, ffa_rt.own_id);
	tx[2] = attributes;
	put32(tx, 4, flags);
	put64(tx, 16, TAG);
	if (v11) {
		put32(tx, 24, 16);
		put32(tx, 32, 48);
	}
	put32(tx, 28, 1);
	put16(tx, emad, receiver);
	tx[emad + 2] = perms;
	put32(tx, emad + 4, composite);
	put32(tx, composite, pages);
	put32(tx, composite + 4, 1); /* the bug sends 2 but counts 1 */
	put64(tx, composite + 16, base);
	put32(tx, composite + 24, pages);
	if (ranges == 2) {
		put64(tx, composite + 32, base + PAGE);
		put32(tx, composite + 40, 1);
	}
	return len;
}

/*
 * FFA_MEM_SHARE_64, LEND_64 or DONATE_64 of pages from base, read-write
 * (a donor gives no access: the borrower asks for it); returns 0 and the
 * handle, or -1.
 */
static int send(uint32_t fid, uint16_t receiver, uint8_t attributes,
		uint32_t flags, uintptr_t base, uint32_t pages,
		uint64_t *handle)
{
	uint8_t perms = fid == FFA_MEM_DONATE_64 ? 0 : 2;
	uint32_t len = build(ffa_tx_buffer(), receiver, attributes, perms,
			     flags, base, pages);
	struct smccc_regs r = {.x = {fid, len, len}};

	smccc_call(&r);
	if (r.x[0] != FFA_SUCCESS_32) {
		uart_printf("memory: send failed (%d)\n", (int)(int32_t)r.x[2]);
		return -1;
	}
	*handle = (uint32_t)r.x[2] | r.x[3] << 32;
	return 0;
}

int64_t memtest_command_results(uint16_t sp, uint64_t cmd, uint64_t a1,
				uint64_t a2, uint64_t a3, uint64_t *x4,
				uint64_t *x5)
{
	struct smccc_regs r = {
		.x = {FFA_MSG_SEND_DIRECT_REQ_64,
		      ffa_endpoints(ffa_rt.own_id, sp), 0, cmd, a1, a2, a3}};

	smccc_call(&r);
	if (r.x[0] != FFA_MSG_SEND_DIRECT_RESP_64) {
		return -8; /* ABORTED */
	}
	if (x4 != NULL) {
		*x4 = r.x[4];
	}
	if (x5 != NULL) {
		*x5 = r.x[5];
	}
	return (int64_t)r.x[3];
}

int64_t memtest_command(uint16_t sp, uint64_t cmd, uint64_t a1, uint64_t a2,
			uint64_t a3)
{
	return memtest_command_results(sp, cmd, a1, a2, a3, NULL, NULL);
}

static int reclaim(uint64_t handle)
{
	struct smccc_regs r = {.x = {FFA_MEM_RECLAIM, (uint32_t)handle,
				     handle >> 32, 0}};

	smccc_call(&r);
	return r.x[0] == FFA_SUCCESS_32 ? 0 : (int)(int32_t)r.x[2];
}

/* Retrieve x6: sender in 15:0, retrieve flags in 63:32. */
static uint64_t retrieve_arg(uint32_t flags)
{
	return (uint64_t)ffa_rt.own_id | (uint64_t)flags << 32;
}

static int share_round(uint16_t sp)
{
	uint64_t h;
	int64_t st;

	memset(shared_pages, 0x5a, sizeof(shared_pages));
	dcache_clean_range((uintptr_t)shared_pages, sizeof(shared_pages));
	if (send(FFA_MEM_SHARE_64, sp, 0x2f, 0, (uintptr_t)shared_pages, 2,
		 &h) != 0) {
		return -1;
	}
	st = memtest_command(sp, TEST_RETRIEVE, h, TAG,
			     retrieve_arg(TYPE_SHARE << TYPE_SHIFT));
	if (st == 0 && BUG(MEM_DOUBLE_RETRIEVE)) {
		st = memtest_command(sp, TEST_RETRIEVE, h, TAG,
			     retrieve_arg(TYPE_SHARE << TYPE_SHIFT));
	}
	if (st == 0) {
		st = memtest_command(sp, TEST_CHECK, h, 0x5a, 0);
	}
	if (st == 0) {
		st = memtest_command(sp, TEST_WRITE, h, 0xa5, 0);
	}
	dcache_invalidate_range((uintptr_t)shared_pages, sizeof(shared_pages));
	if (st == 0 && shared_pages[sizeof(shared_pages) - 1] != 0xa5) {
		st = 1;
	}
	if (BUG(MEM_RECLAIM_BEFORE_RELINQUISH)) {
		(void)reclaim(h);
	}
	if (memtest_command(sp, TEST_RELINQUISH, h, 0, 0) != 0 ||
	    reclaim(h) != 0) {
		return -1;
	}
	return st == 0 ? 0 : -1;
}

static int lend_round(uint16_t sp)
{
	uint32_t flags = BUG(MEM_LEND_WITHOUT_ZERO_FLAG) ? 0 : 1;
	uint64_t h;
	int64_t st;

	memset(shared_pages, 0x77, PAGE);
	dcache_clean_range((uintptr_t)shared_pages, PAGE);
	if (send(FFA_MEM_LEND_64, sp, 0, flags, (uintptr_t)shared_pages, 1,
		 &h) != 0) {
		return -1;
	}
	if (BUG(MEM_WRITE_AFTER_LEND)) {
		/* The owner gave its access away with the page. */
		((volatile uint8_t *)shared_pages)[64] = 0x77;
	}
	/* The borrower insists on cleared memory. */
	st = memtest_command(sp, TEST_RETRIEVE, h, TAG,
		     retrieve_arg(FLAG_ZERO | TYPE_LEND << TYPE_SHIFT));
	if (st == 0) {
		st = memtest_command(sp, TEST_CHECK, h, 0, 0);
		(void)memtest_command(sp, TEST_RELINQUISH, h, 0, 0);
	}
	if (reclaim(h) != 0) {
		return -1;
	}
	return st == 0 ? 0 : -1;
}

/*
 * Donates the second page for good: the partition retrieves it and checks
 * the pattern; the client never touches it again.  Last, since the page
 * is gone.  Rewriting both pages first touches the lent page the client
 * has reclaimed, which is its own again.
 */
static int donate_round(uint16_t sp)
{
	uint8_t *page = shared_pages + PAGE;
	uint64_t h;
	int64_t st;

	memset(shared_pages, 0x3c, sizeof(shared_pages));
	dcache_clean_range((uintptr_t)shared_pages, sizeof(shared_pages));
	if (send(FFA_MEM_DONATE_64, sp, 0, 0, (uintptr_t)page, 1, &h) != 0) {
		return -1;
	}
	st = memtest_command(sp, TEST_RETRIEVE, h, TAG,
			     retrieve_arg(TYPE_DONATE << TYPE_SHIFT));
	if (st == 0) {
		st = memtest_command(sp, TEST_CHECK, h, 0x3c, 0);
	}
	if (BUG(MEM_READ_AFTER_DONATE)) {
		/* Copies from a page that is not the client's any more. */
		uint8_t copy[64];

		memcpy(copy, page + 128, sizeof(copy));
		if (copy[0] != 0x3c) {
			st = 1;
		}
	}
	return st == 0 ? 0 : -1;
}

int memtest_partition(uint16_t *sp)
{
	static const uint32_t test_uuid[4] = {0x571e577eu, 0x00400000u,
					      0x00000080u, 0x01000000u};

	return ffa_partition_id(test_uuid, sp);
}

void memtest_run(void)
{
	uint16_t sp;

	if (memtest_partition(&sp) != 0) {
		return; /* no test partition: nothing to do */
	}
	uart_printf("memory: test partition 0x%x\n", sp);
	if (share_round(sp) != 0) {
		uart_puts("memory: share failed\n");
		return;
	}
	if (lend_round(sp) != 0) {
		uart_puts("memory: lend failed\n");
		return;
	}
	uart_puts("memory: share, lend ok\n");
	if (donate_round(sp) != 0) {
		uart_puts("memory: donate failed\n");
		return;
	}
	uart_puts("memory: donate ok\n");
}
