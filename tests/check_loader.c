/*
 * Unit tests of emulator/loader.c: ELF64 and raw images built in memory by
 * the tests, every error class with the words of its message, format
 * auto-detection, symbol and section lookup, and a mutation test that
 * feeds every truncation and many corruptions of a valid ELF to
 * image_parse(), which must neither crash nor accept an inconsistent image.
 */
#include <elf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "common/error.h"
#include "emulator/loader.h"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define PATH "test.elf"
#define TEXT_ADDR UINT64_C(0x40000000)
#define DATA_ADDR UINT64_C(0x40001000)
#define LOAD_ADDR UINT64_C(0x60000000)

/* File layout of the test image. */
#define PH_OFF 0x40
#define TEXT_OFF 0x200
#define TEXT_SIZE 0x10
#define DATA_OFF 0x210
#define DATA_SIZE 0x8
#define DATA_MEMSZ 0x100 /* the rest is .bss */
#define NOTE_OFF 0x218
#define STRTAB_OFF 0x240
#define SHSTRTAB_OFF 0x260
#define SYMTAB_OFF 0x2a0
#define SH_OFF 0x300
#define SH_COUNT 6

static const uint8_t text_bytes[TEXT_SIZE] = {
	0x00, 0x00, 0x80, 0xd2, 0x03, 0x00, 0x00, 0xd4,
	0x00, 0x00, 0x00, 0x14, 0x1f, 0x20, 0x03, 0xd5,
};
static const uint8_t data_bytes[DATA_SIZE] = {1, 2, 3, 4, 5, 6, 7, 8};
static const char strtab[] = "\0_start\0data_end";
static const char shstrtab[] = "\0.text\0.data\0.symtab\0.strtab\0.shstrtab";

/* Check fixture state: the only file-scope mutable state (STYLE C1). */
static union {
	uint8_t b[4096];
	uint64_t align;
} elf;
static size_t elf_size;
static struct image img;
static struct error err;

static Elf64_Ehdr *ehdr(void)
{
	return (Elf64_Ehdr *)elf.b;
}

static Elf64_Phdr *phdr(unsigned i)
{
	return (Elf64_Phdr *)(elf.b + PH_OFF) + i;
}

static Elf64_Shdr *shdr(unsigned i)
{
	return (Elf64_Shdr *)(elf.b + SH_OFF) + i;
}

static void section(unsigned i, const char *name, uint32_t type,
		    uint64_t flags, uint64_t addr, uint64_t off,
		    uint64_t size)
{
	const char *p = shstrtab;

	/* Find the name in .shstrtab (names are unique). */
	while (strcmp(p, name) != 0) {
		p += strlen(p) + 1;
	}
	*shdr(i) = (Elf64_Shdr){
		.sh_name = (uint32_t)(p - shstrtab),
		.sh_type = type,
		.sh_flags = flags,
		.sh_addr = addr,
		.sh_offset = off,
		.sh_size = size,
		.sh_addralign = 1,
	};
}

/*
 * A small AArch64 executable: .text (R X) at TEXT_ADDR, .data (R W) with a
 * .bss tail at DATA_ADDR, a PT_NOTE, and with_sections: section headers,
 * a symbol table (_start, data_end) and the string tables.
 */
