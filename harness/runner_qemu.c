/*
 * Scenarios on the QEMU backend (`machine: qemu`, `run --backend qemu`):
 * the same steps, expectations, inject rules, findings and verdicts as the
 * Unicorn runner (harness/runner.c), with qemu-system-aarch64 and the EL3
 * relay (emulator/qemu.h) in place of the Unicorn machine, and the secure
 * world built without one.  Linux steps speak the line protocol of the
 * bundle's /init (scripts/linux-init.sh): `@@CMD <seq> <command>`, answered
 * by `@@BEGIN <seq>`, the output, `@@END <seq> <status>` and `@@READY`.
 *
 * Only emulator/qemu.c talks to QEMU; this file drives it through that
 * interface and hands every relayed SMC to the secure world through
 * qemu_world_answer() (harness/qemu_run.c).
 */
#include "harness/runner_priv.h"

#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/console_text.h"
#include "common/text.h"
#include "emulator/platform.h"
#include "emulator/qemu.h"
#include "harness/cli.h"
#include "harness/expect.h"
#include "harness/qemu_run.h"
#include "models/psci.h"

#define UBOOT_DEBIAN "/usr/lib/u-boot/qemu_arm64/u-boot.bin"
#define UBOOT_FFA_REL "uboot-ffa/u-boot-2025.01/u-boot.bin"
/* scripts/uboot-ffa.sh's second build: OP-TEE + EFI_MM_COMM_TEE. */
#define UBOOT_OPTEE_REL "uboot-ffa/u-boot-optee/u-boot.bin"
/* Where images go (docs/qemu-backend.md): the FF-A U-Boot's MM buffer is
 * fixed at 0x6000_0000, so it runs from 0x5000_0000; a kernel for U-Boot's
 * bootefi lies below it, the initramfs above the kernel. */
#define LOAD_DEFAULT UINT64_C(0x40200000)
#define LOAD_UBOOT_FFA UINT64_C(0x50000000)
#define LOAD_KERNEL_FOR_UBOOT UINT64_C(0x42000000)
#define LOAD_INITRD UINT64_C(0x48000000)
#define DEFAULT_TIMEOUT_S 120u
/* The kernel's own arguments; the scenario's kernel_args follow. */
#define KERNEL_ARGS "console=ttyAMA0 panic=-1"
/* scripts/linux-init.sh: do not load the arm_ffa modules at boot. */
#define NO_BOOT_MODULES "ffa_harness.modules=none"
/* The exit status linux-init.sh commands use for "no such variable". */
#define EFIVAR_MISSING 3
#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))
/* The kernel argument that makes Linux run pKVM at EL2. */
#define PKVM_ARG "kvm-arm.mode=protected"

/* The kernels of the Linux bundle a scenario can name (qemu.kernel). */
static const struct bundle_kernel {
	const char *name;
	const char *path; /* in the bundle */
	const char *how;  /* how to get it, for the error that it is missing */
	bool efi_stub;    /* U-Boot's bootefi can start it */
} bundle_kernels[] = {
	{"debian", "Image",
	 "make linux-bundle builds it; FFAH_LINUX_BUNDLE names another", true},
	/* arm_ffa built in: it initialises before KVM (docs/qemu-backend.md
	 * "The FF-A init order"); allnoconfig leaves EFI out. */
	{"ffa-builtin", "ffa-builtin/Image",
	 "make linux-kernel-ffa-builtin builds it", false},
};

struct qemu_run {
	struct guest_mem mem; /* the secure world's ports point here */
	struct qemu_machine *q;
	char *image, *kernel, *initrd, *relay;
	struct strbuf bootargs;
	uint64_t kernel_size;
	bool linux_booted; /* the bundle's kernel is part of the run */
	bool uboot;        /* the image is U-Boot: bootefi starts Linux */
	unsigned timeout_ms;
	unsigned seq;      /* the last @@CMD sequence number */
	enum qemu_stop last;
	bool ended;        /* QEMU's run is over (any stop but TEXT) */
	/* Kept for the result document once QEMU is gone. */
	char *console;
	size_t console_len;
	char *command;
	char *stop_detail;
	struct runner_na na[6];
	size_t na_count;
	bool started;      /* QEMU was started: finish it, save the store */
	/* The state after a shared prefix (the leader, harness/snapshot.h);
	 * NULL unless this run was saved to be restored in workers. */
	struct qemu_snapshot *snapshot;
	bool restored;     /* this run went on from the snapshot */
};

/* --- Guest memory before QEMU runs: nothing is RAM ------------------------ */

static bool no_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	(void)ctx, (void)addr, (void)buf, (void)len;
	return false;
}

static bool no_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	(void)ctx, (void)addr, (void)buf, (void)len;
	return false;
}

static bool no_ram(void *ctx, uint64_t addr, uint64_t len)
{
	(void)ctx, (void)addr, (void)len;
	return false;
}

static const struct guest_mem_ops no_mem_ops = {no_read, no_write, no_ram,
						  NULL};

/* --- Messages --------------------------------------------------------------- */

