# The clean reference client passes the default suite with no finding, and
# every seeded-bug variant is caught by the finding (or check) that names
# its bug (firmware/refclient/variants.txt).
. "$(dirname "$0")/lib.sh"
scripts/mutation.sh "$FFAH" "$FFAH_FW_DIR" --check >"$WORK/table" 2>&1 ||
	{ cat "$WORK/table"; fail "mutation table"; }
cat "$WORK/table"
n=$(grep -c ' yes ' "$WORK/table")
[ "$n" -ge 12 ] || fail "only $n variants caught"
echo "$n variants caught"
