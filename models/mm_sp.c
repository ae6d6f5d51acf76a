/*
 * MM communicate and the SMM variable protocol, answered as Trusted
 * Services' smm-gateway answers U-Boot (reference 4.8, 5, 6.9):
 *   - x3 is the offset of the request in the shared buffer; offset + 24 and
 *     offset + 24 + MessageLength must fit in the buffer, else
 *     MM_INVALID_PARAMETER;
 *   - an unknown HeaderGuid gets MM_NOT_SUPPORTED; MessageLength < 16 gets
 *     MM_DENIED;
 *   - everything else gets MM_SUCCESS in x3 and the variable service's
 *     status in ReturnStatus; sizes or names that do not fit the message
 *     get EFI_INVALID_PARAMETER (TS sanitize_*_param());
 *   - unknown functions get EFI_UNSUPPORTED (EDK2 SmmVariableHandler());
 *   - the reply is written in place; its MessageLength is 16 + the reply
 *     payload and never exceeds the request's (U-Boot refuses larger).
 * Each malformed request is also a firmware finding with the bytes.
 */
#include "models/mm_sp.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/ffa.h"
#include "abi/mm.h"
#include "common/abi_names.h"
#include "common/strbuf.h"
#include "common/text.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct mm_sp {
	struct mm_sp_config cfg;
	struct varstore *store;
	const struct guest_mem *mem;
	struct findings *findings;
	struct injector *inj;
	uint64_t doorbells;
};

/* One request being served: the message copied out of the buffer. */
struct mm_request {
	struct mm_sp *mm;
	const struct guest_mem *mem; /* the view addr is in */
	uint64_t addr;        /* of the communicate header in the buffer */
	uint64_t capacity;    /* bytes from addr to the end of the buffer */
	uint64_t payload_basis; /* what GET_PAYLOAD_SIZE counts from */
	uint8_t *msg;         /* 24 + message_length bytes */
	uint64_t message_length;
	uint64_t function;
	uint8_t *payload;     /* msg + 40 */
	uint64_t payload_len; /* message_length - 16 */
	uint64_t reply_payload_len;
	uint64_t status;      /* ReturnStatus */
	bool injected;
	struct trace_mm *trace;
};

typedef void mm_var_handler_fn(struct mm_request *rq);

struct mm_var_fn_desc {
	uint64_t function;
	mm_var_handler_fn *handler;
	uint64_t fixed_size; /* payload bytes before any name */
};

struct mm_sp *mm_sp_new(const struct mm_sp_config *cfg, struct varstore *vs,
			const struct guest_mem *mem, struct findings *findings,
			struct injector *inj)
{
	struct mm_sp *mm = xcalloc(1, sizeof(*mm));

	mm->inj = inj;
	mm->cfg = *cfg;
	mm->store = vs;
	mm->mem = mem;
	mm->findings = findings;
	return mm;
}

void mm_sp_free(struct mm_sp *mm)
{
	free(mm);
}

struct varstore *mm_sp_store(struct mm_sp *mm)
{
	return mm->store;
}

uint64_t mm_sp_doorbells(const struct mm_sp *mm)
{
	return mm->doorbells;
}

uint64_t mm_sp_payload_size(const struct mm_sp *mm)
{
	uint64_t overhead = MM_VAR_PAYLOAD_OFFSET +
			    MM_ACCESS_VARIABLE_NAME_OFFSET;

	return mm->cfg.buf_size > overhead ? mm->cfg.buf_size - overhead : 0;
}

/* A firmware finding with a hex dump of the bytes it is about. */
static void malformed(struct mm_request *rq, const char *code,
		      const void *bytes, size_t len, uint64_t addr,
		      const char *what)
{
	struct finding *fd = findings_add(rq->mm->findings, FINDING_FIRMWARE,
					  code, "MM %s", what);
	struct strbuf dump = STRBUF_INIT;

	text_append_hexdump(&dump, bytes, len > 128 ? 128 : len, addr);
	finding_take_detail(fd, &dump);
	fd->address = addr;
	strbuf_free(&dump);
}

static void invalid_request(struct mm_request *rq, const char *code,
			    const char *what)
{
	malformed(rq, code, rq->msg, (size_t)(24 + rq->message_length),
		  rq->addr, what);
	rq->status = EFI_INVALID_PARAMETER;
}

