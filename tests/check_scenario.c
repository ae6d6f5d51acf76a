/*
 * Unit tests of harness/scenario.c: the scenario loader (docs/scenarios.md).
 *
 * Good fixtures (the YAML files in tests/data/scenarios/) are loaded and
 * every field and mark the loader fills is asserted.  Malformed fixtures
 * (tests/data/scenarios/bad/) are a table: each file with the position,
 * key path and message prefix of its first error.  A fuzz-style test feeds
 * every truncation and many mutations of the good fixtures to the loader.
 * The examples in docs/scenarios.md and the JSON Schema are checked too, so
 * that neither drifts from the loader.
 *
 * Paths are relative to the top of the tree, the working directory of
 * `make unit`.
 */
#include <dirent.h>
#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "abi/agent.h"
#include "abi/efi.h"
#include "abi/ffa.h"
#include "abi/mm.h"
#include "abi/optee.h"
#include "common/text.h"
#include "common/abi_names.h"
#include "common/error.h"
#include "common/fileio.h"
#include "common/strbuf.h"
#include "models/smc_router.h"
#include "harness/scenario.h"

#define DATA_DIR "tests/data/scenarios/"
#define BAD_DIR DATA_DIR "bad/"
#define DOCS_FILE "docs/scenarios.md"
#define SCHEMA_FILE "scenarios/scenario.schema.json"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define NV EFI_VARIABLE_NON_VOLATILE
#define BS EFI_VARIABLE_BOOTSERVICE_ACCESS
#define RT EFI_VARIABLE_RUNTIME_ACCESS

/* Check fixture state: the only file-scope mutable state (STYLE C1). */
static struct scenario_set set;
static struct scenario_errors errs;

static void loader_setup(void)
{
	memset(&set, 0, sizeof(set));
	memset(&errs, 0, sizeof(errs));
}

static void loader_teardown(void)
{
	scenario_set_free(&set);
	scenario_errors_free(&errs);
}

/* All the errors as one text, for failure messages. */
static char *errors_text(const struct scenario_errors *e)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < e->count; i++) {
		strbuf_printf(&sb, "\n  %s", e->messages[i]);
	}
	return strbuf_steal(&sb);
}

/* Loads a fixture that must be valid; returns its first scenario. */
static const struct scenario *load_ok(const char *path)
{
	if (!scenario_load_file(path, &set, &errs)) {
		ck_abort_msg("%s did not load:%s", path, errors_text(&errs));
	}
	ck_assert_uint_eq(errs.count, 0);
	ck_assert_uint_ge(set.count, 1);
	return &set.items[0];
}

static const struct scenario *load_text_ok(const char *text)
{
	if (!scenario_load_string("text.yaml", text, strlen(text), &set,
				  &errs)) {
		ck_abort_msg("did not load:%s", errors_text(&errs));
	}
	return &set.items[set.count - 1];
}

/* Loads text that must fail; returns its first error. */
static const char *load_text_bad(const char *text)
{
	size_t scenarios = set.count;
	size_t before = errs.count;

	ck_assert(!scenario_load_string("text.yaml", text, strlen(text), &set,
					&errs));
	ck_assert_uint_gt(errs.count, before);
	ck_assert_uint_eq(set.count, scenarios);
	return errs.messages[before];
}

#define ck_assert_mark(m, l, c)                        \
	do {                                           \
		ck_assert_int_eq((m).line, (l));       \
		ck_assert_int_eq((m).column, (c));     \
	} while (0)

#define ck_assert_u64(field, v, l, c)                              \
	do {                                                       \
		ck_assert((field).present);                        \
		ck_assert_uint_eq((field).value, (uint64_t)(v));   \
		ck_assert_mark((field).mark, (l), (c));            \
	} while (0)

#define ck_assert_text(field, s, l, c)                   \
	do {                                             \
		ck_assert_ptr_nonnull((field).value);    \
		ck_assert_str_eq((field).value, (s));    \
		ck_assert_mark((field).mark, (l), (c));  \
	} while (0)

static void ck_assert_bytes_eq(const struct scenario_bytes *b,
			       const void *want, size_t len, int line,
			       int column)
{
	ck_assert(b->present);
	ck_assert_uint_eq(b->len, len);
	ck_assert(len == 0 || memcmp(b->data, want, len) == 0);
	ck_assert_mark(b->mark, line, column);
}

static bool guid_is(const struct efi_guid *g, struct efi_guid want)
{
	return memcmp(g, &want, sizeof(want)) == 0;
}

/* --- The scenario header -------------------------------------------------- */

START_TEST(full_header_scalars_and_marks)
{
	const struct scenario *sc = load_ok(DATA_DIR "full.yaml");

	ck_assert_uint_eq(set.count, 1);
	ck_assert_str_eq(sc->file, DATA_DIR "full.yaml");
	ck_assert_mark(sc->mark, 2, 1);
	ck_assert_str_eq(sc->name, "full-header");
	ck_assert_str_eq(sc->description, "Every key of the scenario header");
	ck_assert_uint_eq(sc->tag_count, 2);
	ck_assert_str_eq(sc->tags[0], "smoke");
	ck_assert_str_eq(sc->tags[1], "variables");
	ck_assert_int_eq(sc->firmware.kind, SCENARIO_FIRMWARE_BUILTIN);
	ck_assert_str_eq(sc->firmware.name, "refclient:no-rxtx-unmap-at-ebs");
	ck_assert_ptr_null(sc->firmware.image);
	ck_assert_mark(sc->firmware.mark, 5, 11);
	ck_assert_text(sc->platform, "qemu-virt-ffa", 6, 11);
	ck_assert_u64(sc->max_insns, 0x10000000, 7, 19);
	/* A leading zero is not octal in a scenario. */
	ck_assert_u64(sc->timeout_seconds, 30, 8, 10);
	ck_assert_uint_eq(sc->expect_finding_count, 2);
	ck_assert_text(sc->expect_findings[0], "ffa.rx-not-released", 49, 19);
	ck_assert_text(sc->expect_findings[1],
		       "cache.request-dirty-at-doorbell", 49, 40);
	ck_assert_uint_eq(sc->step_count, 1);
	ck_assert_int_eq(sc->steps[0].kind, STEP_BOOT);
	ck_assert_mark(sc->steps[0].mark, 51, 5);
}
END_TEST

START_TEST(full_header_spmc)
{
	const struct scenario *sc = load_ok(DATA_DIR "full.yaml");
	const struct scenario_spmc *s = &sc->spmc;
	const struct scenario_partition *p;

	ck_assert_text(s->ffa_version, "1.1", 10, 16);
	ck_assert_u64(s->nwd_id, 0x7fff, 11, 16);
	ck_assert_u64(s->shared_buffer_address, 0x60000000, 13, 14);
	ck_assert_u64(s->shared_buffer_size, 16 * 1024, 14, 11);
	ck_assert_u64(s->shared_buffer_offset, 0x100, 15, 13);

	ck_assert_uint_eq(s->partition_count, 2);
	p = &s->partitions[0];
	ck_assert_mark(p->mark, 17, 7);
	ck_assert_text(p->name, "variables", 17, 13);
	ck_assert_u64(p->id, 0x8003, 18, 11);
	ck_assert(p->has_uuid);
	ck_assert_uint_eq(p->uuid.w[0], FFA_MM_SP_UUID_W0);
	ck_assert_uint_eq(p->uuid.w[1], FFA_MM_SP_UUID_W1);
	ck_assert_uint_eq(p->uuid.w[2], FFA_MM_SP_UUID_W2);
	ck_assert_uint_eq(p->uuid.w[3], FFA_MM_SP_UUID_W3);
	ck_assert_u64(p->properties, 0x103, 20, 19);
	ck_assert_u64(p->exec_ctx_count, 4, 21, 27);
	ck_assert_text(p->model, "mm-variable", 22, 14);
	p = &s->partitions[1];
	ck_assert_mark(p->mark, 23, 7);
	ck_assert_ptr_null(p->name.value);
	ck_assert_u64(p->id, 0xffff, 23, 11);
	ck_assert_uint_eq(p->uuid.w[0], 0x33221100);
	ck_assert_uint_eq(p->uuid.w[3], 0xffeeddcc);
	ck_assert(!p->properties.present);
	ck_assert(!p->exec_ctx_count.present);
	ck_assert_text(p->model, "echo", 25, 14);

	ck_assert_u64(s->store_capacity, 64 * 1024, 27, 15);
	ck_assert_u64(s->store_volatile_capacity, 1024 * 1024, 28, 24);
	ck_assert_u64(s->store_max_variable_size, 0x2000, 29, 24);
	ck_assert_text(s->store_file, "state/nv.vars", 30, 11);
	ck_assert_text(s->store_preload, "preload.vars", 31, 14);
}
END_TEST

START_TEST(full_header_variables)
{
	static const uint8_t boot[] = {0x01, 0x02, 0x0a};
	const struct scenario *sc = load_ok(DATA_DIR "full.yaml");
	const struct scenario_variable *v = sc->spmc.variables;

	ck_assert_uint_eq(sc->spmc.variable_count, 3);
	ck_assert_str_eq(v[0].name, "Boot0000");
	ck_assert_mark(v[0].mark, 33, 7);
	/* No guid: the EFI global variable GUID. */
	ck_assert(guid_is(&v[0].guid,
			  (struct efi_guid)EFI_GLOBAL_VARIABLE_GUID));
	ck_assert_uint_eq(v[0].attributes, NV | BS | RT);
	ck_assert_bytes_eq(&v[0].data, boot, sizeof(boot), 35, 17);
	ck_assert_str_eq(v[1].name, "PlatformLang");
	ck_assert(guid_is(&v[1].guid,
			  (struct efi_guid)EFI_IMAGE_SECURITY_DATABASE_GUID));
	ck_assert_uint_eq(v[1].attributes, 6);
	ck_assert_bytes_eq(&v[1].data, "en", 2, 39, 13);
	ck_assert_str_eq(v[2].name, "Empty");
	ck_assert(!v[2].data.present);
	ck_assert_mark(v[2].mark, 40, 7);
}
END_TEST

START_TEST(full_header_checks)
{
	const struct scenario *sc = load_ok(DATA_DIR "full.yaml");
	const struct scenario_checks *c = &sc->checks;

	ck_assert_text(c->cache_model, "cortex-a53", 43, 16);
	ck_assert_u64(c->wide_maintenance_fails, 1, 44, 27);
	ck_assert_u64(c->rxtx_unmapped_at_ebs, 0, 45, 25);
	ck_assert_uint_eq(c->watch_count, 2);
	ck_assert_u64(c->watch_address[0], 0x60000000, 47, 17);
	ck_assert_u64(c->watch_size[0], 4096, 47, 35);
	ck_assert_u64(c->watch_address[1], 0x40000000, 48, 17);
	ck_assert_u64(c->watch_size[1], 64, 48, 35);
}
END_TEST

START_TEST(multi_file_firmware_forms)
{
	const struct scenario *sc;

	load_ok(DATA_DIR "multi.yaml");
	ck_assert_uint_eq(set.count, 3);
	sc = &set.items[0];
	ck_assert_str_eq(sc->name, "first");
	ck_assert_mark(sc->mark, 2, 3);
	ck_assert_int_eq(sc->firmware.kind, SCENARIO_FIRMWARE_IMAGE);
	ck_assert_mark(sc->firmware.mark, 4, 5);
	ck_assert_str_eq(sc->firmware.image, "../images/u-boot.bin");
	ck_assert_str_eq(sc->firmware.format, "raw");
	ck_assert_u64(sc->firmware.load_addr, 0x40000000, 6, 19);
	ck_assert_uint_eq(sc->step_count, 2);
	ck_assert_int_eq(sc->steps[1].kind, STEP_POWER_OFF);
	ck_assert_mark(sc->steps[1].mark, 7, 17);
	sc = &set.items[1];
	ck_assert_int_eq(sc->firmware.kind, SCENARIO_FIRMWARE_BUILTIN);
	ck_assert_str_eq(sc->firmware.name, "uboot-debian");
	ck_assert_int_eq(sc->steps[0].boot.until, BOOT_UNTIL_STOP);
	sc = &set.items[2];
	ck_assert_int_eq(sc->firmware.kind, SCENARIO_FIRMWARE_IMAGE);
	ck_assert_str_eq(sc->firmware.image, "fw.elf");
	ck_assert_ptr_null(sc->firmware.format);
	ck_assert(!sc->firmware.load_addr.present);
	for (size_t i = 0; i < set.count; i++) {
		ck_assert_str_eq(set.items[i].file, DATA_DIR "multi.yaml");
	}
}
END_TEST

