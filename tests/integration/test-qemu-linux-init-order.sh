# The FF-A init order under pKVM (scenarios/linux/init-order,
# docs/qemu-backend.md "The FF-A init order").  Always: make check-linux's
# script leaves the init-order scenarios out, with a SKIPPED line naming
# the kernel and its make target, when that kernel is not built (and runs
# them when it is), and a scenario that names a missing kernel is a set-up
# error that says how to build it (as is one that has U-Boot start it: it
# has no EFI stub).  With the kernel built (make
# linux-kernel-ffa-builtin, not part of make check; without it the rest is
# skipped, exit 77): the built-in driver's discovery reaches the SPMC from
# EL1 before pKVM's FFA_VERSION from EL2 and the run finds
# ffa.host-before-hypervisor (a firmware verdict unless expected); the
# module loaded after pKVM gives the correct order and no finding; the
# built-in driver without pKVM talks FF-A from EL1 with no finding.
. "$(dirname "$0")/lib.sh"
require_qemu
bundle=${FFAH_LINUX_BUNDLE:-build/linux}

# make check-linux's choice, with a stand-in binary that lists its files.
mkdir -p "$WORK/build/linux/ffa-builtin"
printf '#!/bin/sh\nfor a; do echo "arg $a"; done\n' >"$WORK/args.sh"
chmod +x "$WORK/args.sh"
run_expect_rc 0 sh scripts/check-linux.sh "$WORK/args.sh" fw "$WORK/build"
assert_out_contains "SKIPPED: scenarios/linux/init-order (2 scenarios, not run, not passed): no $WORK/build/linux/ffa-builtin/Image; make linux-kernel-ffa-builtin builds it"
! grep -q "^arg .*init-order" "$WORK/out" || fail "check-linux ran init-order without its kernel"
grep -qx "arg scenarios/linux/pkvm.yaml" "$WORK/out" || fail "check-linux left out the other scenarios"
: >"$WORK/build/linux/ffa-builtin/Image"
run_expect_rc 0 sh scripts/check-linux.sh "$WORK/args.sh" fw "$WORK/build"
grep -qx "arg scenarios/linux" "$WORK/out" || fail "check-linux did not run every scenario with the kernel built"
! grep -q SKIPPED "$WORK/out" || fail "check-linux skipped with the kernel built"

# A kernel the bundle does not have: a set-up error naming the target.
mkdir -p "$WORK/nobuiltin"
: >"$WORK/nobuiltin/Image"
: >"$WORK/nobuiltin/initrd.cpio.gz"
FFAH_LINUX_BUNDLE=$WORK/nobuiltin run_expect_rc 2 "$FFAH" run --firmware-dir "$FFAH_FW_DIR" \
	scenarios/linux/init-order/faulty-order.yaml
assert_out_contains "the Linux bundle: $WORK/nobuiltin/ffa-builtin/Image is not there (make linux-kernel-ffa-builtin builds it)"
cat >"$WORK/uboot-builtin.yaml" <<'YAML'
name: builtin-through-bootefi
machine: qemu
firmware: uboot-ffa
qemu: {linux: true, kernel: ffa-builtin}
steps: [boot]
YAML
run_expect_rc 2 "$FFAH" run --firmware-dir "$FFAH_FW_DIR" "$WORK/uboot-builtin.yaml"
assert_out_contains "the ffa-builtin kernel has no EFI stub for U-Boot's bootefi: boot it directly (firmware: linux)"

if [ ! -r "$bundle/ffa-builtin/Image" ] || [ ! -r "$bundle/initrd.cpio.gz" ]; then
	echo "SKIP: no $bundle/ffa-builtin/Image (make linux-kernel-ffa-builtin builds it, about 10 min; not part of make check)"
	exit 77
fi
export FFAH_LINUX_BUNDLE="$bundle"

run_expect_rc 0 "$FFAH" run -j 2 --firmware-dir "$FFAH_FW_DIR" \
	--report-dir "$WORK/rep" scenarios/linux/init-order
doc=$WORK/rep/results.json
[ "$(jq -r '.summary.verdict' "$doc")" = pass ] || fail "the init-order scenarios did not pass"
[ "$(jq '.summary.total' "$doc")" -eq 2 ] || fail "not two scenarios"

