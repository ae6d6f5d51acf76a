# Fast loops (emulator/machine_loops.c): U-Boot's memset() and memcpy()
# loops applied at once give the same bytes as every turn run
# (--no-fast-loops): the results of every suite (verdicts, instruction
# counts, SMC traces, consoles), snapshots or not, and the printed trace
# and console.  That the loops are applied at all is checked by
# tests/check_machine.c (fast_loop_iterations); they are 12.8 of the 22.5
# million instructions of a boot to the prompt (memset()) and 4.7 of the
# 12.8 million of bootefi selftest after it (memcpy()).
. "$(dirname "$0")/lib.sh"
suites="scenarios/refclient scenarios/checks scenarios/uboot"
run_expect_rc 0 "$FFAH" run --quiet --firmware-dir "$FFAH_FW_DIR" \
	--json "$WORK/fast.json" $suites
run_expect_rc 0 "$FFAH" run --quiet --no-fast-loops \
	--firmware-dir "$FFAH_FW_DIR" --json "$WORK/slow.json" $suites
cmp "$WORK/fast.json" "$WORK/slow.json" ||
	fail "results with fast loops differ from running every turn"
run_expect_rc 0 "$FFAH" run --quiet --no-snapshots --no-fast-loops \
	--firmware-dir "$FFAH_FW_DIR" --json "$WORK/slow-cold.json" $suites
cmp "$WORK/fast.json" "$WORK/slow-cold.json" ||
	fail "results with fast loops differ from every turn run from reset"
n=$(jq '.scenarios | length' "$WORK/fast.json")
[ "$n" -ge 70 ] || fail "only $n scenarios ran"
uboot=$(jq '[.scenarios[] | select(.name | startswith("uboot-"))] | length' \
	"$WORK/fast.json")
[ "$uboot" -ge 12 ] || fail "only $uboot U-Boot scenarios ran"

# The printed traces and consoles of a U-Boot boot, byte for byte.
for mode in "" --no-fast-loops; do
	"$FFAH" run --trace --echo $mode --no-snapshots \
		--firmware-dir "$FFAH_FW_DIR" --filter uboot-poweroff \
		scenarios/uboot/boot-version-poweroff.yaml \
		>"$WORK/trace$mode.txt" 2>&1 || fail "run --trace $mode failed"
done
grep -q 'PSCI_SYSTEM_OFF' "$WORK/trace.txt" || fail "no trace printed"
cmp "$WORK/trace.txt" "$WORK/trace--no-fast-loops.txt" ||
	{ diff "$WORK/trace.txt" "$WORK/trace--no-fast-loops.txt" | head
	  fail "printed traces or consoles differ"; }
echo "fast loops: $n scenarios ($uboot on U-Boot), traces and consoles byte-identical with every turn run"
