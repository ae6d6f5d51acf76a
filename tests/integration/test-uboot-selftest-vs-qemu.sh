# `bootefi selftest` on Debian's U-Boot, in ffa-harness and in
# qemu-system-aarch64 (TCG, -nic none: no network in either): the same
# tests pass and the same fail in both.
. "$(dirname "$0")/lib.sh"
command -v qemu-system-aarch64 >/dev/null ||
	fail "qemu-system-aarch64 missing (package qemu-system-arm)"

# The outcome of every test, one line each, sorted.
outcomes() {
	sed 's/\x1b\[[0-9;]*m//g; s/\r//g' "$1" |
		grep -E "^(ERROR: )?(Setting up|Executing|Tearing down) '.*' (succeeded|failed)$" |
		sed 's/^ERROR: //' | sort -u
}

run_expect_rc 0 "$FFAH" run --quiet --firmware-dir "$FFAH_FW_DIR" \
	--json "$WORK/h.json" scenarios/uboot/selftest.yaml
jq -r '.scenarios[0].console' "$WORK/h.json" >"$WORK/harness.txt"

# QEMU, driven through its serial console.
mkfifo "$WORK/in"
qemu-system-aarch64 -M virt -cpu cortex-a57 -m 1G -nic none -nographic \
	-bios "$UBOOT" <"$WORK/in" >"$WORK/qemu.txt" 2>&1 &
qemu=$!
exec 3>"$WORK/in"
wait_for() {
	n=0
	until grep -q -- "$1" "$WORK/qemu.txt"; do
		n=$((n + 1))
		[ "$n" -lt "$2" ] || { kill $qemu; fail "QEMU never printed '$1'"; }
		sleep 0.5
	done
}
wait_for "Hit any key" 120
printf '\r' >&3
wait_for "=> " 120
printf 'bootefi selftest\r' >&3
wait_for "Summary:" 600
kill $qemu 2>/dev/null
exec 3>&-
wait $qemu 2>/dev/null || true

outcomes "$WORK/harness.txt" >"$WORK/harness.list"
outcomes "$WORK/qemu.txt" >"$WORK/qemu.list"
h=$(grep -c "Executing .* succeeded" "$WORK/harness.list")
q=$(grep -c "Executing .* succeeded" "$WORK/qemu.list")
[ "$q" -ge 30 ] || fail "QEMU ran only $q tests successfully"
diff -u "$WORK/qemu.list" "$WORK/harness.list" ||
	fail "the selftest outcomes differ between QEMU and ffa-harness"
echo "$h tests executed successfully in both; identical outcome lists"
grep failed "$WORK/harness.list" | sed 's/^/  failed in both: /'
