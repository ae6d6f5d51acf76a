#include "harness/cli.h"

#include <stdio.h>
#include <string.h>

#include "harness/scenario.h"

#include "abi/ffa.h"
#include "common/text.h"

bool cli_parse_u64(const char *option, const char *value, uint64_t *out)
{
	if (!text_parse_u64(value, out)) {
		fprintf(stderr,
			"ffa-harness: %s: '%s' is not a number (decimal or "
			"0x-hex)\n",
			option, value);
		return false;
	}
	return true;
}

bool cli_parse_size(const char *option, const char *value, uint64_t *out)
{
	if (!text_parse_size(value, out)) {
		fprintf(stderr,
			"ffa-harness: %s: '%s' is not a size (e.g. 16384, "
			"0x4000, 16K)\n",
			option, value);
		return false;
	}
	return true;
}

bool cli_parse_html_traces(const char *value, bool *all)
{
	if (strcmp(value, "all") == 0 || strcmp(value, "failures") == 0) {
		*all = strcmp(value, "all") == 0;
		return true;
	}
	fprintf(stderr, "ffa-harness: --html-traces: failures or all, got "
			"'%s'\n",
		value);
	return false;
}

bool cli_parse_backend(const char *option, const char *value, int *out)
{
	if (strcmp(value, "unicorn") == 0 || strcmp(value, "qemu") == 0) {
		*out = strcmp(value, "qemu") == 0 ? SCENARIO_MACHINE_QEMU
						  : SCENARIO_MACHINE_UNICORN;
		return true;
	}
	fprintf(stderr, "ffa-harness: %s: unicorn or qemu, got '%s'\n", option,
		value);
	return false;
}

bool cli_parse_range(const char *option, const char *value, uint64_t *addr,
		     uint64_t *size)
{
	const char *colon = strchr(value, ':');
	char left[64];

	if (colon == NULL || (size_t)(colon - value) >= sizeof(left)) {
		fprintf(stderr, "ffa-harness: %s: expected ADDR:SIZE, got '%s'\n",
			option, value);
		return false;
	}
	memcpy(left, value, (size_t)(colon - value));
	left[colon - value] = '\0';
	return cli_parse_u64(option, left, addr) &&
	       cli_parse_size(option, colon + 1, size);
}

bool cli_parse_ffa_version(const char *option, const char *value,
			   uint32_t *out)
{
	static const struct {
		const char *text;
		uint32_t version;
	} versions[] = {
		{"1.0", FFA_VERSION_1_0},
		{"1.1", FFA_VERSION_1_1},
		{"1.2", FFA_VERSION_1_2},
	};

	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		if (strcmp(versions[i].text, value) == 0) {
			*out = versions[i].version;
			return true;
		}
	}
	fprintf(stderr, "ffa-harness: %s: FF-A version must be 1.0, 1.1 or "
			"1.2, got '%s'\n",
		option, value);
	return false;
}
