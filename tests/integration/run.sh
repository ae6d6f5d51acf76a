#!/bin/sh
# Runs every tests/integration/test-*.sh against the real binary.
# Environment: FFAH (the binary), FFAH_FW_DIR (built firmware).
# Each test prints what it checked and exits non-zero on failure.
set -u
dir=$(dirname "$0")
pass=0
fail=0
failed=""
export TMPDIR="${TMPDIR:-/tmp}"
for t in "$dir"/test-*.sh; do
	name=$(basename "$t" .sh)
	log=$(mktemp)
	if sh "$t" >"$log" 2>&1; then
		pass=$((pass + 1))
		echo "PASS $name"
	else
		fail=$((fail + 1))
		failed="$failed $name"
		echo "FAIL $name"
		sed 's/^/    /' "$log"
	fi
	rm -f "$log"
done
echo "integration: $pass passed, $fail failed"
[ "$fail" -eq 0 ] || { echo "failed:$failed"; exit 1; }
