/*
 * `ffa-harness console`: the firmware's console on the host terminal, as
 * `qemu-system-aarch64 -nographic` gives it, on the Unicorn machine with
 * the secure world attached.
 *
 * Streams: standard output carries the console's bytes and nothing else,
 * so that a program driving the console (expect, U-Boot's test/py through
 * its u-boot-test-console hook) sees exactly what the firmware wrote;
 * every message of ours (the banner, each finding as it is recorded, the
 * escape-key help, the summary and verdict) goes to standard error.
 *
 * The run goes in slices of CONSOLE_SLICE_INSNS instructions so that
 * input, signals and findings are seen while the firmware works.  Guest
 * time is host time (machine_config.paced_clock).  When the firmware
 * waits for input (the PL011's idle inference) and none is queued, the
 * loop sleeps in poll() on standard input for up to CONSOLE_IDLE_WAIT_MS
 * between short runs of the firmware's polling loop, so that its timeouts
 * run out in host time without a busy core.
 * An agent that asks for a step gets power-off, as under `boot`.
 */
#include "harness/console_cmd.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/fileio.h"
#include "harness/cli.h"
#include "harness/console_input.h"
#include "harness/run_json.h"
#include "harness/runner.h"
#include "harness/session.h"
#include "harness/terminal.h"
#include "harness/text_report.h"
#include "reports/reports.h"

/* Instructions per slice: a few milliseconds of emulation. */
#define CONSOLE_SLICE_INSNS 2000000u
/* Longest sleep while the firmware waits for input. */
#define CONSOLE_IDLE_WAIT_MS 20
/* After the end of input, the firmware has this long to use what it got
 * before the run ends anyway (it ends sooner once the firmware waits). */
#define CONSOLE_EOF_GRACE_S 30u

static const char console_usage[] =
	"usage: ffa-harness console --image FILE [options]\n"
	"\n"
	"Runs FILE on the emulated machine and secure world with its console\n"
	"(the PL011) on this terminal, like qemu-system-aarch64 -nographic:\n"
	"standard input goes to the firmware (raw mode when it is a\n"
	"terminal), standard output is the console and nothing else, and the\n"
	"harness's messages (each finding as it is recorded, the verdict) go\n"
	"to standard error.  Keys: Ctrl-A x quits, Ctrl-A h lists the keys.\n"
	"A reset boots the image again.  The session ends on power-off, a\n"
	"fault, Ctrl-A x, SIGINT, SIGTERM or SIGHUP, or, after the end of\n"
	"standard input, once the firmware waits for input again; then the\n"
	"trace and the reports of every boot are written.\n"
	"\n"
	"  --image FILE          firmware image (ELF64 or raw binary)\n"
	"  --format auto|elf|raw image format (default: auto, by ELF magic)\n"
	"  --platform NAME       platform profile (default qemu-virt); see\n"
	"                        --list-platforms; --profile NAME is the same\n"
	"  --load-addr ADDR      where a raw image goes and starts\n"
	"  --shared-buffer ADDR:SIZE\n"
	"                        the MM shared buffer as the firmware was\n"
	"                        configured (default: the platform's)\n"
	"  --ffa-version X.Y     highest FF-A version the SPMC offers (1.0,\n"
	"                        1.1, 1.2; default 1.2)\n"
	"  --store FILE          keep non-volatile variables in FILE\n"
	"  --preload FILE        initial variables (docs/variable-store.md)\n"
	"  --trace FILE.jsonl    write the SMC trace at the end\n"
	"  --console FILE        write the console output at the end\n"
	"  --report-dir DIR      write results.json, junit.xml, summary.md and\n"
	"                        report.html at the end (a scenario per boot:\n"
	"                        console, console-boot-2, ...)\n"
	"  --no-reboot           end the session when the firmware resets\n"
	"                        (default: boot the image again, as QEMU\n"
	"                        does; non-volatile variables survive)\n"
	"  --max-insns N         instruction budget of each boot (default:\n"
	"                        none)\n"
	"  --timeout SECONDS     end the session after this long (default:\n"
	"                        none)\n"
	"  --list-platforms      list the platform profiles and exit\n"
	"  -h, --help            this text\n"
	"\n"
	"Exit status: 0 pass (no firmware finding, no fault), 1 fail, 2 invalid\n"
	"input (options, image), 3 internal error (a report or the store\n"
	"not written).\n";

