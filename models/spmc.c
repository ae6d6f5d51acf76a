/*
 * FF-A SPMC model.  See spmc.h for the interface and what is not modelled.
 *
 * Order of checks for every call (TF-A's version gate and caller check run
 * before the handler; Hafnium marks the version negotiated on the first
 * other call):
 *   1. the function ID is in the table, else NOT_SUPPORTED (not implemented);
 *   2. the normal world may call it, else NOT_SUPPORTED (firmware finding);
 *   3. FFA_VERSION came first, else INVALID_PARAMETERS (firmware finding,
 *      as pKVM answers); the first other call fixes the version;
 *   4. the ABI exists at the negotiated version, else NOT_SUPPORTED;
 *   5. must-be-zero registers are zero, else INVALID_PARAMETERS;
 *   6. a handler exists, else NOT_SUPPORTED (not implemented);
 *   7. the handler validates its own arguments.
 * SMC32 calls see only w1..w7: the upper halves are cleared before 5.
 *
 * Facts: FF-A v1.2 (DEN0077A) as TF-A services/std_svc/spm/el3_spmc/
 * spmc_main.c, Hafnium src/api.c, OP-TEE core/arch/arm/kernel/
 * thread_spmc.c and Linux drivers/firmware/arm_ffa/driver.c implement it
 * (register layouts, error codes, RX/TX ownership); what U-Boot accepts:
 * U-Boot drivers/firmware/arm-ffa/arm-ffa-uclass.c ffa_do_probe().
 */
#include "models/spmc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/ffa_mem.h"
#include "abi/smccc.h"
#include "common/abi_names.h"
#include "common/strbuf.h"
#include "common/text.h"
#include "models/ffa_mem.h"
#include "models/ffa_notif.h"
#include "models/mm_sp.h"
#include "models/test_sp.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define FROM_NWD (1u << 0)
#define FROM_SWD (1u << 1)
#define FROM_ANY (FROM_NWD | FROM_SWD)

/* Must-be-zero register masks: bit i = x<i>. */
#define MBZ(first, last) ((uint8_t)(((1u << ((last) + 1)) - 1) & ~((1u << (first)) - 1)))

typedef struct smccc_regs ffa_handler_fn(struct spmc *s,
					 const struct smccc_regs *in,
					 struct smc_call *call);

/* What FFA_FEATURES reports in w2 for an ABI (FF-A v1.2 section 13.3). */
enum ffa_feature_props {
	PROPS_NONE,        /* w2 = 0 */
	PROPS_RXTX_BUFFER, /* minimum buffer size; v1.2: maximum pages too */
	PROPS_MEMORY,      /* models/ffa_mem.c: bit 0 = buffer in registers */
};

struct ffa_abi_desc {
	uint32_t fid;
	const char *name;
	ffa_handler_fn *handler; /* NULL: recognised, not implemented */
	uint32_t min_version;    /* FF-A version that introduced it */
	uint8_t callers;         /* FROM_NWD | FROM_SWD */
	uint8_t mbz;             /* registers x1..x7 that must be zero */
	enum ffa_feature_props props;
};

static ffa_handler_fn ffa_version_handler, ffa_features_handler,
	ffa_rx_release_handler, ffa_rxtx_map_handler, ffa_rxtx_unmap_handler,
	ffa_partition_info_get_handler, ffa_id_get_handler,
	ffa_spm_id_get_handler, ffa_direct_req_handler,
	ffa_partition_info_get_regs_handler, ffa_direct_req2_handler,
	ffa_mem_handler, ffa_notif_handler;

#define V10 FFA_VERSION_1_0
#define V11 FFA_VERSION_1_1
#define V12 FFA_VERSION_1_2

