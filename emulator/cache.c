/*
 * The data-cache model.  See cache.h for the line states.
 *
 * Findings (codes are stable; docs/checks.md explains each):
 *   cache.request-dirty-at-doorbell        firmware: the secure side read
 *       a line the CPU still held dirty: a DC CVAC was missing
 *   cache.response-read-without-invalidate firmware: the CPU read a line
 *       the secure side had rewritten while the CPU held it: a DC IVAC
 *       (or CIVAC) was missing
 *   cache.invalidate-discarded-dirty-data  firmware: DC IVAC on a dirty
 *       line (the firmware's own data is lost)
 *   cache.clean-overwrote-response         firmware: a clean wrote the
 *       CPU's old copy over what the secure side had written
 *   cache.setway-discarded-dirty-data      firmware: DC ISW on a core that
 *       does not clean (strict) threw the request away
 *   cache.setway-after-exit-boot-services  firmware: set/way maintenance
 *       once an OS owns the caches
 *   cache.setway-maintenance               warning: set/way used where a
 *       by-VA clean belongs; works only because this core cleans on ISW
 *   cache.maintenance-too-wide             warning (firmware if the
 *       scenario says so): a by-VA sweep over the buffer that goes far
 *       beyond it
 */
#include "emulator/cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"

/* Lines of by-VA maintenance outside the buffer per doorbell that are
 * "far wider" than it: four times the watched lines, and at least 1024. */
#define WIDE_FACTOR 4u
#define WIDE_MINIMUM 1024u

static const char *const op_names[CACHE_OP_COUNT] = {
	[CACHE_OP_CVAC] = "DC CVAC", [CACHE_OP_CVAP] = "DC CVAP",
	[CACHE_OP_CVAU] = "DC CVAU", [CACHE_OP_CIVAC] = "DC CIVAC",
	[CACHE_OP_IVAC] = "DC IVAC", [CACHE_OP_ZVA] = "DC ZVA",
	[CACHE_OP_ISW] = "DC ISW",   [CACHE_OP_CSW] = "DC CSW",
	[CACHE_OP_CISW] = "DC CISW",
};

static const char *const core_names[CACHE_CORE_COUNT] = {
	[CACHE_CORE_CORTEX_A57] = "cortex-a57",
	[CACHE_CORE_CORTEX_A53] = "cortex-a53",
	[CACHE_CORE_STRICT] = "strict",
};

const char *cache_op_name(enum cache_op op)
{
	return (unsigned)op < CACHE_OP_COUNT ? op_names[op] : "?";
}

const char *cache_core_name(enum cache_core core)
{
	return (unsigned)core < CACHE_CORE_COUNT ? core_names[core] : "?";
}

bool cache_core_parse(const char *s, enum cache_core *out)
{
	for (int i = 0; i < CACHE_CORE_COUNT; i++) {
		if (strcmp(core_names[i], s) == 0) {
			*out = (enum cache_core)i;
			return true;
		}
	}
	return false;
}

void cache_init(struct cache_model *c, enum cache_core core,
		const struct guest_mem *cpu, struct findings *findings)
{
	memset(c, 0, sizeof(*c));
	c->setway_op = -1;
	c->core = core;
	c->cpu = cpu;
	c->findings = findings;
}

void cache_free(struct cache_model *c)
{
	for (size_t i = 0; i < c->range_count; i++) {
		free(c->ranges[i].poc);
		free(c->ranges[i].state);
		free(c->ranges[i].stale);
	}
	c->range_count = 0;
}

bool cache_watch(struct cache_model *c, const char *name, uint64_t base,
		 uint64_t size)
{
	c->events++;
	uint64_t start = base & ~(uint64_t)(CACHE_LINE - 1);
	uint64_t end = (base + size + CACHE_LINE - 1) &
		       ~(uint64_t)(CACHE_LINE - 1);
	struct cache_range *r;

	if (c->range_count == CACHE_MAX_RANGES || size == 0 || end <= start) {
		return false;
	}
	for (size_t i = 0; i < c->range_count; i++) {
		const struct cache_range *o = &c->ranges[i];

		if (start < o->base + o->size && o->base < end) {
			return false;
		}
	}
	r = &c->ranges[c->range_count];
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->base = start;
	r->size = end - start;
	r->poc = xmalloc((size_t)r->size);
	r->state = xcalloc((size_t)(r->size / CACHE_LINE), 1);
	r->stale = xcalloc((size_t)(r->size / CACHE_LINE), 1);
	if (!guest_mem_read(c->cpu, r->base, r->poc, (size_t)r->size)) {
		free(r->poc);
		free(r->state);
		free(r->stale);
		return false;
	}
	c->range_count++;
	return true;
}