enum {
	OPT_IMAGE = 256,
	OPT_FORMAT,
	OPT_PLATFORM,
	OPT_LOAD_ADDR,
	OPT_SHARED_BUFFER,
	OPT_FFA_VERSION,
	OPT_STORE,
	OPT_PRELOAD,
	OPT_TRACE,
	OPT_CONSOLE,
	OPT_REPORT_DIR,
	OPT_MAX_INSNS,
	OPT_TIMEOUT,
	OPT_NO_REBOOT,
	OPT_LIST_PLATFORMS,
};

static const struct option console_options[] = {
	{"image", required_argument, NULL, OPT_IMAGE},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"platform", required_argument, NULL, OPT_PLATFORM},
	{"profile", required_argument, NULL, OPT_PLATFORM},
	{"load-addr", required_argument, NULL, OPT_LOAD_ADDR},
	{"shared-buffer", required_argument, NULL, OPT_SHARED_BUFFER},
	{"ffa-version", required_argument, NULL, OPT_FFA_VERSION},
	{"store", required_argument, NULL, OPT_STORE},
	{"preload", required_argument, NULL, OPT_PRELOAD},
	{"trace", required_argument, NULL, OPT_TRACE},
	{"console", required_argument, NULL, OPT_CONSOLE},
	{"report-dir", required_argument, NULL, OPT_REPORT_DIR},
	{"max-insns", required_argument, NULL, OPT_MAX_INSNS},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"no-reboot", no_argument, NULL, OPT_NO_REBOOT},
	{"list-platforms", no_argument, NULL, OPT_LIST_PLATFORMS},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

struct console_args {
	const char *image;
	enum image_format format;
	const char *platform;
	bool has_load_addr;
	uint64_t load_addr;
	bool has_shared;
	uint64_t shared_addr, shared_size;
	uint32_t ffa_version;
	const char *store;
	const char *preload;
	const char *trace_path;
	const char *console_path;
	const char *report_dir;
	uint64_t max_insns;
	uint64_t timeout_s;
	bool no_reboot;
};

/* What is kept of a boot that has ended, for the verdict and reports. */
struct console_boot {
	char *object;        /* its SCENARIO object (docs/report-format.md) */
	enum verdict verdict;
	char *message;       /* the first cause, or NULL */
	char *ended;         /* how it ended */
	size_t finding_count;
	bool host_error;     /* the harness failed, not the firmware */
};

/*
 * One console session: the machine (a fresh one per boot: a reset boots
 * the image again, as QEMU does without -no-reboot), the keyboard, the
 * two streams, and what earlier boots left for the reports.
 */
struct console {
	const struct console_args *a;
	struct session_config cfg;
	struct session boot;  /* the current boot's machine and world */
	struct session *s;    /* &boot while it is up, else NULL */
	struct console_boot *boots; /* ended boots */
	size_t boot_count;
	struct strbuf trace_all;   /* every boot's trace, JSON Lines */
	struct strbuf console_all; /* every boot's console */
	uint64_t insns_total, smcs_total;
	bool store_failed;    /* a save of the variable store failed */
	char store_dir[4096]; /* private store (no --store): NV across resets */
	char *store_path;
	struct console_input in;
	int in_fd;            /* standard input, -1 once it has ended */
	bool msg_tty;         /* standard error is a terminal */
	bool at_line_start;   /* the last console byte written was '\n' */
	bool out_closed;      /* nobody reads the console any more */
	size_t out_mark;      /* console bytes already written out */
	size_t findings_shown;
	uint64_t started_ns;
	uint64_t deadline_ns; /* --timeout; 0: none */
	uint64_t eof_ns;      /* when input ended; 0: it has not */
	char end[96];         /* why the session ended, if not the machine */
};

