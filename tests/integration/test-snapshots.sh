# Snapshots (issue 17): every suite gives byte-identical results run from
# snapshots (the default: cheap shared parts run again in a batch), from
# snapshots with two workers, forked from every snapshot
# (--snapshots-always), and with every scenario from reset (--no-snapshots);
# --show-snapshots names the groups.
. "$(dirname "$0")/lib.sh"
suites="scenarios/refclient scenarios/checks scenarios/uboot"
# Result directories (/tmp/ffa-harness-XXXXXX, with the in-process
# results' logs) are removed at the end of every run, a killed leader's too.
result_dirs() { find /tmp -maxdepth 1 -name 'ffa-harness-??????' | sort; }
result_dirs >"$WORK/dirs-before"
run_expect_rc 0 "$FFAH" run --quiet --firmware-dir "$FFAH_FW_DIR" \
	--json "$WORK/snap.json" $suites
run_expect_rc 0 "$FFAH" run --quiet -j 2 --firmware-dir "$FFAH_FW_DIR" \
	--json "$WORK/snap-j2.json" $suites
run_expect_rc 0 "$FFAH" run --quiet --snapshots-always \
	--firmware-dir "$FFAH_FW_DIR" --json "$WORK/always.json" $suites
run_expect_rc 0 "$FFAH" run --quiet --no-snapshots \
	--firmware-dir "$FFAH_FW_DIR" --json "$WORK/cold.json" $suites
cmp "$WORK/always.json" "$WORK/cold.json" ||
	fail "results forked from every snapshot differ from results from reset"
cmp "$WORK/snap.json" "$WORK/cold.json" ||
	fail "results from snapshots differ from results from reset"
cmp "$WORK/snap-j2.json" "$WORK/cold.json" ||
	fail "results from snapshots with -j 2 differ from results from reset"

# The plan: U-Boot scenarios whose boots run alike to the prompt share
# that (one boot for the suite, the EFI agent's and the prompt check's
# included); those that share the whole boot step go on from it together.
"$FFAH" run --quiet --show-snapshots --firmware-dir "$FFAH_FW_DIR" \
	scenarios/uboot >"$WORK/plan.txt" || fail "run --show-snapshots failed"
grep -Eq '^snapshot 1: 12 scenarios share set-up and their boot to its first stop: uboot-boot-to-prompt .*uboot-efi-set-get-enumerate-query' \
	"$WORK/plan.txt" || fail "no shared boot in the plan: $(cat "$WORK/plan.txt")"
grep -Eq '^  then 9 of them share 1 step: uboot-version ' \
	"$WORK/plan.txt" || fail "no shared boot step in the plan: $(cat "$WORK/plan.txt")"
[ "$(grep -c '^snapshot' "$WORK/plan.txt")" -eq 1 ] ||
	fail "more than one boot in the plan: $(cat "$WORK/plan.txt")"

# A failing scenario in a group: the same verdict, message and lines as
# from reset, and its neighbours unaffected.
cat >"$WORK/group.yaml" <<'YAML'
- name: first-passes
  steps:
    - get_variable: {name: PlatformLang, guid: 8be4df61-93ca-11d2-aa0d-00e098032b8c}
      expect: {status: EFI_NOT_FOUND}
- name: second-fails
  steps:
    - get_variable: {name: PlatformLang, guid: 8be4df61-93ca-11d2-aa0d-00e098032b8c}
      expect: {status: EFI_SUCCESS}
    - get_variable: {name: Nothing, guid: 8be4df61-93ca-11d2-aa0d-00e098032b8c}
      expect: {status: EFI_SUCCESS}
- name: opted-out
  snapshot: false
  steps:
    - get_variable: {name: PlatformLang, guid: 8be4df61-93ca-11d2-aa0d-00e098032b8c}
      expect: {status: EFI_NOT_FOUND}
YAML
set +e
"$FFAH" run --quiet --show-snapshots --snapshots-always \
	--firmware-dir "$FFAH_FW_DIR" \
	--json "$WORK/g-snap.json" "$WORK/group.yaml" >"$WORK/g-plan.txt"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "a failing scenario must give exit status 1, got $rc"
