# MM over OP-TEE: the reference client built for OP-TEE (refclient-optee)
# writes a variable through the StMM pseudo-TA on qemu-virt-optee, and the
# FF-A reference client reads it from the same store file on
# qemu-virt-ffa-optee (one store, two transports); each OP-TEE seeded bug
# is caught by the finding that names it (docs/optee.md).
. "$(dirname "$0")/lib.sh"
cat >"$WORK/write.yaml" <<'YAML'
name: optee-write
platform: qemu-virt-optee
firmware: refclient:optee
spmc: {store: {file: store.vars}}
steps:
  - boot
  - set_variable: {name: ViaOpTee, attributes: NV|BS|RT, data: stmm}
    expect: {status: EFI_SUCCESS}
  - get_variable: {name: ViaOpTee}
    expect: {status: EFI_SUCCESS, data: stmm, attributes: NV|BS|RT}
YAML
cat >"$WORK/read.yaml" <<'YAML'
name: ffa-read
platform: qemu-virt-ffa-optee
firmware: refclient
spmc: {store: {file: store.vars}}
steps:
  - boot
  - get_variable: {name: ViaOpTee}
    expect: {status: EFI_SUCCESS, data: stmm, attributes: NV|BS|RT}
YAML
run_expect_rc 0 "$FFAH" run --firmware-dir "$FFAH_FW_DIR" --json \
	"$WORK/write.json" "$WORK/write.yaml"
grep -q '"OPTEE_SMC_CALL_WITH_ARG"' "$WORK/write.json" ||
	fail "the OP-TEE client made no OP-TEE call"
grep -q '"FFA_MSG_SEND_DIRECT_REQ_64"' "$WORK/write.json" &&
	fail "the OP-TEE client rang the FF-A doorbell"
run_expect_rc 0 "$FFAH" run --firmware-dir "$FFAH_FW_DIR" "$WORK/read.yaml"

for pair in optee-memref-outside-shm:optee.memref-outside-shm \
	optee-session-never-opened:optee.session-not-open \
	optee-wrong-param-type:optee.pta-param-types \
	optee-shm-never-unregistered:optee.shm-cookie-reused; do
	variant=${pair%%:*}
	code=${pair#*:}
	sed -e "s/refclient:optee/refclient:$variant/" \
		-e 's/store.vars/store-bug.vars/' "$WORK/write.yaml" \
		>"$WORK/bug.yaml"
	run_expect_rc 1 "$FFAH" run --firmware-dir "$FFAH_FW_DIR" --json \
		"$WORK/bug.json" "$WORK/bug.yaml"
	grep -q "\"$code\"" "$WORK/bug.json" ||
		fail "$variant not caught by $code"
	echo "$variant caught by $code"
done
