#include "harness/session.h"

#include <string.h>
#include <unistd.h>

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

/*
 * OP-TEE's StMM pseudo-TA is answered by the SPMC's MM partition when
 * there is one, else by a partition of its own: one store either way.
 */
static void session_add_optee(struct session *s,
			      const struct mm_sp_config *mmc)
{
	struct optee_config oc;
	struct mm_sp *mm = NULL;

	for (size_t i = 0; i < SPMC_MAX_PARTITIONS && mm == NULL; i++) {
		mm = s->mm[i];
	}
	if (mm == NULL) {
		s->optee_mm = mm_sp_new(mmc, s->store,
					machine_secure_mem(s->machine),
					&s->findings, &s->inject);
		mm = s->optee_mm;
	}
	optee_config_default(&oc);
	s->optee = optee_new(&oc, machine_secure_mem(s->machine),
			     &s->findings, &s->inject, mm);
}

bool session_init(struct session *s, const struct session_config *cfg,
		  struct error *err)
{
	struct machine_config mc = cfg->machine;
	struct mm_sp_config mmc = {
		.buf_addr = cfg->shared_buf_addr,
		.buf_size = cfg->shared_buf_size,
	};

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
	s->store = varstore_new(&cfg->store);
	if (cfg->preload_file != NULL &&
	    !varstore_load_preload(s->store, cfg->preload_file, err)) {
		goto fail;
	}
	if (cfg->store_file != NULL && access(cfg->store_file, F_OK) == 0 &&
	    !varstore_load(s->store, cfg->store_file, err)) {
		goto fail;
	}
	inject_init(&s->inject);
	psci_init(&s->psci, &s->findings);
	spmc_init(&s->spmc, &cfg->spmc, machine_secure_mem(s->machine),
		  &s->findings, &s->inject);
	for (size_t i = 0; i < cfg->spmc.partition_count; i++) {
		if (cfg->spmc.partitions[i].model != SP_MODEL_MM_VARIABLE) {
			continue;
		}
		s->mm[i] = mm_sp_new(&mmc, s->store,
				     machine_secure_mem(s->machine),
				     &s->findings, &s->inject);
		spmc_attach_mm(&s->spmc, i, s->mm[i]);
	}
	if (cfg->platform->optee) {
		session_add_optee(s, &mmc);
	}
	agent_init(&s->agent, machine_cpu_mem(s->machine), &s->findings);
	s->router = (struct smc_router){
		.psci = &s->psci,
		.spmc = &s->spmc,
		.agent = &s->agent,
		.optee = s->optee,
		.trace = &s->trace,
		.findings = &s->findings,
	};
	machine_set_router(s->machine, &s->router);
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
	if (s->cfg.store_file == NULL || s->store == NULL) {
		return true;
	}
	return varstore_save(s->store, s->cfg.store_file, err);
}

void session_free(struct session *s)
{
	for (size_t i = 0; i < SPMC_MAX_PARTITIONS; i++) {
		mm_sp_free(s->mm[i]);
		s->mm[i] = NULL;
	}
	optee_free(s->optee);
	s->optee = NULL;
	mm_sp_free(s->optee_mm);
	s->optee_mm = NULL;
	if (s->spmc.abi_calls != NULL) {
		spmc_free(&s->spmc);
	}
	agent_free(&s->agent);
	if (s->store != NULL) {
		varstore_free(s->store);
		s->store = NULL;
	}
	machine_free(s->machine);
	s->machine = NULL;
	if (s->image_loaded) {
		image_free(&s->image);
		s->image_loaded = false;
	}
	trace_free(&s->trace);
	findings_free(&s->findings);
}
