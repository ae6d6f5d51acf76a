/*
 * Arm Firmware Framework for A-profile (FF-A, DEN0077A) v1.0..v1.2: function
 * IDs, error codes, version encoding, partition-information descriptors.
 *
 * Facts: TF-A include/services/ffa_svc.h, Hafnium inc/vmapi/hf/ffa.h,
 * Linux include/linux/arm_ffa.h, the arm-ffa crate (ArmFirmwareCrates).
 */
#ifndef ABI_FFA_H
#define ABI_FFA_H

#include <stddef.h>
#include <stdint.h>

/* Function numbers: SMC32 = 0x840000NN, SMC64 = 0xC40000NN. */
#define FFA_FID32(nn) (UINT32_C(0x84000000) | (uint32_t)(nn))
#define FFA_FID64(nn) (UINT32_C(0xc4000000) | (uint32_t)(nn))

/* TF-A is_ffa_fid(): function numbers 0x60..0x97 of the standard owner. */
#define FFA_FUNC_FIRST UINT32_C(0x60)
#define FFA_FUNC_LAST UINT32_C(0x97)

#define FFA_ERROR FFA_FID32(0x60)
#define FFA_SUCCESS_32 FFA_FID32(0x61)
#define FFA_SUCCESS_64 FFA_FID64(0x61)
#define FFA_INTERRUPT FFA_FID32(0x62)
#define FFA_VERSION FFA_FID32(0x63)
#define FFA_FEATURES FFA_FID32(0x64)
#define FFA_RX_RELEASE FFA_FID32(0x65)
#define FFA_RXTX_MAP_32 FFA_FID32(0x66)
#define FFA_RXTX_MAP_64 FFA_FID64(0x66)
#define FFA_RXTX_UNMAP FFA_FID32(0x67)
#define FFA_PARTITION_INFO_GET FFA_FID32(0x68)
#define FFA_ID_GET FFA_FID32(0x69)
#define FFA_MSG_POLL FFA_FID32(0x6a)
#define FFA_MSG_WAIT FFA_FID32(0x6b)
#define FFA_YIELD FFA_FID32(0x6c)
#define FFA_RUN FFA_FID32(0x6d)
#define FFA_MSG_SEND FFA_FID32(0x6e)
#define FFA_MSG_SEND_DIRECT_REQ_32 FFA_FID32(0x6f)
#define FFA_MSG_SEND_DIRECT_REQ_64 FFA_FID64(0x6f)
#define FFA_MSG_SEND_DIRECT_RESP_32 FFA_FID32(0x70)
#define FFA_MSG_SEND_DIRECT_RESP_64 FFA_FID64(0x70)
#define FFA_MEM_DONATE_32 FFA_FID32(0x71)
#define FFA_MEM_DONATE_64 FFA_FID64(0x71)
#define FFA_MEM_LEND_32 FFA_FID32(0x72)
#define FFA_MEM_LEND_64 FFA_FID64(0x72)
#define FFA_MEM_SHARE_32 FFA_FID32(0x73)
#define FFA_MEM_SHARE_64 FFA_FID64(0x73)
#define FFA_MEM_RETRIEVE_REQ_32 FFA_FID32(0x74)
#define FFA_MEM_RETRIEVE_REQ_64 FFA_FID64(0x74)
#define FFA_MEM_RETRIEVE_RESP FFA_FID32(0x75)
#define FFA_MEM_RELINQUISH FFA_FID32(0x76)
#define FFA_MEM_RECLAIM FFA_FID32(0x77)
#define FFA_MEM_OP_PAUSE FFA_FID32(0x78)
#define FFA_MEM_OP_RESUME FFA_FID32(0x79)
#define FFA_MEM_FRAG_RX FFA_FID32(0x7a)
#define FFA_MEM_FRAG_TX FFA_FID32(0x7b)
#define FFA_NORMAL_WORLD_RESUME FFA_FID32(0x7c)
#define FFA_NOTIFICATION_BITMAP_CREATE FFA_FID32(0x7d)
#define FFA_NOTIFICATION_BITMAP_DESTROY FFA_FID32(0x7e)
#define FFA_NOTIFICATION_BIND FFA_FID32(0x7f)
#define FFA_NOTIFICATION_UNBIND FFA_FID32(0x80)
#define FFA_NOTIFICATION_SET FFA_FID32(0x81)
#define FFA_NOTIFICATION_GET FFA_FID32(0x82)
#define FFA_NOTIFICATION_INFO_GET_32 FFA_FID32(0x83)
#define FFA_NOTIFICATION_INFO_GET_64 FFA_FID64(0x83)
#define FFA_RX_ACQUIRE FFA_FID32(0x84)
#define FFA_SPM_ID_GET FFA_FID32(0x85)
#define FFA_MSG_SEND2 FFA_FID32(0x86)
#define FFA_SECONDARY_EP_REGISTER_32 FFA_FID32(0x87)
#define FFA_SECONDARY_EP_REGISTER_64 FFA_FID64(0x87)
#define FFA_MEM_PERM_GET_32 FFA_FID32(0x88)
#define FFA_MEM_PERM_GET_64 FFA_FID64(0x88)
#define FFA_MEM_PERM_SET_32 FFA_FID32(0x89)
#define FFA_MEM_PERM_SET_64 FFA_FID64(0x89)
#define FFA_CONSOLE_LOG_32 FFA_FID32(0x8a)
#define FFA_CONSOLE_LOG_64 FFA_FID64(0x8a)
#define FFA_PARTITION_INFO_GET_REGS FFA_FID64(0x8b)
#define FFA_EL3_INTR_HANDLE FFA_FID32(0x8c)
#define FFA_MSG_SEND_DIRECT_REQ2 FFA_FID64(0x8d)
#define FFA_MSG_SEND_DIRECT_RESP2 FFA_FID64(0x8e)

