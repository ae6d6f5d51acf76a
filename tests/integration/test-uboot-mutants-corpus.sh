# The real-U-Boot mutation corpus (tests/uboot-mutants, make
# mutation-uboot) is well formed: at least 15 patches, each with its bug,
# what catches it and one `caught-by:` line naming a scenario that exists
# or a finding code docs/checks.md documents, each touching only U-Boot's
# FF-A driver and EFI loader.  When make uboot-ffa has built the tree,
# each patch must also apply to it.  (Running every mutant takes tens of
# minutes: make mutation-uboot.)
. "$(dirname "$0")/lib.sh"
dir=tests/uboot-mutants
tree=build/uboot-ffa/u-boot-2025.01
n=0
for p in "$dir"/*.patch; do
	n=$((n + 1))
	name=$(basename "$p")
	case $name in
	[0-9][0-9]-*.patch) ;;
	*) fail "$name: not named NN-name.patch" ;;
	esac
	grep -q '^# Bug: ' "$p" || fail "$name: no '# Bug:' header"
	grep -q '^# Caught by: ' "$p" || fail "$name: no '# Caught by:' header"
	[ "$(grep -c '^# caught-by: ' "$p")" -eq 1 ] ||
		fail "$name: needs exactly one '# caught-by:' line"
	set -- $(sed -n 's/^# caught-by: //p' "$p")
	case $1 in
	finding)
		[ $# -eq 2 ] || fail "$name: caught-by: finding CODE"
		grep -q "\`$2\`" docs/checks.md ||
			fail "$name: finding $2 is not in docs/checks.md"
		;;
	check)
		[ $# -eq 3 ] || fail "$name: caught-by: check SCENARIO WHAT"
		grep -rqx -- "- name: $2\|name: $2" scenarios/uboot-ffa scenarios/uboot ||
			fail "$name: no scenario $2 in the U-Boot suites"
		;;
	*) fail "$name: caught-by must be 'finding' or 'check'" ;;
	esac
	grep '^+++ ' "$p" | grep -qv '^+++ b/\(drivers/firmware/arm-ffa\|lib/efi_loader\)/' &&
		fail "$name: touches files outside arm-ffa and efi_loader"
	if [ -f "$tree/u-boot.bin" ]; then
		patch -s --dry-run -p1 -d "$tree" <"$p" >/dev/null ||
			fail "$name: does not apply to $tree"
	fi
done
[ "$n" -ge 15 ] || fail "only $n mutants, at least 15 wanted"
if [ -f "$tree/u-boot.bin" ]; then
	echo "$n mutants well formed, each applies to $tree"
else
	echo "$n mutants well formed (no $tree: make uboot-ffa to check they apply)"
fi
