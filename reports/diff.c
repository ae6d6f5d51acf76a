/*
 * Result-document comparison.  Documented in reports/diff.h.
 *
 * diff_compute() builds the whole comparison as one JSON object; the text
 * form is rendered from that object, so `diff --json` and the terminal
 * text can never disagree.
 */
#include "reports/diff.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/text.h"
#include "reports/results.h"

/* Events of one kind from one scenario, in trace order. */
struct events {
	const json_t **items;
	size_t count;
};

/* jansson fails only when out of memory (our strings are UTF-8): treated
 * as xmalloc() treats it. */
static void out_of_memory(void)
{
	fprintf(stderr, "ffa-harness: out of memory building a diff\n");
	abort();
}

static json_t *must(json_t *v)
{
	if (v == NULL) {
		out_of_memory();
	}
	return v;
}

static void set(json_t *obj, const char *key, json_t *v)
{
	if (json_object_set_new(obj, key, must(v)) != 0) {
		out_of_memory();
	}
}

static void push(json_t *arr, json_t *v)
{
	if (json_array_append_new(arr, must(v)) != 0) {
		out_of_memory();
	}
}

static json_t *jstr(const char *s)
{
	return json_string(s != NULL ? s : "");
}

static json_t *jstr_buf(const struct strbuf *sb)
{
	return json_stringn(strbuf_str(sb), sb->len);
}

static json_t *jseq(const json_t *ev)
{
	return ev != NULL ? json_integer(results_int(ev, "seq", -1))
			  : json_null();
}

static void collect(const json_t *sc, bool doorbells, struct events *out)
{
	size_t n = results_len(sc, "trace");

	out->items = xcalloc(n, sizeof(*out->items));
	out->count = 0;
	for (size_t i = 0; i < n; i++) {
		const json_t *ev = results_at(sc, "trace", i);

		if (doorbells ? results_event_is_doorbell(ev)
			      : results_event_is_smc(ev)) {
			out->items[out->count++] = ev;
		}
	}
}

static void events_free(struct events *e)
{
	free(e->items);
	e->items = NULL;
	e->count = 0;
}

static bool same_key(const json_t *a, const json_t *b)
{
	return strcmp(results_str(a, "file", ""), results_str(b, "file", "")) ==
		   0 &&
	       strcmp(results_str(a, "name", ""), results_str(b, "name", "")) ==
		   0;
}

/* How many scenarios before i in doc have the same file and name. */
static size_t occurrence(const json_t *doc, size_t i)
{
	const json_t *sc = results_scenario(doc, i);
	size_t k = 0;

	for (size_t j = 0; j < i; j++) {
		k += same_key(results_scenario(doc, j), sc);
	}
	return k;
}

/* The k-th scenario of doc with the same file and name as sc, or NULL. */
static const json_t *find_match(const json_t *doc, const json_t *sc, size_t k)
{
	for (size_t j = 0; j < results_scenario_count(doc); j++) {
		const json_t *other = results_scenario(doc, j);

		if (same_key(other, sc) && k-- == 0) {
			return other;
		}
	}
	return NULL;
}

static json_t *scenario_ref(const json_t *sc)
{
	json_t *o = must(json_object());

	set(o, "name", jstr(results_str(sc, "name", "?")));
	set(o, "file", jstr(results_str(sc, "file", "?")));
	set(o, "verdict", jstr(results_verdict_name(results_verdict_of(sc))));
	return o;
}

/* ------------------------------------------------------------------ */
/* Call sequences                                                      */

static size_t reg_count(const json_t *a, const json_t *b, const char *which)
{
	size_t na = results_len(a, which), nb = results_len(b, which);

	return na > nb ? na : nb;
}

static bool smc_equal(const json_t *a, const json_t *b)
{
	if (strcmp(results_str(a, "name", ""), results_str(b, "name", "")) !=
	    0) {
		return false;
	}
	for (size_t r = 0; r < reg_count(a, b, "in"); r++) {
		if (results_reg(a, "in", r) != results_reg(b, "in", r)) {
			return false;
		}
	}
	return results_reg(a, "out", 0) == results_reg(b, "out", 0);
}