/* Returns -1 to go on, or an exit code. */
static int parse_args(int argc, char **argv, struct console_args *a)
{
	int c;

	memset(a, 0, sizeof(*a));
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", console_options, NULL)) !=
	       -1) {
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
		case OPT_STORE:
			a->store = optarg;
			break;
		case OPT_PRELOAD:
			a->preload = optarg;
			break;
		case OPT_TRACE:
			a->trace_path = optarg;
			break;
		case OPT_CONSOLE:
			a->console_path = optarg;
			break;
		case OPT_REPORT_DIR:
			a->report_dir = optarg;
			break;
		case OPT_MAX_INSNS:
			if (!cli_parse_u64("--max-insns", optarg,
					   &a->max_insns)) {
				return CLI_EXIT_INVALID_INPUT;
			}
			break;
		case OPT_TIMEOUT:
			if (!cli_parse_u64("--timeout", optarg,
					   &a->timeout_s) ||
			    a->timeout_s == 0 || a->timeout_s > 86400) {
				fprintf(stderr, "ffa-harness: --timeout: "
						"1..86400 seconds\n");
				return CLI_EXIT_INVALID_INPUT;
			}
			break;
		case OPT_NO_REBOOT:
			a->no_reboot = true;
			break;
		case OPT_LIST_PLATFORMS:
			platform_print_list(stdout);
			return CLI_EXIT_PASS;
		case 'h':
			fputs(console_usage, stdout);
			return CLI_EXIT_PASS;
		default:
			fputs(console_usage, stderr);
			return CLI_EXIT_INVALID_INPUT;
		}
	}
	if (optind < argc) {
		fprintf(stderr,
			"ffa-harness console: unexpected argument '%s'\n",
			argv[optind]);
		return CLI_EXIT_INVALID_INPUT;
	}
	if (a->image == NULL) {
		fprintf(stderr,
			"ffa-harness console: --image FILE is required\n");
		return CLI_EXIT_INVALID_INPUT;
	}
	return -1;
}

static bool make_config(const struct console_args *a,
			struct session_config *cfg)
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
	/* A session lasts as long as its user wants: no budget unless
	 * asked.  The machine's per-call safety net stays: slices are far
	 * shorter. */
	cfg->machine.max_insns = a->max_insns;
	/* Guest time is host time, as under QEMU: `sleep 1` takes a
	 * second, timeouts while waiting for input run out. */
	cfg->machine.paced_clock = true;
	cfg->store_file = a->store;
	cfg->preload_file = a->preload;
	return true;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* --- The console's two streams -------------------------------------------- */

/* Writes all of buf to fd; false once the reader is gone. */
static bool write_all(int fd, const char *buf, size_t len)
{
	while (len != 0) {
		ssize_t n = write(fd, buf, len);

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR && terminal_end_signal() == 0) {
			continue;
		}
		if (n < 0 && errno == EAGAIN) {
			/* Standard output shared with a non-blocking
			 * reader's setting: wait until it drains. */
			struct pollfd p = {.fd = fd, .events = POLLOUT};

			if (poll(&p, 1, 1000) >= 0 &&
			    terminal_end_signal() == 0) {
				continue;
			}
		}
		return false;
	}
	return true;
}

/* Copies what the firmware wrote since the last call to standard output. */
static void flush_console(struct console *c)
{
	struct pl011 *uart = machine_uart(c->s->machine);
	size_t len = pl011_output_len(uart);
	const char *out = pl011_output(uart);

	if (len == c->out_mark || c->out_closed) {
		c->out_mark = len;
		return;
	}
	if (!write_all(STDOUT_FILENO, out + c->out_mark, len - c->out_mark)) {
		c->out_closed = true;
	}
	c->at_line_start = out[len - 1] == '\n';
	c->out_mark = len;
}

/*
 * A message of ours on standard error.  On a terminal it starts on a line
 * of its own, so that it never runs into the firmware's half-written line
 * (a prompt); "\n" ends it at column 0 in raw mode too (OPOST is kept).
 */
