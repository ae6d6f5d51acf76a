/*
 * Unit tests of FF-A notifications (models/ffa_notif.c) through the SPMC's
 * ABI table, with the scripted test partition (models/test_sp.c) on the
 * secure side: bitmap lifecycle, bind/unbind/set/get rules and error codes,
 * global and per-vCPU notifications both ways, INFO_GET lists (64- and
 * 32-bit packing), the schedule-receiver interrupt hook and its delay, and
 * FFA_FEATURES for the SRI.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "abi/ffa.h"
#include "abi/ffa_mem.h"
#include "abi/smccc.h"
#include "common/finding.h"
#include "common/trace.h"
#include "models/ffa_notif.h"
#include "models/smc_call.h"
#include "models/spmc.h"
#include "models/test_sp.h"
#include "tests/fake_guest_mem.h"

#define RAM_BASE UINT64_C(0x40000000)
#define RAM_SIZE UINT64_C(0x100000)
#define SP_ID 0x8001
#define QUIET_ID 0x8002 /* does not receive notifications */

#define V10 FFA_VERSION_1_0
#define V11 FFA_VERSION_1_1

/* Check fixture state: the only file-scope mutable state (STYLE C1). */
static struct fake_guest_mem ram;
static struct findings findings;
static struct spmc_config cfg;
static struct spmc spmc;
static uint32_t sri_raised;
static uint32_t sri_intid;

static void count_sri(void *ctx, uint32_t intid)
{
	(void)ctx;
	sri_raised++;
	sri_intid = intid;
}

static const struct ffa_notif_backend_ops counting_backend = {
    .raise_sri = count_sri,
};

static void add_partition(uint16_t id, uint32_t properties, enum sp_model model)
{
	struct spmc_partition_config *p =
	    &cfg.partitions[cfg.partition_count++];

	memset(p, 0, sizeof(*p));
	p->id = id;
	p->uuid = (struct ffa_uuid){{id, 1, 2, 3}};
	p->properties = properties;
	p->exec_ctx_count = 4;
	p->model = model;
}

static void setup(void)
{
	struct ffa_notif_backend backend = {&counting_backend, NULL};

	findings_init(&findings);
	fake_guest_mem_init(&ram, RAM_BASE, RAM_SIZE);
	spmc_config_default(&cfg);
	cfg.partition_count = 0;
	add_partition(SP_ID,
		      FFA_PART_PROP_DIRECT_REQ_RECV |
			  FFA_PART_PROP_NOTIFICATION_RECV |
			  FFA_PART_PROP_AARCH64,
		      SP_MODEL_TEST);
	add_partition(QUIET_ID,
		      FFA_PART_PROP_DIRECT_REQ_RECV | FFA_PART_PROP_AARCH64,
		      SP_MODEL_ECHO);
	spmc_init(&spmc, &cfg, &ram.mem, &findings, NULL);
	ffa_notif_set_backend(spmc_notifications(&spmc), &backend);
	sri_raised = 0;
	sri_intid = 0;
}

static void teardown(void)
{
	spmc_free(&spmc);
	fake_guest_mem_free(&ram);
	findings_free(&findings);
}

static struct smc_call run(struct smccc_regs in)
{
	struct smc_call c;

	memset(&c, 0, sizeof(c));
	c.in = in;
	c.out = in;
	c.action = SMC_ACTION_RETURN;
	spmc_handle(&spmc, &c);
	return c;
}

#define FFA(...) run((struct smccc_regs){.x = {__VA_ARGS__}})

#define ASSERT_FFA_ERROR(c, code)                                \
	do {                                                     \
		ck_assert_uint_eq((c).out.x[0], FFA_ERROR);      \
		ck_assert_int_eq((int32_t)(c).out.x[2], (code)); \
	} while (0)

#define ASSERT_SUCCESS(c) ck_assert_uint_eq((c).out.x[0], FFA_SUCCESS_32)

#define ASSERT_FINDING(code)                                               \
	do {                                                               \
		const struct finding *f_ = findings_find(&findings, code); \
		ck_assert_msg(f_ != NULL, "no finding %s", code);          \
		ck_assert_int_eq(f_->kind, FINDING_FIRMWARE);              \
	} while (0)