START_TEST(absent_keys_are_absent)
{
	const struct scenario *sc = load_ok(DATA_DIR "minimal.yaml");
	const struct scenario_step *st = sc->steps;

	ck_assert_ptr_null(sc->description);
	ck_assert_uint_eq(sc->tag_count, 0);
	ck_assert_int_eq(sc->firmware.kind, SCENARIO_FIRMWARE_DEFAULT);
	ck_assert_ptr_null(sc->platform.value);
	ck_assert(!sc->max_insns.present);
	ck_assert(!sc->timeout_seconds.present);
	ck_assert_ptr_null(sc->spmc.ffa_version.value);
	ck_assert(!sc->spmc.nwd_id.present);
	ck_assert_ptr_null(sc->spmc.partitions);
	ck_assert_uint_eq(sc->spmc.partition_count, 0);
	ck_assert_uint_eq(sc->spmc.variable_count, 0);
	ck_assert(!sc->checks.wide_maintenance_fails.present);
	ck_assert_uint_eq(sc->checks.watch_count, 0);
	ck_assert_uint_eq(sc->expect_finding_count, 0);
	ck_assert_uint_eq(sc->step_count, 3);
	/* inject: count defaults to 1. */
	ck_assert_int_eq(st[0].inject.kind, INJECT_REPLY);
	ck_assert_int_eq(st[0].inject.reply, REPLY_TRUNCATED);
	ck_assert_uint_eq(st[0].inject.count, 1);
	ck_assert_ptr_null(st[0].inject.on.value);
	ck_assert(!st[0].inject.mm_function.present);
	ck_assert(!st[0].inject.after_exit_boot_services);
	ck_assert(!st[0].expect.present);
	/* set_variable: only what was written. */
	ck_assert(!st[1].var.has_guid);
	ck_assert(st[1].var.has_attributes);
	ck_assert_uint_eq(st[1].var.attributes, 0);
	ck_assert(!st[1].var.data.present);
	ck_assert(!st[1].var.buffer_size.present);
	ck_assert_uint_eq(st[1].var.null_flags, 0);
	/* boot: ~ is boot with defaults. */
	ck_assert_int_eq(st[2].kind, STEP_BOOT);
	ck_assert_int_eq(st[2].boot.until, BOOT_UNTIL_AGENT);
	ck_assert_ptr_null(st[2].boot.prompt.value);
	ck_assert(!st[2].boot.max_insns.present);
}
END_TEST

/* --- Steps ---------------------------------------------------------------- */

static const struct scenario_step *steps_fixture(void)
{
	const struct scenario *sc = load_ok(DATA_DIR "steps.yaml");

	ck_assert_uint_eq(sc->step_count, 21);
	return sc->steps;
}

#define LINUX_STEPS 12

/* machine: qemu with every Linux step (tests/data/scenarios/linux-steps). */
static const struct scenario *linux_fixture(void)
{
	size_t before = set.count;
	const struct scenario *sc;

	load_ok(DATA_DIR "linux-steps.yaml");
	sc = &set.items[before]; /* after any fixture loaded before it */
	ck_assert_uint_eq(sc->step_count, LINUX_STEPS);
	return sc;
}

static const struct scenario_step *linux_steps_fixture(void)
{
	return linux_fixture()->steps;
}

START_TEST(linux_header)
{
	const struct scenario *sc = linux_fixture();

	ck_assert_int_eq(sc->machine, SCENARIO_MACHINE_QEMU);
	ck_assert_mark(sc->machine_mark, 3, 10);
	ck_assert(sc->has_qemu);
	ck_assert_int_eq(sc->firmware.kind, SCENARIO_FIRMWARE_BUILTIN);
	ck_assert_str_eq(sc->firmware.name, "uboot-ffa");
	ck_assert_u64(sc->qemu.cpus, 4, 6, 9);
	ck_assert_text(sc->qemu.cpu, "max", 7, 8);
	ck_assert_u64(sc->qemu.memory, 2ull << 30, 8, 11);
	ck_assert_text(sc->qemu.kernel_args, "kvm-arm.mode=protected", 9, 16);
	ck_assert(sc->qemu.linux);
	ck_assert_u64(sc->qemu.boot_modules, 0, 11, 17);
	ck_assert_u64(sc->qemu.el1, 0, 12, 8);
}
END_TEST

START_TEST(linux_icount)
{
	const struct scenario *sc =
		load_text_ok("name: x\nmachine: qemu\nqemu: {icount: yes}\n"
			     "steps: [boot]\n");

	ck_assert_u64(sc->qemu.icount, 1, 3, 16);
	ck_assert(!sc->qemu.cpus.present);
}
END_TEST

START_TEST(linux_unicorn_by_default)
{
	const struct scenario *sc = load_ok(DATA_DIR "steps.yaml");

	ck_assert_int_eq(sc->machine, SCENARIO_MACHINE_UNICORN);
	ck_assert(!sc->has_qemu);
}
END_TEST

START_TEST(linux_shell_steps)
{
	const struct scenario_step *st = linux_steps_fixture();

	ck_assert_int_eq(st[0].kind, STEP_BOOT);
	ck_assert_int_eq(st[0].boot.until, BOOT_UNTIL_SHELL);
	ck_assert(st[0].boot.until_given);
	ck_assert_int_eq(st[1].kind, STEP_SHELL);
	ck_assert_text(st[1].shell.command, "cat /proc/cmdline", 16, 12);
	ck_assert(!st[1].shell.timeout.present);
	ck_assert_u64(st[1].expect.exit_status, 0, 18, 20);
	ck_assert_text(st[1].expect.output, "protected", 19, 15);
	ck_assert_text(st[1].expect.output_regex, "kvm-arm\\.mode=[a-z]+", 20,
		       21);
	ck_assert_text(st[1].expect.output_absent, "nokaslr", 21, 22);
	ck_assert_int_eq(st[2].kind, STEP_SHELL);
	ck_assert_str_eq(st[2].shell.command.value, "sleep 1; echo done");
	ck_assert_u64(st[2].shell.timeout, 30, 22, 53);
	ck_assert_int_eq(st[3].kind, STEP_LOAD_MODULE);
	ck_assert_text(st[3].shell.module, "ffa-core", 23, 18);
	ck_assert(st[3].shell.args.value == NULL);
	ck_assert_int_eq(st[4].kind, STEP_LOAD_MODULE);
	ck_assert_str_eq(st[4].shell.module.value, "ffa-module");
	ck_assert_str_eq(st[4].shell.args.value, "debug=1 x=y");
	ck_assert_uint_eq(st[4].shell.timeout.value, 60);
	ck_assert_uint_eq(st[4].expect.call_count, 1);
	ck_assert_uint_eq(st[4].expect.calls[0].fid, FFA_VERSION);
	ck_assert_u64(st[4].expect.calls[0].el, 2, 27, 39);
	ck_assert_u64(st[4].expect.calls[0].cpu, 0, 27, 47);
	ck_assert_int_eq(st[7].kind, STEP_DMESG);
	ck_assert(!st[7].shell.timeout.present);
	ck_assert_int_eq(st[8].kind, STEP_DMESG);
	ck_assert_uint_eq(st[8].shell.timeout.value, 5);
	ck_assert_int_eq(st[11].kind, STEP_POWER_OFF);
}
END_TEST

START_TEST(linux_efivarfs_steps)
{
	const struct scenario_step *st = linux_steps_fixture();
	static const struct efi_guid global = EFI_GLOBAL_VARIABLE_GUID;

	ck_assert_int_eq(st[5].kind, STEP_EFIVARFS_READ);
	ck_assert_str_eq(st[5].var.name.value, "PlatformLang");
	ck_assert(!st[5].var.has_guid);
	ck_assert(!efi_guid_equal(&st[6].var.guid, &global));
	ck_assert_int_eq(st[6].kind, STEP_EFIVARFS_WRITE);
	ck_assert_str_eq(st[6].var.name.value, "Foo");
	ck_assert(st[6].var.has_guid);
	ck_assert_uint_eq(st[6].var.attributes, NV | BS | RT);
	ck_assert_uint_eq(st[6].var.data.len, 2);
	ck_assert_uint_eq(st[6].var.data.data[1], 2);
}
END_TEST

START_TEST(step_boot)
{
	const struct scenario_step *st = &steps_fixture()[0];

	ck_assert_int_eq(st->kind, STEP_BOOT);
	ck_assert_mark(st->mark, 4, 5);
	ck_assert_int_eq(st->boot.until, BOOT_UNTIL_PROMPT);
	ck_assert_text(st->boot.prompt, "=> ", 6, 15);
	ck_assert_u64(st->boot.max_insns, 1000000, 7, 25);
	ck_assert_text(st->boot.interrupt_autoboot, "Hit any key", 8, 27);
}
END_TEST

START_TEST(step_get_variable)
{
	const struct scenario_step *st = &steps_fixture()[1];

	ck_assert_int_eq(st->kind, STEP_GET_VARIABLE);
	ck_assert_mark(st->mark, 9, 5);
	ck_assert_text(st->var.name, "Foo", 10, 13);
	ck_assert(st->var.has_guid);
	ck_assert(guid_is(&st->var.guid,
			  (struct efi_guid)EFI_GLOBAL_VARIABLE_GUID));
	ck_assert_mark(st->var.guid_mark, 11, 13);
	ck_assert_u64(st->var.buffer_size, 2048, 12, 20);
	ck_assert_uint_eq(st->var.null_flags, AGENT_STEP_NULL_ATTRIBUTES);
	ck_assert(!st->var.has_attributes);
	ck_assert(!st->var.data.present);
}
END_TEST

START_TEST(step_set_variable)
{
	static const uint8_t ucs2[] = {'A', 0, 'B', 0, 0, 0};
	static const uint8_t hex[] = {0xde, 0xad, 0xbe, 0xef};
	const struct scenario_step *st = steps_fixture();

	ck_assert_int_eq(st[2].kind, STEP_SET_VARIABLE);
	ck_assert_text(st[2].var.name, "Foo", 15, 13);
	ck_assert(st[2].var.has_attributes);
	ck_assert_uint_eq(st[2].var.attributes, NV | BS | RT);
	ck_assert_mark(st[2].var.attributes_mark, 16, 19);
	/* UCS-2 little-endian with its terminator. */
	ck_assert_bytes_eq(&st[2].var.data, ucs2, sizeof(ucs2), 17, 18);
	/* Text data keeps an escaped NUL. */
	ck_assert_bytes_eq(&st[3].var.data, "a\0b", 3, 21, 13);
	ck_assert_uint_eq(st[3].var.attributes, 7);
	ck_assert_uint_eq(st[3].var.null_flags, AGENT_STEP_NULL_DATA);
	/* No name, but null: [name]. */
	ck_assert_ptr_null(st[4].var.name.value);
	ck_assert_uint_eq(st[4].var.null_flags, AGENT_STEP_NULL_NAME);
	ck_assert_uint_eq(st[4].var.attributes, BS);
	ck_assert_bytes_eq(&st[4].var.data, hex, sizeof(hex), 25, 17);
}
END_TEST

START_TEST(step_get_next_variable_name)
{
	const struct scenario_step *st = &steps_fixture()[5];

	ck_assert_int_eq(st->kind, STEP_GET_NEXT_VARIABLE_NAME);
	ck_assert_mark(st->mark, 27, 5);
	ck_assert_text(st->var.name, "", 28, 13);
	ck_assert_u64(st->var.buffer_size, 0x200, 29, 20);
}
END_TEST

START_TEST(step_query_variable_info)
{
	const struct scenario_step *st = &steps_fixture()[6];

	ck_assert_int_eq(st->kind, STEP_QUERY_VARIABLE_INFO);
	ck_assert_uint_eq(st->var.attributes, NV | BS);
	ck_assert_mark(st->var.attributes_mark, 31, 19);
	ck_assert_uint_eq(st->var.null_flags,
			  AGENT_STEP_NULL_NAME | AGENT_STEP_NULL_DATA |
				  AGENT_STEP_NULL_ATTRIBUTES |
				  AGENT_STEP_NULL_SIZE | AGENT_STEP_NULL_GUID);
}
END_TEST

START_TEST(step_without_arguments)
{
	const struct scenario_step *st = steps_fixture();

	ck_assert_int_eq(st[7].kind, STEP_EXIT_BOOT_SERVICES);
	ck_assert_mark(st[7].mark, 33, 5);
	ck_assert_int_eq(st[8].kind, STEP_SET_VIRTUAL_ADDRESS_MAP);
	ck_assert_mark(st[8].mark, 34, 5);
	ck_assert_int_eq(st[9].kind, STEP_GET_MEMORY_MAP);
	ck_assert_int_eq(st[19].kind, STEP_POWER_OFF);
	ck_assert_mark(st[19].mark, 54, 5);
	ck_assert_int_eq(st[20].kind, STEP_RESET);
}
END_TEST

START_TEST(step_console)
{
	const struct scenario_step *st = steps_fixture();

	ck_assert_int_eq(st[10].kind, STEP_CONSOLE);
	ck_assert_text(st[10].console.type, "printenv", 37, 13);
	ck_assert_text(st[10].console.wait, "=> ", 38, 13);
	ck_assert_u64(st[10].console.max_insns, 5000, 39, 25);
	ck_assert(st[10].console.no_enter);
	ck_assert_ptr_null(st[11].console.type.value);
	ck_assert_text(st[11].console.wait, "login:", 41, 21);
	/* enter defaults to true. */
	ck_assert(!st[11].console.no_enter);
}
END_TEST

