/*
 * `ffa-harness qemu-boot`: the QEMU backend end to end.  Builds the secure
 * world (models/secure_world.h, the same owner the Unicorn backend drives)
 * without a Unicorn machine, starts qemu-system-aarch64 with the EL3 relay
 * (emulator/qemu.h), answers every relayed SMC through
 * `secure_world_call()` with the calling CPU and EL, and drives the
 * console with ordered --expect/--type steps.
 */
#include "harness/qemu_run.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "abi/ffa_mem.h"
#include "common/fileio.h"
#include "common/finding.h"
#include "common/strbuf.h"
#include "common/trace.h"
#include "emulator/platform.h"
#include "emulator/qemu.h"
#include "harness/cli.h"
#include "harness/runner.h"
#include "harness/text_report.h"
#include "models/ffa_notif.h"
#include "models/mm_sp.h"
#include "models/psci.h"
#include "models/secure_world.h"
#include "models/smc_router.h"
#include "models/spmc.h"

/* ---- the secure world, driven by relayed SMCs ---- */

struct qemu_world {
	struct trace trace;
	struct findings findings;
	struct secure_world *world;
	struct guest_mem mem; /* the backend's, filled in once it runs */
	unsigned cpus;
	uint64_t smcs_by_el[4];
	uint64_t smcs_by_cpu[PSCI_MAX_CPUS];
	FILE *smc_log;        /* one line per SMC, or NULL */
};

/* Guest memory before the backend exists: nothing is RAM. */
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

struct qemu_world_config {
	struct spmc_config spmc;
	struct varstore_config store;
	uint64_t shared_buf_addr, shared_buf_size;
	unsigned cpus;
	const char *preload_file;
	const char *store_file;
	bool optee; /* the OP-TEE model answers (the platform's flag) */
};

static void qemu_world_free(struct qemu_world *w)
{
	secure_world_free(w->world);
	w->world = NULL;
	trace_free(&w->trace);
	findings_free(&w->findings);
}

/*
 * The same secure world the Unicorn backend drives (models/secure_world.h),
 * its memory ports pointing at w->mem, which the backend fills in once QEMU
 * runs.
 */
static bool qemu_world_init(struct qemu_world *w,
			    const struct qemu_world_config *cfg,
			    struct error *err)
{
	struct secure_world_config wc;
	struct secure_world_ports ports = {&w->mem, &w->mem};

	memset(w, 0, sizeof(*w));
	w->mem = (struct guest_mem){.ops = &no_mem_ops, .ctx = NULL};
	w->cpus = cfg->cpus;
	trace_init(&w->trace);
	findings_init(&w->findings);
	if (cfg->shared_buf_size == 0 ||
	    cfg->shared_buf_size > MM_SP_MAX_BUFFER) {
		return error_setf(err, "shared buffer size %llu must be 1..%u",
				  (unsigned long long)cfg->shared_buf_size,
				  MM_SP_MAX_BUFFER);
	}
	secure_world_config_default(&wc);
	wc.spmc = cfg->spmc;
	wc.store = cfg->store;
	wc.mm_buf_addr = cfg->shared_buf_addr;
	wc.mm_buf_size = cfg->shared_buf_size;
	wc.store_file = cfg->store_file;
	wc.preload_file = cfg->preload_file;
	wc.cpus = cfg->cpus;
	wc.optee = cfg->optee;
	w->world = secure_world_new(&wc, &ports, &w->trace, &w->findings, err);
	return w->world != NULL;
}

/* Documented in harness/qemu_run.h. */
void qemu_world_answer(struct secure_world *world, unsigned cpu, unsigned el,
		       uint64_t pc, struct smccc_regs *regs,
		       struct qemu_answer *answer)
{
	const struct sw_caller caller = {.cpu = cpu, .el = (uint8_t)el};
	const struct spmc *spmc = secure_world_spmc(world);
	struct ffa_notif *notif = spmc != NULL ? spmc_notifications(spmc) : NULL;
	uint64_t sris = notif != NULL ? ffa_notif_sri_count(notif) : 0;
	struct smccc_regs out;
	struct psci_effect effect;
	enum smc_action action;
	uint32_t intid;

