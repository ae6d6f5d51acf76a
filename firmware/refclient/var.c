/*
 * The EFI variable services over MM, building the buffers U-Boot's
 * efi_variable_tee.c builds (reference 4.6): payload sizes counted with
 * sizeof(access variable) = 40 while the name sits at byte 36, requests
 * trimmed to the partition's payload size, BUFFER_TOO_SMALL carried in
 * ReturnStatus with the sizes copied back.  Runtime code.
 */
#include "abi/mm.h"
#include "refclient.h"

#define ACCESS_HEADER_SIZE sizeof(struct mm_access_variable) /* 40 */

/* Where the name goes: byte 36 (40 in the unpacked-struct variant). */
__rt_text static size_t name_offset(void)
{
	return BUG(UNPACKED_ACCESS_VARIABLE) ? sizeof(struct mm_access_variable)
					     : MM_ACCESS_VARIABLE_NAME_OFFSET;
}

/*
 * The access-variable payload size U-Boot sends: header (sizeof = 40),
 * name and data.  The message-length variant forgets the name.
 */
__rt_text static size_t access_payload_size(size_t name_size,
					    size_t data_size)
{
	if (BUG(MESSAGE_LENGTH_WITHOUT_NAME)) {
		return ACCESS_HEADER_SIZE + data_size;
	}
	return ACCESS_HEADER_SIZE + name_size + data_size;
}

/* VAR_CHECK_VARIABLE_PROPERTY_GET; NOT_FOUND means "no property". */
__rt_text static efi_status_t property_get(const uint16_t *name,
					   size_t name_size,
					   const struct efi_guid *guid,
					   uint16_t *property)
{
	struct mm_var_check_variable_property *vp;
	size_t payload = sizeof(*vp) + name_size;
	efi_status_t status;

	vp = mm_setup_header(payload, MM_VAR_FN_VAR_CHECK_PROPERTY_GET);
	if (vp == NULL) {
		return EFI_INVALID_PARAMETER;
	}
	vp->guid = *guid;
	vp->name_size = name_size;
	memcpy((uint8_t *)vp + sizeof(*vp), name, name_size);
	status = mm_send(payload);
	if (status == EFI_NOT_FOUND) {
		*property = 0;
		return EFI_SUCCESS;
	}
	if (status == EFI_SUCCESS) {
		*property = vp->property.property;
	}
	return status;
}

__rt_text efi_status_t var_get(const uint16_t *name,
			       const struct efi_guid *guid,
			       uint32_t *attributes, uint64_t *data_size,
			       void *data)
{
	struct mm_access_variable *va;
	size_t name_size, payload;
	uint64_t tmp_dsize;
	uint16_t property = 0;
	efi_status_t status;

	if (name == NULL || guid == NULL || data_size == NULL) {
		return EFI_INVALID_PARAMETER;
	}
	name_size = ucs2_size(name);
	if (name_size > mm_max_payload - ACCESS_HEADER_SIZE) {
		return EFI_INVALID_PARAMETER;
	}
	/* Trim the caller's size to what fits in one request. */
	tmp_dsize = *data_size;
	if (name_size + tmp_dsize > mm_max_payload - ACCESS_HEADER_SIZE) {
		tmp_dsize = mm_max_payload - ACCESS_HEADER_SIZE - name_size;
	}
	payload = access_payload_size(name_size, (size_t)tmp_dsize);
	va = mm_setup_header(payload, MM_VAR_FN_GET_VARIABLE);
	if (va == NULL) {
		return EFI_INVALID_PARAMETER;
	}
	va->guid = *guid;
	va->data_size = tmp_dsize;
	va->name_size = name_size;
	va->attributes = attributes != NULL ? *attributes : 0;
	memcpy((uint8_t *)va + name_offset(), name, name_size);
	status = mm_send(payload);
	if (status == EFI_BUFFER_TOO_SMALL) {
		*data_size = va->data_size;
		if (attributes != NULL) {
			*attributes = va->attributes;
		}
		return status;
	}
	if (status != EFI_SUCCESS) {
		return status;
	}
	if (data == NULL) {
		return EFI_INVALID_PARAMETER;
	}
	memcpy(data, (uint8_t *)va + name_offset() + name_size,
	       (size_t)va->data_size);
	*data_size = va->data_size;
	if (attributes != NULL) {
		uint32_t attrs = va->attributes;

		/* U-Boot asks for the read-only property too. */
		status = property_get(name, name_size, guid, &property);
		if (status != EFI_SUCCESS) {
			return status;
		}
		*attributes = attrs;
	}
	return EFI_SUCCESS;
}

