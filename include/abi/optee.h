/*
 * The OP-TEE SMC ABI and message protocol as the normal-world drivers use
 * them: Linux drivers/tee/optee/{optee_smc.h,optee_msg.h,optee_private.h}
 * (6.12), U-Boot drivers/tee/optee/{optee_smc.h,optee_msg.h} and
 * include/tee.h, OP-TEE core/include/optee_msg.h and
 * lib/libutee/include/tee_api_defines.h.  Values are those headers'
 * facts; the names are ours.
 *
 * Freestanding: shared by the host program and the firmware under
 * firmware/.  Every layout is little-endian and pinned below.
 */
#ifndef ABI_OPTEE_H
#define ABI_OPTEE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Function IDs: SMC32, owner 50 (trusted OS) or 63 (trusted OS end),
 * fast (bit 31) or yielding ("std") calls (optee_smc.h
 * OPTEE_SMC_FAST_CALL_VAL / OPTEE_SMC_STD_CALL_VAL).
 */
#define OPTEE_SMC_CALLS_UID UINT32_C(0xbf00ff01)
#define OPTEE_SMC_CALLS_REVISION UINT32_C(0xbf00ff03)
#define OPTEE_SMC_GET_OS_UUID UINT32_C(0xb2000000)
#define OPTEE_SMC_GET_OS_REVISION UINT32_C(0xb2000001)
#define OPTEE_SMC_RETURN_FROM_RPC UINT32_C(0x32000003)
#define OPTEE_SMC_CALL_WITH_ARG UINT32_C(0x32000004)
#define OPTEE_SMC_GET_SHM_CONFIG UINT32_C(0xb2000007)
#define OPTEE_SMC_EXCHANGE_CAPABILITIES UINT32_C(0xb2000009)
#define OPTEE_SMC_DISABLE_SHM_CACHE UINT32_C(0xb200000a)
#define OPTEE_SMC_ENABLE_SHM_CACHE UINT32_C(0xb200000b)
#define OPTEE_SMC_GET_THREAD_COUNT UINT32_C(0xb200000f)
#define OPTEE_SMC_ENABLE_ASYNC_NOTIF UINT32_C(0xb2000010)
#define OPTEE_SMC_GET_ASYNC_NOTIF_VALUE UINT32_C(0xb2000011)
#define OPTEE_SMC_CALL_WITH_RPC_ARG UINT32_C(0x32000012)
#define OPTEE_SMC_CALL_WITH_REGD_ARG UINT32_C(0x32000013)

/* The API UID 384fb3e0-e7f8-11e3-af63-0002a5d5c51b and revision 2.0. */
#define OPTEE_MSG_UID_0 UINT32_C(0x384fb3e0)
#define OPTEE_MSG_UID_1 UINT32_C(0xe7f811e3)
#define OPTEE_MSG_UID_2 UINT32_C(0xaf630002)
#define OPTEE_MSG_UID_3 UINT32_C(0xa5d5c51b)
#define OPTEE_MSG_REVISION_MAJOR 2u
#define OPTEE_MSG_REVISION_MINOR 0u
/* The OS UUID 486178e0-e7f8-11e3-bc5e-0002a5d5c51b. */
#define OPTEE_MSG_OS_OPTEE_UUID_0 UINT32_C(0x486178e0)
#define OPTEE_MSG_OS_OPTEE_UUID_1 UINT32_C(0xe7f811e3)
#define OPTEE_MSG_OS_OPTEE_UUID_2 UINT32_C(0xbc5e0002)
#define OPTEE_MSG_OS_OPTEE_UUID_3 UINT32_C(0xa5d5c51b)

/* a0 of a returning call (optee_smc.h OPTEE_SMC_RETURN_*). */
#define OPTEE_SMC_RETURN_OK UINT32_C(0x0)
#define OPTEE_SMC_RETURN_ETHREAD_LIMIT UINT32_C(0x1)
#define OPTEE_SMC_RETURN_EBUSY UINT32_C(0x2)
#define OPTEE_SMC_RETURN_ERESUME UINT32_C(0x3)
#define OPTEE_SMC_RETURN_EBADADDR UINT32_C(0x4)
#define OPTEE_SMC_RETURN_EBADCMD UINT32_C(0x5)
#define OPTEE_SMC_RETURN_ENOMEM UINT32_C(0x6)
#define OPTEE_SMC_RETURN_ENOTAVAIL UINT32_C(0x7)
#define OPTEE_SMC_RETURN_UNKNOWN_FUNCTION UINT32_C(0xffffffff)

/*
 * RPC requests: any a0 in 0xffff0000..0xfffffffe is one
 * (optee_smc.h OPTEE_SMC_RETURN_IS_RPC()).
 */
