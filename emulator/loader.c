/*
 * ELF64 and raw image parsing.  Only what firmware needs: PT_LOAD segments
 * placed at p_paddr (firmware runs with VA = PA), e_entry, and the symbol
 * and section tables so that the harness can find the reference client's
 * runtime sections.  Everything is validated against the file size before
 * it is used; any inconsistency is an error that names the field.
 */
#include "emulator/loader.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/strbuf.h"

/* True if [off, off+len) lies within size, without overflow. */
static bool in_file(uint64_t off, uint64_t len, size_t size)
{
	return off <= size && len <= size - off;
}

static bool parse_raw(struct image *img, uint64_t load_addr,
		      struct error *err)
{
	if (img->file_size == 0) {
		return error_setf(err, "%s: raw image is empty", img->path);
	}
	if (load_addr + img->file_size < load_addr) {
		return error_setf(err, "%s: raw image at 0x%llx wraps around "
				       "the address space",
				  img->path, (unsigned long long)load_addr);
	}
	img->segments = xcalloc(1, sizeof(*img->segments));
	img->segments[0] = (struct image_segment){
		.addr = load_addr,
		.data = img->file,
		.file_size = img->file_size,
		.mem_size = img->file_size,
		.flags = PF_R | PF_W | PF_X,
	};
	img->segment_count = 1;
	img->entry = load_addr;
	return true;
}

static bool check_header(const struct image *img, const Elf64_Ehdr *eh,
			 struct error *err)
{
	if (img->file_size < EI_NIDENT ||
	    memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0) {
		return error_setf(err, "%s: not an ELF file (bad magic)",
				  img->path);
	}
	if (img->file_size < sizeof(Elf64_Ehdr)) {
		return error_setf(err,
				  "%s: truncated ELF header (%zu of %zu bytes)",
				  img->path, img->file_size,
				  sizeof(Elf64_Ehdr));
	}
	if (eh->e_ident[EI_CLASS] != ELFCLASS64) {
		return error_setf(err, "%s: not a 64-bit ELF (EI_CLASS %u)",
				  img->path, eh->e_ident[EI_CLASS]);
	}
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB) {
		return error_setf(err, "%s: not little-endian (EI_DATA %u)",
				  img->path, eh->e_ident[EI_DATA]);
	}
	if (eh->e_machine != EM_AARCH64) {
		return error_setf(err, "%s: not an AArch64 ELF (e_machine %u)",
				  img->path, eh->e_machine);
	}
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN) {
		return error_setf(err, "%s: not an executable (e_type %u)",
				  img->path, eh->e_type);
	}
	if (eh->e_phnum == 0) {
		return error_setf(err, "%s: no program headers", img->path);
	}
	if (eh->e_phentsize != sizeof(Elf64_Phdr)) {
		return error_setf(err, "%s: e_phentsize %u, expected %zu",
				  img->path, eh->e_phentsize,
				  sizeof(Elf64_Phdr));
	}
	if (!in_file(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr),
		     img->file_size)) {
		return error_setf(err,
				  "%s: truncated: program headers at 0x%llx "
				  "(%u entries) run past the end of the file "
				  "(%zu bytes)",
				  img->path, (unsigned long long)eh->e_phoff,
				  eh->e_phnum, img->file_size);
	}
	return true;
}

static bool parse_segments(struct image *img, const Elf64_Ehdr *eh,
			   struct error *err)
{
	img->segments = xcalloc(eh->e_phnum, sizeof(*img->segments));
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;

		memcpy(&ph, img->file + eh->e_phoff + i * sizeof(ph),
		       sizeof(ph));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0) {
			continue;
		}
		if (ph.p_filesz > ph.p_memsz) {
			return error_setf(err,
					  "%s: segment %u: p_filesz 0x%llx > "
					  "p_memsz 0x%llx",
					  img->path, i,
					  (unsigned long long)ph.p_filesz,
					  (unsigned long long)ph.p_memsz);
		}
		if (!in_file(ph.p_offset, ph.p_filesz, img->file_size)) {
			return error_setf(err,
					  "%s: truncated: segment %u needs "
					  "bytes 0x%llx..0x%llx, the file has "
					  "%zu",
					  img->path, i,
					  (unsigned long long)ph.p_offset,
					  (unsigned long long)(ph.p_offset +
							       ph.p_filesz),
					  img->file_size);
		}
		if (ph.p_paddr + ph.p_memsz < ph.p_paddr) {
			return error_setf(err,
					  "%s: segment %u wraps around the "
					  "address space",
					  img->path, i);
		}
		img->segments[img->segment_count++] = (struct image_segment){
			.addr = ph.p_paddr,
			.data = img->file + ph.p_offset,
			.file_size = ph.p_filesz,
			.mem_size = ph.p_memsz,
			.flags = ph.p_flags,
		};
	}
	if (img->segment_count == 0) {
		return error_setf(err, "%s: no loadable segment", img->path);
	}
	img->entry = eh->e_entry;
	return true;
}

