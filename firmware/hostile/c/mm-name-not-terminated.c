/*
 * Variable names without their UCS-2 NUL within NameSize, in
 * SET_VARIABLE, GET_VARIABLE, GET_NEXT_VARIABLE_NAME and
 * VAR_CHECK_VARIABLE_PROPERTY_GET: each must get MM_SUCCESS with
 * ReturnStatus EFI_INVALID_PARAMETER, and the store must not read past
 * NameSize.  Finding: mm.name-not-terminated.
 */
#include "hostile.h"

void hostile_main(void);

static const struct efi_guid global = EFI_GLOBAL_VARIABLE_GUID;
/* "ABCD" in UCS-2, no NUL; non-zero bytes follow in the buffer. */
static const uint16_t name[] = {'A', 'B', 'C', 'D', 'E', 'F'};
#define NAME_SIZE 8u

static void check(const char *what, uint64_t offset)
{
	struct smccc_regs r = mm_doorbell(offset);

	expect_eq(what, r.x[3], MM_RET_SUCCESS);
	expect_eq("EFI_INVALID_PARAMETER", mm_status(offset),
		  EFI_INVALID_PARAMETER);
}

/* An access-variable payload: GUID, DataSize, NameSize, attributes. */
static void access_variable(uint64_t function, uint64_t data_size)
{
	uint8_t p[MM_ACCESS_VARIABLE_NAME_OFFSET + sizeof(name) + 8];
	uint64_t name_size = NAME_SIZE;
	uint32_t attributes = EFI_VARIABLE_BOOTSERVICE_ACCESS;

	memset(p, 0x5a, sizeof(p));
	memcpy(p, &global, sizeof(global));
	memcpy(p + 16, &data_size, 8);
	memcpy(p + 24, &name_size, 8);
	memcpy(p + 32, &attributes, 4);
	memcpy(p + MM_ACCESS_VARIABLE_NAME_OFFSET, name, sizeof(name));
	mm_put(0, MM_VAR_HEADER_SIZE + sizeof(p), function, p, sizeof(p));
}

void hostile_main(void)
{
	uint8_t p[sizeof(struct mm_var_check_variable_property) +
		  sizeof(name)];
	uint64_t name_size = NAME_SIZE;

	ffa_setup();
	access_variable(MM_VAR_FN_SET_VARIABLE, 4);
	check("SET_VARIABLE", 0);
	access_variable(MM_VAR_FN_GET_VARIABLE, 4);
	check("GET_VARIABLE", 0);
	/* GET_NEXT: NameSize is the buffer; no NUL anywhere in it. */
	memset(p, 0, sizeof(p));
	memcpy(p, &global, sizeof(global));
	memcpy(p + 16, &name_size, 8);
	memcpy(p + 24, name, sizeof(name));
	mm_put(0x800, MM_VAR_HEADER_SIZE + 24 + NAME_SIZE,
	       MM_VAR_FN_GET_NEXT_VARIABLE_NAME, p, 24 + NAME_SIZE);
	check("GET_NEXT_VARIABLE_NAME", 0x800);
	memset(p, 0, sizeof(p));
	memcpy(p, &global, sizeof(global));
	memcpy(p + 16, &name_size, 8);
	memcpy(p + sizeof(struct mm_var_check_variable_property), name,
	       sizeof(name));
	mm_put(0x1000, MM_VAR_HEADER_SIZE + sizeof(p),
	       MM_VAR_FN_VAR_CHECK_PROPERTY_GET, p, sizeof(p));
	check("VAR_CHECK_VARIABLE_PROPERTY_GET", 0x1000);
	power_off();
}