START_TEST(step_inject)
{
	const struct scenario_step *st = steps_fixture();

	ck_assert_int_eq(st[12].kind, STEP_INJECT);
	ck_assert_int_eq(st[12].inject.kind, INJECT_FFA_ERROR);
	ck_assert_int_eq(st[12].inject.code, FFA_RET_DENIED);
	ck_assert_text(st[12].inject.on, "FFA_MSG_SEND_DIRECT_REQ_64", 44, 11);
	ck_assert_uint_eq(st[12].inject.count, 0); /* all */
	ck_assert_int_eq(st[13].inject.kind, INJECT_MM_RETURN);
	ck_assert_int_eq(st[13].inject.code, MM_RET_NO_MEMORY);
	ck_assert_u64(st[13].inject.mm_function, MM_VAR_FN_SET_VARIABLE, 46,
		      52);
	ck_assert_uint_eq(st[13].inject.count, 3);
	ck_assert_int_eq(st[14].inject.kind, INJECT_EFI_STATUS);
	ck_assert_int_eq(st[14].inject.code, (int64_t)EFI_OUT_OF_RESOURCES);
	ck_assert(st[14].inject.after_exit_boot_services);
	ck_assert_uint_eq(st[14].inject.count, 1);
	ck_assert_int_eq(st[15].inject.kind, INJECT_REPLY);
	ck_assert_int_eq(st[15].inject.reply, REPLY_OVERSIZED);
	ck_assert_int_eq(st[16].inject.kind, INJECT_RX_BUSY);
	ck_assert_text(st[16].inject.on, "FFA_PARTITION_INFO_GET", 51, 32);
	ck_assert_int_eq(st[17].inject.kind, INJECT_FFA_ERROR);
	ck_assert_int_eq(st[17].inject.code, -3);
	ck_assert_u64(st[17].inject.mm_function, MM_VAR_FN_GET_VARIABLE, 52,
		      42);
}
END_TEST

START_TEST(step_print)
{
	const struct scenario_step *st = &steps_fixture()[18];

	ck_assert_int_eq(st->kind, STEP_PRINT);
	ck_assert_mark(st->mark, 53, 5);
	ck_assert_text(st->print, "hello: world", 53, 12);
}
END_TEST

/* The steps fixture covers every step kind, and every name is distinct. */
START_TEST(step_kind_names_cover_fixture)
{
	const struct scenario_step *st = steps_fixture();
	enum scenario_step_kind kind = (enum scenario_step_kind)_i;
	const char *name = scenario_step_kind_name(kind);
	bool seen = false;

	ck_assert_str_ne(name, "?");
	for (int k = 0; k < STEP_KIND_COUNT; k++) {
		if (k != _i) {
			ck_assert_str_ne(scenario_step_kind_name(
						 (enum scenario_step_kind)k),
					 name);
		}
	}
	for (size_t i = 0; i < 21; i++) {
		seen = seen || st[i].kind == kind;
	}
	st = linux_steps_fixture();
	for (size_t i = 0; i < LINUX_STEPS; i++) {
		seen = seen || st[i].kind == kind;
	}
	ck_assert_msg(seen, "steps.yaml and linux-steps.yaml have no %s step",
		      name);
}
END_TEST

START_TEST(kind_names)
{
	ck_assert_str_eq(scenario_step_kind_name(STEP_GET_VARIABLE),
			 "get_variable");
	ck_assert_str_eq(scenario_step_kind_name(STEP_EXIT_BOOT_SERVICES),
			 "exit_boot_services");
	ck_assert_str_eq(scenario_step_kind_name(STEP_KIND_COUNT), "?");
	ck_assert_str_eq(scenario_inject_kind_name(INJECT_FFA_ERROR),
			 "ffa_error");
	ck_assert_str_eq(scenario_inject_kind_name(INJECT_MM_RETURN),
			 "mm_return");
	ck_assert_str_eq(scenario_inject_kind_name(INJECT_EFI_STATUS),
			 "efi_status");
	ck_assert_str_eq(scenario_inject_kind_name(INJECT_REPLY), "reply");
	ck_assert_str_eq(scenario_inject_kind_name(INJECT_RX_BUSY), "rx_busy");
	ck_assert_str_eq(scenario_inject_kind_name(INJECT_KIND_COUNT), "?");
}
END_TEST

/* Every way of writing "no arguments". */
START_TEST(step_no_argument_forms)
{
	const struct scenario *sc = load_text_ok(
		"name: x\n"
		"steps:\n"
		"  - exit_boot_services\n"
		"  - exit_boot_services:\n"
		"  - exit_boot_services: {}\n"
		"  - exit_boot_services: ~\n"
		"  - exit_boot_services: null\n");

	ck_assert_uint_eq(sc->step_count, 5);
	for (size_t i = 0; i < sc->step_count; i++) {
		ck_assert_int_eq(sc->steps[i].kind, STEP_EXIT_BOOT_SERVICES);
		ck_assert_mark(sc->steps[i].mark, (int)i + 3, 5);
	}
	/* A quoted empty string is text, not null. */
	ck_assert_str_eq(load_text_bad("name: x\n"
				       "steps:\n"
				       "  - power_off: \"\"\n"),
			 "text.yaml:3:16: error: steps[0].power_off: expected "
			 "nothing (null or an empty mapping), got ''");
}
END_TEST

/* --- Expectations --------------------------------------------------------- */

static const struct scenario_step *expect_fixture(void)
{
	const struct scenario *sc = load_ok(DATA_DIR "expect.yaml");

	ck_assert_uint_eq(sc->step_count, 5);
	return sc->steps;
}

START_TEST(expect_agent_results)
{
	const struct scenario_expect *e = &expect_fixture()[0].expect;

	ck_assert(e->present);
	ck_assert_mark(e->mark, 6, 7);
	ck_assert_u64(e->status, EFI_BUFFER_TOO_SMALL, 6, 15);
	ck_assert_bytes_eq(&e->data, "bar", 3, 7, 13);
	ck_assert_u64(e->data_size, 3, 8, 18);
	ck_assert_u64(e->attributes, NV | BS | RT, 9, 19);
	ck_assert_text(e->name, "Foo", 10, 13);
	ck_assert(e->has_guid);
	ck_assert(guid_is(&e->guid, (struct efi_guid)EFI_GLOBAL_VARIABLE_GUID));
	ck_assert_mark(e->guid_mark, 11, 13);
	ck_assert_u64(e->name_size, 8, 12, 18);
	ck_assert_u64(e->maximum_storage_size, 64 * 1024, 13, 29);
	ck_assert_u64(e->remaining_storage_size, 0xf000, 14, 31);
	ck_assert_u64(e->maximum_variable_size, 8 * 1024, 15, 30);
	ck_assert_uint_eq(e->call_count, 0);
	ck_assert(!e->mm.present);
	ck_assert_ptr_null(e->console.value);
	ck_assert_ptr_null(e->stop.value);
}
END_TEST

START_TEST(expect_calls)
{
	const struct scenario_expect *e = &expect_fixture()[1].expect;
	const struct scenario_smc_match *m;

	ck_assert_uint_eq(e->call_count, 3);
	m = &e->calls[0];
	ck_assert_text(m->function, "FFA_MSG_SEND_DIRECT_REQ_64", 19, 11);
	ck_assert_uint_eq(m->fid, FFA_MSG_SEND_DIRECT_REQ_64);
	ck_assert_mark(m->mark, 19, 11);
	for (size_t i = 0; i < SMCCC_REG_COUNT; i++) {
		ck_assert(!m->x[i].present);
	}
	m = &e->calls[1];
	ck_assert_mark(m->mark, 20, 11);
	ck_assert_text(m->function, "FFA_RX_RELEASE", 20, 21);
	ck_assert_uint_eq(m->fid, FFA_RX_RELEASE);
	ck_assert_u64(m->x[1], 0, 21, 15);
	ck_assert_u64(m->x[17], 0x11, 22, 16);
	ck_assert(!m->x[2].present);
	ck_assert_u64(m->out_x0, FFA_SUCCESS_32, 23, 20);
	m = &e->calls[2];
	ck_assert_text(m->function, "0x84000063", 24, 11);
	ck_assert_uint_eq(m->fid, FFA_VERSION);

	ck_assert_uint_eq(e->no_call_count, 2);
	ck_assert_uint_eq(e->no_calls[0].fid, FFA_RXTX_UNMAP);
	ck_assert_mark(e->no_calls[0].mark, 25, 18);
	ck_assert_uint_eq(e->no_calls[1].fid, FFA_VERSION);
	ck_assert_mark(e->no_calls[1].mark, 25, 34);
	ck_assert_u64(e->no_calls[1].x[1], 0x10000, 25, 62);
}
END_TEST

START_TEST(expect_mm)
{
	static const uint8_t raw[] = {1, 0, 0, 0, 0, 0, 0, 0};
	static const uint8_t mask[] = {0xff, 0, 0xff, 0, 0xff, 0, 0xff, 0};
	const struct scenario_expect_mm *mm = &expect_fixture()[1].expect.mm;

	ck_assert(mm->present);
	ck_assert_mark(mm->mark, 27, 9);
	ck_assert_u64(mm->function, MM_VAR_FN_GET_VARIABLE, 27, 19);
	ck_assert_text(mm->name, "Foo", 28, 15);
	ck_assert(mm->has_guid);
	ck_assert(guid_is(&mm->guid,
			  (struct efi_guid)EFI_IMAGE_SECURITY_DATABASE_GUID));
	ck_assert_mark(mm->guid_mark, 29, 15);
	ck_assert_u64(mm->attributes, 7, 30, 21);
	ck_assert_bytes_eq(&mm->data, "bar", 3, 31, 19);
	ck_assert_u64(mm->data_size, 3, 32, 20);
	ck_assert_u64(mm->name_size, 8, 33, 20);
	ck_assert_u64(mm->message_length, 0x40, 34, 25);
	ck_assert_u64(mm->raw_offset, 24, 35, 23);
	ck_assert_bytes_eq(&mm->raw_bytes, raw, sizeof(raw), 35, 34);
	ck_assert_bytes_eq(&mm->raw_mask, mask, sizeof(mask), 35, 60);
	/* An MM code keeps the bits of its int64_t. */
	ck_assert_u64(mm->mm_return, (uint64_t)(int64_t)MM_RET_DENIED, 36,
		      20);
	ck_assert_u64(mm->return_status, EFI_NOT_FOUND, 37, 24);
}
END_TEST

START_TEST(expect_console_stop_findings)
{
	static const uint8_t hi[] = {'H', 0, 'i', 0, 0, 0};
	const struct scenario_step *st = expect_fixture();
	const struct scenario_expect *e = &st[2].expect;

	ck_assert_mark(st[2].mark, 38, 5);
	ck_assert_text(e->console, "U-Boot", 40, 16);
	ck_assert_text(e->console_regex, "^U-Boot 20[0-9]{2}", 41, 22);
	ck_assert_text(e->console_absent, "panic", 42, 23);
	ck_assert_text(e->stop, "console-idle", 43, 13);
	ck_assert_uint_eq(e->finding_count, 1);
	ck_assert_text(e->findings[0], "cache.request-dirty-at-doorbell", 44,
		       18);
	ck_assert(!st[3].expect.present);
	ck_assert(st[4].expect.present);
	ck_assert_text(st[4].expect.stop, "power-off", 48, 20);
	ck_assert_bytes_eq(&st[4].expect.data, hi, sizeof(hi), 48, 42);
}
END_TEST

/* --- Scalars -------------------------------------------------------------- */

static const char *const bool_true[] = {"true", "True", "TRUE", "yes",
					"Yes", "YES", "\"true\""};
static const char *const bool_false[] = {"false", "False", "FALSE", "no",
					 "No", "NO", "'no'"};

START_TEST(booleans_true)
{
	char text[128];
	const struct scenario *sc;

	snprintf(text, sizeof(text),
		 "name: x\nchecks: {wide_maintenance_fails: %s}\n"
		 "steps: [boot]\n",
		 bool_true[_i]);
	sc = load_text_ok(text);
	ck_assert_u64(sc->checks.wide_maintenance_fails, 1, 2, 34);
}
END_TEST

START_TEST(booleans_false)
{
	char text[128];
	const struct scenario *sc;

	snprintf(text, sizeof(text),
		 "name: x\nchecks: {rxtx_unmapped_at_ebs: %s}\n"
		 "steps: [boot]\n",
		 bool_false[_i]);
	sc = load_text_ok(text);
	ck_assert_u64(sc->checks.rxtx_unmapped_at_ebs, 0, 2, 32);
}
END_TEST

struct number_case {
	const char *text;
	bool ok;
	uint64_t value;
};

