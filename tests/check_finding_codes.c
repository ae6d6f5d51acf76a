/*
 * The finding codes the code can emit and the ones docs/checks.md lists
 * must be the same set.
 *
 * The sources under common/ emulator/ models/ harness/ are read (the tests
 * run from the repository root, as tests/data/ is found), comments are
 * dropped, and every string literal that looks like a code ("ffa.xxx",
 * "mm.xxx", "cache.xxx", "runtime.xxx", "model.xxx", "agent.xxx",
 * "findings.xxx") is classified by the call it is an argument of:
 *   - the code argument of findings_add() or of one of the wrappers that
 *     pass their argument on to it (emitters[]): an emitted code;
 *   - an argument of a function that only labels an expectation check
 *     (labels[]: "mm.name" is the `expect: mm: name:` entry, not a
 *     finding): ignored;
 *   - anything else fails the test, so that a new wrapper or a table of
 *     codes cannot slip past it.
 * A findings_add() (or wrapper) whose code argument is not a literal must
 * be one of the known pass-throughs (passthroughs[]).
 *
 * Codes built at run time from parts would have to be listed by hand in
 * runtime_codes[]; today there are none (every code is one literal).
 *
 * docs/checks.md lists codes in the first cell of its tables, in
 * backticks, several to a cell where they share a rule.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "common/strbuf.h"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define DOC_PATH "docs/checks.md"
#define CODE_MAX 96
#define CODES_MAX 512
#define STACK_MAX 64

static const char *const source_dirs[] = {"common", "emulator", "models",
					  "harness"};

/* The first part of every finding code. */
static const char *const namespaces[] = {"ffa",     "mm",    "cache",
					 "runtime", "model", "agent",
					 "findings", "optee"};

/* Functions that emit a finding, and which argument (0-based) is the code. */
static const struct {
	const char *name;
	unsigned code_arg;
} emitters[] = {
	{"findings_add", 2},    /* common/finding.c */
	{"report", 2},          /* emulator/cache.c */
	{"guard_violation", 1}, /* emulator/machine.c */
	{"firmware_error", 2},  /* models/spmc.c */
	{"malformed", 1},       /* models/mm_sp.c */
	{"invalid_request", 1}, /* models/mm_sp.c */
	{"optee_msg_finding", 2}, /* models/optee_param.c */
	{"ffa_mem_reject", 2},  /* models/ffa_mem_desc.c, ffa_mem.c */
	{"refuse", 2},          /* models/ffa_notif.c */
	{"machine_forbid", 4},  /* emulator/machine.c, from harness/session.c */
};

/* Functions whose code-like literals name an expectation, not a finding. */
static const char *const labels[] = {
	"expect_add_check", "check_guid", "check_attributes", "check_u64",
	"check_bytes",
};

/* Emitter calls that pass a code through a parameter: file and name. */
static const struct {
	const char *file;
	const char *ident;
} passthroughs[] = {
	/* findings_add() itself: its declaration and definition. */
	{"common/finding.h", "code"},
	{"common/finding.c", "code"},
	/* The wrappers of emitters[]: definitions and forwarding calls. */
	{"emulator/cache.c", "code"},
	{"emulator/machine.c", "code"},
	{"emulator/machine.h", "code"}, /* machine_forbid() */
	{"models/spmc.c", "finding"},
	{"models/mm_sp.c", "code"},
	{"models/optee_param.c", "code"},
	{"models/optee_private.h", "code"},
	{"models/ffa_mem_desc.h", "finding"},
	{"models/ffa_mem_desc.c", "finding"},
	{"models/ffa_notif.c", "finding"},
};

/*
 * Codes made at run time from parts, which no literal shows.  None today;
 * a code added here must say in a comment where it is built.
 */
static const char *const runtime_codes[] = {NULL};

struct code_set {
	char codes[CODES_MAX][CODE_MAX];
	char where[CODES_MAX][CODE_MAX]; /* first file that has it */
	size_t count;
};

/* What the scan found; filled once per test (Check forks each test). */
struct scan {
	struct code_set emitted;
	struct code_set documented;
	struct strbuf problems; /* literals or calls that fit no rule */
	size_t per_emitter[ARRAY_COUNT(emitters)];
};

/* Check fixture state: the only file-scope mutable state (STYLE C1). */
static struct scan scan;

static bool set_has(const struct code_set *s, const char *code)
{
	for (size_t i = 0; i < s->count; i++) {
		if (strcmp(s->codes[i], code) == 0) {
			return true;
		}
	}
	return false;
}

static void set_add(struct code_set *s, const char *code, const char *where)
{
	if (set_has(s, code)) {
		return;
	}
	ck_assert_uint_lt(s->count, CODES_MAX);
	snprintf(s->codes[s->count], CODE_MAX, "%s", code);
	snprintf(s->where[s->count], CODE_MAX, "%s", where);
	s->count++;
}

