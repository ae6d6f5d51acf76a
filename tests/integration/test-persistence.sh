# Non-volatile variables persist across runs through a store file, written
# atomically; volatile ones do not; a corrupt store file is reported, never
# silently reset.
. "$(dirname "$0")/lib.sh"
cat >"$WORK/write.yaml" <<'YAML'
name: persistence-write
spmc: {store: {file: store.vars}}
steps:
  - boot
  - set_variable: {name: Kept, attributes: NV|BS|RT, data: survives}
    expect: {status: EFI_SUCCESS}
  - set_variable: {name: Lost, attributes: BS|RT, data: volatile}
    expect: {status: EFI_SUCCESS}
YAML
cat >"$WORK/read.yaml" <<'YAML'
name: persistence-read
spmc: {store: {file: store.vars}}
steps:
  - boot
  - get_variable: {name: Kept}
    expect: {status: EFI_SUCCESS, data: survives, attributes: NV|BS|RT}
  - get_variable: {name: Lost}
    expect: {status: EFI_NOT_FOUND}
YAML
run_expect_rc 0 "$FFAH" run --firmware-dir "$FFAH_FW_DIR" "$WORK/write.yaml"
[ -f "$WORK/store.vars" ] || fail "no store file written"
grep -q "^var .* Kept 0x7 " "$WORK/store.vars" || fail "Kept not stored"
grep -q "Lost" "$WORK/store.vars" && fail "a volatile variable was stored"
ls "$WORK" | grep -q '\.tmp\.' && fail "a temporary file was left behind"
run_expect_rc 0 "$FFAH" run --firmware-dir "$FFAH_FW_DIR" "$WORK/read.yaml"

# A flipped byte is caught by the checksum; the run refuses to start.
sed -i "s/ Kept 0x7 / Kept 0x3 /" "$WORK/store.vars"
run_expect_rc 2 "$FFAH" run --firmware-dir "$FFAH_FW_DIR" "$WORK/read.yaml"
assert_out_contains "store.vars"
assert_out_contains "crc"
# A truncated file is reported too.
head -n 2 "$WORK/store.vars" >"$WORK/store.cut" && mv "$WORK/store.cut" "$WORK/store.vars"
run_expect_rc 2 "$FFAH" run --firmware-dir "$FFAH_FW_DIR" "$WORK/read.yaml"
assert_out_contains "store.vars"

# The boot command keeps a store as well.
run_expect_rc 0 "$FFAH" boot --image "$FFAH_FW_DIR/refclient.elf" \
	--store "$WORK/boot.vars"
[ -f "$WORK/boot.vars" ] || fail "boot --store wrote nothing"
echo "NV variables survive a second run; volatile ones do not; damage is reported"
