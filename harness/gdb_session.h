/*
 * `--gdb PORT`: a gdb attached to the Unicorn machine.  The session listens
 * on 127.0.0.1 only, waits for gdb before the run starts, and then stands
 * in for machine_run(): while gdb holds the target stopped it serves the
 * protocol (harness/gdbstub.c); stops that are not gdb's (agent waits,
 * console input) go back to the caller as machine_run() would return them.
 */
#ifndef HARNESS_GDB_SESSION_H
#define HARNESS_GDB_SESSION_H

#include <stdbool.h>

#include "common/error.h"
#include "emulator/machine.h"
#include "harness/gdbstub.h"

struct gdb_session {
	struct machine *machine;
	struct gdbstub stub;
	int fd;          /* the connection, -1 once gdb is gone */
	bool waiting;    /* gdb holds the target stopped */
	bool stepping;   /* the resume is a single step */
	bool step_pending; /* a step was cut short by a stop of the caller's */
	unsigned break_at_step; /* run --break-at-step N (1-based), 0 = none */
};

/* Listens on 127.0.0.1:port and blocks until gdb connects. */
bool gdb_session_open(struct gdb_session *gs, struct machine *m,
		      unsigned port, struct error *err);
/* machine_run() with gdb in control; plain machine_run() once detached. */
enum machine_stop gdb_session_run(struct gdb_session *gs,
				  const struct machine_run_opts *opts);
/* A scenario step (1-based) begins: stops for gdb at --break-at-step. */
void gdb_session_step_begins(struct gdb_session *gs, unsigned step);
void gdb_session_close(struct gdb_session *gs);

#endif /* HARNESS_GDB_SESSION_H */
