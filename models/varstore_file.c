/*
 * Persistence of the UEFI variable store: varstore_save(),
 * varstore_load() and varstore_load_preload() of models/varstore_file.h.
 *
 * The store's semantics stay in models/varstore.c; this file sees the
 * store only through models/varstore.h (the views and the restore
 * functions), so a file can never put into a store what SetVariable
 * could not.
 *
 * Guarantees: a save replaces the file atomically (temporary file, fsync,
 * rename, fsync of the directory); a load either adds every record of the
 * file or, on the first bad line, nothing, with "path:line: reason".
 */
#include "models/varstore_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abi/efi.h"
#include "abi/mm.h"
#include "common/error.h"
#include "common/strbuf.h"
#include "common/text.h"
#include "models/varstore.h"

/*
 * The format is defined in docs/variable-store.md; in short:
 *
 *   ffa-harness-varstore 1
 *   var <guid> <name> <attributes> <hex data or ->
 *   prop <guid> <name> <revision> <property> <attributes> <min> <max>
 *   end <number of var and prop records>
 *   crc32 <CRC-32/IEEE of every byte before this line, 8 hex digits>
 */

/* The first line of every file: format name and version. */
#define FILE_HEADER "ffa-harness-varstore 1"
/* Larger files are refused before reading: no store needs that much. */
#define FILE_MAX_BYTES (64u * 1024u * 1024u)
#define FILE_FIELDS_MAX 8

#define CLASS_VOLATILE 0
#define CLASS_NV 1

/* A variable read from the file, owned by the load until it commits. */
struct staged_var {
	uint16_t *name; /* NUL-terminated */
	size_t name_size;
	struct efi_guid guid;
	uint32_t attributes;
	uint8_t *data; /* NULL when data_size is 0 */
	uint64_t data_size;
};

struct staged_prop {
	uint16_t *name;
	size_t name_size;
	struct efi_guid guid;
	struct mm_var_check_property property;
};

struct staged_vars {
	struct staged_var *items;
	size_t count;
	size_t cap;
};

struct staged_props {
	struct staged_prop *items;
	size_t count;
	size_t cap;
};

static void staged_vars_push(struct staged_vars *l,
			     const struct staged_var *v)
{
	if (l->count == l->cap) {
		l->cap = l->cap != 0 ? l->cap * 2 : 16;
		l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
	}
	l->items[l->count++] = *v;
}

static void staged_var_release(struct staged_var *v)
{
	free(v->name);
	free(v->data);
}

static void staged_vars_clear(struct staged_vars *l)
{
	for (size_t i = 0; i < l->count; i++) {
		staged_var_release(&l->items[i]);
	}
	free(l->items);
	l->items = NULL;
	l->count = 0;
	l->cap = 0;
}

static void staged_props_push(struct staged_props *l,
			      const struct staged_prop *p)
{
	if (l->count == l->cap) {
		l->cap = l->cap != 0 ? l->cap * 2 : 16;
		l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
	}
	l->items[l->count++] = *p;
}

static void staged_props_clear(struct staged_props *l)
{
	for (size_t i = 0; i < l->count; i++) {
		free(l->items[i].name);
	}
	free(l->items);
	l->items = NULL;
	l->count = 0;
	l->cap = 0;
}

/* Whether two NUL-terminated names of a file are the same name. */
static bool same_name(const uint16_t *a, size_t a_size, const uint16_t *b,
		      size_t b_size)
{
	return a_size == b_size && memcmp(a, b, a_size) == 0;
}

static bool staged_var_exists(const struct staged_vars *l,
			      const struct staged_var *v)
{
	for (size_t i = 0; i < l->count; i++) {
		const struct staged_var *s = &l->items[i];

		if (same_name(s->name, s->name_size, v->name, v->name_size) &&
		    efi_guid_equal(&s->guid, &v->guid)) {
			return true;
		}
	}
	return false;
}

