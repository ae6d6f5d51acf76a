/*
 * libFuzzer target: the scenario loader (harness/scenario.c) on arbitrary
 * text, as `ffa-harness run` and `check` read user YAML.
 *
 * Besides the sanitizers, it checks the loader's contract
 * (harness/scenario.h): on success nothing is reported and at least one
 * scenario is appended, every step keeps a 1-based mark; on failure nothing
 * is appended and every error is a "NAME:LINE:COL: ..." message.  The input
 * is loaded twice into the same set, so that appending to what is there
 * (and the duplicate-name rule across loads) is exercised too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/scenario.h"

#define INPUT_NAME "fuzz.yaml"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void contract_failed(const char *what)
{
	fprintf(stderr, "fuzz_scenario: contract broken: %s\n", what);
	abort();
}

static void check_errors(const struct scenario_errors *errs, size_t from)
{
	for (size_t i = from; i < errs->count; i++) {
		const char *m = errs->messages[i];

		if (m == NULL ||
		    strncmp(m, INPUT_NAME ":", sizeof(INPUT_NAME)) != 0) {
			contract_failed("an error does not start with the "
					"file name");
		}
	}
}

static void check_scenarios(const struct scenario_set *set, size_t from)
{
	for (size_t i = from; i < set->count; i++) {
		const struct scenario *sc = &set->items[i];

		if (sc->name == NULL || sc->name[0] == '\0') {
			contract_failed("a loaded scenario has no name");
		}
		if (sc->step_count == 0 || sc->steps == NULL) {
			contract_failed("a loaded scenario has no steps");
		}
		for (size_t k = 0; k < sc->step_count; k++) {
			const struct scenario_step *st = &sc->steps[k];

			if (st->mark.line < 1 || st->mark.column < 1 ||
			    st->kind >= STEP_KIND_COUNT) {
				contract_failed("a step has no mark or kind");
			}
			if (scenario_step_kind_name(st->kind) == NULL) {
				contract_failed("a step kind has no name");
			}
		}
	}
}

/* One load into set/errs; checks the outcome against the contract. */
static void load_once(const char *text, size_t len, struct scenario_set *set,
		      struct scenario_errors *errs)
{
	size_t scenarios = set->count;
	size_t errors = errs->count;
	bool ok = scenario_load_string(INPUT_NAME, text, len, set, errs);

	if (ok) {
		if (errs->count != errors || set->count <= scenarios) {
			contract_failed("success with errors or no scenario");
		}
		check_scenarios(set, scenarios);
	} else {
		if (set->count != scenarios || errs->count <= errors) {
			contract_failed("failure without an error, or with "
					"scenarios appended");
		}
		check_errors(errs, errors);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scenario_set set = {0};
	struct scenario_errors errs = {0};

	load_once((const char *)data, size, &set, &errs);
	load_once((const char *)data, size, &set, &errs);
	scenario_set_free(&set);
	scenario_errors_free(&errs);
	return 0;
}
