/*
 * libFuzzer target: the firmware image parser (emulator/loader.c,
 * image_parse()) on arbitrary files, as `--image` reads them.  Each input is
 * parsed three ways: format detection (an ELF when it starts with the
 * magic), ELF forced, and raw at a load address taken from its first eight
 * bytes (so that the wrap-around check is reached).
 *
 * Properties checked: a failure sets a message and leaves nothing behind;
 * a success has every segment's bytes inside the file copy, p_filesz <=
 * p_memsz and no segment that wraps around the address space, names on
 * every symbol and section no longer than IMAGE_MAX_NAME, no more symbols
 * than one symbol table holds, and lookups that find them.
 */
#include <elf.h>
#include <stdint.h>
#include <string.h>

#include "common/error.h"
#include "emulator/loader.h"
#include "tests/fuzz/checks.h"

#define TARGET "fuzz_loader"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_image(const struct image *img)
{
	const uint8_t *file_end = img->file + img->file_size;

	if (img->segment_count == 0 || img->segments == NULL) {
		fuzz_check_failed(TARGET, "an image without segments");
	}
	for (size_t i = 0; i < img->segment_count; i++) {
		const struct image_segment *s = &img->segments[i];

		if (s->file_size > s->mem_size ||
		    s->addr + s->mem_size < s->addr) {
			fuzz_check_failed(TARGET, "a segment's sizes or "
						  "address range are wrong");
		}
		if (s->file_size != 0 &&
		    (s->data < img->file || s->data > file_end ||
		     s->file_size > (uint64_t)(file_end - s->data))) {
			fuzz_check_failed(TARGET, "a segment's bytes are not "
						  "in the file");
		}
	}
	/* One symbol table (the ELF rule), bounded names (loader.h). */
	if (img->symbol_count > img->file_size / sizeof(Elf64_Sym) ||
	    img->symbol_count > IMAGE_MAX_SYMBOLS) {
		fuzz_check_failed(TARGET, "more symbols than one table holds");
	}
	for (size_t i = 0; i < img->symbol_count; i++) {
		uint64_t value;

		if (img->symbols[i].name == NULL ||
		    img->symbols[i].name[0] == '\0' ||
		    strlen(img->symbols[i].name) > IMAGE_MAX_NAME ||
		    !image_symbol(img, img->symbols[i].name, &value)) {
			fuzz_check_failed(TARGET, "a symbol without a name, or "
						  "one lookup does not find");
		}
	}
	for (size_t i = 0; i < img->section_count; i++) {
		if (img->sections[i].name == NULL ||
		    strlen(img->sections[i].name) > IMAGE_MAX_NAME ||
		    image_section(img, img->sections[i].name) == NULL) {
			fuzz_check_failed(TARGET, "a section without a name, "
						  "or one lookup does not "
						  "find");
		}
	}
}

static void parse(const uint8_t *data, size_t size, enum image_format format,
		  uint64_t load_addr)
{
	struct image img;
	struct error err = {false, ""};
	static const struct image empty;

	if (image_parse(&img, data, size, "fuzz.elf", format, load_addr,
			&err)) {
		if (err.set) {
			fuzz_check_failed(TARGET, "success with an error set");
		}
		check_image(&img);
		image_free(&img);
	} else if (!err.set || err.message[0] == '\0' ||
		   memcmp(&img, &empty, sizeof(img)) != 0) {
		fuzz_check_failed(TARGET, "a failure without a message, or "
					  "with something left behind");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t load_addr = 0;

	memcpy(&load_addr, data, size < 8 ? size : 8);
	parse(data, size, IMAGE_FORMAT_AUTO, UINT64_C(0x40000000));
	parse(data, size, IMAGE_FORMAT_ELF, 0);
	parse(data, size, IMAGE_FORMAT_RAW, load_addr);
	return 0;
}