static bool staged_prop_exists(const struct staged_props *l,
			       const struct staged_prop *p)
{
	for (size_t i = 0; i < l->count; i++) {
		const struct staged_prop *s = &l->items[i];

		if (same_name(s->name, s->name_size, p->name, p->name_size) &&
		    efi_guid_equal(&s->guid, &p->guid)) {
			return true;
		}
	}
	return false;
}

/* Whether used + extra bytes fit in a class, without overflow. */
static bool class_fits(const struct varstore *vs, int cls, uint64_t used,
		       uint64_t extra)
{
	return used <= UINT64_MAX - extra &&
	       used + extra <= varstore_capacity(vs, cls == CLASS_NV);
}

/* CRC-32/IEEE 802.3 (reflected, polynomial 0xEDB88320, ~0 in and out). */
static uint32_t crc32_ieee(const void *bytes, size_t len)
{
	const uint8_t *b = bytes;
	uint32_t crc = UINT32_MAX;

	for (size_t i = 0; i < len; i++) {
		crc ^= b[i];
		for (int k = 0; k < 8; k++) {
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
		}
	}
	return ~crc;
}

/*
 * A code unit that can be written as itself in a plain name: printable
 * ASCII without space (the field separator), '#' (comments), '%' and
 * backslash (kept free for future escapes).
 */
static bool plain_char(uint16_t c)
{
	return c > 0x20 && c < 0x7f && c != '#' && c != '%' && c != '\\';
}

static bool name_is_plain(const uint16_t *name, size_t units)
{
	static const char hex_prefix[] = "hex:";

	/* A plain name that starts with "hex:" would read back as hex. */
	if (units >= 4) {
		bool prefixed = true;

		for (size_t i = 0; i < 4; i++) {
			if (name[i] != (uint16_t)hex_prefix[i]) {
				prefixed = false;
			}
		}
		if (prefixed) {
			return false;
		}
	}
	for (size_t i = 0; i < units; i++) {
		if (!plain_char(name[i])) {
			return false;
		}
	}
	return true;
}

static void format_name(struct strbuf *sb, const uint16_t *name,
			size_t name_size)
{
	size_t units = name_size / sizeof(uint16_t) - 1;

	if (name_is_plain(name, units)) {
		for (size_t i = 0; i < units; i++) {
			strbuf_putc(sb, (char)name[i]);
		}
		return;
	}
	strbuf_puts(sb, "hex:");
	for (size_t i = 0; i < units; i++) {
		uint8_t le[2] = {(uint8_t)(name[i] & 0xff),
				 (uint8_t)(name[i] >> 8)};

		text_append_hex(sb, le, sizeof(le));
	}
}

static void format_guid(struct strbuf *sb, const struct efi_guid *guid)
{
	char text[TEXT_GUID_LEN + 1];

	text_format_guid(guid, text);
	strbuf_puts(sb, text);
}

/* Builds the whole file text of a store: NV variables and all properties. */
static void format_store(const struct varstore *vs, struct strbuf *sb)
{
	size_t records = 0;

	strbuf_puts(sb, FILE_HEADER "\n");
	strbuf_puts(sb, "# Written by ffa-harness; the crc32 line checks "
			"every byte above it.\n");
	for (size_t i = 0; i < varstore_count(vs); i++) {
		struct varstore_entry_view v;

		varstore_entry(vs, i, &v);
		if ((v.attributes & EFI_VARIABLE_NON_VOLATILE) == 0) {
			continue;
		}
		strbuf_puts(sb, "var ");
		format_guid(sb, &v.guid);
		strbuf_putc(sb, ' ');
		format_name(sb, v.name, v.name_size);
		strbuf_printf(sb, " 0x%x ", (unsigned)v.attributes);
		if (v.data_size == 0) {
			strbuf_putc(sb, '-');
		} else {
			text_append_hex(sb, v.data, (size_t)v.data_size);
		}
		strbuf_putc(sb, '\n');
		records++;
	}
	for (size_t i = 0; i < varstore_property_count(vs); i++) {
		struct varstore_property_view p;
		const struct mm_var_check_property *vp = &p.property;

		varstore_property_entry(vs, i, &p);
		strbuf_puts(sb, "prop ");
		format_guid(sb, &p.guid);
		strbuf_putc(sb, ' ');
		format_name(sb, p.name, p.name_size);
		strbuf_printf(sb, " 0x%x 0x%x 0x%x %llu %llu\n",
			      (unsigned)vp->revision, (unsigned)vp->property,
			      (unsigned)vp->attributes,
			      (unsigned long long)vp->min_size,
			      (unsigned long long)vp->max_size);
		records++;
	}
	strbuf_printf(sb, "end %zu\n", records);
	strbuf_printf(sb, "crc32 %08x\n", (unsigned)crc32_ieee(sb->data,
							       sb->len));
}

