/*
 * libFuzzer target: the MM partition's request decoder (models/mm_sp.c)
 * and the UEFI variable store behind it (models/varstore.c), driven as
 * hostile firmware drives them: shared-buffer bytes, then a doorbell with
 * an offset and a width.
 *
 * Input layout (tests/fuzz/input.h reads zeros past the end):
 *   u8 setup          bits 1:0 where the buffer is (4 KiB inside RAM, a
 *                     tiny one, one ending at the end of RAM, one running
 *                     past it); bit 2 small store capacities; bit 3 one
 *                     fault-injection rule (read next); bit 4 trace events
 *   [rule]            u8 kind, u8 code, u8 reply, u8 mm function, u8 flags
 *   then up to MAX_DOORBELLS records:
 *   u8 flags          bit 0 raw 64-bit offset (else u16 near the buffer);
 *                     bit 1 put the variable protocol's HeaderGuid in;
 *                     bit 2 make MessageLength match the bytes written;
 *                     bit 3 set the function from the next byte; bit 4
 *                     32-bit direct request (the offset is w3); bit 5 a
 *                     well-formed request built from the next bytes
 *                     replaces what was written (build_request())
 *   offset            u64 or u16
 *   u16 length, bytes written at the offset (clipped to the buffer)
 *   [u8 function] [request bytes]
 *
 * Properties checked after each doorbell: the partition writes nothing
 * outside the request it was given (header plus MessageLength, within the
 * buffer), a reply never claims more than the request's MessageLength,
 * the MM return code is one the protocol has, and the store keeps its
 * invariants (tests/fuzz/checks.h).  The store persists across the
 * doorbells of one input, so sequences (set, append, delete, READY_TO_BOOT,
 * EXIT_BOOT_SERVICE, properties) are explored too.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/mm.h"
#include "common/finding.h"
#include "common/strbuf.h"
#include "common/trace.h"
#include "models/inject.h"
#include "models/mm_sp.h"
#include "models/varstore.h"
#include "tests/fake_guest_mem.h"
#include "tests/fuzz/checks.h"
#include "tests/fuzz/input.h"

#define TARGET "fuzz_mm"
#define RAM_BASE UINT64_C(0x40000000)
#define RAM_SIZE UINT64_C(0x10000)
#define MAX_DOORBELLS 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct mm_fuzz {
	struct fake_guest_mem ram;
	struct findings *findings; /* kept across inputs, reset by setup() */
	struct injector inj;
	bool injecting;
	bool tracing;
	struct trace *trace;       /* kept across inputs, reset by setup() */
	struct varstore *store;
	struct mm_sp *mm;
	struct mm_sp_config cfg;
};

static const uint64_t functions[] = {
	MM_VAR_FN_GET_VARIABLE,
	MM_VAR_FN_GET_NEXT_VARIABLE_NAME,
	MM_VAR_FN_SET_VARIABLE,
	MM_VAR_FN_QUERY_VARIABLE_INFO,
	MM_VAR_FN_READY_TO_BOOT,
	MM_VAR_FN_EXIT_BOOT_SERVICE,
	MM_VAR_FN_GET_STATISTICS,
	MM_VAR_FN_LOCK_VARIABLE,
	MM_VAR_FN_VAR_CHECK_PROPERTY_SET,
	MM_VAR_FN_VAR_CHECK_PROPERTY_GET,
	MM_VAR_FN_GET_PAYLOAD_SIZE,
	MM_VAR_FN_INIT_RUNTIME_CACHE_CONTEXT,
	0,
	UINT64_MAX,
};

static void place_buffer(struct mm_fuzz *f, uint8_t setup,
			 struct fuzz_input *in)
{
	switch (setup & 3) {
	case 0:
		f->cfg.buf_addr = RAM_BASE + 0x1000;
		f->cfg.buf_size = 0x1000;
		break;
	case 1: /* smaller than a header, or just a little larger */
		f->cfg.buf_addr = RAM_BASE + 0x100;
		f->cfg.buf_size = fuzz_input_u8(in);
		break;
	case 2: /* the last byte of the buffer is the last byte of RAM */
		f->cfg.buf_addr = RAM_BASE + RAM_SIZE - 0x4000;
		f->cfg.buf_size = 0x4000;
		break;
	default: /* half of it is not RAM */
		f->cfg.buf_addr = RAM_BASE + RAM_SIZE - 0x800;
		f->cfg.buf_size = 0x1000;
		break;
	}
}

