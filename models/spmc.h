/*
 * The FF-A SPMC as the normal world sees it (FF-A v1.0, v1.1 and v1.2; the
 * highest version is configurable), with its secure partitions declared as
 * data.
 *
 * Serves: standard-service function numbers 0x60..0x97 (FF-A), SMC32 and
 * SMC64.  One table (spmc.c) drives dispatch, FFA_FEATURES, names, the
 * "which world may call this" rule, the minimum version of each ABI and
 * its must-be-zero registers.
 *
 * Implemented: VERSION (negotiation rules of Hafnium's api_ffa_version()),
 * ID_GET, SPM_ID_GET, FEATURES, RXTX_MAP (32/64), RXTX_UNMAP, RX_RELEASE
 * with RX ownership, PARTITION_INFO_GET (all or by UUID, count-only, v1.0 or
 * v1.1 descriptors), PARTITION_INFO_GET_REGS, MSG_SEND_DIRECT_REQ (32/64)
 * and REQ2.
 * Memory management (MEM_*) is models/ffa_mem.c and notifications
 * (NOTIFICATION_*) models/ffa_notif.c, reached through the same table.
 * Not modelled (recognised; NOT_SUPPORTED and a "not implemented" finding):
 * indirect messaging, FFA_RUN, RX_ACQUIRE, MEM_OP_PAUSE/RESUME.
 * Secure-world-only ABIs called from the normal world get NOT_SUPPORTED and
 * a firmware finding, as TF-A's SPMC answers them.
 */
#ifndef MODELS_SPMC_H
#define MODELS_SPMC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/ffa.h"
#include "common/finding.h"
#include "models/guest_mem.h"
#include "models/inject.h"
#include "models/lifecycle.h"
#include "models/secure_port.h"
#include "models/smc_call.h"

#define SPMC_MAX_PARTITIONS 8
#define SPMC_PARTITION_NAME_MAX 32

/* What answers a partition's direct requests. */
enum sp_model {
	SP_MODEL_MM_VARIABLE, /* models/mm_sp.c: MM communicate + variables */
	SP_MODEL_ECHO,        /* returns the request payload unchanged */
	SP_MODEL_TEST,        /* models/test_sp.c: scripted memory/notif. */
	SP_MODEL_COUNT
};

struct spmc_partition_config {
	char name[SPMC_PARTITION_NAME_MAX];
	uint16_t id;
	struct ffa_uuid uuid;
	uint32_t properties;
	uint16_t exec_ctx_count;
	enum sp_model model;
};

struct spmc_config {
	uint32_t max_version;   /* FFA_VERSION_1_0 .. FFA_VERSION_1_2 */
	uint16_t nwd_id;        /* the caller's endpoint ID (0) */
	uint16_t spmc_id;       /* FFA_SPM_ID_GET (0x8000) */
	uint32_t rxtx_min_size; /* FFA_RXTX_MIN_4K/16K/64K */
	uint32_t rxtx_max_pages;
	size_t partition_count;
	struct spmc_partition_config partitions[SPMC_MAX_PARTITIONS];
	/* Whether RX/TX still mapped once ExitBootServices has returned is a
	 * finding (U-Boot unmaps them so that the OS can map its own). */
	bool audit_rxtx_unmap_at_exit;
};

/*
 * v1.2, endpoint 0, 4 KiB buffers of up to 63 pages, and the MM partition
 * U-Boot looks for: ID 0x8003, the MM UUID, properties 0x103 (direct
 * requests in and out, AArch64), one execution context, as Corstone-1000's
 * smm-gateway is reported (reference 2.4).
 */
void spmc_config_default(struct spmc_config *cfg);
/* Parses "sp-mm"/"mm-variable", "echo"; false if unknown. */
bool sp_model_parse(const char *s, enum sp_model *out);
const char *sp_model_name(enum sp_model m);

/* Negotiation state of the single normal-world endpoint. */
enum spmc_version_state {
	SPMC_VERSION_NONE,       /* no FFA_VERSION yet */
	SPMC_VERSION_OFFERED,    /* FFA_VERSION called; may still change */
	SPMC_VERSION_NEGOTIATED, /* another ABI was called: fixed */
};

/* Who owns the caller's RX buffer (reference 2.5). */
enum spmc_rx_owner {
	SPMC_RX_OWNER_SPMC,   /* free: the SPMC may produce into it */
	SPMC_RX_OWNER_CALLER, /* full: the caller must FFA_RX_RELEASE it */
};

struct spmc_rxtx {
	bool mapped;
	uint64_t tx;
	uint64_t rx;
	uint32_t page_count;
	enum spmc_rx_owner rx_owner;
};

struct mm_sp;
struct ffa_mem;
struct ffa_notif;
struct test_sp;

struct spmc {
	struct spmc_config cfg;
	struct findings *findings;
	const struct guest_mem *mem;
	enum spmc_version_state version_state;
	uint32_t negotiated_version;
	struct spmc_rxtx rxtx;
	struct mm_sp *mm[SPMC_MAX_PARTITIONS];
	bool discovered[SPMC_MAX_PARTITIONS];
	uint64_t *abi_calls; /* per ABI table row */
	struct injector *inj; /* may be NULL */
	const struct sw_observer *obs; /* doorbells are announced (may be NULL) */
	struct ffa_mem *memory;         /* MEM_* (models/ffa_mem.c) */
	struct ffa_notif *notif;        /* NOTIFICATION_* (models/ffa_notif.c) */
	struct test_sp *test[SPMC_MAX_PARTITIONS]; /* SP_MODEL_TEST rows */
	bool test_owned[SPMC_MAX_PARTITIONS];
};

/* cfg is copied; mem, findings and inj (may be NULL) must outlive it. */
void spmc_init(struct spmc *s, const struct spmc_config *cfg,
	       const struct guest_mem *mem, struct findings *findings,
	       struct injector *inj);
void spmc_free(struct spmc *s);
/* Attaches the MM model instance that serves partition `index`. */
void spmc_attach_mm(struct spmc *s, size_t index, struct mm_sp *mm);
/*
 * spmc_init() creates a test partition for every SP_MODEL_TEST row; this
 * replaces it with one the caller owns (sp must outlive s).
 */
void spmc_attach_test_sp(struct spmc *s, size_t index, struct test_sp *sp);
struct test_sp *spmc_test_sp(const struct spmc *s, size_t index);
/* The memory-management and notification models, for tests and backends. */
struct ffa_mem *spmc_memory(const struct spmc *s);
struct ffa_notif *spmc_notifications(const struct spmc *s);
void spmc_handle(struct spmc *s, struct smc_call *call);
/* Direct requests are announced to obs (the backend's cache model). */
void spmc_observe(struct spmc *s, const struct sw_observer *obs);
/* A lifecycle_listener_fn (ctx = the SPMC): the auditors that read the
 * phase. */
void spmc_phase_changed(void *ctx, enum lifecycle_phase from,
			enum lifecycle_phase to, enum lifecycle_evidence why);

/* Name of an FF-A function ID ("FFA_RXTX_MAP_64"), or NULL. */
const char *spmc_function_name(uint32_t fid);
/* The ABI table, for coverage reports and table-driven tests. */
size_t spmc_abi_count(void);
uint32_t spmc_abi_fid(size_t index);
bool spmc_abi_implemented(size_t index);
uint64_t spmc_abi_calls(const struct spmc *s, size_t index);
/* What FFA_FEATURES reports for fid at the negotiated version, as w2. */
bool spmc_features_props(const struct spmc *s, uint32_t fid, uint32_t *w2);

#endif /* MODELS_SPMC_H */
