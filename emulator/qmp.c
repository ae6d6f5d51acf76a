/*
 * A minimal QMP client (emulator/qmp.h).  QMP answers are one JSON object
 * a line, ended by CR LF (qmp-spec.rst "Wire protocol"); the answer to a
 * command is the first line that is not the greeting ("QMP") nor an event
 * ("event"), since commands run one at a time.
 */
#include "emulator/qmp.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Takes the next complete line out of q->in into line; false if none. */
static bool take_line(struct qmp *q, struct strbuf *line)
{
	const char *text = strbuf_str(&q->in);
	const char *nl = memchr(text, '\n', q->in.len);
	size_t n;

	if (nl == NULL) {
		return false;
	}
	n = (size_t)(nl - text) + 1;
	strbuf_reset(line);
	strbuf_append(line, text, n);
	memmove(q->in.data, q->in.data + n, q->in.len - n);
	q->in.len -= n;
	q->in.data[q->in.len] = '\0';
	return true;
}

static bool is_answer(const char *line)
{
	return strstr(line, "\"return\"") != NULL ||
	       strstr(line, "\"error\"") != NULL;
}

static bool write_all(int fd, const char *text, size_t len, struct error *err)
{
	while (len > 0) {
		ssize_t put = write(fd, text, len);

		if (put < 0 && (errno == EINTR || errno == EAGAIN)) {
			continue;
		}
		if (put <= 0) {
			return error_setf(err, "QMP: write: %s",
					  strerror(errno));
		}
		text += put;
		len -= (size_t)put;
	}
	return true;
}

/* Documented in emulator/qmp.h. */
bool qmp_execute(struct qmp *q, const char *command, unsigned timeout_ms,
		 struct strbuf *answer, struct error *err)
{
	long long deadline = now_ms() + timeout_ms;
	struct strbuf line = STRBUF_INIT;
	bool ok = false;

	if (!write_all(q->to_qemu, command, strlen(command), err) ||
	    !write_all(q->to_qemu, "\n", 1, err)) {
		return false;
	}
	for (;;) {
		struct pollfd p = {.fd = q->from_qemu, .events = POLLIN};
		char buf[4096];
		long long left;
		ssize_t got;

		if (take_line(q, &line)) {
			if (!is_answer(strbuf_str(&line))) {
				continue; /* the greeting or an event */
			}
			ok = strstr(strbuf_str(&line), "\"return\"") != NULL;
			if (!ok) {
				error_setf(err, "QMP %s: %s", command,
					   strbuf_str(&line));
			}
			break;
		}
		left = deadline - now_ms();
		if (left <= 0) {
			error_setf(err, "QMP %s: no answer within %u ms",
				   command, timeout_ms);
			break;
		}
		if (poll(&p, 1, (int)(left < 100 ? left : 100)) < 0 &&
		    errno != EINTR) {
			error_setf(err, "QMP: poll: %s", strerror(errno));
			break;
		}
		got = read(q->from_qemu, buf, sizeof(buf));
		if (got > 0) {
			strbuf_append(&q->in, buf, (size_t)got);
		} else if (got == 0) {
			error_setf(err, "QMP %s: QEMU closed the channel",
				   command);
			break;
		}
	}
	if (ok && answer != NULL) {
		strbuf_reset(answer);
		strbuf_append(answer, line.data, line.len);
	}
	strbuf_free(&line);
	return ok;
}

/* Documented in emulator/qmp.h. */
void qmp_free(struct qmp *q)
{
	strbuf_free(&q->in);
}
