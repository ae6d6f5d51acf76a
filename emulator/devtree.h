/*
 * The flattened device tree handed to the firmware, built with libfdt's
 * sequential-write API: memory, one CPU, PSCI with method = "smc", the
 * architected timer, the PL011 (with its APB clock), the PL031 RTC and
 * /chosen/stdout-path, plus the MM shared buffer as a no-map
 * /reserved-memory node so that the firmware's allocators keep off it,
 * and /firmware/optee for platforms with OP-TEE.
 */
#ifndef EMULATOR_DEVTREE_H
#define EMULATOR_DEVTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "emulator/platform.h"

#define DEVTREE_MAX_SIZE 0x10000u

struct devtree_options {
	uint64_t shared_buf_addr; /* 0: no reserved-memory node */
	uint64_t shared_buf_size;
	const char *psci_method;  /* "smc" (default) or "hvc" */
};

/* Builds the blob into buf (DEVTREE_MAX_SIZE bytes); *size = its size. */
bool devtree_build(const struct platform *p, const struct devtree_options *o,
		   void *buf, size_t *size, struct error *err);

#endif /* EMULATOR_DEVTREE_H */