static void setup_error(struct scenario_run *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void setup_error(struct scenario_run *run, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (run->setup_error != NULL) {
		return;
	}
	va_start(ap, fmt);
	strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	run->setup_error = strbuf_steal(&sb);
}

static void step_fail(struct step_run *sr, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void step_fail(struct step_run *sr, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	sr->verdict = VERDICT_ERROR;
	if (sr->message == NULL) {
		sr->message = strbuf_steal(&sb);
	} else {
		strbuf_free(&sb);
	}
}

/* --- The relayed SMCs --------------------------------------------------------- */

static int serve_smc(void *ctx, unsigned cpu, unsigned el, uint64_t pc,
		     struct smccc_regs *regs, struct qemu_answer *answer)
{
	struct scenario_run *run = ctx;

	qemu_world_answer(run->session->world, cpu, el, pc, regs, answer);
	return 0;
}

/* --- Set-up ------------------------------------------------------------------- */

/* A file beside the firmware directory (build/firmware -> build/NAME). */
static char *beside_firmware(const char *fw_dir, const char *name)
{
	char *copy = xstrdup(fw_dir);
	struct strbuf sb = STRBUF_INIT;

	strbuf_printf(&sb, "%s/%s", dirname(copy), name);
	free(copy);
	return strbuf_steal(&sb);
}

static char *env_or(const char *env, char *fallback)
{
	const char *v = getenv(env);

	if (v != NULL && v[0] != '\0') {
		free(fallback);
		return xstrdup(v);
	}
	return fallback;
}

static bool readable(struct scenario_run *run, const char *what,
		     const char *path, const char *how)
{
	if (access(path, R_OK) == 0) {
		return true;
	}
	setup_error(run, "%s: %s is not there (%s)", what, path, how);
	return false;
}

static bool want_linux(const struct scenario *sc)
{
	const struct scenario_firmware *fw = &sc->firmware;

	return sc->qemu.linux || fw->kind == SCENARIO_FIRMWARE_DEFAULT ||
	       (fw->kind == SCENARIO_FIRMWARE_BUILTIN &&
		strcmp(fw->name, "linux") == 0);
}

static const struct bundle_kernel *find_kernel(const struct scenario *sc)
{
	const char *name = sc->qemu.kernel.value;

	for (size_t i = 0; name != NULL && i < ARRAY_COUNT(bundle_kernels);
	     i++) {
		if (strcmp(bundle_kernels[i].name, name) == 0) {
			return &bundle_kernels[i];
		}
	}
	return &bundle_kernels[0]; /* the loader took no other name */
}

/* Which image CPU 0 enters, where, and whether Linux comes with it. */
static bool choose_images(struct scenario_run *run, struct qemu_run *qr,
			  struct qemu_config *qc)
{
	const struct scenario *sc = run->sc;
	const struct scenario_firmware *fw = &sc->firmware;
	char *bundle = env_or("FFAH_LINUX_BUNDLE",
			      beside_firmware(run->fw_dir, "linux"));
	struct strbuf sb = STRBUF_INIT;
	bool ok = true;

	qc->images[0].addr = LOAD_DEFAULT;
	if (fw->kind == SCENARIO_FIRMWARE_IMAGE) {
		qr->image = runner_relative_path(sc, fw->image);
		if (fw->load_addr.present) {
			qc->images[0].addr = fw->load_addr.value;
		}
	} else if (fw->kind == SCENARIO_FIRMWARE_BUILTIN &&
		   strcmp(fw->name, "uboot-ffa") == 0) {
		qr->image = env_or("FFAH_UBOOT_FFA",
				   beside_firmware(run->fw_dir, UBOOT_FFA_REL));
		qc->images[0].addr = LOAD_UBOOT_FFA;
		qr->uboot = true;
	} else if (fw->kind == SCENARIO_FIRMWARE_BUILTIN &&
		   strcmp(fw->name, "uboot-optee") == 0) {
		/* Position independent, as the FF-A build: the same place. */
		qr->image = env_or("FFAH_UBOOT_OPTEE",
				   beside_firmware(run->fw_dir,
						   UBOOT_OPTEE_REL));
		qc->images[0].addr = LOAD_UBOOT_FFA;
		qr->uboot = true;
	} else if (fw->kind == SCENARIO_FIRMWARE_BUILTIN &&
		   strcmp(fw->name, "uboot-debian") == 0) {
		qr->image = xstrdup(UBOOT_DEBIAN);
		qr->uboot = true;
	} else if (fw->kind == SCENARIO_FIRMWARE_BUILTIN &&
		   strcmp(fw->name, "linux") != 0) {
		setup_error(run, "%s:%d:%d: firmware %s does not run on "
				 "machine: qemu (linux, uboot-ffa, "
				 "uboot-optee, uboot-debian or an image)",
			    sc->file, fw->mark.line, fw->mark.column,
			    fw->name);
		free(bundle);
		return false;
	}
	qr->linux_booted = want_linux(sc);
	if (fw->kind == SCENARIO_FIRMWARE_IMAGE) {
		/* Only a boot loader can start the bundle's kernel. */
		qr->uboot = qr->linux_booted;
	}
	if (qr->linux_booted) {
		const struct bundle_kernel *k = find_kernel(sc);

		if (qr->uboot && !k->efi_stub) {
			setup_error(run, "%s:%d:%d: the %s kernel has no EFI "
					 "stub for U-Boot's bootefi: boot it "
					 "directly (firmware: linux)",
				    sc->file, sc->qemu.mark.line,
				    sc->qemu.mark.column, k->name);
			free(bundle);
			return false;
		}
		strbuf_printf(&sb, "%s/%s", bundle, k->path);
		qr->kernel = strbuf_steal(&sb);
		strbuf_printf(&sb, "%s/initrd.cpio.gz", bundle);
		qr->initrd = strbuf_steal(&sb);
		ok = readable(run, "the Linux bundle", qr->kernel, k->how) &&
		     readable(run, "the Linux bundle", qr->initrd,
			      "make linux-bundle builds it");
		qc->initrd = qr->initrd;
		qc->initrd_addr = LOAD_INITRD;
	}
	if (qr->image == NULL) {
		/* Linux alone: the relay enters the kernel with the tree. */
		qr->image = xstrdup(qr->kernel);
	} else if (ok && qr->linux_booted) {
		/* U-Boot starts the kernel with bootefi. */
		qc->images[1].path = qr->kernel;
		qc->images[1].addr = LOAD_KERNEL_FOR_UBOOT;
		qc->image_count = 2;
	}
	ok = ok && readable(run, "firmware", qr->image,
			    fw->kind != SCENARIO_FIRMWARE_BUILTIN ||
				    strncmp(fw->name, "uboot-", 6) != 0 ||
				    strcmp(fw->name, "uboot-debian") == 0
			    ? "check the scenario's firmware"
			    : strcmp(fw->name, "uboot-ffa") == 0
			    ? "make uboot-ffa builds it; FFAH_UBOOT_FFA "
			      "names another"
			    : "make uboot-ffa builds it; FFAH_UBOOT_OPTEE "
			      "names another");
	qc->images[0].path = qr->image;
	if (qc->image_count == 0) {
		qc->image_count = 1;
	}
	free(bundle);
	run->firmware_name = xstrdup(fw->kind == SCENARIO_FIRMWARE_BUILTIN
					     ? fw->name
				     : fw->kind == SCENARIO_FIRMWARE_IMAGE
					     ? fw->image
					     : "linux");
	run->firmware_path = xstrdup(qr->image);
	return ok;
}

/* The kernel's command line: ours, the scenario's, the modules switch. */
static void make_bootargs(const struct scenario *sc, struct qemu_run *qr)
{
	strbuf_puts(&qr->bootargs, KERNEL_ARGS);
	if (sc->qemu.boot_modules.present && sc->qemu.boot_modules.value == 0) {
		strbuf_puts(&qr->bootargs, " " NO_BOOT_MODULES);
	}
	if (sc->qemu.kernel_args.value != NULL) {
		strbuf_printf(&qr->bootargs, " %s", sc->qemu.kernel_args.value);
	}
}

static void not_applicable(struct qemu_run *qr, const char *check,
			   const char *reason)
{
	if (qr->na_count < sizeof(qr->na) / sizeof(qr->na[0])) {
		qr->na[qr->na_count++] = (struct runner_na){check, reason};
	}
}

/*
 * What this backend cannot check is named, never passed (docs/checks.md):
 * always the cache model and the runtime guard, and any check the
 * scenario asked for that needs them.
 */
static void list_not_applicable(const struct scenario *sc, struct qemu_run *qr)
{
	not_applicable(qr, "cache-model",
		       "QEMU models no caches: maintenance before a doorbell "
		       "cannot be checked");
	not_applicable(qr, "runtime-guard",
		       "QEMU runs the code: no guard on instruction fetches "
		       "or accesses after ExitBootServices, no instruction "
		       "budget");
	if (sc->checks.cache_model.value != NULL) {
		not_applicable(qr, "checks.cache_model",
			       "asked for by the scenario; needs the cache "
			       "model");
	}
	if (sc->checks.wide_maintenance_fails.present) {
		not_applicable(qr, "checks.wide_maintenance_fails",
			       "asked for by the scenario; needs the cache "
			       "model");
	}
	if (sc->checks.watch_count != 0) {
		not_applicable(qr, "checks.watch",
			       "asked for by the scenario; needs the cache "
			       "model");
	}
	if (sc->max_insns.present) {
		not_applicable(qr, "max_instructions",
			       "QEMU counts no instructions; the timeout "
			       "bounds the run");
	}
}

/* Whether the space-separated words of text include word. */
static bool has_word(const char *text, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = text; p != NULL && *p != '\0'; p++) {
		if ((p == text || p[-1] == ' ') && strncmp(p, word, n) == 0 &&
		    (p[n] == ' ' || p[n] == '\0')) {
			return true;
		}
	}
	return false;
}

/*
 * The platform: `run --platform`, the scenario's, or the firmware's
 * (uboot-optee: qemu-virt-optee; otherwise qemu-virt-ffa).  Only the QEMU
 * virt profiles apply: their memory map is QEMU's.
 */
static const struct platform *choose_platform(struct scenario_run *run,
					      const struct runner_options *o)
{
	const struct scenario *sc = run->sc;
	const struct scenario_firmware *fw = &sc->firmware;
	const char *name = o->platform != NULL ? o->platform
			   : sc->platform.value != NULL
			   ? sc->platform.value
			   : fw->kind == SCENARIO_FIRMWARE_BUILTIN &&
					     strcmp(fw->name, "uboot-optee") == 0
			   ? "qemu-virt-optee"
			   : "qemu-virt-ffa";
	const struct platform *p = platform_find(name);

	if (p == NULL || strncmp(name, "qemu-virt", 9) != 0) {
		setup_error(run, "%s: platform '%s' %s on machine: qemu "
				 "(qemu-virt, qemu-virt-ffa, qemu-virt-optee, "
				 "qemu-virt-ffa-optee)",
			    sc->file, name,
			    p == NULL ? "is unknown" : "does not apply");
		return NULL;
	}
	return p;
}

static bool make_world(struct scenario_run *run, struct qemu_run *qr,
		       const struct platform *p, unsigned cpus)
{
	const struct scenario *sc = run->sc;
	const struct scenario_spmc *sp = &sc->spmc;
	struct secure_world_config wc;
	struct secure_world_ports ports = {&qr->mem, &qr->mem};
	struct session *s = xcalloc(1, sizeof(*s));
	struct error err = {0};

	run->session = s;
	run->platform = p->name;
	trace_init(&s->trace);
	findings_init(&s->findings);
	secure_world_config_default(&wc);
	spmc_config_default(&wc.spmc);
	varstore_config_default(&wc.store);
	wc.mm_buf_addr = sp->shared_buffer_address.present
				 ? sp->shared_buffer_address.value
				 : p->shared_buf_addr;
	wc.mm_buf_size = sp->shared_buffer_size.present
				 ? sp->shared_buffer_size.value
				 : p->shared_buf_size;
	wc.cpus = cpus;
	if (has_word(sc->qemu.kernel_args.value, PKVM_ARG)) {
		wc.hypervisor = "pKVM, " PKVM_ARG;
	}
	wc.optee = p->optee;
	/* The loader took only "1.0", "1.1" or "1.2". */
	if (sp->ffa_version.value != NULL &&
	    !cli_parse_ffa_version("spmc.ffa_version", sp->ffa_version.value,
				   &wc.spmc.max_version)) {
		setup_error(run, "%s: bad FF-A version", sc->file);
		return false;
	}
	if (sp->nwd_id.present) {
		wc.spmc.nwd_id = (uint16_t)sp->nwd_id.value;
	}
	wc.spmc.audit_rxtx_unmap_at_exit =
		sc->checks.rxtx_unmapped_at_ebs.present &&
		sc->checks.rxtx_unmapped_at_ebs.value != 0;
	if (!runner_partitions(sc, run, &wc.spmc)) {
		return false;
	}
	if (sp->store_capacity.present) {
		wc.store.nv_capacity = sp->store_capacity.value;
	}
	if (sp->store_volatile_capacity.present) {
		wc.store.volatile_capacity = sp->store_volatile_capacity.value;
	}
	if (sp->store_max_variable_size.present) {
		wc.store.max_variable_size = sp->store_max_variable_size.value;
	}
	/* The world keeps the names until the store is saved at the end;
	 * runner_run_free() frees them. */
	if (sp->store_file.value != NULL) {
		run->store_file = runner_relative_path(sc, sp->store_file.value);
		wc.store_file = run->store_file;
	}
	if (sp->store_preload.value != NULL) {
		run->preload_file =
			runner_relative_path(sc, sp->store_preload.value);
		wc.preload_file = run->preload_file;
	}
	qr->mem = (struct guest_mem){.ops = &no_mem_ops, .ctx = NULL};
	s->world = secure_world_new(&wc, &ports, &s->trace, &s->findings, &err);
	if (s->world == NULL) {
		setup_error(run, "%s", err.message);
		return false;
	}
	return runner_preload(sc, s, run);
}

/* --- Driving QEMU ---------------------------------------------------------- */

static enum machine_stop as_machine_stop(enum qemu_stop s)
{
	switch (s) {
	case QEMU_STOP_TEXT:
		return MACHINE_STOP_CONSOLE_MATCH;
	case QEMU_STOP_POWER_OFF:
		return MACHINE_STOP_POWER_OFF;
	case QEMU_STOP_RESET:
		return MACHINE_STOP_RESET;
	case QEMU_STOP_TIMEOUT:
		return MACHINE_STOP_TIMEOUT;
	case QEMU_STOP_FAULT:
		return MACHINE_STOP_FAULT;
	case QEMU_STOP_EXITED:
	case QEMU_STOP_HANDLER:
	case QEMU_STOP_PROTOCOL:
		break;
	}
	return MACHINE_STOP_HOST_ERROR;
}

/* Why the run ended, in one line, kept for the stop object. */
static void note_end(struct scenario_run *run, struct qemu_run *qr)
{
	struct strbuf sb = STRBUF_INIT;

	if (qr->stop_detail != NULL) {
		return;
	}
	strbuf_printf(&sb, "%s", qemu_stop_name(qr->last));
	if (qr->last == QEMU_STOP_FAULT) {
		const struct qemu_fault *f = qemu_fault(qr->q);

		strbuf_printf(&sb, ": CPU %u EL%u ESR_EL3 0x%llx ELR_EL3 "
				   "0x%llx FAR_EL3 0x%llx",
			      f->cpu, f->el, (unsigned long long)f->esr,
			      (unsigned long long)f->elr,
			      (unsigned long long)f->far);
	} else if (qr->last == QEMU_STOP_EXITED ||
		   qr->last == QEMU_STOP_PROTOCOL) {
		const char *text = qemu_stderr(qr->q);

		strbuf_printf(&sb, " (wait status %d)%s%s",
			      qemu_exit_status(qr->q),
			      text[0] != '\0' ? "; stderr: " : "", text);
	}
	qr->stop_detail = strbuf_steal(&sb);
	(void)run;
}

/* Waits for text (NULL: the end); true if it came. */
static bool wait_for(struct scenario_run *run, struct qemu_run *qr,
		     const char *text, unsigned timeout_ms)
{
	if (qr->ended) {
		return false;
	}
	qr->last = qemu_wait(qr->q, text, timeout_ms);
	run->stop = as_machine_stop(qr->last);
	if (qr->last != QEMU_STOP_TEXT) {
		qr->ended = true;
		note_end(run, qr);
		return false;
	}
	return true;
}

static bool type_text(struct qemu_run *qr, struct step_run *sr,
		      const char *text, bool enter)
{
	struct error err = {0};

	if ((text[0] != '\0' && !qemu_type(qr->q, text, strlen(text), &err)) ||
	    (enter && !qemu_type(qr->q, "\r", 1, &err))) {
		step_fail(sr, "typing at the console: %s", err.message);
		return false;
	}
	return true;
}

static const char *console_now(struct qemu_run *qr, size_t *len)
{
	if (qr->q == NULL) { /* saved for a snapshot, or finished */
		*len = qr->console_len;
		return qr->console != NULL ? qr->console : "";
	}
	return qemu_console(qr->q, len);
}

/* "console.wait"-style check for text awaited since mark. */
static void check_awaited(struct qemu_run *qr, struct step_run *sr,
			  const char *what, struct source_mark mark,
			  const char *text, size_t from, bool seen_it)
{
	size_t len;
	const char *out = console_now(qr, &len);
	struct strbuf seen = STRBUF_INIT, why = STRBUF_INIT;
	const char *hit = seen_it ? strstr(out + from, text) : NULL;

	strbuf_printf(&why, "not printed (%s)", qemu_stop_name(qr->last));
	console_seen_text(&seen, out + from, len - from,
			  hit != NULL || !seen_it ? hit : out + len,
			  strbuf_str(&why));
	expect_add_check(sr, what, mark, seen_it, text, strbuf_str(&seen));
	strbuf_free(&seen);
	strbuf_free(&why);
}

static void boot_step(struct scenario_run *run, struct qemu_run *qr,
		      struct step_run *sr)
{
	const struct scenario_boot *b = &sr->step->boot;
	enum scenario_boot_until until = b->until;
	size_t from;

	console_now(qr, &from);
	if (!b->until_given) {
		until = qr->linux_booted ? BOOT_UNTIL_SHELL
			: b->prompt.value != NULL ? BOOT_UNTIL_PROMPT
						  : BOOT_UNTIL_STOP;
	}
	if (until == BOOT_UNTIL_AGENT) {
		step_fail(sr, "boot until: agent: machine: qemu has no agent");
		return;
	}
	if (until == BOOT_UNTIL_SHELL && !qr->linux_booted) {
		step_fail(sr, "boot until: shell: this run boots no Linux "
			      "(firmware: linux, or qemu: {linux: true})");
		return;
	}
	if (b->interrupt_autoboot.value != NULL) {
		if (!wait_for(run, qr, b->interrupt_autoboot.value,
			      qr->timeout_ms)) {
			step_fail(sr, "boot: \"%s\" not seen: %s",
				  b->interrupt_autoboot.value,
				  qr->stop_detail);
			return;
		}
		if (!type_text(qr, sr, " ", false)) {
			return;
		}
	}
	if (until == BOOT_UNTIL_PROMPT ||
	    (until == BOOT_UNTIL_SHELL && qr->uboot)) {
		const char *prompt = b->prompt.value != NULL ? b->prompt.value
							     : "=>";
		bool seen_it = wait_for(run, qr, prompt, qr->timeout_ms);

		if (b->prompt.value != NULL) {
			check_awaited(qr, sr, "boot.prompt", b->prompt.mark,
				      prompt, from, seen_it);
		}
		if (!seen_it) {
			step_fail(sr, "boot did not reach the prompt \"%s\": %s",
				  prompt, qr->stop_detail);
			return;
		}
		if (until == BOOT_UNTIL_PROMPT) {
			return;
		}
	}
	if (until == BOOT_UNTIL_SHELL && qr->uboot) {
		/* The kernel lies in RAM; bootefi needs its size (U-Boot
		 * 2023.01 and later take ADDR:SIZE). */
		struct strbuf cmd = STRBUF_INIT;
		bool ok;

		strbuf_printf(&cmd, "setenv bootargs %s; bootefi 0x%llx:0x%llx "
				    "${fdtcontroladdr}",
			      strbuf_str(&qr->bootargs),
			      (unsigned long long)LOAD_KERNEL_FOR_UBOOT,
			      (unsigned long long)qr->kernel_size);
		ok = type_text(qr, sr, strbuf_str(&cmd), true);
		strbuf_free(&cmd);
		if (!ok) {
			return;
		}
	}
	if (until == BOOT_UNTIL_SHELL) {
		if (!wait_for(run, qr, "@@READY", qr->timeout_ms)) {
			step_fail(sr, "Linux's shell did not come up: %s",
				  qr->stop_detail);
		}
		return;
	}
	/* until: stop */
	wait_for(run, qr, NULL, qr->timeout_ms);
	if (qr->last != QEMU_STOP_POWER_OFF && qr->last != QEMU_STOP_RESET &&
	    sr->step->expect.stop.value == NULL) {
		step_fail(sr, "boot ended: %s", qr->stop_detail);
	}
}

static void console_step(struct scenario_run *run, struct qemu_run *qr,
			 struct step_run *sr)
{
	const struct scenario_console *c = &sr->step->console;
	size_t from;

	console_now(qr, &from);
	if (c->type.value != NULL &&
	    !type_text(qr, sr, c->type.value, !c->no_enter)) {
		return;
	}
	if (c->wait.value != NULL) {
		bool seen_it = wait_for(run, qr, c->wait.value, qr->timeout_ms);

		check_awaited(qr, sr, "console.wait", c->wait.mark,
			      c->wait.value, from, seen_it);
	} else if (sr->step->expect.stop.value != NULL) {
		/* `type: poweroff` expecting a stop: the run's end is what
		 * the step waits for (on Unicorn the step runs until the
		 * firmware stops or waits). */
		wait_for(run, qr, NULL, qr->timeout_ms);
	}
}

/* The timeout of a Linux step: its own, or the scenario's. */
static unsigned step_timeout(const struct qemu_run *qr,
			     const struct scenario_shell *sh)
{
	return sh->timeout.present ? (unsigned)sh->timeout.value * 1000u
				   : qr->timeout_ms;
}

/*
 * Runs one command in Linux's shell; fills sr->output and the exit status.
 * False (with a step error) when the protocol did not complete.
 */
static bool shell_run(struct scenario_run *run, struct qemu_run *qr,
		      struct step_run *sr, const char *command,
		      unsigned timeout_ms)
{
	struct strbuf line = STRBUF_INIT, end = STRBUF_INIT;
	size_t from, len;
	const char *out, *begin, *stop;
	unsigned seq = ++qr->seq;
	char *tail;
	long status;

	console_now(qr, &from);
	strbuf_printf(&line, "@@CMD %u %s", seq, command);
	strbuf_printf(&end, "@@END %u ", seq);
	if (qr->ended) {
		step_fail(sr, "the run had already ended: %s", qr->stop_detail);
		goto fail;
	}
	if (!type_text(qr, sr, strbuf_str(&line), true)) {
		goto fail;
	}
	if (!wait_for(run, qr, strbuf_str(&end), timeout_ms) ||
	    !wait_for(run, qr, "@@READY", timeout_ms)) {
		step_fail(sr, "no answer from Linux's shell to \"%s\": %s",
			  command, qr->stop_detail);
		goto fail;
	}
	out = console_now(qr, &len);
	strbuf_reset(&line);
	strbuf_printf(&line, "@@BEGIN %u\r", seq);
	begin = strstr(out + from, strbuf_str(&line));
	if (begin == NULL) {
		line.data[line.len - 1] = '\n';
		begin = strstr(out + from, strbuf_str(&line));
	}
	stop = strstr(out + from, strbuf_str(&end));
	if (begin == NULL || stop == NULL || stop < begin) {
		step_fail(sr, "Linux's shell broke the line protocol for \"%s\"",
			  command);
		goto fail;
	}
	begin = strchr(begin, '\n') + 1;
	status = strtol(stop + end.len, &tail, 10);
	sr->has_exit_status = tail != stop + end.len;
	sr->exit_status = (int)status;
	free(sr->output);
	sr->output = xmalloc((size_t)(stop - begin) + 1);
	len = 0;
	for (const char *p = begin; p < stop; p++) {
		if (*p != '\r') {
			sr->output[len++] = *p; /* the tty's CR LF as LF */
		}
	}
	sr->output[len] = '\0';
	strbuf_free(&line);
	strbuf_free(&end);
	return true;
fail:
	strbuf_free(&line);
	strbuf_free(&end);
	return false;
}

/* 'text' for the shell, single quotes escaped. */
static void shell_quote(struct strbuf *sb, const char *text)
{
	strbuf_putc(sb, '\'');
	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '\'') {
			strbuf_puts(sb, "'\\''");
		} else {
			strbuf_putc(sb, *p);
		}
	}
	strbuf_putc(sb, '\'');
}