	action = secure_world_call(world, &caller, regs, pc, 0, 0, &out);
	*regs = out;
	effect = secure_world_psci_effect(world);
	/*
	 * A notification set during this SMC (by a partition in a direct
	 * request) raised the schedule-receiver interrupt: the caller's CPU
	 * gets the SGI FFA_FEATURES reported, once however many were raised.
	 */
	if (notif != NULL && ffa_notif_sri_count(notif) != sris &&
	    ffa_notif_feature(notif, FFA_FEATURE_SRI, &intid)) {
		answer->ns_sgi = intid + 1;
	}
	switch (action) {
	case SMC_ACTION_RETURN:
		break;
	case SMC_ACTION_POWER_OFF:
		answer->action = QEMU_SMC_POWER_OFF;
		return;
	case SMC_ACTION_RESET:
		answer->action = QEMU_SMC_RESET;
		return;
	case SMC_ACTION_AGENT_WAIT:
	case SMC_ACTION_AGENT_PANIC:
		answer->action = QEMU_SMC_HALT;
		return;
	}
	if (effect.kind == PSCI_EFFECT_CPU_ON) {
		answer->action = QEMU_SMC_CPU_ON;
		answer->target = effect.cpu;
		answer->entry = effect.entry;
		answer->context = effect.context;
	} else if (effect.kind == PSCI_EFFECT_CPU_OFF) {
		answer->action = QEMU_SMC_CPU_OFF;
	}
}

/*
 * One relayed SMC: through the secure world, then what PSCI asked of the
 * CPUs.  The agent protocol (a firmware asking the harness for steps) has
 * no driver on this backend yet: a call that waits for a step halts the
 * CPU.
 */
static int qemu_world_smc(void *ctx, unsigned cpu, unsigned el, uint64_t pc,
			  struct smccc_regs *regs, struct qemu_answer *answer)
{
	struct qemu_world *w = ctx;
	const char *name = smc_function_name((uint32_t)regs->x[0]);
	uint64_t fid = regs->x[0], x1 = regs->x[1];

	qemu_world_answer(w->world, cpu, el, pc, regs, answer);
	w->smcs_by_el[el & 3]++;
	w->smcs_by_cpu[cpu % PSCI_MAX_CPUS]++;
	if (w->smc_log != NULL) {
		fprintf(w->smc_log,
			"smc %llu: cpu %u EL%u %s (0x%08x) x1=0x%llx -> "
			"x0=0x%llx\n",
			(unsigned long long)secure_world_smc_count(w->world),
			cpu, el, name != NULL ? name : "?", (uint32_t)fid,
			(unsigned long long)x1,
			(unsigned long long)regs->x[0]);
	}
	return 0;
}

/* ---- the command ---- */

static const char qemu_boot_usage[] =
	"usage: ffa-harness qemu-boot --image FILE [options] [steps]\n"
	"\n"
	"Boots FILE on qemu-system-aarch64 (virt, secure=on, EL2, GICv3) with\n"
	"the EL3 relay as its secure firmware: every SMC is answered by\n"
	"ffa-harness's PSCI, SPMC and MM partition.  Steps run in order:\n"
	"  --expect TEXT         wait until TEXT appears on the console\n"
	"  --type LINE           type LINE and Enter\n"
	"After the steps the run must end in PSCI SYSTEM_OFF or RESET.\n"
	"\n"
	"  --image FILE          normal-world image CPU 0 enters at EL2\n"
	"  --load-addr ADDR      where a raw image goes (default 0x40200000)\n"
	"  --entry ADDR          entry point (default: ELF entry or load addr)\n"
	"  --load FILE@ADDR      one more image (a kernel for U-Boot), up to 3\n"
	"  --initrd FILE         initramfs, at 0x48000000 in /chosen\n"
	"  --append ARGS         /chosen/bootargs (a kernel booted directly)\n"
	"  --el1                 enter the image at EL1, not EL2\n"
	"  --smp N               CPUs (1..8, default 1)\n"
	"  --cpu NAME            cortex-a57 (default) or max\n"
	"  --ram SIZE            guest RAM (default 1G)\n"
	"  --relay FILE          EL3 relay image (default: el3-relay.bin in the\n"
	"                        firmware directory, as for run)\n"
	"  --qemu FILE           QEMU binary (default qemu-system-aarch64)\n"
	"  --shared-buffer ADDR:SIZE\n"
	"                        the MM shared buffer (default 0x60000000:16K,\n"
	"                        the FF-A U-Boot's)\n"
	"  --ffa-version X.Y     highest FF-A version offered (default 1.2)\n"
	"  --platform NAME       qemu-virt-optee or qemu-virt-ffa-optee: OP-TEE\n"
	"                        answers too, /firmware/optee in the tree\n"
	"                        (default qemu-virt-ffa)\n"
	"  --store FILE          keep non-volatile variables in FILE\n"
	"  --preload FILE        initial variables\n"
	"  --timeout SECONDS     for each step and for the end (default 60)\n"
	"  --echo                copy the console to stdout as it runs\n"
	"  --console FILE        write the console output\n"
	"  --trace FILE.jsonl    write the SMC trace\n"
	"  --log-smcs            print each SMC with its CPU and EL\n"
	"  --qemu-arg ARG        append ARG to QEMU's command line (e.g. -d)\n"
	"  --gdb PORT            QEMU's gdbstub on 127.0.0.1:PORT; the CPUs\n"
	"                        wait for gdb's first continue (docs/cli.md)\n"
	"  --gdb-no-wait         with --gdb: run at once, gdb may attach later\n"
	"  -h, --help            this text\n"
	"\n"
	"Exit status: 0 pass, 1 fail, 2 invalid input, 3 internal error.\n";

