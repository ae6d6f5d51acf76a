/*
 * Fast loops: when two blocks have taken turns MACHINE_LOOP_TURNS times and
 * form a loop emulator/loop_idiom.h knows, the machine applies what the
 * remaining iterations would do (the stores, the index register, the
 * instruction count) in one go, and lets the head run to leave the loop as
 * it would have.  What the guest sees is the same, to the byte and to the
 * instruction count; only host time differs.  Anything that could observe
 * the iterations one by one makes it run them instead: stepping,
 * breakpoints or PC watches on the loop, the runtime guard, and any store
 * that would reach a watched range, a forbidden range, the cache model's
 * windows or a page code ran from.  The bound of the run and its budget
 * are never jumped over.  `--no-fast-loops` turns it off
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

static bool read_block(const struct machine *m, uint64_t pc, uint32_t *words)
{
	const uint8_t *host =
		machine_ram_host(m, pc, LOOP_IDIOM_BLOCK_INSNS * 4);

	if (host == NULL) {
		return false;
	}
	memcpy(words, host, LOOP_IDIOM_BLOCK_INSNS * 4);
	return true;
}

static bool overlaps(uint64_t lo, uint64_t hi, uint64_t a, uint64_t b)
{
	return lo < b && a < hi;
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
	return machine_range_ran_code(m, lo, hi - lo);
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

static void fill_words(struct machine *m, const struct loop_idiom *l,
		       uint64_t iterations)
{
	uint64_t index = reg_read(m, xreg(l->index_reg));
	uint64_t lo = reg_read(m, xreg(l->base_reg)) + index;
	uint64_t value = reg_read(m, xreg(l->value_reg));
	uint64_t len = iterations * l->step;
	uint8_t *host;

	if (iterations > UINT64_MAX / l->step || lo + len < lo) {
		return;
	}
	host = machine_ram_host(m, lo, len);
	if (host == NULL || stores_observed(m, lo, lo + len)) {
		return;
	}
	if (!reg_write(m, xreg(l->index_reg), index + len)) {
		return;
	}
	for (uint64_t off = 0; off < len; off += l->step) {
		memcpy(host + off, &value, sizeof(value)); /* both little-endian */
	}
	m->insns += iterations * l->insns_per_iteration;
	m->fast_loop_iterations += iterations;
}

void machine_try_fast_loop(struct machine *m, uint64_t pc, uint32_t size,
			   uint64_t other_pc, uint32_t other_size)
{
	uint32_t head[LOOP_IDIOM_BLOCK_INSNS], body[LOOP_IDIOM_BLOCK_INSNS];
	struct loop_idiom l;
	uint64_t iterations;

	if (!fast_loops || size != LOOP_IDIOM_BLOCK_INSNS * 4 ||
	    other_size != LOOP_IDIOM_BLOCK_INSNS * 4 ||
	    turns_observed(m, pc, other_pc) || !read_block(m, pc, head) ||
	    !read_block(m, other_pc, body) ||
	    !loop_idiom_match(pc, head, other_pc, body, &l)) {
		return;
	}
	iterations = loop_idiom_iterations(
		&l, reg_read(m, xreg(l.end_reg)),
		reg_read(m, xreg(l.index_reg)));
	iterations = within_limits(m, iterations, l.insns_per_iteration);
	if (iterations != 0) {
		fill_words(m, &l, iterations);
	}
}
