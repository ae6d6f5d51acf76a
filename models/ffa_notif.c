/*
 * FF-A notification model.  See ffa_notif.h for the interface and what is
 * not modelled.
 *
 * Register layouts: Linux drivers/firmware/arm_ffa/driver.c
 * (ffa_notification_bind(), ffa_notification_set(), ffa_notification_get(),
 * ffa_notification_info_get()) and the FF-A v1.1 notification ABIs
 * (DEN0077A v1.1 chapter 10 and the NOTIFICATION_* ABI sections); error
 * rules follow Hafnium src/api.c (api_ffa_notification_bitmap_create(),
 * api_ffa_notification_update_bindings(), api_ffa_notification_set(),
 * api_ffa_notification_get(), api_ffa_notification_info_get()).
 *
 * Invariant: a notification ID of a receiver is bound to at most one
 * sender, and a pending bit is always a bound bit.
 */
#include "models/ffa_notif.h"

#include <stdlib.h>
#include <string.h>

#include "abi/ffa.h"
#include "abi/ffa_mem.h"
#include "common/strbuf.h"

struct notif_receiver {
	bool used;
	uint16_t id;
	uint16_t vcpu_count;
	uint16_t sender[FFA_NOTIF_COUNT]; /* valid where bound */
	uint64_t bound;
	uint64_t per_vcpu; /* bound bits that are per-vCPU */
	uint64_t pending_global;
	uint64_t pending_vcpu[FFA_NOTIF_MAX_VCPUS];
	bool reported_global; /* already listed by INFO_GET */
	uint64_t reported_vcpu;
};

struct ffa_notif {
	struct ffa_notif_config cfg;
	struct findings *findings;
	struct ffa_notif_backend backend;
	/* Partitions first (fixed), then created VM bitmaps. */
	struct notif_receiver rx[FFA_NOTIF_MAX_PARTITIONS + FFA_NOTIF_MAX_VMS];
	uint64_t sri_count;
	bool sri_delayed;
};

static struct smccc_regs notif_error(int32_t code)
{
	return (struct smccc_regs){.x = {FFA_ERROR, 0, (uint32_t)code}};
}

static struct smccc_regs notif_success(void)
{
	return (struct smccc_regs){.x = {FFA_SUCCESS_32}};
}

/* A firmware finding; returns the error for the caller. */
static struct smccc_regs refuse(struct ffa_notif *n, int32_t code,
				const char *finding, const char *abi,
				uint16_t caller, const char *what)
{
	findings_add(n->findings, FINDING_FIRMWARE, finding,
		     "%s (endpoint 0x%04x): %s", abi, caller, what);
	return notif_error(code);
}

struct ffa_notif *ffa_notif_new(const struct ffa_notif_config *cfg,
				struct findings *findings)
{
	struct ffa_notif *n = xcalloc(1, sizeof(*n));

	n->cfg = *cfg;
	if (n->cfg.partition_count > FFA_NOTIF_MAX_PARTITIONS) {
		n->cfg.partition_count = FFA_NOTIF_MAX_PARTITIONS;
	}
	n->findings = findings;
	for (size_t i = 0; i < n->cfg.partition_count; i++) {
		const struct ffa_notif_partition *p = &n->cfg.partitions[i];

		if (p->receives) {
			n->rx[i].used = true;
			n->rx[i].id = p->id;
			n->rx[i].vcpu_count =
			    p->vcpu_count == 0 ? 1 : p->vcpu_count;
			if (n->rx[i].vcpu_count > FFA_NOTIF_MAX_VCPUS) {
				n->rx[i].vcpu_count = FFA_NOTIF_MAX_VCPUS;
			}
		}
	}
	return n;
}

void ffa_notif_free(struct ffa_notif *n)
{
	free(n);
}

void ffa_notif_set_backend(struct ffa_notif *n,
			   const struct ffa_notif_backend *backend)
{
	n->backend =
	    backend != NULL ? *backend : (struct ffa_notif_backend){NULL, NULL};
}

static bool is_partition(const struct ffa_notif *n, uint16_t id)
{
	for (size_t i = 0; i < n->cfg.partition_count; i++) {
		if (n->cfg.partitions[i].id == id) {
			return true;
		}
	}
	return false;
}

static bool endpoint_exists(const struct ffa_notif *n, uint16_t id)
{
	return id == n->cfg.nwd_id || is_partition(n, id);
}