void cache_resync(struct cache_model *c)
{
	c->events++;
	for (size_t i = 0; i < c->range_count; i++) {
		struct cache_range *r = &c->ranges[i];

		guest_mem_read(c->cpu, r->base, r->poc, (size_t)r->size);
		memset(r->state, CACHE_INVALID, (size_t)(r->size / CACHE_LINE));
		memset(r->stale, 0, (size_t)(r->size / CACHE_LINE));
	}
}

static struct cache_range *range_of(struct cache_model *c, uint64_t addr)
{
	for (size_t i = 0; i < c->range_count; i++) {
		struct cache_range *r = &c->ranges[i];

		if (addr >= r->base && addr - r->base < r->size) {
			return r;
		}
	}
	return NULL;
}

bool cache_watches(const struct cache_model *c, uint64_t addr, uint64_t len)
{
	for (size_t i = 0; i < c->range_count; i++) {
		const struct cache_range *r = &c->ranges[i];

		if (addr < r->base + r->size && r->base < addr + len) {
			return true;
		}
	}
	return false;
}

enum cache_line_state cache_line_state(const struct cache_model *c,
				       uint64_t addr, bool *stale)
{
	for (size_t i = 0; i < c->range_count; i++) {
		const struct cache_range *r = &c->ranges[i];

		if (addr >= r->base && addr - r->base < r->size) {
			size_t line = (size_t)((addr - r->base) / CACHE_LINE);

			if (stale != NULL) {
				*stale = r->stale[line] != 0;
			}
			return (enum cache_line_state)r->state[line];
		}
	}
	if (stale != NULL) {
		*stale = false;
	}
	return CACHE_INVALID;
}

static struct finding *report(struct cache_model *c, enum finding_kind kind,
			      const char *code, uint64_t addr, uint64_t pc,
			      const char *what)
{
	struct finding *fd = findings_add(c->findings, kind, code, "%s", what);

	fd->address = addr;
	if (pc != 0) {
		fd->pc = pc;
	}
	c->findings_made++;
	return fd;
}

/* The line's CPU bytes to the PoC. */
static void write_back(struct cache_model *c, struct cache_range *r,
		       size_t line)
{
	uint64_t addr = r->base + line * CACHE_LINE;

	guest_mem_read(c->cpu, addr, r->poc + line * CACHE_LINE, CACHE_LINE);
}

/* The PoC bytes into the CPU's view (the line is no longer cached). */
static void refetch(struct cache_model *c, struct cache_range *r, size_t line)
{
	uint64_t addr = r->base + line * CACHE_LINE;

	guest_mem_write(c->cpu, addr, r->poc + line * CACHE_LINE, CACHE_LINE);
}

void cache_cpu_write(struct cache_model *c, uint64_t addr, size_t len,
		     uint64_t value, uint64_t pc)
{
	c->events++;
	(void)pc;
	for (size_t i = 0; i < len; i++) {
		struct cache_range *r = range_of(c, addr + i);
		size_t off;

		if (r == NULL) {
			continue;
		}
		off = (size_t)(addr + i - r->base);
		if (c->enabled) {
			/* Write-allocate; the store itself lands in the
			 * CPU view when the hook returns. */
			r->state[off / CACHE_LINE] = CACHE_DIRTY;
		} else {
			r->poc[off] = (uint8_t)(value >> (8 * (i % 8)));
		}
	}
}

