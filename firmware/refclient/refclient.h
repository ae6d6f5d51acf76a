/*
 * The reference client: a bare-metal FF-A + MM variable client shaped like
 * U-Boot's arm-ffa and efi_variable_tee.c, driven by the agent protocol.
 * Boot-time code lives in .text/.data/.bss; everything the firmware still
 * runs after ExitBootServices carries __rt_text / __rt_data / __rt_bss and
 * is linked into the runtime sections (linker.ld).
 *
 * Build-time configuration, as U-Boot's Kconfig gives it: the shared MM
 * buffer (FFA_SHARED_MM_BUF_ADDR/SIZE/OFFSET) and SEEDED_BUG, which builds
 * one of the seeded-bug variants (seeded_bugs.h) from the same source.
 */
#ifndef REFCLIENT_H
#define REFCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/efi.h"
#include "abi/smccc.h"
#include "fwlib.h" /* memcpy, uart, smccc_call, __rt_* (firmware/lib) */
#include "seeded_bugs.h"

#ifndef FFA_SHARED_MM_BUF_ADDR
#define FFA_SHARED_MM_BUF_ADDR 0x60000000u
#endif
#ifndef FFA_SHARED_MM_BUF_SIZE
#define FFA_SHARED_MM_BUF_SIZE 0x4000u
#endif
#ifndef FFA_SHARED_MM_BUF_OFFSET
#define FFA_SHARED_MM_BUF_OFFSET 0u
#endif

/* 1: MM over OP-TEE's StMM pseudo-TA instead of FF-A (optee.c). */
#ifndef MM_TRANSPORT_OPTEE
#define MM_TRANSPORT_OPTEE 0
#endif

/*
 * 1: negotiate FF-A v1.1 instead of U-Boot's v1.0, as Linux's driver
 * does: notifications (notiftest.c) and v1.1 memory descriptors.
 */
#ifndef FFA_CLIENT_V1_1
#define FFA_CLIENT_V1_1 0
#endif

#define CACHE_LINE 64u

typedef uint64_t efi_status_t;

/* start.S */
void switch_stack(void *top, void (*fn)(void)) __attribute__((noreturn));
extern char __rt_text_start[], __rt_text_end[];
extern char __rt_data_start[], __rt_data_end[];
extern char __rt_stack_top[];

/* lib.c: freestanding helpers, all runtime (more in firmware/lib) */
size_t strlen(const char *s);
size_t ucs2_size(const uint16_t *s); /* bytes, NUL included */
void uart_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void psci_system_off(void) __attribute__((noreturn));
void psci_system_reset(void) __attribute__((noreturn));

/* cache.c: maintenance by VA over a range, to the point of coherency */
void dcache_clean_range(uintptr_t start, size_t size);
void dcache_invalidate_range(uintptr_t start, size_t size);
void dcache_flush_all_setway(void);
void mmu_enable_identity(void);

/* ffa.c: discovery at boot, runtime state for the transport */
struct ffa_state {
	uint16_t own_id;
	uint16_t mm_sp_id;
	bool ready;
};
extern struct ffa_state ffa_rt;
int ffa_discover(void);
int ffa_unmap_rxtx(void);
uint8_t *ffa_tx_buffer(void);
/* The ID of the partition with this UUID; -1 when there is none. */
int ffa_partition_id(const uint32_t uuid[4], uint16_t *id);

/* memtest.c: memory transactions with the test partition, if present */
void memtest_run(void);
/* The test partition's ID (memtest.c); -1 when it is not there. */
int memtest_partition(uint16_t *sp);
/* One direct request of the test partition's protocol; its x3 status. */
int64_t memtest_command(uint16_t sp, uint64_t cmd, uint64_t a1, uint64_t a2,
			uint64_t a3);
/* The same, with the answer's x4 and x5 (either may be NULL). */
int64_t memtest_command_results(uint16_t sp, uint64_t cmd, uint64_t a1,
				uint64_t a2, uint64_t a3, uint64_t *x4,
				uint64_t *x5);

/* notiftest.c: notifications with the test partition (FFA_CLIENT_V1_1) */
void notiftest_run(void);

/* mm.c: MM communicate over FF-A */
#define MM_COMM_BUF_MAX FFA_SHARED_MM_BUF_SIZE
efi_status_t mm_communicate(void *buf, size_t size);
efi_status_t mm_send(size_t payload_size);
void *mm_setup_header(size_t payload_size, uint64_t function);
efi_status_t mm_init_payload_size(void);
extern uint64_t mm_max_payload;

/* optee.c: MM communicate over OP-TEE (MM_TRANSPORT_OPTEE) */
int optee_probe(void);
efi_status_t optee_mm_communicate(void *buf, size_t size);

/* var.c: the EFI variable services */
efi_status_t var_get(const uint16_t *name, const struct efi_guid *guid,
		     uint32_t *attributes, uint64_t *data_size, void *data);
efi_status_t var_set(const uint16_t *name, const struct efi_guid *guid,
		     uint32_t attributes, uint64_t data_size,
		     const void *data);
efi_status_t var_get_next(uint64_t *name_size, uint16_t *name,
			  struct efi_guid *guid);
efi_status_t var_query(uint32_t attributes, uint64_t *max_storage,
		       uint64_t *remaining, uint64_t *max_size);
efi_status_t var_exit_boot_services(void);

/* agent.c */
void agent_start(void) __attribute__((noreturn));

#endif /* REFCLIENT_H */
