/*
 * `ffa-harness boot`: boot an image, type lines at its console, check that
 * expected texts appear.  No scenario: an agent that asks for a step gets
 * AGENT_OP_POWER_OFF.
 */
#include "harness/boot.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/console_text.h"
#include "common/fileio.h"
#include "common/strbuf.h"
#include "harness/cli.h"
#include "harness/gdb_session.h"
#include "harness/qemu_run.h"
#include "harness/scenario.h"
#include "harness/session.h"
#include "harness/text_report.h"

static int boot_unicorn(int argc, char **argv);

static const char boot_usage[] =
	"usage: ffa-harness boot --image FILE [options]\n"
	"\n"
	"Boots FILE on the emulated machine and secure world, types lines at\n"
	"its console, and exits 0 only when every --expect text appeared and\n"
	"the run ended without a fault (power off, reset, or waiting at its\n"
	"prompt with nothing left to type).\n"
	"\n"
	"  --backend unicorn|qemu   the machine (default unicorn); qemu runs\n"
	"                        `qemu-boot` with the other options\n"
	"  --image FILE          firmware image (ELF64 or raw binary)\n"
	"  --format auto|elf|raw image format (default: auto, by ELF magic)\n"
	"  --platform NAME       platform profile (default qemu-virt); see\n"
	"                        --list-platforms\n"
	"  --load-addr ADDR      where a raw image goes and starts (default:\n"
	"                        the platform's, 0 for qemu-virt)\n"
	"  --shared-buffer ADDR:SIZE\n"
	"                        the MM shared buffer as the firmware was\n"
	"                        configured (default: the platform's)\n"
	"  --ffa-version X.Y     highest FF-A version the SPMC offers (1.0,\n"
	"                        1.1, 1.2; default 1.2)\n"
	"  --cache-model cortex-a57|cortex-a53|strict|off\n"
	"                        the cache model of the shared buffer\n"
	"                        (docs/checks.md; default cortex-a57); off\n"
	"                        does not watch the buffer at all: no cache\n"
	"                        findings, the secure side reads guest memory\n"
	"                        directly (for measuring, docs/performance.md)\n"
	"  --store FILE          keep non-volatile variables in FILE\n"
	"  --preload FILE        initial variables (docs/variable-store.md)\n"
	"  --type LINE           type LINE (and Enter) when the firmware waits\n"
	"                        for input; repeat for several lines\n"
	"  --expect TEXT         TEXT must appear on the console; repeatable\n"
	"  --trace FILE.jsonl    write the SMC trace, one JSON object a line\n"
	"  --console FILE        write the console output\n"
	"  --echo                copy the console to stdout as it runs\n"
	"  --print-trace         print the SMC trace as text at the end\n"
	"  --max-insns N         instruction budget (default 4000000000)\n"
	"  --no-fast-loops       run every iteration of the loops the machine\n"
	"                        otherwise applies at once (docs/machine.md)\n"
	"  --timeout SECONDS     wall-clock safety net (default 120)\n"
	"  --gdb PORT            wait for gdb on 127.0.0.1:PORT before the run\n"
	"                        (GDB remote protocol: registers, memory,\n"
	"                        breakpoints, stepping; docs/cli.md)\n"
	"  --list-platforms      list the platform profiles and exit\n"
	"  -h, --help            this text\n"
	"\n"
	"Exit status: 0 pass, 1 fail (missing text, fault, hang, budget),\n"
	"2 invalid input (options, image), 3 internal error.\n";

enum {
	OPT_IMAGE = 256,
	OPT_FORMAT,
	OPT_PLATFORM,
	OPT_LOAD_ADDR,
	OPT_SHARED_BUFFER,
	OPT_FFA_VERSION,
	OPT_CACHE_MODEL,
	OPT_STORE,
	OPT_PRELOAD,
	OPT_TYPE,
	OPT_EXPECT,
	OPT_TRACE,
	OPT_CONSOLE,
	OPT_ECHO,
	OPT_PRINT_TRACE,
	OPT_MAX_INSNS,
	OPT_NO_FAST_LOOPS,
	OPT_TIMEOUT,
	OPT_GDB,
	OPT_LIST_PLATFORMS,
};

