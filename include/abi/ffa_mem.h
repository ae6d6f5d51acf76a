/*
 * FF-A memory management and notification encodings (DEN0077A v1.0..v1.2):
 * memory transaction descriptor layouts, attribute, permission and flag
 * fields, the relinquish descriptor, and notification register fields.
 *
 * Descriptors are parsed byte by byte (little-endian) from untrusted
 * buffers, so the layouts are given as offsets, and the structs below only
 * pin the sizes the specification tables give.
 *
 * Facts: FF-A v1.1 EAC0 Tables 10.13-10.20 as cited by Hafnium
 * inc/vmapi/hf/ffa.h and ffa_v1_0.h; Linux include/linux/arm_ffa.h
 * (ffa_mem_region, ffa_mem_region_attributes, ffa_composite_mem_region,
 * FFA_MEM_* flags, notification flags).
 */
#ifndef ABI_FFA_MEM_H
#define ABI_FFA_MEM_H

#include <stdint.h>

/* Memory transaction descriptor header (Table 10.20 in v1.1). */
#define FFA_MEM_V1_0_HEADER_SIZE 32u /* EMADs follow at 32 */
#define FFA_MEM_V1_1_HEADER_SIZE 48u
#define FFA_MEM_OFF_SENDER 0u	    /* u16 */
#define FFA_MEM_OFF_ATTRIBUTES 2u   /* u8 (v1.0) or u16 (v1.1+) */
#define FFA_MEM_OFF_FLAGS 4u	    /* u32 */
#define FFA_MEM_OFF_HANDLE 8u	    /* u64 */
#define FFA_MEM_OFF_TAG 16u	    /* u64 */
#define FFA_MEM_OFF_EMAD_SIZE 24u   /* u32, v1.1+ (reserved in v1.0) */
#define FFA_MEM_OFF_EMAD_COUNT 28u  /* u32 */
#define FFA_MEM_OFF_EMAD_OFFSET 32u /* u32, v1.1+ */
#define FFA_MEM_OFF_RESERVED 36u    /* 12 bytes MBZ, v1.1+ */

/* Endpoint memory access descriptor (Table 10.19 in v1.1). */
#define FFA_MEM_EMAD_SIZE_V1_0 16u
#define FFA_MEM_EMAD_SIZE_V1_2 \
	32u /* v1.2 adds 16 implementation-defined bytes */
#define FFA_MEM_EMAD_OFF_RECEIVER 0u  /* u16 */
#define FFA_MEM_EMAD_OFF_PERMS 2u     /* u8 */
#define FFA_MEM_EMAD_OFF_FLAGS 3u     /* u8 */
#define FFA_MEM_EMAD_OFF_COMPOSITE 4u /* u32 */
#define FFA_MEM_EMAD_OFF_IMPDEF 8u    /* 16 bytes, v1.2 only */

/* Composite memory region descriptor and constituents (Tables 10.13/10.14). */
#define FFA_MEM_COMPOSITE_SIZE 16u   /* u32 pages, u32 count, u64 reserved */
#define FFA_MEM_CONSTITUENT_SIZE 16u /* u64 address, u32 pages, u32 reserved \
				      */
#define FFA_MEM_PAGE_SIZE 4096u

/* Memory region attributes (Table 10.18): u8 in v1.0, u16 in v1.1+. */
#define FFA_MEM_ATTR_SHAREABILITY_MASK 0x3u
#define FFA_MEM_ATTR_CACHEABILITY_SHIFT 2
#define FFA_MEM_ATTR_CACHEABILITY_MASK (0x3u << 2)
#define FFA_MEM_ATTR_TYPE_SHIFT 4
#define FFA_MEM_ATTR_TYPE_MASK (0x3u << 4)
#define FFA_MEM_ATTR_NS (1u << 6) /* v1.1+, retrieve responses only */
#define FFA_MEM_TYPE_NOT_SPECIFIED 0u
#define FFA_MEM_TYPE_DEVICE 1u
#define FFA_MEM_TYPE_NORMAL 2u
#define FFA_MEM_SHARE_NON_SHAREABLE 0u
#define FFA_MEM_SHARE_RESERVED 1u
#define FFA_MEM_CACHE_NON_CACHEABLE 1u
#define FFA_MEM_CACHE_WRITE_BACK 3u
/* What Linux sends for FFA_MEM_SHARE: Normal, write-back, inner shareable. */
#define FFA_MEM_ATTR_NORMAL_WB_INNER 0x2fu

