/*
 * Console output quoted in messages and reports: the line around a match,
 * the last lines before a timeout, and terminal escape sequences (ECMA-48
 * CSI "ESC [ ... final", and two-byte "ESC x") taken out, since U-Boot
 * colours and clears its menus with them (U-Boot's include/ansi.h).
 */
#ifndef COMMON_CONSOLE_TEXT_H
#define COMMON_CONSOLE_TEXT_H

#include <stddef.h>

#include "common/strbuf.h"

/* Longest line console_quote_line() shows before "...". */
#define CONSOLE_QUOTE_MAX 160

/*
 * Length of the escape sequence at s (at most len bytes), 0 if s does not
 * start one.  An unterminated sequence runs to the end of the text.
 */
size_t console_escape_len(const char *s, size_t len);

/* Appends text without escape sequences (other bytes as they are). */
void console_strip_escapes(struct strbuf *sb, const char *text, size_t len);

/*
 * Appends the line of text that holds offset pos, quoted: "..." with
 * escape sequences and carriage returns taken out, other control bytes as
 * spaces, cut at CONSOLE_QUOTE_MAX bytes.
 */
void console_quote_line(struct strbuf *sb, const char *text, size_t len,
			size_t pos);

/*
 * Appends the last `lines` non-empty lines of text, each quoted as above,
 * separated by " / "; "(no output)" if there is none.
 */
void console_quote_tail(struct strbuf *sb, const char *text, size_t len,
			size_t lines);

/* Lines of output console_seen_text() quotes when the text is missing. */
#define CONSOLE_TAIL_LINES 3

/*
 * What a console check saw, for its "seen": `in line "..."` with the line
 * that holds hit, or (hit NULL) `MISS; the last lines: "..." / "..."`, so
 * that a passing check is evidence and a failing one shows where the
 * output stopped.
 */
void console_seen_text(struct strbuf *seen, const char *text, size_t len,
		       const char *hit, const char *miss);

#endif /* COMMON_CONSOLE_TEXT_H */
