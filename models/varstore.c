/*
 * UEFI variable store of the MM secure partition.
 *
 * Interface: the EFI variable services as the SMM variable protocol carries
 * them (GetVariable, GetNextVariableName, SetVariable, QueryVariableInfo,
 * READY_TO_BOOT, EXIT_BOOT_SERVICE, VAR_CHECK_VARIABLE_PROPERTY_SET/GET),
 * called by models/mm_sp.c after it has decoded an MM request, and by the
 * Check tests directly.  Every service returns an EFI_STATUS.
 *
 * Facts: ../shared/reference/ffa-mm-protocol.md section 6 (EDK2 Variable.c,
 * VariableSmm.c and VarCheckLib; Trusted Services' uefi_variable_store.c).
 * Where EDK2 and Trusted Services (TS) differ, EDK2 is followed unless a
 * comment at the spot says otherwise; docs/variable-store.md lists every
 * choice.
 *
 * Not modelled: authenticated variables (no key database, so AT and AW are
 * refused), hardware error records (no HR storage), EFI_SIGNATURE_LIST
 * de-duplication on append, reclaim and flash wear, the runtime cache.
 *
 * Invariants, kept by every function in this file:
 * - `vars` is in enumeration order: creation order; an update or an append
 *   keeps a variable's position, a delete removes it.
 * - A stored name holds the code units up to the caller's first NUL plus
 *   that NUL, so that `name_size` is what the name costs and what
 *   GetNextVariableName reports.
 * - `used[CLASS_NV]` and `used[CLASS_VOLATILE]` are the sums of
 *   var_cost() over the stored variables of each class; QueryVariableInfo
 *   reports from them, so its figures always move by exactly the cost of a
 *   change.
 * - Stored attributes never include APPEND_WRITE.
 * - Properties are a separate list: they may exist without a variable and
 *   cost no storage.
 */
#include "models/varstore.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/strbuf.h"
#include "common/text.h"

#define ATTR_NV EFI_VARIABLE_NON_VOLATILE
#define ATTR_BS EFI_VARIABLE_BOOTSERVICE_ACCESS
#define ATTR_RT EFI_VARIABLE_RUNTIME_ACCESS
#define ATTR_HR EFI_VARIABLE_HARDWARE_ERROR_RECORD
#define ATTR_AW EFI_VARIABLE_AUTHENTICATED_WRITE_ACCESS
#define ATTR_AT EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS
#define ATTR_AP EFI_VARIABLE_APPEND_WRITE
#define ATTR_EA EFI_VARIABLE_ENHANCED_AUTHENTICATED_ACCESS
/* NV|BS|RT|HR|AW|AT|AP|EA: every other bit is reserved. */
#define ATTR_KNOWN EFI_VARIABLE_MASK

#define CLASS_VOLATILE 0
#define CLASS_NV 1

/* The first line of every file: format name and version. */
#define FILE_HEADER "ffa-harness-varstore 1"
/* Larger files are refused before reading: no store needs that much. */
#define FILE_MAX_BYTES (64u * 1024u * 1024u)
#define FILE_FIELDS_MAX 8

struct var {
	uint16_t *name;      /* code units, NUL-terminated */
	size_t name_size;    /* bytes, NUL included */
	struct efi_guid guid;
	uint32_t attributes; /* never APPEND_WRITE */
	uint8_t *data;       /* NULL when data_size is 0 */
	uint64_t data_size;
};

struct prop {
	uint16_t *name;
	size_t name_size;
	struct efi_guid guid;
	struct mm_var_check_property property;
};

struct var_list {
	struct var *items;
	size_t count;
	size_t cap;
};

struct prop_list {
	struct prop *items;
	size_t count;
	size_t cap;
};

struct varstore {
	struct varstore_config cfg;
	enum varstore_phase phase;
	struct var_list vars;
	struct prop_list props;
	uint64_t used[2]; /* indexed by CLASS_VOLATILE, CLASS_NV */
};

/* How an attribute rule recognises the attributes it refuses. */
enum attr_match {
	ATTR_MATCH_ANY,   /* any bit of mask is set */
	ATTR_MATCH_EQUAL, /* (attributes & mask) == value */
};

/*
 * One row of an attribute check.  The rows of a table are tried in order
 * and the first that matches decides the status, so the order of a table
 * is the order of precedence between its rules.
 */
struct attr_rule {
	enum attr_match match;
	uint32_t mask;
	uint32_t value;
	bool runtime_only; /* applies only after EXIT_BOOT_SERVICE */
	uint64_t status;
	const char *why;
};

/*
 * SetVariable attribute rules, section 6.3, in the order the brief and
 * EDK2's VariableServiceSetVariable() apply them.
 */
static const struct attr_rule set_rules[] = {
	{ATTR_MATCH_ANY, ~ATTR_KNOWN, 0, false, EFI_INVALID_PARAMETER,
	 "reserved attribute bit"},
	/* Deprecated; refused outright by TS and by EDK2. */
	{ATTR_MATCH_ANY, ATTR_AW, 0, false, EFI_UNSUPPORTED,
	 "AUTHENTICATED_WRITE_ACCESS is not supported"},
	/* TS: UNSUPPORTED; EDK2 has no such bit. */
	{ATTR_MATCH_ANY, ATTR_EA, 0, false, EFI_UNSUPPORTED,
	 "ENHANCED_AUTHENTICATED_ACCESS is not supported"},
	/* EDK2 without a key database (no AuthVariableLib support). */
	{ATTR_MATCH_ANY, ATTR_AT, 0, false, EFI_INVALID_PARAMETER,
	 "TIME_BASED_AUTHENTICATED_WRITE_ACCESS needs a key database"},
	/* EDK2 with PcdHwErrStorageSize == 0. */
	{ATTR_MATCH_ANY, ATTR_HR, 0, false, EFI_INVALID_PARAMETER,
	 "HARDWARE_ERROR_RECORD has no storage"},
	{ATTR_MATCH_EQUAL, ATTR_BS | ATTR_RT, ATTR_RT, false,
	 EFI_INVALID_PARAMETER, "RUNTIME_ACCESS without BOOTSERVICE_ACCESS"},
	{ATTR_MATCH_EQUAL, ATTR_NV | ATTR_BS | ATTR_RT, ATTR_NV, false,
	 EFI_INVALID_PARAMETER, "NON_VOLATILE without an access attribute"},
};

/*
 * Extra rules for a variable read from a file: what SetVariable would
 * refuse (set_rules) and what it could never store.
 */
static const struct attr_rule stored_rules[] = {
	{ATTR_MATCH_ANY, ATTR_AP, 0, false, EFI_INVALID_PARAMETER,
	 "APPEND_WRITE is never stored"},
	{ATTR_MATCH_EQUAL, ATTR_BS | ATTR_RT, 0, false, EFI_INVALID_PARAMETER,
	 "no access attribute"},
};

/*
 * QueryVariableInfo attribute rules, section 6.6, in the brief's order.
 * APPEND_WRITE is ignored, as EDK2's EFI_VARIABLE_ATTRIBUTES_MASK lets it
 * through.
 */
static const struct attr_rule query_rules[] = {
	{ATTR_MATCH_EQUAL, UINT32_MAX, 0, false, EFI_INVALID_PARAMETER,
	 "no attributes"},
	{ATTR_MATCH_ANY, ATTR_AW, 0, false, EFI_UNSUPPORTED,
	 "AUTHENTICATED_WRITE_ACCESS is not supported"},
	{ATTR_MATCH_ANY, ATTR_AT, 0, false, EFI_UNSUPPORTED,
	 "no authenticated variables"},
	{ATTR_MATCH_ANY, ATTR_HR, 0, false, EFI_UNSUPPORTED,
	 "no hardware error record storage"},
	{ATTR_MATCH_ANY, ~ATTR_KNOWN, 0, false, EFI_INVALID_PARAMETER,
	 "reserved attribute bit"},
	/* The reference is silent; UNSUPPORTED as for SetVariable (TS). */
	{ATTR_MATCH_ANY, ATTR_EA, 0, false, EFI_UNSUPPORTED,
	 "ENHANCED_AUTHENTICATED_ACCESS is not supported"},
	{ATTR_MATCH_EQUAL, ATTR_NV | ATTR_BS | ATTR_RT, 0, false,
	 EFI_UNSUPPORTED, "no storage class attribute"},
	{ATTR_MATCH_EQUAL, ATTR_NV | ATTR_BS | ATTR_RT, ATTR_NV, false,
	 EFI_INVALID_PARAMETER, "NON_VOLATILE without an access attribute"},
	{ATTR_MATCH_EQUAL, ATTR_BS | ATTR_RT, ATTR_RT, false,
	 EFI_INVALID_PARAMETER, "RUNTIME_ACCESS without BOOTSERVICE_ACCESS"},
	{ATTR_MATCH_EQUAL, ATTR_RT, 0, true, EFI_INVALID_PARAMETER,
	 "no RUNTIME_ACCESS at runtime"},
};

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/*
 * attr_rules_find() - First rule of a table that refuses attributes.
 * @rules, @count: the table.
 * @attributes: the caller's attributes.
 * @runtime: whether rows marked runtime_only apply.
 *
 * Return: the matching row, or NULL when no rule refuses the attributes.
 */
