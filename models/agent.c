#include "models/agent.h"

#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const op_names[AGENT_OP_COUNT] = {
	[AGENT_OP_NONE] = "none",
	[AGENT_OP_GET_VARIABLE] = "get_variable",
	[AGENT_OP_GET_NEXT_VARIABLE_NAME] = "get_next_variable_name",
	[AGENT_OP_SET_VARIABLE] = "set_variable",
	[AGENT_OP_QUERY_VARIABLE_INFO] = "query_variable_info",
	[AGENT_OP_EXIT_BOOT_SERVICES] = "exit_boot_services",
	[AGENT_OP_SET_VIRTUAL_ADDRESS_MAP] = "set_virtual_address_map",
	[AGENT_OP_PRINT] = "print",
	[AGENT_OP_POWER_OFF] = "power_off",
	[AGENT_OP_RESET] = "reset",
	[AGENT_OP_GET_MEMORY_MAP] = "get_memory_map",
};

const char *agent_op_name(uint32_t op)
{
	return op < AGENT_OP_COUNT && op_names[op] != NULL ? op_names[op]
							   : "unknown";
}

bool agent_op_parse(const char *s, uint32_t *out)
{
	for (uint32_t i = 0; i < AGENT_OP_COUNT; i++) {
		if (op_names[i] != NULL && strcmp(op_names[i], s) == 0) {
			*out = i;
			return true;
		}
	}
	return false;
}

const char *agent_function_name(uint32_t fid)
{
	switch (fid) {
	case AGENT_FID_HELLO:
		return "AGENT_HELLO";
	case AGENT_FID_NEXT:
		return "AGENT_NEXT";
	case AGENT_FID_REPORT:
		return "AGENT_REPORT";
	case AGENT_FID_PANIC:
		return "AGENT_PANIC";
	default:
		return NULL;
	}
}

void agent_init(struct agent *a, const struct guest_mem *mem,
		struct findings *findings)
{
	memset(a, 0, sizeof(*a));
	a->mem = mem;
	a->findings = findings;
}

void agent_free(struct agent *a)
{
	free(a->payload);
	a->payload = NULL;
}

static void reply(struct smc_call *call, int32_t code)
{
	call->out.x[0] = smc_ret_code(code);
	call->disposition = code == AGENT_OK ? SMC_DISP_OK : SMC_DISP_ERROR;
}

static void protocol_error(struct agent *a, struct smc_call *call,
			   int32_t code, const char *what)
{
	findings_add(a->findings, FINDING_ERROR, "agent.protocol",
		     "agent protocol: %s", what);
	reply(call, code);
}

static void agent_hello(struct agent *a, struct smc_call *call)
{
	const struct smccc_regs *in = &call->in;

	if (in->x[1] != AGENT_PROTOCOL_VERSION) {
		protocol_error(a, call, AGENT_ERR_VERSION,
			       "HELLO with an unknown protocol version");
		return;
	}
	if (in->x[4] < AGENT_RESULT_PAYLOAD_OFFSET ||
	    in->x[4] > AGENT_MAX_MAILBOX ||
	    !guest_mem_is_ram(a->mem, in->x[3], in->x[4])) {
		protocol_error(a, call, AGENT_ERR_MAILBOX,
			       "HELLO with a mailbox that is not RAM or has "
			       "a bad size");
		return;
	}
	a->hello = true;
	a->kind = (uint32_t)in->x[2];
	a->mailbox = in->x[3];
	a->mailbox_size = in->x[4];
	a->image_base = in->x[5];
	a->image_size = in->x[6];
	reply(call, AGENT_OK);
	call->out.x[1] = AGENT_PROTOCOL_VERSION;
	trace_event_set_summary(call->event,
				"kind %u, mailbox 0x%llx (+%llu)", a->kind,
				(unsigned long long)a->mailbox,
				(unsigned long long)a->mailbox_size);
}

