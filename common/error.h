/*
 * Error objects in the manner of QEMU's error.h: the error is the last
 * parameter, functions return true on success and leave it untouched, and
 * messages are single phrases without a trailing newline or full stop.
 */
#ifndef COMMON_ERROR_H
#define COMMON_ERROR_H

#include <stdbool.h>

#define ERROR_MESSAGE_MAX 1024

struct error {
	bool set;
	char message[ERROR_MESSAGE_MAX];
};

/* Sets err (if not NULL and not already set); always returns false. */
bool error_setf(struct error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prepends "prefix: " to an error that is set. */
void error_prefix(struct error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void error_clear(struct error *err);

#endif /* COMMON_ERROR_H */
