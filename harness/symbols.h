/*
 * Addresses as function+offset for the result document (issue 16, item
 * 9): the symbols come from the image when it is an ELF (the reference
 * client), or from an ELF beside a raw image (U-Boot's build leaves the
 * `u-boot` ELF next to `u-boot.bin`).  U-Boot relocates itself to the top
 * of RAM (common/board_f.c, relocate_code), so it runs at its link
 * addresses before relocation and at one offset from them after; the
 * offsets are learnt from the SMCs: each traced SMC's pc must be an
 * `smc #0` of the ELF once its offset is taken off.
 */
#ifndef HARNESS_SYMBOLS_H
#define HARNESS_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"
#include "common/trace.h"
#include "emulator/loader.h"

/* Run-time offsets learnt: U-Boot needs two (before and after relocation). */
#define SYMBOLS_MAX_OFFSETS 4

struct symbols {
	struct image elf;         /* the sidecar ELF, if one was read */
	bool own_elf;
	const struct image *img;  /* where the symbols are; NULL: none */
	size_t *order;            /* function symbols by address */
	size_t count;
	uint64_t offsets[SYMBOLS_MAX_OFFSETS]; /* run - link address */
	size_t offset_count;
};

/*
 * symbols_init() - find the symbols of the image that ran.
 * @image: the loaded image (its own symbols if it is an ELF).
 * @path: its file, to look for an ELF beside a raw image ("u-boot" for
 *        "u-boot.bin", else the name without its extension, or NAME.elf).
 * @trace: the run's SMCs, to learn a relocation offset.
 *
 * Return: true if addresses can be named.
 */
bool symbols_init(struct symbols *sy, const struct image *image,
		  const char *path, const struct trace *trace);
void symbols_free(struct symbols *sy);

/*
 * Appends "function+0x1c" (or "function") for addr, an address of the
 * code that made the SMC at pc (pc itself, or its lr): the offset is the
 * one under which pc is an `smc #0`.  False if unknown.
 */
bool symbols_name(const struct symbols *sy, uint64_t pc, uint64_t addr,
		  struct strbuf *out);

#endif /* HARNESS_SYMBOLS_H */
