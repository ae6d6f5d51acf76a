/*
 * The agent loop (include/abi/agent.h, docs/agent-protocol.md): ask the
 * harness for a step, perform it with the variable services, report.
 * Runtime code on runtime data, so that it keeps working, within the
 * runtime regions, after ExitBootServices.
 */
#include "abi/agent.h"
#include "abi/psci.h"
#include "refclient.h"

#define MAILBOX_SIZE 0x4000u

__rt_bss static uint8_t mailbox[MAILBOX_SIZE] __attribute__((aligned(64)));
/* The step is copied out before the result overwrites the mailbox. */
__rt_bss static uint8_t step_copy[MAILBOX_SIZE] __attribute__((aligned(64)));
__rt_data static bool at_runtime;

__rt_text static int64_t agent_smc(uint32_t fid, uint64_t a1)
{
	struct smccc_regs r = {.x = {fid, a1}};

	smccc_call(&r);
	return (int64_t)r.x[0];
}

/* Announces the mailbox; a harness that does not answer OK ends the run. */
void agent_hello(void);
void agent_hello(void)
{
	struct smccc_regs r = {.x = {AGENT_FID_HELLO, AGENT_PROTOCOL_VERSION,
				     AGENT_KIND_REFERENCE_CLIENT,
				     (uintptr_t)mailbox, MAILBOX_SIZE}};

	smccc_call(&r);
	if (r.x[0] != AGENT_OK) {
		uart_printf("agent: the harness refused HELLO (%ld)\n",
			    (int64_t)r.x[0]);
		psci_system_off();
	}
}

__rt_text static struct agent_result *result_begin(uint32_t op)
{
	struct agent_result *res = (void *)mailbox;

	memset(res, 0, sizeof(*res));
	res->op = op;
	res->flags = AGENT_RESULT_PAYLOAD_NONE;
	return res;
}

__rt_text static uint8_t *result_payload(void)
{
	return mailbox + AGENT_RESULT_PAYLOAD_OFFSET;
}

__rt_text static void report(struct agent_result *res)
{
	if (agent_smc(AGENT_FID_REPORT, res->op) != AGENT_OK) {
		uart_printf("agent: the harness refused a report\n");
	}
}

__rt_text static void do_get(const struct agent_step *st,
			     const uint8_t *payload)
{
	struct agent_result *res = result_begin(st->op);
	uint64_t size = st->buffer_size;
	uint32_t attrs = 0;
	uint64_t room = MAILBOX_SIZE - AGENT_RESULT_PAYLOAD_OFFSET;

	if (size > room) {
		size = room;
	}
	res->status = var_get(
		(st->flags & AGENT_STEP_NULL_NAME) ? NULL
						   : (const uint16_t *)payload,
		(st->flags & AGENT_STEP_NULL_GUID) ? NULL : &st->guid,
		(st->flags & AGENT_STEP_NULL_ATTRIBUTES) ? NULL : &attrs,
		(st->flags & AGENT_STEP_NULL_SIZE) ? NULL : &size,
		(st->flags & AGENT_STEP_NULL_DATA) ? NULL : result_payload());
	res->attributes = attrs;
	res->data_size = size;
	if (res->status == EFI_SUCCESS) {
		res->flags = AGENT_RESULT_PAYLOAD_DATA;
		res->payload_size = size;
	}
	report(res);
}

__rt_text static void do_set(const struct agent_step *st,
			     const uint8_t *payload)
{
	struct agent_result *res = result_begin(st->op);

	res->status = var_set(
		(st->flags & AGENT_STEP_NULL_NAME) ? NULL
						   : (const uint16_t *)payload,
		(st->flags & AGENT_STEP_NULL_GUID) ? NULL : &st->guid,
		st->attributes, st->data_size,
		(st->flags & AGENT_STEP_NULL_DATA) ? NULL
						   : payload + st->name_size);
	report(res);
}

/*
 * GetNextVariableName: the caller's buffer (buffer_size bytes) starts with
 * the current name from the step; the next name lands in the payload.
 */
__rt_text static void do_get_next(const struct agent_step *st,
				  const uint8_t *payload)
{
	struct agent_result *res = result_begin(st->op);
	uint16_t *name = (uint16_t *)result_payload();
	uint64_t room = MAILBOX_SIZE - AGENT_RESULT_PAYLOAD_OFFSET;
	uint64_t size = st->buffer_size;
	struct efi_guid guid = st->guid;

	if (size > room) {
		size = room;
	}
	memset(name, 0, (size_t)size);
	memcpy(name, payload,
	       st->name_size < size ? (size_t)st->name_size : (size_t)size);
	res->status = var_get_next(
		(st->flags & AGENT_STEP_NULL_SIZE) ? NULL : &size,
		(st->flags & AGENT_STEP_NULL_NAME) ? NULL : name,
		(st->flags & AGENT_STEP_NULL_GUID) ? NULL : &guid);
	res->name_size = size;
	if (res->status == EFI_SUCCESS) {
		res->guid = guid;
		res->flags = AGENT_RESULT_PAYLOAD_NAME;
		res->payload_size = size;
	}
	report(res);
}