static void build_elf(bool with_sections)
{
	Elf64_Ehdr *eh = ehdr();
	Elf64_Sym *sym = (Elf64_Sym *)(elf.b + SYMTAB_OFF);

	memset(elf.b, 0, sizeof(elf.b));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_AARCH64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = TEXT_ADDR;
	eh->e_phoff = PH_OFF;
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 3;
	*phdr(0) = (Elf64_Phdr){PT_LOAD, PF_R | PF_X, TEXT_OFF, TEXT_ADDR,
				TEXT_ADDR, TEXT_SIZE, TEXT_SIZE, 0x1000};
	*phdr(1) = (Elf64_Phdr){PT_LOAD, PF_R | PF_W, DATA_OFF, DATA_ADDR,
				DATA_ADDR, DATA_SIZE, DATA_MEMSZ, 0x1000};
	*phdr(2) = (Elf64_Phdr){PT_NOTE, PF_R, NOTE_OFF, 0, 0, 4, 4, 4};
	memcpy(elf.b + TEXT_OFF, text_bytes, TEXT_SIZE);
	memcpy(elf.b + DATA_OFF, data_bytes, DATA_SIZE);
	elf_size = NOTE_OFF + 4;
	if (!with_sections) {
		return;
	}
	memcpy(elf.b + STRTAB_OFF, strtab, sizeof(strtab));
	memcpy(elf.b + SHSTRTAB_OFF, shstrtab, sizeof(shstrtab));
	sym[1] = (Elf64_Sym){.st_name = 1, .st_value = TEXT_ADDR,
			     .st_size = TEXT_SIZE};
	sym[2] = (Elf64_Sym){.st_name = 8, .st_value = DATA_ADDR + DATA_MEMSZ};
	section(1, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR,
		TEXT_ADDR, TEXT_OFF, TEXT_SIZE);
	section(2, ".data", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, DATA_ADDR,
		DATA_OFF, DATA_SIZE);
	section(3, ".symtab", SHT_SYMTAB, 0, 0, SYMTAB_OFF,
		3 * sizeof(Elf64_Sym));
	shdr(3)->sh_link = 4;
	shdr(3)->sh_entsize = sizeof(Elf64_Sym);
	section(4, ".strtab", SHT_STRTAB, 0, 0, STRTAB_OFF, sizeof(strtab));
	section(5, ".shstrtab", SHT_STRTAB, 0, 0, SHSTRTAB_OFF,
		sizeof(shstrtab));
	eh->e_shoff = SH_OFF;
	eh->e_shentsize = sizeof(Elf64_Shdr);
	eh->e_shnum = SH_COUNT;
	eh->e_shstrndx = 5;
	elf_size = SH_OFF + SH_COUNT * sizeof(Elf64_Shdr);
}

static void loader_setup(void)
{
	memset(&img, 0, sizeof(img));
	error_clear(&err);
	build_elf(true);
}

static void loader_teardown(void)
{
	image_free(&img);
}

static bool parse(size_t size, enum image_format format)
{
	image_free(&img);
	error_clear(&err);
	return image_parse(&img, elf.b, size, PATH, format, LOAD_ADDR, &err);
}

/* A failed parse leaves an error naming the file and no image. */
static void assert_failed(bool ok, const char *words)
{
	ck_assert(!ok);
	ck_assert(err.set);
	ck_assert_msg(strstr(err.message, words) != NULL,
		      "message '%s' lacks '%s'", err.message, words);
	ck_assert_ptr_null(img.segments);
	ck_assert_ptr_null(img.file);
	ck_assert_uint_eq(img.segment_count, 0);
}

/* --- Good images ------------------------------------------------------- */

START_TEST(elf_gives_its_load_segments_and_entry)
{
	ck_assert(parse(elf_size, IMAGE_FORMAT_ELF));
	ck_assert(!err.set);
	ck_assert_int_eq(img.format, IMAGE_FORMAT_ELF);
	ck_assert_str_eq(img.path, PATH);
	ck_assert_uint_eq(img.entry, TEXT_ADDR);
	ck_assert_uint_eq(img.segment_count, 2); /* PT_NOTE is not loaded */
	ck_assert_uint_eq(img.segments[0].addr, TEXT_ADDR);
	ck_assert_uint_eq(img.segments[0].file_size, TEXT_SIZE);
	ck_assert_uint_eq(img.segments[0].mem_size, TEXT_SIZE);
	ck_assert_uint_eq(img.segments[0].flags, PF_R | PF_X);
	ck_assert_mem_eq(img.segments[0].data, text_bytes, TEXT_SIZE);
	ck_assert_uint_eq(img.segments[1].addr, DATA_ADDR);
	ck_assert_uint_eq(img.segments[1].file_size, DATA_SIZE);
	ck_assert_uint_eq(img.segments[1].mem_size, DATA_MEMSZ);
	ck_assert_mem_eq(img.segments[1].data, data_bytes, DATA_SIZE);
}
END_TEST

