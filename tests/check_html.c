/*
 * Unit tests of reports/html.c: the SVG sequence diagram (one call and one
 * return arrow per SMC, lifelines, doorbell labels, step bands, the cap),
 * the decoded MM doorbells and hex dumps, steps with their checks,
 * findings, and that firmware text never becomes markup.
 * tests/integration/test-reports-html.sh renders the page in Chromium.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "reports/html.h"
#include "reports/results.h"
#include "tests/results_fixtures.h"

#define ck_assert_has(text, needle)                                         \
	ck_assert_msg(strstr(text, needle) != NULL, "missing '%s' in:\n%s", \
		      needle, text)
#define ck_assert_lacks(text, needle) \
	ck_assert_msg(strstr(text, needle) == NULL, "unexpected '%s'", needle)

/* Every scenario in full: these tests look at diagrams of passes too. */
static char *render_doc(const json_t *doc)
{
	static const struct html_options all = {.all_traces = true};
	struct strbuf out = STRBUF_INIT;

	html_render_with(doc, &all, &out);
	return strbuf_steal(&out);
}

static char *render(const char *name)
{
	json_t *doc = fixture_load(name);
	char *html = render_doc(doc);

	json_decref(doc);
	return html;
}

/* The <section> of scenario i (free() it). */
static char *section(const char *html, size_t i)
{
	char from[32];

	snprintf(from, sizeof(from), "<section id=\"sc-%zu\">", i);
	return text_between(html, from, "</section>");
}

static size_t smc_count(const json_t *sc)
{
	size_t n = 0;

	for (size_t i = 0; i < results_len(sc, "trace"); i++) {
		n += results_event_is_smc(results_at(sc, "trace", i));
	}
	return n;
}

START_TEST(diagram_has_one_call_and_one_return_arrow_per_smc)
{
	json_t *doc = fixture_load("pass");
	char *html = render_doc(doc);

	for (size_t i = 0; i < results_scenario_count(doc); i++) {
		char *sec = section(html, i);
		char *svg = text_between(sec, "<svg", "</svg>");
		size_t smcs = smc_count(results_scenario(doc, i));

		ck_assert_uint_gt(smcs, 0);
		ck_assert_uint_eq(text_count(sec, "<svg "), 1);
		ck_assert_uint_eq(text_count(svg, "class=\"call\""), smcs);
		ck_assert_uint_eq(text_count(svg, "class=\"ret\""), smcs);
		ck_assert_uint_eq(
		    text_count(svg, "stroke=\"" HTML_CALL_COLOUR "\""), smcs);
		free(svg);
		free(sec);
	}
	ck_assert_uint_eq(smc_count(results_scenario(doc, 0)), 8);
	free(html);
	json_decref(doc);
}
END_TEST

START_TEST(lifelines_are_firmware_spmc_and_each_partition)
{
	char *html = render("pass");
	char *first = section(html, 0);
	char *second = section(html, 1);

	ck_assert_has(first, ">Firmware (NWd)</text>");
	ck_assert_has(first, ">SPMC</text>");
	ck_assert_has(first, ">MM SP 0x8003</text>");
	/* Doorbells go to the partition's lifeline (x = 600), other calls
	 * to the SPMC's (x = 350); arrows end 2 units short of them. */
	ck_assert_uint_eq(text_count(first, "class=\"call\" x1=\"100\""), 8);
	ck_assert_uint_eq(text_count(first, "x2=\"598\""), 2);
	ck_assert_uint_eq(text_count(first, "x2=\"348\""), 6);
	ck_assert_has(second, ">SPMC</text>");
	ck_assert_lacks(second, "SP 0x");
	free(second);
	free(first);
	free(html);
}
END_TEST