__rt_text static void do_query(const struct agent_step *st)
{
	struct agent_result *res = result_begin(st->op);

	res->status = var_query(st->attributes, &res->value[0], &res->value[1],
				&res->value[2]);
	report(res);
}

__rt_text static void do_print(const struct agent_step *st,
			       const uint8_t *payload)
{
	struct agent_result *res = result_begin(st->op);
	char line[256];
	size_t n = st->data_size < sizeof(line) - 1 ? (size_t)st->data_size
						    : sizeof(line) - 1;

	memcpy(line, payload + st->name_size, n);
	line[n] = '\0';
	uart_puts(line);
	uart_puts("\n");
	res->status = EFI_SUCCESS;
	report(res);
}

static void agent_loop(void) __attribute__((noreturn));

/* Continues the loop on the runtime stack and reports the regions. */
__rt_text static void after_exit_boot_services(void)
{
	struct agent_result *res = result_begin(AGENT_OP_EXIT_BOOT_SERVICES);
	struct agent_region *regions = (void *)result_payload();

	regions[0] = (struct agent_region){
		(uintptr_t)__rt_text_start,
		(uintptr_t)(__rt_text_end - __rt_text_start),
		AGENT_REGION_RUNTIME_CODE, 0};
	regions[1] = (struct agent_region){
		(uintptr_t)__rt_data_start,
		(uintptr_t)(__rt_data_end - __rt_data_start),
		AGENT_REGION_RUNTIME_DATA, 0};
	regions[2] = (struct agent_region){UART_BASE, 0x1000,
					   AGENT_REGION_RUNTIME_MMIO, 0};
	res->status = EFI_SUCCESS;
	res->flags = AGENT_RESULT_PAYLOAD_REGIONS;
	res->payload_size = 3 * sizeof(*regions);
	report(res);
	agent_loop();
}

/*
 * ExitBootServices: notify the partition and unmap RX/TX (boot code), then
 * leave the boot stack for good.  A failure is reported on the boot stack.
 */
__rt_text static void do_exit_boot_services(const struct agent_step *st)
{
	efi_status_t status;

	if (at_runtime) {
		struct agent_result *res = result_begin(st->op);

		res->status = EFI_UNSUPPORTED;
		report(res);
		return;
	}
	status = var_exit_boot_services();
	if (status != EFI_SUCCESS) {
		struct agent_result *res = result_begin(st->op);

		res->status = status;
		report(res);
		return;
	}
	at_runtime = true;
	switch_stack(__rt_stack_top, after_exit_boot_services);
}

__rt_text static void do_unsupported(const struct agent_step *st)
{
	struct agent_result *res = result_begin(st->op);

	res->status = EFI_UNSUPPORTED;
	report(res);
}

/*
 * Copies the step out of the mailbox: its header, name and data only (the
 * sizes bounded by the mailbox), since copying all 16 KiB at every step
 * was most of the suite's time (docs/performance.md).
 */
__rt_text static void copy_step(void)
{
	const struct agent_step *st = (const void *)mailbox;
	uint64_t room = MAILBOX_SIZE - AGENT_STEP_PAYLOAD_OFFSET;
	uint64_t payload = room;

	if (st->name_size <= room && st->data_size <= room - st->name_size) {
		payload = st->name_size + st->data_size;
	}
	memcpy(step_copy, mailbox, AGENT_STEP_PAYLOAD_OFFSET + payload);
}

__rt_text static void agent_loop(void)
{
	for (;;) {
		const struct agent_step *st = (const void *)step_copy;
		const uint8_t *payload = step_copy + AGENT_STEP_PAYLOAD_OFFSET;

		if (agent_smc(AGENT_FID_NEXT, 0) != AGENT_OK) {
			psci_system_off();
		}
		copy_step();
		if (BUG(RUNTIME_CALLS_BOOT_HELPER) && at_runtime) {
			extern void boot_banner(void);
			boot_banner(); /* a boot-time helper, gone at runtime */
		}
		if (BUG(SETWAY_FLUSH_AT_RUNTIME) && at_runtime) {
			dcache_flush_all_setway();
		}
		switch (st->op) {
		case AGENT_OP_GET_VARIABLE:
			do_get(st, payload);
			break;
		case AGENT_OP_SET_VARIABLE:
			do_set(st, payload);
			break;
		case AGENT_OP_GET_NEXT_VARIABLE_NAME:
			do_get_next(st, payload);
			break;
		case AGENT_OP_QUERY_VARIABLE_INFO:
			do_query(st);
			break;
		case AGENT_OP_EXIT_BOOT_SERVICES:
			do_exit_boot_services(st);
			break;
		case AGENT_OP_PRINT:
			do_print(st, payload);
			break;
		case AGENT_OP_POWER_OFF:
			psci_system_off();
		case AGENT_OP_RESET:
			psci_system_reset();
		default:
			do_unsupported(st);
			break;
		}
	}
}

__rt_text void agent_start(void)
{
	agent_loop();
}
