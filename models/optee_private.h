/*
 * Private to the OP-TEE model (models/optee.c, optee_param.c,
 * optee_pta.c), split by concern as TF-A splits its EL3 SPMC: the state,
 * one message being served, and the helpers the three files share.
 * Nothing outside these files includes it.
 */
#ifndef MODELS_OPTEE_PRIVATE_H
#define MODELS_OPTEE_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include "abi/optee.h"
#include "common/finding.h"
#include "models/guest_mem.h"
#include "models/lifecycle.h"
#include "models/optee.h"
#include "models/smc_call.h"

#define PAGE_SIZE 4096u
#define PAGE_MASK UINT64_C(0xfff)
#define RPC_ARG_PARAMS 4u /* OP-TEE THREAD_RPC_MAX_NUM_PARAMS */

/* One registration (REGISTER_SHM) or a temporary NONCONTIG memref. */
struct optee_shm {
	bool used;
	uint64_t cookie;
	uint64_t pgoff; /* offset of byte 0 in the first page */
	uint64_t size;
	uint64_t page_count;
	uint64_t *pages;
	/* For the released audit (optee.c): when it was registered, and
	 * whether a finding already names it. */
	enum lifecycle_phase opened_in;
	bool reported;
};

/* A guest_mem whose address 0 is byte 0 of a registration. */
struct shm_view {
	const struct optee *op;
	const struct optee_shm *shm;
	struct guest_mem mem;
};

struct optee_session {
	bool used;
	uint32_t id;
	const struct optee_pta *pta;
	enum lifecycle_phase opened_in;
	bool reported;
};

enum rpc_stage {
	RPC_IDLE,
	RPC_WAIT_FOREIGN_INTR,
	RPC_WAIT_ALLOC,
	RPC_WAIT_CMD,
	RPC_WAIT_FREE,
};

/* The one suspended call and where its RPC round trip stands. */
struct optee_rpc {
	enum rpc_stage stage;
	uint32_t thread; /* the a3 token RETURN_FROM_RPC must echo */
	uint32_t regs[4]; /* fid, a1, a2, a3 of the suspended call */
	bool via_rpc_arg; /* RPC_CMD in the call's own RPC argument */
	uint64_t pa, cookie;
	uint32_t fail_ret; /* nonzero: end the call with this ret */
};

struct optee {
	struct optee_config cfg;
	const struct guest_mem *mem;
	struct findings *findings;
	struct injector *inj;
	struct mm_sp *mm;
	const struct lifecycle *lifecycle; /* NULL: always boot */
	bool caps_exchanged;
	bool warned_before_caps;
	uint32_t nsec_caps;
	uint32_t next_session;
	uint32_t next_thread;
	struct optee_session sessions[OPTEE_MAX_SESSIONS];
	struct optee_shm shm[OPTEE_MAX_SHM];
	struct optee_rpc rpc;
};

/* A memory reference as a pseudo-TA sees it. */
struct memref {
	bool null;
	const struct guest_mem *mem;
	uint64_t addr;
	uint64_t size;
};

/* TEE_PARAM_TYPE_* (GlobalPlatform TEE Internal Core API). */
enum ta_type {
	TA_NONE,
	TA_VALUE_IN,
	TA_VALUE_OUT,
	TA_VALUE_INOUT,
	TA_MEMREF_IN = 5,
	TA_MEMREF_OUT,
	TA_MEMREF_INOUT,
};

struct ta_param {
	enum ta_type type;
	uint32_t a, b; /* OP-TEE's param_val holds u32 values */
	struct memref ref;
	struct shm_view view;
	struct optee_shm temp; /* a TMEM NONCONTIG list, this call only */
};

/* One message being served: the host copy and where it came from. */
struct msg_call {
	struct optee *op;
	struct smc_call *smc;
	uint32_t fid;
	const struct guest_mem *mem; /* the view the arg lives in */
	uint64_t addr;
	struct shm_view arg_view; /* for CALL_WITH_REGD_ARG */
	bool has_rpc_arg;
	uint64_t rpc_addr;
	struct optee_msg_arg hdr;
	struct optee_msg_param params[OPTEE_MSG_MAX_PARAMS];
	uint32_t num_params;
	struct ta_param ta[OPTEE_TA_PARAMS];
	uint32_t ta_count;
	uint64_t mm_function;
	bool mm_served;
};

typedef uint32_t pta_invoke_fn(struct msg_call *mc, uint32_t func,
			       uint32_t *origin);
typedef uint32_t pta_open_fn(struct msg_call *mc);

struct optee_pta {
	const char *name;
	uint8_t uuid[16];
	pta_open_fn *open;     /* NULL: any parameters */
	pta_invoke_fn *invoke;
	bool serves_mm;         /* needs the MM partition */
};


static inline uint64_t reg_pair(uint32_t high, uint32_t low)
{
	return (uint64_t)high << 32 | low;
}

static inline uint32_t arg32(const struct smc_call *call, unsigned int n)
{
	return (uint32_t)call->in.x[n]; /* SMC32: the upper halves are ignored */
}

/* Zero-extended 32-bit results (Linux compares whole registers). */
static inline void set_result(struct smc_call *call, uint32_t a0, uint32_t a1,
		       uint32_t a2, uint32_t a3)
{
	call->out.x[0] = a0;
	call->out.x[1] = a1;
	call->out.x[2] = a2;
	call->out.x[3] = a3;
}

/* --- optee_param.c: registered memory and parameters ------------------ */

/* A finding about the message mc holds, with its bytes as detail. */
struct finding *optee_msg_finding(struct msg_call *mc, enum finding_kind kind,
				  const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
bool optee_shm_span_ok(const struct optee_shm *shm, uint64_t off,
		       uint64_t len);
void optee_view_init(struct shm_view *v, const struct optee *op,
		     const struct optee_shm *shm);
struct optee_shm *optee_shm_find(struct optee *op, uint64_t cookie);
void optee_shm_release(struct optee_shm *shm);
bool optee_read_page_list(struct msg_call *mc, uint64_t buf_ptr,
			  uint64_t size, struct optee_shm *shm);
bool optee_in_reserved_shm(const struct optee *op, uint64_t pa,
			   uint64_t len);
uint32_t optee_copy_in_params(struct msg_call *mc, unsigned int first);
void optee_copy_out_params(struct msg_call *mc, unsigned int first);
void optee_release_params(struct msg_call *mc);
bool optee_types_are(const struct msg_call *mc, const enum ta_type want[4]);
bool optee_truncate_output(struct msg_call *mc, struct ta_param *tp);

/* --- optee_pta.c: the pseudo-TAs --------------------------------------- */

/* The pseudo-TA with these UUID octets, or NULL. */
const struct optee_pta *optee_pta_find(const struct optee *op,
				       const uint8_t uuid[16]);
/* The MM function in a StMM request's buffer, or UINT64_MAX. */
uint64_t optee_peek_mm_function(const struct msg_call *mc);

#endif /* MODELS_OPTEE_PRIVATE_H */