void cache_cpu_read(struct cache_model *c, uint64_t addr, size_t len,
		    uint64_t pc)
{
	c->events++;
	char what[200];

	if (!c->enabled) {
		return;
	}
	for (uint64_t a = addr & ~(uint64_t)(CACHE_LINE - 1); a < addr + len;
	     a += CACHE_LINE) {
		struct cache_range *r = range_of(c, a);
		size_t line;

		if (r == NULL) {
			continue;
		}
		line = (size_t)((a - r->base) / CACHE_LINE);
		if (r->state[line] == CACHE_INVALID) {
			r->state[line] = CACHE_CLEAN; /* allocated from PoC */
			continue;
		}
		if (r->stale[line] == 1) {
			snprintf(what, sizeof(what),
				 "the CPU read line 0x%llx of the %s after the "
				 "secure side rewrote it, without invalidating: "
				 "it sees stale bytes (a DC IVAC or DC CIVAC "
				 "over the response was missing after the SMC)",
				 (unsigned long long)a, r->name);
			report(c, FINDING_FIRMWARE,
			       "cache.response-read-without-invalidate", a, pc,
			       what);
			r->stale[line] = 2; /* reported; still stale */
		}
	}
}

/* One line's by-VA maintenance. */
static void maintain_line(struct cache_model *c, struct cache_range *r,
			  size_t line, enum cache_op op, uint64_t pc)
{
	uint64_t addr = r->base + line * CACHE_LINE;
	bool dirty = r->state[line] == CACHE_DIRTY;
	char what[220];

	switch (op) {
	case CACHE_OP_CVAC:
	case CACHE_OP_CVAP:
	case CACHE_OP_CIVAC:
		if (dirty) {
			if (r->stale[line] != 0) {
				snprintf(what, sizeof(what),
					 "%s at line 0x%llx of the %s wrote "
					 "the CPU's old copy over bytes the "
					 "secure side had written (invalidate "
					 "the response instead of cleaning it)",
					 op_names[op], (unsigned long long)addr,
					 r->name);
				report(c, FINDING_FIRMWARE,
				       "cache.clean-overwrote-response", addr,
				       pc, what);
			}
			write_back(c, r, line);
			r->stale[line] = 0;
			r->state[line] = CACHE_CLEAN;
		}
		if (op == CACHE_OP_CIVAC) {
			r->state[line] = CACHE_INVALID;
			r->stale[line] = 0;
			refetch(c, r, line);
		}
		break;
	case CACHE_OP_IVAC:
		if (dirty) {
			snprintf(what, sizeof(what),
				 "DC IVAC at line 0x%llx of the %s discarded "
				 "dirty data the firmware had written (DC "
				 "CIVAC, or DC CVAC first, keeps it)",
				 (unsigned long long)addr, r->name);
			report(c, FINDING_FIRMWARE,
			       "cache.invalidate-discarded-dirty-data", addr,
			       pc, what);
		}
		r->state[line] = CACHE_INVALID;
		r->stale[line] = 0;
		refetch(c, r, line);
		break;
	case CACHE_OP_CVAU:
		break; /* to the point of unification only */
	default:
		break;
	}
}

