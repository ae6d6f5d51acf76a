/*
 * The scenario runner.  See runner.h.
 *
 * The machine is driven in stretches: each step runs it until the agent
 * asks for its next step, the console goes idle, an awaited text appears,
 * or the run ends.  What happened in between (SMCs, console bytes,
 * findings) is attributed to the step by trace sequence numbers and
 * console offsets.
 */
#include "harness/runner.h"

#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abi/agent.h"
#include "abi/mm.h"
#include "common/abi_names.h"
#include "common/console_text.h"
#include "common/fileio.h"
#include "common/text.h"
#include "harness/expect.h"
#include "harness/gdb_session.h"
#include "harness/session.h"
#include "harness/exit_watch.h"
#include "harness/runner_priv.h"
#include "harness/runtime_regions.h"
#include "models/inject.h"
#include "models/optee.h"
#include "models/smc_router.h"

#define UBOOT_DEBIAN "/usr/lib/u-boot/qemu_arm64/u-boot.bin"
#define DEFAULT_BUFFER_SIZE 1024u

const char *runner_default_firmware_dir(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("FFAH_FW_DIR");
	ssize_t n;

	if (env != NULL && env[0] != '\0') {
		return env;
	}
	n = readlink("/proc/self/exe", dir, sizeof(dir) - 40);
	if (n <= 0) {
		return "build/firmware";
	}
	dir[n] = '\0';
	snprintf(dir + strlen(dirname(dir)), 16, "/firmware");
	if (access(dir, F_OK) != 0) {
		/* Installed (make install): PREFIX/bin and PREFIX/lib. */
		snprintf(dir + strlen(dirname(dir)), 32,
			 "/../lib/ffa-harness/firmware");
	}
	return dir;
}

/* --- Set-up --------------------------------------------------------------- */

static void set_message(char **dst, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_message(char **dst, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (*dst != NULL) {
		return; /* the first message is the cause */
	}
	va_start(ap, fmt);
	strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	*dst = strbuf_steal(&sb);
}

/* A path in a scenario is relative to the scenario file's directory. */
static char *scenario_relative(const struct scenario *sc, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char *copy;

	if (path[0] == '/' || sc->file == NULL) {
		return xstrdup(path);
	}
	copy = xstrdup(sc->file);
	strbuf_printf(&sb, "%s/%s", dirname(copy), path);
	free(copy);
	return strbuf_steal(&sb);
}

struct firmware_choice {
	char *name;
	char *path;
	enum image_format format;
	bool has_load_addr;
	uint64_t load_addr;
	const char *platform_hint;
};

static bool choose_firmware(const struct scenario *sc,
			    const struct runner_options *o,
			    struct firmware_choice *fw,
			    struct scenario_run *run)
{
	const char *dir = o->firmware_dir != NULL
				  ? o->firmware_dir
				  : runner_default_firmware_dir();
	const struct scenario_firmware *f = &sc->firmware;
	struct strbuf sb = STRBUF_INIT;

	memset(fw, 0, sizeof(*fw));
	if (o->image != NULL) {
		fw->name = xstrdup("--image");
		fw->path = xstrdup(o->image);
		fw->format = o->format;
		fw->has_load_addr = o->has_load_addr;
		fw->load_addr = o->load_addr;
		return true;
	}
	switch (f->kind) {
	case SCENARIO_FIRMWARE_DEFAULT:
		fw->name = xstrdup("refclient");
		strbuf_printf(&sb, "%s/refclient.elf", dir);
		break;
	case SCENARIO_FIRMWARE_IMAGE:
		fw->name = xstrdup(f->image);
		fw->path = scenario_relative(sc, f->image);
		if (f->format != NULL && !image_format_parse(f->format,
							     &fw->format)) {
			set_message(&run->setup_error,
				    "%s:%d:%d: unknown image format '%s'",
				    sc->file, f->mark.line, f->mark.column,
				    f->format);
			return false;
		}
		fw->has_load_addr = f->load_addr.present;
		fw->load_addr = f->load_addr.value;
		return true;
	case SCENARIO_FIRMWARE_BUILTIN:
		fw->name = xstrdup(f->name);
		if (strcmp(f->name, "refclient") == 0) {
			strbuf_printf(&sb, "%s/refclient.elf", dir);
		} else if (strncmp(f->name, "refclient:", 10) == 0) {
			strbuf_printf(&sb, "%s/refclient-%s.elf", dir,
				      f->name + 10);
		} else if (strcmp(f->name, "uboot-debian") == 0) {
			strbuf_puts(&sb, UBOOT_DEBIAN);
			fw->format = IMAGE_FORMAT_RAW;
			fw->has_load_addr = true;
			fw->load_addr = 0;
			fw->platform_hint = "qemu-virt";
		} else {
			set_message(&run->setup_error,
				    "%s:%d:%d: unknown built-in firmware '%s' "
				    "(refclient, refclient:<variant>, "
				    "uboot-debian)",
				    sc->file, f->mark.line, f->mark.column,
				    f->name);
			strbuf_free(&sb);
			return false;
		}
		break;
	}
	fw->path = strbuf_steal(&sb);
	return true;
}

static bool parse_version(const struct scenario_text *t, uint32_t *out)
{
	static const struct {
		const char *text;
		uint32_t v;
	} versions[] = {{"1.0", FFA_VERSION_1_0},
			{"1.1", FFA_VERSION_1_1},
			{"1.2", FFA_VERSION_1_2}};

	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		if (strcmp(versions[i].text, t->value) == 0) {
			*out = versions[i].v;
			return true;
		}
	}
	return false;
}

/* Documented in harness/runner_priv.h. */
bool runner_partitions(const struct scenario *sc, struct scenario_run *run,
		       struct spmc_config *spmc)
{
	const struct scenario_spmc *sp = &sc->spmc;

	if (sp->partition_count == 0) {
		return true;
	}
	spmc->partition_count = sp->partition_count;
	for (size_t i = 0; i < sp->partition_count && i < SPMC_MAX_PARTITIONS;
	     i++) {
		const struct scenario_partition *sp_in = &sp->partitions[i];
		struct spmc_partition_config *pc = &spmc->partitions[i];

		memset(pc, 0, sizeof(*pc));
		snprintf(pc->name, sizeof(pc->name), "%s",
			 sp_in->name.value != NULL ? sp_in->name.value
						   : "partition");
		pc->id = (uint16_t)sp_in->id.value;
		pc->uuid = sp_in->uuid;
		pc->properties = sp_in->properties.present
					 ? (uint32_t)sp_in->properties.value
					 : 0x103u;
		pc->exec_ctx_count = sp_in->exec_ctx_count.present
					     ? (uint16_t)sp_in->exec_ctx_count.value
					     : 1;
		pc->model = SP_MODEL_MM_VARIABLE;
		if (sp_in->model.value != NULL &&
		    !sp_model_parse(sp_in->model.value, &pc->model)) {
			set_message(&run->setup_error,
				    "%s:%d:%d: unknown partition model '%s'",
				    sc->file, sp_in->model.mark.line,
				    sp_in->model.mark.column, sp_in->model.value);
			return false;
		}
	}
	return true;
}

