/*
 * The OP-TEE message decoder (models/optee_private.h): registered shared
 * memory and its page lists, and the parameters of a message as OP-TEE's
 * core/tee/entry_std.c copy_in_params(), set_tmem_param(),
 * set_rmem_param() and copy_out_param() take them, with the answer OP-TEE
 * gives each malformed one.
 */
#include "models/optee_private.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "common/text.h"


/* A firmware finding about a message, with the message's bytes. */
struct finding *optee_msg_finding(struct msg_call *mc,
				   enum finding_kind kind, const char *code,
				   const char *fmt, ...)
{
	char what[256];
	uint8_t bytes[sizeof(struct optee_msg_arg) +
		      sizeof(struct optee_msg_param) * OPTEE_MSG_MAX_PARAMS];
	size_t n = sizeof(mc->hdr) + sizeof(mc->params[0]) * mc->num_params;
	struct strbuf dump = STRBUF_INIT;
	struct finding *fd;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	fd = findings_add(mc->op->findings, kind, code, "OP-TEE %s", what);
	memcpy(bytes, &mc->hdr, sizeof(mc->hdr));
	memcpy(bytes + sizeof(mc->hdr), mc->params,
	       sizeof(mc->params[0]) * mc->num_params);
	text_append_hexdump(&dump, bytes, n, mc->addr);
	finding_take_detail(fd, &dump);
	fd->address = mc->addr;
	strbuf_free(&dump);
	return fd;
}

/* --- Registered memory ------------------------------------------------- */

bool optee_shm_span_ok(const struct optee_shm *shm, uint64_t off,
			uint64_t len)
{
	return off <= shm->size && len <= shm->size - off;
}

/* Reads or writes [off, off+len) of a registration, page by page. */
static bool shm_access(const struct shm_view *v, uint64_t off, void *buf,
		       size_t len, bool write)
{
	const struct optee_shm *shm = v->shm;
	uint8_t *p = buf;
	uint64_t pos, chunk, done;

	if (!optee_shm_span_ok(shm, off, len)) {
		return false;
	}
	/* Check every page first: an access fails as a whole. */
	for (done = 0; done < len; done += chunk) {
		pos = shm->pgoff + off + done;
		chunk = PAGE_SIZE - pos % PAGE_SIZE;
		chunk = chunk < len - done ? chunk : len - done;
		if (!guest_mem_is_ram(v->op->mem,
				      shm->pages[pos / PAGE_SIZE] +
					      pos % PAGE_SIZE,
				      chunk)) {
			return false;
		}
	}
	for (done = 0; done < len; done += chunk) {
		uint64_t ga;
		bool ok;

		pos = shm->pgoff + off + done;
		chunk = PAGE_SIZE - pos % PAGE_SIZE;
		chunk = chunk < len - done ? chunk : len - done;
		ga = shm->pages[pos / PAGE_SIZE] + pos % PAGE_SIZE;
		ok = write ? guest_mem_write(v->op->mem, ga, p + done,
					     (size_t)chunk)
			   : guest_mem_read(v->op->mem, ga, p + done,
					    (size_t)chunk);
		if (!ok) {
			return false;
		}
	}
	return true;
}

static bool view_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return shm_access(ctx, addr, buf, len, false);
}

static bool view_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	return shm_access(ctx, addr, (void *)(uintptr_t)buf, len, true);
}

static bool view_is_ram(void *ctx, uint64_t addr, uint64_t len)
{
	const struct shm_view *v = ctx;

	return optee_shm_span_ok(v->shm, addr, len);
}

static const struct guest_mem_ops view_ops = {
	.read = view_read,
	.write = view_write,
	.is_ram = view_is_ram,
};

void optee_view_init(struct shm_view *v, const struct optee *op,
		      const struct optee_shm *shm)
{
	v->op = op;
	v->shm = shm;
	v->mem = (struct guest_mem){.ops = &view_ops, .ctx = v};
}

struct optee_shm *optee_shm_find(struct optee *op, uint64_t cookie)
{
	for (size_t i = 0; i < OPTEE_MAX_SHM; i++) {
		if (op->shm[i].used && op->shm[i].cookie == cookie) {
			return &op->shm[i];
		}
	}
	return NULL;
}

