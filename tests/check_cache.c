/*
 * Unit tests of emulator/cache.c, the data-cache model of watched ranges
 * (docs/checks.md, "Cache maintenance"; reference sections 4.3 and 8).
 *
 * The model runs over a flat fake RAM that stands for the CPU's view.  A
 * CPU store is the hook call followed by the bytes landing in that RAM, as
 * Unicorn's write hook runs before the store; a CPU load is the hook call
 * followed by reading the RAM.  The point of coherency is read from the
 * model's own range (cache.h exposes it) so that looking does not count as
 * a secure-side read.
 *
 * Bytes used throughout: 0x11 the RAM before anything happens, 0x22 what
 * the CPU stores, 0x33 what the secure side writes.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "common/finding.h"
#include "emulator/cache.h"
#include "tests/fake_guest_mem.h"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define RAM_BASE UINT64_C(0x40000000)
#define RAM_SIZE UINT64_C(0x10000)
#define BUF (RAM_BASE + 0x1000) /* the watched MM buffer: 4 lines */
#define BUF_SIZE UINT64_C(256)
#define LINE1 (BUF + CACHE_LINE) /* the line most tests work on */
#define PC UINT64_C(0x80001234)

#define ORIGINAL 0x11
#define CPU_DATA 0x22
#define SECURE_DATA 0x33

/* Check fixture state: the only file-scope mutable state (STYLE C1). */
static struct fake_guest_mem ram;
static struct findings findings;
static struct cache_model cache;

static void cache_setup(void)
{
	findings_init(&findings);
	fake_guest_mem_init(&ram, RAM_BASE, RAM_SIZE);
	memset(fake_guest_mem_at(&ram, RAM_BASE, RAM_SIZE), ORIGINAL,
	       (size_t)RAM_SIZE);
	cache_init(&cache, CACHE_CORE_CORTEX_A57, &ram.mem, &findings);
	cache.enabled = true;
	ck_assert(cache_watch(&cache, "MM buffer", BUF, BUF_SIZE));
}

static void cache_teardown(void)
{
	cache_free(&cache);
	fake_guest_mem_free(&ram);
	findings_free(&findings);
}

/* --- The two sides ----------------------------------------------------- */

/* A CPU store of len bytes of b: the hook, then the bytes land. */
static void cpu_store(uint64_t addr, uint8_t b, size_t len)
{
	for (size_t done = 0; done < len;) {
		size_t n = len - done < 8 ? len - done : 8;
		uint64_t value = 0;

		memset(&value, b, n);
		cache_cpu_write(&cache, addr + done, n, value, PC);
		memset(fake_guest_mem_at(&ram, addr + done, n), b, n);
		done += n;
	}
}

/* A CPU load: the hook, then the bytes of the CPU view. */
static void cpu_load(uint64_t addr, void *out, size_t len)
{
	cache_cpu_read(&cache, addr, len, PC);
	memcpy(out, fake_guest_mem_at(&ram, addr, len), len);
}

static uint8_t cpu_byte(uint64_t addr)
{
	return *fake_guest_mem_at(&ram, addr, 1);
}

/* The point of coherency, without counting as a secure-side read. */
static uint8_t poc_byte(uint64_t addr)
{
	for (size_t i = 0; i < cache.range_count; i++) {
		const struct cache_range *r = &cache.ranges[i];

		if (addr >= r->base && addr - r->base < r->size) {
			return r->poc[addr - r->base];
		}
	}
	ck_abort_msg("0x%llx is not watched", (unsigned long long)addr);
	return 0;
}

static void secure_write(uint64_t addr, uint8_t b, size_t len)
{
	uint8_t buf[512];

	ck_assert_uint_le(len, sizeof(buf));
	memset(buf, b, len);
	cache_secure_write(&cache, addr, buf, len);
}

/* Every byte of [addr, addr+len) in the CPU view / PoC is b. */
static bool cpu_all(uint64_t addr, size_t len, uint8_t b)
{
	for (size_t i = 0; i < len; i++) {
		if (cpu_byte(addr + i) != b) {
			return false;
		}
	}
	return true;
}

static bool poc_all(uint64_t addr, size_t len, uint8_t b)
{
	for (size_t i = 0; i < len; i++) {
		if (poc_byte(addr + i) != b) {
			return false;
		}
	}
	return true;
}

static bool all_bytes(const uint8_t *p, size_t len, uint8_t b)
{
	for (size_t i = 0; i < len; i++) {
		if (p[i] != b) {
			return false;
		}
	}
	return true;
}

static enum cache_line_state state_of(uint64_t addr, bool *stale)
{
	return cache_line_state(&cache, addr, stale);
}

#define ASSERT_FINDING(code, k)                                            \
	do {                                                               \
		const struct finding *f_ = findings_find(&findings, code); \
		ck_assert_msg(f_ != NULL, "no finding %s", code);          \
		ck_assert_int_eq(f_->kind, (k));                           \
	} while (0)

#define ASSERT_NO_FINDING(code) \
	ck_assert_ptr_null(findings_find(&findings, code))

static size_t count_code(const char *code)
{
	size_t n = 0;

	for (size_t i = 0; i < findings.count; i++) {
		if (strcmp(findings.items[i].code, code) == 0) {
			n++;
		}
	}
	return n;
}

/* --- Line states ------------------------------------------------------- */

enum prep {
	P_INVALID,     /* CPU 11, PoC 11 */
	P_CLEAN,       /* CPU 11, PoC 11, cached */
	P_DIRTY,       /* CPU 22, PoC 11 */
	P_STALE,       /* CPU 11, PoC 33: clean line the secure side rewrote */
	P_DIRTY_STALE, /* CPU 22, PoC 33 */
};

static const char *const prep_names[] = {"INVALID", "CLEAN", "DIRTY", "STALE",
					 "DIRTY+STALE"};

/* Brings line (a line address) into a state, with the cache on. */
static void prepare(enum prep p, uint64_t line)
{
	uint8_t tmp[CACHE_LINE];

	switch (p) {
	case P_INVALID:
		break;
	case P_CLEAN:
		cpu_load(line, tmp, CACHE_LINE);
		break;
	case P_DIRTY:
		cpu_store(line, CPU_DATA, CACHE_LINE);
		break;
	case P_STALE:
		cpu_load(line, tmp, CACHE_LINE);
		secure_write(line, SECURE_DATA, CACHE_LINE);
		break;
	case P_DIRTY_STALE:
		cpu_store(line, CPU_DATA, CACHE_LINE);
		secure_write(line, SECURE_DATA, CACHE_LINE);
		break;
	}
	ck_assert_uint_eq(findings.count, 0);
}

START_TEST(prepared_states_hold_the_bytes_the_table_assumes)
{
	static const struct {
		enum cache_line_state state;
		bool stale;
		uint8_t cpu, poc;
	} expect[] = {
	    [P_INVALID] = {CACHE_INVALID, false, ORIGINAL, ORIGINAL},
	    [P_CLEAN] = {CACHE_CLEAN, false, ORIGINAL, ORIGINAL},
	    [P_DIRTY] = {CACHE_DIRTY, false, CPU_DATA, ORIGINAL},
	    [P_STALE] = {CACHE_CLEAN, true, ORIGINAL, SECURE_DATA},
	    [P_DIRTY_STALE] = {CACHE_DIRTY, true, CPU_DATA, SECURE_DATA},
	};
	bool stale;

	prepare((enum prep)_i, LINE1);
	ck_assert_int_eq(state_of(LINE1, &stale), expect[_i].state);
	ck_assert_int_eq(stale, expect[_i].stale);
	ck_assert(cpu_all(LINE1, CACHE_LINE, expect[_i].cpu));
	ck_assert(poc_all(LINE1, CACHE_LINE, expect[_i].poc));
}
END_TEST