static struct notif_receiver *receiver_find(struct ffa_notif *n, uint16_t id)
{
	for (size_t i = 0; i < sizeof(n->rx) / sizeof(n->rx[0]); i++) {
		if (n->rx[i].used && n->rx[i].id == id) {
			return &n->rx[i];
		}
	}
	return NULL;
}

static const struct notif_receiver *receiver_find_const(
    const struct ffa_notif *n, uint16_t id)
{
	return receiver_find((struct ffa_notif *)n, id);
}

static void raise_sri(struct ffa_notif *n)
{
	n->sri_count++;
	if (n->backend.ops != NULL && n->backend.ops->raise_sri != NULL) {
		n->backend.ops->raise_sri(n->backend.ctx, n->cfg.sri_intid);
	}
}

void ffa_notif_flush_delayed(struct ffa_notif *n)
{
	if (n->sri_delayed) {
		n->sri_delayed = false;
		raise_sri(n);
	}
}

/*
 * FFA_NOTIFICATION_BITMAP_CREATE: w1 = VM ID, w2 = vCPU count.  Only for
 * normal-world IDs.  Returns FFA_SUCCESS, or INVALID_PARAMETERS (secure ID,
 * no or too many vCPUs), DENIED (exists), NO_MEMORY.
 */
static struct smccc_regs bitmap_create(struct ffa_notif *n, uint16_t caller,
				       const struct smccc_regs *in)
{
	const char *abi = "FFA_NOTIFICATION_BITMAP_CREATE";
	uint16_t vm = (uint16_t)in->x[1];
	uint32_t vcpus = (uint32_t)in->x[2];
	size_t first_vm = FFA_NOTIF_MAX_PARTITIONS;

	if ((uint32_t)in->x[1] > 0xffffu || (vm & FFA_ID_SECURE_BIT) != 0 ||
	    vcpus == 0 || vcpus > FFA_NOTIF_MAX_VCPUS) {
		return refuse(n, FFA_RET_INVALID_PARAMETERS,
			      "ffa.notif.bitmap-args", abi, caller,
			      "the VM ID must be a normal-world ID and the "
			      "vCPU count 1..64");
	}
	if (receiver_find(n, vm) != NULL) {
		return refuse(n, FFA_RET_DENIED, "ffa.notif.bitmap-exists", abi,
			      caller, "the VM's bitmap already exists");
	}
	for (size_t i = first_vm; i < sizeof(n->rx) / sizeof(n->rx[0]); i++) {
		if (!n->rx[i].used) {
			memset(&n->rx[i], 0, sizeof(n->rx[i]));
			n->rx[i].used = true;
			n->rx[i].id = vm;
			n->rx[i].vcpu_count = (uint16_t)vcpus;
			return notif_success();
		}
	}
	return notif_error(FFA_RET_NO_MEMORY);
}

static bool any_pending(const struct notif_receiver *r)
{
	if (r->pending_global != 0) {
		return true;
	}
	for (size_t i = 0; i < r->vcpu_count; i++) {
		if (r->pending_vcpu[i] != 0) {
			return true;
		}
	}
	return false;
}

/*
 * FFA_NOTIFICATION_BITMAP_DESTROY: w1 = VM ID.  Returns FFA_SUCCESS, or
 * DENIED (no bitmap, notifications pending, as Hafnium).
 */
static struct smccc_regs bitmap_destroy(struct ffa_notif *n, uint16_t caller,
					const struct smccc_regs *in)
{
	const char *abi = "FFA_NOTIFICATION_BITMAP_DESTROY";
	uint16_t vm = (uint16_t)in->x[1];
	struct notif_receiver *r = receiver_find(n, vm);

	if ((uint32_t)in->x[1] > 0xffffu || (vm & FFA_ID_SECURE_BIT) != 0 ||
	    r == NULL) {
		return refuse(n, FFA_RET_DENIED, "ffa.notif.bitmap-missing",
			      abi, caller, "no bitmap exists for that VM ID");
	}
	if (any_pending(r)) {
		return refuse(n, FFA_RET_DENIED, "ffa.notif.bitmap-pending",
			      abi, caller,
			      "notifications are still pending for the VM");
	}
	memset(r, 0, sizeof(*r));
	return notif_success();
}

/*
 * The sender/receiver pair of BIND, UNBIND and SET: both must exist and
 * the SPMC must relay between them (not VM to VM, not to oneself).
 */
