/*
 * Firmware image loader: ELF64 (AArch64, little-endian; PT_LOAD segments
 * at their physical addresses, the entry point, and the symbol and section
 * tables when present) and raw binaries (one segment at a load address).
 * Parsing is separate from placing the image in guest memory
 * (machine_load_image()), so that the parser can be tested and fuzzed on
 * its own.  The file is untrusted input: every offset and size is checked.
 */
#ifndef EMULATOR_LOADER_H
#define EMULATOR_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

enum image_format {
	IMAGE_FORMAT_AUTO, /* ELF if the file starts with the ELF magic */
	IMAGE_FORMAT_ELF,
	IMAGE_FORMAT_RAW,
};

#define IMAGE_MAX_FILE_SIZE (256u << 20)
/*
 * What is kept of the symbol table, so that a crafted file cannot make the
 * harness allocate far more than its own size (names are copied): symbol
 * and section names longer than IMAGE_MAX_NAME bytes are ignored, and only
 * the first IMAGE_MAX_SYMBOLS named symbols of the (one) SHT_SYMTAB
 * section are kept.  Firmware symbols are short and far fewer.
 */
#define IMAGE_MAX_NAME 255u
#define IMAGE_MAX_SYMBOLS (1u << 18)

struct image_segment {
	uint64_t addr;
	const uint8_t *data; /* points into image.file */
	uint64_t file_size;
	uint64_t mem_size;   /* >= file_size; the rest is zero-filled */
	uint32_t flags;      /* ELF p_flags (PF_X 1, PF_W 2, PF_R 4) */
};

struct image_symbol {
	char *name;
	uint64_t value;
	uint64_t size;
};

struct image_section {
	char *name;
	uint64_t addr;
	uint64_t size;
	uint64_t flags; /* ELF sh_flags */
};

struct image {
	char *path;
	enum image_format format;
	uint8_t *file;
	size_t file_size;
	uint64_t entry;
	struct image_segment *segments;
	size_t segment_count;
	struct image_symbol *symbols;
	size_t symbol_count;
	struct image_section *sections;
	size_t section_count;
};

/*
 * Reads and parses path.  For raw images load_addr is where the bytes go
 * and the entry point; for ELF it is ignored.
 */
bool image_load_file(struct image *img, const char *path,
		     enum image_format format, uint64_t load_addr,
		     struct error *err);
/* Parses a copy of buf (same rules; path is only for messages). */
bool image_parse(struct image *img, const uint8_t *buf, size_t size,
		 const char *path, enum image_format format,
		 uint64_t load_addr, struct error *err);
void image_free(struct image *img);
bool image_symbol(const struct image *img, const char *name,
		  uint64_t *value);
const struct image_section *image_section(const struct image *img,
					  const char *name);
bool image_format_parse(const char *s, enum image_format *out);
const char *image_format_name(enum image_format f);

#endif /* EMULATOR_LOADER_H */