# The faulty order: the host's FF-A calls from EL1, then pKVM's init
# (EL1 PSCI_VERSION, EL2 FFA_VERSION), and pKVM never maps its buffers.
bad='.scenarios[] | select(.name == "linux-init-order-faulty")'
ffa="[$bad | .trace[] | select(.type == \"smc\") | \"\(.name)@\(.el)\"]"
[ "$(jq -r "$ffa | map(select(startswith(\"FFA_\")))[0]" "$doc")" = FFA_VERSION@1 ] ||
	fail "the built-in driver's first call is not FFA_VERSION from EL1"
jq -e "$ffa | index(\"FFA_RXTX_MAP_64@1\") < index(\"FFA_VERSION@2\")" "$doc" >/dev/null ||
	fail "the host's RXTX_MAP_64 did not come before pKVM's FFA_VERSION"
jq -e "$ffa | .[index(\"FFA_VERSION@2\") - 1] == \"PSCI_VERSION@1\"" "$doc" >/dev/null ||
	fail "pKVM's FFA_VERSION does not follow its EL1 PSCI_VERSION"
jq -e "$ffa | index(\"FFA_RXTX_MAP_64@2\") == null" "$doc" >/dev/null ||
	fail "pKVM mapped its buffers although the host came first"
find="$bad | .findings[] | select(.code == \"ffa.host-before-hypervisor\")"
[ "$(jq -r "$find | .kind" "$doc")" = firmware ] || fail "no firmware finding ffa.host-before-hypervisor"
msg=$(jq -r "$find | .message" "$doc")
echo "finding: $msg"
case "$msg" in
"FFA_VERSION from EL1 on CPU 0 reached the SPMC before the hypervisor at EL2 (pKVM, kvm-arm.mode=protected) negotiated FFA_VERSION"*) ;;
*) fail "the finding does not name the call, CPU and EL: $msg" ;;
esac
seq=$(jq -r "$find | .seq" "$doc")
[ "$(jq -r "$bad | .trace[] | select(.seq == $seq) | \"\(.name)@\(.el)\"" "$doc")" = FFA_VERSION@1 ] ||
	fail "the finding does not point at the host's FFA_VERSION (seq $seq)"
grep -q "ffa.host-before-hypervisor" "$WORK/rep/report.html" || fail "the HTML report lacks the finding"

# The correct order: pKVM first, the modules after boot, all from EL2.
good='.scenarios[] | select(.name == "linux-init-order-correct")'
[ "$(jq "$good | .findings | length" "$doc")" -eq 0 ] || fail "the correct order has findings"
jq -e "[$good | .trace[] | select(.type == \"smc\" and (.name | startswith(\"FFA_\"))) | .el] | unique == [2]" \
	"$doc" >/dev/null || fail "an FF-A call reached the SPMC from EL1 in the correct order"

# Not expected, the finding is the firmware's fault: verdict firmware.
sed -e '/^expect_findings:/d' -e '/findings: \[ffa.host-before-hypervisor\]/d' \
	scenarios/linux/init-order/faulty-order.yaml >"$WORK/unexpected.yaml"
run_expect_rc 1 "$FFAH" run --firmware-dir "$FFAH_FW_DIR" --json "$WORK/unexpected.json" \
	"$WORK/unexpected.yaml"
[ "$(jq -r '.scenarios[0].verdict' "$WORK/unexpected.json")" = firmware ] ||
	fail "an unexpected ffa.host-before-hypervisor is not a firmware verdict"

# No hypervisor: the built-in driver talks to the SPMC from EL1, no finding.
cat >"$WORK/nvhe.yaml" <<'YAML'
name: builtin-without-pkvm
machine: qemu
firmware: linux
qemu: {kernel: ffa-builtin, boot_modules: false, kernel_args: kvm-arm.mode=nvhe}
steps:
  - boot:
    expect:
      calls: [{function: FFA_PARTITION_INFO_GET, el: 1}]
      no_calls: [{function: FFA_VERSION, el: 2}]
  - power_off
YAML
run_expect_rc 0 "$FFAH" run --firmware-dir "$FFAH_FW_DIR" --json "$WORK/nvhe.json" "$WORK/nvhe.yaml"
[ "$(jq '.scenarios[0].findings | length' "$WORK/nvhe.json")" -eq 0 ] ||
	fail "the direct path without pKVM has findings"
echo "init order: the faulty order found (ffa.host-before-hypervisor), the correct order and no hypervisor clean; check-linux skips the init-order scenarios by name without their kernel"
