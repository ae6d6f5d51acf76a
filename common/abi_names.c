#include "common/abi_names.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "abi/efi.h"
#include "abi/ffa.h"
#include "abi/mm.h"
#include "abi/psci.h"
#include "common/text.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct code_name {
	int64_t value;
	const char *name;
};

static const struct code_name efi_status_names[] = {
	{0, "EFI_SUCCESS"},
	{1, "EFI_LOAD_ERROR"},
	{2, "EFI_INVALID_PARAMETER"},
	{3, "EFI_UNSUPPORTED"},
	{4, "EFI_BAD_BUFFER_SIZE"},
	{5, "EFI_BUFFER_TOO_SMALL"},
	{6, "EFI_NOT_READY"},
	{7, "EFI_DEVICE_ERROR"},
	{8, "EFI_WRITE_PROTECTED"},
	{9, "EFI_OUT_OF_RESOURCES"},
	{10, "EFI_VOLUME_CORRUPTED"},
	{11, "EFI_VOLUME_FULL"},
	{12, "EFI_NO_MEDIA"},
	{13, "EFI_MEDIA_CHANGED"},
	{14, "EFI_NOT_FOUND"},
	{15, "EFI_ACCESS_DENIED"},
	{16, "EFI_NO_RESPONSE"},
	{17, "EFI_NO_MAPPING"},
	{18, "EFI_TIMEOUT"},
	{19, "EFI_NOT_STARTED"},
	{20, "EFI_ALREADY_STARTED"},
	{21, "EFI_ABORTED"},
	{22, "EFI_ICMP_ERROR"},
	{23, "EFI_TFTP_ERROR"},
	{24, "EFI_PROTOCOL_ERROR"},
	{25, "EFI_INCOMPATIBLE_VERSION"},
	{26, "EFI_SECURITY_VIOLATION"},
	{27, "EFI_CRC_ERROR"},
	{28, "EFI_END_OF_MEDIA"},
	{31, "EFI_END_OF_FILE"},
	{32, "EFI_INVALID_LANGUAGE"},
	{33, "EFI_COMPROMISED_DATA"},
};

static const struct code_name ffa_error_names[] = {
	{FFA_RET_NOT_SUPPORTED, "NOT_SUPPORTED"},
	{FFA_RET_INVALID_PARAMETERS, "INVALID_PARAMETERS"},
	{FFA_RET_NO_MEMORY, "NO_MEMORY"},
	{FFA_RET_BUSY, "BUSY"},
	{FFA_RET_INTERRUPTED, "INTERRUPTED"},
	{FFA_RET_DENIED, "DENIED"},
	{FFA_RET_RETRY, "RETRY"},
	{FFA_RET_ABORTED, "ABORTED"},
	{FFA_RET_NO_DATA, "NO_DATA"},
	{FFA_RET_NOT_READY, "NOT_READY"},
};

static const struct code_name mm_ret_names[] = {
	{MM_RET_SUCCESS, "MM_SUCCESS"},
	{MM_RET_NOT_SUPPORTED, "MM_NOT_SUPPORTED"},
	{MM_RET_INVALID_PARAMETER, "MM_INVALID_PARAMETER"},
	{MM_RET_DENIED, "MM_DENIED"},
	{MM_RET_NO_MEMORY, "MM_NO_MEMORY"},
};

static const struct code_name mm_function_names[] = {
	{MM_VAR_FN_GET_VARIABLE, "GET_VARIABLE"},
	{MM_VAR_FN_GET_NEXT_VARIABLE_NAME, "GET_NEXT_VARIABLE_NAME"},
	{MM_VAR_FN_SET_VARIABLE, "SET_VARIABLE"},
	{MM_VAR_FN_QUERY_VARIABLE_INFO, "QUERY_VARIABLE_INFO"},
	{MM_VAR_FN_READY_TO_BOOT, "READY_TO_BOOT"},
	{MM_VAR_FN_EXIT_BOOT_SERVICE, "EXIT_BOOT_SERVICE"},
	{MM_VAR_FN_GET_STATISTICS, "GET_STATISTICS"},
	{MM_VAR_FN_LOCK_VARIABLE, "LOCK_VARIABLE"},
	{MM_VAR_FN_VAR_CHECK_PROPERTY_SET, "VAR_CHECK_VARIABLE_PROPERTY_SET"},
	{MM_VAR_FN_VAR_CHECK_PROPERTY_GET, "VAR_CHECK_VARIABLE_PROPERTY_GET"},
	{MM_VAR_FN_GET_PAYLOAD_SIZE, "GET_PAYLOAD_SIZE"},
	{MM_VAR_FN_INIT_RUNTIME_CACHE_CONTEXT,
	 "INIT_RUNTIME_VARIABLE_CACHE_CONTEXT"},
	{MM_VAR_FN_SYNC_RUNTIME_CACHE, "SYNC_RUNTIME_CACHE"},
	{MM_VAR_FN_GET_RUNTIME_CACHE_INFO, "GET_RUNTIME_CACHE_INFO"},
};

