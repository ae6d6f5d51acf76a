/*
 * The runtime-discipline guard's rules, apart from the CPU that applies
 * them (emulator/machine.c installs the hooks): which ranges firmware may
 * still use after ExitBootServices, which checks run now, the names that
 * say what an address belongs to, and which violations were already
 * reported.  Plain C, no Unicorn.
 */
#ifndef EMULATOR_RUNTIME_GUARD_H
#define EMULATOR_RUNTIME_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "emulator/platform.h"

/* What the firmware may use after ExitBootServices. */
enum guard_access {
	GUARD_EXEC = 1u << 0,
	GUARD_DATA = 1u << 1, /* read and write */
};

struct guard_range {
	uint64_t base;
	uint64_t size;
	unsigned access;  /* GUARD_* */
	const char *name; /* "runtime code", "EfiRuntimeServicesData", ... */
};

/*
 * Which of the checks run (all by default): the runner limits them to the
 * firmware's runtime-service calls, and to code and MMIO, when the code
 * that called ExitBootServices is itself part of the firmware image
 * (U-Boot's built-in `bootefi selftest`), whose memory a runtime service
 * may legitimately read and write for its caller.
 */
enum guard_check {
	GUARD_CHECK_FETCH = 1u << 0, /* code outside GUARD_EXEC ranges */
	GUARD_CHECK_DATA = 1u << 1,  /* RAM/flash outside allowed ranges */
	GUARD_CHECK_MMIO = 1u << 2,  /* devices outside GUARD_DATA ranges */
	GUARD_CHECK_ALL = 7u,
};

#define GUARD_MAX_REPORTED 32 /* PCs reported, each once */

struct runtime_guard {
	bool armed;      /* ranges set, hooks in place */
	unsigned checks; /* GUARD_CHECK_* */
	struct guard_range *allowed;
	size_t allowed_count;
	struct guard_range *names;
	size_t name_count;
	uint64_t reported[GUARD_MAX_REPORTED];
	size_t report_count;
	uint64_t violations;
};

void runtime_guard_init(struct runtime_guard *g);
void runtime_guard_free(struct runtime_guard *g);
/* Copies the ranges; the guard is armed from then on. */
void runtime_guard_arm(struct runtime_guard *g,
		       const struct guard_range *allowed, size_t allowed_count,
		       const struct guard_range *names, size_t name_count);
/*
 * True when touching addr the way `check` says (GUARD_CHECK_FETCH, _DATA
 * or _MMIO) breaks the rules now.
 */
bool runtime_guard_violates(const struct runtime_guard *g, unsigned check,
			    uint64_t addr);
/* Counts a violation at pc; true the first time pc is seen (reported). */
bool runtime_guard_first_at(struct runtime_guard *g, uint64_t pc);
/* What addr belongs to: a named range, else the platform's region. */
const char *runtime_guard_region_name(const struct runtime_guard *g,
				      const struct platform *p, uint64_t addr);
/*
 * Calls gap() for every part of [base, end) that no allowed range covers,
 * in ascending order; stops and returns false when gap() does.
 */
bool runtime_guard_gaps(const struct runtime_guard *g, uint64_t base,
			uint64_t end,
			bool (*gap)(void *ctx, uint64_t first, uint64_t last),
			void *ctx);

#endif /* EMULATOR_RUNTIME_GUARD_H */
