/*
 * `run` and `check`.  Scenarios run in forked workers (so that a harness
 * crash on hostile firmware costs one scenario, not the run): a worker
 * writes each scenario's JSON SCENARIO object to a file; the parent keeps
 * up to -j workers busy, assembles the result document in scenario order,
 * and writes the reports from it.  Workers run scenarios that share a
 * prefix from a snapshot (harness/snapshot.h) and the others one after
 * another in-process (batches, below); a scenario whose worker died is run
 * again alone in a worker of its own, which reports the crash.
 */
#include "harness/run_cmd.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/jsonw.h"
#include "common/strbuf.h"
#include "emulator/machine.h"
#include "harness/cli.h"
#include "harness/run_json.h"
#include "harness/runner.h"
#include "harness/scenario.h"
#include "harness/session.h"
#include "harness/snapshot.h"
#include "reports/reports.h"
#include "harness/text_report.h"

static const char run_usage[] =
	"usage: ffa-harness run [options] SCENARIO...\n"
	"\n"
	"Runs each scenario (a YAML file, or a directory searched for *.yaml)\n"
	"in a fresh machine and secure world, and reports verdicts.  Exit\n"
	"status: 0 when every expectation held and no firmware finding was\n"
	"recorded (scenarios that only met a model gap pass with a notice),\n"
	"1 otherwise, 2 for invalid input (scenario, image), 3 for an\n"
	"internal error.\n"
	"\n"
	"  --image FILE          run every scenario against FILE instead of\n"
	"                        the firmware the scenario names\n"
	"  --format auto|elf|raw, --load-addr ADDR   for --image\n"
	"  --platform NAME       override the scenarios' platform profile\n"
	"  --backend unicorn|qemu   run every scenario on this machine,\n"
	"                        whatever its `machine:` says\n"
	"  --shared-buffer ADDR:SIZE   the MM buffer the image was built for\n"
	"  --firmware-dir DIR    where built-in firmware lives (default: next\n"
	"                        to the binary, or $FFAH_FW_DIR)\n"
	"  --json FILE           the full result with traces\n"
	"                        (docs/report-format.md)\n"
	"  --junit FILE          JUnit XML (GitLab, GitHub, Jenkins)\n"
	"  --markdown FILE       summary for a pull-request comment\n"
	"  --html FILE           self-contained HTML report\n"
	"  --html-traces failures|all   diagrams and traces in the HTML of\n"
	"                        failed scenarios only (default), or all\n"
	"  --report-dir DIR      all of the above in DIR (results.json,\n"
	"                        junit.xml, summary.md, report.html)\n"
	"  --filter GLOB         only scenarios whose name matches GLOB\n"
	"  --shard I/N           only the I-th of N equal shares (1 <= I <= N)\n"
	"  -j N                  run N scenarios at a time (default 1)\n"
	"  --trace               print each scenario's SMC trace\n"
	"  --echo                copy each scenario's console to stdout as\n"
	"                        it runs (with --filter NAME for one)\n"
	"  --max-insns N         instruction budget per scenario\n"
	"  --no-fork             run in this process (for debugging)\n"
	"  --no-snapshots        run every scenario from reset (by default\n"
	"                        scenarios that set up alike and begin with\n"
	"                        the same steps run them once; docs/cli.md)\n"
	"  --show-snapshots      print which scenarios share a snapshot\n"
	"  --snapshots-always    fork every group from its snapshot, even\n"
	"                        when its shared part took less than a fork\n"
	"                        costs (by default such a group's scenarios\n"
	"                        run from reset in one process)\n"
	"  --fresh-engines       a new Unicorn engine for every scenario (by\n"
	"                        default a process reuses its engine, reset\n"
	"                        to as new; docs/cli.md)\n"
	"  --no-fast-loops       run every iteration of the loops the machine\n"
	"                        otherwise applies at once (docs/machine.md)\n"
	"  --gdb PORT            wait for gdb on 127.0.0.1:PORT, then run the\n"
	"                        one scenario --filter selects in this process\n"
	"  --break-at-step N     with --gdb: stop for gdb as step N begins\n"
	"  --break-on-finding    with --gdb: stop for gdb after a firmware finding\n"
	"  --quiet / --progress  force quiet (CI) or per-scenario output\n"
	"  -h, --help            this text\n";

enum {
	OPT_IMAGE = 256,
	OPT_FORMAT,
	OPT_LOAD_ADDR,
	OPT_PLATFORM,
	OPT_SHARED_BUFFER,
	OPT_FIRMWARE_DIR,
	OPT_JSON,
	OPT_JUNIT,
	OPT_MARKDOWN,
	OPT_HTML,
	OPT_REPORT_DIR,
	OPT_FILTER,
	OPT_SHARD,
	OPT_TRACE,
	OPT_MAX_INSNS,
	OPT_NO_FORK,
	OPT_NO_SNAPSHOTS,
	OPT_SHOW_SNAPSHOTS,
	OPT_SNAPSHOTS_ALWAYS,
	OPT_FRESH_ENGINES,
	OPT_NO_FAST_LOOPS,
	OPT_GDB,
	OPT_BREAK_AT_STEP,
	OPT_BREAK_ON_FINDING,
	OPT_QUIET,
	OPT_PROGRESS,
	OPT_ECHO,
	OPT_HTML_TRACES,
	OPT_BACKEND,
};

static const struct option run_options[] = {
	{"image", required_argument, NULL, OPT_IMAGE},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"load-addr", required_argument, NULL, OPT_LOAD_ADDR},
	{"platform", required_argument, NULL, OPT_PLATFORM},
	{"shared-buffer", required_argument, NULL, OPT_SHARED_BUFFER},
	{"firmware-dir", required_argument, NULL, OPT_FIRMWARE_DIR},
	{"json", required_argument, NULL, OPT_JSON},
	{"junit", required_argument, NULL, OPT_JUNIT},
	{"markdown", required_argument, NULL, OPT_MARKDOWN},
	{"html", required_argument, NULL, OPT_HTML},
	{"report-dir", required_argument, NULL, OPT_REPORT_DIR},
	{"filter", required_argument, NULL, OPT_FILTER},
	{"shard", required_argument, NULL, OPT_SHARD},
	{"trace", no_argument, NULL, OPT_TRACE},
	{"max-insns", required_argument, NULL, OPT_MAX_INSNS},
	{"no-fork", no_argument, NULL, OPT_NO_FORK},
	{"no-snapshots", no_argument, NULL, OPT_NO_SNAPSHOTS},
	{"fresh-engines", no_argument, NULL, OPT_FRESH_ENGINES},
	{"no-fast-loops", no_argument, NULL, OPT_NO_FAST_LOOPS},
	{"show-snapshots", no_argument, NULL, OPT_SHOW_SNAPSHOTS},
	{"snapshots-always", no_argument, NULL, OPT_SNAPSHOTS_ALWAYS},
	{"gdb", required_argument, NULL, OPT_GDB},
	{"break-at-step", required_argument, NULL, OPT_BREAK_AT_STEP},
	{"break-on-finding", no_argument, NULL, OPT_BREAK_ON_FINDING},
	{"quiet", no_argument, NULL, OPT_QUIET},
	{"progress", no_argument, NULL, OPT_PROGRESS},
	{"echo", no_argument, NULL, OPT_ECHO},
	{"html-traces", required_argument, NULL, OPT_HTML_TRACES},
	{"backend", required_argument, NULL, OPT_BACKEND},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

struct run_args {
	struct runner_options runner;
	const char *json, *junit, *markdown, *html, *report_dir;
	const char *filter;
	unsigned shard_index, shard_count;
	unsigned jobs;
	bool trace;
	bool no_fork;
	bool no_snapshots;
	bool show_snapshots;
	bool snapshots_always;
	bool fresh_engines;
	bool no_fast_loops;
	bool html_all_traces;
	int progress; /* -1 auto, 0 quiet, 1 progress */
};