static bool pair_valid(const struct ffa_notif *n, uint16_t sender,
		       uint16_t receiver)
{
	bool s_secure = (sender & FFA_ID_SECURE_BIT) != 0;
	bool r_secure = (receiver & FFA_ID_SECURE_BIT) != 0;

	return sender != receiver && endpoint_exists(n, sender) &&
	       (s_secure || r_secure);
}

/*
 * FFA_NOTIFICATION_BIND / UNBIND: w1 = sender << 16 | receiver (the
 * caller), w2 = flags (BIND: bit 0 per-vCPU; UNBIND: MBZ), w3/w4 = bitmap.
 * Returns FFA_SUCCESS, or INVALID_PARAMETERS (IDs, flags, empty bitmap, no
 * bitmap for the receiver), DENIED (BIND: a bit is already bound; UNBIND:
 * a bit is not bound to that sender).
 */
static struct smccc_regs bind_unbind(struct ffa_notif *n, uint16_t caller,
				     const struct smccc_regs *in, bool bind)
{
	const char *abi =
	    bind ? "FFA_NOTIFICATION_BIND" : "FFA_NOTIFICATION_UNBIND";
	uint16_t sender = ffa_sender(in->x[1]);
	uint16_t receiver = ffa_receiver(in->x[1]);
	uint32_t flags = (uint32_t)in->x[2];
	uint64_t bitmap = (uint32_t)in->x[3] | (uint64_t)(uint32_t)in->x[4]
						   << 32;
	struct notif_receiver *r;

	if (receiver != caller) {
		return refuse(n, FFA_RET_INVALID_PARAMETERS,
			      "ffa.notif.not-receiver", abi, caller,
			      "the receiver in w1[15:0] is not the caller");
	}
	if (!pair_valid(n, sender, receiver)) {
		return refuse(n, FFA_RET_INVALID_PARAMETERS,
			      "ffa.notif.bad-sender", abi, caller,
			      "the sender does not exist, is the receiver, "
			      "or both are VMs (the hypervisor's business)");
	}
	if ((bind && (flags & ~FFA_NOTIF_FLAG_PER_VCPU) != 0) ||
	    (!bind && flags != 0) || bitmap == 0) {
		return refuse(n, FFA_RET_INVALID_PARAMETERS, "ffa.notif.flags",
			      abi, caller,
			      "reserved flags set or an empty bitmap");
	}
	r = receiver_find(n, receiver);
	if (r == NULL) {
		return refuse(n, FFA_RET_INVALID_PARAMETERS,
			      "ffa.notif.no-bitmap", abi, caller,
			      "the receiver has no notification bitmap "
			      "(BITMAP_CREATE missing, or a partition that "
			      "does not receive notifications)");
	}
	if (bind) {
		if ((r->bound & bitmap) != 0) {
			return refuse(n, FFA_RET_DENIED,
				      "ffa.notif.already-bound", abi, caller,
				      "a notification in the bitmap is "
				      "already bound");
		}
		for (unsigned b = 0; b < FFA_NOTIF_COUNT; b++) {
			if (bitmap & (UINT64_C(1) << b)) {
				r->sender[b] = sender;
			}
		}
		r->bound |= bitmap;
		if (flags & FFA_NOTIF_FLAG_PER_VCPU) {
			r->per_vcpu |= bitmap;
		} else {
			r->per_vcpu &= ~bitmap;
		}
		return notif_success();
	}
	for (unsigned b = 0; b < FFA_NOTIF_COUNT; b++) {
		if ((bitmap & (UINT64_C(1) << b)) &&
		    (!(r->bound & (UINT64_C(1) << b)) ||
		     r->sender[b] != sender)) {
			return refuse(n, FFA_RET_DENIED, "ffa.notif.not-bound",
				      abi, caller,
				      "a notification in the bitmap is not "
				      "bound to that sender");
		}
	}
	r->bound &= ~bitmap;
	r->per_vcpu &= ~bitmap;
	r->pending_global &= ~bitmap;
	for (size_t i = 0; i < r->vcpu_count; i++) {
		r->pending_vcpu[i] &= ~bitmap;
	}
	return notif_success();
}

/*
 * FFA_NOTIFICATION_SET: w1 = sender (the caller) << 16 | receiver, w2 =
 * bit 0 per-vCPU, bit 1 delay the SRI (partitions only), bits 31:16 vCPU,
 * w3/w4 = bitmap.  Returns FFA_SUCCESS and raises the SRI, or
 * INVALID_PARAMETERS (IDs, flags, vCPU, no bitmap), DENIED (not bound to
 * the caller with that type).
 */