static const struct attr_rule *attr_rules_find(const struct attr_rule *rules,
					       size_t count,
					       uint32_t attributes,
					       bool runtime)
{
	for (size_t i = 0; i < count; i++) {
		const struct attr_rule *r = &rules[i];
		bool hit;

		if (r->runtime_only && !runtime) {
			continue;
		}
		if (r->match == ATTR_MATCH_ANY) {
			hit = (attributes & r->mask) != 0;
		} else {
			hit = (attributes & r->mask) == r->value;
		}
		if (hit) {
			return r;
		}
	}
	return NULL;
}

/*
 * add_u64() - Overflow-checked addition.
 *
 * Return: true with *sum = a + b, or false when the sum does not fit.
 */
static bool add_u64(uint64_t a, uint64_t b, uint64_t *sum)
{
	if (a > UINT64_MAX - b) {
		return false;
	}
	*sum = a + b;
	return true;
}

/*
 * var_cost() - Storage a variable costs, as QueryVariableInfo accounts it:
 * VARSTORE_ENTRY_OVERHEAD + name_size + data_size.
 *
 * Return: true with *cost set, or false when the sum overflows (the caller
 * then refuses the size).
 */
static bool var_cost(uint64_t name_size, uint64_t data_size, uint64_t *cost)
{
	uint64_t sum;

	return add_u64(VARSTORE_ENTRY_OVERHEAD, name_size, &sum) &&
	       add_u64(sum, data_size, cost);
}

static int attr_class(uint32_t attributes)
{
	return (attributes & ATTR_NV) != 0 ? CLASS_NV : CLASS_VOLATILE;
}

static uint64_t class_capacity(const struct varstore *vs, int cls)
{
	return cls == CLASS_NV ? vs->cfg.nv_capacity
			       : vs->cfg.volatile_capacity;
}

/*
 * fits() - Whether a class can hold extra bytes on top of used.
 *
 * Return: true when used + extra <= the class capacity, without overflow.
 */
static bool fits(const struct varstore *vs, int cls, uint64_t used,
		 uint64_t extra)
{
	uint64_t total;

	return add_u64(used, extra, &total) &&
	       total <= class_capacity(vs, cls);
}

static size_t clamp_size(uint64_t v)
{
	return v > (uint64_t)SIZE_MAX ? SIZE_MAX : (size_t)v;
}

/*
 * name_check() - Validates a caller's UCS-2 name, sections 6.3 and 6.4.
 * @name: the name; @size: its size in bytes.
 * @empty_status: what an empty name (first code unit NUL) returns.
 * @units: out, code units before the first NUL.
 *
 * The name is the code units up to the first NUL within size; anything
 * after that NUL is ignored (EDK2 uses StrSize() of the name too).
 *
 * Return: EFI_SUCCESS; EFI_INVALID_PARAMETER when name is NULL, size is
 * odd or below one code unit, or no NUL lies within size; empty_status for
 * an empty name.
 */
static uint64_t name_check(const uint16_t *name, size_t size,
			   uint64_t empty_status, size_t *units)
{
	long len;

	if (name == NULL || size < sizeof(uint16_t) || size % 2 != 0) {
		return EFI_INVALID_PARAMETER;
	}
	len = text_ucs2_length(name, size);
	if (len < 0) {
		return EFI_INVALID_PARAMETER;
	}
	if (len == 0) {
		return empty_status;
	}
	*units = (size_t)len;
	return EFI_SUCCESS;
}

/* Whether a stored name equals the first units code units of name. */
static bool name_equal(const uint16_t *stored, size_t stored_size,
		       const uint16_t *name, size_t units)
{
	return stored_size == (units + 1) * sizeof(uint16_t) &&
	       memcmp(stored, name, units * sizeof(uint16_t)) == 0;
}

static uint16_t *name_copy(const uint16_t *name, size_t units)
{
	uint16_t *copy = xmalloc((units + 1) * sizeof(uint16_t));

	memcpy(copy, name, units * sizeof(uint16_t));
	copy[units] = 0;
	return copy;
}

static void var_release(struct var *v)
{
	free(v->name);
	free(v->data);
}

static void var_list_push(struct var_list *l, const struct var *v)
{
	if (l->count == l->cap) {
		l->cap = l->cap != 0 ? l->cap * 2 : 16;
		l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
	}
	l->items[l->count++] = *v;
}

static void var_list_clear(struct var_list *l)
{
	for (size_t i = 0; i < l->count; i++) {
		var_release(&l->items[i]);
	}
	free(l->items);
	l->items = NULL;
	l->count = 0;
	l->cap = 0;
}

static void prop_list_push(struct prop_list *l, const struct prop *p)
{
	if (l->count == l->cap) {
		l->cap = l->cap != 0 ? l->cap * 2 : 16;
		l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
	}
	l->items[l->count++] = *p;
}

static void prop_list_clear(struct prop_list *l)
{
	for (size_t i = 0; i < l->count; i++) {
		free(l->items[i].name);
	}
	free(l->items);
	l->items = NULL;
	l->count = 0;
	l->cap = 0;
}

/*
 * var_index() - Position of a variable in a list, whatever the phase.
 *
 * Return: true with *index set, or false when name+guid is not stored.
 */
static bool var_index(const struct var_list *l, const uint16_t *name,
		      size_t units, const struct efi_guid *guid,
		      size_t *index)
{
	for (size_t i = 0; i < l->count; i++) {
		const struct var *v = &l->items[i];

		if (name_equal(v->name, v->name_size, name, units) &&
		    efi_guid_equal(&v->guid, guid)) {
			*index = i;
			return true;
		}
	}
	return false;
}

static struct var *var_find(struct varstore *vs, const uint16_t *name,
			    size_t units, const struct efi_guid *guid)
{
	size_t i;

	return var_index(&vs->vars, name, units, guid, &i) ? &vs->vars.items[i]
							   : NULL;
}

static struct prop *prop_find(const struct prop_list *l,
			      const uint16_t *name, size_t units,
			      const struct efi_guid *guid)
{
	for (size_t i = 0; i < l->count; i++) {
		struct prop *p = &l->items[i];

		if (name_equal(p->name, p->name_size, name, units) &&
		    efi_guid_equal(&p->guid, guid)) {
			return p;
		}
	}
	return NULL;
}

/*
 * After EXIT_BOOT_SERVICE a variable without RUNTIME_ACCESS is invisible
 * to every service (EDK2 FindVariableEx() at runtime; TS).
 */
static bool var_visible(const struct varstore *vs, const struct var *v)
{
	return vs->phase != VARSTORE_PHASE_RUNTIME ||
	       (v->attributes & ATTR_RT) != 0;
}

static uint64_t var_cost_of(const struct var *v)
{
	uint64_t cost = 0;

	/* Stored variables were admitted with a cost that fits. */
	(void)var_cost(v->name_size, v->data_size, &cost);
	return cost;
}

static void view_fill(const struct var *v, struct varstore_entry_view *out)
{
	out->name = v->name;
	out->name_size = v->name_size;
	out->guid = v->guid;
	out->attributes = v->attributes;
	out->data = v->data;
	out->data_size = v->data_size;
}

/* Documented in models/varstore.h. */
void varstore_config_default(struct varstore_config *cfg)
{
	cfg->nv_capacity = 64 * 1024;
	cfg->volatile_capacity = 64 * 1024;
	cfg->max_variable_size = 8 * 1024;
}

/*
 * varstore_new() - An empty store in VARSTORE_PHASE_BOOT.
 * @cfg: capacities; NULL means varstore_config_default().
 *
 * Return: the store (never NULL: allocation failure aborts).
 */