#define OPTEE_SMC_RPC_PREFIX UINT32_C(0xffff0000)
#define OPTEE_SMC_RETURN_RPC_ALLOC UINT32_C(0xffff0000)
#define OPTEE_SMC_RETURN_RPC_FREE UINT32_C(0xffff0002)
#define OPTEE_SMC_RETURN_RPC_FOREIGN_INTR UINT32_C(0xffff0004)
#define OPTEE_SMC_RETURN_RPC_CMD UINT32_C(0xffff0005)

static inline bool optee_smc_return_is_rpc(uint64_t a0)
{
	return a0 != OPTEE_SMC_RETURN_UNKNOWN_FUNCTION &&
	       (a0 & UINT64_C(0xffffffffffff0000)) == OPTEE_SMC_RPC_PREFIX;
}

/* Capabilities (EXCHANGE_CAPABILITIES a1 in, a1 out). */
#define OPTEE_SMC_NSEC_CAP_UNIPROCESSOR (UINT32_C(1) << 0)
#define OPTEE_SMC_SEC_CAP_HAVE_RESERVED_SHM (UINT32_C(1) << 0)
#define OPTEE_SMC_SEC_CAP_UNREGISTERED_SHM (UINT32_C(1) << 1)
#define OPTEE_SMC_SEC_CAP_DYNAMIC_SHM (UINT32_C(1) << 2)
#define OPTEE_SMC_SEC_CAP_VIRTUALIZATION (UINT32_C(1) << 3)
#define OPTEE_SMC_SEC_CAP_MEMREF_NULL (UINT32_C(1) << 4)
#define OPTEE_SMC_SEC_CAP_ASYNC_NOTIF (UINT32_C(1) << 5)
#define OPTEE_SMC_SEC_CAP_RPC_ARG (UINT32_C(1) << 6)
/* GET_SHM_CONFIG a3: the only cache setting Linux accepts. */
#define OPTEE_SMC_SHM_CACHED 1u

/* Message commands (optee_msg.h OPTEE_MSG_CMD_*). */
#define OPTEE_MSG_CMD_OPEN_SESSION 0u
#define OPTEE_MSG_CMD_INVOKE_COMMAND 1u
#define OPTEE_MSG_CMD_CLOSE_SESSION 2u
#define OPTEE_MSG_CMD_CANCEL 3u
#define OPTEE_MSG_CMD_REGISTER_SHM 4u
#define OPTEE_MSG_CMD_UNREGISTER_SHM 5u
#define OPTEE_MSG_CMD_DO_BOTTOM_HALF 6u
#define OPTEE_MSG_CMD_STOP_ASYNC_NOTIF 7u

/* RPC commands carried in an RPC argument (optee_rpc_cmd.h). */
#define OPTEE_RPC_CMD_GET_TIME 3u
#define OPTEE_RPC_CMD_SHM_ALLOC 6u
#define OPTEE_RPC_CMD_SHM_FREE 7u

/* Parameter attributes (optee_msg.h OPTEE_MSG_ATTR_*). */
#define OPTEE_MSG_ATTR_TYPE_NONE 0x0u
#define OPTEE_MSG_ATTR_TYPE_VALUE_INPUT 0x1u
#define OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT 0x2u
#define OPTEE_MSG_ATTR_TYPE_VALUE_INOUT 0x3u
#define OPTEE_MSG_ATTR_TYPE_RMEM_INPUT 0x5u
#define OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT 0x6u
#define OPTEE_MSG_ATTR_TYPE_RMEM_INOUT 0x7u
#define OPTEE_MSG_ATTR_TYPE_TMEM_INPUT 0x9u
#define OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT 0xau
#define OPTEE_MSG_ATTR_TYPE_TMEM_INOUT 0xbu
#define OPTEE_MSG_ATTR_TYPE_MASK UINT64_C(0xff)
#define OPTEE_MSG_ATTR_META (UINT64_C(1) << 8)
#define OPTEE_MSG_ATTR_NONCONTIG (UINT64_C(1) << 9)
#define OPTEE_MSG_ATTR_CACHE_SHIFT 16
#define OPTEE_MSG_ATTR_CACHE_MASK UINT64_C(0x7)

/* Login classes (optee_msg.h OPTEE_MSG_LOGIN_*; TEE_LOGIN_REE_KERNEL). */
#define OPTEE_MSG_LOGIN_PUBLIC 0x0u
#define OPTEE_MSG_LOGIN_REE_KERNEL 0x80000000u

/* struct optee_msg_param: attr, then a 24-byte union. */
struct optee_msg_param {
	uint64_t attr;
	uint64_t u[3]; /* tmem {buf_ptr, size, shm_ref}, rmem {offs, size,
			* shm_ref}, value {a, b, c} */
};
_Static_assert(sizeof(struct optee_msg_param) == 32,
	       "optee_msg.h: struct optee_msg_param is 32 bytes");

