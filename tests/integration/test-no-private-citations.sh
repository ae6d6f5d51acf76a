# No tracked file cites our private reference notes (the shared reference,
# design and style folders outside the repository): code and docs cite the
# public sources (specifications, U-Boot, Linux, TF-A, EDK2 files) instead.
# Every tracked text file is searched; binary files are skipped.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
# Built from parts so that this file does not match itself.
dir='shared'
pat="$dir/(reference|design|style)"

# citing FILE...: prints the text files among FILE... that match $pat.
citing() {
	printf '%s\0' "$@" | xargs -0 grep -I -l -E -s -- "$pat" || true
}

# The check must be able to fail: one planted line per folder is found,
# a binary file with the same text is not, a clean file is not.
printf 'Facts: ../%s/reference/notes.md section 2\n' "$dir" >"$WORK/ref.c"
printf 'differs from ../../%s/design/NOTES.md\n' "$dir" >"$WORK/design.md"
printf '# see %s/style/STYLE.md\n' "$dir" >"$WORK/style.sh"
printf 'bin\000%s/reference/x.md\n' "$dir" >"$WORK/blob.bin"
printf 'Facts: FF-A v1.2 (DEN0077A); TF-A include/services/ffa_svc.h\n' >"$WORK/clean.h"
citing "$WORK/ref.c" "$WORK/design.md" "$WORK/style.sh" "$WORK/blob.bin" \
	"$WORK/clean.h" >"$WORK/planted"
for f in ref.c design.md style.sh; do
	grep -qxF "$WORK/$f" "$WORK/planted" || fail "the check misses the planted line in $f"
done
grep -qF blob.bin "$WORK/planted" && fail "the check reports a binary file"
grep -qF clean.h "$WORK/planted" && fail "the check reports a file with public citations only"

git rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
	fail "$top is not a git work tree: cannot list tracked files"
git ls-files -z >"$WORK/tracked"
n=$(tr -cd '\0' <"$WORK/tracked" | wc -c)
[ "$n" -ge 100 ] || fail "git ls-files lists only $n files"
# Tracked files deleted from the work tree are skipped (grep -s).
xargs -0 grep -I -l -E -s -- "$pat" <"$WORK/tracked" >"$WORK/hits" || true
if [ -s "$WORK/hits" ]; then
	tr '\n' '\0' <"$WORK/hits" | xargs -0 grep -H -n -E -- "$pat" || true
	fail "$(wc -l <"$WORK/hits") tracked file(s) cite private notes, cite the public sources instead:
$(cat "$WORK/hits")"
fi
echo "$n tracked files, none cites the private reference, design or style notes"
