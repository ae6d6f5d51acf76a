/*
 * Seeded bugs: each variant of the reference client is built from this
 * same source with -DSEEDED_BUG=<n> and carries exactly one bug a reviewer
 * of the FF-A runtime series could have missed.  SEEDED_BUG 0 is the clean
 * client.  The code tests `BUG(NAME)`, a compile-time constant, so each
 * variant compiles only its own deviation.  The table of variants and the
 * finding each must trigger is firmware/refclient/variants.txt.
 */
#ifndef REFCLIENT_SEEDED_BUGS_H
#define REFCLIENT_SEEDED_BUGS_H

#ifndef SEEDED_BUG
#define SEEDED_BUG 0
#endif

#define BUG_NONE 0
#define BUG_NO_CLEAN_BEFORE_DOORBELL 1
#define BUG_NO_INVALIDATE_AFTER_RESPONSE 2
#define BUG_UNPACKED_ACCESS_VARIABLE 3
#define BUG_RUNTIME_CALLS_BOOT_HELPER 4
#define BUG_ZERO_PARTITION_ID_AT_RUNTIME 5
#define BUG_WRONG_ERROR_MAPPING 6
#define BUG_DIRECT_REQ_BEFORE_VERSION 7
#define BUG_MESSAGE_LENGTH_WITHOUT_NAME 8
#define BUG_RX_NEVER_RELEASED 9
#define BUG_ACCEPTS_LARGER_RESPONSE 10
#define BUG_DIRECT_REQ_32_WITH_64_OFFSET 11
#define BUG_SETWAY_FLUSH_AT_RUNTIME 12
#define BUG_NO_RXTX_UNMAP_AT_EBS 13
#define BUG_STALE_PARTITION_ID_IN_BOOT_DATA 14
#define BUG_EXITS_BOOT_SERVICES_ALONE 15
#define BUG_MEM_V1_1_LAYOUT_AFTER_V1_0 16
#define BUG_MEM_CONSTITUENT_PAST_COMPOSITE 17
#define BUG_MEM_RECLAIM_BEFORE_RELINQUISH 18
#define BUG_MEM_LEND_WITHOUT_ZERO_FLAG 19
#define BUG_MEM_DOUBLE_RETRIEVE 20
#define BUG_MEM_WRITE_AFTER_LEND 21
#define BUG_MEM_READ_AFTER_DONATE 22
/*
 * MM over OP-TEE (refclient-optee-*.elf, firmware/refclient/optee.c):
 * numbered after SEEDED_BUGS of firmware/firmware.mk.
 */
#define BUG_OPTEE_MEMREF_OUTSIDE_SHM 23
#define BUG_OPTEE_SESSION_NEVER_OPENED 24
#define BUG_OPTEE_WRONG_PARAM_TYPE 25
#define BUG_OPTEE_SHM_NEVER_UNREGISTERED 26
/*
 * Notifications, in the client that negotiates FF-A v1.1
 * (refclient-notif-*.elf, firmware/refclient/notiftest.c): numbered after
 * OPTEE_SEEDED_BUGS of firmware/firmware.mk.
 */
#define BUG_NOTIF_SET_BEFORE_BIND 27
#define BUG_NOTIF_GET_WRONG_RECEIVER 28
#define BUG_NOTIF_BIND_TWICE 29
#define BUG_NOTIF_DESTROY_WITH_PENDING 30

#define BUG(name) (SEEDED_BUG == BUG_##name)

#endif /* REFCLIENT_SEEDED_BUGS_H */
