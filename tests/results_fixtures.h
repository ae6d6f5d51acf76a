/*
 * Helpers for the Check suites of the report writers (tests/check_results.c,
 * check_junit.c, check_markdown.c, check_html.c, check_diff.c): loading the
 * result documents of tests/data/results/ (found relative to the working
 * directory, the top of the tree under `make unit`) and searching rendered
 * text.
 */
#ifndef TESTS_RESULTS_FIXTURES_H
#define TESTS_RESULTS_FIXTURES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define RESULTS_DATA_DIR "tests/data/results/"

/* Loads and validates RESULTS_DATA_DIR NAME ".json"; fails the test if it
 * cannot. */
json_t *fixture_load(const char *name);
/* Occurrences of needle in haystack (not overlapping). */
size_t text_count(const char *haystack, const char *needle);
/* The part of text from the first from up to (not including) the next
 * until after it, as a new string (free() it); "" if from is absent. */
char *text_between(const char *text, const char *from, const char *until);
/* True if text has a byte XML 1.0 forbids (C0 control other than tab, LF,
 * CR). */
bool text_has_control(const char *text);

#endif /* TESTS_RESULTS_FIXTURES_H */
