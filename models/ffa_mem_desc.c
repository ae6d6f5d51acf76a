/*
 * FF-A memory transaction descriptors: parsing, descriptor-only rules and
 * retrieve-response building.  See ffa_mem_desc.h; the state the rules
 * protect lives in ffa_mem.c.
 *
 * Sources: DEN0077A v1.2 chapter 17 and v1.1 EAC0 Tables 10.13-10.21;
 * Hafnium src/ffa_memory.c (ffa_memory_region_sanity_check(),
 * ffa_memory_send_validate(), ffa_memory_retrieve_validate(),
 * ffa_memory_retrieve_validate_memory_access_list()); Linux
 * drivers/firmware/arm_ffa/driver.c (ffa_setup_and_transmit()).
 */
#include "models/ffa_mem_desc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "common/text.h"

#define PAGE_MASK ((uint64_t)FFA_MEM_PAGE_SIZE - 1)

static void wr16(uint8_t *b, size_t off, uint16_t v)
{
	b[off] = (uint8_t)v;
	b[off + 1] = (uint8_t)(v >> 8);
}

static void wr32(uint8_t *b, size_t off, uint32_t v)
{
	wr16(b, off, (uint16_t)v);
	wr16(b, off + 2, (uint16_t)(v >> 16));
}

static void wr64(uint8_t *b, size_t off, uint64_t v)
{
	wr32(b, off, (uint32_t)v);
	wr32(b, off + 4, (uint32_t)(v >> 32));
}

static bool all_zero(const uint8_t *b, size_t off, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (b[off + i] != 0) {
			return false;
		}
	}
	return true;
}

static bool endpoint_known(const struct ffa_mem_config *cfg, uint16_t id)
{
	if (id == cfg->nwd_id) {
		return true;
	}
	for (size_t i = 0; i < cfg->endpoint_count; i++) {
		if (cfg->endpoints[i] == id) {
			return true;
		}
	}
	return false;
}

/*
 * Records `finding` with a dump of the bytes [off, off + len) of the
 * descriptor (with a line of context either side) and returns code, the
 * error the caller gets.
 */
int32_t ffa_mem_reject(struct ffa_mem_ctx *x, int32_t code, const char *finding,
		       uint32_t off, uint32_t len, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	struct finding *fd;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(&msg, fmt, ap);
	va_end(ap);
	fd = findings_add(x->findings, FINDING_FIRMWARE, finding,
			  "%s (endpoint 0x%04x): %s", x->abi, x->c->id,
			  strbuf_str(&msg));
	if (x->bytes != NULL && off < x->len) {
		struct strbuf dump = STRBUF_INIT;
		uint32_t from = off >= 16 ? (off & ~15u) - 16 : 0;
		uint64_t end = (uint64_t)off + len + 16;

		if (end > x->len) {
			end = x->len;
		}
		text_append_hexdump(&dump, x->bytes + from,
				    (size_t)(end - from), from);
		finding_take_detail(fd, &dump);
		fd->address = x->base + off;
		strbuf_free(&dump);
	}
	strbuf_free(&msg);
	return code;
}

/* --- Header and endpoint memory access descriptors ------------------------ */

/*
 * Parses and checks the header and EMADs in the layout of the caller's
 * version (v1.1 EAC0 Tables 10.19/10.20; Hafnium
 * ffa_memory_region_sanity_check()).  `send` selects the receiver-count
 * rule: 1..max for a send, 0 (hypervisor) or 1..max for a retrieve.
 */