/* --- Scenario files ---------------------------------------------------- */

static int compare_paths(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct path_list {
	char **items;
	size_t count;
};

static void add_path(struct path_list *l, const char *p)
{
	l->items = xrealloc(l->items, (l->count + 1) * sizeof(*l->items));
	l->items[l->count++] = xstrdup(p);
}

/* Directories are searched for .yaml and .yml files, recursively. */
static bool collect(const char *path, struct path_list *out)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	struct path_list here = {0};

	if (stat(path, &st) != 0) {
		fprintf(stderr, "ffa-harness: %s: %s\n", path, strerror(errno));
		return false;
	}
	if (!S_ISDIR(st.st_mode)) {
		add_path(out, path);
		return true;
	}
	d = opendir(path);
	if (d == NULL) {
		fprintf(stderr, "ffa-harness: %s: %s\n", path, strerror(errno));
		return false;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		struct strbuf sub = STRBUF_INIT;

		if (e->d_name[0] == '.') {
			continue;
		}
		strbuf_printf(&sub, "%s%s%s", path,
			      path[strlen(path) - 1] == '/' ? "" : "/",
			      e->d_name);
		if (stat(strbuf_str(&sub), &st) == 0 &&
		    (S_ISDIR(st.st_mode) ||
		     (len > 5 && strcmp(e->d_name + len - 5, ".yaml") == 0) ||
		     (len > 4 && strcmp(e->d_name + len - 4, ".yml") == 0))) {
			add_path(&here, strbuf_str(&sub));
		}
		strbuf_free(&sub);
	}
	closedir(d);
	qsort(here.items, here.count, sizeof(*here.items), compare_paths);
	for (size_t i = 0; i < here.count; i++) {
		bool ok = collect(here.items[i], out);

		free(here.items[i]);
		if (!ok) {
			for (size_t k = i + 1; k < here.count; k++) {
				free(here.items[k]);
			}
			free(here.items);
			return false;
		}
	}
	free(here.items);
	return true;
}

/* Loads every file; prints every error.  False if any file is invalid. */
static bool load_all(int argc, char **argv, struct scenario_set *set,
		     size_t *files)
{
	struct path_list paths = {0};
	bool ok = true;

	for (int i = 0; i < argc; i++) {
		ok = collect(argv[i], &paths) && ok;
	}
	for (size_t i = 0; i < paths.count; i++) {
		struct scenario_errors errs = {0};

		if (!scenario_load_file(paths.items[i], set, &errs)) {
			for (size_t k = 0; k < errs.count; k++) {
				fprintf(stderr, "%s\n", errs.messages[k]);
			}
			ok = false;
		}
		scenario_errors_free(&errs);
		free(paths.items[i]);
	}
	free(paths.items);
	*files = paths.count;
	return ok;
}

/* --- Options ------------------------------------------------------------- */

static bool parse_shard(const char *v, unsigned *index, unsigned *count)
{
	unsigned i, n;
	char extra;

	if (sscanf(v, "%u/%u%c", &i, &n, &extra) != 2 || n == 0 || i == 0 ||
	    i > n) {
		fprintf(stderr, "ffa-harness: --shard: expected I/N with 1 <= I "
				"<= N, got '%s'\n",
			v);
		return false;
	}
	*index = i;
	*count = n;
	return true;
}

static int parse_run_args(int argc, char **argv, struct run_args *a)
{
	int c, backend;
	uint64_t v;

	memset(a, 0, sizeof(*a));
	a->jobs = 1;
	a->progress = -1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "hj:", run_options, NULL)) != -1) {
		switch (c) {
		case OPT_IMAGE:
			a->runner.image = optarg;
			break;
		case OPT_FORMAT:
			if (!image_format_parse(optarg, &a->runner.format)) {
				fprintf(stderr, "ffa-harness: --format: auto, "
						"elf or raw\n");
				return CLI_EXIT_INVALID_INPUT;
			}
			break;
		case OPT_LOAD_ADDR:
			if (!cli_parse_u64("--load-addr", optarg,
					   &a->runner.load_addr)) {
				return CLI_EXIT_INVALID_INPUT;
			}
			a->runner.has_load_addr = true;
			break;
		case OPT_PLATFORM:
			if (platform_find(optarg) == NULL) {
				fprintf(stderr,
					"ffa-harness: --platform: no profile "
					"'%s'; these exist:\n",
					optarg);
				platform_print_list(stderr);
				return CLI_EXIT_INVALID_INPUT;
			}
			a->runner.platform = optarg;
			break;
		case OPT_BACKEND:
			if (!cli_parse_backend("--backend", optarg, &backend)) {
				return CLI_EXIT_INVALID_INPUT;
			}
			a->runner.backend = (enum scenario_machine)backend;
			a->runner.backend_given = true;
			break;
		case OPT_SHARED_BUFFER:
			if (!cli_parse_range("--shared-buffer", optarg,
					     &a->runner.shared_buf_addr,
					     &a->runner.shared_buf_size)) {
				return CLI_EXIT_INVALID_INPUT;
			}
			a->runner.has_shared_buffer = true;
			break;
		case OPT_FIRMWARE_DIR:
			a->runner.firmware_dir = optarg;
			break;
		case OPT_JSON:
			a->json = optarg;
			break;
		case OPT_JUNIT:
			a->junit = optarg;
			break;
		case OPT_MARKDOWN:
			a->markdown = optarg;
			break;
		case OPT_HTML:
			a->html = optarg;
			break;
		case OPT_REPORT_DIR:
			a->report_dir = optarg;
			break;
		case OPT_FILTER:
			a->filter = optarg;
			break;
		case OPT_SHARD:
			if (!parse_shard(optarg, &a->shard_index,
					 &a->shard_count)) {
				return CLI_EXIT_INVALID_INPUT;
			}
			break;
		case 'j':
			if (!cli_parse_u64("-j", optarg, &v) || v == 0 ||
			    v > 256) {
				fprintf(stderr, "ffa-harness: -j: 1..256\n");
				return CLI_EXIT_INVALID_INPUT;
			}
			a->jobs = (unsigned)v;
			break;
		case OPT_TRACE:
			a->trace = true;
			break;
		case OPT_MAX_INSNS:
			if (!cli_parse_u64("--max-insns", optarg,
					   &a->runner.max_insns)) {
				return CLI_EXIT_INVALID_INPUT;
			}
			break;
		case OPT_NO_FORK:
			a->no_fork = true;
			break;
		case OPT_NO_SNAPSHOTS:
			a->no_snapshots = true;
			break;
		case OPT_FRESH_ENGINES:
			a->fresh_engines = true;
			break;
		case OPT_NO_FAST_LOOPS:
			a->no_fast_loops = true;
			break;
		case OPT_SHOW_SNAPSHOTS:
			a->show_snapshots = true;
			break;
		case OPT_SNAPSHOTS_ALWAYS:
			a->snapshots_always = true;
			break;
		case OPT_GDB: {
			uint64_t port;

			if (!cli_parse_u64("--gdb", optarg, &port) ||
			    port == 0 || port > 65535) {
				fprintf(stderr, "ffa-harness run: --gdb: a "
						"port in 1..65535 expected\n");
				return CLI_EXIT_INVALID_INPUT;
			}
			a->runner.gdb_port = (unsigned)port;
			break;
		}
		case OPT_BREAK_AT_STEP: {
			uint64_t step;

			if (!cli_parse_u64("--break-at-step", optarg, &step) ||
			    step == 0 || step > 100000) {
				fprintf(stderr, "ffa-harness run: "
						"--break-at-step: a step number "
						"from 1 expected\n");
				return CLI_EXIT_INVALID_INPUT;
			}
			a->runner.gdb_break_at_step = (unsigned)step;
			break;
		}
		case OPT_BREAK_ON_FINDING:
			a->runner.gdb_break_on_finding = true;
			break;
		case OPT_QUIET:
			a->progress = 0;
			break;
		case OPT_PROGRESS:
			a->progress = 1;
			break;
		case OPT_ECHO:
			a->runner.echo_console = true;
			break;
		case OPT_HTML_TRACES:
			if (!cli_parse_html_traces(optarg, &a->html_all_traces)) {
				return CLI_EXIT_INVALID_INPUT;
			}
			break;
		case 'h':
			fputs(run_usage, stdout);
			return CLI_EXIT_PASS;
		default:
			fputs(run_usage, stderr);
			return CLI_EXIT_INVALID_INPUT;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "ffa-harness run: no scenario given\n");
		return CLI_EXIT_INVALID_INPUT;
	}
	if (a->no_fork && a->jobs > 1) {
		fprintf(stderr, "ffa-harness run: --no-fork runs the scenarios "
				"one at a time in this process; it cannot be "
				"combined with -j %u\n",
			a->jobs);
		return CLI_EXIT_INVALID_INPUT;
	}
	if (a->progress < 0) {
		const char *ci = getenv("CI");
		a->progress = isatty(STDOUT_FILENO) &&
			      (ci == NULL || ci[0] == '\0');
	}
	return -1;
}

