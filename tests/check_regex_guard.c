/*
 * Unit tests of common/regex_guard.c: patterns people write pass; stacked
 * repetition operators, nested or large intervals and deep nesting are
 * refused with a reason; syntax errors are left to regcomp().  Every
 * accepted pattern here must also compile, and quickly: the guard exists
 * so that regcomp never sees a pattern that costs gigabytes.
 */
#include <regex.h>
#include <stdbool.h>
#include <string.h>

#include <check.h>

#include "common/regex_guard.h"

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const accepted[] = {
	"^U-Boot 20[0-9]{2}",
	"kvm-arm\\.mode=[a-z]+",
	"Summary: [0-9]+ failures?$",
	"(ab|cd)*x?",
	"[]+*]+",          /* operators inside a bracket are members */
	"[[:digit:]]{4}",  /* a class ends at ":]", not at the first ']' */
	"a\\++",           /* an escaped '+' is an atom */
	"a{4096}",         /* exactly at the limit */
	"(a{64}){64}",     /* 4096 copies, still at the limit */
	"((a+)+)+",        /* 8 copies */
	"a{2",             /* bad syntax: regcomp's to report */
	"[abc",            /* likewise */
	"",
};

START_TEST(patterns_people_write_pass)
{
	char why[192] = "";
	regex_t re;

	ck_assert_msg(regex_guard_check(accepted[_i], why, sizeof(why)),
		      "'%s' refused: %s", accepted[_i], why);
	/* What passes and is well formed must compile. */
	if (strcmp(accepted[_i], "a{2") != 0 &&
	    strcmp(accepted[_i], "[abc") != 0) {
		ck_assert_int_eq(regcomp(&re, accepted[_i], REG_EXTENDED), 0);
		regfree(&re);
	}
}
END_TEST

static const struct {
	const char *pattern;
	const char *reason; /* a part of the reason */
} refused[] = {
	{"^U-Bo++ot", "stacked at offset 5 (\"++\")"},
	{"a*?", "stacked at offset 1 (\"*?\")"},
	{"a{2}{3}", "stacked at offset 3 (\"}{\")"},
	{"(x){1,3}+", "stacked at offset 7 (\"}+\")"},
	{"a{4097}", "more than 4096 times"},
	{"a+{3}", "stacked at offset 1 (\"+{\")"},
	{"(a{65}){64}", "more than 4096 times"},
	{"(((((((((((((a+)+)+)+)+)+)+)+)+)+)+)+)+)", "more than 4096"},
	{"a{99999999999999999999}", "more than 4096 times"},
	{"((((((((((((((((((((((((((((((((((x))))))))))))))))))))))))))))))))))",
	 "groups nested deeper than 32"},
	{"(a{100}|b{100}){50}", "more than 4096 times"},
};

START_TEST(costly_patterns_are_refused_with_a_reason)
{
	char why[192] = "";

	ck_assert_msg(!regex_guard_check(refused[_i].pattern, why, sizeof(why)),
		      "'%s' accepted", refused[_i].pattern);
	ck_assert_msg(strstr(why, refused[_i].reason) != NULL,
		      "'%s': reason '%s' lacks '%s'", refused[_i].pattern, why,
		      refused[_i].reason);
}
END_TEST

START_TEST(the_reason_never_overflows_a_small_buffer)
{
	char why[8];

	memset(why, 'x', sizeof(why));
	ck_assert(!regex_guard_check("a++", why, sizeof(why)));
	ck_assert_uint_eq(strlen(why), sizeof(why) - 1);
}
END_TEST

Suite *regex_guard_suite(void);

Suite *regex_guard_suite(void)
{
	Suite *s = suite_create("regex_guard");
	TCase *tc = tcase_create("guard");

	tcase_add_loop_test(tc, patterns_people_write_pass, 0,
			    (int)ARRAY_COUNT(accepted));
	tcase_add_loop_test(tc, costly_patterns_are_refused_with_a_reason, 0,
			    (int)ARRAY_COUNT(refused));
	tcase_add_test(tc, the_reason_never_overflows_a_small_buffer);
	suite_add_tcase(s, tc);
	return s;
}
