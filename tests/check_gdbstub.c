/*
 * Unit tests of harness/gdbstub.c: framing, checksums and escapes (gdb
 * manual, "Remote Protocol", Overview), and each command against a fake
 * target whose registers, memory and breakpoints are plain arrays.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <check.h>

#include "harness/gdbstub.h"

#define FAKE_MEM_BASE 0x40000000u
#define FAKE_MEM_SIZE 64u

struct fake_target {
	uint64_t regs[GDBSTUB_REG_COUNT];
	uint8_t mem[FAKE_MEM_SIZE];
	uint64_t bps[4];
	size_t bp_count;
};

/* Check fixture state: the only file-scope mutable state. */
static struct fake_target target;
static struct gdbstub stub;
static char reply[2 * GDBSTUB_MAX_PACKET + 1];

static bool fake_read_reg(void *ctx, unsigned n, uint64_t *value)
{
	struct fake_target *t = ctx;

	*value = t->regs[n];
	return true;
}

static bool fake_write_reg(void *ctx, unsigned n, uint64_t value)
{
	struct fake_target *t = ctx;

	t->regs[n] = value;
	return true;
}

static bool in_fake_mem(uint64_t addr, size_t len)
{
	return addr >= FAKE_MEM_BASE && len <= FAKE_MEM_SIZE &&
	       addr - FAKE_MEM_BASE <= FAKE_MEM_SIZE - len;
}

static bool fake_read_mem(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct fake_target *t = ctx;

	if (!in_fake_mem(addr, len)) {
		return false;
	}
	memcpy(buf, t->mem + (addr - FAKE_MEM_BASE), len);
	return true;
}

static bool fake_write_mem(void *ctx, uint64_t addr, const void *buf,
			   size_t len)
{
	struct fake_target *t = ctx;

	if (!in_fake_mem(addr, len)) {
		return false;
	}
	memcpy(t->mem + (addr - FAKE_MEM_BASE), buf, len);
	return true;
}

static bool fake_set_bp(void *ctx, uint64_t addr)
{
	struct fake_target *t = ctx;

	if (t->bp_count == 4) {
		return false;
	}
	t->bps[t->bp_count++] = addr;
	return true;
}

static bool fake_clear_bp(void *ctx, uint64_t addr)
{
	struct fake_target *t = ctx;

	for (size_t i = 0; i < t->bp_count; i++) {
		if (t->bps[i] == addr) {
			t->bps[i] = t->bps[--t->bp_count];
			return true;
		}
	}
	return false;
}

static const struct gdbstub_ops fake_ops = {
	.read_reg = fake_read_reg,
	.write_reg = fake_write_reg,
	.read_mem = fake_read_mem,
	.write_mem = fake_write_mem,
	.set_breakpoint = fake_set_bp,
	.clear_breakpoint = fake_clear_bp,
};

static void stub_setup(void)
{
	memset(&target, 0, sizeof(target));
	for (unsigned n = 0; n < GDBSTUB_REG_COUNT; n++) {
		target.regs[n] = 0x1000u + n;
	}
	target.regs[32] = UINT64_C(0x40200000);
	target.regs[33] = UINT64_C(0x3c5);
	gdbstub_init(&stub, -1, &fake_ops, &target);
}

static enum gdbstub_action handle(const char *cmd)
{
	return gdbstub_handle(&stub, cmd, strlen(cmd), reply);
}

/* --- Framing ------------------------------------------------------------------ */

START_TEST(checksum_is_the_byte_sum_modulo_256)
{
	ck_assert_uint_eq(gdbstub_checksum("g", 1), 0x67);
	ck_assert_uint_eq(gdbstub_checksum("?", 1), 0x3f);
	ck_assert_uint_eq(gdbstub_checksum("qAttached", 9), 0x8f);
	ck_assert_uint_eq(gdbstub_checksum("", 0), 0);
}
END_TEST

START_TEST(frame_adds_dollar_hash_and_checksum)
{
	char out[32];

	ck_assert_uint_eq(gdbstub_frame("OK", out, sizeof(out)), 6);
	ck_assert_str_eq(out, "$OK#9a");
	ck_assert_uint_eq(gdbstub_frame("", out, sizeof(out)), 4);
	ck_assert_str_eq(out, "$#00");
}
END_TEST