void optee_shm_release(struct optee_shm *shm)
{
	free(shm->pages);
	memset(shm, 0, sizeof(*shm));
}

/*
 * Walks a NONCONTIG page list (optee_msg.h OPTEE_MSG_ATTR_NONCONTIG; OP-TEE
 * msg_param_extract_pages()): buf_ptr is the first list page ORed with
 * the buffer's offset in its first page; each list page holds 511 page
 * addresses and, at byte 4088, the next list page.  Fills shm; false with
 * a finding on the first fault (the caller answers BAD_PARAMETERS).
 */
bool optee_read_page_list(struct msg_call *mc, uint64_t buf_ptr,
			   uint64_t size, struct optee_shm *shm)
{
	uint64_t list = buf_ptr & ~PAGE_MASK;
	uint64_t count, entry;
	uint64_t slot = 0;

	if (size == 0 || size > (uint64_t)OPTEE_MAX_SHM_PAGES * PAGE_SIZE) {
		optee_msg_finding(mc, FINDING_FIRMWARE, "optee.page-list-size",
			    "page list for %llu bytes (1..%u pages)",
			    (unsigned long long)size, OPTEE_MAX_SHM_PAGES);
		return false;
	}
	shm->pgoff = buf_ptr & PAGE_MASK;
	shm->size = size;
	count = (size + shm->pgoff - 1) / PAGE_SIZE + 1;
	shm->pages = xcalloc((size_t)count, sizeof(uint64_t));
	shm->page_count = count;
	for (uint64_t i = 0; i < count; i++) {
		if (slot == OPTEE_MSG_NONCONTIG_ENTRIES) {
			if (!guest_mem_read(mc->op->mem,
					    list + OPTEE_MSG_NONCONTIG_NEXT_OFFSET,
					    &list, sizeof(list))) {
				goto not_ram;
			}
			slot = 0;
		}
		if ((list & PAGE_MASK) != 0 ||
		    !guest_mem_read(mc->op->mem, list + slot * 8, &entry,
				    sizeof(entry))) {
			goto not_ram;
		}
		slot++;
		if ((entry & PAGE_MASK) != 0) {
			optee_msg_finding(mc, FINDING_FIRMWARE,
				    "optee.page-list-misaligned",
				    "page list entry %llu is 0x%llx, not a "
				    "4 KiB page address",
				    (unsigned long long)i,
				    (unsigned long long)entry);
			goto fail;
		}
		if (!guest_mem_is_ram(mc->op->mem, entry, PAGE_SIZE)) {
			optee_msg_finding(mc, FINDING_FIRMWARE,
				    "optee.page-list-not-ram",
				    "page list entry %llu (0x%llx) is not "
				    "non-secure RAM",
				    (unsigned long long)i,
				    (unsigned long long)entry);
			goto fail;
		}
		shm->pages[i] = entry;
	}
	return true;

not_ram:
	optee_msg_finding(mc, FINDING_FIRMWARE, "optee.page-list-not-ram",
		    "page list page 0x%llx is not readable RAM",
		    (unsigned long long)list);
fail:
	free(shm->pages);
	shm->pages = NULL;
	return false;
}

/* --- Parameters ------------------------------------------------------- */

bool optee_in_reserved_shm(const struct optee *op, uint64_t pa,
			    uint64_t len)
{
	uint64_t base = op->cfg.reserved_shm_addr;
	uint64_t size = op->cfg.reserved_shm_size;

	return size != 0 && pa >= base && pa - base <= size &&
	       len <= size - (pa - base);
}

/* set_tmem_param(): NULL, a NONCONTIG list, or the reserved pool. */
static uint32_t decode_tmem(struct msg_call *mc, unsigned int n,
			   struct ta_param *tp)
{
	const struct optee_msg_param *p = &mc->params[n];
	uint64_t pa = p->u[0], size = p->u[1];

