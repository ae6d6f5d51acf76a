/*
 * Fast loops: when two blocks have taken turns MACHINE_LOOP_TURNS times and
 * form a loop emulator/loop_idiom.h knows, the machine applies what the
 * remaining iterations would do (the stores, the index and temporary
 * registers, the instruction count) in one go, and lets the head run to
 * leave the loop as it would have.  What the guest sees is the same, to
 * the byte and to the instruction count; only host time differs.  Anything
 * that could observe the iterations one by one makes it run them instead:
 * stepping, breakpoints or PC watches on the loop, the runtime guard, a
 * store that would reach a watched range, a forbidden range, the cache
 * model's windows or a page code ran from, and a load from a forbidden
 * range or a window.  The bound of the run and its budget are never
 * jumped over.  `--no-fast-loops` turns it off
 * (machine_fast_loops_enable()); tests/check_machine.c and
 * tests/integration/test-fast-loops.sh compare both ways.
 */
#include <string.h>

#include "emulator/loop_idiom.h"
#include "emulator/machine_priv.h"

static bool fast_loops = true;

void machine_fast_loops_enable(bool on)
{
	fast_loops = on;
}

/* The words of the block of size bytes at pc, if it is short enough. */
static bool read_block(const struct machine *m, uint64_t pc, uint32_t size,
		       uint32_t *words, struct loop_block *b)
{
	const uint8_t *host = machine_ram_host(m, pc, size);

	if (host == NULL || size % 4 != 0 || size / 4 > LOOP_IDIOM_MAX_INSNS) {
		return false;
	}
	memcpy(words, host, size); /* little-endian, as the guest */
	*b = (struct loop_block){pc, words, size / 4};
	return true;
}

static bool overlaps(uint64_t lo, uint64_t hi, uint64_t a, uint64_t b)
{
	return lo < b && a < hi;
}

/*
 * Whether a load from [lo, hi) could be seen other than as plain RAM
 * (with the runtime guard's read hooks, no loop is applied at all).
 */
static bool loads_observed(const struct machine *m, uint64_t lo,
			   uint64_t hi)
{
	for (size_t i = 0; i < MACHINE_MAX_FORBIDDEN; i++) {
		const struct forbidden_range *f = &m->forbidden[i];

		if (f->used && overlaps(lo, hi, f->base, f->base + f->size)) {
			return true;
		}
	}
	for (size_t i = 0; i < MACHINE_MAX_WINDOWS; i++) {
		const struct watch_window *w = &m->windows[i];

		if (w->used && overlaps(lo, hi, w->lo, w->hi)) {
			return true;
		}
	}
	return false;
}

/* Whether a store to [lo, hi) could be seen other than as plain RAM. */
static bool stores_observed(const struct machine *m, uint64_t lo,
			    uint64_t hi)
{
	for (size_t i = 0; i < m->write_watch_count; i++) {
		if (overlaps(lo, hi, m->write_watches[i].lo,
			     m->write_watches[i].hi)) {
			return true;
		}
	}
	return loads_observed(m, lo, hi) ||
	       machine_range_ran_code(m, lo, hi);
}

/* Whether a stop, a step, a breakpoint or a PC watch needs every turn. */
static bool turns_observed(const struct machine *m, uint64_t pc,
			   uint64_t other_pc)
{
	if (m->step_count != 0 || m->breakpoint_count != 0 ||
	    m->guard.armed || m->stop != MACHINE_STOP_NONE ||
	    m->deferred_stop != MACHINE_STOP_NONE) {
		return true;
	}
	for (size_t i = 0; i < m->watch_count; i++) {
		if (m->watches[i].pc == pc || m->watches[i].pc == other_pc) {
			return true;
		}
	}
	return false;
}

