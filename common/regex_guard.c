/*
 * Estimates how many times glibc's regcomp() copies the atoms of an ERE.
 * glibc (posix/regcomp.c, parse_dup_op) expands "x+" to "xx*" and "x{m,n}"
 * to n copies of x, so a group's cost is the sum of its atoms' costs times
 * the copy factor of every repetition around it.  The walk below is
 * iterative, one frame per open group, and never allocates.
 */
#include "regex_guard.h"

#include <stdio.h>

#define MAX_GROUP_DEPTH 32
#define COUNT_CAP (REGEX_GUARD_MAX_COPIES + 1u) /* saturates here */

struct group_frame {
	size_t sum; /* copies of everything seen in this group so far */
};

static size_t sat_add(size_t a, size_t b)
{
	return a + b > COUNT_CAP ? COUNT_CAP : a + b;
}

static size_t sat_mul(size_t a, size_t b)
{
	if (a != 0 && b > COUNT_CAP / a) {
		return COUNT_CAP;
	}
	return a * b > COUNT_CAP ? COUNT_CAP : a * b;
}

/* Reads decimal digits; the value saturates at COUNT_CAP. */
static const char *read_count(const char *p, size_t *value, bool *any)
{
	*value = 0;
	*any = false;
	while (*p >= '0' && *p <= '9') {
		*value = sat_add(sat_mul(*value, 10), (size_t)(*p - '0'));
		*any = true;
		p++;
	}
	return p;
}

/*
 * If p starts an interval "{m}", "{m,}" or "{m,n}", returns the character
 * after it and its copy factor; NULL when it is not one (glibc then either
 * takes '{' literally or reports an error, which regcomp words better).
 */
static const char *read_interval(const char *p, size_t *factor)
{
	size_t lo, hi;
	bool any_lo, any_hi;

	p = read_count(p + 1, &lo, &any_lo);
	if (!any_lo) {
		return NULL;
	}
	if (*p == '}') {
		*factor = lo == 0 ? 1 : lo;
		return p + 1;
	}
	if (*p != ',') {
		return NULL;
	}
	p = read_count(p + 1, &hi, &any_hi);
	if (*p != '}') {
		return NULL;
	}
	/* "{m,}" is m copies and a star: m + 1; "{m,n}" is n copies. */
	*factor = any_hi ? (hi == 0 ? 1 : hi) : sat_add(lo, 1);
	return p + 1;
}

/* If p starts a repetition operator, returns the character after it and
 * its copy factor; NULL otherwise. */
static const char *read_dup(const char *p, size_t *factor)
{
	switch (*p) {
	case '*':
	case '?':
		*factor = 1; /* a star or option node over the one copy */
		return p + 1;
	case '+':
		*factor = 2; /* "x+" is "xx*" */
		return p + 1;
	case '{':
		return read_interval(p, factor);
	default:
		return NULL;
	}
}

/* Skips a bracket expression starting at '['; NULL if unterminated. */
static const char *skip_bracket(const char *p)
{
	p++;
	if (*p == '^') {
		p++;
	}
	if (*p == ']') {
		p++; /* a leading ']' is a member */
	}
	while (*p != '\0' && *p != ']') {
		if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
			char kind = p[1];

			p += 2;
			while (*p != '\0' && !(*p == kind && p[1] == ']')) {
				p++;
			}
			if (*p == '\0') {
				return NULL;
			}
			p += 2;
			continue;
		}
		p++;
	}
	return *p == ']' ? p + 1 : NULL;
}

static bool too_many_copies(char *why, size_t why_len)
{
	snprintf(why, why_len,
		 "its repetitions copy atoms more than %u times (nested or "
		 "large intervals); simplify the pattern",
		 REGEX_GUARD_MAX_COPIES);
	return false;
}

bool regex_guard_check(const char *pattern, char *why, size_t why_len)
{
	struct group_frame stack[MAX_GROUP_DEPTH + 1] = { { 0 } };
	unsigned depth = 0;
	const char *p = pattern;

	while (*p != '\0') {
		size_t copies = 1;
		size_t factor;
		const char *next;

		if (*p == '(') {
			if (depth == MAX_GROUP_DEPTH) {
				snprintf(why, why_len,
					 "groups nested deeper than %d",
					 MAX_GROUP_DEPTH);
				return false;
			}
			stack[++depth].sum = 0;
			p++;
			continue;
		}
		if (*p == '|') {
			p++; /* alternatives add up in the same frame */
			continue;
		}
		if (*p == ')' && depth > 0) {
			copies = stack[depth--].sum;
			if (copies == 0) {
				copies = 1;
			}
			p++;
		} else if (*p == '[') {
			p = skip_bracket(p);
			if (p == NULL) {
				return true; /* regcomp reports the bracket */
			}
		} else if (*p == '\\' && p[1] != '\0') {
			p += 2;
		} else {
			p++; /* a literal, '.', an anchor or a stray operator */
		}
		next = read_dup(p, &factor);
		if (next != NULL) {
			copies = sat_mul(copies, factor);
			p = next;
			if (read_dup(p, &factor) != NULL) {
				snprintf(why, why_len,
					 "repetition operators stacked at "
					 "offset %zu (\"%.2s\"), undefined in an "
					 "extended regular expression; write "
					 "one operator",
					 (size_t)(p - pattern) - 1, p - 1);
				return false;
			}
		}
		stack[depth].sum = sat_add(stack[depth].sum, copies);
		if (stack[depth].sum > REGEX_GUARD_MAX_COPIES) {
			return too_many_copies(why, why_len);
		}
	}
	/* Unclosed groups: their atoms count as if closed once. */
	while (depth > 0) {
		size_t sum = stack[depth--].sum;

		stack[depth].sum = sat_add(stack[depth].sum, sum);
	}
	if (stack[0].sum > REGEX_GUARD_MAX_COPIES) {
		return too_many_copies(why, why_len);
	}
	return true;
}