static struct smccc_regs notif_set(struct ffa_notif *n, uint16_t caller,
				   const struct smccc_regs *in)
{
	const char *abi = "FFA_NOTIFICATION_SET";
	uint16_t sender = ffa_sender(in->x[1]);
	uint16_t receiver = ffa_receiver(in->x[1]);
	uint32_t flags = (uint32_t)in->x[2];
	bool per_vcpu = (flags & FFA_NOTIF_FLAG_PER_VCPU) != 0;
	bool delay = (flags & FFA_NOTIF_SET_DELAY_SRI) != 0;
	uint16_t vcpu = (uint16_t)(flags >> FFA_NOTIF_SET_VCPU_SHIFT);
	uint64_t bitmap = (uint32_t)in->x[3] | (uint64_t)(uint32_t)in->x[4]
						   << 32;
	struct notif_receiver *r;

	if (sender != caller || !pair_valid(n, sender, receiver)) {
		return refuse(n, FFA_RET_INVALID_PARAMETERS,
			      "ffa.notif.bad-sender", abi, caller,
			      "the sender in w1[31:16] is not the caller, or "
			      "the SPMC does not relay to that receiver");
	}
	if ((flags & 0xfffcu) != 0 || bitmap == 0 || (!per_vcpu && vcpu != 0) ||
	    (delay && (caller & FFA_ID_SECURE_BIT) == 0)) {
		return refuse(n, FFA_RET_INVALID_PARAMETERS, "ffa.notif.flags",
			      abi, caller,
			      "reserved flags, an empty bitmap, a vCPU for a "
			      "global notification, or a delayed SRI asked "
			      "by the normal world");
	}
	r = receiver_find(n, receiver);
	if (r == NULL) {
		return refuse(n, FFA_RET_INVALID_PARAMETERS,
			      "ffa.notif.no-bitmap", abi, caller,
			      "the receiver has no notification bitmap");
	}
	if (per_vcpu && vcpu >= r->vcpu_count) {
		return refuse(n, FFA_RET_INVALID_PARAMETERS, "ffa.notif.vcpu",
			      abi, caller,
			      "the vCPU is outside the receiver's count");
	}
	for (unsigned b = 0; b < FFA_NOTIF_COUNT; b++) {
		uint64_t bit = UINT64_C(1) << b;

		if ((bitmap & bit) &&
		    (!(r->bound & bit) || r->sender[b] != sender ||
		     ((r->per_vcpu & bit) != 0) != per_vcpu)) {
			return refuse(n, FFA_RET_DENIED,
				      "ffa.notif.set-not-bound", abi, caller,
				      "a notification is not bound to the "
				      "caller, or bound with the other "
				      "(global/per-vCPU) type");
		}
	}
	if (per_vcpu) {
		r->pending_vcpu[vcpu] |= bitmap;
		r->reported_vcpu &= ~(UINT64_C(1) << vcpu);
	} else {
		r->pending_global |= bitmap;
		r->reported_global = false;
	}
	if (delay) {
		n->sri_delayed = true;
	} else {
		raise_sri(n);
	}
	return notif_success();
}

/* Bits of `pending` whose bound sender is in the secure world or not. */
static uint64_t from_world(const struct notif_receiver *r, uint64_t pending,
			   bool secure)
{
	uint64_t out = 0;

	for (unsigned b = 0; b < FFA_NOTIF_COUNT; b++) {
		if ((pending & (UINT64_C(1) << b)) &&
		    ((r->sender[b] & FFA_ID_SECURE_BIT) != 0) == secure) {
			out |= UINT64_C(1) << b;
		}
	}
	return out;
}

/*
 * FFA_NOTIFICATION_GET: w1 = vCPU << 16 | receiver (the caller), w2 = bit
 * 0 SP, bit 1 VM, bit 2 SPM, bit 3 hypervisor bitmaps.  Returns
 * FFA_SUCCESS with w2/w3 = pending from partitions, w4/w5 = from VMs, w6/w7
 * = framework (0), clearing what it returns; or INVALID_PARAMETERS.
 */
