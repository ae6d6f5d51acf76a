# QEMU backend: every way a run can go wrong ends in a verdict, with QEMU
# reaped and no file left behind: a firmware that never calls, an SMC
# storm (which also measures the relay's round trip), QEMU killed mid-run,
# a trap the relay does not serve, a missing QEMU binary, and a file that
# is not the relay.
. "$(dirname "$0")/lib.sh"
require_qemu
relay="$FFAH_FW_DIR/el3-relay.bin"
hang="$FFAH_FW_DIR/hostile/branch-to-self.elf"
storm="$FFAH_FW_DIR/hostile/smc-storm.elf"

# 1. A firmware that never makes an SMC: the timeout ends it.
start=$(date +%s)
run_expect_rc 1 "$FFAH" qemu-boot --image "$hang" --relay "$relay" --timeout 2
assert_out_contains "run ended: timeout"
assert_out_contains "verdict: FAIL"
[ $(( $(date +%s) - start )) -lt 15 ] || fail "the timeout took too long"
assert_qemu_cleaned_up

# 2. An SMC storm: served until the timeout, each one answered.
run_expect_rc 1 "$FFAH" qemu-boot --image "$storm" --relay "$relay" --timeout 3
assert_out_contains "run ended: timeout"
smcs=$(sed -n 's/^run ended: timeout after [0-9]* ms, \([0-9]*\) SMCs$/\1/p' "$WORK/out")
[ "${smcs:-0}" -gt 100 ] || { cat "$WORK/out"; fail "only ${smcs:-0} SMCs in 3 s"; }
grep "mean time between SMCs" "$WORK/out"
assert_qemu_cleaned_up

# 3. QEMU killed while ffa-harness waits for a text that never comes.
set +e
"$FFAH" qemu-boot --image "$hang" --relay "$relay" --timeout 60 \
	--expect "never printed" >"$WORK/out" 2>&1 &
harness=$!
set -e
pid=""
for _ in $(seq 1 100); do
	pid=$(qemu_pid_of_run)
	[ -n "$pid" ] && break
	sleep 0.1
done
[ -n "$pid" ] || { kill "$harness"; fail "no QEMU pid printed"; }
sleep 0.5
kill -9 "$pid"
start=$(date +%s)
set +e
wait "$harness"
rc=$?
set -e
[ "$rc" -eq 1 ] || { cat "$WORK/out"; fail "exit status $rc after QEMU died, expected 1"; }
[ $(( $(date +%s) - start )) -lt 10 ] || fail "QEMU's death was noticed too late"
assert_out_contains "NOT SEEN (QEMU exited on its own)"
assert_out_contains "QEMU wait status 9"
assert_qemu_cleaned_up

# 4. A trap the relay does not serve (an SMC from AArch32 EL1): a fault
#    verdict with ESR_EL3 (EC 0x13), not a hang.
run_expect_rc 1 "$FFAH" qemu-boot --image "$FFAH_FW_DIR/el3-relay/aarch32-smc.elf" \
	--relay "$relay" --timeout 30
assert_out_contains "run ended: fault trapped at EL3"
assert_out_contains "fault: CPU 0 EL1 ESR_EL3 0x4e000000"
assert_qemu_cleaned_up

# 5. No QEMU binary: a clear error, no run.
run_expect_rc 2 "$FFAH" qemu-boot --image "$hang" --relay "$relay" \
	--qemu /nonexistent/qemu-system-aarch64
assert_out_contains "cannot start QEMU"
assert_out_contains "verdict: ERROR"

# 6. A relay file that is not the relay.
run_expect_rc 2 "$FFAH" qemu-boot --image "$hang" --relay "$hang"
assert_out_contains "is not an EL3 relay"
echo "timeout, storm ($smcs SMCs in 3 s), QEMU killed, EL3 fault, no QEMU, bad relay: each a verdict, QEMU reaped"