static json_t *reg_diff(const char *reg, uint64_t a, uint64_t b)
{
	char base[24], next[24];

	snprintf(base, sizeof(base), "0x%" PRIx64, a);
	snprintf(next, sizeof(next), "0x%" PRIx64, b);
	return json_pack("{s:s, s:s, s:s}", "register", reg, "base", base,
			 "new", next);
}

static json_t *register_diffs(const json_t *a, const json_t *b)
{
	json_t *list = must(json_array());
	const char *na = results_str(a, "name", "?");
	const char *nb = results_str(b, "name", "?");
	char reg[16];

	if (strcmp(na, nb) != 0) {
		push(list, json_pack("{s:s, s:s, s:s}", "register", "name",
				     "base", na, "new", nb));
	}
	for (size_t r = 0; r < reg_count(a, b, "in"); r++) {
		uint64_t va = results_reg(a, "in", r);
		uint64_t vb = results_reg(b, "in", r);

		if (va != vb) {
			snprintf(reg, sizeof(reg), "x%zu", r);
			push(list, reg_diff(reg, va, vb));
		}
	}
	if (results_reg(a, "out", 0) != results_reg(b, "out", 0)) {
		push(list, reg_diff("out x0", results_reg(a, "out", 0),
				    results_reg(b, "out", 0)));
	}
	return list;
}

static json_t *context(const struct events *e, size_t at)
{
	json_t *list = must(json_array());
	size_t first = at > DIFF_CONTEXT_BEFORE ? at - DIFF_CONTEXT_BEFORE : 0;

	for (size_t i = first; i < e->count && i <= at + DIFF_CONTEXT_AFTER;
	     i++) {
		struct strbuf line = STRBUF_INIT;
		json_t *item = must(json_object());

		results_append_event(&line, e->items[i]);
		set(item, "seq", jseq(e->items[i]));
		set(item, "text", jstr_buf(&line));
		set(item, "diverges", json_boolean(i == at));
		push(list, item);
		strbuf_free(&line);
	}
	return list;
}

static json_t *event_text(const struct events *e, size_t i)
{
	struct strbuf line = STRBUF_INIT;
	json_t *s;

	if (i >= e->count) {
		return json_null();
	}
	results_append_event(&line, e->items[i]);
	s = jstr_buf(&line);
	strbuf_free(&line);
	return s;
}

/* The first SMC where the sequences differ, or NULL if they agree. */
static json_t *divergence(const struct events *a, const struct events *b)
{
	size_t n = a->count < b->count ? a->count : b->count;
	size_t i = 0;
	json_t *d;

	while (i < n && smc_equal(a->items[i], b->items[i])) {
		i++;
	}
	if (i == n && a->count == b->count) {
		return NULL;
	}
	d = must(json_object());
	set(d, "index", json_integer((json_int_t)i));
	set(d, "base_seq", jseq(i < a->count ? a->items[i] : NULL));
	set(d, "new_seq", jseq(i < b->count ? b->items[i] : NULL));
	set(d, "base_event", event_text(a, i));
	set(d, "new_event", event_text(b, i));
	set(d, "registers",
	    i < n ? register_diffs(a->items[i], b->items[i]) : json_array());
	set(d, "base_context", context(a, i));
	set(d, "new_context", context(b, i));
	return d;
}

/* ------------------------------------------------------------------ */
/* MM buffers                                                          */

static json_t *hex_of(const uint8_t *bytes, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *s;

	text_append_hex(
	    &sb, bytes,
	    len < DIFF_MAX_RANGE_BYTES ? len : DIFF_MAX_RANGE_BYTES);
	s = jstr_buf(&sb);
	strbuf_free(&sb);
	return s;
}