static const struct number_case size_cases[] = {
	{"0", true, 0},
	{"4096", true, 4096},
	{"007", true, 7},
	{"0x1000", true, 0x1000},
	{"0X1f", true, 0x1f},
	{"4k", true, 4096},
	{"2M", true, 2u << 20},
	{"1G", true, 1u << 30},
	{"0x10K", true, 0x4000},
	{"18446744073709551615", true, UINT64_MAX},
	{"18446744073709551616", false, 0},
	{"17179869183G", true, ((UINT64_C(1) << 34) - 1) << 30},
	{"17179869184G", false, 0}, /* 2^64 */
	{"-1", false, 0},
	{"1.5", false, 0},
	{"1KB", false, 0},
	{"K", false, 0},
	{"0x", false, 0},
	{" 1", false, 0},
	{"1e3", false, 0},
	{"0b101", false, 0},
};

START_TEST(sizes)
{
	const struct number_case *c = &size_cases[_i];
	char text[160];
	bool ok;

	snprintf(text, sizeof(text),
		 "name: x\nspmc: {store: {capacity: \"%s\"}}\nsteps: [boot]\n",
		 c->text);
	ok = scenario_load_string("t.yaml", text, strlen(text), &set, &errs);
	ck_assert_msg(ok == c->ok, "'%s' loaded: %d", c->text, ok);
	if (ok) {
		ck_assert_uint_eq(set.items[0].spmc.store_capacity.value,
				  c->value);
	} else {
		static const char want[] =
			"t.yaml:2:26: error: spmc.store.capacity: expected a "
			"size (a number with an optional K, M or G suffix), "
			"got '";

		ck_assert_msg(strncmp(errs.messages[0], want,
				      sizeof(want) - 1) == 0,
			      "%s", errs.messages[0]);
	}
}
END_TEST

/* Numbers take no suffix. */
START_TEST(numbers_take_no_size_suffix)
{
	ck_assert_str_eq(load_text_bad("name: x\nmax_instructions: 4K\n"
				       "steps: [boot]\n"),
			 "text.yaml:2:19: error: max_instructions: expected a "
			 "number (decimal or 0x hex), got '4K'");
}
END_TEST

START_TEST(names_are_case_insensitive_or_numbers)
{
	const struct scenario *sc = load_text_ok(
		"name: x\n"
		"steps:\n"
		"  - inject: {ffa_error: ffa_busy}\n"
		"  - inject: {mm_return: denied}\n"
		"  - inject: {efi_status: not_found}\n"
		"  - inject: {efi_status: 0x8000000000000002}\n"
		"  - inject: {ffa_error: -010}\n"
		"  - get_variable: {name: Foo}\n"
		"    expect:\n"
		"      {status: 014, attributes: nv|bs, mm: {function: 3}}\n");

	ck_assert_int_eq(sc->steps[0].inject.code, FFA_RET_BUSY);
	ck_assert_int_eq(sc->steps[1].inject.code, MM_RET_DENIED);
	ck_assert_int_eq(sc->steps[2].inject.code, (int64_t)EFI_NOT_FOUND);
	ck_assert_int_eq(sc->steps[3].inject.code,
			 (int64_t)EFI_INVALID_PARAMETER);
	/* -010 and 014 are decimal, not octal. */
	ck_assert_int_eq(sc->steps[4].inject.code, -10);
	ck_assert_uint_eq(sc->steps[5].expect.status.value, 14);
	ck_assert_uint_eq(sc->steps[5].expect.attributes.value, NV | BS);
	ck_assert_uint_eq(sc->steps[5].expect.mm.function.value,
			  MM_VAR_FN_SET_VARIABLE);
	/* A number is [-]decimal or [-]0x hex, nothing else. */
	ck_assert_str_eq(load_text_bad("name: x\nsteps:\n"
				       "  - inject: {ffa_error: \"+5\"}\n"),
			 "text.yaml:3:25: error: steps[0].inject.ffa_error: "
			 "expected an FF-A error name (DENIED) or a number, "
			 "got '+5'");
	ck_assert_str_eq(load_text_bad("name: x\nsteps:\n"
				       "  - inject: {efi_status: -1}\n"),
			 "text.yaml:3:26: error: steps[0].inject.efi_status: "
			 "expected an EFI status name (EFI_NOT_FOUND) or a "
			 "number, got '-1'");
}
END_TEST

/* --- Appending, and what failure leaves -------------------------------- */

START_TEST(loads_append_to_the_set)
{
	load_text_ok("name: a\nsteps: [boot]\n");
	load_text_ok("- name: b\n  steps: [boot]\n"
		     "- name: c\n  steps: [boot]\n");
	ck_assert_uint_eq(set.count, 3);
	ck_assert_str_eq(set.items[0].name, "a");
	ck_assert_str_eq(set.items[1].name, "b");
	ck_assert_str_eq(set.items[2].name, "c");
	/* Names need only be unique within a file. */
	load_text_ok("name: a\nsteps: [boot]\n");
	ck_assert_uint_eq(set.count, 4);
}
END_TEST

START_TEST(failure_leaves_the_set_untouched)
{
	static const char bad[] = "- name: b\n  steps: [boot]\n- name: c\n"
				  "  steps: [frobnicate]\n";
	const struct scenario *before;

	before = load_text_ok("name: a\nsteps: [boot]\n");
	ck_assert(!scenario_load_string("bad.yaml", bad, strlen(bad), &set,
					&errs));
	ck_assert_uint_eq(set.count, 1);
	ck_assert_ptr_eq(&set.items[0], before);
	ck_assert_str_eq(set.items[0].name, "a");
	ck_assert_uint_eq(errs.count, 1);
	/* Errors accumulate across loads, too. */
	ck_assert(!scenario_load_string("bad.yaml", bad, strlen(bad), &set,
					&errs));
	ck_assert_uint_eq(errs.count, 2);
	ck_assert_uint_eq(set.count, 1);
}
END_TEST

START_TEST(unreadable_file_is_one_error)
{
	static const char want[] =
		DATA_DIR "no-such-file.yaml:1:1: error: (document): ";

	ck_assert(!scenario_load_file(DATA_DIR "no-such-file.yaml", &set,
				      &errs));
	ck_assert_uint_eq(errs.count, 1);
	ck_assert_uint_eq(set.count, 0);
	ck_assert_msg(strncmp(errs.messages[0], want, sizeof(want) - 1) == 0,
		      "%s", errs.messages[0]);
}
END_TEST

START_TEST(null_text_is_an_empty_document)
{
	ck_assert(!scenario_load_string("nothing", NULL, 0, &set, &errs));
	ck_assert_str_eq(errs.messages[0],
			 "nothing:1:1: error: (document): expected a scenario "
			 "(a mapping) or a sequence of scenarios, got an empty "
			 "document");
}
END_TEST

START_TEST(free_functions_accept_empty_and_null)
{
	struct scenario_set empty_set = {NULL, 0};
	struct scenario_errors empty_errs = {NULL, 0};

	scenario_set_free(&empty_set);
	scenario_errors_free(&empty_errs);
	scenario_set_free(NULL);
	scenario_errors_free(NULL);
}
END_TEST

/* --- Malformed fixtures: the first error of each ----------------------- */

struct bad_case {
	const char *file;
	int line;
	int column;
	const char *path;
	const char *message; /* prefix */
};

