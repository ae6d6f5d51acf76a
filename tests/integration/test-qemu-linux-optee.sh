# Linux over OP-TEE on the QEMU backend (docs/optee.md "Linux"): Debian's
# optee driver probes our OP-TEE model through the relay, tee_stmm_efi
# (built from Debian's source into the bundle) binds the StMM pseudo-TA and
# serves efivarfs.  scenarios/linux/optee-stmm.yaml must pass (a variable
# of the store read back, a new one written, one deleted, ENOSPC when the
# store is full, injected OP-TEE errors as EIO/EINVAL); then two boots
# share a store file: what Linux wrote and deleted is in the file and
# seen by the next boot.  `make check` builds the bundle first; without
# one the test is skipped.  The sanitizer rerun runs the persistence part.
. "$(dirname "$0")/lib.sh"
require_qemu
require_linux_bundle Image initrd.cpio.gz tee_stmm_efi.ko
guid=3a1e5c77-6d2b-4f0e-9a41-8c0d2b7e6f10

if [ "${FFAH_SANITIZER_RERUN:-0}" != 1 ]; then
	run_expect_rc 0 "$FFAH" run --firmware-dir "$FFAH_FW_DIR" \
		--json "$WORK/stmm.json" scenarios/linux/optee-stmm.yaml
	doc=$WORK/stmm.json
	[ "$(jq -r '.summary.verdict' "$doc")" = pass ] || fail "optee-stmm did not pass"
	[ "$(jq '.summary.total' "$doc")" -eq 2 ] || fail "not two scenarios"
	vars='.scenarios[] | select(.name == "linux-optee-stmm-variables")'
	# The preloaded variable, read through tee_stmm_efi: attributes
	# NV|BS|RT (07 00 00 00), then "from the store".
	jq -r "$vars | .steps[2].output" "$doc" | tr -d ' \n' |
		grep -qx "0700000066726f6d207468652073746f7265" ||
		fail "the preloaded variable did not read back through efivarfs"
	jq -r "$vars | .steps[] | .output // empty" "$doc" |
		grep -q "No space left on device" || fail "a full store was not ENOSPC"
	# Every OP-TEE call from Linux, none from another level.
	jq -e "[$vars | .trace[] | select(.type == \"smc\" and (.name | startswith(\"OPTEE_\"))) | .el] | unique == [1]" \
		"$doc" >/dev/null || fail "an OP-TEE call did not come from EL1"
	errs='.scenarios[] | select(.name == "linux-optee-stmm-injected-errors")'
	for e in "Input/output error" "Invalid argument" "tee_client_open_session failed"; do
		jq -r "$errs | .steps[] | .output // empty" "$doc" | grep -q "$e" ||
			fail "injected errors: no \"$e\""
	done
	# A scenario that must fail: the data read back expected otherwise.
	sed '/efivarfs_read: {name: Preloaded/,/mm:/s/data: from the store/data: from elsewhere/' \
		scenarios/linux/optee-stmm.yaml >"$WORK/wrong.yaml"
	run_expect_rc 1 "$FFAH" run --firmware-dir "$FFAH_FW_DIR" \
		--filter linux-optee-stmm-variables "$WORK/wrong.yaml"
	assert_out_contains 'data: expected "from elsewhere"'
fi

# Two boots, one store file: the first writes a non-volatile and a
# volatile variable and deletes a preloaded one, the second reads them.
cat >"$WORK/first.yaml" <<YAML
name: linux-optee-first-boot
machine: qemu
platform: qemu-virt-optee
spmc:
  store: {file: store.vars}
  variables:
    - {name: Preloaded, guid: $guid, attributes: NV|BS|RT, data: old}
steps:
  - boot
  - efivarfs_write: {name: LinuxKept, guid: $guid, attributes: NV|BS|RT, data: survives}
  - efivarfs_write: {name: LinuxLost, guid: $guid, attributes: BS|RT, data: volatile}
  - shell: chattr -i \$EFIVARS/Preloaded-$guid && rm \$EFIVARS/Preloaded-$guid
  - power_off
YAML
cat >"$WORK/next.yaml" <<YAML
name: linux-optee-next-boot
machine: qemu
platform: qemu-virt-optee
spmc:
  store: {file: store.vars}
steps:
  - boot
  - shell: ls \$EFIVARS
  - efivarfs_read: {name: LinuxKept, guid: $guid}
    expect: {status: EFI_SUCCESS, attributes: NV|BS|RT, data: survives}
  - efivarfs_read: {name: LinuxLost, guid: $guid}
    expect: {status: EFI_NOT_FOUND}
  - efivarfs_read: {name: Preloaded, guid: $guid}
    expect: {status: EFI_NOT_FOUND}
  - power_off
YAML
run_expect_rc 0 "$FFAH" run --firmware-dir "$FFAH_FW_DIR" "$WORK/first.yaml"
store=$WORK/store.vars
[ -f "$store" ] || fail "no store file written"
# "survives" in hex, attributes NV|BS|RT.
grep -q "^var $guid LinuxKept 0x7 7375727669766573$" "$store" ||
	{ cat "$store"; fail "LinuxKept is not in the store file"; }
grep -q "LinuxLost" "$store" && fail "a volatile variable was stored"
grep -q "Preloaded" "$store" && fail "the deleted variable is still stored"
run_expect_rc 0 "$FFAH" run --firmware-dir "$FFAH_FW_DIR" --json "$WORK/next.json" \
	"$WORK/next.yaml"
jq -r '.scenarios[0].steps[1].output' "$WORK/next.json" | grep -qx "LinuxKept-$guid" ||
	fail "the next boot does not list LinuxKept"
echo "Linux's tee_stmm_efi reads, writes, deletes and fills the store over OP-TEE; injected errors show as EIO/EINVAL; the store file carries its variables to the next boot"