/*
 * Checks a name of name_size bytes at payload offset name_at: inside the
 * message, even, at least one code unit, NUL-terminated at its end.
 */
static bool name_ok(struct mm_request *rq, uint64_t name_at,
		    uint64_t name_size, uint64_t extra)
{
	const char *fn = mm_function_name(rq->function);
	char what[160];

	if (name_size > rq->payload_len || extra > rq->payload_len ||
	    name_at + name_size + extra > rq->payload_len) {
		snprintf(what, sizeof(what),
			 "%s: NameSize %llu (+%llu) runs past the message "
			 "(payload %llu bytes)",
			 fn, (unsigned long long)name_size,
			 (unsigned long long)extra,
			 (unsigned long long)rq->payload_len);
		invalid_request(rq, "mm.size-outside-message", what);
		return false;
	}
	if (name_size < 2 || name_size % 2 != 0) {
		snprintf(what, sizeof(what),
			 "%s: NameSize %llu is not a positive even size", fn,
			 (unsigned long long)name_size);
		invalid_request(rq, "mm.name-size-invalid", what);
		return false;
	}
	if (rq->payload[name_at + name_size - 1] != 0 ||
	    rq->payload[name_at + name_size - 2] != 0) {
		snprintf(what, sizeof(what),
			 "%s: the name is not NUL-terminated within NameSize",
			 fn);
		invalid_request(rq, "mm.name-not-terminated", what);
		return false;
	}
	return true;
}

/* A copy of a name from the payload, aligned for uint16_t access. */
static uint16_t *copy_name(const struct mm_request *rq, uint64_t at,
			   uint64_t size)
{
	uint16_t *name = xmalloc((size_t)size);

	memcpy(name, rq->payload + at, (size_t)size);
	return name;
}

static void trace_variable(struct mm_request *rq, const struct efi_guid *g,
			   const uint16_t *name, uint64_t name_size,
			   uint32_t attributes, uint64_t data_size)
{
	struct strbuf sb = STRBUF_INIT;

	if (rq->trace == NULL) {
		return;
	}
	rq->trace->has_variable = true;
	rq->trace->vendor_guid = *g;
	rq->trace->attributes = attributes;
	rq->trace->name_size = name_size;
	rq->trace->data_size = data_size;
	if (name != NULL && name_size >= 2) {
		text_append_ucs2(&sb, name, (size_t)name_size);
		free(rq->trace->name);
		rq->trace->name = strbuf_steal(&sb);
	}
}

/* GET_VARIABLE: access-variable payload, data written after the name. */
static void mm_get_variable(struct mm_request *rq)
{
	struct mm_access_variable av = {0};
	uint16_t *name;
	uint64_t data_size;
	uint32_t attributes = 0;

	memcpy(&av, rq->payload, MM_ACCESS_VARIABLE_NAME_OFFSET);
	trace_variable(rq, &av.guid, NULL, av.name_size, av.attributes,
		       av.data_size);
	if (!name_ok(rq, MM_ACCESS_VARIABLE_NAME_OFFSET, av.name_size, av.data_size)) {
		return;
	}
	name = copy_name(rq, MM_ACCESS_VARIABLE_NAME_OFFSET, av.name_size);
	trace_variable(rq, &av.guid, name, av.name_size, av.attributes,
		       av.data_size);
	data_size = av.data_size;
	rq->status = varstore_get(rq->mm->store, name, (size_t)av.name_size,
				  &av.guid, &attributes, &data_size,
				  rq->payload + MM_ACCESS_VARIABLE_NAME_OFFSET + av.name_size);
	free(name);
	if (rq->status == EFI_SUCCESS || rq->status == EFI_BUFFER_TOO_SMALL) {
		av.data_size = data_size;
		av.attributes = attributes;
		memcpy(rq->payload, &av, MM_ACCESS_VARIABLE_NAME_OFFSET);
		rq->reply_payload_len = MM_ACCESS_VARIABLE_NAME_OFFSET + av.name_size +
					(rq->status == EFI_SUCCESS ? data_size
								   : 0);
	}
}

