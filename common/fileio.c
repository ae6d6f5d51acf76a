#include "common/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool fd_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			if (n == 0) {
				errno = 0;
			}
			return false;
		}
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* Into a temporary file next to path, synced if asked, then renamed. */
static bool write_then_rename(const char *path, const void *data,
			      size_t len, bool sync, struct error *err)
{
	struct strbuf tmp = STRBUF_INIT;
	int fd;

	strbuf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	fd = open(strbuf_str(&tmp), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		  0644);
	if (fd < 0) {
		/* Name the file asked for, not our temporary beside it. */
		error_setf(err, "cannot write %s: %s", path, strerror(errno));
		strbuf_free(&tmp);
		return false;
	}
	if (!fd_write_all(fd, data, len)) {
		error_setf(err, "writing %s: %s", path,
			   errno != 0 ? strerror(errno) : "short write");
		goto remove_tmp;
	}
	if (sync && fsync(fd) != 0) {
		error_setf(err, "syncing %s: %s", path, strerror(errno));
		goto remove_tmp;
	}
	if (close(fd) != 0) {
		fd = -1;
		error_setf(err, "closing %s: %s", path, strerror(errno));
		goto remove_tmp;
	}
	fd = -1;
	if (rename(strbuf_str(&tmp), path) != 0) {
		error_setf(err, "renaming onto %s: %s", path, strerror(errno));
		goto remove_tmp;
	}
	strbuf_free(&tmp);
	return true;

remove_tmp:
	if (fd >= 0) {
		close(fd);
	}
	unlink(strbuf_str(&tmp));
	strbuf_free(&tmp);
	return false;
}

bool file_write_atomic(const char *path, const void *data, size_t len,
		       struct error *err)
{
	return write_then_rename(path, data, len, true, err);
}

bool file_hand_over(const char *path, const void *data, size_t len,
		    struct error *err)
{
	return write_then_rename(path, data, len, false, err);
}

bool file_read_all(const char *path, struct strbuf *out, size_t max,
		   struct error *err)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	if (f == NULL) {
		return error_setf(err, "%s: %s", path, strerror(errno));
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		strbuf_append(out, chunk, n);
		if (out->len > max) {
			fclose(f);
			return error_setf(err, "%s: larger than %zu bytes",
					  path, max);
		}
	}
	if (ferror(f)) {
		fclose(f);
		return error_setf(err, "%s: read error", path);
	}
	fclose(f);
	return true;
}

bool file_mkdirs(const char *path, struct error *err)
{
	char *copy = strdup(path);
	size_t len;

	if (copy == NULL) {
		return error_setf(err, "out of memory");
	}
	len = strlen(copy);
	for (size_t i = 1; i <= len; i++) {
		if (copy[i] == '/' || copy[i] == '\0') {
			char saved = copy[i];

			copy[i] = '\0';
			if (mkdir(copy, 0755) != 0 && errno != EEXIST) {
				error_setf(err, "mkdir %s: %s", copy,
					   strerror(errno));
				free(copy);
				return false;
			}
			copy[i] = saved;
		}
	}
	free(copy);
	return true;
}
