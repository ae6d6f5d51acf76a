#include "harness/gdb_session.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Signal numbers of stop replies (gdb's include/gdb/signals.def). */
enum { GDB_SIGTRAP = 5, GDB_SIGSEGV = 11 };

static bool op_read_reg(void *ctx, unsigned n, uint64_t *value)
{
	return machine_gdb_reg(ctx, n, value);
}

static bool op_write_reg(void *ctx, unsigned n, uint64_t value)
{
	return machine_gdb_set_reg(ctx, n, value);
}

static bool op_read_mem(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return guest_mem_read(machine_cpu_mem(ctx), addr, buf, len);
}

static bool op_write_mem(void *ctx, uint64_t addr, const void *buf,
			 size_t len)
{
	return guest_mem_write(machine_cpu_mem(ctx), addr, buf, len);
}

static bool op_set_bp(void *ctx, uint64_t addr)
{
	return machine_add_breakpoint(ctx, addr);
}

static bool op_clear_bp(void *ctx, uint64_t addr)
{
	return machine_remove_breakpoint(ctx, addr);
}

static const struct gdbstub_ops machine_ops = {
	.read_reg = op_read_reg,
	.write_reg = op_write_reg,
	.read_mem = op_read_mem,
	.write_mem = op_write_mem,
	.set_breakpoint = op_set_bp,
	.clear_breakpoint = op_clear_bp,
};

bool gdb_session_open(struct gdb_session *gs, struct machine *m,
		      unsigned port, struct error *err)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons((uint16_t)port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int one = 1;
	int lfd;

	memset(gs, 0, sizeof(*gs));
	gs->fd = -1;
	gs->machine = m;
	if (port == 0 || port > 65535) {
		return error_setf(err, "--gdb: port %u is not in 1..65535",
				  port);
	}
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0) {
		return error_setf(err, "--gdb: socket: %s", strerror(errno));
	}
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) != 0 ||
	    listen(lfd, 1) != 0) {
		error_setf(err, "--gdb: cannot listen on 127.0.0.1:%u: %s",
			   port, strerror(errno));
		close(lfd);
		return false;
	}
	fprintf(stderr, "ffa-harness: waiting for gdb on 127.0.0.1:%u\n",
		port);
	gs->fd = accept(lfd, NULL, NULL);
	close(lfd); /* one debugger per run */
	if (gs->fd < 0) {
		return error_setf(err, "--gdb: accept: %s", strerror(errno));
	}
	/* Packets are small and answered one at a time. */
	setsockopt(gs->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	gdbstub_init(&gs->stub, gs->fd, &machine_ops, m);
	gs->waiting = true; /* gdb finds the CPU stopped at the entry */
	return true;
}

/* Drops the connection: gdb detached, went away or was told the end. */
static void detach(struct gdb_session *gs)
{
	if (gs->fd >= 0) {
		close(gs->fd);
		gs->fd = -1;
	}
}

/* A final stop: power-off or reset is an exit; anything else stops with
 * SIGSEGV so that the developer can look at the faulting state. */
static void report_final(struct gdb_session *gs, enum machine_stop stop)
{
	enum gdbstub_action action;

	if (stop == MACHINE_STOP_POWER_OFF || stop == MACHINE_STOP_RESET) {
		gdbstub_report_exit(&gs->stub, 0);
		return;
	}
	if (!gdbstub_report_stop(&gs->stub, GDB_SIGSEGV)) {
		return;
	}
	action = gdbstub_serve(&gs->stub);
	if (action == GDBSTUB_CONTINUE || action == GDBSTUB_STEP) {
		gdbstub_report_exit(&gs->stub, 1); /* nothing left to run */
	}
}

enum machine_stop gdb_session_run(struct gdb_session *gs,
				  const struct machine_run_opts *opts)
{
	static const struct machine_run_opts none;
	struct machine_run_opts o = opts != NULL ? *opts : none;

	for (;;) {
		enum machine_stop stop;

		if (gs->fd < 0) {
			/* gdb left without removing its breakpoints: drop
			 * each one the run meets. */
			stop = machine_run(gs->machine, &o);
			while (stop == MACHINE_STOP_BREAKPOINT) {
				machine_remove_breakpoint(
					gs->machine, machine_pc(gs->machine));
				stop = machine_run(gs->machine, &o);
			}
			return stop;
		}
		if (gs->step_pending) {
			gs->step_pending = false;
			if (!gdbstub_report_stop(&gs->stub, GDB_SIGTRAP)) {
				detach(gs);
				continue;
			}
			gs->waiting = true;
		}
		if (gs->waiting) {
			enum gdbstub_action action = gdbstub_serve(&gs->stub);

			if (action != GDBSTUB_CONTINUE &&
			    action != GDBSTUB_STEP) {
				detach(gs);
				continue;
			}
			gs->stepping = action == GDBSTUB_STEP;
			gs->waiting = false;
		}
		o.single_insn = gs->stepping;
		stop = machine_run(gs->machine, &o);
		if (stop == MACHINE_STOP_BREAKPOINT ||
		    (gs->stepping && stop == MACHINE_STOP_STEP_BUDGET)) {
			if (!gdbstub_report_stop(&gs->stub, GDB_SIGTRAP)) {
				detach(gs);
			} else {
				gs->waiting = true;
			}
			continue;
		}
		if (machine_stop_is_final(stop)) {
			report_final(gs, stop);
			detach(gs);
			return stop;
		}
		/* The caller's stop (agent, console): a step resumes after. */
		gs->step_pending = gs->stepping;
		gs->stepping = false;
		return stop;
	}
}

void gdb_session_step_begins(struct gdb_session *gs, unsigned step)
{
	if (gs->fd < 0 || step != gs->break_at_step || gs->waiting) {
		return; /* gdb gone, another step, or it holds the CPU already */
	}
	gs->step_pending = false;
	gs->stepping = false;
	if (gdbstub_report_stop(&gs->stub, GDB_SIGTRAP)) {
		gs->waiting = true;
	} else {
		detach(gs);
	}
}

void gdb_session_close(struct gdb_session *gs)
{
	if (gs->fd >= 0 && !gs->waiting) {
		/* The caller ends the run while gdb awaits a stop reply
		 * (a scenario's last step): the target is gone. */
		gdbstub_report_exit(&gs->stub, 0);
	}
	detach(gs);
}
