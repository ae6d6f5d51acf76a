/*
 * UEFI variable store of the MM secure partition.
 *
 * Interface: the EFI variable services as the SMM variable protocol carries
 * them (GetVariable, GetNextVariableName, SetVariable, QueryVariableInfo,
 * READY_TO_BOOT, EXIT_BOOT_SERVICE, VAR_CHECK_VARIABLE_PROPERTY_SET/GET),
 * called by models/mm_sp.c after it has decoded an MM request, and by the
 * Check tests directly.  Every service returns an EFI_STATUS.  Saving and
 * loading the store file is models/varstore_file.c, which reaches the store
 * only through models/varstore.h.
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

#include <assert.h>
#include <stdlib.h>
#include <string.h>

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
 * Extra rules for a variable read back from a file (models/varstore_file.c):
 * what SetVariable would refuse (set_rules) and what it could never store.
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

static void property_view_fill(const struct prop *p,
			       struct varstore_property_view *out)
{
	out->name = p->name;
	out->name_size = p->name_size;
	out->guid = p->guid;
	out->property = p->property;
}

/* varstore_property_count() - Number of properties set, with or without
 * a variable. */
size_t varstore_property_count(const struct varstore *vs)
{
	return vs->props.count;
}

/*
 * varstore_property_entry() - View of the property at a position, in the
 * order they were set; valid until the store changes.
 *
 * Return: true with *out filled, false when index >= count.
 */
bool varstore_property_entry(const struct varstore *vs, size_t index,
			     struct varstore_property_view *out)
{
	if (index >= vs->props.count) {
		return false;
	}
	property_view_fill(&vs->props.items[index], out);
	return true;
}

/*
 * varstore_property_lookup() - View of a property by name and GUID,
 * whatever the phase; the name follows the rules of name_check().
 *
 * Return: true with *out filled; false for a malformed name, a NULL guid
 * or no such property.
 */
bool varstore_property_lookup(const struct varstore *vs,
			      const uint16_t *name, size_t name_size,
			      const struct efi_guid *guid,
			      struct varstore_property_view *out)
{
	const struct prop *p;
	size_t units = 0;

	if (guid == NULL || name_check(name, name_size, EFI_NOT_FOUND,
				       &units) != EFI_SUCCESS) {
		return false;
	}
	p = prop_find(&vs->props, name, units, guid);
	if (p == NULL) {
		return false;
	}
	property_view_fill(p, out);
	return true;
}

/*
 * varstore_stored_attributes_refusal() - Why a store cannot hold a
 * variable with these attributes: what SetVariable refuses (set_rules),
 * then what it could never store (stored_rules).
 *
 * Return: the reason of the first rule that refuses them, or NULL.
 */
const char *varstore_stored_attributes_refusal(uint32_t attributes)
{
	const struct attr_rule *rule;

	rule = attr_rules_find(set_rules, ARRAY_COUNT(set_rules), attributes,
			       false);
	if (rule == NULL) {
		rule = attr_rules_find(stored_rules, ARRAY_COUNT(stored_rules),
				       attributes, false);
	}
	return rule != NULL ? rule->why : NULL;
}

/* varstore_cost() - Documented in models/varstore.h (var_cost()). */
bool varstore_cost(uint64_t name_size, uint64_t data_size, uint64_t *cost)
{
	return var_cost(name_size, data_size, cost);
}

/* varstore_capacity() - Capacity of a class.  Return: bytes. */
uint64_t varstore_capacity(const struct varstore *vs, bool non_volatile)
{
	return class_capacity(vs, non_volatile ? CLASS_NV : CLASS_VOLATILE);
}

/* varstore_max_variable_size() - Return: the configured maximum cost. */
uint64_t varstore_max_variable_size(const struct varstore *vs)
{
	return vs->cfg.max_variable_size;
}

/*
 * varstore_restore_var() - Appends a copy of a variable read back from a
 * file and charges its cost to its class.  The caller has checked it as
 * models/varstore.h requires; breaking that is a bug of ours, caught by
 * the asserts.
 */
void varstore_restore_var(struct varstore *vs,
			  const struct varstore_entry_view *entry)
{
	size_t units = entry->name_size / sizeof(uint16_t) - 1;
	int cls = attr_class(entry->attributes);
	struct var v = {0};
	uint64_t cost = 0;
	bool costed = var_cost(entry->name_size, entry->data_size, &cost);
	size_t index;
	bool stored = var_index(&vs->vars, entry->name, units, &entry->guid,
				&index);

	assert(varstore_stored_attributes_refusal(entry->attributes) == NULL);
	assert(costed && fits(vs, cls, vs->used[cls], cost));
	assert(!stored);
	(void)costed;
	(void)stored;
	v.name = name_copy(entry->name, units);
	v.name_size = entry->name_size;
	v.guid = entry->guid;
	v.attributes = entry->attributes;
	v.data = data_copy(entry->data, entry->data_size);
	v.data_size = entry->data_size;
	vs->used[cls] += var_cost_of(&v);
	var_list_push(&vs->vars, &v);
}

/*
 * varstore_restore_property() - Appends a copy of a property read back
 * from a file; the caller has checked that none is set for its name.
 */
void varstore_restore_property(struct varstore *vs,
			       const struct varstore_property_view *entry)
{
	size_t units = entry->name_size / sizeof(uint16_t) - 1;
	struct prop p = {0};

	assert(prop_find(&vs->props, entry->name, units, &entry->guid) ==
	       NULL);
	p.name = name_copy(entry->name, units);
	p.name_size = entry->name_size;
	p.guid = entry->guid;
	p.property = entry->property;
	prop_list_push(&vs->props, &p);
}
