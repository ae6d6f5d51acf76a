/*
 * SMCCC routing (SMCCC 1.2 section 2.5; TF-A's DECLARE_RT_SVC ranges).  The
 * function ID is w0; bits 63:32 of x0 are ignored.  The SVE hint (bit 16)
 * is masked; calls with reserved bits 23:17 set are unknown functions, and
 * so are yielding calls except to a row that takes them (the trusted OS,
 * whose OP-TEE ABI is made of yielding calls).
 */
#include "models/smc_router.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "abi/agent.h"
#include "abi/smccc.h"
#include "common/text.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

typedef void smc_service_fn(struct smc_router *r, struct smc_call *call);

static void route_arch(struct smc_router *r, struct smc_call *call)
{
	psci_arch_handle(r->psci, call);
}

static void route_psci(struct smc_router *r, struct smc_call *call)
{
	psci_handle(r->psci, call);
}

static void route_ffa(struct smc_router *r, struct smc_call *call)
{
	spmc_handle(r->spmc, call);
}

static void route_agent(struct smc_router *r, struct smc_call *call)
{
	agent_handle(r->agent, call);
}

static void route_optee(struct smc_router *r, struct smc_call *call)
{
	optee_handle(r->optee, call);
}

struct smc_route {
	const char *service;
	uint32_t owner;
	uint32_t func_first;
	uint32_t func_last;
	smc_service_fn *handle;
	bool yielding; /* also takes yielding calls */
};

static const struct smc_route routes[] = {
	{"arm-architecture", SMCCC_OWNER_ARCH, 0x0000, 0xffff, route_arch, false},
	{"psci", SMCCC_OWNER_STD, 0x00, 0x1f, route_psci, false},
	{"trng", SMCCC_OWNER_STD, 0x50, 0x5f, route_psci, false},
	{"ffa", SMCCC_OWNER_STD, 0x60, 0x97, route_ffa, false},
	{"agent", SMCCC_OWNER_OEM, 0xff00, 0xffff, route_agent, false},
	/* OP-TEE: owner 50 and 63 (Linux optee_smc.h), when present. */
	{"optee", SMCCC_OWNER_TOS_FIRST, 0x0000, 0xffff, route_optee, true},
	{"optee", SMCCC_OWNER_TOS_LAST, 0x0000, 0xffff, route_optee, true},
};

static const struct smc_route *find_route(const struct smc_router *r,
					  uint32_t fid)
{
	uint32_t owner = smccc_owner(fid);
	uint32_t func = smccc_func_num(fid);

	if ((fid & SMCCC_FC_RESERVED_MASK) != 0) {
		return NULL;
	}
	for (size_t i = 0; i < ARRAY_SIZE(routes); i++) {
		if (routes[i].handle == route_optee && r->optee == NULL) {
			continue;
		}
		if (routes[i].owner == owner && func >= routes[i].func_first &&
		    func <= routes[i].func_last &&
		    (smccc_is_fast(fid) || routes[i].yielding)) {
			return &routes[i];
		}
	}
	return NULL;
}

const char *smc_function_name(uint32_t fid)
{
	const char *name = spmc_function_name(fid);

	if (name == NULL) {
		name = psci_function_name(fid);
	}
	if (name == NULL) {
		name = agent_function_name(fid);
	}
	if (name == NULL) {
		name = optee_function_name(fid);
	}
	return name;
}

