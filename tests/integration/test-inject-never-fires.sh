# An inject rule that never fires tested nothing (issue 16, defect 2):
# its step fails with a message that says what the rule waited for, unless
# the step says may_not_fire: true.  The control rule that fires passes.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
run_expect_rc 1 "$FFAH" run "$top/tests/data/inject/never-fires.yaml" --json "$WORK/r.json"
got=$(jq -r '[.scenarios[] | .name + "=" + .verdict] | join(" ")' "$WORK/r.json")
want="inject-never-fires-in-debian-uboot=fail inject-may-not-fire-in-debian-uboot=pass inject-wrong-function-never-fires=fail inject-fires=pass"
[ "$got" = "$want" ] || fail "verdicts: $got"
assert_out_contains 'step 2 (inject, line 8): inject: expected at least one matching call, seen the MM return code rule never fired: no MM request (FFA_MSG_SEND_DIRECT_REQ) reached the secure side'
assert_out_contains 'the EFI status rule never fired: no MM request (FFA_MSG_SEND_DIRECT_REQ) carrying GET_VARIABLE'
# The library's own scenarios all fire their rules (or say they may not).
run_expect_rc 0 "$FFAH" run -j 2 --quiet "$top/scenarios/refclient"
"$FFAH" check "$top/scenarios" >/dev/null || fail "the library does not validate"
echo "inject rules that never fire fail their step unless may_not_fire"