/*
 * write_all() - write(2) until every byte is out.
 *
 * Return: true, or false with errno set.
 */
static bool write_all(int fd, const char *bytes, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, bytes, len);

		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return false;
		}
		bytes += n;
		len -= (size_t)n;
	}
	return true;
}

/*
 * sync_parent_dir() - fsync(2) of the directory holding path, so that the
 * rename is durable.  File systems that cannot sync a directory (EINVAL)
 * are not an error.
 *
 * Return: true, or false with errno set.
 */
static bool sync_parent_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;
	bool ok;

	if (slash == NULL) {
		dir = xstrdup(".");
	} else if (slash == path) {
		dir = xstrdup("/");
	} else {
		dir = xstrndup(path, (size_t)(slash - path));
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0) {
		return false;
	}
	ok = fsync(fd) == 0 || errno == EINVAL;
	if (close(fd) != 0 && ok) {
		ok = false;
	}
	return ok;
}

/*
 * varstore_save() - Writes the NON_VOLATILE variables and every property
 * to path, atomically: the text goes to "<path>.tmp.<pid>", which is
 * fsync'ed and renamed over path; the directory is then fsync'ed.
 *
 * Return: true; false with err naming the path, the step and the errno
 * text, path untouched and the temporary file removed.
 */
bool varstore_save(const struct varstore *vs, const char *path,
		   struct error *err)
{
	struct strbuf text = STRBUF_INIT;
	struct strbuf tmp = STRBUF_INIT;
	const char *step = "";
	bool ok = false;
	int saved;
	int fd;

	format_store(vs, &text);
	strbuf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		error_setf(err, "%s: cannot create temporary file %s: %s",
			   path, tmp.data, strerror(errno));
		goto free_text;
	}
	if (!write_all(fd, text.data, text.len)) {
		step = "cannot write";
		goto close_tmp;
	}
	if (fsync(fd) != 0) {
		step = "cannot sync";
		goto close_tmp;
	}
	if (close(fd) != 0) {
		step = "cannot close";
		goto remove_tmp;
	}
	if (rename(tmp.data, path) != 0) {
		step = "cannot rename over it";
		goto remove_tmp;
	}
	if (!sync_parent_dir(path)) {
		/* The new file is in place; only its durability is unsure. */
		error_setf(err, "%s: cannot sync its directory: %s", path,
			   strerror(errno));
		goto free_text;
	}
	ok = true;
	goto free_text;

close_tmp:
	saved = errno;
	close(fd);
	errno = saved;
remove_tmp:
	saved = errno;
	error_setf(err, "%s: %s temporary file %s: %s", path, step, tmp.data,
		   strerror(saved));
	unlink(tmp.data);
free_text:
	strbuf_free(&tmp);
	strbuf_free(&text);
	return ok;
}

/* What a line of the file may be, in the order the format allows them. */
enum load_state {
	LOAD_WANT_HEADER,
	LOAD_IN_RECORDS,
	LOAD_AFTER_END,
	LOAD_AFTER_CRC,
};

/* A load in progress: everything is staged here until the whole file
 * has been checked, so that a failed load leaves the store unchanged. */
