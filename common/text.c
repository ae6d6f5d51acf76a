#include "common/text.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int text_hex_digit(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

/* Parses 8-4-4-4-12 hex text into 16 bytes in text order. */
static bool parse_uuid_bytes(const char *s, uint8_t out[16])
{
	static const int dash_at[] = {8, 13, 18, 23};
	size_t n = 0;

	if (s == NULL || strlen(s) != TEXT_GUID_LEN) {
		return false;
	}
	for (size_t i = 0; i < TEXT_GUID_LEN;) {
		bool dash = false;

		for (size_t d = 0; d < 4; d++) {
			if ((int)i == dash_at[d]) {
				dash = true;
			}
		}
		if (dash) {
			if (s[i] != '-') {
				return false;
			}
			i++;
			continue;
		}
		int hi = text_hex_digit(s[i]);
		int lo = text_hex_digit(s[i + 1]);
		if (hi < 0 || lo < 0) {
			return false;
		}
		out[n++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	return n == 16;
}

bool text_parse_guid(const char *s, struct efi_guid *out)
{
	uint8_t b[16];

	if (!parse_uuid_bytes(s, b)) {
		return false;
	}
	out->data1 = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
		     (uint32_t)b[2] << 8 | b[3];
	out->data2 = (uint16_t)(b[4] << 8 | b[5]);
	out->data3 = (uint16_t)(b[6] << 8 | b[7]);
	memcpy(out->data4, b + 8, 8);
	return true;
}

void text_format_guid(const struct efi_guid *g, char out[TEXT_GUID_LEN + 1])
{
	snprintf(out, TEXT_GUID_LEN + 1,
		 "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 (unsigned)g->data1, (unsigned)g->data2, (unsigned)g->data3,
		 g->data4[0], g->data4[1], g->data4[2], g->data4[3],
		 g->data4[4], g->data4[5], g->data4[6], g->data4[7]);
}

bool text_parse_ffa_uuid(const char *s, struct ffa_uuid *out)
{
	uint8_t b[16];

	if (!parse_uuid_bytes(s, b)) {
		return false;
	}
	for (size_t w = 0; w < 4; w++) {
		out->w[w] = (uint32_t)b[4 * w] | (uint32_t)b[4 * w + 1] << 8 |
			    (uint32_t)b[4 * w + 2] << 16 |
			    (uint32_t)b[4 * w + 3] << 24;
	}
	return true;
}

void ffa_uuid_to_bytes(const struct ffa_uuid *u, uint8_t bytes[16])
{
	for (size_t w = 0; w < 4; w++) {
		for (size_t i = 0; i < 4; i++) {
			bytes[4 * w + i] = (uint8_t)(u->w[w] >> (8 * i));
		}
	}
}

void text_format_ffa_uuid(const struct ffa_uuid *u,
			  char out[TEXT_GUID_LEN + 1])
{
	uint8_t b[16];

	ffa_uuid_to_bytes(u, b);
	snprintf(out, TEXT_GUID_LEN + 1,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
		 b[10], b[11], b[12], b[13], b[14], b[15]);
}

bool ffa_uuid_is_nil(const struct ffa_uuid *u)
{
	return (u->w[0] | u->w[1] | u->w[2] | u->w[3]) == 0;
}

bool ffa_uuid_equal(const struct ffa_uuid *a, const struct ffa_uuid *b)
{
	return memcmp(a->w, b->w, sizeof(a->w)) == 0;
}

bool efi_guid_equal(const struct efi_guid *a, const struct efi_guid *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

bool text_parse_hex(const char *s, uint8_t **bytes, size_t *len)
{
	size_t cap = strlen(s) / 2 + 1;
	uint8_t *out = xmalloc(cap);
	size_t n = 0;
	const char *p = s;

	while (isspace((unsigned char)*p)) {
		p++;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		p += 2;
	}
	while (*p != '\0') {
		if (isspace((unsigned char)*p) || *p == ':' || *p == '_') {
			p++;
			continue;
		}
		int hi = text_hex_digit(p[0]);
		int lo = hi >= 0 ? text_hex_digit(p[1]) : -1;
		if (hi < 0 || lo < 0) {
			free(out);
			*bytes = NULL;
			*len = (size_t)(p - s) + (hi < 0 ? 0 : 1);
			return false;
		}
		out[n++] = (uint8_t)(hi << 4 | lo);
		p += 2;
	}
	*bytes = out;
	*len = n;
	return true;
}

void text_append_hex(struct strbuf *sb, const void *bytes, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *b = bytes;
	char *out = strbuf_extend(sb, 2 * len);

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
}

bool text_utf8_to_ucs2(const char *s, uint16_t **name, size_t *size)
{
	size_t cap = strlen(s) + 1;
	uint16_t *out = xmalloc(cap * sizeof(*out));
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		uint32_t cp;
		size_t extra;

		if (*p < 0x80) {
			cp = *p;
			extra = 0;
		} else if ((*p & 0xe0) == 0xc0) {
			cp = *p & 0x1fu;
			extra = 1;
		} else if ((*p & 0xf0) == 0xe0) {
			cp = *p & 0x0fu;
			extra = 2;
		} else {
			/* Four-byte sequences are outside the BMP. */
			free(out);
			return false;
		}
		p++;
		for (size_t i = 0; i < extra; i++, p++) {
			if ((*p & 0xc0) != 0x80) {
				free(out);
				return false;
			}
			cp = cp << 6 | (*p & 0x3fu);
		}
		if ((cp >= 0xd800 && cp <= 0xdfff) ||
		    (extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800)) {
			free(out);
			return false;
		}
		out[n++] = (uint16_t)cp;
	}
	out[n++] = 0;
	*name = out;
	*size = n * sizeof(*out);
	return true;
}

void text_append_ucs2(struct strbuf *sb, const uint16_t *name, size_t size)
{
	size_t count = size / 2;

	for (size_t i = 0; i < count; i++) {
		uint16_t c = name[i];

		if (c == 0 && i + 1 == count) {
			break; /* the terminator */
		}
		if (c == 0 || (c >= 0xd800 && c <= 0xdfff)) {
			strbuf_printf(sb, "\\u%04x", c);
		} else if (c < 0x80) {
			strbuf_putc(sb, (char)c);
		} else if (c < 0x800) {
			strbuf_putc(sb, (char)(0xc0 | (c >> 6)));
			strbuf_putc(sb, (char)(0x80 | (c & 0x3f)));
		} else {
			strbuf_putc(sb, (char)(0xe0 | (c >> 12)));
			strbuf_putc(sb, (char)(0x80 | ((c >> 6) & 0x3f)));
			strbuf_putc(sb, (char)(0x80 | (c & 0x3f)));
		}
	}
}

long text_ucs2_length(const uint16_t *name, size_t size)
{
	for (size_t i = 0; i < size / 2; i++) {
		if (name[i] == 0) {
			return (long)i;
		}
	}
	return -1;
}

/* "Decimal or 0x-hex": never octal, so that "010" is ten. */
static int number_base(const char *s)
{
	if (*s == '-' || *s == '+') {
		s++;
	}
	return s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 16 : 10;
}

bool text_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (s == NULL || *s == '\0' || *s == '-' || isspace((unsigned char)*s)) {
		return false;
	}
	errno = 0;
	v = strtoull(s, &end, number_base(s));
	if (errno != 0 || *end != '\0') {
		return false;
	}
	*out = (uint64_t)v;
	return true;
}

bool text_parse_i64(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s)) {
		return false;
	}
	errno = 0;
	v = strtoll(s, &end, number_base(s));
	if (errno != 0 || *end != '\0') {
		return false;
	}
	*out = (int64_t)v;
	return true;
}