static bool make_config(const struct scenario *sc,
			const struct runner_options *o,
			const struct firmware_choice *fw,
			struct session_config *cfg, struct scenario_run *run)
{
	const struct scenario_spmc *sp = &sc->spmc;
	const char *pname = o->platform != NULL ? o->platform
			    : sc->platform.value != NULL ? sc->platform.value
			    : fw->platform_hint;
	const struct platform *p = pname != NULL ? platform_find(pname)
						 : platform_default();

	if (p == NULL) {
		set_message(&run->setup_error, "%s: unknown platform '%s'",
			    sc->file, pname);
		return false;
	}
	run->platform = p->name;
	session_config_default(cfg, p);
	if (sp->ffa_version.value != NULL &&
	    !parse_version(&sp->ffa_version, &cfg->spmc.max_version)) {
		set_message(&run->setup_error, "%s:%d:%d: bad FF-A version",
			    sc->file, sp->ffa_version.mark.line,
			    sp->ffa_version.mark.column);
		return false;
	}
	if (sp->nwd_id.present) {
		cfg->spmc.nwd_id = (uint16_t)sp->nwd_id.value;
	}
	cfg->spmc.audit_rxtx_unmap_at_exit =
		sc->checks.rxtx_unmapped_at_ebs.present &&
		sc->checks.rxtx_unmapped_at_ebs.value != 0;
	if (sp->shared_buffer_address.present) {
		cfg->shared_buf_addr = sp->shared_buffer_address.value;
	}
	if (sp->shared_buffer_size.present) {
		cfg->shared_buf_size = sp->shared_buffer_size.value;
	}
	if (o->has_shared_buffer) {
		cfg->shared_buf_addr = o->shared_buf_addr;
		cfg->shared_buf_size = o->shared_buf_size;
	}
	if (!runner_partitions(sc, run, &cfg->spmc)) {
		return false;
	}
	if (sp->store_capacity.present) {
		cfg->store.nv_capacity = sp->store_capacity.value;
	}
	if (sp->store_volatile_capacity.present) {
		cfg->store.volatile_capacity = sp->store_volatile_capacity.value;
	}
	if (sp->store_max_variable_size.present) {
		cfg->store.max_variable_size = sp->store_max_variable_size.value;
	}
	if (sc->checks.cache_model.value != NULL &&
	    !cache_core_parse(sc->checks.cache_model.value,
			      &cfg->machine.cache_core)) {
		set_message(&run->setup_error,
			    "%s:%d:%d: unknown cache model '%s' (cortex-a57, "
			    "cortex-a53, strict)",
			    sc->file, sc->checks.cache_model.mark.line,
			    sc->checks.cache_model.mark.column,
			    sc->checks.cache_model.value);
		return false;
	}
	cfg->machine.wide_maintenance_fails =
		sc->checks.wide_maintenance_fails.present &&
		sc->checks.wide_maintenance_fails.value != 0;
	if (o->max_insns != 0) {
		cfg->machine.max_insns = o->max_insns;
	} else if (sc->max_insns.present) {
		cfg->machine.max_insns = sc->max_insns.value;
	}
	if (o->echo_console) {
		cfg->machine.console_echo = stdout;
	}
	if (sc->timeout_seconds.present) {
		cfg->machine.wall_timeout_ms = sc->timeout_seconds.value * 1000;
	}
	return true;
}

/* Preloaded variables go straight into the store, under its rules. */
static bool preload_variables(const struct scenario *sc, struct session *s,
			      struct scenario_run *run)
{
	for (size_t i = 0; i < sc->spmc.variable_count; i++) {
		const struct scenario_variable *v = &sc->spmc.variables[i];
		uint16_t *name;
		size_t size;
		uint64_t status;

		if (!text_utf8_to_ucs2(v->name, &name, &size)) {
			set_message(&run->setup_error,
				    "%s:%d:%d: variable name is not valid UTF-8 "
				    "in the BMP",
				    sc->file, v->mark.line, v->mark.column);
			return false;
		}
		status = varstore_set(secure_world_store(s->world), name, size, &v->guid,
				      v->attributes, v->data.len, v->data.data);
		free(name);
		if (status != EFI_SUCCESS) {
			const char *n = efi_status_name(status);

			set_message(&run->setup_error,
				    "%s:%d:%d: preloading variable '%s': %s",
				    sc->file, v->mark.line, v->mark.column,
				    v->name, n != NULL ? n : "error");
			return false;
		}
	}
	return true;
}

/* --- Driving the machine -------------------------------------------------- */

struct stepper {
	struct scenario_run *run;
	struct session *s;
	struct step_run *sr;
	const struct scenario_step *st;
	int index;
	enum machine_stop stop; /* of the last stretch */
};