START_TEST(doorbell_arrows_carry_mm_function_variable_and_status)
{
	char *html = render("pass");
	char *svg = text_between(html, "<svg", "</svg>");

	ck_assert_has(svg, ">SET_VARIABLE &quot;Foo&quot;</text>");
	ck_assert_has(svg, ">GET_VARIABLE &quot;Foo&quot;</text>");
	ck_assert_uint_eq(text_count(svg, ">MM_SUCCESS, EFI_SUCCESS</text>"),
			  2);
	ck_assert_has(svg, ">FFA_VERSION</text>");
	ck_assert_has(svg, ">x0=0x10002</text>");
	ck_assert_has(svg, ">FFA_SUCCESS_32</text>");
	ck_assert_has(svg, ">(run stopped)</text>");
	/* Step markers are bands with the step's kind and line. */
	ck_assert_uint_eq(text_count(svg, "class=\"band\""), 4);
	ck_assert_has(svg, "step 3: get_variable (line 14)</text>");
	ck_assert_has(svg, "run ended: power-off</text>");
	free(svg);
	free(html);
}
END_TEST

START_TEST(return_labels_name_errors_and_unimplemented_calls)
{
	json_t *doc = fixture_load("not-implemented");
	json_t *trace = json_object_get(
	    json_array_get(json_object_get(doc, "scenarios"), 0), "trace");
	char *html = render_doc(doc);

	ck_assert_has(html, ">FFA_NOTIFICATION_BIND</text>");
	ck_assert_has(html, ">not implemented by the model</text>");
	free(html);
	json_object_set_new(json_array_get(trace, 2), "result",
			    json_string("error"));
	html = render_doc(doc);
	ck_assert_has(html, ">FFA_ERROR NOT_SUPPORTED</text>");
	free(html);
	json_decref(doc);
}
END_TEST

START_TEST(doorbells_show_decoded_header_and_hex_dumps)
{
	char *html = render("pass");
	char *get = text_between(html, "#9 GET_VARIABLE", "</details>");

	ck_assert_has(html, "<h3>MM doorbells (2)</h3>");
	ck_assert_has(get,
		      "#9 GET_VARIABLE &quot;Foo&quot; -&gt; MM_SUCCESS, "
		      "EFI_SUCCESS</summary>");
	ck_assert_has(get,
		      "<th>Partition</th><td class=\"mono\">0x8003 (x1 = "
		      "0x8003)</td>");
	ck_assert_has(get,
		      "<th>HeaderGuid</th><td class=\"mono\">ok "
		      "(gEfiSmmVariableProtocolGuid)</td>");
	ck_assert_has(get, "<th>MessageLength</th><td class=\"mono\">76</td>");
	ck_assert_has(get,
		      "<th>Function</th><td class=\"mono\">1 "
		      "(GET_VARIABLE)</td>");
	ck_assert_has(get,
		      "<th>ReturnStatus</th><td class=\"mono\">0x0 "
		      "(EFI_SUCCESS)</td>");
	ck_assert_has(get, "<th>Variable name</th><td class=\"mono\">Foo</td>");
	ck_assert_has(get,
		      "<th>Vendor GUID</th><td class=\"mono\">"
		      "8be4df61-93ca-11d2-aa0d-00e098032b8c</td>");
	ck_assert_has(get,
		      "<th>Attributes</th><td class=\"mono\">0x7 "
		      "(NV|BS|RT)</td>");
	ck_assert_has(get, "<th>NameSize</th><td class=\"mono\">8</td>");
	ck_assert_has(get, "<th>DataSize</th><td class=\"mono\">16</td>");
	ck_assert_has(get,
		      "<h4>Request as the partition read it (100 "
		      "bytes)</h4>\n<pre class=\"hex\">00000000  33 d5 32 "
		      "ed e6 99 09 42 9c c0 2d 72 cd d9 98 a7  "
		      "|3.2....B..-r....|\n");
	ck_assert_has(get,
		      "<h4>Response as the partition wrote it (100 "
		      "bytes)</h4>");
	ck_assert_has(get, "00000050  6f 00 00 00 62 61 72 00");
	free(get);
	free(html);
}
END_TEST

