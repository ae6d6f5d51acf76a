/*
 * FF-A memory transaction descriptors for models/ffa_mem.c: parsing in the
 * layout of the caller's version, the validation rules that need only the
 * descriptor (not the ownership state), and building retrieve responses.
 * Split from ffa_mem.c by concern (STYLE A4): ffa_mem.c owns the state.
 *
 * Every check returns 0 or the FF-A error code for the caller, after
 * recording an `ffa.mem.*` firmware finding with a hex dump of the
 * offending descriptor bytes (ffa_mem_reject()).
 *
 * Layouts: v1.1 EAC0 Tables 10.13-10.21 (Hafnium inc/vmapi/hf/ffa.h,
 * ffa_v1_0.h; Linux include/linux/arm_ffa.h); rules: Hafnium
 * src/ffa_memory.c, cited per function.
 */
#ifndef MODELS_FFA_MEM_DESC_H
#define MODELS_FFA_MEM_DESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/ffa.h"
#include "abi/ffa_mem.h"
#include "common/finding.h"
#include "models/guest_mem.h"
#include "models/ffa_mem.h"

struct ffa_mem_range {
	uint64_t addr;
	uint32_t pages;
};

struct ffa_mem_receiver {
	uint16_t id;
	uint8_t perms; /* as the sender gave them */
	uint8_t flags;
	uint8_t impdef[16]; /* v1.2 EMADs */
	bool retrieved;	    /* retrieved and not relinquished */
	uint8_t granted;    /* permissions given at retrieve */
	bool zero_after;    /* retrieve asked to zero after relinquish */
};

/* A parsed transaction descriptor (send or retrieve request). */
struct ffa_mem_desc {
	uint16_t sender;
	uint16_t attributes;
	uint32_t flags;
	uint64_t handle;
	uint64_t tag;
	uint32_t emad_size, emad_count, emad_offset, header_size;
	struct ffa_mem_receiver receivers[FFA_MEM_MAX_RECEIVERS];
	uint32_t composite_off;
	uint32_t total_pages, range_count;
	struct ffa_mem_range *ranges; /* heap, range_count entries */
};

/* One call being checked: who, which ABI, and the bytes findings dump. */
struct ffa_mem_ctx {
	const struct ffa_mem_config *cfg;
	const struct guest_mem *mem;
	struct findings *findings;
	const struct ffa_mem_caller *c;
	const char *abi;
	const uint8_t *bytes; /* the descriptor copy, or NULL */
	uint32_t len;
	uint64_t base; /* guest address of bytes[0], for the finding */
};

/* Little-endian access to descriptor copies. */
static inline uint16_t ffa_mem_rd16(const uint8_t *b, size_t off)
{
	return (uint16_t)(b[off] | b[off + 1] << 8);
}

static inline uint32_t ffa_mem_rd32(const uint8_t *b, size_t off)
{
	return (uint32_t)ffa_mem_rd16(b, off) |
	       (uint32_t)ffa_mem_rd16(b, off + 2) << 16;
}

static inline uint64_t ffa_mem_rd64(const uint8_t *b, size_t off)
{
	return (uint64_t)ffa_mem_rd32(b, off) |
	       (uint64_t)ffa_mem_rd32(b, off + 4) << 32;
}

static inline bool ffa_mem_layout_v1_0(uint32_t version)
{
	return version < FFA_VERSION_1_1;
}

static inline bool ffa_mem_ranges_overlap(uint64_t a, uint32_t ap, uint64_t b,
					  uint32_t bp)
{
	uint64_t a_end = a + (uint64_t)ap * FFA_MEM_PAGE_SIZE;
	uint64_t b_end = b + (uint64_t)bp * FFA_MEM_PAGE_SIZE;

	return a < b_end && b < a_end;
}

/*
 * Records `finding` (firmware kind) with a dump of the descriptor bytes
 * [off, off + len) and a line of context, and returns code.  len 0 or no
 * bytes: no dump.
 */
int32_t ffa_mem_reject(struct ffa_mem_ctx *x, int32_t code, const char *finding,
		       uint32_t off, uint32_t len, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/*
 * Header and EMADs in the caller's layout.  send: 1..max receivers;
 * otherwise 0 (hypervisor retrieve) is allowed too.
 */
int32_t ffa_mem_desc_parse(struct ffa_mem_ctx *x, const uint8_t *b,
			   uint32_t len, bool send, struct ffa_mem_desc *d);
/* Send rules that need the first fragment only (sets composite fields). */
int32_t ffa_mem_desc_check_send(struct ffa_mem_ctx *x, enum ffa_mem_kind kind,
				const uint8_t *b, uint32_t fraglen,
				uint32_t total, struct ffa_mem_desc *d);
/*
 * Parses the constituents of the complete descriptor into d->ranges
 * (malloc'd; freed by the caller even on error) and checks alignment,
 * size, normal-world RAM, page sum and mutual overlap.
 */
int32_t ffa_mem_desc_check_ranges(struct ffa_mem_ctx *x, const uint8_t *b,
				  struct ffa_mem_desc *d);
/*
 * A borrower's retrieve request q (len bytes) against the sent descriptor
 * of handle.  On success *self = index of the caller among the sent
 * receivers and *granted = the permissions it gets.
 */
int32_t ffa_mem_desc_check_retrieve(struct ffa_mem_ctx *x,
				    enum ffa_mem_kind kind,
				    const struct ffa_mem_desc *sent,
				    uint64_t handle,
				    const struct ffa_mem_desc *q, uint32_t len,
				    size_t *self, uint8_t *granted);
/*
 * A descriptor for d/handle in the layout of version with the given
 * receivers (their granted permissions when `granted`), flags and
 * attributes.  Returns malloc'd bytes; *len_out their length.
 */
uint8_t *ffa_mem_desc_build(const struct ffa_mem_desc *d, uint64_t handle,
			    uint32_t version,
			    const struct ffa_mem_receiver *const *rcv,
			    size_t count, bool granted, uint32_t flags,
			    uint16_t attributes, uint32_t *len_out);

#endif /* MODELS_FFA_MEM_DESC_H */
