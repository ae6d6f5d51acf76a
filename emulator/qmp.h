/*
 * A minimal QMP client (QEMU Machine Protocol, QEMU 7.2
 * docs/interop/qmp-spec.rst): one command at a time over a pair of file
 * descriptors, answers read line by line.  The greeting and asynchronous
 * events are skipped; a command succeeds when its answer has "return".
 * emulator/qemu.c uses it to stop QEMU and migrate its state (snapshots).
 */
#ifndef EMULATOR_QMP_H
#define EMULATOR_QMP_H

#include <stdbool.h>

#include "common/error.h"
#include "common/strbuf.h"

struct qmp {
	int to_qemu;      /* commands are written here */
	int from_qemu;    /* answers and events are read here (non-blocking) */
	struct strbuf in; /* read, not yet taken as a line */
};

/*
 * Sends `command` (one JSON object) and waits up to timeout_ms for its
 * answer.  True if it has "return"; the answer line is left in *answer
 * (if not NULL).  False with err set on "error", a closed channel or the
 * time running out.
 */
bool qmp_execute(struct qmp *q, const char *command, unsigned timeout_ms,
		 struct strbuf *answer, struct error *err);
void qmp_free(struct qmp *q);

#endif /* EMULATOR_QMP_H */