/* Set/way: every watched line at once. */
static void maintain_all(struct cache_model *c, enum cache_op op, uint64_t pc)
{
	bool cleans = op == CACHE_OP_CSW || op == CACHE_OP_CISW ||
		      (op == CACHE_OP_ISW && c->core != CACHE_CORE_STRICT);
	bool invalidates = op == CACHE_OP_ISW || op == CACHE_OP_CISW;
	char what[240];

	if (c->runtime && !c->setway_runtime_reported) {
		report(c, FINDING_FIRMWARE,
		       "cache.setway-after-exit-boot-services", 0, pc, "set/way cache maintenance after ExitBootServices: "
		       "the OS owns the caches now (maintain the buffer by VA)");
		c->setway_runtime_reported = true;
	}
	for (size_t i = 0; i < c->range_count; i++) {
		struct cache_range *r = &c->ranges[i];

		for (size_t line = 0; line < r->size / CACHE_LINE; line++) {
			bool dirty = r->state[line] == CACHE_DIRTY;

			if (dirty && cleans) {
				if (r->stale[line] != 0) {
					snprintf(what, sizeof(what),
						 "%s on the %s wrote the CPU's "
						 "old copy over bytes the "
						 "secure side had written",
						 op_names[op], r->name);
					report(c, FINDING_FIRMWARE,
					       "cache.clean-overwrote-response",
					       r->base + line * CACHE_LINE, pc,
					       what);
				}
				write_back(c, r, line);
				r->state[line] = CACHE_CLEAN;
				r->stale[line] = 0;
				if (op == CACHE_OP_ISW && !c->setway_warned) {
					snprintf(what, sizeof(what),
						 "DC ISW cleaned the %s only "
						 "because %s executes ISW as "
						 "clean+invalidate; a DC CVAC "
						 "over the request belongs "
						 "here",
						 r->name, core_names[c->core]);
					report(c, FINDING_WARNING,
					       "cache.setway-maintenance",
					       r->base + line * CACHE_LINE, pc,
					       what);
					c->setway_warned = true;
				}
			} else if (dirty && op == CACHE_OP_ISW) {
				snprintf(what, sizeof(what),
					 "DC ISW discarded dirty line 0x%llx "
					 "of the %s: on a core that does not "
					 "clean on ISW the request never "
					 "reaches memory (clean by VA with DC "
					 "CVAC)",
					 (unsigned long long)(r->base +
							      line * CACHE_LINE),
					 r->name);
				report(c, FINDING_FIRMWARE,
				       "cache.setway-discarded-dirty-data",
				       r->base + line * CACHE_LINE, pc, what);
			}
			if (invalidates && r->state[line] != CACHE_INVALID) {
				r->state[line] = CACHE_INVALID;
				r->stale[line] = 0;
				refetch(c, r, line);
			} else if (invalidates) {
				r->stale[line] = 0;
			}
		}
	}
}

/*
 * Follows a sweep of by-VA maintenance (consecutive ascending lines): its
 * lines outside the watched ranges count as too wide only once the sweep
 * reaches a watched range.  Sweeps that never do, such as U-Boot cleaning
 * an image it loaded, are not about the buffer and do not count.
 */
static void follow_sweep(struct cache_model *c, uint64_t line_addr,
			 bool watched)
{
	if (line_addr != c->sweep_next) {
		c->sweep_outside = 0;
		c->sweep_touched = false;
	}
	c->sweep_next = line_addr + CACHE_LINE;
	if (watched) {
		if (!c->sweep_touched) {
			c->lines_outside += c->sweep_outside;
			c->sweep_touched = true;
		}
	} else if (c->sweep_touched) {
		c->lines_outside++;
	} else {
		c->sweep_outside++;
	}
}

bool cache_maintain(struct cache_model *c, enum cache_op op, uint64_t addr,
		    uint64_t pc)
{
	struct cache_range *r;
	uint64_t line_addr = addr & ~(uint64_t)(CACHE_LINE - 1);

	if ((unsigned)op >= CACHE_OP_COUNT) {
		return false;
	}
	c->ops[op]++;
	if (op == CACHE_OP_ISW || op == CACHE_OP_CSW || op == CACHE_OP_CISW) {
		/* One flush is thousands of these (every set and way of every
		 * level): after the first, the same op over the same state
		 * finds nothing to do. */
		bool repeat = c->setway_op == (int)op &&
			      c->setway_events == c->events &&
			      c->setway_enabled == c->enabled &&
			      c->setway_runtime == c->runtime;

		if ((c->enabled || c->runtime) && !repeat) {
			maintain_all(c, op, pc);
		}
		c->setway_op = (int)op;
		c->setway_events = c->events;
		c->setway_enabled = c->enabled;
		c->setway_runtime = c->runtime;
		return true;
	}
	c->events++;
	r = range_of(c, line_addr);
	if (op == CACHE_OP_ZVA) {
		static const uint8_t zeros[CACHE_LINE];
		size_t line;

		if (r == NULL) {
			return false;
		}
		line = (size_t)((line_addr - r->base) / CACHE_LINE);
		guest_mem_write(c->cpu, line_addr, zeros, CACHE_LINE);
		/* The whole line is the CPU's again: nothing stale in it. */
		r->stale[line] = 0;
		if (c->enabled) {
			r->state[line] = CACHE_DIRTY;
		} else {
			memset(r->poc + line * CACHE_LINE, 0, CACHE_LINE);
		}
		return true;
	}
	follow_sweep(c, line_addr, r != NULL);
	if (r == NULL) {
		return true;
	}
	if (c->enabled) {
		maintain_line(c, r, (size_t)((line_addr - r->base) / CACHE_LINE),
			      op, pc);
	}
	return true;
}

