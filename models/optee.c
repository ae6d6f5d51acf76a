/*
 * The OP-TEE model (models/optee.h).  Three tables drive it: SMC function
 * IDs (smc_table), message commands (cmd_table) and pseudo-TAs
 * (pta_table).  Facts are from Linux 6.12 drivers/tee/optee/{optee_smc.h,
 * optee_msg.h,smc_abi.c,call.c}, U-Boot drivers/tee/optee/core.c and
 * OP-TEE core/arch/arm/kernel/thread_optee_smc.c (std_entry_with_parg(),
 * std_entry_with_regd_arg(), get_msg_arg()), core/tee/entry_std.c
 * (copy_in_params(), set_tmem_param(), set_rmem_param(),
 * get_open_session_meta(), entry_*()), core/tee/entry_fast.c,
 * core/pta/device.c and core/arch/arm/kernel/stmm_sp.c.
 *
 * Invariants: a message is read once into a host copy (struct msg_call),
 * decoded from the copy, and written back once; the firmware's bytes are
 * never trusted twice.  Registered memory is reached through its page
 * list (struct shm_view), so a buffer is never assumed contiguous.  Calls
 * run to completion unless an injected RPC suspends one; then exactly one
 * call waits for OPTEE_SMC_RETURN_FROM_RPC with the token in a3 (both
 * drivers echo only a0..a3).
 */
#include "models/optee.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/smccc.h"
#include "models/optee_private.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The lifecycle phase now (boot without a lifecycle). */
static enum lifecycle_phase current_phase(const struct optee *op)
{
	return op->lifecycle != NULL ? op->lifecycle->phase : LIFECYCLE_BOOT;
}

/* --- Sessions --------------------------------------------------------- */

static struct optee_session *session_find(struct optee *op, uint32_t id)
{
	for (size_t i = 0; i < OPTEE_MAX_SESSIONS; i++) {
		if (op->sessions[i].used && op->sessions[i].id == id) {
			return &op->sessions[i];
		}
	}
	return NULL;
}

static struct optee_session *session_new(struct optee *op,
					 const struct optee_pta *pta)
{
	for (size_t i = 0; i < OPTEE_MAX_SESSIONS; i++) {
		struct optee_session *s = &op->sessions[i];

		if (!s->used) {
			do {
				s->id = op->next_session++;
			} while (s->id == 0 || session_find(op, s->id) != NULL);
			s->used = true;
			s->pta = pta;
			s->opened_in = current_phase(op);
			s->reported = false;
			return s;
		}
	}
	return NULL;
}

static void session_not_open(struct msg_call *mc)
{
	optee_msg_finding(mc, FINDING_FIRMWARE, "optee.session-not-open",
		    "%s on session %u, which is not open",
		    optee_cmd_name(mc->hdr.cmd), mc->hdr.session);
}

/* --- Message commands (entry_std.c) ----------------------------------- */

typedef uint32_t msg_cmd_fn(struct msg_call *mc);

/*
 * get_open_session_meta(): two VALUE_INPUT|META params, the TA UUID as
 * octets in the first, the login in the second's c.
 */
static uint32_t cmd_open_session(struct msg_call *mc)
{
	const uint64_t meta = OPTEE_MSG_ATTR_META |
			      OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	const struct optee_pta *pta;
	struct optee_session *s;
	uint8_t uuid[16];
	uint64_t login;
	uint32_t res;

	mc->hdr.session = 0;
	mc->hdr.ret_origin = TEEC_ORIGIN_TEE;
	if (mc->num_params < 2 || mc->params[0].attr != meta ||
	    mc->params[1].attr != meta) {
		optee_msg_finding(mc, FINDING_FIRMWARE, "optee.open-session-bad-meta",
			    "OPEN_SESSION without its two VALUE_INPUT|META "
			    "parameters (attr 0x101)");
		return TEEC_ERROR_BAD_PARAMETERS;
	}
	login = mc->params[1].u[2];
	if (login > 6 || login == 3) {
		if (login != OPTEE_MSG_LOGIN_REE_KERNEL) {
			optee_msg_finding(mc, FINDING_FIRMWARE,
				    "optee.open-session-bad-login",
				    "OPEN_SESSION login class 0x%llx",
				    (unsigned long long)login);
			return TEEC_ERROR_BAD_PARAMETERS;
		}
	}
	res = optee_copy_in_params(mc, 2);
	if (res != TEEC_SUCCESS) {
		return res;
	}
	memcpy(uuid, &mc->params[0].u[0], sizeof(uuid));
	pta = optee_pta_find(mc->op, uuid);
	if (pta == NULL) {
		char text[40];

		snprintf(text, sizeof(text),
			 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
			 "%02x%02x%02x%02x%02x%02x",
			 uuid[0], uuid[1], uuid[2], uuid[3], uuid[4], uuid[5],
			 uuid[6], uuid[7], uuid[8], uuid[9], uuid[10],
			 uuid[11], uuid[12], uuid[13], uuid[14], uuid[15]);
		findings_add(mc->op->findings, FINDING_UNIMPLEMENTED,
			     "optee.ta-not-modelled",
			     "OP-TEE OPEN_SESSION to TA %s, which the model "
			     "does not have",
			     text);
		return TEEC_ERROR_ITEM_NOT_FOUND;
	}
	if (pta->open != NULL) {
		res = pta->open(mc);
		if (res != TEEC_SUCCESS) {
			optee_msg_finding(mc, FINDING_FIRMWARE,
				    "optee.pta-param-types",
				    "OPEN_SESSION to %s with parameters it "
				    "does not take",
				    pta->name);
			mc->hdr.ret_origin = TEEC_ORIGIN_TRUSTED_APP;
			return res;
		}
	}
	s = session_new(mc->op, pta);
	if (s == NULL) {
		findings_add(mc->op->findings, FINDING_WARNING,
			     "optee.session-table-full",
			     "OP-TEE: %d sessions open; sessions are not being "
			     "closed",
			     OPTEE_MAX_SESSIONS);
		return TEEC_ERROR_OUT_OF_MEMORY;
	}
	mc->hdr.session = s->id;
	optee_copy_out_params(mc, 2);
	return TEEC_SUCCESS;
}