START_TEST(elf_segments_point_into_a_private_copy)
{
	ck_assert(parse(elf_size, IMAGE_FORMAT_ELF));
	ck_assert_ptr_ne(img.file, elf.b);
	ck_assert(img.segments[0].data >= img.file &&
		  img.segments[0].data < img.file + img.file_size);
	memset(elf.b + TEXT_OFF, 0, TEXT_SIZE);
	ck_assert_mem_eq(img.segments[0].data, text_bytes, TEXT_SIZE);
}
END_TEST

START_TEST(elf_of_type_dyn_is_accepted)
{
	ehdr()->e_type = ET_DYN;
	ck_assert(parse(elf_size, IMAGE_FORMAT_ELF));
}
END_TEST

START_TEST(elf_segment_with_zero_memsz_is_skipped)
{
	phdr(1)->p_filesz = 0;
	phdr(1)->p_memsz = 0;
	ck_assert(parse(elf_size, IMAGE_FORMAT_ELF));
	ck_assert_uint_eq(img.segment_count, 1);
	ck_assert_uint_eq(img.segments[0].addr, TEXT_ADDR);
}
END_TEST

START_TEST(elf_symbols_and_sections_are_found_by_name)
{
	const struct image_section *sec;
	uint64_t value = 0;

	ck_assert(parse(elf_size, IMAGE_FORMAT_ELF));
	ck_assert(image_symbol(&img, "_start", &value));
	ck_assert_uint_eq(value, TEXT_ADDR);
	ck_assert(image_symbol(&img, "data_end", &value));
	ck_assert_uint_eq(value, DATA_ADDR + DATA_MEMSZ);
	ck_assert(!image_symbol(&img, "missing", &value));
	ck_assert_uint_eq(img.symbol_count, 2); /* the null symbol is not */
	sec = image_section(&img, ".text");
	ck_assert_ptr_nonnull(sec);
	ck_assert_uint_eq(sec->addr, TEXT_ADDR);
	ck_assert_uint_eq(sec->size, TEXT_SIZE);
	ck_assert_uint_eq(sec->flags, SHF_ALLOC | SHF_EXECINSTR);
	sec = image_section(&img, ".data");
	ck_assert_ptr_nonnull(sec);
	ck_assert_uint_eq(sec->addr, DATA_ADDR);
	/* Only allocated sections are kept. */
	ck_assert_ptr_null(image_section(&img, ".symtab"));
	ck_assert_uint_eq(img.section_count, 2);
}
END_TEST

START_TEST(elf_without_sections_has_no_symbols)
{
	uint64_t value;

	build_elf(false);
	ck_assert(parse(elf_size, IMAGE_FORMAT_ELF));
	ck_assert_uint_eq(img.symbol_count, 0);
	ck_assert_uint_eq(img.section_count, 0);
	ck_assert(!image_symbol(&img, "_start", &value));
	ck_assert_ptr_null(image_section(&img, ".text"));
}
END_TEST

START_TEST(elf_with_broken_section_table_still_loads)
{
	ehdr()->e_shoff = elf_size; /* past the end */
	ck_assert(parse(elf_size, IMAGE_FORMAT_ELF));
	ck_assert_uint_eq(img.segment_count, 2);
	ck_assert_uint_eq(img.section_count, 0);
	ck_assert_uint_eq(img.symbol_count, 0);
}
END_TEST

START_TEST(elf_with_empty_symbol_table_loads)
{
	shdr(3)->sh_size = 0;
	ck_assert(parse(elf_size, IMAGE_FORMAT_ELF));
	ck_assert_uint_eq(img.symbol_count, 0);
	ck_assert_uint_eq(img.section_count, 2);
}
END_TEST