/* namespace "." lower-case words joined by '-' or '.' (sub-namespace). */
static bool looks_like_code(const char *s)
{
	const char *dot = strchr(s, '.');
	bool known = false;

	if (dot == NULL || dot[1] == '\0') {
		return false;
	}
	for (size_t i = 0; i < ARRAY_COUNT(namespaces); i++) {
		size_t n = strlen(namespaces[i]);

		if ((size_t)(dot - s) == n && strncmp(s, namespaces[i], n) == 0) {
			known = true;
		}
	}
	if (!known) {
		return false;
	}
	for (const char *p = dot + 1; *p != '\0'; p++) {
		bool word = islower((unsigned char)*p) ||
			    isdigit((unsigned char)*p);

		/* '-' joins words; '.' opens a sub-namespace (ffa.mem.). */
		bool sep = (*p == '-' || *p == '.') && p[-1] != '-' &&
			   p[-1] != '.' && p[1] != '\0';

		if (!word && !sep) {
			return false;
		}
	}
	return true;
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char chunk[4096];
	size_t n;

	ck_assert_msg(f != NULL,
		      "cannot open %s (the tests run from the repository "
		      "root)",
		      path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		strbuf_append(&sb, chunk, n);
	}
	fclose(f);
	return strbuf_steal(&sb);
}

/* Replaces comments by spaces, leaving string and char literals alone. */
static void blank_comments(char *t)
{
	for (char *p = t; *p != '\0'; p++) {
		if (*p == '"' || *p == '\'') {
			char q = *p;

			for (p++; *p != '\0' && *p != q; p++) {
				if (*p == '\\' && p[1] != '\0') {
					p++;
				}
			}
			if (*p == '\0') {
				return;
			}
		} else if (p[0] == '/' && p[1] == '*') {
			for (; *p != '\0' && !(p[0] == '*' && p[1] == '/');
			     p++) {
				*p = *p == '\n' ? '\n' : ' ';
			}
			if (*p == '\0') {
				return;
			}
			p[0] = ' ';
			p[1] = ' ';
			p++;
		} else if (p[0] == '/' && p[1] == '/') {
			for (; *p != '\0' && *p != '\n'; p++) {
				*p = ' ';
			}
			if (*p == '\0') {
				return;
			}
		}
	}
}

static long emitter_index(const char *name)
{
	for (size_t i = 0; i < ARRAY_COUNT(emitters); i++) {
		if (strcmp(emitters[i].name, name) == 0) {
			return (long)i;
		}
	}
	return -1;
}

static bool is_label(const char *name)
{
	for (size_t i = 0; i < ARRAY_COUNT(labels); i++) {
		if (strcmp(labels[i], name) == 0) {
			return true;
		}
	}
	return false;
}

static bool is_passthrough(const char *file, const char *ident)
{
	for (size_t i = 0; i < ARRAY_COUNT(passthroughs); i++) {
		if (strcmp(passthroughs[i].file, file) == 0 &&
		    strcmp(passthroughs[i].ident, ident) == 0) {
			return true;
		}
	}
	return false;
}

/* One open parenthesis: the identifier before it ("" for grouping). */
struct frame {
	char name[64];
	unsigned arg;        /* index of the argument being read */
	const char *arg_start;
	bool arg_has_literal;
};

/*
 * The named call a position belongs to: grouping and cast parentheses
 * (and keywords such as `if`) are looked through to the call around them.
 */
static const struct frame *enclosing_call(const struct frame *stack,
					  size_t depth)
{
	for (size_t i = depth; i > 0; i--) {
		if (stack[i - 1].name[0] != '\0') {
			return &stack[i - 1];
		}
	}
	return NULL;
}

/* The last identifier of an argument's text, for pass-throughs. */
static void last_ident(const char *start, const char *end, char *out,
		       size_t size)
{
	const char *e = end;
	const char *b;

	while (e > start && isspace((unsigned char)e[-1])) {
		e--;
	}
	b = e;
	while (b > start && (isalnum((unsigned char)b[-1]) || b[-1] == '_')) {
		b--;
	}
	snprintf(out, size, "%.*s", (int)(e - b), b);
}

/* An emitter's argument ends: a non-literal code must be a pass-through. */
static void end_argument(struct frame *f, const char *end, const char *file)
{
	long e = emitter_index(f->name);
	char ident[64];

	if (e < 0 || f->arg != emitters[e].code_arg || f->arg_has_literal) {
		return;
	}
	last_ident(f->arg_start, end, ident, sizeof(ident));
	if (!is_passthrough(file, ident)) {
		strbuf_printf(&scan.problems,
			      "%s: %s() gets its code from `%s`, which is not a "
			      "known pass-through\n",
			      file, f->name, ident);
	}
}