static uint32_t cmd_invoke(struct msg_call *mc)
{
	struct optee_session *s;
	struct inject_rule *rule = NULL;
	uint32_t res, origin = TEEC_ORIGIN_TEE;

	mc->hdr.ret_origin = TEEC_ORIGIN_TEE;
	res = optee_copy_in_params(mc, 0);
	if (res != TEEC_SUCCESS) {
		return res;
	}
	s = session_find(mc->op, mc->hdr.session);
	if (s == NULL) {
		session_not_open(mc);
		return TEEC_ERROR_BAD_PARAMETERS;
	}
	if (s->pta->serves_mm) {
		mc->mm_function = optee_peek_mm_function(mc);
	}
	if (mc->op->inj != NULL) {
		rule = inject_optee(mc->op->inj, INJECT_KIND_TEEC_ERROR,
				    mc->fid, mc->hdr.cmd, mc->mm_function);
	}
	if (rule != NULL) {
		if (mc->smc->event != NULL) {
			mc->smc->event->injected = true;
		}
		return (uint32_t)rule->code;
	}
	res = s->pta->invoke(mc, mc->hdr.func, &origin);
	if (res != TEEC_SUCCESS) {
		mc->hdr.ret_origin = origin;
	}
	optee_copy_out_params(mc, 0);
	return res;
}

static uint32_t cmd_close_session(struct msg_call *mc)
{
	struct optee_session *s;

	mc->hdr.ret_origin = TEEC_ORIGIN_TEE;
	if (mc->num_params != 0) {
		optee_msg_finding(mc, FINDING_FIRMWARE, "optee.params-not-expected",
			    "CLOSE_SESSION with %u parameters",
			    mc->num_params);
		return TEEC_ERROR_BAD_PARAMETERS;
	}
	s = session_find(mc->op, mc->hdr.session);
	if (s == NULL) {
		session_not_open(mc);
		return TEEC_ERROR_ITEM_NOT_FOUND;
	}
	memset(s, 0, sizeof(*s));
	return TEEC_SUCCESS;
}

/* Nothing runs long enough to be cancelled: a known session is SUCCESS. */
static uint32_t cmd_cancel(struct msg_call *mc)
{
	mc->hdr.ret_origin = TEEC_ORIGIN_TEE;
	if (mc->num_params != 0) {
		optee_msg_finding(mc, FINDING_FIRMWARE, "optee.params-not-expected",
			    "CANCEL with %u parameters", mc->num_params);
		return TEEC_ERROR_BAD_PARAMETERS;
	}
	if (session_find(mc->op, mc->hdr.session) == NULL) {
		session_not_open(mc);
		return TEEC_ERROR_BAD_PARAMETERS;
	}
	return TEEC_SUCCESS;
}

/* register_shm(): exactly one TMEM_OUTPUT|NONCONTIG parameter. */
static uint32_t cmd_register_shm(struct msg_call *mc)
{
	const struct optee_msg_param *p = &mc->params[0];
	struct optee_shm shm, *slot = NULL;

	if (mc->num_params != 1 ||
	    p->attr != (OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT |
			OPTEE_MSG_ATTR_NONCONTIG)) {
		optee_msg_finding(mc, FINDING_FIRMWARE, "optee.register-shm-bad-param",
			    "REGISTER_SHM wants one TMEM_OUTPUT|NONCONTIG "
			    "parameter (attr 0x20a)");
		return TEEC_ERROR_BAD_PARAMETERS;
	}
	if (optee_shm_find(mc->op, p->u[2]) != NULL) {
		optee_msg_finding(mc, FINDING_FIRMWARE, "optee.shm-cookie-reused",
			    "REGISTER_SHM with cookie 0x%llx, which is "
			    "already registered",
			    (unsigned long long)p->u[2]);
		return TEEC_ERROR_BAD_PARAMETERS;
	}
	for (size_t i = 0; i < OPTEE_MAX_SHM && slot == NULL; i++) {
		if (!mc->op->shm[i].used) {
			slot = &mc->op->shm[i];
		}
	}
	if (slot == NULL) {
		findings_add(mc->op->findings, FINDING_WARNING,
			     "optee.shm-table-full",
			     "OP-TEE: %d registrations held; shared memory is "
			     "not being unregistered",
			     OPTEE_MAX_SHM);
		return TEEC_ERROR_OUT_OF_MEMORY;
	}
	memset(&shm, 0, sizeof(shm));
	if (!optee_read_page_list(mc, p->u[0], p->u[1], &shm)) {
		return TEEC_ERROR_BAD_PARAMETERS;
	}
	shm.used = true;
	shm.cookie = p->u[2];
	shm.opened_in = current_phase(mc->op);
	*slot = shm;
	return TEEC_SUCCESS;
}

/*
 * unregister_shm(): one parameter; an unknown cookie is BAD_PARAMETERS
 * (mobj_reg_shm_release_by_cookie(), "wrong cookie and perhaps a second
 * time").
 */
static uint32_t cmd_unregister_shm(struct msg_call *mc)
{
	struct optee_shm *shm;

	mc->hdr.ret_origin = TEEC_ORIGIN_TEE;
	if (mc->num_params != 1) {
		optee_msg_finding(mc, FINDING_FIRMWARE,
			    "optee.unregister-shm-bad-param",
			    "UNREGISTER_SHM with %u parameters (one RMEM_INPUT)",
			    mc->num_params);
		return TEEC_ERROR_BAD_PARAMETERS;
	}
	shm = optee_shm_find(mc->op, mc->params[0].u[2]);
	if (shm == NULL) {
		optee_msg_finding(mc, FINDING_FIRMWARE, "optee.unregister-unknown-shm",
			    "UNREGISTER_SHM of cookie 0x%llx, which is not "
			    "registered",
			    (unsigned long long)mc->params[0].u[2]);
		return TEEC_ERROR_BAD_PARAMETERS;
	}
	optee_shm_release(shm);
	return TEEC_SUCCESS;
}

struct msg_cmd_desc {
	uint32_t cmd;
	const char *name;
	msg_cmd_fn *handler; /* NULL: an unknown command to OP-TEE too */
	uint32_t needs_caps; /* SEC_CAP bits the command depends on */
};

