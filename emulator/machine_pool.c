/*
 * Reusing one Unicorn engine for the scenarios a process runs one after
 * another (the batches of harness/run_cmd.c).  uc_open(), uc_close() and
 * translating the same firmware again were about two fifths of a
 * reference-client scenario (perf, 2026-12-07).
 *
 * A machine freed while reuse is on is parked whole: the hooks registered
 * in machine_new() carry the machine as user_data, so it keeps its
 * address.  The next machine_new() for the same platform takes it and
 * brings the engine back to what a fresh one would be:
 *   - the CPU: the state saved right after uc_open() (uc_context_save()
 *     copies CPUARMState up to its watchpoints: registers, system
 *     registers, PSTATE).  The softmmu TLB is not reset; the guest's MMU
 *     is never on in this machine (machine_hooks.c keeps SCTLR_EL1.M
 *     clear), so every entry maps an address to itself, as before;
 *   - hooks: those the scenario added are deleted, machine_new()'s stay;
 *   - RAM: every byte a fresh engine holds as zero reads as zero.
 *     Resident pages (mincore()) outside what the last scenario loaded
 *     before it ran are zeroed at once; what it loaded (image, device
 *     tree) stays pending: until the first run, reads see zeros there and
 *     writes store only the bytes that differ, so an unchanged image keeps
 *     its translated blocks; at the first run what is still pending is
 *     zeroed.  Every change is written with uc_mem_write() and the
 *     translated blocks of the changed range are removed
 *     (uc_ctl_remove_cache(): uc_mem_write() alone keeps them), so no
 *     stale block survives a change of code;
 *   - translated blocks: kept.  A block translated with read hooks (a
 *     scenario's, deleted at parking) finds none to call; one translated
 *     without them is dropped before it runs again once the next
 *     scenario has added its first (machine_priv.h, read_hooked);
 *   - watch windows (the cache model's MMIO pages): kept where the next
 *     scenario watches the same pages, mapped back as RAM before its
 *     first run where it does not (machine_hooks.c).
 * tests/integration/test-engine-reuse.sh checks that every suite gives the
 * same bytes with reuse on and off.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/error.h"
#include "common/strbuf.h"
#include "emulator/machine_priv.h"

static struct {
	bool on;
	struct machine *parked;
	int host_swaps; /* -1 until host_may_swap() has looked */
} pool = {false, NULL, -1};

/*
 * mincore() tells pages the host never touched (zero) from touched ones
 * only while none can be swapped out: a swapped-out page is not resident
 * and not zero either.  The scrub and machine_ram_untouched() rely on it,
 * so both are off on a host with a swap area (a line in /proc/swaps past
 * its header), or where /proc/swaps cannot be read.
 */
static bool host_may_swap(void)
{
	if (pool.host_swaps < 0) {
		FILE *f = fopen("/proc/swaps", "r");
		char line[256];
		int lines = 0;

		while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
			lines++;
		}
		pool.host_swaps = f == NULL || lines > 1;
		if (f != NULL) {
			fclose(f);
		}
	}
	return pool.host_swaps != 0;
}

void machine_pool_enable(bool on)
{
	pool.on = on && !host_may_swap();
	if (!on) {
		machine_pool_drain();
	}
}

void machine_pool_drain(void)
{
	struct machine *m = pool.parked;

	pool.parked = NULL;
	if (m != NULL) {
		machine_destroy(m);
	}
}

bool machine_pool_save_pristine(struct machine *m)
{
	if (!pool.on) {
		return true;
	}
	return uc_context_alloc(m->uc, &m->pristine) == UC_ERR_OK &&
	       uc_context_save(m->uc, m->pristine) == UC_ERR_OK;
}

struct machine *machine_pool_take(const struct machine_config *cfg)
{
	struct machine *m = pool.parked;
	const struct platform *p =
		cfg->platform != NULL ? cfg->platform : platform_default();

	if (m == NULL) {
		return NULL;
	}
	pool.parked = NULL;
	if (m->platform != p) {
		machine_destroy(m);
		return NULL;
	}
	return m;
}

void machine_note_hook(struct machine *m, uc_hook h)
{
	if (m->scenario_hook_count == MACHINE_MAX_SCENARIO_HOOKS) {
		m->scenario_hooks_lost = true;
		return;
	}
	m->scenario_hooks[m->scenario_hook_count++] = h;
}