/* The efivarfs file of a variable: NAME-GUID (Documentation/filesystems/
 * efivarfs.rst) in the directory /init names in $EFIVARS (an EFI boot's
 * /sys/firmware/efi/efivars, else /efivars). */
static void efivarfs_path(struct strbuf *sb,
			  const struct scenario_variable_call *v)
{
	static const struct efi_guid global = EFI_GLOBAL_VARIABLE_GUID;
	char guid[TEXT_GUID_LEN + 1];
	struct strbuf file = STRBUF_INIT;

	text_format_guid(v->has_guid ? &v->guid : &global, guid);
	strbuf_printf(&file, "/%s-%s",
		      v->name.value != NULL ? v->name.value : "", guid);
	strbuf_puts(sb, "\"${EFIVARS:-/sys/firmware/efi/efivars}\"");
	shell_quote(sb, strbuf_str(&file));
	strbuf_free(&file);
}

/*
 * efivarfs_read: `od` prints the file, the attributes (4 bytes, little
 * endian) then the data; the result is what GetVariable would report.
 */
static void efivarfs_read_step(struct scenario_run *run, struct qemu_run *qr,
			       struct step_run *sr)
{
	const struct scenario_variable_call *v = &sr->step->var;
	struct strbuf cmd = STRBUF_INIT, bytes = STRBUF_INIT;
	const char *p;

