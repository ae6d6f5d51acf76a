#include "common/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool error_setf(struct error *err, const char *fmt, ...)
{
	va_list ap;

	/* The first error is the cause; later ones are consequences. */
	if (err == NULL || err->set) {
		return false;
	}
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	err->set = true;
	return false;
}

void error_prefix(struct error *err, const char *fmt, ...)
{
	char prefix[ERROR_MESSAGE_MAX];
	char old[ERROR_MESSAGE_MAX];
	va_list ap;

	if (err == NULL || !err->set) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->message, sizeof(old));
	snprintf(err->message, sizeof(err->message), "%s: %s", prefix, old);
}

void error_clear(struct error *err)
{
	if (err != NULL) {
		err->set = false;
		err->message[0] = '\0';
	}
}