static const struct option boot_options[] = {
	{"image", required_argument, NULL, OPT_IMAGE},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"platform", required_argument, NULL, OPT_PLATFORM},
	{"load-addr", required_argument, NULL, OPT_LOAD_ADDR},
	{"shared-buffer", required_argument, NULL, OPT_SHARED_BUFFER},
	{"ffa-version", required_argument, NULL, OPT_FFA_VERSION},
	{"cache-model", required_argument, NULL, OPT_CACHE_MODEL},
	{"store", required_argument, NULL, OPT_STORE},
	{"preload", required_argument, NULL, OPT_PRELOAD},
	{"type", required_argument, NULL, OPT_TYPE},
	{"expect", required_argument, NULL, OPT_EXPECT},
	{"trace", required_argument, NULL, OPT_TRACE},
	{"console", required_argument, NULL, OPT_CONSOLE},
	{"echo", no_argument, NULL, OPT_ECHO},
	{"print-trace", no_argument, NULL, OPT_PRINT_TRACE},
	{"max-insns", required_argument, NULL, OPT_MAX_INSNS},
	{"no-fast-loops", no_argument, NULL, OPT_NO_FAST_LOOPS},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"gdb", required_argument, NULL, OPT_GDB},
	{"list-platforms", no_argument, NULL, OPT_LIST_PLATFORMS},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

struct boot_args {
	const char *image;
	enum image_format format;
	const char *platform;
	bool has_load_addr;
	uint64_t load_addr;
	bool has_shared;
	uint64_t shared_addr, shared_size;
	uint32_t ffa_version;
	bool has_cache_model;
	enum cache_core cache_core;
	bool cache_model_off;
	const char *store;
	const char *preload;
	const char **lines;
	size_t line_count;
	const char **expects;
	size_t expect_count;
	const char *trace_path;
	const char *console_path;
	bool echo;
	bool print_trace;
	uint64_t max_insns;
	uint64_t timeout_s;
	uint64_t gdb_port; /* 0 = no gdb */
};