static const struct msg_cmd_desc cmd_table[] = {
	{OPTEE_MSG_CMD_OPEN_SESSION, "OPEN_SESSION", cmd_open_session, 0},
	{OPTEE_MSG_CMD_INVOKE_COMMAND, "INVOKE_COMMAND", cmd_invoke, 0},
	{OPTEE_MSG_CMD_CLOSE_SESSION, "CLOSE_SESSION", cmd_close_session, 0},
	{OPTEE_MSG_CMD_CANCEL, "CANCEL", cmd_cancel, 0},
	{OPTEE_MSG_CMD_REGISTER_SHM, "REGISTER_SHM", cmd_register_shm,
	 OPTEE_SMC_SEC_CAP_DYNAMIC_SHM},
	{OPTEE_MSG_CMD_UNREGISTER_SHM, "UNREGISTER_SHM", cmd_unregister_shm,
	 OPTEE_SMC_SEC_CAP_DYNAMIC_SHM},
	/* Asynchronous notifications are not advertised (docs/optee.md). */
	{OPTEE_MSG_CMD_DO_BOTTOM_HALF, "DO_BOTTOM_HALF", NULL,
	 OPTEE_SMC_SEC_CAP_ASYNC_NOTIF},
	{OPTEE_MSG_CMD_STOP_ASYNC_NOTIF, "STOP_ASYNC_NOTIF", NULL,
	 OPTEE_SMC_SEC_CAP_ASYNC_NOTIF},
};

static const struct msg_cmd_desc *cmd_find(uint32_t cmd)
{
	for (size_t i = 0; i < ARRAY_SIZE(cmd_table); i++) {
		if (cmd_table[i].cmd == cmd) {
			return &cmd_table[i];
		}
	}
	return NULL;
}

const char *optee_cmd_name(uint32_t cmd)
{
	const struct msg_cmd_desc *d = cmd_find(cmd);

	return d != NULL ? d->name : "command?";
}

/* --- Locating and serving a message ---------------------------------- */

/*
 * Where the argument of a yielding call is (thread_optee_smc.c): a PA in
 * the reserved pool (8-byte aligned) or a page of its own (4 KiB aligned,
 * the whole argument in that page), or a registered cookie and offset
 * (CALL_WITH_REGD_ARG).  Reads the header and params into mc.  Returns
 * an OPTEE_SMC_RETURN_* code.
 */
static uint32_t locate_arg(struct msg_call *mc, const uint32_t regs[4])
{
	struct optee *op = mc->op;
	uint64_t need;
	uint32_t fid = regs[0];

	mc->fid = fid;
	mc->has_rpc_arg = fid != OPTEE_SMC_CALL_WITH_ARG;
	if (fid == OPTEE_SMC_CALL_WITH_REGD_ARG) {
		const struct optee_shm *shm =
			optee_shm_find(op, reg_pair(regs[1], regs[2]));

		if (shm == NULL) {
			findings_add(op->findings, FINDING_FIRMWARE,
				     "optee.regd-arg-not-registered",
				     "OP-TEE CALL_WITH_REGD_ARG names cookie "
				     "0x%llx, which is not registered",
				     (unsigned long long)reg_pair(regs[1],
								  regs[2]));
			return OPTEE_SMC_RETURN_EBADADDR;
		}
		optee_view_init(&mc->arg_view, op, shm);
		mc->mem = &mc->arg_view.mem;
		mc->addr = regs[3];
		if (((shm->pgoff + mc->addr) & 7) != 0) {
			goto bad_address;
		}
	} else {
		mc->mem = op->mem;
		mc->addr = reg_pair(regs[1], regs[2]);
		if (optee_in_reserved_shm(op, mc->addr, sizeof(mc->hdr))
			    ? (mc->addr & 7) != 0
			    : (mc->addr & PAGE_MASK) != 0) {
			goto bad_address;
		}
	}
	if (!guest_mem_read(mc->mem, mc->addr, &mc->hdr, sizeof(mc->hdr))) {
		goto bad_address;
	}
	mc->num_params = mc->hdr.num_params;
	if (mc->num_params > OPTEE_MSG_MAX_PARAMS) {
		uint32_t n = mc->num_params;

		mc->num_params = 0;
		optee_msg_finding(mc, FINDING_FIRMWARE, "optee.arg-too-many-params",
			    "message with num_params %u (at most %u)", n,
			    OPTEE_MSG_MAX_PARAMS);
		return OPTEE_SMC_RETURN_EBADADDR;
	}
	need = optee_msg_arg_size(mc->num_params);
	mc->rpc_addr = mc->addr + need;
	if (mc->has_rpc_arg) {
		need += optee_msg_arg_size(RPC_ARG_PARAMS);
	}
	if (fid != OPTEE_SMC_CALL_WITH_REGD_ARG &&
	    !optee_in_reserved_shm(op, mc->addr, need) && need > PAGE_SIZE) {
		goto bad_address;
	}
	if (!guest_mem_is_ram(mc->mem, mc->addr, need) ||
	    !guest_mem_read(mc->mem, mc->addr + sizeof(mc->hdr), mc->params,
			    sizeof(mc->params[0]) * mc->num_params)) {
		goto bad_address;
	}
	return OPTEE_SMC_RETURN_OK;

bad_address:
	mc->num_params = 0;
	findings_add(op->findings, FINDING_FIRMWARE, "optee.arg-bad-address",
		     "OP-TEE %s: the message at 0x%llx is misaligned, not "
		     "RAM, or does not fit (%s)",
		     optee_function_name(fid), (unsigned long long)mc->addr,
		     fid == OPTEE_SMC_CALL_WITH_REGD_ARG
			     ? "inside its registration"
			     : "4 KiB aligned, within one page");
	return OPTEE_SMC_RETURN_EBADADDR;
}