/*
 * A NUL-terminated string of at most IMAGE_MAX_NAME bytes at off inside the
 * table [base, base+size), or NULL.  The bound keeps the scan and the copy
 * small however many symbols point at one long string.
 */
static char *table_string(const struct image *img, uint64_t base,
			  uint64_t size, uint64_t off)
{
	if (off >= size) {
		return NULL;
	}
	const char *s = (const char *)img->file + base + off;
	size_t max = (size_t)(size - off);
	size_t len;

	if (max > IMAGE_MAX_NAME + 1) {
		max = IMAGE_MAX_NAME + 1;
	}
	len = strnlen(s, max);
	return len < max ? xstrndup(s, len) : NULL;
}

/*
 * Sections and symbols are optional (a stripped image has none); a broken
 * table is ignored rather than fatal, since nothing is loaded from it.
 */
static void parse_sections(struct image *img, const Elf64_Ehdr *eh)
{
	Elf64_Shdr *sh;
	uint64_t shstr_off, shstr_size;

	if (eh->e_shnum == 0 || eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    eh->e_shstrndx >= eh->e_shnum ||
	    !in_file(eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr),
		     img->file_size)) {
		return;
	}
	sh = xcalloc(eh->e_shnum, sizeof(*sh));
	memcpy(sh, img->file + eh->e_shoff, eh->e_shnum * sizeof(*sh));
	shstr_off = sh[eh->e_shstrndx].sh_offset;
	shstr_size = sh[eh->e_shstrndx].sh_size;
	if (!in_file(shstr_off, shstr_size, img->file_size)) {
		free(sh);
		return;
	}
	img->sections = xcalloc(eh->e_shnum, sizeof(*img->sections));
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		char *name = table_string(img, shstr_off, shstr_size,
					  sh[i].sh_name);

		if (name == NULL || (sh[i].sh_flags & SHF_ALLOC) == 0) {
			free(name);
			continue;
		}
		img->sections[img->section_count++] = (struct image_section){
			.name = name,
			.addr = sh[i].sh_addr,
			.size = sh[i].sh_size,
			.flags = sh[i].sh_flags,
		};
	}
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		const Elf64_Shdr *strtab;
		uint64_t count;

		if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum ||
		    sh[i].sh_entsize != sizeof(Elf64_Sym) ||
		    !in_file(sh[i].sh_offset, sh[i].sh_size, img->file_size)) {
			continue;
		}
		strtab = &sh[sh[i].sh_link];
		if (!in_file(strtab->sh_offset, strtab->sh_size,
			     img->file_size)) {
			continue;
		}
		/* One table is read: the ELF specification allows one. */
		count = sh[i].sh_size / sizeof(Elf64_Sym);
		img->symbols = xcalloc(count < IMAGE_MAX_SYMBOLS
					       ? count
					       : IMAGE_MAX_SYMBOLS,
				       sizeof(*img->symbols));
		for (uint64_t k = 0;
		     k < count && img->symbol_count < IMAGE_MAX_SYMBOLS; k++) {
			Elf64_Sym sym;
			char *name;

			memcpy(&sym,
			       img->file + sh[i].sh_offset + k * sizeof(sym),
			       sizeof(sym));
			name = table_string(img, strtab->sh_offset,
					    strtab->sh_size, sym.st_name);
			if (name == NULL || name[0] == '\0') {
				free(name);
				continue;
			}
			img->symbols[img->symbol_count++] =
				(struct image_symbol){
					.name = name,
					.value = sym.st_value,
					.size = sym.st_size,
				};
		}
		break;
	}
	free(sh);
}

static bool parse_elf(struct image *img, struct error *err)
{
	Elf64_Ehdr eh;

	memset(&eh, 0, sizeof(eh));
	memcpy(&eh, img->file,
	       img->file_size < sizeof(eh) ? img->file_size : sizeof(eh));
	if (!check_header(img, &eh, err) || !parse_segments(img, &eh, err)) {
		return false;
	}
	parse_sections(img, &eh);
	return true;
}