/* --- Running ------------------------------------------------------------- */

struct job {
	const struct scenario *sc;
	pid_t pid;
	char *result_path;
	char *object;    /* the JSON SCENARIO object */
	enum verdict verdict;
	bool input_error;
	bool crashed;
	double seconds;
	struct timespec started;
};

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A finished run's JSON object into job, its trace on stdout. */
static void take_result(struct job *job, const struct run_args *a,
			struct scenario_run *run)
{
	struct strbuf sb = STRBUF_INIT;

	run_json_scenario(run, &sb);
	job->object = strbuf_steal(&sb);
	job->verdict = run->verdict;
	job->input_error = run->input_error;
	if (a->trace && run->session != NULL) {
		printf("== trace of %s\n", job->sc->name);
		report_text_trace(stdout, &run->session->trace);
	}
}

/* Runs one scenario here, from reset. */
static void run_here(struct job *job, const struct run_args *a)
{
	struct scenario_run *run = runner_run(job->sc, &a->runner);

	take_result(job, a, run);
	runner_run_free(run);
}

/* Worker exit codes: the verdict, or this for invalid input. */
#define WORKER_INPUT_ERROR 10
/* ... or this when its result could not be written (a crash, read back). */
#define WORKER_NO_RESULT 100

/* The exit code a scenario's worker ends with. */
static int worker_code(const struct job *job)
{
	return job->input_error ? WORKER_INPUT_ERROR : (int)job->verdict;
}

static void set_result_path(struct job *job, const char *dir, size_t index)
{
	struct strbuf path = STRBUF_INIT;

	strbuf_printf(&path, "%s/%zu.json", dir, index);
	free(job->result_path);
	job->result_path = strbuf_steal(&path);
}

/* A scenario's result into its file; its verdict as a worker exit code. */
static int write_result(struct job *job)
{
	struct error err = {0};
	int code = worker_code(job);

	if (!file_hand_over(job->result_path, job->object,
			    strlen(job->object), &err)) {
		fprintf(stderr, "ffa-harness: %s\n", err.message);
		code = WORKER_NO_RESULT;
	}
	fflush(stdout);
	return code;
}

/* A worker's end: its result into the file, its verdict as exit code. */
_Noreturn static void worker_exit(struct job *job)
{
	_exit(write_result(job));
}

static void start_worker(struct job *job, const struct run_args *a,
			 const char *dir, size_t index)
{
	set_result_path(job, dir, index);
	clock_gettime(CLOCK_MONOTONIC, &job->started);
	fflush(stdout);
	fflush(stderr);
	job->pid = fork();
	if (job->pid == 0) {
		/* The process ends here: tearing the machine down (Unicorn's
		 * translation tables, guest RAM) would only cost time. */
		take_result(job, a, runner_run(job->sc, &a->runner));
		worker_exit(job);
	}
}

/* A worker that died without a result: an error object of our own. */
static char *crash_object(const struct scenario *sc, const char *why)
{
	struct strbuf sb = STRBUF_INIT;
	struct strbuf esc = STRBUF_INIT;

	jsonw_escape(&esc, sc->name, strlen(sc->name));
	strbuf_printf(&sb, "{\"name\":\"%s\",\"file\":\"", strbuf_str(&esc));
	strbuf_reset(&esc);
	jsonw_escape(&esc, sc->file, strlen(sc->file));
	strbuf_printf(&sb,
		      "%s\",\"line\":%d,\"column\":%d,\"verdict\":\"error\","
		      "\"message\":\"internal error: %s\",\"steps\":[],"
		      "\"findings\":[],\"trace\":[],\"console\":\"\"}",
		      strbuf_str(&esc), sc->mark.line, sc->mark.column, why);
	strbuf_free(&esc);
	return strbuf_steal(&sb);
}

/*
 * A worker's end: object is its result (NULL when it left none), status
 * its wait status.  Takes object.
 */
static void finish_job(struct job *job, int status, char *object)
{
	char why[64];

	job->seconds = since(&job->started);
	if (WIFEXITED(status) && WEXITSTATUS(status) <= WORKER_INPUT_ERROR &&
	    object != NULL) {
		job->object = object;
		job->input_error = WEXITSTATUS(status) == WORKER_INPUT_ERROR;
		job->verdict = job->input_error
				       ? VERDICT_ERROR
				       : (enum verdict)WEXITSTATUS(status);
		return;
	}
	if (WIFSIGNALED(status)) {
		snprintf(why, sizeof(why), "the worker died of signal %d",
			 WTERMSIG(status));
	} else {
		snprintf(why, sizeof(why), "the worker exited with %d",
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
	free(object);
	job->object = crash_object(job->sc, why);
	job->verdict = VERDICT_ERROR;
	job->crashed = true;
}

/* A forked worker's end: its result file, read and removed. */
static void finish_worker(struct job *job, int status)
{
	struct strbuf data = STRBUF_INIT;
	struct error err = {0};
	char *object = NULL;

	if (WIFEXITED(status) && WEXITSTATUS(status) <= WORKER_INPUT_ERROR &&
	    file_read_all(job->result_path, &data, 1u << 30, &err)) {
		object = strbuf_steal(&data);
	}
	strbuf_free(&data);
	finish_job(job, status, object);
	unlink(job->result_path);
}

/* --- Results of in-process runs ------------------------------------------- */

/*
 * A scenario run in-process (in a batch, or a group's first member)
 * appends its result to its process's log, <dir>/batch-<pid>.json, and the
 * leader's line "I index status pid offset length" says where.  One file
 * per process, not one per scenario: creating, syncing, renaming and
 * removing a file each was an eighth of the reference-client suite (perf,
 * 2026-12-07).  The state is per process by nature: a fork, seeing another
 * pid, opens a log of its own.
 */
static struct {
	const char *dir;
	pid_t pid; /* the process that opened fd */
	int fd;
} result_log = {NULL, 0, -1};

static void result_log_path(struct strbuf *sb, long pid)
{
	strbuf_printf(sb, "%s/batch-%ld.json", result_log.dir, pid);
}

/* Appends text to this process's log at *at; false (errno) if it cannot. */
static bool result_log_append(const char *text, size_t len, uint64_t *at)
{
	off_t pos;

	if (result_log.pid != getpid()) {
		struct strbuf path = STRBUF_INIT;

		result_log.pid = getpid();
		result_log_path(&path, (long)result_log.pid);
		result_log.fd = open(strbuf_str(&path),
				     O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
				     0600);
		strbuf_free(&path);
	}
	if (result_log.fd < 0) {
		return false;
	}
	/* Only this process writes its log: its offset is the log's end. */
	pos = lseek(result_log.fd, 0, SEEK_CUR);
	if (pos < 0) {
		return false;
	}
	*at = (uint64_t)pos;
	if (!fd_write_all(result_log.fd, text, len)) {
		errno = errno != 0 ? errno : ENOSPC;
		return false;
	}
	return true;
}

/* Reads len bytes at at from process pid's log; NULL if it cannot. */
static char *result_log_read(long pid, uint64_t at, size_t len)
{
	struct strbuf path = STRBUF_INIT;
	char *text = NULL;
	size_t got = 0;
	int fd;

	result_log_path(&path, pid);
	fd = open(strbuf_str(&path), O_RDONLY | O_CLOEXEC);
	strbuf_free(&path);
	if (fd < 0 || len > (1u << 30)) {
		goto out;
	}
	text = xmalloc(len + 1);
	while (got < len) {
		ssize_t n = pread(fd, text + got, len - got,
				  (off_t)(at + got));

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			free(text);
			text = NULL;
			goto out;
		}
		got += (size_t)n;
	}
	text[len] = '\0';
out:
	if (fd >= 0) {
		close(fd);
	}
	return text;
}

/* The result directory and everything in it (logs, a dead worker's
 * temporary files). */
static void remove_result_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d != NULL && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 &&
		    strcmp(e->d_name, "..") != 0) {
			unlinkat(dirfd(d), e->d_name, 0);
		}
	}
	if (d != NULL) {
		closedir(d);
	}
	rmdir(dir);
}