	if (pa == 0) {
		tp->ref.null = true;
		return TEEC_SUCCESS;
	}
	if ((p->attr & OPTEE_MSG_ATTR_NONCONTIG) != 0) {
		if (!optee_read_page_list(mc, pa, size, &tp->temp)) {
			return TEEC_ERROR_BAD_PARAMETERS;
		}
		tp->temp.used = true;
		optee_view_init(&tp->view, mc->op, &tp->temp);
		tp->ref = (struct memref){.mem = &tp->view.mem, .size = size};
		return TEEC_SUCCESS;
	}
	if (optee_in_reserved_shm(mc->op, pa, size > 0 ? size : 1)) {
		tp->ref = (struct memref){
			.mem = mc->op->mem, .addr = pa, .size = size};
		return TEEC_SUCCESS;
	}
	optee_msg_finding(mc, FINDING_FIRMWARE, "optee.tmem-not-shared-memory",
		    "param %u: temporary memref 0x%llx (+%llu) is neither "
		    "a page list nor in the reserved shared memory",
		    n, (unsigned long long)pa, (unsigned long long)size);
	return TEEC_ERROR_BAD_PARAMETERS;
}

/* set_rmem_param(): a registered cookie, offset and size inside it. */
static uint32_t decode_rmem(struct msg_call *mc, unsigned int n,
			    struct ta_param *tp)
{
	const struct optee_msg_param *p = &mc->params[n];
	uint64_t offs = p->u[0], size = p->u[1], cookie = p->u[2];
	struct optee_shm *shm;

	if (cookie == 0 && size == 0) {
		/*
		 * U-Boot's NULL memref (to_msg_param()).  OP-TEE answers it
		 * BAD_PARAMETERS; the model accepts it so that U-Boot's
		 * enumeration works, and says so.
		 */
		findings_add(mc->op->findings, FINDING_WARNING,
			     "optee.rmem-null-cookie",
			     "OP-TEE param %u: registered memref with cookie 0 "
			     "taken as a NULL memref (OP-TEE would answer "
			     "TEEC_ERROR_BAD_PARAMETERS)",
			     n);
		tp->ref.null = true;
		return TEEC_SUCCESS;
	}
	shm = optee_shm_find(mc->op, cookie);
	if (shm == NULL) {
		optee_msg_finding(mc, FINDING_FIRMWARE, "optee.rmem-not-registered",
			    "param %u: registered memref names cookie 0x%llx, "
			    "which is not registered",
			    n, (unsigned long long)cookie);
		return TEEC_ERROR_BAD_PARAMETERS;
	}
	if (!optee_shm_span_ok(shm, offs, size)) {
		optee_msg_finding(mc, FINDING_FIRMWARE, "optee.memref-outside-shm",
			    "param %u: offset %llu + size %llu runs past the "
			    "%llu registered bytes of cookie 0x%llx",
			    n, (unsigned long long)offs,
			    (unsigned long long)size,
			    (unsigned long long)shm->size,
			    (unsigned long long)cookie);
		return TEEC_ERROR_SECURITY;
	}
	optee_view_init(&tp->view, mc->op, shm);
	tp->ref = (struct memref){
		.mem = &tp->view.mem, .addr = offs, .size = size};
	return TEEC_SUCCESS;
}

/*
 * optee_copy_in_params(): params[first..] become the TA's parameters.  Meta
 * parameters, more than four, and unknown types are BAD_PARAMETERS.
 */
