/*
 * The host terminal of `ffa-harness console`: raw mode on standard input
 * when it is a terminal, and the signals that must never leave that
 * terminal raw.
 *
 * Raw mode is QEMU's for `-nographic` (chardev/char-stdio.c): no echo, no
 * line editing, no signals from keys (Ctrl-C goes to the firmware), 8-bit
 * input without CR/LF translation, and output post-processing kept, so
 * that a message of ours that ends in "\n" starts the next line at its
 * first column.
 *
 * Signals: SIGINT, SIGTERM, SIGHUP and SIGQUIT ask the run to end (the
 * caller polls terminal_end_signal() and ends with a verdict and its
 * reports); SIGPIPE is ignored (a write error says the same); the fatal
 * ones (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT) restore the terminal
 * and then kill the process as they would have; SIGTSTP restores it while
 * the process is stopped and makes it raw again on SIGCONT.  Only SIGKILL
 * can leave the terminal raw (`stty sane` repairs it).
 *
 * A signal handler can reach no state but file-scope state, so this
 * module keeps the saved terminal settings there: one console per
 * process, which `console` is.
 */
#ifndef HARNESS_TERMINAL_H
#define HARNESS_TERMINAL_H

#include <stdbool.h>

/* Installs the handlers above; terminal_release() undoes it. */
void terminal_catch_signals(void);
/*
 * Puts fd in raw mode if it is a terminal (true if it did); the settings
 * before are restored by terminal_release(), and by the fatal signals.
 */
bool terminal_raw(int fd);
/* Restores the terminal (if raw) and the signal handlers before. */
void terminal_release(void);
/*
 * A file and a directory (either may be NULL) the fatal signals remove
 * before the process dies: a console's private variable store, which
 * would otherwise stay in TMPDIR.  The strings must live until
 * terminal_release() or the next call, which replace them.
 */
void terminal_remove_on_fatal(const char *file, const char *dir);
/* The signal that asked the run to end, or 0. */
int terminal_end_signal(void);

#endif /* HARNESS_TERMINAL_H */
