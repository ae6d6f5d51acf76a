/*
 * MM communicate over OP-TEE, shaped like U-Boot's optee_mm_communicate()
 * (lib/efi_loader/efi_variable_tee.c with CONFIG_EFI_MM_COMM_TEE and no
 * FF-A) on top of drivers/tee/optee: every request opens a session to the
 * StMM pseudo-TA, registers the buffer (a page list, REGISTER_SHM),
 * invokes PTA_STMM_CMD_COMMUNICATE with (RMEM_INOUT, VALUE_OUTPUT),
 * unregisters and closes.  Built into the reference client when
 * MM_TRANSPORT_OPTEE is 1 (refclient-optee*.elf); runtime code, as the
 * transport stays alive after ExitBootServices.
 *
 * The seeded bugs of this route (seeded_bugs.h) are each one line a
 * reviewer could miss: a memref one page longer than the registration, an
 * invoke on a session never opened, the output value declared as input,
 * a buffer never unregistered.
 */
#include "abi/mm.h"
#include "abi/optee.h"
#include "refclient.h"

#if MM_TRANSPORT_OPTEE

#define OPTEE_COOKIE UINT64_C(0x0c0c1e00)

/* U-Boot memalign(4096)s one message per call; one page here. */
__rt_bss static uint8_t msg_page[4096] __attribute__((aligned(4096)));
__rt_bss static uint64_t page_list[512] __attribute__((aligned(4096)));

static const uint8_t stmm_uuid[16] = OPTEE_PTA_STMM_UUID;

__rt_text static struct optee_msg_arg *msg_init(uint32_t cmd,
						uint32_t session,
						uint32_t num_params)
{
	struct optee_msg_arg *arg = (void *)msg_page;

	memset(msg_page, 0, (size_t)optee_msg_arg_size(num_params));
	arg->cmd = cmd;
	arg->session = session;
	arg->num_params = num_params;
	return arg;
}

__rt_text static struct optee_msg_param *msg_param(unsigned int n)
{
	return (struct optee_msg_param *)(msg_page + 32 + 32 * n);
}

/* CALL_WITH_ARG; TEEC_ERROR_COMMUNICATION when a0 is not OK. */
__rt_text static uint32_t call_with_arg(void)
{
	uint64_t pa = (uintptr_t)msg_page;
	struct smccc_regs r = {
		.x = {OPTEE_SMC_CALL_WITH_ARG, pa >> 32, pa & UINT32_MAX},
	};

	smccc_call(&r);
	while (optee_smc_return_is_rpc(r.x[0])) {
		/* Nothing is allocated here: a foreign interrupt resumes. */
		r = (struct smccc_regs){.x = {OPTEE_SMC_RETURN_FROM_RPC, 0, 0,
					      r.x[3]}};
		smccc_call(&r);
	}
	if (r.x[0] != OPTEE_SMC_RETURN_OK) {
		return TEEC_ERROR_COMMUNICATION;
	}
	return ((struct optee_msg_arg *)msg_page)->ret;
}

/* optee_probe(): UID, revision, capabilities with dynamic shm. */
int optee_probe(void)
{
	struct smccc_regs r = {.x = {OPTEE_SMC_CALLS_UID}};

	smccc_call(&r);
	if (r.x[0] != OPTEE_MSG_UID_0 || r.x[1] != OPTEE_MSG_UID_1 ||
	    r.x[2] != OPTEE_MSG_UID_2 || r.x[3] != OPTEE_MSG_UID_3) {
		uart_puts("OP-TEE api uid mismatch\n");
		return -1;
	}
	r = (struct smccc_regs){.x = {OPTEE_SMC_CALLS_REVISION}};
	smccc_call(&r);
	if (r.x[0] != OPTEE_MSG_REVISION_MAJOR) {
		return -1;
	}
	r = (struct smccc_regs){.x = {OPTEE_SMC_EXCHANGE_CAPABILITIES,
				      OPTEE_SMC_NSEC_CAP_UNIPROCESSOR}};
	smccc_call(&r);
	if (r.x[0] != OPTEE_SMC_RETURN_OK ||
	    (r.x[1] & OPTEE_SMC_SEC_CAP_DYNAMIC_SHM) == 0) {
		uart_puts("OP-TEE capabilities mismatch\n");
		return -1;
	}
	return 0;
}

__rt_text static uint32_t open_stmm_session(uint32_t *session)
{
	struct optee_msg_arg *arg = msg_init(OPTEE_MSG_CMD_OPEN_SESSION, 0, 2);
	uint32_t ret;

	msg_param(0)->attr = OPTEE_MSG_ATTR_META |
			     OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	memcpy(&msg_param(0)->u[0], stmm_uuid, sizeof(stmm_uuid));
	msg_param(1)->attr = OPTEE_MSG_ATTR_META |
			     OPTEE_MSG_ATTR_TYPE_VALUE_INPUT;
	msg_param(1)->u[2] = OPTEE_MSG_LOGIN_PUBLIC;
	ret = call_with_arg();
	*session = arg->session;
	return ret;
}