START_TEST(auto_format_detects_elf_by_its_magic)
{
	ck_assert(parse(elf_size, IMAGE_FORMAT_AUTO));
	ck_assert_int_eq(img.format, IMAGE_FORMAT_ELF);
	ck_assert_uint_eq(img.entry, TEXT_ADDR);
}
END_TEST

START_TEST(auto_format_takes_other_bytes_as_raw)
{
	memcpy(elf.b, text_bytes, TEXT_SIZE);
	ck_assert(parse(TEXT_SIZE, IMAGE_FORMAT_AUTO));
	ck_assert_int_eq(img.format, IMAGE_FORMAT_RAW);
	ck_assert_uint_eq(img.entry, LOAD_ADDR);
	ck_assert_uint_eq(img.segment_count, 1);
	ck_assert_uint_eq(img.segments[0].addr, LOAD_ADDR);
	ck_assert_uint_eq(img.segments[0].file_size, TEXT_SIZE);
	ck_assert_uint_eq(img.segments[0].mem_size, TEXT_SIZE);
	ck_assert_uint_eq(img.segments[0].flags, PF_R | PF_W | PF_X);
	ck_assert_mem_eq(img.segments[0].data, text_bytes, TEXT_SIZE);
}
END_TEST

START_TEST(auto_format_takes_a_three_byte_file_as_raw)
{
	ck_assert(parse(3, IMAGE_FORMAT_AUTO)); /* "\177EL" */
	ck_assert_int_eq(img.format, IMAGE_FORMAT_RAW);
}
END_TEST

START_TEST(raw_format_forced_on_an_elf_loads_the_bytes)
{
	ck_assert(parse(elf_size, IMAGE_FORMAT_RAW));
	ck_assert_int_eq(img.format, IMAGE_FORMAT_RAW);
	ck_assert_uint_eq(img.segments[0].file_size, elf_size);
	ck_assert_uint_eq(img.entry, LOAD_ADDR);
}
END_TEST

/* --- Errors --------------------------------------------------------------- */

enum mutation {
	MUT_MAGIC,
	MUT_CLASS32,
	MUT_BIG_ENDIAN,
	MUT_MACHINE,
	MUT_TYPE_REL,
	MUT_NO_PHDRS,
	MUT_PHENTSIZE,
	MUT_PHDRS_PAST_EOF,
	MUT_PHNUM_HUGE,
	MUT_SEGMENT_PAST_EOF,
	MUT_SEGMENT_FILESZ_HUGE,
	MUT_FILESZ_ABOVE_MEMSZ,
	MUT_WRAP,
	MUT_NO_LOAD,
	MUT_TRUNCATED_HEADER,
};

static const struct {
	enum mutation mutation;
	const char *words;
} elf_errors[] = {
	{MUT_MAGIC, "not an ELF file (bad magic)"},
	{MUT_CLASS32, "not a 64-bit ELF"},
	{MUT_BIG_ENDIAN, "not little-endian"},
	{MUT_MACHINE, "not an AArch64 ELF"},
	{MUT_TYPE_REL, "not an executable"},
	{MUT_NO_PHDRS, "no program headers"},
	{MUT_PHENTSIZE, "e_phentsize"},
	{MUT_PHDRS_PAST_EOF, "truncated: program headers"},
	{MUT_PHNUM_HUGE, "truncated: program headers"},
	{MUT_SEGMENT_PAST_EOF, "truncated: segment 0"},
	{MUT_SEGMENT_FILESZ_HUGE, "truncated: segment 1"},
	{MUT_FILESZ_ABOVE_MEMSZ, "segment 1: p_filesz"},
	{MUT_WRAP, "segment 0 wraps around"},
	{MUT_NO_LOAD, "no loadable segment"},
	{MUT_TRUNCATED_HEADER, "truncated ELF header"},
};

