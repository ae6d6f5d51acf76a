# Helpers for integration tests (sourced).
set -eu
: "${FFAH:?FFAH must name the ffa-harness binary}"
: "${FFAH_FW_DIR:?FFAH_FW_DIR must name the built firmware directory}"
UBOOT=/usr/lib/u-boot/qemu_arm64/u-boot.bin
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

fail() {
	echo "FAILED: $*"
	exit 1
}

# The SMC names of a JSONL trace, one per line, in order.
trace_names() {
	grep -o '"name":"[A-Za-z0-9_]*"' "$1" | sed 's/"name":"\(.*\)"/\1/'
}

# run_expect_rc RC CMD...: runs CMD, saves output in $WORK/out, checks RC.
run_expect_rc() {
	want=$1
	shift
	set +e
	"$@" >"$WORK/out" 2>&1
	got=$?
	set -e
	if [ "$got" -ne "$want" ]; then
		cat "$WORK/out"
		fail "exit status $got, expected $want: $*"
	fi
}

assert_out_contains() {
	grep -q -- "$1" "$WORK/out" || { cat "$WORK/out"; fail "output lacks: $1"; }
}

# The QEMU backend's tests need qemu-system-aarch64; without it they say
# so and exit 77, which run.sh counts as skipped, never as passed.
require_qemu() {
	if ! command -v qemu-system-aarch64 >/dev/null 2>&1; then
		echo "SKIP: qemu-system-aarch64 is not installed"
		exit 77
	fi
}

# require_linux_bundle FILE...: $bundle is the Linux bundle
# (FFAH_LINUX_BUNDLE, default build/linux, exported); a test whose files
# are not all there says which and exits 77 (skipped, never passed).
require_linux_bundle() {
	bundle=${FFAH_LINUX_BUNDLE:-build/linux}
	for f in "$@"; do
		if [ ! -r "$bundle/$f" ]; then
			echo "SKIP: no $f in the Linux bundle $bundle (make linux-bundle builds it)"
			exit 77
		fi
	done
	export FFAH_LINUX_BUNDLE="$bundle"
}

# The QEMU pid a `qemu-boot` run printed in $WORK/out.
qemu_pid_of_run() {
	sed -n 's/^qemu: pid \([0-9]*\)$/\1/p' "$WORK/out" | head -1
}

# After a qemu-boot run: its QEMU is gone and its channel directory too.
assert_qemu_cleaned_up() {
	pid=$(qemu_pid_of_run)
	[ -n "$pid" ] || { cat "$WORK/out"; fail "no QEMU pid in the output"; }
	if kill -0 "$pid" 2>/dev/null; then
		fail "QEMU $pid is still running after ffa-harness exited"
	fi
	dir=$(sed -n 's/.*path=\(\/tmp\/ffa-harness-qemu-[A-Za-z0-9]*\)\/con.*/\1/p' "$WORK/out" | head -1)
	[ -n "$dir" ] || fail "no channel directory in the command line"
	[ ! -e "$dir" ] || fail "channel directory $dir was left behind"
}
