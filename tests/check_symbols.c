/*
 * harness/symbols: addresses named function+offset from the image's own
 * ELF, or from the ELF beside a raw image with the relocation offsets
 * learnt from the SMCs (issue 16, item 9).  Uses the reference client
 * built in $FFAH_FW_DIR: its SMC stub smccc_call has the `smc #0` the
 * trace points at.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "common/strbuf.h"
#include "common/trace.h"
#include "emulator/loader.h"
#include "harness/symbols.h"

static struct strbuf path;
static struct image elf;
static uint64_t smc_pc;  /* the `smc #0` of smccc_call */
static uint64_t caller;  /* ffa_discover */

static void setup(void)
{
	const char *dir = getenv("FFAH_FW_DIR");
	struct error err = {0};
	uint64_t stub;

	path = (struct strbuf)STRBUF_INIT;
	strbuf_printf(&path, "%s/refclient.elf", dir != NULL ? dir : "build/firmware");
	ck_assert_msg(image_load_file(&elf, strbuf_str(&path), IMAGE_FORMAT_ELF,
				      0, &err),
		      "%s", err.message);
	ck_assert(image_symbol(&elf, "smccc_call", &stub));
	ck_assert(image_symbol(&elf, "ffa_discover", &caller));
	/* The stub's smc, found as the harness finds it: by its encoding. */
	for (smc_pc = stub; smc_pc < stub + 0x100; smc_pc += 4) {
		for (size_t i = 0; i < elf.segment_count; i++) {
			const struct image_segment *s = &elf.segments[i];
			uint32_t insn;

			if (smc_pc >= s->addr && smc_pc + 4 <= s->addr + s->file_size) {
				memcpy(&insn, s->data + (smc_pc - s->addr), 4);
				if (insn == 0xd4000003) {
					return;
				}
			}
		}
	}
	ck_abort_msg("no smc #0 in smccc_call");
}

static void teardown(void)
{
	image_free(&elf);
	strbuf_free(&path);
}

static void add_smc(struct trace *t, uint64_t pc, uint64_t lr)
{
	struct trace_event *ev = trace_append(t, TRACE_SMC);

	ev->pc = pc;
	ev->lr = lr;
}

static void assert_name(const struct symbols *sy, uint64_t pc, uint64_t addr,
			const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	if (want == NULL) {
		ck_assert_msg(!symbols_name(sy, pc, addr, &sb), "named %s",
			      strbuf_str(&sb));
	} else {
		ck_assert_msg(symbols_name(sy, pc, addr, &sb), "no name for %llx",
			      (unsigned long long)addr);
		ck_assert_str_eq(strbuf_str(&sb), want);
	}
	strbuf_free(&sb);
}

START_TEST(elf_image_names_its_own_addresses)
{
	struct trace t;
	struct symbols sy;

	trace_init(&t);
	add_smc(&t, smc_pc, caller + 0x48);
	ck_assert(symbols_init(&sy, &elf, strbuf_str(&path), &t));
	assert_name(&sy, smc_pc, caller + 0x48, "ffa_discover+0x48");
	assert_name(&sy, smc_pc, caller, "ffa_discover");
	symbols_free(&sy);
	trace_free(&t);
}
END_TEST

/*
 * A raw image with the ELF beside it (NAME.bin and NAME.elf), run at its
 * link address and then relocated by 0x3f000000, as U-Boot does.
 */
START_TEST(sidecar_elf_learns_relocation_offsets)
{
	const uint64_t reloc = 0x3f000000;
	struct strbuf bin = STRBUF_INIT;
	struct trace t;
	struct symbols sy;

	strbuf_append(&bin, path.data, path.len - 4);
	strbuf_puts(&bin, ".bin"); /* need not exist: only its name is used */
	trace_init(&t);
	add_smc(&t, smc_pc, caller + 0x10);
	add_smc(&t, smc_pc + reloc, caller + reloc + 0x20);
	add_smc(&t, smc_pc + reloc, caller + reloc + 0x30);
	ck_assert(symbols_init(&sy, NULL, strbuf_str(&bin), &t));
	ck_assert_uint_eq(sy.offset_count, 2);
	assert_name(&sy, smc_pc, caller + 0x10, "ffa_discover+0x10");
	assert_name(&sy, smc_pc + reloc, caller + reloc + 0x20,
		    "ffa_discover+0x20");
	/* An SMC from code the ELF does not describe gets no name. */
	assert_name(&sy, 0x12345678, 0x12345600, NULL);
	symbols_free(&sy);
	trace_free(&t);
	strbuf_free(&bin);
}
END_TEST

START_TEST(no_elf_no_names)
{
	struct trace t;
	struct symbols sy;

	trace_init(&t);
	add_smc(&t, smc_pc, caller);
	ck_assert(!symbols_init(&sy, NULL, "/nonexistent/u-boot.bin", &t));
	assert_name(&sy, smc_pc, caller, NULL);
	symbols_free(&sy);
	trace_free(&t);
}
END_TEST

Suite *symbols_suite(void);

Suite *symbols_suite(void)
{
	Suite *s = suite_create("symbols");
	TCase *tc = tcase_create("names");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, elf_image_names_its_own_addresses);
	tcase_add_test(tc, sidecar_elf_learns_relocation_offsets);
	tcase_add_test(tc, no_elf_no_names);
	suite_add_tcase(s, tc);
	return s;
}