__rt_text efi_status_t var_set(const uint16_t *name,
			       const struct efi_guid *guid,
			       uint32_t attributes, uint64_t data_size,
			       const void *data)
{
	struct mm_access_variable *va;
	size_t name_size, payload;
	uint16_t property = 0;
	efi_status_t status;

	if (name == NULL || guid == NULL || (data_size != 0 && data == NULL)) {
		return EFI_INVALID_PARAMETER;
	}
	name_size = ucs2_size(name);
	if (name_size + data_size > mm_max_payload - ACCESS_HEADER_SIZE) {
		return EFI_INVALID_PARAMETER;
	}
	status = property_get(name, name_size, guid, &property);
	if (status != EFI_SUCCESS) {
		return status;
	}
	if ((property & MM_VAR_CHECK_READ_ONLY) != 0) {
		return EFI_WRITE_PROTECTED;
	}
	payload = access_payload_size(name_size, (size_t)data_size);
	va = mm_setup_header(ACCESS_HEADER_SIZE + name_size + data_size,
			     MM_VAR_FN_SET_VARIABLE);
	if (va == NULL) {
		return EFI_INVALID_PARAMETER;
	}
	if (BUG(MESSAGE_LENGTH_WITHOUT_NAME)) {
		/* The header says fewer bytes than the request holds. */
		((struct mm_communicate_header *)((uint8_t *)va -
						  MM_VAR_PAYLOAD_OFFSET))
			->message_length = MM_VAR_HEADER_SIZE + payload;
	}
	va->guid = *guid;
	va->data_size = data_size;
	va->name_size = name_size;
	va->attributes = attributes & EFI_VARIABLE_MASK;
	memcpy((uint8_t *)va + name_offset(), name, name_size);
	memcpy((uint8_t *)va + name_offset() + name_size, data,
	       (size_t)data_size);
	return mm_send(payload);
}

__rt_text efi_status_t var_get_next(uint64_t *name_size, uint16_t *name,
				    struct efi_guid *guid)
{
	struct mm_get_next_variable_name *gn;
	size_t in_size, out_size, payload;
	efi_status_t status;

	if (name_size == NULL || name == NULL || guid == NULL) {
		return EFI_INVALID_PARAMETER;
	}
	in_size = ucs2_size(name);
	out_size = (size_t)*name_size;
	if (out_size < in_size) {
		return EFI_INVALID_PARAMETER;
	}
	if (out_size > mm_max_payload - sizeof(*gn)) {
		out_size = mm_max_payload - sizeof(*gn);
	}
	payload = sizeof(*gn) + out_size;
	gn = mm_setup_header(payload, MM_VAR_FN_GET_NEXT_VARIABLE_NAME);
	if (gn == NULL) {
		return EFI_INVALID_PARAMETER;
	}
	gn->guid = *guid;
	gn->name_size = out_size;
	memcpy((uint8_t *)gn + sizeof(*gn), name, in_size);
	status = mm_send(payload);
	if (status == EFI_BUFFER_TOO_SMALL) {
		*name_size = gn->name_size;
		return status;
	}
	if (status != EFI_SUCCESS) {
		return status;
	}
	*guid = gn->guid;
	memcpy(name, (uint8_t *)gn + sizeof(*gn), (size_t)gn->name_size);
	*name_size = gn->name_size;
	return EFI_SUCCESS;
}

__rt_text efi_status_t var_query(uint32_t attributes, uint64_t *max_storage,
				 uint64_t *remaining, uint64_t *max_size)
{
	struct mm_query_variable_info *q;
	efi_status_t status;

	if (attributes == 0 || max_storage == NULL || remaining == NULL ||
	    max_size == NULL) {
		return EFI_INVALID_PARAMETER;
	}
	q = mm_setup_header(sizeof(*q), MM_VAR_FN_QUERY_VARIABLE_INFO);
	if (q == NULL) {
		return EFI_INVALID_PARAMETER;
	}
	q->attributes = attributes;
	status = mm_send(sizeof(*q));
	if (status != EFI_SUCCESS) {
		return status;
	}
	*max_storage = q->maximum_variable_storage_size;
	*remaining = q->remaining_variable_storage_size;
	*max_size = q->maximum_variable_size;
	return EFI_SUCCESS;
}

/*
 * ExitBootServices for variables: EXIT_BOOT_SERVICE with an empty payload,
 * then FFA_RXTX_UNMAP (U-Boot's DM_FLAG_OS_PREPARE teardown).  Boot-time
 * code: it runs before the switch to runtime.
 */
efi_status_t var_exit_boot_services(void)
{
	efi_status_t status;

	if (mm_setup_header(0, MM_VAR_FN_EXIT_BOOT_SERVICE) == NULL) {
		return EFI_INVALID_PARAMETER;
	}
	status = mm_send(0);
	if (status != EFI_SUCCESS) {
		uart_printf("Unable to notify the MM partition for "
			    "ExitBootServices\n");
		return status;
	}
	if (!MM_TRANSPORT_OPTEE && !BUG(NO_RXTX_UNMAP_AT_EBS) &&
	    ffa_unmap_rxtx() != 0) {
		return EFI_DEVICE_ERROR;
	}
	if (BUG(ZERO_PARTITION_ID_AT_RUNTIME)) {
		ffa_rt.mm_sp_id = 0; /* torn down with the FF-A device */
	}
	return EFI_SUCCESS;
}