static void print_progress(const struct job *job, const struct run_args *a)
{
	static const char *const marks[VERDICT_COUNT] = {
		[VERDICT_PASS] = "PASS ",
		[VERDICT_NOT_IMPLEMENTED] = "GAP  ",
		[VERDICT_FAIL] = "FAIL ",
		[VERDICT_FIRMWARE] = "FW   ",
		[VERDICT_ERROR] = "ERROR",
	};

	if (a->progress) {
		printf("%s %s  (%.2f s)\n", marks[job->verdict], job->sc->name,
		       job->seconds);
		fflush(stdout);
	}
}

/*
 * The live status line on a terminal (issue 16, item 12): scenarios done
 * of all, time since the run began, and the ones running now.  Rewritten
 * in place ("\r", then ECMA-48 EL to clear the rest of the line) and
 * cleared before each result line is printed.
 */
struct live_status {
	bool on;
	size_t done;
	struct timespec started;
	unsigned width;
	char last[512]; /* what the line shows now: redrawn only on change */
};

static void live_init(struct live_status *ls, const struct run_args *a)
{
	struct winsize ws;

	memset(ls, 0, sizeof(*ls));
	ls->on = a->progress && !a->runner.echo_console &&
		 isatty(STDOUT_FILENO);
	ls->width = 80;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) {
		ls->width = ws.ws_col;
	}
	clock_gettime(CLOCK_MONOTONIC, &ls->started);
}

static void live_clear(struct live_status *ls)
{
	if (ls->on) {
		fputs("\r\033[K", stdout);
		ls->last[0] = '\0';
	}
}

static void live_show(struct live_status *ls, const struct job *jobs,
		      size_t count)
{
	struct strbuf sb = STRBUF_INIT;
	size_t shown = 0;

	if (!ls->on) {
		return;
	}
	strbuf_printf(&sb, "[%zu/%zu] %.0f s  running:", ls->done, count,
		      since(&ls->started));
	for (size_t i = 0; i < count; i++) {
		if (jobs[i].pid > 0 && jobs[i].object == NULL) {
			strbuf_printf(&sb, "%s %s", shown++ == 0 ? "" : ",",
				      jobs[i].sc->name);
		}
	}
	if (sb.len >= ls->width || sb.len >= sizeof(ls->last)) {
		sb.len = (ls->width < sizeof(ls->last) ? ls->width
						       : sizeof(ls->last)) -
			 4;
		strbuf_puts(&sb, "...");
	}
	if (strcmp(ls->last, strbuf_str(&sb)) != 0) {
		printf("\r\033[K%s", strbuf_str(&sb));
		fflush(stdout);
		snprintf(ls->last, sizeof(ls->last), "%s", strbuf_str(&sb));
	}
	strbuf_free(&sb);
}

/* --- Batches ------------------------------------------------------------- */

/*
 * A fork and the page faults of a fresh process cost more than a small
 * scenario does (measured on a 2-vCPU virtual machine: about 25 ms against
 * 6 ms for a reference-client scenario; docs/performance.md), so scenarios
 * that run from reset go to long-lived workers that run them one after
 * another in-process, as --no-fork does (the results are byte-identical:
 * tests/integration/test-snapshots.sh).  The workers take the next
 * scenario from a counter they share and report on a pipe like a snapshot's
 * workers ("S index" as a scenario starts, "E index status" with the exit
 * status a worker of its own would have had).  A scenario started and
 * never ended (its worker died) keeps no result, and the parent runs it
 * again alone.
 */
struct batch_queue {
	atomic_size_t next;
};

/*
 * A scenario run in this process: its result into the log, then the line
 * a worker of its own would have earned, with where the result is.
 */
static void report_in_process(struct job *job, size_t index,
			      struct scenario_run *run,
			      const struct run_args *a, int out)
{
	size_t len;
	uint64_t at = 0;
	int code;

	take_result(job, a, run);
	runner_run_free(run);
	code = worker_code(job);
	len = strlen(job->object);
	if (!result_log_append(job->object, len, &at)) {
		fprintf(stderr, "ffa-harness: writing a result in %s: %s\n",
			result_log.dir, strerror(errno));
		code = WORKER_NO_RESULT;
	}
	fflush(stdout);
	free(job->object);
	job->object = NULL;
	dprintf(out, "I %zu %d %ld %" PRIu64 " %zu\n", index,
		W_EXITCODE(code, 0), (long)getpid(), at, len);
}

static void batch_serve(struct job *jobs, const size_t *list, size_t n,
			struct batch_queue *q, const struct run_args *a,
			int out)
{
	for (;;) {
		size_t k = atomic_fetch_add(&q->next, 1);
		struct job *job;
		struct scenario_run *run;

		if (k >= n) {
			return;
		}
		job = &jobs[list[k]];
		dprintf(out, "S %zu\n", list[k]);
		run = runner_run(job->sc, &a->runner);
		report_in_process(job, list[k], run, a, out);
	}
}

