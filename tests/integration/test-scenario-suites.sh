# Every scenario of the library passes against the firmware it names
# (scenarios/uboot-ffa and scenarios/uboot-optee need U-Boot images that
# make uboot-ffa builds and runs them with: see their READMEs).
. "$(dirname "$0")/lib.sh"
run_expect_rc 0 "$FFAH" run --quiet -j 2 --firmware-dir "$FFAH_FW_DIR" \
	--json "$WORK/all.json" scenarios/refclient scenarios/checks \
	scenarios/uboot
total=$(jq '.summary.total' "$WORK/all.json")
pass=$(jq '.summary.pass' "$WORK/all.json")
[ "$total" -ge 30 ] || fail "only $total scenarios in the library"
[ "$total" -eq "$pass" ] || fail "$pass of $total passed"
fw=$(jq '[.scenarios[].findings[] | select(.kind == "firmware" and .expected == false)] | length' "$WORK/all.json")
[ "$fw" -eq 0 ] || fail "$fw unexpected firmware findings"
echo "$pass of $total scenarios passed, no unexpected firmware finding"
