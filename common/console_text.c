#include "common/console_text.h"

#include <stdbool.h>

#define ESC 0x1b

size_t console_escape_len(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || (unsigned char)s[0] != ESC) {
		return 0;
	}
	if (len == 1) {
		return 1;
	}
	if (s[1] != '[') {
		return 2; /* ESC and one byte: "ESC 7", "ESC c", ... */
	}
	/* CSI: parameter and intermediate bytes, then a final 0x40..0x7e. */
	for (i = 2; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x40 && c <= 0x7e) {
			return i + 1;
		}
		if (c < 0x20 || c > 0x3f) {
			return i; /* malformed: drop what came before */
		}
	}
	return len;
}

void console_strip_escapes(struct strbuf *sb, const char *text, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t n = console_escape_len(text + i, len - i);

		if (n != 0) {
			i += n;
			continue;
		}
		strbuf_putc(sb, text[i++]);
	}
}

/* Appends text[first, end) quoted as console_quote_line() says. */
static void quote(struct strbuf *sb, const char *text, size_t first,
		  size_t end)
{
	size_t shown = 0;
	size_t i = first;

	strbuf_putc(sb, '"');
	while (i < end && shown < CONSOLE_QUOTE_MAX) {
		unsigned char c = (unsigned char)text[i];
		size_t n = console_escape_len(text + i, end - i);

		if (n != 0) {
			i += n;
			continue;
		}
		i++;
		if (c == '\r') {
			continue;
		}
		strbuf_putc(sb, c < 0x20 || c == 0x7f ? ' ' : (char)c);
		shown++;
	}
	strbuf_puts(sb, i < end ? "...\"" : "\"");
}

void console_quote_line(struct strbuf *sb, const char *text, size_t len,
			size_t pos)
{
	size_t first = pos < len ? pos : len;
	size_t end = first;

	while (first > 0 && text[first - 1] != '\n') {
		first--;
	}
	while (end < len && text[end] != '\n') {
		end++;
	}
	quote(sb, text, first, end);
}

/* True if text[first, end) has a printable byte outside escapes. */
static bool has_text(const char *text, size_t first, size_t end)
{
	for (size_t i = first; i < end; i++) {
		size_t n = console_escape_len(text + i, end - i);

		if (n != 0) {
			i += n - 1;
			continue;
		}
		if ((unsigned char)text[i] > ' ' && text[i] != 0x7f) {
			return true;
		}
	}
	return false;
}

void console_quote_tail(struct strbuf *sb, const char *text, size_t len,
			size_t lines)
{
	size_t starts[16];
	size_t ends[16];
	size_t found = 0;
	size_t end = len;

	if (lines > 16) {
		lines = 16;
	}
	while (end > 0 && found < lines) {
		size_t first = end;

		while (first > 0 && text[first - 1] != '\n') {
			first--;
		}
		if (has_text(text, first, end)) {
			starts[found] = first;
			ends[found++] = end;
		}
		end = first > 0 ? first - 1 : 0;
		if (first == 0) {
			break;
		}
	}
	if (found == 0) {
		strbuf_puts(sb, "(no output)");
		return;
	}
	for (size_t k = found; k > 0; k--) {
		if (k != found) {
			strbuf_puts(sb, " / ");
		}
		quote(sb, text, starts[k - 1], ends[k - 1]);
	}
}

void console_seen_text(struct strbuf *seen, const char *text, size_t len,
		       const char *hit, const char *miss)
{
	if (hit != NULL) {
		strbuf_puts(seen, "in line ");
		console_quote_line(seen, text, len, (size_t)(hit - text));
		return;
	}
	strbuf_printf(seen, "%s; the last lines: ", miss);
	console_quote_tail(seen, text, len, CONSOLE_TAIL_LINES);
}
