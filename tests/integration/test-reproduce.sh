# A reproduce command per failure in every output (issue 16, item 7): the
# terminal, the Markdown, the JUnit failure text and the HTML report give
# the same `ffa-harness run --echo --filter NAME ... FILE` line, with the
# image and the options that change the outcome; run as written, it reruns
# just that scenario, with the same verdict, and echoes the console.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
# The link needs an absolute target ($FFAH may be relative to the top).
ffah=$(cd "$(dirname "$FFAH")" && pwd)/$(basename "$FFAH")
mkdir -p "$WORK/bin"
ln -s "$ffah" "$WORK/bin/ffa-harness"
PATH=$WORK/bin:$PATH
export PATH
cd "$top"
image=$FFAH_FW_DIR/refclient-unpacked-access-variable.elf

run_expect_rc 1 ffa-harness run --max-insns 3000000000 --image "$image" \
	scenarios/refclient/discovery --report-dir "$WORK/r"
want="ffa-harness run --echo --filter discovery-spmc-v1.0 --image $image --max-insns 3000000000 scenarios/refclient/discovery/spmc-v1-0.yaml"
grep -qxF "  reproduce: $want" "$WORK/out" || { cat "$WORK/out"; fail "terminal lacks: $want"; }
grep -qxF "$want" "$WORK/r/summary.md" || fail "Markdown lacks the line"
xmllint --xpath 'string(//testcase[@name="discovery-spmc-v1.0"]/failure)' "$WORK/r/junit.xml" |
	grep -qxF "reproduce: $want" || fail "JUnit failure text lacks the line"
grep -qF "<dt>Reproduce</dt><dd><code>$want</code></dd>" "$WORK/r/report.html" ||
	fail "HTML lacks the line"
# Passing scenarios get no reproduce line in the reports.
n=$(grep -c 'ffa-harness run --echo' "$WORK/r/summary.md")
[ "$n" -eq 1 ] || fail "$n reproduce lines in the Markdown, expected 1"

# Run as written: one scenario, same verdict, the console echoed.
sh -c "$want --json '$WORK/again.json'" >"$WORK/again.out" 2>&1 && fail "the rerun passed"
jq -e '.summary.total == 1 and .scenarios[0].name == "discovery-spmc-v1.0" and
	.scenarios[0].verdict == "firmware"' "$WORK/again.json" >/dev/null ||
	fail "the rerun did not rerun just the scenario"
tr -d '\r' <"$WORK/again.out" | grep -q '^ffa-harness reference client$' || fail "--echo did not echo the console"
tr -d '\r' <"$WORK/again.out" | grep -q '^agent: ready$' || fail "--echo did not echo the console"

# Names with glob characters are escaped so the filter matches only them.
cat >"$WORK/glob.yaml" <<'YAML'
- name: "odd[1]*name"
  steps: [boot, {print: "x", expect: {console: "not printed"}}]
- name: "odd11name"
  steps: [boot]
YAML
run_expect_rc 1 ffa-harness run "$WORK/glob.yaml"
line=$(sed -n 's/^  reproduce: //p' "$WORK/out")
sh -c "$line --json '$WORK/glob.json'" >/dev/null 2>&1 || true
[ "$(jq -r '[.scenarios[].name] | join(",")' "$WORK/glob.json")" = 'odd[1]*name' ] ||
	fail "'$line' ran: $(jq -r '[.scenarios[].name] | join(",")' "$WORK/glob.json")"
echo "reproduce lines in every output rerun just the failed scenario, console echoed"
