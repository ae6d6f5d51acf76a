# Snapshots on the QEMU backend (docs/qemu-backend.md "Snapshots"): the
# arm_ffa probe and the injected FFA_VERSION refusal share `boot` and the
# first `load_module`, so the leader boots Linux once, saves QEMU and each
# scenario goes on in a restored QEMU.  A restored run is not byte-
# identical to a cold one (timestamps, KASLR), so this compares what must
# agree with --no-snapshots: verdicts, each step's verdict, the secure
# calls (function and EL) after the shared steps, the findings and the
# shell commands' output and exit status.  No QEMU is left running.
. "$(dirname "$0")/lib.sh"
require_qemu
require_linux_bundle Image initrd.cpio.gz
# A private path, so that any QEMU of this test can be found by it.
mkdir -p "$WORK/bundle"
for f in Image initrd.cpio.gz; do
	ln -s "$(cd "$bundle" && pwd)/$f" "$WORK/bundle/$f"
done
export FFAH_LINUX_BUNDLE="$WORK/bundle"
set -- scenarios/linux/arm-ffa-probe.yaml scenarios/linux/inject-discovery.yaml

run_expect_rc 0 "$FFAH" run -j 2 --show-snapshots --firmware-dir "$FFAH_FW_DIR" \
	--report-dir "$WORK/snap" "$@"
assert_out_contains "snapshot 1: 2 scenarios share set-up and 2 steps: linux-arm-ffa-probe linux-ffa-version-refused"
run_expect_rc 0 "$FFAH" run -j 2 --no-snapshots --firmware-dir "$FFAH_FW_DIR" \
	--report-dir "$WORK/cold" "$@"
if pgrep -f "$WORK/bundle" >/dev/null; then
	fail "a QEMU of the runs is still there: $(pgrep -af "$WORK/bundle")"
fi

same() { # what, jq filter
	a=$(jq -c "$2" "$WORK/snap/results.json")
	b=$(jq -c "$2" "$WORK/cold/results.json")
	[ "$a" = "$b" ] || fail "$1 differ: snapshot $a, cold $b"
	[ "$a" != "[]" ] && [ "$a" != "" ] || fail "$1: nothing compared"
}
same verdicts '[.scenarios[] | "\(.name)=\(.verdict)"] | sort'
same "step verdicts" '[.scenarios[] | {n: .name, v: [.steps[].verdict]}] | sort_by(.n)'
# After the two shared steps (steps 0 and 1 in the trace's numbering).
same "secure calls after the snapshot" '[.scenarios[] | {n: .name, c: [.trace[] | select(.type == "smc" and .step >= 2) | "\(.name)@\(.el)"]}] | sort_by(.n)'
same findings '[.scenarios[] | {n: .name, f: [.findings[] | .code]}] | sort_by(.n)'
# Kernel messages echoed on the console carry the guest's uptime: out.
same "shell output" '[.scenarios[] | {n: .name, o: [.steps[] | select(.kind == "shell" or .kind == "load_module") | [(.output | gsub("\\[ *[0-9]+\\.[0-9]+\\] "; "")), .exit_status]]}] | sort_by(.n)'
# The restored runs went on from the shared boot: their console holds
# it once, the boot's "@@READY" before the first module's command.
jq -e '[.scenarios[] | .console | test("@@READY")] | all' \
	"$WORK/snap/results.json" >/dev/null || fail "no shell prompt in a console"

# A worker whose command never answers ends in an error after its own
# timeout, the other passes, and no QEMU of the group is left.
mkdir -p "$WORK/sc"
for n in quick hang; do
	cmd=true
	[ $n = hang ] && cmd="sleep 600"
	cat >"$WORK/sc/$n.yaml" <<EOS
name: snap-$n
machine: qemu
firmware: linux
qemu:
  boot_modules: false
steps:
  - boot
  - shell: {command: $cmd, timeout: 3}
EOS
done
run_expect_rc 1 "$FFAH" run -j 2 --show-snapshots --firmware-dir "$FFAH_FW_DIR" \
	--report-dir "$WORK/hang" "$WORK/sc/quick.yaml" "$WORK/sc/hang.yaml"
assert_out_contains "snapshot 1: 2 scenarios share set-up and 1 step"
[ "$(jq -r '[.scenarios[] | "\(.name)=\(.verdict)"] | sort | join(" ")' "$WORK/hang/results.json")" = \
	"snap-hang=error snap-quick=pass" ] || fail "not: the hang an error, the other a pass"
if pgrep -f "$WORK/bundle" >/dev/null; then
	fail "a QEMU is left after a worker's timeout: $(pgrep -af "$WORK/bundle")"
fi
echo "QEMU snapshots: same verdicts, calls, findings and output as cold runs"