/* image_parse() on a buffer the image takes (freed with it or on error). */
static bool parse_owned(struct image *img, uint8_t *file, size_t size,
			const char *path, enum image_format format,
			uint64_t load_addr, struct error *err)
{
	bool ok;

	memset(img, 0, sizeof(*img));
	img->path = xstrdup(path);
	img->file = file;
	img->file_size = size;
	if (size > IMAGE_MAX_FILE_SIZE) {
		error_setf(err, "%s: %zu bytes is larger than the %u MiB limit",
			   path, size, IMAGE_MAX_FILE_SIZE >> 20);
		image_free(img);
		return false;
	}
	if (format == IMAGE_FORMAT_AUTO) {
		format = size >= SELFMAG && memcmp(file, ELFMAG, SELFMAG) == 0
				 ? IMAGE_FORMAT_ELF
				 : IMAGE_FORMAT_RAW;
	}
	img->format = format;
	ok = format == IMAGE_FORMAT_ELF ? parse_elf(img, err)
					: parse_raw(img, load_addr, err);
	if (!ok) {
		image_free(img);
	}
	return ok;
}

bool image_parse(struct image *img, const uint8_t *buf, size_t size,
		 const char *path, enum image_format format,
		 uint64_t load_addr, struct error *err)
{
	uint8_t *copy = xmalloc(size != 0 ? size : 1);

	memcpy(copy, buf, size);
	return parse_owned(img, copy, size, path, format, load_addr, err);
}

/* Appends up to want bytes of f to data; how many came. */
static size_t read_more(FILE *f, struct strbuf *data, size_t want)
{
	char *room = strbuf_extend(data, want);
	size_t got = fread(room, 1, want, f);

	data->len -= want - got;
	data->data[data->len] = '\0';
	return got;
}

bool image_load_file(struct image *img, const char *path,
		     enum image_format format, uint64_t load_addr,
		     struct error *err)
{
	FILE *f = fopen(path, "rb");
	struct strbuf data = STRBUF_INIT;
	struct stat st;
	size_t size;
	int c;

	memset(img, 0, sizeof(*img));
	if (f == NULL) {
		return error_setf(err, "%s: %s", path, strerror(errno));
	}
	/* A regular file in one read, into the buffer the image keeps;
	 * whatever else comes (a pipe, a file that grew) in chunks. */
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size > 0 && (uint64_t)st.st_size <= IMAGE_MAX_FILE_SIZE) {
		read_more(f, &data, (size_t)st.st_size);
	}
	while (!ferror(f) && data.len <= IMAGE_MAX_FILE_SIZE &&
	       (c = fgetc(f)) != EOF) {
		ungetc(c, f);
		read_more(f, &data, 65536);
	}
	if (ferror(f)) {
		error_setf(err, "%s: read error: %s", path, strerror(errno));
		fclose(f);
		strbuf_free(&data);
		return false;
	}
	fclose(f);
	size = data.len;
	return parse_owned(img, (uint8_t *)strbuf_steal(&data), size, path,
			   format, load_addr, err);
}

void image_free(struct image *img)
{
	for (size_t i = 0; i < img->symbol_count; i++) {
		free(img->symbols[i].name);
	}
	for (size_t i = 0; i < img->section_count; i++) {
		free(img->sections[i].name);
	}
	free(img->symbols);
	free(img->sections);
	free(img->segments);
	free(img->file);
	free(img->path);
	memset(img, 0, sizeof(*img));
}

bool image_symbol(const struct image *img, const char *name, uint64_t *value)
{
	for (size_t i = 0; i < img->symbol_count; i++) {
		if (strcmp(img->symbols[i].name, name) == 0) {
			*value = img->symbols[i].value;
			return true;
		}
	}
	return false;
}

const struct image_section *image_section(const struct image *img,
					  const char *name)
{
	for (size_t i = 0; i < img->section_count; i++) {
		if (strcmp(img->sections[i].name, name) == 0) {
			return &img->sections[i];
		}
	}
	return NULL;
}

bool image_format_parse(const char *s, enum image_format *out)
{
	static const struct {
		const char *name;
		enum image_format format;
	} names[] = {
		{"auto", IMAGE_FORMAT_AUTO},
		{"elf", IMAGE_FORMAT_ELF},
		{"raw", IMAGE_FORMAT_RAW},
		{"bin", IMAGE_FORMAT_RAW},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(names[i].name, s) == 0) {
			*out = names[i].format;
			return true;
		}
	}
	return false;
}

const char *image_format_name(enum image_format f)
{
	switch (f) {
	case IMAGE_FORMAT_AUTO:
		return "auto";
	case IMAGE_FORMAT_ELF:
		return "elf";
	case IMAGE_FORMAT_RAW:
		return "raw";
	}
	return "?";
}
