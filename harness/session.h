/*
 * A session is one fresh machine with its secure world: the composition
 * root that builds the trace, the findings, the machine and the secure
 * world (models/secure_world.h) from one configuration, connects them (the
 * machine's SMCs go to the world; the world's doorbells and phase changes
 * reach the machine's cache model), loads the image, and tears everything
 * down.  The `boot` command and the scenario
 * runner both start from here.
 */
#ifndef HARNESS_SESSION_H
#define HARNESS_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/error.h"
#include "common/finding.h"
#include "common/trace.h"
#include "emulator/loader.h"
#include "emulator/machine.h"
#include "models/secure_world.h"

struct session_config {
	const struct platform *platform;
	struct machine_config machine;
	struct spmc_config spmc;
	struct varstore_config store;
	uint64_t shared_buf_addr;
	uint64_t shared_buf_size;
	const char *store_file;   /* NV variables persist here (may be NULL) */
	const char *preload_file; /* initial variables (may be NULL) */
};

/* Defaults for platform p (NULL: the default platform). */
void session_config_default(struct session_config *cfg,
			    const struct platform *p);

struct session {
	struct session_config cfg;
	struct trace trace;
	struct findings findings;
	struct machine *machine;
	struct secure_world *world;
	struct image image;
	bool image_loaded;
};

bool session_init(struct session *s, const struct session_config *cfg,
		  struct error *err);
bool session_load_image(struct session *s, const char *path,
			enum image_format format, uint64_t load_addr,
			struct error *err);
/* Writes the store file if one is configured. */
bool session_save_store(struct session *s, struct error *err);
void session_free(struct session *s);

#endif /* HARNESS_SESSION_H */
