/*
 * Unit tests of common/fileio.c's fd_write_all(), the write loop that
 * file_write_atomic(), the run's result logs and the gdb stub share, and
 * of the two ways a whole file is written.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include <check.h>

#include "common/fileio.h"

START_TEST(everything_written_reads_back)
{
	char data[3000], back[3000];
	int fds[2];
	size_t got = 0;

	for (size_t i = 0; i < sizeof(data); i++) {
		data[i] = (char)(i * 7);
	}
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert(fd_write_all(fds[1], data, sizeof(data)));
	close(fds[1]);
	while (got < sizeof(back)) {
		ssize_t n = read(fds[0], back + got, sizeof(back) - got);

		ck_assert_int_gt(n, 0);
		got += (size_t)n;
	}
	ck_assert_int_eq(read(fds[0], back, 1), 0); /* nothing more */
	close(fds[0]);
	ck_assert_mem_eq(back, data, sizeof(data));
}
END_TEST

START_TEST(a_failed_write_says_why)
{
	int fd = open("/dev/full", O_WRONLY);

	ck_assert_int_ge(fd, 0);
	errno = 0;
	ck_assert(!fd_write_all(fd, "x", 1));
	ck_assert_int_eq(errno, ENOSPC);
	close(fd);
	ck_assert(!fd_write_all(-1, "x", 1));
	ck_assert_int_eq(errno, EBADF);
	ck_assert(fd_write_all(-1, "", 0)); /* nothing to write */
}
END_TEST

/* Files in dir other than . and .. */
static int files_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		n += e->d_name[0] != '.';
	}
	closedir(d);
	return n;
}

/*
 * Both replace the file whole and leave no temporary beside it; writing
 * where no directory exists fails naming the file asked for (_i = 0:
 * file_write_atomic(), 1: file_hand_over()).
 */
START_TEST(whole_file_replaces_the_old_one_and_leaves_nothing_else)
{
	bool (*write)(const char *, const void *, size_t, struct error *) =
		_i == 0 ? file_write_atomic : file_hand_over;
	char dir[] = "/tmp/check-fileio-XXXXXX";
	char path[64], missing[80];
	struct strbuf back = STRBUF_INIT;
	struct error err = {0};

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/result.json", dir);
	ck_assert(write(path, "a longer first text", 19, &err));
	ck_assert(write(path, "second", 6, &err));
	ck_assert(file_read_all(path, &back, 100, &err));
	ck_assert_str_eq(strbuf_str(&back), "second");
	ck_assert_int_eq(files_in(dir), 1);
	snprintf(missing, sizeof(missing), "%s/no/such.json", dir);
	ck_assert(!write(missing, "x", 1, &err));
	ck_assert_ptr_nonnull(strstr(err.message, missing));
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
	strbuf_free(&back);
}
END_TEST

Suite *fileio_suite(void);

Suite *fileio_suite(void)
{
	Suite *s = suite_create("fileio");
	TCase *tc = tcase_create("fd_write_all");

	tcase_add_test(tc, everything_written_reads_back);
	tcase_add_test(tc, a_failed_write_says_why);
	suite_add_tcase(s, tc);
	tc = tcase_create("whole files");
	tcase_add_loop_test(tc,
			    whole_file_replaces_the_old_one_and_leaves_nothing_else,
			    0, 2);
	suite_add_tcase(s, tc);
	return s;
}
