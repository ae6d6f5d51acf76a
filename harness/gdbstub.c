/*
 * The GDB Remote Serial Protocol (gdb manual, "Remote Protocol"): packets
 * are "$payload#cs" with cs the modulo-256 sum of the payload in two hex
 * digits, acknowledged by '+' (or '-' to ask again); '}' escapes a byte
 * as '}' then byte ^ 0x20.  Register and memory values travel as hex bytes
 * in target (little-endian) order.
 */
#include "harness/gdbstub.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/fileio.h"

static const char hex_digits[] = "0123456789abcdef";

static int hex_value(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

uint8_t gdbstub_checksum(const char *data, size_t len)
{
	unsigned sum = 0;

	for (size_t i = 0; i < len; i++) {
		sum += (unsigned char)data[i];
	}
	return (uint8_t)sum;
}

size_t gdbstub_unescape(char *data, size_t len)
{
	size_t out = 0;

	for (size_t i = 0; i < len; i++) {
		if (data[i] == '}' && i + 1 < len) {
			data[out++] = (char)(data[++i] ^ 0x20);
		} else {
			data[out++] = data[i];
		}
	}
	return out;
}

size_t gdbstub_frame(const char *payload, char *out, size_t cap)
{
	size_t n = 0, body;

	if (cap < 5) {
		return 0;
	}
	out[n++] = '$';
	body = n;
	for (const char *p = payload; *p != '\0'; p++) {
		bool esc = *p == '#' || *p == '$' || *p == '}' || *p == '*';

		if (n + (esc ? 2 : 1) + 4 > cap) {
			return 0;
		}
		if (esc) {
			out[n++] = '}';
			out[n++] = (char)(*p ^ 0x20);
		} else {
			out[n++] = *p;
		}
	}
	uint8_t cs = gdbstub_checksum(out + body, n - body);
	out[n++] = '#';
	out[n++] = hex_digits[cs >> 4];
	out[n++] = hex_digits[cs & 15];
	out[n] = '\0';
	return n;
}

void gdbstub_init(struct gdbstub *g, int fd, const struct gdbstub_ops *ops,
		  void *ctx)
{
	g->fd = fd;
	g->ops = ops;
	g->ctx = ctx;
}

/* --- Hex helpers ------------------------------------------------------------ */

/* Parses hex digits up to a non-hex byte; *end gets where it stopped. */
static bool parse_hex(const char *s, const char *limit, uint64_t *value,
		      const char **end)
{
	uint64_t v = 0;
	const char *p = s;

	while (p < limit && hex_value(*p) >= 0 && p - s < 16) {
		v = v << 4 | (uint64_t)hex_value(*p);
		p++;
	}
	*value = v;
	*end = p;
	return p != s;
}

static void put_le(char *out, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++) {
		uint8_t b = (uint8_t)(v >> (8 * i));

		*out++ = hex_digits[b >> 4];
		*out++ = hex_digits[b & 15];
	}
	*out = '\0';
}