int32_t ffa_mem_desc_parse(struct ffa_mem_ctx *x, const uint8_t *b,
			   uint32_t len, bool send, struct ffa_mem_desc *d)
{
	uint32_t version = x->c->version;
	uint64_t emads_end;

	memset(d, 0, sizeof(*d));
	d->header_size = ffa_mem_layout_v1_0(version)
			     ? FFA_MEM_V1_0_HEADER_SIZE
			     : FFA_MEM_V1_1_HEADER_SIZE;
	if (len < d->header_size) {
		return ffa_mem_reject(
		    x, FFA_RET_INVALID_PARAMETERS, "ffa.mem.length", 0, len,
		    "%u bytes cannot hold the %u-byte v%u.%u "
		    "transaction descriptor header",
		    len, d->header_size, ffa_version_major(version),
		    ffa_version_minor(version));
	}
	d->sender = ffa_mem_rd16(b, FFA_MEM_OFF_SENDER);
	d->flags = ffa_mem_rd32(b, FFA_MEM_OFF_FLAGS);
	d->handle = ffa_mem_rd64(b, FFA_MEM_OFF_HANDLE);
	d->tag = ffa_mem_rd64(b, FFA_MEM_OFF_TAG);
	d->emad_count = ffa_mem_rd32(b, FFA_MEM_OFF_EMAD_COUNT);
	if (ffa_mem_layout_v1_0(version)) {
		d->attributes = b[FFA_MEM_OFF_ATTRIBUTES];
		d->emad_size = FFA_MEM_EMAD_SIZE_V1_0;
		d->emad_offset = FFA_MEM_V1_0_HEADER_SIZE;
		if (ffa_mem_rd32(b, FFA_MEM_OFF_EMAD_SIZE) != 0) {
			/* v1.1 writes the EMAD size where v1.0 has MBZ. */
			return ffa_mem_reject(
			    x, FFA_RET_INVALID_PARAMETERS,
			    "ffa.mem.layout-version-mismatch",
			    FFA_MEM_OFF_EMAD_SIZE, 4,
			    "reserved word at offset 24 is 0x%x: "
			    "a v1.1 descriptor after negotiating "
			    "v1.0?",
			    ffa_mem_rd32(b, FFA_MEM_OFF_EMAD_SIZE));
		}
		if (b[FFA_MEM_OFF_ATTRIBUTES + 1] != 0) {
			return ffa_mem_reject(
			    x, FFA_RET_INVALID_PARAMETERS, "ffa.mem.reserved",
			    3, 1,
			    "reserved byte 3 of the v1.0 header is "
			    "not zero");
		}
	} else {
		bool size_ok;

		d->attributes = ffa_mem_rd16(b, FFA_MEM_OFF_ATTRIBUTES);
		d->emad_size = ffa_mem_rd32(b, FFA_MEM_OFF_EMAD_SIZE);
		d->emad_offset = ffa_mem_rd32(b, FFA_MEM_OFF_EMAD_OFFSET);
		if (d->emad_size == 0 && d->emad_count != 0) {
			return ffa_mem_reject(
			    x, FFA_RET_INVALID_PARAMETERS,
			    "ffa.mem.layout-version-mismatch",
			    FFA_MEM_OFF_EMAD_SIZE, 12,
			    "EMAD size is 0 with %u "
			    "EMADs: a v1.0 descriptor after "
			    "negotiating v%u.%u?",
			    d->emad_count, ffa_version_major(version),
			    ffa_version_minor(version));
		}
		/* A v1.2 caller may still send v1.1 (16-byte) EMADs. */
		size_ok = d->emad_size == FFA_MEM_EMAD_SIZE_V1_0 ||
			  (version >= FFA_VERSION_1_2 &&
			   d->emad_size == FFA_MEM_EMAD_SIZE_V1_2);
		if (!size_ok &&
		    (send || d->emad_count != 0 || d->emad_size != 0)) {
			return ffa_mem_reject(
			    x, FFA_RET_INVALID_PARAMETERS,
			    "ffa.mem.emad-layout", FFA_MEM_OFF_EMAD_SIZE, 4,
			    "EMAD size %u is not valid at v%u.%u "
			    "(16, or 32 from v1.2)",
			    d->emad_size, ffa_version_major(version),
			    ffa_version_minor(version));
		}
		if ((d->emad_offset < FFA_MEM_V1_1_HEADER_SIZE ||
		     d->emad_offset % 16 != 0) &&
		    (send || d->emad_count != 0 || d->emad_offset != 0)) {
			return ffa_mem_reject(
			    x, FFA_RET_INVALID_PARAMETERS,
			    "ffa.mem.emad-layout", FFA_MEM_OFF_EMAD_OFFSET, 4,
			    "EMAD offset %u is inside the header or "
			    "not 16-byte aligned",
			    d->emad_offset);
		}
		if (!all_zero(b, FFA_MEM_OFF_RESERVED, 12)) {
			return ffa_mem_reject(
			    x, FFA_RET_INVALID_PARAMETERS, "ffa.mem.reserved",
			    FFA_MEM_OFF_RESERVED, 12,
			    "reserved header bytes 36..47 are not "
			    "zero");
		}
	}
	if (d->emad_count > FFA_MEM_MAX_RECEIVERS ||
	    (send && d->emad_count == 0)) {
		return ffa_mem_reject(x, FFA_RET_INVALID_PARAMETERS,
				      "ffa.mem.receiver-count",
				      FFA_MEM_OFF_EMAD_COUNT, 4,
				      "%u receivers (1..%u are accepted)",
				      d->emad_count, FFA_MEM_MAX_RECEIVERS);
	}
	emads_end =
	    (uint64_t)d->emad_offset + (uint64_t)d->emad_count * d->emad_size;
	if (emads_end > len) {
		return ffa_mem_reject(
		    x, FFA_RET_INVALID_PARAMETERS, "ffa.mem.length",
		    FFA_MEM_OFF_EMAD_COUNT, 4,
		    "%u EMADs of %u bytes at %u end past the %u "
		    "bytes of the (first) fragment",
		    d->emad_count, d->emad_size, d->emad_offset, len);
	}
	for (uint32_t i = 0; i < d->emad_count; i++) {
		uint32_t off = d->emad_offset + i * d->emad_size;
		struct ffa_mem_receiver *r = &d->receivers[i];
		uint32_t rsv =
		    off + (d->emad_size == FFA_MEM_EMAD_SIZE_V1_2 ? 24 : 8);

		r->id = ffa_mem_rd16(b, off + FFA_MEM_EMAD_OFF_RECEIVER);
		r->perms = b[off + FFA_MEM_EMAD_OFF_PERMS];
		r->flags = b[off + FFA_MEM_EMAD_OFF_FLAGS];
		if (d->emad_size == FFA_MEM_EMAD_SIZE_V1_2) {
			memcpy(r->impdef, b + off + FFA_MEM_EMAD_OFF_IMPDEF,
			       16);
		}
		if (!all_zero(b, rsv, 8)) {
			return ffa_mem_reject(
			    x, FFA_RET_INVALID_PARAMETERS, "ffa.mem.reserved",
			    rsv, 8, "reserved bytes of EMAD %u are not zero",
			    i);
		}
		if (i == 0) {
			d->composite_off =
			    ffa_mem_rd32(b, off + FFA_MEM_EMAD_OFF_COMPOSITE);
		} else if (ffa_mem_rd32(b, off + FFA_MEM_EMAD_OFF_COMPOSITE) !=
			   d->composite_off) {
			return ffa_mem_reject(
			    x, FFA_RET_INVALID_PARAMETERS,
			    "ffa.mem.composite-offset", off + 4, 4,
			    "EMAD %u points to composite offset %u, "
			    "EMAD 0 to %u",
			    i, ffa_mem_rd32(b, off + 4), d->composite_off);
		}
		for (uint32_t j = 0; j < i; j++) {
			if (d->receivers[j].id == r->id) {
				return ffa_mem_reject(
				    x, FFA_RET_INVALID_PARAMETERS,
				    "ffa.mem.duplicate-receiver", off, 2,
				    "receiver 0x%04x is listed "
				    "twice",
				    r->id);
			}
		}
	}
	return 0;
}

