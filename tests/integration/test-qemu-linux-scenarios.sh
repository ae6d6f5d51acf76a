# Linux scenarios on the QEMU backend (machine: qemu, docs/qemu-backend.md):
# the arm_ffa probe and pKVM scenarios of scenarios/linux pass with the
# calls they expect (pKVM's from EL2), the checks QEMU cannot run are
# listed as not applicable and never as passed, a wrong UUID expectation
# fails with the check that says so, --backend moves a U-Boot scenario to
# QEMU, and a missing bundle or a command that never answers ends in an
# error verdict, not a hang.  `make check` builds the bundle first
# (make linux-bundle); elsewhere, without it, the test is skipped.  The
# sanitizer rerun (make check-san) runs the probe scenario and its reports
# only, which covers the QEMU runner's code under ASan at little cost.
. "$(dirname "$0")/lib.sh"
require_qemu
require_linux_bundle Image initrd.cpio.gz
mm_uuid=ed32d533-99e6-4209-9cc0-2d72cdd998a7

if [ "${FFAH_SANITIZER_RERUN:-0}" = 1 ]; then
	run_expect_rc 0 "$FFAH" run --firmware-dir "$FFAH_FW_DIR" \
		--report-dir "$WORK/rep" scenarios/linux/arm-ffa-probe.yaml
	[ "$(jq -r '.scenarios[0].backend.not_applicable | length' "$WORK/rep/results.json")" -eq 2 ] ||
		fail "no not-applicable checks"
	echo "sanitizer rerun: the arm_ffa probe scenario passes on QEMU"
	exit 0
fi
run_expect_rc 0 "$FFAH" run -j 2 --firmware-dir "$FFAH_FW_DIR" \
	--report-dir "$WORK/rep" scenarios/linux/arm-ffa-probe.yaml \
	scenarios/linux/pkvm.yaml
doc=$WORK/rep/results.json
assert_out_contains "not applicable on qemu (not passed) in 2 scenarios: cache-model, runtime-guard"
[ "$(jq -r '.summary.verdict' "$doc")" = pass ] || fail "the scenarios did not pass"
[ "$(jq '.summary.total' "$doc")" -eq 2 ] || fail "not two scenarios"
for name in linux-arm-ffa-probe linux-pkvm-ffa-proxy; do
	sc=".scenarios[] | select(.name == \"$name\")"
	[ "$(jq -r "$sc | .backend.name" "$doc")" = qemu ] || fail "$name: not run on qemu"
	[ "$(jq -r "$sc | .stop.reason" "$doc")" = power-off ] || fail "$name: no power off"
	na=$(jq -r "$sc | [.backend.not_applicable[] | \"\(.check)=\(.verdict)\"] | join(\" \")" "$doc")
	[ "$na" = "cache-model=not-applicable runtime-guard=not-applicable" ] ||
		fail "$name: not-applicable checks are '$na'"
	jq -e "$sc | .backend.command | test(\"^qemu-system-aarch64 .*-M virt,secure=on\")" "$doc" >/dev/null ||
		fail "$name: no QEMU command line in the result"
	jq -r "$sc | .steps[] | select(.kind == \"shell\") | .output" "$doc" | grep -qx "$mm_uuid" ||
		fail "$name: our partition's UUID is not in /sys/bus/arm_ffa"
done
probe='.scenarios[] | select(.name == "linux-arm-ffa-probe")'
jq -e "[$probe | .trace[] | select(.type == \"smc\" and (.name | startswith(\"FFA_\"))) | .el] | unique == [1]" "$doc" >/dev/null ||
	fail "without pKVM the FF-A calls do not all come from EL1"
pkvm='.scenarios[] | select(.name == "linux-pkvm-ffa-proxy")'
first=$(jq -r "[$pkvm | .trace[] | select(.type == \"smc\" and (.name | startswith(\"FFA_\")))][0] | \"\(.name) \(.el)\"" "$doc")
[ "$first" = "FFA_VERSION 2" ] || fail "pKVM's first FF-A call is '$first', not FFA_VERSION from EL2"
jq -e "[$pkvm | .trace[] | select(.type == \"smc\" and (.name | startswith(\"FFA_\"))) | .el] | unique == [2]" "$doc" >/dev/null ||
	fail "under pKVM an FF-A call reached the SPMC from EL1"
grep -q "not-applicable" "$WORK/rep/junit.xml" || fail "JUnit does not name the not-applicable checks"
grep -q "Not applicable (not passed)" "$WORK/rep/summary.md" || fail "the summary does not name them"
grep -q "Not applicable</dt>" "$WORK/rep/report.html" || fail "the HTML does not name them"

