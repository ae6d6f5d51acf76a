/*
 * OP-TEE as the normal world sees it through the trusted-OS SMC range
 * (owner 50 and 63): the SMC ABI U-Boot's drivers/tee/optee and Linux's
 * drivers/tee/optee/smc_abi.c (6.12) use, the message protocol of
 * struct optee_msg_arg, sessions, registered shared memory, RPC round
 * trips, and two pseudo-TAs: device enumeration (so that Linux's TEE bus
 * binds tee_stmm_efi) and StMM, whose communicate command hands its
 * memory reference to the MM partition (models/mm_sp.h) in front of the
 * same variable store as the FF-A route.
 *
 * Interface: the SMC router calls optee_handle() for every function ID of
 * owners 50 and 63, fast and yielding.  Guest memory is reached only
 * through models/guest_mem.h; registered shared memory is read through
 * its page list, never assumed contiguous.
 *
 * What a real OP-TEE answers is the reference: OP-TEE core/tee/
 * entry_std.c, core/arch/arm/kernel/thread_optee_smc.c, entry_fast.c,
 * core/pta/device.c, stmm_sp.c.  Every malformed argument gets that
 * answer and, when it is the firmware's fault, an `optee.*` firmware
 * finding with the argument's bytes.  docs/optee.md lists what is not
 * modelled (async notifications, the supplicant, fragments, more than one
 * suspended call).
 */
#ifndef MODELS_OPTEE_H
#define MODELS_OPTEE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/finding.h"
#include "models/guest_mem.h"
#include "models/inject.h"
#include "models/lifecycle.h"
#include "models/mm_sp.h"
#include "models/smc_call.h"

/* Model limits (a real OP-TEE has its own, none of which a client sees). */
#define OPTEE_MAX_SESSIONS 32
#define OPTEE_MAX_SHM 64
#define OPTEE_MAX_SHM_PAGES 4096u /* 16 MiB per registration */
/*
 * Parameters one message may carry: 2 meta + TEE_NUM_PARAMS (4), what
 * OPEN_SESSION needs and what Linux sends at most (MAX_ARG_PARAM_COUNT).
 * More is EBADADDR, as OP-TEE's get_msg_arg() answers above its maximum.
 */
#define OPTEE_MSG_MAX_PARAMS 6u
#define OPTEE_TA_PARAMS 4u

struct optee_config {
	uint32_t sec_caps;       /* EXCHANGE_CAPABILITIES a1 */
	uint8_t rpc_param_count; /* a3 when SEC_CAP_RPC_ARG is set */
	uint32_t thread_count;   /* GET_THREAD_COUNT a1 */
	/* A reserved shared-memory pool (GET_SHM_CONFIG); size 0: none. */
	uint64_t reserved_shm_addr;
	uint64_t reserved_shm_size;
	/*
	 * Where device enumeration lists StMM: PTA_CMD_GET_DEVICES (no
	 * tee-supplicant needed, the default) or, as a real OP-TEE with
	 * CFG_REE_FS does, only PTA_CMD_GET_DEVICES_SUPP.  Never both: Linux
	 * fails on a duplicate device.
	 */
	bool stmm_listed_with_supplicant;
	uint32_t os_revision_major;
	uint32_t os_revision_minor;
};

struct optee;

/* What a real OP-TEE 4.x advertises: dynamic shm, NULL memrefs, RPC arg. */
void optee_config_default(struct optee_config *cfg);

/*
 * mm may be NULL: there is no StMM pseudo-TA then.  inj may be NULL (no
 * fault injection).  mem is the point-of-coherency view of guest RAM.
 */
struct optee *optee_new(const struct optee_config *cfg,
			const struct guest_mem *mem, struct findings *findings,
			struct injector *inj, struct mm_sp *mm);
void optee_free(struct optee *op);

/* One SMC of owner 50 or 63 (fast or yielding). */
void optee_handle(struct optee *op, struct smc_call *call);

/* True for function IDs this model answers (owner 50 or 63). */
bool optee_is_function(uint32_t fid);
/* Names from the SMC table ("OPTEE_SMC_CALL_WITH_ARG"), or NULL. */
const char *optee_function_name(uint32_t fid);
size_t optee_abi_count(void);
uint32_t optee_abi_fid(size_t index);
/* "OPEN_SESSION" ... from the message table, or NULL. */
const char *optee_cmd_name(uint32_t cmd);
/* "TEEC_ERROR_BAD_PARAMETERS" ..., or NULL. */
const char *optee_result_name(uint32_t code);
/*
 * The parsers scenarios use: a name of the table or a number (decimal or
 * 0x hex, 32 bits).  Message commands by name only ("OPEN_SESSION").
 */
bool optee_result_parse(const char *s, uint32_t *out);
/* "OPTEE_SMC_RETURN_EBUSY", "OPTEE_SMC_RETURN_RPC_CMD" ..., or NULL. */
const char *optee_smc_return_name(uint32_t a0);
bool optee_smc_return_parse(const char *s, uint32_t *out);
bool optee_cmd_parse(const char *s, uint32_t *out);

/* Read-only introspection for tests and scenarios. */
bool optee_capabilities_exchanged(const struct optee *op);
size_t optee_session_count(const struct optee *op);
size_t optee_shm_count(const struct optee *op);
bool optee_rpc_pending(const struct optee *op);

/*
 * The "released" audit: one firmware finding for each session still open
 * (optee.session-left-open) and each registration still held
 * (optee.shm-left-registered), at a point where the caller knows the
 * firmware should have released everything (`when`: "exit boot
 * services", "end of run").  A session or registration is named once
 * over all audits.  Returns how many were found.
 */
size_t optee_audit_released(struct optee *op, const char *when);

/*
 * Where the lifecycle says (wired by models/secure_world.c): the phase
 * each session and registration is opened in is kept, and when
 * ExitBootServices has returned (the runtime phase) everything still held
 * is audited: the boot firmware has handed over and the OS has not begun
 * (U-Boot's efi_variable_tee.c opens, registers, unregisters and closes
 * around every request).
 */
void optee_set_lifecycle(struct optee *op, const struct lifecycle *lc);
void optee_phase_changed(void *ctx, enum lifecycle_phase from,
			 enum lifecycle_phase to, enum lifecycle_evidence why);
/*
 * At the end of a run that ended normally: only what was opened before
 * ExitBootServices began and is still held, because a run may end
 * without the runtime phase being seen (the firmware powered off at its
 * prompt; the QEMU backend has no watch of ExitBootServices' return),
 * while an OS legitimately holds its session to the end (Linux's
 * tee_stmm_efi keeps one for the module's life).  Returns how many.
 */
size_t optee_audit_end_of_run(struct optee *op);

#endif /* MODELS_OPTEE_H */
