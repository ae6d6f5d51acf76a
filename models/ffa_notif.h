/*
 * FF-A notifications in the SPMC (DEN0077A v1.1+, the NOTIFICATION_* ABIs):
 * BITMAP_CREATE/DESTROY (hypervisor or normal-world kernel), BIND/UNBIND,
 * SET, GET, INFO_GET (32/64), global and per-vCPU notifications, and the
 * schedule-receiver interrupt (SRI) through a backend hook.
 *
 * Interface: the SPMC passes every NOTIFICATION_* call to ffa_notif_call()
 * with the caller's endpoint ID; model partitions call it with theirs.
 * FFA_FEATURES feature ID 2 (SRI) is answered by ffa_notif_feature().
 *
 * Model: 64 notification IDs per receiver.  A normal-world receiver (a VM
 * ID, bit 15 clear) has bitmaps only after BITMAP_CREATE; a partition has
 * them when its properties say it receives notifications (bit 3).  Each ID
 * is bound to one sender, global or per-vCPU.  The SPMC relays SP -> VM and
 * VM or SP -> SP notifications; VM -> VM ones are the hypervisor's and are
 * refused here.  SET raises the SRI (immediately, or after the sending
 * partition returns when it asks for a delay), which a backend delivers;
 * INFO_GET reports each pending receiver and vCPU once.
 *
 * Not modelled: the notification pending interrupt (feature 1) and managed
 * exit (feature 3), framework notifications (always 0), and the SPMC's
 * own RX-buffer-full framework notification.
 */
#ifndef MODELS_FFA_NOTIF_H
#define MODELS_FFA_NOTIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/smccc.h"
#include "common/finding.h"

#define FFA_NOTIF_MAX_PARTITIONS 16
#define FFA_NOTIF_MAX_VMS 8
#define FFA_NOTIF_MAX_VCPUS 64
#define FFA_NOTIF_COUNT 64
/* Hafnium's schedule-receiver SGI (HF_SCHEDULE_RECEIVER_INTID). */
#define FFA_NOTIF_DEFAULT_SRI_INTID 8

/* What delivers the schedule-receiver interrupt to the normal world. */
struct ffa_notif_backend_ops {
	void (*raise_sri)(void *ctx, uint32_t intid);
};

struct ffa_notif_backend {
	const struct ffa_notif_backend_ops *ops; /* static const table */
	void *ctx;
};

struct ffa_notif_partition {
	uint16_t id;
	uint16_t vcpu_count;
	bool receives; /* partition property bit 3 */
};

struct ffa_notif_config {
	uint16_t nwd_id;    /* the normal-world endpoint (hypervisor) */
	uint32_t sri_intid; /* reported by FFA_FEATURES(2) */
	size_t partition_count;
	struct ffa_notif_partition partitions[FFA_NOTIF_MAX_PARTITIONS];
};

struct ffa_notif;

struct ffa_notif *ffa_notif_new(const struct ffa_notif_config *cfg,
				struct findings *findings);
void ffa_notif_free(struct ffa_notif *n);
/* backend may be NULL: the SRI is then only counted. */
void ffa_notif_set_backend(struct ffa_notif *n,
			   const struct ffa_notif_backend *backend);

/* True for the function IDs ffa_notif_call() serves. */
bool ffa_notif_serves(uint32_t fid);
/* FFA_FEATURES feature IDs: true and the INTID for the SRI only. */
bool ffa_notif_feature(const struct ffa_notif *n, uint32_t feature,
		       uint32_t *intid);
/* One NOTIFICATION_* call from endpoint caller (upper halves cleared). */
void ffa_notif_call(struct ffa_notif *n, uint16_t caller,
		    const struct smccc_regs *in, struct smccc_regs *out);
/* Raises the SRIs that partitions asked to delay (after they return). */
void ffa_notif_flush_delayed(struct ffa_notif *n);

/* --- Read-only introspection -------------------------------------------- */

bool ffa_notif_has_bitmap(const struct ffa_notif *n, uint16_t id);
/* Pending bits of receiver id: global | those of vcpu (when per_vcpu). */
uint64_t ffa_notif_pending(const struct ffa_notif *n, uint16_t id,
			   bool per_vcpu, uint16_t vcpu);
/* Sender bound to notification bit of receiver id, or false if unbound. */
bool ffa_notif_binding(const struct ffa_notif *n, uint16_t id, unsigned bit,
		       uint16_t *sender, bool *per_vcpu);
uint64_t ffa_notif_sri_count(const struct ffa_notif *n);

#endif /* MODELS_FFA_NOTIF_H */