/* Runs list[0..n) from reset in up to -j processes: this one and forks. */
_Noreturn static void batch_main(struct job *jobs, const size_t *list,
				 size_t n, const struct run_args *a, int out)
{
	struct batch_queue *q = mmap(NULL, sizeof(*q), PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	unsigned helpers = 0;

	if (q == MAP_FAILED) {
		_exit(0); /* the parent runs them one worker each */
	}
	atomic_init(&q->next, 0);
	for (unsigned w = 1; w < a->jobs && w < n; w++) {
		pid_t pid;

		fflush(stdout);
		fflush(stderr);
		pid = fork();
		if (pid == 0) {
			batch_serve(jobs, list, n, q, a, out);
			_exit(0);
		}
		helpers += pid > 0;
	}
	batch_serve(jobs, list, n, q, a, out);
	while (helpers > 0 && wait(NULL) > 0) {
		helpers--;
	}
	_exit(0);
}

/* Whether a scenario may run in a batch: QEMU runs keep a worker each. */
static bool batchable(const struct scenario *sc, const struct run_args *a)
{
	enum scenario_machine m =
		a->runner.backend_given ? a->runner.backend : sc->machine;

	return m != SCENARIO_MACHINE_QEMU;
}

/* --- Snapshots (harness/snapshot.h) ---------------------------------------- */

/*
 * A shared part that took less than this is run again by each member
 * instead (in the batch): forking from the snapshot would cost more.
 */
#define SNAPSHOT_WORTH_S 0.030

/*
 * The leader is one forked process that runs a group's set-up and shared
 * steps once, then forks one worker per member (up to -j at a time) from
 * that state and tells the parent, one line each, "S index" when a
 * member's worker starts and "E index status" with its wait status when
 * it ends; then it frees the group's machine and goes on to the next group
 * (its heap stays warm).  A group whose shared part was cheap, or whose
 * set-up failed, joins the batch instead: a failure in the shared part
 * then reads exactly as it would have without snapshots.  Last, the leader
 * runs the batch (the scenarios from reset).  Members it never reports
 * (the leader died) are run from reset by the parent, one worker each.
 */

/*
 * Forks a worker for each of members[0..count) from run, which has run
 * the `prefix` steps they share, -j at a time, and says when each starts
 * and ends.
 */
static void fork_members(struct job *jobs, const size_t *members,
			 size_t count, size_t prefix, struct scenario_run *run,
			 const struct run_args *a, int out)
{
	pid_t *pids = xcalloc(count, sizeof(*pids));
	size_t next = 0, running = 0;

	while (next < count || running > 0) {
		int status;
		pid_t pid;

		while (next < count && running < a->jobs) {
			struct job *job = &jobs[members[next]];

			fflush(stdout);
			fflush(stderr);
			pid = fork();
			if (pid == 0) {
				close(out);
				runner_adopt(run, job->sc, prefix);
				runner_resume(run, &a->runner);
				runner_steps(run, prefix, run->step_count);
				runner_finish(run);
				take_result(job, a, run);
				worker_exit(job);
			}
			if (pid > 0) {
				pids[next] = pid;
				running++;
				dprintf(out, "S %zu\n", members[next]);
			}
			next++;
		}
		pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			break;
		}
		for (size_t i = 0; i < count; i++) {
			if (pids[i] == pid && pid > 0) {
				dprintf(out, "E %zu %d\n", members[i], status);
				pids[i] = 0;
				running--;
			}
		}
	}
	free(pids);
}

/*
 * A boot-phase group (harness/snapshot.h): the set-up, the steps before
 * the boot and the boot's first part once; then the subs from there: the
 * workers of the one-member subs, -j at a time, then each larger sub, led
 * by a forked process that goes on through the steps the sub shares and
 * forks its members' workers from there.  A sub whose leader dies leaves
 * its members unreported: the parent runs them from reset.
 */
static size_t leader_boot_phase_group(struct job *jobs,
				      const struct snapshot_group *g,
				      const struct run_args *a, int out)
{
	struct scenario_run *run =
		runner_start(jobs[g->members[0]].sc, &a->runner);
	size_t *alone = xmalloc(g->sub_count * sizeof(*alone));
	size_t alone_count = 0;

	runner_defer_expectations(run, g->prefix);
	runner_steps(run, 0, g->prefix);
	if (!runner_started(run) || run->ended ||
	    !runner_boot_phase(run, g->prefix)) {
		runner_run_free(run);
		free(alone);
		return 0; /* from reset: a failure reads as it would alone */
	}
	for (size_t i = 0; i < g->sub_count; i++) {
		if (g->subs[i].count == 1) {
			alone[alone_count++] = g->subs[i].members[0];
		}
	}
	fork_members(jobs, alone, alone_count, g->prefix, run, a, out);
	free(alone);
	for (size_t i = 0; i < g->sub_count; i++) {
		const struct snapshot_group *sub = &g->subs[i];
		pid_t pid;

		if (sub->count == 1) {
			continue;
		}
		fflush(stdout);
		fflush(stderr);
		pid = fork();
		if (pid == 0) {
			runner_adopt(run, jobs[sub->members[0]].sc, g->prefix);
			runner_defer_expectations(run, sub->prefix);
			runner_steps(run, g->prefix, sub->prefix);
			fork_members(jobs, sub->members, sub->count,
				     sub->prefix, run, a, out);
			_exit(0);
		}
		if (pid > 0) {
			waitpid(pid, NULL, 0);
		}
	}
	runner_run_free(run);
	return g->count;
}

/*
 * Runs group g from its snapshot.  Returns how many of its members (the
 * first ones) it ran; the others go to the batch.  When the shared part
 * proves cheaper than a fork, the first member goes on in this process,
 * as its worker would have after the fork, and the others go to the batch.
 */
static size_t leader_group(struct job *jobs, const struct snapshot_group *g,
			   const struct run_args *a, int out)
{
	struct runner_options o = a->runner;
	struct timespec t0;
	struct scenario_run *run;
	char why[256];

	if (g->boot_phase) {
		return leader_boot_phase_group(jobs, g, a, out);
	}
	o.snapshot_source = true; /* QEMU: keep a way to save it */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run = runner_start(jobs[g->members[0]].sc, &o);
	if (!runner_started(run)) {
		runner_run_free(run); /* QEMU reaped */
		return 0;
	}
	runner_defer_expectations(run, g->prefix);
	runner_steps(run, 0, g->prefix);
	if (!a->snapshots_always && since(&t0) < SNAPSHOT_WORTH_S &&
	    batchable(jobs[g->members[0]].sc, a)) {
		struct job *first = &jobs[g->members[0]];

		dprintf(out, "S %zu\n", g->members[0]);
		runner_adopt(run, first->sc, g->prefix);
		runner_steps(run, g->prefix, run->step_count);
		runner_finish(run);
		report_in_process(first, g->members[0], run, a, out);
		return 1;
	}
	if (!runner_snapshot(run, why, sizeof(why))) {
		fprintf(stderr, "ffa-harness: notice: snapshot of %s not "
				"taken (%s); its group runs from reset\n",
			jobs[g->members[0]].sc->name, why);
		runner_run_free(run);
		return 0;
	}
	fork_members(jobs, g->members, g->count, g->prefix, run, a, out);
	runner_run_free(run);
	return g->count;
}

/* The groups one after another, then the batch in scenario order. */
_Noreturn static void leader_main(struct job *jobs,
				  const struct snapshot_plan *plan,
				  size_t *batch, size_t batched,
				  const struct run_args *a, int out)
{
	for (size_t i = 0; i < plan->count; i++) {
		const struct snapshot_group *g = &plan->groups[i];

		/* A QEMU member left is left without a result: the parent
		 * then runs it from reset in a worker of its own. */
		for (size_t k = leader_group(jobs, g, a, out); k < g->count;
		     k++) {
			if (batchable(jobs[g->members[k]].sc, a)) {
				batch[batched++] = g->members[k];
			}
		}
	}
	snapshot_sort_indexes(batch, batched);
	batch_main(jobs, batch, batched, a, out);
}

/*
 * One line from the leader: a member's worker started ("S index"), ended
 * ("E index status": its result file), or a scenario ran in-process
 * ("I index status pid offset length": its result in that process's log).
 */
static void leader_says(struct job *jobs, size_t count, const char *line,
			const struct run_args *a, struct live_status *ls)
{
	size_t index, len;
	uint64_t at;
	long pid;
	int status;
	char kind;

	if (sscanf(line, "%c %zu", &kind, &index) != 2 || index >= count) {
		return;
	}
	if (kind == 'S') {
		jobs[index].pid = 1; /* running, for the status line */
		clock_gettime(CLOCK_MONOTONIC, &jobs[index].started);
		return;
	}
	if (kind == 'E' &&
	    sscanf(line, "%c %zu %d", &kind, &index, &status) == 3) {
		finish_worker(&jobs[index], status);
	} else if (kind == 'I' &&
		   sscanf(line, "%c %zu %d %ld %" SCNu64 " %zu", &kind, &index,
			  &status, &pid, &at, &len) == 6) {
		finish_job(&jobs[index], status,
			   result_log_read(pid, at, len));
	} else {
		return;
	}
	jobs[index].pid = 0;
	live_clear(ls);
	ls->done++;
	print_progress(&jobs[index], a);
}

