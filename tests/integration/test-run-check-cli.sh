# run and check through the real binary: exit codes, messages with
# expected/seen and file:line:column, progress and quiet output.
. "$(dirname "$0")/lib.sh"
d=tests/data/scenarios-e2e

# A scenario expecting the wrong status fails: exit 1, expected and seen.
run_expect_rc 1 "$FFAH" run --firmware-dir "$FFAH_FW_DIR" \
	--json "$WORK/w.json" --junit "$WORK/w.xml" "$d/wrong-status.yaml"
assert_out_contains "status: expected EFI_SUCCESS, seen EFI_NOT_FOUND"
assert_out_contains "wrong-status.yaml"
[ "$(jq -r '.scenarios[0].verdict' "$WORK/w.json")" = fail ] || fail "verdict"
[ "$(jq '.scenarios[0].steps[1].checks[0].line' "$WORK/w.json")" = 7 ] ||
	fail "the failing check does not point at line 7"
xmllint --noout "$WORK/w.xml" || fail "JUnit is not well-formed"

# Malformed scenarios are invalid input: exit 2, every error located.
run_expect_rc 2 "$FFAH" check "$d/malformed.yaml"
assert_out_contains "malformed.yaml:4:43: error: steps\[1\].set_variable.attributes: expected EFI variable attributes"
assert_out_contains "malformed.yaml:5:20: error: steps\[2\].get_variable.nmae: unknown key .nmae."
run_expect_rc 2 "$FFAH" run "$d/malformed.yaml"
assert_out_contains "malformed.yaml:4:43"

# check accepts the whole library, FF-A U-Boot scenarios included.
run_expect_rc 0 "$FFAH" check scenarios
assert_out_contains "scenarios: valid"

# Filter and shard select; progress lines only when asked.
run_expect_rc 0 "$FFAH" run --progress --firmware-dir "$FFAH_FW_DIR" \
	--filter 'variables-get-*' scenarios/refclient
assert_out_contains "^PASS  variables-get-missing-is-not-found"
n=$(grep -c "^PASS " "$WORK/out")
[ "$n" -ge 3 ] || fail "filter selected $n scenarios"
run_expect_rc 0 "$FFAH" run --quiet --firmware-dir "$FFAH_FW_DIR" \
	--shard 1/2 --json "$WORK/s1.json" scenarios/refclient
run_expect_rc 0 "$FFAH" run --quiet --firmware-dir "$FFAH_FW_DIR" \
	--shard 2/2 --json "$WORK/s2.json" scenarios/refclient
grep -q "^PASS " "$WORK/out" && fail "--quiet printed progress lines"
a=$(jq .summary.total "$WORK/s1.json")
b=$(jq .summary.total "$WORK/s2.json")
all=$("$FFAH" check scenarios/refclient | sed 's/.*, \([0-9]*\) scenarios.*/\1/')
[ $((a + b)) -eq "$all" ] || fail "shards $a + $b != $all"
run_expect_rc 2 "$FFAH" run --shard 3/2 scenarios/refclient # I > N
run_expect_rc 2 "$FFAH" run --filter 'no-such-*' scenarios/refclient
echo "exit codes, messages, check, filter and shards behave"
