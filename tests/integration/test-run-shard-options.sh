# Options a CI matrix meets (issue 16, defect 6): a shard with nothing to
# run passes with a notice and still writes its reports; --no-fork with
# -j N > 1 is refused with a message that says why; an error about a file
# names the file asked for, never an internal temporary beside it.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
suite=$top/scenarios/refclient/agent   # two scenarios

run_expect_rc 0 "$FFAH" run --shard 4/4 "$suite" --report-dir "$WORK/empty"
assert_out_contains 'notice: shard 4/4 is empty: 2 scenarios selected for 4 shards'
for f in results.json junit.xml summary.md report.html; do
	[ -s "$WORK/empty/$f" ] || fail "empty shard wrote no $f"
done
jq -e '.summary.total == 0 and .summary.verdict == "pass" and
	(.summary.notice | test("shard 4/4 is empty"))' "$WORK/empty/results.json" \
	>/dev/null || fail "empty shard's results.json: $(cat "$WORK/empty/results.json")"
run_expect_rc 0 "$FFAH" report "$WORK/empty/results.json"
grep -q 'shard 4/4 is empty' "$WORK/empty/summary.md" || fail "Markdown lacks the notice"
# A shard that does run still runs, and a filter that matches nothing is
# still an error: that is a typo, not a matrix.
run_expect_rc 0 "$FFAH" run --shard 2/4 "$suite"
run_expect_rc 2 "$FFAH" run --filter 'no-such-*' "$suite"

run_expect_rc 2 "$FFAH" run --no-fork -j 2 "$suite"
assert_out_contains 'no-fork runs the scenarios one at a time in this process; it cannot be combined with -j 2'
run_expect_rc 0 "$FFAH" run --no-fork -j 1 "$suite"

run_expect_rc 3 "$FFAH" run "$suite" --json "$WORK/missing-dir/r.json"
assert_out_contains "cannot write $WORK/missing-dir/r.json: No such file or directory"
! grep -q '\.tmp\.' "$WORK/out" || { cat "$WORK/out"; fail "a temporary file name leaked"; }
echo "empty shards pass with a notice; --no-fork -j 2 refused; errors name the user's file"