/* Differing ranges of the common prefix; NULL if the buffers are equal. */
static json_t *compare_buffer(const json_t *ea, const json_t *eb,
			      const char *part)
{
	const json_t *ma = results_obj(ea, "mm"), *mb = results_obj(eb, "mm");
	uint8_t *a = NULL, *b = NULL;
	size_t alen, blen, n, differing = 0, i = 0;
	json_t *ranges, *out = NULL;

	if (!results_hex_bytes(ma, part, &a, &alen) ||
	    !results_hex_bytes(mb, part, &b, &blen)) {
		goto free_bytes;
	}
	n = alen < blen ? alen : blen;
	ranges = must(json_array());
	while (i < n) {
		size_t start;

		if (a[i] == b[i]) {
			i++;
			continue;
		}
		start = i;
		while (i < n && a[i] != b[i]) {
			i++;
		}
		differing += i - start;
		if (json_array_size(ranges) < DIFF_MAX_RANGES) {
			push(
			    ranges,
			    json_pack("{s:I, s:I, s:o, s:o}", "offset",
				      (json_int_t)start, "length",
				      (json_int_t)(i - start), "base",
				      must(hex_of(a + start, i - start)), "new",
				      must(hex_of(b + start, i - start))));
		}
	}
	if (differing == 0 && alen == blen) {
		json_decref(ranges);
		goto free_bytes;
	}
	out = must(json_object());
	set(out, "part", json_string(part));
	set(out, "base_length", json_integer((json_int_t)alen));
	set(out, "new_length", json_integer((json_int_t)blen));
	set(out, "differing_bytes", json_integer((json_int_t)differing));
	set(out, "ranges", ranges);
free_bytes:
	free(a);
	free(b);
	return out;
}

static void doorbell_label(struct strbuf *sb, const json_t *ev)
{
	const json_t *mm = results_obj(ev, "mm");

	strbuf_puts(sb, results_str(mm, "function_name", "?"));
	if (results_str(mm, "name", NULL) != NULL) {
		strbuf_printf(sb, " \"%s\"", results_str(mm, "name", ""));
	}
}

static json_t *buffers(const struct events *a, const struct events *b)
{
	static const char *const parts[] = {"request", "response"};
	size_t n = a->count < b->count ? a->count : b->count;
	json_t *list = must(json_array());

	for (size_t k = 0; k < n; k++) {
		for (size_t p = 0; p < 2; p++) {
			json_t *d =
			    compare_buffer(a->items[k], b->items[k], parts[p]);
			struct strbuf label = STRBUF_INIT;

			if (d == NULL) {
				continue;
			}
			doorbell_label(&label, b->items[k]);
			set(d, "doorbell", json_integer((json_int_t)k));
			set(d, "base_seq", jseq(a->items[k]));
			set(d, "new_seq", jseq(b->items[k]));
			set(d, "label", jstr_buf(&label));
			push(list, d);
			strbuf_free(&label);
		}
	}
	return list;
}

/* ------------------------------------------------------------------ */
/* Findings                                                            */

static json_t *finding_ref(const json_t *fd)
{
	return json_pack("{s:s, s:s, s:s, s:b}", "kind",
			 results_str(fd, "kind", "?"), "code",
			 results_str(fd, "code", "?"), "message",
			 results_str(fd, "message", ""), "expected",
			 !results_finding_unexpected(fd));
}

/* Findings of from whose code has no unused partner in to. */
static json_t *unmatched_findings(const json_t *from, const json_t *to)
{
	size_t nf = results_len(from, "findings");
	size_t nt = results_len(to, "findings");
	bool *used = xcalloc(nt, sizeof(*used));
	json_t *list = must(json_array());

	for (size_t i = 0; i < nf; i++) {
		const json_t *fd = results_at(from, "findings", i);
		const char *code = results_str(fd, "code", "");
		bool found = false;

		for (size_t j = 0; j < nt && !found; j++) {
			const json_t *other = results_at(to, "findings", j);

			if (!used[j] &&
			    strcmp(results_str(other, "code", ""), code) == 0) {
				used[j] = true;
				found = true;
			}
		}
		if (!found) {
			push(list, finding_ref(fd));
		}
	}
	free(used);
	return list;
}