START_TEST(elf_error_is_reported_with_its_reason)
{
	size_t size = elf_size;
	bool ok;

	switch (elf_errors[_i].mutation) {
	case MUT_MAGIC:
		ehdr()->e_ident[EI_MAG1] = 'X';
		break;
	case MUT_CLASS32:
		ehdr()->e_ident[EI_CLASS] = ELFCLASS32;
		break;
	case MUT_BIG_ENDIAN:
		ehdr()->e_ident[EI_DATA] = ELFDATA2MSB;
		break;
	case MUT_MACHINE:
		ehdr()->e_machine = EM_X86_64;
		break;
	case MUT_TYPE_REL:
		ehdr()->e_type = ET_REL;
		break;
	case MUT_NO_PHDRS:
		ehdr()->e_phnum = 0;
		break;
	case MUT_PHENTSIZE:
		ehdr()->e_phentsize = 32;
		break;
	case MUT_PHDRS_PAST_EOF:
		ehdr()->e_phoff = elf_size - 8;
		break;
	case MUT_PHNUM_HUGE:
		ehdr()->e_phnum = 0xffff;
		break;
	case MUT_SEGMENT_PAST_EOF:
		phdr(0)->p_offset = elf_size - 4;
		break;
	case MUT_SEGMENT_FILESZ_HUGE:
		phdr(1)->p_filesz = UINT64_C(0xfffffffffffffff0);
		phdr(1)->p_memsz = UINT64_MAX;
		break;
	case MUT_FILESZ_ABOVE_MEMSZ:
		phdr(1)->p_memsz = DATA_SIZE - 1;
		break;
	case MUT_WRAP:
		phdr(0)->p_paddr = UINT64_MAX - 8;
		break;
	case MUT_NO_LOAD:
		phdr(0)->p_type = PT_NOTE;
		phdr(1)->p_type = PT_DYNAMIC;
		break;
	case MUT_TRUNCATED_HEADER:
		size = sizeof(Elf64_Ehdr) - 1;
		break;
	}
	ok = parse(size, IMAGE_FORMAT_ELF);
	assert_failed(ok, elf_errors[_i].words);
	ck_assert_msg(strncmp(err.message, PATH ": ", strlen(PATH) + 2) == 0,
		      "message '%s' does not start with the path",
		      err.message);
}
END_TEST

START_TEST(empty_raw_image_is_refused)
{
	assert_failed(parse(0, IMAGE_FORMAT_RAW), "raw image is empty");
	assert_failed(parse(0, IMAGE_FORMAT_AUTO), "raw image is empty");
}
END_TEST

START_TEST(empty_file_as_elf_has_bad_magic)
{
	assert_failed(parse(0, IMAGE_FORMAT_ELF), "bad magic");
}
END_TEST

START_TEST(raw_image_that_wraps_the_address_space_is_refused)
{
	ck_assert(!image_parse(&img, elf.b, 16, PATH, IMAGE_FORMAT_RAW,
			       UINT64_MAX - 3, &err));
	ck_assert_ptr_nonnull(strstr(err.message, "wraps around"));
	ck_assert_ptr_null(img.segments);
}
END_TEST

START_TEST(image_larger_than_the_limit_is_refused)
{
	/* calloc()'d pages are never touched: this costs no real memory. */
	uint8_t *big = calloc(1, (size_t)IMAGE_MAX_FILE_SIZE + 1);

	ck_assert_ptr_nonnull(big);
	ck_assert(!image_parse(&img, big, (size_t)IMAGE_MAX_FILE_SIZE + 1,
			       PATH, IMAGE_FORMAT_RAW, LOAD_ADDR, &err));
	free(big);
	ck_assert_ptr_nonnull(strstr(err.message, "MiB limit"));
	ck_assert_ptr_null(img.file);
}
END_TEST

/* --- Files --------------------------------------------------------------- */

START_TEST(image_load_file_reads_and_parses_a_file)
{
	char path[] = "/tmp/ffah-loader-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	bool ok;

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(elf.b, 1, elf_size, f), elf_size);
	ck_assert_int_eq(fclose(f), 0);
	ok = image_load_file(&img, path, IMAGE_FORMAT_AUTO, 0, &err);
	unlink(path);
	ck_assert_msg(ok, "%s", err.message);
	ck_assert_str_eq(img.path, path);
	ck_assert_uint_eq(img.file_size, elf_size);
	ck_assert_uint_eq(img.entry, TEXT_ADDR);
}
END_TEST

