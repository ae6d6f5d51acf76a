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
 */
#ifndef EMULATOR_LOOP_IDIOM_H
#define EMULATOR_LOOP_IDIOM_H

#include <stdbool.h>
#include <stdint.h>

enum loop_idiom_kind {
	LOOP_IDIOM_NONE,
	LOOP_IDIOM_FILL_WORDS,
};

/* Instructions in a block of each part of the loop. */
#define LOOP_IDIOM_BLOCK_INSNS 3

struct loop_idiom {
	enum loop_idiom_kind kind;
	unsigned end_reg;   /* Xend: the length to fill */
	unsigned index_reg; /* Xi: the offset reached, advanced by the loop */
	unsigned base_reg;  /* Xb */
	unsigned value_reg; /* Xv: the eight bytes stored */
	unsigned temp_reg;  /* Xt: written by the head */
	unsigned step;      /* bytes an iteration stores */
	unsigned insns_per_iteration;
};

/*
 * Whether the block of three words at head_pc and the one at body_pc form
 * a loop this module knows, with the head about to run; out filled if so.
 */
bool loop_idiom_match(uint64_t head_pc, const uint32_t head[3],
		      uint64_t body_pc, const uint32_t body[3],
		      struct loop_idiom *out);

/*
 * How many more times the body runs when the head is about to run with
 * these register values (Xend, Xi).
 */
uint64_t loop_idiom_iterations(const struct loop_idiom *l, uint64_t end,
			       uint64_t index);

#endif /* EMULATOR_LOOP_IDIOM_H */