/* --- Operation x state, cache on ---------------------------------------- */

struct op_row {
	enum cache_op op;
	enum cache_core core;
	enum prep prep;
	enum cache_line_state state; /* afterwards */
	bool stale;
	uint8_t cpu, poc;    /* bytes of the line afterwards */
	const char *finding; /* NULL: none */
	enum finding_kind kind;
	const char *finding2; /* a second one, NULL: none */
	enum finding_kind kind2;
};

#define A57 CACHE_CORE_CORTEX_A57
#define A53 CACHE_CORE_CORTEX_A53
#define STRICT CACHE_CORE_STRICT
#define INV CACHE_INVALID
#define CLN CACHE_CLEAN
#define DRT CACHE_DIRTY
#define O ORIGINAL
#define C CPU_DATA
#define S SECURE_DATA
#define FW FINDING_FIRMWARE
#define WARN FINDING_WARNING
#define OVERWROTE "cache.clean-overwrote-response"
#define DISCARDED "cache.invalidate-discarded-dirty-data"
#define SW_WARN "cache.setway-maintenance"
#define SW_LOST "cache.setway-discarded-dirty-data"

static const struct op_row op_rows[] = {
    /* Clean to PoC: dirty data reaches the PoC. */
    {CACHE_OP_CVAC, A57, P_INVALID, INV, false, O, O, NULL, 0, NULL, 0},
    {CACHE_OP_CVAC, A57, P_CLEAN, CLN, false, O, O, NULL, 0, NULL, 0},
    {CACHE_OP_CVAC, A57, P_DIRTY, CLN, false, C, C, NULL, 0, NULL, 0},
    {CACHE_OP_CVAC, A57, P_STALE, CLN, true, O, S, NULL, 0, NULL, 0},
    {CACHE_OP_CVAC, A57, P_DIRTY_STALE, CLN, false, C, C, OVERWROTE, FW, NULL,
     0},
    /* Clean to PoP: the same as PoC here. */
    {CACHE_OP_CVAP, A57, P_INVALID, INV, false, O, O, NULL, 0, NULL, 0},
    {CACHE_OP_CVAP, A57, P_CLEAN, CLN, false, O, O, NULL, 0, NULL, 0},
    {CACHE_OP_CVAP, A57, P_DIRTY, CLN, false, C, C, NULL, 0, NULL, 0},
    {CACHE_OP_CVAP, A57, P_STALE, CLN, true, O, S, NULL, 0, NULL, 0},
    {CACHE_OP_CVAP, A57, P_DIRTY_STALE, CLN, false, C, C, OVERWROTE, FW, NULL,
     0},
    /* Clean to PoU: never reaches the PoC, nothing changes. */
    {CACHE_OP_CVAU, A57, P_INVALID, INV, false, O, O, NULL, 0, NULL, 0},
    {CACHE_OP_CVAU, A57, P_CLEAN, CLN, false, O, O, NULL, 0, NULL, 0},
    {CACHE_OP_CVAU, A57, P_DIRTY, DRT, false, C, O, NULL, 0, NULL, 0},
    {CACHE_OP_CVAU, A57, P_STALE, CLN, true, O, S, NULL, 0, NULL, 0},
    {CACHE_OP_CVAU, A57, P_DIRTY_STALE, DRT, true, C, S, NULL, 0, NULL, 0},
    /* Clean and invalidate: PoC bytes in view afterwards. */
    {CACHE_OP_CIVAC, A57, P_INVALID, INV, false, O, O, NULL, 0, NULL, 0},
    {CACHE_OP_CIVAC, A57, P_CLEAN, INV, false, O, O, NULL, 0, NULL, 0},
    {CACHE_OP_CIVAC, A57, P_DIRTY, INV, false, C, C, NULL, 0, NULL, 0},
    {CACHE_OP_CIVAC, A57, P_STALE, INV, false, S, S, NULL, 0, NULL, 0},
    {CACHE_OP_CIVAC, A57, P_DIRTY_STALE, INV, false, C, C, OVERWROTE, FW, NULL,
     0},
    /* Invalidate: dirty data is lost, the response comes into view. */
    {CACHE_OP_IVAC, A57, P_INVALID, INV, false, O, O, NULL, 0, NULL, 0},
    {CACHE_OP_IVAC, A57, P_CLEAN, INV, false, O, O, NULL, 0, NULL, 0},
    {CACHE_OP_IVAC, A57, P_DIRTY, INV, false, O, O, DISCARDED, FW, NULL, 0},
    {CACHE_OP_IVAC, A57, P_STALE, INV, false, S, S, NULL, 0, NULL, 0},
    {CACHE_OP_IVAC, A57, P_DIRTY_STALE, INV, false, S, S, DISCARDED, FW, NULL,
     0},
    /* Zero by VA: the CPU's copy becomes zeros, dirty. */
    {CACHE_OP_ZVA, A57, P_INVALID, DRT, false, 0, O, NULL, 0, NULL, 0},
    {CACHE_OP_ZVA, A57, P_CLEAN, DRT, false, 0, O, NULL, 0, NULL, 0},
    {CACHE_OP_ZVA, A57, P_DIRTY, DRT, false, 0, O, NULL, 0, NULL, 0},
    /* ZVA rewrites the whole line: nothing of it stays stale. */
    {CACHE_OP_ZVA, A57, P_STALE, DRT, false, 0, S, NULL, 0, NULL, 0},
    {CACHE_OP_ZVA, A57, P_DIRTY_STALE, DRT, false, 0, S, NULL, 0, NULL, 0},
    /* ISW on cores that clean on it: works, with a warning. */
    {CACHE_OP_ISW, A57, P_INVALID, INV, false, O, O, NULL, 0, NULL, 0},
    {CACHE_OP_ISW, A57, P_CLEAN, INV, false, O, O, NULL, 0, NULL, 0},
    {CACHE_OP_ISW, A57, P_DIRTY, INV, false, C, C, SW_WARN, WARN, NULL, 0},
    {CACHE_OP_ISW, A57, P_STALE, INV, false, S, S, NULL, 0, NULL, 0},
    {CACHE_OP_ISW, A57, P_DIRTY_STALE, INV, false, C, C, SW_WARN, WARN,
     OVERWROTE, FW},
    {CACHE_OP_ISW, A53, P_INVALID, INV, false, O, O, NULL, 0, NULL, 0},
    {CACHE_OP_ISW, A53, P_CLEAN, INV, false, O, O, NULL, 0, NULL, 0},
    {CACHE_OP_ISW, A53, P_DIRTY, INV, false, C, C, SW_WARN, WARN, NULL, 0},
    {CACHE_OP_ISW, A53, P_STALE, INV, false, S, S, NULL, 0, NULL, 0},
    {CACHE_OP_ISW, A53, P_DIRTY_STALE, INV, false, C, C, SW_WARN, WARN,
     OVERWROTE, FW},
    /* ISW on a strict core: dirty data is thrown away. */
    {CACHE_OP_ISW, STRICT, P_INVALID, INV, false, O, O, NULL, 0, NULL, 0},
    {CACHE_OP_ISW, STRICT, P_CLEAN, INV, false, O, O, NULL, 0, NULL, 0},
    {CACHE_OP_ISW, STRICT, P_DIRTY, INV, false, O, O, SW_LOST, FW, NULL, 0},
    {CACHE_OP_ISW, STRICT, P_STALE, INV, false, S, S, NULL, 0, NULL, 0},
    {CACHE_OP_ISW, STRICT, P_DIRTY_STALE, INV, false, S, S, SW_LOST, FW, NULL,
     0},
    /* CSW cleans on every core, no warning. */
    {CACHE_OP_CSW, A57, P_INVALID, INV, false, O, O, NULL, 0, NULL, 0},
    {CACHE_OP_CSW, A57, P_CLEAN, CLN, false, O, O, NULL, 0, NULL, 0},
    {CACHE_OP_CSW, A57, P_DIRTY, CLN, false, C, C, NULL, 0, NULL, 0},
    {CACHE_OP_CSW, A57, P_STALE, CLN, true, O, S, NULL, 0, NULL, 0},
    {CACHE_OP_CSW, A57, P_DIRTY_STALE, CLN, false, C, C, OVERWROTE, FW, NULL,
     0},
    {CACHE_OP_CSW, STRICT, P_DIRTY, CLN, false, C, C, NULL, 0, NULL, 0},
    {CACHE_OP_CSW, STRICT, P_DIRTY_STALE, CLN, false, C, C, OVERWROTE, FW, NULL,
     0},
    /* CISW cleans and invalidates on every core. */
    {CACHE_OP_CISW, A57, P_INVALID, INV, false, O, O, NULL, 0, NULL, 0},
    {CACHE_OP_CISW, A57, P_CLEAN, INV, false, O, O, NULL, 0, NULL, 0},
    {CACHE_OP_CISW, A57, P_DIRTY, INV, false, C, C, NULL, 0, NULL, 0},
    {CACHE_OP_CISW, A57, P_STALE, INV, false, S, S, NULL, 0, NULL, 0},
    {CACHE_OP_CISW, A57, P_DIRTY_STALE, INV, false, C, C, OVERWROTE, FW, NULL,
     0},
    {CACHE_OP_CISW, STRICT, P_DIRTY, INV, false, C, C, NULL, 0, NULL, 0},
    {CACHE_OP_CISW, STRICT, P_DIRTY_STALE, INV, false, C, C, OVERWROTE, FW,
     NULL, 0},
};