struct load_ctx {
	const struct varstore *vs;
	const char *path;
	bool preload;
	struct error *err;
	unsigned long line;
	enum load_state state;
	struct staged_vars vars;
	struct staged_props props;
	uint64_t used[2];
	size_t records;
};

/* Sets "path:line: message"; always returns false. */
static bool load_fail(struct load_ctx *ctx, unsigned long line,
		      const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool load_fail(struct load_ctx *ctx, unsigned long line,
		      const char *fmt, ...)
{
	char msg[ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return error_setf(ctx->err, "%s:%lu: %s", ctx->path, line, msg);
}

/*
 * split_fields() - Splits a line in place at runs of spaces and tabs.
 *
 * Return: the number of fields, which may exceed max (only max are
 * stored).
 */
static size_t split_fields(char *line, char *fields[], size_t max)
{
	size_t n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t') {
			*p++ = '\0';
		}
		if (*p == '\0') {
			return n;
		}
		if (n < max) {
			fields[n] = p;
		}
		n++;
		while (*p != '\0' && *p != ' ' && *p != '\t') {
			p++;
		}
	}
}

/*
 * parse_hex_strict() - Pairs of hex digits, nothing else.
 *
 * Return: true with *bytes (malloc'ed, NULL for "") and *len; false for an
 * odd count or a character that is not a hex digit.
 */
static bool parse_hex_strict(const char *s, uint8_t **bytes, size_t *len)
{
	size_t digits = strlen(s);
	uint8_t *out;

	if (digits % 2 != 0) {
		return false;
	}
	for (size_t i = 0; i < digits; i++) {
		if (text_hex_digit(s[i]) < 0) {
			return false;
		}
	}
	out = digits != 0 ? xmalloc(digits / 2) : NULL;
	for (size_t i = 0; i < digits / 2; i++) {
		out[i] = (uint8_t)(text_hex_digit(s[2 * i]) << 4 |
				   text_hex_digit(s[2 * i + 1]));
	}
	*bytes = out;
	*len = digits / 2;
	return true;
}

/*
 * parse_name() - A name field: plain printable ASCII, or "hex:" and the
 * UCS-2 little-endian bytes without the NUL.
 *
 * Return: true with *name (malloc'ed, NUL-terminated) and *name_size;
 * false with an error at the current line.
 */
static bool parse_name(struct load_ctx *ctx, const char *field,
		       uint16_t **name, size_t *name_size)
{
	uint16_t *out;
	size_t units;

	if (strncmp(field, "hex:", 4) == 0) {
		uint8_t *bytes = NULL;
		size_t len = 0;

		if (!parse_hex_strict(field + 4, &bytes, &len) || len == 0 ||
		    len % 2 != 0) {
			free(bytes);
			return load_fail(ctx, ctx->line,
					 "bad name '%s': expected hex: and "
					 "UCS-2 little-endian code units",
					 field);
		}
		units = len / 2;
		out = xmalloc((units + 1) * sizeof(uint16_t));
		for (size_t i = 0; i < units; i++) {
			out[i] = (uint16_t)(bytes[2 * i] |
					    bytes[2 * i + 1] << 8);
		}
		free(bytes);
		for (size_t i = 0; i < units; i++) {
			if (out[i] == 0) {
				free(out);
				return load_fail(ctx, ctx->line,
						 "bad name '%s': NUL code "
						 "unit inside the name",
						 field);
			}
		}
	} else {
		units = strlen(field);
		for (size_t i = 0; i < units; i++) {
			if (!plain_char((unsigned char)field[i])) {
				return load_fail(ctx, ctx->line,
						 "bad name '%s': character "
						 "0x%02x must be written in "
						 "the hex: form",
						 field,
						 (unsigned char)field[i]);
			}
		}
		out = xmalloc((units + 1) * sizeof(uint16_t));
		for (size_t i = 0; i < units; i++) {
			out[i] = (unsigned char)field[i];
		}
	}
	out[units] = 0;
	*name = out;
	*name_size = (units + 1) * sizeof(uint16_t);
	return true;
}