static void classify_literal(const struct frame *stack, size_t depth,
			     const char *lit, const char *file)
{
	const struct frame *call = enclosing_call(stack, depth);
	long e;

	if (!looks_like_code(lit)) {
		return;
	}
	if (call == NULL) {
		strbuf_printf(&scan.problems,
			      "%s: \"%s\" is not an argument of a call\n", file,
			      lit);
		return;
	}
	e = emitter_index(call->name);
	if (e >= 0 && call->arg == emitters[e].code_arg) {
		set_add(&scan.emitted, lit, file);
		scan.per_emitter[e]++;
		return;
	}
	if (is_label(call->name)) {
		return;
	}
	strbuf_printf(&scan.problems,
		      "%s: \"%s\" is argument %u of %s(), neither an emitter's "
		      "code nor an expectation label\n",
		      file, lit, call->arg, call->name);
}

static void scan_source(const char *file)
{
	char *text = read_text(file);
	struct frame stack[STACK_MAX];
	size_t depth = 0;

	blank_comments(text);
	for (char *p = text; *p != '\0'; p++) {
		if (*p == '\'') {
			for (p++; *p != '\0' && *p != '\''; p++) {
				if (*p == '\\' && p[1] != '\0') {
					p++;
				}
			}
		} else if (*p == '"') {
			struct strbuf lit = STRBUF_INIT;

			/* Adjacent literals are one string ("a" "b"). */
			for (;;) {
				char *next;

				for (p++; *p != '\0' && *p != '"'; p++) {
					if (*p == '\\' && p[1] != '\0') {
						strbuf_putc(&lit, *p++);
					}
					strbuf_putc(&lit, *p);
				}
				if (*p == '\0') {
					break;
				}
				next = p + 1;
				while (isspace((unsigned char)*next)) {
					next++;
				}
				if (*next != '"') {
					break;
				}
				p = next;
			}
			if (depth > 0) {
				stack[depth - 1].arg_has_literal = true;
			}
			classify_literal(stack, depth, strbuf_str(&lit), file);
			strbuf_free(&lit);
		} else if (*p == '(') {
			struct frame *f;
			char *b = p;

			ck_assert_uint_lt(depth, STACK_MAX);
			f = &stack[depth++];
			while (b > text && isspace((unsigned char)b[-1])) {
				b--;
			}
			last_ident(text, b, f->name, sizeof(f->name));
			f->arg = 0;
			f->arg_start = p + 1;
			f->arg_has_literal = false;
		} else if (*p == ',' && depth > 0) {
			end_argument(&stack[depth - 1], p, file);
			stack[depth - 1].arg++;
			stack[depth - 1].arg_start = p + 1;
			stack[depth - 1].arg_has_literal = false;
		} else if (*p == ')' && depth > 0) {
			end_argument(&stack[depth - 1], p, file);
			depth--;
		}
		if (*p == '\0') {
			break;
		}
	}
	free(text);
}