/* Returns -1 to go on, or an exit code. */
static int parse_args(int argc, char **argv, struct boot_args *a)
{
	int c;

	memset(a, 0, sizeof(*a));
	a->lines = calloc((size_t)argc, sizeof(*a->lines));
	a->expects = calloc((size_t)argc, sizeof(*a->expects));
	if (a->lines == NULL || a->expects == NULL) {
		return CLI_EXIT_INTERNAL;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", boot_options, NULL)) != -1) {
		switch (c) {
		case OPT_IMAGE:
			a->image = optarg;
			break;
		case OPT_FORMAT:
			if (!image_format_parse(optarg, &a->format)) {
				fprintf(stderr, "ffa-harness: --format: auto, "
						"elf or raw, not '%s'\n",
					optarg);
				return CLI_EXIT_INVALID_INPUT;
			}
			break;
		case OPT_PLATFORM:
			a->platform = optarg;
			break;
		case OPT_LOAD_ADDR:
			if (!cli_parse_u64("--load-addr", optarg,
					   &a->load_addr)) {
				return CLI_EXIT_INVALID_INPUT;
			}
			a->has_load_addr = true;
			break;
		case OPT_SHARED_BUFFER:
			if (!cli_parse_range("--shared-buffer", optarg,
					     &a->shared_addr,
					     &a->shared_size)) {
				return CLI_EXIT_INVALID_INPUT;
			}
			a->has_shared = true;
			break;
		case OPT_FFA_VERSION:
			if (!cli_parse_ffa_version("--ffa-version", optarg,
						   &a->ffa_version)) {
				return CLI_EXIT_INVALID_INPUT;
			}
			break;
		case OPT_NO_FAST_LOOPS:
			machine_fast_loops_enable(false);
			break;
		case OPT_CACHE_MODEL:
			a->has_cache_model = true;
			a->cache_model_off = strcmp(optarg, "off") == 0;
			if (!a->cache_model_off &&
			    !cache_core_parse(optarg, &a->cache_core)) {
				fprintf(stderr, "ffa-harness: --cache-model: "
						"cortex-a57, cortex-a53, strict "
						"or off, not '%s'\n",
					optarg);
				return CLI_EXIT_INVALID_INPUT;
			}
			break;
		case OPT_STORE:
			a->store = optarg;
			break;
		case OPT_PRELOAD:
			a->preload = optarg;
			break;
		case OPT_TYPE:
			a->lines[a->line_count++] = optarg;
			break;
		case OPT_EXPECT:
			a->expects[a->expect_count++] = optarg;
			break;
		case OPT_TRACE:
			a->trace_path = optarg;
			break;
		case OPT_CONSOLE:
			a->console_path = optarg;
			break;
		case OPT_ECHO:
			a->echo = true;
			break;
		case OPT_PRINT_TRACE:
			a->print_trace = true;
			break;
		case OPT_MAX_INSNS:
			if (!cli_parse_u64("--max-insns", optarg,
					   &a->max_insns)) {
				return CLI_EXIT_INVALID_INPUT;
			}
			break;
		case OPT_TIMEOUT:
			if (!cli_parse_u64("--timeout", optarg,
					   &a->timeout_s)) {
				return CLI_EXIT_INVALID_INPUT;
			}
			break;
		case OPT_GDB:
			if (!cli_parse_u64("--gdb", optarg, &a->gdb_port) ||
			    a->gdb_port == 0 || a->gdb_port > 65535) {
				fprintf(stderr, "ffa-harness: --gdb: a port "
						"in 1..65535 expected\n");
				return CLI_EXIT_INVALID_INPUT;
			}
			break;
		case OPT_LIST_PLATFORMS:
			platform_print_list(stdout);
			return CLI_EXIT_PASS;
		case 'h':
			fputs(boot_usage, stdout);
			return CLI_EXIT_PASS;
		default:
			fputs(boot_usage, stderr);
			return CLI_EXIT_INVALID_INPUT;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ffa-harness boot: unexpected argument '%s'\n",
			argv[optind]);
		return CLI_EXIT_INVALID_INPUT;
	}
	if (a->image == NULL) {
		fprintf(stderr, "ffa-harness boot: --image FILE is required\n");
		return CLI_EXIT_INVALID_INPUT;
	}
	return -1;
}

static bool make_config(const struct boot_args *a, struct session_config *cfg)
{
	const struct platform *p = platform_default();

	if (a->platform != NULL) {
		p = platform_find(a->platform);
		if (p == NULL) {
			fprintf(stderr,
				"ffa-harness: --platform: no profile '%s'; "
				"these exist:\n",
				a->platform);
			platform_print_list(stderr);
			return false;
		}
	}
	session_config_default(cfg, p);
	if (a->has_shared) {
		cfg->shared_buf_addr = a->shared_addr;
		cfg->shared_buf_size = a->shared_size;
	}
	if (a->ffa_version != 0) {
		cfg->spmc.max_version = a->ffa_version;
	}
	if (a->has_cache_model) {
		cfg->machine.cache_model_off = a->cache_model_off;
		if (!a->cache_model_off) {
			cfg->machine.cache_core = a->cache_core;
		}
	}
	if (a->max_insns != 0) {
		cfg->machine.max_insns = a->max_insns;
	}
	if (a->timeout_s != 0) {
		cfg->machine.wall_timeout_ms = a->timeout_s * 1000;
	}
	cfg->machine.console_echo = a->echo ? stdout : NULL;
	cfg->store_file = a->store;
	cfg->preload_file = a->preload;
	return true;
}

/* Answers an agent with power-off: `boot` has no scenario to give it. */
static bool answer_agent(struct session *s)
{
	struct agent_step step;
	struct smccc_regs regs;
	struct error err = {0};

	memset(&step, 0, sizeof(step));
	step.op = AGENT_OP_POWER_OFF;
	memset(&regs, 0, sizeof(regs));
	if (!agent_give_step(secure_world_agent(s->world), &step, NULL, 0, &regs, &err)) {
		fprintf(stderr, "ffa-harness: %s\n", err.message);
		return false;
	}
	return machine_set_smc_return(s->machine, &regs, 2);
}