	strbuf_puts(&cmd, "f=");
	efivarfs_path(&cmd, v);
	strbuf_printf(&cmd, "; [ -e \"$f\" ] || exit %d; od -An -tx1 -v "
			    "\"$f\"",
		      EFIVAR_MISSING);
	if (!shell_run(run, qr, sr, strbuf_str(&cmd), qr->timeout_ms)) {
		goto out;
	}
	memset(&sr->result, 0, sizeof(sr->result));
	sr->result.op = AGENT_OP_GET_VARIABLE;
	sr->result.flags = AGENT_RESULT_PAYLOAD_DATA;
	if (sr->exit_status == EFIVAR_MISSING) {
		sr->result.status = EFI_NOT_FOUND;
		sr->has_result = true;
		goto out;
	}
	if (sr->exit_status != 0) {
		step_fail(sr, "efivarfs_read: reading the file failed (exit "
			      "status %d): %s",
			  sr->exit_status, sr->output);
		goto out;
	}
	for (p = sr->output; *p != '\0';) {
		char *end;
		unsigned long b = strtoul(p, &end, 16);

		if (end == p) {
			p++;
			continue;
		}
		strbuf_putc(&bytes, (char)(b & 0xff));
		p = end;
	}
	if (bytes.len < 4) {
		step_fail(sr, "efivarfs_read: %zu bytes, fewer than the 4 of "
			      "the attributes",
			  bytes.len);
		goto out;
	}
	sr->result.status = EFI_SUCCESS;
	sr->result.attributes = (uint32_t)(uint8_t)bytes.data[0] |
				(uint32_t)(uint8_t)bytes.data[1] << 8 |
				(uint32_t)(uint8_t)bytes.data[2] << 16 |
				(uint32_t)(uint8_t)bytes.data[3] << 24;
	sr->result.data_size = bytes.len - 4;
	sr->payload_len = bytes.len - 4;
	sr->payload = xmalloc(sr->payload_len + 1);
	memcpy(sr->payload, bytes.data + 4, sr->payload_len);
	sr->has_result = true;
out:
	strbuf_free(&cmd);
	strbuf_free(&bytes);
}