static const struct ffa_abi_desc ffa_abi_table[] = {
	{FFA_ERROR, "FFA_ERROR", NULL, V10, FROM_SWD, 0, PROPS_NONE},
	{FFA_SUCCESS_32, "FFA_SUCCESS_32", NULL, V10, FROM_SWD, 0, PROPS_NONE},
	{FFA_SUCCESS_64, "FFA_SUCCESS_64", NULL, V10, FROM_SWD, 0, PROPS_NONE},
	{FFA_INTERRUPT, "FFA_INTERRUPT", NULL, V10, FROM_SWD, 0, PROPS_NONE},
	{FFA_VERSION, "FFA_VERSION", ffa_version_handler, V10, FROM_ANY,
	 MBZ(2, 7), PROPS_NONE},
	{FFA_FEATURES, "FFA_FEATURES", ffa_features_handler, V10, FROM_ANY,
	 MBZ(3, 7), PROPS_NONE},
	{FFA_RX_RELEASE, "FFA_RX_RELEASE", ffa_rx_release_handler, V10,
	 FROM_ANY, MBZ(1, 7), PROPS_NONE},
	{FFA_RXTX_MAP_32, "FFA_RXTX_MAP_32", ffa_rxtx_map_handler, V10,
	 FROM_ANY, MBZ(4, 7), PROPS_RXTX_BUFFER},
	{FFA_RXTX_MAP_64, "FFA_RXTX_MAP_64", ffa_rxtx_map_handler, V10,
	 FROM_ANY, MBZ(4, 7), PROPS_RXTX_BUFFER},
	{FFA_RXTX_UNMAP, "FFA_RXTX_UNMAP", ffa_rxtx_unmap_handler, V10,
	 FROM_ANY, MBZ(2, 7), PROPS_NONE},
	{FFA_PARTITION_INFO_GET, "FFA_PARTITION_INFO_GET",
	 ffa_partition_info_get_handler, V10, FROM_ANY, MBZ(6, 7), PROPS_NONE},
	{FFA_ID_GET, "FFA_ID_GET", ffa_id_get_handler, V10, FROM_ANY,
	 MBZ(1, 7), PROPS_NONE},
	{FFA_MSG_POLL, "FFA_MSG_POLL", NULL, V10, FROM_ANY, 0, PROPS_NONE},
	{FFA_MSG_WAIT, "FFA_MSG_WAIT", NULL, V10, FROM_SWD, 0, PROPS_NONE},
	{FFA_YIELD, "FFA_YIELD", NULL, V10, FROM_SWD, 0, PROPS_NONE},
	{FFA_RUN, "FFA_RUN", NULL, V10, FROM_NWD, 0, PROPS_NONE},
	{FFA_MSG_SEND, "FFA_MSG_SEND", NULL, V10, FROM_ANY, 0, PROPS_NONE},
	{FFA_MSG_SEND_DIRECT_REQ_32, "FFA_MSG_SEND_DIRECT_REQ_32",
	 ffa_direct_req_handler, V10, FROM_ANY, 0, PROPS_NONE},
	{FFA_MSG_SEND_DIRECT_REQ_64, "FFA_MSG_SEND_DIRECT_REQ_64",
	 ffa_direct_req_handler, V10, FROM_ANY, 0, PROPS_NONE},
	{FFA_MSG_SEND_DIRECT_RESP_32, "FFA_MSG_SEND_DIRECT_RESP_32", NULL,
	 V10, FROM_SWD, 0, PROPS_NONE},
	{FFA_MSG_SEND_DIRECT_RESP_64, "FFA_MSG_SEND_DIRECT_RESP_64", NULL,
	 V10, FROM_SWD, 0, PROPS_NONE},
	{FFA_MEM_DONATE_32, "FFA_MEM_DONATE_32", ffa_mem_handler, V10,
	 FROM_ANY, MBZ(5, 7), PROPS_MEMORY},
	{FFA_MEM_DONATE_64, "FFA_MEM_DONATE_64", ffa_mem_handler, V10,
	 FROM_ANY, MBZ(5, 7), PROPS_MEMORY},
	{FFA_MEM_LEND_32, "FFA_MEM_LEND_32", ffa_mem_handler, V10,
	 FROM_ANY, MBZ(5, 7), PROPS_MEMORY},
	{FFA_MEM_LEND_64, "FFA_MEM_LEND_64", ffa_mem_handler, V10,
	 FROM_ANY, MBZ(5, 7), PROPS_MEMORY},
	{FFA_MEM_SHARE_32, "FFA_MEM_SHARE_32", ffa_mem_handler, V10,
	 FROM_ANY, MBZ(5, 7), PROPS_MEMORY},
	{FFA_MEM_SHARE_64, "FFA_MEM_SHARE_64", ffa_mem_handler, V10,
	 FROM_ANY, MBZ(5, 7), PROPS_MEMORY},
	{FFA_MEM_RETRIEVE_REQ_32, "FFA_MEM_RETRIEVE_REQ_32",
	 ffa_mem_handler, V10, FROM_ANY, MBZ(5, 7), PROPS_MEMORY},
	{FFA_MEM_RETRIEVE_REQ_64, "FFA_MEM_RETRIEVE_REQ_64",
	 ffa_mem_handler, V10, FROM_ANY, MBZ(5, 7), PROPS_MEMORY},
	{FFA_MEM_RETRIEVE_RESP, "FFA_MEM_RETRIEVE_RESP", NULL, V10, FROM_SWD,
	 0, PROPS_NONE},
	{FFA_MEM_RELINQUISH, "FFA_MEM_RELINQUISH", ffa_mem_handler, V10,
	 FROM_ANY, MBZ(1, 7), PROPS_NONE},
	{FFA_MEM_RECLAIM, "FFA_MEM_RECLAIM", ffa_mem_handler, V10,
	 FROM_ANY, MBZ(4, 7), PROPS_NONE},
	{FFA_MEM_OP_PAUSE, "FFA_MEM_OP_PAUSE", NULL, V10, FROM_ANY, 0, PROPS_NONE},
	{FFA_MEM_OP_RESUME, "FFA_MEM_OP_RESUME", NULL, V10, FROM_ANY, 0, PROPS_NONE},
	{FFA_MEM_FRAG_RX, "FFA_MEM_FRAG_RX", ffa_mem_handler, V10,
	 FROM_ANY, MBZ(5, 7), PROPS_NONE},
	{FFA_MEM_FRAG_TX, "FFA_MEM_FRAG_TX", ffa_mem_handler, V10,
	 FROM_ANY, MBZ(5, 7), PROPS_NONE},
	{FFA_NORMAL_WORLD_RESUME, "FFA_NORMAL_WORLD_RESUME", NULL, V10,
	 FROM_SWD, 0, PROPS_NONE},
	{FFA_NOTIFICATION_BITMAP_CREATE, "FFA_NOTIFICATION_BITMAP_CREATE",
	 ffa_notif_handler, V11, FROM_NWD, MBZ(3, 7), PROPS_NONE},
	{FFA_NOTIFICATION_BITMAP_DESTROY, "FFA_NOTIFICATION_BITMAP_DESTROY",
	 ffa_notif_handler, V11, FROM_NWD, MBZ(2, 7), PROPS_NONE},
	{FFA_NOTIFICATION_BIND, "FFA_NOTIFICATION_BIND", ffa_notif_handler, V11,
	 FROM_ANY, MBZ(5, 7), PROPS_NONE},
	{FFA_NOTIFICATION_UNBIND, "FFA_NOTIFICATION_UNBIND",
	 ffa_notif_handler, V11, FROM_ANY, MBZ(5, 7), PROPS_NONE},
	{FFA_NOTIFICATION_SET, "FFA_NOTIFICATION_SET", ffa_notif_handler, V11,
	 FROM_ANY, MBZ(5, 7), PROPS_NONE},
	{FFA_NOTIFICATION_GET, "FFA_NOTIFICATION_GET", ffa_notif_handler, V11,
	 FROM_ANY, MBZ(3, 7), PROPS_NONE},
	{FFA_NOTIFICATION_INFO_GET_32, "FFA_NOTIFICATION_INFO_GET_32",
	 ffa_notif_handler, V11, FROM_NWD, MBZ(1, 7), PROPS_NONE},
	{FFA_NOTIFICATION_INFO_GET_64, "FFA_NOTIFICATION_INFO_GET_64",
	 ffa_notif_handler, V11, FROM_NWD, MBZ(1, 7), PROPS_NONE},
	{FFA_RX_ACQUIRE, "FFA_RX_ACQUIRE", NULL, V11, FROM_NWD, 0, PROPS_NONE},
	{FFA_SPM_ID_GET, "FFA_SPM_ID_GET", ffa_spm_id_get_handler, V11,
	 FROM_ANY, MBZ(1, 7), PROPS_NONE},
	{FFA_MSG_SEND2, "FFA_MSG_SEND2", NULL, V11, FROM_ANY, 0, PROPS_NONE},
	{FFA_SECONDARY_EP_REGISTER_32, "FFA_SECONDARY_EP_REGISTER_32", NULL,
	 V11, FROM_SWD, 0, PROPS_NONE},
	{FFA_SECONDARY_EP_REGISTER_64, "FFA_SECONDARY_EP_REGISTER_64", NULL,
	 V11, FROM_SWD, 0, PROPS_NONE},
	{FFA_MEM_PERM_GET_32, "FFA_MEM_PERM_GET_32", NULL, V11, FROM_SWD, 0, PROPS_NONE},
	{FFA_MEM_PERM_GET_64, "FFA_MEM_PERM_GET_64", NULL, V11, FROM_SWD, 0, PROPS_NONE},
	{FFA_MEM_PERM_SET_32, "FFA_MEM_PERM_SET_32", NULL, V11, FROM_SWD, 0, PROPS_NONE},
	{FFA_MEM_PERM_SET_64, "FFA_MEM_PERM_SET_64", NULL, V11, FROM_SWD, 0, PROPS_NONE},
	{FFA_CONSOLE_LOG_32, "FFA_CONSOLE_LOG_32", NULL, V12, FROM_SWD, 0, PROPS_NONE},
	{FFA_CONSOLE_LOG_64, "FFA_CONSOLE_LOG_64", NULL, V12, FROM_SWD, 0, PROPS_NONE},
	{FFA_PARTITION_INFO_GET_REGS, "FFA_PARTITION_INFO_GET_REGS",
	 ffa_partition_info_get_regs_handler, V12, FROM_ANY, MBZ(4, 7), PROPS_NONE},
	{FFA_EL3_INTR_HANDLE, "FFA_EL3_INTR_HANDLE", NULL, V12, FROM_SWD, 0, PROPS_NONE},
	{FFA_MSG_SEND_DIRECT_REQ2, "FFA_MSG_SEND_DIRECT_REQ2",
	 ffa_direct_req2_handler, V12, FROM_ANY, 0, PROPS_NONE},
	{FFA_MSG_SEND_DIRECT_RESP2, "FFA_MSG_SEND_DIRECT_RESP2", NULL, V12,
	 FROM_SWD, 0, PROPS_NONE},
};

static const struct ffa_abi_desc *abi_find(uint32_t fid, size_t *index)
{
	for (size_t i = 0; i < ARRAY_SIZE(ffa_abi_table); i++) {
		if (ffa_abi_table[i].fid == fid) {
			if (index != NULL) {
				*index = i;
			}
			return &ffa_abi_table[i];
		}
	}
	return NULL;
}

/* --- Return shapes ------------------------------------------------------ */

static struct smccc_regs ffa_error(int32_t code)
{
	return (struct smccc_regs){
		.x = {FFA_ERROR, 0, (uint32_t)code},
	};
}

static struct smccc_regs ffa_success(uint64_t w2, uint64_t w3)
{
	return (struct smccc_regs){.x = {FFA_SUCCESS_32, 0, w2, w3}};
}

/* Records a firmware finding and returns the FF-A error for it. */
static struct smccc_regs firmware_error(struct spmc *s, int32_t code,
					const char *finding, const char *msg)
{
	findings_add(s->findings, FINDING_FIRMWARE, finding, "%s", msg);
	return ffa_error(code);
}

static void version_text(uint32_t v, char *out, size_t size)
{
	snprintf(out, size, "%u.%u", ffa_version_major(v),
		 ffa_version_minor(v));
}

/* --- Configuration ------------------------------------------------------ */

void spmc_config_default(struct spmc_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_version = FFA_VERSION_1_2;
	cfg->nwd_id = 0;
	cfg->spmc_id = FFA_SPMC_ID;
	cfg->rxtx_min_size = FFA_RXTX_MIN_4K;
	cfg->rxtx_max_pages = FFA_RXTX_PAGE_COUNT_MASK;
	cfg->partition_count = 1;
	snprintf(cfg->partitions[0].name, SPMC_PARTITION_NAME_MAX, "%s",
		 "mm-variable");
	cfg->partitions[0].id = 0x8003;
	cfg->partitions[0].uuid = (struct ffa_uuid){{
		FFA_MM_SP_UUID_W0,
		FFA_MM_SP_UUID_W1,
		FFA_MM_SP_UUID_W2,
		FFA_MM_SP_UUID_W3,
	}};
	cfg->partitions[0].properties = FFA_PART_PROP_DIRECT_REQ_RECV |
					FFA_PART_PROP_DIRECT_REQ_SEND |
					FFA_PART_PROP_AARCH64;
	cfg->partitions[0].exec_ctx_count = 1;
	cfg->partitions[0].model = SP_MODEL_MM_VARIABLE;
}