START_TEST(frame_escapes_special_bytes_and_sums_the_escaped_form)
{
	char out[32];

	/* '#' goes out as '}' then '#' ^ 0x20 = 0x03. */
	ck_assert_uint_eq(gdbstub_frame("a#", out, sizeof(out)), 7);
	ck_assert_int_eq(out[1], 'a');
	ck_assert_int_eq(out[2], '}');
	ck_assert_int_eq(out[3], 0x03);
	ck_assert_uint_eq(gdbstub_checksum(out + 1, 3),
			  (uint8_t)('a' + '}' + 0x03));
	ck_assert_uint_eq(gdbstub_frame("OK", out, 5), 0); /* too small */
}
END_TEST

START_TEST(unescape_undoes_escapes)
{
	char data[] = {'x', '}', 0x5d, '}', 0x03, 'y'};

	ck_assert_uint_eq(gdbstub_unescape(data, sizeof(data)), 4);
	ck_assert_int_eq(data[0], 'x');
	ck_assert_int_eq(data[1], '}');
	ck_assert_int_eq(data[2], '#');
	ck_assert_int_eq(data[3], 'y');
}
END_TEST

/* --- Commands ----------------------------------------------------------------- */

START_TEST(halt_reason_is_sigtrap)
{
	ck_assert_int_eq(handle("?"), GDBSTUB_NONE);
	ck_assert_str_eq(reply, "S05");
}
END_TEST

START_TEST(g_sends_33_64_bit_registers_and_a_32_bit_cpsr)
{
	ck_assert_int_eq(handle("g"), GDBSTUB_NONE);
	ck_assert_uint_eq(strlen(reply), 33 * 16 + 8);
	ck_assert(strncmp(reply, "0010000000000000", 16) == 0); /* x0 */
	ck_assert(strncmp(reply + 32 * 16, "0000204000000000", 16) == 0);
	ck_assert_str_eq(reply + 33 * 16, "c5030000");
}
END_TEST

START_TEST(G_writes_every_register)
{
	char cmd[1 + 33 * 16 + 8 + 1] = "G";

	for (unsigned n = 0; n < 33; n++) {
		strcat(cmd, "0102030405060708");
	}
	strcat(cmd, "aabbccdd");
	ck_assert_int_eq(handle(cmd), GDBSTUB_NONE);
	ck_assert_str_eq(reply, "OK");
	ck_assert_uint_eq(target.regs[0], UINT64_C(0x0807060504030201));
	ck_assert_uint_eq(target.regs[32], UINT64_C(0x0807060504030201));
	ck_assert_uint_eq(target.regs[33], UINT64_C(0xddccbbaa));
}
END_TEST

START_TEST(p_and_P_read_and_write_one_register)
{
	ck_assert_int_eq(handle("p20"), GDBSTUB_NONE); /* pc */
	ck_assert_str_eq(reply, "0000204000000000");
	handle("p21");
	ck_assert_str_eq(reply, "c5030000");
	handle("P1f=efbeadde00000000"); /* sp */
	ck_assert_str_eq(reply, "OK");
	ck_assert_uint_eq(target.regs[31], UINT64_C(0xdeadbeef));
	handle("p22"); /* v0: not provided */
	ck_assert_str_eq(reply, "E02");
	handle("P1f=12");
	ck_assert_str_eq(reply, "E01");
	handle("pzz");
	ck_assert_str_eq(reply, "E01");
}
END_TEST

START_TEST(m_and_M_go_through_the_memory_ops)
{
	handle("M40000004,4:deadbeef");
	ck_assert_str_eq(reply, "OK");
	ck_assert_uint_eq(target.mem[4], 0xde);
	ck_assert_uint_eq(target.mem[7], 0xef);
	handle("m40000003,6");
	ck_assert_str_eq(reply, "00deadbeef00");
	handle("m3ffffffc,8"); /* outside the target's memory */
	ck_assert_str_eq(reply, "E14");
	handle("M40000000,2:00");  /* fewer bytes than the length */
	ck_assert_str_eq(reply, "E01");
	handle("m40000000,100000"); /* longer than a packet */
	ck_assert_str_eq(reply, "E01");
}
END_TEST

START_TEST(Z0_and_z0_set_and_clear_software_breakpoints)
{
	handle("Z0,402006ec,4");
	ck_assert_str_eq(reply, "OK");
	ck_assert_uint_eq(target.bp_count, 1);
	ck_assert_uint_eq(target.bps[0], UINT64_C(0x402006ec));
	handle("z0,402006ec,4");
	ck_assert_str_eq(reply, "OK");
	ck_assert_uint_eq(target.bp_count, 0);
	handle("Z1,402006ec,4"); /* hardware breakpoints: unsupported */
	ck_assert_str_eq(reply, "");
	handle("Z0,zz");
	ck_assert_str_eq(reply, "E01");
}
END_TEST