enum {
	OPT_IMAGE = 256,
	OPT_LOAD_ADDR,
	OPT_ENTRY,
	OPT_INITRD,
	OPT_APPEND,
	OPT_EL1,
	OPT_SMP,
	OPT_CPU,
	OPT_RAM,
	OPT_RELAY,
	OPT_QEMU,
	OPT_SHARED_BUFFER,
	OPT_FFA_VERSION,
	OPT_STORE,
	OPT_PRELOAD,
	OPT_TIMEOUT,
	OPT_ECHO,
	OPT_CONSOLE,
	OPT_TRACE,
	OPT_LOG_SMCS,
	OPT_EXPECT,
	OPT_TYPE,
	OPT_QEMU_ARG,
	OPT_LOAD,
	OPT_GDB,
	OPT_GDB_NO_WAIT,
	OPT_PLATFORM,
};

static const struct option qemu_boot_options[] = {
	{"image", required_argument, NULL, OPT_IMAGE},
	{"load-addr", required_argument, NULL, OPT_LOAD_ADDR},
	{"entry", required_argument, NULL, OPT_ENTRY},
	{"initrd", required_argument, NULL, OPT_INITRD},
	{"append", required_argument, NULL, OPT_APPEND},
	{"el1", no_argument, NULL, OPT_EL1},
	{"smp", required_argument, NULL, OPT_SMP},
	{"cpu", required_argument, NULL, OPT_CPU},
	{"ram", required_argument, NULL, OPT_RAM},
	{"relay", required_argument, NULL, OPT_RELAY},
	{"qemu", required_argument, NULL, OPT_QEMU},
	{"shared-buffer", required_argument, NULL, OPT_SHARED_BUFFER},
	{"ffa-version", required_argument, NULL, OPT_FFA_VERSION},
	{"store", required_argument, NULL, OPT_STORE},
	{"preload", required_argument, NULL, OPT_PRELOAD},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"echo", no_argument, NULL, OPT_ECHO},
	{"console", required_argument, NULL, OPT_CONSOLE},
	{"trace", required_argument, NULL, OPT_TRACE},
	{"log-smcs", no_argument, NULL, OPT_LOG_SMCS},
	{"expect", required_argument, NULL, OPT_EXPECT},
	{"type", required_argument, NULL, OPT_TYPE},
	{"qemu-arg", required_argument, NULL, OPT_QEMU_ARG},
	{"load", required_argument, NULL, OPT_LOAD},
	{"gdb", required_argument, NULL, OPT_GDB},
	{"gdb-no-wait", no_argument, NULL, OPT_GDB_NO_WAIT},
	{"platform", required_argument, NULL, OPT_PLATFORM},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

struct qemu_step {
	bool type; /* false: expect */
	const char *text;
};

