# The reference client's FF-A discovery, as U-Boot's probe does it, then
# its first MM doorbell, through the real binary.
. "$(dirname "$0")/lib.sh"
run_expect_rc 0 "$FFAH" boot --image "$FFAH_FW_DIR/refclient.elf" \
	--trace "$WORK/t.jsonl" --console "$WORK/console.txt" \
	--expect "EFI: MM partition ID 0x8003"
trace_names "$WORK/t.jsonl" >"$WORK/names"
cat >"$WORK/want" <<'NAMES'
FFA_VERSION
FFA_ID_GET
FFA_FEATURES
FFA_RXTX_MAP_64
FFA_PARTITION_INFO_GET
FFA_RX_RELEASE
FFA_PARTITION_INFO_GET
FFA_RX_RELEASE
FFA_MSG_SEND_DIRECT_REQ_64
AGENT_HELLO
AGENT_NEXT
PSCI_SYSTEM_OFF
NAMES
diff -u "$WORK/want" "$WORK/names" || fail "SMC sequence differs"
# Registers as U-Boot sends them: FFA_VERSION asks for 1.0, the doorbell
# carries the MM partition ID and offset 0.
grep -q '"name":"FFA_VERSION".*"in":\["0x84000063","0x10000"' "$WORK/t.jsonl" ||
	fail "FFA_VERSION did not request v1.0"
grep -q '"name":"FFA_MSG_SEND_DIRECT_REQ_64".*"in":\["0xc400006f","0x8003","0x0","0x0"' \
	"$WORK/t.jsonl" || fail "doorbell registers are not 0x8003 / offset 0"
grep -q '"function_name":"GET_PAYLOAD_SIZE"' "$WORK/t.jsonl" ||
	fail "the doorbell was not decoded as GET_PAYLOAD_SIZE"
grep -q "ffa-harness reference client" "$WORK/console.txt" ||
	fail "console log lacks the banner"
echo "discovery sequence and doorbell registers as expected"
