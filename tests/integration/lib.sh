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