static void add_rule(struct mm_fuzz *f, struct fuzz_input *in)
{
	static const enum inject_kind kinds[] = {
		INJECT_KIND_FFA_ERROR, INJECT_KIND_MM_RETURN,
		INJECT_KIND_EFI_STATUS, INJECT_KIND_REPLY,
		INJECT_KIND_RX_BUSY,
	};
	struct inject_rule r;
	uint8_t kind = fuzz_input_u8(in);
	int8_t code = (int8_t)fuzz_input_u8(in);
	uint8_t reply = fuzz_input_u8(in);
	uint8_t function = fuzz_input_u8(in);
	uint8_t flags = fuzz_input_u8(in);

	memset(&r, 0, sizeof(r));
	r.kind = kinds[kind % (sizeof(kinds) / sizeof(kinds[0]))];
	r.code = code;
	r.reply = (enum inject_reply)(reply % 3);
	r.has_mm_function = (flags & 1) != 0;
	r.mm_function = function % 16;
	r.every = (flags & 2) != 0;
	r.remaining = 1 + (flags >> 4);
	r.after_exit_boot_services = (flags & 4) != 0;
	inject_init(&f->inj);
	if (!inject_add(&f->inj, &r)) {
		fuzz_check_failed(TARGET, "an empty injector refused a rule");
	}
	f->injecting = true;
}

static void setup(struct mm_fuzz *f, struct fuzz_input *in)
{
	uint8_t s = fuzz_input_u8(in);
	struct varstore_config vc;

	fake_guest_mem_init(&f->ram, RAM_BASE, RAM_SIZE);
	findings_reset(f->findings);
	trace_reset(f->trace);
	place_buffer(f, s, in);
	varstore_config_default(&vc);
	if ((s & 4) != 0) {
		vc.nv_capacity = 2048;
		vc.volatile_capacity = 1024;
		vc.max_variable_size = 512;
	}
	f->store = varstore_new(&vc);
	if ((s & 8) != 0) {
		add_rule(f, in);
	}
	f->tracing = (s & 16) != 0;
	f->mm = mm_sp_new(&f->cfg, f->store, &f->ram.mem, f->findings,
			  f->injecting ? &f->inj : NULL);
}

static void teardown(struct mm_fuzz *f)
{
	fuzz_format_last_event(f->trace);
	mm_sp_free(f->mm);
	varstore_free(f->store);
	fake_guest_mem_free(&f->ram);
}

/*
 * The part of [addr, addr + len) that lies in both the buffer and RAM, as
 * an offset into the fake RAM; false when empty.
 */
static bool clip(const struct mm_fuzz *f, uint64_t addr, uint64_t len,
		 uint64_t *ram_off, uint64_t *out_len)
{
	uint64_t lo = f->cfg.buf_addr;
	uint64_t hi = f->cfg.buf_addr + f->cfg.buf_size;
	uint64_t end = addr + len < addr ? UINT64_MAX : addr + len;

	if (hi > RAM_BASE + RAM_SIZE) {
		hi = RAM_BASE + RAM_SIZE;
	}
	if (addr > lo) {
		lo = addr;
	}
	if (end < hi) {
		hi = end;
	}
	if (lo >= hi) {
		return false;
	}
	*ram_off = lo - RAM_BASE;
	*out_len = hi - lo;
	return true;
}

/* Writes a little-endian u64 at addr if all of it is in buffer and RAM. */
static void poke_u64(struct mm_fuzz *f, uint64_t addr, uint64_t v)
{
	uint64_t off, len;

	if (clip(f, addr, 8, &off, &len) && len == 8) {
		memcpy(fake_guest_mem_at(&f->ram, RAM_BASE + off, 8), &v, 8);
	}
}