static const struct bad_case bad_cases[] = {
	/* YAML syntax (one error, the load stops). */
	{"syntax-scanner.yaml", 3, 15, "(document)",
	 "mapping values are not allowed in this context"},
	{"syntax-parser.yaml", 3, 5, "(document)",
	 "did not find expected ',' or ']' (while parsing a flow sequence at "
	 "line 2, column 8)"},
	{"syntax-indentation.yaml", 4, 2, "(document)",
	 "did not find expected key (while parsing a block mapping at line 1, "
	 "column 1)"},
	{"reader-control-character.yaml", 3, 15, "(document)",
	 "control characters are not allowed (#1 at byte offset 36)"},
	{"reader-invalid-utf8.yaml", 3, 17, "(document)",
	 "incomplete UTF-8 octet sequence (at byte offset 38)"},
	{"too-deep.yaml", 3, 70, "(document)", "nesting deeper than 64 levels"},
	/* The document as a whole. */
	{"empty-file.yaml", 1, 1, "(document)",
	 "expected a scenario (a mapping) or a sequence of scenarios, got an "
	 "empty document"},
	{"comments-only.yaml", 1, 1, "(document)",
	 "expected a scenario (a mapping) or a sequence of scenarios, got an "
	 "empty document"},
	{"top-level-scalar.yaml", 1, 1, "(document)",
	 "expected a scenario (a mapping) or a sequence of scenarios, got "
	 "'just a string'"},
	{"top-level-empty-sequence.yaml", 1, 1, "(document)",
	 "expected at least one scenario, got an empty sequence"},
	{"top-level-sequence-of-scalars.yaml", 3, 3, "[1]",
	 "expected a scenario mapping {name, steps, ...}, got 'oops'"},
	{"second-document.yaml", 3, 1, "(document)",
	 "expected one YAML document, found a second one"},
	{"duplicate-scenario-name.yaml", 5, 9, "[2].name",
	 "duplicate scenario name 'same' (first at line 1, column 9)"},
	/* Keys. */
	{"unknown-key.yaml", 2, 1, "nmae",
	 "unknown key 'nmae'; expected one of: name, description, tags, "
	 "firmware, platform, machine, qemu, max_instructions, timeout, spmc, "
	 "checks, expect_findings, snapshot, steps"},
	/* machine: qemu and the Linux steps. */
	{"qemu-unknown-key.yaml", 3, 17, "qemu.kernel_arg",
	 "unknown key 'kernel_arg'; expected one of: cpus, cpu, memory, "
	 "kernel_args, kernel, linux, boot_modules, el1, icount (did you "
	 "mean 'kernel_args'?)"},
	{"qemu-unknown-kernel.yaml", 3, 16, "qemu.kernel",
	 "expected debian or ffa-builtin, got 'builtin'"},
	{"qemu-too-many-cpus.yaml", 3, 14, "qemu.cpus",
	 "expected a number of CPUs (1 to 8), got '9'"},
	{"qemu-without-machine.yaml", 2, 7, "qemu",
	 "applies only to machine: qemu"},
	{"machine-unknown.yaml", 2, 10, "machine",
	 "expected unicorn or qemu, got 'kvm'"},
	{"linux-step-on-unicorn.yaml", 4, 5, "steps[1]",
	 "shell runs a command in Linux, which only machine: qemu boots"},
	{"agent-step-on-qemu.yaml", 5, 5, "steps[1]",
	 "get_variable needs the agent, which machine: qemu lacks (Linux "
	 "steps: shell, load_module, efivarfs_read, efivarfs_write, dmesg)"},
	{"firmware-linux-on-unicorn.yaml", 2, 11, "firmware",
	 "linux runs only on machine: qemu"},
	{"refclient-on-qemu.yaml", 3, 11, "firmware",
	 "refclient needs the Unicorn machine; machine: qemu runs linux, "
	 "uboot-ffa, uboot-optee, uboot-debian or an image"},
	{"shell-two-lines.yaml", 5, 12, "steps[1].shell.command",
	 "expected one line, got a line break (Linux's shell reads a command "
	 "per line)"},
	{"load-module-bad-name.yaml", 5, 18, "steps[1].load_module.name",
	 "expected a module name (letters, digits, _ and -), got '../evil'"},
	{"load-module-args-shell.yaml", 5, 41, "steps[1].load_module.args",
	 "expected module parameters (name=value ...), got shell syntax in "
	 "'a=1; reboot'"},
	{"exit-status-range.yaml", 6, 27, "steps[1].expect.exit_status",
	 "expected an exit status (0 to 255), got '256'"},
	{"efivarfs-read-data.yaml", 5, 32, "steps[1].efivarfs_read.data",
	 "data does not apply to efivarfs_read; it takes: name, guid"},
	{"calls-el-range.yaml", 6, 43, "steps[0].expect.calls[0].el",
	 "expected an exception level (0 to 3), got '4'"},
	{"boot-shell-on-unicorn.yaml", 3, 5, "steps[0]",
	 "boot until: shell needs Linux on machine: qemu"},
	{"missing-name.yaml", 1, 1, "name", "missing required key 'name'"},
	{"missing-steps.yaml", 1, 1, "steps", "missing required key 'steps'"},
	{"duplicate-key.yaml", 3, 1, "name",
	 "duplicate key 'name' (first at line 1, column 1)"},
	{"non-scalar-key.yaml", 3, 1, "(document)",
	 "expected a key name, got a sequence"},
	{"alias.yaml", 3, 11, "platform",
	 "expected a non-empty string, got an alias (*d); aliases are not "
	 "supported, write the value out"},
	/* Node types and scalar values. */
	{"empty-name.yaml", 1, 7, "name",
	 "expected a non-empty string, got ''"},
	{"nul-in-text.yaml", 1, 7, "name",
	 "expected a non-empty string, got text with a NUL character"},
	{"wrong-type-mapping.yaml", 2, 7, "spmc",
	 "expected a mapping {ffa_version, endpoint_id, shared_buffer, "
	 "partitions, store, variables}, got a sequence"},
	{"wrong-type-sequence.yaml", 2, 7, "tags",
	 "expected a sequence of tags, got 'smoke'"},
	{"wrong-type-scalar.yaml", 1, 7, "name",
	 "expected a non-empty string, got a mapping"},
	{"null-value.yaml", 2, 10, "platform",
	 "expected a non-empty string, got null"},
	{"bad-number.yaml", 2, 19, "max_instructions",
	 "expected a number (decimal or 0x hex), got 'ten'"},
	{"bad-number-negative.yaml", 2, 10, "timeout",
	 "expected a number of seconds (at least 1), got '-1'"},
	{"number-overflow.yaml", 2, 19, "max_instructions",
	 "expected a number (decimal or 0x hex), got "
	 "'0x10000000000000000'"},
	{"number-range.yaml", 2, 19, "max_instructions",
	 "expected a number of at least 1, got '0'"},
	{"bad-size.yaml", 3, 21, "spmc.store.capacity",
	 "expected a size (a number with an optional K, M or G suffix), got "
	 "'12Q'"},
	{"size-overflow.yaml", 3, 21, "spmc.store.capacity",
	 "expected a size (a number with an optional K, M or G suffix), got "
	 "'0x400000000000G'"},
	{"bad-bool.yaml", 3, 27, "checks.wide_maintenance_fails",
	 "expected true or false (or yes/no), got 'maybe'"},
	{"bad-cache-model.yaml", 3, 16, "checks.cache_model",
	 "expected cortex-a57, cortex-a53 or strict, got 'cortex-a72'"},
	{"watch-missing-size.yaml", 4, 7, "checks.watch[0].size",
	 "missing required key 'size'"},
	{"expect-findings-not-sequence.yaml", 2, 18, "expect_findings",
	 "expected a sequence of finding codes, got 'ffa.rx-not-released'"},
	/* firmware */
	{"bad-firmware-name.yaml", 2, 11, "firmware",
	 "expected a built-in firmware (refclient, refclient:<variant>, "
	 "uboot-debian, uboot-ffa, uboot-optee, linux) or a mapping {image, "
	 "format, load_address}, got "
	 "'u-boot.bin'"},
	{"bad-firmware-variant.yaml", 2, 11, "firmware",
	 "expected a built-in firmware (refclient, refclient:<variant>, "
	 "uboot-debian, uboot-ffa, uboot-optee, linux) or a mapping {image, "
	 "format, load_address}, got "
	 "'refclient:'"},
	{"firmware-missing-image.yaml", 3, 3, "firmware.image",
	 "missing required key 'image'"},
	{"bad-firmware-format.yaml", 2, 34, "firmware.format",
	 "expected auto, elf or raw, got 'hex'"},
	/* spmc */
	{"bad-ffa-version.yaml", 3, 16, "spmc.ffa_version",
	 "expected 1.0, 1.1 or 1.2, got '1.3'"},
	{"endpoint-id-range.yaml", 3, 16, "spmc.endpoint_id",
	 "expected a normal-world endpoint ID (0 to 0x7fff), got '0x8000'"},
	{"shared-buffer-unknown-key.yaml", 3, 19, "spmc.shared_buffer.adress",
	 "unknown key 'adress'; expected one of: address, size, offset"},
	{"partition-id-not-secure.yaml", 4, 11, "spmc.partitions[0].id",
	 "expected a secure partition ID (0x8000 to 0xffff), got '0x7fff'"},
	{"partition-missing-uuid.yaml", 4, 7, "spmc.partitions[0].uuid",
	 "missing required key 'uuid'"},
	{"partition-bad-uuid.yaml", 5, 13, "spmc.partitions[0].uuid",
	 "expected a GUID (8be4df61-93ca-11d2-aa0d-00e098032b8c), got "
	 "'ed32d533-99e6-4209-9cc0'"},
	{"partition-duplicate-id.yaml", 5, 12, "spmc.partitions[1].id",
	 "partition ID 0x8001 is already used by partitions[0]"},
	{"partition-exec-contexts.yaml", 6, 27,
	 "spmc.partitions[0].execution_contexts",
	 "expected a number from 1 to 65535, got '0'"},
	{"partition-bad-model.yaml", 6, 14, "spmc.partitions[0].model",
	 "expected mm-variable, echo or test, got 'tpm'"},
	{"too-many-partitions.yaml", 4, 5, "spmc.partitions",
	 "expected at most 8 partitions, got 9"},
	{"partition-not-mapping.yaml", 3, 16, "spmc.partitions[0]",
	 "expected a partition mapping {name, id, uuid, properties, "
	 "execution_contexts, model}, got '0x8001'"},
	{"variable-empty-name.yaml", 4, 14, "spmc.variables[0].name",
	 "expected a non-empty variable name, got ''"},
	{"variable-name-not-ucs2.yaml", 4, 14, "spmc.variables[0].name",
	 "expected a variable name of characters UCS-2 can hold (none beyond "
	 "U+FFFF), got '"},
	{"variable-missing-attributes.yaml", 4, 7,
	 "spmc.variables[0].attributes", "missing required key 'attributes'"},
	{"variable-duplicate.yaml", 5, 7, "spmc.variables[1]",
	 "variable 'Foo' with this GUID is already in variables[0]"},
	{"variable-bad-guid.yaml", 4, 41, "spmc.variables[0].guid",
	 "expected a GUID (8be4df61-93ca-11d2-aa0d-00e098032b8c), got "
	 "'8be4df61-93ca-11d2-aa0d-00e098032b8g'"},
	/* Steps. */
	{"empty-steps.yaml", 2, 8, "steps",
	 "expected at least one step, got an empty sequence"},
	{"unknown-step-kind.yaml", 4, 5, "steps[1]",
	 "unknown step kind 'frobnicate'; expected one of: boot, get_variable, "
	 "set_variable, get_next_variable_name, query_variable_info, "
	 "exit_boot_services, set_virtual_address_map, get_memory_map, "
	 "console, inject, print, power_off, reset"},
	{"unknown-step-key-mapping.yaml", 4, 5, "steps[0].expekt",
	 "unknown key 'expekt'; expected a step kind (boot, "},
	{"two-step-kinds.yaml", 4, 5, "steps[0].set_variable",
	 "two step kinds in one step: 'get_variable' (line 3, column 5) and "
	 "'set_variable'; write them as two steps"},
	{"missing-step-kind.yaml", 3, 5, "steps[0]",
	 "missing step kind; expected one of: boot, "},
	{"step-wrong-type.yaml", 3, 5, "steps[0]",
	 "expected a step (a step kind such as boot, or a mapping with one "
	 "step kind key and an optional expect), got a sequence"},
	{"step-args-unknown-key.yaml", 5, 7, "steps[0].set_variable.atributes",
	 "unknown key 'atributes'; expected one of: name, guid, attributes, "
	 "data, data_hex, data_ucs2, buffer_size, null"},
	{"step-args-wrong-type.yaml", 3, 19, "steps[0].get_variable",
	 "expected a mapping {name, guid, attributes, data, buffer_size, "
	 "null}, got 'Foo'"},
	{"no-args-step-with-args.yaml", 3, 26,
	 "steps[0].exit_boot_services.now",
	 "unknown key 'now'; this takes no arguments"},
	{"no-args-step-with-scalar.yaml", 3, 16, "steps[0].power_off",
	 "expected nothing (null or an empty mapping), got 'now'"},
	{"bad-boot-until.yaml", 3, 19, "steps[0].boot.until",
	 "expected agent, prompt, stop or shell, got 'login'"},
	{"set-variable-no-name.yaml", 4, 7, "steps[0].set_variable.name",
	 "missing required key 'name'; set_variable needs a name (\"\" is "
	 "allowed) or null: [name]"},
	{"set-variable-no-attributes.yaml", 3, 19,
	 "steps[0].set_variable.attributes",
	 "missing required key 'attributes'; set_variable needs attributes"},
	{"get-variable-no-name.yaml", 3, 18, "steps[0].get_variable.name",
	 "missing required key 'name'; get_variable needs a name"},
	{"query-no-attributes.yaml", 3, 5,
	 "steps[0].query_variable_info.attributes",
	 "missing required key 'attributes'; query_variable_info needs "
	 "attributes (NV|BS|RT or a number)"},
	{"call-name-not-ucs2.yaml", 3, 26, "steps[0].get_variable.name",
	 "expected a variable name of characters UCS-2 can hold"},
	{"argument-not-applicable.yaml", 3, 31, "steps[0].get_variable.data",
	 "data does not apply to get_variable; it takes: name, guid, "
	 "buffer_size, null"},
	{"bad-attributes.yaml", 3, 43, "steps[0].set_variable.attributes",
	 "expected EFI variable attributes (NV|BS|RT) or a number, got "
	 "'NV|XX'"},
	{"bad-guid.yaml", 3, 37, "steps[0].get_variable.guid",
	 "expected a GUID (8be4df61-93ca-11d2-aa0d-00e098032b8c), got "
	 "'not-a-guid'"},
	{"bad-hex.yaml", 3, 57, "steps[0].set_variable.data_hex",
	 "expected hex bytes (0a0b0c), got '0a0b0' (bad digit or odd count at "
	 "character 6)"},
	{"bad-ucs2.yaml", 3, 58, "steps[0].set_variable.data_ucs2",
	 "expected UTF-8 text of characters UCS-2 can hold (none beyond "
	 "U+FFFF), got '"},
	{"data-twice.yaml", 7, 17, "steps[0].set_variable.data_hex",
	 "only one of data, data_hex and data_ucs2 may be given; one is "
	 "already at line 6, column 13"},
	{"bad-null-flag.yaml", 3, 44, "steps[0].get_variable.null[1]",
	 "expected name, guid, data, attributes or size, got 'buffer'"},
	{"null-flags-not-sequence.yaml", 3, 37, "steps[0].get_variable.null",
	 "expected a sequence of argument names (name, guid, data, attributes, "
	 "size), got 'name'"},
	{"bad-buffer-size.yaml", 3, 44, "steps[0].get_variable.buffer_size",
	 "expected a size (a number with an optional K, M or G suffix), got "
	 "'1T'"},
	{"console-needs-type-or-wait.yaml", 3, 14, "steps[0].console",
	 "console needs 'type' (a line to type), 'wait' (text to wait for) or "
	 "both"},
	{"console-bad-enter.yaml", 3, 32, "steps[0].console.enter",
	 "expected true or false (or yes/no), got '2'"},
	{"inject-no-kind.yaml", 3, 13, "steps[0].inject",
	 "missing the fault to inject; expected one of: ffa_error, mm_return, "
	 "efi_status, reply, rx_busy, teec_error, optee_rpc, optee_smc, "
	 "optee_truncated"},
	{"inject-two-kinds.yaml", 5, 7, "steps[0].inject.mm_return",
	 "only one of ffa_error, mm_return, efi_status, reply, rx_busy, "
	 "teec_error, optee_rpc, optee_smc and optee_truncated may be given; "
	 "'ffa_error' is already at line 4, column 7"},
	{"inject-bad-ffa-error.yaml", 3, 25, "steps[0].inject.ffa_error",
	 "expected an FF-A error name (DENIED) or a number, got 'REFUSED'"},
	{"inject-bad-mm-return.yaml", 3, 25, "steps[0].inject.mm_return",
	 "expected an MM return code name (MM_DENIED) or a number, got "
	 "'MM_NOPE'"},
	{"inject-bad-efi-status.yaml", 3, 26, "steps[0].inject.efi_status",
	 "expected an EFI status name (EFI_NOT_FOUND) or a number, got "
	 "'EFI_NOPE'"},
	{"inject-bad-reply.yaml", 3, 21, "steps[0].inject.reply",
	 "expected truncated, corrupted or oversized, got 'late'"},
	{"inject-rx-busy-false.yaml", 3, 23, "steps[0].inject.rx_busy",
	 "expected true (to inject nothing, drop the step), got 'false'"},
	{"inject-bad-on.yaml", 3, 35, "steps[0].inject.on",
	 "expected an SMC function name (FFA_MSG_SEND_DIRECT_REQ_64) or a "
	 "number, got 'FFA_NOPE'"},
	{"inject-bad-mm-function.yaml", 3, 49, "steps[0].inject.mm_function",
	 "expected an MM variable function name (SET_VARIABLE) or a number, "
	 "got 'GET_VARIABLES'"},
	{"inject-count-zero.yaml", 3, 38, "steps[0].inject.count",
	 "expected a number of at least 1, or all, got '0'"},
	{"inject-bad-after-ebs.yaml", 3, 57,
	 "steps[0].inject.after_exit_boot_services",
	 "expected true or false (or yes/no), got 'later'"},
	{"print-needs-text.yaml", 3, 5, "steps[0].print",
	 "expected text to print, got null"},
	{"print-not-scalar.yaml", 3, 12, "steps[0].print",
	 "expected text to print, got a sequence"},
	/* Expectations. */
	{"expect-not-mapping.yaml", 4, 13, "steps[0].expect",
	 "expected a mapping of expectations {status, data, calls, mm, "
	 "console, stop, findings, ...}, got a sequence"},
	{"expect-unknown-key.yaml", 7, 7, "steps[1].expect.stauts",
	 "unknown key 'stauts'; expected one of: status, data, data_hex, "
	 "data_ucs2, data_size, attributes, name, guid, name_size, "
	 "maximum_storage_size, remaining_storage_size, maximum_variable_size, "
	 "calls, no_calls, mm, console, console_regex, console_absent, "
	 "exit_status, output, output_regex, output_absent, stop, "
	 "phase, phase_evidence, findings"},
	{"expect-bad-status.yaml", 4, 22, "steps[0].expect.status",
	 "expected an EFI status name (EFI_NOT_FOUND) or a number, got "
	 "'EFI_NOPE'"},
	{"expect-bad-stop.yaml", 5, 20, "steps[1].expect.stop",
	 "expected power-off, reset, fault, hang, instruction-budget, timeout, "
	 "agent-panic or console-idle, got 'poweroff'"},
	{"expect-bad-regex.yaml", 5, 22, "steps[0].expect.console_regex",
	 "expected a POSIX extended regular expression, got 'a{2' ("},
	/* Costly for glibc's regcomp (found by fuzz_scenario: gigabytes). */
	{"expect-regex-stacked.yaml", 5, 22, "steps[0].expect.console_regex",
	 "expected a POSIX extended regular expression, got "
	 "'^U-Bo++++++++ot 20[0-9]{2}' (repetition operators stacked at "
	 "offset 5 (\"++\"), undefined in an extended regular expression; "
	 "write one operator)"},
	{"expect-regex-nested.yaml", 5, 21, "steps[0].expect.output_regex",
	 "expected a POSIX extended regular expression, got "
	 "'((((a{9}){9}){9}){9})' (its repetitions copy atoms more than 4096 "
	 "times (nested or large intervals); simplify the pattern)"},
	{"expect-empty-finding.yaml", 5, 39, "steps[0].expect.findings[1]",
	 "expected a finding code, got ''"},
	{"calls-not-sequence.yaml", 4, 21, "steps[0].expect.calls",
	 "expected a sequence of SMC function names or mappings {function, "
	 "x1..x17, returns}, got 'FFA_VERSION'"},
	{"calls-bad-function.yaml", 5, 28, "steps[0].expect.calls[1]",
	 "expected an SMC function name (FFA_MSG_SEND_DIRECT_REQ_64) or a "
	 "number, got 'FFA_VERSON'"},
	{"calls-entry-wrong-type.yaml", 5, 15, "steps[0].expect.calls[0]",
	 "expected an SMC function name or a mapping {function, x1..x17, "
	 "returns, el, cpu, sri}, got a sequence"},
	{"calls-missing-function.yaml", 6, 11,
	 "steps[0].expect.no_calls[0].function",
	 "missing required key 'function'"},
	{"calls-bad-register.yaml", 6, 35, "steps[0].expect.calls[0].x18",
	 "unknown key 'x18'; expected one of: function, x1, x2, "},
	{"mm-bad-function.yaml", 5, 22, "steps[0].expect.mm.function",
	 "expected an MM variable function name (SET_VARIABLE) or a number, "
	 "got 'GET_VAR'"},
	{"mm-bad-mm-return.yaml", 5, 23, "steps[0].expect.mm.mm_return",
	 "expected an MM return code name (MM_DENIED) or a number, got "
	 "'DENIED_MM'"},
	{"mm-raw-missing-bytes.yaml", 6, 14, "steps[0].expect.mm.raw.bytes",
	 "missing required key 'bytes'"},
	{"mm-raw-mask-length.yaml", 6, 36, "steps[0].expect.mm.raw.mask",
	 "expected as many mask bytes as bytes (2), got 1"},
	{"mm-raw-empty-bytes.yaml", 6, 22, "steps[0].expect.mm.raw.bytes",
	 "expected at least one byte, got none"},
	{"mm-not-mapping.yaml", 5, 11, "steps[0].expect.mm",
	 "expected a mapping of MM request expectations {function, name, "
	 "guid, ...}, got 'GET_VARIABLE'"},
};

