/*
 * Text conversions shared by the command line, the scenario loader, the
 * trace and the reports: GUIDs, hex strings, UCS-2 names, numbers.
 */
#ifndef COMMON_TEXT_H
#define COMMON_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/efi.h"
#include "abi/ffa.h"
#include "common/strbuf.h"

#define TEXT_GUID_LEN 36 /* 8-4-4-4-12, without NUL */

/* "8be4df61-93ca-11d2-aa0d-00e098032b8c" <-> EFI_GUID (memory layout). */
bool text_parse_guid(const char *s, struct efi_guid *out);
void text_format_guid(const struct efi_guid *g, char out[TEXT_GUID_LEN + 1]);

/* The same text as the 16 RFC-4122 bytes, packed into FF-A's four words. */
bool text_parse_ffa_uuid(const char *s, struct ffa_uuid *out);
void text_format_ffa_uuid(const struct ffa_uuid *u,
			  char out[TEXT_GUID_LEN + 1]);
void ffa_uuid_to_bytes(const struct ffa_uuid *u, uint8_t bytes[16]);
bool ffa_uuid_is_nil(const struct ffa_uuid *u);
bool ffa_uuid_equal(const struct ffa_uuid *a, const struct ffa_uuid *b);
bool efi_guid_equal(const struct efi_guid *a, const struct efi_guid *b);

/* The value of one hex digit, or -1. */
int text_hex_digit(char c);

/*
 * Hex text to bytes: pairs of hex digits, optional "0x" prefix, whitespace,
 * ':' and '_' ignored between pairs.  Returns false on odd length or bad
 * digit; *len is then the offset of the offending character.
 */
bool text_parse_hex(const char *s, uint8_t **bytes, size_t *len);
void text_append_hex(struct strbuf *sb, const void *bytes, size_t len);

/*
 * UTF-8 <-> UCS-2 little-endian with a NUL terminator.  Characters outside
 * the BMP are rejected.  *size is in bytes, terminator included.
 */
bool text_utf8_to_ucs2(const char *s, uint16_t **name, size_t *size);
/* Appends UTF-8; unpaired or NUL code units are written as \uXXXX. */
void text_append_ucs2(struct strbuf *sb, const uint16_t *name, size_t size);
/* Number of code units before the first NUL within size bytes, or -1. */
long text_ucs2_length(const uint16_t *name, size_t size);

/* Classic hex dump, 16 bytes a line, addresses starting at base. */
void text_append_hexdump(struct strbuf *sb, const void *bytes, size_t len,
			 uint64_t base);

/* Numbers: decimal or 0x-hex; the whole string must be consumed. */
bool text_parse_u64(const char *s, uint64_t *out);
bool text_parse_i64(const char *s, int64_t *out);

/* Sizes with an optional K/M/G suffix (powers of 1024). */
bool text_parse_size(const char *s, uint64_t *out);

#endif /* COMMON_TEXT_H */
