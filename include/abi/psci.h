/*
 * PSCI (Arm DEN0022) function IDs and return codes, as far as the
 * firmware we test uses them.
 *
 * Facts: ../shared/reference/ffa-mm-protocol.md section 1.4 (TF-A
 * include/lib/psci/psci.h, U-Boot include/linux/psci.h).
 */
#ifndef ABI_PSCI_H
#define ABI_PSCI_H

#include <stdint.h>

#define PSCI_VERSION UINT32_C(0x84000000)
#define PSCI_CPU_SUSPEND_32 UINT32_C(0x84000001)
#define PSCI_CPU_SUSPEND_64 UINT32_C(0xc4000001)
#define PSCI_CPU_OFF UINT32_C(0x84000002)
#define PSCI_CPU_ON_32 UINT32_C(0x84000003)
#define PSCI_CPU_ON_64 UINT32_C(0xc4000003)
#define PSCI_AFFINITY_INFO_32 UINT32_C(0x84000004)
#define PSCI_AFFINITY_INFO_64 UINT32_C(0xc4000004)
#define PSCI_MIGRATE_INFO_TYPE UINT32_C(0x84000006)
#define PSCI_SYSTEM_OFF UINT32_C(0x84000008)
#define PSCI_SYSTEM_RESET UINT32_C(0x84000009)
#define PSCI_FEATURES UINT32_C(0x8400000a)
#define PSCI_SYSTEM_SUSPEND_32 UINT32_C(0x8400000e)
#define PSCI_SYSTEM_SUSPEND_64 UINT32_C(0xc400000e)
#define PSCI_SYSTEM_RESET2_32 UINT32_C(0x84000012)
#define PSCI_SYSTEM_RESET2_64 UINT32_C(0xc4000012)

/* PSCI function numbers are 0x00..0x1f of the standard service. */
#define PSCI_FUNC_LAST UINT32_C(0x1f)

#define PSCI_VERSION_1_1 UINT32_C(0x00010001)

#define PSCI_RET_SUCCESS 0
#define PSCI_RET_NOT_SUPPORTED (-1)
#define PSCI_RET_INVALID_PARAMS (-2)
#define PSCI_RET_DENIED (-3)
#define PSCI_RET_ALREADY_ON (-4)
#define PSCI_RET_ON_PENDING (-5)
#define PSCI_RET_INTERNAL_FAILURE (-6)
#define PSCI_RET_NOT_PRESENT (-7)
#define PSCI_RET_DISABLED (-8)
#define PSCI_RET_INVALID_ADDRESS (-9)

/* AFFINITY_INFO results. */
#define PSCI_AFFINITY_ON 0
#define PSCI_AFFINITY_OFF 1

/* MIGRATE_INFO_TYPE: Trusted OS not present or does not need migration. */
#define PSCI_TOS_NOT_PRESENT_MP 2

/* TRNG (Arm DEN0098), probed by U-Boot's smccc_trng driver. */
#define TRNG_VERSION UINT32_C(0x84000050)
#define TRNG_FEATURES UINT32_C(0x84000051)
#define TRNG_GET_UUID UINT32_C(0x84000052)
#define TRNG_RND_32 UINT32_C(0x84000053)
#define TRNG_RND_64 UINT32_C(0xc4000053)
#define TRNG_FUNC_FIRST UINT32_C(0x50)
#define TRNG_FUNC_LAST UINT32_C(0x5f)

#endif /* ABI_PSCI_H */
