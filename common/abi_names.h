/*
 * Names of the codes of every ABI the harness speaks, from one table per
 * code space, both ways: for traces and reports (raw value -> name) and for
 * scenarios (name -> value).  Unknown values have no name; callers print the
 * raw number.
 */
#ifndef COMMON_ABI_NAMES_H
#define COMMON_ABI_NAMES_H

#include <stdbool.h>
#include <stdint.h>

/* "EFI_NOT_FOUND"; NULL if unknown. */
const char *efi_status_name(uint64_t status);
/* Accepts "EFI_NOT_FOUND", "NOT_FOUND" (any case) or a number. */
bool efi_status_parse(const char *s, uint64_t *out);

/* FF-A error codes: "NOT_SUPPORTED" for -1. */
const char *ffa_error_name(int32_t code);
bool ffa_error_parse(const char *s, int32_t *out);

/* MM return codes (x3 of the direct response): "MM_DENIED" for -3. */
const char *mm_ret_name(int64_t code);
bool mm_ret_parse(const char *s, int64_t *out);

/* SMM variable functions: "GET_VARIABLE" for 1. */
const char *mm_function_name(uint64_t function);
bool mm_function_parse(const char *s, uint64_t *out);

/* PSCI return codes: "INVALID_PARAMS" for -2. */
const char *psci_ret_name(int32_t code);

/* Attributes as "NV|BS|RT"; parse accepts that form, long names, or a number. */
void efi_attributes_format(uint32_t attributes, char *out, unsigned size);
bool efi_attributes_parse(const char *s, uint32_t *out);

#endif /* COMMON_ABI_NAMES_H */
