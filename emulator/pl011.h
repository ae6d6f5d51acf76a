/*
 * PL011 UART model (Arm DDI 0183), enough for polled firmware consoles.
 *
 * Interface: pl011_read()/pl011_write() are called by the machine for MMIO
 * accesses at offsets 0..0xfff.  Output goes to an in-memory log (and to an
 * echo stream when one is set); input comes from a queue that the harness
 * fills with pl011_feed().
 *
 * Not modelled: interrupts (no GIC), FIFOs' depth and levels, baud rate,
 * DMA, modem lines; the transmitter is always empty and never full.
 *
 * The line behaves like a terminal on the other end in one way: a
 * cursor-position query (ESC [ 6 n) is answered at once with a report for a
 * 24x80 screen, as a real terminal would.  U-Boot's EFI console sends that
 * query and, unanswered, would read the next typed line as the answer.
 *
 * "Waiting for input" is inferred: the firmware read the flag or data
 * register while the input queue was empty, PL011_IDLE_POLLS times in a row
 * with no output in between.  U-Boot's autoboot countdown polls about 100
 * times a second of virtual time and prints a digit each second, so it does
 * not look idle; its prompt loop does.
 */
#ifndef EMULATOR_PL011_H
#define EMULATOR_PL011_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/strbuf.h"

#define PL011_DR 0x000
#define PL011_RSR 0x004
#define PL011_FR 0x018
#define PL011_IBRD 0x024
#define PL011_FBRD 0x028
#define PL011_LCR_H 0x02c
#define PL011_CR 0x030
#define PL011_IFLS 0x034
#define PL011_IMSC 0x038
#define PL011_RIS 0x03c
#define PL011_MIS 0x040
#define PL011_ICR 0x044
#define PL011_DMACR 0x048

#define PL011_FR_BUSY (1u << 3)
#define PL011_FR_RXFE (1u << 4)
#define PL011_FR_TXFF (1u << 5)
#define PL011_FR_RXFF (1u << 6)
#define PL011_FR_TXFE (1u << 7)

#define PL011_IDLE_POLLS 1000u

struct pl011 {
	struct strbuf output;
	struct strbuf input;
	size_t input_pos;
	uint32_t ibrd, fbrd, lcr_h, cr, ifls, imsc, dmacr;
	uint64_t empty_polls;
	uint64_t idle_polls; /* threshold, PL011_IDLE_POLLS by default */
	bool answer_queries; /* the terminal answers ESC [ 6 n (default) */
	char tail[4];        /* the last bytes written, for the query */
	uint64_t queries_answered;
	FILE *echo;
};

void pl011_init(struct pl011 *s);
void pl011_free(struct pl011 *s);
uint64_t pl011_read(struct pl011 *s, uint64_t offset, unsigned size);
void pl011_write(struct pl011 *s, uint64_t offset, unsigned size,
		 uint64_t value);
/* Queues bytes for the firmware to read. */
void pl011_feed(struct pl011 *s, const char *bytes, size_t len);
size_t pl011_input_pending(const struct pl011 *s);
bool pl011_waiting_for_input(const struct pl011 *s);
/* Whether the model answers the cursor-position query itself (on by
 * default); off when a real terminal on the other end answers it. */
void pl011_answer_queries(struct pl011 *s, bool on);
/* Starts counting empty polls afresh, as new input would: the firmware
 * then runs another PL011_IDLE_POLLS polls before it looks idle again. */
void pl011_restart_idle(struct pl011 *s);
const char *pl011_output(const struct pl011 *s);
size_t pl011_output_len(const struct pl011 *s);

#endif /* EMULATOR_PL011_H */