grep -q '^snapshot 1: 2 scenarios share set-up and 1 step: first-passes second-fails$' \
	"$WORK/g-plan.txt" || fail "unexpected plan: $(cat "$WORK/g-plan.txt")"
grep -q '^from reset: opted-out (the scenario says snapshot: false)$' \
	"$WORK/g-plan.txt" || fail "the opt-out is not reported: $(cat "$WORK/g-plan.txt")"
run_expect_rc 1 "$FFAH" run --quiet --no-snapshots --firmware-dir "$FFAH_FW_DIR" \
	--json "$WORK/g-cold.json" "$WORK/group.yaml"
cmp "$WORK/g-snap.json" "$WORK/g-cold.json" ||
	fail "a failing group's results differ from results from reset"
[ "$(jq -r '.scenarios[1].verdict' "$WORK/g-snap.json")" = fail ] ||
	fail "second-fails did not fail"
# The shared step's expectations are each scenario's own: checked after
# the fork, at the scenario's own lines.
[ "$(jq -r '.scenarios[1].steps[0].verdict' "$WORK/g-snap.json")" = fail ] ||
	fail "second-fails' first step (shared, its own expectation) did not fail"
[ "$(jq -r '.scenarios[1].steps[0].checks[0].line' "$WORK/g-snap.json")" = 8 ] ||
	fail "the shared step's failing check does not point at line 8 of its own scenario"
[ "$(jq -r '.scenarios[1].steps[1].checks[0].line' "$WORK/g-snap.json")" = 10 ] ||
	fail "the failing check does not point at line 10 of its own scenario"
[ "$(jq -r '.scenarios[0].verdict' "$WORK/g-snap.json")" = pass ] ||
	fail "first-passes did not pass"
echo "snapshots: byte-identical to runs from reset on $suites and a failing group"

# Without forks of their own, scenarios run one after another in a batch
# process (the leader); when it dies, nothing is lost: the scenario it was
# running and those after it run again, each in a worker of its own.
cp "$FFAH_FW_DIR/hostile/runaway-loop.elf" "$WORK/"
cat >"$WORK/dies.yaml" <<'YAML'
- name: before
  steps:
    - get_variable: {name: PlatformLang, guid: 8be4df61-93ca-11d2-aa0d-00e098032b8c}
      expect: {status: EFI_NOT_FOUND}
- name: slow
  firmware: {image: runaway-loop.elf}
  timeout: 4
  steps:
    - boot: {until: stop}
      expect: {stop: timeout}
- name: after
  steps:
    - get_variable: {name: Other, guid: 8be4df61-93ca-11d2-aa0d-00e098032b8c}
      expect: {status: EFI_NOT_FOUND}
YAML
"$FFAH" run --quiet --firmware-dir "$FFAH_FW_DIR" --json "$WORK/dies.json" \
	"$WORK/dies.yaml" >"$WORK/dies.out" 2>&1 &
run_pid=$!
leader=
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	sleep 0.1
	leader=$(pgrep -P "$run_pid" | head -n 1) && break
done
[ -n "$leader" ] || fail "run started no leader process"
sleep 1
kill -KILL "$leader" || fail "the leader ended before the slow scenario did"
rc=0
wait "$run_pid" || rc=$?
[ "$rc" -eq 0 ] || { cat "$WORK/dies.out"; fail "after the leader died, run exited $rc"; }
[ "$(jq -r '[.scenarios[] | .name + ":" + .verdict] | join(" ")' "$WORK/dies.json")" = \
	"before:pass slow:pass after:pass" ] ||
	fail "after the leader died: $(jq -c '[.scenarios[] | [.name, .verdict, .message]]' "$WORK/dies.json")"
echo "snapshots: a dead batch leader's scenarios ran again, one worker each"
result_dirs >"$WORK/dirs-after"
cmp -s "$WORK/dirs-before" "$WORK/dirs-after" ||
	fail "result directories left behind: $(comm -13 "$WORK/dirs-before" "$WORK/dirs-after")"
echo "snapshots: every run removed its result directory"
