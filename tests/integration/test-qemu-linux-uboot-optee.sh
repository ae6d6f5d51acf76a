# The OP-TEE U-Boot (make uboot-ffa: OPTEE + EFI_MM_COMM_TEE, no FF-A)
# writes a variable through the StMM pseudo-TA, starts Debian's Linux with
# bootefi, and Linux's tee_stmm_efi reads it and writes its own through
# the same OP-TEE model: scenarios/linux/uboot-optee-bootefi.yaml with a
# store file, which must then hold both variables; the next U-Boot boot
# prints the one Linux wrote.  scripts/uboot-ffa.sh runs it after the
# OP-TEE build (UBOOT_OPTEE); skipped, with the reason, when the bundle or
# that U-Boot is not built.
. "$(dirname "$0")/lib.sh"
require_qemu
bundle=${FFAH_LINUX_BUNDLE:-build/linux}
image=${UBOOT_OPTEE:-build/uboot-ffa/u-boot-optee/u-boot.bin}
for f in "$bundle/Image" "$bundle/initrd.cpio.gz" "$bundle/tee_stmm_efi.ko" "$image"; do
	if [ ! -r "$f" ]; then
		echo "SKIP: $f not built (make linux-bundle, make uboot-ffa)"
		exit 77
	fi
done
export FFAH_LINUX_BUNDLE="$bundle"
FFAH_UBOOT_OPTEE=$(cd "$(dirname "$image")" && pwd)/$(basename "$image")
export FFAH_UBOOT_OPTEE
guid=3a1e5c77-6d2b-4f0e-9a41-8c0d2b7e6f10

# The scenario as it is, plus a store file in the work directory.
cp scenarios/linux/uboot-optee-bootefi.yaml "$WORK/chain.yaml"
echo 'spmc: {store: {file: store.vars}}' >>"$WORK/chain.yaml"
run_expect_rc 0 "$FFAH" run --firmware-dir "$FFAH_FW_DIR" --json "$WORK/chain.json" \
	"$WORK/chain.yaml"
doc=$WORK/chain.json
[ "$(jq -r '.scenarios[0].verdict' "$doc")" = pass ] || fail "the chain did not pass"
# U-Boot's OP-TEE calls from EL2, then Linux's from EL1, never the reverse.
order=$(jq -r '[.scenarios[0].trace[] | select(.type == "smc" and (.name | startswith("OPTEE_"))) | .el] | map(tostring) | join("")' "$doc")
echo "$order" | grep -Eq '^2+1+$' || fail "OP-TEE calls by EL not U-Boot then Linux: $order"
store=$WORK/store.vars
[ -f "$store" ] || fail "no store file written"
# "written-by-u-boot" and "written by Linux" in hex, both NV|BS|RT.
grep -q "^var 8be4df61-93ca-11d2-aa0d-00e098032b8c UbootWrote 0x7 7772697474656e2d62792d752d626f6f74$" "$store" ||
	{ cat "$store"; fail "U-Boot's variable is not in the store file"; }
grep -q "^var $guid LinuxWrote 0x7 7772697474656e206279204c696e7578$" "$store" ||
	{ cat "$store"; fail "Linux's variable is not in the store file"; }

# The next boot of U-Boot reads what Linux wrote.
run_expect_rc 0 "$FFAH" qemu-boot --image "$image" --load-addr 0x50000000 \
	--relay "$FFAH_FW_DIR/el3-relay.bin" --platform qemu-virt-optee \
	--store "$store" --timeout 120 --expect "=>" \
	--type "printenv -e -guid $guid LinuxWrote" --expect "NV|BS|RT, DataSize = 0x10" \
	--expect "=>" --type poweroff
assert_out_contains "run ended: power off"

# The end-of-run audit on QEMU: OP-TEE refuses one UNREGISTER_SHM, U-Boot
# forgets the buffer all the same, and at power off (no Linux ran) the
# registration is still held: optee.shm-left-registered (and U-Boot
# registers the freed buffer again: optee.shm-cookie-reused).  Without the
# refusal the same run holds nothing.
for refuse in yes no; do
	{
		echo "name: qemu-uboot-optee-released-$refuse"
		echo "machine: qemu"
		echo "firmware: uboot-optee"
		[ $refuse = yes ] && echo "expect_findings: [optee.shm-left-registered, optee.shm-cookie-reused]"
		echo "steps:"
		echo "  - boot: {until: prompt}"
		[ $refuse = yes ] && echo "  - inject: {teec_error: TEEC_ERROR_BUSY, optee_command: UNREGISTER_SHM}"
		echo "  - console: {type: \"printenv -e PlatformLang\", wait: \"=>\"}"
		echo "  - console: {type: poweroff}"
		echo "    expect: {stop: power-off}"
	} >"$WORK/released-$refuse.yaml"
	run_expect_rc 0 "$FFAH" run --firmware-dir "$FFAH_FW_DIR" \
		--json "$WORK/released-$refuse.json" "$WORK/released-$refuse.yaml"
	n=$(jq '[.scenarios[0].findings[] | select(.code == "optee.shm-left-registered")] | length' \
		"$WORK/released-$refuse.json")
	case $refuse in
	yes) [ "$n" -ge 1 ] || fail "QEMU: the refused UNREGISTER_SHM left no optee.shm-left-registered at power off" ;;
	no) [ "$n" -eq 0 ] || fail "QEMU: a clean U-Boot run reported optee.shm-left-registered" ;;
	esac
done
echo "QEMU: the end-of-run audit names the registration a refused UNREGISTER_SHM left, and nothing on a clean run"
echo "U-Boot over OP-TEE wrote a variable, Linux's tee_stmm_efi read it and wrote one; the store file holds both and U-Boot reads Linux's"