struct varstore *varstore_new(const struct varstore_config *cfg)
{
	struct varstore *vs = xcalloc(1, sizeof(*vs));

	if (cfg != NULL) {
		vs->cfg = *cfg;
	} else {
		varstore_config_default(&vs->cfg);
	}
	vs->phase = VARSTORE_PHASE_BOOT;
	return vs;
}

/* varstore_free() - Frees a store and everything in it; NULL is a no-op. */
void varstore_free(struct varstore *vs)
{
	if (vs == NULL) {
		return;
	}
	var_list_clear(&vs->vars);
	prop_list_clear(&vs->props);
	free(vs);
}

/*
 * varstore_get() - GetVariable, section 6.4.
 *
 * Pointer and name-format problems are checked before the empty-name rule,
 * so an empty name with a NULL guid is INVALID_PARAMETER.
 *
 * Return:
 * * EFI_SUCCESS - data, *data_size and *attributes (if not NULL) written.
 * * EFI_INVALID_PARAMETER - name, guid or data_size NULL; name_size odd or
 *   without a NUL; data NULL although *data_size is large enough.
 * * EFI_NOT_FOUND - empty name; no such variable; at runtime, a variable
 *   without RUNTIME_ACCESS.
 * * EFI_BUFFER_TOO_SMALL - *data_size below the variable's size; *data_size
 *   and *attributes (if not NULL) are then set.
 */
uint64_t varstore_get(struct varstore *vs, const uint16_t *name,
		      size_t name_size, const struct efi_guid *guid,
		      uint32_t *attributes, uint64_t *data_size, void *data)
{
	const struct var *v;
	size_t units = 0;
	uint64_t status;

	if (name == NULL || guid == NULL || data_size == NULL) {
		return EFI_INVALID_PARAMETER;
	}
	status = name_check(name, name_size, EFI_NOT_FOUND, &units);
	if (status != EFI_SUCCESS) {
		return status;
	}
	v = var_find(vs, name, units, guid);
	if (v == NULL || !var_visible(vs, v)) {
		return EFI_NOT_FOUND;
	}
	if (*data_size < v->data_size) {
		/* UEFI 2.7+: the attributes come back with the size. */
		*data_size = v->data_size;
		if (attributes != NULL) {
			*attributes = v->attributes;
		}
		return EFI_BUFFER_TOO_SMALL;
	}
	/* EDK2 refuses a NULL buffer even for a variable of size 0. */
	if (data == NULL) {
		return EFI_INVALID_PARAMETER;
	}
	if (v->data_size != 0) {
		memcpy(data, v->data, (size_t)v->data_size);
	}
	*data_size = v->data_size;
	if (attributes != NULL) {
		*attributes = v->attributes;
	}
	return EFI_SUCCESS;
}

/*
 * varstore_get_next() - GetNextVariableName, section 6.5.
 *
 * *name_size is the size of the caller's buffer; an odd size is not an
 * error here (it is a buffer size, not a name size): the last byte is
 * ignored when looking for the NUL.
 *
 * Return:
 * * EFI_SUCCESS - next variable's name, guid and *name_size written.
 * * EFI_INVALID_PARAMETER - name_size, name or guid NULL; no NUL within
 *   *name_size; name+guid not a variable the caller can see.
 * * EFI_NOT_FOUND - no visible variable after the given one.
 * * EFI_BUFFER_TOO_SMALL - *name_size set to the size needed; name and
 *   guid untouched.
 */
uint64_t varstore_get_next(struct varstore *vs, uint16_t *name,
			   uint64_t *name_size, struct efi_guid *guid)
{
	size_t start = 0;
	long len;

	if (name_size == NULL || name == NULL || guid == NULL) {
		return EFI_INVALID_PARAMETER;
	}
	len = text_ucs2_length(name, clamp_size(*name_size));
	if (len < 0) {
		return EFI_INVALID_PARAMETER;
	}
	if (len > 0) {
		size_t i;

		if (!var_index(&vs->vars, name, (size_t)len, guid, &i) ||
		    !var_visible(vs, &vs->vars.items[i])) {
			return EFI_INVALID_PARAMETER;
		}
		start = i + 1;
	}
	for (size_t i = start; i < vs->vars.count; i++) {
		const struct var *v = &vs->vars.items[i];

		if (!var_visible(vs, v)) {
			continue;
		}
		if (*name_size < v->name_size) {
			*name_size = v->name_size;
			return EFI_BUFFER_TOO_SMALL;
		}
		memcpy(name, v->name, v->name_size);
		*guid = v->guid;
		*name_size = v->name_size;
		return EFI_SUCCESS;
	}
	return EFI_NOT_FOUND;
}

/*
 * is_delete() - Whether a SetVariable request deletes, section 6.3: size 0
 * without APPEND_WRITE, or neither BOOTSERVICE nor RUNTIME access (which
 * includes attributes 0).
 */
static bool is_delete(uint32_t attributes, uint64_t data_size)
{
	return (data_size == 0 && (attributes & ATTR_AP) == 0) ||
	       (attributes & (ATTR_BS | ATTR_RT)) == 0;
}

/*
 * property_check() - VarCheck rules of SetVariable (EDK2 VarCheckLib
 * SetVariableCheck; TS variable_checker_check_on_set()), section 6.7.
 *
 * For an append the size checked is that of the appended chunk, as EDK2
 * checks the request's DataSize.
 *
 * Return: EFI_SUCCESS; EFI_WRITE_PROTECTED for a READ_ONLY variable (also
 * for a delete); EFI_INVALID_PARAMETER when, for a write that is not a
 * delete, the property's non-zero attributes differ from the request's
 * (ignoring APPEND_WRITE; EDK2) or a non-zero data_size lies outside
 * [min_size, max_size].
 */
static uint64_t property_check(const struct prop *p, uint32_t attributes,
			       uint64_t data_size, bool del)
{
	const struct mm_var_check_property *vp;

	if (p == NULL) {
		return EFI_SUCCESS;
	}
	vp = &p->property;
	if ((vp->property & MM_VAR_CHECK_READ_ONLY) != 0) {
		return EFI_WRITE_PROTECTED;
	}
	if (del) {
		return EFI_SUCCESS;
	}
	if (vp->attributes != 0 && (attributes & ~ATTR_AP) != vp->attributes) {
		return EFI_INVALID_PARAMETER;
	}
	if (data_size != 0 &&
	    (data_size < vp->min_size || data_size > vp->max_size)) {
		return EFI_INVALID_PARAMETER;
	}
	return EFI_SUCCESS;
}

/*
 * runtime_check() - SetVariable rules after EXIT_BOOT_SERVICE, section 6.3.
 * @v: the stored variable of that name+guid, or NULL.
 *
 * A variable without RUNTIME_ACCESS is invisible at runtime.  Deleting it
 * is EFI_NOT_FOUND, as for a name that does not exist, so that the status
 * does not reveal it.  Writing to its name is EFI_WRITE_PROTECTED when the
 * request asks for NV+RT (the OS may not replace a boot-services variable
 * it cannot see; EDK2's SetVariable pre-check) and otherwise falls under
 * the creation rule (EFI_INVALID_PARAMETER).
 *
 * Return: EFI_SUCCESS when the request may proceed; EFI_NOT_FOUND for a
 * delete of an invisible variable; EFI_WRITE_PROTECTED for an existing
 * volatile variable or for an invisible one written with NV+RT;
 * EFI_INVALID_PARAMETER for a creation without both NV and RT, or for an
 * invisible variable written without them.
 */
static uint64_t runtime_check(const struct var *v, uint32_t attributes,
			      bool del)
{
	const uint32_t nv_rt = ATTR_NV | ATTR_RT;

	if (v != NULL && (v->attributes & ATTR_RT) == 0 && del) {
		return EFI_NOT_FOUND;
	}
	if (v != NULL && (v->attributes & ATTR_RT) == 0) {
		return (attributes & nv_rt) == nv_rt ? EFI_WRITE_PROTECTED
						     : EFI_INVALID_PARAMETER;
	}
	if (v == NULL) {
		/* A delete of nothing goes on to EFI_NOT_FOUND. */
		if (!del && (attributes & nv_rt) != nv_rt) {
			return EFI_INVALID_PARAMETER;
		}
		return EFI_SUCCESS;
	}
	/* EDK2 UpdateVariable(): volatile variables are read-only now. */
	if ((v->attributes & ATTR_NV) == 0) {
		return EFI_WRITE_PROTECTED;
	}
	return EFI_SUCCESS;
}