/* --- Send: rules on the first fragment ------------------------------------ */

static bool attributes_reserved(uint16_t a, uint32_t version)
{
	uint32_t type = (a & FFA_MEM_ATTR_TYPE_MASK) >> FFA_MEM_ATTR_TYPE_SHIFT;
	uint32_t cache = (a & FFA_MEM_ATTR_CACHEABILITY_MASK) >>
			 FFA_MEM_ATTR_CACHEABILITY_SHIFT;
	uint32_t mbz = ffa_mem_layout_v1_0(version) ? 0xc0u : 0xff80u;

	if ((a & mbz) != 0 || type == 3) {
		return true;
	}
	if (type == FFA_MEM_TYPE_NORMAL) {
		/* Normal: cacheability 01 or 11, shareability not 01. */
		return cache == 0 || cache == 2 ||
		       (a & FFA_MEM_ATTR_SHAREABILITY_MASK) ==
			   FFA_MEM_SHARE_RESERVED;
	}
	return false;
}

/*
 * Checks the rules that need only the first fragment (FF-A v1.2 17.1-17.3;
 * Hafnium ffa_memory_send_validate()): sender, handle, flags, attributes,
 * permissions per transaction type, receivers, composite offset, and that
 * the constituent count agrees with the total length.
 */
int32_t ffa_mem_desc_check_send(struct ffa_mem_ctx *x, enum ffa_mem_kind kind,
				const uint8_t *b, uint32_t fraglen,
				uint32_t total, struct ffa_mem_desc *d)
{
	uint64_t emads_end =
	    (uint64_t)d->emad_offset + (uint64_t)d->emad_count * d->emad_size;
	uint32_t type =
	    (d->attributes & FFA_MEM_ATTR_TYPE_MASK) >> FFA_MEM_ATTR_TYPE_SHIFT;
	uint64_t expected;

	if (d->sender != x->c->id) {
		return ffa_mem_reject(x, FFA_RET_DENIED, "ffa.mem.wrong-sender",
				      FFA_MEM_OFF_SENDER, 2,
				      "sender 0x%04x is not the caller",
				      d->sender);
	}
	if (d->handle != 0) {
		return ffa_mem_reject(x, FFA_RET_INVALID_PARAMETERS,
				      "ffa.mem.handle-not-zero",
				      FFA_MEM_OFF_HANDLE, 8,
				      "the handle field is 0x%llx; the SPMC "
				      "allocates handles",
				      (unsigned long long)d->handle);
	}
	if ((d->flags & ~FFA_MEM_FLAG_SEND_ALLOWED) != 0) {
		return ffa_mem_reject(
		    x, FFA_RET_INVALID_PARAMETERS, "ffa.mem.flags",
		    FFA_MEM_OFF_FLAGS, 4,
		    "flags 0x%x: only bits 0 (zero) and 1 (time "
		    "slice) may be set in a send",
		    d->flags);
	}
	if (kind == FFA_MEM_KIND_SHARE && (d->flags & FFA_MEM_FLAG_ZERO)) {
		return ffa_mem_reject(
		    x, FFA_RET_INVALID_PARAMETERS, "ffa.mem.zero-on-share",
		    FFA_MEM_OFF_FLAGS, 4,
		    "zero flag in FFA_MEM_SHARE: the owner keeps "
		    "access, so memory cannot be cleared");
	}
	if (attributes_reserved(d->attributes, x->c->version) ||
	    (d->attributes & FFA_MEM_ATTR_NS) != 0) {
		return ffa_mem_reject(
		    x, FFA_RET_INVALID_PARAMETERS, "ffa.mem.attributes",
		    FFA_MEM_OFF_ATTRIBUTES, 2,
		    "memory region attributes 0x%x use a reserved "
		    "encoding or the NS bit",
		    d->attributes);
	}
	if (kind == FFA_MEM_KIND_DONATE ||
	    (kind == FFA_MEM_KIND_LEND && d->emad_count == 1)) {
		if (type != FFA_MEM_TYPE_NOT_SPECIFIED) {
			return ffa_mem_reject(
			    x, FFA_RET_INVALID_PARAMETERS, "ffa.mem.attributes",
			    FFA_MEM_OFF_ATTRIBUTES, 2,
			    "attributes 0x%x: a donate or a lend to "
			    "one borrower must leave the memory "
			    "type unspecified",
			    d->attributes);
		}
	} else if (type == FFA_MEM_TYPE_NOT_SPECIFIED) {
		return ffa_mem_reject(
		    x, FFA_RET_INVALID_PARAMETERS, "ffa.mem.attributes",
		    FFA_MEM_OFF_ATTRIBUTES, 2,
		    "attributes 0x%x: a share (or a lend to "
		    "several borrowers) must specify the memory type",
		    d->attributes);
	}
	if (kind == FFA_MEM_KIND_DONATE && d->emad_count != 1) {
		return ffa_mem_reject(
		    x, FFA_RET_INVALID_PARAMETERS, "ffa.mem.receiver-count",
		    FFA_MEM_OFF_EMAD_COUNT, 4,
		    "a donate has exactly one receiver, not %u", d->emad_count);
	}
	for (uint32_t i = 0; i < d->emad_count; i++) {
		const struct ffa_mem_receiver *r = &d->receivers[i];
		uint32_t off = d->emad_offset + i * d->emad_size;
		uint8_t data = r->perms & FFA_MEM_DATA_MASK;
		uint8_t insn =
		    (r->perms & FFA_MEM_INSN_MASK) >> FFA_MEM_INSN_SHIFT;

		if (r->id == d->sender || !endpoint_known(x->cfg, r->id)) {
			return ffa_mem_reject(
			    x, FFA_RET_INVALID_PARAMETERS,
			    "ffa.mem.bad-receiver", off, 2,
			    "receiver 0x%04x is the sender or no "
			    "known endpoint",
			    r->id);
		}
		if ((r->flags & ~FFA_MEM_EMAD_FLAG_NON_RETRIEVAL) != 0) {
			return ffa_mem_reject(
			    x, FFA_RET_INVALID_PARAMETERS, "ffa.mem.reserved",
			    off + 3, 1,
			    "EMAD %u flags 0x%x: bits 7:1 are "
			    "reserved",
			    i, r->flags);
		}
		if ((r->perms & FFA_MEM_PERM_MBZ) != 0 ||
		    data == FFA_MEM_DATA_RESERVED ||
		    insn == FFA_MEM_INSN_RESERVED ||
		    insn != FFA_MEM_INSN_NOT_SPECIFIED ||
		    (kind != FFA_MEM_KIND_DONATE &&
		     data == FFA_MEM_DATA_NOT_SPECIFIED) ||
		    (kind == FFA_MEM_KIND_DONATE &&
		     data != FFA_MEM_DATA_NOT_SPECIFIED)) {
			return ffa_mem_reject(
			    x, FFA_RET_INVALID_PARAMETERS,
			    "ffa.mem.permissions", off + 2, 1,
			    "permissions 0x%02x for 0x%04x: a %s "
			    "sender %s data access and leaves "
			    "instruction access unspecified",
			    r->perms, r->id, ffa_mem_kind_name(kind),
			    kind == FFA_MEM_KIND_DONATE ? "leaves unspecified"
							: "specifies RO or RW");
		}
	}
	if (d->composite_off == 0 || d->composite_off < emads_end ||
	    d->composite_off % 8 != 0 ||
	    (uint64_t)d->composite_off + FFA_MEM_COMPOSITE_SIZE > fraglen) {
		return ffa_mem_reject(
		    x, FFA_RET_INVALID_PARAMETERS, "ffa.mem.composite-offset",
		    d->emad_offset + FFA_MEM_EMAD_OFF_COMPOSITE, 4,
		    "composite offset %u: not after the EMADs "
		    "(%llu), not 8-byte aligned or its header not "
		    "in the first fragment (%u bytes)",
		    d->composite_off, (unsigned long long)emads_end, fraglen);
	}
	d->total_pages = ffa_mem_rd32(b, d->composite_off);
	d->range_count = ffa_mem_rd32(b, d->composite_off + 4);
	if (ffa_mem_rd64(b, d->composite_off + 8) != 0) {
		return ffa_mem_reject(
		    x, FFA_RET_INVALID_PARAMETERS, "ffa.mem.reserved",
		    d->composite_off + 8, 8,
		    "reserved bytes of the composite descriptor "
		    "are not zero");
	}
	expected = (uint64_t)d->composite_off + FFA_MEM_COMPOSITE_SIZE +
		   (uint64_t)d->range_count * FFA_MEM_CONSTITUENT_SIZE;
	if (d->range_count == 0 || expected != total) {
		return ffa_mem_reject(
		    x, FFA_RET_INVALID_PARAMETERS, "ffa.mem.constituent-count",
		    d->composite_off + 4, 4,
		    "%u constituents at offset %u need %llu bytes, "
		    "the total length is %u",
		    d->range_count, d->composite_off,
		    (unsigned long long)expected, total);
	}
	return 0;
}

