/*
 * Loops whose whole effect the machine applies at once instead of running
 * them one iteration at a time (emulator/machine_loops.c).  They are
 * recognised by their instruction words, wherever they sit, and only in the
 * exact form below; this module only decodes and counts (no Unicorn).
 *
 * Why: under Unicorn 2.0.1 every guest store takes the slow path
 * (docs/machine.md), and Debian's U-Boot 2023.01 spends 12.8 of the 22.5
 * million instructions of its boot in one loop of its generic memset()
 * (lib/string.c, built by GCC 12), which stores eight bytes an iteration
 * into the 16 MiB or so it clears.
 *
 * LOOP_IDIOM_FILL_WORDS, two blocks:
 *   head: sub  Xt, Xend, Xi        body: str  Xv, [Xb, Xi]
 *         cmp  Xt, #7                    add  Xi, Xi, #8
 *         b.hi body                      b    head
 * Each iteration stores Xv at Xb + Xi while Xend - Xi > 7 (unsigned).
 *
 * LOOP_IDIOM_COPY_BYTES, U-Boot's memcpy() when the two pointers are not
 * both eight-byte aligned (4.7 million instructions of `bootefi
 * selftest`):
 *   head: cmp  Xend, Xi            body: ldrb Wt, [Xs, Xi]
 *         b.ne body                      strb Wt, [Xb, Xi]
 *                                        add  Xi, Xi, #1
 *                                        b    head
 * Each iteration copies the byte at Xs + Xi to Xb + Xi while Xi != Xend,
 * forward, so an overlapping copy repeats bytes as the loop does; Xt ends
 * holding the last byte.
 */
#ifndef EMULATOR_LOOP_IDIOM_H
#define EMULATOR_LOOP_IDIOM_H

#include <stdbool.h>
#include <stdint.h>

enum loop_idiom_kind {
	LOOP_IDIOM_NONE,
	LOOP_IDIOM_FILL_WORDS,
	LOOP_IDIOM_COPY_BYTES,
};

/* The most instructions a block of a known loop has. */
#define LOOP_IDIOM_MAX_INSNS 4

/* A block: where it starts and its words (count of them). */
struct loop_block {
	uint64_t pc;
	const uint32_t *words;
	unsigned count;
};

struct loop_idiom {
	enum loop_idiom_kind kind;
	unsigned end_reg;    /* Xend: where the index stops */
	unsigned index_reg;  /* Xi: the offset reached, advanced by the loop */
	unsigned base_reg;   /* Xb: where the stores go */
	unsigned value_reg;  /* fill: Xv, the eight bytes stored */
	unsigned source_reg; /* copy: Xs, where the loads come from */
	unsigned temp_reg;   /* Xt: written in every turn */
	unsigned step;       /* bytes an iteration stores */
	unsigned insns_per_iteration;
};

/*
 * Whether head and body form a loop this module knows, with the head about
 * to run; out filled if so.
 */
bool loop_idiom_match(const struct loop_block *head,
		      const struct loop_block *body, struct loop_idiom *out);

/*
 * How many more times the body runs when the head is about to run with
 * these register values (Xend, Xi).
 */
uint64_t loop_idiom_iterations(const struct loop_idiom *l, uint64_t end,
			       uint64_t index);

#endif /* EMULATOR_LOOP_IDIOM_H */