bool text_parse_size(const char *s, uint64_t *out)
{
	char buf[64];
	size_t len = strlen(s);
	unsigned shift = 0;
	uint64_t v;

	if (len == 0 || len >= sizeof(buf)) {
		return false;
	}
	memcpy(buf, s, len + 1);
	switch (buf[len - 1]) {
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	default:
		break;
	}
	if (shift != 0) {
		buf[len - 1] = '\0';
	}
	if (!text_parse_u64(buf, &v) || (v << shift) >> shift != v) {
		return false;
	}
	*out = v << shift;
	return true;
}

/*
 * The row's address as "%08llx " writes it: at least 8 hex digits, more
 * when needed; returns the characters written.
 */
static size_t put_row_address(char *out, uint64_t addr)
{
	static const char digits[] = "0123456789abcdef";
	unsigned int width = 8;

	while (width < 16 && (addr >> (4 * width)) != 0) {
		width++;
	}
	for (unsigned int i = 0; i < width; i++) {
		out[i] = digits[(addr >> (4 * (width - 1 - i))) & 0xf];
	}
	out[width] = ' ';
	return width + 1;
}

void text_append_hexdump(struct strbuf *sb, const void *bytes, size_t len,
			 uint64_t base)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *b = bytes;
	/* Address and a space, 16 x " xx", "  |", 16 characters, "|\n". */
	char row[16 + 1 + 16 * 3 + 3 + 16 + 2];

	/*
	 * One append per row, the digits from a table and one pass over the
	 * row's bytes: a hex dump goes into every finding about bad bytes,
	 * and printf (then a loop per column) made it the largest cost of a
	 * malformed request (docs/fuzzing.md).
	 */
	for (size_t line = 0; line < len; line += 16) {
		size_t count = len - line < 16 ? len - line : 16;
		char *hex = row + put_row_address(row, base + line);
		char *text = hex + 16 * 3 + 3;

		memset(hex, ' ', 16 * 3 + 2);
		hex[16 * 3 + 2] = '|';
		for (size_t i = 0; i < count; i++) {
			uint8_t c = b[line + i];

			hex[3 * i + 1] = digits[c >> 4];
			hex[3 * i + 2] = digits[c & 0xf];
			/* 0x20..0x7e, printable ASCII, in one comparison. */
			text[i] = (uint8_t)(c - 0x20) < 0x5f ? (char)c : '.';
		}
		text[count] = '|';
		text[count + 1] = '\n';
		strbuf_append(sb, row, (size_t)(text + count + 2 - row));
	}
}