static void message(struct console *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void message(struct console *c, const char *fmt, ...)
{
	va_list ap;

	if (c->msg_tty && !c->at_line_start) {
		fputc('\n', stderr);
		c->at_line_start = true;
	}
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
}

/* Prints each finding recorded since the last call, as it happened. */
static void show_findings(struct console *c)
{
	const struct findings *f = &c->s->findings;

	for (; c->findings_shown < f->count; c->findings_shown++) {
		const struct finding *fd = &f->items[c->findings_shown];
		char where[64] = "";

		if (fd->trace_seq != FINDING_NO_SEQ) {
			snprintf(where, sizeof(where), "SMC #%u, ",
				 (unsigned)fd->trace_seq);
		}
		message(c, "*** ffa-harness: %s finding %s: %s (%spc 0x%llx)\n",
			finding_kind_name(fd->kind), fd->code, fd->message,
			where, (unsigned long long)fd->pc);
	}
}

static void show_status(struct console *c)
{
	message(c,
		"*** ffa-harness: %llu instructions, %llu SMCs, %zu findings, "
		"%.1f s\n",
		(unsigned long long)machine_insns(c->s->machine),
		(unsigned long long)secure_world_smc_count(c->s->world),
		c->s->findings.count,
		(double)(now_ns() - c->started_ns) / 1e9);
}

/* --- The keyboard --------------------------------------------------------- */

static void input_ended(struct console *c)
{
	c->in_fd = -1;
	c->eof_ns = now_ns();
}

/* Decodes typed bytes; acts on escape commands. */
static void take_input(struct console *c, const char *buf, size_t len)
{
	while (len != 0) {
		size_t used = 0;
		enum console_command cmd =
			console_input_take(&c->in, buf, len, &used);

		buf += used;
		len -= used;
		switch (cmd) {
		case CONSOLE_CMD_QUIT:
			snprintf(c->end, sizeof(c->end), "quit (C-a x)");
			return;
		case CONSOLE_CMD_HELP:
			message(c, "%s", console_input_help);
			break;
		case CONSOLE_CMD_STATUS:
			show_status(c);
			break;
		case CONSOLE_CMD_NONE:
			/* All taken: read_input() never reads more than
			 * the queue has room for. */
			return;
		}
	}
}

/*
 * Waits up to wait_ms for standard input (0: only looks) and takes what
 * is there, no more than the queue has room for.  Signals cut the wait.
 */
static void read_input(struct console *c, int wait_ms)
{
	struct pollfd p = {.fd = c->in_fd, .events = POLLIN};
	char buf[CONSOLE_INPUT_CAP];
	size_t room = console_input_room(&c->in);
	ssize_t n;

	if (c->in_fd < 0 || room == 0) {
		if (wait_ms > 0) {
			poll(NULL, 0, wait_ms);
		}
		return;
	}
	if (poll(&p, 1, wait_ms) <= 0) {
		return;
	}
	if ((p.revents & POLLNVAL) != 0) {
		input_ended(c);
		return;
	}
	n = read(c->in_fd, buf, room < sizeof(buf) ? room : sizeof(buf));
	if (n > 0) {
		take_input(c, buf, (size_t)n);
	} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		/* EIO: the terminal hung up (a pty whose master closed). */
		input_ended(c);
	}
}

/* Refills the UART's receive FIFO from the queue as the firmware drains it. */
static void feed_uart(struct console *c)
{
	struct pl011 *uart = machine_uart(c->s->machine);
	size_t pending = pl011_input_pending(uart);
	char buf[CONSOLE_UART_FIFO_DEPTH];
	size_t n;

	if (pending >= CONSOLE_UART_FIFO_DEPTH) {
		return;
	}
	n = console_input_pop(&c->in, buf, CONSOLE_UART_FIFO_DEPTH - pending);
	if (n != 0) {
		pl011_feed(uart, buf, n);
	}
}

/* Nothing typed is left for the firmware to read. */
static bool input_drained(struct console *c)
{
	return console_input_queued(&c->in) == 0 &&
	       pl011_input_pending(machine_uart(c->s->machine)) == 0;
}

/* --- The run -------------------------------------------------------------- */

/* Answers an agent with power-off: a console session has no scenario. */
static bool answer_agent(struct session *s)
{
	struct agent_step step;
	struct smccc_regs regs;
	struct error err = {0};

	memset(&step, 0, sizeof(step));
	step.op = AGENT_OP_POWER_OFF;
	memset(&regs, 0, sizeof(regs));
	if (!agent_give_step(secure_world_agent(s->world), &step, NULL, 0,
			     &regs, &err)) {
		fprintf(stderr, "ffa-harness: %s\n", err.message);
		return false;
	}
	return machine_set_smc_return(s->machine, &regs, 2);
}

/* True when the session should end for a reason outside the machine. */
static bool session_over(struct console *c)
{
	int sig = terminal_end_signal();
	uint64_t now = now_ns();

	if (c->end[0] != '\0') {
		return true;
	}
	if (sig != 0) {
		snprintf(c->end, sizeof(c->end), "signal %s",
			 sig == SIGINT    ? "SIGINT"
			 : sig == SIGTERM ? "SIGTERM"
			 : sig == SIGHUP  ? "SIGHUP"
					  : "SIGQUIT");
	} else if (c->out_closed) {
		snprintf(c->end, sizeof(c->end), "console output closed");
	} else if (c->deadline_ns != 0 && now >= c->deadline_ns) {
		snprintf(c->end, sizeof(c->end), "--timeout reached");
	} else if (c->eof_ns != 0 &&
		   now - c->eof_ns >= CONSOLE_EOF_GRACE_S * 1000000000ull) {
		snprintf(c->end, sizeof(c->end),
			 "end of input (the firmware did not wait for input "
			 "within %u s)",
			 CONSOLE_EOF_GRACE_S);
	}
	return c->end[0] != '\0';
}

