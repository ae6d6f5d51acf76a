/*
 * qemu-hello: drives QEMU (or any program with a serial console on its
 * stdio) through U-Boot's prompt for `make bench` (scripts/bench.sh).
 *
 *   qemu-hello TIMEOUT_S LOG -- PROGRAM ARGS...
 *
 * Starts PROGRAM with its stdin and stdout on pipes, lets U-Boot's autoboot
 * run (as ffa-harness does: it never interrupts it), types "bootefi hello"
 * and Enter at the first "=> " prompt, waits for "Hello, world!", then
 * kills PROGRAM.  Like a terminal, it answers a cursor-position query
 * (ESC [ 6 n, sent by U-Boot's EFI console) with a 24x80 report; ffa-harness's
 * PL011 does the same.  Everything PROGRAM printed goes to LOG.
 *
 * Prints one line of seconds since the start, each -1 when not seen:
 *   banner=S countdown_start=S countdown_end=S prompt=S hello=S done=S
 * Exit status: 0 when the hello text came, 1 when it did not (timeout, or
 * PROGRAM ended), 2 for usage or system errors.
 *
 * Options (before TIMEOUT_S):
 *   -i       interrupt the autoboot countdown with a key as it starts
 *            (equal work on QEMU, whose countdown takes host time, and
 *            ffa-harness, whose countdown takes none: docs/performance.md)
 *   -c FILE  instead of bootefi hello, type FILE's lines one per prompt
 *            (the commands of one scenario); done when, after the last,
 *            a prompt comes back, the selftest summary or the hello text
 *            shows (QEMU's U-Boot stays in bootefi hello after it), U-Boot
 *            starts again (a reset) or PROGRAM ends (poweroff)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define OUTPUT_MAX (8u << 20)

static double now_s(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0) {
			if (errno == EINTR) {
				continue;
			}
			return; /* the program went away: the wait says so */
		}
		s += w;
		n -= (size_t)w;
	}
}

/* Where needle starts in out[from, len), or -1. */
static long find(const char *out, size_t len, size_t from, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = from; i + n <= len; i++) {
		if (memcmp(out + i, needle, n) == 0) {
			return (long)i;
		}
	}
	return -1;
}