static bool is_source(const char *name)
{
	size_t n = strlen(name);

	return n > 2 && name[n - 2] == '.' &&
	       (name[n - 1] == 'c' || name[n - 1] == 'h');
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void scan_sources(void)
{
	for (size_t d = 0; d < ARRAY_COUNT(source_dirs); d++) {
		DIR *dir = opendir(source_dirs[d]);
		char *names[256];
		size_t count = 0;
		struct dirent *de;

		ck_assert_msg(dir != NULL,
			      "cannot open %s/ (the tests run from the "
			      "repository root)",
			      source_dirs[d]);
		while ((de = readdir(dir)) != NULL) {
			if (is_source(de->d_name)) {
				ck_assert_uint_lt(count, ARRAY_COUNT(names));
				names[count++] = xstrdup(de->d_name);
			}
		}
		closedir(dir);
		/* Sorted, so that "first file that has it" is stable. */
		qsort(names, count, sizeof(names[0]), compare_names);
		for (size_t i = 0; i < count; i++) {
			char path[256];

			snprintf(path, sizeof(path), "%s/%s", source_dirs[d],
				 names[i]);
			scan_source(path);
			free(names[i]);
		}
	}
	for (size_t i = 0; runtime_codes[i] != NULL; i++) {
		set_add(&scan.emitted, runtime_codes[i], "runtime_codes[]");
	}
}

/* Codes in backticks in the first cell of each table row of the doc. */
static void scan_doc(void)
{
	char *text = read_text(DOC_PATH);
	unsigned long line = 0;

	for (char *p = text; *p != '\0';) {
		char *nl = strchr(p, '\n');
		char *end = nl != NULL ? nl : p + strlen(p);
		char *cell_end;

		line++;
		if (*p == '|' && (cell_end = memchr(p + 1, '|',
						    (size_t)(end - p - 1))) !=
					 NULL) {
			for (char *q = p + 1; q < cell_end; q++) {
				char *close;
				char code[CODE_MAX];
				char where[CODE_MAX];

				if (*q != '`') {
					continue;
				}
				close = memchr(q + 1, '`',
					       (size_t)(cell_end - q - 1));
				if (close == NULL) {
					break;
				}
				snprintf(code, sizeof(code), "%.*s",
					 (int)(close - q - 1), q + 1);
				snprintf(where, sizeof(where), DOC_PATH ":%lu",
					 line);
				if (looks_like_code(code)) {
					set_add(&scan.documented, code, where);
				}
				q = close;
			}
		}
		p = nl != NULL ? nl + 1 : end;
	}
	free(text);
}

static void codes_setup(void)
{
	memset(&scan, 0, sizeof(scan));
	scan.problems = (struct strbuf)STRBUF_INIT;
	scan_sources();
	scan_doc();
}

static void codes_teardown(void)
{
	strbuf_free(&scan.problems);
}

START_TEST(code_pattern_accepts_codes_only)
{
	ck_assert(looks_like_code("ffa.call-before-version"));
	ck_assert(looks_like_code("mm.buffer-not-ram"));
	ck_assert(looks_like_code("findings.repeats-dropped"));
	ck_assert(!looks_like_code("run.json"));      /* not a namespace */
	ck_assert(!looks_like_code("ffa."));
	ck_assert(!looks_like_code("ffa.Bad"));
	ck_assert(!looks_like_code("ffa.double--dash"));
	ck_assert(!looks_like_code("ffa.trailing-"));
	ck_assert(!looks_like_code("mm.a b"));
	ck_assert(looks_like_code("ffa.mem.not-owner"));
	ck_assert(!looks_like_code("ffa.mem..x"));
	ck_assert(!looks_like_code("ffa.mem."));
}
END_TEST

START_TEST(scanner_finds_codes_through_every_emitter)
{
	/* Guards the scanner itself: an empty scan must not pass. */
	for (size_t i = 0; i < ARRAY_COUNT(emitters); i++) {
		ck_assert_msg(scan.per_emitter[i] > 0,
			      "no code found in calls of %s()",
			      emitters[i].name);
	}
	ck_assert(set_has(&scan.emitted, "ffa.call-before-version"));
	ck_assert(set_has(&scan.emitted, "cache.request-dirty-at-doorbell"));
	ck_assert(set_has(&scan.emitted, "findings.repeats-dropped"));
	/* Expectation labels are not codes. */
	ck_assert(!set_has(&scan.emitted, "mm.name"));
	ck_assert_uint_gt(scan.documented.count, 0);
}
END_TEST

START_TEST(every_code_literal_is_emitted_or_a_label)
{
	ck_assert_msg(scan.problems.len == 0,
		      "code-like literals or emitter calls that fit no rule "
		      "(extend emitters[], labels[] or passthroughs[] in "
		      "tests/check_finding_codes.c):\n%s",
		      strbuf_str(&scan.problems));
}
END_TEST

START_TEST(every_emitted_code_is_documented)
{
	struct strbuf missing = STRBUF_INIT;

	for (size_t i = 0; i < scan.emitted.count; i++) {
		if (!set_has(&scan.documented, scan.emitted.codes[i])) {
			strbuf_printf(&missing, "  %s (%s)\n",
				      scan.emitted.codes[i],
				      scan.emitted.where[i]);
		}
	}
	ck_assert_msg(missing.len == 0,
		      "codes the code emits that " DOC_PATH " does not list:\n%s",
		      strbuf_str(&missing));
	strbuf_free(&missing);
}
END_TEST

START_TEST(every_documented_code_is_emitted)
{
	struct strbuf stale = STRBUF_INIT;

	for (size_t i = 0; i < scan.documented.count; i++) {
		if (!set_has(&scan.emitted, scan.documented.codes[i])) {
			strbuf_printf(&stale, "  %s (%s)\n",
				      scan.documented.codes[i],
				      scan.documented.where[i]);
		}
	}
	ck_assert_msg(stale.len == 0,
		      "codes " DOC_PATH " lists that nothing emits:\n%s",
		      strbuf_str(&stale));
	strbuf_free(&stale);
}
END_TEST

Suite *finding_codes_suite(void);

Suite *finding_codes_suite(void)
{
	Suite *s = suite_create("finding_codes");
	TCase *tc = tcase_create("doc");

	tcase_add_checked_fixture(tc, codes_setup, codes_teardown);
	tcase_add_test(tc, code_pattern_accepts_codes_only);
	tcase_add_test(tc, scanner_finds_codes_through_every_emitter);
	tcase_add_test(tc, every_code_literal_is_emitted_or_a_label);
	tcase_add_test(tc, every_emitted_code_is_documented);
	tcase_add_test(tc, every_documented_code_is_emitted);
	suite_add_tcase(s, tc);
	return s;
}