/*
 * parse_number() - A number field (decimal or 0x-hex) no larger than max.
 *
 * Return: true with *out; false with an error naming the field.
 */
static bool parse_number(struct load_ctx *ctx, const char *field,
			 const char *what, uint64_t max, uint64_t *out)
{
	if (!text_parse_u64(field, out) || *out > max) {
		return load_fail(ctx, ctx->line,
				 "bad %s '%s': expected a number up to "
				 "0x%llx",
				 what, field, (unsigned long long)max);
	}
	return true;
}

static bool parse_guid_field(struct load_ctx *ctx, const char *field,
			     struct efi_guid *guid)
{
	if (!text_parse_guid(field, guid)) {
		return load_fail(ctx, ctx->line,
				 "bad GUID '%s': expected "
				 "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
				 field);
	}
	return true;
}

/*
 * check_loaded_attributes() - Attribute rules for a variable from a file:
 * what SetVariable accepts, with an access attribute, without APPEND_WRITE,
 * and NON_VOLATILE unless preloading.
 *
 * Return: true, or false with an error naming the rule.
 */
static bool check_loaded_attributes(struct load_ctx *ctx, uint32_t attr)
{
	const char *why = varstore_stored_attributes_refusal(attr);

	if (why != NULL) {
		return load_fail(ctx, ctx->line, "bad attributes 0x%x: %s",
				 (unsigned)attr, why);
	}
	if (!ctx->preload && (attr & EFI_VARIABLE_NON_VOLATILE) == 0) {
		return load_fail(ctx, ctx->line,
				 "bad attributes 0x%x: a saved store holds "
				 "only NON_VOLATILE variables",
				 (unsigned)attr);
	}
	return true;
}

/* Parses "var <guid> <name> <attributes> <data>" into the staging list. */
static bool load_var(struct load_ctx *ctx, char *fields[], size_t count)
{
	struct staged_var v = {0};
	struct varstore_entry_view stored;
	uint64_t attr;
	uint64_t cost = UINT64_MAX;
	size_t len;
	int cls;

	if (count != 5) {
		return load_fail(ctx, ctx->line,
				 "expected 'var <guid> <name> <attributes> "
				 "<hex data>', got %zu fields",
				 count);
	}
	if (!parse_guid_field(ctx, fields[1], &v.guid) ||
	    !parse_number(ctx, fields[3], "attributes", UINT32_MAX, &attr) ||
	    !check_loaded_attributes(ctx, (uint32_t)attr)) {
		return false;
	}
	v.attributes = (uint32_t)attr;
	if (strcmp(fields[4], "-") != 0) {
		if (!parse_hex_strict(fields[4], &v.data, &len) || len == 0) {
			return load_fail(ctx, ctx->line,
					 "bad data: expected pairs of hex "
					 "digits or '-'");
		}
		v.data_size = len;
	}
	if (!parse_name(ctx, fields[2], &v.name, &v.name_size)) {
		goto fail;
	}
	if (!varstore_cost(v.name_size, v.data_size, &cost) ||
	    cost > varstore_max_variable_size(ctx->vs)) {
		load_fail(ctx, ctx->line,
			  "variable too large: costs %llu bytes, "
			  "max_variable_size is %llu",
			  (unsigned long long)cost,
			  (unsigned long long)varstore_max_variable_size(
				  ctx->vs));
		goto fail;
	}
	if (staged_var_exists(&ctx->vars, &v)) {
		load_fail(ctx, ctx->line, "duplicate variable %s",
			  fields[2]);
		goto fail;
	}
	if (varstore_lookup(ctx->vs, v.name, v.name_size, &v.guid,
			    &stored)) {
		load_fail(ctx, ctx->line,
			  "variable %s is already in the store", fields[2]);
		goto fail;
	}
	cls = (v.attributes & EFI_VARIABLE_NON_VOLATILE) != 0
		      ? CLASS_NV
		      : CLASS_VOLATILE;
	if (!class_fits(ctx->vs, cls, ctx->used[cls], cost)) {
		load_fail(ctx, ctx->line,
			  "store full: variable %s does not fit in the %s "
			  "capacity of %llu bytes",
			  fields[2], cls == CLASS_NV ? "NV" : "volatile",
			  (unsigned long long)varstore_capacity(
				  ctx->vs, cls == CLASS_NV));
		goto fail;
	}
	ctx->used[cls] += cost;
	staged_vars_push(&ctx->vars, &v);
	return true;

fail:
	staged_var_release(&v);
	return false;
}

