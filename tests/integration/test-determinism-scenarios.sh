# Every scenario run twice yields a byte-identical JSON result (traces,
# findings, console included), one worker or two.
. "$(dirname "$0")/lib.sh"
run_expect_rc 0 "$FFAH" run --quiet -j 2 --firmware-dir "$FFAH_FW_DIR" \
	--json "$WORK/a.json" scenarios/refclient scenarios/checks scenarios/uboot
run_expect_rc 0 "$FFAH" run --quiet -j 1 --firmware-dir "$FFAH_FW_DIR" \
	--json "$WORK/b.json" scenarios/refclient scenarios/checks scenarios/uboot
cmp "$WORK/a.json" "$WORK/b.json" || fail "the two runs' JSON differ"
n=$(jq '[.scenarios[].trace | length] | add' "$WORK/a.json")
echo "two runs, $(jq .summary.total "$WORK/a.json") scenarios, $n trace events: identical"