/* Follows the leader's lines until it is done. */
static void follow_leader(struct job *jobs, size_t count, pid_t leader,
			  int fd, const struct run_args *a,
			  struct live_status *ls)
{
	char buf[4096];
	size_t have = 0;

	for (;;) {
		/* A quarter of a second at most, for the status line. */
		struct pollfd p = {.fd = fd, .events = POLLIN};
		char *nl;
		ssize_t n;

		live_show(ls, jobs, count);
		if (poll(&p, 1, 250) <= 0) {
			continue;
		}
		n = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (n <= 0) {
			break; /* the leader is done */
		}
		have += (size_t)n;
		buf[have] = '\0';
		while ((nl = strchr(buf, '\n')) != NULL) {
			*nl = '\0';
			leader_says(jobs, count, buf, a, ls);
			have -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, have + 1);
		}
		if (have == sizeof(buf) - 1) {
			have = 0; /* not a line of ours */
		}
	}
	waitpid(leader, NULL, 0);
	for (size_t i = 0; i < count; i++) {
		if (jobs[i].object == NULL) {
			jobs[i].pid = 0;
		}
	}
}

/* --show-snapshots: which scenarios share what, and who runs from reset. */
static void show_plan(const struct snapshot_plan *plan, const struct job *jobs,
		      size_t count)
{
	bool *grouped = xcalloc(count != 0 ? count : 1, sizeof(*grouped));

	for (size_t i = 0; i < plan->count; i++) {
		const struct snapshot_group *g = &plan->groups[i];

		printf("snapshot %zu: %zu scenarios share set-up", i + 1,
		       g->count);
		if (g->prefix != 0) {
			printf(" and %zu step%s", g->prefix,
			       g->prefix == 1 ? "" : "s");
		}
		if (g->boot_phase) {
			printf(" and their boot to its first stop");
		}
		printf(":");
		for (size_t k = 0; k < g->count; k++) {
			printf(" %s", jobs[g->members[k]].sc->name);
			grouped[g->members[k]] = true;
		}
		printf("\n");
		for (size_t s = 0; s < g->sub_count; s++) {
			const struct snapshot_group *sub = &g->subs[s];

			if (sub->count < 2) {
				continue;
			}
			printf("  then %zu of them share %zu step%s:",
			       sub->count, sub->prefix,
			       sub->prefix == 1 ? "" : "s");
			for (size_t k = 0; k < sub->count; k++) {
				printf(" %s", jobs[sub->members[k]].sc->name);
			}
			printf("\n");
		}
	}
	for (size_t i = 0; i < count; i++) {
		const char *why = snapshot_excluded(jobs[i].sc);

		if (!grouped[i]) {
			printf("from reset: %s (%s)\n", jobs[i].sc->name,
			       why != NULL ? why
					   : "no other scenario sets up alike");
		}
	}
	fflush(stdout);
	free(grouped);
}

static bool snapshots_apply(const struct run_args *a)
{
	return !a->no_snapshots && !a->no_fork && a->runner.gdb_port == 0 &&
	       !a->runner.echo_console &&
	       !(a->runner.backend_given &&
		 a->runner.backend == SCENARIO_MACHINE_QEMU);
}

/*
 * The snapshot groups, then the batch, through the leader; what is left
 * without a result (QEMU scenarios, a dead leader's) the caller runs.
 */
static void run_leader(struct job *jobs, size_t count,
		       const struct run_args *a, const char *dir,
		       struct live_status *ls)
{
	const struct scenario **scs = xcalloc(count != 0 ? count : 1,
					      sizeof(*scs));
	bool *grouped = xcalloc(count != 0 ? count : 1, sizeof(*grouped));
	size_t *batch = xcalloc(count != 0 ? count : 1, sizeof(*batch));
	struct snapshot_plan plan = {0};
	size_t batched = 0;
	int fds[2];
	pid_t leader;

	result_log.dir = dir;
	for (size_t i = 0; i < count; i++) {
		scs[i] = jobs[i].sc;
		set_result_path(&jobs[i], dir, i);
	}
	if (snapshots_apply(a)) {
		snapshot_plan(scs, count, &plan);
		if (a->show_snapshots) {
			show_plan(&plan, jobs, count);
		}
	}
	for (size_t i = 0; i < plan.count; i++) {
		for (size_t k = 0; k < plan.groups[i].count; k++) {
			grouped[plan.groups[i].members[k]] = true;
		}
	}
	for (size_t i = 0; i < count; i++) {
		if (!grouped[i] && batchable(jobs[i].sc, a)) {
			batch[batched++] = i;
		}
	}
	if ((plan.count != 0 || batched != 0) && pipe(fds) == 0) {
		fflush(stdout);
		fflush(stderr);
		leader = fork();
		if (leader == 0) {
			close(fds[0]);
			leader_main(jobs, &plan, batch, batched, a, fds[1]);
		}
		close(fds[1]);
		if (leader > 0) {
			follow_leader(jobs, count, leader, fds[0], a, ls);
		}
		close(fds[0]);
	}
	snapshot_plan_free(&plan);
	free(batch);
	free(grouped);
	free(scs);
}
static void run_jobs(struct job *jobs, size_t count, const struct run_args *a)
{
	struct live_status ls;
	char dir_template[] = "/tmp/ffa-harness-XXXXXX";
	const char *dir;
	size_t next = 0, running = 0;

	live_init(&ls, a);
	if (a->no_fork) {
		for (size_t i = 0; i < count; i++) {
			clock_gettime(CLOCK_MONOTONIC, &jobs[i].started);
			jobs[i].pid = 1; /* running, for the status line */
			live_show(&ls, jobs, count);
			run_here(&jobs[i], a);
			jobs[i].pid = 0;
			jobs[i].seconds = since(&jobs[i].started);
			live_clear(&ls);
			ls.done++;
			print_progress(&jobs[i], a);
		}
		return;
	}
	dir = mkdtemp(dir_template);
	if (dir == NULL) {
		fprintf(stderr, "ffa-harness: mkdtemp: %s\n", strerror(errno));
		exit(CLI_EXIT_INTERNAL);
	}
	if (a->runner.gdb_port == 0) {
		run_leader(jobs, count, a, dir, &ls);
	}
	while (next < count || running > 0) {
		int status;
		pid_t pid;

		while (next < count && jobs[next].object != NULL) {
			next++; /* done from a snapshot */
		}
		while (next < count && running < a->jobs) {
			if (jobs[next].object != NULL) {
				next++;
				continue;
			}
			start_worker(&jobs[next], a, dir, next);
			if (jobs[next].pid < 0) {
				jobs[next].object = crash_object(jobs[next].sc,
								 "fork failed");
				jobs[next].verdict = VERDICT_ERROR;
				jobs[next].crashed = true;
			} else {
				running++;
			}
			next++;
		}
		live_show(&ls, jobs, count);
		pid = waitpid(-1, &status, ls.on ? WNOHANG : 0);
		if (pid == 0) {
			/* Nothing ended: refresh the elapsed time 4 times a second. */
			struct timespec quarter = {0, 250000000};

			nanosleep(&quarter, NULL);
			continue;
		}
		if (pid < 0) {
			break;
		}
		for (size_t i = 0; i < count; i++) {
			if (jobs[i].pid == pid && jobs[i].object == NULL) {
				finish_worker(&jobs[i], status);
				running--;
				live_clear(&ls);
				ls.done++;
				print_progress(&jobs[i], a);
				break;
			}
		}
	}
	live_clear(&ls);
	remove_result_dir(dir);
}

/* --- Reproducing a scenario ---------------------------------------------- */

