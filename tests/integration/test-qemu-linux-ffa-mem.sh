# FF-A memory sharing and notifications driven by Linux on the QEMU
# backend (scenarios/linux/ffa-mem, docs/ffa-memory.md "Linux and pKVM"):
# ffa_harness_test (linux/ffa-harness-test) shares, lends (300 pages:
# fragmented) and reclaims through Linux's arm_ffa driver with the
# scripted test partition, directly (every FF-A call from EL1) and under
# pKVM (every one from EL2, a hypervisor retrieve request before each
# reclaim); a partition's notification reaches Linux's callback through
# the schedule-receiver SGI the EL3 relay raises.  Wrong expectations
# fail: a pattern the partition did not write, a notification nobody set.
# Without the Linux bundle (make linux-bundle) the test is skipped.  The
# sanitizer rerun runs the direct and pKVM share scenarios only.
. "$(dirname "$0")/lib.sh"
require_qemu
require_linux_bundle Image initrd.cpio.gz ffa_harness_test.ko
dir=scenarios/linux/ffa-mem

if [ "${FFAH_SANITIZER_RERUN:-0}" = 1 ]; then
	run_expect_rc 0 "$FFAH" run -j 2 --firmware-dir "$FFAH_FW_DIR" \
		--json "$WORK/san.json" "$dir/share.yaml" "$dir/pkvm-share.yaml"
	[ "$(jq '.summary.pass' "$WORK/san.json")" -eq 2 ] || fail "the share scenarios did not pass"
	echo "sanitizer rerun: Linux's share, direct and under pKVM, passes on QEMU"
	exit 0
fi

run_expect_rc 0 "$FFAH" run -j 2 --firmware-dir "$FFAH_FW_DIR" --json "$WORK/all.json" "$dir"
doc=$WORK/all.json
[ "$(jq '.summary.total' "$doc")" -eq 8 ] || fail "not eight scenarios"
[ "$(jq '.summary.pass' "$doc")" -eq 8 ] || fail "not all eight passed"
ffa_els() { # scenario name -> the ELs its FF-A calls came from
	jq -c "[.scenarios[] | select(.name == \"$1\") | .trace[] | select(.type == \"smc\" and (.name | startswith(\"FFA_\"))) | .el] | unique" "$doc"
}
for n in mem-share mem-lend mem-fragments notifications; do
	[ "$(ffa_els "linux-ffa-$n")" = "[1]" ] || fail "$n: an FF-A call not from EL1"
	[ "$(ffa_els "linux-pkvm-ffa-$n")" = "[2]" ] || fail "pKVM $n: an FF-A call not from EL2"
done
# Under pKVM every reclaim follows a hypervisor retrieve request.
for n in share lend fragments; do
	seq=$(jq -r "[.scenarios[] | select(.name == \"linux-pkvm-ffa-mem-$n\") | .trace[] | select(.type == \"smc\" and (.name == \"FFA_MEM_RETRIEVE_REQ_64\" or .name == \"FFA_MEM_RECLAIM\")) | .name] | join(\" \")" "$doc")
	case "$seq" in
	"" | *"FFA_MEM_RECLAIM FFA_MEM_RECLAIM"* | FFA_MEM_RECLAIM*)
		fail "pKVM $n: a reclaim without a retrieve before it: $seq" ;;
	esac
done
# No finding but the one the share scenarios expect.
codes=$(jq -r '[.scenarios[].findings[].code] | unique | join(" ")' "$doc")
[ "$codes" = "ffa.mem.reclaim-while-retrieved" ] || fail "findings are '$codes'"

# The partition checks a pattern Linux did not write: the step fails.
sed 's/echo "sp check 0xa5" > cmd; cat result/echo "sp check 0xa6" > cmd; cat result/' \
	"$dir/share.yaml" >"$WORK/wrong-pattern.yaml"
sed -i 's/name: linux-ffa-mem-share/name: wrong-pattern/' "$WORK/wrong-pattern.yaml"
# A notification nobody set: Linux's wait times out.
sed 's/echo "wait 3" > cmd/echo "wait 4 300" > cmd/' \
	"$dir/notifications.yaml" >"$WORK/wrong-notification.yaml"
sed -i 's/name: linux-ffa-notifications/name: wrong-notification/' "$WORK/wrong-notification.yaml"
run_expect_rc 1 "$FFAH" run -j 2 --firmware-dir "$FFAH_FW_DIR" --json "$WORK/wrong.json" \
	"$WORK/wrong-pattern.yaml" "$WORK/wrong-notification.yaml"
jq -e '.scenarios[] | select(.name == "wrong-pattern") | .verdict == "fail"' "$WORK/wrong.json" >/dev/null ||
	fail "a wrong pattern did not fail"
jq -e '[.scenarios[] | select(.name == "wrong-pattern") | .steps[] | select(.kind == "shell") | .output | test("error sp-check 1 x4=0x0")] | any' \
	"$WORK/wrong.json" >/dev/null || fail "the partition did not report the mismatch"
jq -e '.scenarios[] | select(.name == "wrong-notification") | .verdict == "fail"' "$WORK/wrong.json" >/dev/null ||
	fail "a notification nobody set did not fail"
jq -e '[.scenarios[] | select(.name == "wrong-notification") | .steps[] | select(.kind == "shell") | .output | test("error wait -110 id=4 callbacks=0")] | any' \
	"$WORK/wrong.json" >/dev/null || fail "the wait did not time out"
echo "Linux shares, lends, fragments and notifies through the test partition, directly (EL1) and under pKVM (EL2); wrong expectations fail"