/* Removes the variable at index, keeping the order of the others. */
static void var_remove(struct varstore *vs, size_t index)
{
	struct var *v = &vs->vars.items[index];

	vs->used[attr_class(v->attributes)] -= var_cost_of(v);
	var_release(v);
	memmove(v, v + 1, (vs->vars.count - index - 1) * sizeof(*v));
	vs->vars.count--;
}

static uint8_t *data_copy(const void *data, uint64_t data_size)
{
	uint8_t *copy;

	if (data_size == 0) {
		return NULL;
	}
	copy = xmalloc((size_t)data_size);
	memcpy(copy, data, (size_t)data_size);
	return copy;
}

/*
 * var_create() - Appends a new variable at the end of enumeration order.
 *
 * Return: EFI_SUCCESS, or EFI_OUT_OF_RESOURCES (store unchanged) when the
 * class is full.
 */
static uint64_t var_create(struct varstore *vs, const uint16_t *name,
			   size_t units, const struct efi_guid *guid,
			   uint32_t attributes, uint64_t data_size,
			   const void *data, uint64_t cost)
{
	int cls = attr_class(attributes);
	struct var v;

	if (!fits(vs, cls, vs->used[cls], cost)) {
		return EFI_OUT_OF_RESOURCES;
	}
	v.name = name_copy(name, units);
	v.name_size = (units + 1) * sizeof(uint16_t);
	v.guid = *guid;
	v.attributes = attributes & ~ATTR_AP;
	v.data = data_copy(data, data_size);
	v.data_size = data_size;
	var_list_push(&vs->vars, &v);
	vs->used[cls] += cost;
	return EFI_SUCCESS;
}

/*
 * var_append() - APPEND_WRITE onto an existing variable.  Data is simply
 * concatenated: EDK2's EFI_SIGNATURE_LIST de-duplication is not modelled.
 *
 * Return: EFI_SUCCESS; EFI_INVALID_PARAMETER when the result would exceed
 * max_variable_size (EDK2 UpdateVariable()); EFI_OUT_OF_RESOURCES when the
 * class cannot hold the growth.  The variable is unchanged on error.
 */
static uint64_t var_append(struct varstore *vs, struct var *v,
			   uint64_t data_size, const void *data)
{
	int cls = attr_class(v->attributes);
	uint64_t old_cost = var_cost_of(v);
	uint64_t new_size;
	uint64_t new_cost;

	if (!add_u64(v->data_size, data_size, &new_size) ||
	    !var_cost(v->name_size, new_size, &new_cost) ||
	    new_cost > vs->cfg.max_variable_size) {
		return EFI_INVALID_PARAMETER;
	}
	if (!fits(vs, cls, vs->used[cls], new_cost - old_cost)) {
		return EFI_OUT_OF_RESOURCES;
	}
	v->data = xrealloc(v->data, (size_t)new_size);
	memcpy(v->data + v->data_size, data, (size_t)data_size);
	v->data_size = new_size;
	vs->used[cls] += new_cost - old_cost;
	return EFI_SUCCESS;
}

/*
 * var_replace() - Replaces the data of an existing variable in place.
 *
 * Return: EFI_SUCCESS, or EFI_OUT_OF_RESOURCES (unchanged) when the class
 * cannot hold the new size.
 */
static uint64_t var_replace(struct varstore *vs, struct var *v,
			    uint64_t data_size, const void *data,
			    uint64_t cost)
{
	int cls = attr_class(v->attributes);
	uint64_t others = vs->used[cls] - var_cost_of(v);

	if (!fits(vs, cls, others, cost)) {
		return EFI_OUT_OF_RESOURCES;
	}
	free(v->data);
	v->data = data_copy(data, data_size);
	v->data_size = data_size;
	vs->used[cls] = others + cost;
	return EFI_SUCCESS;
}

/*
 * varstore_set() - SetVariable: create, update, append, delete; section 6.3.
 *
 * Checks, in order: name; guid; data; attribute rules (set_rules); size
 * against max_variable_size; VarCheck property; runtime rules; then the
 * operation itself.
 *
 * Return:
 * * EFI_SUCCESS - done; also for an identical rewrite and for an append of
 *   0 bytes (existing variable or not), which change nothing.
 * * EFI_INVALID_PARAMETER - bad name (NULL, size < 2, odd, no NUL, empty),
 *   guid NULL, data NULL with data_size != 0, a refused attribute
 *   combination (set_rules), cost above max_variable_size (also after an
 *   append), a property's size or attribute limits, an existing variable
 *   with other attributes, a runtime creation without NV and RT.
 * * EFI_UNSUPPORTED - AUTHENTICATED_WRITE_ACCESS or ENHANCED_AUTHENTICATED.
 * * EFI_WRITE_PROTECTED - READ_ONLY property; at runtime, an existing
 *   volatile variable or an invisible one written with NV+RT.
 * * EFI_NOT_FOUND - delete of a variable that does not exist.
 * * EFI_OUT_OF_RESOURCES - the class is full; nothing changed.
 */
uint64_t varstore_set(struct varstore *vs, const uint16_t *name,
		      size_t name_size, const struct efi_guid *guid,
		      uint32_t attributes, uint64_t data_size,
		      const void *data)
{
	const struct attr_rule *rule;
	struct var *v;
	size_t units = 0;
	uint64_t cost;
	uint64_t status;
	bool del;

	status = name_check(name, name_size, EFI_INVALID_PARAMETER, &units);
	if (status != EFI_SUCCESS) {
		return status;
	}
	if (guid == NULL) {
		return EFI_INVALID_PARAMETER;
	}
	if (data_size != 0 && data == NULL) {
		return EFI_INVALID_PARAMETER;
	}
	rule = attr_rules_find(set_rules, ARRAY_COUNT(set_rules), attributes,
			       false);
	if (rule != NULL) {
		return rule->status;
	}
	/* EDK2 checks the size of every request, deletes included. */
	if (!var_cost((units + 1) * sizeof(uint16_t), data_size, &cost) ||
	    cost > vs->cfg.max_variable_size ||
	    clamp_size(data_size) != data_size) {
		return EFI_INVALID_PARAMETER;
	}
	del = is_delete(attributes, data_size);
	status = property_check(prop_find(&vs->props, name, units, guid),
				attributes, data_size, del);
	if (status != EFI_SUCCESS) {
		return status;
	}
	v = var_find(vs, name, units, guid);
	if (vs->phase == VARSTORE_PHASE_RUNTIME) {
		status = runtime_check(v, attributes, del);
		if (status != EFI_SUCCESS) {
			return status;
		}
	}
	if (v == NULL) {
		if (del) {
			return EFI_NOT_FOUND;
		}
		if (data_size == 0) {
			/* APPEND_WRITE of nothing: EDK2 succeeds, no-op. */
			return EFI_SUCCESS;
		}
		return var_create(vs, name, units, guid, attributes, data_size,
				  data, cost);
	}
	if (del) {
		/*
		 * A delete is not refused for differing attributes (the
		 * brief's rule); EDK2 would refuse a size-0 delete whose
		 * non-zero attributes differ.
		 */
		var_remove(vs, (size_t)(v - vs->vars.items));
		return EFI_SUCCESS;
	}
	if ((attributes & ~ATTR_AP) != v->attributes) {
		return EFI_INVALID_PARAMETER;
	}
	if ((attributes & ATTR_AP) != 0) {
		if (data_size == 0) {
			return EFI_SUCCESS;
		}
		return var_append(vs, v, data_size, data);
	}
	if (v->data_size == data_size &&
	    memcmp(v->data, data, (size_t)data_size) == 0) {
		/* Identical rewrite: no storage write (EDK2). */
		return EFI_SUCCESS;
	}
	return var_replace(vs, v, data_size, data, cost);
}

/*
 * varstore_query() - QueryVariableInfo, section 6.6.
 *
 * Figures are for the class NON_VOLATILE selects: the capacity, the
 * capacity minus what is used (at least 0), and the largest name + data a
 * new variable could have: min(max_variable_size, remaining) minus
 * VARSTORE_ENTRY_OVERHEAD, at least 0.
 *
 * Return: EFI_SUCCESS with the three figures; EFI_INVALID_PARAMETER for a
 * NULL output or attributes refused by query_rules; EFI_UNSUPPORTED for
 * AW, AT, HR, EA or no storage-class attribute.
 */