/* SET_VARIABLE: data follows the name. */
static void mm_set_variable(struct mm_request *rq)
{
	struct mm_access_variable av = {0};
	uint16_t *name;

	memcpy(&av, rq->payload, MM_ACCESS_VARIABLE_NAME_OFFSET);
	trace_variable(rq, &av.guid, NULL, av.name_size, av.attributes,
		       av.data_size);
	if (!name_ok(rq, MM_ACCESS_VARIABLE_NAME_OFFSET, av.name_size, av.data_size)) {
		return;
	}
	name = copy_name(rq, MM_ACCESS_VARIABLE_NAME_OFFSET, av.name_size);
	trace_variable(rq, &av.guid, name, av.name_size, av.attributes,
		       av.data_size);
	rq->status = varstore_set(rq->mm->store, name, (size_t)av.name_size,
				  &av.guid, av.attributes, av.data_size,
				  rq->payload + MM_ACCESS_VARIABLE_NAME_OFFSET + av.name_size);
	free(name);
}

/* GET_NEXT_VARIABLE_NAME: NameSize is the caller's buffer size. */
static void mm_get_next_variable_name(struct mm_request *rq)
{
	struct mm_get_next_variable_name gn;
	uint16_t *name;
	uint64_t name_size;
	long units;

	memcpy(&gn, rq->payload, sizeof(gn));
	trace_variable(rq, &gn.guid, NULL, gn.name_size, 0, 0);
	if (gn.name_size > rq->payload_len - sizeof(gn)) {
		invalid_request(rq, "mm.size-outside-message",
				"GET_NEXT_VARIABLE_NAME: NameSize runs past "
				"the message");
		return;
	}
	if (gn.name_size < 2 || gn.name_size % 2 != 0) {
		invalid_request(rq, "mm.name-size-invalid",
				"GET_NEXT_VARIABLE_NAME: NameSize is not a "
				"positive even size");
		return;
	}
	name = copy_name(rq, sizeof(gn), gn.name_size);
	units = text_ucs2_length(name, (size_t)gn.name_size);
	if (units < 0) {
		free(name);
		invalid_request(rq, "mm.name-not-terminated",
				"GET_NEXT_VARIABLE_NAME: no NUL within "
				"NameSize");
		return;
	}
	trace_variable(rq, &gn.guid, name, (uint64_t)(units + 1) * 2, 0, 0);
	name_size = gn.name_size;
	rq->status = varstore_get_next(rq->mm->store, name, &name_size,
				       &gn.guid);
	if (rq->status == EFI_SUCCESS) {
		memcpy(rq->payload + sizeof(gn), name, (size_t)name_size);
		rq->reply_payload_len = sizeof(gn) + name_size;
	}
	if (rq->status == EFI_SUCCESS || rq->status == EFI_BUFFER_TOO_SMALL) {
		gn.name_size = name_size;
		memcpy(rq->payload, &gn, sizeof(gn));
	}
	free(name);
}

static void mm_query_variable_info(struct mm_request *rq)
{
	struct mm_query_variable_info q;

	memcpy(&q, rq->payload, sizeof(q));
	rq->status = varstore_query(rq->mm->store, q.attributes,
				    &q.maximum_variable_storage_size,
				    &q.remaining_variable_storage_size,
				    &q.maximum_variable_size);
	if (rq->trace != NULL) {
		rq->trace->has_variable = true;
		rq->trace->attributes = q.attributes;
	}
	if (rq->status == EFI_SUCCESS) {
		memcpy(rq->payload, &q, sizeof(q));
		rq->reply_payload_len = sizeof(q);
	}
}

static void mm_ready_to_boot(struct mm_request *rq)
{
	rq->status = varstore_ready_to_boot(rq->mm->store);
	if (rq->status == EFI_SUCCESS && rq->mm->cfg.lifecycle != NULL) {
		lifecycle_evidence(rq->mm->cfg.lifecycle,
				   EVIDENCE_MM_READY_TO_BOOT);
	}
}

static void mm_exit_boot_service(struct mm_request *rq)
{
	rq->status = varstore_exit_boot_services(rq->mm->store);
	if (rq->status == EFI_SUCCESS && rq->mm->cfg.lifecycle != NULL) {
		lifecycle_evidence(rq->mm->cfg.lifecycle,
				   EVIDENCE_MM_EXIT_BOOT_SERVICE);
	}
}

