# The command line: help, unknown options and values are invalid input.
. "$(dirname "$0")/lib.sh"
run_expect_rc 0 "$FFAH" boot --help
for opt in --image --type --expect --trace --console --platform \
	--load-addr --shared-buffer --ffa-version --max-insns; do
	grep -q -- "$opt" "$WORK/out" || fail "--help does not document $opt"
done
run_expect_rc 2 "$FFAH"
run_expect_rc 2 "$FFAH" frobnicate
run_expect_rc 2 "$FFAH" boot
assert_out_contains "--image FILE is required"
run_expect_rc 2 "$FFAH" boot --image x --load-addr zz
assert_out_contains "not a number"
run_expect_rc 2 "$FFAH" boot --image x --ffa-version 2.0
assert_out_contains "must be 1.0, 1.1 or 1.2"
run_expect_rc 2 "$FFAH" boot --image x --platform nowhere
assert_out_contains "qemu-virt"
run_expect_rc 0 "$FFAH" boot --list-platforms
assert_out_contains "qemu-virt-ffa"
echo "help, usage errors and platform list behave"
