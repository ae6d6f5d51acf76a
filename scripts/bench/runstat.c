/*
 * runstat: runs a command and says how long it took and how much memory it
 * used, for `make bench` (scripts/bench.sh).  GNU time is not installed on
 * a fresh Debian machine; this needs nothing but libc and /proc.
 *
 *   runstat [-s] RESULT_FILE -- PROGRAM ARGS...
 *
 * Writes one line to RESULT_FILE:
 *   wall=S cpu=S maxrss_kb=K tree_peak_kb=K status=N
 * wall      wall-clock seconds from fork to exit (CLOCK_MONOTONIC)
 * cpu       user + system CPU seconds of the command and the children it
 *           waited for (all threads)
 * maxrss_kb the largest resident set of any one process of the command's
 *           tree (getrusage: the command and the children it waited for)
 * tree_peak_kb  with -s, the largest sum of the resident sets of all the
 *           command's processes at once, sampled every 5 ms from /proc
 *           (short peaks can be missed); -1 without -s
 * status    the exit status (128 + N for signal N)
 * PROGRAM's output is left alone; runstat exits with its status.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PROCS 4096

/* ppid and resident set (kB) of pid from /proc; false if it is gone. */
static bool proc_info(pid_t pid, pid_t *ppid, long *rss_kb)
{
	char path[64], buf[1024];
	FILE *f;
	char *close_paren;
	long pages = 0, size = 0;
	int pp = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (f == NULL) {
		return false;
	}
	if (fgets(buf, sizeof(buf), f) == NULL) {
		fclose(f);
		return false;
	}
	fclose(f);
	/* The command name may hold spaces: fields resume after ')'. */
	close_paren = strrchr(buf, ')');
	if (close_paren == NULL ||
	    sscanf(close_paren + 1, " %*c %d", &pp) != 1) {
		return false;
	}
	snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
	f = fopen(path, "r");
	if (f == NULL) {
		return false;
	}
	if (fscanf(f, "%ld %ld", &size, &pages) != 2) {
		fclose(f);
		return false;
	}
	fclose(f);
	*ppid = (pid_t)pp;
	*rss_kb = pages * (sysconf(_SC_PAGESIZE) / 1024);
	return true;
}

/* The resident sets of root and all its descendants, summed. */
static long tree_rss_kb(pid_t root)
{
	static pid_t pids[MAX_PROCS], ppids[MAX_PROCS];
	static long rss[MAX_PROCS];
	static bool in_tree[MAX_PROCS];
	size_t n = 0;
	long total = 0;
	bool grew = true;
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (d == NULL) {
		return 0;
	}
	while ((e = readdir(d)) != NULL && n < MAX_PROCS) {
		pid_t pid = (pid_t)atoi(e->d_name);

		if (pid > 0 && proc_info(pid, &ppids[n], &rss[n])) {
			pids[n] = pid;
			in_tree[n] = pid == root;
			n++;
		}
	}
	closedir(d);
	while (grew) {
		grew = false;
		for (size_t i = 0; i < n; i++) {
			if (in_tree[i]) {
				continue;
			}
			for (size_t j = 0; j < n; j++) {
				if (in_tree[j] && pids[j] == ppids[i]) {
					in_tree[i] = true;
					grew = true;
					break;
				}
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (in_tree[i]) {
			total += rss[i];
		}
	}
	return total;
}

int main(int argc, char **argv)
{
	bool sample = false;
	int argi = 1;
	const char *result_path;
	struct timespec t0, t1;
	struct rusage ru;
	long peak = -1;
	int status = 0, code;
	pid_t pid;
	FILE *out;

	if (argi < argc && strcmp(argv[argi], "-s") == 0) {
		sample = true;
		argi++;
	}
	if (argc - argi < 3 || strcmp(argv[argi + 1], "--") != 0) {
		fprintf(stderr,
			"usage: runstat [-s] RESULT_FILE -- PROGRAM ARGS...\n");
		return 2;
	}
	result_path = argv[argi];
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[argi + 2], &argv[argi + 2]);
		perror(argv[argi + 2]);
		_exit(127);
	}
	for (;;) {
		pid_t w = wait4(pid, &status, sample ? WNOHANG : 0, &ru);

		if (w == pid) {
			break;
		}
		if (w < 0 && errno != EINTR) {
			perror("wait4");
			return 2;
		}
		if (sample) {
			long now = tree_rss_kb(pid);
			struct timespec pause = {0, 5 * 1000 * 1000};

			if (now > peak) {
				peak = now;
			}
			nanosleep(&pause, NULL);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	code = WIFEXITED(status) ? WEXITSTATUS(status)
				 : 128 + (WIFSIGNALED(status) ? WTERMSIG(status)
							      : 0);
	out = fopen(result_path, "w");
	if (out == NULL) {
		perror(result_path);
		return 2;
	}
	fprintf(out,
		"wall=%.6f cpu=%.6f maxrss_kb=%ld tree_peak_kb=%ld status=%d\n",
		(double)(t1.tv_sec - t0.tv_sec) +
			(double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		(double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
			(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) /
				1e6,
		ru.ru_maxrss, peak, code);
	fclose(out);
	return code;
}