/*
 * efivarfs_write: the attributes and data in one write(2), as efivarfs
 * requires; an existing variable's file is immutable until chattr -i.
 */
static void efivarfs_write_step(struct scenario_run *run, struct qemu_run *qr,
				struct step_run *sr)
{
	const struct scenario_variable_call *v = &sr->step->var;
	struct strbuf cmd = STRBUF_INIT;
	uint8_t attrs[4];

	for (unsigned i = 0; i < 4; i++) {
		attrs[i] = (uint8_t)(v->attributes >> (8 * i));
	}
	strbuf_puts(&cmd, "f=");
	efivarfs_path(&cmd, v);
	strbuf_puts(&cmd, "; [ -e \"$f\" ] && chattr -i \"$f\"; printf '");
	for (unsigned i = 0; i < 4; i++) {
		strbuf_printf(&cmd, "\\%03o", attrs[i]);
	}
	for (size_t i = 0; v->data.present && i < v->data.len; i++) {
		strbuf_printf(&cmd, "\\%03o", v->data.data[i]);
	}
	strbuf_puts(&cmd, "' >\"$f\"");
	shell_run(run, qr, sr, strbuf_str(&cmd), qr->timeout_ms);
	strbuf_free(&cmd);
}

static void linux_step(struct scenario_run *run, struct qemu_run *qr,
		       struct step_run *sr)
{
	const struct scenario_shell *sh = &sr->step->shell;
	struct strbuf cmd = STRBUF_INIT;