START_TEST(image_load_file_of_missing_file_names_the_path)
{
	const char *path = "/nonexistent/ffah/firmware.elf";

	ck_assert(!image_load_file(&img, path, IMAGE_FORMAT_AUTO, 0, &err));
	ck_assert_ptr_nonnull(strstr(err.message, path));
}
END_TEST

START_TEST(format_names_parse_both_ways)
{
	static const enum image_format all[] = {
		IMAGE_FORMAT_AUTO, IMAGE_FORMAT_ELF, IMAGE_FORMAT_RAW};
	enum image_format f;

	for (size_t i = 0; i < ARRAY_COUNT(all); i++) {
		ck_assert(image_format_parse(image_format_name(all[i]), &f));
		ck_assert_int_eq(f, all[i]);
	}
	ck_assert(image_format_parse("bin", &f));
	ck_assert_int_eq(f, IMAGE_FORMAT_RAW);
	ck_assert(!image_format_parse("exe", &f));
	ck_assert(!image_format_parse("", &f));
}
END_TEST

/* --- Mutation ------------------------------------------------------------ */

/* After any parse: an accepted image is consistent, a refusal explained. */
static void check_outcome(bool ok)
{
	if (!ok) {
		ck_assert(err.set);
		ck_assert_uint_ne(strlen(err.message), 0);
		ck_assert_ptr_null(img.segments);
		return;
	}
	ck_assert_uint_ge(img.segment_count, 1);
	for (size_t i = 0; i < img.segment_count; i++) {
		const struct image_segment *s = &img.segments[i];

		ck_assert(s->data >= img.file);
		ck_assert_uint_le(s->file_size, img.file_size);
		ck_assert_uint_le((size_t)(s->data - img.file),
				  img.file_size - s->file_size);
		ck_assert_uint_ge(s->mem_size, s->file_size);
		ck_assert(s->mem_size == 0 || s->addr + (s->mem_size - 1) >=
						      s->addr);
	}
	for (size_t i = 0; i < img.symbol_count; i++) {
		ck_assert_ptr_nonnull(img.symbols[i].name);
		ck_assert_uint_ne(strlen(img.symbols[i].name), 0);
	}
	for (size_t i = 0; i < img.section_count; i++) {
		ck_assert_ptr_nonnull(img.sections[i].name);
	}
}

START_TEST(every_truncation_parses_or_fails_cleanly)
{
	for (size_t len = 0; len <= elf_size; len++) {
		check_outcome(parse(len, IMAGE_FORMAT_ELF));
		check_outcome(parse(len, IMAGE_FORMAT_AUTO));
	}
	/* Cut before the section table: loads, without sections. */
	ck_assert(parse(NOTE_OFF, IMAGE_FORMAT_ELF));
	ck_assert_uint_eq(img.section_count, 0);
	/* Cut inside .data: refused. */
	assert_failed(parse(DATA_OFF + DATA_SIZE - 1, IMAGE_FORMAT_ELF),
		      "truncated: segment 1");
}
END_TEST

START_TEST(single_byte_corruptions_parse_or_fail_cleanly)
{
	size_t refused = 0;

	for (size_t off = 0; off < elf_size; off++) {
		uint8_t orig = elf.b[off];
		const uint8_t values[] = {0x00, 0xff, (uint8_t)(orig ^ 0x01),
					  (uint8_t)(orig ^ 0x80)};

		for (size_t v = 0; v < ARRAY_COUNT(values); v++) {
			bool ok;

			elf.b[off] = values[v];
			ok = parse(elf_size, IMAGE_FORMAT_ELF);
			check_outcome(ok);
			refused += !ok;
		}
		elf.b[off] = orig;
	}
	ck_assert_uint_gt(refused, 0); /* the header bytes do matter */
}
END_TEST