/*
 * Each row: prepare line 1, apply the operation (by VA at an address in
 * the middle of the line), then check the state, both copies of the line,
 * the findings, and that the neighbouring lines were left alone.
 */
START_TEST(operation_on_line_state_gives_the_table_result)
{
	const struct op_row *r = &op_rows[_i];
	size_t expected = (r->finding != NULL) + (r->finding2 != NULL);
	bool stale;

	cache.core = r->core;
	prepare(r->prep, LINE1);
	ck_assert(cache_maintain(&cache, r->op, LINE1 + 17, PC));
	ck_assert_msg(state_of(LINE1, &stale) == r->state,
		      "%s on %s (%s): state %d", cache_op_name(r->op),
		      prep_names[r->prep], cache_core_name(r->core),
		      state_of(LINE1, NULL));
	ck_assert_msg(stale == r->stale, "%s on %s: stale %d",
		      cache_op_name(r->op), prep_names[r->prep], stale);
	ck_assert_msg(cpu_all(LINE1, CACHE_LINE, r->cpu),
		      "%s on %s: CPU view 0x%02x", cache_op_name(r->op),
		      prep_names[r->prep], cpu_byte(LINE1));
	ck_assert_msg(poc_all(LINE1, CACHE_LINE, r->poc),
		      "%s on %s: PoC 0x%02x", cache_op_name(r->op),
		      prep_names[r->prep], poc_byte(LINE1));
	ck_assert_msg(findings.count == expected, "%s on %s: %zu findings",
		      cache_op_name(r->op), prep_names[r->prep],
		      findings.count);
	if (r->finding != NULL) {
		const struct finding *f = findings_find(&findings, r->finding);

		ck_assert_msg(f != NULL, "%s on %s: no %s",
			      cache_op_name(r->op), prep_names[r->prep],
			      r->finding);
		ck_assert_int_eq(f->kind, r->kind);
		ck_assert_uint_eq(f->address, LINE1);
		ck_assert_uint_eq(f->pc, PC);
	}
	if (r->finding2 != NULL) {
		ASSERT_FINDING(r->finding2, r->kind2);
	}
	/* The neighbours: untouched, still INVALID and equal to the PoC. */
	ck_assert_int_eq(state_of(BUF, NULL), CACHE_INVALID);
	ck_assert_int_eq(state_of(LINE1 + CACHE_LINE, NULL), CACHE_INVALID);
	ck_assert(cpu_all(BUF, CACHE_LINE, ORIGINAL));
	ck_assert(poc_all(LINE1 + CACHE_LINE, CACHE_LINE, ORIGINAL));
	ck_assert_uint_eq(cache.ops[r->op], 1);
}
END_TEST

/* --- Operation x state, cache off ---------------------------------------- */

/*
 * Lines prepared while the cache was on, then the cache turned off: by-VA
 * maintenance and set/way (before ExitBootServices) change nothing; ZVA
 * zeroes both copies.  Row _i: operation _i / 2 on INVALID or DIRTY.
 */