bool machine_pool_park(struct machine *m)
{
	if (!pool.on || m->pristine == NULL || m->scenario_hooks_lost ||
	    m->translated_count != 0 ||
	    m->breakpoint_count != 0 || m->stop == MACHINE_STOP_HOST_ERROR) {
		return false;
	}
	for (size_t i = 0; i < m->scenario_hook_count; i++) {
		(void)uc_hook_del(m->uc, m->scenario_hooks[i]);
	}
	m->scenario_hook_count = 0;
	for (size_t i = 0; i < MACHINE_MAX_FORBIDDEN; i++) {
		if (m->forbidden[i].used) {
			(void)uc_hook_del(m->uc, m->forbidden[i].hook);
			m->forbidden[i].used = false;
		}
	}
	machine_pool_drain(); /* one parked machine at most */
	pool.parked = m;
	return true;
}

/* --- Pending ranges ------------------------------------------------------- */

static void pending_add(struct machine *m, uint64_t lo, uint64_t hi)
{
	if (lo < hi && m->pending_count < MACHINE_MAX_PENDING) {
		m->pending[m->pending_count++] = (struct span){lo, hi};
	}
}

/*
 * Takes [lo, hi) out of the pending ranges.  False when a split does not
 * fit the list; the caller then settles everything pending at once.
 */
static bool pending_remove(struct machine *m, uint64_t lo, uint64_t hi)
{
	for (size_t i = 0; i < m->pending_count; i++) {
		struct span *p = &m->pending[i];

		if (hi <= p->lo || lo >= p->hi) {
			continue;
		}
		if (lo > p->lo && hi < p->hi) {
			if (m->pending_count == MACHINE_MAX_PENDING) {
				return false;
			}
			m->pending[m->pending_count++] =
				(struct span){hi, p->hi};
			p->hi = lo;
		} else if (lo > p->lo) {
			p->hi = lo;
		} else if (hi < p->hi) {
			p->lo = hi;
		} else {
			*p = m->pending[--m->pending_count];
			i--; /* look at the one moved here */
		}
	}
	return true;
}

void machine_pool_overlay(const struct machine *m, uint64_t addr, void *buf,
			  size_t len)
{
	for (size_t i = 0; i < m->pending_count; i++) {
		const struct span *p = &m->pending[i];
		uint64_t lo = addr > p->lo ? addr : p->lo;
		uint64_t hi = addr + len < p->hi ? addr + len : p->hi;

		if (lo < hi) {
			memset((uint8_t *)buf + (lo - addr), 0, hi - lo);
		}
	}
}

/* --- RAM ------------------------------------------------------------------ */

static const struct ram_block *ram_block_of(const struct machine *m,
					    uint64_t addr, uint64_t len)
{
	for (size_t i = 0; i < m->ram_count; i++) {
		const struct ram_block *b = &m->ram[i];

		if (addr >= b->base && len <= b->size &&
		    addr - b->base <= b->size - len) {
			return b;
		}
	}
	return NULL;
}

uint8_t *machine_ram_host(const struct machine *m, uint64_t addr,
			  uint64_t len)
{
	const struct ram_block *b = ram_block_of(m, addr, len);

	return b != NULL ? b->host + (addr - b->base) : NULL;
}

/*
 * The pages [*first, *end) of b that a block of size bytes at address
 * covers, if it starts in b.
 */
static bool block_pages(const struct ram_block *b, uint64_t address,
			uint32_t size, uint64_t *first, uint64_t *end)
{
	uint64_t last = address + (size != 0 ? size - 1 : 0);

	if (address - b->base >= b->size) {
		return false;
	}
	if (last - b->base >= b->size) {
		last = b->base + b->size - 1;
	}
	*first = (address - b->base) / 4096;
	*end = (last - b->base) / 4096 + 1;
	return true;
}

void machine_note_code(struct machine *m, uint64_t address, uint32_t size)
{
	for (size_t i = 0; i < m->ram_count; i++) {
		struct ram_block *b = &m->ram[i];
		uint64_t pg, end;

		if (!block_pages(b, address, size, &pg, &end)) {
			continue;
		}
		for (; pg < end; pg++) {
			b->code[pg / 8] |= (uint8_t)(1u << (pg % 8));
		}
	}
}

