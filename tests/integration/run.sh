#!/bin/sh
# Runs every tests/integration/test-*.sh against the real binary.
# Environment: FFAH (the binary), FFAH_FW_DIR (built firmware).
# Each test prints what it checked and exits non-zero on failure.
# FFAH_SANITIZER_RERUN=1 (make check-san): the tests listed in
# release-only.txt are not run again; they are named, and counted apart.
set -u
dir=$(dirname "$0")
pass=0
fail=0
skip=0
notrerun=0
failed=""
export TMPDIR="${TMPDIR:-/tmp}"
for t in "$dir"/test-*.sh; do
	name=$(basename "$t" .sh)
	if [ "${FFAH_SANITIZER_RERUN:-0}" = 1 ] &&
		grep -q "^$name " "$dir/release-only.txt"; then
		notrerun=$((notrerun + 1))
		echo "NOT RERUN $name: ran in the release pass ($dir/release-only.txt)"
		continue
	fi
	log=$(mktemp)
	start=$(date +%s)
	sh "$t" >"$log" 2>&1
	rc=$?
	took=$(($(date +%s) - start))
	if [ "$rc" -eq 0 ]; then
		pass=$((pass + 1))
		echo "PASS $name ($took s)"
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
[ "$notrerun" -eq 0 ] ||
	echo "$notrerun tests not rerun under the sanitizers (release-only.txt)"
echo "integration: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] || { echo "failed:$failed"; exit 1; }
