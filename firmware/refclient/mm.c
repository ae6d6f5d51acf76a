/*
 * MM communicate over FF-A, shaped like U-Boot's ffa_mm_communicate()
 * (reference 4.3 to 4.6), with the cache maintenance of the proposed
 * runtime series: clean the request before the doorbell, invalidate the
 * response range after it.  Runtime code: the transport stays alive after
 * ExitBootServices.
 */
#include "abi/ffa.h"
#include "abi/mm.h"
#include "refclient.h"

/* The local communicate buffer (U-Boot callocs one per call). */
__rt_bss static uint8_t comm_buf[MM_COMM_BUF_MAX] __attribute__((aligned(64)));
__rt_data uint64_t mm_max_payload;

struct errno_map {
	int32_t code;
	efi_status_t status;
};

/*
 * MM return code (x3) -> EFI status, U-Boot's ffa_notify_mm_sp() followed
 * by ffa_mm_communicate()'s switch; anything else is EFI_ACCESS_DENIED.
 */
static const struct errno_map mm_ret_map[] = {
	{MM_RET_NOT_SUPPORTED, EFI_DEVICE_ERROR},
	{MM_RET_INVALID_PARAMETER, EFI_INVALID_PARAMETER},
	{MM_RET_DENIED, EFI_ACCESS_DENIED},
	{MM_RET_NO_MEMORY, EFI_OUT_OF_RESOURCES},
};

/*
 * FF-A error (w2) -> EFI status through ffa_to_std_errno() and the same
 * switch; unlisted codes are EFI_DEVICE_ERROR.
 */
static const struct errno_map ffa_err_map[] = {
	{FFA_RET_NOT_SUPPORTED, EFI_ACCESS_DENIED},
	{FFA_RET_INVALID_PARAMETERS, EFI_DEVICE_ERROR},
	{FFA_RET_NO_MEMORY, EFI_ACCESS_DENIED},
	{FFA_RET_BUSY, EFI_OUT_OF_RESOURCES},
	{FFA_RET_INTERRUPTED, EFI_ACCESS_DENIED},
	{FFA_RET_DENIED, EFI_ACCESS_DENIED},
	{FFA_RET_RETRY, EFI_ACCESS_DENIED},
	{FFA_RET_ABORTED, EFI_ACCESS_DENIED},
};

/* The wrong-mapping variant swaps two rows, as a careless edit would. */
static const struct errno_map ffa_err_map_buggy[] = {
	{FFA_RET_NOT_SUPPORTED, EFI_ACCESS_DENIED},
	{FFA_RET_INVALID_PARAMETERS, EFI_INVALID_PARAMETER},
	{FFA_RET_NO_MEMORY, EFI_ACCESS_DENIED},
	{FFA_RET_BUSY, EFI_ACCESS_DENIED},
	{FFA_RET_INTERRUPTED, EFI_ACCESS_DENIED},
	{FFA_RET_DENIED, EFI_ACCESS_DENIED},
	{FFA_RET_RETRY, EFI_ACCESS_DENIED},
	{FFA_RET_ABORTED, EFI_ACCESS_DENIED},
};

__rt_text static efi_status_t map_code(const struct errno_map *map, size_t n,
				       int32_t code, efi_status_t other)
{
	for (size_t i = 0; i < n; i++) {
		if (map[i].code == code) {
			return map[i].status;
		}
	}
	return other;
}

/* The partition ID the doorbell goes to. */
__rt_text static uint16_t mm_sp_id(void)
{
	extern uint16_t ffa_boot_mm_sp_id;

	if (BUG(STALE_PARTITION_ID_IN_BOOT_DATA)) {
		return ffa_boot_mm_sp_id; /* boot-time data, gone at runtime */
	}
	return ffa_rt.mm_sp_id;
}

/* FFA_MSG_SEND_DIRECT_REQ_64 with x3 = offset; FFA_RUN on FFA_INTERRUPT. */
__rt_text static efi_status_t doorbell(int32_t *mm_ret)
{
	struct smccc_regs r = {
		.x = {FFA_MSG_SEND_DIRECT_REQ_64,
		      ffa_endpoints(ffa_rt.own_id, mm_sp_id()), 0,
		      FFA_SHARED_MM_BUF_OFFSET},
	};

	if (BUG(DIRECT_REQ_32_WITH_64_OFFSET)) {
		r.x[0] = FFA_MSG_SEND_DIRECT_REQ_32;
		r.x[3] = (uint64_t)FFA_SHARED_MM_BUF_OFFSET | UINT64_C(1) << 32;
	}
	smccc_call(&r);
	while (r.x[0] == FFA_INTERRUPT) {
		uint64_t target = r.x[1];

		r = (struct smccc_regs){.x = {FFA_RUN, target}};
		smccc_call(&r);
	}
	if (r.x[0] == FFA_MSG_SEND_DIRECT_RESP_64 ||
	    (BUG(DIRECT_REQ_32_WITH_64_OFFSET) &&
	     r.x[0] == FFA_MSG_SEND_DIRECT_RESP_32)) {
		*mm_ret = (int32_t)r.x[3];
		return EFI_SUCCESS;
	}
	if (r.x[0] == FFA_SUCCESS_32) {
		/* U-Boot: "sent, no response"; x3 keeps the offset. */
		*mm_ret = (int32_t)FFA_SHARED_MM_BUF_OFFSET;
		return EFI_SUCCESS;
	}
	if (BUG(WRONG_ERROR_MAPPING)) {
		return map_code(ffa_err_map_buggy,
				sizeof(ffa_err_map_buggy) /
					sizeof(ffa_err_map_buggy[0]),
				(int32_t)r.x[2], EFI_DEVICE_ERROR);
	}
	return map_code(ffa_err_map, sizeof(ffa_err_map) / sizeof(ffa_err_map[0]),
			(int32_t)r.x[2], EFI_DEVICE_ERROR);
}