static void trace_message(struct msg_call *mc, uint32_t a0)
{
	const char *res = optee_result_name(mc->hdr.ret);

	if (mc->smc->event == NULL || mc->mm_served) {
		return; /* the MM partition's summary says more */
	}
	if (a0 != OPTEE_SMC_RETURN_OK) {
		trace_event_set_summary(mc->smc->event, "OP-TEE %s -> a0 %u",
					optee_cmd_name(mc->hdr.cmd), a0);
		return;
	}
	trace_event_set_summary(mc->smc->event,
				"OP-TEE %s session %u -> %s (origin %u)",
				optee_cmd_name(mc->hdr.cmd), mc->hdr.session,
				res != NULL ? res : "?", mc->hdr.ret_origin);
}

/*
 * Serves the message mc holds and writes it back.  Returns a0: OK, or
 * EBADCMD for a command OP-TEE does not know (tee_entry_std() failing).
 */
static uint32_t serve_message(struct msg_call *mc)
{
	struct optee *op = mc->op;
	const struct msg_cmd_desc *d = cmd_find(mc->hdr.cmd);
	struct inject_rule *rule = NULL;
	size_t len;

	mc->mm_function = UINT64_MAX;
	if (!op->caps_exchanged && !op->warned_before_caps) {
		op->warned_before_caps = true;
		optee_msg_finding(mc, FINDING_FIRMWARE,
			    "optee.call-before-capabilities",
			    "%s before OPTEE_SMC_EXCHANGE_CAPABILITIES",
			    optee_cmd_name(mc->hdr.cmd));
	}
	if (d == NULL || d->handler == NULL ||
	    (d->needs_caps & op->cfg.sec_caps) != d->needs_caps) {
		optee_msg_finding(mc, FINDING_FIRMWARE, "optee.unknown-command",
			    "message command %u is not served (%s)",
			    mc->hdr.cmd,
			    d == NULL ? "unknown"
				      : "its capability is not advertised");
		return OPTEE_SMC_RETURN_EBADCMD;
	}
	if (mc->hdr.cmd != OPTEE_MSG_CMD_INVOKE_COMMAND && op->inj != NULL) {
		rule = inject_optee(op->inj, INJECT_KIND_TEEC_ERROR, mc->fid,
				    mc->hdr.cmd, UINT64_MAX);
	}
	if (rule != NULL) {
		mc->hdr.ret = (uint32_t)rule->code;
		mc->hdr.ret_origin = TEEC_ORIGIN_TEE;
		if (mc->smc->event != NULL) {
			mc->smc->event->injected = true;
		}
	} else {
		mc->hdr.ret_origin = TEEC_ORIGIN_TEE;
		mc->hdr.ret = d->handler(mc);
	}
	optee_release_params(mc);
	len = sizeof(mc->params[0]) * mc->num_params;
	if (!guest_mem_write(mc->mem, mc->addr, &mc->hdr, sizeof(mc->hdr)) ||
	    !guest_mem_write(mc->mem, mc->addr + sizeof(mc->hdr), mc->params,
			     len)) {
		return OPTEE_SMC_RETURN_EBADADDR; /* unregistered meanwhile */
	}
	return OPTEE_SMC_RETURN_OK;
}

/* --- RPC round trips --------------------------------------------------- */

/* Asks the normal world for an RPC; the call waits for RETURN_FROM_RPC. */
static void ask_rpc(struct optee *op, struct smc_call *call, uint32_t a0,
		    uint32_t a1, uint32_t a2, enum rpc_stage stage)
{
	op->rpc.stage = stage;
	set_result(call, a0, a1, a2, op->rpc.thread);
	call->disposition = SMC_DISP_OK;
	trace_event_set_summary(call->event, "OP-TEE RPC 0x%08x (thread %u)",
				a0, op->rpc.thread);
}

/* Serves a yielding call and sets a0. */
static void yielding_call(struct optee *op, struct smc_call *call,
			  const uint32_t regs[4], bool may_inject);

/*
 * RPC_CMD: OPTEE_RPC_CMD_GET_TIME with one VALUE_OUTPUT, in the call's own
 * RPC argument or in the buffer RPC_ALLOC provided (thread_rpc_cmd()).
 */
static bool write_rpc_cmd(struct optee *op, const struct guest_mem *mem,
			  uint64_t addr)
{
	uint8_t bytes[sizeof(struct optee_msg_arg) +
		      sizeof(struct optee_msg_param)];
	struct optee_msg_arg hdr = {.cmd = OPTEE_RPC_CMD_GET_TIME,
				    .ret = TEEC_ERROR_GENERIC,
				    .num_params = 1};
	struct optee_msg_param p = {.attr = OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT};

	(void)op;
	memcpy(bytes, &hdr, sizeof(hdr));
	memcpy(bytes + sizeof(hdr), &p, sizeof(p));
	return guest_mem_write(mem, addr, bytes, sizeof(bytes));
}

/* Starts an injected round trip before the call is served. */
static void start_rpc(struct optee *op, struct smc_call *call,
		      const uint32_t regs[4], uint32_t kind,
		      const struct msg_call *mc)
{
	memset(&op->rpc, 0, sizeof(op->rpc));
	memcpy(op->rpc.regs, regs, sizeof(op->rpc.regs));
	op->rpc.thread = ++op->next_thread;
	if (kind != OPTEE_SMC_RETURN_RPC_CMD &&
	    kind != OPTEE_SMC_RETURN_RPC_ALLOC) {
		/* FOREIGN_INTR, or an RPC the drivers do not know: resume. */
		ask_rpc(op, call, kind, 0, 0, RPC_WAIT_FOREIGN_INTR);
	} else if (kind == OPTEE_SMC_RETURN_RPC_CMD && mc->has_rpc_arg &&
		   write_rpc_cmd(op, mc->mem, mc->rpc_addr)) {
		op->rpc.via_rpc_arg = true;
		ask_rpc(op, call, kind, 0, 0, RPC_WAIT_CMD);
	} else {
		/* thread_rpc_alloc_arg(): room for an RPC argument first. */
		ask_rpc(op, call, OPTEE_SMC_RETURN_RPC_ALLOC,
			(uint32_t)optee_msg_arg_size(RPC_ARG_PARAMS), 0,
			RPC_WAIT_ALLOC);
	}
}