START_TEST(c_s_D_k_ask_for_their_action)
{
	ck_assert_int_eq(handle("c"), GDBSTUB_CONTINUE);
	ck_assert_str_eq(reply, "");
	ck_assert_int_eq(handle("s"), GDBSTUB_STEP);
	ck_assert_int_eq(handle("c40000010"), GDBSTUB_CONTINUE);
	ck_assert_uint_eq(target.regs[32], 0x40000010u);
	ck_assert_int_eq(handle("D"), GDBSTUB_DETACH);
	ck_assert_str_eq(reply, "OK");
	ck_assert_int_eq(handle("k"), GDBSTUB_DETACH);
}
END_TEST

START_TEST(queries_answer_as_gdb_expects)
{
	handle("qSupported:multiprocess+;swbreak+;hwbreak+");
	ck_assert_str_eq(reply, "PacketSize=2000");
	handle("qAttached");
	ck_assert_str_eq(reply, "1");
	handle("vCont?"); /* empty: gdb falls back to c and s */
	ck_assert_str_eq(reply, "");
	handle("Hg0");
	ck_assert_str_eq(reply, "OK");
	handle("qTStatus");
	ck_assert_str_eq(reply, "");
}
END_TEST

/* --- The connection ----------------------------------------------------------- */

/* Reads what the stub wrote until `want` bytes arrived. */
static void read_n(int fd, char *buf, size_t want)
{
	size_t got = 0;

	while (got < want) {
		ssize_t n = read(fd, buf + got, want - got);

		ck_assert_int_gt(n, 0);
		got += (size_t)n;
	}
	buf[got] = '\0';
}

START_TEST(serve_acks_answers_and_returns_on_continue)
{
	int sv[2];
	char buf[64];
	static const char in[] = "+$?#3f$g#00$qAttached#8f$c#63";

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	gdbstub_init(&stub, sv[0], &fake_ops, &target);
	ck_assert_int_eq(write(sv[1], in, strlen(in)), (ssize_t)strlen(in));
	ck_assert_int_eq(gdbstub_serve(&stub), GDBSTUB_CONTINUE);
	/* ?: ack and S05; g with a bad checksum: '-'; qAttached; c: ack. */
	read_n(sv[1], buf, 1 + 7 + 1 + 1 + 5 + 1);
	ck_assert_str_eq(buf, "+$S05#b8-+$1#31+");
	ck_assert(gdbstub_report_stop(&stub, 5));
	read_n(sv[1], buf, 7);
	ck_assert_str_eq(buf, "$S05#b8");
	ck_assert(gdbstub_report_exit(&stub, 0));
	read_n(sv[1], buf, 7);
	ck_assert_str_eq(buf, "$W00#b7");
	close(sv[1]);
	ck_assert_int_eq(gdbstub_serve(&stub), GDBSTUB_GONE);
	close(sv[0]);
}
END_TEST

Suite *gdbstub_suite(void);

Suite *gdbstub_suite(void)
{
	Suite *s = suite_create("gdbstub");
	TCase *tc = tcase_create("framing");

	tcase_add_test(tc, checksum_is_the_byte_sum_modulo_256);
	tcase_add_test(tc, frame_adds_dollar_hash_and_checksum);
	tcase_add_test(tc, frame_escapes_special_bytes_and_sums_the_escaped_form);
	tcase_add_test(tc, unescape_undoes_escapes);
	suite_add_tcase(s, tc);

	tc = tcase_create("commands");
	tcase_add_checked_fixture(tc, stub_setup, NULL);
	tcase_add_test(tc, halt_reason_is_sigtrap);
	tcase_add_test(tc, g_sends_33_64_bit_registers_and_a_32_bit_cpsr);
	tcase_add_test(tc, G_writes_every_register);
	tcase_add_test(tc, p_and_P_read_and_write_one_register);
	tcase_add_test(tc, m_and_M_go_through_the_memory_ops);
	tcase_add_test(tc, Z0_and_z0_set_and_clear_software_breakpoints);
	tcase_add_test(tc, c_s_D_k_ask_for_their_action);
	tcase_add_test(tc, queries_answer_as_gdb_expects);
	tcase_add_test(tc, serve_acks_answers_and_returns_on_continue);
	suite_add_tcase(s, tc);
	return s;
}
