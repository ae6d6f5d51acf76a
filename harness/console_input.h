/*
 * The keyboard side of `ffa-harness console`: bytes read from the host's
 * standard input go through the escape-key decoder (Ctrl-A, as in QEMU's
 * character-device multiplexer: Ctrl-A x quits, Ctrl-A h prints help,
 * Ctrl-A s prints the status, Ctrl-A Ctrl-A sends one Ctrl-A) into a
 * bounded queue, from which the UART's receive FIFO is refilled as the
 * firmware drains it.  Nothing here reads a file descriptor or knows the
 * machine: console_cmd.c does both.
 *
 * Why a queue of our own: a tool that types a long line at once (expect,
 * U-Boot's test/py) must lose no byte, and standard input must not be read
 * faster than the firmware consumes it, so that a pipe pushes back on its
 * writer instead of this process buffering without bound.
 */
#ifndef HARNESS_CONSOLE_INPUT_H
#define HARNESS_CONSOLE_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#define CONSOLE_ESCAPE_CHAR 0x01 /* Ctrl-A */
#define CONSOLE_INPUT_CAP 4096u  /* bytes queued for the firmware, at most */
/* The receive FIFO of the PL011 r1p5 that the model identifies as is 32
 * deep (Arm DDI 0183G); the queue refills it up to this depth. */
#define CONSOLE_UART_FIFO_DEPTH 32u

/* What an escape sequence asked for; each is reported once. */
enum console_command {
	CONSOLE_CMD_NONE,
	CONSOLE_CMD_QUIT,   /* Ctrl-A x */
	CONSOLE_CMD_HELP,   /* Ctrl-A h */
	CONSOLE_CMD_STATUS, /* Ctrl-A s */
};

struct console_input {
	char queue[CONSOLE_INPUT_CAP];
	size_t head;  /* first queued byte */
	size_t count; /* queued bytes */
	bool escape;  /* the last byte was the escape character */
	bool eof;     /* standard input has ended */
	bool quit;    /* Ctrl-A x was typed: nothing after it is taken */
};

void console_input_init(struct console_input *in);
/* Room for this many more bytes: read no more than that from stdin. */
size_t console_input_room(const struct console_input *in);
size_t console_input_queued(const struct console_input *in);
/*
 * Decodes len bytes typed at the host and queues those meant for the
 * firmware.  Stops at the first escape command and returns it with
 * *used = the bytes consumed (the caller acts on it, then passes the rest
 * again); returns CONSOLE_CMD_NONE with *used = len otherwise.  Bytes
 * beyond console_input_room() are not taken (*used says how many were).
 */
enum console_command console_input_take(struct console_input *in,
					 const char *bytes, size_t len,
					 size_t *used);
/* Moves up to max queued bytes into out; returns how many. */
size_t console_input_pop(struct console_input *in, char *out, size_t max);
/* The escape-key help, one command a line. */
extern const char console_input_help[];

#endif /* HARNESS_CONSOLE_INPUT_H */
