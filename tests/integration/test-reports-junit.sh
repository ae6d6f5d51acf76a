# `report --junit`: well-formed XML in the testsuites/testsuite/testcase/
# failure structure GitLab and Jenkins read, counts that match the verdicts,
# no <skipped> ever, and exit statuses for bad input and unwritable output.
# Until `run` exists the input is the fixture JSON in tests/data/results/.
. "$(dirname "$0")/lib.sh"
data="$(dirname "$0")/../data/results"

# xpath FILE EXPR: the XPath value of EXPR in $WORK/FILE.xml.
xpath() {
	xmllint --xpath "$2" "$WORK/$1.xml" 2>/dev/null || true
}

expect_xpath() {
	got=$(xpath "$1" "$2")
	[ "$got" = "$3" ] || fail "$1.xml: $2 is '$got', expected '$3'"
}

for f in pass fail-expectation firmware-finding error-fault not-implemented; do
	run_expect_rc 0 "$FFAH" report "$data/$f.json" --junit "$WORK/$f.xml"
	xmllint --noout "$WORK/$f.xml" || fail "$f.xml is not well-formed XML"
	expect_xpath "$f" 'count(/testsuites/testsuite)' 1
	expect_xpath "$f" 'string(/testsuites/testsuite/@name)' ffa-harness
	expect_xpath "$f" 'count(//skipped)' 0
	expect_xpath "$f" 'string(/testsuites/testsuite/@skipped)' 0
	expect_xpath "$f" 'count(/testsuites/testsuite/testcase[not(@classname) or not(@name) or not(@time)])' 0
done

# A passing run: two test cases, nothing failed.
expect_xpath pass 'string(/testsuites/testsuite/@tests)' 2
expect_xpath pass 'count(/testsuites/testsuite/testcase)' 2
expect_xpath pass 'count(//failure | //error)' 0
expect_xpath pass 'string(/testsuites/testsuite/testcase[1]/@classname)' \
	scenarios.variables.set-get
expect_xpath pass 'string(/testsuites/testsuite/testcase[1]/@name)' set-then-get
expect_xpath pass 'string(/testsuites/testsuite/testcase[1]/@time)' 0

# A failing expectation: testcase/failure with expected vs seen and file:line.
expect_xpath fail-expectation 'string(/testsuites/testsuite/@failures)' 1
expect_xpath fail-expectation 'string(/testsuites/@failures)' 1
expect_xpath fail-expectation 'count(/testsuites/testsuite/testcase/failure)' 1
expect_xpath fail-expectation \
	'string(/testsuites/testsuite/testcase[failure]/@classname)' \
	scenarios.variables.get-missing
expect_xpath fail-expectation \
	'string(/testsuites/testsuite/testcase/failure/@type)' fail
expect_xpath fail-expectation \
	'string(/testsuites/testsuite/testcase/failure/@message)' \
	'status: expected EFI_SUCCESS, seen EFI_NOT_FOUND'
text=$(xpath fail-expectation 'string(/testsuites/testsuite/testcase/failure)')
for want in 'status: expected EFI_SUCCESS, seen EFI_NOT_FOUND (scenarios/variables/get-missing.yaml:16:17)' \
	'#9 FFA_MSG_SEND_DIRECT_REQ_64' 'MM GET_VARIABLE Foo -> EFI_NOT_FOUND'; do
	case "$text" in
	*"$want"*) ;;
	*) fail "failure text lacks '$want': $text" ;;
	esac
done

# A firmware finding is a failure of type firmware citing the finding.
expect_xpath firmware-finding 'count(/testsuites/testsuite/testcase/failure[@type="firmware"])' 1
text=$(xpath firmware-finding 'string(//failure)')
case "$text" in
*"cache.request-dirty-at-doorbell"*"dirty-request.yaml:22:5, seq 9"*) ;;
*) fail "firmware failure text lacks the finding: $text" ;;
esac

# A fault is an <error>, with the stop and the console tail.
expect_xpath error-fault 'string(/testsuites/testsuite/@errors)' 1
expect_xpath error-fault 'string(/testsuites/testsuite/@failures)' 0
expect_xpath error-fault 'count(/testsuites/testsuite/testcase/error[@type="fault"])' 1
case "$(xpath error-fault 'string(//error)')" in
*"run stopped: fault (data-abort)"*"=> 0x40200008: ldr x1, [x0]"*) ;;
*) fail "error text lacks the stop and its disassembly" ;;
esac
case "$(xpath error-fault 'string(//system-out)')" in
*"<script>alert('x')</script>"*) ;;
*) fail "system-out lacks the (escaped) console text" ;;
esac
! grep -q '<script>' "$WORK/error-fault.xml" || fail "raw <script> in the XML"

# not-implemented passes, with a note, and is never a skip.
expect_xpath not-implemented 'count(//failure | //error | //skipped)' 0
case "$(xpath not-implemented 'string(//system-out)')" in
"NOT IMPLEMENTED"*"FFA_NOTIFICATION_BIND"*) ;;
*) fail "not-implemented note missing from system-out" ;;
esac

# Bad input is exit 2 and writes nothing; an unwritable report is exit 3.
run_expect_rc 2 "$FFAH" report "$WORK/missing.json" --junit "$WORK/x.xml"
printf '{"format": "something-else", "version": 1}' >"$WORK/bad.json"
run_expect_rc 2 "$FFAH" report "$WORK/bad.json" --junit "$WORK/x.xml"
assert_out_contains '$.format'
printf '{"format": "ffa-harness-results", "version": 1, "summary": {},
 "scenarios": [{"name": "a", "file": "a.yaml", "verdict": "maybe"}]}' \
	>"$WORK/bad.json"
run_expect_rc 2 "$FFAH" report "$WORK/bad.json" --junit "$WORK/x.xml"
assert_out_contains '$.scenarios\[0\].verdict'
[ ! -e "$WORK/x.xml" ] || fail "a report was written from invalid input"
run_expect_rc 3 "$FFAH" report "$data/pass.json" --junit "$WORK/no/such/dir/x.xml"
run_expect_rc 2 "$FFAH" report
run_expect_rc 0 "$FFAH" report --help
assert_out_contains '--junit'
echo "JUnit reports are well-formed, structured and counted as CI tools read them"
