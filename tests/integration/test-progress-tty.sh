# Progress on a terminal (issue 16, item 12): under a pseudo-terminal
# (script(1), util-linux) `run` keeps one status line with the count of
# scenarios done, the elapsed time and the names running now, and clears
# it before each result line; with its output in a file there is no status
# line and no escape sequence at all.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
esc=$(printf '\033')
# A scenario that lasts two seconds of host time whatever the host's speed
# (a runaway loop stopped by its wall-clock timeout), so that the elapsed
# time has to move.
cp "$FFAH_FW_DIR/hostile/runaway-loop.elf" "$WORK/"
cat >"$WORK/slow.yaml" <<'YAML'
- name: two-seconds
  firmware: {image: runaway-loop.elf}
  timeout: 2
  steps:
    - boot: {until: stop}
      expect: {stop: timeout}
YAML
suite="$top/scenarios/uboot/boot-version-poweroff.yaml $top/scenarios/refclient/agent $WORK/slow.yaml"

CI='' script -qec "'$FFAH' run -j 2 $suite" /dev/null >"$WORK/tty.raw" 2>&1 ||
	{ cat -v "$WORK/tty.raw"; fail "run under a terminal failed"; }
tr '\r' '\n' <"$WORK/tty.raw" | sed "s/$esc\\[K//g" >"$WORK/tty.txt"
# Snapshot groups run first (docs/cli.md): two scenarios at once in one.
grep -qE '^\[[0-5]/6\] [0-9]+ s  running: [a-z-]+, [a-z-]+$' "$WORK/tty.txt" ||
	{ cat "$WORK/tty.txt"; fail "no status line naming two running scenarios"; }
grep -qE '^\[5/6\] [0-9]+ s  running: two-seconds$' "$WORK/tty.txt" ||
	{ cat "$WORK/tty.txt"; fail "the counter did not reach 5/6 with one running"; }
n=$(grep -oE '^\[[0-9]/6\] [0-9]+ s' "$WORK/tty.txt" | awk '{print $2}' | sort -u | wc -l)
[ "$n" -ge 2 ] || fail "the elapsed time never changed"
grep -q '^PASS  agent-print  (' "$WORK/tty.txt" || fail "no result line"
grep -q "$esc\\[K" "$WORK/tty.raw" || fail "the status line is never cleared"

CI='' "$FFAH" run -j 2 --progress $suite >"$WORK/file.txt" 2>&1
! grep -q "$esc" "$WORK/file.txt" || fail "escape sequences in a file"
! grep -q 'running:' "$WORK/file.txt" || fail "a status line in a file"
[ "$(grep -c '^PASS ' "$WORK/file.txt")" -eq 6 ] || fail "not one result line per scenario"
echo "a live status line on a terminal only: counter, elapsed time, running scenarios"