static void start(uint32_t version)
{
	ck_assert_uint_eq(FFA(FFA_VERSION, version).out.x[0], cfg.max_version);
}

static struct ffa_notif *nt(void)
{
	return spmc_notifications(&spmc);
}

/* A direct request to the test SP; returns x3..x7 of the answer. */
static void sp_cmd(uint64_t cmd, uint64_t a1, uint64_t a2, uint64_t a3,
		   uint64_t out[5])
{
	struct smc_call c = FFA(FFA_MSG_SEND_DIRECT_REQ_64,
				ffa_endpoints(0, SP_ID), 0, cmd, a1, a2, a3);

	ck_assert_uint_eq(c.out.x[0], FFA_MSG_SEND_DIRECT_RESP_64);
	for (size_t i = 0; i < 5; i++) {
		out[i] = c.out.x[3 + i];
	}
}

/* BITMAP_CREATE(0, 4) then BIND(SP -> 0, bitmap, flags). */
/* The test SP binds bitmap from sender; returns its status. */
static int64_t sp_simple_bind(uint16_t sender, uint64_t bitmap)
{
	uint64_t out[5];

	sp_cmd(TEST_SP_NOTIF_BIND, sender, bitmap, 0, out);
	return (int64_t)out[0];
}

static void nwd_bind(uint64_t bitmap, uint32_t flags)
{
	ASSERT_SUCCESS(FFA(FFA_NOTIFICATION_BITMAP_CREATE, 0, 4));
	ASSERT_SUCCESS(FFA(FFA_NOTIFICATION_BIND, ffa_endpoints(SP_ID, 0),
			   flags, (uint32_t)bitmap, bitmap >> 32));
}

/* --- Features and bitmaps ------------------------------------------------- */

START_TEST(features_report_the_sri_and_every_notification_abi)
{
	static const uint32_t fids[] = {
	    FFA_NOTIFICATION_BITMAP_CREATE, FFA_NOTIFICATION_BITMAP_DESTROY,
	    FFA_NOTIFICATION_BIND,	    FFA_NOTIFICATION_UNBIND,
	    FFA_NOTIFICATION_SET,	    FFA_NOTIFICATION_GET,
	    FFA_NOTIFICATION_INFO_GET_32,   FFA_NOTIFICATION_INFO_GET_64,
	};
	struct smc_call c;

	start(V11);
	c = FFA(FFA_FEATURES, FFA_FEATURE_SRI);
	ASSERT_SUCCESS(c);
	ck_assert_uint_eq(c.out.x[2], FFA_NOTIF_DEFAULT_SRI_INTID);
	ck_assert_uint_lt(c.out.x[2], 16); /* Linux maps SGIs only */
	ASSERT_FFA_ERROR(FFA(FFA_FEATURES, FFA_FEATURE_NPI),
			 FFA_RET_NOT_SUPPORTED);
	for (size_t i = 0; i < sizeof(fids) / sizeof(fids[0]); i++) {
		c = FFA(FFA_FEATURES, fids[i]);
		ASSERT_SUCCESS(c);
		ck_assert_uint_eq(c.out.x[2], 0);
	}
}
END_TEST

START_TEST(notifications_do_not_exist_at_v1_0)
{
	start(V10);
	ASSERT_FFA_ERROR(FFA(FFA_FEATURES, FFA_FEATURE_SRI),
			 FFA_RET_NOT_SUPPORTED);
	ASSERT_FFA_ERROR(FFA(FFA_NOTIFICATION_BITMAP_CREATE, 0, 1),
			 FFA_RET_NOT_SUPPORTED);
	ck_assert_ptr_nonnull(
	    findings_find(&findings, "ffa.abi-newer-than-negotiated"));
}
END_TEST