/* ------------------------------------------------------------------ */
/* Scenarios                                                           */

static const char *change_of(enum results_verdict a, enum results_verdict b)
{
	if (b > a) {
		return "regression";
	}
	if (b == RESULTS_PASS && a != RESULTS_PASS) {
		return "fix";
	}
	return a == b ? "same" : "change";
}

/* Compares one scenario present in both; NULL if nothing differs. */
static json_t *compare_scenario(const json_t *a, const json_t *b,
				json_t *reasons)
{
	enum results_verdict va = results_verdict_of(a);
	enum results_verdict vb = results_verdict_of(b);
	struct events sa, sb, da, db;
	json_t *d = must(json_object());
	json_t *div, *bufs, *added, *removed;
	bool regressed = vb > va;
	const char *name = results_str(b, "name", "?");

	collect(a, false, &sa);
	collect(b, false, &sb);
	collect(a, true, &da);
	collect(b, true, &db);
	div = divergence(&sa, &sb);
	bufs = buffers(&da, &db);
	added = unmatched_findings(b, a);
	removed = unmatched_findings(a, b);
	if (regressed) {
		push(reasons, json_sprintf("%s: verdict %s -> %s", name,
					   results_verdict_name(va),
					   results_verdict_name(vb)));
	}
	for (size_t i = 0; i < json_array_size(added); i++) {
		const json_t *fd = json_array_get(added, i);

		if (strcmp(results_str(fd, "kind", ""), "firmware") == 0 &&
		    results_finding_unexpected(fd)) {
			regressed = true;
			push(reasons,
			     json_sprintf("%s: new firmware finding %s", name,
					  results_str(fd, "code", "?")));
		}
	}
	set(d, "name", jstr(name));
	set(d, "file", jstr(results_str(b, "file", "?")));
	set(d, "base_verdict", jstr(results_verdict_name(va)));
	set(d, "new_verdict", jstr(results_verdict_name(vb)));
	set(d, "change", jstr(change_of(va, vb)));
	set(d, "new_message", jstr(results_str(b, "message", "")));
	if (div != NULL) {
		set(d, "divergence", div);
	}
	set(d, "smc_count",
	    json_pack("{s:I, s:I}", "base", (json_int_t)sa.count, "new",
		      (json_int_t)sb.count));
	set(d, "doorbell_count",
	    json_pack("{s:I, s:I}", "base", (json_int_t)da.count, "new",
		      (json_int_t)db.count));
	set(d, "buffers", bufs);
	set(d, "findings_added", added);
	set(d, "findings_removed", removed);
	set(d, "regressed", json_boolean(regressed));
	if (va == vb && div == NULL && json_array_size(bufs) == 0 &&
	    json_array_size(added) == 0 && json_array_size(removed) == 0 &&
	    da.count == db.count) {
		json_decref(d);
		d = NULL;
	}
	events_free(&sa);
	events_free(&sb);
	events_free(&da);
	events_free(&db);
	return d;
}