/* Bit pg of a page bitmap (ram_block.code, ram_block.stale). */
static bool page_bit(const uint8_t *map, uint64_t pg)
{
	return (map[pg / 8] >> (pg % 8)) & 1u;
}

/* Whether a block ever ran from page pg of b (machine_note_code()). */
static bool page_ran_code(const struct ram_block *b, uint64_t pg)
{
	return page_bit(b->code, pg);
}

/*
 * Drops every translated block, page run by page run of the bitmap.
 * uc_ctl_flush_tlb() (Unicorn 2.0.1's TB flush) would do it in one call but
 * clears its whole code buffer with memset: 1.5 s of page faults a call
 * (perf, 2026-12-07).  The bits stay: set bits only cost a comparison.
 */
bool machine_drop_translations(struct machine *m)
{
	for (size_t i = 0; i < m->ram_count; i++) {
		const struct ram_block *b = &m->ram[i];
		uint64_t pages = b->size / 4096;

		for (uint64_t pg = 0; pg < pages;) {
			uint64_t end = pg;

			if (pg % 8 == 0 && b->code[pg / 8] == 0) {
				pg += 8; /* most of RAM never ran code */
				continue;
			}
			while (end < pages && page_ran_code(b, end)) {
				end++;
			}
			if (end > pg &&
			    uc_ctl_remove_cache(m->uc, b->base + pg * 4096,
						b->base + end * 4096) != UC_ERR_OK) {
				return false;
			}
			pg = end + 1;
		}
	}
	m->stale = false;
	return true;
}

void machine_mark_translations_stale(struct machine *m)
{
	for (size_t i = 0; i < m->ram_count; i++) {
		struct ram_block *b = &m->ram[i];

		memcpy(b->stale, b->code, b->size / 4096 / 8 + 1);
	}
	m->stale = true;
}

static bool page_is_stale(const struct ram_block *b, uint64_t pg)
{
	return page_bit(b->stale, pg);
}

bool machine_block_is_stale(const struct machine *m, uint64_t address,
			    uint32_t size)
{
	for (size_t i = 0; i < m->ram_count && m->stale; i++) {
		const struct ram_block *b = &m->ram[i];
		uint64_t pg, end;

		if (!block_pages(b, address, size, &pg, &end)) {
			continue;
		}
		for (; pg < end; pg++) {
			if (page_is_stale(b, pg)) {
				return true;
			}
		}
	}
	return false;
}

/*
 * One page at a time: of U-Boot's code, 5 to 23 pages run again after
 * ExitBootServices in scenarios/uboot's members, and dropping a block
 * writes to its structures and to every block chained to it, pages a
 * forked member shares with its leader until it writes them
 * (docs/performance.md).
 */
bool machine_drop_stale(struct machine *m, uint64_t address, uint32_t size)
{
	for (size_t i = 0; i < m->ram_count; i++) {
		struct ram_block *b = &m->ram[i];
		uint64_t pg, end;

		if (!block_pages(b, address, size, &pg, &end)) {
			continue;
		}
		for (; pg < end; pg++) {
			uint64_t page = b->base + pg * 4096;

			if (!page_is_stale(b, pg)) {
				continue;
			}
			b->stale[pg / 8] &= (uint8_t)~(1u << (pg % 8));
			if (uc_ctl_remove_cache(m->uc, page, page + 4096) !=
			    UC_ERR_OK) {
				return false;
			}
		}
	}
	return true;
}

static bool page_has_code(const struct ram_block *b, uint64_t addr)
{
	return page_ran_code(b, (addr - b->base) / 4096);
}

/*
 * Stores the bytes of buf that differ from RAM, one run per page.  A page
 * no block ever ran from holds no translated code: it is written in host
 * memory directly, which costs nothing in Unicorn.  A page with code goes
 * through uc_mem_write(), and the changed range's blocks are removed:
 * uc_mem_write() does not drop them in Unicorn 2.0.1 (seen: a reused
 * engine ran the last image's code after the next one was written over
 * it).
 */