START_TEST(bitmap_create_and_destroy_rules)
{
	start(V11);
	ck_assert(!ffa_notif_has_bitmap(nt(), 0));
	ASSERT_FFA_ERROR(FFA(FFA_NOTIFICATION_BITMAP_CREATE, 0, 0),
			 FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.notif.bitmap-args");
	ASSERT_FFA_ERROR(FFA(FFA_NOTIFICATION_BITMAP_CREATE, 0x8005, 1),
			 FFA_RET_INVALID_PARAMETERS);
	ASSERT_FFA_ERROR(FFA(FFA_NOTIFICATION_BITMAP_CREATE, 0, 65),
			 FFA_RET_INVALID_PARAMETERS);
	ASSERT_SUCCESS(FFA(FFA_NOTIFICATION_BITMAP_CREATE, 0, 4));
	ck_assert(ffa_notif_has_bitmap(nt(), 0));
	ASSERT_FFA_ERROR(FFA(FFA_NOTIFICATION_BITMAP_CREATE, 0, 4),
			 FFA_RET_DENIED);
	ASSERT_FINDING("ffa.notif.bitmap-exists");
	ASSERT_SUCCESS(FFA(FFA_NOTIFICATION_BITMAP_DESTROY, 0));
	ASSERT_FFA_ERROR(FFA(FFA_NOTIFICATION_BITMAP_DESTROY, 0),
			 FFA_RET_DENIED);
	ASSERT_FINDING("ffa.notif.bitmap-missing");
	ASSERT_FFA_ERROR(FFA(FFA_NOTIFICATION_BITMAP_CREATE, 0, 1, 5),
			 FFA_RET_INVALID_PARAMETERS); /* x3 must be zero */
}
END_TEST

/* --- SP -> normal world ----------------------------------------------------
 */

/* One call with a trace event; true if the event names SRI intid. */
static bool traced_sri(struct smccc_regs in, uint64_t intid)
{
	struct trace_event ev;
	struct smc_call c;
	bool found = false;

	memset(&ev, 0, sizeof(ev));
	memset(&c, 0, sizeof(c));
	c.in = in;
	c.out = in;
	c.action = SMC_ACTION_RETURN;
	c.event = &ev;
	spmc_handle(&spmc, &c);
	for (uint8_t i = 0; i < ev.field_count; i++) {
		if (strcmp(ev.fields[i].key, "sri") == 0) {
			ck_assert_uint_eq(ev.fields[i].value, intid);
			found = true;
		}
	}
	/* The summary says it too, for the text trace. */
	ck_assert(found == (ev.summary != NULL &&
			    strstr(ev.summary, "SRI 8 pending") != NULL));
	trace_event_release(&ev);
	return found;
}

START_TEST(calls_that_mark_the_sri_pending_say_so_in_the_trace)
{
	start(V11);
	nwd_bind(6, 0);
	/* The partition sets during a direct request: that event. */
	ck_assert(traced_sri(
	    (struct smccc_regs){.x = {FFA_MSG_SEND_DIRECT_REQ_64,
				      ffa_endpoints(0, SP_ID), 0,
				      TEST_SP_NOTIF_SET, 0, 2, 0}},
	    FFA_NOTIF_DEFAULT_SRI_INTID));
	ck_assert_uint_eq(sri_raised, 1);
	/* A refused set raises nothing, nor does a GET. */
	ck_assert(!traced_sri(
	    (struct smccc_regs){.x = {FFA_MSG_SEND_DIRECT_REQ_64,
				      ffa_endpoints(0, SP_ID), 0,
				      TEST_SP_NOTIF_SET, 0, 8, 0}},
	    FFA_NOTIF_DEFAULT_SRI_INTID));
	ck_assert(!traced_sri(
	    (struct smccc_regs){.x = {FFA_NOTIFICATION_GET, 0,
				      FFA_NOTIF_GET_SP}},
	    FFA_NOTIF_DEFAULT_SRI_INTID));
	/* The normal world's own SET for the partition. */
	ck_assert_int_eq(sp_simple_bind(0, 0x10), 0);
	ck_assert(traced_sri(
	    (struct smccc_regs){.x = {FFA_NOTIFICATION_SET,
				      ffa_endpoints(0, SP_ID), 0, 0x10}},
	    FFA_NOTIF_DEFAULT_SRI_INTID));
	ck_assert_uint_eq(sri_raised, 2);
}
END_TEST

START_TEST(partition_notifies_the_normal_world_globally)
{
	uint64_t out[5];
	struct smc_call c;
	uint16_t sender;
	bool per_vcpu;

	start(V11);
	nwd_bind(UINT64_C(0x8000000000000005), 0);
	ck_assert(ffa_notif_binding(nt(), 0, 63, &sender, &per_vcpu));
	ck_assert_uint_eq(sender, SP_ID);
	ck_assert(!per_vcpu);
	ASSERT_FFA_ERROR(FFA(FFA_NOTIFICATION_INFO_GET_64), FFA_RET_NO_DATA);
	sp_cmd(TEST_SP_NOTIF_SET, 0, UINT64_C(0x8000000000000001), 0, out);
	ck_assert_int_eq((int64_t)out[0], 0);
	ck_assert_uint_eq(sri_raised, 1);
	ck_assert_uint_eq(sri_intid, FFA_NOTIF_DEFAULT_SRI_INTID);
	c = FFA(FFA_NOTIFICATION_INFO_GET_64);
	ck_assert_uint_eq(c.out.x[0], FFA_SUCCESS_64);
	ck_assert_uint_eq((c.out.x[2] >> 7) & 0x1f, 1); /* one list */
	ck_assert_uint_eq((c.out.x[2] >> 12) & 0x3, 0); /* no vCPU IDs */
	ck_assert_uint_eq(c.out.x[2] & 1, 0);		/* nothing more */
	ck_assert_uint_eq(c.out.x[3] & 0xffff, 0);	/* endpoint 0 */
	/* Reported once. */
	ASSERT_FFA_ERROR(FFA(FFA_NOTIFICATION_INFO_GET_64), FFA_RET_NO_DATA);
	c = FFA(FFA_NOTIFICATION_GET, 0, FFA_NOTIF_GET_SP | FFA_NOTIF_GET_VM);
	ASSERT_SUCCESS(c);
	ck_assert_uint_eq(c.out.x[2], 1);
	ck_assert_uint_eq(c.out.x[3], 0x80000000u);
	ck_assert_uint_eq(c.out.x[4], 0);
	ck_assert_uint_eq(ffa_notif_pending(nt(), 0, false, 0), 0);
	c = FFA(FFA_NOTIFICATION_GET, 0, FFA_NOTIF_GET_SP);
	ck_assert_uint_eq(c.out.x[2], 0); /* cleared by the first GET */
	/* Bits not bound to the partition: DENIED. */
	sp_cmd(TEST_SP_NOTIF_SET, 0, 2, 0, out);
	ck_assert_int_eq((int64_t)out[0], FFA_RET_DENIED);
	ASSERT_FINDING("ffa.notif.set-not-bound");
	/* Pending bits keep the bitmap alive. */
	sp_cmd(TEST_SP_NOTIF_SET, 0, 4, 0, out);
	ASSERT_FFA_ERROR(FFA(FFA_NOTIFICATION_BITMAP_DESTROY, 0),
			 FFA_RET_DENIED);
	ASSERT_FINDING("ffa.notif.bitmap-pending");
}
END_TEST

START_TEST(per_vcpu_notification_is_listed_with_its_vcpu)
{
	uint64_t out[5];
	struct smc_call c;

	start(V11);
	nwd_bind(0x10, FFA_NOTIF_FLAG_PER_VCPU);
	/* Global SET of a per-vCPU binding: DENIED. */
	sp_cmd(TEST_SP_NOTIF_SET, 0, 0x10, 0, out);
	ck_assert_int_eq((int64_t)out[0], FFA_RET_DENIED);
	/* vCPU 5 is outside the 4 the bitmap was created with. */
	sp_cmd(TEST_SP_NOTIF_SET, 0, 0x10,
	       FFA_NOTIF_FLAG_PER_VCPU | 5u << FFA_NOTIF_SET_VCPU_SHIFT, out);
	ck_assert_int_eq((int64_t)out[0], FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.notif.vcpu");
	sp_cmd(TEST_SP_NOTIF_SET, 0, 0x10,
	       FFA_NOTIF_FLAG_PER_VCPU | 2u << FFA_NOTIF_SET_VCPU_SHIFT, out);
	ck_assert_int_eq((int64_t)out[0], 0);
	ck_assert_uint_eq(ffa_notif_pending(nt(), 0, true, 2), 0x10);
	ck_assert_uint_eq(ffa_notif_pending(nt(), 0, true, 1), 0);
	c = FFA(FFA_NOTIFICATION_INFO_GET_32);
	ck_assert_uint_eq(c.out.x[0], FFA_SUCCESS_32);
	ck_assert_uint_eq((c.out.x[2] >> 7) & 0x1f, 1);
	ck_assert_uint_eq((c.out.x[2] >> 12) & 0x3, 1); /* one vCPU ID */
	ck_assert_uint_eq(c.out.x[3], 0 | 2u << 16);	/* ID 0, vCPU 2 */
	c = FFA(FFA_NOTIFICATION_GET, ffa_endpoints(1, 0), FFA_NOTIF_GET_SP);
	ck_assert_uint_eq(c.out.x[2], 0); /* vCPU 1 has nothing */
	c = FFA(FFA_NOTIFICATION_GET, ffa_endpoints(2, 0), FFA_NOTIF_GET_SP);
	ck_assert_uint_eq(c.out.x[2], 0x10);
	c = FFA(FFA_NOTIFICATION_GET, ffa_endpoints(9, 0), FFA_NOTIF_GET_SP);
	ASSERT_FFA_ERROR(c, FFA_RET_INVALID_PARAMETERS);
}
END_TEST

START_TEST(delayed_sri_is_raised_when_the_partition_returns)
{
	uint64_t out[5];

	start(V11);
	nwd_bind(1, 0);
	sp_cmd(TEST_SP_NOTIF_SET, 0, 1, FFA_NOTIF_SET_DELAY_SRI, out);
	ck_assert_int_eq((int64_t)out[0], 0);
	ck_assert_uint_eq(sri_raised, 1); /* after, not during, the request */
	ck_assert_uint_eq(ffa_notif_sri_count(nt()), 1);
	/* The normal world may not ask for a delay. */
	ASSERT_FFA_ERROR(FFA(FFA_NOTIFICATION_SET, ffa_endpoints(0, SP_ID),
			     FFA_NOTIF_SET_DELAY_SRI, 1),
			 FFA_RET_INVALID_PARAMETERS);
}
END_TEST

/* --- Normal world -> SP ----------------------------------------------------
 */

START_TEST(normal_world_notifies_a_partition)
{
	uint64_t out[5];
	struct smc_call c;

	start(V11);
	/* Not bound yet. */
	c = FFA(FFA_NOTIFICATION_SET, ffa_endpoints(0, SP_ID), 0, 0x100);
	ASSERT_FFA_ERROR(c, FFA_RET_DENIED);
	sp_cmd(TEST_SP_NOTIF_BIND, 0, 0x300, 0, out);
	ck_assert_int_eq((int64_t)out[0], 0);
	sp_cmd(TEST_SP_NOTIF_BIND, 0, 0x100, 0, out); /* bound already */
	ck_assert_int_eq((int64_t)out[0], FFA_RET_DENIED);
	ASSERT_FINDING("ffa.notif.already-bound");
	c = FFA(FFA_NOTIFICATION_SET, ffa_endpoints(0, SP_ID), 0, 0x100);
	ASSERT_SUCCESS(c);
	ck_assert_uint_eq(sri_raised, 1);
	c = FFA(FFA_NOTIFICATION_INFO_GET_64);
	ck_assert_uint_eq(c.out.x[3] & 0xffff, SP_ID);
	sp_cmd(TEST_SP_NOTIF_GET, 0, FFA_NOTIF_GET_SP | FFA_NOTIF_GET_VM, 0,
	       out);
	ck_assert_int_eq((int64_t)out[0], 0);
	ck_assert_uint_eq(out[1], 0);	  /* from partitions */
	ck_assert_uint_eq(out[2], 0x100); /* from VMs */
	ck_assert_uint_eq(ffa_notif_pending(nt(), SP_ID, false, 0), 0);
}
END_TEST

START_TEST(bind_set_get_unbind_argument_rules)
{
	start(V11);
	ASSERT_SUCCESS(FFA(FFA_NOTIFICATION_BITMAP_CREATE, 0, 1));
	/* The receiver must be the caller. */
	ASSERT_FFA_ERROR(
	    FFA(FFA_NOTIFICATION_BIND, ffa_endpoints(SP_ID, 5), 0, 1),
	    FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.notif.not-receiver");
	/* Unknown sender; VM to VM (the hypervisor's). */
	ASSERT_FFA_ERROR(
	    FFA(FFA_NOTIFICATION_BIND, ffa_endpoints(0x8077, 0), 0, 1),
	    FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.notif.bad-sender");
	/* Reserved flags, empty bitmap. */
	ASSERT_FFA_ERROR(
	    FFA(FFA_NOTIFICATION_BIND, ffa_endpoints(SP_ID, 0), 2, 1),
	    FFA_RET_INVALID_PARAMETERS);
	ASSERT_FFA_ERROR(
	    FFA(FFA_NOTIFICATION_BIND, ffa_endpoints(SP_ID, 0), 0, 0, 0),
	    FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.notif.flags");
	/* A partition without the receive property has no bitmap. */
	ASSERT_FFA_ERROR(
	    FFA(FFA_NOTIFICATION_SET, ffa_endpoints(0, QUIET_ID), 0, 1),
	    FFA_RET_INVALID_PARAMETERS);
	ASSERT_FINDING("ffa.notif.no-bitmap");
	/* SET as someone else. */
	ASSERT_FFA_ERROR(
	    FFA(FFA_NOTIFICATION_SET, ffa_endpoints(SP_ID, 0), 0, 1),
	    FFA_RET_INVALID_PARAMETERS);
	/* GET for someone else; reserved GET flags. */
	ASSERT_FFA_ERROR(FFA(FFA_NOTIFICATION_GET, SP_ID, 1),
			 FFA_RET_INVALID_PARAMETERS);
	ASSERT_FFA_ERROR(FFA(FFA_NOTIFICATION_GET, 0, 0x10),
			 FFA_RET_INVALID_PARAMETERS);
	/* UNBIND: flags MBZ, and only what that sender has bound. */
	ASSERT_SUCCESS(
	    FFA(FFA_NOTIFICATION_BIND, ffa_endpoints(SP_ID, 0), 0, 0x3));
	ASSERT_FFA_ERROR(
	    FFA(FFA_NOTIFICATION_UNBIND, ffa_endpoints(SP_ID, 0), 1, 0x3),
	    FFA_RET_INVALID_PARAMETERS);
	ASSERT_FFA_ERROR(
	    FFA(FFA_NOTIFICATION_UNBIND, ffa_endpoints(SP_ID, 0), 0, 0x7),
	    FFA_RET_DENIED);
	ASSERT_FINDING("ffa.notif.not-bound");
	ASSERT_SUCCESS(
	    FFA(FFA_NOTIFICATION_UNBIND, ffa_endpoints(SP_ID, 0), 0, 0x3));
	ck_assert_uint_eq(sri_raised, 0);
}
END_TEST

START_TEST(hypervisor_only_abis_are_refused_to_partitions)
{
	struct smccc_regs in = {.x = {FFA_NOTIFICATION_INFO_GET_64}};
	struct smccc_regs out;

	start(V11);
	ffa_notif_call(nt(), SP_ID, &in, &out);
	ck_assert_uint_eq(out.x[0], FFA_ERROR);
	ck_assert_int_eq((int32_t)out.x[2], FFA_RET_NOT_SUPPORTED);
	in.x[0] = FFA_NOTIFICATION_BITMAP_CREATE;
	ffa_notif_call(nt(), SP_ID, &in, &out);
	ck_assert_int_eq((int32_t)out.x[2], FFA_RET_NOT_SUPPORTED);
}
END_TEST

START_TEST(info_get_packs_three_vcpus_per_list)
{
	struct smccc_regs in;
	struct smccc_regs out;
	struct smc_call c;

	start(V11);
	/* Per-vCPU notifications on all 4 vCPUs of the SP from the NWd. */
	in = (struct smccc_regs){.x = {FFA_NOTIFICATION_BIND,
				       ffa_endpoints(0, SP_ID),
				       FFA_NOTIF_FLAG_PER_VCPU, 1}};
	ffa_notif_call(nt(), SP_ID, &in, &out);
	ck_assert_uint_eq(out.x[0], FFA_SUCCESS_32);
	for (uint32_t v = 0; v < 4; v++) {
		c = FFA(FFA_NOTIFICATION_SET, ffa_endpoints(0, SP_ID),
			FFA_NOTIF_FLAG_PER_VCPU | v << FFA_NOTIF_SET_VCPU_SHIFT,
			1);
		ASSERT_SUCCESS(c);
	}
	/* Two lists: SP + vCPUs 0..2, then SP + vCPU 3 (6 IDs). */
	c = FFA(FFA_NOTIFICATION_INFO_GET_64);
	ck_assert_uint_eq((c.out.x[2] >> 7) & 0x1f, 2);
	ck_assert_uint_eq((c.out.x[2] >> 12) & 0x3, 3);
	ck_assert_uint_eq((c.out.x[2] >> 14) & 0x3, 1);
	ck_assert_uint_eq(c.out.x[3] & 0xffff, SP_ID);
	ck_assert_uint_eq(c.out.x[4] & 0xffff, SP_ID);
	ck_assert_uint_eq((c.out.x[4] >> 16) & 0xffff, 3);
	ASSERT_FFA_ERROR(FFA(FFA_NOTIFICATION_INFO_GET_64), FFA_RET_NO_DATA);
}
END_TEST

START_TEST(info_get_32_sets_more_pending_when_ids_overflow)
{
	uint64_t out[5];
	struct smc_call c;

	start(V11);
	ASSERT_SUCCESS(FFA(FFA_NOTIFICATION_BITMAP_CREATE, 0, 8));
	ASSERT_SUCCESS(FFA(FFA_NOTIFICATION_BIND, ffa_endpoints(SP_ID, 0),
			   FFA_NOTIF_FLAG_PER_VCPU, 1));
	for (uint32_t v = 0; v < 8; v++) {
		sp_cmd(TEST_SP_NOTIF_SET, 0, 1,
		       FFA_NOTIF_FLAG_PER_VCPU | v << FFA_NOTIF_SET_VCPU_SHIFT,
		       out);
		ck_assert_int_eq((int64_t)out[0], 0);
	}
	/* [0,0,1,2] [0,3,4,5] fit in 10 IDs; [0,6,7] does not. */
	c = FFA(FFA_NOTIFICATION_INFO_GET_32);
	ck_assert_uint_eq(c.out.x[0], FFA_SUCCESS_32);
	ck_assert_uint_eq(c.out.x[2] & FFA_NOTIF_INFO_MORE_PENDING, 1);
	ck_assert_uint_eq((c.out.x[2] >> 7) & 0x1f, 2);
	ck_assert_uint_eq(c.out.x[3], 0 | 0u << 16); /* ID 0, vCPU 0 */
	ck_assert_uint_eq(c.out.x[4], 1 | 2u << 16); /* vCPUs 1, 2 */
	ck_assert_uint_eq(c.out.x[5], 0 | 3u << 16); /* ID 0, vCPU 3 */
	c = FFA(FFA_NOTIFICATION_INFO_GET_32);
	ck_assert_uint_eq(c.out.x[2] & FFA_NOTIF_INFO_MORE_PENDING, 0);
	ck_assert_uint_eq((c.out.x[2] >> 12) & 0x3, 2);
	ck_assert_uint_eq(c.out.x[3], 0 | 6u << 16);
	ck_assert_uint_eq(c.out.x[4], 7);
	ck_assert_uint_eq(sri_raised, 8);
}
END_TEST

Suite *ffa_notif_suite(void);

Suite *ffa_notif_suite(void)
{
	Suite *s = suite_create("ffa_notif");
	TCase *tc = tcase_create("notifications");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, features_report_the_sri_and_every_notification_abi);
	tcase_add_test(tc, notifications_do_not_exist_at_v1_0);
	tcase_add_test(tc, bitmap_create_and_destroy_rules);
	tcase_add_test(tc, partition_notifies_the_normal_world_globally);
	tcase_add_test(tc, calls_that_mark_the_sri_pending_say_so_in_the_trace);
	tcase_add_test(tc, per_vcpu_notification_is_listed_with_its_vcpu);
	tcase_add_test(tc, delayed_sri_is_raised_when_the_partition_returns);
	tcase_add_test(tc, normal_world_notifies_a_partition);
	tcase_add_test(tc, bind_set_get_unbind_argument_rules);
	tcase_add_test(tc, hypervisor_only_abis_are_refused_to_partitions);
	tcase_add_test(tc, info_get_packs_three_vcpus_per_list);
	tcase_add_test(tc, info_get_32_sets_more_pending_when_ids_overflow);
	suite_add_tcase(s, tc);
	return s;
}