/* Ends the suspended call: served, or failed with rpc.fail_ret. */
static void end_rpc(struct optee *op, struct smc_call *call)
{
	uint32_t regs[4];

	memcpy(regs, op->rpc.regs, sizeof(regs));
	if (op->rpc.fail_ret != 0) {
		struct msg_call mc;
		uint32_t a0;

		memset(&mc, 0, sizeof(mc));
		mc.op = op;
		mc.smc = call;
		a0 = locate_arg(&mc, regs);
		if (a0 == OPTEE_SMC_RETURN_OK) {
			mc.hdr.ret = op->rpc.fail_ret;
			mc.hdr.ret_origin = TEEC_ORIGIN_TEE;
			if (!guest_mem_write(mc.mem, mc.addr, &mc.hdr,
					     sizeof(mc.hdr))) {
				a0 = OPTEE_SMC_RETURN_EBADADDR;
			}
		}
		memset(&op->rpc, 0, sizeof(op->rpc));
		set_result(call, a0, 0, 0, 0);
		call->disposition = SMC_DISP_ERROR;
		return;
	}
	memset(&op->rpc, 0, sizeof(op->rpc));
	yielding_call(op, call, regs, false);
}

/* RETURN_FROM_RPC: a1:a2 (and a4:a5 after ALLOC) are the answer. */
static void return_from_rpc(struct optee *op, struct smc_call *call)
{
	struct optee_rpc *rpc = &op->rpc;
	uint64_t pa;

	if (rpc->stage == RPC_IDLE || arg32(call, 3) != rpc->thread) {
		findings_add(op->findings, FINDING_FIRMWARE,
			     rpc->stage == RPC_IDLE
				     ? "optee.rpc-resume-without-rpc"
				     : "optee.rpc-resume-wrong-thread",
			     "OP-TEE RETURN_FROM_RPC with a3 = %u (%s)",
			     arg32(call, 3),
			     rpc->stage == RPC_IDLE ? "no call is suspended"
						    : "not the token given");
		set_result(call, OPTEE_SMC_RETURN_ERESUME, 0, 0, 0);
		call->disposition = SMC_DISP_ERROR;
		return;
	}
	switch (rpc->stage) {
	case RPC_WAIT_ALLOC:
		pa = reg_pair(arg32(call, 1), arg32(call, 2));
		rpc->cookie = reg_pair(arg32(call, 4), arg32(call, 5));
		if (pa == 0) {
			/* The normal world could not allocate: no FREE. */
			rpc->fail_ret = TEEC_ERROR_OUT_OF_MEMORY;
			end_rpc(op, call);
			return;
		}
		rpc->pa = pa;
		if ((pa & 7) != 0 ||
		    (pa & PAGE_MASK) + optee_msg_arg_size(RPC_ARG_PARAMS) >
			    PAGE_SIZE ||
		    !write_rpc_cmd(op, op->mem, pa)) {
			findings_add(op->findings, FINDING_FIRMWARE,
				     "optee.rpc-alloc-bad-buffer",
				     "OP-TEE RPC_ALLOC answered with 0x%llx: "
				     "misaligned, not RAM or across a page",
				     (unsigned long long)pa);
			rpc->fail_ret = TEEC_ERROR_OUT_OF_MEMORY;
			ask_rpc(op, call, OPTEE_SMC_RETURN_RPC_FREE,
				(uint32_t)(rpc->cookie >> 32),
				(uint32_t)rpc->cookie, RPC_WAIT_FREE);
			return;
		}
		ask_rpc(op, call, OPTEE_SMC_RETURN_RPC_CMD,
			(uint32_t)(rpc->cookie >> 32), (uint32_t)rpc->cookie,
			RPC_WAIT_CMD);
		return;
	case RPC_WAIT_CMD:
		if (!rpc->via_rpc_arg) {
			ask_rpc(op, call, OPTEE_SMC_RETURN_RPC_FREE,
				(uint32_t)(rpc->cookie >> 32),
				(uint32_t)rpc->cookie, RPC_WAIT_FREE);
			return;
		}
		end_rpc(op, call);
		return;
	case RPC_WAIT_FOREIGN_INTR:
	case RPC_WAIT_FREE:
	case RPC_IDLE:
		end_rpc(op, call);
		return;
	}
}

static void yielding_call(struct optee *op, struct smc_call *call,
			  const uint32_t regs[4], bool may_inject)
{
	struct msg_call mc;
	struct inject_rule *rule = NULL;
	uint32_t a0;

	memset(&mc, 0, sizeof(mc));
	mc.op = op;
	mc.smc = call;
	a0 = locate_arg(&mc, regs);
	/* A call made while another waits for its RPC is served plainly. */
	if (a0 == OPTEE_SMC_RETURN_OK && may_inject && op->inj != NULL &&
	    op->rpc.stage == RPC_IDLE) {
		rule = inject_optee(op->inj, INJECT_KIND_OPTEE_SMC, mc.fid,
				    mc.hdr.cmd, UINT64_MAX);
		if (rule != NULL) {
			a0 = (uint32_t)rule->code; /* nothing is served */
		} else {
			rule = inject_optee(op->inj, INJECT_KIND_OPTEE_RPC,
					    mc.fid, mc.hdr.cmd, UINT64_MAX);
		}
		if (rule != NULL && call->event != NULL) {
			call->event->injected = true;
		}
		/* An RPC code in a0 is an RPC: the call waits for it. */
		if (rule != NULL && (rule->kind == INJECT_KIND_OPTEE_RPC ||
				     optee_smc_return_is_rpc(a0))) {
			start_rpc(op, call, regs, (uint32_t)rule->code, &mc);
			return;
		}
	}
	if (a0 == OPTEE_SMC_RETURN_OK && rule == NULL) {
		a0 = serve_message(&mc);
		trace_message(&mc, a0);
	}
	set_result(call, a0, 0, 0, 0);
	call->disposition = a0 == OPTEE_SMC_RETURN_OK &&
					    mc.hdr.ret == TEEC_SUCCESS
				    ? SMC_DISP_OK
				    : SMC_DISP_ERROR;
}

/* --- SMC functions ---------------------------------------------------- */

typedef void optee_smc_fn(struct optee *op, struct smc_call *call);