__rt_text static void close_session(uint32_t session)
{
	msg_init(OPTEE_MSG_CMD_CLOSE_SESSION, session, 0);
	call_with_arg();
}

/* tee_shm_register(): the buffer's pages in a list, page offset in it. */
__rt_text static uint32_t register_buffer(const void *buf, size_t size)
{
	uintptr_t start = (uintptr_t)buf;
	uintptr_t first = start & ~(uintptr_t)0xfff;
	size_t pages = ((start & 0xfff) + size + 0xfff) / 0x1000;

	if (pages > 511) {
		return TEEC_ERROR_OUT_OF_MEMORY;
	}
	for (size_t i = 0; i < pages; i++) {
		page_list[i] = first + 0x1000 * i;
	}
	msg_init(OPTEE_MSG_CMD_REGISTER_SHM, 0, 1);
	msg_param(0)->attr = OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT |
			     OPTEE_MSG_ATTR_NONCONTIG;
	msg_param(0)->u[0] = (uintptr_t)page_list | (start & 0xfff);
	msg_param(0)->u[1] = size;
	msg_param(0)->u[2] = OPTEE_COOKIE;
	return call_with_arg();
}

__rt_text static void unregister_buffer(void)
{
	msg_init(OPTEE_MSG_CMD_UNREGISTER_SHM, 0, 1);
	msg_param(0)->attr = OPTEE_MSG_ATTR_TYPE_RMEM_INPUT;
	msg_param(0)->u[2] = OPTEE_COOKIE;
	call_with_arg();
}

/*
 * value.a -> EFI status (U-Boot mm_communicate()'s u64 switch): a real
 * OP-TEE's u32 codes land in "anything else", EFI_ACCESS_DENIED.
 */
__rt_text static efi_status_t spm_status(uint64_t value)
{
	switch (value) {
	case 0:
		return EFI_SUCCESS;
	case (uint64_t)(int64_t)MM_RET_INVALID_PARAMETER:
		return EFI_INVALID_PARAMETER;
	case (uint64_t)(int64_t)MM_RET_DENIED:
		return EFI_ACCESS_DENIED;
	case (uint64_t)(int64_t)MM_RET_NO_MEMORY:
		return EFI_OUT_OF_RESOURCES;
	default:
		return EFI_ACCESS_DENIED;
	}
}

__rt_text efi_status_t optee_mm_communicate(void *buf, size_t size)
{
	struct optee_msg_arg *arg;
	uint32_t session = 0;
	uint64_t memref_size = size;
	efi_status_t status = EFI_SUCCESS;
	uint32_t ret;

	if (!BUG(OPTEE_SESSION_NEVER_OPENED) &&
	    open_stmm_session(&session) != TEEC_SUCCESS) {
		return EFI_UNSUPPORTED;
	}
	if (register_buffer(buf, size) != TEEC_SUCCESS) {
		status = EFI_UNSUPPORTED;
		goto close;
	}
	if (BUG(OPTEE_MEMREF_OUTSIDE_SHM)) {
		memref_size = size + 0x1000; /* the whole last page, wrongly */
	}
	arg = msg_init(OPTEE_MSG_CMD_INVOKE_COMMAND, session, 2);
	arg->func = PTA_STMM_CMD_COMMUNICATE;
	msg_param(0)->attr = OPTEE_MSG_ATTR_TYPE_RMEM_INOUT;
	msg_param(0)->u[0] = 0;
	msg_param(0)->u[1] = memref_size;
	msg_param(0)->u[2] = OPTEE_COOKIE;
	msg_param(1)->attr = BUG(OPTEE_WRONG_PARAM_TYPE)
				     ? OPTEE_MSG_ATTR_TYPE_VALUE_INPUT
				     : OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT;
	ret = call_with_arg();
	if (ret != TEEC_SUCCESS) {
		uart_printf("PTA_STMM_CMD_COMMUNICATE invoke error: 0x%x\n",
			    ret);
		status = EFI_DEVICE_ERROR;
	} else {
		status = spm_status(msg_param(1)->u[0]);
	}
	if (!BUG(OPTEE_SHM_NEVER_UNREGISTERED)) {
		unregister_buffer();
	}
close:
	if (!BUG(OPTEE_SESSION_NEVER_OPENED)) {
		close_session(session);
	}
	return status;
}

#endif /* MM_TRANSPORT_OPTEE */
