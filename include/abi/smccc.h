/*
 * SMC Calling Convention (Arm DEN0028): function-ID encoding, owners and
 * the Arm architecture calls.
 *
 * Freestanding: shared by the host program and the firmware under firmware/.
 * Facts: TF-A include/lib/smccc.h, include/services/arm_arch_svc.h;
 * U-Boot include/linux/arm-smccc.h.
 */
#ifndef ABI_SMCCC_H
#define ABI_SMCCC_H

#include <stdbool.h>
#include <stdint.h>

/* Function ID (w0) fields. */
#define SMCCC_FAST_CALL (UINT32_C(1) << 31)
#define SMCCC_CONV_64 (UINT32_C(1) << 30)
#define SMCCC_OWNER_SHIFT 24
#define SMCCC_OWNER_MASK UINT32_C(0x3f)
#define SMCCC_SVE_HINT (UINT32_C(1) << 16) /* SMCCC >= 1.3, masked on decode */
#define SMCCC_FC_RESERVED_MASK UINT32_C(0x00fe0000) /* bits 23:17, MBZ */
#define SMCCC_FUNC_MASK UINT32_C(0xffff)

/* Owning entities (bits 29:24). */
enum smccc_owner {
	SMCCC_OWNER_ARCH = 0,
	SMCCC_OWNER_CPU = 1,
	SMCCC_OWNER_SIP = 2,
	SMCCC_OWNER_OEM = 3,
	SMCCC_OWNER_STD = 4, /* PSCI, FF-A, TRNG */
	SMCCC_OWNER_STD_HYP = 5,
	SMCCC_OWNER_VENDOR_HYP = 6,
	SMCCC_OWNER_TAPP_FIRST = 48,
	SMCCC_OWNER_TAPP_LAST = 49,
	SMCCC_OWNER_TOS_FIRST = 50,
	SMCCC_OWNER_TOS_LAST = 63,
};

static inline uint32_t smccc_owner(uint32_t fid)
{
	return (fid >> SMCCC_OWNER_SHIFT) & SMCCC_OWNER_MASK;
}

static inline bool smccc_is_fast(uint32_t fid)
{
	return (fid & SMCCC_FAST_CALL) != 0;
}

static inline bool smccc_is_64(uint32_t fid)
{
	return (fid & SMCCC_CONV_64) != 0;
}

static inline uint32_t smccc_func_num(uint32_t fid)
{
	return fid & SMCCC_FUNC_MASK;
}

/* Return codes of the Arm architecture calls (x0, sign-extended). */
#define SMCCC_RET_SUCCESS 0
#define SMCCC_RET_NOT_SUPPORTED (-1)
#define SMCCC_RET_NOT_REQUIRED (-2)
#define SMCCC_RET_INVALID_PARAMETER (-3)

/* Unknown function ID (TF-A SMC_UNK). */
#define SMC_UNK (-1)

/* Arm architecture service (owner 0). */
#define SMCCC_VERSION UINT32_C(0x80000000)
#define SMCCC_ARCH_FEATURES UINT32_C(0x80000001)
#define SMCCC_ARCH_SOC_ID UINT32_C(0x80000002)
#define SMCCC_ARCH_FEATURE_AVAILABILITY UINT32_C(0x80000003)
#define SMCCC_ARCH_WORKAROUND_1 UINT32_C(0x80008000)
#define SMCCC_ARCH_WORKAROUND_2 UINT32_C(0x80007fff)
#define SMCCC_ARCH_WORKAROUND_3 UINT32_C(0x80003fff)

#define SMCCC_VERSION_1_2 UINT32_C(0x00010002)

/* Register bundle of one SMC: x0..x17 as SMCCC 1.2 defines for SMC64. */
#define SMCCC_REG_COUNT 18

struct smccc_regs {
	uint64_t x[SMCCC_REG_COUNT];
};

/* The SMC instruction with immediate 0 (U-Boot smccc-call.S). */
#define SMCCC_SMC0_INSN UINT32_C(0xd4000003)

#endif /* ABI_SMCCC_H */
