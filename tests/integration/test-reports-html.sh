# `report --html`: one self-contained page (no script, no remote asset)
# that headless Chromium renders with the sequence diagram visible: the
# screenshot must hold enough pixels of the call-arrow and return-arrow
# colours (reports/html.h) where the diagram is, and a copy of the page
# without its SVG must not (so the pixels come from the diagram).  Hostile
# console text stays text.  Until `run` exists the input is fixture JSON.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
data="$top/tests/data/results"
CALL=d1007a   # HTML_CALL_COLOUR
RETURN=0a7d8c # HTML_RETURN_COLOUR

cc -std=c11 -O2 -Wall -Wextra -o "$WORK/png_probe" \
	"$top/tests/tools/png_probe.c" -lz || fail "cannot build png_probe"

# screenshot HTML PNG: renders file HTML at 1200x2000 into PNG.
screenshot() {
	profile=$(mktemp -d "$WORK/chromium.XXXXXX")
	timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$profile" --screenshot="$2" \
		--window-size=1200,2000 "file://$1" >"$WORK/chromium.log" 2>&1 ||
		{ cat "$WORK/chromium.log"; fail "chromium failed on $1"; }
	[ -s "$2" ] || { cat "$WORK/chromium.log"; fail "no screenshot of $1"; }
}

# probe PNG RRGGBB: sets PX to the pixels of that colour (+-24) in the
# diagram's columns (lifelines at x = 100, 350, 600 inside a body margin
# of 24).
probe() {
	"$WORK/png_probe" "$1" "$2" 24 100 0 700 2000 >"$WORK/probe.out" ||
		fail "png_probe cannot read $1"
	read -r width height PX <"$WORK/probe.out"
	[ "$width" = 1200 ] && [ "$height" = 2000 ] ||
		fail "screenshot $1 is ${width}x$height, not 1200x2000"
}

# Passing scenarios show their diagrams when asked (--html-traces all).
run_expect_rc 0 "$FFAH" report "$data/pass.json" --html "$WORK/pass.html" \
	--html-traces all
page="$WORK/pass.html"
grep -q '<svg' "$page" || fail "no <svg> in the page"
! grep -qi '<script' "$page" || fail "the page has a script"
! grep -qiE '<link|<img|@import|url\(http' "$page" || fail "remote asset"
remote=$(grep -oE 'https?://[^"'"'"' )]*' "$page" | grep -v '^http://www.w3.org/2000/svg$' || true)
[ -z "$remote" ] || fail "the page references $remote"
# The first scenario has 8 SMCs: 8 call arrows, 8 return arrows.
calls=$(sed -n '/<section id="sc-0">/,/<\/section>/p' "$page" | grep -c 'class="call"')
[ "$calls" -eq 8 ] || fail "$calls call arrows in scenario 0, expected 8"

screenshot "$page" "$WORK/pass.png"
probe "$WORK/pass.png" $CALL
call_px=$PX
probe "$WORK/pass.png" $RETURN
ret_px=$PX
echo "diagram pixels: call $call_px, return $ret_px"
[ "$call_px" -ge 2000 ] || fail "only $call_px call-arrow pixels: diagram not drawn"
[ "$ret_px" -ge 1000 ] || fail "only $ret_px return-arrow pixels: diagram not drawn"

# Control: the same page without its diagrams shows none of those colours.
awk '/<svg/ {skip = 1} !skip {print} /<\/svg>/ {skip = 0}' "$page" \
	>"$WORK/nosvg.html"
! grep -q '<svg' "$WORK/nosvg.html" || fail "control page still has an SVG"
screenshot "$WORK/nosvg.html" "$WORK/nosvg.png"
probe "$WORK/nosvg.png" $CALL
none=$PX
[ "$none" -lt 50 ] || fail "$none call-colour pixels without a diagram: probe is not specific"

# Hostile text from the firmware is escaped, never markup.
run_expect_rc 0 "$FFAH" report "$data/error-fault.json" --html "$WORK/err.html"
! grep -qi '<script' "$WORK/err.html" || fail "raw <script> from the console"
! grep -q '<img' "$WORK/err.html" || fail "raw <img> from a description"
! grep -q '<svg onload' "$WORK/err.html" || fail "raw markup from a variable name"
grep -q '&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;' "$WORK/err.html" ||
	fail "the console's <script> line is missing"
grep -q 'ldr x1, \[x0\]' "$WORK/err.html" || fail "no disassembly"
echo "HTML report is self-contained, renders its sequence diagram, escapes firmware text"