json_t *diff_compute(const json_t *base, const json_t *newer)
{
	json_t *diff = must(json_object());
	json_t *added = must(json_array());
	json_t *removed = must(json_array());
	json_t *scenarios = must(json_array());
	json_t *reasons = must(json_array());
	size_t unchanged = 0;
	bool regressed = false;

	for (size_t i = 0; i < results_scenario_count(base); i++) {
		const json_t *sc = results_scenario(base, i);

		if (find_match(newer, sc, occurrence(base, i)) == NULL) {
			push(removed, scenario_ref(sc));
		}
	}
	for (size_t i = 0; i < results_scenario_count(newer); i++) {
		const json_t *sc = results_scenario(newer, i);
		const json_t *old = find_match(base, sc, occurrence(newer, i));
		json_t *d;

		if (old == NULL) {
			push(added, scenario_ref(sc));
			continue;
		}
		d = compare_scenario(old, sc, reasons);
		if (d == NULL) {
			unchanged++;
			continue;
		}
		regressed =
		    regressed || json_is_true(json_object_get(d, "regressed"));
		push(scenarios, d);
	}
	set(diff, "format", json_string(DIFF_FORMAT));
	set(diff, "version", json_integer(DIFF_VERSION));
	set(diff, "regressed", json_boolean(regressed));
	set(diff, "reasons", reasons);
	set(diff, "base",
	    json_pack("{s:s, s:I}", "verdict",
		      results_verdict_name(results_run_verdict(base)),
		      "scenarios", (json_int_t)results_scenario_count(base)));
	set(diff, "new",
	    json_pack("{s:s, s:I}", "verdict",
		      results_verdict_name(results_run_verdict(newer)),
		      "scenarios", (json_int_t)results_scenario_count(newer)));
	set(diff, "added", added);
	set(diff, "removed", removed);
	set(diff, "unchanged", json_integer((json_int_t)unchanged));
	set(diff, "scenarios", scenarios);
	return diff;
}

/* ------------------------------------------------------------------ */
/* Text                                                                */

static void text_scenario_list(struct strbuf *out, const json_t *list,
			       const char *title, char mark)
{
	size_t n = json_array_size(list);

	if (n == 0) {
		return;
	}
	strbuf_printf(out, "\n%s (%zu):\n", title, n);
	for (size_t i = 0; i < n; i++) {
		const json_t *s = json_array_get(list, i);

		strbuf_printf(out, "  %c %s (%s): %s\n", mark,
			      results_str(s, "name", "?"),
			      results_str(s, "file", "?"),
			      results_str(s, "verdict", "?"));
	}
}

static void text_verdicts(struct strbuf *out, const json_t *scenarios)
{
	size_t shown = 0;

	for (size_t i = 0; i < json_array_size(scenarios); i++) {
		const json_t *d = json_array_get(scenarios, i);
		const char *change = results_str(d, "change", "same");
		const char *tag;

		if (strcmp(change, "same") == 0) {
			continue;
		}
		if (shown++ == 0) {
			strbuf_puts(out, "\nVerdicts that changed:\n");
		}
		tag = strcmp(change, "regression") == 0 ? "REGRESSED"
		      : strcmp(change, "fix") == 0	? "FIXED"
							: "CHANGED";
		strbuf_printf(out, "  %-9s %s (%s): %s -> %s", tag,
			      results_str(d, "name", "?"),
			      results_str(d, "file", "?"),
			      results_str(d, "base_verdict", "?"),
			      results_str(d, "new_verdict", "?"));
		if (results_str(d, "new_message", "")[0] != '\0') {
			strbuf_printf(out, ": %s",
				      results_str(d, "new_message", ""));
		}
		strbuf_putc(out, '\n');
	}
}

static void text_context(struct strbuf *out, const char *side,
			 const json_t *list)
{
	strbuf_printf(out, "    %s:\n", side);
	if (json_array_size(list) == 0) {
		strbuf_puts(out, "        (no SMC)\n");
	}
	for (size_t i = 0; i < json_array_size(list); i++) {
		const json_t *item = json_array_get(list, i);

		strbuf_printf(out, "      %s %s\n",
			      results_bool(item, "diverges", false) ? ">" : " ",
			      results_str(item, "text", ""));
	}
}

static void text_seq(struct strbuf *out, const json_t *d, const char *key)
{
	if (json_is_integer(json_object_get(d, key))) {
		strbuf_printf(out, "seq %lld", results_int(d, key, -1));
	} else {
		strbuf_puts(out, "end of trace");
	}
}