uint64_t varstore_query(struct varstore *vs, uint32_t attributes,
			uint64_t *max_storage, uint64_t *remaining,
			uint64_t *max_variable_size)
{
	const struct attr_rule *rule;
	int cls = attr_class(attributes);
	uint64_t cap;
	uint64_t left;
	uint64_t largest;

	if (max_storage == NULL || remaining == NULL ||
	    max_variable_size == NULL) {
		return EFI_INVALID_PARAMETER;
	}
	rule = attr_rules_find(query_rules, ARRAY_COUNT(query_rules),
			       attributes,
			       vs->phase == VARSTORE_PHASE_RUNTIME);
	if (rule != NULL) {
		return rule->status;
	}
	cap = class_capacity(vs, cls);
	left = cap > vs->used[cls] ? cap - vs->used[cls] : 0;
	largest = vs->cfg.max_variable_size < left ? vs->cfg.max_variable_size
						   : left;
	*max_storage = cap;
	*remaining = left;
	*max_variable_size = largest > VARSTORE_ENTRY_OVERHEAD
				     ? largest - VARSTORE_ENTRY_OVERHEAD
				     : 0;
	return EFI_SUCCESS;
}

/*
 * varstore_ready_to_boot() - READY_TO_BOOT notification (EDK2: EndOfDxe
 * processing, which locks VarCheck properties), section 6.8.
 *
 * Return: EFI_SUCCESS (phase READY_TO_BOOT; again SUCCESS if repeated);
 * EFI_UNSUPPORTED at runtime (EDK2).
 */
uint64_t varstore_ready_to_boot(struct varstore *vs)
{
	if (vs->phase == VARSTORE_PHASE_RUNTIME) {
		return EFI_UNSUPPORTED;
	}
	vs->phase = VARSTORE_PHASE_READY_TO_BOOT;
	return EFI_SUCCESS;
}

/*
 * varstore_exit_boot_services() - EXIT_BOOT_SERVICE notification, section
 * 6.8.  Switches to runtime, which implies the end of DXE.  Repeating it
 * at runtime changes nothing and succeeds (neither EDK2 nor TS refuse it).
 *
 * Return: EFI_SUCCESS.
 */
uint64_t varstore_exit_boot_services(struct varstore *vs)
{
	vs->phase = VARSTORE_PHASE_RUNTIME;
	return EFI_SUCCESS;
}

/* varstore_phase() - Current phase.  Return: the phase. */
enum varstore_phase varstore_phase(const struct varstore *vs)
{
	return vs->phase;
}

/*
 * varstore_set_property() - VAR_CHECK_VARIABLE_PROPERTY_SET, section 6.7.
 *
 * The phase is checked first: EDK2's SmmVariableHandler() refuses the call
 * after EndOfDxe before it looks at the payload.  The property may name a
 * variable that does not exist; setting it again replaces it.
 *
 * Return: EFI_SUCCESS; EFI_ACCESS_DENIED after READY_TO_BOOT or at
 * runtime; EFI_INVALID_PARAMETER for a bad or empty name, guid or property
 * NULL, revision other than 1, or min_size > max_size.
 */
uint64_t varstore_set_property(struct varstore *vs, const uint16_t *name,
			       size_t name_size, const struct efi_guid *guid,
			       const struct mm_var_check_property *property)
{
	struct prop *p;
	struct prop added;
	size_t units = 0;
	uint64_t status;

	if (vs->phase != VARSTORE_PHASE_BOOT) {
		return EFI_ACCESS_DENIED;
	}
	status = name_check(name, name_size, EFI_INVALID_PARAMETER, &units);
	if (status != EFI_SUCCESS) {
		return status;
	}
	if (guid == NULL || property == NULL) {
		return EFI_INVALID_PARAMETER;
	}
	if (property->revision != MM_VAR_CHECK_REVISION ||
	    property->min_size > property->max_size) {
		return EFI_INVALID_PARAMETER;
	}
	p = prop_find(&vs->props, name, units, guid);
	if (p != NULL) {
		p->property = *property;
		return EFI_SUCCESS;
	}
	added.name = name_copy(name, units);
	added.name_size = (units + 1) * sizeof(uint16_t);
	added.guid = *guid;
	added.property = *property;
	prop_list_push(&vs->props, &added);
	return EFI_SUCCESS;
}

/*
 * varstore_get_property() - VAR_CHECK_VARIABLE_PROPERTY_GET, section 6.7.
 *
 * Return: EFI_SUCCESS with *property; EFI_INVALID_PARAMETER for a bad or
 * empty name, guid or property NULL; EFI_NOT_FOUND when no property is
 * set, or at runtime when the variable exists without RUNTIME_ACCESS.
 */
uint64_t varstore_get_property(struct varstore *vs, const uint16_t *name,
			       size_t name_size, const struct efi_guid *guid,
			       struct mm_var_check_property *property)
{
	const struct prop *p;
	const struct var *v;
	size_t units = 0;
	uint64_t status;

	status = name_check(name, name_size, EFI_INVALID_PARAMETER, &units);
	if (status != EFI_SUCCESS) {
		return status;
	}
	if (guid == NULL || property == NULL) {
		return EFI_INVALID_PARAMETER;
	}
	v = var_find(vs, name, units, guid);
	if (v != NULL && !var_visible(vs, v)) {
		return EFI_NOT_FOUND;
	}
	p = prop_find(&vs->props, name, units, guid);
	if (p == NULL) {
		return EFI_NOT_FOUND;
	}
	*property = p->property;
	return EFI_SUCCESS;
}

/* varstore_count() - Number of stored variables, whatever the phase. */
size_t varstore_count(const struct varstore *vs)
{
	return vs->vars.count;
}

/*
 * varstore_entry() - View of the variable at a position in enumeration
 * order; valid until the store changes.
 *
 * Return: true with *out filled, false when index >= count.
 */
bool varstore_entry(const struct varstore *vs, size_t index,
		    struct varstore_entry_view *out)
{
	if (index >= vs->vars.count) {
		return false;
	}
	view_fill(&vs->vars.items[index], out);
	return true;
}

/*
 * varstore_lookup() - View of a variable by name and GUID, whatever the
 * phase; the name follows the rules of name_check().
 *
 * Return: true with *out filled; false for a malformed name, a NULL guid
 * or no such variable.
 */
bool varstore_lookup(const struct varstore *vs, const uint16_t *name,
		     size_t name_size, const struct efi_guid *guid,
		     struct varstore_entry_view *out)
{
	size_t units = 0;
	size_t i;

	if (guid == NULL ||
	    name_check(name, name_size, EFI_NOT_FOUND, &units) !=
		    EFI_SUCCESS ||
	    !var_index(&vs->vars, name, units, guid, &i)) {
		return false;
	}
	view_fill(&vs->vars.items[i], out);
	return true;
}

/* varstore_used() - Bytes charged to a class.  Return: the sum of costs. */
uint64_t varstore_used(const struct varstore *vs, bool non_volatile)
{
	return vs->used[non_volatile ? CLASS_NV : CLASS_VOLATILE];
}

/*
 * Persistence.  The format is defined in docs/variable-store.md; in short:
 *
 *   ffa-harness-varstore 1
 *   var <guid> <name> <attributes> <hex data or ->
 *   prop <guid> <name> <revision> <property> <attributes> <min> <max>
 *   end <number of var and prop records>
 *   crc32 <CRC-32/IEEE of every byte before this line, 8 hex digits>
 */

/* CRC-32/IEEE 802.3 (reflected, polynomial 0xEDB88320, ~0 in and out). */
static uint32_t crc32_ieee(const void *bytes, size_t len)
{
	const uint8_t *b = bytes;
	uint32_t crc = UINT32_MAX;

	for (size_t i = 0; i < len; i++) {
		crc ^= b[i];
		for (int k = 0; k < 8; k++) {
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
		}
	}
	return ~crc;
}

/*
 * A code unit that can be written as itself in a plain name: printable
 * ASCII without space (the field separator), '#' (comments), '%' and
 * backslash (kept free for future escapes).
 */
static bool plain_char(uint16_t c)
{
	return c > 0x20 && c < 0x7f && c != '#' && c != '%' && c != '\\';
}

static bool name_is_plain(const uint16_t *name, size_t units)
{
	static const char hex_prefix[] = "hex:";

	/* A plain name that starts with "hex:" would read back as hex. */
	if (units >= 4) {
		bool prefixed = true;

		for (size_t i = 0; i < 4; i++) {
			if (name[i] != (uint16_t)hex_prefix[i]) {
				prefixed = false;
			}
		}
		if (prefixed) {
			return false;
		}
	}
	for (size_t i = 0; i < units; i++) {
		if (!plain_char(name[i])) {
			return false;
		}
	}
	return true;
}