struct qemu_boot_args {
	struct qemu_config qemu;
	struct qemu_world_config world;
	struct qemu_step *steps;
	const char **extra;
	size_t step_count;
	uint64_t timeout_s;
	const char *console_path;
	const char *trace_path;
	bool echo;
	bool log_smcs;
	bool gdb_no_wait;
	char *relay_default;
};

#define DEFAULT_LOAD_ADDR UINT64_C(0x40200000)
#define DEFAULT_INITRD_ADDR UINT64_C(0x48000000)

/* el3-relay.bin in the firmware directory: beside the binary
 * (build/firmware), installed (lib/ffa-harness/firmware) or $FFAH_FW_DIR. */
static char *default_relay(void)
{
	struct strbuf sb = {0};

	strbuf_printf(&sb, "%s/el3-relay.bin", runner_default_firmware_dir());
	return strbuf_steal(&sb);
}

/* --load FILE@ADDR: one more image (images[0] is --image). */
static bool parse_load(char *value, struct qemu_config *q)
{
	char *at = strrchr(value, '@');

	if (at == NULL || at == value) {
		fprintf(stderr, "ffa-harness: --load: expected FILE@ADDR, got "
				"'%s'\n",
			value);
		return false;
	}
	if (q->image_count == QEMU_MAX_IMAGES) {
		fprintf(stderr, "ffa-harness: --load: at most %u images\n",
			QEMU_MAX_IMAGES - 1);
		return false;
	}
	if (q->image_count == 0) {
		q->image_count = 1; /* slot 0 stays for --image */
	}
	if (!cli_parse_u64("--load", at + 1, &q->images[q->image_count].addr)) {
		return false;
	}
	*at = '\0';
	q->images[q->image_count++].path = value;
	return true;
}

