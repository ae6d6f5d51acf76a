/*
 * The data-cache model for watched memory ranges (the MM shared buffer
 * always; RX/TX and scenario ranges on request).  For each 64-byte line it
 * keeps the point-of-coherency (PoC) bytes apart from the CPU's view, which
 * is guest memory itself:
 *
 *   state    CPU view vs PoC                   how it gets there
 *   INVALID  equal (the CPU would fetch PoC)   reset, DC IVAC/CIVAC, set/way
 *   CLEAN    equal                             a CPU read allocates it
 *   DIRTY    CPU newer                         a CPU store (write-allocate)
 *   + STALE  PoC newer, CPU not updated        the secure side wrote PoC
 *                                              while the CPU held the line
 *
 * The secure side (models, through the machine's guest-memory interface)
 * reads and writes the PoC only, so missing maintenance produces the wrong
 * bytes it would produce on hardware, and each problem is a named finding
 * with the line, the SMC it concerns and the instruction that should have
 * been there.  With the data cache off (SCTLR_EL1.C or M clear, as the
 * firmware believes) every access is coherent and nothing is reported.
 *
 * The CPU view is reached through a guest-memory interface over raw guest
 * memory (the machine's), so that invalidations can bring PoC bytes back
 * into view and cleans can copy the CPU's bytes to the PoC.  No Unicorn
 * here: Check tests drive the model over a flat fake.
 */
#ifndef EMULATOR_CACHE_H
#define EMULATOR_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/finding.h"
#include "models/guest_mem.h"

#define CACHE_LINE 64u
#define CACHE_MAX_RANGES 8

/* Whether DC ISW also cleans: a property of the modelled core. */
enum cache_core {
	CACHE_CORE_CORTEX_A57, /* DC ISW executes as clean+invalidate (TRM) */
	CACHE_CORE_CORTEX_A53, /* likewise */
	CACHE_CORE_STRICT,     /* the architecture only: ISW discards dirty */
	CACHE_CORE_COUNT
};

enum cache_line_state {
	CACHE_INVALID,
	CACHE_CLEAN,
	CACHE_DIRTY,
};

enum cache_op {
	CACHE_OP_CVAC,  /* clean to PoC */
	CACHE_OP_CVAP,  /* clean to PoP (treated as PoC) */
	CACHE_OP_CVAU,  /* clean to PoU: does not reach the PoC */
	CACHE_OP_CIVAC, /* clean and invalidate to PoC */
	CACHE_OP_IVAC,  /* invalidate: discards dirty data */
	CACHE_OP_ZVA,   /* zero a block */
	CACHE_OP_ISW,   /* set/way invalidate */
	CACHE_OP_CSW,   /* set/way clean */
	CACHE_OP_CISW,  /* set/way clean and invalidate */
	CACHE_OP_COUNT
};

struct cache_range {
	char name[32];
	uint64_t base; /* line-aligned */
	uint64_t size; /* a multiple of CACHE_LINE */
	uint8_t *poc;
	uint8_t *state; /* enum cache_line_state per line */
	uint8_t *stale; /* PoC newer than the CPU's copy */
};

struct cache_model {
	enum cache_core core;
	bool enabled;    /* data cache on, as the firmware believes */
	bool runtime;    /* after ExitBootServices */
	bool wide_fails; /* wide maintenance is a firmware finding */
	struct cache_range ranges[CACHE_MAX_RANGES];
	size_t range_count;
	struct findings *findings;
	const struct guest_mem *cpu; /* the CPU's view: guest memory */
	/* Per-doorbell bookkeeping. */
	uint64_t lines_outside; /* by-VA lines beyond the watched ranges in
				   sweeps that reached one (cache.c) */
	uint64_t sweep_next;    /* the line that continues the sweep */
	uint64_t sweep_outside; /* lines outside, before the sweep reached
				   a watched range */
	bool sweep_touched;     /* the sweep reached a watched range */
	bool dirty_reported;    /* this doorbell's request-dirty finding */
	/* Once per run: */
	bool wide_reported;
	bool setway_warned;
	bool setway_runtime_reported;
	uint64_t ops[CACHE_OP_COUNT];
	uint64_t findings_made;
	/* Set/way operations: a pass over every watched line, after which
	 * the same operation changes nothing until something else touches
	 * the model (events counts those calls; cache.c). */
	uint64_t events;
	uint64_t setway_events;
	int setway_op; /* the op of the last pass; -1 none */
	bool setway_enabled, setway_runtime;
};

void cache_init(struct cache_model *c, enum cache_core core,
		const struct guest_mem *cpu, struct findings *findings);
void cache_free(struct cache_model *c);
/*
 * Starts watching [base, base+size) (rounded out to lines); the PoC starts
 * as the CPU view's bytes and every line INVALID.  False if the table is
 * full, the range overlaps another or is not readable.
 */
bool cache_watch(struct cache_model *c, const char *name, uint64_t base,
		 uint64_t size);
bool cache_watches(const struct cache_model *c, uint64_t addr, uint64_t len);
/* Takes the CPU view as the PoC again, every line INVALID (after loading). */
void cache_resync(struct cache_model *c);
bool cache_core_parse(const char *s, enum cache_core *out);
const char *cache_core_name(enum cache_core core);

/* The CPU stored len bytes (value given) at addr. */
void cache_cpu_write(struct cache_model *c, uint64_t addr, size_t len,
		     uint64_t value, uint64_t pc);
/* The CPU loads len bytes at addr. */
void cache_cpu_read(struct cache_model *c, uint64_t addr, size_t len,
		    uint64_t pc);
/*
 * A DC instruction: by VA (addr = Xt; ZVA zeroes the block, in the CPU view
 * or through to the PoC with the cache off) or by set/way (addr ignored:
 * the model acts on every watched line at once, so the thousands of
 * set/way instructions of one flush cost one pass and then nothing).
 * Returns false for ZVA outside every watched range: the caller executes
 * it normally.
 */
bool cache_maintain(struct cache_model *c, enum cache_op op, uint64_t addr,
		    uint64_t pc);

/* The secure side reads / writes the PoC (addr..len within one range). */
void cache_secure_read(struct cache_model *c, uint64_t addr, void *buf,
		       size_t len);
void cache_secure_write(struct cache_model *c, uint64_t addr,
			const void *buf, size_t len);
/* A doorbell is about to be served: resets the per-doorbell counters. */
void cache_doorbell(struct cache_model *c);

enum cache_line_state cache_line_state(const struct cache_model *c,
				       uint64_t addr, bool *stale);

const char *cache_op_name(enum cache_op op);

#endif /* EMULATOR_CACHE_H */