/* Runs until the machine stops for good or the session ends; returns the
 * machine's last stop. */
static enum machine_stop run_console(struct console *c)
{
	struct pl011 *uart = machine_uart(c->s->machine);
	struct machine_run_opts opts = {.stop_on_idle = true,
					.max_insns = CONSOLE_SLICE_INSNS};
	enum machine_stop stop = MACHINE_STOP_NONE;

	/* Stop right after each firmware finding, to print it in order
	 * with the console output around it. */
	machine_break_on_finding(c->s->machine, true);
	while (!session_over(c)) {
		feed_uart(c);
		stop = machine_run(c->s->machine, &opts);
		flush_console(c);
		show_findings(c);
		switch (stop) {
		case MACHINE_STOP_CONSOLE_IDLE:
			if (!input_drained(c)) {
				read_input(c, 0);
				break;
			}
			if (c->in_fd < 0) {
				snprintf(c->end, sizeof(c->end),
					 "end of input");
				return stop;
			}
			read_input(c, CONSOLE_IDLE_WAIT_MS);
			pl011_restart_idle(uart);
			break;
		case MACHINE_STOP_STEP_BUDGET:
		case MACHINE_STOP_BREAKPOINT:
		case MACHINE_STOP_CONSOLE_MATCH:
			read_input(c, 0);
			break;
		case MACHINE_STOP_AGENT_WAIT:
			if (!answer_agent(c->s)) {
				return MACHINE_STOP_HOST_ERROR;
			}
			break;
		default:
			return stop;
		}
	}
	return stop;
}

/* --- The verdict and what is written at the end --------------------------- */

static bool stop_is_clean(enum machine_stop stop)
{
	return !machine_stop_is_final(stop) || stop == MACHINE_STOP_POWER_OFF ||
	       stop == MACHINE_STOP_RESET;
}

/* What a finding of each kind makes of a boot (none is expected). */
static const enum verdict kind_verdicts[FINDING_KIND_COUNT] = {
	[FINDING_FIRMWARE] = VERDICT_FIRMWARE,
	[FINDING_EXPECTATION] = VERDICT_FAIL,
	[FINDING_UNIMPLEMENTED] = VERDICT_NOT_IMPLEMENTED,
	[FINDING_WARNING] = VERDICT_PASS,
	[FINDING_ERROR] = VERDICT_ERROR,
};

/*
 * The firmware is judged, not the way the session ended: findings (as a
 * scenario's are, none expected) and a fault, hang or spent budget.
 * *message gets the first cause (NULL if none; the caller frees it).
 */
static enum verdict boot_verdict(const struct session *s,
				 enum machine_stop stop, char **message)
{
	const struct findings *f = &s->findings;
	enum verdict v = VERDICT_PASS;
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < f->count; i++) {
		const struct finding *fd = &f->items[i];
		enum verdict fv = kind_verdicts[fd->kind];

		if (fv > v) {
			v = fv;
			strbuf_reset(&sb);
			strbuf_printf(&sb, "%s: %s", fd->code, fd->message);
		}
	}
	if (stop == MACHINE_STOP_HOST_ERROR) {
		v = VERDICT_ERROR;
		strbuf_reset(&sb);
		strbuf_printf(&sb, "host error: %s",
			      machine_fault(s->machine)->what);
	} else if (!stop_is_clean(stop) && v < VERDICT_FAIL) {
		v = VERDICT_FAIL;
		strbuf_reset(&sb);
		strbuf_printf(&sb, "%s: %s", machine_stop_name(stop),
			      machine_fault(s->machine)->what);
	}
	*message = sb.len != 0 ? strbuf_steal(&sb) : NULL;
	strbuf_free(&sb);
	return v;
}