/* Parses "prop <guid> <name> <rev> <property> <attr> <min> <max>". */
static bool load_prop(struct load_ctx *ctx, char *fields[], size_t count)
{
	struct staged_prop p = {0};
	struct varstore_property_view stored;
	uint64_t revision;
	uint64_t property;
	uint64_t attr;
	uint64_t min_size;
	uint64_t max_size;

	if (count != 8) {
		return load_fail(ctx, ctx->line,
				 "expected 'prop <guid> <name> <revision> "
				 "<property> <attributes> <min> <max>', got "
				 "%zu fields",
				 count);
	}
	if (!parse_guid_field(ctx, fields[1], &p.guid) ||
	    !parse_number(ctx, fields[3], "revision", UINT16_MAX,
			  &revision) ||
	    !parse_number(ctx, fields[4], "property", UINT16_MAX,
			  &property) ||
	    !parse_number(ctx, fields[5], "attributes", UINT32_MAX, &attr) ||
	    !parse_number(ctx, fields[6], "min size", UINT64_MAX,
			  &min_size) ||
	    !parse_number(ctx, fields[7], "max size", UINT64_MAX,
			  &max_size)) {
		return false;
	}
	if (revision != MM_VAR_CHECK_REVISION) {
		return load_fail(ctx, ctx->line,
				 "bad revision %llu: expected %u",
				 (unsigned long long)revision,
				 MM_VAR_CHECK_REVISION);
	}
	if (min_size > max_size) {
		return load_fail(ctx, ctx->line,
				 "bad sizes: min %llu is above max %llu",
				 (unsigned long long)min_size,
				 (unsigned long long)max_size);
	}
	if (!parse_name(ctx, fields[2], &p.name, &p.name_size)) {
		return false;
	}
	if (staged_prop_exists(&ctx->props, &p) ||
	    varstore_property_lookup(ctx->vs, p.name, p.name_size, &p.guid,
				     &stored)) {
		free(p.name);
		return load_fail(ctx, ctx->line,
				 "duplicate property for %s (in the file or "
				 "already in the store)",
				 fields[2]);
	}
	p.property.revision = (uint16_t)revision;
	p.property.property = (uint16_t)property;
	p.property.attributes = (uint32_t)attr;
	p.property.min_size = min_size;
	p.property.max_size = max_size;
	staged_props_push(&ctx->props, &p);
	return true;
}

/* Parses "end <count>". */
static bool load_end(struct load_ctx *ctx, char *fields[], size_t count)
{
	uint64_t n;

	if (count != 2 || !text_parse_u64(fields[1], &n)) {
		return load_fail(ctx, ctx->line,
				 "expected 'end <record count>'");
	}
	if (n != ctx->records) {
		return load_fail(ctx, ctx->line,
				 "record count mismatch: end says %llu, the "
				 "file has %zu var and prop records",
				 (unsigned long long)n, ctx->records);
	}
	ctx->state = LOAD_AFTER_END;
	return true;
}

