/*
 * Whole-file reads and atomic writes.  Reports and stores are written
 * completely or not at all: to a temporary file next to the target, synced,
 * then renamed over it.
 */
#ifndef COMMON_FILEIO_H
#define COMMON_FILEIO_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "common/strbuf.h"

bool file_write_atomic(const char *path, const void *data, size_t len,
		       struct error *err);
/*
 * The same without the sync, for a file one process hands to another
 * (a worker's result): the rename alone makes it whole or absent for the
 * reader, and a crash of the host loses the run anyway.  A sync cost about
 * a millisecond a scenario here.
 */
bool file_hand_over(const char *path, const void *data, size_t len,
		    struct error *err);
/* Appends the file's bytes to out; max = refuse larger files. */
bool file_read_all(const char *path, struct strbuf *out, size_t max,
		   struct error *err);
/*
 * Writes all of data to fd, again after EINTR and short writes.  False
 * with errno set when a write fails, with errno 0 when fd takes no bytes.
 */
bool fd_write_all(int fd, const void *data, size_t len);
/* mkdir -p */
bool file_mkdirs(const char *path, struct error *err);

#endif /* COMMON_FILEIO_H */