/* FFA_ERROR w2 codes (signed 32-bit). */
#define FFA_RET_NOT_SUPPORTED (-1)
#define FFA_RET_INVALID_PARAMETERS (-2)
#define FFA_RET_NO_MEMORY (-3)
#define FFA_RET_BUSY (-4)
#define FFA_RET_INTERRUPTED (-5)
#define FFA_RET_DENIED (-6)
#define FFA_RET_RETRY (-7)
#define FFA_RET_ABORTED (-8)
#define FFA_RET_NO_DATA (-9)
#define FFA_RET_NOT_READY (-10)

/* Version: bit31 MBZ, bits 30:16 major, bits 15:0 minor. */
#define FFA_VERSION_MBZ (UINT32_C(1) << 31)
#define FFA_VERSION_MAKE(maj, min) \
	((((uint32_t)(maj)&0x7fffu) << 16) | ((uint32_t)(min)&0xffffu))
#define FFA_VERSION_1_0 FFA_VERSION_MAKE(1, 0)
#define FFA_VERSION_1_1 FFA_VERSION_MAKE(1, 1)
#define FFA_VERSION_1_2 FFA_VERSION_MAKE(1, 2)

static inline uint32_t ffa_version_major(uint32_t v)
{
	return (v >> 16) & 0x7fffu;
}

static inline uint32_t ffa_version_minor(uint32_t v)
{
	return v & 0xffffu;
}

/* Direct messages, RXTX_UNMAP, FFA_RUN: w1 = sender/target info. */
static inline uint32_t ffa_endpoints(uint16_t sender, uint16_t receiver)
{
	return ((uint32_t)sender << 16) | receiver;
}

static inline uint16_t ffa_sender(uint64_t w1)
{
	return (uint16_t)((w1 >> 16) & 0xffffu);
}

static inline uint16_t ffa_receiver(uint64_t w1)
{
	return (uint16_t)(w1 & 0xffffu);
}

/* FFA_FEATURES(FFA_RXTX_MAP) w2 bits 1:0: minimum buffer size and alignment. */
#define FFA_RXTX_MIN_4K 0u
#define FFA_RXTX_MIN_64K 1u
#define FFA_RXTX_MIN_16K 2u
#define FFA_RXTX_MAX_PAGES_SHIFT 16 /* v1.2 callers only */
#define FFA_RXTX_PAGE_COUNT_MASK UINT32_C(0x3f) /* w3 bits 5:0 */
#define FFA_PAGE_SIZE UINT32_C(4096)

