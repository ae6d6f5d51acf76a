# What `run` writes, `report` reads (issue 16, defect 1): every hostile
# image (firmware/hostile) and every seeded-bug variant of the reference
# client (firmware/refclient/variants.txt) runs through `run --report-dir`,
# which must write all four reports without an internal error, and then
# `report` must accept the results.json it wrote and render the same
# reports again.  A scenario that stops part-way leaves "not-run" steps.
. "$(dirname "$0")/lib.sh"
h=$FFAH_FW_DIR/hostile
checked=0
not_run=0

# roundtrip NAME RUN-ARGS...: run with --report-dir, then report.
roundtrip() {
	name=$1
	shift
	dir=$WORK/$name
	set +e
	timeout 300 "$FFAH" run --quiet -j 2 --report-dir "$dir" "$@" \
		>"$WORK/out" 2>&1
	rc=$?
	set -e
	case $rc in
	0 | 1) ;;
	*) cat "$WORK/out"; fail "$name: run exited $rc (expected 0 or 1)" ;;
	esac
	for f in results.json junit.xml summary.md report.html; do
		[ -s "$dir/$f" ] || { cat "$WORK/out"; fail "$name: no $f"; }
	done
	set +e
	"$FFAH" report "$dir/results.json" --junit "$dir/again.xml" \
		--markdown "$dir/again.md" --html "$dir/again.html" \
		>"$WORK/report.out" 2>&1
	rc=$?
	set -e
	case $rc in
	0 | 1) ;;
	*) cat "$WORK/report.out"; fail "$name: report rejects run's results.json (exit $rc)" ;;
	esac
	cmp -s "$dir/summary.md" "$dir/again.md" ||
		fail "$name: report's Markdown differs from run's"
	n=$(jq '[.scenarios[].steps[] | select(.verdict == "not-run")] | length' \
		"$dir/results.json")
	not_run=$((not_run + n))
	checked=$((checked + 1))
}

for elf in "$h"/*.elf; do
	image=$(basename "$elf" .elf)
	roundtrip "hostile-$image" --image "$elf" \
		tests/data/hostile/boot-until-stop.yaml \
		tests/data/hostile/steps-after-boot.yaml
done
grep -v '^#' firmware/refclient/variants.txt | while read -r variant _; do
	[ -n "$variant" ] || continue
	echo "$variant"
done >"$WORK/variants"
[ -s "$WORK/variants" ] || fail "no variant in firmware/refclient/variants.txt"
while read -r variant; do
	# OP-TEE clients run the OP-TEE scenarios, notification clients the
	# notification ones, as scripts/mutation.sh does.
	case $variant in
	optee-*) set -- --filter '*optee*' ;;
	notif-*) set -- --filter '*notif*' ;;
	*) set -- ;;
	esac
	roundtrip "variant-$variant" \
		--image "$FFAH_FW_DIR/refclient-$variant.elf" "$@" scenarios/refclient
done <"$WORK/variants"
[ "$checked" -ge 30 ] || fail "only $checked round trips"
# The defect needs steps that did not run; the hostile images give some.
[ "$not_run" -gt 0 ] || fail "no run left a step not-run: the test proves nothing"
echo "$checked runs round-tripped through report ($not_run not-run steps)"