/* struct optee_msg_arg without its params[] (which follow at 32). */
struct optee_msg_arg {
	uint32_t cmd;
	uint32_t func;
	uint32_t session;
	uint32_t cancel_id;
	uint32_t pad;
	uint32_t ret;
	uint32_t ret_origin;
	uint32_t num_params;
};
_Static_assert(sizeof(struct optee_msg_arg) == 32,
	       "optee_msg.h: struct optee_msg_arg header is 32 bytes");
_Static_assert(offsetof(struct optee_msg_arg, num_params) == 28,
	       "optee_msg.h: num_params at 28");

/* OPTEE_MSG_GET_ARG_SIZE(n). */
static inline uint64_t optee_msg_arg_size(uint64_t num_params)
{
	return sizeof(struct optee_msg_arg) +
	       num_params * sizeof(struct optee_msg_param);
}

/*
 * Non-contiguous page lists (optee_msg.h, OPTEE_MSG_ATTR_NONCONTIG): 4 KiB
 * pages of 511 page addresses and the address of the next list page at
 * byte 4088.
 */
#define OPTEE_MSG_NONCONTIG_PAGE_SIZE 4096u
#define OPTEE_MSG_NONCONTIG_ENTRIES 511u
#define OPTEE_MSG_NONCONTIG_NEXT_OFFSET 4088u

/* Result codes (Linux optee_private.h, U-Boot include/tee.h, OP-TEE). */
#define TEEC_SUCCESS UINT32_C(0x00000000)
#define TEEC_ERROR_GENERIC UINT32_C(0xffff0000)
#define TEEC_ERROR_ACCESS_DENIED UINT32_C(0xffff0001)
#define TEEC_ERROR_EXCESS_DATA UINT32_C(0xffff0004)
#define TEEC_ERROR_BAD_PARAMETERS UINT32_C(0xffff0006)
#define TEEC_ERROR_BAD_STATE UINT32_C(0xffff0007)
#define TEEC_ERROR_ITEM_NOT_FOUND UINT32_C(0xffff0008)
#define TEEC_ERROR_NOT_IMPLEMENTED UINT32_C(0xffff0009)
#define TEEC_ERROR_NOT_SUPPORTED UINT32_C(0xffff000a)
#define TEEC_ERROR_OUT_OF_MEMORY UINT32_C(0xffff000c)
#define TEEC_ERROR_BUSY UINT32_C(0xffff000d)
#define TEEC_ERROR_COMMUNICATION UINT32_C(0xffff000e)
#define TEEC_ERROR_SECURITY UINT32_C(0xffff000f)
#define TEEC_ERROR_SHORT_BUFFER UINT32_C(0xffff0010)
#define TEE_ERROR_TIMEOUT UINT32_C(0xffff3001)
#define TEE_ERROR_STORAGE_NOT_AVAILABLE UINT32_C(0xf0100003)

/* Origins (tee_api_defines.h TEE_ORIGIN_*). */
#define TEEC_ORIGIN_API 1u
#define TEEC_ORIGIN_COMMS 2u
#define TEEC_ORIGIN_TEE 3u
#define TEEC_ORIGIN_TRUSTED_APP 4u

/*
 * Pseudo-TAs, as the 16 RFC 4122 octets OPEN_SESSION carries.
 * Device enumeration 7011a688-ddde-4053-a5a9-7b3c4ddf13b8 (Linux
 * drivers/tee/optee/device.c, OP-TEE pta_device.h); StMM
 * ed32d533-99e6-4209-9cc0-2d72cdd998a7 (Linux
 * drivers/firmware/efi/stmm/mm_communication.h PTA_STMM_UUID).
 */
#define OPTEE_PTA_DEVICE_ENUM_UUID                                       \
	{0x70, 0x11, 0xa6, 0x88, 0xdd, 0xde, 0x40, 0x53, 0xa5, 0xa9, 0x7b, \
	 0x3c, 0x4d, 0xdf, 0x13, 0xb8}
#define OPTEE_PTA_STMM_UUID                                              \
	{0xed, 0x32, 0xd5, 0x33, 0x99, 0xe6, 0x42, 0x09, 0x9c, 0xc0, 0x2d, \
	 0x72, 0xcd, 0xd9, 0x98, 0xa7}
#define PTA_CMD_GET_DEVICES 0u
#define PTA_CMD_GET_DEVICES_SUPP 1u
#define PTA_CMD_GET_DEVICES_RPMB 2u
#define PTA_STMM_CMD_COMMUNICATE 0u
/* OP-TEE stmm_sp.c: the StMM normal-world buffer is 4 pages. */
#define OPTEE_STMM_NS_BUFFER_SIZE 16384u

#endif /* ABI_OPTEE_H */