static const struct code_name psci_ret_names[] = {
	{PSCI_RET_SUCCESS, "SUCCESS"},
	{PSCI_RET_NOT_SUPPORTED, "NOT_SUPPORTED"},
	{PSCI_RET_INVALID_PARAMS, "INVALID_PARAMS"},
	{PSCI_RET_DENIED, "DENIED"},
	{PSCI_RET_ALREADY_ON, "ALREADY_ON"},
	{PSCI_RET_ON_PENDING, "ON_PENDING"},
	{PSCI_RET_INTERNAL_FAILURE, "INTERNAL_FAILURE"},
	{PSCI_RET_NOT_PRESENT, "NOT_PRESENT"},
	{PSCI_RET_DISABLED, "DISABLED"},
	{PSCI_RET_INVALID_ADDRESS, "INVALID_ADDRESS"},
};

static const char *lookup_name(const struct code_name *t, size_t n,
			       int64_t value)
{
	for (size_t i = 0; i < n; i++) {
		if (t[i].value == value) {
			return t[i].name;
		}
	}
	return NULL;
}

/* Matches the name with or without prefix, case-insensitively. */
static bool lookup_value(const struct code_name *t, size_t n,
			 const char *prefix, const char *s, int64_t *out)
{
	size_t plen = strlen(prefix);

	for (size_t i = 0; i < n; i++) {
		const char *name = t[i].name;

		if (strcasecmp(name, s) == 0 ||
		    (strncmp(name, prefix, plen) == 0 &&
		     strcasecmp(name + plen, s) == 0) ||
		    (strncmp(name, prefix, plen) != 0 &&
		     strncasecmp(s, prefix, plen) == 0 &&
		     strcasecmp(name, s + plen) == 0)) {
			*out = t[i].value;
			return true;
		}
	}
	return false;
}

const char *efi_status_name(uint64_t status)
{
	if (status == EFI_SUCCESS) {
		return "EFI_SUCCESS";
	}
	if ((status & EFI_ERROR_BIT) == 0) {
		return NULL; /* warnings are not named here */
	}
	return lookup_name(efi_status_names, ARRAY_SIZE(efi_status_names),
			   (int64_t)(status & ~EFI_ERROR_BIT));
}

bool efi_status_parse(const char *s, uint64_t *out)
{
	int64_t v;

	if (lookup_value(efi_status_names, ARRAY_SIZE(efi_status_names),
			 "EFI_", s, &v)) {
		*out = v == 0 ? EFI_SUCCESS : (EFI_ERROR_BIT | (uint64_t)v);
		return true;
	}
	return text_parse_u64(s, out);
}

const char *ffa_error_name(int32_t code)
{
	return lookup_name(ffa_error_names, ARRAY_SIZE(ffa_error_names),
			   code);
}

bool ffa_error_parse(const char *s, int32_t *out)
{
	int64_t v;

	if (lookup_value(ffa_error_names, ARRAY_SIZE(ffa_error_names),
			 "FFA_", s, &v) ||
	    (text_parse_i64(s, &v) && v >= INT32_MIN && v <= INT32_MAX)) {
		*out = (int32_t)v;
		return true;
	}
	return false;
}

const char *mm_ret_name(int64_t code)
{
	return lookup_name(mm_ret_names, ARRAY_SIZE(mm_ret_names), code);
}

