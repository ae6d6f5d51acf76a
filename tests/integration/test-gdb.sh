# The GDB remote stub (issue 16 item 8): gdb-multiarch attaches to
# `boot --gdb PORT`, stops at a breakpoint in refclient_main, reads the pc
# and memory, steps one instruction and continues to the power-off.
. "$(dirname "$0")/lib.sh"
if ! command -v gdb-multiarch >/dev/null 2>&1; then
	echo "SKIP: gdb-multiarch is not installed (scripts/install-deps.sh)"
	exit 77
fi
elf="$FFAH_FW_DIR/refclient.elf"
harness_pid=""
cleanup() {
	[ -z "$harness_pid" ] || kill "$harness_pid" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT

run_expect_rc 2 "$FFAH" boot --image "$elf" --gdb 0
assert_out_contains "a port in 1..65535 expected"

# start_stub CMD...: runs CMD --gdb PORT in the background on a free port
# (another run may hold one, so a few are tried); sets port, harness_pid.
start_stub() {
	port=""
	for try in 1 2 3 4 5; do
		p=$((20000 + ($$ * 7 + try * 1013) % 40000))
		timeout 60 "$@" --gdb "$p" >"$WORK/boot" 2>&1 &
		harness_pid=$!
		for _ in $(seq 50); do
			grep -q "waiting for gdb" "$WORK/boot" && break
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
	fail "the stub never listened"
}

# write_cmds: the gdb session both runs below drive.
write_cmds() {
	cat >"$WORK/cmds" <<GDB
set pagination off
set confirm off
target remote 127.0.0.1:$port
break refclient_main
continue
info registers pc
x/4xw \$pc
stepi
info registers pc
continue
GDB
}

start_stub "$FFAH" boot --image "$elf"
# It listens on loopback only.
ss -ltn | grep -q "127.0.0.1:$port " || fail "no listener on 127.0.0.1:$port"
[ "$(ss -ltn | grep -c ":$port ")" -eq 1 ] || fail "listeners beyond loopback"
write_cmds
timeout 60 gdb-multiarch -batch -nx -x "$WORK/cmds" "$elf" >"$WORK/gdb" 2>&1 ||
	{ cat "$WORK/gdb"; fail "gdb-multiarch failed"; }
set +e
wait "$harness_pid"
rc=$?
set -e
harness_pid=""
cp "$WORK/gdb" "$WORK/out"
bp=$(sed -n 's/^Breakpoint 1 at \(0x[0-9a-f]*\): .*/\1/p' "$WORK/out")
[ -n "$bp" ] || { cat "$WORK/out"; fail "gdb set no breakpoint"; }
assert_out_contains "Breakpoint 1, refclient_main"
# The pc at the stop is the breakpoint, inside refclient_main.
pcs=$(sed -n 's/^pc  *\(0x[0-9a-f]*\) .*/\1/p' "$WORK/out")
first=$(echo "$pcs" | sed -n 1p)
second=$(echo "$pcs" | sed -n 2p)
[ "$first" = "$bp" ] || fail "pc $first at the breakpoint, expected $bp"
main=$(aarch64-linux-gnu-nm "$elf" | sed -n 's/^0*\([0-9a-f]*\) T refclient_main$/\1/p')
[ $((bp)) -ge $((0x$main)) ] && [ $((bp)) -lt $((0x$main + 64)) ] ||
	fail "breakpoint $bp is not in refclient_main (0x$main)"
# Memory at pc is the instruction the ELF holds there.
insn=$(aarch64-linux-gnu-objdump -d --start-address="$bp" \
	--stop-address=$((bp + 4)) "$elf" | sed -n 's/^ *[0-9a-f]*:\t\([0-9a-f]\{8\}\) .*/\1/p')
[ -n "$insn" ] || fail "objdump found no instruction at $bp"
grep -q "^$bp <refclient_main+[0-9]*>:	0x$insn	" "$WORK/out" ||
	{ cat "$WORK/out"; fail "x/4xw at pc does not show 0x$insn first"; }
# stepi ran exactly one instruction (the breakpoint's is not a branch).
[ "$(printf '0x%x' $((bp + 4)))" = "$second" ] ||
	fail "pc $second after stepi, expected bp + 4"
assert_out_contains "exited normally"
cp "$WORK/boot" "$WORK/out"
[ "$rc" -eq 0 ] || { cat "$WORK/out"; fail "boot exited $rc"; }
assert_out_contains "run ended: power-off"
assert_out_contains "verdict: PASS"

# run --gdb debugs exactly one scenario, in this process.
suite="$(cd "$(dirname "$0")/../.." && pwd)/scenarios/refclient/discovery"
run_expect_rc 2 "$FFAH" run --gdb 1 "$suite"
assert_out_contains "choose one with --filter NAME"
start_stub "$FFAH" run --filter discovery-custom-partition-id "$suite"
write_cmds
timeout 60 gdb-multiarch -batch -nx -x "$WORK/cmds" "$elf" >"$WORK/out" 2>&1 ||
	{ cat "$WORK/out"; fail "gdb-multiarch failed on run --gdb"; }
set +e
wait "$harness_pid"
rc=$?
set -e
harness_pid=""
assert_out_contains "Breakpoint 1, refclient_main"
assert_out_contains "exited normally"
cp "$WORK/boot" "$WORK/out"
[ "$rc" -eq 0 ] || { cat "$WORK/out"; fail "run exited $rc"; }
assert_out_contains "1 scenario: 1 pass"

# --break-on-finding stops gdb in the code that caused the firmware finding;
# --break-at-step 2 stops it as step 2 begins (the agent asks for it).
bad="$FFAH_FW_DIR/refclient-unpacked-access-variable.elf"
v10="$(dirname "$suite")/discovery/spmc-v1-0.yaml"
run_expect_rc 2 "$FFAH" run --break-on-finding "$v10"
assert_out_contains "need --gdb PORT"
for opt in --break-on-finding "--break-at-step 2"; do
	# shellcheck disable=SC2086 # opt is two words for --break-at-step
	start_stub "$FFAH" run $opt --filter discovery-spmc-v1.0 --image "$bad" "$v10"
	timeout 60 gdb-multiarch -batch -nx -ex "target remote 127.0.0.1:$port" \
		-ex continue -ex bt -ex continue "$bad" >"$WORK/out" 2>&1 ||
		{ cat "$WORK/out"; fail "gdb-multiarch failed with $opt"; }
	wait "$harness_pid" || true
	harness_pid=""
	assert_out_contains "Program received signal SIGTRAP"
	assert_out_contains "exited normally"
	case $opt in
	--break-on-finding) assert_out_contains " in var_get (" ;;
	*) assert_out_contains " agent_loop () at firmware/refclient/agent.c" ;;
	esac
	grep -q "1 firmware" "$WORK/boot" || { cat "$WORK/boot"; fail "verdict with $opt"; }
done
echo "gdb-multiarch stopped at refclient_main ($bp), read memory, stepped once and continued to the power-off"
