/*
 * The runtime regions of a run (harness/runtime_regions.c) and the
 * runtime guard armed with them.
 */
#ifndef HARNESS_RUNTIME_REGIONS_H
#define HARNESS_RUNTIME_REGIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "harness/runner.h"
#include "harness/session.h"

/* One more usable range (kind: AGENT_REGION_*; name may be NULL). */
void regions_add(struct scenario_run *run, uint64_t base, uint64_t size,
		 uint32_t kind, const char *name);
/*
 * A UEFI memory map (descriptors of `stride` bytes): runtime code and data,
 * runtime MMIO, and the loader's own memory (the OS-like caller) stay
 * usable; every descriptor names its range for findings.
 */
bool regions_from_memory_map(struct scenario_run *run,
			     const struct session *s, const uint8_t *map,
			     size_t map_len, uint64_t stride, struct error *err);
/* The agent's ExitBootServices report: regions or a memory map. */
bool regions_from_report(struct scenario_run *run, const struct session *s,
			 const struct step_run *sr, struct error *err);
/*
 * The reference client's link symbols: the same three regions it reports
 * to its agent (runtime code, runtime data, the console).
 */
void regions_from_symbols(struct scenario_run *run, const struct session *s);
/*
 * Arms the guard: only the regions learnt (plus the MM shared buffer) may
 * be used from now on.  Nothing to do when no region was learnt.
 */
bool regions_arm_guard(struct scenario_run *run, struct session *s,
		       struct error *err);

#endif /* HARNESS_RUNTIME_REGIONS_H */