static void text_divergence(struct strbuf *out, const json_t *d)
{
	const json_t *regs = json_object_get(d, "registers");

	if (d == NULL) {
		return;
	}
	strbuf_printf(out, "  call sequences diverge at SMC index %lld (base ",
		      results_int(d, "index", -1));
	text_seq(out, d, "base_seq");
	strbuf_puts(out, ", new ");
	text_seq(out, d, "new_seq");
	strbuf_puts(out, "):\n");
	text_context(out, "base", json_object_get(d, "base_context"));
	text_context(out, "new", json_object_get(d, "new_context"));
	if (json_array_size(regs) > 0) {
		strbuf_puts(out, "    differs in:");
		for (size_t i = 0; i < json_array_size(regs); i++) {
			const json_t *r = json_array_get(regs, i);

			strbuf_printf(out, "%s %s %s -> %s", i == 0 ? "" : ",",
				      results_str(r, "register", "?"),
				      results_str(r, "base", "?"),
				      results_str(r, "new", "?"));
		}
		strbuf_putc(out, '\n');
	}
}

/* "72 -> 7a" with the hex spaced in pairs. */
static void text_pairs(struct strbuf *out, const char *hex)
{
	for (size_t i = 0; hex[i] != '\0' && hex[i + 1] != '\0'; i += 2) {
		strbuf_printf(out, "%s%c%c", i == 0 ? "" : " ", hex[i],
			      hex[i + 1]);
	}
}

static void text_buffers(struct strbuf *out, const json_t *d)
{
	const json_t *list = json_object_get(d, "buffers");
	const json_t *counts = json_object_get(d, "doorbell_count");

	if (results_int(counts, "base", 0) != results_int(counts, "new", 0)) {
		strbuf_printf(out,
			      "  MM doorbells: %lld in base, %lld in new\n",
			      results_int(counts, "base", 0),
			      results_int(counts, "new", 0));
	}
	for (size_t i = 0; i < json_array_size(list); i++) {
		const json_t *b = json_array_get(list, i);
		const json_t *ranges = json_object_get(b, "ranges");
		long long differing = results_int(b, "differing_bytes", 0);
		long long listed = 0;

		strbuf_printf(out, "  doorbell %lld %s (base ",
			      results_int(b, "doorbell", -1),
			      results_str(b, "label", "?"));
		text_seq(out, b, "base_seq");
		strbuf_puts(out, ", new ");
		text_seq(out, b, "new_seq");
		strbuf_printf(out, "): %s: %lld byte%s differ%s",
			      results_str(b, "part", "?"), differing,
			      differing == 1 ? "" : "s",
			      differing == 1 ? "s" : "");
		if (results_int(b, "base_length", 0) !=
		    results_int(b, "new_length", 0)) {
			strbuf_printf(out, ", length %lld -> %lld",
				      results_int(b, "base_length", 0),
				      results_int(b, "new_length", 0));
		}
		strbuf_putc(out, '\n');
		for (size_t k = 0; k < json_array_size(ranges); k++) {
			const json_t *r = json_array_get(ranges, k);
			long long len = results_int(r, "length", 0);

			listed += len;
			strbuf_printf(out, "    0x%04llx",
				      results_int(r, "offset", 0));
			if (len > 1) {
				strbuf_printf(
				    out, "..0x%04llx",
				    results_int(r, "offset", 0) + len - 1);
			}
			strbuf_puts(out, ": ");
			text_pairs(out, results_str(r, "base", ""));
			strbuf_puts(out, len > DIFF_MAX_RANGE_BYTES ? " ... -> "
								    : " -> ");
			text_pairs(out, results_str(r, "new", ""));
			strbuf_puts(
			    out, len > DIFF_MAX_RANGE_BYTES ? " ...\n" : "\n");
		}
		if (listed < differing) {
			strbuf_printf(out,
				      "    ... %lld more differing bytes\n",
				      differing - listed);
		}
	}
}

