# Engine reuse (emulator/machine_pool.c): a process that runs scenarios one
# after another reuses its Unicorn engine, reset to as new.  Every suite
# gives the same bytes with reuse (in the batch, and in-process with
# --no-fork) as with a new engine for every scenario (--fresh-engines).
# The U-Boot scenarios boot Debian's U-Boot from reset in the same engine
# one after another: its relocated code, its RAM and the reference
# client's images, mutants among them, follow each other.
. "$(dirname "$0")/lib.sh"
# --no-fork exits through exit(), so under ASan it gets a leak check:
# Unicorn's own allocations are not ours to report.
LSAN_OPTIONS=suppressions=$(cd "$(dirname "$0")/../.." && pwd)/tests/lsan-unicorn.supp
export LSAN_OPTIONS
suites="scenarios/refclient scenarios/checks scenarios/uboot"
run_expect_rc 0 "$FFAH" run --quiet --no-snapshots --fresh-engines \
	--firmware-dir "$FFAH_FW_DIR" --json "$WORK/fresh.json" $suites
run_expect_rc 0 "$FFAH" run --quiet --no-snapshots \
	--firmware-dir "$FFAH_FW_DIR" --json "$WORK/reused.json" $suites
run_expect_rc 0 "$FFAH" run --quiet --no-fork \
	--firmware-dir "$FFAH_FW_DIR" --json "$WORK/no-fork.json" $suites
cmp "$WORK/fresh.json" "$WORK/reused.json" ||
	fail "results on reused engines differ from fresh ones"
cmp "$WORK/fresh.json" "$WORK/no-fork.json" ||
	fail "results on reused engines in-process (--no-fork) differ from fresh ones"
n=$(jq '.scenarios | length' "$WORK/fresh.json")
[ "$n" -ge 70 ] || fail "only $n scenarios ran"
echo "engine reuse: $n scenarios byte-identical on reused and fresh engines"

# A failing scenario (a seeded bug's image) between two passing ones: its
# findings stay its own, and the next scenario on the engine passes.
cat >"$WORK/mixed.yaml" <<'YAML'
- name: before
  firmware: refclient
  steps:
    - boot
    - set_variable: {name: Kept, data: one, attributes: NV|BS|RT}
      expect: {status: EFI_SUCCESS}
    - power_off:
      expect: {stop: power-off}
- name: seeded-bug
  firmware: refclient:no-clean-before-doorbell
  steps:
    - boot
    - get_variable: {name: Kept}
      expect: {status: EFI_NOT_FOUND}
- name: after
  firmware: refclient
  steps:
    - boot
    - get_variable: {name: Kept}
      expect: {status: EFI_NOT_FOUND}
    - power_off:
      expect: {stop: power-off}
YAML
for mode in --fresh-engines --no-fork; do
	set +e
	"$FFAH" run --quiet --no-snapshots $mode --firmware-dir "$FFAH_FW_DIR" \
		--json "$WORK/mixed$mode.json" "$WORK/mixed.yaml" >"$WORK/out" 2>&1
	set -e
	[ "$(jq -r '[.scenarios[] | .name + ":" + .verdict] | join(" ")' "$WORK/mixed$mode.json")" = \
		"before:pass seeded-bug:error after:pass" ] ||
		{ cat "$WORK/out"; fail "$mode: $(jq -c '[.scenarios[] | [.name, .verdict]]' "$WORK/mixed$mode.json")"; }
	grep -q '"code":"cache.request-dirty-at-doorbell"' "$WORK/mixed$mode.json" ||
		fail "$mode: the seeded bug's finding is missing"
done
cmp "$WORK/mixed--fresh-engines.json" "$WORK/mixed--no-fork.json" ||
	fail "a seeded bug between two scenarios reads differently on a reused engine"
echo "engine reuse: a seeded bug between two passing scenarios, the same on both"