/* The first --expect text the console has not shown yet, or NULL. */
static const char *first_unseen(struct session *s, const struct boot_args *a)
{
	const char *out = pl011_output(machine_uart(s->machine));

	for (size_t i = 0; i < a->expect_count; i++) {
		if (strstr(out, a->expects[i]) == NULL) {
			return a->expects[i];
		}
	}
	return NULL;
}

/*
 * Runs until a final stop, typing lines at each idle prompt.  Once every
 * line is typed, an idle console ends the run only when every --expect
 * text has appeared: firmware that polls for a key with a timeout (U-Boot's
 * `bootefi selftest`, lib/efi_selftest/efi_selftest.c) looks idle while it
 * still works, so the run waits for the missing text instead.
 */
static enum machine_stop drive(struct session *s, const struct boot_args *a,
			       struct gdb_session *gdb)
{
	struct machine_run_opts opts = {.stop_on_idle = true};
	size_t next_line = 0;

	for (;;) {
		enum machine_stop stop = gdb != NULL
						 ? gdb_session_run(gdb, &opts)
						 : machine_run(s->machine, &opts);

		switch (stop) {
		case MACHINE_STOP_CONSOLE_IDLE:
			if (next_line == a->line_count) {
				opts.wait_text = first_unseen(s, a);
				if (opts.wait_text == NULL) {
					return stop;
				}
				opts.stop_on_idle = false;
				break;
			}
			pl011_feed(machine_uart(s->machine),
				   a->lines[next_line],
				   strlen(a->lines[next_line]));
			pl011_feed(machine_uart(s->machine), "\r", 1);
			next_line++;
			break;
		case MACHINE_STOP_AGENT_WAIT:
			if (!answer_agent(s)) {
				return MACHINE_STOP_HOST_ERROR;
			}
			break;
		case MACHINE_STOP_CONSOLE_MATCH:
			opts.wait_text = first_unseen(s, a);
			opts.stop_on_idle = opts.wait_text == NULL;
			break;
		case MACHINE_STOP_STEP_BUDGET:
			break;
		default:
			return stop;
		}
	}
}

static bool write_outputs(struct session *s, const struct boot_args *a)
{
	struct error err = {0};
	bool ok = true;

	if (a->trace_path != NULL) {
		size_t len;
		char *jsonl = report_trace_jsonl(&s->trace, &len);

		ok = file_write_atomic(a->trace_path, jsonl, len, &err);
		free(jsonl);
	}
	if (ok && a->console_path != NULL) {
		struct pl011 *uart = machine_uart(s->machine);

		ok = file_write_atomic(a->console_path, pl011_output(uart),
				       pl011_output_len(uart), &err);
	}
	if (ok) {
		ok = session_save_store(s, &err);
	}
	if (!ok) {
		fprintf(stderr, "ffa-harness: %s\n", err.message);
	}
	return ok;
}

/*
 * --backend qemu hands the whole command to `qemu-boot` (its options:
 * ffa-harness qemu-boot --help); --backend unicorn is this command.  The
 * option is taken out of argv before either parses it.
 */
static int pick_backend(int *argc, char **argv)
{
	int backend = SCENARIO_MACHINE_UNICORN;

	for (int i = 1; i < *argc; i++) {
		const char *value = NULL;
		int take = 0;

		if (strcmp(argv[i], "--backend") == 0) {
			if (i + 1 >= *argc) {
				fprintf(stderr, "ffa-harness: --backend: "
						"unicorn or qemu\n");
				return -1;
			}
			value = argv[i + 1];
			take = 2;
		} else if (strncmp(argv[i], "--backend=", 10) == 0) {
			value = argv[i] + 10;
			take = 1;
		} else {
			continue;
		}
		if (!cli_parse_backend("--backend", value, &backend)) {
			return -1;
		}
		memmove(&argv[i], &argv[i + take],
			(size_t)(*argc - i - take + 1) * sizeof(*argv));
		*argc -= take;
		i--;
	}
	return backend;
}