static bool get_le(const char *in, unsigned bytes, uint64_t *v)
{
	*v = 0;
	for (unsigned i = 0; i < bytes; i++) {
		int hi = hex_value(in[2 * i]), lo = hex_value(in[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			return false;
		}
		*v |= (uint64_t)(hi << 4 | lo) << (8 * i);
	}
	return true;
}

static unsigned reg_bytes(unsigned n)
{
	return n == 33 ? 4 : 8; /* cpsr is 32-bit in aarch64-core.xml */
}

/* --- Commands ---------------------------------------------------------------- */

struct command {
	const char *prefix;
	enum gdbstub_action (*fn)(struct gdbstub *g, const char *arg,
				  const char *end, char *reply);
};

static enum gdbstub_action cmd_halt_reason(struct gdbstub *g, const char *arg,
					   const char *end, char *reply)
{
	(void)g, (void)arg, (void)end;
	strcpy(reply, "S05");
	return GDBSTUB_NONE;
}

static enum gdbstub_action cmd_read_regs(struct gdbstub *g, const char *arg,
					 const char *end, char *reply)
{
	(void)arg, (void)end;
	for (unsigned n = 0; n < GDBSTUB_REG_COUNT; n++) {
		uint64_t v;

		if (!g->ops->read_reg(g->ctx, n, &v)) {
			strcpy(reply, "E01");
			return GDBSTUB_NONE;
		}
		put_le(reply, v, reg_bytes(n));
		reply += 2 * reg_bytes(n);
	}
	return GDBSTUB_NONE;
}

static enum gdbstub_action cmd_write_regs(struct gdbstub *g, const char *arg,
					  const char *end, char *reply)
{
	for (unsigned n = 0; n < GDBSTUB_REG_COUNT; n++) {
		unsigned size = reg_bytes(n);
		uint64_t v;

		if (end - arg < 2 * (long)size) {
			break; /* gdb may send only the first registers */
		}
		if (!get_le(arg, size, &v) ||
		    !g->ops->write_reg(g->ctx, n, v)) {
			strcpy(reply, "E01");
			return GDBSTUB_NONE;
		}
		arg += 2 * size;
	}
	strcpy(reply, "OK");
	return GDBSTUB_NONE;
}

static enum gdbstub_action cmd_read_reg(struct gdbstub *g, const char *arg,
					const char *end, char *reply)
{
	uint64_t n, v;
	const char *p;

	if (!parse_hex(arg, end, &n, &p) || p != end) {
		strcpy(reply, "E01");
	} else if (n >= GDBSTUB_REG_COUNT) {
		strcpy(reply, "E02"); /* FP/SIMD registers: not provided */
	} else if (!g->ops->read_reg(g->ctx, (unsigned)n, &v)) {
		strcpy(reply, "E03");
	} else {
		put_le(reply, v, reg_bytes((unsigned)n));
	}
	return GDBSTUB_NONE;
}

static enum gdbstub_action cmd_write_reg(struct gdbstub *g, const char *arg,
					 const char *end, char *reply)
{
	uint64_t n, v;
	const char *p;

	if (!parse_hex(arg, end, &n, &p) || p >= end || *p != '=' ||
	    n >= GDBSTUB_REG_COUNT ||
	    end - (p + 1) != 2 * (long)reg_bytes((unsigned)n) ||
	    !get_le(p + 1, reg_bytes((unsigned)n), &v)) {
		strcpy(reply, "E01");
	} else if (!g->ops->write_reg(g->ctx, (unsigned)n, v)) {
		strcpy(reply, "E03");
	} else {
		strcpy(reply, "OK");
	}
	return GDBSTUB_NONE;
}

/* "addr,length" then, for M, ':' and the bytes. */
static bool parse_range(const char *arg, const char *end, uint64_t *addr,
			uint64_t *len, const char **rest)
{
	const char *p;

	if (!parse_hex(arg, end, addr, &p) || p >= end || *p != ',' ||
	    !parse_hex(p + 1, end, len, rest)) {
		return false;
	}
	return *len <= GDBSTUB_MAX_MEM;
}

static enum gdbstub_action cmd_read_mem(struct gdbstub *g, const char *arg,
					const char *end, char *reply)
{
	uint8_t buf[GDBSTUB_MAX_MEM];
	uint64_t addr, len;
	const char *rest;

	if (!parse_range(arg, end, &addr, &len, &rest) || rest != end) {
		strcpy(reply, "E01");
	} else if (!g->ops->read_mem(g->ctx, addr, buf, (size_t)len)) {
		strcpy(reply, "E14"); /* EFAULT */
	} else {
		for (size_t i = 0; i < len; i++) {
			put_le(reply + 2 * i, buf[i], 1);
		}
		reply[2 * len] = '\0';
	}
	return GDBSTUB_NONE;
}

static enum gdbstub_action cmd_write_mem(struct gdbstub *g, const char *arg,
					 const char *end, char *reply)
{
	uint8_t buf[GDBSTUB_MAX_MEM];
	uint64_t addr, len, v;
	const char *rest;

	if (!parse_range(arg, end, &addr, &len, &rest) || rest >= end ||
	    *rest != ':' || end - (rest + 1) != 2 * (long)len) {
		strcpy(reply, "E01");
		return GDBSTUB_NONE;
	}
	for (size_t i = 0; i < len; i++) {
		if (!get_le(rest + 1 + 2 * i, 1, &v)) {
			strcpy(reply, "E01");
			return GDBSTUB_NONE;
		}
		buf[i] = (uint8_t)v;
	}
	strcpy(reply, g->ops->write_mem(g->ctx, addr, buf, (size_t)len)
			      ? "OK"
			      : "E14");
	return GDBSTUB_NONE;
}

/* Z0/z0 "addr,kind": software breakpoints only; others are unsupported
 * (an empty reply). */
static enum gdbstub_action breakpoint(struct gdbstub *g, const char *arg,
				      const char *end, char *reply, bool set)
{
	uint64_t addr, kind;
	const char *p;

	if (arg >= end || *arg != '0') {
		reply[0] = '\0';
		return GDBSTUB_NONE;
	}
	if (arg + 1 >= end || arg[1] != ',' ||
	    !parse_range(arg + 2, end, &addr, &kind, &p)) {
		strcpy(reply, "E01");
		return GDBSTUB_NONE;
	}
	if (set) {
		strcpy(reply, g->ops->set_breakpoint(g->ctx, addr) ? "OK"
								 : "E0c");
	} else {
		g->ops->clear_breakpoint(g->ctx, addr);
		strcpy(reply, "OK");
	}
	return GDBSTUB_NONE;
}

static enum gdbstub_action cmd_set_bp(struct gdbstub *g, const char *arg,
				      const char *end, char *reply)
{
	return breakpoint(g, arg, end, reply, true);
}

static enum gdbstub_action cmd_clear_bp(struct gdbstub *g, const char *arg,
					const char *end, char *reply)
{
	return breakpoint(g, arg, end, reply, false);
}

/* c/s [addr]: an address resumes there. */
static enum gdbstub_action resume(struct gdbstub *g, const char *arg,
				  const char *end, char *reply,
				  enum gdbstub_action action)
{
	uint64_t addr;
	const char *p;

	if (arg < end) {
		if (!parse_hex(arg, end, &addr, &p) || p != end ||
		    !g->ops->write_reg(g->ctx, 32, addr)) {
			strcpy(reply, "E01");
			return GDBSTUB_NONE;
		}
	}
	reply[0] = '\0'; /* the stop reply comes when the target stops */
	return action;
}

static enum gdbstub_action cmd_continue(struct gdbstub *g, const char *arg,
					const char *end, char *reply)
{
	return resume(g, arg, end, reply, GDBSTUB_CONTINUE);
}

static enum gdbstub_action cmd_step(struct gdbstub *g, const char *arg,
				    const char *end, char *reply)
{
	return resume(g, arg, end, reply, GDBSTUB_STEP);
}

static enum gdbstub_action cmd_detach(struct gdbstub *g, const char *arg,
				      const char *end, char *reply)
{
	(void)g, (void)arg, (void)end;
	strcpy(reply, "OK");
	return GDBSTUB_DETACH;
}

static enum gdbstub_action cmd_reply_ok(struct gdbstub *g, const char *arg,
					const char *end, char *reply)
{
	(void)g, (void)arg, (void)end;
	strcpy(reply, "OK");
	return GDBSTUB_NONE;
}

static enum gdbstub_action cmd_supported(struct gdbstub *g, const char *arg,
					 const char *end, char *reply)
{
	(void)g, (void)arg, (void)end;
	snprintf(reply, GDBSTUB_MAX_PACKET, "PacketSize=%x",
		 GDBSTUB_MAX_PACKET);
	return GDBSTUB_NONE;
}

static enum gdbstub_action cmd_attached(struct gdbstub *g, const char *arg,
					const char *end, char *reply)
{
	(void)g, (void)arg, (void)end;
	strcpy(reply, "1"); /* an existing process: detach, never kill */
	return GDBSTUB_NONE;
}

/*
 * Longest prefixes first where one extends another.  Anything else gets
 * the empty reply, which tells gdb the command is not supported (vCont?
 * included: gdb then uses c and s).
 */
static const struct command commands[] = {
	{"?", cmd_halt_reason},
	{"g", cmd_read_regs},
	{"G", cmd_write_regs},
	{"p", cmd_read_reg},
	{"P", cmd_write_reg},
	{"m", cmd_read_mem},
	{"M", cmd_write_mem},
	{"Z", cmd_set_bp},
	{"z", cmd_clear_bp},
	{"c", cmd_continue},
	{"s", cmd_step},
	{"D", cmd_detach},
	{"k", cmd_detach},
	{"H", cmd_reply_ok},
	{"T", cmd_reply_ok},
	{"qSupported", cmd_supported},
	{"qAttached", cmd_attached},
};

enum gdbstub_action gdbstub_handle(struct gdbstub *g, const char *cmd,
				   size_t len, char *reply)
{
	reply[0] = '\0';
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		size_t n = strlen(commands[i].prefix);

		if (len >= n && memcmp(cmd, commands[i].prefix, n) == 0) {
			return commands[i].fn(g, cmd + n, cmd + len, reply);
		}
	}
	return GDBSTUB_NONE;
}

