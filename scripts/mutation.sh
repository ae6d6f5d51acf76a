#!/bin/sh
# Runs the default scenario suite against the clean reference client and
# every seeded-bug variant, and prints which bug each run caught.
#   scripts/mutation.sh BIN FW_DIR [--check]
# With --check, exits 1 unless the clean client passes with no finding and
# every variant is caught as firmware/refclient/variants.txt says.
set -u
bin=$1
fw=$2
check=${3:-}
suite=scenarios/refclient
table=firmware/refclient/variants.txt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bad=0

"$bin" run "$suite" --quiet -j 2 --json "$work/clean.json" >/dev/null 2>&1
clean_verdict=$(jq -r '.summary.verdict' "$work/clean.json")
# Findings a scenario expects (it provokes them on purpose, e.g. an injected
# refusal the client cannot undo) are not the clean client's bugs.
clean_findings=$(jq '[.scenarios[].findings[] | select(.kind == "firmware" and .expected != true)] | length' "$work/clean.json")
printf '%-34s %-8s %-6s %s\n' VARIANT CAUGHT FAILED "HOW (expected)"
printf '%-34s %-8s %-6s %s\n' "(clean)" "-" \
	"$(jq '[.scenarios[] | select(.verdict != "pass")] | length' "$work/clean.json")" \
	"verdict $clean_verdict, $clean_findings unexpected firmware findings (pass, 0)"
if [ "$clean_verdict" != pass ] || [ "$clean_findings" -ne 0 ]; then
	bad=1
fi

grep -v '^#' "$table" | while read -r variant kind what; do
	[ -n "$variant" ] || continue
	json=$work/$variant.json
	# An OP-TEE client has nothing to say to the FF-A scenarios; a
	# notification bug lives in the FF-A v1.1 client, which only the
	# notification scenarios run.
	case $variant in
	optee-*) set -- --filter '*optee*' ;;
	notif-*) set -- --filter '*notif*' ;;
	*) set -- ;;
	esac
	"$bin" run "$suite" --quiet -j 2 --image "$fw/refclient-$variant.elf" \
		--json "$json" "$@" >/dev/null 2>&1
	failed=$(jq '[.scenarios[] | select(.verdict != "pass")] | length' "$json")
	case $kind in
	finding)
		n=$(jq --arg c "$what" '[.scenarios[] | select(.verdict != "pass") | .findings[] | select(.code == $c and .kind == "firmware")] | length' "$json")
		;;
	check)
		sc=${what%%:*}
		chk=${what#*:}
		n=$(jq --arg s "$sc" --arg w "$chk" '[.scenarios[] | select(.name == $s and .verdict != "pass") | .steps[].checks[] | select(.what == $w and .ok == false)] | length' "$json")
		;;
	*)
		n=0
		;;
	esac
	if [ "$n" -gt 0 ]; then caught=yes; else caught=NO; fi
	printf '%-34s %-8s %-6s %s %s\n' "$variant" "$caught" "$failed" "$kind" "$what"
	[ "$caught" = yes ] || echo "$variant" >>"$work/missed"
done
[ -f "$work/missed" ] && bad=1
if [ "$check" = --check ] && [ "$bad" -ne 0 ]; then
	echo "mutation table: some variant was not caught, or the clean client did not pass"
	exit 1
fi
exit 0
