# Trace events name their pc and lr as function+offset when the image has
# symbols (issue 16, item 9): the reference client's ELF directly, and a
# raw image through the ELF beside it (NAME.bin and NAME.elf, as U-Boot's
# build leaves u-boot.bin and u-boot).  The names are in results.json, so
# reports made from it alone show them (JUnit's trace excerpt here).
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

check_names() {
	jq -e '[.scenarios[0].trace[] | select(.type == "smc")] as $s |
		($s | length) > 5 and
		all($s[]; (.pc_sym | startswith("smccc_call+0x")) and
			(.lr_sym | test("^[a-z_]+\\+0x[0-9a-f]+$")))' "$1" >/dev/null ||
		fail "$1: SMC events without function+offset names"
}

run_expect_rc 0 "$FFAH" run scenarios/refclient/variables/get-not-found.yaml --json "$WORK/elf.json"
check_names "$WORK/elf.json"
jq -e '[.scenarios[0].trace[] | select(.name == "FFA_VERSION")][0].lr_sym | startswith("ffa_discover+")' \
	"$WORK/elf.json" >/dev/null || fail "FFA_VERSION is not called from ffa_discover"

# A raw image: the same names through the ELF beside it.
aarch64-linux-gnu-objcopy -O binary "$FFAH_FW_DIR/refclient.elf" "$WORK/refclient.bin"
cp "$FFAH_FW_DIR/refclient.elf" "$WORK/refclient.elf"
run_expect_rc 0 "$FFAH" run --image "$WORK/refclient.bin" --format raw \
	--load-addr 0x40200000 scenarios/refclient/variables/get-not-found.yaml --json "$WORK/raw.json"
check_names "$WORK/raw.json"
# Without the ELF beside it, no names (and no error).
rm "$WORK/refclient.elf"
run_expect_rc 0 "$FFAH" run --image "$WORK/refclient.bin" --format raw \
	--load-addr 0x40200000 scenarios/refclient/variables/get-not-found.yaml --json "$WORK/bare.json"
jq -e '[.scenarios[0].trace[] | select(.pc_sym or .lr_sym)] | length == 0' "$WORK/bare.json" \
	>/dev/null || fail "names without symbols"

# Reports computed from the JSON alone show them.
run_expect_rc 1 "$FFAH" run --image "$FFAH_FW_DIR/refclient-unpacked-access-variable.elf" \
	scenarios/refclient/discovery/spmc-v1-0.yaml --junit "$WORK/j.xml" --html "$WORK/h.html"
grep -q 'MM GET_VARIABLE .* \[at smccc_call+0x[0-9a-f]*, from [a-z_]*+0x[0-9a-f]*\]' "$WORK/j.xml" ||
	fail "JUnit's trace excerpt lacks the names"
grep -q '<span class="muted">at smccc_call+0x[0-9a-f]*, from ffa_discover+0x[0-9a-f]*</span>' "$WORK/h.html" ||
	fail "the HTML trace table lacks the names"
echo "SMC events named function+offset from the ELF or the ELF beside a raw image"