static void smc_calls_uid(struct optee *op, struct smc_call *call)
{
	(void)op;
	set_result(call, OPTEE_MSG_UID_0, OPTEE_MSG_UID_1, OPTEE_MSG_UID_2,
		   OPTEE_MSG_UID_3);
}

static void smc_calls_revision(struct optee *op, struct smc_call *call)
{
	(void)op;
	set_result(call, OPTEE_MSG_REVISION_MAJOR, OPTEE_MSG_REVISION_MINOR,
		   0, 0);
}

static void smc_os_uuid(struct optee *op, struct smc_call *call)
{
	(void)op;
	set_result(call, OPTEE_MSG_OS_OPTEE_UUID_0, OPTEE_MSG_OS_OPTEE_UUID_1,
		   OPTEE_MSG_OS_OPTEE_UUID_2, OPTEE_MSG_OS_OPTEE_UUID_3);
}

static void smc_os_revision(struct optee *op, struct smc_call *call)
{
	set_result(call, op->cfg.os_revision_major, op->cfg.os_revision_minor,
		   0, 0); /* a2: no build id */
}

/*
 * entry_fast.c tee_entry_exchange_capabilities(): normal-world bits other
 * than UNIPROCESSOR are ENOTAVAIL; a2 = max notification value (none),
 * a3 = RPC parameter count when RPC_ARG is advertised.
 */
static void smc_exchange_capabilities(struct optee *op, struct smc_call *call)
{
	uint32_t nsec = arg32(call, 1);

	if ((nsec & ~OPTEE_SMC_NSEC_CAP_UNIPROCESSOR) != 0) {
		findings_add(op->findings, FINDING_FIRMWARE,
			     "optee.capabilities-unknown-bits",
			     "OP-TEE EXCHANGE_CAPABILITIES with normal-world "
			     "capabilities 0x%x (only bit 0 is defined)",
			     nsec);
		set_result(call, OPTEE_SMC_RETURN_ENOTAVAIL, 0, 0, 0);
		call->disposition = SMC_DISP_ERROR;
		return;
	}
	op->caps_exchanged = true;
	op->nsec_caps = nsec;
	set_result(call, OPTEE_SMC_RETURN_OK, op->cfg.sec_caps, 0,
		   (op->cfg.sec_caps & OPTEE_SMC_SEC_CAP_RPC_ARG) != 0
			   ? op->cfg.rpc_param_count
			   : 0);
}

static void smc_get_shm_config(struct optee *op, struct smc_call *call)
{
	if (op->cfg.reserved_shm_size == 0) {
		set_result(call, OPTEE_SMC_RETURN_ENOTAVAIL, 0, 0, 0);
		call->disposition = SMC_DISP_ERROR;
		return;
	}
	/* 32-bit registers: the model keeps the pool below 4 GiB. */
	set_result(call, OPTEE_SMC_RETURN_OK,
		   (uint32_t)op->cfg.reserved_shm_addr,
		   (uint32_t)op->cfg.reserved_shm_size, OPTEE_SMC_SHM_CACHED);
}

/*
 * The model caches no RPC buffers: DISABLE_SHM_CACHE always ends with
 * ENOTAVAIL (anything else hangs Linux's probe), ENABLE always succeeds.
 */
static void smc_disable_shm_cache(struct optee *op, struct smc_call *call)
{
	(void)op;
	set_result(call, OPTEE_SMC_RETURN_ENOTAVAIL, 0, 0, 0);
}

static void smc_enable_shm_cache(struct optee *op, struct smc_call *call)
{
	(void)op;
	set_result(call, OPTEE_SMC_RETURN_OK, 0, 0, 0);
}

static void smc_thread_count(struct optee *op, struct smc_call *call)
{
	set_result(call, OPTEE_SMC_RETURN_OK, op->cfg.thread_count, 0, 0);
}

static void smc_call_with_arg(struct optee *op, struct smc_call *call)
{
	uint32_t regs[4] = {arg32(call, 0), arg32(call, 1), arg32(call, 2),
			    arg32(call, 3)};

	if (regs[0] != OPTEE_SMC_CALL_WITH_ARG &&
	    (op->cfg.sec_caps & OPTEE_SMC_SEC_CAP_RPC_ARG) == 0) {
		findings_add(op->findings, FINDING_FIRMWARE,
			     "optee.rpc-arg-not-advertised",
			     "OP-TEE %s without SEC_CAP_RPC_ARG",
			     optee_function_name(regs[0]));
	}
	yielding_call(op, call, regs, true);
}

struct optee_smc_desc {
	uint32_t fid;
	const char *name;
	optee_smc_fn *handler; /* NULL: recognised, not modelled */
};

static const struct optee_smc_desc smc_table[] = {
	{OPTEE_SMC_CALLS_UID, "OPTEE_SMC_CALLS_UID", smc_calls_uid},
	{OPTEE_SMC_CALLS_REVISION, "OPTEE_SMC_CALLS_REVISION",
	 smc_calls_revision},
	{OPTEE_SMC_GET_OS_UUID, "OPTEE_SMC_CALL_GET_OS_UUID", smc_os_uuid},
	{OPTEE_SMC_GET_OS_REVISION, "OPTEE_SMC_CALL_GET_OS_REVISION",
	 smc_os_revision},
	{OPTEE_SMC_RETURN_FROM_RPC, "OPTEE_SMC_CALL_RETURN_FROM_RPC",
	 return_from_rpc},
	{OPTEE_SMC_CALL_WITH_ARG, "OPTEE_SMC_CALL_WITH_ARG", smc_call_with_arg},
	{OPTEE_SMC_GET_SHM_CONFIG, "OPTEE_SMC_GET_SHM_CONFIG",
	 smc_get_shm_config},
	{OPTEE_SMC_EXCHANGE_CAPABILITIES, "OPTEE_SMC_EXCHANGE_CAPABILITIES",
	 smc_exchange_capabilities},
	{OPTEE_SMC_DISABLE_SHM_CACHE, "OPTEE_SMC_DISABLE_SHM_CACHE",
	 smc_disable_shm_cache},
	{OPTEE_SMC_ENABLE_SHM_CACHE, "OPTEE_SMC_ENABLE_SHM_CACHE",
	 smc_enable_shm_cache},
	{OPTEE_SMC_GET_THREAD_COUNT, "OPTEE_SMC_GET_THREAD_COUNT",
	 smc_thread_count},
	{OPTEE_SMC_ENABLE_ASYNC_NOTIF, "OPTEE_SMC_ENABLE_ASYNC_NOTIF", NULL},
	{OPTEE_SMC_GET_ASYNC_NOTIF_VALUE, "OPTEE_SMC_GET_ASYNC_NOTIF_VALUE",
	 NULL},
	{OPTEE_SMC_CALL_WITH_RPC_ARG, "OPTEE_SMC_CALL_WITH_RPC_ARG",
	 smc_call_with_arg},
	{OPTEE_SMC_CALL_WITH_REGD_ARG, "OPTEE_SMC_CALL_WITH_REGD_ARG",
	 smc_call_with_arg},
};

