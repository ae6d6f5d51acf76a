#!/bin/sh
# Prints a help2man include file (help2man(1), INCLUDE FILES) for
# ffa-harness: the description, and one subsection per command with that
# command's own --help text, so that the man page is generated from the
# --help texts and never drifts from them.
#   scripts/man-include.sh BIN > include.h2m
set -eu
bin=$1

# roff_verbatim: stdin to a no-fill block; backslashes and leading dots
# or quotes escaped so that roff shows them as they are.
roff_verbatim() {
	echo ".nf"
	sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
	echo ".fi"
}

cat <<'HEAD'
[name]
ffa-harness \- test normal-world firmware against an emulated FF-A SPMC and MM secure partition

HEAD
echo "[commands]"
for cmd in $("$bin" --help | sed -n '/^commands:/,/^$/p' | awk 'NF > 1 {print $1}'); do
	echo ".SS $cmd"
	"$bin" "$cmd" --help | roff_verbatim
done
cat <<'TAIL'

[files]
.TP
.I PREFIX/lib/ffa-harness/firmware
the reference client, the EFI agent and the hostile and seeded-bug images
(\fBrun \-\-firmware\-dir\fR or \fB$FFAH_FW_DIR\fR override it)
.TP
.I PREFIX/share/ffa-harness/scenarios
the scenario library and its JSON Schema

[see also]
The project's docs/cli.md, docs/scenarios.md and docs/report-format.md.
TAIL