__rt_text efi_status_t mm_communicate(void *buf, size_t size)
{
	struct mm_communicate_header *hdr = buf;
	uint8_t *shared = (uint8_t *)(uintptr_t)(FFA_SHARED_MM_BUF_ADDR +
						FFA_SHARED_MM_BUF_OFFSET);
	size_t tx_size = (size_t)hdr->message_length + MM_COMM_HEADER_SIZE;
	size_t rx_size;
	efi_status_t status;
	int32_t mm_ret = 0;

#if MM_TRANSPORT_OPTEE
	/* The buffer itself is registered and answered in place. */
	(void)shared;
	(void)rx_size;
	(void)mm_ret;
	(void)status;
	if (size != tx_size || size > MM_COMM_BUF_MAX) {
		return EFI_INVALID_PARAMETER;
	}
	return optee_mm_communicate(buf, size);
#endif
	if (!ffa_rt.ready) {
		return EFI_UNSUPPORTED;
	}
	if (size != tx_size ||
	    tx_size > FFA_SHARED_MM_BUF_SIZE - FFA_SHARED_MM_BUF_OFFSET) {
		return EFI_INVALID_PARAMETER;
	}
	memcpy(shared, buf, tx_size);
	if (BUG(SETWAY_FLUSH_AT_RUNTIME)) {
		dcache_flush_all_setway();
	} else if (!BUG(NO_CLEAN_BEFORE_DOORBELL)) {
		dcache_clean_range((uintptr_t)shared, tx_size);
	}
	status = doorbell(&mm_ret);
	if (status != EFI_SUCCESS) {
		return status;
	}
	if (mm_ret != MM_RET_SUCCESS) {
		if (BUG(WRONG_ERROR_MAPPING) && mm_ret == MM_RET_NO_MEMORY) {
			return EFI_DEVICE_ERROR;
		}
		return map_code(mm_ret_map,
				sizeof(mm_ret_map) / sizeof(mm_ret_map[0]),
				mm_ret, EFI_ACCESS_DENIED);
	}
	if (!BUG(NO_INVALIDATE_AFTER_RESPONSE)) {
		dcache_invalidate_range((uintptr_t)shared, tx_size);
	}
	rx_size = (size_t)((struct mm_communicate_header *)shared)
			  ->message_length +
		  MM_COMM_HEADER_SIZE;
	if (rx_size > size) {
		if (!BUG(ACCEPTS_LARGER_RESPONSE)) {
			return EFI_OUT_OF_RESOURCES;
		}
		rx_size = size; /* truncates silently */
	}
	memcpy(buf, shared, rx_size);
	return EFI_SUCCESS;
}

/* setup_mm_hdr(): header, variable header, payload of payload_size. */
__rt_text void *mm_setup_header(size_t payload_size, uint64_t function)
{
	static const struct efi_guid variable_guid = MM_SMM_VARIABLE_GUID;
	struct mm_communicate_header *hdr = (void *)comm_buf;
	struct mm_variable_header *var =
		(void *)(comm_buf + MM_COMM_HEADER_SIZE);

	if (payload_size + MM_VAR_PAYLOAD_OFFSET > sizeof(comm_buf)) {
		return NULL;
	}
	memset(comm_buf, 0, MM_VAR_PAYLOAD_OFFSET + payload_size);
	hdr->header_guid = variable_guid;
	hdr->message_length = MM_VAR_HEADER_SIZE + payload_size;
	var->function = function;
	var->return_status = EFI_SUCCESS;
	return comm_buf + MM_VAR_PAYLOAD_OFFSET;
}

/* Sends what mm_setup_header() prepared; returns ReturnStatus. */
__rt_text efi_status_t mm_send(size_t payload_size)
{
	efi_status_t status = mm_communicate(comm_buf, MM_VAR_PAYLOAD_OFFSET +
							       payload_size);

	if (status != EFI_SUCCESS) {
		return status;
	}
	return ((struct mm_variable_header *)(comm_buf + MM_COMM_HEADER_SIZE))
		->return_status;
}

/* GET_PAYLOAD_SIZE; U-Boot keeps reply - 2 ("EDK2 boundary bug"). */
efi_status_t mm_init_payload_size(void)
{
	struct mm_get_payload_size *ps =
		mm_setup_header(sizeof(*ps), MM_VAR_FN_GET_PAYLOAD_SIZE);
	efi_status_t status = mm_send(sizeof(*ps));

	if (status != EFI_SUCCESS) {
		return status;
	}
	if (ps->variable_payload_size <
	    MM_VAR_PAYLOAD_OFFSET + sizeof(struct mm_query_variable_info)) {
		return EFI_DEVICE_ERROR;
	}
	mm_max_payload = ps->variable_payload_size - 2;
	uart_printf("EFI: MM variable payload size %lu\n", mm_max_payload);
	return EFI_SUCCESS;
}