START_TEST(steps_show_checks_expected_vs_seen)
{
	char *html = render("fail-expectation");
	char *sec = section(html, 1);

	ck_assert_has(sec,
		      "<p class=\"bad\">status: expected EFI_SUCCESS, "
		      "seen EFI_NOT_FOUND</p>");
	ck_assert_has(sec,
		      "<tr><td class=\"mono\">status</td><td "
		      "class=\"mono\">EFI_SUCCESS</td><td class=\"mono\">"
		      "EFI_NOT_FOUND</td><td class=\"bad\">FAILED</td>"
		      "<td class=\"mono\">"
		      "scenarios/variables/get-missing.yaml:16:17</td>"
		      "</tr>");
	/* Steps are numbered from 1, as the runner's messages do. */
	ck_assert_has(sec,
		      "<tr><td>3</td><td class=\"mono\">get_variable"
		      "</td><td>14</td>");
	ck_assert_has(sec,
		      "<dt>Look at</dt><dd>"
		      "scenarios/variables/get-missing.yaml:16:17</dd>");
	/* The failing step's doorbell is open, the others closed. */
	ck_assert_uint_eq(text_count(sec, "<details class=\"doorbell\" open>"),
			  1);
	ck_assert_uint_eq(text_count(sec, "<details class=\"doorbell\">"), 1);
	free(sec);
	free(html);
}
END_TEST

START_TEST(findings_link_their_event_and_keep_detail_preformatted)
{
	char *html = render("firmware-finding");

	ck_assert_has(html, "<h3>Findings (3)</h3>");
	ck_assert_has(html, "<code>cache.request-dirty-at-doorbell</code>");
	ck_assert_has(html,
		      "<a href=\"#sc0-ev9\">seq 9</a>, pc 0x40201a3c, "
		      "address 0x60000040)");
	ck_assert_has(html, "<tr id=\"sc0-ev9\">");
	ck_assert_has(html,
		      "<pre class=\"detail\">dirty lines at doorbell:\n"
		      "  0x60000040..0x6000007f (64 bytes)\n");
	ck_assert_uint_eq(text_count(html, "expected by the scenario"), 1);
	free(html);
}
END_TEST

START_TEST(fault_shows_stop_registers_disassembly_and_console)
{
	char *html = render("error-fault");

	ck_assert_has(html, "<dt>Run ended</dt><dd>fault</dd>");
	ck_assert_has(html, "<dt>Address</dt><dd>0x1000001000</dd>");
	ck_assert_has(html,
		      "<pre class=\"disasm\">   0x40200004: mov x0, "
		      "#0x1000\n=&gt; 0x40200008: ldr x1, [x0]\n</pre>");
	ck_assert_has(html, "<pre class=\"regs\">x0  0x0000001000001000");
	ck_assert_has(html,
		      "<pre class=\"console\">Booting &lt;b&gt;hostile"
		      "&lt;/b&gt; &amp; friends\n");
	free(html);
}
END_TEST