START_TEST(wide_field_corruptions_parse_or_fail_cleanly)
{
	const uint64_t values[] = {UINT64_MAX, UINT64_C(0x8000000000000000),
				   UINT64_C(0xffffffff), elf_size,
				   elf_size - 1};

	for (size_t off = 0; off + 8 <= elf_size; off += 2) {
		uint8_t orig[8];

		memcpy(orig, elf.b + off, 8);
		for (size_t v = 0; v < ARRAY_COUNT(values); v++) {
			memcpy(elf.b + off, &values[v], 8);
			check_outcome(parse(elf_size, IMAGE_FORMAT_ELF));
		}
		memcpy(elf.b + off, orig, 8);
	}
}
END_TEST

/* --- Bounds: crafted symbol tables ------------------------------------ */

/*
 * A large crafted ELF: the test image's headers, segments and .shstrtab,
 * then sym_count symbols at BOMB_SYM_OFF, a string table of strtab_size
 * bytes after them, and section headers for .shstrtab, that string table
 * and `symtabs` SHT_SYMTAB sections that all cover the same symbols.
 * Symbols and strings are zero for the test to fill in.
 */
#define BOMB_SYM_OFF 0x1000u

struct bomb {
	uint8_t *b;
	size_t size;
	Elf64_Sym *syms;
	char *strtab;
};

static struct bomb build_bomb(size_t sym_count, size_t strtab_size,
			      unsigned symtabs)
{
	size_t str_off = BOMB_SYM_OFF + sym_count * sizeof(Elf64_Sym);
	size_t sh_off = (str_off + strtab_size + 7) & ~(size_t)7;
	unsigned shnum = 3 + symtabs;
	struct bomb m;
	Elf64_Ehdr *eh;
	Elf64_Shdr *sh;

	m.size = sh_off + shnum * sizeof(Elf64_Shdr);
	m.b = calloc(1, m.size);
	ck_assert_ptr_nonnull(m.b);
	memcpy(m.b, elf.b, SH_OFF);
	eh = (Elf64_Ehdr *)m.b;
	eh->e_shoff = sh_off;
	eh->e_shentsize = sizeof(Elf64_Shdr);
	eh->e_shnum = (uint16_t)shnum;
	eh->e_shstrndx = 1;
	sh = (Elf64_Shdr *)(m.b + sh_off);
	sh[1] = (Elf64_Shdr){.sh_type = SHT_STRTAB,
			     .sh_offset = SHSTRTAB_OFF,
			     .sh_size = sizeof(shstrtab)};
	sh[2] = (Elf64_Shdr){.sh_type = SHT_STRTAB,
			     .sh_offset = str_off,
			     .sh_size = strtab_size};
	for (unsigned i = 3; i < shnum; i++) {
		sh[i] = (Elf64_Shdr){.sh_type = SHT_SYMTAB,
				     .sh_offset = BOMB_SYM_OFF,
				     .sh_size = sym_count * sizeof(Elf64_Sym),
				     .sh_link = 2,
				     .sh_entsize = sizeof(Elf64_Sym)};
	}
	m.syms = (Elf64_Sym *)(m.b + BOMB_SYM_OFF);
	m.strtab = (char *)(m.b + str_off);
	return m;
}

static bool parse_bomb(const struct bomb *m)
{
	image_free(&img);
	error_clear(&err);
	return image_parse(&img, m->b, m->size, PATH, IMAGE_FORMAT_ELF, 0,
			   &err);
}

/* Each named "x": 1000 tables over them must not give 1000 copies. */
START_TEST(elf_with_many_symbol_tables_reads_only_one)
{
	struct bomb m = build_bomb(4096, 4, 1000);

	m.strtab[1] = 'x';
	for (size_t i = 0; i < 4096; i++) {
		m.syms[i].st_name = 1;
	}
	ck_assert(parse_bomb(&m));
	ck_assert_uint_eq(img.symbol_count, 4096);
	free(m.b);
}
END_TEST