	switch (sr->step->kind) {
	case STEP_SHELL:
		strbuf_puts(&cmd, sh->command.value);
		break;
	case STEP_LOAD_MODULE:
		strbuf_printf(&cmd, "insmod /lib/modules/%s.ko%s%s",
			      sh->module.value,
			      sh->args.value != NULL ? " " : "",
			      sh->args.value != NULL ? sh->args.value : "");
		break;
	case STEP_DMESG:
		strbuf_puts(&cmd, "dmesg");
		break;
	default:
		break;
	}
	shell_run(run, qr, sr, strbuf_str(&cmd), step_timeout(qr, sh));
	strbuf_free(&cmd);
}

/* power_off: Linux's poweroff (PSCI SYSTEM_OFF), or the end awaited. */
static void power_off_step(struct scenario_run *run, struct qemu_run *qr,
			   struct step_run *sr)
{
	struct strbuf line = STRBUF_INIT;

	if (qr->linux_booted && !qr->ended) {
		strbuf_printf(&line, "@@CMD %u poweroff", ++qr->seq);
		if (!type_text(qr, sr, strbuf_str(&line), true)) {
			strbuf_free(&line);
			return;
		}
	}
	strbuf_free(&line);
	wait_for(run, qr, NULL, qr->timeout_ms);
	if (qr->last != QEMU_STOP_POWER_OFF &&
	    sr->step->expect.stop.value == NULL) {
		expect_add_check(sr, "stop", sr->step->mark, false, "power-off",
				 qr->stop_detail != NULL ? qr->stop_detail
							 : "running");
	}
}

static void run_step(struct scenario_run *run, struct qemu_run *qr,
		     struct step_run *sr)
{
	char buf[160];
	const char *why;

