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
	uint8_t p[MM_ACCESS_VARIABLE_NAME_OFFSET + sizeof(name) + 8];
	uint32_t attributes = EFI_VARIABLE_BOOTSERVICE_ACCESS;

	memset(p, 0, sizeof(p));
	memcpy(p, &global, sizeof(global));
	memcpy(p + 16, &data_size, 8);
	memcpy(p + 24, &name_size, 8);
	memcpy(p + 32, &attributes, 4);
	memcpy(p + MM_ACCESS_VARIABLE_NAME_OFFSET, name, sizeof(name));
	mm_put(0, MM_VAR_HEADER_SIZE + sizeof(p), function, p, sizeof(p));
}

static void check(const char *what)
{
	struct smccc_regs r = mm_doorbell(0);

	expect_eq(what, r.x[3], MM_RET_SUCCESS);
	expect_eq("EFI_INVALID_PARAMETER", mm_status(0),
		  EFI_INVALID_PARAMETER);
}

void hostile_main(void)
{
	uint8_t p[24 + sizeof(name)];
	uint64_t huge = UINT64_MAX - 1;

	ffa_setup();
	access_variable(MM_VAR_FN_SET_VARIABLE, 7, 1);
	check("odd NameSize");
	access_variable(MM_VAR_FN_GET_VARIABLE, 0, 1);
	check("zero NameSize");
	access_variable(MM_VAR_FN_SET_VARIABLE, UINT64_MAX - 1, 1);
	check("NameSize near 2^64");
	access_variable(MM_VAR_FN_SET_VARIABLE, sizeof(name), UINT64_MAX);
	check("DataSize near 2^64");
	access_variable(MM_VAR_FN_GET_VARIABLE, sizeof(name),
			UINT64_MAX - sizeof(name) + 1);
	check("NameSize + DataSize wraps to 0");
	memset(p, 0, sizeof(p));
	memcpy(p, &global, sizeof(global));
	memcpy(p + 16, &huge, 8);
	memcpy(p + 24, name, sizeof(name));
	mm_put(0, MM_VAR_HEADER_SIZE + sizeof(p),
	       MM_VAR_FN_GET_NEXT_VARIABLE_NAME, p, sizeof(p));
	check("GET_NEXT NameSize near 2^64");
	power_off();
}