/*
 * What answers a partition's direct requests: one row per model, the
 * partition descriptors (spmc_config) name theirs.  A message handler
 * gets the payload registers and returns 0 or an FF-A error code.
 */
typedef int32_t sp_message_fn(struct spmc *s, size_t index, bool is_64,
			      uint64_t *args, size_t count,
			      struct smc_call *call);

/*
 * Sets up partition `index` once the SPMC's own models exist (NULL: the
 * partition needs nothing, or, for the MM partition, its instance comes
 * from the secure world, which owns the variable store: spmc_attach_mm()).
 */
typedef void sp_init_fn(struct spmc *s, size_t index);

static sp_init_fn test_init;
static sp_message_fn mm_variable_message, echo_message, test_message;

static const struct {
	const char *name;
	sp_init_fn *init;
	sp_message_fn *message;
} sp_model_rows[SP_MODEL_COUNT] = {
	[SP_MODEL_MM_VARIABLE] = {"mm-variable", NULL, mm_variable_message},
	[SP_MODEL_ECHO] = {"echo", NULL, echo_message},
	[SP_MODEL_TEST] = {"test", test_init, test_message},
};

/* The scripted test partition (models/test_sp.h) on the SPMC's models. */
static void test_init(struct spmc *s, size_t index)
{
	s->test[index] = test_sp_new(s->cfg.partitions[index].id, s->memory,
				     s->notif, s->mem, s->findings);
	s->test_owned[index] = true;
}

bool sp_model_parse(const char *s, enum sp_model *out)
{
	for (size_t i = 0; i < SP_MODEL_COUNT; i++) {
		if (strcmp(sp_model_rows[i].name, s) == 0) {
			*out = (enum sp_model)i;
			return true;
		}
	}
	return false;
}

const char *sp_model_name(enum sp_model m)
{
	return (unsigned)m < SP_MODEL_COUNT ? sp_model_rows[m].name : "?";
}

/*
 * The memory-management and notification models know every partition as
 * an endpoint; then each partition's model row initialises it.
 */
static void spmc_init_memory_and_notifications(struct spmc *s)
{
	struct ffa_mem_config mc = {.nwd_id = s->cfg.nwd_id};
	struct ffa_notif_config nc = {
		.nwd_id = s->cfg.nwd_id,
		.sri_intid = FFA_NOTIF_DEFAULT_SRI_INTID,
	};

	for (size_t i = 0; i < s->cfg.partition_count; i++) {
		const struct spmc_partition_config *p = &s->cfg.partitions[i];

		mc.endpoints[mc.endpoint_count++] = p->id;
		nc.partitions[nc.partition_count++] = (struct ffa_notif_partition){
			.id = p->id,
			.vcpu_count = p->exec_ctx_count,
			.receives = (p->properties &
				     FFA_PART_PROP_NOTIFICATION_RECV) != 0,
		};
	}
	s->memory = ffa_mem_new(&mc, s->mem, s->findings);
	s->notif = ffa_notif_new(&nc, s->findings);
	for (size_t i = 0; i < s->cfg.partition_count; i++) {
		enum sp_model m = s->cfg.partitions[i].model;

		if ((unsigned)m < SP_MODEL_COUNT &&
		    sp_model_rows[m].init != NULL) {
			sp_model_rows[m].init(s, i);
		}
	}
}

void spmc_init(struct spmc *s, const struct spmc_config *cfg,
	       const struct guest_mem *mem, struct findings *findings,
	       struct injector *inj)
{
	memset(s, 0, sizeof(*s));
	s->inj = inj;
	s->cfg = *cfg;
	s->mem = mem;
	s->findings = findings;
	s->version_state = SPMC_VERSION_NONE;
	s->rxtx.rx_owner = SPMC_RX_OWNER_SPMC;
	s->abi_calls = xcalloc(ARRAY_SIZE(ffa_abi_table), sizeof(uint64_t));
	spmc_init_memory_and_notifications(s);
}

void spmc_free(struct spmc *s)
{
	free(s->abi_calls);
	s->abi_calls = NULL;
	for (size_t i = 0; i < SPMC_MAX_PARTITIONS; i++) {
		if (s->test_owned[i]) {
			test_sp_free(s->test[i]);
		}
		s->test[i] = NULL;
		s->test_owned[i] = false;
	}
	ffa_mem_free(s->memory);
	s->memory = NULL;
	ffa_notif_free(s->notif);
	s->notif = NULL;
}

void spmc_observe(struct spmc *s, const struct sw_observer *obs)
{
	s->obs = obs;
}

/*
 * The unmap-at-exit auditor: once ExitBootServices has returned, the
 * caller's RX/TX pair must be gone (U-Boot's FF-A uclass unmaps it in its
 * ExitBootServices notification, drivers/firmware/arm-ffa/arm-ffa-uclass.c,
 * so that the OS can map its own pair).
 */
void spmc_phase_changed(void *ctx, enum lifecycle_phase from,
			enum lifecycle_phase to, enum lifecycle_evidence why)
{
	struct spmc *s = ctx;

	(void)why;
	if (from >= LIFECYCLE_RUNTIME || to < LIFECYCLE_RUNTIME ||
	    !s->cfg.audit_rxtx_unmap_at_exit || !s->rxtx.mapped) {
		return;
	}
	findings_add(s->findings, FINDING_FIRMWARE,
		     "ffa.rxtx-mapped-after-exit-boot-services",
		     "the RX/TX buffers at 0x%llx/0x%llx are still mapped "
		     "after ExitBootServices (FFA_RXTX_UNMAP, so that the OS "
		     "can map its own pair)",
		     (unsigned long long)s->rxtx.tx,
		     (unsigned long long)s->rxtx.rx);
}

/* Tells the observer which buffer a direct request hands over. */
static void announce_doorbell(struct spmc *s, const struct smc_call *call,
			      enum sw_doorbell_edge edge)
{
	struct sw_doorbell d = {.partition = ffa_receiver(call->in.x[1])};
	size_t index;

	if (s->obs == NULL || s->obs->doorbell == NULL) {
		return;
	}
	for (index = 0; index < s->cfg.partition_count; index++) {
		if (s->cfg.partitions[index].id == d.partition &&
		    s->mm[index] != NULL) {
			mm_sp_buffer(s->mm[index], &d.buf_addr, &d.buf_size);
			break;
		}
	}
	s->obs->doorbell(s->obs->ctx, edge, &d);
}

void spmc_attach_mm(struct spmc *s, size_t index, struct mm_sp *mm)
{
	if (index < SPMC_MAX_PARTITIONS) {
		s->mm[index] = mm;
	}
}

void spmc_attach_test_sp(struct spmc *s, size_t index, struct test_sp *sp)
{
	if (index < SPMC_MAX_PARTITIONS) {
		if (s->test_owned[index]) {
			test_sp_free(s->test[index]);
		}
		s->test[index] = sp;
		s->test_owned[index] = false;
	}
}

struct test_sp *spmc_test_sp(const struct spmc *s, size_t index)
{
	return index < SPMC_MAX_PARTITIONS ? s->test[index] : NULL;
}

struct ffa_mem *spmc_memory(const struct spmc *s)
{
	return s->memory;
}

struct ffa_notif *spmc_notifications(const struct spmc *s)
{
	return s->notif;
}

/* --- FFA_VERSION ---------------------------------------------------------- */

/* Compatible iff same major and requested minor <= ours (FF-A v1.2 13.2.1). */
static bool versions_compatible(uint32_t requested, uint32_t own)
{
	return ffa_version_major(requested) == ffa_version_major(own) &&
	       ffa_version_minor(requested) <= ffa_version_minor(own);
}

/*
 * FFA_VERSION (FF-A v1.2 section 13.2; Hafnium api_ffa_version()).
 * Returns in w0 our version, or NOT_SUPPORTED (-1) when bit 31 is set, the
 * requested version is incompatible, or a different version is requested
 * after negotiation.  Not wrapped in FFA_SUCCESS.
 */
static struct smccc_regs ffa_version_handler(struct spmc *s,
					     const struct smccc_regs *in,
					     struct smc_call *call)
{
	uint32_t requested = (uint32_t)in->x[1];
	uint32_t own = s->cfg.max_version;
	char rq[16], ow[16];
	struct smccc_regs not_supported = {
		.x = {smc_ret_code(FFA_RET_NOT_SUPPORTED)}};

