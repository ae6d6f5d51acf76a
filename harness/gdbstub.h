/*
 * A GDB remote stub: the Remote Serial Protocol (gdb manual, "Remote
 * Protocol": Overview, Packets, Stop Reply Packets) over one connected
 * socket, for an AArch64 target reached through gdbstub_ops, so that this
 * module knows nothing of Unicorn.  Registers follow gdb's AArch64 core
 * feature (gdb/features/aarch64-core.xml): x0..x30, sp, pc (64-bit each)
 * and cpsr (32-bit); a `g` reply of those alone is accepted by gdb, which
 * marks the FP registers it does not get as unavailable.
 */
#ifndef HARNESS_GDBSTUB_H
#define HARNESS_GDBSTUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GDBSTUB_REG_COUNT 34  /* x0..x30, sp, pc, cpsr */
#define GDBSTUB_MAX_PACKET 8192
#define GDBSTUB_MAX_MEM 2048  /* bytes per m/M packet */

struct gdbstub_ops {
	bool (*read_reg)(void *ctx, unsigned n, uint64_t *value);
	bool (*write_reg)(void *ctx, unsigned n, uint64_t value);
	bool (*read_mem)(void *ctx, uint64_t addr, void *buf, size_t len);
	bool (*write_mem)(void *ctx, uint64_t addr, const void *buf,
			  size_t len);
	bool (*set_breakpoint)(void *ctx, uint64_t addr);
	bool (*clear_breakpoint)(void *ctx, uint64_t addr);
};

/* What gdb asked the target to do once serving stops. */
enum gdbstub_action {
	GDBSTUB_NONE,     /* keep serving */
	GDBSTUB_CONTINUE,
	GDBSTUB_STEP,
	GDBSTUB_DETACH,   /* D or k: the run goes on without gdb */
	GDBSTUB_GONE,     /* the connection closed or failed */
};

struct gdbstub {
	int fd;
	const struct gdbstub_ops *ops;
	void *ctx;
	char cmd[GDBSTUB_MAX_PACKET + 1];       /* the packet being served */
	char reply[2 * GDBSTUB_MAX_PACKET + 1]; /* its answer */
	char framed[4 * GDBSTUB_MAX_PACKET + 8]; /* the answer escaped */
};

void gdbstub_init(struct gdbstub *g, int fd, const struct gdbstub_ops *ops,
		  void *ctx);
/* Answers packets until gdb resumes, detaches or goes away. */
enum gdbstub_action gdbstub_serve(struct gdbstub *g);
/* Stop replies: "S<sig>" (5 = SIGTRAP, 11 = SIGSEGV) and "W<code>". */
bool gdbstub_report_stop(struct gdbstub *g, unsigned signal);
bool gdbstub_report_exit(struct gdbstub *g, unsigned code);

/*
 * One command (the payload between '$' and '#', unescaped) and its reply
 * payload (NUL-terminated, at most GDBSTUB_MAX_PACKET bytes); returns the
 * action the command asks for.
 */
enum gdbstub_action gdbstub_handle(struct gdbstub *g, const char *cmd,
				   size_t len, char *reply);

/* Framing: "$payload#cs" with '#', '$', '}' and '*' escaped; 0 when it does
 * not fit in cap (NUL included). */
size_t gdbstub_frame(const char *payload, char *out, size_t cap);
/* The modulo-256 sum of the bytes. */
uint8_t gdbstub_checksum(const char *data, size_t len);
/* Undoes '}' escapes in place; returns the new length. */
size_t gdbstub_unescape(char *data, size_t len);

#endif /* HARNESS_GDBSTUB_H */
