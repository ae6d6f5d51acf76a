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

/* Non-zero bytes follow the name in the buffer. */
static void access_variable(uint64_t function, uint64_t data_size)
{
	mm_put_access_variable(function, name, sizeof(name), NAME_SIZE,
			       data_size, 0x5a);
}

void hostile_main(void)
{
	uint8_t p[sizeof(struct mm_var_check_variable_property) + sizeof(name)];
	uint64_t name_size = NAME_SIZE;

	ffa_setup();
	access_variable(MM_VAR_FN_SET_VARIABLE, 4);
	expect_mm_invalid_parameter("SET_VARIABLE", 0);
	access_variable(MM_VAR_FN_GET_VARIABLE, 4);
	expect_mm_invalid_parameter("GET_VARIABLE", 0);
	/* GET_NEXT: NameSize is the buffer; no NUL anywhere in it. */
	memset(p, 0, sizeof(p));
	memcpy(p, &global, sizeof(global));
	memcpy(p + 16, &name_size, 8);
	memcpy(p + 24, name, sizeof(name));
	mm_put(0x800, MM_VAR_HEADER_SIZE + 24 + NAME_SIZE,
	       MM_VAR_FN_GET_NEXT_VARIABLE_NAME, p, 24 + NAME_SIZE);
	expect_mm_invalid_parameter("GET_NEXT_VARIABLE_NAME", 0x800);
	memset(p, 0, sizeof(p));
	memcpy(p, &global, sizeof(global));
	memcpy(p + 16, &name_size, 8);
	memcpy(p + sizeof(struct mm_var_check_variable_property), name,
	       sizeof(name));
	mm_put(0x1000, MM_VAR_HEADER_SIZE + sizeof(p),
	       MM_VAR_FN_VAR_CHECK_PROPERTY_GET, p, sizeof(p));
	expect_mm_invalid_parameter("VAR_CHECK_VARIABLE_PROPERTY_GET", 0x1000);
	power_off();
}
