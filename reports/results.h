/*
 * The JSON result document (docs/report-format.md) as the report writers
 * read it: loading with jansson, validation of its format, version and
 * shape, and the small typed accessors and text helpers that the JUnit,
 * Markdown, HTML and diff writers share.
 *
 * Every writer takes a `const json_t *` that results_load_file() or
 * results_load_string() returned, so it may rely on the shape checked by
 * results_validate().  The accessors still tolerate missing or mistyped
 * members (they return the default), so that a writer never crashes on a
 * document that was not validated.
 *
 * Strings from the document may come from the firmware (console, variable
 * names): they are hostile input.  results_escape_xml() is the one escaper
 * for XML and HTML.
 */
#ifndef REPORTS_RESULTS_H
#define REPORTS_RESULTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/strbuf.h"

#define RESULTS_FORMAT "ffa-harness-results"
#define RESULTS_VERSION 1

/* Largest result document results_load_file() reads. */
#define RESULTS_MAX_FILE_SIZE ((size_t)1 << 30)

/* Scenario verdicts, least severe first (docs/report-format.md). */
enum results_verdict {
	RESULTS_PASS,
	RESULTS_NOT_IMPLEMENTED,
	RESULTS_FAIL,
	RESULTS_FIRMWARE,
	RESULTS_ERROR,
	RESULTS_VERDICT_COUNT
};

/*
 * results_load_file() - read, parse and validate a result document.
 * @path: the file.
 * @err: receives "PATH: ..." on failure.
 *
 * Invalid UTF-8 inside strings is replaced with U+FFFD before parsing (the
 * console is whatever the firmware printed); strings may contain NUL
 * (read them with results_text()).
 *
 * Return: the document (json_decref() it), or NULL with err set.
 */
json_t *results_load_file(const char *path, struct error *err);

/*
 * results_load_string() - parse and validate a result document in memory.
 * @text: the JSON text, @len bytes (need not be NUL-terminated).
 * @err: receives "LINE:COLUMN: ..." or "$.path: ..." on failure.
 *
 * Return: the document (json_decref() it), or NULL with err set.
 */
json_t *results_load_string(const char *text, size_t len, struct error *err);

/*
 * results_validate() - check format, version and the shape the writers use.
 * @doc: a parsed document.
 * @err: receives "$.scenarios[2].verdict: ..." naming the first bad member.
 *
 * Return: true if the document is usable, false with err set.
 */
bool results_validate(const json_t *doc, struct error *err);

/* "pass", "not-implemented", ... */
const char *results_verdict_name(enum results_verdict v);
/* "PASS", "NOT-IMPLEMENTED", ...: the marker reports show. */
const char *results_verdict_label(enum results_verdict v);
bool results_verdict_parse(const char *s, enum results_verdict *out);
/* The "verdict" member of a scenario or step; RESULTS_ERROR if unknown. */
enum results_verdict results_verdict_of(const json_t *obj);
/* Scenarios per verdict. */
void results_count(const json_t *doc, size_t counts[RESULTS_VERDICT_COUNT]);
/*
 * The run's verdict: the worst scenario verdict, and never better than
 * summary.verdict.  A run with no scenario is an error: nothing passed.
 */
enum results_verdict results_run_verdict(const json_t *doc);
/*
 * summary.notice: why a run has no scenario and still passes (an empty
 * shard); NULL if absent.
 */
const char *results_notice(const json_t *doc);

/* Typed members; the default when absent or of another type. */
const char *results_str(const json_t *obj, const char *key, const char *def);
/* A string member with its length (may contain NUL); "" and 0 if absent. */
const char *results_text(const json_t *obj, const char *key, size_t *len);
long long results_int(const json_t *obj, const char *key, long long def);
bool results_bool(const json_t *obj, const char *key, bool def);
/* A number given as an integer or as "0x..." text. */
bool results_u64(const json_t *obj, const char *key, uint64_t *out);
/* NULL if absent or not an object. */
const json_t *results_obj(const json_t *obj, const char *key);
/* Length of an array member (0 if absent) and its element i (or NULL). */
size_t results_len(const json_t *obj, const char *key);
const json_t *results_at(const json_t *obj, const char *key, size_t i);
/* Register i of an event's "in" or "out" array; 0 if absent. */
uint64_t results_reg(const json_t *ev, const char *which, size_t i);
/* A hex-string member as bytes (free() them); false if absent or bad. */
bool results_hex_bytes(const json_t *obj, const char *key, uint8_t **bytes,
		       size_t *len);

