# `ffa-harness --version`, `make install PREFIX=...` (binary, firmware,
# scenarios, man page generated from the --help texts, bash completion),
# and that the installed binary finds its firmware without $FFAH_FW_DIR
# (issue 16, item 11).
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)

version=$(sed -n 's/^#define FFA_HARNESS_VERSION "\(.*\)"$/\1/p' "$top/common/version.h")
[ -n "$version" ] || fail "no version in common/version.h"
run_expect_rc 0 "$FFAH" --version
[ "$(cat "$WORK/out")" = "ffa-harness $version" ] || fail "--version printed: $(cat "$WORK/out")"

inst=$WORK/inst
make -s -C "$top" SKIP_DEPS=1 install PREFIX="$inst" >"$WORK/make.out" 2>&1 ||
	{ cat "$WORK/make.out"; fail "make install failed"; }
for f in bin/ffa-harness lib/ffa-harness/firmware/refclient.elf \
	lib/ffa-harness/firmware/efi-agent.efi \
	lib/ffa-harness/firmware/el3-relay.bin \
	share/ffa-harness/scenarios/scenario.schema.json \
	share/ffa-harness/u-boot-test-hooks/u-boot-test-console \
	share/man/man1/ffa-harness.1 \
	share/bash-completion/completions/ffa-harness; do
	[ -s "$inst/$f" ] || fail "make install did not install $f"
done

# The installed binary runs a scenario with its installed firmware.
(unset FFAH_FW_DIR; cd "$WORK" && "$inst/bin/ffa-harness" run --quiet \
	"$inst/share/ffa-harness/scenarios/refclient/agent") >"$WORK/out" 2>&1 ||
	{ cat "$WORK/out"; fail "the installed binary cannot run the installed scenarios"; }

# The man page documents every command with its own --help text.
man -l "$inst/share/man/man1/ffa-harness.1" 2>/dev/null | col -b >"$WORK/man.txt"
for cmd in run check diff report boot console qemu-boot; do
	grep -q "^   $cmd\$" "$WORK/man.txt" || fail "man page lacks command $cmd"
done
for opt in $("$FFAH" run --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
	grep -q -- "$opt" "$WORK/man.txt" || fail "man page lacks run $opt"
done
grep -q "ffa-harness $version" "$WORK/man.txt" || fail "man page lacks the version"

# Bash completion: commands, then a command's options.
complete_words() {
	PATH=$inst/bin:$PATH bash -c '. "$1"; shift; COMP_WORDS=("$@");
		COMP_CWORD=$(($# - 1)); _ffa_harness; echo "${COMPREPLY[*]}"' \
		sh "$inst/share/bash-completion/completions/ffa-harness" "$@"
}
[ "$(complete_words ffa-harness re)" = report ] || fail "completion of 're': $(complete_words ffa-harness re)"
[ "$(complete_words ffa-harness run --report-)" = --report-dir ] ||
	fail "completion of 'run --report-': $(complete_words ffa-harness run --report-)"
[ "$(complete_words ffa-harness boot --e)" = "--echo --expect" ] ||
	fail "completion of 'boot --e': $(complete_words ffa-harness boot --e)"
echo "--version, make install, man page from --help, bash completion"
