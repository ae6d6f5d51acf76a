#include "harness/symbols.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "smc #0": the SMC Calling Convention's conduit (Arm DEN 0028, 2.5). */
#define INSN_SMC0 UINT32_C(0xd4000003)
/*
 * Bounds on learning offsets, so that an ELF full of smc instructions or
 * a storm of SMCs costs little: candidates tried per offset, and events
 * each candidate is scored on.
 */
#define MAX_CANDIDATES 64u
#define MAX_SCORED 256u
/* A function symbol without a size names at most this many bytes. */
#define UNSIZED_SPAN 0x1000u

static const struct image *sort_image; /* for compare_symbols only */

static int compare_symbols(const void *a, const void *b)
{
	uint64_t va = sort_image->symbols[*(const size_t *)a].value;
	uint64_t vb = sort_image->symbols[*(const size_t *)b].value;

	return va < vb ? -1 : va > vb;
}

/* The 32-bit word at link address addr in an executable segment. */
static bool insn_at(const struct image *img, uint64_t addr, uint32_t *insn)
{
	for (size_t i = 0; i < img->segment_count; i++) {
		const struct image_segment *s = &img->segments[i];

		if ((s->flags & PF_X) != 0 && addr >= s->addr &&
		    addr - s->addr + 4 <= s->file_size) {
			memcpy(insn, s->data + (addr - s->addr), 4);
			return true;
		}
	}
	return false;
}

static bool is_smc(const struct image *img, uint64_t addr)
{
	uint32_t insn;

	return insn_at(img, addr, &insn) && insn == INSN_SMC0;
}

/* The offset under which pc is an `smc #0`, if one is known. */
static bool offset_of(const struct symbols *sy, uint64_t pc, uint64_t *out)
{
	for (size_t k = 0; k < sy->offset_count; k++) {
		if (is_smc(sy->img, pc - sy->offsets[k])) {
			*out = sy->offsets[k];
			return true;
		}
	}
	return false;
}

/*
 * Learns the offsets: for each traced SMC no known offset explains, the
 * candidate (its pc minus an `smc #0` of the ELF; U-Boot has a handful)
 * that explains the most traced SMCs.
 */
static void learn_offsets(struct symbols *sy, const struct trace *t)
{
	const struct image *img = sy->img;

	sy->offsets[sy->offset_count++] = 0;
	for (size_t e = 0; e < t->count; e++) {
		uint64_t pc = t->events[e].pc, best = 0, known;
		size_t best_hits = 0, tried = 0;

		if (t->events[e].kind != TRACE_SMC || offset_of(sy, pc, &known)) {
			continue;
		}
		if (sy->offset_count == SYMBOLS_MAX_OFFSETS) {
			return;
		}
		for (size_t g = 0; g < img->segment_count; g++) {
			const struct image_segment *s = &img->segments[g];

			for (uint64_t off = 0;
			     (s->flags & PF_X) != 0 && off + 4 <= s->file_size &&
			     tried < MAX_CANDIDATES;
			     off += 4) {
				uint32_t insn;
				uint64_t candidate = pc - (s->addr + off);
				size_t hits = 0;

				memcpy(&insn, s->data + off, 4);
				if (insn != INSN_SMC0) {
					continue;
				}
				tried++;
				for (size_t i = e;
				     i < t->count && i < e + MAX_SCORED; i++) {
					hits += t->events[i].kind == TRACE_SMC &&
						is_smc(img, t->events[i].pc -
								    candidate);
				}
				/*
				 * One stub makes every SMC, so any smc of the
				 * ELF explains them equally: U-Boot relocates
				 * to a 4 KiB boundary (common/board_f.c,
				 * reserve_uboot), which breaks the tie.
				 */
				hits = hits * 2 + (candidate % 4096 == 0);
				if (hits > best_hits) {
					best_hits = hits;
					best = candidate;
				}
			}
		}
		if (best_hits == 0) {
			return; /* not this ELF's code: name nothing more */
		}
		sy->offsets[sy->offset_count++] = best;
	}
}

/* The ELF beside a raw image: u-boot for u-boot.bin, NAME or NAME.elf. */
static bool read_sidecar(struct symbols *sy, const char *path)
{
	static const char *const suffixes[] = {"", ".elf"};
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');
	size_t stem = dot != NULL && (slash == NULL || dot > slash)
			      ? (size_t)(dot - path)
			      : strlen(path);

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		struct strbuf sb = STRBUF_INIT;
		struct error err = {0};
		bool ok;

		strbuf_append(&sb, path, stem);
		strbuf_puts(&sb, suffixes[i]);
		ok = strcmp(strbuf_str(&sb), path) != 0 &&
		     access(strbuf_str(&sb), R_OK) == 0 &&
		     image_load_file(&sy->elf, strbuf_str(&sb),
				     IMAGE_FORMAT_ELF, 0, &err);
		strbuf_free(&sb);
		if (ok) {
			sy->own_elf = true;
			return true;
		}
	}
	return false;
}

bool symbols_init(struct symbols *sy, const struct image *image,
		  const char *path, const struct trace *trace)
{
	memset(sy, 0, sizeof(*sy));
	if (image != NULL && image->format == IMAGE_FORMAT_ELF &&
	    image->symbol_count != 0) {
		sy->img = image; /* runs where it is linked */
		sy->offsets[sy->offset_count++] = 0;
	} else if (path != NULL && read_sidecar(sy, path) &&
		   sy->elf.symbol_count != 0) {
		sy->img = &sy->elf;
		learn_offsets(sy, trace);
	} else {
		symbols_free(sy);
		return false;
	}
	sy->order = xcalloc(sy->img->symbol_count, sizeof(*sy->order));
	for (size_t i = 0; i < sy->img->symbol_count; i++) {
		const struct image_symbol *s = &sy->img->symbols[i];

		/* Section, file and mapping symbols ($x, $d) name nothing. */
		if (s->value == 0 || s->name[0] == '$' ||
		    strcmp(s->name, "_start") == 0) {
			continue;
		}
		sy->order[sy->count++] = i;
	}
	sort_image = sy->img;
	qsort(sy->order, sy->count, sizeof(*sy->order), compare_symbols);
	return sy->count != 0;
}

void symbols_free(struct symbols *sy)
{
	if (sy->own_elf) {
		image_free(&sy->elf);
	}
	free(sy->order);
	memset(sy, 0, sizeof(*sy));
}

bool symbols_name(const struct symbols *sy, uint64_t pc, uint64_t addr,
		  struct strbuf *out)
{
	uint64_t offset = 0, link;
	size_t lo = 0, hi = sy->count;
	const struct image_symbol *s;
	uint64_t span;

	if (sy->img == NULL || sy->count == 0) {
		return false;
	}
	if (!offset_of(sy, pc, &offset)) {
		if (sy->own_elf) {
			return false; /* code the ELF beside does not describe */
		}
		offset = 0; /* an ELF image runs where it is linked */
	}
	link = addr - offset;
	while (lo < hi) { /* the last symbol at or below link */
		size_t mid = lo + (hi - lo) / 2;

		if (sy->img->symbols[sy->order[mid]].value <= link) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	if (lo == 0) {
		return false;
	}
	s = &sy->img->symbols[sy->order[lo - 1]];
	span = s->size != 0 ? s->size : UNSIZED_SPAN;
	if (link - s->value >= span) {
		return false;
	}
	if (link == s->value) {
		strbuf_puts(out, s->name);
	} else {
		strbuf_printf(out, "%s+0x%llx", s->name,
			      (unsigned long long)(link - s->value));
	}
	return true;
}
