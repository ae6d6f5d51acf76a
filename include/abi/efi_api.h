/*
 * The UEFI system table, boot services and runtime services as an EFI
 * application on AArch64 calls them (UEFI 2.10 sections 4.3 to 4.5, 7, 8;
 * the calling convention is plain AAPCS64 on AArch64).  Only the members
 * the EFI agent uses are named; the rest keep their place as `void *`.
 * Offsets are pinned: a wrong slot would call the wrong service.
 */
#ifndef ABI_EFI_API_H
#define ABI_EFI_API_H

#include <stddef.h>
#include <stdint.h>

#include "abi/efi.h"

typedef uint64_t efi_status;
typedef uint64_t efi_uintn;
typedef void *efi_handle;

struct efi_table_header {
	uint64_t signature;
	uint32_t revision;
	uint32_t header_size;
	uint32_t crc32;
	uint32_t reserved;
};
_Static_assert(sizeof(struct efi_table_header) == 24,
	       "EFI_TABLE_HEADER is 24 bytes");

struct efi_simple_text_output {
	void *reset;
	efi_status (*output_string)(struct efi_simple_text_output *self,
				    const uint16_t *string);
	/* test_string, query_mode, ... follow */
};

enum efi_allocate_type {
	EFI_ALLOCATE_ANY_PAGES = 0,
	EFI_ALLOCATE_MAX_ADDRESS = 1,
	EFI_ALLOCATE_ADDRESS = 2,
};

enum efi_reset_type {
	EFI_RESET_COLD = 0,
	EFI_RESET_WARM = 1,
	EFI_RESET_SHUTDOWN = 2,
	EFI_RESET_PLATFORM_SPECIFIC = 3,
};

struct efi_boot_services {
	struct efi_table_header hdr;
	void *raise_tpl;
	void *restore_tpl;
	efi_status (*allocate_pages)(uint32_t type, uint32_t memory_type,
				     efi_uintn pages, uint64_t *memory);
	efi_status (*free_pages)(uint64_t memory, efi_uintn pages);
	efi_status (*get_memory_map)(efi_uintn *map_size,
				     struct efi_memory_descriptor *map,
				     efi_uintn *map_key,
				     efi_uintn *descriptor_size,
				     uint32_t *descriptor_version);
	efi_status (*allocate_pool)(uint32_t pool_type, efi_uintn size,
				    void **buffer);
	efi_status (*free_pool)(void *buffer);
	void *create_event;
	void *set_timer;
	void *wait_for_event;
	void *signal_event;
	void *close_event;
	void *check_event;
	void *install_protocol_interface;
	void *reinstall_protocol_interface;
	void *uninstall_protocol_interface;
	efi_status (*handle_protocol)(efi_handle handle,
				      const struct efi_guid *protocol,
				      void **interface);
	void *reserved;
	void *register_protocol_notify;
	void *locate_handle;
	void *locate_device_path;
	void *install_configuration_table;
	void *load_image;
	void *start_image;
	void *exit;
	void *unload_image;
	efi_status (*exit_boot_services)(efi_handle image, efi_uintn map_key);
	/* get_next_monotonic_count, stall, ... follow */
};
_Static_assert(offsetof(struct efi_boot_services, get_memory_map) == 56,
	       "EFI_BOOT_SERVICES.GetMemoryMap is the 5th service");
_Static_assert(offsetof(struct efi_boot_services, handle_protocol) == 152,
	       "EFI_BOOT_SERVICES.HandleProtocol is the 17th service");
_Static_assert(offsetof(struct efi_boot_services, exit_boot_services) == 232,
	       "EFI_BOOT_SERVICES.ExitBootServices is the 27th service");

struct efi_runtime_services {
	struct efi_table_header hdr;
	void *get_time;
	void *set_time;
	void *get_wakeup_time;
	void *set_wakeup_time;
	efi_status (*set_virtual_address_map)(
		efi_uintn map_size, efi_uintn descriptor_size,
		uint32_t descriptor_version,
		struct efi_memory_descriptor *virtual_map);
	void *convert_pointer;
	efi_status (*get_variable)(const uint16_t *name,
				   const struct efi_guid *vendor,
				   uint32_t *attributes, efi_uintn *data_size,
				   void *data);
	efi_status (*get_next_variable_name)(efi_uintn *name_size,
					     uint16_t *name,
					     struct efi_guid *vendor);
	efi_status (*set_variable)(const uint16_t *name,
				   const struct efi_guid *vendor,
				   uint32_t attributes, efi_uintn data_size,
				   const void *data);
	void *get_next_high_monotonic_count;
	void (*reset_system)(uint32_t reset_type, efi_status status,
			     efi_uintn data_size, const void *data);
	void *update_capsule;
	void *query_capsule_capabilities;
	efi_status (*query_variable_info)(uint32_t attributes,
					  uint64_t *maximum_storage,
					  uint64_t *remaining_storage,
					  uint64_t *maximum_variable_size);
};
_Static_assert(offsetof(struct efi_runtime_services, get_variable) == 72,
	       "EFI_RUNTIME_SERVICES.GetVariable is the 7th service");
_Static_assert(offsetof(struct efi_runtime_services, reset_system) == 104,
	       "EFI_RUNTIME_SERVICES.ResetSystem is the 11th service");
_Static_assert(offsetof(struct efi_runtime_services, query_variable_info) ==
		       128,
	       "EFI_RUNTIME_SERVICES.QueryVariableInfo is the 14th service");

struct efi_system_table {
	struct efi_table_header hdr;
	uint16_t *firmware_vendor;
	uint32_t firmware_revision;
	efi_handle console_in_handle;
	void *con_in;
	efi_handle console_out_handle;
	struct efi_simple_text_output *con_out;
	efi_handle standard_error_handle;
	struct efi_simple_text_output *std_err;
	struct efi_runtime_services *runtime_services;
	struct efi_boot_services *boot_services;
	efi_uintn number_of_table_entries;
	void *configuration_table;
};
_Static_assert(offsetof(struct efi_system_table, runtime_services) == 88,
	       "EFI_SYSTEM_TABLE.RuntimeServices at offset 88");
_Static_assert(offsetof(struct efi_system_table, boot_services) == 96,
	       "EFI_SYSTEM_TABLE.BootServices at offset 96");

/* EFI_LOADED_IMAGE_PROTOCOL 5b1b31a1-9562-11d2-8e3f-00a0c969723b */
#define EFI_LOADED_IMAGE_PROTOCOL_GUID                                    \
	EFI_GUID_INIT(0x5b1b31a1, 0x9562, 0x11d2, 0x8e, 0x3f, 0x00, 0xa0, \
		      0xc9, 0x69, 0x72, 0x3b)

struct efi_loaded_image {
	uint32_t revision;
	efi_handle parent_handle;
	struct efi_system_table *system_table;
	efi_handle device_handle;
	void *file_path;
	void *reserved;
	uint32_t load_options_size;
	void *load_options;
	void *image_base;
	uint64_t image_size;
	uint32_t image_code_type;
	uint32_t image_data_type;
	void *unload;
};
_Static_assert(offsetof(struct efi_loaded_image, image_base) == 64,
	       "EFI_LOADED_IMAGE.ImageBase at offset 64");

#endif /* ABI_EFI_API_H */