/* Returns -1 to go on, or an exit code. */
static int parse_args(int argc, char **argv, struct qemu_boot_args *a)
{
	const struct platform *ffa = platform_find("qemu-virt-ffa");
	uint64_t value;
	int c;

	memset(a, 0, sizeof(*a));
	a->steps = xcalloc((size_t)argc, sizeof(*a->steps));
	a->extra = xcalloc((size_t)argc, sizeof(*a->extra));
	a->qemu.extra_args = a->extra;
	a->qemu.images[0].addr = DEFAULT_LOAD_ADDR;
	a->qemu.initrd_addr = DEFAULT_INITRD_ADDR;
	a->timeout_s = 60;
	a->world.cpus = 1;
	spmc_config_default(&a->world.spmc);
	varstore_config_default(&a->world.store);
	a->world.shared_buf_addr = ffa != NULL ? ffa->shared_buf_addr
					       : UINT64_C(0x60000000);
	a->world.shared_buf_size = ffa != NULL ? ffa->shared_buf_size : 16384;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", qemu_boot_options, NULL)) !=
	       -1) {
		switch (c) {
		case OPT_IMAGE:
			a->qemu.images[0].path = optarg;
			break;
		case OPT_LOAD_ADDR:
			if (!cli_parse_u64("--load-addr", optarg,
					   &a->qemu.images[0].addr)) {
				return CLI_EXIT_INVALID_INPUT;
			}
			break;
		case OPT_ENTRY:
			if (!cli_parse_u64("--entry", optarg, &a->qemu.entry)) {
				return CLI_EXIT_INVALID_INPUT;
			}
			break;
		case OPT_INITRD:
			a->qemu.initrd = optarg;
			break;
		case OPT_APPEND:
			a->qemu.bootargs = optarg;
			break;
		case OPT_EL1:
			a->qemu.enter_el1 = true;
			break;
		case OPT_SMP:
			if (!cli_parse_u64("--smp", optarg, &value) ||
			    value == 0 || value > PSCI_MAX_CPUS) {
				fprintf(stderr, "ffa-harness: --smp: 1..%u\n",
					PSCI_MAX_CPUS);
				return CLI_EXIT_INVALID_INPUT;
			}
			a->qemu.cpus = (unsigned)value;
			a->world.cpus = (unsigned)value;
			break;
		case OPT_CPU:
			a->qemu.cpu = optarg;
			break;
		case OPT_RAM:
			if (!cli_parse_size("--ram", optarg,
					    &a->qemu.ram_size)) {
				return CLI_EXIT_INVALID_INPUT;
			}
			break;
		case OPT_RELAY:
			a->qemu.relay = optarg;
			break;
		case OPT_QEMU:
			a->qemu.qemu = optarg;
			break;
		case OPT_SHARED_BUFFER:
			if (!cli_parse_range("--shared-buffer", optarg,
					     &a->world.shared_buf_addr,
					     &a->world.shared_buf_size)) {
				return CLI_EXIT_INVALID_INPUT;
			}
			break;
		case OPT_FFA_VERSION:
			if (!cli_parse_ffa_version("--ffa-version", optarg,
						   &a->world.spmc.max_version)) {
				return CLI_EXIT_INVALID_INPUT;
			}
			break;
		case OPT_STORE:
			a->world.store_file = optarg;
			break;
		case OPT_PLATFORM: {
			/* QEMU virt profiles only: their map is QEMU's. */
			const struct platform *p = platform_find(optarg);

			if (p == NULL || strncmp(optarg, "qemu-virt", 9) != 0) {
				fprintf(stderr,
					"ffa-harness: --platform: qemu-virt, "
					"qemu-virt-ffa, qemu-virt-optee or "
					"qemu-virt-ffa-optee, got '%s'\n",
					optarg);
				return CLI_EXIT_INVALID_INPUT;
			}
			a->world.optee = p->optee;
			a->qemu.optee = p->optee;
			break;
		}
		case OPT_PRELOAD:
			a->world.preload_file = optarg;
			break;
		case OPT_TIMEOUT:
			if (!cli_parse_u64("--timeout", optarg,
					   &a->timeout_s) ||
			    a->timeout_s == 0 || a->timeout_s > 3600) {
				fprintf(stderr,
					"ffa-harness: --timeout: 1..3600\n");
				return CLI_EXIT_INVALID_INPUT;
			}
			break;
		case OPT_ECHO:
			a->echo = true;
			break;
		case OPT_CONSOLE:
			a->console_path = optarg;
			break;
		case OPT_TRACE:
			a->trace_path = optarg;
			break;
		case OPT_LOG_SMCS:
			a->log_smcs = true;
			break;
		case OPT_EXPECT:
		case OPT_TYPE:
			a->steps[a->step_count++] = (struct qemu_step){
				.type = c == OPT_TYPE, .text = optarg};
			break;
		case OPT_LOAD:
			if (!parse_load(optarg, &a->qemu)) {
				return CLI_EXIT_INVALID_INPUT;
			}
			break;
		case OPT_QEMU_ARG:
			a->extra[a->qemu.extra_count++] = optarg;
			break;
		case OPT_GDB:
			if (!cli_parse_u64("--gdb", optarg, &value) ||
			    value == 0 || value > 65535) {
				fprintf(stderr, "ffa-harness: --gdb: a port "
						"in 1..65535 expected\n");
				return CLI_EXIT_INVALID_INPUT;
			}
			a->qemu.gdb_port = (unsigned)value;
			break;
		case OPT_GDB_NO_WAIT:
			a->gdb_no_wait = true;
			break;
		case 'h':
			fputs(qemu_boot_usage, stdout);
			return CLI_EXIT_PASS;
		default:
			fputs(qemu_boot_usage, stderr);
			return CLI_EXIT_INVALID_INPUT;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ffa-harness qemu-boot: unexpected argument "
				"'%s'\n",
			argv[optind]);
		return CLI_EXIT_INVALID_INPUT;
	}
	if (a->qemu.images[0].path == NULL) {
		fprintf(stderr, "ffa-harness qemu-boot: --image FILE is "
				"required\n");
		return CLI_EXIT_INVALID_INPUT;
	}
	if (a->qemu.relay == NULL) {
		a->relay_default = default_relay();
		a->qemu.relay = a->relay_default;
	}
	if (a->qemu.image_count == 0) {
		a->qemu.image_count = 1;
	}
	if (a->gdb_no_wait && a->qemu.gdb_port == 0) {
		fprintf(stderr, "ffa-harness qemu-boot: --gdb-no-wait needs "
				"--gdb PORT\n");
		return CLI_EXIT_INVALID_INPUT;
	}
	a->qemu.gdb_wait = !a->gdb_no_wait;
	a->qemu.console_echo = a->echo ? stdout : NULL;
	return -1;
}

