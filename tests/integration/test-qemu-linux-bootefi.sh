# QEMU backend: the FF-A U-Boot (make uboot-ffa) starts Debian's Linux from
# the bundle (make linux-bundle) with bootefi; U-Boot's FF-A and MM calls
# come from EL2, Linux's from EL1, and efivarfs lists the variables U-Boot
# kept from our MM variable store at ExitBootServices.  Skipped, with the
# reason, when the bundle or the FF-A U-Boot is not built.
. "$(dirname "$0")/lib.sh"
require_qemu
bundle=${LINUX_BUNDLE:-build/linux}
image=${UBOOT_FFA:-build/uboot-ffa/u-boot-2025.01/u-boot.bin}
for f in "$bundle/Image" "$bundle/initrd.cpio.gz" "$image"; do
	if [ ! -r "$f" ]; then
		echo "SKIP: $f not built (make linux-bundle, make uboot-ffa)"
		exit 77
	fi
done
size=$(printf '0x%x' "$(wc -c <"$bundle/Image")")
# The kernel at 0x4200_0000 (below U-Boot at 0x5000_0000), the initramfs at
# 0x4800_0000 named in /chosen, which U-Boot passes on.
run_expect_rc 0 "$FFAH" qemu-boot --image "$image" --load-addr 0x50000000 \
	--load "$bundle/Image@0x42000000" --initrd "$bundle/initrd.cpio.gz" \
	--relay "$FFAH_FW_DIR/el3-relay.bin" --timeout 180 --log-smcs \
	--expect "=>" \
	--type "setenv bootargs console=ttyAMA0 panic=-1; bootefi 0x42000000:$size \${fdtcontroladdr}" \
	--expect "EFI stub: Booting Linux Kernel" --expect "@@READY" \
	--type "@@CMD 1 ls /sys/firmware/efi/efivars" --expect "@@END 1" \
	--type "@@CMD 2 poweroff" --console "$WORK/console.txt"
assert_out_contains "run ended: power off"
grep -q "EL2 FFA_MSG_SEND_DIRECT_REQ_64" "$WORK/out" || fail "no MM request from U-Boot at EL2"
grep -q "EL1 PSCI_VERSION" "$WORK/out" || fail "Linux made no SMC from EL1"
sed -n '/^@@BEGIN 1/,/^@@END 1/p' "$WORK/console.txt" >"$WORK/vars"
grep -q "PlatformLang-8be4df61-93ca-11d2-aa0d-00e098032b8c" "$WORK/vars" ||
	{ cat "$WORK/console.txt"; fail "efivarfs does not list PlatformLang"; }
echo "FF-A U-Boot booted Linux with bootefi; efivarfs lists U-Boot's MM variables"