/* The boot's SCENARIO object: "console", then "console-boot-N". */
static char *boot_object(const struct console *c, enum machine_stop stop,
			 const struct console_boot *b)
{
	const char *image = c->a->image;
	const char *slash = strrchr(image, '/');
	struct scenario sc;
	struct scenario_run run;
	struct strbuf name = STRBUF_INIT, desc = STRBUF_INIT;
	struct strbuf obj = STRBUF_INIT;
	char file[] = "";

	strbuf_puts(&name, "console");
	strbuf_puts(&desc, "an interactive console session (ffa-harness "
			   "console)");
	if (c->boot_count != 0) {
		strbuf_printf(&name, "-boot-%zu", c->boot_count + 1);
		strbuf_printf(&desc, ", boot %zu after a reset",
			      c->boot_count + 1);
	}
	memset(&sc, 0, sizeof(sc));
	sc.name = name.data;
	sc.file = file;
	sc.description = desc.data;
	memset(&run, 0, sizeof(run));
	run.sc = &sc;
	run.firmware_name = xstrdup(slash != NULL ? slash + 1 : image);
	run.firmware_path = xstrdup(image);
	run.platform = c->cfg.platform->name;
	run.verdict = b->verdict;
	run.message = b->message;
	run.session = c->s;
	run.stop = stop;
	run_json_scenario(&run, &obj);
	free(run.firmware_name);
	free(run.firmware_path);
	strbuf_free(&name);
	strbuf_free(&desc);
	return strbuf_steal(&obj);
}

/*
 * The current boot has ended (stop): keeps its verdict, report object,
 * trace and console, saves the variable store, frees the machine.
 */
static void end_boot(struct console *c, enum machine_stop stop)
{
	struct console_boot *b;
	struct pl011 *uart = machine_uart(c->s->machine);
	struct error err = {0};
	size_t len;
	char *jsonl;

	c->boots = xrealloc(c->boots, (c->boot_count + 1) * sizeof(*c->boots));
	b = &c->boots[c->boot_count];
	memset(b, 0, sizeof(*b));
	b->verdict = boot_verdict(c->s, stop, &b->message);
	b->ended = xstrdup(c->end[0] != '\0' && stop != MACHINE_STOP_RESET
				   ? c->end
				   : machine_stop_name(stop));
	b->finding_count = c->s->findings.count;
	b->host_error = stop == MACHINE_STOP_HOST_ERROR;
	b->object = boot_object(c, stop, b);
	c->boot_count++;
	jsonl = report_trace_jsonl(&c->s->trace, &len);
	strbuf_append(&c->trace_all, jsonl, len);
	free(jsonl);
	strbuf_append(&c->console_all, pl011_output(uart),
		      pl011_output_len(uart));
	if (!stop_is_clean(stop)) {
		report_text_fault(stderr, machine_stop_name(stop),
				  machine_fault(c->s->machine));
	}
	c->insns_total += machine_insns(c->s->machine);
	c->smcs_total += secure_world_smc_count(c->s->world);
	if (stop != MACHINE_STOP_HOST_ERROR &&
	    !session_save_store(c->s, &err)) {
		fprintf(stderr, "ffa-harness: %s\n", err.message);
		c->store_failed = true;
	}
	session_free(c->s);
	c->s = NULL;
}

/* A fresh machine and secure world with the image loaded (a boot). */
static bool start_boot(struct console *c, struct error *err)
{
	const struct console_args *a = c->a;

	if (!session_init(&c->boot, &c->cfg, err)) {
		return false;
	}
	if (!session_load_image(&c->boot, a->image, a->format,
				a->has_load_addr
					? a->load_addr
					: c->cfg.platform->default_load_addr,
				err)) {
		session_free(&c->boot);
		return false;
	}
	c->s = &c->boot;
	/* A terminal on standard output answers ESC [ 6 n itself (and a
	 * pty's driver such as test/py does not, as under QEMU); only for a
	 * pipe or file does the model stand in. */
	pl011_answer_queries(machine_uart(c->s->machine),
			     isatty(STDOUT_FILENO) == 0);
	c->out_mark = 0;
	c->findings_shown = 0;
	return true;
}

static char *in_dir(const char *dir, const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_printf(&sb, "%s/%s", dir, name);
	return strbuf_steal(&sb);
}

/*
 * Writes the trace, the console and the reports of every boot: each file
 * atomically, and if one cannot be written, those written before it are
 * removed again, so that a set is there completely or not at all.
 */