	version_text(requested, rq, sizeof(rq));
	version_text(own, ow, sizeof(ow));
	trace_event_field_text(call->event, "requested", rq);
	trace_event_field_text(call->event, "spmc_version", ow);
	if ((requested & FFA_VERSION_MBZ) != 0) {
		findings_add(s->findings, FINDING_FIRMWARE, "ffa.version-mbz",
			     "FFA_VERSION: bit 31 of the requested version "
			     "0x%08x must be zero",
			     requested);
		trace_event_set_summary(call->event, "(0x%08x) -> NOT_SUPPORTED",
					requested);
		return not_supported;
	}
	if (s->version_state == SPMC_VERSION_NEGOTIATED &&
	    requested != s->negotiated_version) {
		char ng[16];

		version_text(s->negotiated_version, ng, sizeof(ng));
		findings_add(s->findings, FINDING_FIRMWARE,
			     "ffa.version-changed-after-negotiation",
			     "FFA_VERSION: asked for v%s after v%s was "
			     "negotiated (other FF-A calls were made)",
			     rq, ng);
		trace_event_set_summary(call->event, "(%s) -> NOT_SUPPORTED "
						     "(already negotiated %s)",
					rq, ng);
		return not_supported;
	}
	if (!versions_compatible(requested, own)) {
		/* A legitimate outcome of negotiation, not a firmware bug. */
		trace_event_set_summary(call->event,
					"(%s) -> NOT_SUPPORTED (SPMC is v%s)",
					rq, ow);
		return not_supported;
	}
	if (s->version_state != SPMC_VERSION_NEGOTIATED) {
		s->negotiated_version = requested;
		s->version_state = SPMC_VERSION_OFFERED;
	}
	trace_event_set_summary(call->event, "(%s) -> %s", rq, ow);
	return (struct smccc_regs){.x = {own}};
}

/* --- Discovery ------------------------------------------------------------ */

/* FFA_ID_GET (FF-A v1.2 section 13.9): w2[15:0] = the caller's ID. */
static struct smccc_regs ffa_id_get_handler(struct spmc *s,
					    const struct smccc_regs *in,
					    struct smc_call *call)
{
	(void)in;
	trace_event_set_summary(call->event, "-> id 0x%04x", s->cfg.nwd_id);
	trace_event_field(call->event, "id", s->cfg.nwd_id);
	return ffa_success(s->cfg.nwd_id, 0);
}

/* FFA_SPM_ID_GET (FF-A v1.2 section 13.10, v1.1+): w2 = the SPMC's ID. */
static struct smccc_regs ffa_spm_id_get_handler(struct spmc *s,
						const struct smccc_regs *in,
						struct smc_call *call)
{
	(void)in;
	trace_event_set_summary(call->event, "-> id 0x%04x", s->cfg.spmc_id);
	trace_event_field(call->event, "id", s->cfg.spmc_id);
	return ffa_success(s->cfg.spmc_id, 0);
}

static bool abi_callable(const struct spmc *s, const struct ffa_abi_desc *d)
{
	return d != NULL && d->handler != NULL && (d->callers & FROM_NWD) &&
	       s->negotiated_version >= d->min_version;
}

bool spmc_features_props(const struct spmc *s, uint32_t fid, uint32_t *w2)
{
	const struct ffa_abi_desc *d = abi_find(fid, NULL);

	if (!abi_callable(s, d)) {
		return false;
	}
	switch (d->props) {
	case PROPS_NONE:
		*w2 = 0;
		break;
	case PROPS_MEMORY:
		(void)ffa_mem_serves(fid, w2);
		break;
	case PROPS_RXTX_BUFFER:
		/* Bits 31:16 (maximum size) exist for v1.2 callers only. */
		*w2 = s->cfg.rxtx_min_size;
		if (s->negotiated_version >= FFA_VERSION_1_2) {
			*w2 |= s->cfg.rxtx_max_pages
			       << FFA_RXTX_MAX_PAGES_SHIFT;
		}
		break;
	}
	return true;
}

/*
 * FFA_FEATURES (FF-A v1.2 section 13.3).  w1 = function ID (bit 31 set) or
 * feature ID; w2 = input properties, meaningful for MEM_RETRIEVE_REQ only
 * (TF-A answers NOT_SUPPORTED when it is set otherwise).  Returns
 * FFA_SUCCESS with w2 = properties, or NOT_SUPPORTED.  No feature IDs
 * (notification or managed-exit interrupts) are modelled.
 */
static struct smccc_regs ffa_features_handler(struct spmc *s,
					      const struct smccc_regs *in,
					      struct smc_call *call)
{
	uint32_t id = (uint32_t)in->x[1];
	uint32_t input_props = (uint32_t)in->x[2];
	const char *name = spmc_function_name(id);
	uint32_t w2;

	trace_event_field_text(call->event, "function",
			       name != NULL ? name : "?");
	trace_event_field(call->event, "id", id);
	if ((id & SMCCC_FAST_CALL) == 0 && input_props == 0 &&
	    s->negotiated_version >= FFA_VERSION_1_1 &&
	    ffa_notif_feature(s->notif, id, &w2)) {
		/* Feature ID 2: the schedule-receiver interrupt's INTID. */
		trace_event_set_summary(call->event, "(feature %u) -> INTID %u",
					id, w2);
		return ffa_success(w2, 0);
	}
	/* Input properties exist for FFA_MEM_RETRIEVE_REQ only (bit 0, NS). */
	if ((id & SMCCC_FAST_CALL) == 0 ||
	    (input_props != 0 &&
	     ((id != FFA_MEM_RETRIEVE_REQ_32 && id != FFA_MEM_RETRIEVE_REQ_64) ||
	      input_props != 1)) ||
	    !spmc_features_props(s, id, &w2)) {
		trace_event_set_summary(call->event, "(%s 0x%08x) -> "
						     "NOT_SUPPORTED",
					name != NULL ? name : "?", id);
		return ffa_error(FFA_RET_NOT_SUPPORTED);
	}
	trace_event_set_summary(call->event, "(%s) -> props 0x%x", name, w2);
	return ffa_success(w2, 0);
}

/* Size in bytes of the minimum buffer granule FFA_FEATURES reports. */
static uint64_t rxtx_granule(const struct spmc *s)
{
	switch (s->cfg.rxtx_min_size) {
	case FFA_RXTX_MIN_64K:
		return 64 * 1024;
	case FFA_RXTX_MIN_16K:
		return 16 * 1024;
	default:
		return 4 * 1024;
	}
}

/*
 * FFA_RXTX_MAP_32/64 (FF-A v1.2 section 13.6).  x1 = TX, x2 = RX, w3[5:0] =
 * pages of 4 KiB.  Returns FFA_SUCCESS_32 (also for the 64-bit call, as
 * TF-A, OP-TEE and Hafnium do, and U-Boot requires), or:
 *   DENIED             a pair is already mapped;
 *   INVALID_PARAMETERS bits above 5 of w3, no pages, too many pages,
 *                      misaligned or overlapping buffers, or an address
 *                      that is not normal-world RAM.
 */
static struct smccc_regs ffa_rxtx_map_handler(struct spmc *s,
					      const struct smccc_regs *in,
					      struct smc_call *call)
{
	uint64_t tx = in->x[1];
	uint64_t rx = in->x[2];
	uint32_t w3 = (uint32_t)in->x[3];
	uint32_t pages = w3 & FFA_RXTX_PAGE_COUNT_MASK;
	uint64_t size = (uint64_t)pages * FFA_PAGE_SIZE;
	uint64_t granule = rxtx_granule(s);
	char msg[256];