static void agent_report(struct agent *a, struct smc_call *call)
{
	struct agent_result r;

	if (!a->hello) {
		protocol_error(a, call, AGENT_ERR_STATE,
			       "REPORT before HELLO");
		return;
	}
	if (!guest_mem_read(a->mem, a->mailbox, &r, sizeof(r)) ||
	    r.payload_size > a->mailbox_size - AGENT_RESULT_PAYLOAD_OFFSET) {
		protocol_error(a, call, AGENT_ERR_RESULT,
			       "REPORT with an unreadable result or a payload "
			       "larger than the mailbox");
		return;
	}
	free(a->payload);
	a->payload = xmalloc((size_t)r.payload_size);
	a->payload_len = (size_t)r.payload_size;
	if (!guest_mem_read(a->mem, a->mailbox + AGENT_RESULT_PAYLOAD_OFFSET,
			    a->payload, a->payload_len)) {
		protocol_error(a, call, AGENT_ERR_RESULT,
			       "REPORT payload is not readable");
		return;
	}
	a->result = r;
	a->have_result = true;
	reply(call, AGENT_OK);
	trace_event_set_summary(call->event, "%s -> status 0x%llx",
				agent_op_name(r.op),
				(unsigned long long)r.status);
}

void agent_handle(struct agent *a, struct smc_call *call)
{
	uint32_t fid = (uint32_t)call->in.x[0];

	call->name = agent_function_name(fid);
	switch (fid) {
	case AGENT_FID_HELLO:
		agent_hello(a, call);
		break;
	case AGENT_FID_NEXT:
		if (!a->hello) {
			protocol_error(a, call, AGENT_ERR_STATE,
				       "NEXT before HELLO");
			break;
		}
		a->waiting = true;
		call->action = SMC_ACTION_AGENT_WAIT;
		call->disposition = SMC_DISP_STOP;
		break;
	case AGENT_FID_REPORT:
		agent_report(a, call);
		break;
	case AGENT_FID_PANIC:
		a->panicked = true;
		a->panic_esr = call->in.x[1];
		a->panic_elr = call->in.x[2];
		a->panic_far = call->in.x[3];
		a->panic_vector = call->in.x[4];
		call->action = SMC_ACTION_AGENT_PANIC;
		call->disposition = SMC_DISP_STOP;
		trace_event_set_summary(
			call->event, "ESR 0x%llx ELR 0x%llx FAR 0x%llx",
			(unsigned long long)a->panic_esr,
			(unsigned long long)a->panic_elr,
			(unsigned long long)a->panic_far);
		break;
	default:
		call->name = "OEM_UNKNOWN";
		call->out.x[0] = smc_ret_code(-1);
		call->disposition = SMC_DISP_UNIMPLEMENTED;
		findings_add(a->findings, FINDING_UNIMPLEMENTED,
			     "model.unimplemented-smc",
			     "OEM function 0x%08x is not implemented", fid);
		break;
	}
}

bool agent_give_step(struct agent *a, const struct agent_step *step,
		     const void *payload, size_t payload_len,
		     struct smccc_regs *regs, struct error *err)
{
	if (!a->waiting) {
		return error_setf(err, "agent is not waiting for a step");
	}
	if (payload_len > a->mailbox_size - AGENT_STEP_PAYLOAD_OFFSET) {
		return error_setf(err,
				  "step payload of %zu bytes does not fit the "
				  "agent's %llu-byte mailbox",
				  payload_len,
				  (unsigned long long)a->mailbox_size);
	}
	if (!guest_mem_write(a->mem, a->mailbox, step, sizeof(*step)) ||
	    !guest_mem_write(a->mem, a->mailbox + AGENT_STEP_PAYLOAD_OFFSET,
			     payload, payload_len)) {
		return error_setf(err, "agent mailbox at 0x%llx is not writable",
				  (unsigned long long)a->mailbox);
	}
	a->waiting = false;
	a->have_result = false;
	a->steps++;
	regs->x[0] = AGENT_OK;
	regs->x[1] = step->op;
	return true;
}

bool agent_take_result(struct agent *a, struct agent_result *out,
		       const uint8_t **payload, size_t *payload_len)
{
	if (!a->have_result) {
		return false;
	}
	*out = a->result;
	*payload = a->payload;
	*payload_len = a->payload_len;
	a->have_result = false;
	return true;
}