START_TEST(operation_with_cache_off_changes_nothing_but_zva)
{
	enum cache_op op = (enum cache_op)(_i / 2);
	enum prep p = _i % 2 == 0 ? P_INVALID : P_DIRTY;
	uint8_t cpu_before = p == P_DIRTY ? CPU_DATA : ORIGINAL;
	enum cache_line_state st_before;
	bool ret;

	prepare(p, LINE1);
	st_before = state_of(LINE1, NULL);
	cache.enabled = false;
	ret = cache_maintain(&cache, op, LINE1, PC);
	ck_assert(ret);
	ck_assert_int_eq(state_of(LINE1, NULL), st_before);
	if (op == CACHE_OP_ZVA) {
		ck_assert(cpu_all(LINE1, CACHE_LINE, 0));
		ck_assert(poc_all(LINE1, CACHE_LINE, 0));
	} else {
		ck_assert(cpu_all(LINE1, CACHE_LINE, cpu_before));
		ck_assert(poc_all(LINE1, CACHE_LINE, ORIGINAL));
	}
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

/*
 * A flush is thousands of set/way instructions; the model makes one pass
 * and skips the repeats (cache.c).  A repeat after anything else touched
 * the model is not a repeat: the line dirtied between two DC CSW must be
 * cleaned by the second, and a second CISW after a refill invalidates.
 */
START_TEST(setway_repeats_skip_only_while_nothing_changed)
{
	uint8_t buf[CACHE_LINE];

	cache.enabled = true;
	cpu_store(LINE1, CPU_DATA, 16);
	cache_maintain(&cache, CACHE_OP_CSW, 0, PC);
	ck_assert_int_eq(state_of(LINE1, NULL), CACHE_CLEAN);
	ck_assert(poc_all(LINE1, 16, CPU_DATA));
	for (int i = 0; i < 1000; i++) {
		cache_maintain(&cache, CACHE_OP_CSW, 0, PC);
	}
	ck_assert_uint_eq(cache.ops[CACHE_OP_CSW], 1001);
	cpu_store(LINE1, ORIGINAL, 16);
	ck_assert_int_eq(state_of(LINE1, NULL), CACHE_DIRTY);
	cache_maintain(&cache, CACHE_OP_CSW, 0, PC);
	ck_assert_int_eq(state_of(LINE1, NULL), CACHE_CLEAN);
	ck_assert(poc_all(LINE1, 16, ORIGINAL));

	cache_maintain(&cache, CACHE_OP_CISW, 0, PC);
	ck_assert_int_eq(state_of(LINE1, NULL), CACHE_INVALID);
	cpu_load(LINE1, buf, 16);
	ck_assert_int_eq(state_of(LINE1, NULL), CACHE_CLEAN);
	cache_maintain(&cache, CACHE_OP_CISW, 0, PC);
	ck_assert_int_eq(state_of(LINE1, NULL), CACHE_INVALID);

	/* The data cache turned on between two passes: not a repeat. */
	cache.enabled = false;
	cache_maintain(&cache, CACHE_OP_CSW, 0, PC);
	cache.enabled = true;
	cache_maintain(&cache, CACHE_OP_CSW, 0, PC);
	ck_assert_int_eq(state_of(LINE1, NULL), CACHE_INVALID);
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(cache_off_stores_reach_the_poc_and_secure_bytes_the_cpu)
{
	uint8_t buf[CACHE_LINE];

	cache.enabled = false;
	cpu_store(LINE1, CPU_DATA, 16);
	ck_assert_int_eq(state_of(LINE1, NULL), CACHE_INVALID);
	ck_assert(poc_all(LINE1, 16, CPU_DATA));
	cache_doorbell(&cache);
	cache_secure_read(&cache, LINE1, buf, 16);
	ck_assert(all_bytes(buf, 16, CPU_DATA));
	secure_write(LINE1, SECURE_DATA, CACHE_LINE);
	ck_assert(cpu_all(LINE1, CACHE_LINE, SECURE_DATA));
	cpu_load(LINE1, buf, CACHE_LINE);
	ck_assert(all_bytes(buf, CACHE_LINE, SECURE_DATA));
	ck_assert_int_eq(state_of(LINE1, NULL), CACHE_INVALID);
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(cache_off_store_takes_each_byte_of_the_value)
{
	cache.enabled = false;
	cache_cpu_write(&cache, LINE1 + 2, 4, UINT64_C(0x0403020144332211), PC);
	ck_assert_uint_eq(poc_byte(LINE1 + 1), ORIGINAL);
	ck_assert_uint_eq(poc_byte(LINE1 + 2), 0x11);
	ck_assert_uint_eq(poc_byte(LINE1 + 3), 0x22);
	ck_assert_uint_eq(poc_byte(LINE1 + 4), 0x33);
	ck_assert_uint_eq(poc_byte(LINE1 + 5), 0x44);
	ck_assert_uint_eq(poc_byte(LINE1 + 6), ORIGINAL);
}
END_TEST

/* --- Whole exchanges ------------------------------------------------------ */

/* Request in lines 0-1, reply in lines 0-1. */
static void write_request(void)
{
	cpu_store(BUF, CPU_DATA, 2 * CACHE_LINE);
}

START_TEST(clean_sequence_with_cvac_and_ivac_has_no_finding)
{
	uint8_t buf[2 * CACHE_LINE];

	write_request();
	cache_maintain(&cache, CACHE_OP_CVAC, BUF, PC);
	cache_maintain(&cache, CACHE_OP_CVAC, BUF + CACHE_LINE, PC);
	cache_doorbell(&cache);
	cache_secure_read(&cache, BUF, buf, sizeof(buf));
	ck_assert(all_bytes(buf, sizeof(buf), CPU_DATA));
	secure_write(BUF, SECURE_DATA, sizeof(buf));
	cache_maintain(&cache, CACHE_OP_IVAC, BUF, PC);
	cache_maintain(&cache, CACHE_OP_IVAC, BUF + CACHE_LINE, PC);
	cpu_load(BUF, buf, sizeof(buf));
	ck_assert(all_bytes(buf, sizeof(buf), SECURE_DATA));
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(clean_sequence_with_civac_after_the_reply_has_no_finding)
{
	uint8_t buf[2 * CACHE_LINE];

	write_request();
	cache_maintain(&cache, CACHE_OP_CIVAC, BUF, PC);
	cache_maintain(&cache, CACHE_OP_CIVAC, BUF + CACHE_LINE, PC);
	cache_doorbell(&cache);
	cache_secure_read(&cache, BUF, buf, sizeof(buf));
	ck_assert(all_bytes(buf, sizeof(buf), CPU_DATA));
	secure_write(BUF, SECURE_DATA, sizeof(buf));
	cache_maintain(&cache, CACHE_OP_CIVAC, BUF, PC);
	cache_maintain(&cache, CACHE_OP_CIVAC, BUF + CACHE_LINE, PC);
	cpu_load(BUF, buf, sizeof(buf));
	ck_assert(all_bytes(buf, sizeof(buf), SECURE_DATA));
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(reading_request_back_before_doorbell_has_no_finding)
{
	/* Clean lines read after the clean are no problem either. */
	uint8_t buf[2 * CACHE_LINE];

	write_request();
	cache_maintain(&cache, CACHE_OP_CVAC, BUF, PC);
	cache_maintain(&cache, CACHE_OP_CVAC, BUF + CACHE_LINE, PC);
	cpu_load(BUF, buf, sizeof(buf));
	cache_doorbell(&cache);
	cache_secure_read(&cache, BUF, buf, sizeof(buf));
	ck_assert(all_bytes(buf, sizeof(buf), CPU_DATA));
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(u_boot_setway_flush_works_on_a57_with_one_warning)
{
	uint8_t buf[2 * CACHE_LINE];

	/* Reference 4.3: DC ISW before the SMC, nothing after. */
	write_request();
	cache_maintain(&cache, CACHE_OP_ISW, 0, PC);
	cache_maintain(&cache, CACHE_OP_ISW, 0x40, PC); /* more sets/ways */
	cache_doorbell(&cache);
	cache_secure_read(&cache, BUF, buf, sizeof(buf));
	ck_assert(all_bytes(buf, sizeof(buf), CPU_DATA));
	secure_write(BUF, SECURE_DATA, sizeof(buf));
	cpu_load(BUF, buf, sizeof(buf));
	ck_assert(all_bytes(buf, sizeof(buf), SECURE_DATA));
	ck_assert_uint_eq(findings.count, 1);
	ASSERT_FINDING("cache.setway-maintenance", FINDING_WARNING);
	ck_assert_uint_eq(cache.ops[CACHE_OP_ISW], 2);
}
END_TEST

START_TEST(u_boot_setway_flush_on_strict_core_loses_the_request)
{
	uint8_t buf[2 * CACHE_LINE];

	cache.core = CACHE_CORE_STRICT;
	write_request();
	cache_maintain(&cache, CACHE_OP_ISW, 0, PC);
	cache_doorbell(&cache);
	cache_secure_read(&cache, BUF, buf, sizeof(buf));
	ck_assert(all_bytes(buf, sizeof(buf), ORIGINAL));
	/* One finding per discarded line, no request-dirty (now INVALID). */
	ck_assert_uint_eq(count_code("cache.setway-discarded-dirty-data"), 2);
	ck_assert_uint_eq(findings.count, 2);
	ASSERT_FINDING("cache.setway-discarded-dirty-data", FINDING_FIRMWARE);
	ASSERT_NO_FINDING("cache.setway-maintenance");
}
END_TEST

START_TEST(setway_on_a57_without_dirty_lines_gives_no_warning)
{
	uint8_t buf[CACHE_LINE];

	cpu_load(BUF, buf, sizeof(buf));
	cache_maintain(&cache, CACHE_OP_ISW, 0, PC);
	ck_assert_uint_eq(findings.count, 0);
	ck_assert_int_eq(state_of(BUF, NULL), CACHE_INVALID);
}
END_TEST

START_TEST(setway_warning_is_given_once_per_run)
{
	write_request();
	cache_maintain(&cache, CACHE_OP_ISW, 0, PC);
	cache_doorbell(&cache);
	write_request();
	cache_maintain(&cache, CACHE_OP_ISW, 0, PC);
	ck_assert_uint_eq(count_code("cache.setway-maintenance"), 1);
	ck_assert_int_eq(state_of(BUF, NULL), CACHE_INVALID);
	ck_assert(poc_all(BUF, 2 * CACHE_LINE, CPU_DATA));
}
END_TEST

START_TEST(setway_with_cache_off_before_ebs_does_nothing)
{
	prepare(P_DIRTY, LINE1);
	cache.enabled = false;
	cache_maintain(&cache, CACHE_OP_ISW, 0, PC);
	ck_assert_int_eq(state_of(LINE1, NULL), CACHE_DIRTY);
	ck_assert_uint_eq(findings.count, 0);
	ck_assert_uint_eq(cache.ops[CACHE_OP_ISW], 1);
}
END_TEST

/* Row _i: the set/way operation ISW, CSW or CISW. */
static const enum cache_op setway_ops[] = {CACHE_OP_ISW, CACHE_OP_CSW,
					   CACHE_OP_CISW};

START_TEST(setway_after_exit_boot_services_is_reported_once)
{
	const struct finding *f;

	cache.runtime = true;
	ck_assert(cache_maintain(&cache, setway_ops[_i], 0, PC));
	ck_assert(cache_maintain(&cache, setway_ops[_i], 0, PC + 4));
	ck_assert_uint_eq(count_code("cache.setway-after-exit-boot-services"),
			  1);
	f = findings_find(&findings, "cache.setway-after-exit-boot-services");
	ck_assert_int_eq(f->kind, FINDING_FIRMWARE);
	ck_assert_uint_eq(f->pc, PC);
	ck_assert_uint_eq(findings.count, 1);
}
END_TEST

START_TEST(setway_after_exit_boot_services_is_reported_with_cache_off)
{
	cache.runtime = true;
	cache.enabled = false;
	cache_maintain(&cache, CACHE_OP_CISW, 0, PC);
	ASSERT_FINDING("cache.setway-after-exit-boot-services",
		       FINDING_FIRMWARE);
}
END_TEST

START_TEST(by_va_maintenance_after_exit_boot_services_is_fine)
{
	cache.runtime = true;
	write_request();
	cache_maintain(&cache, CACHE_OP_CVAC, BUF, PC);
	cache_maintain(&cache, CACHE_OP_CIVAC, BUF + CACHE_LINE, PC);
	ck_assert_uint_eq(findings.count, 0);
	ck_assert(poc_all(BUF, 2 * CACHE_LINE, CPU_DATA));
}
END_TEST

/* --- The findings of a missing clean / invalidate ----------------------- */

START_TEST(missing_clean_shows_old_bytes_and_is_reported_once_per_doorbell)
{
	uint8_t buf[2 * CACHE_LINE];
	const struct finding *f;

	write_request();
	cache_doorbell(&cache);
	cache_secure_read(&cache, BUF, buf, sizeof(buf));
	ck_assert(all_bytes(buf, sizeof(buf), ORIGINAL));
	f = findings_find(&findings, "cache.request-dirty-at-doorbell");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->kind, FINDING_FIRMWARE);
	ck_assert_uint_eq(f->address, BUF);
	ck_assert_ptr_nonnull(strstr(f->message, "2 line(s)"));
	/* More reads in the same doorbell: no more findings. */
	cache_secure_read(&cache, BUF, buf, 8);
	cache_secure_read(&cache, BUF + CACHE_LINE, buf, 8);
	ck_assert_uint_eq(count_code("cache.request-dirty-at-doorbell"), 1);
	/* The next doorbell reports again. */
	cache_doorbell(&cache);
	cache_secure_read(&cache, BUF + CACHE_LINE + 8, buf, 8);
	ck_assert_uint_eq(count_code("cache.request-dirty-at-doorbell"), 2);
	ck_assert_uint_eq(findings.items[1].address, BUF + CACHE_LINE);
}
END_TEST

START_TEST(secure_read_of_clean_and_invalid_lines_is_no_finding)
{
	uint8_t buf[BUF_SIZE];

	prepare(P_CLEAN, BUF);
	cache_secure_read(&cache, BUF, buf, sizeof(buf));
	ck_assert(all_bytes(buf, sizeof(buf), ORIGINAL));
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(missing_invalidate_shows_old_bytes_once_per_line_until_rewritten)
{
	uint8_t buf[2 * CACHE_LINE];
	const struct finding *f;

	write_request();
	cache_maintain(&cache, CACHE_OP_CVAC, BUF, PC);
	cache_maintain(&cache, CACHE_OP_CVAC, BUF + CACHE_LINE, PC);
	cache_doorbell(&cache);
	cache_secure_read(&cache, BUF, buf, sizeof(buf));
	secure_write(BUF, SECURE_DATA, sizeof(buf));
	cpu_load(BUF, buf, 8);
	ck_assert(all_bytes(buf, 8, CPU_DATA)); /* the old request */
	f = findings_find(&findings, "cache.response-read-without-invalidate");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->kind, FINDING_FIRMWARE);
	ck_assert_uint_eq(f->address, BUF);
	ck_assert_uint_eq(f->pc, PC);
	/* The same line again: not reported again. */
	cpu_load(BUF + 8, buf, 8);
	ck_assert_uint_eq(count_code("cache.response-read-without-invalidate"),
			  1);
	/* Another stale line: its own finding. */
	cpu_load(BUF + CACHE_LINE, buf, 8);
	ck_assert_uint_eq(count_code("cache.response-read-without-invalidate"),
			  2);
	/* Rewritten by the secure side: reported again on the next read. */
	secure_write(BUF, SECURE_DATA, 8);
	cpu_load(BUF, buf, 8);
	ck_assert_uint_eq(count_code("cache.response-read-without-invalidate"),
			  3);
	ck_assert_uint_eq(findings.count, 3);
}
END_TEST

START_TEST(cpu_read_spanning_two_stale_lines_reports_both)
{
	uint8_t buf[16];

	prepare(P_STALE, BUF);
	prepare(P_STALE, LINE1);
	cpu_load(LINE1 - 8, buf, sizeof(buf));
	ck_assert_uint_eq(count_code("cache.response-read-without-invalidate"),
			  2);
}
END_TEST

START_TEST(secure_write_to_invalid_line_is_seen_by_the_cpu_at_once)
{
	uint8_t buf[CACHE_LINE];
	bool stale;

	secure_write(LINE1, SECURE_DATA, CACHE_LINE);
	ck_assert_int_eq(state_of(LINE1, &stale), CACHE_INVALID);
	ck_assert(!stale);
	cpu_load(LINE1, buf, sizeof(buf));
	ck_assert(all_bytes(buf, sizeof(buf), SECURE_DATA));
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(csw_after_reply_does_not_make_a_later_read_stale)
{
	uint8_t buf[8];

	/* CSW writes the CPU's copy back: PoC and view agree afterwards. */
	prepare(P_DIRTY_STALE, LINE1);
	cache_maintain(&cache, CACHE_OP_CSW, 0, PC);
	cpu_load(LINE1, buf, sizeof(buf));
	ck_assert(all_bytes(buf, sizeof(buf), CPU_DATA));
	ASSERT_NO_FINDING("cache.response-read-without-invalidate");
}
END_TEST

/* --- Too wide ------------------------------------------------------------- */

/* One sweep of DC CVAC over the buffer and n lines past its end. */
static void clean_outside(uint64_t n)
{
	for (uint64_t i = 0; i < BUF_SIZE / CACHE_LINE + n; i++) {
		ck_assert(cache_maintain(&cache, CACHE_OP_CVAC,
					 BUF + i * CACHE_LINE, PC));
	}
}

START_TEST(maintenance_before_reaching_the_buffer_counts)
{
	/* 10 lines, then the buffer: the 10 count once the sweep reaches it. */
	for (uint64_t i = 0; i < 10 + BUF_SIZE / CACHE_LINE; i++) {
		ck_assert(cache_maintain(&cache, CACHE_OP_CIVAC,
					 BUF - 10 * CACHE_LINE + i * CACHE_LINE,
					 PC));
		ck_assert_uint_eq(cache.lines_outside, i < 10 ? 0 : 10);
	}
}
END_TEST

START_TEST(maintenance_that_never_reaches_the_buffer_is_not_too_wide)
{
	/* U-Boot cleaning an image it loaded: wide, but not about the buffer. */
	for (uint64_t i = 0; i < 5000; i++) {
		ck_assert(cache_maintain(&cache, CACHE_OP_CIVAC,
					 RAM_BASE + 0x100000 + i * CACHE_LINE,
					 PC));
	}
	ck_assert_uint_eq(cache.lines_outside, 0);
	cache_doorbell(&cache);
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(a_gap_starts_a_new_sweep)
{
	ck_assert(cache_maintain(&cache, CACHE_OP_CVAC,
				 BUF + BUF_SIZE - CACHE_LINE, PC));
	ck_assert(cache_maintain(&cache, CACHE_OP_CVAC, BUF + BUF_SIZE, PC));
	ck_assert_uint_eq(cache.lines_outside, 1);
	/* Not the next line: a sweep of its own, which misses the buffer. */
	ck_assert(cache_maintain(&cache, CACHE_OP_CVAC,
				 BUF + BUF_SIZE + 2 * CACHE_LINE, PC));
	ck_assert_uint_eq(cache.lines_outside, 1);
}
END_TEST

START_TEST(maintenance_of_1025_lines_outside_is_too_wide_warning)
{
	clean_outside(1025);
	ck_assert_uint_eq(cache.lines_outside, 1025);
	ck_assert_uint_eq(findings.count, 0); /* judged at the doorbell */
	cache_doorbell(&cache);
	ASSERT_FINDING("cache.maintenance-too-wide", FINDING_WARNING);
	ck_assert_uint_eq(cache.lines_outside, 0);
}
END_TEST

START_TEST(maintenance_too_wide_is_firmware_with_wide_fails)
{
	cache.wide_fails = true;
	clean_outside(1025);
	cache_doorbell(&cache);
	ASSERT_FINDING("cache.maintenance-too-wide", FINDING_FIRMWARE);
}
END_TEST

START_TEST(maintenance_of_1024_lines_outside_is_not_too_wide)
{
	clean_outside(1024);
	cache_doorbell(&cache);
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(maintenance_count_starts_again_at_each_doorbell)
{
	clean_outside(1000);
	cache_doorbell(&cache);
	clean_outside(1000);
	cache_doorbell(&cache);
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(maintenance_too_wide_is_reported_once_per_run)
{
	clean_outside(2000);
	cache_doorbell(&cache);
	clean_outside(2000);
	cache_doorbell(&cache);
	ck_assert_uint_eq(count_code("cache.maintenance-too-wide"), 1);
}
END_TEST

START_TEST(maintenance_inside_the_buffer_is_never_too_wide)
{
	for (int i = 0; i < 2000; i++) {
		cache_maintain(&cache, CACHE_OP_CVAC, BUF, PC);
	}
	cache_doorbell(&cache);
	ck_assert_uint_eq(findings.count, 0);
	ck_assert_uint_eq(cache.ops[CACHE_OP_CVAC], 2000);
}
END_TEST

START_TEST(too_wide_limit_is_four_times_the_watched_lines_when_larger)
{
	/* 4 + 256 watched lines: the limit is 1040, not 1024. */
	const uint64_t big = RAM_BASE + 0x4000;

	ck_assert(cache_watch(&cache, "big", big, 0x4000));
	for (uint64_t i = 0; i < 256 + 1040; i++) {
		cache_maintain(&cache, CACHE_OP_CVAC, big + i * CACHE_LINE, PC);
	}
	cache_doorbell(&cache);
	ck_assert_uint_eq(findings.count, 0);
	for (uint64_t i = 0; i < 256 + 1041; i++) {
		cache_maintain(&cache, CACHE_OP_CVAC, big + i * CACHE_LINE, PC);
	}
	cache_doorbell(&cache);
	ASSERT_FINDING("cache.maintenance-too-wide", FINDING_WARNING);
}
END_TEST

/* --- Watched ranges ---------------------------------------------------------
 */

START_TEST(watch_rounds_an_unaligned_range_out_to_lines)
{
	const struct cache_range *r;

	ck_assert(cache_watch(&cache, "odd", BUF + 0x410, 100));
	r = &cache.ranges[1];
	ck_assert_uint_eq(r->base, BUF + 0x400);
	ck_assert_uint_eq(r->size, 128); /* 0x410 + 100 = 0x474 -> 0x480 */
	ck_assert_str_eq(r->name, "odd");
	ck_assert(cache_watches(&cache, BUF + 0x400, 1));
	ck_assert(cache_watches(&cache, BUF + 0x47f, 1));
	ck_assert(!cache_watches(&cache, BUF + 0x480, 1));
	ck_assert(!cache_watches(&cache, BUF + 0x3ff, 1));
	ck_assert(cache_watches(&cache, BUF + 0x3ff, 2));
	ck_assert(poc_all(BUF + 0x400, 128, ORIGINAL));
}
END_TEST

START_TEST(watch_takes_the_poc_from_memory_with_every_line_invalid)
{
	const uint64_t base = RAM_BASE + 0x4000;
	bool stale;

	memset(fake_guest_mem_at(&ram, base, 128), 0x5a, 128);
	ck_assert(cache_watch(&cache, "fresh", base, 128));
	ck_assert(poc_all(base, 128, 0x5a));
	ck_assert_int_eq(state_of(base + 64, &stale), CACHE_INVALID);
	ck_assert(!stale);
}
END_TEST

START_TEST(watch_overlapping_another_range_is_refused)
{
	ck_assert(!cache_watch(&cache, "over", BUF + 200, 100));
	ck_assert(!cache_watch(&cache, "inside", BUF + 64, 8));
	ck_assert(!cache_watch(&cache, "around", BUF - 64, 512));
	/* BUF - 10 .. BUF + 1 rounds out to the buffer's first line. */
	ck_assert(!cache_watch(&cache, "shares", BUF - 10, 11));
	ck_assert_uint_eq(cache.range_count, 1);
	/* Adjacent on either side is fine. */
	ck_assert(cache_watch(&cache, "after", BUF + BUF_SIZE + 10, 10));
	ck_assert(cache_watch(&cache, "before", BUF - 10, 10));
	ck_assert_uint_eq(cache.range_count, 3);
}
END_TEST

START_TEST(watch_beyond_eight_ranges_is_refused)
{
	for (int i = 1; i < CACHE_MAX_RANGES; i++) {
		ck_assert(cache_watch(
		    &cache, "r", RAM_BASE + 0x4000 + (uint64_t)i * 0x100, 64));
	}
	ck_assert_uint_eq(cache.range_count, CACHE_MAX_RANGES);
	ck_assert(!cache_watch(&cache, "ninth", RAM_BASE + 0x8000, 64));
	ck_assert_uint_eq(cache.range_count, CACHE_MAX_RANGES);
}
END_TEST

START_TEST(watch_of_empty_unreadable_or_wrapping_range_is_refused)
{
	ck_assert(!cache_watch(&cache, "empty", RAM_BASE + 0x4000, 0));
	ck_assert(!cache_watch(&cache, "not RAM", RAM_BASE + RAM_SIZE, 64));
	ck_assert(
	    !cache_watch(&cache, "half RAM", RAM_BASE + RAM_SIZE - 64, 128));
	ck_assert(!cache_watch(&cache, "wraps", UINT64_MAX - 10, 100));
	ck_assert_uint_eq(cache.range_count, 1);
}
END_TEST

START_TEST(unwatched_addresses_read_as_invalid_and_not_stale)
{
	bool stale = true;

	ck_assert_int_eq(cache_line_state(&cache, RAM_BASE, &stale),
			 CACHE_INVALID);
	ck_assert(!stale);
	cpu_store(RAM_BASE, CPU_DATA, 8); /* not watched: no state */
	ck_assert_int_eq(cache_line_state(&cache, RAM_BASE, NULL),
			 CACHE_INVALID);
}
END_TEST

START_TEST(resync_takes_the_cpu_view_as_poc_and_invalidates)
{
	uint8_t buf[8];

	prepare(P_DIRTY_STALE, LINE1);
	prepare(P_CLEAN, BUF);
	cache_resync(&cache);
	ck_assert_int_eq(state_of(LINE1, NULL), CACHE_INVALID);
	ck_assert_int_eq(state_of(BUF, NULL), CACHE_INVALID);
	ck_assert(poc_all(LINE1, CACHE_LINE, CPU_DATA));
	/* Stale no more: reading it is no finding. */
	cpu_load(LINE1, buf, sizeof(buf));
	ck_assert(all_bytes(buf, sizeof(buf), CPU_DATA));
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

/* --- Lines crossing the end of a watched range -------------------------- */

#define LAST_LINE (BUF + BUF_SIZE - CACHE_LINE)
#define PAST_END (BUF + BUF_SIZE)

START_TEST(store_crossing_the_end_dirties_only_the_watched_line)
{
	cpu_store(PAST_END - 8, CPU_DATA, 16);
	ck_assert_int_eq(state_of(LAST_LINE, NULL), CACHE_DIRTY);
	ck_assert(cpu_all(PAST_END, 8, CPU_DATA)); /* plain memory */
	ck_assert(poc_all(PAST_END - 8, 8, ORIGINAL));
	ck_assert(!cache_watches(&cache, PAST_END, 8));
}
END_TEST

START_TEST(secure_access_crossing_the_end_uses_memory_past_it)
{
	uint8_t buf[16];

	cpu_store(PAST_END, 0x77, 8); /* unwatched bytes */
	prepare(P_CLEAN, LAST_LINE);
	secure_write(PAST_END - 8, SECURE_DATA, 16);
	/* Inside: PoC only, the CPU keeps its clean copy (stale). */
	ck_assert(poc_all(PAST_END - 8, 8, SECURE_DATA));
	ck_assert(cpu_all(PAST_END - 8, 8, ORIGINAL));
	/* Outside: straight to memory. */
	ck_assert(cpu_all(PAST_END, 8, SECURE_DATA));
	cpu_store(PAST_END, 0x77, 8);
	cache_secure_read(&cache, PAST_END - 8, buf, sizeof(buf));
	ck_assert(all_bytes(buf, 8, SECURE_DATA));
	ck_assert(all_bytes(buf + 8, 8, 0x77));
	ck_assert_uint_eq(findings.count, 0);
}
END_TEST

START_TEST(cpu_read_crossing_the_end_checks_only_the_watched_line)
{
	uint8_t buf[16];

	prepare(P_STALE, LAST_LINE);
	cpu_load(PAST_END - 8, buf, sizeof(buf));
	ck_assert_uint_eq(count_code("cache.response-read-without-invalidate"),
			  1);
	ck_assert_uint_eq(findings.items[0].address, LAST_LINE);
}
END_TEST

START_TEST(maintenance_past_the_end_counts_as_outside)
{
	ck_assert(cache_maintain(&cache, CACHE_OP_CVAC, LAST_LINE, PC));
	ck_assert(cache_maintain(&cache, CACHE_OP_CVAC, PAST_END, PC));
	ck_assert_uint_eq(cache.lines_outside, 1);
	ck_assert(cache_maintain(&cache, CACHE_OP_CVAC, PAST_END - 1, PC));
	ck_assert_uint_eq(cache.lines_outside, 1);
}
END_TEST

START_TEST(zva_in_the_last_line_zeroes_that_line_only)
{
	ck_assert(cache_maintain(&cache, CACHE_OP_ZVA, PAST_END - 1, PC));
	ck_assert(cpu_all(LAST_LINE, CACHE_LINE, 0));
	ck_assert(cpu_all(PAST_END, CACHE_LINE, ORIGINAL));
	ck_assert(cpu_all(LAST_LINE - CACHE_LINE, CACHE_LINE, ORIGINAL));
	ck_assert_int_eq(state_of(LAST_LINE, NULL), CACHE_DIRTY);
}
END_TEST

START_TEST(zva_outside_every_range_is_left_to_the_cpu)
{
	ck_assert(!cache_maintain(&cache, CACHE_OP_ZVA, PAST_END, PC));
	ck_assert(cpu_all(PAST_END, CACHE_LINE, ORIGINAL));
	ck_assert_uint_eq(cache.lines_outside, 0);
}
END_TEST

/* --- Names --------------------------------------------------------------- */

START_TEST(core_names_parse_back)
{
	enum cache_core core = (enum cache_core)_i;
	enum cache_core parsed = CACHE_CORE_COUNT;

	ck_assert_str_ne(cache_core_name(core), "?");
	ck_assert(cache_core_parse(cache_core_name(core), &parsed));
	ck_assert_int_eq(parsed, core);
}
END_TEST

START_TEST(unknown_core_and_op_names_are_refused_or_question_marks)
{
	enum cache_core parsed = CACHE_CORE_STRICT;

	ck_assert(!cache_core_parse("cortex-a72", &parsed));
	ck_assert_int_eq(parsed, CACHE_CORE_STRICT);
	ck_assert_str_eq(cache_core_name(CACHE_CORE_COUNT), "?");
	ck_assert_str_eq(cache_op_name(CACHE_OP_COUNT), "?");
	ck_assert(!cache_maintain(&cache, CACHE_OP_COUNT, BUF, PC));
}
END_TEST

START_TEST(op_names_are_the_instructions)
{
	static const char *const names[CACHE_OP_COUNT] = {
	    "DC CVAC", "DC CVAP", "DC CVAU", "DC CIVAC", "DC IVAC",
	    "DC ZVA",  "DC ISW",  "DC CSW",  "DC CISW",
	};

	ck_assert_str_eq(cache_op_name((enum cache_op)_i), names[_i]);
}
END_TEST

/* --- Suite -----------------------------------------------------------------
 */

static TCase *fixture_case(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, cache_setup, cache_teardown);
	tcase_set_timeout(tc, 10);
	suite_add_tcase(s, tc);
	return tc;
}

Suite *cache_suite(void);

Suite *cache_suite(void)
{
	Suite *s = suite_create("cache");
	TCase *tc;

	tc = fixture_case(s, "lines");
	tcase_add_loop_test(tc,
			    prepared_states_hold_the_bytes_the_table_assumes, 0,
			    (int)ARRAY_COUNT(prep_names));
	tcase_add_loop_test(tc, operation_on_line_state_gives_the_table_result,
			    0, (int)ARRAY_COUNT(op_rows));
	tcase_add_loop_test(tc,
			    operation_with_cache_off_changes_nothing_but_zva, 0,
			    2 * CACHE_OP_COUNT);
	tcase_add_test(tc,
		       cache_off_stores_reach_the_poc_and_secure_bytes_the_cpu);
	tcase_add_test(tc, cache_off_store_takes_each_byte_of_the_value);

	tc = fixture_case(s, "exchanges");
	tcase_add_test(tc, clean_sequence_with_cvac_and_ivac_has_no_finding);
	tcase_add_test(
	    tc, clean_sequence_with_civac_after_the_reply_has_no_finding);
	tcase_add_test(tc, reading_request_back_before_doorbell_has_no_finding);
	tcase_add_test(tc, u_boot_setway_flush_works_on_a57_with_one_warning);
	tcase_add_test(tc,
		       u_boot_setway_flush_on_strict_core_loses_the_request);
	tcase_add_test(tc, setway_on_a57_without_dirty_lines_gives_no_warning);
	tcase_add_test(tc, setway_warning_is_given_once_per_run);
	tcase_add_test(tc, setway_with_cache_off_before_ebs_does_nothing);
	tcase_add_loop_test(tc,
			    setway_after_exit_boot_services_is_reported_once, 0,
			    (int)ARRAY_COUNT(setway_ops));
	tcase_add_test(
	    tc, setway_after_exit_boot_services_is_reported_with_cache_off);
	tcase_add_test(tc, by_va_maintenance_after_exit_boot_services_is_fine);

	tc = fixture_case(s, "findings");
	tcase_add_test(
	    tc,
	    missing_clean_shows_old_bytes_and_is_reported_once_per_doorbell);
	tcase_add_test(tc,
		       secure_read_of_clean_and_invalid_lines_is_no_finding);
	tcase_add_test(
	    tc,
	    missing_invalidate_shows_old_bytes_once_per_line_until_rewritten);
	tcase_add_test(tc, cpu_read_spanning_two_stale_lines_reports_both);
	tcase_add_test(tc,
		       secure_write_to_invalid_line_is_seen_by_the_cpu_at_once);
	tcase_add_test(tc, csw_after_reply_does_not_make_a_later_read_stale);
	tcase_add_test(tc,
		       maintenance_of_1025_lines_outside_is_too_wide_warning);
	tcase_add_test(tc, maintenance_too_wide_is_firmware_with_wide_fails);
	tcase_add_test(tc, maintenance_of_1024_lines_outside_is_not_too_wide);
	tcase_add_test(tc, maintenance_count_starts_again_at_each_doorbell);
	tcase_add_test(tc, maintenance_too_wide_is_reported_once_per_run);
	tcase_add_test(tc, maintenance_inside_the_buffer_is_never_too_wide);
	tcase_add_test(tc, maintenance_before_reaching_the_buffer_counts);
	tcase_add_test(
	    tc, maintenance_that_never_reaches_the_buffer_is_not_too_wide);
	tcase_add_test(tc, a_gap_starts_a_new_sweep);
	tcase_add_test(
	    tc, too_wide_limit_is_four_times_the_watched_lines_when_larger);

	tc = fixture_case(s, "ranges");
	tcase_add_test(tc, watch_rounds_an_unaligned_range_out_to_lines);
	tcase_add_test(tc,
		       watch_takes_the_poc_from_memory_with_every_line_invalid);
	tcase_add_test(tc, watch_overlapping_another_range_is_refused);
	tcase_add_test(tc, watch_beyond_eight_ranges_is_refused);
	tcase_add_test(tc,
		       watch_of_empty_unreadable_or_wrapping_range_is_refused);
	tcase_add_test(tc, unwatched_addresses_read_as_invalid_and_not_stale);
	tcase_add_test(tc, resync_takes_the_cpu_view_as_poc_and_invalidates);
	tcase_add_test(tc,
		       store_crossing_the_end_dirties_only_the_watched_line);
	tcase_add_test(tc, secure_access_crossing_the_end_uses_memory_past_it);
	tcase_add_test(tc,
		       cpu_read_crossing_the_end_checks_only_the_watched_line);
	tcase_add_test(tc, maintenance_past_the_end_counts_as_outside);
	tcase_add_test(tc, zva_in_the_last_line_zeroes_that_line_only);
	tcase_add_test(tc, zva_outside_every_range_is_left_to_the_cpu);
	tcase_add_test(tc, setway_repeats_skip_only_while_nothing_changed);

	tc = fixture_case(s, "names");
	tcase_add_loop_test(tc, core_names_parse_back, 0, CACHE_CORE_COUNT);
	tcase_add_test(tc,
		       unknown_core_and_op_names_are_refused_or_question_marks);
	tcase_add_loop_test(tc, op_names_are_the_instructions, 0,
			    CACHE_OP_COUNT);

	return s;
}
