# The HTML report stays light and readable (issue 16, item 13), checked in
# headless Chromium:
# - passing scenarios are folded and carry no diagram, buffers or trace
#   unless --html-traces all asks (a 54-scenario passing suite was 1.6 MB);
#   failing ones are open with their sequence diagram on screen;
# - no horizontal scroll at 1400 px: a copy of the page with a measuring
#   script (the report itself has none) reports the document's scroll
#   width against its client width;
# - console escape sequences are stripped;
# - AGENT_NEXT arrows are labelled with the step given, not "(run stopped)".
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
CALL=d1007a # HTML_CALL_COLOUR
cc -std=c11 -O2 -Wall -Wextra -o "$WORK/png_probe" \
	"$top/tests/tools/png_probe.c" -lz || fail "cannot build png_probe"

chromium_run() {
	profile=$(mktemp -d "$WORK/chromium.XXXXXX")
	timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$profile" --window-size=1400,3000 "$@" \
		2>"$WORK/chromium.log"
}

# overflow PAGE: prints "SCROLL-WIDTH CLIENT-WIDTH" of PAGE at 1400 px.
overflow() {
	sed -e '/Content-Security-Policy/d' \
		-e 's|</body>|<script>document.body.setAttribute("data-measure", document.documentElement.scrollWidth + " " + document.documentElement.clientWidth);</script></body>|' \
		"$1" >"$WORK/measure.html"
	chromium_run --dump-dom "file://$WORK/measure.html" |
		sed -n 's/.*data-measure="\([0-9]*\) \([0-9]*\)".*/\1 \2/p' | head -1
}

# call_pixels PAGE: pixels of the call-arrow colour in a 1400x3000 shot.
call_pixels() {
	chromium_run --screenshot="$WORK/shot.png" "file://$1" >/dev/null ||
		{ cat "$WORK/chromium.log"; fail "chromium failed on $1"; }
	"$WORK/png_probe" "$WORK/shot.png" $CALL 24 | awk '{print $3}'
}

cd "$top"
run_expect_rc 0 "$FFAH" run -j 2 --quiet scenarios/refclient --json "$WORK/suite.json"
run_expect_rc 0 "$FFAH" report "$WORK/suite.json" --html "$WORK/light.html"
run_expect_rc 0 "$FFAH" report "$WORK/suite.json" --html "$WORK/full.html" --html-traces all
light=$(stat -c %s "$WORK/light.html")
full=$(stat -c %s "$WORK/full.html")
echo "54 passing scenarios: $light bytes folded, $full with every trace"
[ "$light" -le 400000 ] || fail "the passing suite's page is $light bytes"
[ "$full" -ge $((light * 4)) ] || fail "--html-traces all adds too little ($full vs $light)"
! grep -q '<svg' "$WORK/light.html" || fail "a passing scenario has a diagram"
! grep -q '<details class="scenario" open>' "$WORK/light.html" || fail "a passing scenario is open"
[ "$(call_pixels "$WORK/light.html")" -lt 50 ] || fail "arrows on screen for a passing suite"

# One scenario fails: it is open, with its diagram on screen.
run_expect_rc 1 "$FFAH" run --image "$FFAH_FW_DIR/refclient-unpacked-access-variable.elf" \
	scenarios/refclient/discovery --html "$WORK/mixed.html"
[ "$(grep -c '<details class="scenario" open>' "$WORK/mixed.html")" -eq 1 ] ||
	fail "not exactly the failing scenario open"
[ "$(grep -c '<svg' "$WORK/mixed.html")" -eq 1 ] || fail "not exactly one diagram"
px=$(call_pixels "$WORK/mixed.html")
[ "$px" -ge 500 ] || fail "only $px call-arrow pixels: the failing diagram is not shown"
# The agent's arrows say which step it was given.
grep -q '>next step: get_variable<' "$WORK/mixed.html" || fail "no 'next step' label"
! grep -q '(run stopped)' "$WORK/mixed.html" || fail "'(run stopped)' on an AGENT_NEXT arrow"

# No horizontal scroll at 1400 px, also with long unbroken text.
for page in "$WORK/mixed.html" "$WORK/full.html"; do
	set -- $(overflow "$page")
	[ $# -eq 2 ] || { cat "$WORK/chromium.log"; fail "no measurement of $page"; }
	[ "$1" -le "$2" ] || fail "$page scrolls sideways: $1 px wide in $2"
done

# Escape sequences in the console are stripped, the text kept.
esc=$(printf '\033')
jq --arg c "plain ${esc}[1;32mGREEN${esc}[0m and ${esc}[2J cleared" \
	'.scenarios[0].console = $c | .scenarios[0].verdict = "fail"' \
	"$top/tests/data/results/pass.json" >"$WORK/esc.json"
run_expect_rc 0 "$FFAH" report "$WORK/esc.json" --html "$WORK/esc.html"
grep -q 'plain GREEN and  cleared' "$WORK/esc.html" || fail "console text lost"
! grep -q "$esc" "$WORK/esc.html" || fail "an escape byte in the page"
! grep -q '\[1;32m' "$WORK/esc.html" || fail "escape parameters in the page"
echo "HTML: passes folded and light, failures open, no sideways scroll, escapes stripped"