START_TEST(bad_fixture_first_error)
{
	const struct bad_case *c = &bad_cases[_i];
	char path[256];
	char want[1024];

	snprintf(path, sizeof(path), BAD_DIR "%s", c->file);
	snprintf(want, sizeof(want), "%s:%d:%d: error: %s: %s", path, c->line,
		 c->column, c->path, c->message);
	ck_assert_msg(!scenario_load_file(path, &set, &errs), "%s loaded",
		      path);
	ck_assert_uint_ge(errs.count, 1);
	ck_assert_msg(strncmp(errs.messages[0], want, strlen(want)) == 0,
		      "first error of %s:\n  got  %s\n  want %s...", c->file,
		      errs.messages[0], want);
	/* Nothing reaches the caller. */
	ck_assert_uint_eq(set.count, 0);
	ck_assert_ptr_null(set.items);
}
END_TEST

/* Every file in bad/ is in the table (and so is tested). */
START_TEST(bad_fixtures_are_all_in_the_table)
{
	DIR *d = opendir(BAD_DIR);
	const struct dirent *de;
	size_t files = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		bool listed = false;

		if (de->d_name[0] == '.') {
			continue;
		}
		files++;
		for (size_t i = 0; i < ARRAY_COUNT(bad_cases); i++) {
			listed = listed || strcmp(bad_cases[i].file,
						  de->d_name) == 0;
		}
		ck_assert_msg(listed, "%s is not in bad_cases[]", de->d_name);
	}
	closedir(d);
	ck_assert_uint_eq(files, ARRAY_COUNT(bad_cases));
}
END_TEST

/* --- A file with many mistakes yields all of them, in order ------------- */

static const char *const multi_errors[] = {
	"2:7: error: tags: expected a sequence of tags, got 'smoke'",
	"4:16: error: spmc.ffa_version: expected 1.0, 1.1 or 1.2, got '2.0'",
	"6:12: error: spmc.partitions[0].id: expected a secure partition ID",
	"6:23: error: spmc.partitions[0].uuid: expected a GUID",
	"8:12: error: steps[0].boot.untill: unknown key 'untill'",
	"9:19: error: steps[1].set_variable.attributes: missing required key "
	"'attributes'",
	"9:31: error: steps[1].set_variable.atributes: unknown key "
	"'atributes'",
	"10:22: error: steps[1].expect.status: expected an EFI status name",
	"11:19: error: steps[2].get_variable.name: missing required key 'name'",
	"12:5: error: steps[2].set_variable: two step kinds in one step",
	"13:5: error: steps[3]: unknown step kind 'frobnicate'",
	"14:33: error: steps[4].inject.efi_status: only one of ffa_error",
	"14:55: error: steps[4].inject.count: expected a number of at least 1",
	"15:14: error: steps[5].console: console needs 'type'",
	"16:29: error: steps[6].get_variable.name: duplicate key 'name'",
	"17:26: error: steps[7].query_variable_info.attributes: missing "
	"required key",
	"17:27: error: steps[7].query_variable_info.data: data does not apply",
	"18:5: error: steps[8]: missing step kind",
	"18:29: error: steps[8].expect.console_regex: expected a POSIX",
	"19:1: error: name: duplicate key 'name' (first at line 1, column 1)",
};

START_TEST(many_errors_are_all_reported)
{
	const char *path = DATA_DIR "multi-error.yaml";

	ck_assert(!scenario_load_file(path, &set, &errs));
	ck_assert_msg(errs.count == ARRAY_COUNT(multi_errors),
		      "%zu errors:%s", errs.count, errors_text(&errs));
	for (size_t i = 0; i < errs.count; i++) {
		char want[512];

		snprintf(want, sizeof(want), "%s:%s", path, multi_errors[i]);
		ck_assert_msg(strncmp(errs.messages[i], want, strlen(want)) ==
				      0,
			      "error %zu:\n  got  %s\n  want %s...", i,
			      errs.messages[i], want);
	}
	ck_assert_uint_eq(set.count, 0);
}
END_TEST

/* --- Fuzz: truncations and mutations never crash nor leak into out ------ */

static const char *const fuzz_fixtures[] = {
	DATA_DIR "full.yaml",
	DATA_DIR "steps.yaml",
	DATA_DIR "expect.yaml",
	DATA_DIR "multi.yaml",
};

/* xorshift64*: deterministic, so a failure reproduces. */
static uint64_t fuzz_next(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * UINT64_C(0x2545f4914f6cdd1d);
}

/* One load: it either succeeds cleanly or fails with well-formed errors. */
static void fuzz_one(const char *text, size_t len, const regex_t *format)
{
	struct scenario_set out = {NULL, 0};
	struct scenario_errors e = {NULL, 0};
	bool ok = scenario_load_string("fuzz.yaml", text, len, &out, &e);

	if (ok) {
		ck_assert_uint_eq(e.count, 0);
		ck_assert_uint_ge(out.count, 1);
	} else {
		ck_assert_uint_ge(e.count, 1);
		ck_assert_uint_eq(out.count, 0);
		ck_assert_ptr_null(out.items);
	}
	for (size_t i = 0; i < e.count; i++) {
		ck_assert_msg(regexec(format, e.messages[i], 0, NULL, 0) == 0,
			      "malformed error: %s", e.messages[i]);
	}
	scenario_set_free(&out);
	scenario_errors_free(&e);
}

START_TEST(fuzz_truncations_and_mutations)
{
	static const char interesting[] = ":-[]{}\"'&*!|>#,?%@` \t\n0x\\";
	struct strbuf text = STRBUF_INIT;
	struct error err = {false, ""};
	regex_t format;
	uint64_t state = UINT64_C(0x9e3779b97f4a7c15) + (uint64_t)_i;
	char *copy;

	ck_assert_int_eq(regcomp(&format,
				 "^fuzz\\.yaml:[0-9]+:[0-9]+: error: .+: .+",
				 REG_EXTENDED | REG_NOSUB),
			 0);
	ck_assert_msg(file_read_all(fuzz_fixtures[_i], &text, 1 << 20, &err),
		      "%s", err.message);
	/* The intact file loads. */
	fuzz_one(text.data, text.len, &format);
	/* Every truncation, through a buffer of exactly that size. */
	for (size_t n = 0; n < text.len; n++) {
		copy = xmalloc(n + 1);
		memcpy(copy, text.data, n);
		fuzz_one(copy, n, &format);
		free(copy);
	}
	/* Single-byte (and a few double-byte) mutations. */
	copy = xmalloc(text.len);
	for (int round = 0; round < 3000; round++) {
		int edits = round % 5 == 0 ? 2 : 1;

		memcpy(copy, text.data, text.len);
		for (int k = 0; k < edits; k++) {
			uint64_t r = fuzz_next(&state);
			size_t at = (size_t)(r % text.len);

			if ((r >> 32) % 4 == 0) {
				copy[at] = (char)(r >> 40);
			} else {
				size_t pick = (size_t)(r >> 40) %
					      (sizeof(interesting) - 1);

				copy[at] = interesting[pick];
			}
		}
		fuzz_one(copy, text.len, &format);
	}
	free(copy);
	regfree(&format);
	strbuf_free(&text);
}
END_TEST

/* --- The documentation and the schema ------------------------------------ */

/* Every ```yaml block of docs/scenarios.md is a valid scenario file. */
START_TEST(docs_examples_load)
{
	struct strbuf doc = STRBUF_INIT;
	struct error err = {false, ""};
	const char *p;
	int line = 1;
	size_t blocks = 0;

	ck_assert_msg(file_read_all(DOCS_FILE, &doc, 1 << 22, &err), "%s",
		      err.message);
	p = strbuf_str(&doc);
	while (*p != '\0') {
		const char *eol = strchr(p, '\n');
		size_t n = eol != NULL ? (size_t)(eol - p) : strlen(p);

		if (n == 7 && strncmp(p, "```yaml", 7) == 0) {
			struct strbuf block = STRBUF_INIT;
			char name[64];
			int start = line;

			p += n + (eol != NULL ? 1 : 0);
			line++;
			while (*p != '\0' && strncmp(p, "```", 3) != 0) {
				eol = strchr(p, '\n');
				n = eol != NULL ? (size_t)(eol - p + 1)
						: strlen(p);
				strbuf_append(&block, p, n);
				p += n;
				line++;
			}
			snprintf(name, sizeof(name), DOCS_FILE "@%d", start);
			if (!scenario_load_string(name, strbuf_str(&block),
						  block.len, &set, &errs)) {
				ck_abort_msg("example at line %d does not "
					     "load:%s",
					     start, errors_text(&errs));
			}
			strbuf_free(&block);
			blocks++;
			eol = strchr(p, '\n');
			n = eol != NULL ? (size_t)(eol - p) : strlen(p);
		}
		p += n + (eol != NULL ? 1 : 0);
		line++;
	}
	strbuf_free(&doc);
	ck_assert_uint_ge(blocks, 15);
}
END_TEST

