/*
 * Unit tests of common/fileio.c's fd_write_all(), the write loop that
 * file_write_atomic(), the run's result logs and the gdb stub share.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

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

Suite *fileio_suite(void);

Suite *fileio_suite(void)
{
	Suite *s = suite_create("fileio");
	TCase *tc = tcase_create("fd_write_all");

	tcase_add_test(tc, everything_written_reads_back);
	tcase_add_test(tc, a_failed_write_says_why);
	suite_add_tcase(s, tc);
	return s;
}
