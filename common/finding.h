/*
 * Findings: what a run found, in kinds that are never confused (STYLE D1).
 *   FIRMWARE       the firmware broke a rule (FF-A, MM, EFI, cache, runtime)
 *   EXPECTATION    a scenario's expectation was not met
 *   UNIMPLEMENTED  the firmware asked for something our model does not do
 *   WARNING        worth a look, never a failure (performance, tolerated
 *                  deviations such as set/way maintenance on a core that
 *                  cleans)
 *   ERROR          the run could not go on: fault, budget, bad input
 * Each finding carries a stable code ("ffa.call-before-version") that tests,
 * scenarios and report diffs match on, a one-line message, and optional
 * detail (registers, disassembly, bytes).
 */
#ifndef COMMON_FINDING_H
#define COMMON_FINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;

enum finding_kind {
	FINDING_FIRMWARE,
	FINDING_EXPECTATION,
	FINDING_UNIMPLEMENTED,
	FINDING_WARNING,
	FINDING_ERROR,
	FINDING_KIND_COUNT
};

#define FINDING_NO_SEQ UINT32_MAX

struct finding {
	enum finding_kind kind;
	char *code;
	char *message;
	char *detail;       /* may be NULL */
	uint32_t trace_seq; /* the SMC it concerns, or FINDING_NO_SEQ */
	uint64_t pc;
	uint64_t address;
	int step;           /* scenario step index, -1 outside steps */
	/* Where the scenario line is (filled in by the runner), 0 if none. */
	int line;
	int column;
};

/*
 * Once FINDINGS_MAX findings are recorded, a new one identical in kind,
 * code and step to one already recorded is only counted (`dropped`), so
 * that firmware repeating a mistake in a loop cannot fill the host's
 * memory; findings_add() then returns `spare`, which the next dropped
 * finding overwrites.  Verdicts and expectations depend on kinds, codes
 * and steps only, so they are unchanged.  The first drop records the
 * warning "findings.repeats-dropped".
 */
#define FINDINGS_MAX 1000

struct findings {
	struct finding *items;
	size_t count;
	size_t cap;
	/* Context stamped on new findings. */
	uint32_t current_seq;
	uint64_t current_pc;
	int current_step;
	uint64_t dropped;
	struct finding spare;
};

void findings_init(struct findings *f);
void findings_free(struct findings *f);
/*
 * Empties f into the state findings_init() leaves, but keeps the item
 * array for the next findings (a fuzz target resets once per input).
 */
void findings_reset(struct findings *f);
/* Sets the trace sequence number and PC that new findings refer to. */
void findings_set_context(struct findings *f, uint32_t seq, uint64_t pc);
struct finding *findings_add(struct findings *f, enum finding_kind kind,
			     const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void finding_set_detail(struct finding *fd, const char *detail);
/*
 * Gives the text in detail to fd as its detail, without a copy (hex dumps
 * go into many findings); detail is left empty, still to be freed.
 */
void finding_take_detail(struct finding *fd, struct strbuf *detail);
size_t findings_count_kind(const struct findings *f, enum finding_kind kind);
/* First finding with this code, or NULL. */
const struct finding *findings_find(const struct findings *f,
				    const char *code);
const char *finding_kind_name(enum finding_kind kind);

#endif /* COMMON_FINDING_H */
