/*
 * FF-A notifications at boot, in the client that negotiates v1.1, when the
 * SPMC lists the scripted test partition (models/test_sp.h): the calls
 * Linux's driver makes (drivers/firmware/arm_ffa/driver.c
 * ffa_notification_bitmap_create(), ffa_notification_bind(),
 * ffa_notification_get(), ffa_notification_info_get()), in both
 * directions.  Boot-time code only.
 *
 * There is no hypervisor under the client, so it creates its own bitmap
 * with FFA_NOTIFICATION_BITMAP_CREATE for its own ID, as Linux's
 * ffa_notifications_setup() does when FFA_FEATURES lists that ABI: the
 * hypervisor's call, made by the kernel when there is none.  Then:
 *   partition -> client: bind notification 1 (global) and 2 (per-vCPU),
 *   have the partition set each, read FFA_NOTIFICATION_INFO_GET_64 (the
 *   client's ID, and vCPU 0 for the per-vCPU one) and
 *   FFA_NOTIFICATION_GET (the bit, then nothing), unbind both;
 *   client -> partition: the partition binds notification 3 from the
 *   client, the client sets it, the partition gets it;
 *   and the bitmap is destroyed.
 * The client runs on one CPU: vCPU 0.
 *
 * Seeded bugs (seeded_bugs.h) break one rule each: a set before the
 * partition bound it, a get naming the partition as the receiver, a second
 * bind of the same notification, and the bitmap destroyed while a
 * notification is pending.
 */
#include "abi/ffa.h"
#include "abi/ffa_mem.h"
#include "refclient.h"

/* The test partition's protocol (models/test_sp.h). */
#define TEST_NOTIF_BIND 5u
#define TEST_NOTIF_SET 6u
#define TEST_NOTIF_GET 7u

#define GLOBAL_BIT (UINT64_C(1) << 1)
#define VCPU_BIT (UINT64_C(1) << 2)
#define TO_SP_BIT (UINT64_C(1) << 3)

static int ffa_status(const struct smccc_regs *r)
{
	return r->x[0] == FFA_SUCCESS_32 || r->x[0] == FFA_SUCCESS_64
		       ? 0
		       : (int)(int32_t)r->x[2];
}

static int call(struct smccc_regs *r, const char *what)
{
	int rc;

	smccc_call(r);
	rc = ffa_status(r);
	if (rc != 0) {
		uart_printf("notifications: %s failed (%d)\n", what, rc);
	}
	return rc;
}

static int bitmap(uint32_t fid, const char *what)
{
	struct smccc_regs r = {.x = {fid, ffa_rt.own_id, 1}};

	if (fid == FFA_NOTIFICATION_BITMAP_DESTROY) {
		r.x[2] = 0;
	}
	return call(&r, what);
}

static int bind(uint32_t fid, uint16_t sp, uint64_t bits, uint32_t flags)
{
	struct smccc_regs r = {.x = {fid, ffa_endpoints(sp, ffa_rt.own_id),
				     flags, (uint32_t)bits, bits >> 32}};

	return call(&r, fid == FFA_NOTIFICATION_BIND ? "bind" : "unbind");
}

/* FFA_NOTIFICATION_GET of the partitions' bitmap for vCPU 0. */
static int get(uint16_t sp, uint64_t *bits)
{
	uint16_t receiver = BUG(NOTIF_GET_WRONG_RECEIVER) ? sp : ffa_rt.own_id;
	struct smccc_regs r = {
		.x = {FFA_NOTIFICATION_GET, receiver, FFA_NOTIF_GET_SP}};
	int rc = call(&r, "get");

	*bits = (uint32_t)r.x[2] | r.x[3] << 32;
	return rc;
}

/*
 * FFA_NOTIFICATION_INFO_GET_64: one list, the client's ID followed by
 * vcpus vCPU IDs (all 0).  Returns 0 when that is what came back.
 */
static int info_get(unsigned vcpus)
{
	struct smccc_regs r = {.x = {FFA_NOTIFICATION_INFO_GET_64}};
	uint64_t lists, ids;

	if (call(&r, "info get") != 0) {
		return -1;
	}
	lists = (r.x[2] >> FFA_NOTIF_INFO_LIST_COUNT_SHIFT) & 0x1f;
	ids = (r.x[2] >> FFA_NOTIF_INFO_LIST_SHIFT) & 3;
	if (lists != 1 || ids != vcpus || (uint16_t)r.x[3] != ffa_rt.own_id) {
		uart_printf("notifications: info get w2 0x%lx x3 0x%lx\n",
			    r.x[2], r.x[3]);
		return -1;
	}
	return 0;
}