static void format_name(struct strbuf *sb, const uint16_t *name,
			size_t name_size)
{
	size_t units = name_size / sizeof(uint16_t) - 1;

	if (name_is_plain(name, units)) {
		for (size_t i = 0; i < units; i++) {
			strbuf_putc(sb, (char)name[i]);
		}
		return;
	}
	strbuf_puts(sb, "hex:");
	for (size_t i = 0; i < units; i++) {
		uint8_t le[2] = {(uint8_t)(name[i] & 0xff),
				 (uint8_t)(name[i] >> 8)};

		text_append_hex(sb, le, sizeof(le));
	}
}

static void format_guid(struct strbuf *sb, const struct efi_guid *guid)
{
	char text[TEXT_GUID_LEN + 1];

	text_format_guid(guid, text);
	strbuf_puts(sb, text);
}

/* Builds the whole file text of a store: NV variables and all properties. */
static void format_store(const struct varstore *vs, struct strbuf *sb)
{
	size_t records = 0;

	strbuf_puts(sb, FILE_HEADER "\n");
	strbuf_puts(sb, "# Written by ffa-harness; the crc32 line checks "
			"every byte above it.\n");
	for (size_t i = 0; i < vs->vars.count; i++) {
		const struct var *v = &vs->vars.items[i];

		if ((v->attributes & ATTR_NV) == 0) {
			continue;
		}
		strbuf_puts(sb, "var ");
		format_guid(sb, &v->guid);
		strbuf_putc(sb, ' ');
		format_name(sb, v->name, v->name_size);
		strbuf_printf(sb, " 0x%x ", (unsigned)v->attributes);
		if (v->data_size == 0) {
			strbuf_putc(sb, '-');
		} else {
			text_append_hex(sb, v->data, (size_t)v->data_size);
		}
		strbuf_putc(sb, '\n');
		records++;
	}
	for (size_t i = 0; i < vs->props.count; i++) {
		const struct prop *p = &vs->props.items[i];
		const struct mm_var_check_property *vp = &p->property;

		strbuf_puts(sb, "prop ");
		format_guid(sb, &p->guid);
		strbuf_putc(sb, ' ');
		format_name(sb, p->name, p->name_size);
		strbuf_printf(sb, " 0x%x 0x%x 0x%x %llu %llu\n",
			      (unsigned)vp->revision, (unsigned)vp->property,
			      (unsigned)vp->attributes,
			      (unsigned long long)vp->min_size,
			      (unsigned long long)vp->max_size);
		records++;
	}
	strbuf_printf(sb, "end %zu\n", records);
	strbuf_printf(sb, "crc32 %08x\n", (unsigned)crc32_ieee(sb->data,
							       sb->len));
}

/*
 * write_all() - write(2) until every byte is out.
 *
 * Return: true, or false with errno set.
 */
static bool write_all(int fd, const char *bytes, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, bytes, len);

		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return false;
		}
		bytes += n;
		len -= (size_t)n;
	}
	return true;
}

/*
 * sync_parent_dir() - fsync(2) of the directory holding path, so that the
 * rename is durable.  File systems that cannot sync a directory (EINVAL)
 * are not an error.
 *
 * Return: true, or false with errno set.
 */
static bool sync_parent_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;
	bool ok;

	if (slash == NULL) {
		dir = xstrdup(".");
	} else if (slash == path) {
		dir = xstrdup("/");
	} else {
		dir = xstrndup(path, (size_t)(slash - path));
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0) {
		return false;
	}
	ok = fsync(fd) == 0 || errno == EINVAL;
	if (close(fd) != 0 && ok) {
		ok = false;
	}
	return ok;
}

/*
 * varstore_save() - Writes the NON_VOLATILE variables and every property
 * to path, atomically: the text goes to "<path>.tmp.<pid>", which is
 * fsync'ed and renamed over path; the directory is then fsync'ed.
 *
 * Return: true; false with err naming the path, the step and the errno
 * text, path untouched and the temporary file removed.
 */
bool varstore_save(const struct varstore *vs, const char *path,
		   struct error *err)
{
	struct strbuf text = STRBUF_INIT;
	struct strbuf tmp = STRBUF_INIT;
	const char *step = "";
	bool ok = false;
	int saved;
	int fd;

	format_store(vs, &text);
	strbuf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		error_setf(err, "%s: cannot create temporary file %s: %s",
			   path, tmp.data, strerror(errno));
		goto free_text;
	}
	if (!write_all(fd, text.data, text.len)) {
		step = "cannot write";
		goto close_tmp;
	}
	if (fsync(fd) != 0) {
		step = "cannot sync";
		goto close_tmp;
	}
	if (close(fd) != 0) {
		step = "cannot close";
		goto remove_tmp;
	}
	if (rename(tmp.data, path) != 0) {
		step = "cannot rename over it";
		goto remove_tmp;
	}
	if (!sync_parent_dir(path)) {
		/* The new file is in place; only its durability is unsure. */
		error_setf(err, "%s: cannot sync its directory: %s", path,
			   strerror(errno));
		goto free_text;
	}
	ok = true;
	goto free_text;

close_tmp:
	saved = errno;
	close(fd);
	errno = saved;
remove_tmp:
	saved = errno;
	error_setf(err, "%s: %s temporary file %s: %s", path, step, tmp.data,
		   strerror(saved));
	unlink(tmp.data);
free_text:
	strbuf_free(&tmp);
	strbuf_free(&text);
	return ok;
}

/* What a line of the file may be, in the order the format allows them. */
enum load_state {
	LOAD_WANT_HEADER,
	LOAD_IN_RECORDS,
	LOAD_AFTER_END,
	LOAD_AFTER_CRC,
};

/* A load in progress: everything is staged here until the whole file
 * has been checked, so that a failed load leaves the store unchanged. */
struct load_ctx {
	const struct varstore *vs;
	const char *path;
	bool preload;
	struct error *err;
	unsigned long line;
	enum load_state state;
	struct var_list vars;
	struct prop_list props;
	uint64_t used[2];
	size_t records;
};

/* Sets "path:line: message"; always returns false. */
static bool load_fail(struct load_ctx *ctx, unsigned long line,
		      const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool load_fail(struct load_ctx *ctx, unsigned long line,
		      const char *fmt, ...)
{
	char msg[ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return error_setf(ctx->err, "%s:%lu: %s", ctx->path, line, msg);
}

/*
 * split_fields() - Splits a line in place at runs of spaces and tabs.
 *
 * Return: the number of fields, which may exceed max (only max are
 * stored).
 */
static size_t split_fields(char *line, char *fields[], size_t max)
{
	size_t n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t') {
			*p++ = '\0';
		}
		if (*p == '\0') {
			return n;
		}
		if (n < max) {
			fields[n] = p;
		}
		n++;
		while (*p != '\0' && *p != ' ' && *p != '\t') {
			p++;
		}
	}
}

/*
 * parse_hex_strict() - Pairs of hex digits, nothing else.
 *
 * Return: true with *bytes (malloc'ed, NULL for "") and *len; false for an
 * odd count or a character that is not a hex digit.
 */
static bool parse_hex_strict(const char *s, uint8_t **bytes, size_t *len)
{
	size_t digits = strlen(s);
	uint8_t *out;

	if (digits % 2 != 0) {
		return false;
	}
	for (size_t i = 0; i < digits; i++) {
		if (text_hex_digit(s[i]) < 0) {
			return false;
		}
	}
	out = digits != 0 ? xmalloc(digits / 2) : NULL;
	for (size_t i = 0; i < digits / 2; i++) {
		out[i] = (uint8_t)(text_hex_digit(s[2 * i]) << 4 |
				   text_hex_digit(s[2 * i + 1]));
	}
	*bytes = out;
	*len = digits / 2;
	return true;
}

/*
 * parse_name() - A name field: plain printable ASCII, or "hex:" and the
 * UCS-2 little-endian bytes without the NUL.
 *
 * Return: true with *name (malloc'ed, NUL-terminated) and *name_size;
 * false with an error at the current line.
 */