static bool store_changes(struct machine *m, const struct ram_block *b,
			  uint64_t addr, const uint8_t *buf, size_t len)
{
	uint8_t *host = b->host + (addr - b->base);
	size_t off = 0;

	while (off < len) {
		size_t page_left = 4096 - ((addr + off) & 4095);
		size_t n = len - off < page_left ? len - off : page_left;
		size_t first = 0, last = n;
		uint64_t at;

		off += n;
		if (memcmp(host + off - n, buf + off - n, n) == 0) {
			continue;
		}
		while (host[off - n + first] == buf[off - n + first]) {
			first++;
		}
		while (host[off - n + last - 1] == buf[off - n + last - 1]) {
			last--;
		}
		at = addr + off - n + first;
		/* No block runs from a window (MMIO): never through
		 * uc_mem_write(), whose store its callbacks would see. */
		if (!page_has_code(b, at) ||
		    machine_window_next(m, at, at + 1) != NULL) {
			memcpy(host + off - n + first, buf + off - n + first,
			       last - first);
		} else if (uc_mem_write(m->uc, at, buf + off - n + first,
					last - first) != UC_ERR_OK ||
			   uc_ctl_remove_cache(m->uc, at, at + (last - first)) !=
				   UC_ERR_OK) {
			return false;
		}
	}
	return true;
}

static const uint8_t zero_page[4096];

/* Zeroes the non-zero bytes of [addr, addr + len) inside block b. */
static bool zero_changes(struct machine *m, const struct ram_block *b,
			 uint64_t addr, uint64_t len)
{
	while (len > 0) {
		size_t n = len < sizeof(zero_page) ? len : sizeof(zero_page);

		if (!store_changes(m, b, addr, zero_page, n)) {
			return false;
		}
		addr += n;
		len -= n;
	}
	return true;
}

/* Zeroes everything still pending: the reused machine is now as fresh. */
static bool settle_pending(struct machine *m)
{
	bool ok = true;

	for (size_t i = 0; i < m->pending_count; i++) {
		const struct span *p = &m->pending[i];
		const struct ram_block *b = ram_block_of(m, p->lo, p->hi - p->lo);

		ok = ok && b != NULL && zero_changes(m, b, p->lo, p->hi - p->lo);
	}
	m->pending_count = 0;
	m->pre_first_run = false;
	return ok;
}

bool machine_range_ran_code(const struct machine *m, uint64_t lo,
			    uint64_t hi)
{
	for (uint64_t a = lo & ~(uint64_t)4095; a < hi; a += 4096) {
		const struct ram_block *b = ram_block_of(m, a, 1);

		if (b != NULL && page_has_code(b, a)) {
			return true;
		}
	}
	return false;
}

/*
 * RAM outside the windows, while the firmware runs: uc_mem_write() does
 * not drop the blocks translated from what it overwrites (Unicorn 2.0.1),
 * so a page code ran from loses the changed range's blocks; the next fetch
 * translates the new bytes (an EFI binary loaded where another ran).
 */
static bool write_ram_running(struct machine *m, uint64_t addr,
			      const uint8_t *buf, size_t len)
{
	return uc_mem_write(m->uc, addr, buf, len) == UC_ERR_OK &&
	       (!machine_range_ran_code(m, addr, addr + len) ||
		uc_ctl_remove_cache(m->uc, addr, addr + len) == UC_ERR_OK);
}

/*
 * A write after the first run: through uc_mem_write() but in the watch
 * windows, where host memory is written directly (through Unicorn, the
 * cache model would take the host's write for a CPU store).
 */
static bool store_running(struct machine *m, uint64_t addr,
			  const uint8_t *buf, size_t len)
{
	uint64_t end = addr + len;

	while (addr < end) {
		const struct watch_window *w = machine_window_next(m, addr, end);
		uint64_t lo = w == NULL ? end : w->lo > addr ? w->lo : addr;
		uint64_t hi = w == NULL ? end : w->hi < end ? w->hi : end;

		/* RAM up to the window, then the window's part. */
		if (lo > addr && !write_ram_running(m, addr, buf, lo - addr)) {
			return false;
		}
		if (w != NULL) {
			memcpy(w->host + (lo - w->lo), buf + (lo - addr),
			       hi - lo);
		}
		buf += hi - addr;
		addr = hi;
	}
	return true;
}