static void text_findings(struct strbuf *out, const json_t *list,
			  const char *what)
{
	for (size_t i = 0; i < json_array_size(list); i++) {
		const json_t *fd = json_array_get(list, i);

		strbuf_printf(
		    out, "  %s finding: %s %s: %s%s\n", what,
		    results_str(fd, "kind", "?"), results_str(fd, "code", "?"),
		    results_str(fd, "message", ""),
		    results_bool(fd, "expected", false) ? " [expected]" : "");
	}
}

/* Whether a scenario's comparison has more than a verdict change. */
static bool has_details(const json_t *d)
{
	const json_t *counts = json_object_get(d, "doorbell_count");

	return json_object_get(d, "divergence") != NULL ||
	       results_len(d, "buffers") > 0 ||
	       results_len(d, "findings_added") > 0 ||
	       results_len(d, "findings_removed") > 0 ||
	       results_int(counts, "base", 0) != results_int(counts, "new", 0);
}

void diff_format_text(const json_t *diff, const char *base_label,
		      const char *new_label, struct strbuf *out)
{
	const json_t *scenarios = json_object_get(diff, "scenarios");
	const json_t *reasons = json_object_get(diff, "reasons");
	const json_t *base = json_object_get(diff, "base");
	const json_t *next = json_object_get(diff, "new");
	bool any = false;

	strbuf_printf(out, "base: %s (%s, %lld scenarios)\n", base_label,
		      results_str(base, "verdict", "?"),
		      results_int(base, "scenarios", 0));
	strbuf_printf(out, "new:  %s (%s, %lld scenarios)\n", new_label,
		      results_str(next, "verdict", "?"),
		      results_int(next, "scenarios", 0));
	text_scenario_list(out, json_object_get(diff, "added"),
			   "Added scenarios", '+');
	text_scenario_list(out, json_object_get(diff, "removed"),
			   "Removed scenarios", '-');
	text_verdicts(out, scenarios);
	for (size_t i = 0; i < json_array_size(scenarios); i++) {
		const json_t *d = json_array_get(scenarios, i);

		if (!has_details(d)) {
			continue; /* a verdict change only: listed above */
		}
		strbuf_printf(
		    out, "\n%s (%s)%s\n", results_str(d, "name", "?"),
		    results_str(d, "file", "?"),
		    results_bool(d, "regressed", false) ? ": REGRESSED" : "");
		text_divergence(out, results_obj(d, "divergence"));
		text_buffers(out, d);
		text_findings(out, json_object_get(d, "findings_added"), "new");
		text_findings(out, json_object_get(d, "findings_removed"),
			      "gone");
	}
	any = json_array_size(scenarios) > 0 ||
	      json_array_size(json_object_get(diff, "added")) > 0 ||
	      json_array_size(json_object_get(diff, "removed")) > 0;
	if (!any) {
		strbuf_puts(out, "\nNo differences.\n");
	} else {
		strbuf_printf(
		    out, "\n%lld scenario%s unchanged.\n",
		    results_int(diff, "unchanged", 0),
		    results_int(diff, "unchanged", 0) == 1 ? "" : "s");
	}
	if (json_array_size(reasons) == 0) {
		strbuf_puts(out, "Result: no regression\n");
		return;
	}
	strbuf_printf(out, "Result: REGRESSED (%zu):\n",
		      json_array_size(reasons));
	for (size_t i = 0; i < json_array_size(reasons); i++) {
		strbuf_printf(out, "  %s\n",
			      json_string_value(json_array_get(reasons, i)));
	}
}

bool diff_render(const json_t *base, const char *base_label,
		 const json_t *newer, const char *new_label, bool json,
		 struct strbuf *out)
{
	json_t *diff = diff_compute(base, newer);
	bool regressed = json_is_true(json_object_get(diff, "regressed"));

	if (json) {
		char *text = json_dumps(diff, JSON_INDENT(2));

		if (text == NULL) {
			out_of_memory();
		}
		strbuf_puts(out, text);
		strbuf_putc(out, '\n');
		free(text);
	} else {
		diff_format_text(diff, base_label, new_label, out);
	}
	json_decref(diff);
	return regressed;
}