static void mm_property(struct mm_request *rq)
{
	struct mm_var_check_variable_property vp;
	uint16_t *name;

	memcpy(&vp, rq->payload, sizeof(vp));
	trace_variable(rq, &vp.guid, NULL, vp.name_size,
		       vp.property.attributes, 0);
	if (!name_ok(rq, sizeof(vp), vp.name_size, 0)) {
		return;
	}
	name = copy_name(rq, sizeof(vp), vp.name_size);
	trace_variable(rq, &vp.guid, name, vp.name_size,
		       vp.property.attributes, 0);
	if (rq->function == MM_VAR_FN_VAR_CHECK_PROPERTY_SET) {
		rq->status = varstore_set_property(rq->mm->store, name,
						   (size_t)vp.name_size,
						   &vp.guid, &vp.property);
	} else {
		rq->status = varstore_get_property(rq->mm->store, name,
						   (size_t)vp.name_size,
						   &vp.guid, &vp.property);
		if (rq->status == EFI_SUCCESS) {
			memcpy(rq->payload, &vp, sizeof(vp));
			rq->reply_payload_len = sizeof(vp) + vp.name_size;
		}
	}
	free(name);
}

/* TS get_payload_size_handler(): what is left after the fixed parts. */
static void mm_get_payload_size(struct mm_request *rq)
{
	struct mm_get_payload_size ps;
	uint64_t overhead = MM_VAR_PAYLOAD_OFFSET +
			    MM_ACCESS_VARIABLE_NAME_OFFSET;

	ps.variable_payload_size = rq->payload_basis > overhead
					   ? rq->payload_basis - overhead
					   : 0;
	memcpy(rq->payload, &ps, sizeof(ps));
	rq->reply_payload_len = sizeof(ps);
	rq->status = EFI_SUCCESS;
}

/* Functions smm-gateway does not serve: EFI_UNSUPPORTED, as EDK2 answers. */
static void mm_unsupported(struct mm_request *rq)
{
	rq->status = EFI_UNSUPPORTED;
}

static const struct mm_var_fn_desc mm_var_table[] = {
	{MM_VAR_FN_GET_VARIABLE, mm_get_variable,
	 MM_ACCESS_VARIABLE_NAME_OFFSET},
	{MM_VAR_FN_GET_NEXT_VARIABLE_NAME, mm_get_next_variable_name,
	 sizeof(struct mm_get_next_variable_name)},
	{MM_VAR_FN_SET_VARIABLE, mm_set_variable,
	 MM_ACCESS_VARIABLE_NAME_OFFSET},
	{MM_VAR_FN_QUERY_VARIABLE_INFO, mm_query_variable_info,
	 sizeof(struct mm_query_variable_info)},
	{MM_VAR_FN_READY_TO_BOOT, mm_ready_to_boot, 0},
	{MM_VAR_FN_EXIT_BOOT_SERVICE, mm_exit_boot_service, 0},
	{MM_VAR_FN_VAR_CHECK_PROPERTY_SET, mm_property,
	 sizeof(struct mm_var_check_variable_property)},
	{MM_VAR_FN_VAR_CHECK_PROPERTY_GET, mm_property,
	 sizeof(struct mm_var_check_variable_property)},
	{MM_VAR_FN_GET_PAYLOAD_SIZE, mm_get_payload_size,
	 sizeof(struct mm_get_payload_size)},
};

static const struct mm_var_fn_desc *find_function(uint64_t function)
{
	for (size_t i = 0; i < ARRAY_SIZE(mm_var_table); i++) {
		if (mm_var_table[i].function == function) {
			return &mm_var_table[i];
		}
	}
	return NULL;
}

/*
 * What each function's payload needs, to tell a MessageLength that is too
 * long.  Too short is refused by both secure partitions and is a firmware
 * finding of the handlers (mm.payload-too-short, mm.size-outside-message):
 * EDK2 VariableSmm.c SmmVariableHandler() answers EFI_ACCESS_DENIED when
 * the fixed part + NameSize + DataSize exceed the payload, TS
 * smm_variable_provider.c sanitize_*_param() EFI_INVALID_PARAMETER.  Too
 * long is served by both (they only test "needed > payload"), so it is a
 * warning: the partition reads bytes the caller never wrote.  fixed_max
 * allows C's sizeof() of the access-variable header (40, tail padding)
 * where the name starts at 36: U-Boot's MM_VARIABLE_ACCESS_HEADER_SIZE
 * (include/mm_communication.h) sizes its payloads that way.
 */
struct mm_length_rule {
	uint64_t function;
	uint64_t fixed_min;  /* payload bytes before the name */
	uint64_t fixed_max;  /* the same as sizeof() counts them */
	int name_size_at;    /* payload offset of NameSize, -1: none */
	int data_size_at;    /* payload offset of DataSize, -1: none */
};