int boot_main(int argc, char **argv)
{
	int backend = pick_backend(&argc, argv);

	if (backend < 0) {
		return CLI_EXIT_INVALID_INPUT;
	}
	if (backend == SCENARIO_MACHINE_QEMU) {
		return qemu_boot_main(argc, argv);
	}
	return boot_unicorn(argc, argv);
}

static int boot_unicorn(int argc, char **argv)
{
	struct boot_args a;
	struct session_config cfg;
	struct session s;
	struct gdb_session gdb;
	struct error err = {0};
	enum machine_stop stop;
	bool clean, expects_ok = true;
	int rc = parse_args(argc, argv, &a);

	if (rc >= 0) {
		goto free_args;
	}
	rc = CLI_EXIT_INVALID_INPUT;
	if (!make_config(&a, &cfg)) {
		goto free_args;
	}
	if (!session_init(&s, &cfg, &err)) {
		fprintf(stderr, "ffa-harness: %s\n", err.message);
		goto free_args;
	}
	if (!session_load_image(&s, a.image, a.format,
				a.has_load_addr ? a.load_addr
						: cfg.platform->default_load_addr,
				&err)) {
		fprintf(stderr, "ffa-harness: cannot load image: %s\n",
			err.message);
		printf("verdict: ERROR (invalid image)\n");
		goto free_session;
	}
	if (a.gdb_port != 0) {
		if (!gdb_session_open(&gdb, s.machine, (unsigned)a.gdb_port,
				      &err)) {
			fprintf(stderr, "ffa-harness: %s\n", err.message);
			goto free_session;
		}
	}
	stop = drive(&s, &a, a.gdb_port != 0 ? &gdb : NULL);
	if (a.gdb_port != 0) {
		gdb_session_close(&gdb);
	}
	clean = stop == MACHINE_STOP_POWER_OFF || stop == MACHINE_STOP_RESET ||
		stop == MACHINE_STOP_CONSOLE_IDLE;
	if (clean) {
		secure_world_end_run(s.world);
	}

	printf("ffa-harness boot: %s on %s\n", a.image, cfg.platform->name);
	printf("run ended: %s after %llu instructions, %llu SMCs\n",
	       machine_stop_name(stop),
	       (unsigned long long)machine_insns(s.machine),
	       (unsigned long long)secure_world_smc_count(s.world));
	if (a.print_trace) {
		report_text_trace(stdout, &s.trace);
	}
	printf("SMC calls:\n");
	report_text_call_counts(stdout, &s.trace);
	if (s.findings.count != 0) {
		printf("findings:\n");
		report_text_findings(stdout, &s.findings, true);
	}
	if (!clean) {
		report_text_fault(stdout, machine_stop_name(stop),
				  machine_fault(s.machine));
	}
	for (size_t i = 0; i < a.expect_count; i++) {
		bool seen = strstr(pl011_output(machine_uart(s.machine)),
				   a.expects[i]) != NULL;

		printf("expect \"%s\": %s\n", a.expects[i],
		       seen ? "seen" : "NOT SEEN");
		if (!seen) {
			struct pl011 *u = machine_uart(s.machine);
			struct strbuf tail = STRBUF_INIT;

			console_quote_tail(&tail, pl011_output(u),
					   pl011_output_len(u), 5);
			printf("  awaited until the run ended (%s); the last "
			       "console lines: %s\n",
			       machine_stop_name(stop), strbuf_str(&tail));
			strbuf_free(&tail);
		}
		expects_ok = expects_ok && seen;
	}
	if (!write_outputs(&s, &a)) {
		rc = CLI_EXIT_INTERNAL;
		goto free_session;
	}
	if (stop == MACHINE_STOP_HOST_ERROR) {
		rc = CLI_EXIT_INTERNAL;
	} else {
		rc = clean && expects_ok ? CLI_EXIT_PASS : CLI_EXIT_FAIL;
	}
	printf("verdict: %s\n", rc == CLI_EXIT_PASS ? "PASS" : "FAIL");

free_session:
	session_free(&s);
free_args:
	free(a.lines);
	free(a.expects);
	return rc;
}
