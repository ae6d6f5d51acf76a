# Every hostile image (firmware/hostile/*.S and firmware/hostile/c/*.c)
# runs through tests/data/hostile/boot-until-stop.yaml, and gets exactly
# the verdict, stop and findings of the table below.  The harness itself
# must stay intact whatever the image does: a defined exit status (never
# a signal, never the timeout), no sanitizer report, a complete JSON
# result, bounded reports for the storms, and the C images' own checks of
# the answers they got ("ok:" lines, no "WRONG:", then "done").
. "$(dirname "$0")/lib.sh"
scenario=tests/data/hostile/boot-until-stop.yaml
h=$FFAH_FW_DIR/hostile

# image exit verdict stop-reason stop-kind findings (kind:code, sorted,
# comma-separated, - for none)
cat >"$WORK/table" <<'TABLE'
branch-to-self 1 fail hang hang -
brk 1 fail fault brk -
hvc 1 fail fault hvc -
runaway-loop 1 fail instruction-budget instruction-budget -
self-modifying 1 fail fault brk -
smc-storm 1 fail instruction-budget instruction-budget -
stack-overflow 1 fail fault unmapped-write -
undefined 1 fail fault undefined-instruction -
unmapped-read 1 fail fault unmapped-read -
wfi 1 fail hang wfi -
doorbell-unknown-partition 1 firmware power-off - firmware:ffa.direct-req-unknown-partition,firmware:ffa.direct-req-wrong-sender
ffa-register-garbage 1 firmware power-off - firmware:ffa.direct-req-flags,firmware:ffa.direct-req-wrong-sender,firmware:ffa.mbz-not-zero,firmware:ffa.mem.frag-unknown-handle,firmware:ffa.mem.length,firmware:ffa.mem.retrieve-length,firmware:ffa.mem.unknown-handle,firmware:ffa.notif.bad-sender,firmware:ffa.notif.bitmap-args,firmware:ffa.notif.bitmap-missing,firmware:ffa.notif.not-receiver,firmware:ffa.rxtx-bad-page-count,firmware:ffa.rxtx-unmap-bad-id,firmware:ffa.secure-only-abi,firmware:ffa.version-mbz,not-implemented:model.unimplemented-smc
ffa-version-renegotiation 1 firmware power-off - firmware:ffa.abi-newer-than-negotiated,firmware:ffa.version-changed-after-negotiation,firmware:ffa.version-mbz
mm-doorbell-storm 0 pass power-off - warning:findings.repeats-dropped,warning:mm.message-length-too-long
mm-message-length-near-2-64 1 firmware power-off - firmware:mm.message-length-exceeds-buffer
mm-message-length-past-buffer 1 firmware power-off - firmware:mm.message-length-exceeds-buffer
mm-name-not-terminated 1 firmware power-off - firmware:mm.name-not-terminated
mm-name-size-invalid 1 firmware power-off - firmware:mm.name-size-invalid,firmware:mm.size-outside-message
mm-offset-past-buffer 1 firmware power-off - firmware:mm.offset-outside-buffer
partition-info-storm 1 firmware power-off - firmware:ffa.rx-not-released,warning:findings.repeats-dropped
rxtx-in-mmio 1 firmware power-off - firmware:ffa.partition-info-no-rx,firmware:ffa.rxtx-not-ram
rxtx-in-secure-memory 1 firmware power-off - firmware:ffa.rxtx-not-ram
rxtx-past-end-of-ram 1 firmware power-off - firmware:ffa.rxtx-not-ram
TABLE

# Every built image is in the table, and every table row was built.
ls "$h"/*.elf | sed 's|.*/||; s|\.elf$||' | sort >"$WORK/built"
cut -d' ' -f1 "$WORK/table" | sort >"$WORK/listed"
diff "$WORK/listed" "$WORK/built" >"$WORK/diff" ||
	{ cat "$WORK/diff"; fail "images and table differ (< table, > built)"; }

# The trace and findings limits (models/smc_router.h, common/finding.h) and a
# bound on the JSON result for the storms.
MAX_EVENTS=20000
MAX_JSON_BYTES=$((64 * 1024 * 1024))