static const struct mm_length_rule mm_length_rules[] = {
	{MM_VAR_FN_GET_VARIABLE, MM_ACCESS_VARIABLE_NAME_OFFSET,
	 sizeof(struct mm_access_variable),
	 offsetof(struct mm_access_variable, name_size),
	 offsetof(struct mm_access_variable, data_size)},
	{MM_VAR_FN_SET_VARIABLE, MM_ACCESS_VARIABLE_NAME_OFFSET,
	 sizeof(struct mm_access_variable),
	 offsetof(struct mm_access_variable, name_size),
	 offsetof(struct mm_access_variable, data_size)},
	{MM_VAR_FN_GET_NEXT_VARIABLE_NAME,
	 sizeof(struct mm_get_next_variable_name),
	 sizeof(struct mm_get_next_variable_name),
	 offsetof(struct mm_get_next_variable_name, name_size), -1},
	{MM_VAR_FN_QUERY_VARIABLE_INFO, sizeof(struct mm_query_variable_info),
	 sizeof(struct mm_query_variable_info), -1, -1},
	{MM_VAR_FN_READY_TO_BOOT, 0, 0, -1, -1},
	{MM_VAR_FN_EXIT_BOOT_SERVICE, 0, 0, -1, -1},
	{MM_VAR_FN_VAR_CHECK_PROPERTY_SET,
	 sizeof(struct mm_var_check_variable_property),
	 sizeof(struct mm_var_check_variable_property),
	 offsetof(struct mm_var_check_variable_property, name_size), -1},
	{MM_VAR_FN_VAR_CHECK_PROPERTY_GET,
	 sizeof(struct mm_var_check_variable_property),
	 sizeof(struct mm_var_check_variable_property),
	 offsetof(struct mm_var_check_variable_property, name_size), -1},
	{MM_VAR_FN_GET_PAYLOAD_SIZE, sizeof(struct mm_get_payload_size),
	 sizeof(struct mm_get_payload_size), -1, -1},
};

