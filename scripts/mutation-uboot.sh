#!/bin/sh
# The mutation corpus of real U-Boot: applies each patch of
# tests/uboot-mutants to a copy of the U-Boot 2025.01 tree that
# scripts/uboot-ffa.sh built, rebuilds it incrementally, runs the U-Boot
# suites against it and prints which finding or expectation caught it.
#   scripts/mutation-uboot.sh BIN [WORKDIR] [--check]     (make mutation-uboot)
# Each patch names what must catch it in a header line
#   # caught-by: finding CODE            a finding CODE in a failing scenario
#   # caught-by: check SCENARIO WHAT     a failed expectation WHAT (or WHAT[i])
#                                        of SCENARIO
#   # waits-on: WHAT                     the row needs harness work not
#                                        merged yet: missed, it is WAITING
# With --check, exits 1 unless the clean U-Boot passes with no unexpected
# firmware finding and every mutant but the WAITING ones is caught as its
# header says.
# MUTANTS="01 05" runs only the patches whose names start so.
set -u
bin=${1:?usage: mutation-uboot.sh BIN [WORKDIR] [--check]}
work=${2:-build/uboot-ffa}
check=${3:-}
patches=tests/uboot-mutants
src=$work/u-boot-2025.01
copy=$work/u-boot-mutant
cross="CROSS_COMPILE=aarch64-linux-gnu-"
[ -f "$src/u-boot.bin" ] ||
	{ echo "mutation-uboot: no $src/u-boot.bin: run make uboot-ffa first"; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# KEEP_JSON=DIR keeps each run's results.json there.
keep=${KEEP_JSON:-}

# The suites of scripts/uboot-ffa.sh (Debian's banner check left out).
set -- scenarios/uboot-ffa $(ls scenarios/uboot/*.yaml | grep -v boot-version-poweroff)
suites="$*"

# A copy with the build's timestamps, so that make rebuilds only what a
# patch touches.  A copy left by an interrupted run is made clean again.
if [ ! -f "$copy/u-boot.bin" ]; then
	rm -rf "$copy"
	cp -a "$src" "$copy"
fi
for p in "$copy"/.mutant-*.patch; do
	[ -f "$p" ] || continue
	patch -s -R -p1 -d "$copy" <"$p" && rm -f "$p"
done

build() {
	nice -n 10 make -C "$copy" -s -j"$(nproc)" $cross >"$out/build.log" 2>&1
}

# A broken U-Boot often stops at its prompt where a scenario waits for
# text: an instruction budget of about twice the longest clean scenario
# (the whole selftest, 115 M) ends those waits long before the wall-clock
# safety net.
max_insns=${UBOOT_MUTANT_MAX_INSNS:-250000000}

run_suites() { # JSON
	"$bin" run --image "$copy/u-boot.bin" --platform qemu-virt-ffa --quiet \
		-j 2 --max-insns "$max_insns" --json "$1" $suites >/dev/null 2>&1
}

failing() { # JSON
	jq -r '[.scenarios[] | select(.verdict != "pass") | .name] | join(",")' "$1"
}

bad=0
start=$(date +%s)
build || { echo "mutation-uboot: the clean copy does not build"; cat "$out/build.log"; exit 1; }
run_suites "$out/clean.json"
clean_verdict=$(jq -r '.summary.verdict' "$out/clean.json")
clean_fw=$(jq '[.scenarios[].findings[] | select(.kind == "firmware" and .expected != true)] | length' "$out/clean.json")
printf '%-46s %-6s %-58s %s\n' MUTANT CAUGHT "BY" "FAILING SCENARIOS"
printf '%-46s %-6s %-58s %s\n' "(clean U-Boot 2025.01)" "-" \
	"verdict $clean_verdict, $clean_fw unexpected firmware findings" "$(failing "$out/clean.json")"
if [ "$clean_verdict" != pass ] || [ "$clean_fw" -ne 0 ]; then
	bad=1
fi

for patch in "$patches"/*.patch; do
	name=$(basename "$patch" .patch)
	case " ${MUTANTS:-${name%%-*}} " in
	*" ${name%%-*} "*) ;;
	*) continue ;;
	esac
	set -- $(sed -n 's/^# caught-by: //p' "$patch")
	kind=${1:-}; shift
	json=$out/$name.json
	if ! patch -s -p1 -d "$copy" <"$patch"; then
		printf '%-46s %-6s %s\n' "$name" ERROR "the patch does not apply"
		echo "$name" >>"$out/missed"
		continue
	fi
	cp "$patch" "$copy/.mutant-$name.patch"
	if build; then
		run_suites "$json"
		case $kind in
		finding)
			n=$(jq --arg c "$1" '[.scenarios[] | select(.verdict != "pass") | .findings[] | select(.code == $c)] | length' "$json")
			how="finding $1"
			;;
		check)
			n=$(jq --arg s "$1" --arg w "$2" '[.scenarios[] | select(.name == $s and .verdict != "pass") | .steps[].checks[] | select(.ok == false and (.what == $w or (.what | startswith($w + "["))))] | length' "$json")
			how="$1: $2"
			;;
		*)
			n=0
			how="no caught-by line"
			;;
		esac
		fails=$(failing "$json")
	else
		n=0
		how="does not build"
		fails="-"
	fi
	# A row that needs harness work not merged yet says so
	# (`# waits-on: ...`): missed, it is WAITING, not a failure.
	waits=$(sed -n 's/^# waits-on: //p' "$patch")
	if [ "$n" -gt 0 ]; then
		caught=yes
		[ -z "$waits" ] || how="$how (caught: drop its waits-on line)"
	elif [ -n "$waits" ]; then
		caught=WAIT
		how="$how, waits on $waits"
	else
		caught=NO
	fi
	printf '%-46s %-6s %-58s %s\n' "$name" "$caught" "$how" "$fails"
	[ -z "$keep" ] || cp "$json" "$keep/" 2>/dev/null
	[ "$caught" = NO ] && echo "$name" >>"$out/missed"
	patch -s -R -p1 -d "$copy" <"$patch" && rm -f "$copy/.mutant-$name.patch"
done
echo "mutation-uboot: $(( $(date +%s) - start )) s"
[ -f "$out/missed" ] && bad=1
if [ "$check" = --check ] && [ "$bad" -ne 0 ]; then
	echo "mutation-uboot: some mutant was not caught, or the clean U-Boot did not pass"
	exit 1
fi
exit 0