static const struct optee_smc_desc *smc_find(uint32_t fid)
{
	for (size_t i = 0; i < ARRAY_SIZE(smc_table); i++) {
		if (smc_table[i].fid == fid) {
			return &smc_table[i];
		}
	}
	return NULL;
}

bool optee_is_function(uint32_t fid)
{
	uint32_t owner = smccc_owner(fid);

	return owner == SMCCC_OWNER_TOS_FIRST || owner == SMCCC_OWNER_TOS_LAST;
}

const char *optee_function_name(uint32_t fid)
{
	const struct optee_smc_desc *d = smc_find(fid);

	return d != NULL ? d->name : NULL;
}

size_t optee_abi_count(void)
{
	return ARRAY_SIZE(smc_table);
}

uint32_t optee_abi_fid(size_t index)
{
	return index < ARRAY_SIZE(smc_table) ? smc_table[index].fid : 0;
}

void optee_handle(struct optee *op, struct smc_call *call)
{
	uint32_t fid = arg32(call, 0);
	const struct optee_smc_desc *d = smc_find(fid);

	call->disposition = SMC_DISP_OK;
	if (d == NULL || d->handler == NULL) {
		/* entry_fast.c: the default is UNKNOWN_FUNCTION. */
		call->name = d != NULL ? d->name : "OPTEE_SMC_UNKNOWN";
		set_result(call, OPTEE_SMC_RETURN_UNKNOWN_FUNCTION, 0, 0, 0);
		call->disposition = SMC_DISP_UNIMPLEMENTED;
		findings_add(op->findings, FINDING_UNIMPLEMENTED,
			     "model.unimplemented-smc",
			     "OP-TEE function 0x%08x%s%s is not implemented by "
			     "the model",
			     fid, d != NULL ? " " : "",
			     d != NULL ? d->name : "");
		return;
	}
	call->name = d->name;
	d->handler(op, call);
}

/* --- Names, lifecycle, introspection ---------------------------------- */

/* TEEC/TEE result codes (Linux optee_private.h, U-Boot include/tee.h). */
static const struct optee_code_name {
	uint32_t code;
	const char *name;
} result_names[] = {
	{TEEC_SUCCESS, "TEEC_SUCCESS"},
	{TEEC_ERROR_GENERIC, "TEEC_ERROR_GENERIC"},
	{TEEC_ERROR_ACCESS_DENIED, "TEEC_ERROR_ACCESS_DENIED"},
	{TEEC_ERROR_EXCESS_DATA, "TEEC_ERROR_EXCESS_DATA"},
	{TEEC_ERROR_BAD_PARAMETERS, "TEEC_ERROR_BAD_PARAMETERS"},
	{TEEC_ERROR_BAD_STATE, "TEEC_ERROR_BAD_STATE"},
	{TEEC_ERROR_ITEM_NOT_FOUND, "TEEC_ERROR_ITEM_NOT_FOUND"},
	{TEEC_ERROR_NOT_IMPLEMENTED, "TEEC_ERROR_NOT_IMPLEMENTED"},
	{TEEC_ERROR_NOT_SUPPORTED, "TEEC_ERROR_NOT_SUPPORTED"},
	{TEEC_ERROR_OUT_OF_MEMORY, "TEEC_ERROR_OUT_OF_MEMORY"},
	{TEEC_ERROR_BUSY, "TEEC_ERROR_BUSY"},
	{TEEC_ERROR_COMMUNICATION, "TEEC_ERROR_COMMUNICATION"},
	{TEEC_ERROR_SECURITY, "TEEC_ERROR_SECURITY"},
	{TEEC_ERROR_SHORT_BUFFER, "TEEC_ERROR_SHORT_BUFFER"},
	{TEE_ERROR_TIMEOUT, "TEE_ERROR_TIMEOUT"},
	{TEE_ERROR_STORAGE_NOT_AVAILABLE, "TEE_ERROR_STORAGE_NOT_AVAILABLE"},
};

/* a0 of a yielding call (Linux optee_smc.h OPTEE_SMC_RETURN_*). */
static const struct optee_code_name smc_return_names[] = {
	{OPTEE_SMC_RETURN_OK, "OPTEE_SMC_RETURN_OK"},
	{OPTEE_SMC_RETURN_ETHREAD_LIMIT, "OPTEE_SMC_RETURN_ETHREAD_LIMIT"},
	{OPTEE_SMC_RETURN_EBUSY, "OPTEE_SMC_RETURN_EBUSY"},
	{OPTEE_SMC_RETURN_ERESUME, "OPTEE_SMC_RETURN_ERESUME"},
	{OPTEE_SMC_RETURN_EBADADDR, "OPTEE_SMC_RETURN_EBADADDR"},
	{OPTEE_SMC_RETURN_EBADCMD, "OPTEE_SMC_RETURN_EBADCMD"},
	{OPTEE_SMC_RETURN_ENOMEM, "OPTEE_SMC_RETURN_ENOMEM"},
	{OPTEE_SMC_RETURN_ENOTAVAIL, "OPTEE_SMC_RETURN_ENOTAVAIL"},
	{OPTEE_SMC_RETURN_RPC_ALLOC, "OPTEE_SMC_RETURN_RPC_ALLOC"},
	{OPTEE_SMC_RETURN_RPC_FREE, "OPTEE_SMC_RETURN_RPC_FREE"},
	{OPTEE_SMC_RETURN_RPC_FOREIGN_INTR,
	 "OPTEE_SMC_RETURN_RPC_FOREIGN_INTR"},
	{OPTEE_SMC_RETURN_RPC_CMD, "OPTEE_SMC_RETURN_RPC_CMD"},
	{OPTEE_SMC_RETURN_UNKNOWN_FUNCTION,
	 "OPTEE_SMC_RETURN_UNKNOWN_FUNCTION"},
};