bool mm_ret_parse(const char *s, int64_t *out)
{
	return lookup_value(mm_ret_names, ARRAY_SIZE(mm_ret_names), "MM_", s,
			    out) ||
	       text_parse_i64(s, out);
}

const char *mm_function_name(uint64_t function)
{
	if (function > INT64_MAX) {
		return NULL;
	}
	return lookup_name(mm_function_names, ARRAY_SIZE(mm_function_names),
			   (int64_t)function);
}

bool mm_function_parse(const char *s, uint64_t *out)
{
	int64_t v;

	if (lookup_value(mm_function_names, ARRAY_SIZE(mm_function_names), "",
			 s, &v)) {
		*out = (uint64_t)v;
		return true;
	}
	return text_parse_u64(s, out);
}

const char *psci_ret_name(int32_t code)
{
	return lookup_name(psci_ret_names, ARRAY_SIZE(psci_ret_names), code);
}

struct attribute_name {
	uint32_t bit;
	const char *abbrev;
	const char *name;
};

static const struct attribute_name attribute_names[] = {
	{EFI_VARIABLE_NON_VOLATILE, "NV", "NON_VOLATILE"},
	{EFI_VARIABLE_BOOTSERVICE_ACCESS, "BS", "BOOTSERVICE_ACCESS"},
	{EFI_VARIABLE_RUNTIME_ACCESS, "RT", "RUNTIME_ACCESS"},
	{EFI_VARIABLE_HARDWARE_ERROR_RECORD, "HR", "HARDWARE_ERROR_RECORD"},
	{EFI_VARIABLE_AUTHENTICATED_WRITE_ACCESS, "AW",
	 "AUTHENTICATED_WRITE_ACCESS"},
	{EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS, "AT",
	 "TIME_BASED_AUTHENTICATED_WRITE_ACCESS"},
	{EFI_VARIABLE_APPEND_WRITE, "AP", "APPEND_WRITE"},
	{EFI_VARIABLE_ENHANCED_AUTHENTICATED_ACCESS, "EA",
	 "ENHANCED_AUTHENTICATED_ACCESS"},
};

void efi_attributes_format(uint32_t attributes, char *out, unsigned size)
{
	size_t used = 0;
	uint32_t rest = attributes;

	if (size == 0) {
		return;
	}
	out[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(attribute_names); i++) {
		if ((attributes & attribute_names[i].bit) == 0) {
			continue;
		}
		int n = snprintf(out + used, size - used, "%s%s",
				 used != 0 ? "|" : "",
				 attribute_names[i].abbrev);
		if (n < 0 || (size_t)n >= size - used) {
			return;
		}
		used += (size_t)n;
		rest &= ~attribute_names[i].bit;
	}
	if (rest != 0 || attributes == 0) {
		snprintf(out + used, size - used, "%s0x%x",
			 used != 0 ? "|" : "", (unsigned)rest);
	}
}

bool efi_attributes_parse(const char *s, uint32_t *out)
{
	char token[64];
	uint32_t value = 0;
	const char *p = s;
	uint64_t number;

	if (text_parse_u64(s, &number)) {
		if (number > UINT32_MAX) {
			return false;
		}
		*out = (uint32_t)number;
		return true;
	}
	while (*p != '\0') {
		size_t len = strcspn(p, "|,+ ");
		bool found = false;

		if (len == 0 || len >= sizeof(token)) {
			if (len == 0 && (*p == ' ')) {
				p++;
				continue;
			}
			return false;
		}
		memcpy(token, p, len);
		token[len] = '\0';
		for (size_t i = 0; i < ARRAY_SIZE(attribute_names); i++) {
			const char *full = attribute_names[i].name;
			if (strcasecmp(token, attribute_names[i].abbrev) == 0 ||
			    strcasecmp(token, full) == 0 ||
			    (strncasecmp(token, "EFI_VARIABLE_", 13) == 0 &&
			     strcasecmp(token + 13, full) == 0)) {
				value |= attribute_names[i].bit;
				found = true;
			}
		}
		if (!found && text_parse_u64(token, &number) &&
		    number <= UINT32_MAX) {
			value |= (uint32_t)number; /* "NV|0x80000000" */
			found = true;
		}
		if (!found) {
			return false;
		}
		p += len;
		if (*p != '\0') {
			p++;
		}
	}
	*out = value;
	return true;
}