/* Appends arg for a POSIX shell: as it is when safe, else single-quoted. */
static void shell_word(struct strbuf *sb, const char *arg)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				   "_./:=@%+,-";

	strbuf_putc(sb, ' ');
	if (arg[0] != '\0' && strspn(arg, safe) == strlen(arg)) {
		strbuf_puts(sb, arg);
		return;
	}
	strbuf_putc(sb, '\'');
	for (const char *p = arg; *p != '\0'; p++) {
		if (*p == '\'') {
			strbuf_puts(sb, "'\\''");
		} else {
			strbuf_putc(sb, *p);
		}
	}
	strbuf_putc(sb, '\'');
}

/* The scenario's name as a --filter glob that matches only it (fnmatch). */
static void exact_glob(struct strbuf *sb, const char *name)
{
	for (const char *p = name; *p != '\0'; p++) {
		if (strchr("*?[\\", *p) != NULL) {
			strbuf_putc(sb, '\\');
		}
		strbuf_putc(sb, *p);
	}
}

/*
 * The command line that reruns just this scenario with the options that
 * change its outcome, its console echoed (issue 16, item 7).
 */
static char *reproduce_line(const struct run_args *a,
			    const struct scenario *sc)
{
	const struct runner_options *o = &a->runner;
	struct strbuf sb = STRBUF_INIT, glob = STRBUF_INIT;
	char num[64];

	strbuf_puts(&sb, "ffa-harness run --echo --filter");
	exact_glob(&glob, sc->name);
	shell_word(&sb, strbuf_str(&glob));
	strbuf_free(&glob);
	if (o->image != NULL) {
		shell_word(&sb, "--image");
		shell_word(&sb, o->image);
	}
	if (o->format != IMAGE_FORMAT_AUTO) {
		shell_word(&sb, "--format");
		shell_word(&sb, o->format == IMAGE_FORMAT_ELF ? "elf" : "raw");
	}
	if (o->has_load_addr) {
		snprintf(num, sizeof(num), "0x%llx",
			 (unsigned long long)o->load_addr);
		shell_word(&sb, "--load-addr");
		shell_word(&sb, num);
	}
	if (o->platform != NULL) {
		shell_word(&sb, "--platform");
		shell_word(&sb, o->platform);
	}
	if (o->backend_given) {
		shell_word(&sb, "--backend");
		shell_word(&sb, o->backend == SCENARIO_MACHINE_QEMU ? "qemu"
								    : "unicorn");
	}
	if (o->has_shared_buffer) {
		snprintf(num, sizeof(num), "0x%llx:0x%llx",
			 (unsigned long long)o->shared_buf_addr,
			 (unsigned long long)o->shared_buf_size);
		shell_word(&sb, "--shared-buffer");
		shell_word(&sb, num);
	}
	if (o->firmware_dir != NULL) {
		shell_word(&sb, "--firmware-dir");
		shell_word(&sb, o->firmware_dir);
	}
	if (o->max_insns != 0) {
		snprintf(num, sizeof(num), "%llu",
			 (unsigned long long)o->max_insns);
		shell_word(&sb, "--max-insns");
		shell_word(&sb, num);
	}
	shell_word(&sb, sc->file);
	return strbuf_steal(&sb);
}

/* Puts "reproduce" first in a SCENARIO object the worker wrote. */
static void add_reproduce(struct job *job, const struct run_args *a)
{
	char *line = reproduce_line(a, job->sc);
	struct strbuf sb = STRBUF_INIT;

	if (job->object == NULL || job->object[0] != '{') {
		free(line);
		return;
	}
	strbuf_puts(&sb, "{\"reproduce\":");
	strbuf_putc(&sb, '"');
	jsonw_escape(&sb, line, strlen(line));
	strbuf_putc(&sb, '"');
	strbuf_putc(&sb, job->object[1] == '}' ? ' ' : ',');
	strbuf_puts(&sb, job->object + 1);
	free(job->object);
	job->object = strbuf_steal(&sb);
	free(line);
}

/* --- Reports ------------------------------------------------------------- */

static bool write_file(const char *path, const struct strbuf *data)
{
	struct error err = {0};

	if (!file_write_atomic(path, strbuf_str(data), data->len, &err)) {
		fprintf(stderr, "ffa-harness: %s\n", err.message);
		return false;
	}
	return true;
}

static char *in_dir(const char *dir, const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_printf(&sb, "%s/%s", dir, name);
	return strbuf_steal(&sb);
}

static bool write_reports(const struct run_args *a, const struct strbuf *doc,
			  const struct job *jobs, size_t count)
{
	struct report_outputs out = {
		.junit = a->junit,
		.markdown = a->markdown,
		.html = a->html,
		.html_all_traces = a->html_all_traces,
	};
	char *owned[4] = {NULL, NULL, NULL, NULL};
	const char *json_path = a->json;
	double *seconds = xcalloc(count != 0 ? count : 1, sizeof(*seconds));
	bool ok = true;

	if (a->report_dir != NULL) {
		struct error err = {0};

		if (!file_mkdirs(a->report_dir, &err)) {
			fprintf(stderr, "ffa-harness: %s\n", err.message);
			free(seconds);
			return false;
		}
		json_path = owned[0] = in_dir(a->report_dir, "results.json");
		out.junit = owned[1] = in_dir(a->report_dir, "junit.xml");
		out.markdown = owned[2] = in_dir(a->report_dir, "summary.md");
		out.html = owned[3] = in_dir(a->report_dir, "report.html");
	}
	if (json_path != NULL) {
		ok = write_file(json_path, doc);
	}
	for (size_t i = 0; i < count; i++) {
		seconds[i] = jobs[i].seconds;
	}
	if (ok && (out.junit != NULL || out.markdown != NULL ||
		   out.html != NULL)) {
		struct error err = {0};

		if (!reports_write(strbuf_str(doc), doc->len, seconds, count,
				   &out, &err)) {
			fprintf(stderr, "ffa-harness: reports: %s\n",
				err.message);
			ok = false;
		}
	}
	for (size_t i = 0; i < 4; i++) {
		free(owned[i]);
	}
	free(seconds);
	return ok;
}

/*
 * The checks a backend could not run (QEMU: the cache model, the runtime
 * guard), so that a pass there is not read as theirs.
 */
static void print_not_applicable(const struct job *jobs, size_t count)
{
	char seen[8][48];
	size_t n = 0, kinds = 0;
	struct strbuf checks = STRBUF_INIT;

	for (size_t i = 0; i < count; i++) {
		/* Parsing every result (traces and all) was a twentieth of
		 * a reference-client suite; only QEMU's carry the key. */
		json_t *o = jobs[i].object != NULL &&
					    strstr(jobs[i].object,
						   "\"not_applicable\":") != NULL
				    ? json_loads(jobs[i].object, 0, NULL)
				    : NULL;
		json_t *na = json_object_get(json_object_get(o, "backend"),
					     "not_applicable");

		n += json_array_size(na) != 0;
		for (size_t k = 0; k < json_array_size(na); k++) {
			const char *c = json_string_value(
				json_object_get(json_array_get(na, k), "check"));
			bool known = false;

			for (size_t m = 0; c != NULL && m < kinds; m++) {
				known = known || strcmp(seen[m], c) == 0;
			}
			if (c == NULL || known || kinds == 8) {
				continue; /* each check once, first met first */
			}
			snprintf(seen[kinds++], sizeof(seen[0]), "%s", c);
			strbuf_printf(&checks, "%s%s", kinds > 1 ? ", " : "", c);
		}
		json_decref(o);
	}
	if (n != 0) {
		printf("not applicable on qemu (not passed) in %zu scenario%s: "
		       "%s\n",
		       n, n == 1 ? "" : "s", strbuf_str(&checks));
	}
	strbuf_free(&checks);
}

