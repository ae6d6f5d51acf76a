/*
 * Persistence of a UEFI variable store (models/varstore.h): its
 * NON_VOLATILE variables and their properties in a text file, the format
 * of docs/variable-store.md.  The `spmc.store.file` and
 * `spmc.store.preload` files of a scenario are read and written here.
 */
#ifndef MODELS_VARSTORE_FILE_H
#define MODELS_VARSTORE_FILE_H

#include <stdbool.h>

struct error;
struct varstore;

/*
 * varstore_save() writes a temporary file next to path and renames it over
 * path.  varstore_load() adds the file's variables to the store and fails,
 * naming line and reason, on a corrupt, truncated or unreadable file; the
 * store is then unchanged.  varstore_load_preload() reads the same format
 * but does not require the checksum line, so that people can write the
 * file by hand; it may also hold volatile variables.
 */
bool varstore_save(const struct varstore *vs, const char *path,
		   struct error *err);
bool varstore_load(struct varstore *vs, const char *path, struct error *err);
bool varstore_load_preload(struct varstore *vs, const char *path,
			   struct error *err);

#endif /* MODELS_VARSTORE_FILE_H */