static bool parse_name(struct load_ctx *ctx, const char *field,
		       uint16_t **name, size_t *name_size)
{
	uint16_t *out;
	size_t units;

	if (strncmp(field, "hex:", 4) == 0) {
		uint8_t *bytes = NULL;
		size_t len = 0;

		if (!parse_hex_strict(field + 4, &bytes, &len) || len == 0 ||
		    len % 2 != 0) {
			free(bytes);
			return load_fail(ctx, ctx->line,
					 "bad name '%s': expected hex: and "
					 "UCS-2 little-endian code units",
					 field);
		}
		units = len / 2;
		out = xmalloc((units + 1) * sizeof(uint16_t));
		for (size_t i = 0; i < units; i++) {
			out[i] = (uint16_t)(bytes[2 * i] |
					    bytes[2 * i + 1] << 8);
		}
		free(bytes);
		for (size_t i = 0; i < units; i++) {
			if (out[i] == 0) {
				free(out);
				return load_fail(ctx, ctx->line,
						 "bad name '%s': NUL code "
						 "unit inside the name",
						 field);
			}
		}
	} else {
		units = strlen(field);
		for (size_t i = 0; i < units; i++) {
			if (!plain_char((unsigned char)field[i])) {
				return load_fail(ctx, ctx->line,
						 "bad name '%s': character "
						 "0x%02x must be written in "
						 "the hex: form",
						 field,
						 (unsigned char)field[i]);
			}
		}
		out = xmalloc((units + 1) * sizeof(uint16_t));
		for (size_t i = 0; i < units; i++) {
			out[i] = (unsigned char)field[i];
		}
	}
	out[units] = 0;
	*name = out;
	*name_size = (units + 1) * sizeof(uint16_t);
	return true;
}

/*
 * parse_number() - A number field (decimal or 0x-hex) no larger than max.
 *
 * Return: true with *out; false with an error naming the field.
 */
static bool parse_number(struct load_ctx *ctx, const char *field,
			 const char *what, uint64_t max, uint64_t *out)
{
	if (!text_parse_u64(field, out) || *out > max) {
		return load_fail(ctx, ctx->line,
				 "bad %s '%s': expected a number up to "
				 "0x%llx",
				 what, field, (unsigned long long)max);
	}
	return true;
}

static bool parse_guid_field(struct load_ctx *ctx, const char *field,
			     struct efi_guid *guid)
{
	if (!text_parse_guid(field, guid)) {
		return load_fail(ctx, ctx->line,
				 "bad GUID '%s': expected "
				 "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
				 field);
	}
	return true;
}

/*
 * check_loaded_attributes() - Attribute rules for a variable from a file:
 * what SetVariable accepts, with an access attribute, without APPEND_WRITE,
 * and NON_VOLATILE unless preloading.
 *
 * Return: true, or false with an error naming the rule.
 */
static bool check_loaded_attributes(struct load_ctx *ctx, uint32_t attr)
{
	const struct attr_rule *rule;

	rule = attr_rules_find(set_rules, ARRAY_COUNT(set_rules), attr,
			       false);
	if (rule == NULL) {
		rule = attr_rules_find(stored_rules, ARRAY_COUNT(stored_rules),
				       attr, false);
	}
	if (rule != NULL) {
		return load_fail(ctx, ctx->line, "bad attributes 0x%x: %s",
				 (unsigned)attr, rule->why);
	}
	if (!ctx->preload && (attr & ATTR_NV) == 0) {
		return load_fail(ctx, ctx->line,
				 "bad attributes 0x%x: a saved store holds "
				 "only NON_VOLATILE variables",
				 (unsigned)attr);
	}
	return true;
}

/* Parses "var <guid> <name> <attributes> <data>" into the staging list. */
static bool load_var(struct load_ctx *ctx, char *fields[], size_t count)
{
	struct var v = {0};
	uint64_t attr;
	uint64_t cost = UINT64_MAX;
	size_t len;
	size_t index;
	int cls;

	if (count != 5) {
		return load_fail(ctx, ctx->line,
				 "expected 'var <guid> <name> <attributes> "
				 "<hex data>', got %zu fields",
				 count);
	}
	if (!parse_guid_field(ctx, fields[1], &v.guid) ||
	    !parse_number(ctx, fields[3], "attributes", UINT32_MAX, &attr) ||
	    !check_loaded_attributes(ctx, (uint32_t)attr)) {
		return false;
	}
	v.attributes = (uint32_t)attr;
	if (strcmp(fields[4], "-") != 0) {
		if (!parse_hex_strict(fields[4], &v.data, &len) || len == 0) {
			return load_fail(ctx, ctx->line,
					 "bad data: expected pairs of hex "
					 "digits or '-'");
		}
		v.data_size = len;
	}
	if (!parse_name(ctx, fields[2], &v.name, &v.name_size)) {
		goto fail;
	}
	if (!var_cost(v.name_size, v.data_size, &cost) ||
	    cost > ctx->vs->cfg.max_variable_size) {
		load_fail(ctx, ctx->line,
			  "variable too large: costs %llu bytes, "
			  "max_variable_size is %llu",
			  (unsigned long long)cost,
			  (unsigned long long)ctx->vs->cfg.max_variable_size);
		goto fail;
	}
	len = v.name_size / sizeof(uint16_t) - 1;
	if (var_index(&ctx->vars, v.name, len, &v.guid, &index)) {
		load_fail(ctx, ctx->line, "duplicate variable %s",
			  fields[2]);
		goto fail;
	}
	if (var_index(&ctx->vs->vars, v.name, len, &v.guid, &index)) {
		load_fail(ctx, ctx->line,
			  "variable %s is already in the store", fields[2]);
		goto fail;
	}
	cls = attr_class(v.attributes);
	if (!fits(ctx->vs, cls, ctx->used[cls], cost)) {
		load_fail(ctx, ctx->line,
			  "store full: variable %s does not fit in the %s "
			  "capacity of %llu bytes",
			  fields[2], cls == CLASS_NV ? "NV" : "volatile",
			  (unsigned long long)class_capacity(ctx->vs, cls));
		goto fail;
	}
	ctx->used[cls] += cost;
	var_list_push(&ctx->vars, &v);
	return true;

fail:
	var_release(&v);
	return false;
}

/* Parses "prop <guid> <name> <rev> <property> <attr> <min> <max>". */
static bool load_prop(struct load_ctx *ctx, char *fields[], size_t count)
{
	struct prop p = {0};
	uint64_t revision;
	uint64_t property;
	uint64_t attr;
	uint64_t min_size;
	uint64_t max_size;
	size_t units;

	if (count != 8) {
		return load_fail(ctx, ctx->line,
				 "expected 'prop <guid> <name> <revision> "
				 "<property> <attributes> <min> <max>', got "
				 "%zu fields",
				 count);
	}
	if (!parse_guid_field(ctx, fields[1], &p.guid) ||
	    !parse_number(ctx, fields[3], "revision", UINT16_MAX,
			  &revision) ||
	    !parse_number(ctx, fields[4], "property", UINT16_MAX,
			  &property) ||
	    !parse_number(ctx, fields[5], "attributes", UINT32_MAX, &attr) ||
	    !parse_number(ctx, fields[6], "min size", UINT64_MAX,
			  &min_size) ||
	    !parse_number(ctx, fields[7], "max size", UINT64_MAX,
			  &max_size)) {
		return false;
	}
	if (revision != MM_VAR_CHECK_REVISION) {
		return load_fail(ctx, ctx->line,
				 "bad revision %llu: expected %u",
				 (unsigned long long)revision,
				 MM_VAR_CHECK_REVISION);
	}
	if (min_size > max_size) {
		return load_fail(ctx, ctx->line,
				 "bad sizes: min %llu is above max %llu",
				 (unsigned long long)min_size,
				 (unsigned long long)max_size);
	}
	if (!parse_name(ctx, fields[2], &p.name, &p.name_size)) {
		return false;
	}
	units = p.name_size / sizeof(uint16_t) - 1;
	if (prop_find(&ctx->props, p.name, units, &p.guid) != NULL ||
	    prop_find(&ctx->vs->props, p.name, units, &p.guid) != NULL) {
		free(p.name);
		return load_fail(ctx, ctx->line,
				 "duplicate property for %s (in the file or "
				 "already in the store)",
				 fields[2]);
	}
	p.property.revision = (uint16_t)revision;
	p.property.property = (uint16_t)property;
	p.property.attributes = (uint32_t)attr;
	p.property.min_size = min_size;
	p.property.max_size = max_size;
	prop_list_push(&ctx->props, &p);
	return true;
}