static struct smccc_regs notif_get(struct ffa_notif *n, uint16_t caller,
				   const struct smccc_regs *in)
{
	const char *abi = "FFA_NOTIFICATION_GET";
	uint16_t receiver = ffa_receiver(in->x[1]);
	uint16_t vcpu = ffa_sender(in->x[1]);
	uint32_t flags = (uint32_t)in->x[2];
	struct notif_receiver *r;
	uint64_t pending, sp = 0, vm = 0;

	if (receiver != caller) {
		return refuse(n, FFA_RET_INVALID_PARAMETERS,
			      "ffa.notif.not-receiver", abi, caller,
			      "the receiver in w1[15:0] is not the caller");
	}
	if ((flags & ~0xfu) != 0) {
		return refuse(n, FFA_RET_INVALID_PARAMETERS, "ffa.notif.flags",
			      abi, caller, "w2 bits 31:4 are reserved");
	}
	r = receiver_find(n, receiver);
	if (r == NULL) {
		return refuse(n, FFA_RET_INVALID_PARAMETERS,
			      "ffa.notif.no-bitmap", abi, caller,
			      "the caller has no notification bitmap");
	}
	if (vcpu >= r->vcpu_count) {
		return refuse(n, FFA_RET_INVALID_PARAMETERS, "ffa.notif.vcpu",
			      abi, caller,
			      "the vCPU is outside the receiver's count");
	}
	pending = r->pending_global | r->pending_vcpu[vcpu];
	if (flags & FFA_NOTIF_GET_SP) {
		sp = from_world(r, pending, true);
	}
	if (flags & FFA_NOTIF_GET_VM) {
		vm = from_world(r, pending, false);
	}
	r->pending_global &= ~(sp | vm);
	r->pending_vcpu[vcpu] &= ~(sp | vm);
	return (struct smccc_regs){.x = {FFA_SUCCESS_32, 0, (uint32_t)sp,
					 (uint32_t)(sp >> 32), (uint32_t)vm,
					 (uint32_t)(vm >> 32), 0, 0}};
}

/* Packs 16-bit IDs into x3.. (4 per register, or 2 for SMC32). */
static void put_id(struct smccc_regs *out, size_t index, uint16_t id,
		   bool is_64)
{
	size_t per = is_64 ? 4 : 2;

	out->x[3 + index / per] |= (uint64_t)id << (16 * (index % per));
}

/*
 * FFA_NOTIFICATION_INFO_GET_32/64 (normal world only).  Returns
 * FFA_SUCCESS (same width as the call) with w2 = more-pending bit 0, list
 * count in bits 11:7 and per list the number of vCPU IDs (2 bits from bit
 * 12), the IDs packed from x3; each list is an endpoint ID followed by up
 * to three vCPU IDs; or NO_DATA when nothing new is pending.
 */
static struct smccc_regs notif_info_get(struct ffa_notif *n,
					const struct smccc_regs *in)
{
	bool is_64 = smccc_is_64((uint32_t)in->x[0]);
	size_t max_ids =
	    is_64 ? FFA_NOTIF_INFO_MAX_IDS_64 : FFA_NOTIF_INFO_MAX_IDS_32;
	struct smccc_regs out = {
	    .x = {is_64 ? FFA_SUCCESS_64 : FFA_SUCCESS_32}};
	size_t ids = 0, lists = 0;
	bool more = false;

	for (size_t i = 0; i < sizeof(n->rx) / sizeof(n->rx[0]); i++) {
		struct notif_receiver *r = &n->rx[i];
		uint16_t vcpus[FFA_NOTIF_MAX_VCPUS];
		size_t vc = 0, done = 0;

		if (!r->used) {
			continue;
		}
		for (uint16_t v = 0; v < r->vcpu_count; v++) {
			if (r->pending_vcpu[v] != 0 &&
			    !(r->reported_vcpu & (UINT64_C(1) << v))) {
				vcpus[vc++] = v;
			}
		}
		if (r->pending_global != 0 && !r->reported_global) {
			if (ids + 1 > max_ids || lists == 31) {
				more = true;
				break;
			}
			put_id(&out, ids++, r->id, is_64);
			lists++;
			r->reported_global = true;
		}
		while (done < vc) {
			size_t take = vc - done > 3 ? 3 : vc - done;

			if (ids + 1 + take > max_ids || lists == 31) {
				more = true;
				break;
			}
			put_id(&out, ids++, r->id, is_64);
			for (size_t k = 0; k < take; k++) {
				put_id(&out, ids++, vcpus[done + k], is_64);
				r->reported_vcpu |= UINT64_C(1)
						    << vcpus[done + k];
			}
			out.x[2] |= (uint64_t)take
				    << (FFA_NOTIF_INFO_LIST_SHIFT + 2 * lists);
			lists++;
			done += take;
		}
		if (more) {
			break;
		}
	}
	if (lists == 0) {
		return notif_error(FFA_RET_NO_DATA);
	}
	out.x[2] |= (uint64_t)lists << FFA_NOTIF_INFO_LIST_COUNT_SHIFT;
	if (more) {
		out.x[2] |= FFA_NOTIF_INFO_MORE_PENDING;
	}
	return out;
}

