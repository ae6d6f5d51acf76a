/*
 * Runs every Check suite.  The list comes from the file names
 * tests/check_<module>.c (generated suites.inc); each such file exports
 * Suite *<module>_suite(void).  FFAH_TESTLIST="a b" runs only those suites.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#define SUITE(name) Suite *name##_suite(void);
#include "suites.inc"
#undef SUITE

struct suite_entry {
	const char *name;
	Suite *(*make)(void);
};

static const struct suite_entry suites[] = {
#define SUITE(name) {#name, name##_suite},
#include "suites.inc"
#undef SUITE
};

static bool selected(const char *list, const char *name)
{
	size_t len = strlen(name);
	const char *p = list;

	if (list == NULL || list[0] == '\0') {
		return true;
	}
	while ((p = strstr(p, name)) != NULL) {
		bool start = p == list || p[-1] == ' ' || p[-1] == ',';
		bool end = p[len] == '\0' || p[len] == ' ' || p[len] == ',';
		if (start && end) {
			return true;
		}
		p += len;
	}
	return false;
}

int main(void)
{
	const char *list = getenv("FFAH_TESTLIST");
	SRunner *sr = NULL;
	int failed;

	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		if (!selected(list, suites[i].name)) {
			continue;
		}
		if (sr == NULL) {
			sr = srunner_create(suites[i].make());
		} else {
			srunner_add_suite(sr, suites[i].make());
		}
	}
	if (sr == NULL) {
		return EXIT_FAILURE; /* a selection that runs nothing is no pass */
	}
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
