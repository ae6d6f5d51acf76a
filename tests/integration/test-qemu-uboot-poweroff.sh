# QEMU backend: Debian's U-Boot runs at EL2 under the EL3 relay, boots to
# its prompt, answers `version`, and `poweroff` reaches our PSCI SYSTEM_OFF
# (through the relay), which powers the machine off.
. "$(dirname "$0")/lib.sh"
require_qemu
[ -r "$UBOOT" ] || fail "$UBOOT missing (u-boot-qemu not installed)"
run_expect_rc 0 "$FFAH" qemu-boot --image "$UBOOT" \
	--relay "$FFAH_FW_DIR/el3-relay.bin" --timeout 60 \
	--expect "=>" --type version --expect "U-Boot 2023.01" \
	--type poweroff --trace "$WORK/t.jsonl" --console "$WORK/console.txt"
assert_out_contains "run ended: power off"
assert_out_contains "SMCs by caller: EL1 0, EL2 1;"
assert_out_contains "verdict: PASS"
trace_names "$WORK/t.jsonl" | tail -n 1 | grep -qx PSCI_SYSTEM_OFF ||
	fail "the last SMC is not PSCI_SYSTEM_OFF"
grep -q "aarch64-linux-gnu-gcc" "$WORK/console.txt" ||
	fail "the version banner's toolchain line is missing"
assert_qemu_cleaned_up
echo "Debian's U-Boot booted under the relay and powered off via our PSCI"