	trace_event_set_summary(call->event,
				"(tx=0x%llx rx=0x%llx pages=%u)",
				(unsigned long long)tx, (unsigned long long)rx,
				pages);
	trace_event_field(call->event, "tx", tx);
	trace_event_field(call->event, "rx", rx);
	trace_event_field(call->event, "pages", pages);
	if (s->rxtx.mapped) {
		return firmware_error(s, FFA_RET_DENIED,
				      "ffa.rxtx-already-mapped",
				      "FFA_RXTX_MAP: a buffer pair is already "
				      "mapped (unmap it first)");
	}
	if ((w3 & ~FFA_RXTX_PAGE_COUNT_MASK) != 0 || pages == 0 ||
	    pages > s->cfg.rxtx_max_pages) {
		snprintf(msg, sizeof(msg),
			 "FFA_RXTX_MAP: page count w3=0x%x is invalid "
			 "(1..%u pages in bits 5:0)",
			 w3, s->cfg.rxtx_max_pages);
		return firmware_error(s, FFA_RET_INVALID_PARAMETERS,
				      "ffa.rxtx-bad-page-count", msg);
	}
	if (tx % granule != 0 || rx % granule != 0 || size % granule != 0) {
		snprintf(msg, sizeof(msg),
			 "FFA_RXTX_MAP: buffers must be aligned to and a "
			 "multiple of %llu bytes",
			 (unsigned long long)granule);
		return firmware_error(s, FFA_RET_INVALID_PARAMETERS,
				      "ffa.rxtx-misaligned", msg);
	}
	if ((tx < rx && rx - tx < size) || (rx <= tx && tx - rx < size)) {
		return firmware_error(s, FFA_RET_INVALID_PARAMETERS,
				      "ffa.rxtx-overlap",
				      "FFA_RXTX_MAP: TX and RX buffers overlap");
	}
	if (!guest_mem_is_ram(s->mem, tx, size) ||
	    !guest_mem_is_ram(s->mem, rx, size)) {
		snprintf(msg, sizeof(msg),
			 "FFA_RXTX_MAP: TX 0x%llx or RX 0x%llx (+%llu) is "
			 "not normal-world RAM",
			 (unsigned long long)tx, (unsigned long long)rx,
			 (unsigned long long)size);
		return firmware_error(s, FFA_RET_INVALID_PARAMETERS,
				      "ffa.rxtx-not-ram", msg);
	}
	s->rxtx = (struct spmc_rxtx){
		.mapped = true,
		.tx = tx,
		.rx = rx,
		.page_count = pages,
		.rx_owner = SPMC_RX_OWNER_SPMC,
	};
	return ffa_success(0, 0);
}

/*
 * FFA_RXTX_UNMAP (FF-A v1.2 section 13.7).  w1[31:16] = the endpoint whose
 * pair is unmapped (the caller's own ID), w1[15:0] MBZ.  Returns
 * FFA_SUCCESS, or INVALID_PARAMETERS for another ID or when nothing is
 * mapped.
 */
static struct smccc_regs ffa_rxtx_unmap_handler(struct spmc *s,
						const struct smccc_regs *in,
						struct smc_call *call)
{
	uint32_t w1 = (uint32_t)in->x[1];
	uint16_t id = (uint16_t)(w1 >> 16);

	trace_event_set_summary(call->event, "(id 0x%04x)", id);
	trace_event_field(call->event, "id", id);
	if ((w1 & 0xffffu) != 0 || id != s->cfg.nwd_id) {
		return firmware_error(s, FFA_RET_INVALID_PARAMETERS,
				      "ffa.rxtx-unmap-bad-id",
				      "FFA_RXTX_UNMAP: w1 must be the caller's "
				      "endpoint ID in bits 31:16");
	}
	if (!s->rxtx.mapped) {
		return firmware_error(s, FFA_RET_INVALID_PARAMETERS,
				      "ffa.rxtx-unmap-not-mapped",
				      "FFA_RXTX_UNMAP: no buffer pair is "
				      "mapped");
	}
	memset(&s->rxtx, 0, sizeof(s->rxtx));
	s->rxtx.rx_owner = SPMC_RX_OWNER_SPMC;
	return ffa_success(0, 0);
}

/*
 * FFA_RX_RELEASE (FF-A v1.2 section 13.5).  Returns FFA_SUCCESS and gives
 * the RX buffer back to the SPMC, or DENIED when the caller does not own it
 * (nothing mapped, or already released).
 */
static struct smccc_regs ffa_rx_release_handler(struct spmc *s,
						const struct smccc_regs *in,
						struct smc_call *call)
{
	(void)in;
	if (!s->rxtx.mapped) {
		trace_event_set_summary(call->event, "-> DENIED (not mapped)");
		return firmware_error(s, FFA_RET_DENIED,
				      "ffa.rx-release-not-mapped",
				      "FFA_RX_RELEASE: no RX buffer is mapped");
	}
	if (s->rxtx.rx_owner != SPMC_RX_OWNER_CALLER) {
		trace_event_set_summary(call->event, "-> DENIED (not owned)");
		return firmware_error(s, FFA_RET_DENIED,
				      "ffa.rx-release-not-owned",
				      "FFA_RX_RELEASE: the caller does not own "
				      "its RX buffer (nothing to release)");
	}
	s->rxtx.rx_owner = SPMC_RX_OWNER_SPMC;
	return ffa_success(0, 0);
}

static uint32_t visible_properties(const struct spmc *s, uint32_t props)
{
	if (s->negotiated_version < FFA_VERSION_1_1) {
		return props & FFA_PART_PROP_V1_0_MASK;
	}
	if (s->negotiated_version < FFA_VERSION_1_2) {
		return props & FFA_PART_PROP_V1_1_MASK;
	}
	return props & FFA_PART_PROP_V1_2_MASK;
}

/* Indexes of the partitions a UUID selects (nil: all). */
static size_t match_partitions(const struct spmc *s,
			       const struct ffa_uuid *uuid,
			       size_t idx[SPMC_MAX_PARTITIONS])
{
	size_t n = 0;

	for (size_t i = 0; i < s->cfg.partition_count; i++) {
		if (ffa_uuid_is_nil(uuid) ||
		    ffa_uuid_equal(uuid, &s->cfg.partitions[i].uuid)) {
			idx[n++] = i;
		}
	}
	return n;
}

/*
 * FFA_PARTITION_INFO_GET (FF-A v1.2 section 13.8).  w1..w4 = UUID (nil:
 * all), w5 = flags (bit 0 count only, v1.1+; MBZ for v1.0).  Writes v1.0
 * (8-byte) or v1.1 (24-byte) descriptors into the caller's RX buffer and
 * hands it to the caller.  Returns FFA_SUCCESS w2 = count, w3 = descriptor
 * size (0 for v1.0 and for count-only), or:
 *   INVALID_PARAMETERS unknown UUID, bad flags;
 *   BUSY               RX not mapped, or still owned by the caller;
 *   NO_MEMORY          the descriptors do not fit in RX.
 */
static struct smccc_regs ffa_partition_info_get_handler(
	struct spmc *s, const struct smccc_regs *in, struct smc_call *call)
{
	struct ffa_uuid uuid = {{(uint32_t)in->x[1], (uint32_t)in->x[2],
				 (uint32_t)in->x[3], (uint32_t)in->x[4]}};
	uint32_t flags = (uint32_t)in->x[5];
	bool v1_0 = s->negotiated_version < FFA_VERSION_1_1;
	size_t idx[SPMC_MAX_PARTITIONS];
	size_t count;
	size_t desc_size = v1_0 ? sizeof(struct ffa_partition_info_v1_0)
				: sizeof(struct ffa_partition_info_v1_1);
	uint8_t buf[SPMC_MAX_PARTITIONS * sizeof(struct ffa_partition_info_v1_1)];
	char text[TEXT_GUID_LEN + 1];

