/*
 * A UEFI variable store with the specification's semantics, as the MM
 * variable service of StandaloneMM (EDK2) or Trusted Services' smm-gateway
 * keeps it.  No MM buffer handling here: models/mm_sp.c decodes requests and
 * calls these functions; Check tests call them directly.
 *
 * Names are UCS-2 (little-endian code units), name_size in bytes including
 * the NUL terminator.  Every operation returns an EFI_STATUS.
 *
 * Facts: ../shared/reference/ffa-mm-protocol.md section 6.  Where EDK2 and
 * Trusted Services differ, or the reference is silent, the choice made is
 * documented in docs/variable-store.md and at the spot in varstore.c.
 */
#ifndef MODELS_VARSTORE_H
#define MODELS_VARSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/efi.h"
#include "abi/mm.h"
#include "common/error.h"

/*
 * Bytes of storage a variable costs beyond its name and data, as EDK2's
 * AUTHENTICATED_VARIABLE_HEADER does; QueryVariableInfo accounts with it.
 */
#define VARSTORE_ENTRY_OVERHEAD 60u

struct varstore_config {
	uint64_t nv_capacity;       /* storage for NON_VOLATILE variables */
	uint64_t volatile_capacity; /* storage for volatile variables */
	uint64_t max_variable_size; /* name + data + overhead of one variable */
};

/* Defaults: 64 KiB NV, 64 KiB volatile, 8 KiB per variable. */
void varstore_config_default(struct varstore_config *cfg);

enum varstore_phase {
	VARSTORE_PHASE_BOOT,         /* before READY_TO_BOOT */
	VARSTORE_PHASE_READY_TO_BOOT, /* EndOfDxe: property changes locked */
	VARSTORE_PHASE_RUNTIME,      /* after EXIT_BOOT_SERVICE */
};

struct varstore;

struct varstore *varstore_new(const struct varstore_config *cfg);
void varstore_free(struct varstore *vs);

/*
 * GetVariable.  *data_size in: the caller's buffer size; out: the variable's
 * size (on SUCCESS and BUFFER_TOO_SMALL).  *attributes is written on SUCCESS
 * and BUFFER_TOO_SMALL when attributes is not NULL.  data NULL with a buffer
 * large enough is INVALID_PARAMETER (section 6.4).
 */
uint64_t varstore_get(struct varstore *vs, const uint16_t *name,
		      size_t name_size, const struct efi_guid *guid,
		      uint32_t *attributes, uint64_t *data_size, void *data);

/*
 * GetNextVariableName.  name points to a buffer of *name_size bytes holding
 * the current name (NUL-terminated within it; L"" starts the walk); guid is
 * the current GUID.  On SUCCESS both are replaced by the next variable and
 * *name_size is its size; on BUFFER_TOO_SMALL *name_size is the size needed.
 */
uint64_t varstore_get_next(struct varstore *vs, uint16_t *name,
			   uint64_t *name_size, struct efi_guid *guid);

/* SetVariable (create, update, append, delete), section 6.3. */
uint64_t varstore_set(struct varstore *vs, const uint16_t *name,
		      size_t name_size, const struct efi_guid *guid,
		      uint32_t attributes, uint64_t data_size,
		      const void *data);

/* QueryVariableInfo, section 6.6. */
uint64_t varstore_query(struct varstore *vs, uint32_t attributes,
			uint64_t *max_storage, uint64_t *remaining,
			uint64_t *max_variable_size);

/* READY_TO_BOOT and EXIT_BOOT_SERVICE notifications, section 6.8. */
uint64_t varstore_ready_to_boot(struct varstore *vs);
uint64_t varstore_exit_boot_services(struct varstore *vs);
enum varstore_phase varstore_phase(const struct varstore *vs);

/* VAR_CHECK_VARIABLE_PROPERTY_SET/GET, section 6.7. */
uint64_t varstore_set_property(struct varstore *vs, const uint16_t *name,
			       size_t name_size, const struct efi_guid *guid,
			       const struct mm_var_check_property *property);
uint64_t varstore_get_property(struct varstore *vs, const uint16_t *name,
			       size_t name_size, const struct efi_guid *guid,
			       struct mm_var_check_property *property);

/* Read-only introspection for tests, expectations and reports. */
struct varstore_entry_view {
	const uint16_t *name;
	size_t name_size;
	struct efi_guid guid;
	uint32_t attributes;
	const uint8_t *data;
	uint64_t data_size;
};
size_t varstore_count(const struct varstore *vs);
/* Entries in enumeration order; false when index >= count. */
bool varstore_entry(const struct varstore *vs, size_t index,
		    struct varstore_entry_view *out);
/* Ignores the phase: a view of what is stored, not what a caller may see. */
bool varstore_lookup(const struct varstore *vs, const uint16_t *name,
		     size_t name_size, const struct efi_guid *guid,
		     struct varstore_entry_view *out);
uint64_t varstore_used(const struct varstore *vs, bool non_volatile);

/* Read-only views of the VAR_CHECK properties, as for variables. */
struct varstore_property_view {
	const uint16_t *name;
	size_t name_size;
	struct efi_guid guid;
	struct mm_var_check_property property;
};
size_t varstore_property_count(const struct varstore *vs);
/* Properties in the order they were first set; false when index >= count. */
bool varstore_property_entry(const struct varstore *vs, size_t index,
			     struct varstore_property_view *out);
bool varstore_property_lookup(const struct varstore *vs,
			      const uint16_t *name, size_t name_size,
			      const struct efi_guid *guid,
			      struct varstore_property_view *out);

/*
 * For models/varstore_file.c, which saves a store to a file and reads it
 * back without going through SetVariable (docs/variable-store.md).
 *
 * A variable may be restored only when varstore_stored_attributes_refusal()
 * accepts its attributes, varstore_cost() of its sizes is at most
 * varstore_max_variable_size() and fits in varstore_capacity() of its class
 * on top of varstore_used(), and no variable of that name and GUID is
 * stored; a property only when none is set for its name and GUID.  Names
 * are NUL-terminated, without another NUL.  The restore functions copy
 * what they are given.
 */
/* The rule a variable's attributes break (its reason), or NULL. */
const char *varstore_stored_attributes_refusal(uint32_t attributes);
/* VARSTORE_ENTRY_OVERHEAD + name_size + data_size; false on overflow. */
bool varstore_cost(uint64_t name_size, uint64_t data_size, uint64_t *cost);
uint64_t varstore_capacity(const struct varstore *vs, bool non_volatile);
uint64_t varstore_max_variable_size(const struct varstore *vs);
void varstore_restore_var(struct varstore *vs,
			  const struct varstore_entry_view *entry);
void varstore_restore_property(struct varstore *vs,
			       const struct varstore_property_view *entry);

#endif /* MODELS_VARSTORE_H */
