/*
 * A cheap look at a POSIX extended regular expression before regcomp() sees
 * it.  glibc compiles repetition by copying the repeated subtree ("a+" is
 * "aa*", "a{1,9}" is nine copies), so stacked or nested repetitions grow
 * exponentially: a 60-byte console_regex with stacked '+' took gigabytes
 * (found by fuzz_scenario).  Scenario patterns come from users and from
 * generated corpora; they get a clear error instead.
 */
#ifndef COMMON_REGEX_GUARD_H
#define COMMON_REGEX_GUARD_H

#include <stdbool.h>
#include <stddef.h>

/* The largest estimated copy count accepted: generous for any console or
 * output pattern a person writes ("[0-9]{4}" counts 4, "(ab){3}x" 7). */
#define REGEX_GUARD_MAX_COPIES 4096u

/*
 * True when pattern may go to regcomp(REG_EXTENDED).  False, with a reason
 * in why (a phrase, no trailing period), when it stacks repetition
 * operators (undefined in EREs: POSIX.1-2017 XBD 9.4.6) or its repetitions
 * would copy atoms more than REGEX_GUARD_MAX_COPIES times.  Syntax errors
 * are left to regcomp(), which names them better.
 */
bool regex_guard_check(const char *pattern, char *why, size_t why_len);

#endif