checked=0
while read -r image exit verdict reason kind codes; do
	json=$WORK/$image.json
	out=$WORK/$image.out
	set +e
	timeout 120 "$FFAH" run --image "$h/$image.elf" "$scenario" \
		--json "$json" >"$out" 2>&1
	rc=$?
	set -e
	[ "$rc" -lt 128 ] || { cat "$out"; fail "$image: killed by a signal ($rc)"; }
	[ "$rc" -ne 124 ] || fail "$image: no result within 120 s"
	if grep -q -e 'Sanitizer' -e 'runtime error' "$out"; then
		cat "$out"
		fail "$image: sanitizer report"
	fi
	[ "$rc" -eq "$exit" ] || { cat "$out"; fail "$image: exit $rc, expected $exit"; }
	jq -e '.format == "ffa-harness-results" and .summary.total == 1 and
		(.scenarios | length) == 1 and
		(.scenarios[0].steps | length) == 1 and
		(.scenarios[0].trace | length) > 0 and
		(.scenarios[0].stop.reason | type) == "string"' "$json" \
		>/dev/null || fail "$image: incomplete JSON result"
	[ "$(stat -c %s "$json")" -le "$MAX_JSON_BYTES" ] ||
		fail "$image: JSON result of $(stat -c %s "$json") bytes"
	got=$(jq -r '.scenarios[0] | [.verdict, .stop.reason,
		(.stop.kind // "-"),
		([.findings[] | .kind + ":" + .code] | unique |
		 if length == 0 then "-" else join(",") end)] | join(" ")' \
		"$json")
	want="$verdict $reason $kind $codes"
	[ "$got" = "$want" ] ||
		fail "$image: got '$got', expected '$want'"
	events=$(jq '.scenarios[0].trace | length' "$json")
	[ "$events" -le $((MAX_EVENTS + 3)) ] ||
		fail "$image: $events trace events, limit $MAX_EVENTS"
	if [ -f "firmware/hostile/c/$image.c" ]; then
		jq -j '.scenarios[0].console' "$json" >"$WORK/console"
		if grep -q '^WRONG' "$WORK/console"; then
			grep '^WRONG' "$WORK/console"
			fail "$image: the image got a wrong answer"
		fi
		grep -q '^ok: ' "$WORK/console" ||
			fail "$image: the image checked nothing"
		[ "$(tail -n 1 "$WORK/console")" = done ] ||
			fail "$image: the image did not finish"
	fi
	echo "$image: $want"
	checked=$((checked + 1))
done <"$WORK/table"

# The storms reached the limits, and the harness said so.
note='[.scenarios[0].trace[] | select(.type == "note") |
	select(.summary | startswith("trace full"))] | length'
for image in smc-storm partition-info-storm; do
	[ "$(jq "$note" "$WORK/$image.json")" -eq 1 ] ||
		fail "$image: no 'trace full' note"
done
jq -e '[.scenarios[0].findings[] | select(.code == "ffa.rx-not-released")]
	| length == 1000' "$WORK/partition-info-storm.json" >/dev/null ||
	fail "partition-info-storm: repeats of ffa.rx-not-released not bounded"
jq -e '[.scenarios[0].trace[] | select(.mm != null)] as $d |
	($d | map(select((.mm.request // "") == "")) | length) > 0 and
	($d | map(select((.mm.request // "") != "")) | length) > 0' \
	"$WORK/mm-doorbell-storm.json" >/dev/null ||
	fail "mm-doorbell-storm: the trace kept all the bytes, or none"
# Without expect.stop, a boot to the end that faults or hangs is an error
# (exit 1, verdict "error"), never a pass; a power off passes.
cat >"$WORK/no-expect.yaml" <<'YAML'
name: boot-until-stop-no-expect
max_instructions: 20000000
steps:
  - boot: {until: stop}
YAML
for image in brk branch-to-self mm-doorbell-storm; do
	set +e
	"$FFAH" run --image "$h/$image.elf" "$WORK/no-expect.yaml" \
		--json "$WORK/no-expect.json" >"$WORK/out" 2>&1
	rc=$?
	set -e
	got=$(jq -r '.scenarios[0].verdict' "$WORK/no-expect.json")
	case $image in
	mm-doorbell-storm) want="0 pass" ;;
	*) want="1 error" ;;
	esac
	[ "$rc $got" = "$want" ] ||
		{ cat "$WORK/out"; fail "$image without expect.stop: $rc $got, expected $want"; }
done
echo "$checked hostile images checked"
[ "$checked" -eq "$(wc -l <"$WORK/table")" ] || fail "not every image ran"
