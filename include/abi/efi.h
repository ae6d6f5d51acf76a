/*
 * UEFI types the variable service and the agents need: GUID, status codes,
 * variable attributes, memory descriptors.
 *
 * Facts: EDK2 MdePkg/Include/Uefi/UefiMultiPhase.h and Base.h, U-Boot
 * include/efi.h and include/efi_api.h; UEFI 2.10 section 7.2 for the
 * memory map.
 */
#ifndef ABI_EFI_H
#define ABI_EFI_H

#include <stddef.h>
#include <stdint.h>

/* EFI_GUID in memory: data1..data3 little-endian, data4 as bytes. */
struct efi_guid {
	uint32_t data1;
	uint16_t data2;
	uint16_t data3;
	uint8_t data4[8];
};
_Static_assert(sizeof(struct efi_guid) == 16, "EFI_GUID is 16 bytes");

#define EFI_GUID_INIT(a, b, c, d0, d1, d2, d3, d4, d5, d6, d7)          \
	{                                                                \
		(a), (b), (c), { (d0), (d1), (d2), (d3), (d4), (d5), (d6), \
				 (d7) }                                   \
	}

/* gEfiGlobalVariableGuid 8be4df61-93ca-11d2-aa0d-00e098032b8c */
#define EFI_GLOBAL_VARIABLE_GUID                                          \
	EFI_GUID_INIT(0x8be4df61, 0x93ca, 0x11d2, 0xaa, 0x0d, 0x00, 0xe0, \
		      0x98, 0x03, 0x2b, 0x8c)
/* gEfiImageSecurityDatabaseGuid d719b2cb-3d3a-4596-a3bc-dad00e67656f */
#define EFI_IMAGE_SECURITY_DATABASE_GUID                                  \
	EFI_GUID_INIT(0xd719b2cb, 0x3d3a, 0x4596, 0xa3, 0xbc, 0xda, 0xd0, \
		      0x0e, 0x67, 0x65, 0x6f)

/* EFI_STATUS (64-bit; errors have bit 63 set). */
#define EFI_ERROR_BIT (UINT64_C(1) << 63)
#define EFI_SUCCESS UINT64_C(0)
#define EFI_LOAD_ERROR (EFI_ERROR_BIT | 1)
#define EFI_INVALID_PARAMETER (EFI_ERROR_BIT | 2)
#define EFI_UNSUPPORTED (EFI_ERROR_BIT | 3)
#define EFI_BAD_BUFFER_SIZE (EFI_ERROR_BIT | 4)
#define EFI_BUFFER_TOO_SMALL (EFI_ERROR_BIT | 5)
#define EFI_NOT_READY (EFI_ERROR_BIT | 6)
#define EFI_DEVICE_ERROR (EFI_ERROR_BIT | 7)
#define EFI_WRITE_PROTECTED (EFI_ERROR_BIT | 8)
#define EFI_OUT_OF_RESOURCES (EFI_ERROR_BIT | 9)
#define EFI_NOT_FOUND (EFI_ERROR_BIT | 14)
#define EFI_ACCESS_DENIED (EFI_ERROR_BIT | 15)
#define EFI_NO_RESPONSE (EFI_ERROR_BIT | 16)
#define EFI_TIMEOUT (EFI_ERROR_BIT | 18)
#define EFI_ABORTED (EFI_ERROR_BIT | 21)
#define EFI_SECURITY_VIOLATION (EFI_ERROR_BIT | 26)
#define EFI_COMPROMISED_DATA (EFI_ERROR_BIT | 33)

/* Variable attributes. */
#define EFI_VARIABLE_NON_VOLATILE UINT32_C(0x01)
#define EFI_VARIABLE_BOOTSERVICE_ACCESS UINT32_C(0x02)
#define EFI_VARIABLE_RUNTIME_ACCESS UINT32_C(0x04)
#define EFI_VARIABLE_HARDWARE_ERROR_RECORD UINT32_C(0x08)
#define EFI_VARIABLE_AUTHENTICATED_WRITE_ACCESS UINT32_C(0x10)
#define EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS UINT32_C(0x20)
#define EFI_VARIABLE_APPEND_WRITE UINT32_C(0x40)
#define EFI_VARIABLE_ENHANCED_AUTHENTICATED_ACCESS UINT32_C(0x80)
/* U-Boot's mask of attributes sent to the secure side. */
#define EFI_VARIABLE_MASK UINT32_C(0xff)

/* Memory types (UEFI 2.10 table 7.6). */
enum efi_memory_type {
	EFI_RESERVED_MEMORY_TYPE = 0,
	EFI_LOADER_CODE = 1,
	EFI_LOADER_DATA = 2,
	EFI_BOOT_SERVICES_CODE = 3,
	EFI_BOOT_SERVICES_DATA = 4,
	EFI_RUNTIME_SERVICES_CODE = 5,
	EFI_RUNTIME_SERVICES_DATA = 6,
	EFI_CONVENTIONAL_MEMORY = 7,
	EFI_UNUSABLE_MEMORY = 8,
	EFI_ACPI_RECLAIM_MEMORY = 9,
	EFI_ACPI_MEMORY_NVS = 10,
	EFI_MEMORY_MAPPED_IO = 11,
	EFI_MEMORY_MAPPED_IO_PORT_SPACE = 12,
	EFI_PAL_CODE = 13,
	EFI_PERSISTENT_MEMORY = 14,
	EFI_MEMORY_TYPE_COUNT = 15,
};

#define EFI_MEMORY_RUNTIME (UINT64_C(1) << 63)
#define EFI_PAGE_SIZE UINT64_C(4096)

/* EFI_MEMORY_DESCRIPTOR, version 1 (40 bytes; firmware may use a larger stride). */
struct efi_memory_descriptor {
	uint32_t type;
	uint32_t pad;
	uint64_t physical_start;
	uint64_t virtual_start;
	uint64_t number_of_pages;
	uint64_t attribute;
};
_Static_assert(sizeof(struct efi_memory_descriptor) == 40,
	       "EFI_MEMORY_DESCRIPTOR is 40 bytes");
_Static_assert(offsetof(struct efi_memory_descriptor, physical_start) == 8,
	       "EFI_MEMORY_DESCRIPTOR.PhysicalStart at offset 8");

#endif /* ABI_EFI_H */
