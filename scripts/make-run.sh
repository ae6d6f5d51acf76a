#!/bin/sh
# `make run`: the default scenario suite (the reference client) against the
# built-in reference firmware, with a line per scenario, the summary, and
# every report in build/report/.
set -eu
bin=$1
fw=$2
exec "$bin" run --progress --firmware-dir "$fw" --report-dir build/report \
	scenarios/refclient
