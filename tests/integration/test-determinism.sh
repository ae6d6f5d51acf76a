# The same run gives the same trace, byte for byte.
. "$(dirname "$0")/lib.sh"
for i in 1 2; do
	run_expect_rc 0 "$FFAH" boot --image "$FFAH_FW_DIR/refclient.elf" \
		--trace "$WORK/ref$i.jsonl" --console "$WORK/ref$i.txt"
	run_expect_rc 0 "$FFAH" boot --image "$UBOOT" --type version \
		--type poweroff --trace "$WORK/ub$i.jsonl" \
		--console "$WORK/ub$i.txt"
done
cmp "$WORK/ref1.jsonl" "$WORK/ref2.jsonl" || fail "reference client traces differ"
cmp "$WORK/ref1.txt" "$WORK/ref2.txt" || fail "reference client consoles differ"
cmp "$WORK/ub1.jsonl" "$WORK/ub2.jsonl" || fail "U-Boot traces differ"
cmp "$WORK/ub1.txt" "$WORK/ub2.txt" || fail "U-Boot consoles differ"
echo "two runs of each image gave identical traces and consoles"