/* Iterations that stay below the run's bound and budget. */
static uint64_t within_limits(const struct machine *m, uint64_t iterations,
			      unsigned insns_each)
{
	uint64_t limit = UINT64_MAX;

	if (m->cfg.max_insns != 0 && m->cfg.max_insns < limit) {
		limit = m->cfg.max_insns;
	}
	if (m->run_stop_at != 0 && m->run_stop_at < limit) {
		limit = m->run_stop_at;
	}
	if (m->insns >= limit) {
		return 0;
	}
	/* Strictly below: the limit is still met at a block, as before. */
	if (iterations > (limit - m->insns - 1) / insns_each) {
		iterations = (limit - m->insns - 1) / insns_each;
	}
	return iterations;
}

/* The host memory of [lo, lo + len) of one RAM block, or NULL. */
static uint8_t *plain_ram(const struct machine *m, uint64_t lo, uint64_t len)
{
	return lo + len < lo ? NULL : machine_ram_host(m, lo, len);
}

/* Stores Xv over the turns' words; false if they cannot be done at once. */
static bool fill_words(struct machine *m, const struct loop_idiom *l,
		       uint64_t index, uint64_t iterations)
{
	uint64_t lo = reg_read(m, xreg(l->base_reg)) + index;
	uint64_t value = reg_read(m, xreg(l->value_reg));
	uint64_t len = iterations * l->step;
	uint8_t *host;

	if (iterations > UINT64_MAX / l->step) {
		return false;
	}
	host = plain_ram(m, lo, len);
	if (host == NULL || stores_observed(m, lo, lo + len)) {
		return false;
	}
	for (uint64_t off = 0; off < len; off += l->step) {
		memcpy(host + off, &value, sizeof(value)); /* both little-endian */
	}
	return true;
}

/*
 * Byte by byte and forward, as the loop copies: an overlapping copy
 * repeats what it already wrote.  The temporary ends holding the last
 * byte, as after the loop's last load.
 */
static bool copy_bytes(struct machine *m, const struct loop_idiom *l,
		       uint64_t index, uint64_t iterations)
{
	uint64_t src = reg_read(m, xreg(l->source_reg)) + index;
	uint64_t dst = reg_read(m, xreg(l->base_reg)) + index;
	const uint8_t *from = plain_ram(m, src, iterations);
	uint8_t *to = plain_ram(m, dst, iterations);
	uint8_t byte = 0;

	if (from == NULL || to == NULL ||
	    loads_observed(m, src, src + iterations) ||
	    stores_observed(m, dst, dst + iterations)) {
		return false;
	}
	for (uint64_t k = 0; k < iterations; k++) {
		byte = from[k];
		to[k] = byte;
	}
	return reg_write(m, xreg(l->temp_reg), byte);
}

void machine_try_fast_loop(struct machine *m, uint64_t pc, uint32_t size,
			   uint64_t other_pc, uint32_t other_size)
{
	uint32_t head_words[LOOP_IDIOM_MAX_INSNS];
	uint32_t body_words[LOOP_IDIOM_MAX_INSNS];
	struct loop_block head, body;
	struct loop_idiom l;
	uint64_t index, iterations;
	bool applied;

	if (!fast_loops || turns_observed(m, pc, other_pc) ||
	    !read_block(m, pc, size, head_words, &head) ||
	    !read_block(m, other_pc, other_size, body_words, &body) ||
	    !loop_idiom_match(&head, &body, &l)) {
		return;
	}
	index = reg_read(m, xreg(l.index_reg));
	iterations = loop_idiom_iterations(&l, reg_read(m, xreg(l.end_reg)),
					   index);
	iterations = within_limits(m, iterations, l.insns_per_iteration);
	switch (l.kind) {
	case LOOP_IDIOM_FILL_WORDS:
		applied = iterations != 0 && fill_words(m, &l, index, iterations);
		break;
	case LOOP_IDIOM_COPY_BYTES:
		applied = iterations != 0 && copy_bytes(m, &l, index, iterations);
		break;
	default:
		applied = false;
		break;
	}
	/* What every turn leaves besides memory: the index and the count. */
	if (applied &&
	    reg_write(m, xreg(l.index_reg), index + iterations * l.step)) {
		m->insns += iterations * l.insns_per_iteration;
		m->fast_loop_iterations += iterations;
	}
}
