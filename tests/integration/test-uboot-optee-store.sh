# Real U-Boot over OP-TEE (make uboot-ffa builds it: OPTEE +
# EFI_MM_COMM_TEE, no FF-A) keeps its non-volatile variables in the store
# file through the StMM pseudo-TA: a variable set with `setenv -e -nv` is
# there after a power off and printed by the next boot, a volatile one is
# not; and the U-Boot built for FF-A reads the same store file through the
# MM partition, and writes one the OP-TEE build reads (one store, two
# transports).  `make uboot-ffa` runs it with UBOOT_OPTEE and UBOOT_FFA.
. "$(dirname "$0")/lib.sh"
optee=${UBOOT_OPTEE:-build/uboot-ffa/u-boot-optee/u-boot.bin}
ffa=${UBOOT_FFA:-build/uboot-ffa/u-boot-2025.01/u-boot.bin}
for image in "$optee" "$ffa"; do
	if [ ! -r "$image" ]; then
		echo "SKIP: $image not built yet (make uboot-ffa builds it and runs this test)"
		exit 77
	fi
done
store=$WORK/store.vars

run_expect_rc 0 "$FFAH" boot --image "$optee" --platform qemu-virt-optee \
	--store "$store" \
	--type "setenv -e -nv -bs -rt OpteeKept survives" \
	--type "setenv -e -bs -rt OpteeLost volatile" \
	--type "printenv -e OpteeLost" --expect "BS|RT, DataSize = 0x8" \
	--type poweroff
assert_out_contains "run ended: power-off"
assert_out_contains "OPTEE_SMC_CALL_WITH_ARG"
assert_out_contains "verdict: PASS"
grep -q " OpteeKept 0x7 " "$store" || { cat "$store"; fail "OpteeKept not stored"; }
grep -q "OpteeLost" "$store" && fail "a volatile variable was stored"

# The next boot reads it back through OP-TEE; the volatile one is gone.
run_expect_rc 0 "$FFAH" boot --image "$optee" --platform qemu-virt-optee \
	--store "$store" \
	--type "printenv -e OpteeKept" --expect "NV|BS|RT, DataSize = 0x8" \
	--expect "73 75 72 76 69 76 65 73" \
	--type "printenv -e OpteeLost" --expect 'Error: "OpteeLost" not defined' \
	--type poweroff
assert_out_contains "verdict: PASS"

# The FF-A build reads it through the MM partition and writes its own.
run_expect_rc 0 "$FFAH" boot --image "$ffa" --platform qemu-virt-ffa \
	--store "$store" \
	--type "printenv -e OpteeKept" --expect "NV|BS|RT, DataSize = 0x8" \
	--type "setenv -e -nv -bs -rt FfaKept ffa" \
	--type poweroff
assert_out_contains "FFA_MSG_SEND_DIRECT_REQ_64"
assert_out_contains "verdict: PASS"
grep -q " FfaKept 0x7 " "$store" || { cat "$store"; fail "FfaKept not stored"; }

run_expect_rc 0 "$FFAH" boot --image "$optee" --platform qemu-virt-optee \
	--store "$store" \
	--type "printenv -e FfaKept" --expect "NV|BS|RT, DataSize = 0x3" \
	--expect "66 66 61" --type poweroff
assert_out_contains "verdict: PASS"
echo "U-Boot over OP-TEE keeps NV variables in the store file across boots; the FF-A build shares it both ways"
