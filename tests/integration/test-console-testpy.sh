# U-Boot's own test/py drives `ffa-harness console` through the hook
# scripts of scripts/u-boot-test-hooks, unchanged (issue 16 item 14): the
# U-Boot 2025.01 that `make uboot-ffa` builds with FF-A, on platform
# qemu-virt-ffa.  The selection covers the console (commands and their
# output, the shell, an unknown command), guest time (`sleep` is checked
# against host time), a reset (the EFI watchdog reboots U-Boot and test/py
# waits for it to come back) and an EFI application.  `make uboot-ffa`
# runs this test; without that tree it is skipped.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
src=${UBOOT_FFA_SRC:-$top/build/uboot-ffa/u-boot-2025.01}
if [ ! -r "$src/u-boot.bin" ] || [ ! -d "$src/test/py" ]; then
	echo "SKIP: $src not built yet (make uboot-ffa builds it and runs this test)"
	exit 77
fi
# Debian's interpreter, where scripts/install-deps.sh puts pytest.
py=/usr/bin/python3
[ -x "$py" ] || py=python3
if ! "$py" -c 'import pytest, filelock, xdist' 2>/dev/null; then
	echo "SKIP: test/py needs python3-pytest, python3-filelock and python3-pytest-xdist (scripts/install-deps.sh)"
	exit 77
fi
# test/py writes only into the result and persistent-data directories.
export PYTHONDONTWRITEBYTECODE=1
FFAH=$(cd "$(dirname "$FFAH")" && pwd)/$(basename "$FFAH")
export FFAH FFAH_PLATFORM=qemu-virt-ffa
tests="test_version or test_help or test_env or test_shell_basics or test_sleep"
tests="$tests or test_md or test_unknown_cmd or test_efi_selftest_watchdog_reboot"
tests="$tests or test_efi_helloworld_builtin"
set +e
PATH="$top/scripts/u-boot-test-hooks:$PATH" timeout 600 "$py" \
	"$src/test/py/test.py" --bd qemu_arm64 --build-dir "$src" \
	--result-dir "$WORK/result" --persistent-data-dir "$WORK/data" \
	-p no:cacheprovider \
	--ignore "$src/test/py/tests/test_fit_auto_signed.py" \
	--ignore "$src/test/py/tests/test_fit_ecdsa.py" \
	-k "$tests" >"$WORK/out" 2>&1
rc=$?
set -e
[ "$rc" -eq 0 ] || { tail -40 "$WORK/out"; fail "test/py exited $rc"; }
summary=$(grep -E '^=+ .* in [0-9.]+s' "$WORK/out" | tail -1)
echo "$summary" | grep -q "failed\|error" && { cat "$WORK/out"; fail "test/py: $summary"; }
passed=$(echo "$summary" | sed -n 's/.* \([0-9]*\) passed.*/\1/p')
[ -n "$passed" ] && [ "$passed" -ge 20 ] || { cat "$WORK/out"; fail "test/py: $summary"; }
# Each console test/py started ended with a verdict and complete reports
# when test/py closed it; the watchdog's reset booted U-Boot again in the
# same session (a scenario per boot in its results.json).
log="$WORK/result/ffa-harness.log"
reports=$(ls -d "$WORK"/result/ffa-harness-*/ | wc -l)
[ "$reports" -ge 1 ] || fail "no console reports"
[ "$(grep -c '^verdict: ' "$log")" -eq "$reports" ] ||
	{ cat "$log"; fail "not one verdict per console session"; }
for d in "$WORK"/result/ffa-harness-*/; do
	[ -s "$d/results.json" ] && [ -s "$d/junit.xml" ] &&
		[ -s "$d/report.html" ] || fail "incomplete report in $d"
done
grep -q "^boot 1: reset" "$log" ||
	{ cat "$log"; fail "the watchdog's reset did not boot U-Boot again"; }
grep -q '"name":"console-boot-2"' "$WORK"/result/ffa-harness-*/results.json ||
	fail "no second boot in the reports"
echo "ok: test/py: $summary; $reports console session(s), each with its verdict and reports"