static int range_cmp(const void *pa, const void *pb)
{
	const struct ffa_mem_range *a = pa, *b = pb;

	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

/*
 * Parses the constituents of the complete descriptor and checks them
 * (Table 10.14; Hafnium ffa_send_check_transition()): 4 KiB alignment, no
 * empty or wrapping range, page sum equal to the composite total, no
 * overlap among them, normal-world RAM, and pages the sender owns with
 * exclusive access (in no other live transaction).
 */
int32_t ffa_mem_desc_check_ranges(struct ffa_mem_ctx *x, const uint8_t *b,
				  struct ffa_mem_desc *d)
{
	uint32_t first = d->composite_off + FFA_MEM_COMPOSITE_SIZE;
	uint64_t sum = 0;
	struct ffa_mem_range *sorted;
	int32_t rc = 0;

	d->ranges = xcalloc(d->range_count, sizeof(*d->ranges));
	for (uint32_t i = 0; i < d->range_count; i++) {
		uint32_t off = first + i * FFA_MEM_CONSTITUENT_SIZE;
		struct ffa_mem_range *r = &d->ranges[i];
		uint64_t size;

		r->addr = ffa_mem_rd64(b, off);
		r->pages = ffa_mem_rd32(b, off + 8);
		size = (uint64_t)r->pages * FFA_MEM_PAGE_SIZE;
		if (ffa_mem_rd32(b, off + 12) != 0) {
			return ffa_mem_reject(
			    x, FFA_RET_INVALID_PARAMETERS, "ffa.mem.reserved",
			    off + 12, 4,
			    "reserved word of constituent %u is not "
			    "zero",
			    i);
		}
		if ((r->addr & PAGE_MASK) != 0 || r->pages == 0 ||
		    r->addr + size < r->addr) {
			return ffa_mem_reject(
			    x, FFA_RET_INVALID_PARAMETERS,
			    "ffa.mem.constituent-alignment", off, 12,
			    "constituent %u (0x%llx, %u pages) is "
			    "not 4 KiB aligned, empty or wraps",
			    i, (unsigned long long)r->addr, r->pages);
		}
		if (!guest_mem_is_ram(x->mem, r->addr, size)) {
			return ffa_mem_reject(
			    x, FFA_RET_INVALID_PARAMETERS, "ffa.mem.not-ram",
			    off, 12,
			    "constituent %u (0x%llx, %u pages) is "
			    "not normal-world RAM",
			    i, (unsigned long long)r->addr, r->pages);
		}
		sum += r->pages;
	}
	if (sum != d->total_pages) {
		return ffa_mem_reject(x, FFA_RET_INVALID_PARAMETERS,
				      "ffa.mem.page-count", d->composite_off, 4,
				      "the composite says %u pages, the "
				      "constituents add up to %llu",
				      d->total_pages, (unsigned long long)sum);
	}
	sorted = xmalloc(d->range_count * sizeof(*sorted));
	memcpy(sorted, d->ranges, d->range_count * sizeof(*sorted));
	qsort(sorted, d->range_count, sizeof(*sorted), range_cmp);
	for (uint32_t i = 1; i < d->range_count && rc == 0; i++) {
		if (ffa_mem_ranges_overlap(sorted[i - 1].addr,
					   sorted[i - 1].pages, sorted[i].addr,
					   sorted[i].pages)) {
			rc = ffa_mem_reject(
			    x, FFA_RET_INVALID_PARAMETERS,
			    "ffa.mem.constituent-overlap", first,
			    d->range_count * FFA_MEM_CONSTITUENT_SIZE,
			    "constituents at 0x%llx and 0x%llx "
			    "overlap",
			    (unsigned long long)sorted[i - 1].addr,
			    (unsigned long long)sorted[i].addr);
		}
	}
	free(sorted);
	if (rc != 0) {
		return rc;
	}
	return 0;
}

/*
 * Builds a transaction descriptor for t in the layout of `version`, with
 * the given receivers (their `granted` permissions when `granted` is set),
 * flags and attributes.  Returns the malloc'd bytes and their length.
 */
uint8_t *ffa_mem_desc_build(const struct ffa_mem_desc *d, uint64_t handle,
			    uint32_t version,
			    const struct ffa_mem_receiver *const *rcv,
			    size_t count, bool granted, uint32_t flags,
			    uint16_t attributes, uint32_t *len_out)
{
	uint32_t header = ffa_mem_layout_v1_0(version)
			      ? FFA_MEM_V1_0_HEADER_SIZE
			      : FFA_MEM_V1_1_HEADER_SIZE;
	uint32_t emad_size = version >= FFA_VERSION_1_2
				 ? FFA_MEM_EMAD_SIZE_V1_2
				 : FFA_MEM_EMAD_SIZE_V1_0;
	uint32_t composite = header + (uint32_t)count * emad_size;
	uint32_t len = composite + FFA_MEM_COMPOSITE_SIZE +
		       d->range_count * FFA_MEM_CONSTITUENT_SIZE;
	uint8_t *b = xcalloc(1, len);

	wr16(b, FFA_MEM_OFF_SENDER, d->sender);
	if (ffa_mem_layout_v1_0(version)) {
		b[FFA_MEM_OFF_ATTRIBUTES] = (uint8_t)(attributes & 0x3f);
	} else {
		wr16(b, FFA_MEM_OFF_ATTRIBUTES, attributes);
		wr32(b, FFA_MEM_OFF_EMAD_SIZE, emad_size);
		wr32(b, FFA_MEM_OFF_EMAD_OFFSET, header);
	}
	wr32(b, FFA_MEM_OFF_FLAGS, flags);
	wr64(b, FFA_MEM_OFF_HANDLE, handle);
	wr64(b, FFA_MEM_OFF_TAG, d->tag);
	wr32(b, FFA_MEM_OFF_EMAD_COUNT, (uint32_t)count);
	for (size_t i = 0; i < count; i++) {
		uint32_t off = header + (uint32_t)i * emad_size;

		wr16(b, off + FFA_MEM_EMAD_OFF_RECEIVER, rcv[i]->id);
		b[off + FFA_MEM_EMAD_OFF_PERMS] =
		    granted ? rcv[i]->granted : rcv[i]->perms;
		b[off + FFA_MEM_EMAD_OFF_FLAGS] = rcv[i]->flags;
		wr32(b, off + FFA_MEM_EMAD_OFF_COMPOSITE, composite);
		if (emad_size == FFA_MEM_EMAD_SIZE_V1_2) {
			memcpy(b + off + FFA_MEM_EMAD_OFF_IMPDEF,
			       rcv[i]->impdef, 16);
		}
	}
	wr32(b, composite, d->total_pages);
	wr32(b, composite + 4, d->range_count);
	for (uint32_t i = 0; i < d->range_count; i++) {
		uint32_t off = composite + FFA_MEM_COMPOSITE_SIZE +
			       i * FFA_MEM_CONSTITUENT_SIZE;

		wr64(b, off, d->ranges[i].addr);
		wr32(b, off + 8, d->ranges[i].pages);
	}
	*len_out = len;
	return b;
}

/*
 * Checks a borrower's retrieve request q against transaction t (Hafnium
 * ffa_memory_retrieve_validate() and
 * ffa_memory_retrieve_validate_memory_access_list()).  On success *self
 * is the caller's receiver in t and *granted the permissions it gets.
 */
int32_t ffa_mem_desc_check_retrieve(struct ffa_mem_ctx *x,
				    enum ffa_mem_kind kind,
				    const struct ffa_mem_desc *sent,
				    uint64_t handle,
				    const struct ffa_mem_desc *q, uint32_t len,
				    size_t *self, uint8_t *granted)
{
	uint32_t want_type =
	    (q->flags & FFA_MEM_FLAG_TYPE_MASK) >> FFA_MEM_FLAG_TYPE_SHIFT;
	uint32_t q_type = (q->attributes & FFA_MEM_ATTR_TYPE_MASK);
	bool bypass = (q->flags & (1u << 10)) != 0; /* v1.2 bypass check */
	bool found = false;

	if ((uint64_t)q->emad_offset + (uint64_t)q->emad_count * q->emad_size !=
	    len) {
		return ffa_mem_reject(
		    x, FFA_RET_INVALID_PARAMETERS, "ffa.mem.retrieve-length", 0,
		    len,
		    "request length %u is not the header and %u "
		    "EMADs",
		    len, q->emad_count);
	}
	if (q->sender != sent->sender) {
		return ffa_mem_reject(
		    x, FFA_RET_DENIED, "ffa.mem.wrong-sender",
		    FFA_MEM_OFF_SENDER, 2,
		    "sender 0x%04x, but 0x%04x sent handle 0x%llx", q->sender,
		    sent->sender, (unsigned long long)handle);
	}
	if (q->tag != sent->tag) {
		return ffa_mem_reject(
		    x, FFA_RET_INVALID_PARAMETERS, "ffa.mem.retrieve-tag",
		    FFA_MEM_OFF_TAG, 8, "tag 0x%llx, the sender used 0x%llx",
		    (unsigned long long)q->tag, (unsigned long long)sent->tag);
	}
	if ((q->flags & ~(FFA_MEM_FLAG_RETRIEVE_ALLOWED | 1u << 10)) != 0 ||
	    (q->flags & (FFA_MEM_FLAG_HINT_MASK | FFA_MEM_FLAG_HINT_VALID)) !=
		0 ||
	    (bypass && x->c->version < FFA_VERSION_1_2)) {
		return ffa_mem_reject(
		    x, FFA_RET_INVALID_PARAMETERS, "ffa.mem.flags",
		    FFA_MEM_OFF_FLAGS, 4,
		    "retrieve flags 0x%x: reserved bits or an "
		    "address-range hint (not supported)",
		    q->flags);
	}
	if (want_type != 0 && want_type != (uint32_t)kind) {
		return ffa_mem_reject(
		    x, FFA_RET_INVALID_PARAMETERS, "ffa.mem.retrieve-type",
		    FFA_MEM_OFF_FLAGS, 4,
		    "the request expects transaction type %u, "
		    "handle 0x%llx is a %s",
		    want_type, (unsigned long long)handle,
		    ffa_mem_kind_name(kind));
	}
	if (kind == FFA_MEM_KIND_SHARE &&
	    (q->flags & (FFA_MEM_FLAG_ZERO | FFA_MEM_FLAG_ZERO_AFTER)) != 0) {
		return ffa_mem_reject(x, FFA_RET_INVALID_PARAMETERS,
				      "ffa.mem.zero-on-share",
				      FFA_MEM_OFF_FLAGS, 4,
				      "zeroing requested for shared memory");
	}
	if ((q->flags & FFA_MEM_FLAG_ZERO) != 0 &&
	    (sent->flags & FFA_MEM_FLAG_ZERO) == 0) {
		return ffa_mem_reject(
		    x, FFA_RET_DENIED, "ffa.mem.retrieve-zero",
		    FFA_MEM_OFF_FLAGS, 4,
		    "the borrower asks for zeroing the sender did "
		    "not allow");
	}
	if (attributes_reserved(q->attributes, x->c->version) ||
	    (q->attributes & FFA_MEM_ATTR_NS) != 0) {
		return ffa_mem_reject(
		    x, FFA_RET_INVALID_PARAMETERS, "ffa.mem.attributes",
		    FFA_MEM_OFF_ATTRIBUTES, 2,
		    "retrieve attributes 0x%x are reserved or set "
		    "the NS bit",
		    q->attributes);
	}
	if (q_type != 0 && q->attributes != sent->attributes) {
		return ffa_mem_reject(
		    x, FFA_RET_DENIED, "ffa.mem.attributes",
		    FFA_MEM_OFF_ATTRIBUTES, 2,
		    "retrieve attributes 0x%x differ from the "
		    "sender's 0x%x",
		    q->attributes, sent->attributes);
	}
	if (bypass ? q->emad_count != 1 : q->emad_count != sent->emad_count) {
		return ffa_mem_reject(
		    x, FFA_RET_INVALID_PARAMETERS, "ffa.mem.retrieve-receivers",
		    FFA_MEM_OFF_EMAD_COUNT, 4,
		    "%u EMADs; the sender listed %u borrowers", q->emad_count,
		    sent->emad_count);
	}
	for (uint32_t i = 0; i < q->emad_count; i++) {
		const struct ffa_mem_receiver *r = &q->receivers[i];
		uint32_t off = q->emad_offset + i * q->emad_size;
		uint8_t data = r->perms & FFA_MEM_DATA_MASK;
		uint8_t insn =
		    (r->perms & FFA_MEM_INSN_MASK) >> FFA_MEM_INSN_SHIFT;
		uint8_t sent_data;
		size_t k;

		if (q->composite_off != 0) {
			return ffa_mem_reject(
			    x, FFA_RET_INVALID_PARAMETERS,
			    "ffa.mem.composite-offset",
			    off + FFA_MEM_EMAD_OFF_COMPOSITE, 4,
			    "a retrieve request has composite "
			    "offset 0, not %u",
			    q->composite_off);
		}
		for (k = 0; k < sent->emad_count; k++) {
			if (sent->receivers[k].id == r->id) {
				break;
			}
		}
		if (k == sent->emad_count) {
			return ffa_mem_reject(
			    x, FFA_RET_DENIED, "ffa.mem.retrieve-receivers",
			    off, 2,
			    "0x%04x is not a borrower of handle "
			    "0x%llx",
			    r->id, (unsigned long long)handle);
		}
		if (r->id != x->c->id) {
			continue;
		}
		found = true;
		sent_data = sent->receivers[k].perms & FFA_MEM_DATA_MASK;
		if ((r->perms & FFA_MEM_PERM_MBZ) != 0 ||
		    data == FFA_MEM_DATA_RESERVED ||
		    insn == FFA_MEM_INSN_RESERVED ||
		    (kind == FFA_MEM_KIND_SHARE &&
		     insn != FFA_MEM_INSN_NOT_SPECIFIED) ||
		    (kind != FFA_MEM_KIND_SHARE && sent->emad_count == 1 &&
		     insn == FFA_MEM_INSN_NOT_SPECIFIED)) {
			return ffa_mem_reject(
			    x, FFA_RET_INVALID_PARAMETERS,
			    "ffa.mem.permissions", off + 2, 1,
			    "requested permissions 0x%02x: reserved, "
			    "or instruction access %s for a %s",
			    r->perms,
			    kind == FFA_MEM_KIND_SHARE ? "specified"
						       : "unspecified",
			    ffa_mem_kind_name(kind));
		}
		if (kind == FFA_MEM_KIND_DONATE) {
			sent_data = FFA_MEM_DATA_RW;
		}
		if (data == FFA_MEM_DATA_RW && sent_data == FFA_MEM_DATA_RO) {
			return ffa_mem_reject(
			    x, FFA_RET_DENIED, "ffa.mem.retrieve-permissions",
			    off + 2, 1,
			    "read-write requested, the sender "
			    "gave read-only");
		}
		*granted = (uint8_t)((data != 0 ? data : sent_data) |
				     (insn == FFA_MEM_INSN_X ? FFA_MEM_INSN_X
							     : FFA_MEM_INSN_NX)
					 << FFA_MEM_INSN_SHIFT);
		if ((*granted & FFA_MEM_DATA_MASK) == FFA_MEM_DATA_RO &&
		    (q->flags &
		     (FFA_MEM_FLAG_ZERO | FFA_MEM_FLAG_ZERO_AFTER))) {
			return ffa_mem_reject(
			    x, FFA_RET_DENIED, "ffa.mem.retrieve-zero",
			    FFA_MEM_OFF_FLAGS, 4,
			    "a read-only borrower cannot ask for "
			    "zeroing");
		}
		*self = k;
	}
	if (!found) {
		return ffa_mem_reject(
		    x, FFA_RET_INVALID_PARAMETERS, "ffa.mem.retrieve-receivers",
		    FFA_MEM_OFF_EMAD_COUNT, 4,
		    "the request has no EMAD for the caller 0x%04x", x->c->id);
	}
	if (sent->receivers[*self].retrieved) {
		return ffa_mem_reject(
		    x, FFA_RET_DENIED, "ffa.mem.double-retrieve",
		    FFA_MEM_OFF_HANDLE, 8,
		    "0x%04x already retrieved handle 0x%llx and "
		    "has not relinquished it",
		    x->c->id, (unsigned long long)handle);
	}
	return 0;
}
