# Debian's U-Boot boots to its prompt, answers `version`, and `poweroff`
# ends the run through PSCI SYSTEM_OFF.
. "$(dirname "$0")/lib.sh"
[ -r "$UBOOT" ] || fail "$UBOOT missing (u-boot-qemu not installed)"
run_expect_rc 0 "$FFAH" boot --image "$UBOOT" --type version \
	--type poweroff --expect "U-Boot 2023.01" --expect "=> version" \
	--trace "$WORK/t.jsonl" --console "$WORK/console.txt"
assert_out_contains "run ended: power-off"
trace_names "$WORK/t.jsonl" | tail -n 1 | grep -qx PSCI_SYSTEM_OFF ||
	fail "the last SMC is not PSCI_SYSTEM_OFF"
grep -q "aarch64-linux-gnu-gcc" "$WORK/console.txt" ||
	fail "the version banner's toolchain line is missing"
echo "U-Boot booted, printed its version and powered off"
