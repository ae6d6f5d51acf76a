#include "tests/results_fixtures.h"

#include <check.h>
#include <string.h>

#include "common/error.h"
#include "common/strbuf.h"
#include "reports/results.h"

json_t *fixture_load(const char *name)
{
	struct strbuf path = STRBUF_INIT;
	struct error err = {0};
	json_t *doc;

	strbuf_printf(&path, "%s%s.json", RESULTS_DATA_DIR, name);
	doc = results_load_file(strbuf_str(&path), &err);
	ck_assert_msg(doc != NULL, "cannot load %s: %s", strbuf_str(&path),
		      err.message);
	strbuf_free(&path);
	return doc;
}

size_t text_count(const char *haystack, const char *needle)
{
	size_t n = 0;
	size_t len = strlen(needle);
	const char *p = haystack;

	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p += len;
	}
	return n;
}

char *text_between(const char *text, const char *from, const char *until)
{
	const char *start = strstr(text, from);
	const char *end;

	if (start == NULL) {
		return xstrdup("");
	}
	end = strstr(start + strlen(from), until);
	if (end == NULL) {
		return xstrdup(start);
	}
	return xstrndup(start, (size_t)(end - start));
}

bool text_has_control(const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p != 0;
	     p++) {
		if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') {
			return true;
		}
	}
	return false;
}
