/*
 * Helpers of the C hostile images: firmware that misuses FF-A and MM
 * communicate on purpose, then powers off with PSCI SYSTEM_OFF, so that a
 * run ends cleanly and its verdict comes from the findings.
 *
 * Each image is one file, <name>.c, with hostile_main().  It checks the
 * answers it gets and prints one console line per check, "ok: ..." or
 * "WRONG: ...", then "done" before powering off
 * (tests/integration/test-hostile-corpus.sh reads them).
 *
 * The platform is qemu-virt as the harness models it: RAM at 0x4000_0000
 * (1 GiB), the MM shared buffer at 0x6000_0000 (16 KiB), the MM partition
 * 0x8003, the PL011 at 0x0900_0000, secure memory at 0x0e00_0000.
 */
#ifndef HOSTILE_H
#define HOSTILE_H

#include <stddef.h>
#include <stdint.h>

#include "abi/efi.h"
#include "abi/ffa.h"
#include "abi/mm.h"
#include "abi/smccc.h"
#include "fwlib.h" /* memcpy, memset, uart, smccc_call (firmware/lib) */

#define RAM_BASE UINT64_C(0x40000000)
#define RAM_END UINT64_C(0x80000000)
#define SHARED_BUF UINT64_C(0x60000000)
#define SHARED_SIZE UINT64_C(0x4000)
#define MM_SP_ID 0x8003
#define SECURE_BASE UINT64_C(0x0e000000)

/* lib.c */
void say(const char *text);
void say_hex(const char *text, uint64_t value);
/* Prints "ok: what" when got == want, else "WRONG: what" and both. */
void expect_eq(const char *what, uint64_t got, uint64_t want);
void power_off(void) __attribute__((noreturn));

/* One SMC with x0..x7 as given and x8..x17 zero. */
struct smccc_regs smc(uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3,
		      uint64_t x4, uint64_t x5, uint64_t x6, uint64_t x7);

/* The image's own RX/TX pair: one page each. */
extern uint8_t hostile_tx[4096];
extern uint8_t hostile_rx[4096];

/*
 * What a correct client does before its first doorbell: FFA_VERSION (1.2),
 * FFA_RXTX_MAP of the image's own pair, FFA_PARTITION_INFO_GET of every
 * partition and FFA_RX_RELEASE.  Checks each answer.
 */
void ffa_setup(void);

/*
 * An MM request at offset in the shared buffer: the communicate header
 * (the variable protocol's GUID and message_length), the variable header
 * (function, ReturnStatus cleared) and payload_len payload bytes.
 */
void mm_put(uint64_t offset, uint64_t message_length, uint64_t function,
	    const void *payload, size_t payload_len);
/* FFA_MSG_SEND_DIRECT_REQ_64 to the MM partition with x3 = offset. */
struct smccc_regs mm_doorbell(uint64_t offset);
/* ReturnStatus of the request at offset, as the partition left it. */
uint64_t mm_status(uint64_t offset);

/*
 * mm_put() of an access-variable request at offset 0: the variable
 * protocol's GUID, DataSize, NameSize and BS attributes as given, then
 * name_bytes of name, then 8 bytes of fill (what follows the name).
 */
void mm_put_access_variable(uint64_t function, const uint16_t *name,
			    size_t name_bytes, uint64_t name_size,
			    uint64_t data_size, uint8_t fill);
/* Doorbell at offset; expects MM_SUCCESS and EFI_INVALID_PARAMETER. */
void expect_mm_invalid_parameter(const char *what, uint64_t offset);
/* fid (FFA_RXTX_MAP_32/64) of tx, rx, pages; expects INVALID_PARAMETERS. */
void expect_rxtx_map_refused(const char *what, uint32_t fid, uint64_t tx,
			     uint64_t rx, uint32_t pages);

#endif /* HOSTILE_H */