static void fix_guid(struct mm_fuzz *f, uint64_t addr)
{
	static const struct efi_guid guid = MM_SMM_VARIABLE_GUID;
	uint64_t off, len;

	if (clip(f, addr, sizeof(guid), &off, &len) && len == sizeof(guid)) {
		memcpy(fake_guest_mem_at(&f->ram, RAM_BASE + off, sizeof(guid)),
		       &guid, sizeof(guid));
	}
}

/*
 * The range the partition may write for a doorbell at offset: the request
 * (header and MessageLength bytes) when it lies in the buffer, else none.
 */
static void allowed_range(const struct mm_fuzz *f, const uint8_t *ram,
			  uint64_t offset, uint64_t *lo, uint64_t *hi,
			  uint64_t *request_len)
{
	struct mm_communicate_header hdr;
	uint64_t addr = f->cfg.buf_addr + offset;
	uint64_t capacity;

	*lo = *hi = 0;
	*request_len = 0;
	if (offset > f->cfg.buf_size ||
	    f->cfg.buf_size - offset < MM_COMM_HEADER_SIZE ||
	    addr < RAM_BASE || addr - RAM_BASE > RAM_SIZE - sizeof(hdr)) {
		return;
	}
	capacity = f->cfg.buf_size - offset;
	memcpy(&hdr, ram + (addr - RAM_BASE), sizeof(hdr));
	if (hdr.message_length > capacity - MM_COMM_HEADER_SIZE) {
		return;
	}
	*lo = addr - RAM_BASE;
	*hi = *lo + MM_COMM_HEADER_SIZE + hdr.message_length;
	if (*hi > RAM_SIZE) {
		*hi = RAM_SIZE; /* the rest of the buffer is not RAM */
	}
	*request_len = hdr.message_length;
}

/*
 * The partition's writes during the doorbell, from the fake RAM's record
 * of them (lo, hi: the request it was given, as RAM offsets, from
 * allowed_range() before the call), then its answer.
 */
static void check_after(struct mm_fuzz *f, uint64_t lo, uint64_t hi,
			uint64_t request_len, int64_t ret, int32_t ffa_error)
{
	struct mm_communicate_header hdr;
	uint64_t w_lo, w_hi;

	if (fake_guest_mem_written(&f->ram, &w_lo, &w_hi) &&
	    (w_lo < RAM_BASE + lo || w_hi > RAM_BASE + hi)) {
		fuzz_check_failed(TARGET, "the partition wrote outside the "
					  "request");
	}
	if (ffa_error != 0 && !f->injecting) {
		fuzz_check_failed(TARGET, "an FF-A error without injection");
	}
	if (f->injecting) {
		return;
	}
	if (ret != MM_RET_SUCCESS && ret != MM_RET_NOT_SUPPORTED &&
	    ret != MM_RET_INVALID_PARAMETER && ret != MM_RET_DENIED &&
	    ret != MM_RET_NO_MEMORY) {
		fuzz_check_failed(TARGET, "an MM return code the protocol "
					  "does not have");
	}
	if (ret == MM_RET_SUCCESS) {
		if (hi == 0) {
			fuzz_check_failed(TARGET, "success for a request that "
						  "is not in the buffer");
		}
		memcpy(&hdr, f->ram.bytes + lo, sizeof(hdr));
		if (hdr.message_length > request_len ||
		    hdr.message_length < MM_VAR_HEADER_SIZE) {
			fuzz_check_failed(TARGET, "the reply's MessageLength "
						  "is larger than the "
						  "request's or too short");
		}
	}
}

/* Attributes worth trying, valid or not. */
static const uint32_t attribute_choices[] = {
	0x7, 0x2, 0x6, 0x3, 0x47, 0x46, 0x0, 0x27, 0x1, 0x4, 0x43, 0x8,
};

/*
 * A NUL-terminated name of up to 8 letters of a four-letter alphabet, so
 * that requests meet the same variables; returns its size in bytes.
 */
static uint64_t put_name(uint8_t *p, struct fuzz_input *in, bool may_be_empty)
{
	size_t units = fuzz_input_u8(in) % 8 + (may_be_empty ? 0 : 1);
	uint16_t c;

	for (size_t i = 0; i < units; i++) {
		c = (uint16_t)('A' + fuzz_input_u8(in) % 4);
		memcpy(p + 2 * i, &c, 2);
	}
	c = 0;
	memcpy(p + 2 * units, &c, 2);
	return (units + 1) * 2;
}