	text_format_ffa_uuid(&uuid, text);
	trace_event_field_text(call->event, "uuid", text);
	trace_event_field(call->event, "flags", flags);
	if ((v1_0 && flags != 0) ||
	    (flags & ~FFA_PARTITION_INFO_GET_COUNT_ONLY) != 0) {
		trace_event_set_summary(call->event, "(%s flags=0x%x) -> "
						     "INVALID_PARAMETERS",
					text, flags);
		return firmware_error(s, FFA_RET_INVALID_PARAMETERS,
				      "ffa.partition-info-bad-flags",
				      "FFA_PARTITION_INFO_GET: w5 flags must "
				      "be 0 (v1.0) or only bit 0 (v1.1+)");
	}
	count = match_partitions(s, &uuid, idx);
	if (count == 0) {
		/* Asking for a partition that is not there is not a bug. */
		trace_event_set_summary(call->event, "(%s) -> "
						     "INVALID_PARAMETERS "
						     "(no such partition)",
					text);
		return ffa_error(FFA_RET_INVALID_PARAMETERS);
	}
	if ((flags & FFA_PARTITION_INFO_GET_COUNT_ONLY) != 0) {
		trace_event_set_summary(call->event, "(%s count-only) -> %zu",
					text, count);
		return ffa_success(count, 0);
	}
	if (s->inj != NULL && inject_rx_busy(s->inj) != NULL) {
		if (call->event != NULL) {
			call->event->injected = true;
		}
		trace_event_set_summary(call->event, "(%s) -> BUSY (injected)",
					text);
		return ffa_error(FFA_RET_BUSY);
	}
	if (!s->rxtx.mapped) {
		trace_event_set_summary(call->event, "(%s) -> BUSY (no RX)",
					text);
		return firmware_error(s, FFA_RET_BUSY,
				      "ffa.partition-info-no-rx",
				      "FFA_PARTITION_INFO_GET: no RX buffer is "
				      "mapped");
	}
	if (s->rxtx.rx_owner == SPMC_RX_OWNER_CALLER) {
		trace_event_set_summary(call->event,
					"(%s) -> BUSY (RX not released)", text);
		return firmware_error(s, FFA_RET_BUSY, "ffa.rx-not-released",
				      "FFA_PARTITION_INFO_GET: the RX buffer "
				      "filled by an earlier call was not "
				      "released with FFA_RX_RELEASE");
	}
	if (count * desc_size > (uint64_t)s->rxtx.page_count * FFA_PAGE_SIZE) {
		return ffa_error(FFA_RET_NO_MEMORY);
	}
	memset(buf, 0, sizeof(buf));
	for (size_t i = 0; i < count; i++) {
		const struct spmc_partition_config *p =
			&s->cfg.partitions[idx[i]];
		struct ffa_partition_info_v1_1 d = {
			.id = p->id,
			.exec_ctx_count = p->exec_ctx_count,
			.properties = visible_properties(s, p->properties),
		};

		ffa_uuid_to_bytes(&p->uuid, d.uuid);
		memcpy(buf + i * desc_size, &d, desc_size);
		s->discovered[idx[i]] = true;
	}
	if (!guest_mem_write(s->mem, s->rxtx.rx, buf, count * desc_size)) {
		return ffa_error(FFA_RET_ABORTED); /* RX vanished: see map */
	}
	s->rxtx.rx_owner = SPMC_RX_OWNER_CALLER;
	trace_event_set_summary(call->event, "(%s) -> %zu x %zu bytes", text,
				count, desc_size);
	return ffa_success(count, v1_0 ? 0 : desc_size);
}

/*
 * FFA_PARTITION_INFO_GET_REGS (FF-A v1.2 section 13.9.2, 64-bit only).
 * x1/x2 = UUID halves, x3[15:0] start index, x3[31:16] information tag (no
 * tags are kept: a non-zero tag gets RETRY).  Returns FFA_SUCCESS_64 with
 * x2 = last index | current index << 16 | tag << 32 | size << 48 and up to
 * five descriptors in x3..x17, or INVALID_PARAMETERS.
 */
static struct smccc_regs ffa_partition_info_get_regs_handler(
	struct spmc *s, const struct smccc_regs *in, struct smc_call *call)
{
	struct ffa_uuid uuid = {{(uint32_t)in->x[1],
				 (uint32_t)(in->x[1] >> 32),
				 (uint32_t)in->x[2],
				 (uint32_t)(in->x[2] >> 32)}};
	uint16_t start = (uint16_t)(in->x[3] & 0xffff);
	uint16_t tag = (uint16_t)((in->x[3] >> 16) & 0xffff);
	size_t idx[SPMC_MAX_PARTITIONS];
	size_t count = match_partitions(s, &uuid, idx);
	struct smccc_regs out = {.x = {FFA_SUCCESS_64}};
	size_t n;

	if (tag != 0) {
		return ffa_error(FFA_RET_RETRY);
	}
	if (count == 0 || start >= count || (in->x[3] >> 32) != 0) {
		trace_event_set_summary(call->event, "(start %u) -> "
						     "INVALID_PARAMETERS",
					start);
		return ffa_error(FFA_RET_INVALID_PARAMETERS);
	}
	n = count - start;
	if (n > FFA_PART_INFO_REGS_PER_CALL) {
		n = FFA_PART_INFO_REGS_PER_CALL;
	}
	out.x[2] = (uint64_t)(count - 1) |
		   (uint64_t)(start + n - 1) << 16 |
		   (uint64_t)sizeof(struct ffa_partition_info_v1_1) << 48;
	for (size_t i = 0; i < n; i++) {
		const struct spmc_partition_config *p =
			&s->cfg.partitions[idx[start + i]];

		out.x[3 + 3 * i] =
			(uint64_t)p->id | (uint64_t)p->exec_ctx_count << 16 |
			(uint64_t)visible_properties(s, p->properties) << 32;
		out.x[4 + 3 * i] =
			(uint64_t)p->uuid.w[0] | (uint64_t)p->uuid.w[1] << 32;
		out.x[5 + 3 * i] =
			(uint64_t)p->uuid.w[2] | (uint64_t)p->uuid.w[3] << 32;
		s->discovered[idx[start + i]] = true;
	}
	trace_event_set_summary(call->event, "(start %u) -> %zu of %zu", start,
				n, count);
	return out;
}

/* --- Direct messaging ----------------------------------------------------- */

static const struct spmc_partition_config *find_partition(const struct spmc *s,
							  uint16_t id,
							  size_t *index)
{
	for (size_t i = 0; i < s->cfg.partition_count; i++) {
		if (s->cfg.partitions[i].id == id) {
			*index = i;
			return &s->cfg.partitions[i];
		}
	}
	return NULL;
}

/*
 * Checks sender and receiver of a direct request.  Returns the partition
 * index, or -1 with *err set to the FF-A error to return.
 */
static long check_direct_endpoints(struct spmc *s, const char *abi,
				   uint64_t w1, uint32_t needed_property,
				   struct smccc_regs *err)
{
	uint16_t sender = ffa_sender(w1);
	uint16_t receiver = ffa_receiver(w1);
	const struct spmc_partition_config *p;
	size_t index;
	char msg[256];

	if (sender != s->cfg.nwd_id) {
		snprintf(msg, sizeof(msg),
			 "%s: sender 0x%04x is not the caller's endpoint ID "
			 "0x%04x",
			 abi, sender, s->cfg.nwd_id);
		*err = firmware_error(s, FFA_RET_INVALID_PARAMETERS,
				      "ffa.direct-req-wrong-sender", msg);
		return -1;
	}
	p = find_partition(s, receiver, &index);
	if (p == NULL) {
		snprintf(msg, sizeof(msg), "%s: no partition has ID 0x%04x",
			 abi, receiver);
		*err = firmware_error(s, FFA_RET_INVALID_PARAMETERS,
				      "ffa.direct-req-unknown-partition", msg);
		return -1;
	}
	if ((p->properties & needed_property) == 0) {
		snprintf(msg, sizeof(msg),
			 "%s: partition 0x%04x does not accept this kind of "
			 "direct request (properties 0x%x)",
			 abi, receiver, p->properties);
		*err = firmware_error(s, FFA_RET_INVALID_PARAMETERS,
				      "ffa.direct-req-not-accepted", msg);
		return -1;
	}
	if (!s->discovered[index]) {
		/* Delivered all the same: a real SPMC does not track this. */
		findings_add(s->findings, FINDING_FIRMWARE,
			     "ffa.direct-req-undiscovered",
			     "%s: request to partition 0x%04x, which "
			     "FFA_PARTITION_INFO_GET never reported",
			     abi, receiver);
	}
	return (long)index;
}

/*
 * The MM variable partition (models/mm_sp.c): x3 (w3 for the 32-bit form)
 * is the request's offset in the shared buffer; the MM return code comes
 * back in x3 and x4..x7 are zero, as TS smm-gateway answers.
 */
static int32_t mm_variable_message(struct spmc *s, size_t index, bool is_64,
				   uint64_t *args, size_t count,
				   struct smc_call *call)
{
	int32_t ffa_error = 0;

	if (s->mm[index] == NULL) {
		return FFA_RET_ABORTED; /* configured without a store */
	}
	if (!is_64 && (call->in.x[3] >> 32) != 0) {
		findings_add(s->findings, FINDING_FIRMWARE,
			     "mm.offset-truncated-by-32-bit-request",
			     "FFA_MSG_SEND_DIRECT_REQ_32: the MM offset 0x%llx "
			     "does not fit w3; the partition sees 0x%llx",
			     (unsigned long long)call->in.x[3],
			     (unsigned long long)args[0]);
	}
	args[0] = (uint64_t)mm_sp_doorbell(s->mm[index], args[0], is_64,
					   call->event, &ffa_error);
	if (ffa_error != 0) {
		return ffa_error;
	}
	for (size_t i = 1; i < count; i++) {
		args[i] = 0;
	}
	return 0;
}

