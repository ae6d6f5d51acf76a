/*
 * Name sizes that are odd, zero or huge (near 2^64, where offset +
 * NameSize wraps around), and a DataSize near 2^64 after a good name: each
 * request must get MM_SUCCESS with ReturnStatus EFI_INVALID_PARAMETER.
 * Findings: mm.name-size-invalid (odd, zero), mm.size-outside-message
 * (huge).
 */
#include "hostile.h"

void hostile_main(void);

static const struct efi_guid global = EFI_GLOBAL_VARIABLE_GUID;
static const uint16_t name[] = {'B', 'o', 'o', 't', 0};

static void access_variable(uint64_t function, uint64_t name_size,
			    uint64_t data_size)
{
	mm_put_access_variable(function, name, sizeof(name), name_size,
			       data_size, 0);
}

void hostile_main(void)
{
	uint8_t p[24 + sizeof(name)];
	uint64_t huge = UINT64_MAX - 1;

	ffa_setup();
	access_variable(MM_VAR_FN_SET_VARIABLE, 7, 1);
	expect_mm_invalid_parameter("odd NameSize", 0);
	access_variable(MM_VAR_FN_GET_VARIABLE, 0, 1);
	expect_mm_invalid_parameter("zero NameSize", 0);
	access_variable(MM_VAR_FN_SET_VARIABLE, UINT64_MAX - 1, 1);
	expect_mm_invalid_parameter("NameSize near 2^64", 0);
	access_variable(MM_VAR_FN_SET_VARIABLE, sizeof(name), UINT64_MAX);
	expect_mm_invalid_parameter("DataSize near 2^64", 0);
	access_variable(MM_VAR_FN_GET_VARIABLE, sizeof(name),
			UINT64_MAX - sizeof(name) + 1);
	expect_mm_invalid_parameter("NameSize + DataSize wraps to 0", 0);
	memset(p, 0, sizeof(p));
	memcpy(p, &global, sizeof(global));
	memcpy(p + 16, &huge, 8);
	memcpy(p + 24, name, sizeof(name));
	mm_put(0, MM_VAR_HEADER_SIZE + sizeof(p),
	       MM_VAR_FN_GET_NEXT_VARIABLE_NAME, p, sizeof(p));
	expect_mm_invalid_parameter("GET_NEXT NameSize near 2^64", 0);
	power_off();
}
