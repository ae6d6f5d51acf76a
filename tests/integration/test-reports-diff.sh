# `diff`: exit 0 when nothing regressed, 1 when something did, 2 for bad
# input; the text names the first divergent SMC and the differing bytes;
# --json is JSON with the same verdict.
. "$(dirname "$0")/lib.sh"
data="$(dirname "$0")/../data/results"

run_expect_rc 0 "$FFAH" diff "$data/diff-base.json" "$data/diff-base.json"
assert_out_contains "No differences."
assert_out_contains "Result: no regression"
run_expect_rc 1 "$FFAH" diff "$data/diff-base.json" "$data/diff-new.json"
assert_out_contains "REGRESSED query-info"
assert_out_contains "FIXED     boot-only"
assert_out_contains "diverge at SMC index 4 (base seq 5, new seq 6)"
assert_out_contains "0x0056: 72 -> 7a"
assert_out_contains "Result: REGRESSED"
run_expect_rc 1 "$FFAH" diff --json "$data/diff-base.json" "$data/diff-new.json"
assert_out_contains '"regressed": true'
assert_out_contains '"format": "ffa-harness-diff"'
run_expect_rc 2 "$FFAH" diff "$data/diff-base.json"
run_expect_rc 2 "$FFAH" diff "$data/diff-base.json" "$WORK/missing.json"
assert_out_contains "missing.json"
echo '{"format": "ffa-harness-results", "version": 9}' >"$WORK/v9.json"
run_expect_rc 2 "$FFAH" diff "$WORK/v9.json" "$data/diff-new.json"
assert_out_contains "version 9 is not supported"
run_expect_rc 2 "$FFAH" diff --frobnicate a b
run_expect_rc 0 "$FFAH" diff --help
assert_out_contains "Exit status"
echo "diff exit statuses, divergence, byte offsets and --json behave"
