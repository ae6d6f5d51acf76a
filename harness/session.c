#include "harness/session.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "abi/ffa_mem.h"
#include "models/ffa_mem.h"
#include "models/mm_sp.h"
#include "models/spmc.h"
#include "models/varstore_file.h"

void session_config_default(struct session_config *cfg,
			    const struct platform *p)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->platform = p != NULL ? p : platform_default();
	machine_config_default(&cfg->machine);
	cfg->machine.platform = cfg->platform;
	spmc_config_default(&cfg->spmc);
	varstore_config_default(&cfg->store);
	cfg->shared_buf_addr = cfg->platform->shared_buf_addr;
	cfg->shared_buf_size = cfg->platform->shared_buf_size;
}

static bool check_shared_buffer(const struct session_config *cfg,
				struct error *err)
{
	const struct platform_region *r =
		platform_region_at(cfg->platform, cfg->shared_buf_addr);

	if (cfg->shared_buf_size == 0 ||
	    cfg->shared_buf_size > MM_SP_MAX_BUFFER) {
		return error_setf(err,
				  "shared buffer size %llu must be 1..%u bytes",
				  (unsigned long long)cfg->shared_buf_size,
				  MM_SP_MAX_BUFFER);
	}
	if (r == NULL || r->kind != REGION_RAM ||
	    cfg->shared_buf_size > r->size - (cfg->shared_buf_addr - r->base)) {
		return error_setf(err,
				  "shared buffer 0x%llx (+%llu) is not inside "
				  "the RAM of platform %s",
				  (unsigned long long)cfg->shared_buf_addr,
				  (unsigned long long)cfg->shared_buf_size,
				  cfg->platform->name);
	}
	return true;
}

/* The world's doorbells start a new request in the cache model. */
static void on_doorbell(void *ctx, enum sw_doorbell_edge edge,
			const struct sw_doorbell *d)
{
	struct session *s = ctx;

	(void)d;
	if (edge == SW_DOORBELL_BEGIN) {
		machine_doorbell(s->machine);
	}
}

/*
 * The normal world lent or donated pages, or reclaimed them: the machine
 * reports its firmware touching them meanwhile (docs/ffa-memory.md,
 * "Ownership, per page").  The key is the handle.
 */
static void on_owner_access(void *ctx, enum ffa_mem_owner_change change,
			    uint64_t handle, enum ffa_mem_kind kind,
			    uint64_t addr, uint32_t pages)
{
	struct session *s = ctx;
	bool donate = kind == FFA_MEM_KIND_DONATE;
	char what[128];

	switch (change) {
	case FFA_MEM_OWNER_LOST:
		snprintf(what, sizeof(what),
			 "the page was %s with handle 0x%" PRIx64
			 "; the owner has no access %s",
			 donate ? "donated" : "lent", handle,
			 donate ? "any more" : "until it reclaims it");
		(void)machine_forbid(
			s->machine, handle, addr,
			(uint64_t)pages * FFA_MEM_PAGE_SIZE,
			donate ? "ffa.mem.access-after-donate"
			       : "ffa.mem.owner-access-after-lend",
			what);
		break;
	case FFA_MEM_OWNER_DONATED:
		/* Forbidden since the send; now for good (no reclaim). */
		break;
	case FFA_MEM_OWNER_REGAINED:
		machine_allow(s->machine, handle);
		break;
	}
}

static const struct ffa_mem_observer_ops owner_access_ops = {
	.owner_access = on_owner_access,
};

/* Once ExitBootServices has returned, set/way maintenance is a finding. */
static void on_phase(void *ctx, enum lifecycle_phase from,
		     enum lifecycle_phase to, enum lifecycle_evidence why)
{
	struct session *s = ctx;

	(void)why;
	if (from < LIFECYCLE_RUNTIME && to >= LIFECYCLE_RUNTIME) {
		machine_set_runtime(s->machine);
	}
}

bool session_init(struct session *s, const struct session_config *cfg,
		  struct error *err)
{
	struct machine_config mc = cfg->machine;
	struct secure_world_config wc;
	struct secure_world_ports ports;
	struct sw_observer obs = {.doorbell = on_doorbell, .ctx = s};

	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	trace_init(&s->trace);
	findings_init(&s->findings);
	if (!check_shared_buffer(cfg, err)) {
		goto fail;
	}
	mc.platform = cfg->platform;
	mc.shared_buf_addr = cfg->shared_buf_addr;
	mc.shared_buf_size = cfg->shared_buf_size;
	s->machine = machine_new(&mc, &s->trace, &s->findings, err);
	if (s->machine == NULL) {
		goto fail;
	}
	secure_world_config_default(&wc);
	wc.spmc = cfg->spmc;
	wc.store = cfg->store;
	wc.mm_buf_addr = cfg->shared_buf_addr;
	wc.mm_buf_size = cfg->shared_buf_size;
	wc.store_file = cfg->store_file;
	wc.preload_file = cfg->preload_file;
	wc.optee = cfg->platform->optee;
	ports.secure = machine_secure_mem(s->machine);
	ports.cpu = machine_cpu_mem(s->machine);
	s->world = secure_world_new(&wc, &ports, &s->trace, &s->findings, err);
	if (s->world == NULL) {
		goto fail;
	}
	secure_world_observe(s->world, &obs);
	ffa_mem_observe(spmc_memory(secure_world_spmc(s->world)),
			&(struct ffa_mem_observer){&owner_access_ops, s});
	lifecycle_listen(secure_world_lifecycle(s->world), on_phase, s);
	machine_set_secure_port(s->machine, secure_world_call, s->world);
	return true;

fail:
	session_free(s);
	return false;
}

bool session_load_image(struct session *s, const char *path,
			enum image_format format, uint64_t load_addr,
			struct error *err)
{
	if (!image_load_file(&s->image, path, format, load_addr, err)) {
		return false;
	}
	s->image_loaded = true;
	return machine_load_image(s->machine, &s->image, err);
}

bool session_save_store(struct session *s, struct error *err)
{
	return s->world == NULL || secure_world_save_store(s->world, err);
}

void session_free(struct session *s)
{
	secure_world_free(s->world);
	s->world = NULL;
	machine_free(s->machine);
	s->machine = NULL;
	if (s->image_loaded) {
		image_free(&s->image);
		s->image_loaded = false;
	}
	trace_free(&s->trace);
	findings_free(&s->findings);
}