bool machine_ram_store(struct machine *m, uint64_t addr, const void *buf,
		       size_t len)
{
	const struct ram_block *b;

	if (!m->pre_first_run) {
		return store_running(m, addr, buf, len);
	}
	b = ram_block_of(m, addr, len);
	if ((b == NULL || !pending_remove(m, addr, addr + len)) &&
	    !settle_pending(m)) {
		return false;
	}
	/* Settled or not, through store_changes(): a page that holds the
	 * last scenario's code must lose the blocks of the bytes that change. */
	return b != NULL ? store_changes(m, b, addr, buf, len)
			 : store_running(m, addr, buf, len);
}

bool machine_ram_untouched(const struct machine *m, uint64_t addr,
			   uint64_t len)
{
	const uint8_t *host = machine_ram_host(m, addr, len);
	uintptr_t at, end;
	unsigned char resident[256];

	if (host == NULL || len == 0 || host_may_swap()) {
		return false;
	}
	at = (uintptr_t)host & ~(uintptr_t)4095;
	end = ((uintptr_t)host + len + 4095) & ~(uintptr_t)4095;
	while (at < end) {
		size_t pages = (end - at) / 4096;

		pages = pages < sizeof(resident) ? pages : sizeof(resident);
		if (mincore((void *)at, pages * 4096, resident) != 0) {
			return false;
		}
		for (size_t i = 0; i < pages; i++) {
			if (resident[i] & 1u) {
				return false;
			}
		}
		at += pages * 4096;
	}
	return true;
}

/*
 * Zeroes the resident pages of block b, but for the bytes in the loaded
 * ranges (which become pending).  A page the host never touched is zero.
 */
static bool scrub_block(struct machine *m, struct ram_block *b,
			const struct written_range *loaded, size_t count)
{
	size_t pages = b->size / 4096;
	unsigned char *resident;
	bool ok;

	/* Kept with the block: a fresh 256 KiB vector per scenario was
	 * an mmap, its page faults and a munmap each time. */
	if (b->resident == NULL) {
		b->resident = xmalloc(pages != 0 ? pages : 1);
	}
	resident = b->resident;
	ok = mincore(b->host, b->size, resident) == 0;

	for (size_t pg = 0; ok && pg < pages; pg++) {
		/* mincore() gives 0 or 1 per page; most of RAM is never
		 * touched, so skip to the next 1 (memchr is vectorised). */
		const unsigned char *next = memchr(resident + pg, 1, pages - pg);
		uint64_t lo, hi;

		if (next == NULL) {
			break;
		}
		pg = (size_t)(next - resident);
		lo = b->base + pg * 4096;
		hi = lo + 4096;
		/* The page's gaps between loaded ranges (most pages: one gap,
		 * the whole page, or none). */
		for (uint64_t at = lo; ok && at < hi;) {
			uint64_t covered_to = at, next_start = hi;

			for (size_t i = 0; i < count; i++) {
				uint64_t a = loaded[i].addr;
				uint64_t e = a + loaded[i].len;

				if (a <= at && at < e && e > covered_to) {
					covered_to = e;
				} else if (a > at && a < next_start) {
					next_start = a;
				}
			}
			if (covered_to > at) {
				at = covered_to < hi ? covered_to : hi;
				continue;
			}
			ok = zero_changes(m, b, at, next_start - at);
			at = next_start;
		}
	}
	return ok;
}

bool machine_pool_prepare(struct machine *m,
			  const struct written_range *loaded,
			  size_t loaded_count, struct error *err)
{
	if (uc_context_restore(m->uc, m->pristine) != UC_ERR_OK) {
		return error_setf(err, "restoring a reused engine's CPU");
	}
	for (size_t i = 0; i < m->ram_count; i++) {
		if (!scrub_block(m, &m->ram[i], loaded, loaded_count)) {
			return error_setf(err, "clearing a reused engine's RAM");
		}
	}
	m->pending_count = 0;
	for (size_t i = 0; i < loaded_count; i++) {
		pending_add(m, loaded[i].addr, loaded[i].addr + loaded[i].len);
	}
	m->pre_first_run = true;
	return true;
}

bool machine_pool_first_run(struct machine *m)
{
	return !m->pre_first_run ||
	       (machine_windows_release_unclaimed(m) && settle_pending(m));
}
