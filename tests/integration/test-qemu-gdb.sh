# `qemu-boot --gdb PORT` (issue 16 item 8, QEMU backend): QEMU's own
# gdbstub on loopback, the CPUs held (-S) until gdb continues.
# gdb-multiarch attaches to Debian's U-Boot under the EL3 relay: reads the
# reset pc and memory there, stops at U-Boot's entry, reads it, steps one
# instruction (a branch, whose target it checks) and continues to the
# power-off.  Without gdb the held run ends at its --timeout, and
# --gdb-no-wait runs at once.
. "$(dirname "$0")/lib.sh"
require_qemu
if ! command -v gdb-multiarch >/dev/null 2>&1; then
	echo "SKIP: gdb-multiarch is not installed (scripts/install-deps.sh)"
	exit 77
fi
[ -r "$UBOOT" ] || fail "$UBOOT missing (u-boot-qemu not installed)"
relay="$FFAH_FW_DIR/el3-relay.bin"
harness_pid=""
holder_pid=""
cleanup() {
	[ -z "$harness_pid" ] || kill "$harness_pid" 2>/dev/null || true
	[ -z "$holder_pid" ] || kill "$holder_pid" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT

run_expect_rc 2 "$FFAH" qemu-boot --image "$UBOOT" --gdb 70000
assert_out_contains "a port in 1..65535 expected"
run_expect_rc 2 "$FFAH" qemu-boot --image "$UBOOT" --gdb-no-wait
assert_out_contains "needs --gdb PORT"

# word FILE OFFSET: the little-endian 32-bit word at OFFSET, 0x%08x.
word() {
	od -An -tx4 -j "$2" -N4 "$1" | tr -d ' \n' | sed 's/^/0x/'
}

# start_qemu ARGS...: qemu-boot with --gdb on a free port in the
# background; sets port and harness_pid.
start_qemu() {
	port=""
	for try in 1 2 3 4 5; do
		p=$((20000 + ($$ * 11 + try * 1009) % 40000))
		timeout 120 "$FFAH" qemu-boot --image "$UBOOT" --relay "$relay" \
			"$@" --gdb "$p" >"$WORK/boot" 2>&1 &
		harness_pid=$!
		for _ in $(seq 100); do
			grep -q "gdb on 127.0.0.1:$p" "$WORK/boot" && break
			kill -0 "$harness_pid" 2>/dev/null || break
			sleep 0.1
		done
		if grep -q "waiting for gdb on 127.0.0.1:$p" "$WORK/boot"; then
			port=$p
			return 0
		fi
		wait "$harness_pid" || true
		harness_pid=""
	done
	cat "$WORK/boot"
	fail "QEMU's gdbstub never listened"
}

# A key stops the autoboot countdown (2 s in real time under QEMU).
start_qemu --timeout 60 --expect "Hit any key" --type "" --expect "=>" \
	--type poweroff
ss -ltn | grep -q "127.0.0.1:$port " || fail "no listener on 127.0.0.1:$port"
[ "$(ss -ltn | grep -c ":$port ")" -eq 1 ] || fail "listeners beyond loopback"
cat >"$WORK/cmds" <<GDB
set pagination off
set confirm off
set architecture aarch64
target remote 127.0.0.1:$port
info registers pc
x/2xw \$pc
break *0x40200000
continue
info registers pc cpsr
x/2xw 0x40200000
stepi
info registers pc
delete
continue
GDB
timeout 60 gdb-multiarch -batch -nx -x "$WORK/cmds" >"$WORK/gdb" 2>&1 ||
	{ cat "$WORK/gdb"; fail "gdb-multiarch failed"; }
set +e
wait "$harness_pid"
rc=$?
set -e
harness_pid=""
cp "$WORK/gdb" "$WORK/out"
# Held at reset: pc 0, where QEMU's -bios put the relay.
pcs=$(sed -n 's/^pc  *\(0x[0-9a-f]*\) .*/\1/p' "$WORK/out")
[ "$(echo "$pcs" | sed -n 1p)" = "0x0" ] ||
	{ cat "$WORK/out"; fail "the CPU did not wait at reset"; }
grep -q "^0x0:	$(word "$relay" 0)	$(word "$relay" 4)$" "$WORK/out" ||
	{ cat "$WORK/out"; fail "memory at 0 is not the relay's first words"; }
assert_out_contains "Breakpoint 1, 0x0000000040200000"
[ "$(echo "$pcs" | sed -n 2p)" = "0x40200000" ] || fail "pc at the breakpoint"
# U-Boot is entered at EL2 (cpsr M[3:2] = 2).
cpsr=$(sed -n 's/^cpsr  *\(0x[0-9a-f]*\) .*/\1/p' "$WORK/out")
[ $(((cpsr >> 2) & 3)) -eq 2 ] || fail "cpsr $cpsr is not EL2"
first=$(word "$UBOOT" 0)
grep -q "^0x40200000:	$first	$(word "$UBOOT" 4)$" "$WORK/out" ||
	{ cat "$WORK/out"; fail "memory at the entry is not u-boot.bin's"; }
# The first instruction is B imm26: stepi lands on its target.
[ $((first >> 26)) -eq 5 ] || fail "u-boot.bin does not start with B ($first)"
target=$(printf '0x%x' $((0x40200000 + (first & 0x3ffffff) * 4)))
[ "$(echo "$pcs" | sed -n 3p)" = "$target" ] ||
	{ cat "$WORK/out"; fail "pc after stepi is not $target"; }
assert_out_contains "exited normally"
cp "$WORK/boot" "$WORK/out"
[ "$rc" -eq 0 ] || { cat "$WORK/out"; fail "qemu-boot exited $rc"; }
assert_out_contains "-gdb tcp:127.0.0.1:$port -S"
assert_out_contains "run ended: power off"
assert_out_contains "verdict: PASS"
assert_qemu_cleaned_up
echo "ok: gdb read pc 0 and the relay, stopped at U-Boot's entry at EL2, stepped to $target and continued to the power-off"

# Nobody attaches: the held CPUs never run, the step's --timeout ends it.
start_qemu --timeout 3 --expect "=>"
set +e
wait "$harness_pid"
rc=$?
set -e
harness_pid=""
cp "$WORK/boot" "$WORK/out"
[ "$rc" -eq 1 ] || { cat "$WORK/out"; fail "a held run without gdb exited $rc"; }
assert_out_contains 'expect "=>": NOT SEEN (timeout)'
assert_qemu_cleaned_up
echo "ok: without gdb the held run ended at its --timeout, QEMU reaped"

# --gdb-no-wait: no -S, the run goes on without gdb.
p=$((20000 + ($$ * 13) % 40000))
run_expect_rc 0 timeout 120 "$FFAH" qemu-boot --image "$UBOOT" --relay "$relay" \
	--timeout 60 --expect "Hit any key" --type "" --expect "=>" \
	--type poweroff --gdb "$p" --gdb-no-wait
assert_out_contains "listening for gdb on 127.0.0.1:$p"
grep -q -- "-gdb tcp:127.0.0.1:$p -S" "$WORK/out" && fail "-S with --gdb-no-wait"
assert_out_contains "verdict: PASS"
echo "ok: --gdb-no-wait ran at once"

# A port that is taken: QEMU cannot listen, a clear error, exit 2.
p=$((20000 + ($$ * 17) % 40000))
python3 -c "import socket, time
s = socket.socket(); s.bind(('127.0.0.1', $p)); s.listen(); time.sleep(60)" &
holder_pid=$!
for _ in $(seq 50); do ss -ltn | grep -q "127.0.0.1:$p " && break; sleep 0.1; done
run_expect_rc 2 timeout 60 "$FFAH" qemu-boot --image "$UBOOT" --relay "$relay" \
	--timeout 10 --expect "=>" --gdb "$p"
assert_out_contains "QEMU exited before its gdbstub listened on 127.0.0.1:$p"
assert_qemu_cleaned_up
echo "ok: a taken port is an error that says so"