/* Memory access permissions (Table 10.15): u8. */
#define FFA_MEM_DATA_MASK 0x3u
#define FFA_MEM_DATA_NOT_SPECIFIED 0u
#define FFA_MEM_DATA_RO 1u
#define FFA_MEM_DATA_RW 2u
#define FFA_MEM_DATA_RESERVED 3u
#define FFA_MEM_INSN_SHIFT 2
#define FFA_MEM_INSN_MASK (0x3u << 2)
#define FFA_MEM_INSN_NOT_SPECIFIED 0u
#define FFA_MEM_INSN_NX 1u
#define FFA_MEM_INSN_X 2u
#define FFA_MEM_INSN_RESERVED 3u
#define FFA_MEM_PERM_MBZ 0xf0u
/* EMAD flags: bit 0 non-retrieval borrower (v1.1); others MBZ. */
#define FFA_MEM_EMAD_FLAG_NON_RETRIEVAL 0x1u

/* Transaction flags (Table 10.21/10.22). */
#define FFA_MEM_FLAG_ZERO (1u << 0) /* send: zero before retrieve */
#define FFA_MEM_FLAG_TIME_SLICE (1u << 1)
#define FFA_MEM_FLAG_ZERO_AFTER (1u << 2) /* retrieve: zero after relinquish \
					   */
#define FFA_MEM_FLAG_TYPE_SHIFT 3
#define FFA_MEM_FLAG_TYPE_MASK \
	(0x3u << 3) /* retrieve: 1 share 2 lend 3 donate */
#define FFA_MEM_FLAG_HINT_MASK (0xfu << 5)
#define FFA_MEM_FLAG_HINT_VALID (1u << 9)
#define FFA_MEM_FLAG_SEND_ALLOWED (FFA_MEM_FLAG_ZERO | FFA_MEM_FLAG_TIME_SLICE)
#define FFA_MEM_FLAG_RETRIEVE_ALLOWED 0x3ffu

/* Relinquish descriptor: u64 handle, u32 flags, u32 count, u16 IDs[]. */
#define FFA_MEM_RELINQUISH_HEADER_SIZE 16u

/* FFA_MEM_RECLAIM w3 flags. */
#define FFA_MEM_RECLAIM_ZERO (1u << 0)
#define FFA_MEM_RECLAIM_TIME_SLICE (1u << 1)

/* Handle bit 63: allocated by the hypervisor (1) or the SPMC (0). */
#define FFA_MEM_HANDLE_HYPERVISOR (UINT64_C(1) << 63)

/* FFA_FEATURES(MEM_SHARE/LEND/DONATE) w2 bit 0: buffer in registers works. */
#define FFA_MEM_FEAT_DYNAMIC_BUFFER 1u

/* Notifications (FF-A v1.1 chapter 10 and the NOTIFICATION_* ABIs). */
#define FFA_NOTIF_FLAG_PER_VCPU (1u << 0) /* BIND, SET */
#define FFA_NOTIF_SET_DELAY_SRI (1u << 1) /* SET */
#define FFA_NOTIF_SET_VCPU_SHIFT 16	  /* SET w2[31:16] */
#define FFA_NOTIF_GET_SP (1u << 0)	  /* GET w2 */
#define FFA_NOTIF_GET_VM (1u << 1)
#define FFA_NOTIF_GET_SPM (1u << 2)
#define FFA_NOTIF_GET_HYP (1u << 3)
#define FFA_NOTIF_INFO_MORE_PENDING (1u << 0) /* INFO_GET w2 */
#define FFA_NOTIF_INFO_LIST_COUNT_SHIFT 7     /* w2[11:7] */
#define FFA_NOTIF_INFO_LIST_SHIFT 12	      /* 2 bits per list */
#define FFA_NOTIF_INFO_MAX_IDS_32 10
#define FFA_NOTIF_INFO_MAX_IDS_64 20
/* FFA_FEATURES feature IDs (w1 bit 31 clear). */
#define FFA_FEATURE_NPI 1u
#define FFA_FEATURE_SRI 2u
#define FFA_FEATURE_MEI 3u

#endif /* ABI_FFA_MEM_H */
