/*
 * libFuzzer target: the variable-store file parser (models/varstore_file.c,
 * varstore_load() and varstore_load_preload()), which reads the
 * `spmc.store.file` and `spmc.store.preload` files of a scenario.
 *
 * The input is written to a temporary file (on /dev/shm when there is one,
 * as varstore_save() syncs what it writes) and loaded both ways.
 *
 * Properties checked:
 *   - a failed load names the file and leaves the store as it was (a store
 *     holding one variable beforehand keeps exactly it);
 *   - a loaded store keeps the invariants of tests/fuzz/checks.h;
 *   - what a store saves, a fresh store loads, with the same NON_VOLATILE
 *     variables in the same order (the round trip of varstore_save()).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abi/efi.h"
#include "common/error.h"
#include "models/varstore.h"
#include "models/varstore_file.h"
#include "tests/fuzz/checks.h"

#define TARGET "fuzz_varstore_file"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char input_path[256];
static char saved_path[256];

static void remove_files(void)
{
	unlink(input_path);
	unlink(saved_path);
}

/* Creates the two file names once per process. */
static void make_paths(void)
{
	const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : NULL;
	int fd;

	if (input_path[0] != '\0') {
		return;
	}
	if (dir == NULL) {
		dir = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp";
	}
	snprintf(input_path, sizeof(input_path), "%s/ffah-fuzz-vars-XXXXXX",
		 dir);
	fd = mkstemp(input_path);
	if (fd < 0) {
		fuzz_check_failed(TARGET, "cannot create a temporary file");
	}
	close(fd);
	snprintf(saved_path, sizeof(saved_path), "%s.saved", input_path);
	atexit(remove_files);
}

static void write_input(const uint8_t *data, size_t size)
{
	FILE *f = fopen(input_path, "wb");

	if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
		fuzz_check_failed(TARGET, "cannot write the temporary file");
	}
}

static bool same_entry(const struct varstore_entry_view *a,
		       const struct varstore_entry_view *b)
{
	return a->name_size == b->name_size &&
	       memcmp(a->name, b->name, a->name_size) == 0 &&
	       memcmp(&a->guid, &b->guid, sizeof(a->guid)) == 0 &&
	       a->attributes == b->attributes &&
	       a->data_size == b->data_size &&
	       (a->data_size == 0 ||
		memcmp(a->data, b->data, (size_t)a->data_size) == 0);
}

/* Saves vs, loads the file into a fresh store, compares. */
static void round_trip(const struct varstore *vs)
{
	struct varstore *copy = varstore_new(NULL);
	struct error err = {false, ""};
	size_t k = 0;

	if (!varstore_save(vs, saved_path, &err)) {
		fuzz_check_failed(TARGET, err.message);
	}
	if (!varstore_load(copy, saved_path, &err)) {
		fprintf(stderr, "%s\n", err.message);
		fuzz_check_failed(TARGET, "a saved store does not load");
	}
	for (size_t i = 0; i < varstore_count(vs); i++) {
		struct varstore_entry_view a, b;

		varstore_entry(vs, i, &a);
		if ((a.attributes & EFI_VARIABLE_NON_VOLATILE) == 0) {
			continue;
		}
		if (!varstore_entry(copy, k++, &b) || !same_entry(&a, &b)) {
			fuzz_check_failed(TARGET, "a saved store loads "
						  "different variables");
		}
	}
	if (k != varstore_count(copy)) {
		fuzz_check_failed(TARGET, "a saved store loads more "
					  "variables");
	}
	varstore_free(copy);
}

static void load(bool preload)
{
	static const uint16_t name[] = {'K', 'e', 'e', 'p', 0};
	static const struct efi_guid guid = EFI_GLOBAL_VARIABLE_GUID;
	static const uint8_t value = 1;
	struct varstore *vs = varstore_new(NULL);
	struct error err = {false, ""};
	uint64_t used;
	bool ok;

	if (varstore_set(vs, name, sizeof(name), &guid,
			 EFI_VARIABLE_NON_VOLATILE |
				 EFI_VARIABLE_BOOTSERVICE_ACCESS,
			 1, &value) != EFI_SUCCESS) {
		fuzz_check_failed(TARGET, "cannot set the first variable");
	}
	used = varstore_used(vs, true);
	ok = preload ? varstore_load_preload(vs, input_path, &err)
		     : varstore_load(vs, input_path, &err);
	if (!ok) {
		if (!err.set ||
		    strncmp(err.message, input_path, strlen(input_path)) != 0) {
			fuzz_check_failed(TARGET, "a failed load does not name "
						  "the file");
		}
		if (varstore_count(vs) != 1 ||
		    varstore_used(vs, true) != used ||
		    varstore_used(vs, false) != 0) {
			fuzz_check_failed(TARGET, "a failed load changed the "
						  "store");
		}
	}
	fuzz_check_store(TARGET, vs);
	if (ok) {
		round_trip(vs);
	}
	varstore_free(vs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	make_paths();
	write_input(data, size);
	load(false);
	load(true);
	return 0;
}