bool smc_function_parse(const char *name, uint32_t *fid)
{
	static const uint32_t agent_fids[] = {AGENT_FID_HELLO, AGENT_FID_NEXT,
					      AGENT_FID_REPORT, AGENT_FID_PANIC};
	uint64_t number;

	for (size_t i = 0; i < spmc_abi_count(); i++) {
		if (strcmp(spmc_function_name(spmc_abi_fid(i)), name) == 0) {
			*fid = spmc_abi_fid(i);
			return true;
		}
	}
	if (psci_function_parse(name, fid)) {
		return true;
	}
	for (size_t i = 0; i < optee_abi_count(); i++) {
		if (strcmp(optee_function_name(optee_abi_fid(i)), name) == 0) {
			*fid = optee_abi_fid(i);
			return true;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(agent_fids); i++) {
		if (strcmp(agent_function_name(agent_fids[i]), name) == 0) {
			*fid = agent_fids[i];
			return true;
		}
	}
	if (text_parse_u64(name, &number) && number <= UINT32_MAX) {
		*fid = (uint32_t)number;
		return true;
	}
	return false;
}

/*
 * The event an SMC is traced in: the next one of the trace, or, once the
 * trace is full (SMC_TRACE_MAX_EVENTS), *spare, which the caller keeps or
 * releases when it knows what the call did.
 */
static struct trace_event *event_for_call(struct smc_router *r,
					  struct trace_event *spare)
{
	struct trace_event *note;

	if (r->trace->count < SMC_TRACE_MAX_EVENTS) {
		return trace_append(r->trace, TRACE_SMC);
	}
	if (r->untraced++ == 0) {
		note = trace_append(r->trace, TRACE_NOTE);
		trace_event_set_summary(note,
					"trace full (%u events): later SMCs "
					"are answered and checked but traced "
					"only when they end or pause the run",
					SMC_TRACE_MAX_EVENTS);
	}
	memset(spare, 0, sizeof(*spare));
	spare->seq = FINDING_NO_SEQ;
	spare->kind = TRACE_SMC;
	spare->step = r->trace->current_step;
	spare->name = "";
	return spare;
}

/*
 * Keeps the bytes of a traced doorbell within SMC_TRACE_MAX_BYTES, and a
 * call made when the trace was full only if it ends or pauses the run.
 */
static void bound_trace(struct smc_router *r, struct trace_event *ev,
			bool spare, enum smc_action action)
{
	struct trace_event *kept;
	uint64_t bytes;

	if (spare) {
		if (action == SMC_ACTION_RETURN) {
			trace_event_release(ev);
			return;
		}
		kept = trace_append(r->trace, TRACE_SMC);
		ev->seq = kept->seq;
		*kept = *ev;
		ev = kept;
	}
	if (ev->mm == NULL) {
		return;
	}
	bytes = (uint64_t)ev->mm->request_len + ev->mm->response_len;
	if (bytes > SMC_TRACE_MAX_BYTES - r->trace_bytes) {
		free(ev->mm->request);
		free(ev->mm->response);
		ev->mm->request = NULL;
		ev->mm->response = NULL;
		ev->mm->request_len = 0;
		ev->mm->response_len = 0;
		return;
	}
	r->trace_bytes += bytes;
}

enum smc_action smc_router_dispatch(struct smc_router *r,
				    const struct sw_caller *caller,
				    const struct smccc_regs *in, uint64_t pc,
				    uint64_t lr, uint64_t insns,
				    struct smccc_regs *out)
{
	struct trace_event spare;
	struct trace_event *ev = event_for_call(r, &spare);
	struct smc_call call;
	uint32_t fid = (uint32_t)in->x[0] & ~SMCCC_SVE_HINT;
	const struct smc_route *route = find_route(r, fid);

	memset(&call, 0, sizeof(call));
	call.in = *in;
	call.in.x[0] = fid;
	call.out = *in; /* registers a service does not define are kept */
	call.pc = pc;
	call.event = ev;
	call.action = SMC_ACTION_RETURN;
	r->count++;
	findings_set_context(r->findings, ev->seq, pc);
	ev->pc = pc;
	ev->lr = lr;
	ev->insns = insns;
	ev->fid = fid;
	if (caller != NULL) {
		ev->cpu = call.cpu = caller->cpu;
		ev->el = call.el = caller->el;
	}
	if (route == NULL) {
		call.name = "SMC_UNKNOWN";
		call.out.x[0] = (uint64_t)(int64_t)SMC_UNK;
		call.disposition = SMC_DISP_UNIMPLEMENTED;
		findings_add(r->findings, FINDING_UNIMPLEMENTED,
			     "model.unimplemented-smc",
			     "SMC function 0x%08x (owner %u) is not "
			     "implemented by the model",
			     fid, smccc_owner(fid));
	} else {
		ev->service = route->service;
		route->handle(r, &call);
	}
	if (r->order != NULL) {
		ffa_order_observe(r->order, &call);
	}
	ev->name = call.name != NULL ? call.name : "?";
	ev->disposition = call.disposition;
	if (call.out.x[0] <= UINT32_MAX) {
		ev->returned = smc_function_name((uint32_t)call.out.x[0]);
	}
	memcpy(ev->in, in->x, sizeof(ev->in));
	memcpy(ev->out, call.out.x, sizeof(ev->out));
	bound_trace(r, ev, ev == &spare, call.action);
	*out = call.out;
	findings_set_context(r->findings, FINDING_NO_SEQ, pc);
	return call.action;
}
