#include "harness/terminal.h"

#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* See the header: file scope because signal handlers must reach it. */
static struct termios saved_termios, raw_termios;
static int raw_fd = -1;
static volatile sig_atomic_t end_signal;

static const int end_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE,
				    SIGABRT};
#define END_COUNT (sizeof(end_signals) / sizeof(end_signals[0]))
#define FATAL_COUNT (sizeof(fatal_signals) / sizeof(fatal_signals[0]))
static struct sigaction old_end[END_COUNT], old_fatal[FATAL_COUNT];
static struct sigaction old_pipe, old_tstp;
static bool caught;
static const char *volatile fatal_file, *volatile fatal_dir;

static void on_end_signal(int sig)
{
	end_signal = sig;
}

/* tcsetattr(), unlink() and rmdir() are async-signal-safe (POSIX.1-2008,
 * 2.4.3). */
static void on_fatal_signal(int sig)
{
	if (raw_fd >= 0) {
		tcsetattr(raw_fd, TCSANOW, &saved_termios);
	}
	if (fatal_file != NULL) {
		unlink(fatal_file);
	}
	if (fatal_dir != NULL) {
		rmdir(fatal_dir);
	}
	/* SA_RESETHAND made the action the default again: die of it. */
	raise(sig);
}

/*
 * SIGTSTP (`kill -TSTP`; the key cannot send it in raw mode): the shell
 * gets its terminal back while this process is stopped, and raw mode
 * returns when it continues.
 */
static void on_stop_signal(int sig)
{
	struct sigaction sa;
	sigset_t set;

	if (raw_fd >= 0) {
		tcsetattr(raw_fd, TCSANOW, &saved_termios);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(sig, &sa, NULL);
	/* The handler runs with sig blocked: unblocked, raise() stops the
	 * process at once (blocked, it would come back to this handler). */
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig); /* stops here until SIGCONT */
	sa.sa_handler = on_stop_signal;
	sigaction(sig, &sa, NULL);
	if (raw_fd >= 0) {
		tcsetattr(raw_fd, TCSANOW, &raw_termios);
	}
}

void terminal_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a signal wakes poll() and a blocked write(). */
	sa.sa_handler = on_end_signal;
	for (size_t i = 0; i < END_COUNT; i++) {
		sigaction(end_signals[i], &sa, &old_end[i]);
	}
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = (int)SA_RESETHAND;
	for (size_t i = 0; i < FATAL_COUNT; i++) {
		sigaction(fatal_signals[i], &sa, &old_fatal[i]);
	}
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	sigaction(SIGPIPE, &sa, &old_pipe);
	sa.sa_handler = on_stop_signal;
	sigaction(SIGTSTP, &sa, &old_tstp);
	end_signal = 0;
	caught = true;
}

bool terminal_raw(int fd)
{
	struct termios t;

	if (!isatty(fd) || tcgetattr(fd, &saved_termios) != 0) {
		return false;
	}
	t = saved_termios;
	t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR |
				 IGNCR | ICRNL | IXON);
	t.c_oflag |= OPOST;
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | IEXTEN | ISIG);
	t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
	t.c_cflag |= CS8;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	raw_termios = t;
	raw_fd = fd;
	if (tcsetattr(fd, TCSANOW, &t) != 0) {
		raw_fd = -1;
		return false;
	}
	return true;
}

void terminal_release(void)
{
	terminal_remove_on_fatal(NULL, NULL);
	if (raw_fd >= 0) {
		/* TCSANOW: a terminal nobody reads must not block the exit. */
		tcsetattr(raw_fd, TCSANOW, &saved_termios);
		raw_fd = -1;
	}
	if (!caught) {
		return;
	}
	for (size_t i = 0; i < END_COUNT; i++) {
		sigaction(end_signals[i], &old_end[i], NULL);
	}
	for (size_t i = 0; i < FATAL_COUNT; i++) {
		sigaction(fatal_signals[i], &old_fatal[i], NULL);
	}
	sigaction(SIGPIPE, &old_pipe, NULL);
	sigaction(SIGTSTP, &old_tstp, NULL);
	caught = false;
}

int terminal_end_signal(void)
{
	return (int)end_signal;
}

void terminal_remove_on_fatal(const char *file, const char *dir)
{
	fatal_file = file;
	fatal_dir = dir;
}