START_TEST(firmware_text_never_becomes_markup)
{
	char *html = render("error-fault");

	ck_assert_lacks(html, "<script");
	ck_assert_lacks(html, "<img");
	ck_assert_lacks(html, "<b>");
	ck_assert_lacks(html, "<svg onload");
	ck_assert_lacks(html, "</textarea>");
	ck_assert_has(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
	ck_assert_has(html,
		      ">SET_VARIABLE &quot;&lt;svg onload=alert(3)&gt;"
		      "&quot;</text>");
	ck_assert_has(html,
		      "<p>&lt;/pre&gt;&lt;img src=x "
		      "onerror=alert(2)&gt;</p>");
	/* Escape sequences go; other control bytes show as U+FFFD. */
	ck_assert_has(html, "\nred bell\xef\xbf\xbd nul\xef\xbf\xbd "
			    "del\xef\xbf\xbd\n");
	ck_assert_lacks(html, "[31m");
	ck_assert(!text_has_control(html));
	free(html);
}
END_TEST

/* By default a pass is folded and has no diagram or trace; a failure is
 * open with both (issue 16, item 13). */
START_TEST(passes_are_folded_without_traces_by_default)
{
	json_t *doc = fixture_load("pass");
	json_t *bad = fixture_load("fail-expectation");
	struct strbuf out = STRBUF_INIT;

	html_render(doc, &out);
	ck_assert_lacks(strbuf_str(&out), "<svg");
	ck_assert_lacks(strbuf_str(&out), "class=\"trace\"");
	ck_assert_lacks(strbuf_str(&out), "<details class=\"scenario\" open>");
	ck_assert_has(strbuf_str(&out), "<details class=\"scenario\">");
	ck_assert_has(strbuf_str(&out), "--html-traces all");
	strbuf_reset(&out);
	html_render(bad, &out);
	ck_assert_has(strbuf_str(&out), "<details class=\"scenario\" open>");
	ck_assert_has(strbuf_str(&out), "<svg");
	strbuf_free(&out);
	json_decref(doc);
	json_decref(bad);
}
END_TEST

START_TEST(page_is_self_contained)
{
	char *html = render("pass");

	ck_assert_msg(strncmp(html, "<!DOCTYPE html>\n", 16) == 0, "%s", html);
	ck_assert_has(html,
		      "<meta http-equiv=\"Content-Security-Policy\" "
		      "content=\"default-src 'none'; style-src "
		      "'unsafe-inline'; img-src data:\">");
	ck_assert_has(html, "<style>\n");
	ck_assert_lacks(html, "<script");
	ck_assert_lacks(html, "<link");
	ck_assert_lacks(html, "src=");
	ck_assert_lacks(html, "@import");
	ck_assert_lacks(html, "https:");
	ck_assert_uint_eq(text_count(html, "http:"),
			  text_count(html, "http://www.w3.org/2000/svg\""));
	ck_assert_has(html, "<title>ffa-harness: PASS</title>");
	free(html);
}
END_TEST

START_TEST(large_trace_is_capped_in_the_diagram_not_the_table)
{
	json_t *doc = fixture_load("pass");
	json_t *sc = json_array_get(json_object_get(doc, "scenarios"), 1);
	json_t *trace = json_object_get(sc, "trace");
	json_t *smc = json_deep_copy(json_array_get(trace, 1));
	json_t *big = json_array();
	char *html, *sec, *svg;

	for (int i = 0; i < 350; i++) {
		json_t *ev = json_deep_copy(smc);

		json_object_set_new(ev, "seq", json_integer(i));
		json_array_append_new(big, ev);
	}
	json_object_set_new(sc, "trace", big);
	html = render_doc(doc);
	sec = section(html, 1);
	svg = text_between(sec, "<svg", "</svg>");
	ck_assert_uint_eq(text_count(svg, "class=\"call\""), HTML_MAX_ARROWS);
	ck_assert_uint_eq(text_count(svg, "class=\"ret\""), HTML_MAX_ARROWS);
	ck_assert_has(sec, "The diagram shows the first 300 of 350 SMC calls");
	ck_assert_has(svg, "... 50 more SMC calls not drawn");
	ck_assert_uint_eq(text_count(sec, "<tr id=\"sc1-ev"), 350);
	free(svg);
	free(sec);
	free(html);
	json_decref(smc);
	json_decref(doc);
}
END_TEST

Suite *html_suite(void);

Suite *html_suite(void)
{
	Suite *s = suite_create("html");
	TCase *tc;

	tc = tcase_create("diagram");
	tcase_add_test(tc, diagram_has_one_call_and_one_return_arrow_per_smc);
	tcase_add_test(tc, lifelines_are_firmware_spmc_and_each_partition);
	tcase_add_test(tc,
		       doorbell_arrows_carry_mm_function_variable_and_status);
	tcase_add_test(tc, return_labels_name_errors_and_unimplemented_calls);
	tcase_add_test(tc, large_trace_is_capped_in_the_diagram_not_the_table);
	suite_add_tcase(s, tc);

	tc = tcase_create("page");
	tcase_add_test(tc, doorbells_show_decoded_header_and_hex_dumps);
	tcase_add_test(tc, steps_show_checks_expected_vs_seen);
	tcase_add_test(tc,
		       findings_link_their_event_and_keep_detail_preformatted);
	tcase_add_test(tc, fault_shows_stop_registers_disassembly_and_console);
	tcase_add_test(tc, firmware_text_never_becomes_markup);
	tcase_add_test(tc, page_is_self_contained);
	tcase_add_test(tc, passes_are_folded_without_traces_by_default);
	suite_add_tcase(s, tc);
	return s;
}