	switch (sr->step->kind) {
	case STEP_BOOT:
		boot_step(run, qr, sr);
		break;
	case STEP_CONSOLE:
		console_step(run, qr, sr);
		break;
	case STEP_INJECT:
		why = runner_add_inject(
			secure_world_injector(run->session->world),
			&sr->step->inject, buf, sizeof(buf));
		if (why != NULL) {
			step_fail(sr, "%s", why);
		}
		break;
	case STEP_SHELL:
	case STEP_LOAD_MODULE:
	case STEP_DMESG:
		linux_step(run, qr, sr);
		break;
	case STEP_EFIVARFS_READ:
		efivarfs_read_step(run, qr, sr);
		break;
	case STEP_EFIVARFS_WRITE:
		efivarfs_write_step(run, qr, sr);
		break;
	case STEP_POWER_OFF:
		power_off_step(run, qr, sr);
		break;
	default:
		step_fail(sr, "%s needs the agent, which machine: qemu lacks",
			  scenario_step_kind_name(sr->step->kind));
		break;
	}
	if (!qr->linux_booted && sr->step->kind >= STEP_SHELL &&
	    sr->message == NULL) {
		step_fail(sr, "this run boots no Linux");
	}
}

/* A command that failed fails its step unless expect.exit_status says. */
static void default_exit_status(struct step_run *sr)
{
	const struct scenario_step *st = sr->step;

	if (!sr->has_exit_status || st->kind == STEP_EFIVARFS_READ ||
	    (st->expect.present && st->expect.exit_status.present)) {
		return;
	}
	if (sr->exit_status != 0) {
		char seen[16];

		snprintf(seen, sizeof(seen), "%d", sr->exit_status);
		expect_add_check(sr, "exit_status", st->mark, false, "0", seen);
	}
}

static void check_step(struct scenario_run *run, struct qemu_run *qr,
		       struct step_run *sr, size_t i)
{
	struct session *s = run->session;
	struct expect_view v = {
		.trace = &s->trace,
		.findings = &s->findings,
		.lifecycle = secure_world_lifecycle(s->world),
		.stop = machine_stop_name(sr->end_stop),
	};
	size_t len;

	v.console = console_now(qr, &len);
	v.console_len = len;
	expect_step_view(sr->step, sr, &v, (int)i);
	default_exit_status(sr);
}

/* Documented in harness/runner_priv.h. */
void runner_qemu_expect(struct scenario_run *run, size_t i)
{
	check_step(run, run->qemu, &run->steps[i], i);
}

static void run_steps(struct scenario_run *run, struct qemu_run *qr,
		      size_t first, size_t end)
{
	struct session *s = run->session;

	for (size_t i = first; i < end && !run->ended; i++) {
		struct step_run *sr = &run->steps[i];
		struct trace_event *mark;
		size_t len;

		s->trace.current_step = (int)i;
		s->findings.current_step = (int)i;
		mark = trace_append(&s->trace, TRACE_STEP);
		trace_event_set_summary(mark, "step %zu: %s (line %d)", i + 1,
					scenario_step_kind_name(sr->step->kind),
					sr->step->mark.line);
		sr->ran = true;
		sr->trace_first = (uint32_t)s->trace.count;
		console_now(qr, &sr->console_first);
		run_step(run, qr, sr);
		sr->trace_end = (uint32_t)s->trace.count;
		console_now(qr, &len);
		sr->console_end = len;
		runner_record_step_end(sr, run);
		if (i >= run->expect_later) {
			check_step(run, qr, sr, i);
		}
		if (sr->verdict == VERDICT_ERROR) {
			run->ended = true;
			break;
		}
		if (qr->ended && i + 1 < run->step_count) {
			struct step_run *next = &run->steps[i + 1];

			next->verdict = VERDICT_ERROR;
			next->message = xstrdup("not run: the run had already "
						"ended");
			run->ended = true;
			run->ended_after = i + 1;
			break;
		}
	}
	s->trace.current_step = -1;
	s->findings.current_step = -1;
}

/* Keeps what the result document needs, then ends QEMU for good. */
static void finish_qemu(struct qemu_run *qr)
{
	size_t len;
	const char *text;

	if (qr->q == NULL) {
		return;
	}
	text = qemu_console(qr->q, &len);
	free(qr->console);
	qr->console = xmalloc(len + 1);
	memcpy(qr->console, text, len);
	qr->console[len] = '\0';
	qr->console_len = len;
	/* A restored machine keeps the command that booted it (the
	 * leader's): the restore itself cannot be repeated by hand. */
	if (qr->command == NULL) {
		qr->command = xstrdup(qemu_command_line(qr->q));
	}
	/* The private channel directory is gone by now; its random name
	 * would only make two runs' documents differ. */
	for (char *p = qr->command; (p = strstr(p, "/ffa-harness-qemu-")) != NULL;) {
		p += strlen("/ffa-harness-qemu-");
		for (; *p != '\0' && *p != '/'; p++) {
			*p = 'X';
		}
	}
	qemu_free(qr->q);
	qr->q = NULL;
	qr->mem = (struct guest_mem){.ops = &no_mem_ops, .ctx = NULL};
}

/* Documented in harness/runner_priv.h. */
bool runner_qemu_snapshot(struct scenario_run *run, struct error *err)
{
	struct qemu_run *qr = run->qemu;

	if (qr == NULL || !qr->started) {
		return error_setf(err, "QEMU did not start");
	}
	if (!run->ended && !qr->ended) {
		qr->snapshot = qemu_save(qr->q, err);
		if (qr->snapshot == NULL) {
			finish_qemu(qr);
			return false;
		}
	}
	/* Saved, or over: the leader's QEMU goes before any worker runs. */
	finish_qemu(qr);
	return true;
}

/* Documented in harness/runner_priv.h. */
void runner_qemu_resume(struct scenario_run *run, FILE *echo)
{
	struct qemu_run *qr = run->qemu;
	struct error err = {0};

	if (qr == NULL || qr->snapshot == NULL) {
		return; /* the prefix ended the run: nothing runs on */
	}
	qr->q = qemu_restore(qr->snapshot, serve_smc, run, echo, &err);
	if (qr->q == NULL) {
		setup_error(run, "cannot restore QEMU from the snapshot: %s",
			    err.message);
		run->ended = true;
		return;
	}
	qr->mem = qemu_guest_mem(qr->q);
	qr->restored = true;
}