/* Parses "crc32 <8 hex digits>" and checks it against bytes [0, len). */
static bool load_crc(struct load_ctx *ctx, char *fields[], size_t count,
		     const char *bytes, size_t len)
{
	uint32_t want = 0;
	uint32_t have;

	if (count != 2 || strlen(fields[1]) != 8) {
		return load_fail(ctx, ctx->line,
				 "expected 'crc32 <8 hex digits>'");
	}
	for (size_t i = 0; i < 8; i++) {
		int d = text_hex_digit(fields[1][i]);

		if (d < 0) {
			return load_fail(ctx, ctx->line,
					 "expected 'crc32 <8 hex digits>'");
		}
		want = want << 4 | (uint32_t)d;
	}
	have = crc32_ieee(bytes, len);
	if (want != have) {
		return load_fail(ctx, ctx->line,
				 "checksum mismatch (corrupt file): crc32 "
				 "line says %08x, contents give %08x",
				 (unsigned)want, (unsigned)have);
	}
	ctx->state = LOAD_AFTER_CRC;
	return true;
}

/*
 * load_line() - One line of the file, NUL-free, without its line end.
 * @start: offset of the line in the file, for the checksum.
 * @terminated: whether a '\n' ended the line.
 *
 * Return: true, or false with an error naming the line.
 */
static bool load_line(struct load_ctx *ctx, char *text, const char *file,
		      size_t start, bool terminated)
{
	char *fields[FILE_FIELDS_MAX];
	size_t count;

	if (ctx->state == LOAD_WANT_HEADER) {
		if (strcmp(text, FILE_HEADER) != 0) {
			return load_fail(ctx, ctx->line,
					 "expected header '" FILE_HEADER "'");
		}
		ctx->state = LOAD_IN_RECORDS;
		return true;
	}
	if (ctx->state == LOAD_AFTER_CRC) {
		return load_fail(ctx, ctx->line,
				 "unexpected line after the crc32 line");
	}
	count = split_fields(text, fields, FILE_FIELDS_MAX);
	if (ctx->state == LOAD_IN_RECORDS &&
	    (count == 0 || fields[0][0] == '#')) {
		return true; /* blank or comment */
	}
	/* Only the last line, end or crc32, may lack its '\n'. */
	if (!terminated && (count == 0 || (strcmp(fields[0], "end") != 0 &&
					   strcmp(fields[0], "crc32") != 0))) {
		return load_fail(ctx, ctx->line,
				 "truncated: last line has no line end");
	}
	if (ctx->state == LOAD_AFTER_END) {
		if (count == 0 || strcmp(fields[0], "crc32") != 0) {
			return load_fail(ctx, ctx->line,
					 "expected 'crc32 <8 hex digits>' "
					 "after the end line");
		}
		return load_crc(ctx, fields, count, file, start);
	}
	if (strcmp(fields[0], "var") == 0) {
		ctx->records++;
		return load_var(ctx, fields, count);
	}
	if (strcmp(fields[0], "prop") == 0) {
		ctx->records++;
		return load_prop(ctx, fields, count);
	}
	if (strcmp(fields[0], "end") == 0) {
		return load_end(ctx, fields, count);
	}
	return load_fail(ctx, ctx->line,
			 "unknown record '%s': expected var, prop or end",
			 fields[0]);
}

/*
 * read_whole_file() - Reads path into sb.
 *
 * Return: true, or false with "path: reason".
 */
static bool read_whole_file(const char *path, struct strbuf *sb,
			    struct error *err)
{
	char chunk[16384];
	FILE *f = fopen(path, "rb");
	bool ok = true;
	size_t n;

	if (f == NULL) {
		return error_setf(err, "%s: cannot open: %s", path,
				  strerror(errno));
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (sb->len + n > FILE_MAX_BYTES) {
			ok = error_setf(err, "%s: larger than %u bytes", path,
					FILE_MAX_BYTES);
			break;
		}
		strbuf_append(sb, chunk, n);
	}
	if (ok && ferror(f)) {
		ok = error_setf(err, "%s: cannot read: %s", path,
				strerror(errno));
	}
	if (fclose(f) != 0 && ok) {
		ok = error_setf(err, "%s: cannot close: %s", path,
				strerror(errno));
	}
	return ok;
}