static uint64_t add_saturating(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* The size field at payload offset at, 0 when absent. */
static uint64_t payload_size_field(const struct mm_request *rq, int at)
{
	uint64_t v = 0;

	if (at >= 0 && (uint64_t)at + sizeof(v) <= rq->payload_len) {
		memcpy(&v, rq->payload + at, sizeof(v));
	}
	return v;
}

/*
 * Measures the request against its function's needs before the handler
 * rewrites the payload; *needed is 16 + what the payload needs.  Returns
 * false when the length is exact or too short (the handler decides).
 */
static bool message_too_long(const struct mm_request *rq, uint64_t *needed)
{
	const struct mm_length_rule *r = NULL;
	uint64_t sizes;

	for (size_t i = 0; i < ARRAY_SIZE(mm_length_rules); i++) {
		if (mm_length_rules[i].function == rq->function) {
			r = &mm_length_rules[i];
		}
	}
	if (r == NULL) {
		return false;
	}
	sizes = add_saturating(payload_size_field(rq, r->name_size_at),
			       payload_size_field(rq, r->data_size_at));
	if (rq->payload_len <= add_saturating(r->fixed_max, sizes)) {
		return false;
	}
	/* fixed_min + sizes < payload_len: no overflow. */
	*needed = MM_VAR_HEADER_SIZE + r->fixed_min + sizes;
	return true;
}

static void warn_message_too_long(struct mm_request *rq, uint64_t needed)
{
	struct strbuf dump = STRBUF_INIT;
	struct finding *fd;

	fd = findings_add(rq->mm->findings, FINDING_WARNING,
			  "mm.message-length-too-long",
			  "MM %s: MessageLength %llu is %llu bytes longer than "
			  "the %llu the function needs",
			  mm_function_name(rq->function),
			  (unsigned long long)rq->message_length,
			  (unsigned long long)(rq->message_length - needed),
			  (unsigned long long)needed);
	text_append_hexdump(&dump, rq->msg, MM_VAR_PAYLOAD_OFFSET, rq->addr);
	finding_take_detail(fd, &dump);
	fd->address = rq->addr;
	strbuf_free(&dump);
}

/* Serves a request whose header checks passed: the variable protocol. */
static void serve_variable(struct mm_request *rq)
{
	const struct mm_var_fn_desc *d;
	struct mm_variable_header vh;
	struct inject_rule *rule;

	memcpy(&vh, rq->msg + MM_COMM_HEADER_SIZE, sizeof(vh));
	rq->function = vh.function;
	rq->payload = rq->msg + MM_VAR_PAYLOAD_OFFSET;
	rq->payload_len = rq->message_length - MM_VAR_HEADER_SIZE;
	rq->reply_payload_len = rq->payload_len;
	if (rq->trace != NULL) {
		rq->trace->function = vh.function;
	}
	d = find_function(vh.function);
	if (rq->mm->inj != NULL &&
	    (rule = inject_mm(rq->mm->inj, INJECT_KIND_EFI_STATUS,
			      vh.function)) != NULL) {
		rq->status = (uint64_t)rule->code; /* the store is not asked */
		rq->injected = true;
	} else if (d == NULL) {
		mm_unsupported(rq);
	} else if (rq->payload_len < d->fixed_size) {
		char what[128];

		snprintf(what, sizeof(what),
			 "%s: payload of %llu bytes is shorter than its "
			 "fixed part (%llu)",
			 mm_function_name(vh.function),
			 (unsigned long long)rq->payload_len,
			 (unsigned long long)d->fixed_size);
		invalid_request(rq, "mm.payload-too-short", what);
	} else {
		/* Measured before the handler rewrites the sizes; a request
		 * the handler refused needs no second finding. */
		uint64_t needed = 0;
		bool too_long = message_too_long(rq, &needed);
		size_t found = rq->mm->findings->count;

		d->handler(rq);
		if (too_long && rq->mm->findings->count == found) {
			warn_message_too_long(rq, needed);
		}
	}
	if (rq->reply_payload_len > rq->payload_len) {
		rq->reply_payload_len = rq->payload_len; /* never grows */
	}
	vh.return_status = rq->status;
	memcpy(rq->msg + MM_COMM_HEADER_SIZE, &vh, sizeof(vh));
}

static void trace_summary(struct trace_event *ev, const struct mm_request *rq,
			  int64_t ret)
{
	const char *fn = mm_function_name(rq->function);
	const char *st = efi_status_name(rq->status);

	if (ev == NULL) {
		return;
	}
	if (ret != MM_RET_SUCCESS) {
		trace_event_set_summary(ev, "MM -> %s", mm_ret_name(ret));
		return;
	}
	trace_event_set_summary(ev, "MM %s%s%s -> %s",
				fn != NULL ? fn : "function?",
				rq->trace->name != NULL ? " " : "",
				rq->trace->name != NULL ? rq->trace->name : "",
				st != NULL ? st : "?");
}

/* Checks the doorbell's offset and places the request (TS smm-gateway). */
static int64_t check_offset(struct mm_request *rq, uint64_t offset)
{
	struct mm_sp *mm = rq->mm;

	if (offset > mm->cfg.buf_size ||
	    mm->cfg.buf_size - offset < MM_COMM_HEADER_SIZE) {
		findings_add(mm->findings, FINDING_FIRMWARE,
			     "mm.offset-outside-buffer",
			     "MM doorbell offset 0x%llx leaves no room for "
			     "the 24-byte header in the %llu-byte buffer",
			     (unsigned long long)offset,
			     (unsigned long long)mm->cfg.buf_size);
		return MM_RET_INVALID_PARAMETER;
	}
	rq->addr = mm->cfg.buf_addr + offset;
	rq->capacity = mm->cfg.buf_size - offset;
	rq->payload_basis = rq->capacity;
	return MM_RET_SUCCESS;
}

/* Copies the header and checks length and GUID (TS smm-gateway). */
static int64_t check_header(struct mm_request *rq)
{
	struct mm_sp *mm = rq->mm;
	struct mm_communicate_header hdr;
	static const struct efi_guid variable_guid = MM_SMM_VARIABLE_GUID;
	char what[160];

	if (!guest_mem_read(rq->mem, rq->addr, &hdr, sizeof(hdr))) {
		findings_add(mm->findings, FINDING_FIRMWARE,
			     "mm.buffer-not-ram",
			     "MM shared buffer at 0x%llx is not RAM",
			     (unsigned long long)rq->addr);
		return MM_RET_INVALID_PARAMETER;
	}
	rq->message_length = hdr.message_length;
	if (rq->trace != NULL) {
		rq->trace->message_length = hdr.message_length;
		rq->trace->header_guid_ok =
			efi_guid_equal(&hdr.header_guid, &variable_guid);
	}
	if (hdr.message_length > rq->capacity - MM_COMM_HEADER_SIZE) {
		snprintf(what, sizeof(what),
			 "MessageLength %llu runs past the shared buffer "
			 "(%llu bytes after the header)",
			 (unsigned long long)hdr.message_length,
			 (unsigned long long)(rq->capacity -
					      MM_COMM_HEADER_SIZE));
		malformed(rq, "mm.message-length-exceeds-buffer", &hdr,
			  sizeof(hdr), rq->addr, what);
		return MM_RET_INVALID_PARAMETER;
	}
	if (!efi_guid_equal(&hdr.header_guid, &variable_guid)) {
		malformed(rq, "mm.unknown-header-guid", &hdr, sizeof(hdr),
			  rq->addr, "HeaderGuid is not the SMM variable protocol GUID");
		return MM_RET_NOT_SUPPORTED;
	}
	if (hdr.message_length < MM_VAR_HEADER_SIZE) {
		malformed(rq, "mm.message-too-short", &hdr, sizeof(hdr),
			  rq->addr, "MessageLength is shorter than the 16-byte variable "
			  "header");
		return MM_RET_DENIED;
	}
	return MM_RET_SUCCESS;
}

/* Applies an injected reply fault to the reply about to be written. */
static void damage_reply(const struct inject_rule *rule, uint8_t *msg,
			 uint64_t *reply_len, uint64_t request_len)
{
	switch (rule->reply) {
	case INJECT_REPLY_TRUNCATED:
		*reply_len = MM_VAR_HEADER_SIZE;
		break;
	case INJECT_REPLY_CORRUPTED:
		for (uint64_t i = MM_VAR_PAYLOAD_OFFSET;
		     i < MM_COMM_HEADER_SIZE + *reply_len; i++) {
			msg[i] = (uint8_t)~msg[i];
		}
		break;
	case INJECT_REPLY_OVERSIZED:
		/* Only the header says so: the bytes written stay in bounds. */
		*reply_len = request_len + 64;
		break;
	}
}

/* Writes the reply back in place and records it in the trace. */
static bool write_reply(struct mm_request *rq, int64_t *ret)
{
	struct mm_communicate_header hdr;
	uint64_t reply_len = MM_VAR_HEADER_SIZE + rq->reply_payload_len;
	/* The bytes written never exceed the request: serve_variable()
	 * capped the payload; an oversized injection only changes the
	 * header. */
	uint64_t written_len = reply_len;
	struct inject_rule *rule = NULL;

	if (rq->mm->inj != NULL) {
		rule = inject_mm(rq->mm->inj, INJECT_KIND_REPLY, rq->function);
	}
	if (rule != NULL) {
		damage_reply(rule, rq->msg, &reply_len, rq->message_length);
		rq->injected = true;
	}
	memcpy(&hdr, rq->msg, sizeof(hdr));
	hdr.message_length = reply_len;
	memcpy(rq->msg, &hdr, sizeof(hdr));
	if (!guest_mem_write(rq->mem, rq->addr, rq->msg,
			     (size_t)(MM_COMM_HEADER_SIZE + written_len))) {
		*ret = MM_RET_INVALID_PARAMETER;
		return false;
	}
	if (rq->trace != NULL) {
		size_t out_len = (size_t)(MM_COMM_HEADER_SIZE + written_len);

		rq->trace->return_status = rq->status;
		rq->trace->reply_message_length = reply_len;
		rq->trace->response = xmalloc(out_len);
		memcpy(rq->trace->response, rq->msg, out_len);
		rq->trace->response_len = out_len;
	}
	return true;
}

/* The MM function of the request in msg (after the header checks). */
static uint64_t request_function(const struct mm_request *rq)
{
	struct mm_variable_header vh;

	memcpy(&vh, rq->msg + MM_COMM_HEADER_SIZE, sizeof(vh));
	return vh.function;
}

/*
 * Serves the request placed in rq (addr, capacity, mem): header checks,
 * injected answers, the variable protocol, the reply.  ffa_fid is the
 * direct request that carried a doorbell (0: no FF-A, so no injected FF-A
 * error).
 */
static int64_t communicate(struct mm_request *rq, uint32_t ffa_fid,
			   int32_t *ffa_error)
{
	struct mm_sp *mm = rq->mm;
	struct inject_rule *rule;
	size_t len;
	int64_t ret;

	ret = check_header(rq);
	if (ret != MM_RET_SUCCESS) {
		return ret;
	}
	len = (size_t)(MM_COMM_HEADER_SIZE + rq->message_length);
	rq->msg = xmalloc(len);
	if (!guest_mem_read(rq->mem, rq->addr, rq->msg, len)) {
		ret = MM_RET_INVALID_PARAMETER;
		goto free_msg;
	}
	if (rq->trace != NULL) {
		rq->trace->request = xmalloc(len);
		memcpy(rq->trace->request, rq->msg, len);
		rq->trace->request_len = len;
	}
	rq->function = request_function(rq);
	if (rq->trace != NULL) {
		rq->trace->function = rq->function;
	}
	if (mm->inj != NULL) {
		rule = ffa_fid != 0 ? inject_ffa_error(mm->inj, ffa_fid,
						       rq->function)
				    : NULL;
		if (rule != NULL) {
			*ffa_error = (int32_t)rule->code;
			rq->injected = true;
			goto free_msg;
		}
		rule = inject_mm(mm->inj, INJECT_KIND_MM_RETURN, rq->function);
		if (rule != NULL) {
			ret = rule->code; /* the buffer is not touched */
			rq->injected = true;
			goto free_msg;
		}
	}
	serve_variable(rq);
	write_reply(rq, &ret);
free_msg:
	free(rq->msg);
	rq->msg = NULL;
	return ret;
}

/* Trace and summary of a request served by communicate(). */
static void finish(struct mm_request *rq, struct trace_event *ev,
		   int64_t ret, int32_t ffa_error)
{
	if (ev != NULL) {
		ev->injected = ev->injected || rq->injected;
	}
	if (rq->trace != NULL) {
		rq->trace->mm_ret = ret;
		trace_summary(ev, rq, ret);
	}
	if (ffa_error != 0) {
		/* Nothing was served: the answer is the FF-A error. */
		const char *err = ffa_error_name(ffa_error);

		trace_event_set_summary(ev, "MM -> FFA_ERROR %s",
					err != NULL ? err : "?");
	}
}

int64_t mm_sp_doorbell(struct mm_sp *mm, uint64_t offset, bool is_64,
		       struct trace_event *ev, int32_t *ffa_error)
{
	struct mm_request rq;
	int64_t ret;

	memset(&rq, 0, sizeof(rq));
	rq.mm = mm;
	rq.mem = mm->mem;
	rq.trace = ev != NULL ? trace_event_mm(ev) : NULL;
	*ffa_error = 0;
	if (rq.trace != NULL) {
		rq.trace->offset = offset;
	}
	mm->doorbells++;
	ret = check_offset(&rq, offset);
	if (ret == MM_RET_SUCCESS) {
		ret = communicate(&rq,
				  is_64 ? FFA_MSG_SEND_DIRECT_REQ_64
					: FFA_MSG_SEND_DIRECT_REQ_32,
				  ffa_error);
	}
	finish(&rq, ev, ret, *ffa_error);
	return ret;
}

int64_t mm_sp_communicate(struct mm_sp *mm, const struct guest_mem *mem,
			  uint64_t addr, uint64_t capacity,
			  uint64_t payload_basis, struct trace_event *ev)
{
	struct mm_request rq;
	int32_t no_ffa_error = 0;
	int64_t ret;

	memset(&rq, 0, sizeof(rq));
	rq.mm = mm;
	rq.mem = mem;
	rq.addr = addr;
	rq.capacity = capacity;
	rq.payload_basis = payload_basis;
	rq.trace = ev != NULL ? trace_event_mm(ev) : NULL;
	if (capacity < MM_COMM_HEADER_SIZE) {
		findings_add(mm->findings, FINDING_FIRMWARE,
			     "mm.offset-outside-buffer",
			     "MM communicate buffer of %llu bytes leaves no "
			     "room for the 24-byte header",
			     (unsigned long long)capacity);
		ret = MM_RET_INVALID_PARAMETER;
	} else {
		ret = communicate(&rq, 0, &no_ffa_error);
	}
	finish(&rq, ev, ret, 0);
	return ret;
}

void mm_sp_buffer(const struct mm_sp *mm, uint64_t *addr, uint64_t *size)
{
	*addr = mm->cfg.buf_addr;
	*size = mm->cfg.buf_size;
}
