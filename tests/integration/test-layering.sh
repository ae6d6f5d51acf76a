# The machine backends never decode a secure call (docs/architecture.md):
# no file under emulator/ names an FF-A, PSCI or MM function (by the
# constants of include/abi/, or by number), includes those ABI headers, or
# includes a model other than the secure-port interfaces.  Reports read
# only the result document: nothing under reports/ includes emulator/ or
# models/.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
# Every function-ID constant the ABI headers define.
grep -hoE '^#define (FFA|PSCI|SMCCC_ARCH|TRNG)_[A-Z0-9_]+ +(FFA_FID(32|64)|PSCI_FID|UINT32_C|0x)' \
	include/abi/ffa.h include/abi/psci.h include/abi/smccc.h |
	awk '{print $2}' | grep -vE '_(FIRST|LAST|MASK|SHIFT)$' >"$WORK/ids"
grep -oE 'MM_VAR_FN_[A-Z_]+' include/abi/mm.h | sort -u >>"$WORK/ids"
[ "$(wc -l <"$WORK/ids")" -ge 40 ] || fail "found only $(wc -l <"$WORK/ids") function IDs in include/abi/"
grep -q '^FFA_MSG_SEND_DIRECT_REQ_64$' "$WORK/ids" || fail "the ID list misses FFA_MSG_SEND_DIRECT_REQ_64"
grep -q '^PSCI_SYSTEM_OFF$' "$WORK/ids" || fail "the ID list misses PSCI_SYSTEM_OFF"
# The check itself must be able to fail.
echo 'if (x0 == FFA_MSG_SEND_DIRECT_REQ_64)' >"$WORK/probe.c"
grep -qwF -f "$WORK/ids" "$WORK/probe.c" || fail "the grep misses a planted FF-A ID"
if grep -rnwF -f "$WORK/ids" emulator/; then
	fail "emulator/ names a secure function ID (above)"
fi
if grep -rnE '0x(84|c4)0000[0-9a-f]{2}|abi/(ffa|psci|mm)\.h' emulator/; then
	fail "emulator/ decodes secure calls by number or ABI header (above)"
fi
if grep -rnE '#include "models/' emulator/ | grep -vE 'models/(guest_mem|secure_port|smc_call)\.h'; then
	fail "emulator/ includes a model (above)"
fi
if grep -rnE '#include "(emulator|models)/' reports/; then
	fail "reports/ includes emulator/ or models/ (above)"
fi
echo "emulator/ free of $(wc -l <"$WORK/ids") secure function IDs; reports/ reads only the document"