# The same scenario again: the same secure calls (function, EL) and the
# same findings; only CPUs and addresses (KASLR) may differ.
run_expect_rc 0 "$FFAH" run --firmware-dir "$FFAH_FW_DIR" --json "$WORK/again.json" \
	scenarios/linux/arm-ffa-probe.yaml
calls='[.scenarios[] | select(.name == "linux-arm-ffa-probe") | .trace[] | select(.type == "smc") | "\(.name)@\(.el)"]'
finds='[.scenarios[] | select(.name == "linux-arm-ffa-probe") | .findings[].code]'
[ "$(jq -c "$calls" "$doc")" = "$(jq -c "$calls" "$WORK/again.json")" ] ||
	fail "two runs of the probe made different secure calls"
[ "$(jq -c "$finds" "$doc")" = "$(jq -c "$finds" "$WORK/again.json")" ] ||
	fail "two runs of the probe found different things"

# A scenario that must fail: the partition expected with another UUID.
sed 's/output: ed32d533-99e6-4209-9cc0-2d72cdd998a7/output: 00112233-4455-6677-8899-aabbccddeeff/' \
	scenarios/linux/arm-ffa-probe.yaml >"$WORK/wrong-uuid.yaml"
run_expect_rc 1 "$FFAH" run --firmware-dir "$FFAH_FW_DIR" --json "$WORK/wrong.json" \
	"$WORK/wrong-uuid.yaml"
[ "$(jq -r '.scenarios[0].verdict' "$WORK/wrong.json")" = fail ] || fail "a wrong UUID did not fail"
jq -e '.scenarios[0].steps[] | select(.kind == "shell") | .checks[] | select(.what == "output" and .ok == false and .expected == "00112233-4455-6677-8899-aabbccddeeff")' \
	"$WORK/wrong.json" >/dev/null || fail "no failed output check naming the expected UUID"
assert_out_contains "output: expected 00112233-4455-6677-8899-aabbccddeeff"

# --backend qemu runs a scenario written without machine: on QEMU.
cat >"$WORK/uboot.yaml" <<'YAML'
name: debian-uboot-on-qemu
firmware: uboot-debian
steps:
  - boot: {until: prompt, prompt: "=>"}
  - console: {type: "version", wait: "U-Boot 20"}
YAML
run_expect_rc 0 "$FFAH" run --backend qemu --firmware-dir "$FFAH_FW_DIR" \
	--json "$WORK/uboot.json" "$WORK/uboot.yaml"
[ "$(jq -r '.scenarios[0].backend.name' "$WORK/uboot.json")" = qemu ] || fail "--backend qemu was not used"
jq -e '.scenarios[0].reproduce | test("--backend qemu")' "$WORK/uboot.json" >/dev/null ||
	fail "the reproduce line lacks --backend qemu"

# boot --backend qemu is qemu-boot; a backend that does not exist is bad input.
run_expect_rc 0 "$FFAH" boot --backend qemu --image "$UBOOT" \
	--relay "$FFAH_FW_DIR/el3-relay.bin" --expect "=>" --type poweroff
assert_out_contains "run ended: power off"
run_expect_rc 2 "$FFAH" boot --backend kvm --image "$UBOOT"
assert_out_contains "--backend: unicorn or qemu, got 'kvm'"
run_expect_rc 2 "$FFAH" run --backend kvm scenarios/linux/pkvm.yaml

# Errors, not hangs: a bundle that is not there, a command that never ends.
FFAH_LINUX_BUNDLE=$WORK/none run_expect_rc 2 "$FFAH" run --firmware-dir "$FFAH_FW_DIR" \
	scenarios/linux/arm-ffa-probe.yaml
assert_out_contains "the Linux bundle: $WORK/none/Image is not there (make linux-bundle"
cat >"$WORK/hang.yaml" <<'YAML'
name: command-never-answers
machine: qemu
steps:
  - boot
  - shell: {command: "sleep 600", timeout: 3}
  - power_off
YAML
run_expect_rc 1 "$FFAH" run --firmware-dir "$FFAH_FW_DIR" --json "$WORK/hang.json" "$WORK/hang.yaml"
[ "$(jq -r '.scenarios[0].verdict' "$WORK/hang.json")" = error ] || fail "a hung command is not an error"
[ "$(jq -r '.scenarios[0].stop.reason' "$WORK/hang.json")" = timeout ] || fail "a hung command did not time out"
[ "$(jq -r '.scenarios[0].steps[2].verdict' "$WORK/hang.json")" = not-run ] ||
	[ "$(jq -r '.scenarios[0].steps[2].message' "$WORK/hang.json")" != "" ] || fail "power_off ran after the timeout"
echo "probe and pKVM scenarios pass on QEMU; not-applicable checks named; a wrong UUID fails; errors end runs"