size_t results_scenario_count(const json_t *doc);
const json_t *results_scenario(const json_t *doc, size_t i);
/* The step with this "index", or NULL. */
const json_t *results_step(const json_t *sc, long long index);
/* The first step whose verdict is fail, firmware or error, or NULL. */
const json_t *results_failing_step(const json_t *sc);
/* The trace event with this "seq", or NULL. */
const json_t *results_event(const json_t *sc, long long seq);
bool results_event_is_smc(const json_t *ev);
/* An MM doorbell: an SMC event with an "mm" object. */
bool results_event_is_doorbell(const json_t *ev);
/*
 * The half-open range of trace seq numbers of a step: the step's
 * trace_first/trace_end, or else the events whose "step" is index.
 * Returns false if the step has no events.
 */
bool results_step_range(const json_t *sc, long long index, long long *first,
			long long *end);

/*
 * "step 3" for the step with index 2: reports number steps from 1, as the
 * runner's messages do; "before the first step" for index -1.
 */
void results_append_step_name(struct strbuf *sb, long long index);
/* "file:line" or "file:line:column" (column when at has one). */
/*
 * The checks the scenario's backend could not run ("backend" ->
 * "not_applicable"): "cache-model, runtime-guard", with their reasons if
 * asked.  Returns how many; none for a Unicorn run.
 */
size_t results_append_not_applicable(struct strbuf *sb, const json_t *sc,
				      bool reasons);
void results_append_location(struct strbuf *sb, const json_t *sc,
			     const json_t *at);
/* A JSON scalar as text: strings as they are, others as JSON. */
void results_append_scalar(struct strbuf *sb, const json_t *value);
/* "status: expected EFI_SUCCESS, seen EFI_NOT_FOUND (file:16:17)" */
void results_append_check(struct strbuf *sb, const json_t *sc,
			  const json_t *check);
/* "firmware cache.x: message (file:22, seq 12)" */
void results_append_finding(struct strbuf *sb, const json_t *sc,
			    const json_t *finding);
/*
 * One trace event on one line:
 * "#8 FFA_MSG_SEND_DIRECT_REQ_64 x1=0x8003 x2=0x0 x3=0x0 x4=0x0
 *  -> x0=0xc4000070 (ok) MM GET_VARIABLE Foo -> EFI_SUCCESS"
 */
void results_append_event(struct strbuf *sb, const json_t *ev);
/*
 * What a reader should look at first, for its line: the first unexpected
 * firmware finding of a `firmware` verdict, else the first failed check
 * of the failing step, else that step, else the first unexpected finding
 * of a `not-implemented` verdict, else the scenario itself.
 */
const json_t *results_where(const json_t *sc);
/* A finding counts against the verdict: not listed as expected. */
bool results_finding_unexpected(const json_t *finding);

/*
 * Escapes text for XML 1.0 and HTML, in element content and in quoted
 * attributes: & < > " ' become references, and the characters XML 1.0
 * forbids (C0 controls other than tab, LF, CR; U+FFFE, U+FFFF; bytes that
 * are not UTF-8) become U+FFFD.
 */
void results_escape_xml(struct strbuf *sb, const char *s, size_t len);
void results_escape_xml_str(struct strbuf *sb, const char *s);

/* The longest prefix of s[0..len) of at most max bytes ending on a
 * character boundary. */
size_t results_utf8_prefix(const char *s, size_t len, size_t max);
/*
 * Where the tail of text s[0..len) starts: at most max_lines lines and
 * max_bytes bytes, starting on a line or character boundary.
 */
size_t results_tail_start(const char *s, size_t len, size_t max_lines,
			  size_t max_bytes);
/* Number of lines in s[0..len) (a last line without newline counts). */
size_t results_line_count(const char *s, size_t len);

#endif /* REPORTS_RESULTS_H */
