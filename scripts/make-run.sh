#!/bin/sh
# `make run`: boots the reference client and prints its SMC trace summary.
# (Replaced by the default scenario suite once the runner exists.)
set -eu
bin=$1
fw=$2
exec "$bin" boot --image "$fw/refclient.elf" --print-trace