static json_t *load_schema(void)
{
	json_error_t jerr;
	json_t *root = json_load_file(SCHEMA_FILE, 0, &jerr);

	ck_assert_msg(root != NULL, "%s:%d:%d: %s", SCHEMA_FILE, jerr.line,
		      jerr.column, jerr.text);
	ck_assert(json_is_object(root));
	return root;
}

START_TEST(schema_is_json_of_draft_2020_12)
{
	json_t *root = load_schema();

	ck_assert_str_eq(json_string_value(json_object_get(root, "$schema")),
			 "https://json-schema.org/draft/2020-12/schema");
	ck_assert(json_is_object(json_object_get(root, "$defs")));
	ck_assert(json_is_array(json_object_get(root, "oneOf")));
	json_decref(root);
}
END_TEST

/* The schema's step-kind list, and one step alternative per kind. */
START_TEST(schema_lists_every_step_kind)
{
	json_t *root = load_schema();
	json_t *defs = json_object_get(root, "$defs");
	json_t *names = json_object_get(json_object_get(defs, "step_kind"),
					"enum");
	json_t *alternatives =
		json_object_get(json_object_get(defs, "step"), "oneOf");

	ck_assert(json_is_array(names));
	ck_assert(json_is_array(alternatives));
	ck_assert_uint_eq(json_array_size(names), STEP_KIND_COUNT);
	/* The scalar form plus one mapping form per kind. */
	ck_assert_uint_eq(json_array_size(alternatives), STEP_KIND_COUNT + 1);
	for (int k = 0; k < STEP_KIND_COUNT; k++) {
		const char *name =
			scenario_step_kind_name((enum scenario_step_kind)k);
		bool listed = false;
		bool mapped = false;

		for (size_t i = 0; i < json_array_size(names); i++) {
			const char *s =
				json_string_value(json_array_get(names, i));
			listed = listed || (s != NULL && strcmp(s, name) == 0);
		}
		for (size_t i = 0; i < json_array_size(alternatives); i++) {
			json_t *alt = json_array_get(alternatives, i);
			json_t *req = json_object_get(alt, "required");
			json_t *props = json_object_get(alt, "properties");
			const char *s =
				json_string_value(json_array_get(req, 0));

			mapped = mapped ||
				 (s != NULL && strcmp(s, name) == 0 &&
				  json_object_get(props, name) != NULL &&
				  json_object_get(props, "expect") != NULL);
		}
		ck_assert_msg(listed, "step_kind.enum lacks %s", name);
		ck_assert_msg(mapped, "step.oneOf lacks a %s mapping", name);
	}
	json_decref(root);
}
END_TEST

/* Every fault kind is a property of $defs.inject and one oneOf branch. */
START_TEST(schema_lists_every_inject_kind)
{
	json_t *root = load_schema();
	json_t *inject =
		json_object_get(json_object_get(root, "$defs"), "inject");
	json_t *props = json_object_get(inject, "properties");
	json_t *branches = json_object_get(inject, "oneOf");

	ck_assert_uint_eq(json_array_size(branches), INJECT_KIND_COUNT);
	for (int k = 0; k < INJECT_KIND_COUNT; k++) {
		const char *name =
			scenario_inject_kind_name((enum scenario_inject_kind)k);
		bool branch = false;

		ck_assert_msg(json_object_get(props, name) != NULL,
			      "$defs.inject lacks %s", name);
		for (size_t i = 0; i < json_array_size(branches); i++) {
			json_t *req = json_object_get(
				json_array_get(branches, i), "required");
			const char *s =
				json_string_value(json_array_get(req, 0));

			branch = branch || (s != NULL && strcmp(s, name) == 0);
		}
		ck_assert_msg(branch, "$defs.inject.oneOf lacks %s", name);
	}
	ck_assert_ptr_nonnull(json_object_get(props, "optee_command"));
	json_decref(root);
}
END_TEST

/* The enum of a $defs entry's first anyOf alternative. */
static json_t *schema_names(json_t *root, const char *def)
{
	json_t *d = json_object_get(json_object_get(root, "$defs"), def);
	json_t *names = json_object_get(
		json_array_get(json_object_get(d, "anyOf"), 0), "enum");

	ck_assert_msg(json_is_array(names), "$defs.%s has no names", def);
	return names;
}

/* Every name the schema offers is one the loader takes, and back. */
START_TEST(schema_name_lists_match_the_parsers)
{
	/* PSCI, FF-A, the agent, OP-TEE (fast, yielding, the UID range). */
	static const uint32_t bases[] = {0x80000000u, 0x84000000u,
					 0xc4000000u, 0x83000000u,
					 0xc3000000u, 0xc300ff00u,
					 0xb2000000u, 0x32000000u,
					 0xbf00ff00u};
	json_t *root = load_schema();
	json_t *smc = schema_names(root, "smc_function");
	size_t named = 0;

	for (size_t i = 0; i < json_array_size(smc); i++) {
		const char *n = json_string_value(json_array_get(smc, i));
		uint32_t fid;

		ck_assert_msg(n != NULL && smc_function_parse(n, &fid), "%s",
			      n);
		ck_assert_str_eq(smc_function_name(fid), n);
	}
	for (size_t b = 0; b < ARRAY_COUNT(bases); b++) {
		for (uint32_t f = 0; f < 0x100; f++) {
			const char *n = smc_function_name(bases[b] + f);
			uint32_t back;

			if (n != NULL && smc_function_parse(n, &back) &&
			    back == bases[b] + f) {
				named++;
			}
		}
	}
	ck_assert_uint_eq(json_array_size(smc), named);
	for (int64_t v = 0; v < 64; v++) {
		uint64_t status =
			v == 0 ? EFI_SUCCESS : EFI_ERROR_BIT | (uint64_t)v;
		const char *n = efi_status_name(status);
		json_t *names = schema_names(root, "efi_status");
		bool listed = n == NULL;

		for (size_t i = 0; !listed && i < json_array_size(names);
		     i++) {
			const char *s =
				json_string_value(json_array_get(names, i));

			listed = s != NULL && strcmp(s, n) == 0;
		}
		ck_assert_msg(listed, "%s is not in $defs.efi_status", n);
	}
	json_decref(root);
}
END_TEST

/* --- Hints: "did you mean", tabs ------------------------------------------ */

struct hint_case {
	const char *text;
	const char *prefix; /* of the first error, after "text.yaml:" */
	const char *hint;   /* in it; NULL: no suggestion at all */
};

#define STEPS_HEAD "name: t\nsteps:\n"

static const struct hint_case hint_cases[] = {
	/* Keys of a step mapping: the kinds and expect. */
	{STEPS_HEAD "  - boot\n  - get_variable: {name: Foo}\n"
		    "    expcet: {status: EFI_SUCCESS}\n",
	 "5:5: error: steps[1].expcet: unknown key 'expcet'; expected a step "
	 "kind (boot, get_variable, ",
	 " or expect (did you mean 'expect'?)"},
	{STEPS_HEAD "  - get_varaible: {name: Foo}\n",
	 "3:5: error: steps[0].get_varaible: unknown key 'get_varaible'",
	 "(did you mean 'get_variable'?)"},
	/* A step kind alone. */
	{STEPS_HEAD "  - boot\n  - power_of\n",
	 "4:5: error: steps[1]: unknown step kind 'power_of'; expected one "
	 "of: boot, ",
	 "console, inject, print, power_off, reset, shell, load_module, "
	 "efivarfs_read, efivarfs_write, dmesg (did you mean 'power_off'?)"},
	{STEPS_HEAD "  - boot\n  - frobnicate\n",
	 "4:5: error: steps[1]: unknown step kind 'frobnicate'", NULL},
	/* Keys of each kind of mapping. */
	{"nmae: t\n" "steps: [boot]\n",
	 "1:1: error: nmae: unknown key 'nmae'; expected one of: name, ",
	 "expect_findings, snapshot, steps (did you mean 'name'?)"},
	{"name: t\nspmc: {shared_buffer: {adress: 0x1000}}\nsteps: [boot]\n",
	 "2:24: error: spmc.shared_buffer.adress: unknown key 'adress'",
	 "(did you mean 'address'?)"},
	{STEPS_HEAD "  - inject: {ffa_error: DENIED, conut: 2}\n",
	 "3:33: error: steps[0].inject.conut: unknown key 'conut'",
	 "(did you mean 'count'?)"},
	{STEPS_HEAD "  - boot:\n    expect: {stauts: EFI_SUCCESS}\n",
	 "4:14: error: steps[0].expect.stauts: unknown key 'stauts'",
	 "(did you mean 'status'?)"},
	{STEPS_HEAD "  - set_variable: {name: A, attributes: NV, dtaa: x}\n",
	 "3:45: error: steps[0].set_variable.dtaa: unknown key 'dtaa'",
	 "(did you mean 'data'?)"},
	{"name: t\ncheks: {cache_model: strict}\nsteps: [boot]\n",
	 "2:1: error: cheks: unknown key 'cheks'",
	 "(did you mean 'checks'?)"},
	/* Too far from every key: no guess. */
	{"name: t\nzzz: 1\nsteps: [boot]\n",
	 "2:1: error: zzz: unknown key 'zzz'", NULL},
	{STEPS_HEAD "  - inject: {ffa_error: DENIED, often: 2}\n",
	 "3:33: error: steps[0].inject.often: unknown key 'often'", NULL},
	/* Tabs in indentation. */
	{"name: t\nsteps:\n\t- boot\n",
	 "3:1: error: (document): tabs are not allowed in YAML indentation; "
	 "indent with spaces",
	 NULL},
	{STEPS_HEAD "  - boot:\n\t    until: agent\n",
	 "4:1: error: (document): tabs are not allowed in YAML indentation",
	 NULL},
	{STEPS_HEAD "  - boot\n  -\tpower_off\n",
	 "4:4: error: (document): tabs are not allowed in YAML indentation",
	 NULL},
	{"name: t\n \tsteps: [boot]\n",
	 "2:2: error: (document): tabs are not allowed in YAML indentation",
	 NULL},
	{"name: t\nspmc:\n  store:\n  \tcapacity: 1\nsteps: [boot]\n",
	 "4:3: error: (document): tabs are not allowed in YAML indentation",
	 NULL},
};

START_TEST(errors_give_hints)
{
	const struct hint_case *c = &hint_cases[_i];
	const char *got = load_text_bad(c->text);
	char want[512];

	snprintf(want, sizeof(want), "text.yaml:%s", c->prefix);
	ck_assert_msg(strncmp(got, want, strlen(want)) == 0,
		      "case %d:\n  got  %s\n  want %s...", _i, got, want);
	if (c->hint != NULL) {
		ck_assert_msg(strstr(got, c->hint) != NULL,
			      "case %d: no '%s' in\n  %s", _i, c->hint, got);
		/* The suggestion ends the message. */
		ck_assert_str_eq(got + strlen(got) - strlen(c->hint), c->hint);
	} else {
		ck_assert_msg(strstr(got, "did you mean") == NULL,
			      "case %d: unexpected guess in\n  %s", _i, got);
	}
}
END_TEST

/* Tabs where YAML allows them are no error. */
START_TEST(tabs_outside_indentation_are_fine)
{
	const struct scenario *sc = load_text_ok(
		"name:\tt\nsteps:\n  - print: \"a\tb\"\n  - print: |\n"
		"      x\n      \ty\n  - boot: {until:\tagent}\n");

	ck_assert_str_eq(sc->name, "t");
	ck_assert_str_eq(sc->steps[0].print.value, "a\tb");
	ck_assert_str_eq(sc->steps[1].print.value, "x\n\ty\n");
	ck_assert_int_eq(sc->steps[2].boot.until, BOOT_UNTIL_AGENT);
}
END_TEST

/* --- inject: nth and skip ------------------------------------------------- */

START_TEST(inject_nth_and_skip)
{
	const struct scenario *sc = load_text_ok(
		STEPS_HEAD "  - inject: {ffa_error: DENIED, nth: 3}\n"
			   "  - inject: {mm_return: MM_DENIED, skip: 2, "
			   "count: all}\n"
			   "  - inject: {reply: truncated, skip: 0x10}\n"
			   "  - inject: {rx_busy: true}\n");
	const struct scenario_inject *in = &sc->steps[0].inject;

	ck_assert_int_eq(in->kind, INJECT_FFA_ERROR);
	ck_assert_u64(in->nth, 3, 3, 38);
	ck_assert(!in->skip.present);
	ck_assert_uint_eq(in->count, 1);
	in = &sc->steps[1].inject;
	ck_assert(!in->nth.present);
	ck_assert_u64(in->skip, 2, 4, 42);
	ck_assert_uint_eq(in->count, 0);
	in = &sc->steps[2].inject;
	ck_assert_int_eq(in->kind, INJECT_REPLY);
	ck_assert_u64(in->skip, 16, 5, 38);
	ck_assert_uint_eq(in->count, 1);
	in = &sc->steps[3].inject;
	ck_assert(!in->nth.present);
	ck_assert(!in->skip.present);
}
END_TEST

