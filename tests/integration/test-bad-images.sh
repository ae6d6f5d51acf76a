# Broken images are invalid input: exit status 2 and a message that says
# what is wrong, never a crash.
. "$(dirname "$0")/lib.sh"
elf=$FFAH_FW_DIR/refclient.elf
head -c 100 "$elf" >"$WORK/short.elf"
run_expect_rc 2 "$FFAH" boot --image "$WORK/short.elf"
assert_out_contains "truncated"
head -c 3000 "$elf" >"$WORK/cut.elf"
run_expect_rc 2 "$FFAH" boot --image "$WORK/cut.elf"
assert_out_contains "truncated"
printf '\177ELF\001\001\001' >"$WORK/elf32.elf"
head -c 64 /dev/zero >>"$WORK/elf32.elf"
run_expect_rc 2 "$FFAH" boot --image "$WORK/elf32.elf"
assert_out_contains "not a 64-bit ELF"
run_expect_rc 2 "$FFAH" boot --image "$WORK/does-not-exist.bin"
assert_out_contains "No such file"
: >"$WORK/empty.bin"
run_expect_rc 2 "$FFAH" boot --image "$WORK/empty.bin"
assert_out_contains "empty"
run_expect_rc 2 "$FFAH" boot --image "$elf" --load-addr 0x90000000 --format raw
assert_out_contains "not inside flash or RAM"
echo "truncated, 32-bit, missing, empty and misplaced images rejected"
