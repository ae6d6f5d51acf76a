#include "common/verdict.h"

#include <string.h>

const char *const verdict_step_names[VERDICT_STEP_NAME_COUNT] = {
	[VERDICT_PASS] = "pass",
	[VERDICT_NOT_IMPLEMENTED] = "not-implemented",
	[VERDICT_FAIL] = "fail",
	[VERDICT_FIRMWARE] = "firmware",
	[VERDICT_ERROR] = "error",
	[VERDICT_COUNT] = VERDICT_NOT_RUN_NAME,
};

static const char *const verdict_labels[VERDICT_COUNT] = {
	[VERDICT_PASS] = "PASS",
	[VERDICT_NOT_IMPLEMENTED] = "NOT-IMPLEMENTED",
	[VERDICT_FAIL] = "FAIL",
	[VERDICT_FIRMWARE] = "FIRMWARE",
	[VERDICT_ERROR] = "ERROR",
};

const char *verdict_name(enum verdict v)
{
	return (unsigned)v < VERDICT_COUNT ? verdict_step_names[v] : "?";
}

const char *verdict_label(enum verdict v)
{
	return (unsigned)v < VERDICT_COUNT ? verdict_labels[v] : "?";
}

bool verdict_parse(const char *s, enum verdict *out)
{
	for (int v = 0; s != NULL && v < VERDICT_COUNT; v++) {
		if (strcmp(verdict_step_names[v], s) == 0) {
			*out = (enum verdict)v;
			return true;
		}
	}
	return false;
}

enum verdict verdict_worst(enum verdict a, enum verdict b)
{
	return a > b ? a : b;
}