/*
 * A well-formed request for one of the variable functions, built from a
 * few input bytes and written at addr (as far as buffer and RAM hold it),
 * so that the fuzzer spends its time on the store's rules rather than on
 * getting a request past the decoder.
 */
static void build_request(struct mm_fuzz *f, uint64_t addr,
			  struct fuzz_input *in)
{
	static const struct efi_guid guids[2] = {
		EFI_GLOBAL_VARIABLE_GUID, EFI_IMAGE_SECURITY_DATABASE_GUID};
	static const struct efi_guid header = MM_SMM_VARIABLE_GUID;
	uint8_t msg[MM_VAR_PAYLOAD_OFFSET + 256];
	uint8_t *p = msg + MM_VAR_PAYLOAD_OFFSET;
	size_t n_functions = sizeof(functions) / sizeof(functions[0]);
	uint64_t function = functions[fuzz_input_u8(in) % n_functions];
	const struct efi_guid *guid = &guids[fuzz_input_u8(in) & 1];
	uint32_t attributes = attribute_choices[fuzz_input_u8(in) %
						(sizeof(attribute_choices) /
						 sizeof(attribute_choices[0]))];
	uint64_t data_size = fuzz_input_u8(in) % 48;
	struct mm_var_check_property prop;
	uint64_t name_size, buffer, message_length, off, len;
	uint64_t payload = 0;

	memset(msg, 0, sizeof(msg));
	memcpy(p, guid, sizeof(*guid));
	switch (function) {
	case MM_VAR_FN_GET_VARIABLE:
	case MM_VAR_FN_SET_VARIABLE:
		name_size = put_name(p + MM_ACCESS_VARIABLE_NAME_OFFSET, in,
				     false);
		memcpy(p + 16, &data_size, 8);
		memcpy(p + 24, &name_size, 8);
		memcpy(p + 32, &attributes, 4);
		for (uint64_t i = 0; i < data_size; i++) {
			p[MM_ACCESS_VARIABLE_NAME_OFFSET + name_size + i] =
				(uint8_t)(i + data_size);
		}
		payload = MM_ACCESS_VARIABLE_NAME_OFFSET + name_size +
			  data_size;
		break;
	case MM_VAR_FN_GET_NEXT_VARIABLE_NAME:
		name_size = put_name(p + 24, in, true);
		buffer = name_size + (fuzz_input_u8(in) % 16) * 2;
		memcpy(p + 16, &buffer, 8);
		payload = 24 + buffer;
		break;
	case MM_VAR_FN_QUERY_VARIABLE_INFO:
		memcpy(p + 24, &attributes, 4);
		payload = sizeof(struct mm_query_variable_info);
		break;
	case MM_VAR_FN_VAR_CHECK_PROPERTY_SET:
	case MM_VAR_FN_VAR_CHECK_PROPERTY_GET:
		memset(&prop, 0, sizeof(prop));
		prop.revision = fuzz_input_u8(in) < 0xf0 ? MM_VAR_CHECK_REVISION
							 : 2;
		prop.property = fuzz_input_u8(in) & MM_VAR_CHECK_READ_ONLY;
		prop.attributes = attributes;
		prop.min_size = fuzz_input_u8(in) % 16;
		prop.max_size = prop.min_size + fuzz_input_u8(in) % 32;
		name_size = put_name(p + 48, in, false);
		memcpy(p + 16, &name_size, 8);
		memcpy(p + 24, &prop, sizeof(prop));
		payload = 48 + name_size;
		break;
	case MM_VAR_FN_GET_PAYLOAD_SIZE:
		payload = sizeof(struct mm_get_payload_size);
		break;
	default:
		payload = fuzz_input_u8(in) % 16;
		break;
	}
	message_length = MM_VAR_HEADER_SIZE + payload;
	memcpy(msg, &header, sizeof(header));
	memcpy(msg + 16, &message_length, 8);
	memcpy(msg + MM_COMM_HEADER_SIZE, &function, 8);
	if (clip(f, addr, MM_COMM_HEADER_SIZE + message_length, &off, &len)) {
		memcpy(fake_guest_mem_at(&f->ram, RAM_BASE + off, len),
		       msg + (off + RAM_BASE - addr), (size_t)len);
	}
}

