/*
 * MM communicate buffer and the SMM variable protocol (AArch64, UINTN = 8,
 * little-endian), as U-Boot's efi_variable_tee.c, EDK2 and Trusted
 * Services' smm-gateway use them.
 *
 * Facts: EDK2 MdePkg/Include/Protocol/MmCommunication.h,
 * MdeModulePkg/Include/Guid/SmmVariableCommon.h, VarCheck.h; U-Boot
 * include/mm_communication.h, lib/efi_loader/efi_variable_tee.c.
 *
 * Layouts are byte-exact.  Every struct below has its natural AArch64
 * layout, which is the packed layout too, except the access-variable
 * payload: its name starts at byte 36 (MM_ACCESS_VARIABLE_NAME_OFFSET),
 * while sizeof() is 40 because of tail padding.  Reading the name at
 * sizeof() is the classic bug.
 */
#ifndef ABI_MM_H
#define ABI_MM_H

#include <stddef.h>
#include <stdint.h>

#include "abi/efi.h"

/* MM return codes carried in x3 of the direct response (DEN0060A). */
#define MM_RET_SUCCESS 0
#define MM_RET_NOT_SUPPORTED (-1)
#define MM_RET_INVALID_PARAMETER (-2)
#define MM_RET_DENIED (-3)
#define MM_RET_NO_MEMORY (-5) /* -4 deliberately unused */

/* SMM variable function codes (SmmVariableCommon.h). */
enum mm_var_function {
	MM_VAR_FN_GET_VARIABLE = 1,
	MM_VAR_FN_GET_NEXT_VARIABLE_NAME = 2,
	MM_VAR_FN_SET_VARIABLE = 3,
	MM_VAR_FN_QUERY_VARIABLE_INFO = 4,
	MM_VAR_FN_READY_TO_BOOT = 5,
	MM_VAR_FN_EXIT_BOOT_SERVICE = 6,
	MM_VAR_FN_GET_STATISTICS = 7,
	MM_VAR_FN_LOCK_VARIABLE = 8,
	MM_VAR_FN_VAR_CHECK_PROPERTY_SET = 9,
	MM_VAR_FN_VAR_CHECK_PROPERTY_GET = 10,
	MM_VAR_FN_GET_PAYLOAD_SIZE = 11,
	MM_VAR_FN_INIT_RUNTIME_CACHE_CONTEXT = 12,
	MM_VAR_FN_SYNC_RUNTIME_CACHE = 13,
	MM_VAR_FN_GET_RUNTIME_CACHE_INFO = 14,
};

/* EFI_MM_COMMUNICATE_HEADER (packed, 24 bytes). */
struct mm_communicate_header {
	struct efi_guid header_guid;
	uint64_t message_length; /* bytes after this header */
};
_Static_assert(sizeof(struct mm_communicate_header) == 24,
	       "EFI_MM_COMMUNICATE_HEADER is 24 bytes");

/* SMM_VARIABLE_COMMUNICATE_HEADER (16 bytes, payload follows). */
struct mm_variable_header {
	uint64_t function;
	uint64_t return_status; /* EFI_STATUS */
};
_Static_assert(sizeof(struct mm_variable_header) == 16,
	       "SMM_VARIABLE_COMMUNICATE_HEADER is 16 bytes");

/* Absolute offsets in the communicate buffer. */
#define MM_COMM_HEADER_SIZE 24u
#define MM_VAR_HEADER_SIZE 16u
#define MM_VAR_PAYLOAD_OFFSET (MM_COMM_HEADER_SIZE + MM_VAR_HEADER_SIZE)
_Static_assert(MM_VAR_PAYLOAD_OFFSET == 40, "variable payload at byte 40");

/*
 * SMM_VARIABLE_COMMUNICATE_ACCESS_VARIABLE up to Name.  Copy only
 * MM_ACCESS_VARIABLE_NAME_OFFSET bytes in and out of a buffer: the name
 * follows the attributes directly, inside what sizeof() counts as padding.
 */
struct mm_access_variable {
	struct efi_guid guid;
	uint64_t data_size;
	uint64_t name_size; /* bytes, including the UCS-2 NUL */
	uint32_t attributes;
	/* uint16_t name[] at byte 36; then data[] */
};
#define MM_ACCESS_VARIABLE_NAME_OFFSET 36u
_Static_assert(offsetof(struct mm_access_variable, attributes) + 4 ==
		       MM_ACCESS_VARIABLE_NAME_OFFSET,
	       "ACCESS_VARIABLE: Name at payload offset 36");
/* U-Boot sizes its payloads with sizeof() of its struct: 40. */
_Static_assert(sizeof(struct mm_access_variable) == 40,
	       "ACCESS_VARIABLE: sizeof is 40 (tail padding)");

/* SMM_VARIABLE_COMMUNICATE_GET_NEXT_VARIABLE_NAME up to Name (24 bytes). */
struct mm_get_next_variable_name {
	struct efi_guid guid;
	uint64_t name_size;
	/* uint16_t name[]; */
};
_Static_assert(sizeof(struct mm_get_next_variable_name) == 24,
	       "GET_NEXT_VARIABLE_NAME: Name at payload offset 24");

/* SMM_VARIABLE_COMMUNICATE_QUERY_VARIABLE_INFO (32 bytes). */
struct mm_query_variable_info {
	uint64_t maximum_variable_storage_size;
	uint64_t remaining_variable_storage_size;
	uint64_t maximum_variable_size;
	uint32_t attributes;
	uint32_t pad;
};
_Static_assert(sizeof(struct mm_query_variable_info) == 32,
	       "QUERY_VARIABLE_INFO payload is 32 bytes");

/* SMM_VARIABLE_COMMUNICATE_GET_PAYLOAD_SIZE (8 bytes). */
struct mm_get_payload_size {
	uint64_t variable_payload_size;
};
_Static_assert(sizeof(struct mm_get_payload_size) == 8,
	       "GET_PAYLOAD_SIZE payload is 8 bytes");

/* VAR_CHECK_VARIABLE_PROPERTY (24 bytes). */
struct mm_var_check_property {
	uint16_t revision;
	uint16_t property;
	uint32_t attributes;
	uint64_t min_size;
	uint64_t max_size;
};
_Static_assert(sizeof(struct mm_var_check_property) == 24,
	       "VAR_CHECK_VARIABLE_PROPERTY is 24 bytes");
#define MM_VAR_CHECK_REVISION 0x0001u
#define MM_VAR_CHECK_READ_ONLY 0x0001u

/* SMM_VARIABLE_COMMUNICATE_VAR_CHECK_VARIABLE_PROPERTY up to Name (48). */
struct mm_var_check_variable_property {
	struct efi_guid guid;
	uint64_t name_size;
	struct mm_var_check_property property;
	/* uint16_t name[]; */
};
_Static_assert(sizeof(struct mm_var_check_variable_property) == 48,
	       "VAR_CHECK_VARIABLE_PROPERTY: Name at payload offset 48");

/*
 * gEfiSmmVariableProtocolGuid ed32d533-99e6-4209-9cc0-2d72cdd998a7: the
 * HeaderGuid of every variable request (U-Boot EFI_MM_VARIABLE_GUID).
 */
#define MM_SMM_VARIABLE_GUID                                              \
	EFI_GUID_INIT(0xed32d533, 0x99e6, 0x4209, 0x9c, 0xc0, 0x2d, 0x72, \
		      0xcd, 0xd9, 0x98, 0xa7)

#endif /* ABI_MM_H */