static void step_error(struct stepper *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void step_error(struct stepper *p, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	p->sr->verdict = VERDICT_ERROR;
	if (p->sr->message == NULL) {
		p->sr->message = strbuf_steal(&sb);
	} else {
		strbuf_free(&sb);
	}
}

static enum machine_stop stretch(struct stepper *p,
				 const struct machine_run_opts *opts)
{
	p->stop = p->run->gdb != NULL ? gdb_session_run(p->run->gdb, opts)
				       : machine_run(p->s->machine, opts);
	return p->stop;
}

static const char *stop_text(struct stepper *p)
{
	const struct machine_fault *f = machine_fault(p->s->machine);
	static char buf[512];

	if (f->what[0] != '\0' && machine_stop_is_final(p->stop) &&
	    p->stop != MACHINE_STOP_POWER_OFF && p->stop != MACHINE_STOP_RESET) {
		snprintf(buf, sizeof(buf), "%s: %s at pc 0x%llx",
			 machine_stop_name(p->stop), f->what,
			 (unsigned long long)f->pc);
		return buf;
	}
	return machine_stop_name(p->stop);
}

/* Runs until the agent waits for a step; false (step error) otherwise. */
static bool reach_agent(struct stepper *p)
{
	struct machine_run_opts opts = {.stop_on_idle = true};

	if (secure_world_agent(p->s->world)->waiting) {
		return true;
	}
	for (;;) {
		switch (stretch(p, &opts)) {
		case MACHINE_STOP_AGENT_WAIT:
			return true;
		case MACHINE_STOP_CONSOLE_MATCH:
		case MACHINE_STOP_STEP_BUDGET:
			continue;
		case MACHINE_STOP_CONSOLE_IDLE:
			step_error(p, "the firmware waits at its console; no "
				      "agent asked for a step (boot with "
				      "until: prompt and start the agent from "
				      "the console?)");
			return false;
		default:
			step_error(p, "the run ended before the agent asked "
				      "for a step: %s",
				   stop_text(p));
			return false;
		}
	}
}

/* Builds the agent step and its payload (name, then data). */
static bool build_step(struct stepper *p, uint32_t op, struct agent_step *as,
		       struct strbuf *payload)
{
	const struct scenario_variable_call *v = &p->st->var;
	static const struct efi_guid global = EFI_GLOBAL_VARIABLE_GUID;

	memset(as, 0, sizeof(*as));
	as->op = op;
	as->flags = v->null_flags;
	as->guid = v->has_guid ? v->guid : global;
	as->attributes = v->has_attributes ? v->attributes
			 : op == AGENT_OP_SET_VARIABLE
				 ? EFI_VARIABLE_NON_VOLATILE |
					   EFI_VARIABLE_BOOTSERVICE_ACCESS |
					   EFI_VARIABLE_RUNTIME_ACCESS
				 : 0;
	as->buffer_size = v->buffer_size.present ? v->buffer_size.value
						 : DEFAULT_BUFFER_SIZE;
	if (v->name.value != NULL) {
		uint16_t *name;
		size_t size;

		if (!text_utf8_to_ucs2(v->name.value, &name, &size)) {
			step_error(p, "name '%s' is not UTF-8 in the BMP",
				   v->name.value);
			return false;
		}
		strbuf_append(payload, name, size);
		as->name_size = size;
		free(name);
	}
	if (op == AGENT_OP_PRINT && p->st->print.value != NULL) {
		strbuf_puts(payload, p->st->print.value);
		as->data_size = strlen(p->st->print.value);
	} else if (v->data.present) {
		strbuf_append(payload, v->data.data, v->data.len);
		as->data_size = v->data.len;
	}
	return true;
}

/* Gives the agent its step and records it on the NEXT event. */
static bool give_step(struct stepper *p, const struct agent_step *as,
		      const struct strbuf *payload)
{
	struct smccc_regs regs;
	struct error err = {0};
	struct trace *t = &p->s->trace;

	memset(&regs, 0, sizeof(regs));
	if (!agent_give_step(secure_world_agent(p->s->world), as, payload->data, payload->len,
			     &regs, &err)) {
		step_error(p, "%s", err.message);
		return false;
	}
	if (!machine_set_smc_return(p->s->machine, &regs, 2)) {
		step_error(p, "cannot write the agent's registers");
		return false;
	}
	for (size_t i = t->count; i > 0; i--) {
		struct trace_event *ev = &t->events[i - 1];

		if (ev->kind == TRACE_SMC && ev->fid == AGENT_FID_NEXT) {
			ev->out[0] = regs.x[0];
			ev->out[1] = regs.x[1];
			trace_event_set_summary(ev, "-> %s",
						agent_op_name(as->op));
			break;
		}
	}
	return true;
}

/* Learns the runtime regions from the ExitBootServices report. */
static void learn_regions(struct stepper *p)
{
	struct error err = {0};

	if (!regions_from_report(p->run, p->s, p->sr, &err)) {
		step_error(p, "%s", err.message);
	}
}

/*
 * ExitBootServices has returned: from now on only the runtime regions (plus
 * the shared buffer) may be used.
 */
static void enter_runtime(struct stepper *p)
{
	struct error err = {0};

	if (!regions_arm_guard(p->run, p->s, &err)) {
		step_error(p, "%s", err.message);
	}
}

/*
 * The firmware's own ExitBootServices returned (harness/exit_watch.c): the
 * guard is armed here unless an agent is in charge, whose report brings
 * the exact regions it was handed.
 */
static void on_phase(void *ctx, enum lifecycle_phase from,
		     enum lifecycle_phase to, enum lifecycle_evidence why)
{
	struct scenario_run *run = ctx;
	struct stepper *p = run->current;
	const uint8_t *map;
	size_t len;
	uint64_t stride;
	struct error err = {0};

	if (from >= LIFECYCLE_RUNTIME || to < LIFECYCLE_RUNTIME ||
	    why != EVIDENCE_FIRMWARE_EXIT_RETURNED || p == NULL ||
	    secure_world_agent(p->s->world)->hello) {
		return;
	}
	if (exit_watch_by_symbol(run->exit_watch)) {
		regions_from_symbols(run, p->s);
		enter_runtime(p);
		return;
	}
	if (exit_watch_memory_map(run->exit_watch, &map, &len, &stride) &&
	    !regions_from_memory_map(run, p->s, map, len, stride, &err)) {
		step_error(p, "%s", err.message);
	}
	enter_runtime(p);
	/* No agent: the caller is not known to be outside the image. */
	exit_watch_scope_to_runtime_calls(run->exit_watch);
}

static void agent_step(struct stepper *p, uint32_t op)
{
	struct machine_run_opts opts = {.stop_on_idle = true};
	struct agent_step as;
	struct strbuf payload = STRBUF_INIT;
	struct agent_result res;
	const uint8_t *data;
	size_t len;
	bool ends_run = op == AGENT_OP_POWER_OFF || op == AGENT_OP_RESET;

	if (!reach_agent(p) || !build_step(p, op, &as, &payload) ||
	    !give_step(p, &as, &payload)) {
		strbuf_free(&payload);
		return;
	}
	strbuf_free(&payload);
	for (;;) {
		enum machine_stop stop = stretch(p, &opts);

		if (stop == MACHINE_STOP_CONSOLE_MATCH ||
		    stop == MACHINE_STOP_STEP_BUDGET) {
			continue;
		}
		if (stop == MACHINE_STOP_AGENT_WAIT || ends_run) {
			break;
		}
		step_error(p, "during %s: %s", agent_op_name(op), stop_text(p));
		return;
	}
	if (ends_run) {
		enum machine_stop want = op == AGENT_OP_POWER_OFF
						 ? MACHINE_STOP_POWER_OFF
						 : MACHINE_STOP_RESET;

		if (p->stop != want && p->st->expect.stop.value == NULL) {
			expect_add_check(p->sr, "stop", p->st->mark, false,
					 machine_stop_name(want),
					 stop_text(p));
		}
		return;
	}
	if (!agent_take_result(secure_world_agent(p->s->world), &res, &data, &len)) {
		step_error(p, "the agent did not report the result of %s",
			   agent_op_name(op));
		return;
	}
	if (res.op != op) {
		step_error(p, "the agent reported %s for a %s step",
			   agent_op_name(res.op), agent_op_name(op));
		return;
	}
	p->sr->has_result = true;
	p->sr->result = res;
	p->sr->payload = xmalloc(len);
	memcpy(p->sr->payload, data, len);
	p->sr->payload_len = len;
	if (op == AGENT_OP_EXIT_BOOT_SERVICES && res.status == EFI_SUCCESS) {
		learn_regions(p);
		lifecycle_evidence(secure_world_lifecycle(p->s->world),
				   EVIDENCE_AGENT_EXIT_BOOT_SERVICES);
		enter_runtime(p);
	}
}

#define EFI_AGENT_DEFAULT_ADDRESS UINT64_C(0x40400000)

/*
 * Starts the EFI agent from UEFI firmware's console: the image goes into
 * RAM where the firmware expects kernels, and `bootefi ADDR:SIZE` runs it
 * (U-Boot 2023.01 accepts the size after a colon; without it, bootefi only
 * runs images its own load commands placed).
 */
static bool start_efi_agent(struct stepper *p)
{
	const struct scenario_boot *b = &p->st->boot;
	uint64_t addr = b->efi_agent_address.present
				? b->efi_agent_address.value
				: EFI_AGENT_DEFAULT_ADDRESS;
	const char *dir = p->run->fw_dir;
	struct strbuf path = STRBUF_INIT, image = STRBUF_INIT;
	struct strbuf cmd = STRBUF_INIT;
	struct error err = {0};
	bool ok = false;

	if (strcmp(b->efi_agent.value, "builtin") == 0) {
		strbuf_printf(&path, "%s/efi-agent.efi", dir);
	} else {
		char *rel = scenario_relative(p->run->sc, b->efi_agent.value);

		strbuf_puts(&path, rel);
		free(rel);
	}
	if (!file_read_all(strbuf_str(&path), &image, 16u << 20, &err)) {
		step_error(p, "EFI agent: %s", err.message);
		p->run->input_error = true;
		goto out;
	}
	if (!guest_mem_write(machine_cpu_mem(p->s->machine), addr, image.data,
			     image.len)) {
		step_error(p, "EFI agent: 0x%llx (+%zu) is not RAM",
			   (unsigned long long)addr, image.len);
		goto out;
	}
	strbuf_printf(&cmd, "bootefi 0x%llx:0x%zx\r", (unsigned long long)addr,
		      image.len);
	pl011_feed(machine_uart(p->s->machine), cmd.data, cmd.len);
	ok = true;
out:
	strbuf_free(&path);
	strbuf_free(&image);
	strbuf_free(&cmd);
	return ok;
}

static struct machine_run_opts boot_run_opts(struct stepper *p)
{
	const struct scenario_boot *b = &p->st->boot;

	return (struct machine_run_opts){
		.stop_on_idle = b->until != BOOT_UNTIL_STOP,
		.max_insns = b->max_insns.present ? b->max_insns.value : 0,
		.wait_text = b->interrupt_autoboot.value,
		.output_mark = pl011_output_len(machine_uart(p->s->machine)),
	};
}

/* The autoboot countdown appeared: any key stops it. */
static void stop_countdown(struct stepper *p, struct machine_run_opts *opts)
{
	pl011_feed(machine_uart(p->s->machine), " ", 1);
	opts->wait_text = NULL;
}

/*
 * A boot's first part: to its first stop that is not the autoboot
 * countdown (interrupted).  Only the options in opts
 * decide it, so boots that agree on them share it from a snapshot
 * (runner_boot_phase()).
 */
static enum machine_stop boot_to_first_stop(struct stepper *p,
					    struct machine_run_opts *opts)
{
	for (;;) {
		enum machine_stop stop = stretch(p, opts);

		if (stop != MACHINE_STOP_CONSOLE_MATCH) {
			return stop;
		}
		stop_countdown(p, opts);
	}
}

/* The rest of a boot, from the stop its first part ended with. */
static void boot_goes_on(struct stepper *p, struct machine_run_opts *opts,
			 enum machine_stop stop)
{
	const struct scenario_boot *b = &p->st->boot;
	bool agent_started = false;

	p->stop = stop;
	for (;; stop = stretch(p, opts)) {
		if (stop == MACHINE_STOP_CONSOLE_MATCH) {
			stop_countdown(p, opts);
			continue;
		}
		if (stop == MACHINE_STOP_AGENT_WAIT &&
		    b->until == BOOT_UNTIL_AGENT) {
			return;
		}
		if (stop == MACHINE_STOP_CONSOLE_IDLE &&
		    b->efi_agent.value != NULL && !agent_started) {
			if (!start_efi_agent(p)) {
				return;
			}
			agent_started = true;
			continue;
		}
		if (stop == MACHINE_STOP_CONSOLE_IDLE &&
		    b->until == BOOT_UNTIL_PROMPT) {
			break;
		}
		if (stop == MACHINE_STOP_STEP_BUDGET) {
			step_error(p, "boot did not reach its goal within %llu "
				      "instructions",
				   (unsigned long long)opts->max_insns);
			return;
		}
		if (b->until == BOOT_UNTIL_STOP && machine_stop_is_final(stop)) {
			/*
			 * A fault or a hang is not the end a boot waits for
			 * unless the scenario says so with expect.stop.
			 */
			if (stop != MACHINE_STOP_POWER_OFF &&
			    stop != MACHINE_STOP_RESET &&
			    p->st->expect.stop.value == NULL) {
				step_error(p, "boot ended: %s", stop_text(p));
			}
			return;
		}
		if (stop == MACHINE_STOP_AGENT_WAIT) {
			step_error(p, "the agent asked for a step, but boot "
				      "waits for the console prompt");
			return;
		}
		step_error(p, "boot did not reach %s: %s",
			   b->until == BOOT_UNTIL_AGENT ? "the agent"
							: "the prompt",
			   stop_text(p));
		return;
	}
	if (b->prompt.value != NULL) {
		struct pl011 *u = machine_uart(p->s->machine);
		const char *out = pl011_output(u) + p->sr->console_first;
		const char *hit = strstr(out, b->prompt.value);
		struct strbuf seen = STRBUF_INIT;

		console_seen_text(&seen, out, strlen(out), hit,
				  "not printed before the firmware waited "
				  "for input");
		expect_add_check(p->sr, "boot.prompt", b->prompt.mark,
				 hit != NULL, b->prompt.value,
				 strbuf_str(&seen));
		strbuf_free(&seen);
	}
}

static void boot_step(struct stepper *p)
{
	struct machine_run_opts opts = boot_run_opts(p);

	boot_goes_on(p, &opts, boot_to_first_stop(p, &opts));
}

/* Where an awaited text that matched is (the end if a NUL hid it). */
static const char *wait_hit(const char *out, const char *text)
{
	const char *hit = strstr(out, text);

	return hit != NULL ? hit : out + strlen(out);
}

/* Instructions a console step waits for its text unless it says. */
#define CONSOLE_WAIT_BOUND UINT64_C(2000000000)

static void console_step(struct stepper *p)
{
	const struct scenario_console *c = &p->st->console;
	struct pl011 *u = machine_uart(p->s->machine);
	/*
	 * Waiting for a text does not stop at an idle console: firmware that
	 * polls for a key with a timeout (U-Boot's EFI selftests) looks idle.
	 */
	struct machine_run_opts opts = {
		.stop_on_idle = c->wait.value == NULL,
		.max_insns = c->max_insns.present ? c->max_insns.value
			     : c->wait.value != NULL ? CONSOLE_WAIT_BOUND
						      : 0,
		.wait_text = c->wait.value,
		.output_mark = pl011_output_len(u),
	};

	if (c->type.value != NULL) {
		pl011_feed(u, c->type.value, strlen(c->type.value));
		if (!c->no_enter) {
			pl011_feed(u, "\r", 1);
		}
	}
	for (;;) {
		enum machine_stop stop = stretch(p, &opts);

		if (stop == MACHINE_STOP_CONSOLE_MATCH ||
		    stop == MACHINE_STOP_AGENT_WAIT ||
		    machine_stop_is_final(stop)) {
			break;
		}
		if (stop == MACHINE_STOP_CONSOLE_IDLE) {
			if (pl011_input_pending(u) != 0) {
				continue;
			}
			break;
		}
		if (stop == MACHINE_STOP_STEP_BUDGET) {
			break;
		}
	}
	if (c->wait.value != NULL) {
		const char *out = pl011_output(u) + opts.output_mark;
		bool seen_it = p->stop == MACHINE_STOP_CONSOLE_MATCH;
		struct strbuf seen = STRBUF_INIT, why = STRBUF_INIT;

		strbuf_printf(&why, "not printed within %llu instructions "
				    "(%s)",
			      (unsigned long long)opts.max_insns, stop_text(p));
		console_seen_text(&seen, out,
				  pl011_output_len(u) - opts.output_mark,
				  seen_it ? wait_hit(out, c->wait.value) : NULL,
				  strbuf_str(&why));
		expect_add_check(p->sr, "console.wait", c->wait.mark, seen_it,
				 c->wait.value, strbuf_str(&seen));
		strbuf_free(&seen);
		strbuf_free(&why);
	}
	if (machine_stop_is_final(p->stop) &&
	    p->st->expect.stop.value == NULL &&
	    p->stop != MACHINE_STOP_POWER_OFF && p->stop != MACHINE_STOP_RESET) {
		step_error(p, "the run ended: %s", stop_text(p));
	}
}

/*
 * An inject step's rule, added to the injector; NULL, or what is wrong
 * (static text or *buf).  Both backends add rules through here.
 */
const char *runner_add_inject(struct injector *inj,
			      const struct scenario_inject *in, char *buf,
			      size_t size)
{
	struct inject_rule r;
	static const enum inject_kind kinds[INJECT_KIND_COUNT] = {
		[INJECT_FFA_ERROR] = INJECT_KIND_FFA_ERROR,
		[INJECT_MM_RETURN] = INJECT_KIND_MM_RETURN,
		[INJECT_EFI_STATUS] = INJECT_KIND_EFI_STATUS,
		[INJECT_REPLY] = INJECT_KIND_REPLY,
		[INJECT_RX_BUSY] = INJECT_KIND_RX_BUSY,
		[INJECT_TEEC_ERROR] = INJECT_KIND_TEEC_ERROR,
		[INJECT_OPTEE_RPC] = INJECT_KIND_OPTEE_RPC,
		[INJECT_OPTEE_SMC] = INJECT_KIND_OPTEE_SMC,
		[INJECT_OPTEE_TRUNCATED] = INJECT_KIND_OPTEE_TRUNCATED,
	};
	static const enum inject_reply replies[] = {
		[REPLY_TRUNCATED] = INJECT_REPLY_TRUNCATED,
		[REPLY_CORRUPTED] = INJECT_REPLY_CORRUPTED,
		[REPLY_OVERSIZED] = INJECT_REPLY_OVERSIZED,
	};

	memset(&r, 0, sizeof(r));
	r.kind = kinds[in->kind];
	r.code = in->code;
	r.reply = replies[in->reply];
	r.every = in->count == 0 && !in->nth.present;
	r.remaining = in->nth.present ? 1 : in->count;
	r.skip = in->nth.present ? in->nth.value - 1 : in->skip.value;
	r.after_exit_boot_services = in->after_exit_boot_services;
	r.has_mm_function = in->mm_function.present;
	r.mm_function = in->mm_function.value;
	r.has_optee_cmd = in->optee_command.present;
	r.optee_cmd = (uint32_t)in->optee_command.value;
	if (in->on.value != NULL &&
	    !smc_function_parse(in->on.value, &r.on_fid)) {
		snprintf(buf, size, "inject: unknown function '%s'",
			 in->on.value);
		return buf;
	}
	if (!inject_add(inj, &r)) {
		snprintf(buf, size, "inject: more than %d rules",
			 INJECT_MAX_RULES);
		return buf;
	}
	return NULL;
}

static void inject_step(struct stepper *p)
{
	char buf[160];
	const char *why = runner_add_inject(
		secure_world_injector(p->s->world), &p->st->inject, buf,
		sizeof(buf));

	if (why != NULL) {
		step_error(p, "%s", why);
	}
}

static void run_step(struct stepper *p)
{
	static const uint32_t agent_ops[STEP_KIND_COUNT] = {
		[STEP_GET_VARIABLE] = AGENT_OP_GET_VARIABLE,
		[STEP_SET_VARIABLE] = AGENT_OP_SET_VARIABLE,
		[STEP_GET_NEXT_VARIABLE_NAME] = AGENT_OP_GET_NEXT_VARIABLE_NAME,
		[STEP_QUERY_VARIABLE_INFO] = AGENT_OP_QUERY_VARIABLE_INFO,
		[STEP_EXIT_BOOT_SERVICES] = AGENT_OP_EXIT_BOOT_SERVICES,
		[STEP_SET_VIRTUAL_ADDRESS_MAP] = AGENT_OP_SET_VIRTUAL_ADDRESS_MAP,
		[STEP_GET_MEMORY_MAP] = AGENT_OP_GET_MEMORY_MAP,
		[STEP_PRINT] = AGENT_OP_PRINT,
		[STEP_POWER_OFF] = AGENT_OP_POWER_OFF,
		[STEP_RESET] = AGENT_OP_RESET,
	};

	switch (p->st->kind) {
	case STEP_BOOT:
		boot_step(p);
		break;
	case STEP_CONSOLE:
		console_step(p);
		break;
	case STEP_INJECT:
		inject_step(p);
		break;
	default:
		if ((unsigned)p->st->kind < STEP_KIND_COUNT &&
		    agent_ops[p->st->kind] != AGENT_OP_NONE) {
			agent_step(p, agent_ops[p->st->kind]);
		} else if (p->st->kind >= STEP_SHELL) {
			step_error(p, "%s runs in Linux, which only machine: "
				      "qemu boots",
				   scenario_step_kind_name(p->st->kind));
		} else {
			step_error(p, "step kind %d is not supported",
				   (int)p->st->kind);
		}
		break;
	}
}

/* --- Verdicts --------------------------------------------------------------- */

/* What an inject rule waited for, for the check that says it never came. */
static void describe_rule(const struct scenario_inject *in,
			  struct strbuf *sb)
{
	static const char *const kinds[INJECT_KIND_COUNT] = {
		[INJECT_FFA_ERROR] = "FF-A error",
		[INJECT_MM_RETURN] = "MM return code",
		[INJECT_EFI_STATUS] = "EFI status",
		[INJECT_REPLY] = "reply fault",
		[INJECT_RX_BUSY] = "RX busy",
		[INJECT_TEEC_ERROR] = "TEEC error",
		[INJECT_OPTEE_RPC] = "OP-TEE RPC",
		[INJECT_OPTEE_SMC] = "OP-TEE SMC return",
		[INJECT_OPTEE_TRUNCATED] = "OP-TEE truncated output",
	};
	static const char *const defaults[INJECT_KIND_COUNT] = {
		[INJECT_FFA_ERROR] = "MM request (FFA_MSG_SEND_DIRECT_REQ)",
		[INJECT_MM_RETURN] = "MM request (FFA_MSG_SEND_DIRECT_REQ)",
		[INJECT_EFI_STATUS] = "MM request (FFA_MSG_SEND_DIRECT_REQ)",
		[INJECT_REPLY] = "MM request (FFA_MSG_SEND_DIRECT_REQ)",
		[INJECT_RX_BUSY] = "FFA_PARTITION_INFO_GET",
		[INJECT_TEEC_ERROR] = "OP-TEE message",
		[INJECT_OPTEE_RPC] = "OP-TEE yielding call",
		[INJECT_OPTEE_SMC] = "OP-TEE yielding call",
		[INJECT_OPTEE_TRUNCATED] =
			"OP-TEE output memref (INVOKE_COMMAND)",
	};
	const char *mm = in->mm_function.present
				 ? mm_function_name(in->mm_function.value)
				 : NULL;

	strbuf_printf(sb, "the %s rule never fired: no ", kinds[in->kind]);
	strbuf_puts(sb, in->on.value != NULL ? in->on.value
					     : defaults[in->kind]);
	if (in->optee_command.present) {
		const char *cmd =
			optee_cmd_name((uint32_t)in->optee_command.value);

		strbuf_printf(sb, " with command %s", cmd);
	}
	if (in->mm_function.present) {
		strbuf_printf(sb, " carrying %s", mm != NULL ? mm : "?");
	}
	if (in->after_exit_boot_services) {
		strbuf_puts(sb, " after ExitBootServices");
	}
	strbuf_puts(sb, " reached the secure side from this step to the end "
			"of the run (may_not_fire: true if that is intended)");
}

/*
 * An inject rule that never matched tested nothing (issue 16, defect 2):
 * its step fails unless it says may_not_fire.  Rules are added in step
 * order, one per inject step that did not fail; a run cut short by an
 * error is not judged, the error says more.
 */
static void check_injects(struct scenario_run *run)
{
	const struct injector *inj = secure_world_injector(run->session->world);
	size_t rule = 0;

	for (size_t i = 0; i < run->step_count; i++) {
		if (!run->steps[i].ran || run->steps[i].verdict == VERDICT_ERROR) {
			return;
		}
	}
	for (size_t i = 0; i < run->step_count && rule < inj->count; i++) {
		struct step_run *sr = &run->steps[i];
		const struct scenario_inject *in = &sr->step->inject;
		struct strbuf why = STRBUF_INIT;

		if (sr->step->kind != STEP_INJECT || sr->message != NULL) {
			continue;
		}
		if (inj->rules[rule++].hits != 0 || in->may_not_fire) {
			continue;
		}
		describe_rule(in, &why);
		expect_add_check(sr, "inject", sr->step->mark, false,
				 "at least one matching call", strbuf_str(&why));
		strbuf_free(&why);
	}
}

bool runner_finding_expected(const struct scenario *sc,
			     const struct finding *fd)
{
	for (size_t i = 0; i < sc->expect_finding_count; i++) {
		if (strcmp(sc->expect_findings[i].value, fd->code) == 0) {
			return true;
		}
	}
	if (fd->step >= 0 && (size_t)fd->step < sc->step_count) {
		const struct scenario_expect *e = &sc->steps[fd->step].expect;

		for (size_t i = 0; i < e->finding_count; i++) {
			if (strcmp(e->findings[i].value, fd->code) == 0) {
				return true;
			}
		}
	}
	return false;
}

/* Scenario-level expect_findings must each have been found. */
static void check_expected_findings(struct scenario_run *run)
{
	const struct scenario *sc = run->sc;

	for (size_t i = 0; i < sc->expect_finding_count; i++) {
		const char *code = sc->expect_findings[i].value;
		bool found = findings_find(&run->session->findings, code) !=
			     NULL;

		if (!found) {
			run->verdict = verdict_worst(run->verdict, VERDICT_FAIL);
			set_message(&run->message,
				    "expect_findings: '%s' was not found (%s:%d)",
				    code, sc->file,
				    sc->expect_findings[i].mark.line);
		}
	}
}

static void step_verdicts(struct scenario_run *run)
{
	for (size_t i = 0; i < run->step_count; i++) {
		struct step_run *sr = &run->steps[i];

		for (size_t k = 0; k < sr->check_count; k++) {
			const struct check *c = &sr->checks[k];

			if (c->ok) {
				continue;
			}
			sr->verdict = verdict_worst(sr->verdict, VERDICT_FAIL);
			if (sr->message == NULL) {
				struct strbuf sb = STRBUF_INIT;

				strbuf_printf(&sb, "%s: expected %s, seen %s",
					      c->what, c->expected, c->seen);
				sr->message = strbuf_steal(&sb);
			}
		}
		run->verdict = verdict_worst(run->verdict, sr->verdict);
		if (sr->message != NULL) {
			set_message(&run->message, "step %zu (%s, line %d): %s",
				    i + 1, scenario_step_kind_name(sr->step->kind),
				    sr->step->mark.line, sr->message);
		}
	}
}

static void finding_verdicts(struct scenario_run *run)
{
	const struct findings *f = &run->session->findings;

	for (size_t i = 0; i < f->count; i++) {
		const struct finding *fd = &f->items[i];
		enum verdict v = VERDICT_PASS;

		switch (fd->kind) {
		case FINDING_FIRMWARE:
			v = runner_finding_expected(run->sc, fd) ? VERDICT_PASS
							  : VERDICT_FIRMWARE;
			break;
		case FINDING_UNIMPLEMENTED:
			v = VERDICT_NOT_IMPLEMENTED;
			break;
		case FINDING_ERROR:
			v = VERDICT_ERROR;
			break;
		case FINDING_EXPECTATION:
			v = VERDICT_FAIL;
			break;
		default:
			break;
		}
		if (fd->step >= 0 && (size_t)fd->step < run->step_count) {
			struct step_run *sr = &run->steps[fd->step];
			sr->verdict = verdict_worst(sr->verdict, v);
		}
		if (v != VERDICT_PASS) {
			run->verdict = verdict_worst(run->verdict, v);
			if (v >= VERDICT_FIRMWARE) {
				set_message(&run->message, "%s: %s", fd->code,
					    fd->message);
			}
		}
	}
}

/*
 * The headline names the first cause (issue 16, defect 4): the earliest
 * unexpected firmware finding, unless a step failed or stopped the run
 * before it happened; what that finding broke later (a status, a missing
 * call) is a consequence, listed in its step.
 */
static void lead_with_first_finding(struct scenario_run *run)
{
	const struct findings *f = &run->session->findings;
	size_t first_bad_step = run->step_count;

	for (size_t i = 0; i < run->step_count; i++) {
		if (run->steps[i].message != NULL ||
		    run->steps[i].verdict >= VERDICT_FAIL) {
			first_bad_step = i;
			break;
		}
		for (size_t k = 0; k < run->steps[i].check_count; k++) {
			if (!run->steps[i].checks[k].ok) {
				first_bad_step = i;
				break;
			}
		}
		if (first_bad_step != run->step_count) {
			break;
		}
	}
	for (size_t i = 0; i < f->count; i++) {
		const struct finding *fd = &f->items[i];

		if (fd->kind != FINDING_FIRMWARE ||
		    runner_finding_expected(run->sc, fd)) {
			continue;
		}
		if (fd->step >= 0 && (size_t)fd->step < run->step_count) {
			if ((size_t)fd->step > first_bad_step) {
				return;
			}
			set_message(&run->message, "step %d (%s, line %d): %s: %s",
				    fd->step + 1,
				    scenario_step_kind_name(
					run->steps[fd->step].step->kind),
				    fd->line, fd->code, fd->message);
		} else {
			set_message(&run->message, "%s: %s", fd->code,
				    fd->message);
		}
		return;
	}
}

/* Finds a finding's scenario line from its step. */
static void place_findings(struct scenario_run *run)
{
	struct findings *f = &run->session->findings;

	for (size_t i = 0; i < f->count; i++) {
		struct finding *fd = &f->items[i];

		if (fd->step >= 0 && (size_t)fd->step < run->step_count) {
			fd->line = run->steps[fd->step].step->mark.line;
			fd->column = run->steps[fd->step].step->mark.column;
		} else {
			fd->line = run->sc->mark.line;
			fd->column = run->sc->mark.column;
		}
	}
}

/* --- The run ---------------------------------------------------------------- */

/* After a final stop, the step that would have come next says why not. */
static void mark_not_run(struct scenario_run *run)
{
	struct step_run *next;

	if (run->ended_after == 0 || run->ended_after >= run->step_count) {
		return;
	}
	next = &run->steps[run->ended_after];
	next->verdict = VERDICT_ERROR;
	free(next->message);
	next->message = xstrdup("not run: the run had already ended");
}

/* Documented in harness/runner_priv.h. */
void runner_record_step_end(struct step_run *sr,
			    const struct scenario_run *run)
{
	const struct lifecycle *lc =
		secure_world_lifecycle(run->session->world);

	sr->ended = true;
	sr->end_stop = run->stop;
	sr->end_phase = lc->phase;
	sr->end_why = lc->why;
}

/* The trace's mark of a step: its number, kind and line. */
static void summarize_step_mark(struct trace_event *mark, size_t i,
				const struct scenario_step *st)
{
	trace_event_set_summary(mark, "step %zu: %s (line %d)", i + 1,
				scenario_step_kind_name(st->kind),
				st->mark.line);
}

/* The step the trace and the findings attribute events to (-1: none). */
static void set_current_step(struct session *s, int index)
{
	s->trace.current_step = index;
	s->findings.current_step = index;
}

/* A step's beginning: its trace mark and where its records start. */
static void begin_step(struct scenario_run *run, size_t i)
{
	struct session *s = run->session;
	struct step_run *sr = &run->steps[i];
	struct trace_event *mark;

	set_current_step(s, (int)i);
	machine_begin_step(s->machine);
	mark = trace_append(&s->trace, TRACE_STEP);
	summarize_step_mark(mark, i, sr->step);
	sr->ran = true;
	sr->trace_first = (uint32_t)s->trace.count;
	sr->console_first = pl011_output_len(machine_uart(s->machine));
	sr->insns_first = machine_insns(s->machine);
}

/* Runs steps first..end-1, unless an earlier step ended the run. */
static void run_steps(struct scenario_run *run, size_t first, size_t end)
{
	struct session *s = run->session;
	struct pl011 *uart = machine_uart(s->machine);

	for (size_t i = first; i < end && !run->ended; i++) {
		struct step_run *sr = &run->steps[i];
		struct stepper p = {
			.run = run, .s = s, .sr = sr, .st = sr->step,
			.index = (int)i, .stop = MACHINE_STOP_NONE,
		};

		if (run->boot_phase && run->boot_phase_step == i) {
			/* Begun by runner_boot_phase(), maybe in the leader. */
			run->boot_phase = false;
			set_current_step(s, (int)i);
			run->current = &p;
			boot_goes_on(&p, &run->boot_phase_opts,
				     run->boot_phase_stop);
		} else {
			begin_step(run, i);
			run->current = &p;
			if (run->gdb != NULL) {
				gdb_session_step_begins(run->gdb,
							(unsigned)i + 1);
			}
			run_step(&p);
		}
		if (!machine_stop_is_final(p.stop)) {
			exit_watch_look(run->exit_watch);
		}
		run->current = NULL;
		sr->trace_end = (uint32_t)s->trace.count;
		sr->console_end = pl011_output_len(uart);
		sr->insns = machine_insns(s->machine) - sr->insns_first;
		run->stop = p.stop != MACHINE_STOP_NONE ? p.stop : run->stop;
		runner_record_step_end(sr, run);
		if (i >= run->expect_later) {
			expect_step(sr->step, sr, s, run->stop, (int)i);
		}
		if (sr->verdict == VERDICT_ERROR) {
			run->ended = true; /* the machine cannot be trusted */
		} else if (machine_stop_is_final(run->stop)) {
			run->ended = true;
			run->ended_after = i + 1;
			mark_not_run(run);
		}
	}
	set_current_step(s, -1);
}

/* Documented in harness/runner.h. */
bool runner_boot_phase(struct scenario_run *run, size_t index)
{
	struct stepper p = {
		.run = run, .s = run->session, .index = (int)index,
		.stop = MACHINE_STOP_NONE,
	};

	if (!runner_started(run) || run->qemu != NULL ||
	    index >= run->step_count ||
	    run->steps[index].step->kind != STEP_BOOT) {
		return false;
	}
	p.sr = &run->steps[index];
	p.st = p.sr->step;
	begin_step(run, index);
	run->current = &p;
	run->boot_phase_opts = boot_run_opts(&p);
	run->boot_phase_stop = boot_to_first_stop(&p, &run->boot_phase_opts);
	run->current = NULL;
	set_current_step(run->session, -1);
	run->boot_phase = true;
	run->boot_phase_step = index;
	return true;
}

/*
 * The run ended with the firmware at rest: powered off, reset, or waiting
 * for input or for the agent's next step.  Not after a fault, a hang, a
 * budget or a breakpoint, nor right when an awaited text appeared: the
 * firmware may be in the middle of a call then.
 */
static bool ended_at_rest(enum machine_stop stop)
{
	switch (stop) {
	case MACHINE_STOP_NONE:
	case MACHINE_STOP_POWER_OFF:
	case MACHINE_STOP_RESET:
	case MACHINE_STOP_AGENT_WAIT:
	case MACHINE_STOP_CONSOLE_IDLE:
		return true;
	default:
		return false;
	}
}

/* Documented in harness/runner.h. */
struct scenario_run *runner_start(const struct scenario *sc,
				  const struct runner_options *o)
{
	struct scenario_run *run = xcalloc(1, sizeof(*run));

	run->fw_dir = o->firmware_dir != NULL ? o->firmware_dir
					      : runner_default_firmware_dir();
	struct firmware_choice fw;
	struct session_config cfg;
	struct error err = {0};

	run->sc = sc;
	run->stop = MACHINE_STOP_NONE;
	run->step_count = sc->step_count;
	run->steps = xcalloc(sc->step_count != 0 ? sc->step_count : 1,
			     sizeof(*run->steps));
	for (size_t i = 0; i < sc->step_count; i++) {
		run->steps[i].step = &sc->steps[i];
	}
	if ((o->backend_given ? o->backend : sc->machine) ==
	    SCENARIO_MACHINE_QEMU) {
		runner_qemu_start(run, o); /* harness/runner_qemu.c */
		return run;
	}
	if (!choose_firmware(sc, o, &fw, run)) {
		run->input_error = true;
		goto done;
	}
	run->firmware_name = fw.name;
	run->firmware_path = fw.path;
	if (!make_config(sc, o, &fw, &cfg, run)) {
		run->input_error = true;
		goto done;
	}
	if (sc->spmc.store_file.value != NULL) {
		/* The session keeps the name until the store is saved. */
		run->store_file = scenario_relative(sc, sc->spmc.store_file.value);
		cfg.store_file = run->store_file;
	}
	if (sc->spmc.store_preload.value != NULL) {
		run->preload_file =
			scenario_relative(sc, sc->spmc.store_preload.value);
		cfg.preload_file = run->preload_file;
	}
	run->session = xcalloc(1, sizeof(*run->session));
	if (!session_init(run->session, &cfg, &err)) {
		set_message(&run->setup_error, "%s", err.message);
		free(run->session);
		run->session = NULL;
		run->input_error = true;
		goto done;
	}
	if (!preload_variables(sc, run->session, run)) {
		run->input_error = true;
		goto done;
	}
	for (size_t i = 0; i < sc->checks.watch_count; i++) {
		if (!machine_watch(run->session->machine, "watched range",
				   sc->checks.watch_address[i].value,
				   sc->checks.watch_size[i].value, &err)) {
			set_message(&run->setup_error, "%s:%d: %s", sc->file,
				    sc->checks.watch_address[i].mark.line,
				    err.message);
			run->input_error = true;
			goto done;
		}
	}
	if (!session_load_image(run->session, fw.path, fw.format,
				fw.has_load_addr ? fw.load_addr
						 : cfg.platform->default_load_addr,
				&err)) {
		set_message(&run->setup_error, "%s", err.message);
		run->input_error = true;
		goto done;
	}
	run->exit_watch = exit_watch_new(run->session);
	lifecycle_listen(secure_world_lifecycle(run->session->world), on_phase,
			 run);
	exit_watch_look(run->exit_watch); /* symbols: before it runs */
	if (o->gdb_port != 0) {
		run->gdb = xcalloc(1, sizeof(*run->gdb));
		if (!gdb_session_open(run->gdb, run->session->machine,
				      o->gdb_port, &err)) {
			set_message(&run->setup_error, "%s", err.message);
			run->input_error = true;
			goto done;
		}
		run->gdb->break_at_step = o->gdb_break_at_step;
		machine_break_on_finding(run->session->machine,
					 o->gdb_break_on_finding);
	}
done:
	return run;
}

/* Documented in harness/runner.h. */
bool runner_started(const struct scenario_run *run)
{
	return !run->complete && run->session != NULL &&
	       run->setup_error == NULL && !run->input_error;
}

/* Documented in harness/runner.h. */
void runner_steps(struct scenario_run *run, size_t first, size_t end)
{
	if (run->qemu != NULL) {
		runner_qemu_steps(run, first, end);
	} else if (runner_started(run)) {
		run_steps(run, first, end < run->step_count ? end
							    : run->step_count);
	}
}

/* Documented in harness/runner.h. */
void runner_defer_expectations(struct scenario_run *run, size_t n)
{
	run->expect_later = n;
}

/* Documented in harness/runner.h. */
void runner_adopt(struct scenario_run *run, const struct scenario *sc,
		  size_t prefix)
{
	const struct scenario *from = run->sc;
	struct step_run *old = run->steps;
	struct step_run *steps = xcalloc(sc->step_count != 0 ? sc->step_count
							     : 1,
					 sizeof(*steps));

	/* A boot begun by runner_boot_phase() is taken over too. */
	size_t taken = prefix + (run->boot_phase &&
				 run->boot_phase_step == prefix);

	for (size_t i = 0; i < sc->step_count; i++) {
		steps[i].step = &sc->steps[i];
	}
	for (size_t i = 0; i < taken && i < sc->step_count; i++) {
		struct step_run *sr = &steps[i];

		*sr = old[i];
		sr->step = &sc->steps[i];
		/* Positions recorded while the prefix ran are the first
		 * scenario's: translate them to this one's lines. */
		for (size_t k = 0; k < sr->check_count; k++) {
			sr->checks[k].mark = scenario_translate_mark(
				&from->steps[i], sr->step, sr->checks[k].mark);
		}
		if (sr->ran && sr->trace_first > 0) {
			summarize_step_mark(
				&run->session->trace.events[sr->trace_first - 1],
				i, sr->step);
		}
		if (sr->ended && i < run->expect_later) {
			run->steps = steps; /* step i, as this scenario's */
			if (run->qemu != NULL) {
				runner_qemu_expect(run, i);
			} else {
				expect_step(sr->step, sr, run->session,
					    sr->end_stop, (int)i);
			}
		}
	}
	run->steps = old;
	for (size_t i = taken; i < run->step_count; i++) {
		free(run->steps[i].message); /* a not-run note, at most */
	}
	free(run->steps);
	run->steps = steps;
	run->step_count = sc->step_count;
	run->sc = sc;
	mark_not_run(run);
}

/* Documented in harness/runner.h. */
bool runner_snapshot(struct scenario_run *run, char *why, size_t n)
{
	struct error err = {0};

	if (run->qemu == NULL) {
		return true; /* fork copies the Unicorn machine */
	}
	if (!runner_qemu_snapshot(run, &err)) {
		snprintf(why, n, "%s", err.message);
		return false;
	}
	return true;
}

/* Documented in harness/runner.h. */
void runner_resume(struct scenario_run *run, const struct runner_options *o)
{
	if (run->qemu != NULL) {
		runner_qemu_resume(run, o->echo_console ? stdout : NULL);
	}
}

/* Documented in harness/runner.h. */
void runner_finish(struct scenario_run *run)
{
	struct error err = {0};

	if (run->qemu != NULL) {
		runner_qemu_finish(run);
		return;
	}
	if (run->complete) {
		return;
	}

	if (runner_started(run)) {
		if (run->gdb != NULL) {
			gdb_session_close(run->gdb);
		}
		if (ended_at_rest(run->stop)) {
			secure_world_end_run(run->session->world);
		}
		if (!session_save_store(run->session, &err)) {
			set_message(&run->setup_error, "%s", err.message);
		}
		runner_judge(run);
	}
	if (run->setup_error != NULL) {
		run->verdict = VERDICT_ERROR;
		set_message(&run->message, "%s", run->setup_error);
	}
}

/* Documented in harness/runner.h. */
struct scenario_run *runner_run(const struct scenario *sc,
				const struct runner_options *o)
{
	struct scenario_run *run = runner_start(sc, o);

	runner_steps(run, 0, run->step_count);
	runner_finish(run);
	return run;
}

/* Documented in harness/runner_priv.h. */
void runner_judge(struct scenario_run *run)
{
	check_injects(run);
	place_findings(run);
	lead_with_first_finding(run);
	step_verdicts(run);
	finding_verdicts(run);
	check_expected_findings(run);
}

/* Documented in harness/runner_priv.h. */
bool runner_preload(const struct scenario *sc, struct session *s,
		    struct scenario_run *run)
{
	return preload_variables(sc, s, run);
}

/* Documented in harness/runner_priv.h. */
char *runner_relative_path(const struct scenario *sc, const char *path)
{
	return scenario_relative(sc, path);
}

void runner_run_free(struct scenario_run *run)
{
	if (run == NULL) {
		return;
	}
	free(run->gdb);
	free(run->store_file);
	free(run->preload_file);
	for (size_t i = 0; i < run->step_count; i++) {
		struct step_run *sr = &run->steps[i];

		for (size_t k = 0; k < sr->check_count; k++) {
			free(sr->checks[k].what);
			free(sr->checks[k].expected);
			free(sr->checks[k].seen);
		}
		free(sr->checks);
		free(sr->payload);
		free(sr->message);
		free(sr->output);
	}
	free(run->steps);
	runner_qemu_free(run);
	exit_watch_free(run->exit_watch);
	free(run->regions);
	free(run->names);
	if (run->session != NULL) {
		session_free(run->session);
		free(run->session);
	}
	free(run->firmware_name);
	free(run->firmware_path);
	free(run->message);
	free(run->setup_error);
	free(run);
}