/* A partition that answers with the request's payload (unit tests). */
static int32_t echo_message(struct spmc *s, size_t index, bool is_64,
			    uint64_t *args, size_t count, struct smc_call *call)
{
	struct inject_rule *r;

	(void)index;
	(void)is_64;
	(void)args;
	(void)count;
	if (s->inj == NULL) {
		return 0;
	}
	r = inject_ffa_error(s->inj, (uint32_t)call->in.x[0], UINT64_MAX);
	return r != NULL ? (int32_t)r->code : 0;
}

/* The scripted test partition (models/test_sp.c, docs/ffa-memory.md). */
static int32_t test_message(struct spmc *s, size_t index, bool is_64,
			    uint64_t *args, size_t count, struct smc_call *call)
{
	(void)is_64;
	(void)call;
	if (s->test[index] == NULL) {
		return FFA_RET_ABORTED;
	}
	test_sp_direct_req(s->test[index], args, count);
	/* SRIs the partition delayed go out as it returns. */
	ffa_notif_flush_delayed(s->notif);
	return 0;
}

/*
 * Runs the partition's model on payload registers args[0..count).  Returns
 * 0, or an FF-A error code to send back as FFA_ERROR.
 */
static int32_t run_partition(struct spmc *s, size_t index, bool is_64,
			     uint64_t *args, size_t count,
			     struct smc_call *call)
{
	enum sp_model m = s->cfg.partitions[index].model;

	if ((unsigned)m >= SP_MODEL_COUNT) {
		return FFA_RET_ABORTED;
	}
	return sp_model_rows[m].message(s, index, is_64, args, count, call);
}

/*
 * FFA_MSG_SEND_DIRECT_REQ_32/64 (FF-A v1.2 section 15.2).  w1 = sender <<
 * 16 | receiver, w2 = flags (MBZ for partition messages), x3..x7 payload.
 * Returns FFA_MSG_SEND_DIRECT_RESP of the same width with w1 = receiver <<
 * 16 | sender and the partition's x3..x7, or INVALID_PARAMETERS (wrong
 * sender, unknown receiver, flags set).
 */
static struct smccc_regs ffa_direct_req_handler(struct spmc *s,
						const struct smccc_regs *in,
						struct smc_call *call)
{
	bool is_64 = smccc_is_64((uint32_t)in->x[0]);
	const char *abi = is_64 ? "FFA_MSG_SEND_DIRECT_REQ_64"
				: "FFA_MSG_SEND_DIRECT_REQ_32";
	uint32_t flags = (uint32_t)in->x[2];
	struct smccc_regs out;
	uint64_t args[5];
	long index;
	int32_t rc;

	trace_event_set_summary(call->event, "0x%04x -> 0x%04x x3=0x%llx",
				ffa_sender(in->x[1]), ffa_receiver(in->x[1]),
				(unsigned long long)in->x[3]);
	trace_event_field(call->event, "sender", ffa_sender(in->x[1]));
	trace_event_field(call->event, "receiver", ffa_receiver(in->x[1]));
	trace_event_field(call->event, "x3", in->x[3]);
	if (flags != 0) {
		return firmware_error(
			s, FFA_RET_INVALID_PARAMETERS, "ffa.direct-req-flags",
			(flags & FFA_MSG_FLAG_FRAMEWORK) != 0
				? "FFA_MSG_SEND_DIRECT_REQ: framework messages "
				  "cannot be sent by the normal world"
				: "FFA_MSG_SEND_DIRECT_REQ: w2 flags must be "
				  "zero");
	}
	index = check_direct_endpoints(s, abi, in->x[1],
				       FFA_PART_PROP_DIRECT_REQ_RECV, &out);
	if (index < 0) {
		return out;
	}
	for (size_t i = 0; i < 5; i++) {
		args[i] = in->x[3 + i];
	}
	rc = run_partition(s, (size_t)index, is_64, args, 5, call);
	if (rc != 0) {
		return ffa_error(rc);
	}
	out = (struct smccc_regs){
		.x = {is_64 ? FFA_MSG_SEND_DIRECT_RESP_64
			    : FFA_MSG_SEND_DIRECT_RESP_32,
		      ffa_endpoints(ffa_receiver(in->x[1]),
				    ffa_sender(in->x[1])),
		      0},
	};
	for (size_t i = 0; i < 5; i++) {
		out.x[3 + i] = is_64 ? args[i] : (uint32_t)args[i];
	}
	return out;
}

/*
 * FFA_MSG_SEND_DIRECT_REQ2 (FF-A v1.2 section 15.4, 64-bit only).  x2/x3 =
 * the target service UUID (nil allowed), x4..x17 payload.  Returns
 * FFA_MSG_SEND_DIRECT_RESP2 with the partition's x4..x17, or
 * INVALID_PARAMETERS (also when the partition lacks property bit 9 or the
 * UUID names another service).
 */
static struct smccc_regs ffa_direct_req2_handler(struct spmc *s,
						 const struct smccc_regs *in,
						 struct smc_call *call)
{
	struct ffa_uuid uuid = {{(uint32_t)in->x[2],
				 (uint32_t)(in->x[2] >> 32),
				 (uint32_t)in->x[3],
				 (uint32_t)(in->x[3] >> 32)}};
	struct smccc_regs out;
	uint64_t args[14];
	long index;
	int32_t rc;

	trace_event_set_summary(call->event, "0x%04x -> 0x%04x",
				ffa_sender(in->x[1]), ffa_receiver(in->x[1]));
	trace_event_field(call->event, "sender", ffa_sender(in->x[1]));
	trace_event_field(call->event, "receiver", ffa_receiver(in->x[1]));
	index = check_direct_endpoints(s, "FFA_MSG_SEND_DIRECT_REQ2",
				       in->x[1], FFA_PART_PROP_DIRECT_REQ2_RECV,
				       &out);
	if (index < 0) {
		return out;
	}
	if (!ffa_uuid_is_nil(&uuid) &&
	    !ffa_uuid_equal(&uuid, &s->cfg.partitions[index].uuid)) {
		return firmware_error(s, FFA_RET_INVALID_PARAMETERS,
				      "ffa.direct-req2-bad-uuid",
				      "FFA_MSG_SEND_DIRECT_REQ2: the partition "
				      "does not implement that service UUID");
	}
	for (size_t i = 0; i < 14; i++) {
		args[i] = in->x[4 + i];
	}
	rc = run_partition(s, (size_t)index, true, args, 14, call);
	if (rc != 0) {
		return ffa_error(rc);
	}
	out = (struct smccc_regs){
		.x = {FFA_MSG_SEND_DIRECT_RESP2,
		      ffa_endpoints(ffa_receiver(in->x[1]),
				    ffa_sender(in->x[1]))},
	};
	for (size_t i = 0; i < 14; i++) {
		out.x[4 + i] = args[i];
	}
	return out;
}

/* --- Memory management and notifications ------------------------------- */

/*
 * FFA_MEM_* (FF-A v1.2 chapter 17): models/ffa_mem.c with the caller's
 * negotiated version (descriptor layout) and RX/TX pair.  A retrieve
 * response or fragment hands RX to the caller, who must release it.
 */
static struct smccc_regs ffa_mem_handler(struct spmc *s,
					 const struct smccc_regs *in,
					 struct smc_call *call)
{
	struct ffa_mem_mailbox mb = {
		.mapped = s->rxtx.mapped,
		.tx = s->rxtx.tx,
		.rx = s->rxtx.rx,
		.size = s->rxtx.page_count * FFA_PAGE_SIZE,
		.rx_busy = s->rxtx.rx_owner == SPMC_RX_OWNER_CALLER,
	};
	struct ffa_mem_caller c = {
		.id = s->cfg.nwd_id,
		.version = s->negotiated_version,
		.mb = &mb,
	};
	struct smccc_regs out;

	ffa_mem_call(s->memory, &c, in, &out);
	if (mb.rx_filled) {
		s->rxtx.rx_owner = SPMC_RX_OWNER_CALLER;
	}
	if (out.x[0] != FFA_ERROR) {
		trace_event_set_summary(call->event,
					"(w1=0x%llx w2=0x%llx) -> w1=0x%llx "
					"w2=0x%llx w3=0x%llx",
					(unsigned long long)in->x[1],
					(unsigned long long)in->x[2],
					(unsigned long long)out.x[1],
					(unsigned long long)out.x[2],
					(unsigned long long)out.x[3]);
	}
	return out;
}