/*
 * load_file() - Common part of varstore_load() and varstore_load_preload().
 *
 * Return: true with every record added; false with "path:line: message"
 * and the store unchanged.
 */
static bool load_file(struct varstore *vs, const char *path, bool preload,
		      struct error *err)
{
	struct strbuf file = STRBUF_INIT;
	struct load_ctx ctx = {0};
	size_t pos = 0;
	bool ok = false;

	ctx.vs = vs;
	ctx.path = path;
	ctx.preload = preload;
	ctx.err = err;
	ctx.state = LOAD_WANT_HEADER;
	ctx.used[CLASS_NV] = varstore_used(vs, true);
	ctx.used[CLASS_VOLATILE] = varstore_used(vs, false);
	if (!read_whole_file(path, &file, err)) {
		goto free_staged;
	}
	while (pos < file.len) {
		const char *nl = memchr(file.data + pos, '\n', file.len - pos);
		size_t end = nl != NULL ? (size_t)(nl - file.data) : file.len;
		size_t start = pos;
		size_t len = end - start;
		char *text;
		bool line_ok;

		ctx.line++;
		pos = nl != NULL ? end + 1 : file.len;
		if (len > 0 && file.data[end - 1] == '\r') {
			len--; /* CRLF files are read as LF files */
		}
		if (memchr(file.data + start, '\0', len) != NULL) {
			load_fail(&ctx, ctx.line, "NUL byte in line");
			goto free_staged;
		}
		text = xstrndup(file.data + start, len);
		line_ok = load_line(&ctx, text, file.data, start, nl != NULL);
		free(text);
		if (!line_ok) {
			goto free_staged;
		}
	}
	switch (ctx.state) {
	case LOAD_WANT_HEADER:
		load_fail(&ctx, 1,
			  "empty file: expected header '" FILE_HEADER "'");
		goto free_staged;
	case LOAD_IN_RECORDS:
		load_fail(&ctx, ctx.line + 1,
			  "truncated: no 'end' line after the records");
		goto free_staged;
	case LOAD_AFTER_END:
		if (!preload) {
			load_fail(&ctx, ctx.line + 1,
				  "truncated: no 'crc32' line after the "
				  "end line");
			goto free_staged;
		}
		break;
	case LOAD_AFTER_CRC:
		break;
	}
	/* Commit: the staged records move into the store, in file order. */
	for (size_t i = 0; i < ctx.vars.count; i++) {
		const struct staged_var *v = &ctx.vars.items[i];
		const struct varstore_entry_view view = {
			.name = v->name,
			.name_size = v->name_size,
			.guid = v->guid,
			.attributes = v->attributes,
			.data = v->data,
			.data_size = v->data_size,
		};

		varstore_restore_var(vs, &view);
	}
	for (size_t i = 0; i < ctx.props.count; i++) {
		const struct staged_prop *p = &ctx.props.items[i];
		const struct varstore_property_view view = {
			.name = p->name,
			.name_size = p->name_size,
			.guid = p->guid,
			.property = p->property,
		};

		varstore_restore_property(vs, &view);
	}
	ok = true;

free_staged:
	staged_vars_clear(&ctx.vars);
	staged_props_clear(&ctx.props);
	strbuf_free(&file);
	return ok;
}

/*
 * varstore_load() - Adds the records of a file written by varstore_save().
 * The crc32 line is required and only NON_VOLATILE variables are allowed.
 *
 * Return: true; false with "path:line: message" (or "path: message" when
 * the file cannot be read) and the store unchanged.
 */
bool varstore_load(struct varstore *vs, const char *path, struct error *err)
{
	return load_file(vs, path, false, err);
}

/*
 * varstore_load_preload() - As varstore_load(), for hand-written files:
 * the crc32 line is optional (checked when present) and volatile variables
 * are allowed.
 *
 * Return: as varstore_load().
 */
bool varstore_load_preload(struct varstore *vs, const char *path,
			   struct error *err)
{
	return load_file(vs, path, true, err);
}
