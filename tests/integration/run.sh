#!/bin/sh
# Runs every tests/integration/test-*.sh against the real binary.
# Environment: FFAH (the binary), FFAH_FW_DIR (built firmware).
# Each test prints what it checked and exits non-zero on failure.
set -u
dir=$(dirname "$0")
pass=0
fail=0
skip=0
failed=""
export TMPDIR="${TMPDIR:-/tmp}"
for t in "$dir"/test-*.sh; do
	name=$(basename "$t" .sh)
	log=$(mktemp)
	sh "$t" >"$log" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then
		pass=$((pass + 1))
		echo "PASS $name"
	elif [ "$rc" -eq 77 ]; then
		# A test that cannot run here says why ("SKIP: reason").
		skip=$((skip + 1))
		echo "SKIP $name: $(grep -m1 '^SKIP:' "$log" | sed 's/^SKIP: //')"
	else
		fail=$((fail + 1))
		failed="$failed $name"
		echo "FAIL $name"
		sed 's/^/    /' "$log"
	fi
	rm -f "$log"
done
echo "integration: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] || { echo "failed:$failed"; exit 1; }
