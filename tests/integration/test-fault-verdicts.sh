# Each hostile image ends with the right verdict, its PC and disassembly,
# and exit status 1; the harness never hangs or crashes.
. "$(dirname "$0")/lib.sh"
h=$FFAH_FW_DIR/hostile
check() {
	image=$1 kind=$2 insn=$3
	run_expect_rc 1 timeout 60 "$FFAH" boot --image "$h/$image.elf" \
		--max-insns 20000000
	assert_out_contains "($kind) at pc 0x"
	grep -q "^=> 0x[0-9a-f]*: [0-9a-f]*  $insn" "$WORK/out" ||
		{ cat "$WORK/out"; fail "$image: PC does not point at '$insn'"; }
	assert_out_contains "^x0  0x"
	echo "$image: $kind at '$insn'"
}
check unmapped-read unmapped-read "ldr x1, \[x0\]"
check branch-to-self hang "b #0x"
check runaway-loop instruction-budget ""
check brk brk "brk #0x7"
check undefined undefined-instruction ".inst 0x00001234"
check hvc hvc "hvc #0"
check wfi wfi ""
check stack-overflow unmapped-write "stp x29, x30"
check self-modifying brk "brk #0x55"
check smc-storm instruction-budget ""

# The wall-clock safety net (checked by the block hook, not by a Unicorn
# thread): a loop with no instruction budget to stop it ends in "timeout"
# after about the given second, with its PC; and an SMC storm's count is the
# calls made, not the (bounded) trace's length.
run_expect_rc 1 timeout 60 "$FFAH" boot --image "$h/runaway-loop.elf" \
	--max-insns 0 --timeout 1
assert_out_contains "(timeout) at pc 0x"
run_expect_rc 1 timeout 60 "$FFAH" boot --image "$h/smc-storm.elf" \
	--max-insns 40000000
smcs=$(sed -n 's/^run ended: .* \([0-9]*\) SMCs$/\1/p' "$WORK/out")
[ "${smcs:-0}" -gt 20001 ] || { cat "$WORK/out"; fail "smc-storm: $smcs SMCs counted"; }
echo "runaway-loop: timeout; smc-storm: $smcs SMCs"