static const struct hint_case nth_skip_errors[] = {
	{STEPS_HEAD "  - inject: {ffa_error: DENIED, nth: 0}\n",
	 "3:38: error: steps[0].inject.nth: expected a number of at least 1, "
	 "got '0'",
	 NULL},
	{STEPS_HEAD "  - inject: {ffa_error: DENIED, skip: some}\n",
	 "3:39: error: steps[0].inject.skip: expected a number (decimal or 0x "
	 "hex), got 'some'",
	 NULL},
	{STEPS_HEAD "  - inject: {ffa_error: DENIED, nth: 2, count: 2}\n",
	 "3:41: error: steps[0].inject.count: count does not apply with nth, "
	 "which answers only the Nth matching call",
	 NULL},
	{STEPS_HEAD "  - inject: {ffa_error: DENIED, skip: 1, nth: 2}\n",
	 "3:33: error: steps[0].inject.skip: only one of nth and skip may be "
	 "given",
	 NULL},
};

/* The OP-TEE route's faults and their command filter (docs/optee.md). */
START_TEST(inject_optee_faults)
{
	const struct scenario *sc = load_text_ok(
		STEPS_HEAD
		"  - inject: {teec_error: TEEC_ERROR_BUSY, mm_function: "
		"SET_VARIABLE, optee_command: INVOKE_COMMAND}\n"
		"  - inject: {teec_error: 0xffff000f, optee_command: "
		"CLOSE_SESSION}\n"
		"  - inject: {optee_rpc: OPTEE_SMC_RETURN_RPC_CMD, nth: 2}\n"
		"  - inject: {optee_smc: OPTEE_SMC_RETURN_EBUSY, on: "
		"OPTEE_SMC_CALL_WITH_ARG, optee_command: 4}\n"
		"  - inject: {optee_truncated: 0x8, count: all}\n");
	const struct scenario_inject *in = &sc->steps[0].inject;

	ck_assert_int_eq(in->kind, INJECT_TEEC_ERROR);
	ck_assert_int_eq(in->code, (int64_t)TEEC_ERROR_BUSY);
	ck_assert_u64(in->mm_function, MM_VAR_FN_SET_VARIABLE, 3, 56);
	ck_assert_u64(in->optee_command, OPTEE_MSG_CMD_INVOKE_COMMAND, 3, 85);
	in = &sc->steps[1].inject;
	ck_assert_int_eq(in->kind, INJECT_TEEC_ERROR);
	ck_assert_int_eq(in->code, (int64_t)TEEC_ERROR_SECURITY);
	ck_assert_uint_eq(in->optee_command.value,
			  OPTEE_MSG_CMD_CLOSE_SESSION);
	in = &sc->steps[2].inject;
	ck_assert_int_eq(in->kind, INJECT_OPTEE_RPC);
	ck_assert_int_eq(in->code, (int64_t)OPTEE_SMC_RETURN_RPC_CMD);
	ck_assert(!in->optee_command.present);
	in = &sc->steps[3].inject;
	ck_assert_int_eq(in->kind, INJECT_OPTEE_SMC);
	ck_assert_int_eq(in->code, (int64_t)OPTEE_SMC_RETURN_EBUSY);
	ck_assert_str_eq(in->on.value, "OPTEE_SMC_CALL_WITH_ARG");
	ck_assert_uint_eq(in->optee_command.value, OPTEE_MSG_CMD_REGISTER_SHM);
	in = &sc->steps[4].inject;
	ck_assert_int_eq(in->kind, INJECT_OPTEE_TRUNCATED);
	ck_assert_int_eq(in->code, 8);
	ck_assert_uint_eq(in->count, 0);
}
END_TEST

static const struct hint_case optee_inject_errors[] = {
	{STEPS_HEAD "  - inject: {teec_error: TEEC_SUCCESS}\n",
	 "3:14: error: steps[0].inject.teec_error: TEEC_SUCCESS injects "
	 "nothing",
	 NULL},
	{STEPS_HEAD "  - inject: {teec_error: TEEC_ERROR_NOPE}\n",
	 "3:26: error: steps[0].inject.teec_error: expected a TEEC result "
	 "name (TEEC_ERROR_BAD_PARAMETERS) or a 32-bit number, got "
	 "'TEEC_ERROR_NOPE'",
	 NULL},
	{STEPS_HEAD "  - inject: {teec_error: 0x100000000}\n",
	 "3:26: error: steps[0].inject.teec_error: expected a TEEC result",
	 NULL},
	{STEPS_HEAD "  - inject: {optee_rpc: OPTEE_SMC_RETURN_EBUSY}\n",
	 "3:14: error: steps[0].inject.optee_rpc: optee_rpc needs an RPC code "
	 "(0xffff0000..0xfffffffe",
	 NULL},
	{STEPS_HEAD "  - inject: {optee_smc: 0}\n",
	 "3:14: error: steps[0].inject.optee_smc: OPTEE_SMC_RETURN_OK injects "
	 "nothing",
	 NULL},
	{STEPS_HEAD "  - inject: {optee_smc: OPTEE_SMC_RETURN_EBUSY, "
		    "mm_function: GET_VARIABLE}\n",
	 "3:49: error: steps[0].inject.mm_function: mm_function does not "
	 "apply to optee_rpc and optee_smc",
	 NULL},
	{STEPS_HEAD "  - inject: {optee_truncated: 4, optee_command: "
		    "OPEN_SESSION}\n",
	 "3:34: error: steps[0].inject.optee_command: optee_truncated cuts the "
	 "output of an INVOKE_COMMAND",
	 NULL},
	{STEPS_HEAD "  - inject: {optee_truncated: -1}\n",
	 "3:31: error: steps[0].inject.optee_truncated: expected a number of "
	 "bytes (decimal or 0x hex), got '-1'",
	 NULL},
	{STEPS_HEAD "  - inject: {ffa_error: DENIED, optee_command: "
		    "OPEN_SESSION}\n",
	 "3:33: error: steps[0].inject.optee_command: optee_command applies "
	 "only to teec_error, optee_rpc, optee_smc and optee_truncated",
	 NULL},
	{STEPS_HEAD "  - inject: {teec_error: TEEC_ERROR_BUSY, optee_command: "
		    "CLOSE_SESSION, mm_function: GET_VARIABLE}\n",
	 "3:43: error: steps[0].inject.optee_command: with mm_function the "
	 "message is an INVOKE_COMMAND to StMM",
	 NULL},
	{STEPS_HEAD "  - inject: {teec_error: TEEC_ERROR_BUSY, optee_command: "
		    "FROB}\n",
	 "3:58: error: steps[0].inject.optee_command: expected an OP-TEE "
	 "message command (OPEN_SESSION, ",
	 NULL},
	{STEPS_HEAD "  - inject: {teec_error: TEEC_ERROR_BUSY, optee_rpc: "
		    "OPTEE_SMC_RETURN_RPC_CMD}\n",
	 "3:43: error: steps[0].inject.optee_rpc: only one of ffa_error, "
	 "mm_return, efi_status, reply, rx_busy, teec_error, optee_rpc, "
	 "optee_smc and optee_truncated may be given",
	 NULL},
};

START_TEST(inject_optee_errors)
{
	const struct hint_case *c = &optee_inject_errors[_i];
	const char *got = load_text_bad(c->text);
	char want[512];

	snprintf(want, sizeof(want), "text.yaml:%s", c->prefix);
	ck_assert_msg(strncmp(got, want, strlen(want)) == 0,
		      "case %d:\n  got  %s\n  want %s...", _i, got, want);
}
END_TEST

START_TEST(inject_nth_skip_errors)
{
	const struct hint_case *c = &nth_skip_errors[_i];
	const char *got = load_text_bad(c->text);
	char want[512];

	snprintf(want, sizeof(want), "text.yaml:%s", c->prefix);
	ck_assert_msg(strncmp(got, want, strlen(want)) == 0,
		      "case %d:\n  got  %s\n  want %s...", _i, got, want);
}
END_TEST

Suite *scenario_suite(void);

Suite *scenario_suite(void)
{
	Suite *s = suite_create("scenario");
	TCase *tc;

	tc = tcase_create("header");
	tcase_add_checked_fixture(tc, loader_setup, loader_teardown);
	tcase_add_test(tc, full_header_scalars_and_marks);
	tcase_add_test(tc, full_header_spmc);
	tcase_add_test(tc, full_header_variables);
	tcase_add_test(tc, full_header_checks);
	tcase_add_test(tc, multi_file_firmware_forms);
	tcase_add_test(tc, absent_keys_are_absent);
	suite_add_tcase(s, tc);

	tc = tcase_create("steps");
	tcase_add_checked_fixture(tc, loader_setup, loader_teardown);
	tcase_add_test(tc, step_boot);
	tcase_add_test(tc, step_get_variable);
	tcase_add_test(tc, step_set_variable);
	tcase_add_test(tc, step_get_next_variable_name);
	tcase_add_test(tc, step_query_variable_info);
	tcase_add_test(tc, step_without_arguments);
	tcase_add_test(tc, step_console);
	tcase_add_test(tc, step_inject);
	tcase_add_test(tc, step_print);
	tcase_add_test(tc, linux_header);
	tcase_add_test(tc, linux_unicorn_by_default);
	tcase_add_test(tc, linux_icount);
	tcase_add_test(tc, linux_shell_steps);
	tcase_add_test(tc, linux_efivarfs_steps);
	tcase_add_loop_test(tc, step_kind_names_cover_fixture, 0,
			    STEP_KIND_COUNT);
	tcase_add_test(tc, kind_names);
	tcase_add_test(tc, step_no_argument_forms);
	suite_add_tcase(s, tc);

	tc = tcase_create("expect");
	tcase_add_checked_fixture(tc, loader_setup, loader_teardown);
	tcase_add_test(tc, expect_agent_results);
	tcase_add_test(tc, expect_calls);
	tcase_add_test(tc, expect_mm);
	tcase_add_test(tc, expect_console_stop_findings);
	suite_add_tcase(s, tc);

	tc = tcase_create("scalars");
	tcase_add_checked_fixture(tc, loader_setup, loader_teardown);
	tcase_add_loop_test(tc, booleans_true, 0, ARRAY_COUNT(bool_true));
	tcase_add_loop_test(tc, booleans_false, 0, ARRAY_COUNT(bool_false));
	tcase_add_loop_test(tc, sizes, 0, ARRAY_COUNT(size_cases));
	tcase_add_test(tc, numbers_take_no_size_suffix);
	tcase_add_test(tc, names_are_case_insensitive_or_numbers);
	suite_add_tcase(s, tc);

	tc = tcase_create("results");
	tcase_add_checked_fixture(tc, loader_setup, loader_teardown);
	tcase_add_test(tc, loads_append_to_the_set);
	tcase_add_test(tc, failure_leaves_the_set_untouched);
	tcase_add_test(tc, unreadable_file_is_one_error);
	tcase_add_test(tc, null_text_is_an_empty_document);
	tcase_add_test(tc, free_functions_accept_empty_and_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, loader_setup, loader_teardown);
	tcase_add_loop_test(tc, bad_fixture_first_error, 0,
			    ARRAY_COUNT(bad_cases));
	tcase_add_test(tc, bad_fixtures_are_all_in_the_table);
	tcase_add_test(tc, many_errors_are_all_reported);
	suite_add_tcase(s, tc);

	tc = tcase_create("hints");
	tcase_add_checked_fixture(tc, loader_setup, loader_teardown);
	tcase_add_loop_test(tc, errors_give_hints, 0, ARRAY_COUNT(hint_cases));
	tcase_add_test(tc, tabs_outside_indentation_are_fine);
	tcase_add_test(tc, inject_nth_and_skip);
	tcase_add_loop_test(tc, inject_nth_skip_errors, 0,
			    ARRAY_COUNT(nth_skip_errors));
	tcase_add_test(tc, inject_optee_faults);
	tcase_add_loop_test(tc, inject_optee_errors, 0,
			    ARRAY_COUNT(optee_inject_errors));
	suite_add_tcase(s, tc);

	tc = tcase_create("fuzz");
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, fuzz_truncations_and_mutations, 0,
			    ARRAY_COUNT(fuzz_fixtures));
	suite_add_tcase(s, tc);

	tc = tcase_create("docs");
	tcase_add_checked_fixture(tc, loader_setup, loader_teardown);
	tcase_add_test(tc, docs_examples_load);
	tcase_add_test(tc, schema_is_json_of_draft_2020_12);
	tcase_add_test(tc, schema_lists_every_step_kind);
	tcase_add_test(tc, schema_name_lists_match_the_parsers);
	tcase_add_test(tc, schema_lists_every_inject_kind);
	suite_add_tcase(s, tc);

	return s;
}