/* One record: write, fix up, ring, check. */
static void doorbell(struct mm_fuzz *f, struct fuzz_input *in)
{
	uint8_t flags = fuzz_input_u8(in);
	uint64_t offset = (flags & 1) != 0
				  ? fuzz_input_u64(in)
				  : fuzz_input_u16(in) % (f->cfg.buf_size + 64);
	uint16_t want = fuzz_input_u16(in);
	size_t got;
	const uint8_t *bytes = fuzz_input_bytes(in, want, &got);
	uint64_t addr = f->cfg.buf_addr + offset;
	bool is_64 = (flags & 16) == 0;
	struct trace_event *ev = NULL;
	uint64_t off, len, lo, hi, request_len;
	int32_t ffa_error = -1;
	int64_t ret;

	if (clip(f, addr, got, &off, &len)) {
		memcpy(fake_guest_mem_at(&f->ram, RAM_BASE + off, len),
		       bytes + (off + RAM_BASE - addr), (size_t)len);
	}
	if ((flags & 2) != 0) {
		fix_guid(f, addr);
	}
	if ((flags & 4) != 0) {
		poke_u64(f, addr + 16,
			 got >= MM_COMM_HEADER_SIZE ? got - MM_COMM_HEADER_SIZE
						    : MM_VAR_HEADER_SIZE);
	}
	if ((flags & 8) != 0) {
		poke_u64(f, addr + MM_COMM_HEADER_SIZE,
			 functions[fuzz_input_u8(in) %
				   (sizeof(functions) / sizeof(functions[0]))]);
	}
	if ((flags & 32) != 0) {
		build_request(f, addr, in);
	}
	if (!is_64) {
		offset &= UINT32_MAX; /* the partition sees w3 */
	}
	/* The request as it is before the doorbell: what may be written. */
	allowed_range(f, f->ram.bytes, offset, &lo, &hi, &request_len);
	fake_guest_mem_mark_written(&f->ram);
	if (f->tracing) {
		ev = trace_append(f->trace, TRACE_SMC);
	}
	ret = mm_sp_doorbell(f->mm, offset, is_64, ev, &ffa_error);
	if (fuzz_verbose()) {
		uint64_t vh[2] = {0, 0};

		if (clip(f, f->cfg.buf_addr + offset + MM_COMM_HEADER_SIZE,
			 sizeof(vh), &off, &len) &&
		    len == sizeof(vh)) {
			memcpy(vh, f->ram.bytes + off, sizeof(vh));
		}
		fprintf(stderr,
			"doorbell(0x%llx, %s) -> %lld, FF-A %d, function %llu "
			"status 0x%llx\n",
			(unsigned long long)offset, is_64 ? "64" : "32",
			(long long)ret, ffa_error, (unsigned long long)vh[0],
			(unsigned long long)vh[1]);
	}
	check_after(f, lo, hi, request_len, ret, ffa_error);
	fuzz_check_store(TARGET, f->store);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mm_fuzz f;
	/*
	 * The findings and the trace outlive the input so that their arrays
	 * are reused: growing and freeing them was up to a fifth of
	 * fuzz_mm's own time (docs/fuzzing.md).  Reset, they are fresh ones
	 * (tests/check_trace.c, check_finding.c).
	 */
	static struct findings findings;
	static struct trace trace;
	static bool started;
	struct fuzz_input in = fuzz_input_init(data, size);

	if (!started) {
		findings_init(&findings);
		trace_init(&trace);
		started = true;
	}
	memset(&f, 0, sizeof(f));
	f.findings = &findings;
	f.trace = &trace;
	setup(&f, &in);
	for (int i = 0; i < MAX_DOORBELLS && !fuzz_input_empty(&in); i++) {
		doorbell(&f, &in);
	}
	if (mm_sp_doorbells(f.mm) > MAX_DOORBELLS) {
		fuzz_check_failed(TARGET, "doorbells miscounted");
	}
	teardown(&f);
	return 0;
}