static const char *code_name(const struct optee_code_name *t, size_t n,
			     uint32_t code)
{
	for (size_t i = 0; i < n; i++) {
		if (t[i].code == code) {
			return t[i].name;
		}
	}
	return NULL;
}

/* A name of the table, or a number that fits in 32 bits. */
static bool code_parse(const struct optee_code_name *t, size_t n,
		       const char *s, uint32_t *out)
{
	char *end;
	unsigned long long v;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(t[i].name, s) == 0) {
			*out = t[i].code;
			return true;
		}
	}
	if (s[0] < '0' || s[0] > '9') {
		return false;
	}
	v = strtoull(s, &end, 0);
	if (*end != '\0' || v > UINT32_MAX) {
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

const char *optee_result_name(uint32_t code)
{
	return code_name(result_names, ARRAY_SIZE(result_names), code);
}

bool optee_result_parse(const char *s, uint32_t *out)
{
	return code_parse(result_names, ARRAY_SIZE(result_names), s, out);
}

const char *optee_smc_return_name(uint32_t a0)
{
	return code_name(smc_return_names, ARRAY_SIZE(smc_return_names), a0);
}

bool optee_smc_return_parse(const char *s, uint32_t *out)
{
	return code_parse(smc_return_names, ARRAY_SIZE(smc_return_names), s,
			  out);
}

bool optee_cmd_parse(const char *s, uint32_t *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(cmd_table); i++) {
		if (strcmp(cmd_table[i].name, s) == 0) {
			*out = cmd_table[i].cmd;
			return true;
		}
	}
	return false;
}

void optee_config_default(struct optee_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->sec_caps = OPTEE_SMC_SEC_CAP_DYNAMIC_SHM |
			OPTEE_SMC_SEC_CAP_MEMREF_NULL |
			OPTEE_SMC_SEC_CAP_RPC_ARG;
	cfg->rpc_param_count = RPC_ARG_PARAMS;
	cfg->thread_count = 4;
	cfg->os_revision_major = 4;
	cfg->os_revision_minor = 0;
}

struct optee *optee_new(const struct optee_config *cfg,
			const struct guest_mem *mem, struct findings *findings,
			struct injector *inj, struct mm_sp *mm)
{
	struct optee *op = xcalloc(1, sizeof(*op));

	op->cfg = *cfg;
	op->mem = mem;
	op->findings = findings;
	op->inj = inj;
	op->mm = mm;
	op->next_session = 1;
	return op;
}

void optee_free(struct optee *op)
{
	if (op == NULL) {
		return;
	}
	for (size_t i = 0; i < OPTEE_MAX_SHM; i++) {
		optee_shm_release(&op->shm[i]);
	}
	free(op);
}

bool optee_capabilities_exchanged(const struct optee *op)
{
	return op->caps_exchanged;
}

size_t optee_session_count(const struct optee *op)
{
	size_t n = 0;

	for (size_t i = 0; i < OPTEE_MAX_SESSIONS; i++) {
		n += op->sessions[i].used;
	}
	return n;
}

size_t optee_shm_count(const struct optee *op)
{
	size_t n = 0;

	for (size_t i = 0; i < OPTEE_MAX_SHM; i++) {
		n += op->shm[i].used;
	}
	return n;
}

bool optee_rpc_pending(const struct optee *op)
{
	return op->rpc.stage != RPC_IDLE;
}

/*
 * Names every session and registration still held and not named before;
 * with boot_only, only those opened before ExitBootServices began.
 */
static size_t audit(struct optee *op, const char *when, bool boot_only)
{
	size_t found = 0;

	for (size_t i = 0; i < OPTEE_MAX_SESSIONS; i++) {
		struct optee_session *s = &op->sessions[i];

		if (!s->used || s->reported ||
		    (boot_only &&
		     s->opened_in >= LIFECYCLE_EXIT_BOOT_SERVICES)) {
			continue;
		}
		findings_add(op->findings, FINDING_FIRMWARE,
			     "optee.session-left-open",
			     "OP-TEE session %u (%s), opened in phase %s, "
			     "still open at %s",
			     s->id, s->pta->name,
			     lifecycle_phase_name(s->opened_in), when);
		s->reported = true;
		found++;
	}
	for (size_t i = 0; i < OPTEE_MAX_SHM; i++) {
		struct optee_shm *shm = &op->shm[i];

		if (!shm->used || shm->reported ||
		    (boot_only &&
		     shm->opened_in >= LIFECYCLE_EXIT_BOOT_SERVICES)) {
			continue;
		}
		findings_add(op->findings, FINDING_FIRMWARE,
			     "optee.shm-left-registered",
			     "OP-TEE shared memory 0x%llx (%llu bytes), "
			     "registered in phase %s, still registered at %s",
			     (unsigned long long)shm->cookie,
			     (unsigned long long)shm->size,
			     lifecycle_phase_name(shm->opened_in), when);
		shm->reported = true;
		found++;
	}
	return found;
}

size_t optee_audit_released(struct optee *op, const char *when)
{
	return audit(op, when, false);
}

void optee_set_lifecycle(struct optee *op, const struct lifecycle *lc)
{
	op->lifecycle = lc;
}

void optee_phase_changed(void *ctx, enum lifecycle_phase from,
			 enum lifecycle_phase to, enum lifecycle_evidence why)
{
	(void)why;
	if (from < LIFECYCLE_RUNTIME && to >= LIFECYCLE_RUNTIME) {
		audit(ctx, "the return of ExitBootServices", false);
	}
}

size_t optee_audit_end_of_run(struct optee *op)
{
	return audit(op, "the end of the run", true);
}
