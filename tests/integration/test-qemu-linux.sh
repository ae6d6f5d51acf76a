# QEMU backend: Debian's Linux 6.12 from the bundle (make linux-bundle),
# booted by the relay at EL2 with 2 CPUs: the second CPU comes up through
# our PSCI CPU_ON (and goes offline and back: CPU_OFF, AFFINITY_INFO, CPU_ON), the arm_ffa modules (built from Debian's source) probe
# our SPMC from EL1 and list our MM partition under /sys/bus/arm_ffa, and
# the console line protocol runs commands; then with kvm-arm.mode=protected
# pKVM negotiates FFA_VERSION from EL2 first.  Without the bundle the test
# says so and is skipped, never passed.
. "$(dirname "$0")/lib.sh"
require_qemu
require_linux_bundle Image initrd.cpio.gz
# The MM partition's UUID (models/spmc.c default partition, OP-TEE's
# StandaloneMM UUID ed32d533-99e6-4209-9cc0-2d72cdd998a7).
mm_uuid=ed32d533-99e6-4209-9cc0-2d72cdd998a7

run_expect_rc 0 "$FFAH" qemu-boot --image "$bundle/Image" \
	--initrd "$bundle/initrd.cpio.gz" --smp 2 \
	--relay "$FFAH_FW_DIR/el3-relay.bin" --timeout 180 \
	--append "console=ttyAMA0 panic=-1" \
	--expect "@@READY" \
	--type "@@CMD 1 grep -c ^processor /proc/cpuinfo" --expect "@@END 1 0" \
	--type "@@CMD 2 cat /sys/bus/arm_ffa/devices/*/uuid" --expect "@@END 2 0" \
	--type "@@CMD 3 c=/sys/devices/system/cpu; echo 0 >\$c/cpu1/online; cat \$c/online; echo 1 >\$c/cpu1/online; cat \$c/online" \
	--expect "@@END 3 0" \
	--type "@@CMD 4 poweroff" \
	--trace "$WORK/t.jsonl" --console "$WORK/console.txt" --log-smcs
assert_out_contains "run ended: power off"
assert_out_contains "PSCI_CPU_ON_64 (0xc4000003) x1=0x1 -> x0=0x0"
tr -d "\r" <"$WORK/console.txt" | sed -n '/^@@BEGIN 1/,/^@@END 1/p' | grep -qx 2 ||
	fail "Linux does not see 2 CPUs"
sed -n '/^@@BEGIN 2/,/^@@END 2/p' "$WORK/console.txt" | grep -qi "$mm_uuid" ||
	{ cat "$WORK/console.txt"; fail "our partition is not under /sys/bus/arm_ffa"; }
# CPU hotplug: CPU_OFF from CPU 1 parks it, AFFINITY_INFO sees it off, a
# second CPU_ON wakes it again.
tr -d "\r" <"$WORK/console.txt" | sed -n '/^@@BEGIN 3/,/^@@END 3/p' | grep -v '^\[' >"$WORK/hotplug"
[ "$(sed -n 2p "$WORK/hotplug")" = 0 ] && [ "$(sed -n 3p "$WORK/hotplug")" = 0-1 ] ||
	{ cat "$WORK/hotplug"; fail "CPU 1 did not go offline and come back"; }
assert_out_contains "cpu 1 EL1 PSCI_CPU_OFF"
assert_out_contains "PSCI_AFFINITY_INFO_64 (0xc4000004) x1=0x1 -> x0=0x1"
for fn in FFA_VERSION FFA_ID_GET FFA_RXTX_MAP_64 FFA_PARTITION_INFO_GET FFA_RX_RELEASE; do
	grep -q "EL1 $fn " "$WORK/out" || fail "no $fn from EL1"
done
cp "$WORK/out" "$WORK/out-nvhe"

# pKVM: its own FFA_VERSION from EL2 comes before any FF-A call of EL1.
run_expect_rc 0 "$FFAH" qemu-boot --image "$bundle/Image" \
	--initrd "$bundle/initrd.cpio.gz" \
	--relay "$FFAH_FW_DIR/el3-relay.bin" --timeout 180 \
	--append "console=ttyAMA0 panic=-1 kvm-arm.mode=protected" \
	--expect "Protected nVHE mode initialized successfully" \
	--expect "@@READY" \
	--type "@@CMD 1 cat /sys/bus/arm_ffa/devices/*/uuid" --expect "@@END 1 0" \
	--type "@@CMD 2 poweroff" --log-smcs --console "$WORK/console-pkvm.txt"
assert_out_contains "run ended: power off"
first_ffa=$(grep -m1 ' FFA_' "$WORK/out")
echo "$first_ffa" | grep -q "EL2 FFA_VERSION" ||
	fail "the first FF-A call is not pKVM's FFA_VERSION from EL2: $first_ffa"
grep -q "EL1 FFA_" "$WORK/out" && fail "an FF-A call reached the SPMC from EL1 under pKVM"
grep -q "EL2 FFA_RXTX_MAP_64" "$WORK/out" || fail "pKVM did not map its RX/TX"
grep -qi "$mm_uuid" "$WORK/console-pkvm.txt" || fail "no partition under pKVM"
echo "Linux: 2 CPUs via PSCI, arm_ffa lists our partition; pKVM negotiates from EL2 first"
