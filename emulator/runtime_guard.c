#include "emulator/runtime_guard.h"

#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"

void runtime_guard_init(struct runtime_guard *g)
{
	memset(g, 0, sizeof(*g));
	g->checks = GUARD_CHECK_ALL;
}

void runtime_guard_free(struct runtime_guard *g)
{
	free(g->allowed);
	free(g->names);
	g->allowed = g->names = NULL;
}

static struct guard_range *copy_ranges(const struct guard_range *r, size_t n)
{
	struct guard_range *c = xcalloc(n + 1, sizeof(*c));

	memcpy(c, r, n * sizeof(*r));
	return c;
}

void runtime_guard_arm(struct runtime_guard *g,
		       const struct guard_range *allowed, size_t allowed_count,
		       const struct guard_range *names, size_t name_count)
{
	runtime_guard_free(g);
	g->allowed = copy_ranges(allowed, allowed_count);
	g->allowed_count = allowed_count;
	g->names = copy_ranges(names, name_count);
	g->name_count = name_count;
	g->armed = true;
}

static const struct guard_range *find(const struct guard_range *r, size_t n,
				      uint64_t addr, unsigned access)
{
	for (size_t i = 0; i < n; i++) {
		if (addr >= r[i].base && addr - r[i].base < r[i].size &&
		    (access == 0 || (r[i].access & access) != 0)) {
			return &r[i];
		}
	}
	return NULL;
}

bool runtime_guard_violates(const struct runtime_guard *g, unsigned check,
			    uint64_t addr)
{
	unsigned access;

	if (!g->armed || (g->checks & check) == 0) {
		return false;
	}
	switch (check) {
	case GUARD_CHECK_FETCH:
		access = GUARD_EXEC;
		break;
	case GUARD_CHECK_DATA:
		access = GUARD_DATA | GUARD_EXEC; /* code may be read too */
		break;
	default:
		access = GUARD_DATA; /* devices: declared data ranges only */
		break;
	}
	return find(g->allowed, g->allowed_count, addr, access) == NULL;
}

bool runtime_guard_first_at(struct runtime_guard *g, uint64_t pc)
{
	g->violations++;
	for (size_t i = 0; i < g->report_count; i++) {
		if (g->reported[i] == pc) {
			return false;
		}
	}
	if (g->report_count == GUARD_MAX_REPORTED) {
		return false;
	}
	g->reported[g->report_count++] = pc;
	return true;
}

const char *runtime_guard_region_name(const struct runtime_guard *g,
				      const struct platform *p, uint64_t addr)
{
	const struct guard_range *n = find(g->names, g->name_count, addr, 0);
	const struct platform_region *r = platform_region_at(p, addr);

	if (n != NULL) {
		return n->name;
	}
	return r != NULL ? r->name : "unmapped";
}

static int compare_ranges(const void *a, const void *b)
{
	const struct guard_range *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

bool runtime_guard_gaps(const struct runtime_guard *g, uint64_t base,
			uint64_t end,
			bool (*gap)(void *ctx, uint64_t first, uint64_t last),
			void *ctx)
{
	size_t n = g->allowed_count;
	struct guard_range *sorted = copy_ranges(g->allowed, n);
	uint64_t at = base;
	bool ok = true;

	qsort(sorted, n, sizeof(*sorted), compare_ranges);
	for (size_t i = 0; i <= n && at < end && ok; i++) {
		uint64_t gap_end = i < n ? sorted[i].base : end;

		if (gap_end > end) {
			gap_end = end;
		}
		if (gap_end > at) {
			ok = gap(ctx, at, gap_end - 1);
		}
		if (i < n && sorted[i].base + sorted[i].size > at) {
			at = sorted[i].base + sorted[i].size;
		}
	}
	free(sorted);
	return ok;
}
