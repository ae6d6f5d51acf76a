/*
 * The pseudo-TAs of the OP-TEE model, one table row each: device
 * enumeration (OP-TEE core/pta/device.c, as Linux's
 * drivers/tee/optee/device.c and U-Boot's bind_service_drivers() query
 * it) and StMM (OP-TEE core/arch/arm/kernel/stmm_sp.c, as Linux's
 * drivers/firmware/efi/stmm/tee_stmm_efi.c and U-Boot's
 * lib/efi_loader/efi_variable_tee.c call it), whose buffer goes to the MM
 * partition (mm_sp_communicate()).
 */
#include "models/optee_private.h"

#include <string.h>

#include "abi/mm.h"
#include "models/mm_sp.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const uint8_t stmm_uuid[16] = OPTEE_PTA_STMM_UUID;

/*
 * core/pta/device.c get_devices(): (MEMREF_OUTPUT, NONE, NONE, NONE); the
 * UUIDs as octets; SHORT_BUFFER with the size needed when they do not
 * fit.  StMM is listed under one command only (optee_config).
 */
static uint32_t pta_device_invoke(struct msg_call *mc, uint32_t func,
				  uint32_t *origin)
{
	static const enum ta_type want[4] = {TA_MEMREF_OUT, TA_NONE, TA_NONE,
					     TA_NONE};
	struct optee *op = mc->op;
	struct ta_param *out = &mc->ta[0];
	bool stmm = false;
	uint64_t need, avail;

	*origin = TEEC_ORIGIN_TRUSTED_APP;
	switch (func) {
	case PTA_CMD_GET_DEVICES:
		stmm = op->mm != NULL && !op->cfg.stmm_listed_with_supplicant;
		break;
	case PTA_CMD_GET_DEVICES_SUPP:
		stmm = op->mm != NULL && op->cfg.stmm_listed_with_supplicant;
		break;
	case PTA_CMD_GET_DEVICES_RPMB:
		break;
	default:
		return TEEC_ERROR_NOT_IMPLEMENTED;
	}
	if (!optee_types_are(mc, want)) {
		optee_msg_finding(mc, FINDING_FIRMWARE, "optee.pta-param-types",
			    "device enumeration wants (MEMREF_OUTPUT, NONE, "
			    "NONE, NONE)");
		return TEEC_ERROR_BAD_PARAMETERS;
	}
	need = stmm ? sizeof(stmm_uuid) : 0;
	avail = out->ref.null ? 0 : out->ref.size;
	out->ref.size = need;
	if (avail < need) {
		return TEEC_ERROR_SHORT_BUFFER;
	}
	optee_truncate_output(mc, out);
	if (out->ref.size != 0 &&
	    !guest_mem_write(out->ref.mem, out->ref.addr, stmm_uuid,
			     (size_t)out->ref.size)) {
		return TEEC_ERROR_BAD_PARAMETERS;
	}
	return TEEC_SUCCESS;
}

/* stmm_sp.c stmm_enter_open_session(): no parameters. */
static uint32_t pta_stmm_open(struct msg_call *mc)
{
	static const enum ta_type none[4] = {TA_NONE, TA_NONE, TA_NONE,
					     TA_NONE};

	return optee_types_are(mc, none) ? TEEC_SUCCESS : TEEC_ERROR_BAD_PARAMETERS;
}

/* The MM function of a StMM request, for injection rules and traces. */
uint64_t optee_peek_mm_function(const struct msg_call *mc)
{
	const struct memref *r = &mc->ta[0].ref;
	uint64_t function;

	if (mc->ta_count == 0 || r->null ||
	    r->size < MM_COMM_HEADER_SIZE + sizeof(function) ||
	    !guest_mem_read(r->mem, r->addr + MM_COMM_HEADER_SIZE, &function,
			    sizeof(function))) {
		return UINT64_MAX;
	}
	return function;
}

/*
 * stmm_sp.c stmm_enter_invoke_cmd(): PTA_STMM_CMD_COMMUNICATE with
 * (MEMREF_INOUT, VALUE_OUTPUT, NONE, NONE); a buffer larger than the
 * 16 KiB normal-world buffer is EXCESS_DATA with that size; value[1].a is
 * the partition's MM return code as a u32 (param_val), so clients see a
 * negative code zero-extended.
 */
static uint32_t pta_stmm_invoke(struct msg_call *mc, uint32_t func,
				uint32_t *origin)
{
	static const enum ta_type want[4] = {TA_MEMREF_INOUT, TA_VALUE_OUT,
					     TA_NONE, TA_NONE};
	struct ta_param *buf = &mc->ta[0];
	int64_t ret;

	*origin = TEEC_ORIGIN_TRUSTED_APP;
	if (func != PTA_STMM_CMD_COMMUNICATE) {
		optee_msg_finding(mc, FINDING_FIRMWARE, "optee.stmm-unknown-command",
			    "StMM command %u (only COMMUNICATE, 0)", func);
		return TEEC_ERROR_BAD_PARAMETERS;
	}
	if (!optee_types_are(mc, want)) {
		optee_msg_finding(mc, FINDING_FIRMWARE, "optee.pta-param-types",
			    "StMM COMMUNICATE wants (MEMREF_INOUT, "
			    "VALUE_OUTPUT, NONE, NONE)");
		return TEEC_ERROR_BAD_PARAMETERS;
	}
	if (buf->ref.size > OPTEE_STMM_NS_BUFFER_SIZE) {
		optee_msg_finding(mc, FINDING_FIRMWARE, "optee.stmm-buffer-too-large",
			    "StMM buffer of %llu bytes exceeds the %u-byte "
			    "normal-world buffer",
			    (unsigned long long)buf->ref.size,
			    OPTEE_STMM_NS_BUFFER_SIZE);
		buf->ref.size = OPTEE_STMM_NS_BUFFER_SIZE;
		return TEEC_ERROR_EXCESS_DATA;
	}
	if (buf->ref.null) {
		optee_msg_finding(mc, FINDING_FIRMWARE, "optee.stmm-null-buffer",
			    "StMM COMMUNICATE with a NULL buffer");
		return TEEC_ERROR_BAD_PARAMETERS;
	}
	ret = mm_sp_communicate(mc->op->mm, buf->ref.mem, buf->ref.addr,
				buf->ref.size, OPTEE_STMM_NS_BUFFER_SIZE,
				mc->smc->event);
	mc->mm_served = true;
	mc->ta[1].a = (uint32_t)ret;
	mc->ta[1].b = 0;
	optee_truncate_output(mc, buf);
	return TEEC_SUCCESS;
}

static const struct optee_pta pta_table[] = {
	{"device-enum", OPTEE_PTA_DEVICE_ENUM_UUID, NULL, pta_device_invoke,
	 false},
	{"stmm", OPTEE_PTA_STMM_UUID, pta_stmm_open, pta_stmm_invoke, true},
};

const struct optee_pta *optee_pta_find(const struct optee *op,
					const uint8_t uuid[16])
{
	for (size_t i = 0; i < ARRAY_SIZE(pta_table); i++) {
		if (memcmp(pta_table[i].uuid, uuid, 16) != 0) {
			continue;
		}
		if (pta_table[i].serves_mm && op->mm == NULL) {
			return NULL; /* no MM partition behind it */
		}
		return &pta_table[i];
	}
	return NULL;
}