void cache_secure_read(struct cache_model *c, uint64_t addr, void *buf,
		       size_t len)
{
	c->events++;
	uint8_t *out = buf;
	uint64_t first_dirty = 0;
	size_t dirty_lines = 0;
	const char *name = "";

	/*
	 * A line at a time: watched ranges are whole lines, so each chunk is
	 * either all watched or all not (one range lookup, one copy).
	 */
	for (size_t i = 0, n; i < len; i += n) {
		struct cache_range *r = range_of(c, addr + i);
		size_t off;

		n = CACHE_LINE - (size_t)((addr + i) % CACHE_LINE);
		if (n > len - i) {
			n = len - i;
		}
		if (r == NULL) {
			guest_mem_read(c->cpu, addr + i, &out[i], n);
			continue;
		}
		off = (size_t)(addr + i - r->base);
		memcpy(&out[i], &r->poc[off], n);
		if (c->enabled && r->state[off / CACHE_LINE] == CACHE_DIRTY) {
			if (dirty_lines++ == 0) {
				first_dirty = (addr + i) & ~(uint64_t)(CACHE_LINE - 1);
				name = r->name;
			}
		}
	}
	if (dirty_lines != 0 && !c->dirty_reported) {
		char what[240];

		c->dirty_reported = true;

		snprintf(what, sizeof(what),
			 "%zu line(s) from 0x%llx of the %s were still dirty "
			 "in the CPU's cache when the secure side read them: "
			 "it saw stale bytes (a DC CVAC over the request was "
			 "missing before the SMC)",
			 dirty_lines, (unsigned long long)first_dirty, name);
		report(c, FINDING_FIRMWARE, "cache.request-dirty-at-doorbell",
		       first_dirty, 0, what);
	}
}

void cache_secure_write(struct cache_model *c, uint64_t addr,
			const void *buf, size_t len)
{
	c->events++;
	const uint8_t *in = buf;

	/* A line at a time, as cache_secure_read(). */
	for (size_t i = 0, n; i < len; i += n) {
		struct cache_range *r = range_of(c, addr + i);
		size_t off, line;

		n = CACHE_LINE - (size_t)((addr + i) % CACHE_LINE);
		if (n > len - i) {
			n = len - i;
		}
		if (r == NULL) {
			guest_mem_write(c->cpu, addr + i, &in[i], n);
			continue;
		}
		off = (size_t)(addr + i - r->base);
		line = off / CACHE_LINE;
		memcpy(&r->poc[off], &in[i], n);
		if (c->enabled && r->state[line] != CACHE_INVALID) {
			r->stale[line] = 1; /* the CPU keeps its copy */
		} else {
			guest_mem_write(c->cpu, addr + i, &in[i], n);
		}
	}
}

void cache_doorbell(struct cache_model *c)
{
	c->events++;
	uint64_t watched = 0;
	uint64_t limit;

	for (size_t i = 0; i < c->range_count; i++) {
		watched += c->ranges[i].size / CACHE_LINE;
	}
	limit = watched * WIDE_FACTOR > WIDE_MINIMUM ? watched * WIDE_FACTOR
						     : WIDE_MINIMUM;
	if (c->lines_outside > limit && !c->wide_reported) {
		char what[200];

		snprintf(what, sizeof(what),
			 "%llu lines of by-VA cache maintenance beyond the "
			 "watched buffers, in sweeps over them, before this "
			 "doorbell (the buffers have %llu): maintain the "
			 "request range only",
			 (unsigned long long)c->lines_outside,
			 (unsigned long long)watched);
		report(c, c->wide_fails ? FINDING_FIRMWARE : FINDING_WARNING,
		       "cache.maintenance-too-wide", 0, 0, what);
		c->wide_reported = true;
	}
	c->lines_outside = 0;
	c->sweep_outside = 0;
	c->sweep_touched = false;
	c->sweep_next = 0;
	c->dirty_reported = false;
}