/* --- The connection ---------------------------------------------------------- */

static bool send_packet(struct gdbstub *g, const char *payload)
{
	size_t n = gdbstub_frame(payload, g->framed, sizeof(g->framed));

	return n != 0 && fd_write_all(g->fd, g->framed, n);
}

static int read_byte(int fd)
{
	unsigned char c;

	for (;;) {
		ssize_t n = read(fd, &c, 1);

		if (n == 1) {
			return c;
		}
		if (n < 0 && errno == EINTR) {
			continue;
		}
		return -1;
	}
}

/*
 * The next packet's unescaped payload, acknowledged; -1 when the
 * connection is gone.  Acks and ^C (0x03, an interrupt while already
 * stopped) between packets are skipped.
 */
static long read_packet(struct gdbstub *g, char *buf, size_t cap)
{
	for (;;) {
		size_t len = 0;
		int c, hi, lo;

		do {
			c = read_byte(g->fd);
		} while (c >= 0 && c != '$');
		if (c < 0) {
			return -1;
		}
		while ((c = read_byte(g->fd)) >= 0 && c != '#') {
			if (len + 1 < cap) {
				buf[len++] = (char)c;
			}
		}
		hi = read_byte(g->fd);
		lo = read_byte(g->fd);
		if (c < 0 || hi < 0 || lo < 0) {
			return -1;
		}
		if (hex_value((char)hi) < 0 || hex_value((char)lo) < 0 ||
		    (uint8_t)(hex_value((char)hi) << 4 | hex_value((char)lo)) !=
			    gdbstub_checksum(buf, len)) {
			if (!fd_write_all(g->fd, "-", 1)) {
				return -1;
			}
			continue;
		}
		if (!fd_write_all(g->fd, "+", 1)) {
			return -1;
		}
		len = gdbstub_unescape(buf, len);
		buf[len] = '\0';
		return (long)len;
	}
}

enum gdbstub_action gdbstub_serve(struct gdbstub *g)
{
	char *cmd = g->cmd, *reply = g->reply;

	for (;;) {
		long len = read_packet(g, cmd, sizeof(g->cmd));
		enum gdbstub_action action;

		if (len < 0) {
			return GDBSTUB_GONE;
		}
		action = gdbstub_handle(g, cmd, (size_t)len, reply);
		if (action == GDBSTUB_CONTINUE || action == GDBSTUB_STEP) {
			if (reply[0] != '\0' && !send_packet(g, reply)) {
				return GDBSTUB_GONE;
			}
			return action;
		}
		if (!send_packet(g, reply)) {
			return GDBSTUB_GONE;
		}
		if (action != GDBSTUB_NONE) {
			return action;
		}
	}
}

bool gdbstub_report_stop(struct gdbstub *g, unsigned signal)
{
	char reply[8];

	snprintf(reply, sizeof(reply), "S%02x", signal & 0xff);
	return send_packet(g, reply);
}

bool gdbstub_report_exit(struct gdbstub *g, unsigned code)
{
	char reply[8];

	snprintf(reply, sizeof(reply), "W%02x", code & 0xff);
	return send_packet(g, reply);
}