/* FFA_PARTITION_INFO_GET w5 flags (v1.1+; MBZ for v1.0). */
#define FFA_PARTITION_INFO_GET_COUNT_ONLY UINT32_C(1)

/* Partition properties. */
#define FFA_PART_PROP_DIRECT_REQ_RECV (UINT32_C(1) << 0)
#define FFA_PART_PROP_DIRECT_REQ_SEND (UINT32_C(1) << 1)
#define FFA_PART_PROP_INDIRECT_MSG (UINT32_C(1) << 2)
#define FFA_PART_PROP_NOTIFICATION_RECV (UINT32_C(1) << 3)
#define FFA_PART_PROP_ID_TYPE_SHIFT 4
#define FFA_PART_PROP_VM_CREATED (UINT32_C(1) << 6)
#define FFA_PART_PROP_VM_DESTROYED (UINT32_C(1) << 7)
#define FFA_PART_PROP_AARCH64 (UINT32_C(1) << 8)
#define FFA_PART_PROP_DIRECT_REQ2_RECV (UINT32_C(1) << 9)
#define FFA_PART_PROP_DIRECT_REQ2_SEND (UINT32_C(1) << 10)
/* What a v1.0 caller may see (TF-A FFA_PARTITION_INFO_GET_PROPERTIES_V1_0_MASK). */
#define FFA_PART_PROP_V1_0_MASK UINT32_C(0x7)
#define FFA_PART_PROP_V1_1_MASK UINT32_C(0x1ff)
#define FFA_PART_PROP_V1_2_MASK UINT32_C(0x7ff)

/* Endpoint ID conventions: bit 15 set = secure world. */
#define FFA_ID_SECURE_BIT UINT16_C(0x8000)
#define FFA_SPMC_ID UINT16_C(0x8000)

/* Direct message flags (w2), v1.1+: bit 31 = framework message. */
#define FFA_MSG_FLAG_FRAMEWORK (UINT32_C(1) << 31)

/*
 * A UUID as FF-A carries it: the 16 RFC-4122 bytes packed little-endian into
 * four 32-bit words (w1..w4).  See the reference, section 2.6.
 */
struct ffa_uuid {
	uint32_t w[4];
};

/* PARTITION_INFO_GET descriptor, v1.0 (8 bytes). */
struct ffa_partition_info_v1_0 {
	uint16_t id;
	uint16_t exec_ctx_count;
	uint32_t properties;
};
_Static_assert(sizeof(struct ffa_partition_info_v1_0) == 8,
	       "FF-A v1.0 partition information descriptor is 8 bytes");

/* PARTITION_INFO_GET descriptor, v1.1/v1.2 (24 bytes). */
struct ffa_partition_info_v1_1 {
	uint16_t id;
	uint16_t exec_ctx_count;
	uint32_t properties;
	uint8_t uuid[16]; /* RFC-4122 byte order */
};
_Static_assert(sizeof(struct ffa_partition_info_v1_1) == 24,
	       "FF-A v1.1 partition information descriptor is 24 bytes");
_Static_assert(offsetof(struct ffa_partition_info_v1_1, uuid) == 8,
	       "FF-A v1.1 descriptor: UUID at offset 8");

/* The MM secure partition U-Boot looks for (reference 2.6 and 4.2). */
#define FFA_MM_SP_UUID_W0 UINT32_C(0x33d532ed)
#define FFA_MM_SP_UUID_W1 UINT32_C(0x0942e699)
#define FFA_MM_SP_UUID_W2 UINT32_C(0x722dc09c)
#define FFA_MM_SP_UUID_W3 UINT32_C(0xa798d9cd)

/* PARTITION_INFO_GET_REGS: descriptors per call, registers per descriptor. */
#define FFA_PART_INFO_REGS_PER_CALL 5

#endif /* ABI_FFA_H */
