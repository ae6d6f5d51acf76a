# QEMU backend: upstream U-Boot built with FF-A (make uboot-ffa) runs at EL2
# under the EL3 relay, discovers our SPMC and MM partition over FF-A, and
# `printenv -e` lists the UEFI variables our variable store holds; then
# poweroff.  It is loaded at 0x5000_0000: its MM buffer is fixed at
# 0x6000_0000 (CONFIG_FFA_SHARED_MM_BUF_ADDR).  `make uboot-ffa` builds the
# image and runs this test (UBOOT_FFA names the image).
. "$(dirname "$0")/lib.sh"
require_qemu
image=${UBOOT_FFA:-build/uboot-ffa/u-boot-2025.01/u-boot.bin}
if [ ! -r "$image" ]; then
	echo "SKIP: $image not built yet (make uboot-ffa builds it and runs this test)"
	exit 77
fi
run_expect_rc 0 "$FFAH" qemu-boot --image "$image" --load-addr 0x50000000 \
	--relay "$FFAH_FW_DIR/el3-relay.bin" --timeout 90 \
	--expect "=>" --type "printenv -e" --expect "PlatformLang:" \
	--expect "=>" --type poweroff \
	--trace "$WORK/t.jsonl" --console "$WORK/console.txt"
assert_out_contains "run ended: power off"
assert_out_contains "SMCs by caller: EL1 0, EL2 "
assert_out_contains "verdict: PASS"
if grep -q '^findings:' "$WORK/out"; then
	cat "$WORK/out"
	fail "the FF-A U-Boot raised findings"
fi
# Discovery in U-Boot's order (drivers/firmware/arm-ffa/arm-ffa-uclass.c),
# then MM requests as direct messages, then power off.
trace_names "$WORK/t.jsonl" >"$WORK/names"
for fn in FFA_VERSION FFA_ID_GET FFA_RXTX_MAP_64 FFA_PARTITION_INFO_GET \
	FFA_RX_RELEASE FFA_MSG_SEND_DIRECT_REQ_64; do
	grep -qx "$fn" "$WORK/names" || fail "no $fn in the trace"
done
first_version=$(grep -n -m1 -x FFA_VERSION "$WORK/names" | cut -d: -f1)
first_direct=$(grep -n -m1 -x FFA_MSG_SEND_DIRECT_REQ_64 "$WORK/names" | cut -d: -f1)
[ "$first_version" -lt "$first_direct" ] || fail "a direct request came before FFA_VERSION"
tail -n 1 "$WORK/names" | grep -qx PSCI_SYSTEM_OFF || fail "the last SMC is not PSCI_SYSTEM_OFF"
grep -q "EFI_GLOBAL_VARIABLE_GUID" "$WORK/console.txt" || fail "printenv -e printed no variable"
assert_qemu_cleaned_up
echo "FF-A U-Boot discovered our SPMC under QEMU and read variables over MM"
