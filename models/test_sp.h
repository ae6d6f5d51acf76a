/*
 * A scripted test partition (sp_model "test"): it answers direct requests
 * with a small command protocol so that a scenario, a unit test or a
 * normal-world client can drive the borrower's side of FF-A memory sharing
 * and notifications.  It is an FF-A endpoint of its own: it calls
 * ffa_mem_call() and ffa_notif_call() with its partition ID, version and a
 * mailbox in host memory (secure memory is not emulated), and reads or
 * writes the shared normal-world pages through models/guest_mem.h after
 * checking, with ffa_mem_page_access(), that the model grants it access.
 *
 * Protocol, FFA_MSG_SEND_DIRECT_REQ payload x3.. (REQ2: x4..):
 *   x3 = command; the answer has x3 = status (0, TEST_SP_MISMATCH, or a
 *   negative FF-A error code, sign-extended) and results from x4.
 *   RETRIEVE    x4 handle, x5 tag, x6 = sender[15:0] | permissions[23:16]
 *               (0: RW, plus NX when flags say lend/donate) | retrieve
 *               flags[63:32]     -> x4 pages, x5 first address, x6 ranges
 *   CHECK       x4 handle, x5 byte pattern -> x4 offset of first mismatch
 *   WRITE       x4 handle, x5 byte pattern
 *   RELINQUISH  x4 handle, x5 relinquish flags
 *   NOTIF_BIND  x4 sender, x5 bitmap, x6 flags
 *   NOTIF_SET   x4 receiver, x5 bitmap, x6 flags (vCPU, per-vCPU, delay)
 *   NOTIF_GET   x4 vCPU, x5 flags -> x4 from partitions, x5 from VMs
 *   ACCESS      x4 address, x5 endpoint -> x4 the access the SPMC's model
 *               gives that endpoint to that page (0 none, 1 RO, 2 RW):
 *               how a client sees that a lender lost access
 * The partition uses the v1.2 layout with the "bypass multiple borrower
 * check" flag, so one EMAD names it whatever the sender's receiver list.
 */
#ifndef MODELS_TEST_SP_H
#define MODELS_TEST_SP_H

#include <stddef.h>
#include <stdint.h>

#include "common/finding.h"
#include "models/guest_mem.h"
#include "models/ffa_mem.h"
#include "models/ffa_notif.h"

enum test_sp_command {
	TEST_SP_RETRIEVE = 1,
	TEST_SP_CHECK = 2,
	TEST_SP_WRITE = 3,
	TEST_SP_RELINQUISH = 4,
	TEST_SP_NOTIF_BIND = 5,
	TEST_SP_NOTIF_SET = 6,
	TEST_SP_NOTIF_GET = 7,
	TEST_SP_ACCESS = 8,
};

#define TEST_SP_MISMATCH 1 /* CHECK found another byte */
#define TEST_SP_MAX_HANDLES 8
#define TEST_SP_MAX_RANGES 512 /* Linux sends one range per page */
#define TEST_SP_BUFFER_SIZE 4096

struct test_sp;

/* mem, notif, gm and findings must outlive the partition. */
struct test_sp *test_sp_new(uint16_t id, struct ffa_mem *mem,
			    struct ffa_notif *notif, const struct guest_mem *gm,
			    struct findings *findings);
void test_sp_free(struct test_sp *sp);
/* One direct request: args[0..count) in, answer written back in place. */
void test_sp_direct_req(struct test_sp *sp, uint64_t *args, size_t count);
/* Number of handles the partition holds (retrieved, not relinquished). */
size_t test_sp_held(const struct test_sp *sp);

#endif /* MODELS_TEST_SP_H */