static bool write_outputs(const struct console *c)
{
	const struct console_args *a = c->a;
	struct error err = {0};
	char *paths[4] = {NULL, NULL, NULL, NULL};
	const char *written[2];
	size_t written_count = 0;
	bool ok = true;

	if (a->trace_path != NULL) {
		ok = file_write_atomic(a->trace_path, c->trace_all.data,
				       c->trace_all.len, &err);
		if (ok) {
			written[written_count++] = a->trace_path;
		}
	}
	if (ok && a->console_path != NULL) {
		ok = file_write_atomic(a->console_path, c->console_all.data,
				       c->console_all.len, &err);
		if (ok) {
			written[written_count++] = a->console_path;
		}
	}
	if (ok && a->report_dir != NULL) {
		struct strbuf doc = STRBUF_INIT;
		struct report_outputs out = {0};
		const char **objs = xcalloc(c->boot_count, sizeof(*objs));
		enum verdict *verdicts =
			xcalloc(c->boot_count, sizeof(*verdicts));
		double *seconds = xcalloc(c->boot_count, sizeof(*seconds));

		for (size_t i = 0; i < c->boot_count; i++) {
			objs[i] = c->boots[i].object;
			verdicts[i] = c->boots[i].verdict;
		}
		seconds[c->boot_count - 1] =
			(double)(now_ns() - c->started_ns) / 1e9;
		run_json_document(objs, verdicts, c->boot_count, &doc);
		ok = file_mkdirs(a->report_dir, &err);
		paths[0] = in_dir(a->report_dir, "results.json");
		out.junit = paths[1] = in_dir(a->report_dir, "junit.xml");
		out.markdown = paths[2] = in_dir(a->report_dir, "summary.md");
		out.html = paths[3] = in_dir(a->report_dir, "report.html");
		ok = ok && file_write_atomic(paths[0], strbuf_str(&doc),
					     doc.len, &err);
		ok = ok && reports_write(strbuf_str(&doc), doc.len, seconds,
					 c->boot_count, &out, &err);
		if (!ok) {
			for (size_t i = 0; i < 4; i++) {
				unlink(paths[i]);
			}
		}
		strbuf_free(&doc);
		free(objs);
		free(verdicts);
		free(seconds);
	}
	if (!ok) {
		fprintf(stderr, "ffa-harness: %s; nothing was written\n",
			err.message);
		for (size_t i = 0; i < written_count; i++) {
			unlink(written[i]);
		}
	}
	for (size_t i = 0; i < 4; i++) {
		free(paths[i]);
	}
	return ok;
}

/* The worst verdict of all boots, and the first boot that has it. */
static const struct console_boot *worst_boot(const struct console *c)
{
	const struct console_boot *worst = &c->boots[0];

	for (size_t i = 1; i < c->boot_count; i++) {
		if (c->boots[i].verdict > worst->verdict) {
			worst = &c->boots[i];
		}
	}
	return worst;
}

static void print_summary(const struct console *c)
{
	const struct console_boot *w = worst_boot(c);

	fprintf(stderr, "ffa-harness console: %s on %s\n", c->a->image,
		c->cfg.platform->name);
	fprintf(stderr,
		"session ended: %s after %zu boot%s, %llu instructions, %llu "
		"SMCs\n",
		c->end[0] != '\0' ? c->end : c->boots[c->boot_count - 1].ended,
		c->boot_count, c->boot_count == 1 ? "" : "s",
		(unsigned long long)c->insns_total,
		(unsigned long long)c->smcs_total);
	for (size_t i = 0; i < c->boot_count; i++) {
		const struct console_boot *b = &c->boots[i];

		fprintf(stderr, "boot %zu: %s, %zu finding%s, %s%s%s\n", i + 1,
			b->ended, b->finding_count,
			b->finding_count == 1 ? "" : "s",
			verdict_label(b->verdict),
			b->message != NULL ? ": " : "",
			b->message != NULL ? b->message : "");
	}
	fprintf(stderr, "verdict: %s%s%s\n", verdict_label(w->verdict),
		w->message != NULL ? ": " : "",
		w->message != NULL ? w->message : "");
}

/*
 * Without --store, non-volatile variables still survive a reset: the
 * session keeps them in a file of its own, removed at the end.
 */
