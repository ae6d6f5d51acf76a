/*
 * Comparison of two result documents, BASE and NEW: scenarios added and
 * removed; verdicts that flipped; for each scenario in both, the first SMC
 * where the call sequences diverge (name, x0..x17 in and x0 out), the MM
 * buffer bytes that differ between doorbells of the same index, and the
 * findings (by code) that appeared or went away.
 *
 * A regression is a scenario verdict that got worse (in the order pass <
 * not-implemented < fail < firmware < error), or a new unexpected finding
 * of kind `firmware` in a scenario present in both.  Added scenarios are
 * reported with their verdicts but are not regressions: there is nothing
 * to regress from, and the run that added them fails on its own.
 *
 * Scenarios are matched by file and name (the k-th occurrence of a pair in
 * BASE with the k-th in NEW).
 */
#ifndef REPORTS_DIFF_H
#define REPORTS_DIFF_H

#include <jansson.h>
#include <stdbool.h>

#include "common/strbuf.h"

#define DIFF_FORMAT "ffa-harness-diff"
#define DIFF_VERSION 1
/* SMC events shown before and after the divergence, per side. */
#define DIFF_CONTEXT_BEFORE 3
#define DIFF_CONTEXT_AFTER 2
/* Differing byte ranges listed per buffer, and bytes shown per range. */
#define DIFF_MAX_RANGES 16
#define DIFF_MAX_RANGE_BYTES 16

/*
 * diff_compute() - compare two validated result documents.
 * @base, @newer: documents from results_load_file().
 *
 * Return: a new JSON object (json_decref() it):
 *   {"format": "ffa-harness-diff", "version": 1, "regressed": bool,
 *    "reasons": [text...],
 *    "added": [{"name", "file", "verdict"}], "removed": [...],
 *    "unchanged": count,
 *    "scenarios": [{"name", "file", "base_verdict", "new_verdict",
 *       "change": "regression" | "fix" | "change" | "same",
 *       "new_message",
 *       "divergence": {"index", "base_seq", "new_seq", "base_event",
 *           "new_event", "registers": [{"register", "base", "new"}],
 *           "base_context": [{"seq", "text", "diverges"}],
 *           "new_context": [...]},
 *       "smc_count": {"base", "new"}, "doorbell_count": {"base", "new"},
 *       "buffers": [{"doorbell", "base_seq", "new_seq", "label", "part",
 *           "base_length", "new_length", "differing_bytes",
 *           "ranges": [{"offset", "length", "base", "new"}]}],
 *       "findings_added": [{"kind", "code", "message", "expected"}],
 *       "findings_removed": [...],
 *       "regressed": bool}]}
 * Only scenarios with a difference are listed; "divergence" is absent
 * when the sequences agree.  "base"/"new" of a range are hex bytes (at
 * most DIFF_MAX_RANGE_BYTES).
 */
json_t *diff_compute(const json_t *base, const json_t *newer);

/* Terminal text of a diff_compute() result; labels name the two inputs. */
void diff_format_text(const json_t *diff, const char *base_label,
		      const char *new_label, struct strbuf *out);

/*
 * diff_render() - compare and render.
 * @json: true for the diff_compute() object as indented JSON, false for
 *        text.
 *
 * Return: true if NEW regressed against BASE.
 */
bool diff_render(const json_t *base, const char *base_label,
		 const json_t *newer, const char *new_label, bool json,
		 struct strbuf *out);

#endif /* REPORTS_DIFF_H */
