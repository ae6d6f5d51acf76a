/*
 * Unit tests of emulator/qemu.c that need no QEMU: a bad configuration is
 * refused with a clear message before any process or file exists, and the
 * relay ABI's names stay stable.  Runs with QEMU are integration tests
 * (tests/integration/test-qemu-*.sh).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>

#include <check.h>

#include "abi/qemu_relay.h"
#include "common/error.h"
#include "emulator/qemu.h"

static int never_called(void *ctx, unsigned cpu, unsigned el, uint64_t pc,
			struct smccc_regs *regs, struct qemu_answer *answer)
{
	(void)ctx, (void)cpu, (void)el, (void)pc, (void)regs, (void)answer;
	return -1;
}

/* A configuration valid in every respect the checks look at. */
static struct qemu_config good_config(void)
{
	struct qemu_config c;

	memset(&c, 0, sizeof(c));
	c.relay = "/dev/null";
	c.images[0].path = "/dev/null";
	c.images[0].addr = 0x40200000;
	c.image_count = 1;
	return c;
}

static void spoil_relay(struct qemu_config *c)
{
	c->relay = NULL;
}

static void spoil_cpus(struct qemu_config *c)
{
	c->cpus = RELAY_MAX_CPUS + 1;
}

static void spoil_ram_small(struct qemu_config *c)
{
	c->ram_size = UINT64_C(32) << 20;
}

static void spoil_ram_unaligned(struct qemu_config *c)
{
	c->ram_size = (UINT64_C(1) << 30) + 4096;
}

static void spoil_no_image(struct qemu_config *c)
{
	c->image_count = 0;
}

static void spoil_missing_image(struct qemu_config *c)
{
	c->images[0].path = "/nonexistent/image.bin";
}

static void spoil_missing_initrd(struct qemu_config *c)
{
	c->initrd = "/nonexistent/initrd";
}

static const struct {
	void (*spoil)(struct qemu_config *c);
	const char *message;
} cases[] = {
	{spoil_relay, "no EL3 relay image"},
	{spoil_cpus, "the relay serves 1..8"},
	{spoil_ram_small, "multiple of 2 MiB in 64 MiB..8 GiB"},
	{spoil_ram_unaligned, "multiple of 2 MiB"},
	{spoil_no_image, "1..4 images"},
	{spoil_missing_image, "/nonexistent/image.bin"},
	{spoil_missing_initrd, "/nonexistent/initrd"},
};

START_TEST(bad_configuration_is_refused_before_anything_starts)
{
	struct qemu_config c = good_config();
	struct error err = {0};
	struct qemu_machine *m;

	cases[_i].spoil(&c);
	m = qemu_start(&c, never_called, NULL, &err);
	ck_assert_ptr_null(m);
	ck_assert(err.set);
	ck_assert_msg(strstr(err.message, cases[_i].message) != NULL,
		      "message '%s' lacks '%s'", err.message,
		      cases[_i].message);
	/* No child was started. */
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
}
END_TEST

START_TEST(missing_qemu_binary_is_a_clear_error)
{
	struct qemu_config c = good_config();
	struct error err = {0};

	c.qemu = "/nonexistent/qemu-system-aarch64";
	ck_assert_ptr_null(qemu_start(&c, never_called, NULL, &err));
	ck_assert_msg(strstr(err.message, "could not dump its device tree") !=
			      NULL,
		      "%s", err.message);
	/* The dump child was reaped. */
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
}
END_TEST

START_TEST(stop_names_are_distinct_and_known)
{
	static const enum qemu_stop stops[] = {
		QEMU_STOP_TEXT,    QEMU_STOP_POWER_OFF, QEMU_STOP_RESET,
		QEMU_STOP_EXITED,  QEMU_STOP_TIMEOUT,   QEMU_STOP_FAULT,
		QEMU_STOP_HANDLER, QEMU_STOP_PROTOCOL,
	};

	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++) {
		ck_assert_str_ne(qemu_stop_name(stops[i]), "?");
		for (size_t j = 0; j < i; j++) {
			ck_assert_str_ne(qemu_stop_name(stops[i]),
					 qemu_stop_name(stops[j]));
		}
	}
	ck_assert_str_eq(qemu_stop_name((enum qemu_stop)99), "?");
}
END_TEST

START_TEST(mailbox_and_device_tree_fit_the_reserve)
{
	/* The slots end before the device tree, which ends in the reserve. */
	ck_assert_uint_le(RELAY_MAX_CPUS * RELAY_SLOT_SIZE, RELAY_DTB_OFFSET);
	ck_assert_uint_eq(RELAY_DTB_OFFSET + RELAY_DTB_MAX,
			  RELAY_MAILBOX_RESERVE);
	/* A 2 MiB reserve keeps the memory node 2 MiB aligned. */
	ck_assert_uint_eq(RELAY_MAILBOX_RESERVE % (UINT64_C(2) << 20), 0);
}
END_TEST

Suite *qemu_suite(void);

Suite *qemu_suite(void)
{
	Suite *s = suite_create("qemu");
	TCase *tc = tcase_create("config");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc,
			    bad_configuration_is_refused_before_anything_starts,
			    0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, missing_qemu_binary_is_a_clear_error);
	tcase_add_test(tc, stop_names_are_distinct_and_known);
	tcase_add_test(tc, mailbox_and_device_tree_fit_the_reserve);
	suite_add_tcase(s, tc);
	return s;
}
