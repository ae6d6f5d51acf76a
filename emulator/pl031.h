/*
 * PL031 real-time clock (Arm DDI 0224), as QEMU's `virt` has it at
 * 0x0901_0000.  U-Boot's EFI GetTime/SetTime read and load it.
 *
 * Time is deterministic: the clock starts at PL031_EPOCH and advances with
 * the machine's virtual counter, so a run gives the same times twice.
 * Not modelled: the match interrupt (no GIC); RTCMR is kept, RTCRIS stays 0.
 */
#ifndef EMULATOR_PL031_H
#define EMULATOR_PL031_H

#include <stdint.h>

#define PL031_DR 0x000
#define PL031_MR 0x004
#define PL031_LR 0x008
#define PL031_CR 0x00c
#define PL031_IMSC 0x010
#define PL031_RIS 0x014
#define PL031_MIS 0x018
#define PL031_ICR 0x01c

/* 2026-01-01T00:00:00Z: where the clock starts. */
#define PL031_EPOCH UINT32_C(1767225600)

struct pl031 {
	uint32_t offset;  /* RTCDR = offset + seconds of virtual time */
	uint32_t match;
	uint32_t imsc;
};

void pl031_init(struct pl031 *s);
/* now_seconds: the virtual time since reset. */
uint32_t pl031_read(struct pl031 *s, uint64_t offset, uint64_t now_seconds);
void pl031_write(struct pl031 *s, uint64_t offset, uint32_t value,
		 uint64_t now_seconds);

#endif /* EMULATOR_PL031_H */
