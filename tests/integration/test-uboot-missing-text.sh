# An expected text that never appears fails the run with exit status 1.
. "$(dirname "$0")/lib.sh"
run_expect_rc 1 "$FFAH" boot --image "$UBOOT" --type poweroff \
	--expect "this text is not printed by U-Boot"
assert_out_contains 'expect "this text is not printed by U-Boot": NOT SEEN'
assert_out_contains "verdict: FAIL"
echo "missing text reported, exit 1"