/* Prints the verdict of each scenario that did not pass, and the total. */
static void print_summary(const struct job *jobs, size_t count)
{
	size_t n[VERDICT_COUNT] = {0};
	enum verdict worst = VERDICT_PASS;

	for (size_t i = 0; i < count; i++) {
		n[jobs[i].verdict]++;
		worst = verdict_worst(worst, jobs[i].verdict);
		if (jobs[i].verdict != VERDICT_PASS) {
			json_t *o = json_loads(jobs[i].object, 0, NULL);
			const char *msg =
				json_string_value(json_object_get(o, "message"));
			const char *again = json_string_value(
				json_object_get(o, "reproduce"));

			printf("%s: %s (%s:%d): %s\n",
			       verdict_name(jobs[i].verdict), jobs[i].sc->name,
			       jobs[i].sc->file, jobs[i].sc->mark.line,
			       msg != NULL ? msg : "");
			if (again != NULL) {
				printf("  reproduce: %s\n", again);
			}
			json_decref(o);
		}
	}
	print_not_applicable(jobs, count);
	printf("%zu scenario%s: %zu pass, %zu fail, %zu firmware, %zu "
	       "not-implemented, %zu error -> %s\n",
	       count, count == 1 ? "" : "s", n[VERDICT_PASS], n[VERDICT_FAIL],
	       n[VERDICT_FIRMWARE], n[VERDICT_NOT_IMPLEMENTED],
	       n[VERDICT_ERROR], count == 0 ? "nothing ran" : verdict_name(worst));
}

static size_t select_scenarios(const struct scenario_set *set,
			       const struct run_args *a, struct job *jobs)
{
	size_t n = 0, matched = 0;

	for (size_t i = 0; i < set->count; i++) {
		const struct scenario *sc = &set->items[i];

		if (a->filter != NULL && fnmatch(a->filter, sc->name, 0) != 0) {
			continue;
		}
		if (a->shard_count != 0 &&
		    matched++ % a->shard_count != a->shard_index - 1) {
			continue;
		}
		memset(&jobs[n], 0, sizeof(jobs[n]));
		jobs[n++].sc = sc;
	}
	return n;
}

/*
 * A shard with nothing to run (more shards than scenarios, as a fixed CI
 * matrix may have): a pass with a notice, and reports that say so.
 */
static int run_empty_shard(const struct run_args *a,
			   const struct scenario_set *set)
{
	struct strbuf notice = STRBUF_INIT, doc = STRBUF_INIT;
	size_t matched = 0;
	bool ok;

	for (size_t i = 0; i < set->count; i++) {
		if (a->filter == NULL ||
		    fnmatch(a->filter, set->items[i].name, 0) == 0) {
			matched++;
		}
	}
	strbuf_printf(&notice,
		      "shard %u/%u is empty: %zu scenario%s selected for %u "
		      "shards",
		      a->shard_index, a->shard_count, matched,
		      matched == 1 ? "" : "s", a->shard_count);
	printf("notice: %s\n", strbuf_str(&notice));
	run_json_empty_document(strbuf_str(&notice), &doc);
	ok = write_reports(a, &doc, NULL, 0);
	strbuf_free(&notice);
	strbuf_free(&doc);
	return ok ? CLI_EXIT_PASS : CLI_EXIT_INTERNAL;
}

int run_main(int argc, char **argv)
{
	struct run_args a;
	struct scenario_set set = {0};
	struct job *jobs;
	struct strbuf doc = STRBUF_INIT;
	const char **objects;
	enum verdict *verdicts;
	size_t files, count;
	int rc = parse_run_args(argc, argv, &a);
	bool input_error = false, internal_error = false, bad = false;

	if (rc >= 0) {
		return rc;
	}
	if (!load_all(argc - optind, argv + optind, &set, &files)) {
		scenario_set_free(&set);
		return CLI_EXIT_INVALID_INPUT;
	}
	jobs = xcalloc(set.count != 0 ? set.count : 1, sizeof(*jobs));
	count = select_scenarios(&set, &a, jobs);
	if (count == 0 && a.shard_count != 0 && set.count != 0) {
		rc = run_empty_shard(&a, &set);
		free(jobs);
		scenario_set_free(&set);
		return rc;
	}
	if (count == 0) {
		fprintf(stderr, "ffa-harness run: no scenario selected (%zu "
				"loaded from %zu files)\n",
			set.count, files);
		free(jobs);
		scenario_set_free(&set);
		return CLI_EXIT_INVALID_INPUT;
	}
	if (a.runner.gdb_port == 0 && (a.runner.gdb_break_at_step != 0 ||
					a.runner.gdb_break_on_finding)) {
		fprintf(stderr, "ffa-harness run: --break-at-step and "
				"--break-on-finding need --gdb PORT\n");
		free(jobs);
		scenario_set_free(&set);
		return CLI_EXIT_INVALID_INPUT;
	}
	if (a.runner.gdb_port != 0 && count != 1) {
		fprintf(stderr, "ffa-harness run: --gdb debugs one scenario; "
				"%zu selected: choose one with --filter NAME\n",
			count);
		free(jobs);
		scenario_set_free(&set);
		return CLI_EXIT_INVALID_INPUT;
	}
	if (a.runner.gdb_port != 0) {
		a.no_fork = true; /* gdb talks to this process's machine */
	}
	/* Processes that run scenarios one after another reuse one engine
	 * (emulator/machine_pool.c); forks inherit the setting. */
	machine_pool_enable(!a.fresh_engines && a.runner.gdb_port == 0);
	machine_fast_loops_enable(!a.no_fast_loops);
	run_jobs(jobs, count, &a);
	machine_pool_drain();
	for (size_t i = 0; i < count; i++) {
		add_reproduce(&jobs[i], &a);
	}
	objects = xcalloc(count, sizeof(*objects));
	verdicts = xcalloc(count, sizeof(*verdicts));
	for (size_t i = 0; i < count; i++) {
		objects[i] = jobs[i].object;
		verdicts[i] = jobs[i].verdict;
		input_error = input_error || jobs[i].input_error;
		internal_error = internal_error || jobs[i].crashed;
		bad = bad || (jobs[i].verdict != VERDICT_PASS &&
			      jobs[i].verdict != VERDICT_NOT_IMPLEMENTED);
	}
	run_json_document(objects, verdicts, count, &doc);
	print_summary(jobs, count);
	if (!write_reports(&a, &doc, jobs, count)) {
		internal_error = true;
	}
	rc = internal_error ? CLI_EXIT_INTERNAL
	     : input_error  ? CLI_EXIT_INVALID_INPUT
	     : bad          ? CLI_EXIT_FAIL
			    : CLI_EXIT_PASS;
	for (size_t i = 0; i < count; i++) {
		free(jobs[i].object);
		free(jobs[i].result_path);
	}
	free(objects);
	free(verdicts);
	free(jobs);
	strbuf_free(&doc);
	scenario_set_free(&set);
	return rc;
}

static const char check_usage[] =
	"usage: ffa-harness check FILE|DIR...\n"
	"\n"
	"Validates scenario files without running them: every error with\n"
	"FILE:LINE:COLUMN, the key path and what was expected.  Exit status\n"
	"0 when all are valid, 2 otherwise.\n";

int check_main(int argc, char **argv)
{
	struct scenario_set set = {0};
	size_t files;
	bool ok;

	if (argc < 2) {
		fputs(check_usage, stderr);
		return CLI_EXIT_INVALID_INPUT;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(check_usage, stdout);
		return CLI_EXIT_PASS;
	}
	ok = load_all(argc - 1, argv + 1, &set, &files);
	if (ok) {
		printf("%zu file%s, %zu scenario%s: valid\n", files,
		       files == 1 ? "" : "s", set.count,
		       set.count == 1 ? "" : "s");
	}
	scenario_set_free(&set);
	return ok ? CLI_EXIT_PASS : CLI_EXIT_INVALID_INPUT;
}