/* The partition sets bits for the client; the client reads them back. */
static int from_partition(uint16_t sp, uint64_t bits, uint32_t flags,
			  unsigned vcpus)
{
	uint64_t got = 0;

	if (memtest_command(sp, TEST_NOTIF_SET, ffa_rt.own_id, bits, flags) !=
	    0) {
		uart_puts("notifications: the partition could not set\n");
		return -1;
	}
	if (info_get(vcpus) != 0 || get(sp, &got) != 0) {
		return -1;
	}
	if (got != bits) {
		uart_printf("notifications: got 0x%lx, not 0x%lx\n", got,
			    bits);
		return -1;
	}
	if (get(sp, &got) != 0 || got != 0) {
		uart_puts("notifications: get did not clear\n");
		return -1;
	}
	return 0;
}

static int sp_to_client(uint16_t sp)
{
	if (bind(FFA_NOTIFICATION_BIND, sp, GLOBAL_BIT, 0) != 0) {
		return -1;
	}
	if (BUG(NOTIF_BIND_TWICE)) {
		(void)bind(FFA_NOTIFICATION_BIND, sp, GLOBAL_BIT, 0);
	}
	if (bind(FFA_NOTIFICATION_BIND, sp, VCPU_BIT,
		 FFA_NOTIF_FLAG_PER_VCPU) != 0) {
		return -1;
	}
	if (from_partition(sp, GLOBAL_BIT, 0, 0) != 0 ||
	    from_partition(sp, VCPU_BIT, FFA_NOTIF_FLAG_PER_VCPU, 1) != 0) {
		return -1;
	}
	return bind(FFA_NOTIFICATION_UNBIND, sp, GLOBAL_BIT | VCPU_BIT, 0);
}

static int set_for(uint16_t sp, uint64_t bits)
{
	struct smccc_regs r = {
		.x = {FFA_NOTIFICATION_SET, ffa_endpoints(ffa_rt.own_id, sp), 0,
		      (uint32_t)bits, bits >> 32}};

	return call(&r, "set");
}

static int client_to_sp(uint16_t sp)
{
	uint64_t from_vms = 0;
	int64_t st;

	if (BUG(NOTIF_SET_BEFORE_BIND)) {
		(void)set_for(sp, TO_SP_BIT);
	}
	if (memtest_command(sp, TEST_NOTIF_BIND, ffa_rt.own_id, TO_SP_BIT, 0) !=
	    0) {
		uart_puts("notifications: the partition could not bind\n");
		return -1;
	}
	if (set_for(sp, TO_SP_BIT) != 0) {
		return -1;
	}
	/* The partition reads the normal world's bitmap (flag bit 1). */
	st = memtest_command_results(sp, TEST_NOTIF_GET, 0, FFA_NOTIF_GET_VM,
				     0, NULL, &from_vms);
	if (st != 0 || from_vms != TO_SP_BIT) {
		uart_printf("notifications: the partition's get: %ld, 0x%lx\n",
			    st, from_vms);
		return -1;
	}
	return 0;
}

void notiftest_run(void)
{
	uint16_t sp;

	if (!FFA_CLIENT_V1_1 || memtest_partition(&sp) != 0) {
		return; /* v1.0 has no notifications; or nobody to talk to */
	}
	if (bitmap(FFA_NOTIFICATION_BITMAP_CREATE, "bitmap create") != 0) {
		return;
	}
	if (sp_to_client(sp) != 0 || client_to_sp(sp) != 0) {
		uart_puts("notifications: failed\n");
		return;
	}
	if (BUG(NOTIF_DESTROY_WITH_PENDING)) {
		/* Destroyed although the partition just set one more. */
		(void)bind(FFA_NOTIFICATION_BIND, sp, GLOBAL_BIT, 0);
		(void)memtest_command(sp, TEST_NOTIF_SET, ffa_rt.own_id,
				      GLOBAL_BIT, 0);
	}
	if (bitmap(FFA_NOTIFICATION_BITMAP_DESTROY, "bitmap destroy") != 0) {
		return;
	}
	uart_puts("notifications: partition to client (global, per-vCPU), "
		  "client to partition ok\n");
}