static bool private_store(struct console *c, struct error *err)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(c->store_dir, sizeof(c->store_dir),
		 "%s/ffa-harness-console-XXXXXX",
		 tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	if (mkdtemp(c->store_dir) == NULL) {
		int e = errno;

		c->store_dir[0] = '\0';
		return error_setf(err,
				  "no directory for the session's variable "
				  "store in %s (TMPDIR): %s",
				  tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp",
				  strerror(e));
	}
	c->store_path = in_dir(c->store_dir, "store.json");
	c->cfg.store_file = c->store_path;
	return true;
}

static void console_free(struct console *c)
{
	if (c->s != NULL) {
		session_free(c->s);
	}
	for (size_t i = 0; i < c->boot_count; i++) {
		free(c->boots[i].object);
		free(c->boots[i].message);
		free(c->boots[i].ended);
	}
	free(c->boots);
	strbuf_free(&c->trace_all);
	strbuf_free(&c->console_all);
	if (c->store_path != NULL) {
		unlink(c->store_path);
		free(c->store_path);
	}
	if (c->store_dir[0] != '\0') {
		rmdir(c->store_dir);
	}
}

/* At most this many boots: firmware that resets in a loop ends the run. */
#define CONSOLE_MAX_BOOTS 100u

int console_main(int argc, char **argv)
{
	struct console_args a;
	struct console c;
	struct error err = {0};
	enum machine_stop stop;
	const struct console_boot *w;
	int rc = parse_args(argc, argv, &a);

	if (rc >= 0) {
		return rc;
	}
	memset(&c, 0, sizeof(c));
	c.a = &a;
	rc = CLI_EXIT_INVALID_INPUT;
	if (!make_config(&a, &c.cfg)) {
		return rc;
	}
	if (a.store == NULL && !private_store(&c, &err)) {
		fprintf(stderr, "ffa-harness: %s\n", err.message);
		rc = CLI_EXIT_INTERNAL;
		goto free_console;
	}
	if (!start_boot(&c, &err)) {
		fprintf(stderr, "ffa-harness: cannot boot %s: %s\n", a.image,
			err.message);
		goto free_console;
	}
	console_input_init(&c.in);
	c.in_fd = STDIN_FILENO;
	c.msg_tty = isatty(STDERR_FILENO) != 0;
	c.at_line_start = true;
	c.started_ns = now_ns();
	c.deadline_ns = a.timeout_s != 0
				? c.started_ns + a.timeout_s * 1000000000ull
				: 0;
	terminal_catch_signals();
	/* A fatal signal still removes the private store (harness/terminal.h). */
	terminal_remove_on_fatal(c.store_path, c.store_dir[0] != '\0'
						      ? c.store_dir
						      : NULL);
	/* Not a terminal (a pipe, a file): bytes go through as they come. */
	terminal_raw(STDIN_FILENO);
	message(&c, "ffa-harness console: %s on %s; C-a x quits, C-a h "
		    "helps\n",
		a.image, c.cfg.platform->name);
	for (;;) {
		stop = run_console(&c);
		flush_console(&c);
		show_findings(&c);
		if (stop != MACHINE_STOP_RESET || a.no_reboot ||
		    c.end[0] != '\0') {
			break;
		}
		end_boot(&c, stop);
		if (c.boot_count == CONSOLE_MAX_BOOTS) {
			snprintf(c.end, sizeof(c.end),
				 "%u boots (a reset loop?)", CONSOLE_MAX_BOOTS);
			break;
		}
		if (!start_boot(&c, &err)) {
			snprintf(c.end, sizeof(c.end), "reboot failed");
			message(&c, "*** ffa-harness: reboot failed: %s\n",
				err.message);
			break;
		}
		message(&c, "*** ffa-harness: reset: boot %zu of %s\n",
			c.boot_count + 1, a.image);
	}
	if (!c.at_line_start && c.msg_tty) {
		fputc('\n', stderr);
	}
	terminal_release();
	if (c.s != NULL) {
		end_boot(&c, stop);
	}
	print_summary(&c);
	w = worst_boot(&c);
	if (!write_outputs(&c) || c.store_failed) {
		rc = CLI_EXIT_INTERNAL;
	} else if (w->host_error) {
		rc = CLI_EXIT_INTERNAL;
	} else {
		rc = w->verdict == VERDICT_PASS ||
				     w->verdict == VERDICT_NOT_IMPLEMENTED
			     ? CLI_EXIT_PASS
			     : CLI_EXIT_FAIL;
	}
free_console:
	console_free(&c);
	return rc;
}