/* Parses "end <count>". */
static bool load_end(struct load_ctx *ctx, char *fields[], size_t count)
{
	uint64_t n;

	if (count != 2 || !text_parse_u64(fields[1], &n)) {
		return load_fail(ctx, ctx->line,
				 "expected 'end <record count>'");
	}
	if (n != ctx->records) {
		return load_fail(ctx, ctx->line,
				 "record count mismatch: end says %llu, the "
				 "file has %zu var and prop records",
				 (unsigned long long)n, ctx->records);
	}
	ctx->state = LOAD_AFTER_END;
	return true;
}

/* Parses "crc32 <8 hex digits>" and checks it against bytes [0, len). */
static bool load_crc(struct load_ctx *ctx, char *fields[], size_t count,
		     const char *bytes, size_t len)
{
	uint32_t want = 0;
	uint32_t have;

	if (count != 2 || strlen(fields[1]) != 8) {
		return load_fail(ctx, ctx->line,
				 "expected 'crc32 <8 hex digits>'");
	}
	for (size_t i = 0; i < 8; i++) {
		int d = text_hex_digit(fields[1][i]);

		if (d < 0) {
			return load_fail(ctx, ctx->line,
					 "expected 'crc32 <8 hex digits>'");
		}
		want = want << 4 | (uint32_t)d;
	}
	have = crc32_ieee(bytes, len);
	if (want != have) {
		return load_fail(ctx, ctx->line,
				 "checksum mismatch (corrupt file): crc32 "
				 "line says %08x, contents give %08x",
				 (unsigned)want, (unsigned)have);
	}
	ctx->state = LOAD_AFTER_CRC;
	return true;
}

/*
 * load_line() - One line of the file, NUL-free, without its line end.
 * @start: offset of the line in the file, for the checksum.
 * @terminated: whether a '\n' ended the line.
 *
 * Return: true, or false with an error naming the line.
 */
static bool load_line(struct load_ctx *ctx, char *text, const char *file,
		      size_t start, bool terminated)
{
	char *fields[FILE_FIELDS_MAX];
	size_t count;

	if (ctx->state == LOAD_WANT_HEADER) {
		if (strcmp(text, FILE_HEADER) != 0) {
			return load_fail(ctx, ctx->line,
					 "expected header '" FILE_HEADER "'");
		}
		ctx->state = LOAD_IN_RECORDS;
		return true;
	}
	if (ctx->state == LOAD_AFTER_CRC) {
		return load_fail(ctx, ctx->line,
				 "unexpected line after the crc32 line");
	}
	count = split_fields(text, fields, FILE_FIELDS_MAX);
	if (ctx->state == LOAD_IN_RECORDS &&
	    (count == 0 || fields[0][0] == '#')) {
		return true; /* blank or comment */
	}
	/* Only the last line, end or crc32, may lack its '\n'. */
	if (!terminated && (count == 0 || (strcmp(fields[0], "end") != 0 &&
					   strcmp(fields[0], "crc32") != 0))) {
		return load_fail(ctx, ctx->line,
				 "truncated: last line has no line end");
	}
	if (ctx->state == LOAD_AFTER_END) {
		if (count == 0 || strcmp(fields[0], "crc32") != 0) {
			return load_fail(ctx, ctx->line,
					 "expected 'crc32 <8 hex digits>' "
					 "after the end line");
		}
		return load_crc(ctx, fields, count, file, start);
	}
	if (strcmp(fields[0], "var") == 0) {
		ctx->records++;
		return load_var(ctx, fields, count);
	}
	if (strcmp(fields[0], "prop") == 0) {
		ctx->records++;
		return load_prop(ctx, fields, count);
	}
	if (strcmp(fields[0], "end") == 0) {
		return load_end(ctx, fields, count);
	}
	return load_fail(ctx, ctx->line,
			 "unknown record '%s': expected var, prop or end",
			 fields[0]);
}

/*
 * read_whole_file() - Reads path into sb.
 *
 * Return: true, or false with "path: reason".
 */
static bool read_whole_file(const char *path, struct strbuf *sb,
			    struct error *err)
{
	char chunk[16384];
	FILE *f = fopen(path, "rb");
	bool ok = true;
	size_t n;

	if (f == NULL) {
		return error_setf(err, "%s: cannot open: %s", path,
				  strerror(errno));
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (sb->len + n > FILE_MAX_BYTES) {
			ok = error_setf(err, "%s: larger than %u bytes", path,
					FILE_MAX_BYTES);
			break;
		}
		strbuf_append(sb, chunk, n);
	}
	if (ok && ferror(f)) {
		ok = error_setf(err, "%s: cannot read: %s", path,
				strerror(errno));
	}
	if (fclose(f) != 0 && ok) {
		ok = error_setf(err, "%s: cannot close: %s", path,
				strerror(errno));
	}
	return ok;
}

/*
 * load_file() - Common part of varstore_load() and varstore_load_preload().
 *
 * Return: true with every record added; false with "path:line: message"
 * and the store unchanged.
 */
static bool load_file(struct varstore *vs, const char *path, bool preload,
		      struct error *err)
{
	struct strbuf file = STRBUF_INIT;
	struct load_ctx ctx = {0};
	size_t pos = 0;
	bool ok = false;

	ctx.vs = vs;
	ctx.path = path;
	ctx.preload = preload;
	ctx.err = err;
	ctx.state = LOAD_WANT_HEADER;
	ctx.used[CLASS_NV] = vs->used[CLASS_NV];
	ctx.used[CLASS_VOLATILE] = vs->used[CLASS_VOLATILE];
	if (!read_whole_file(path, &file, err)) {
		goto free_staged;
	}
	while (pos < file.len) {
		const char *nl = memchr(file.data + pos, '\n', file.len - pos);
		size_t end = nl != NULL ? (size_t)(nl - file.data) : file.len;
		size_t start = pos;
		size_t len = end - start;
		char *text;
		bool line_ok;

		ctx.line++;
		pos = nl != NULL ? end + 1 : file.len;
		if (len > 0 && file.data[end - 1] == '\r') {
			len--; /* CRLF files are read as LF files */
		}
		if (memchr(file.data + start, '\0', len) != NULL) {
			load_fail(&ctx, ctx.line, "NUL byte in line");
			goto free_staged;
		}
		text = xstrndup(file.data + start, len);
		line_ok = load_line(&ctx, text, file.data, start, nl != NULL);
		free(text);
		if (!line_ok) {
			goto free_staged;
		}
	}
	switch (ctx.state) {
	case LOAD_WANT_HEADER:
		load_fail(&ctx, 1,
			  "empty file: expected header '" FILE_HEADER "'");
		goto free_staged;
	case LOAD_IN_RECORDS:
		load_fail(&ctx, ctx.line + 1,
			  "truncated: no 'end' line after the records");
		goto free_staged;
	case LOAD_AFTER_END:
		if (!preload) {
			load_fail(&ctx, ctx.line + 1,
				  "truncated: no 'crc32' line after the "
				  "end line");
			goto free_staged;
		}
		break;
	case LOAD_AFTER_CRC:
		break;
	}
	/* Commit: the staged records move into the store, in file order. */
	for (size_t i = 0; i < ctx.vars.count; i++) {
		var_list_push(&vs->vars, &ctx.vars.items[i]);
	}
	for (size_t i = 0; i < ctx.props.count; i++) {
		prop_list_push(&vs->props, &ctx.props.items[i]);
	}
	vs->used[CLASS_NV] = ctx.used[CLASS_NV];
	vs->used[CLASS_VOLATILE] = ctx.used[CLASS_VOLATILE];
	ctx.vars.count = 0;
	ctx.props.count = 0;
	ok = true;

free_staged:
	var_list_clear(&ctx.vars);
	prop_list_clear(&ctx.props);
	strbuf_free(&file);
	return ok;
}

/*
 * varstore_load() - Adds the records of a file written by varstore_save().
 * The crc32 line is required and only NON_VOLATILE variables are allowed.
 *
 * Return: true; false with "path:line: message" (or "path: message" when
 * the file cannot be read) and the store unchanged.
 */
bool varstore_load(struct varstore *vs, const char *path, struct error *err)
{
	return load_file(vs, path, false, err);
}

/*
 * varstore_load_preload() - As varstore_load(), for hand-written files:
 * the crc32 line is optional (checked when present) and volatile variables
 * are allowed.
 *
 * Return: as varstore_load().
 */
bool varstore_load_preload(struct varstore *vs, const char *path,
			   struct error *err)
{
	return load_file(vs, path, true, err);
}