uint32_t optee_copy_in_params(struct msg_call *mc, unsigned int first)
{
	uint32_t res;

	mc->ta_count = mc->num_params - first;
	if (mc->ta_count > OPTEE_TA_PARAMS) {
		optee_msg_finding(mc, FINDING_FIRMWARE, "optee.too-many-params",
			    "%s with %u parameters for the TA (at most 4)",
			    optee_cmd_name(mc->hdr.cmd), mc->ta_count);
		mc->ta_count = 0;
		return TEEC_ERROR_BAD_PARAMETERS;
	}
	for (unsigned int n = first; n < mc->num_params; n++) {
		struct ta_param *tp = &mc->ta[n - first];
		uint64_t attr = mc->params[n].attr;
		uint32_t type = (uint32_t)(attr & OPTEE_MSG_ATTR_TYPE_MASK);

		if ((attr & OPTEE_MSG_ATTR_META) != 0) {
			optee_msg_finding(mc, FINDING_FIRMWARE,
				    "optee.param-meta-misplaced",
				    "param %u is tagged meta outside the "
				    "leading OPEN_SESSION parameters",
				    n);
			return TEEC_ERROR_BAD_PARAMETERS;
		}
		switch (type) {
		case OPTEE_MSG_ATTR_TYPE_NONE:
			tp->type = TA_NONE;
			break;
		case OPTEE_MSG_ATTR_TYPE_VALUE_INPUT:
		case OPTEE_MSG_ATTR_TYPE_VALUE_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_VALUE_INOUT:
			tp->type = (enum ta_type)(TA_VALUE_IN + type -
						  OPTEE_MSG_ATTR_TYPE_VALUE_INPUT);
			tp->a = (uint32_t)mc->params[n].u[0];
			tp->b = (uint32_t)mc->params[n].u[1];
			break;
		case OPTEE_MSG_ATTR_TYPE_TMEM_INPUT:
		case OPTEE_MSG_ATTR_TYPE_TMEM_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_TMEM_INOUT:
			res = decode_tmem(mc, n, tp);
			if (res != TEEC_SUCCESS) {
				return res;
			}
			tp->type = (enum ta_type)(TA_MEMREF_IN + type -
						  OPTEE_MSG_ATTR_TYPE_TMEM_INPUT);
			break;
		case OPTEE_MSG_ATTR_TYPE_RMEM_INPUT:
		case OPTEE_MSG_ATTR_TYPE_RMEM_OUTPUT:
		case OPTEE_MSG_ATTR_TYPE_RMEM_INOUT:
			res = decode_rmem(mc, n, tp);
			if (res != TEEC_SUCCESS) {
				return res;
			}
			tp->type = (enum ta_type)(TA_MEMREF_IN + type -
						  OPTEE_MSG_ATTR_TYPE_RMEM_INPUT);
			break;
		default:
			optee_msg_finding(mc, FINDING_FIRMWARE,
				    "optee.param-type-unknown",
				    "param %u has type 0x%x, which the "
				    "message protocol does not define",
				    n, type);
			return TEEC_ERROR_BAD_PARAMETERS;
		}
	}
	return TEEC_SUCCESS;
}

/* copy_out_param(): sizes of output memrefs, a and b of output values. */
void optee_copy_out_params(struct msg_call *mc, unsigned int first)
{
	for (unsigned int i = 0; i < mc->ta_count; i++) {
		struct optee_msg_param *p = &mc->params[first + i];
		const struct ta_param *tp = &mc->ta[i];

		switch (tp->type) {
		case TA_MEMREF_OUT:
		case TA_MEMREF_INOUT:
			p->u[1] = tp->ref.size; /* tmem.size == rmem.size */
			break;
		case TA_VALUE_OUT:
		case TA_VALUE_INOUT:
			p->u[0] = tp->a;
			p->u[1] = tp->b;
			break;
		default:
			break;
		}
	}
}

void optee_release_params(struct msg_call *mc)
{
	for (unsigned int i = 0; i < OPTEE_TA_PARAMS; i++) {
		if (mc->ta[i].temp.used) {
			optee_shm_release(&mc->ta[i].temp);
		}
	}
}

bool optee_types_are(const struct msg_call *mc, const enum ta_type want[4])
{
	for (unsigned int i = 0; i < OPTEE_TA_PARAMS; i++) {
		enum ta_type t = i < mc->ta_count ? mc->ta[i].type : TA_NONE;

		if (t != want[i]) {
			return false;
		}
	}
	return true;
}

/* Applies an injected truncation to an output memref; true if it fired. */
bool optee_truncate_output(struct msg_call *mc, struct ta_param *tp)
{
	struct inject_rule *rule = NULL;

	if (mc->op->inj != NULL) {
		rule = inject_optee(mc->op->inj, INJECT_KIND_OPTEE_TRUNCATED,
				    mc->fid, mc->hdr.cmd, mc->mm_function);
	}
	if (rule == NULL) {
		return false;
	}
	if ((uint64_t)rule->code < tp->ref.size) {
		tp->ref.size = (uint64_t)rule->code;
	}
	if (mc->smc->event != NULL) {
		mc->smc->event->injected = true;
	}
	return true;
}