static uint64_t now_ms_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static double ms_between(uint64_t from_ns, uint64_t to_ns)
{
	return to_ns > from_ns ? (double)(to_ns - from_ns) / 1e6 : 0.0;
}

/* Runs the steps, then waits for the end; true if every step passed. */
static bool drive(struct qemu_machine *q, const struct qemu_boot_args *a,
		  enum qemu_stop *stop)
{
	unsigned timeout_ms = (unsigned)a->timeout_s * 1000u;
	struct error err = {0};

	for (size_t i = 0; i < a->step_count; i++) {
		const struct qemu_step *s = &a->steps[i];

		if (s->type) {
			if (!qemu_type(q, s->text, strlen(s->text), &err) ||
			    !qemu_type(q, "\r", 1, &err)) {
				printf("step %zu: type \"%s\": %s\n", i + 1,
				       s->text, err.message);
				*stop = qemu_wait(q, NULL, 0);
				return false;
			}
			printf("step %zu: typed \"%s\"\n", i + 1, s->text);
			continue;
		}
		*stop = qemu_wait(q, s->text, timeout_ms);
		if (*stop != QEMU_STOP_TEXT) {
			printf("step %zu: expect \"%s\": NOT SEEN (%s)\n",
			       i + 1, s->text, qemu_stop_name(*stop));
			return false;
		}
		printf("step %zu: expect \"%s\": seen after %.0f ms\n", i + 1,
		       s->text,
		       ms_between(qemu_stats(q)->started_ns, now_ms_ns()));
	}
	*stop = qemu_wait(q, NULL, timeout_ms);
	return true;
}

static void print_summary(struct qemu_machine *q, const struct qemu_world *w,
			  enum qemu_stop stop)
{
	const struct qemu_stats *st = qemu_stats(q);

	printf("qemu: %s\n", qemu_command_line(q));
	printf("run ended: %s after %.0f ms, %llu SMCs\n", qemu_stop_name(stop),
	       ms_between(st->started_ns, now_ms_ns()),
	       (unsigned long long)st->smcs);
	printf("SMCs by caller: EL1 %llu, EL2 %llu; by CPU:",
	       (unsigned long long)w->smcs_by_el[1],
	       (unsigned long long)w->smcs_by_el[2]);
	for (unsigned i = 0; i < w->cpus; i++) {
		printf(" %u:%llu", i, (unsigned long long)w->smcs_by_cpu[i]);
	}
	printf("\n");
	if (st->smcs != 0) {
		printf("host time per SMC: %.1f us (handler and mailbox)\n",
		       (double)st->host_ns / 1e3 / (double)st->smcs);
	}
	if (st->smcs > 1) {
		/* For back-to-back SMCs (a storm), the relay round trip. */
		printf("mean time between SMCs: %.1f us; first SMC after "
		       "%.0f ms\n",
		       (double)(st->last_smc_ns - st->first_smc_ns) / 1e3 /
			       (double)(st->smcs - 1),
		       ms_between(st->started_ns, st->first_smc_ns));
	}
	if (stop == QEMU_STOP_FAULT) {
		const struct qemu_fault *f = qemu_fault(q);

		printf("fault: CPU %u EL%u ESR_EL3 0x%llx ELR_EL3 0x%llx "
		       "FAR_EL3 0x%llx\n",
		       f->cpu, f->el, (unsigned long long)f->esr,
		       (unsigned long long)f->elr, (unsigned long long)f->far);
	}
	if (stop == QEMU_STOP_EXITED || stop == QEMU_STOP_PROTOCOL) {
		const char *text = qemu_stderr(q);

		printf("QEMU wait status %d%s%s\n", qemu_exit_status(q),
		       text[0] != '\0' ? "; stderr: " : "", text);
	}
	printf("not applicable on this backend: cache model, "
	       "instruction-fetch guard\n");
	printf("SMC calls:\n");
	report_text_call_counts(stdout, &w->trace);
	if (w->findings.count != 0) {
		printf("findings:\n");
		report_text_findings(stdout, &w->findings, true);
	}
}

