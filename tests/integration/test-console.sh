# `ffa-harness console` (issue 16 item 14): Debian's U-Boot driven through a
# pty as expect or test/py would (tests/integration/console_pty.py: a
# command and its output, a long line typed at once, guest time while
# waiting, CPU use at the prompt, C-a h, C-a x, SIGTERM, SIGABRT, SIGTSTP
# and a hang-up each restoring the terminal, a reset booting again, a
# finding printed live), then
# through pipes: the end of input ends the run with a verdict and standard
# output carries the console only.
. "$(dirname "$0")/lib.sh"
if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: python3 is not installed (scripts/install-deps.sh)"
	exit 77
fi
[ -r "$UBOOT" ] || fail "$UBOOT missing (u-boot-qemu not installed)"
bad="$FFAH_FW_DIR/refclient-direct-req-before-version.elf"

run_expect_rc 2 "$FFAH" console
assert_out_contains "console: --image FILE is required"
run_expect_rc 2 "$FFAH" console --image "$UBOOT" --timeout 0
assert_out_contains "1..86400 seconds"
run_expect_rc 2 "$FFAH" console --image "$UBOOT" --profile nonesuch
assert_out_contains "no profile 'nonesuch'"
run_expect_rc 2 "$FFAH" console --image "$WORK/missing.bin" </dev/null
assert_out_contains "cannot boot $WORK/missing.bin"

timeout 120 python3 "$(dirname "$0")/console_pty.py" "$FFAH" "$UBOOT" "$bad" \
	"$WORK" >"$WORK/out" 2>&1 || { cat "$WORK/out"; fail "the pty session"; }
cat "$WORK/out"

# A pipe: no raw mode, input typed as the firmware reads it (the first
# byte stops the autoboot countdown), the end of input ends the run once
# U-Boot waits again.  Standard output is the console alone.
set +e
printf '\rversion\r' | timeout 60 "$FFAH" console --image "$UBOOT" \
	--console "$WORK/console.txt" >"$WORK/stdout" 2>"$WORK/stderr"
rc=$?
set -e
[ "$rc" -eq 0 ] || { cat "$WORK/stderr"; fail "piped session exit $rc"; }
grep -q "session ended: end of input" "$WORK/stderr" ||
	{ cat "$WORK/stderr"; fail "the end of input did not end the run"; }
grep -q "verdict: PASS" "$WORK/stderr" || fail "no verdict on stderr"
grep -q "GNU ld" "$WORK/stdout" || fail "version's output is not on stdout"
! grep -q "ffa-harness" "$WORK/stdout" || fail "harness messages on stdout"
cmp -s "$WORK/stdout" "$WORK/console.txt" ||
	fail "stdout differs from the console the firmware wrote"
echo "ok: a piped session ended at the end of input; stdout is the console"

# --no-reboot: a reset ends the session, as QEMU's -no-reboot.
set +e
printf '\rreset\r' | timeout 60 "$FFAH" console --image "$UBOOT" --no-reboot \
	>"$WORK/stdout" 2>"$WORK/out"
rc=$?
set -e
[ "$rc" -eq 0 ] || { cat "$WORK/out"; fail "--no-reboot exit $rc"; }
assert_out_contains "session ended: reset after 1 boot,"
echo "ok: with --no-reboot a reset ends the session"

# /dev/null: boot to the prompt, then end; the finding's exit status.
run_expect_rc 0 timeout 60 "$FFAH" console --image "$UBOOT" </dev/null
assert_out_contains "session ended: end of input"
run_expect_rc 1 timeout 60 "$FFAH" console --image "$bad" </dev/null
assert_out_contains "verdict: FIRMWARE: ffa.call-before-version"
echo "ok: without input the run ends at the prompt; a finding fails it"

# Reports are complete or absent: an unwritable report directory leaves
# no trace file behind either.
touch "$WORK/file"
run_expect_rc 3 timeout 60 "$FFAH" console --image "$FFAH_FW_DIR/refclient.elf" \
	--trace "$WORK/t.jsonl" --report-dir "$WORK/file/reports" </dev/null
assert_out_contains "nothing was written"
[ ! -e "$WORK/t.jsonl" ] || fail "the trace was left behind"
echo "ok: a report that cannot be written leaves nothing half-written"

# A variable store that cannot be saved is the harness's failure (exit 3).
run_expect_rc 3 timeout 60 "$FFAH" console --image "$FFAH_FW_DIR/refclient.elf" \
	--store "$WORK/file/store.json" </dev/null
assert_out_contains "store.json"
echo "ok: a store that cannot be saved exits 3"