/* Documented in harness/runner_priv.h. */
void runner_qemu_start(struct scenario_run *run,
		       const struct runner_options *o)
{
	const struct scenario *sc = run->sc;
	struct qemu_run *qr = xcalloc(1, sizeof(*qr));
	struct qemu_config qc;
	struct error err = {0};
	unsigned cpus = sc->qemu.cpus.present ? (unsigned)sc->qemu.cpus.value
					      : 1;
	struct strbuf relay = STRBUF_INIT;
	const struct platform *platform;

	run->qemu = qr;
	run->stop = MACHINE_STOP_NONE;
	/* Each wait's bound; a day at most keeps it an unsigned count of ms. */
	qr->timeout_ms = (sc->timeout_seconds.present
				  ? (sc->timeout_seconds.value < 86400
					     ? (unsigned)sc->timeout_seconds.value
					     : 86400u)
				  : DEFAULT_TIMEOUT_S) *
			 1000u;
	list_not_applicable(sc, qr);
	memset(&qc, 0, sizeof(qc));
	if (o->gdb_port != 0) {
		setup_error(run, "--gdb applies to the Unicorn machine; on "
				 "machine: qemu use QEMU's own gdb stub "
				 "(qemu-boot --qemu-arg -s)");
		run->input_error = true;
		goto out;
	}
	if (o->image != NULL) {
		setup_error(run, "--image does not apply to machine: qemu "
				 "(the scenario's firmware says what runs)");
		run->input_error = true;
		goto out;
	}
	if (!choose_images(run, qr, &qc)) {
		run->input_error = true;
		goto out;
	}
	if (qr->linux_booted) {
		FILE *f = fopen(qr->kernel, "rb");

		if (f != NULL && fseek(f, 0, SEEK_END) == 0) {
			long n = ftell(f);

			qr->kernel_size = n > 0 ? (uint64_t)n : 0;
		}
		if (f != NULL) {
			fclose(f);
		}
		make_bootargs(sc, qr);
		if (!qr->uboot) {
			qc.bootargs = strbuf_str(&qr->bootargs);
		}
	}
	strbuf_printf(&relay, "%s/el3-relay.bin", run->fw_dir);
	qr->relay = strbuf_steal(&relay);
	if (!readable(run, "the EL3 relay", qr->relay, "make builds it")) {
		goto out;
	}
	qc.relay = qr->relay;
	qc.cpus = cpus;
	qc.cpu = sc->qemu.cpu.value;
	qc.ram_size = sc->qemu.memory.present ? sc->qemu.memory.value : 0;
	qc.enter_el1 = sc->qemu.el1.present && sc->qemu.el1.value != 0;
	if (sc->qemu.icount.present && sc->qemu.icount.value != 0) {
		/* Virtual time from instructions, one TCG thread for all CPUs
		 * (docs/qemu-backend.md "Determinism"). */
		static const char *const icount[] = {"-icount",
						      "shift=0,sleep=off"};

		qc.extra_args = icount;
		qc.extra_count = 2;
	}
	qc.console_echo = o->echo_console ? stdout : NULL;
	platform = choose_platform(run, o);
	if (platform == NULL) {
		run->input_error = true;
		goto out;
	}
	qc.optee = platform->optee;
	qc.snapshot_source = o->snapshot_source;
	if (!make_world(run, qr, platform, cpus)) {
		run->input_error = run->session == NULL ||
				   run->session->world == NULL;
		goto out;
	}
	qr->q = qemu_start(&qc, serve_smc, run, &err);
	if (qr->q == NULL) {
		setup_error(run, "cannot start QEMU: %s", err.message);
		goto out;
	}
	qr->mem = qemu_guest_mem(qr->q);
	qr->started = true;
out:
	return;
}

/* Documented in harness/runner_priv.h. */
void runner_qemu_steps(struct scenario_run *run, size_t first, size_t end)
{
	struct qemu_run *qr = run->qemu;

	if (qr != NULL && qr->started) {
		run_steps(run, qr, first,
			  end < run->step_count ? end : run->step_count);
	}
}

/* Documented in harness/runner_priv.h. */
void runner_qemu_finish(struct scenario_run *run)
{
	struct qemu_run *qr = run->qemu;
	struct error err = {0};

	if (qr->started) {
		finish_qemu(qr);
		/* The audits that wait for the end, as on Unicorn: only
		 * when the machine powered off or reset (secure_world.h),
		 * and only when no Linux ran, which holds its TEE session
		 * to the end (tee_stmm_efi) where boot firmware must not. */
		if ((run->stop == MACHINE_STOP_POWER_OFF ||
		     run->stop == MACHINE_STOP_RESET) &&
		    !qr->linux_booted) {
			secure_world_end_run(run->session->world);
		}
		if (!session_save_store(run->session, &err)) {
			setup_error(run, "%s", err.message);
		}
	}
	if (run->session != NULL && run->session->world != NULL) {
		runner_judge(run);
	}
	if (run->setup_error != NULL) {
		run->verdict = VERDICT_ERROR;
		if (run->message == NULL) {
			run->message = xstrdup(run->setup_error);
		}
	}
}

/* Documented in harness/runner_priv.h. */
void runner_qemu_free(struct scenario_run *run)
{
	struct qemu_run *qr = run->qemu;

	if (qr == NULL) {
		return;
	}
	qemu_free(qr->q);
	qemu_snapshot_free(qr->snapshot);
	free(qr->image);
	free(qr->kernel);
	free(qr->initrd);
	free(qr->relay);
	strbuf_free(&qr->bootargs);
	free(qr->console);
	free(qr->command);
	free(qr->stop_detail);
	free(qr);
	run->qemu = NULL;
}

const char *runner_qemu_command(const struct scenario_run *run)
{
	return run->qemu != NULL ? run->qemu->command : NULL;
}

size_t runner_qemu_not_applicable(const struct scenario_run *run,
				  const struct runner_na **out)
{
	*out = run->qemu != NULL ? run->qemu->na : NULL;
	return run->qemu != NULL ? run->qemu->na_count : 0;
}

const char *runner_qemu_console(const struct scenario_run *run, size_t *len)
{
	*len = run->qemu != NULL ? run->qemu->console_len : 0;
	return run->qemu != NULL && run->qemu->console != NULL
		       ? run->qemu->console
		       : "";
}

const char *runner_qemu_stop_detail(const struct scenario_run *run)
{
	return run->qemu != NULL ? run->qemu->stop_detail : NULL;
}
