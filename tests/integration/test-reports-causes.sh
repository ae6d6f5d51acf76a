# Messages that name the cause (issue 16, defects 3, 4 and 5; issue 15,
# item 5):
# - a firmware verdict's headline is the first unexpected finding (code and
#   message), in the terminal, the Markdown and the JUnit message, not the
#   status mismatch it caused later;
# - a finding expected in two steps is found in both (the first step does
#   not consume it);
# - passing console checks quote the line they saw;
# - a console wait and a `boot --expect` that time out say what they
#   awaited and show the last console lines; `boot --type 'bootefi
#   selftest'` waits for its --expect text while the selftest polls for a
#   key.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
d=$top/tests/data/causes

# 1. The headline leads with the finding.  The unpacked-access-variable
# variant sends a name without its NUL; GET_VARIABLE then fails upward.
run_expect_rc 1 "$FFAH" run --image "$FFAH_FW_DIR/refclient-unpacked-access-variable.elf" \
	"$top/scenarios/refclient/discovery/spmc-v1-0.yaml" --report-dir "$WORK/r1"
want='step 2 (get_variable, line 13): mm.name-not-terminated: MM GET_VARIABLE: the name is not NUL-terminated'
assert_out_contains "firmware: discovery-spmc-v1.0 .*: $want"
grep -qF '| discovery-spmc-v1.0 | **FIRMWARE** | step 2 (get\_variable, line 13): mm.name-not-terminated: MM GET\_VARIABLE: the name' \
	"$WORK/r1/summary.md" || { cat "$WORK/r1/summary.md"; fail "Markdown lacks the cause"; }
msg=$(xmllint --xpath 'string(//testcase[@name="discovery-spmc-v1.0"]/failure/@message)' "$WORK/r1/junit.xml")
case $msg in
*"$want"*) ;;
*) fail "JUnit message '$msg' does not lead with the cause" ;;
esac

# 2. Expected in two steps, found in both.
run_expect_rc 0 "$FFAH" run --image "$FFAH_FW_DIR/refclient-runtime-calls-boot-helper.elf" \
	"$d/same-violation-twice.yaml" --json "$WORK/r2.json"
n=$(jq '[.scenarios[0].findings[] | select(.code == "runtime.execute-outside-runtime-code") | .step] | unique | length' "$WORK/r2.json")
[ "$n" -eq 2 ] || fail "the violation was attributed to $n steps, expected 2"

# 3. Passing console checks quote what they saw.
run_expect_rc 0 "$FFAH" run "$d/console-seen.yaml" --json "$WORK/r3.json"
seen=$(jq -r '[.scenarios[0].steps[].checks[] | select(.what | startswith("console")) | .seen] | join("|")' "$WORK/r3.json")
[ "$seen" = 'in line "hello from the seen check"|in line "hello from the seen check"' ] ||
	fail "passing console checks saw: $seen"

# 4. A console wait that times out: what, and the last lines.
run_expect_rc 1 "$FFAH" run "$d/console-wait-timeout.yaml" --json "$WORK/r4.json"
assert_out_contains 'console.wait: expected never printed by U-Boot, seen not printed within 20000000 instructions'
assert_out_contains 'the last lines: .*"GNU ld (GNU Binutils for Debian) 2.40" / "=> "'
prompt=$(jq -r '.scenarios[0].steps[0].checks[] | select(.what == "boot.prompt") | .seen' "$WORK/r4.json")
[ "$prompt" = 'in line "=> "' ] || fail "boot.prompt saw: $prompt"

# Under ASan, Unicorn's own allocations are not ours to report.
LSAN_OPTIONS=suppressions=$top/tests/lsan-unicorn.supp
export LSAN_OPTIONS
# 5. boot --expect: waits through the selftest's key polling ...
run_expect_rc 0 "$FFAH" boot --image "$UBOOT" --type 'bootefi selftest' \
	--expect 'Summary:' --expect 'Press any key'
assert_out_contains 'expect "Summary:": seen'
# ... and a text that never comes is reported with the console's end.
run_expect_rc 1 "$FFAH" boot --image "$UBOOT" --type version \
	--expect 'never printed' --max-insns 200000000
assert_out_contains 'expect "never printed": NOT SEEN'
assert_out_contains 'the last console lines: .*"GNU ld (GNU Binutils for Debian) 2.40" / "=> "'
echo "headlines lead with the first finding; checks say what they saw and awaited"
