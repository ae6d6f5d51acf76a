# inject nth: and skip: through the real binary: the fault answers exactly
# the calls they name (tests/data/scenarios-e2e/inject-nth-skip.yaml), and
# a scenario expecting the fault one call early fails.
. "$(dirname "$0")/lib.sh"
d=tests/data/scenarios-e2e

run_expect_rc 0 "$FFAH" run --firmware-dir "$FFAH_FW_DIR" \
	--json "$WORK/nth.json" "$d/inject-nth-skip.yaml"
[ "$(jq '.summary.pass' "$WORK/nth.json")" = 3 ] || fail "not 3 passes"

# nth: 3 where the scenario expects the fault at the 2nd call.
sed 's/GET_VARIABLE, nth: 2}/GET_VARIABLE, nth: 3}/' \
	"$d/inject-nth-skip.yaml" >"$WORK/late.yaml"
run_expect_rc 1 "$FFAH" run --firmware-dir "$FFAH_FW_DIR" "$WORK/late.yaml"
assert_out_contains "fail: inject-nth-answers-only-that-call"
assert_out_contains "status: expected EFI_DEVICE_ERROR, seen EFI_NOT_FOUND"

# nth with count is a scenario error, located.
printf 'name: x\nsteps:\n  - inject: {rx_busy: true, nth: 2, count: 3}\n' \
	>"$WORK/both.yaml"
run_expect_rc 2 "$FFAH" check "$WORK/both.yaml"
assert_out_contains "both.yaml:3:37: error: steps\[0\].inject.count: count does not apply with nth"
echo "inject nth and skip answer the calls they name"