/* FFA_NOTIFICATION_* (FF-A v1.1+): models/ffa_notif.c. */
static struct smccc_regs ffa_notif_handler(struct spmc *s,
					   const struct smccc_regs *in,
					   struct smc_call *call)
{
	struct smccc_regs out;

	(void)call;
	ffa_notif_call(s->notif, s->cfg.nwd_id, in, &out);
	return out;
}

/* --- Dispatch ------------------------------------------------------------- */

static void finish(struct smc_call *call, const struct smccc_regs *out)
{
	uint64_t x0 = out->x[0];
	/* SMC32 results are w0..w7; x8..x17 stay preserved (SMCCC 1.2). */
	size_t count =
		smccc_is_64((uint32_t)call->in.x[0]) ? SMCCC_REG_COUNT : 8;

	memcpy(call->out.x, out->x, count * sizeof(out->x[0]));
	if (x0 == FFA_ERROR ||
	    ((uint32_t)call->in.x[0] == FFA_VERSION &&
	     (uint32_t)x0 == (uint32_t)FFA_RET_NOT_SUPPORTED)) {
		call->disposition = SMC_DISP_ERROR;
		if (x0 == FFA_ERROR && call->event != NULL &&
		    call->event->summary == NULL) {
			const char *n = ffa_error_name((int32_t)out->x[2]);
			trace_event_set_summary(call->event, "-> FFA_ERROR(%s)",
						n != NULL ? n : "?");
		}
	} else {
		call->disposition = SMC_DISP_OK;
	}
}

/* Doorbells are injected by the partition, which knows the MM function. */
static bool is_direct_request(uint32_t fid)
{
	return fid == FFA_MSG_SEND_DIRECT_REQ_32 ||
	       fid == FFA_MSG_SEND_DIRECT_REQ_64 ||
	       fid == FFA_MSG_SEND_DIRECT_REQ2;
}

static void handle_call(struct spmc *s, struct smc_call *call);

/*
 * The call marked the schedule-receiver interrupt pending (a SET, or a
 * direct request during which a partition set one): the event says so,
 * whether or not a backend delivers the interrupt (the Unicorn backend
 * has no interrupt controller), so that a scenario can expect it.
 */
static void note_sri(struct spmc *s, struct smc_call *call,
		     uint64_t sri_before)
{
	uint32_t intid = 0;

	if (ffa_notif_sri_count(s->notif) == sri_before ||
	    !ffa_notif_feature(s->notif, FFA_FEATURE_SRI, &intid)) {
		return;
	}
	trace_event_field(call->event, "sri", intid);
	if (call->event != NULL) {
		const char *was = call->event->summary;

		/* Formatted before the old summary is freed. */
		trace_event_set_summary(call->event, "%s%sSRI %u pending",
					was != NULL ? was : "",
					was != NULL ? "; " : "", intid);
	}
}

void spmc_handle(struct spmc *s, struct smc_call *call)
{
	bool doorbell = is_direct_request((uint32_t)call->in.x[0]);
	uint64_t sri_before = ffa_notif_sri_count(s->notif);

	if (doorbell) {
		announce_doorbell(s, call, SW_DOORBELL_BEGIN);
	}
	handle_call(s, call);
	if (doorbell) {
		announce_doorbell(s, call, SW_DOORBELL_END);
	}
	note_sri(s, call, sri_before);
}

static void handle_call(struct spmc *s, struct smc_call *call)
{
	if (call->event != NULL) {
		/* Every caller here is the normal world's one endpoint. */
		call->event->has_endpoint = true;
		call->event->endpoint = s->cfg.nwd_id;
	}
	uint32_t fid = (uint32_t)call->in.x[0];
	struct smccc_regs in = call->in;
	const struct ffa_abi_desc *d;
	struct smccc_regs out;
	size_t index;
	char msg[256];

	d = abi_find(fid, &index);
	if (d == NULL) {
		call->name = "FFA_UNKNOWN";
		findings_add(s->findings, FINDING_UNIMPLEMENTED,
			     "model.unimplemented-smc",
			     "FF-A function 0x%08x is not known to the model",
			     fid);
		out = ffa_error(FFA_RET_NOT_SUPPORTED);
		finish(call, &out);
		call->disposition = SMC_DISP_UNIMPLEMENTED;
		return;
	}
	call->name = d->name;
	s->abi_calls[index]++;
	if (!smccc_is_64(fid)) {
		for (size_t i = 1; i < 8; i++) {
			in.x[i] &= UINT32_MAX;
		}
	}
	if ((d->callers & FROM_NWD) == 0) {
		snprintf(msg, sizeof(msg),
			 "%s may only be called by the secure world", d->name);
		out = firmware_error(s, FFA_RET_NOT_SUPPORTED,
				     "ffa.secure-only-abi", msg);
		finish(call, &out);
		return;
	}
	if (fid != FFA_VERSION) {
		if (s->version_state == SPMC_VERSION_NONE) {
			snprintf(msg, sizeof(msg),
				 "%s called before FFA_VERSION", d->name);
			out = firmware_error(s, FFA_RET_INVALID_PARAMETERS,
					     "ffa.call-before-version", msg);
			finish(call, &out);
			return;
		}
		s->version_state = SPMC_VERSION_NEGOTIATED;
		if (s->negotiated_version < d->min_version) {
			snprintf(msg, sizeof(msg),
				 "%s needs FF-A v%u.%u but v%u.%u was "
				 "negotiated",
				 d->name, ffa_version_major(d->min_version),
				 ffa_version_minor(d->min_version),
				 ffa_version_major(s->negotiated_version),
				 ffa_version_minor(s->negotiated_version));
			out = firmware_error(s, FFA_RET_NOT_SUPPORTED,
					     "ffa.abi-newer-than-negotiated",
					     msg);
			finish(call, &out);
			return;
		}
	}
	for (unsigned i = 1; i < 8; i++) {
		if ((d->mbz & (1u << i)) != 0 && in.x[i] != 0) {
			snprintf(msg, sizeof(msg),
				 "%s: x%u = 0x%llx must be zero", d->name, i,
				 (unsigned long long)in.x[i]);
			out = firmware_error(s, FFA_RET_INVALID_PARAMETERS,
					     "ffa.mbz-not-zero", msg);
			if (fid == FFA_VERSION) {
				/* No FFA_ERROR form: w0 only (ref. 2.4). */
				out = (struct smccc_regs){.x = {smc_ret_code(
					FFA_RET_NOT_SUPPORTED)}};
			}
			finish(call, &out);
			return;
		}
	}
	if (d->handler == NULL) {
		findings_add(s->findings, FINDING_UNIMPLEMENTED,
			     "model.unimplemented-smc",
			     "%s is not implemented by the model", d->name);
		out = ffa_error(FFA_RET_NOT_SUPPORTED);
		finish(call, &out);
		call->disposition = SMC_DISP_UNIMPLEMENTED;
		return;
	}
	if (s->inj != NULL && !is_direct_request(fid)) {
		struct inject_rule *r = inject_ffa_error(s->inj, fid, UINT64_MAX);

		if (r != NULL) {
			if (call->event != NULL) {
				call->event->injected = true;
			}
			/* FFA_VERSION answers in w0, never with FFA_ERROR. */
			out = fid == FFA_VERSION
				      ? (struct smccc_regs){.x = {smc_ret_code(
						(int32_t)r->code)}}
				      : ffa_error((int32_t)r->code);
			finish(call, &out);
			return;
		}
	}
	out = d->handler(s, &in, call);
	finish(call, &out);
}

/* --- Introspection -------------------------------------------------------- */

const char *spmc_function_name(uint32_t fid)
{
	const struct ffa_abi_desc *d = abi_find(fid, NULL);

	return d != NULL ? d->name : NULL;
}

size_t spmc_abi_count(void)
{
	return ARRAY_SIZE(ffa_abi_table);
}

uint32_t spmc_abi_fid(size_t index)
{
	return index < ARRAY_SIZE(ffa_abi_table) ? ffa_abi_table[index].fid
						 : 0;
}

bool spmc_abi_implemented(size_t index)
{
	return index < ARRAY_SIZE(ffa_abi_table) &&
	       ffa_abi_table[index].handler != NULL &&
	       (ffa_abi_table[index].callers & FROM_NWD) != 0;
}

uint64_t spmc_abi_calls(const struct spmc *s, size_t index)
{
	return index < ARRAY_SIZE(ffa_abi_table) ? s->abi_calls[index] : 0;
}
