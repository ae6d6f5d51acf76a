/*
 * Oracles shared by the libFuzzer targets in tests/fuzz/: properties the
 * code under test documents, checked after every operation so that a
 * logic error is a crash the fuzzer keeps, not only a memory error.
 */
#ifndef TESTS_FUZZ_CHECKS_H
#define TESTS_FUZZ_CHECKS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/efi.h"
#include "common/strbuf.h"
#include "common/text.h"
#include "common/trace.h"
#include "models/varstore.h"

/* A broken property: what and where, then abort() (libFuzzer's crash). */
static inline void fuzz_check_failed(const char *target, const char *what)
{
	fprintf(stderr, "%s: property broken: %s\n", target, what);
	abort();
}

/* FUZZ_VERBOSE=1 in the environment: targets say what each step did. */
static inline bool fuzz_verbose(void)
{
	static int verbose = -1;

	if (verbose < 0) {
		verbose = getenv("FUZZ_VERBOSE") != NULL;
	}
	return verbose != 0;
}

/*
 * Formats the input's last trace event as report JSON and as text, so
 * that the formatters meet what the models recorded.  Once per input:
 * formatting every event was over half of each input's time
 * (docs/fuzzing.md).
 */
static inline void fuzz_format_last_event(const struct trace *t)
{
	struct strbuf sb = STRBUF_INIT;

	if (t->count == 0) {
		return;
	}
	trace_event_to_json(&t->events[t->count - 1], &sb, true);
	trace_event_to_text(&t->events[t->count - 1], &sb);
	strbuf_free(&sb);
}

/*
 * The invariants models/varstore.c states at its top: stored names are
 * their code units up to the first NUL plus that NUL, attributes never hold
 * APPEND_WRITE, each (name, GUID) is stored once and can be looked up, and
 * the bytes charged to each class are the sum of the costs of its
 * variables.
 */
static inline void fuzz_check_store(const char *target,
				    const struct varstore *vs)
{
	uint64_t used[2] = {0, 0};
	size_t count = varstore_count(vs);

	for (size_t i = 0; i < count; i++) {
		struct varstore_entry_view v;
		struct varstore_entry_view found;
		size_t units;

		if (!varstore_entry(vs, i, &v)) {
			fuzz_check_failed(target, "an entry below the count "
						  "is missing");
		}
		if (v.name == NULL || v.name_size < 4 || v.name_size % 2 != 0) {
			fuzz_check_failed(target, "a stored name is empty or "
						  "has an odd size");
		}
		units = v.name_size / 2 - 1;
		if (text_ucs2_length(v.name, v.name_size) != (long)units) {
			fuzz_check_failed(target, "a stored name is not its "
						  "code units and one NUL");
		}
		if ((v.attributes & EFI_VARIABLE_APPEND_WRITE) != 0) {
			fuzz_check_failed(target, "APPEND_WRITE is stored");
		}
		if (v.data_size != 0 && v.data == NULL) {
			fuzz_check_failed(target, "data size without data");
		}
		if (!varstore_lookup(vs, v.name, v.name_size, &v.guid,
				     &found) ||
		    found.name != v.name) {
			fuzz_check_failed(target, "a stored variable cannot be "
						  "looked up, or is stored "
						  "twice");
		}
		used[(v.attributes & EFI_VARIABLE_NON_VOLATILE) != 0] +=
			VARSTORE_ENTRY_OVERHEAD + v.name_size + v.data_size;
	}
	if (used[0] != varstore_used(vs, false) ||
	    used[1] != varstore_used(vs, true)) {
		fuzz_check_failed(target, "the bytes charged to a class are "
					  "not the sum of its variables");
	}
}

#endif /* TESTS_FUZZ_CHECKS_H */