bool ffa_notif_serves(uint32_t fid)
{
	switch (fid) {
	case FFA_NOTIFICATION_BITMAP_CREATE:
	case FFA_NOTIFICATION_BITMAP_DESTROY:
	case FFA_NOTIFICATION_BIND:
	case FFA_NOTIFICATION_UNBIND:
	case FFA_NOTIFICATION_SET:
	case FFA_NOTIFICATION_GET:
	case FFA_NOTIFICATION_INFO_GET_32:
	case FFA_NOTIFICATION_INFO_GET_64:
		return true;
	default:
		return false;
	}
}

bool ffa_notif_feature(const struct ffa_notif *n, uint32_t feature,
		       uint32_t *intid)
{
	if (feature != FFA_FEATURE_SRI) {
		return false;
	}
	*intid = n->cfg.sri_intid;
	return true;
}

void ffa_notif_call(struct ffa_notif *n, uint16_t caller,
		    const struct smccc_regs *in, struct smccc_regs *out)
{
	uint32_t fid = (uint32_t)in->x[0];
	bool from_nwd = (caller & FFA_ID_SECURE_BIT) == 0;

	switch (fid) {
	case FFA_NOTIFICATION_BITMAP_CREATE:
	case FFA_NOTIFICATION_BITMAP_DESTROY:
	case FFA_NOTIFICATION_INFO_GET_32:
	case FFA_NOTIFICATION_INFO_GET_64:
		if (!from_nwd) {
			/* Hypervisor-only ABIs (Hafnium: NOT_SUPPORTED). */
			*out = notif_error(FFA_RET_NOT_SUPPORTED);
			return;
		}
		break;
	default:
		break;
	}
	switch (fid) {
	case FFA_NOTIFICATION_BITMAP_CREATE:
		*out = bitmap_create(n, caller, in);
		break;
	case FFA_NOTIFICATION_BITMAP_DESTROY:
		*out = bitmap_destroy(n, caller, in);
		break;
	case FFA_NOTIFICATION_BIND:
		*out = bind_unbind(n, caller, in, true);
		break;
	case FFA_NOTIFICATION_UNBIND:
		*out = bind_unbind(n, caller, in, false);
		break;
	case FFA_NOTIFICATION_SET:
		*out = notif_set(n, caller, in);
		break;
	case FFA_NOTIFICATION_GET:
		*out = notif_get(n, caller, in);
		break;
	case FFA_NOTIFICATION_INFO_GET_32:
	case FFA_NOTIFICATION_INFO_GET_64:
		*out = notif_info_get(n, in);
		break;
	default:
		*out = notif_error(FFA_RET_NOT_SUPPORTED);
		break;
	}
}

/* --- Introspection -------------------------------------------------------- */

bool ffa_notif_has_bitmap(const struct ffa_notif *n, uint16_t id)
{
	return receiver_find_const(n, id) != NULL;
}

uint64_t ffa_notif_pending(const struct ffa_notif *n, uint16_t id,
			   bool per_vcpu, uint16_t vcpu)
{
	const struct notif_receiver *r = receiver_find_const(n, id);

	if (r == NULL) {
		return 0;
	}
	if (per_vcpu && vcpu < r->vcpu_count) {
		return r->pending_global | r->pending_vcpu[vcpu];
	}
	return r->pending_global;
}

bool ffa_notif_binding(const struct ffa_notif *n, uint16_t id, unsigned bit,
		       uint16_t *sender, bool *per_vcpu)
{
	const struct notif_receiver *r = receiver_find_const(n, id);

	if (r == NULL || bit >= FFA_NOTIF_COUNT ||
	    !(r->bound & (UINT64_C(1) << bit))) {
		return false;
	}
	*sender = r->sender[bit];
	*per_vcpu = (r->per_vcpu & (UINT64_C(1) << bit)) != 0;
	return true;
}

uint64_t ffa_notif_sri_count(const struct ffa_notif *n)
{
	return n->sri_count;
}