/* Symbols that all name one 64 KiB string must not copy it each time. */
START_TEST(elf_symbol_names_longer_than_the_limit_are_ignored)
{
	size_t len = 65535;
	struct bomb m = build_bomb(2048, len + 1, 1);

	memset(m.strtab, 'A', len); /* then the NUL */
	m.syms[0].st_name = (uint32_t)(len - IMAGE_MAX_NAME);
	m.syms[1].st_name = (uint32_t)(len - IMAGE_MAX_NAME - 1);
	ck_assert(parse_bomb(&m));
	ck_assert_uint_eq(img.symbol_count, 1);
	ck_assert_uint_eq(strlen(img.symbols[0].name), IMAGE_MAX_NAME);
	free(m.b);
}
END_TEST

START_TEST(elf_symbols_past_the_limit_are_not_kept)
{
	size_t count = IMAGE_MAX_SYMBOLS + 100;
	struct bomb m = build_bomb(count, 4, 1);
	uint64_t value = 0;

	m.strtab[1] = 'x';
	for (size_t i = 0; i < count; i++) {
		m.syms[i].st_name = 1;
		m.syms[i].st_value = i;
	}
	ck_assert(parse_bomb(&m));
	ck_assert_uint_eq(img.symbol_count, IMAGE_MAX_SYMBOLS);
	ck_assert(image_symbol(&img, "x", &value));
	ck_assert_uint_eq(value, 0);
	free(m.b);
}
END_TEST

Suite *loader_suite(void);

Suite *loader_suite(void)
{
	Suite *s = suite_create("loader");
	TCase *tc = tcase_create("good");

	tcase_add_checked_fixture(tc, loader_setup, loader_teardown);
	tcase_add_test(tc, elf_gives_its_load_segments_and_entry);
	tcase_add_test(tc, elf_segments_point_into_a_private_copy);
	tcase_add_test(tc, elf_of_type_dyn_is_accepted);
	tcase_add_test(tc, elf_segment_with_zero_memsz_is_skipped);
	tcase_add_test(tc, elf_symbols_and_sections_are_found_by_name);
	tcase_add_test(tc, elf_without_sections_has_no_symbols);
	tcase_add_test(tc, elf_with_broken_section_table_still_loads);
	tcase_add_test(tc, elf_with_empty_symbol_table_loads);
	tcase_add_test(tc, auto_format_detects_elf_by_its_magic);
	tcase_add_test(tc, auto_format_takes_other_bytes_as_raw);
	tcase_add_test(tc, auto_format_takes_a_three_byte_file_as_raw);
	tcase_add_test(tc, raw_format_forced_on_an_elf_loads_the_bytes);
	tcase_add_test(tc, image_load_file_reads_and_parses_a_file);
	tcase_add_test(tc, format_names_parse_both_ways);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, loader_setup, loader_teardown);
	tcase_add_loop_test(tc, elf_error_is_reported_with_its_reason, 0,
			    (int)ARRAY_COUNT(elf_errors));
	tcase_add_test(tc, empty_raw_image_is_refused);
	tcase_add_test(tc, empty_file_as_elf_has_bad_magic);
	tcase_add_test(tc, raw_image_that_wraps_the_address_space_is_refused);
	tcase_add_test(tc, image_larger_than_the_limit_is_refused);
	tcase_add_test(tc, image_load_file_of_missing_file_names_the_path);
	suite_add_tcase(s, tc);

	tc = tcase_create("mutation");
	tcase_add_checked_fixture(tc, loader_setup, loader_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, every_truncation_parses_or_fails_cleanly);
	tcase_add_test(tc, single_byte_corruptions_parse_or_fail_cleanly);
	tcase_add_test(tc, wide_field_corruptions_parse_or_fail_cleanly);
	suite_add_tcase(s, tc);

	tc = tcase_create("bounds");
	tcase_add_checked_fixture(tc, loader_setup, loader_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, elf_with_many_symbol_tables_reads_only_one);
	tcase_add_test(tc, elf_symbol_names_longer_than_the_limit_are_ignored);
	tcase_add_test(tc, elf_symbols_past_the_limit_are_not_kept);
	suite_add_tcase(s, tc);

	return s;
}