/* FILE's text, NUL-terminated; NULL (reported) if it cannot be read. */
static char *read_commands(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = calloc(1, 65536);
	size_t n;

	if (f == NULL || text == NULL) {
		perror(path);
		free(text);
		if (f != NULL) {
			fclose(f);
		}
		return NULL;
	}
	n = fread(text, 1, 65535, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

int main(int argc, char **argv)
{
	static char out[OUTPUT_MAX];
	size_t len = 0, query_scan = 0;
	double timeout_s, t_banner = -1, t_count0 = -1, t_count1 = -1;
	double t_prompt = -1, t_hello = -1;
	long count_at = -1;
	int to_child[2], from_child[2];
	struct timespec t0;
	FILE *log;
	pid_t pid;
	int status = 0;
	bool exited = false;

	bool interrupt = false;
	char *commands = NULL, *next_command = NULL;
	double t_done = -1;
	size_t prompt_scan = 0, banners = 0, banner_scan = 0;
	size_t done_scan = 0;

	while (argc > 1 && argv[1][0] == '-' && strcmp(argv[1], "--") != 0) {
		if (strcmp(argv[1], "-i") == 0) {
			interrupt = true;
			argv++;
			argc--;
		} else if (strcmp(argv[1], "-c") == 0 && argc > 2) {
			commands = read_commands(argv[2]);
			if (commands == NULL) {
				return 2;
			}
			next_command = commands;
			argv += 2;
			argc -= 2;
		} else {
			break;
		}
	}
	if (argc < 5 || strcmp(argv[3], "--") != 0) {
		fprintf(stderr, "usage: qemu-hello [-i] [-c FILE] TIMEOUT_S LOG "
				"-- PROGRAM ARGS...\n");
		return 2;
	}
	timeout_s = atof(argv[1]);
	log = fopen(argv[2], "w");
	if (log == NULL) {
		perror(argv[2]);
		return 2;
	}
	if (pipe(to_child) != 0 || pipe(from_child) != 0) {
		perror("pipe");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		dup2(to_child[0], STDIN_FILENO);
		dup2(from_child[1], STDOUT_FILENO);
		dup2(from_child[1], STDERR_FILENO);
		close(to_child[0]);
		close(to_child[1]);
		close(from_child[0]);
		close(from_child[1]);
		execvp(argv[4], &argv[4]);
		perror(argv[4]);
		_exit(127);
	}
	close(to_child[0]);
	close(from_child[1]);

	while (t_hello < 0 && t_done < 0) {
		struct pollfd p = {.fd = from_child[0], .events = POLLIN};
		double left = timeout_s - now_s(&t0);
		ssize_t n;
		long at;

		if (left <= 0) {
			break;
		}
		if (poll(&p, 1, (int)(left * 1000) + 1) < 0) {
			if (errno == EINTR) {
				continue;
			}
			perror("poll");
			break;
		}
		if (p.revents == 0) {
			continue;
		}
		n = read(from_child[0], out + len, sizeof(out) - 1 - len);
		if (n <= 0) {
			exited = true; /* the program closed its output */
			if (commands != NULL && *next_command == '\0') {
				t_done = now_s(&t0); /* poweroff */
			}
			break;
		}
		fwrite(out + len, 1, (size_t)n, log);
		len += (size_t)n;
		out[len] = '\0';
		if (t_banner < 0 && find(out, len, 0, "U-Boot 20") >= 0) {
			t_banner = now_s(&t0);
		}
		if (count_at < 0) {
			count_at = find(out, len, 0, "Hit any key to stop autoboot");
			if (count_at >= 0) {
				t_count0 = now_s(&t0);
				if (interrupt) {
					write_all(to_child[1], " ", 1);
				}
			}
		}
		/* The countdown line ends when the countdown is over. */
		if (count_at >= 0 && t_count1 < 0 &&
		    find(out, len, (size_t)count_at, "\n") >= 0) {
			t_count1 = now_s(&t0);
		}
		while ((at = find(out, len, query_scan, "\x1b[6n")) >= 0) {
			write_all(to_child[1], "\x1b[24;80R", 8);
			query_scan = (size_t)at + 4;
		}
		if (len >= 3) {
			query_scan = len - 3 > query_scan ? len - 3 : query_scan;
		}
		if (commands != NULL) {
			long at_prompt = find(out, len, prompt_scan, "=> ");
			long at_banner = find(out, len, banner_scan, "U-Boot 20");

			if (at_banner >= 0) {
				banners++;
				banner_scan = (size_t)at_banner + 1;
			}
			if (at_prompt >= 0 && t_prompt < 0) {
				t_prompt = now_s(&t0);
			}
			if (*next_command == '\0' && done_scan != 0 &&
			    (find(out, len, done_scan, "=> ") >= 0 ||
			     find(out, len, done_scan, "Summary:") >= 0 ||
			     find(out, len, done_scan, "Hello, world!") >= 0 ||
			     banners > 1)) {
				t_done = now_s(&t0);
			} else if (at_prompt >= 0 && *next_command != '\0') {
				size_t n_cmd = strcspn(next_command, "\n");

				write_all(to_child[1], next_command, n_cmd);
				write_all(to_child[1], "\r", 1);
				next_command += n_cmd + (next_command[n_cmd] != 0);
				if (*next_command == '\0') {
					done_scan = len; /* what comes after */
				}
			} else if (at_prompt >= 0 && done_scan == 0) {
				t_done = now_s(&t0); /* no command: the prompt */
			}
			if (at_prompt >= 0) {
				prompt_scan = (size_t)at_prompt + 3;
			}
		} else if (t_prompt < 0 && find(out, len, 0, "=> ") >= 0) {
			t_prompt = now_s(&t0);
			write_all(to_child[1], "bootefi hello\r", 14);
		}
		if (t_prompt >= 0 && find(out, len, 0, "Hello, world!") >= 0) {
			t_hello = now_s(&t0);
		}
		if (len + 1 >= sizeof(out)) {
			fprintf(stderr, "qemu-hello: too much output\n");
			break;
		}
	}
	if (!exited || waitpid(pid, &status, WNOHANG) == 0) {
		kill(pid, SIGKILL);
	}
	waitpid(pid, &status, 0);
	fclose(log);
	printf("banner=%.4f countdown_start=%.4f countdown_end=%.4f "
	       "prompt=%.4f hello=%.4f done=%.4f\n",
	       t_banner, t_count0, t_count1, t_prompt, t_hello, t_done);
	if (commands != NULL) {
		free(commands);
		if (t_done < 0) {
			fprintf(stderr, "qemu-hello: the commands did not finish "
					"within %.0f s (%s); the console is in "
					"%s\n",
				timeout_s,
				exited ? "the program ended" : "timeout",
				argv[2]);
			return 1;
		}
		return 0;
	}
	if (t_hello < 0) {
		fprintf(stderr,
			"qemu-hello: \"Hello, world!\" did not come within "
			"%.0f s (%s); the console is in %s\n",
			timeout_s, exited ? "the program ended" : "timeout",
			argv[2]);
		return 1;
	}
	return 0;
}
