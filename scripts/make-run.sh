#!/bin/sh
# `make run`: the default scenario suite (the reference client) against the
# built-in reference firmware: a line per scenario, the summary, and every
# report in build/report/.
set -u
bin=$1
fw=$2
"$bin" run --progress --firmware-dir "$fw" --report-dir build/report \
	scenarios/refclient
rc=$?
echo
echo "reports: build/report/report.html (open in a browser),"
echo "         build/report/junit.xml, build/report/summary.md,"
echo "         build/report/results.json (for ffa-harness diff)"
exit $rc