static bool write_outputs(struct qemu_machine *q, const struct qemu_world *w,
			  const struct qemu_boot_args *a)
{
	struct error err = {0};
	bool ok = true;
	size_t len;

	if (a->trace_path != NULL) {
		char *jsonl = report_trace_jsonl(&w->trace, &len);

		ok = file_write_atomic(a->trace_path, jsonl, len, &err);
		free(jsonl);
	}
	if (ok && a->console_path != NULL) {
		const char *text = qemu_console(q, &len);

		ok = file_write_atomic(a->console_path, text, len, &err);
	}
	if (ok && a->world.store_file != NULL) {
		ok = secure_world_save_store(w->world, &err);
	}
	if (!ok) {
		fprintf(stderr, "ffa-harness: %s\n", err.message);
	}
	return ok;
}

/* A kernel beside the firmware (--load), an initramfs or arguments. */
static bool os_runs(const struct qemu_boot_args *a)
{
	return a->qemu.image_count > 1 || a->qemu.initrd != NULL ||
	       a->qemu.bootargs != NULL;
}

int qemu_boot_main(int argc, char **argv)
{
	struct qemu_boot_args a;
	struct qemu_world w;
	struct qemu_machine *q;
	struct error err = {0};
	enum qemu_stop stop = QEMU_STOP_EXITED;
	bool steps_ok;
	int rc = parse_args(argc, argv, &a);

	if (rc >= 0) {
		goto free_args;
	}
	rc = CLI_EXIT_INVALID_INPUT;
	if (!qemu_world_init(&w, &a.world, &err)) {
		fprintf(stderr, "ffa-harness: %s\n", err.message);
		goto free_world;
	}
	w.smc_log = a.log_smcs ? stdout : NULL;
	q = qemu_start(&a.qemu, qemu_world_smc, &w, &err);
	if (q == NULL) {
		fprintf(stderr, "ffa-harness: cannot start QEMU: %s\n",
			err.message);
		printf("verdict: ERROR (QEMU not started)\n");
		goto free_world;
	}
	w.mem = qemu_guest_mem(q);
	printf("qemu: pid %d\n", (int)qemu_pid(q));
	fflush(stdout);
	if (a.qemu.gdb_port != 0) {
		/* The same line as the Unicorn backend's, once gdb can
		 * connect; the steps' --timeout runs meanwhile. */
		if (!qemu_gdb_wait_listening(q, 10000, &err)) {
			fprintf(stderr, "ffa-harness: %s\n", err.message);
			printf("qemu: %s\n", qemu_command_line(q));
			printf("verdict: ERROR (QEMU's gdbstub)\n");
			rc = CLI_EXIT_INVALID_INPUT; /* as a port the Unicorn
							stub cannot bind */
			qemu_free(q);
			goto free_world;
		}
		printf("ffa-harness: %s gdb on 127.0.0.1:%u (QEMU's gdbstub)\n",
		       a.qemu.gdb_wait ? "waiting for" : "listening for",
		       a.qemu.gdb_port);
		fflush(stdout);
	}
	steps_ok = drive(q, &a, &stop);
	/* The audits that wait for the end, as boot's: only when the
	 * firmware ended at rest (secure_world.h), and only when no OS
	 * ran, which may hold its TEE session to the end (Linux's
	 * tee_stmm_efi does) where boot firmware must have let go. */
	if ((stop == QEMU_STOP_POWER_OFF || stop == QEMU_STOP_RESET) &&
	    !os_runs(&a)) {
		secure_world_end_run(w.world);
	}
	print_summary(q, &w, stop);
	if (!write_outputs(q, &w, &a)) {
		rc = CLI_EXIT_INTERNAL;
	} else if (stop == QEMU_STOP_HANDLER || stop == QEMU_STOP_PROTOCOL) {
		rc = CLI_EXIT_INTERNAL;
	} else {
		rc = steps_ok && (stop == QEMU_STOP_POWER_OFF ||
				  stop == QEMU_STOP_RESET)
			     ? CLI_EXIT_PASS
			     : CLI_EXIT_FAIL;
	}
	printf("verdict: %s\n", rc == CLI_EXIT_PASS ? "PASS" : "FAIL");
	qemu_free(q);
free_world:
	qemu_world_free(&w);
free_args:
	free(a.steps);
	free(a.extra);
	free(a.relay_default);
	return rc;
}
