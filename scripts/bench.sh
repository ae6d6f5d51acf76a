#!/bin/sh
# `make bench`: how fast ffa-harness is on this machine, measured in one run
# (docs/performance.md explains every number and the method).
#
#   scripts/bench.sh BIN FW_OUT
#
# Writes bench/results.json (atomically) and prints a table.  Every
# configuration runs BENCH_RUNS times (default 5), round-robin, so that the
# subtracted pairs see the same machine load; the table shows medians.
# Numbers are what they are: noise never fails the run.  The run fails only
# when a benchmark cannot run: QEMU or a tool missing, a command failing,
# U-Boot's "Hello, world!" never coming.
#
# Environment:
#   BENCH_RUNS          runs per configuration (default 5)
#   BENCH_OUT           result file (default bench/results.json)
#   BENCH_UBOOT         U-Boot image (default Debian's qemu_arm64 u-boot.bin)
#   BENCH_QEMU          QEMU binary (default qemu-system-aarch64)
#   BENCH_QEMU_TIMEOUT  seconds QEMU has to print the hello text (default 60)
#   BENCH_UBOOT_FFA     the FF-A U-Boot (default: the one make uboot-ffa built;
#                       its suite is left out, and said so, when it is absent)
#   BENCH_LINUX         the Linux bundle (default build/linux, make
#                       linux-bundle); without it the Linux figures are
#                       left out and the result says why
#   CC                  host compiler for the tools in scripts/bench/ (cc)
set -eu

if [ $# -ne 2 ]; then
	echo "usage: scripts/bench.sh BIN FW_OUT" >&2
	exit 2
fi
BIN=$1
FW=$2
RUNS=${BENCH_RUNS:-5}
OUT=${BENCH_OUT:-bench/results.json}
UBOOT=${BENCH_UBOOT:-/usr/lib/u-boot/qemu_arm64/u-boot.bin}
QEMU=${BENCH_QEMU:-qemu-system-aarch64}
QEMU_TIMEOUT=${BENCH_QEMU_TIMEOUT:-60}
HOSTCC=${CC:-cc}
SUITE=scenarios/refclient
HELLO="Hello, world!"
UBOOT_FFA=${BENCH_UBOOT_FFA:-build/uboot-ffa/u-boot-2025.01/u-boot.bin}

die() {
	echo "bench: $*" >&2
	exit 1
}

[ -x "$BIN" ] || die "$BIN is not built (make bench builds it)"
[ -f "$UBOOT" ] || die "no U-Boot image at $UBOOT (Debian package u-boot-qemu)"
command -v "$QEMU" >/dev/null 2>&1 ||
	die "$QEMU not found (Debian package qemu-system-arm)"
command -v jq >/dev/null 2>&1 || die "jq not found (Debian package jq)"
for m in empty loop smc mm-base mm mm-nomaint-base mm-nomaint compute \
	compute-shared agent; do
	[ -f "$FW/bench/bench-$m.elf" ] ||
		die "$FW/bench/bench-$m.elf is missing (make firmware)"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ffa-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

for tool in runstat qemu-hello; do
	"$HOSTCC" -std=c11 -O2 -Wall -Wextra -o "$tmp/$tool" \
		"scripts/bench/$tool.c" || die "cannot compile scripts/bench/$tool.c"
done
# Measure copies: a rebuild of the tree during the run must not change or
# break what is measured.
cp "$BIN" "$tmp/ffa-harness"
mkdir "$tmp/fw"
cp -R "$FW/." "$tmp/fw/"
BIN=$tmp/ffa-harness
FW=$tmp/fw

# --- Configurations -------------------------------------------------------

# The scenario runs with every check on: the runtime guard armed by
# ExitBootServices, the cache model on (data cache on in the image), a
# second watched range, the ExitBootServices rules.  $1 = what the agent
# does at the print step (none, compute, compute-shared).
write_checks_scenario() {
	cat >"$tmp/checks-$1.yaml" <<EOF
name: bench-checks-$1
description: ExitBootServices arms the runtime guard, then the agent runs $1.
checks:
  cache_model: cortex-a57
  wide_maintenance_fails: true
  rxtx_unmapped_at_ebs: true
  watch:
    - {address: 0x60010000, size: 4096}
steps:
  - boot
  - exit_boot_services
  - print: $1
  - power_off
EOF
}
for w in none compute compute-shared; do
	write_checks_scenario "$w"
done

IMAGES="empty loop smc mm-base mm mm-nomaint-base mm-nomaint compute
compute-shared"
CONFIGS="uboot uboot-every-turn uboot-process uboot-process-off qemu
qemu-interrupted suite-j1 suite-j2 suite-j1-from-reset suite-j1-fresh-engines
uboot-suite-from-reset uboot-suite uboot-suite-every-turn qemu-uboot-suite"

# The U-Boot suites (issue 17): scenarios/uboot on Debian's U-Boot, and the
# FF-A U-Boot's suites as scripts/uboot-ffa.sh runs them.
UBOOT_SUITE=$(ls scenarios/uboot/*.yaml)
FFA_SUITE="scenarios/uboot-ffa $(ls scenarios/uboot/*.yaml | grep -v boot-version-poweroff | tr '\n' ' ')"
if [ -f "$UBOOT_FFA" ]; then
	cp "$UBOOT_FFA" "$tmp/uboot-ffa.bin"
	CONFIGS="$CONFIGS ffa-suite-from-reset ffa-suite"
else
	echo "bench: no FF-A U-Boot at $UBOOT_FFA (make uboot-ffa): its suite is left out"
fi

# Plain QEMU running scenarios/uboot one boot per scenario: each
# scenario's commands are read back from ffa-harness's console transcript
# (what U-Boot echoed after its prompt) and typed by qemu-hello, the
# countdown interrupted.  Scenarios that run an EFI binary ffa-harness put
# in memory (bootefi 0xADDR) find nothing there under QEMU, which then does
# less than ffa-harness: the ratio is a lower bound.
# shellcheck disable=SC2086
"$BIN" run --quiet --firmware-dir "$FW" --json "$tmp/uboot-suite.json" \
	$UBOOT_SUITE >/dev/null || die "scenarios/uboot does not pass on $BIN"
mkdir "$tmp/commands"
jq -r '.scenarios[].name' "$tmp/uboot-suite.json" >"$tmp/uboot-suite.names"
while read -r name; do
	jq -r --arg n "$name" '.scenarios[] | select(.name == $n) | .console' \
		"$tmp/uboot-suite.json" | tr -d '\r' |
		sed -n 's/.*=> \(..*\)$/\1/p' >"$tmp/commands/$name.txt"
done <"$tmp/uboot-suite.names"
{
	echo 'set -e'
	echo "for c in '$tmp'/commands/*.txt; do"
	echo "	'$tmp/qemu-hello' -i -c \"\$c\" '$QEMU_TIMEOUT' '$tmp/qemu-suite.console' -- \\"
	echo "		'$QEMU' -M virt -cpu cortex-a57 -m 1G -bios '$UBOOT' -nographic -nic none >/dev/null"
	echo 'done'
} >"$tmp/qemu-suite.sh"
# Model by model, so that each image runs right after its baseline.
for model in cortex-a57 off; do
	for m in $IMAGES; do
		CONFIGS="$CONFIGS img-$m.$model"
	done
done
CONFIGS="$CONFIGS checks-none checks-compute checks-compute-shared"

# Sets "$@" to the command of configuration $1 and ok to the exit statuses
# that mean "it ran".
command_of() {
	ok=0
	case $1 in
	uboot)
		# The same driver as QEMU's: seconds from start to the text.
		set -- "$tmp/qemu-hello" "$QEMU_TIMEOUT" "$tmp/uboot.console" -- \
			"$BIN" boot --image "$UBOOT" --echo \
			--type "bootefi hello" --expect "$HELLO" --type poweroff
		;;
	uboot-every-turn)
		# Without the fast loops (docs/machine.md): every turn of
		# U-Boot's memset() run.
		set -- "$tmp/qemu-hello" "$QEMU_TIMEOUT" "$tmp/uboot-every-turn.console" -- \
			"$BIN" boot --image "$UBOOT" --echo --no-fast-loops \
			--type "bootefi hello" --expect "$HELLO" --type poweroff
		;;
	uboot-process)
		set -- "$BIN" boot --image "$UBOOT" \
			--type "bootefi hello" --expect "$HELLO" --type poweroff
		;;
	uboot-process-off)
		set -- "$BIN" boot --image "$UBOOT" --cache-model off \
			--type "bootefi hello" --expect "$HELLO" --type poweroff
		;;
	qemu)
		# -nic none: ffa-harness's machine has no network either, so
		# that U-Boot's autoboot does the same work on both.
		set -- "$tmp/qemu-hello" "$QEMU_TIMEOUT" "$tmp/qemu.console" -- \
			"$QEMU" -M virt -cpu cortex-a57 -m 1G -bios "$UBOOT" \
			-nographic -nic none
		;;
	qemu-interrupted)
		# Equal work: a key stops the countdown as it starts.
		set -- "$tmp/qemu-hello" -i "$QEMU_TIMEOUT" "$tmp/qemu-i.console" -- \
			"$QEMU" -M virt -cpu cortex-a57 -m 1G -bios "$UBOOT" \
			-nographic -nic none
		;;
	suite-j1-from-reset)
		ok="0 1"
		set -- "$BIN" run --quiet --no-snapshots --firmware-dir "$FW" "$SUITE"
		;;
	suite-j1-fresh-engines)
		ok="0 1"
		set -- "$BIN" run --quiet --fresh-engines --firmware-dir "$FW" "$SUITE"
		;;
	uboot-suite-from-reset)
		# shellcheck disable=SC2086
		set -- "$BIN" run --quiet --no-snapshots --firmware-dir "$FW" $UBOOT_SUITE
		;;
	uboot-suite)
		# shellcheck disable=SC2086
		set -- "$BIN" run --quiet --firmware-dir "$FW" $UBOOT_SUITE
		;;
	uboot-suite-every-turn)
		# shellcheck disable=SC2086
		set -- "$BIN" run --quiet --no-fast-loops --firmware-dir "$FW" \
			$UBOOT_SUITE
		;;
	qemu-uboot-suite)
		set -- sh "$tmp/qemu-suite.sh"
		;;
	ffa-suite-from-reset)
		# shellcheck disable=SC2086
		set -- "$BIN" run --quiet --no-snapshots --image "$tmp/uboot-ffa.bin" \
			--platform qemu-virt-ffa --firmware-dir "$FW" $FFA_SUITE
		;;
	ffa-suite)
		# shellcheck disable=SC2086
		set -- "$BIN" run --quiet --image "$tmp/uboot-ffa.bin" \
			--platform qemu-virt-ffa --firmware-dir "$FW" $FFA_SUITE
		;;
	suite-j1)
		ok="0 1" # a failing scenario still ran
		set -- "$BIN" run --quiet --firmware-dir "$FW" "$SUITE"
		;;
	suite-j2)
		ok="0 1"
		set -- "$BIN" run --quiet -j2 --firmware-dir "$FW" "$SUITE"
		;;
	img-*)
		image=${1#img-}
		model=${image##*.}
		image=${image%.*}
		set -- "$BIN" boot --image "$FW/bench/bench-$image.elf" \
			--cache-model "$model" --console "$tmp/$1.console"
		;;
	checks-*)
		set -- "$BIN" run --quiet --image "$FW/bench/bench-agent.elf" \
			--json "$tmp/$1.json" "$tmp/$1.yaml"
		;;
	*)
		die "unknown configuration $1"
		;;
	esac
	cmd_args=$(for a in "$@"; do printf '%s\n' "$a"; done)
}

# Runs configuration $1 once (runstat option $2: -s samples the RSS of the
# process tree); the wall time goes to $tmp/$1.times, the last output to
# $tmp/$1.out, runstat's line to $tmp/$1.rs.
run_once() {
	name=$1
	sample=${2:-}
	command_of "$name"
	# Rebuild "$@" from the lines command_of printed (arguments have no
	# newlines).
	old_ifs=$IFS
	IFS='
'
	set -f
	# shellcheck disable=SC2086
	set -- $cmd_args
	set +f
	IFS=$old_ifs
	if [ -n "$sample" ]; then
		"$tmp/runstat" -s "$tmp/$name.rs" -- "$@" \
			>"$tmp/$name.out" 2>"$tmp/$name.err" || true
	else
		"$tmp/runstat" "$tmp/$name.rs" -- "$@" \
			>"$tmp/$name.out" 2>"$tmp/$name.err" || true
	fi
	[ -f "$tmp/$name.rs" ] || die "$name: runstat failed: $(cat "$tmp/$name.err")"
	status=$(sed 's/.*status=\([0-9]*\).*/\1/' "$tmp/$name.rs")
	good=no
	for s in $ok; do
		[ "$status" = "$s" ] && good=yes
	done
	if [ $good = no ]; then
		echo "bench: $name failed (exit status $status): $*" >&2
		tail -n 20 "$tmp/$name.out" "$tmp/$name.err" >&2
		if [ -f "$tmp/$name.console" ]; then
			echo "bench: the end of its console:" >&2
			tail -n 15 "$tmp/$name.console" >&2
		fi
		exit 1
	fi
	[ -z "$sample" ] || return 0 # memory runs do not count for time
	sed 's/.*wall=\([0-9.]*\).*/\1/' "$tmp/$name.rs" >>"$tmp/$name.times"
	case $name in
	uboot | uboot-every-turn | qemu | qemu-interrupted)
		cat "$tmp/$name.out" >>"$tmp/$name.lines"
		;;
	esac
}

# --- Linux on QEMU (docs/qemu-backend.md) ---------------------------------

LINUX=${BENCH_LINUX:-build/linux}
LINUX_ARGS="console=ttyAMA0 panic=-1 ffa_harness.modules=none"
linux_ok=no
if [ -r "$LINUX/Image" ] && [ -r "$LINUX/initrd.cpio.gz" ]; then
	linux_ok=yes
	cp "$LINUX/Image" "$LINUX/initrd.cpio.gz" "$tmp/"
fi

# The same kernel and initramfs to the shell's @@READY: through
# ffa-harness (the EL3 relay, every SMC answered by the secure world), and
# in plain QEMU (-kernel: QEMU's own PSCI, no EL3, no harness).  Seconds
# since the start go to $tmp/linux-harness.times and linux-plain.times.
linux_harness_once() {
	start=$(date +%s.%N)
	"$BIN" qemu-boot --image "$tmp/Image" --initrd "$tmp/initrd.cpio.gz" \
		--relay "$FW/el3-relay.bin" --append "$LINUX_ARGS" \
		--timeout "$QEMU_TIMEOUT" --expect "@@READY" \
		--type "@@CMD 1 poweroff" >"$tmp/linux-harness.out" 2>&1 ||
		die "Linux through ffa-harness failed: $(tail -n 5 "$tmp/linux-harness.out")"
	calc "$(date +%s.%N) - $start" >>"$tmp/linux-process.times"
	sed -n 's/^step 1: expect "@@READY": seen after \([0-9]*\) ms$/\1/p' \
		"$tmp/linux-harness.out" | awk '{printf "%.6f\n", $1 / 1000}' \
		>>"$tmp/linux-harness.times"
}

# Two Linux scenarios that share boot and the first module
# (docs/qemu-backend.md "Snapshots"), -j 1: from reset, then from a
# snapshot.  Each scenario's seconds (run's --progress lines) go to
# linux-scenario-cold.times / linux-scenario-snapshot.times, the whole
# pair's to linux-pair-cold.times / linux-pair-snapshot.times.
LINUX_PAIR="scenarios/linux/arm-ffa-probe.yaml scenarios/linux/inject-discovery.yaml"
linux_scenarios_once() { # cold|snapshot
	flag=
	[ "$1" = cold ] && flag=--no-snapshots
	start=$(date +%s.%N)
	# shellcheck disable=SC2086 # the pair's paths split on purpose
	FFAH_LINUX_BUNDLE="$LINUX" "$BIN" run --firmware-dir "$FW" -j 1 \
		--progress $flag $LINUX_PAIR >"$tmp/linux-$1.out" 2>&1 ||
		die "Linux scenarios ($1) failed: $(tail -n 5 "$tmp/linux-$1.out")"
	calc "$(date +%s.%N) - $start" >>"$tmp/linux-pair-$1.times"
	sed -n 's/^PASS .*(\([0-9.]*\) s)$/\1/p' "$tmp/linux-$1.out" \
		>>"$tmp/linux-scenario-$1.times"
}

linux_plain_once() {
	rm -f "$tmp/linux-plain.console"
	start=$(date +%s.%N)
	"$QEMU" -M virt,gic-version=3 -cpu cortex-a57 -m 1G -nodefaults \
		-display none -no-reboot -kernel "$tmp/Image" \
		-initrd "$tmp/initrd.cpio.gz" -append "$LINUX_ARGS" \
		-serial "file:$tmp/linux-plain.console" 2>"$tmp/linux-plain.err" &
	qpid=$!
	n=0
	while ! grep -q "@@READY" "$tmp/linux-plain.console" 2>/dev/null; do
		n=$((n + 1))
		[ $n -lt $((QEMU_TIMEOUT * 100)) ] ||
			{ kill $qpid; die "plain QEMU: no @@READY from Linux"; }
		sleep 0.01
	done
	now=$(date +%s.%N)
	kill $qpid
	wait $qpid 2>/dev/null || true
	calc "$now - $start" >>"$tmp/linux-plain.times"
}

# Back-to-back SMCs through the relay (hostile/smc-storm.elf for 3 s):
# the mean time between SMCs, and the host's share of it.
linux_storm_once() {
	"$BIN" qemu-boot --image "$FW/hostile/smc-storm.elf" \
		--relay "$FW/el3-relay.bin" --timeout 3 >"$tmp/storm.out" 2>&1 || true
	sed -n 's/^mean time between SMCs: \([0-9.]*\) us.*/\1/p' \
		"$tmp/storm.out" >>"$tmp/linux-storm.times"
	sed -n 's/^host time per SMC: \([0-9.]*\) us.*/\1/p' \
		"$tmp/storm.out" >>"$tmp/linux-storm-host.times"
	grep -q "mean time between SMCs" "$tmp/storm.out" ||
		die "the SMC storm through the relay did not run: $(tail -n 5 "$tmp/storm.out")"
}

# --- Helpers on numbers ---------------------------------------------------

median_of() { # file of numbers, one a line
	sort -g "$1" | awk '{v[NR] = $1}
		END { if (NR == 0) print "null";
		      else if (NR % 2) printf "%.6f\n", v[(NR + 1) / 2];
		      else printf "%.6f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

median() { median_of "$tmp/$1.times"; }

# Field $2 (banner, countdown_start, countdown_end, prompt, hello) of the
# driver's lines for configuration $1, one value a line.
driver_field() {
	sed "s/.*$2=\([-0-9.]*\).*/\1/" "$tmp/$1.lines"
}

calc() { # an awk expression of numbers
	awk "BEGIN { v = $1; printf \"%.6g\n\", v }"
}

iterations_of() { # image configuration
	sed -n 's/^bench: [a-z-]* iterations \([0-9]*\).*/\1/p' \
		"$tmp/$1.console" | head -n 1
}

insns_of() { # image configuration: instructions of the whole run
	sed -n 's/^run ended: .* after \([0-9]*\) instructions.*/\1/p' \
		"$tmp/$1.out" | head -n 1
}

print_step_insns() { # checks configuration: instructions of the print step
	jq '.scenarios[0].steps[2].instructions' "$tmp/$1.json"
}

# --- Measure --------------------------------------------------------------

# Busy: over one second before the start, other processes kept more than a
# quarter of the CPUs' time (the load average lags by a minute).
cpu_times() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8, $5 + $6}' /proc/stat; }
t0=$(cpu_times)
sleep 1
t1=$(cpu_times)
busy=$(echo "$t0 $t1" | awk '{b = $3 - $1; i = $4 - $2;
	print (b + i > 0 && b / (b + i) > 0.25) ? "yes" : "no"}')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: $RUNS runs of each configuration (load average $load_before);" \
	"about two minutes"
i=0
while [ $i -lt "$RUNS" ]; do
	i=$((i + 1))
	for c in $CONFIGS; do
		run_once "$c"
	done
	echo "bench: round $i of $RUNS done"
done
if [ $linux_ok = yes ]; then
	echo "bench: Linux on QEMU, $RUNS runs: through ffa-harness, plain," \
		"the relay's SMC round trip, two Linux scenarios cold and from a" \
		"snapshot (about $((RUNS * 40)) s)"
	i=0
	while [ $i -lt "$RUNS" ]; do
		i=$((i + 1))
		linux_harness_once
		linux_plain_once
		linux_storm_once
		linux_scenarios_once cold
		linux_scenarios_once snapshot
	done
fi
# Memory: one more run each, sampling the process tree.
for c in uboot-process suite-j1 suite-j2 qemu; do
	run_once "$c" -s
	cp "$tmp/$c.rs" "$tmp/$c.rss"
done
grep -q "expect \"$HELLO\": seen" "$tmp/uboot-process.out" ||
	die "ffa-harness did not show \"$HELLO\""
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- Compute --------------------------------------------------------------

ours=$(driver_field uboot hello >"$tmp/x" && median_of "$tmp/x")
ours_process=$(median uboot-process)
ours_process_off=$(median uboot-process-off)
qemu=$(driver_field qemu hello >"$tmp/x" && median_of "$tmp/x")
driver_field qemu countdown_start >"$tmp/c0"
driver_field qemu countdown_end >"$tmp/c1"
paste -d' ' "$tmp/c0" "$tmp/c1" | awk '{printf "%.6f\n", $2 - $1}' >"$tmp/x"
countdown=$(median_of "$tmp/x")
driver_field qemu hello | paste -d' ' - "$tmp/x" |
	awk '{printf "%.6f\n", $1 - $2}' >"$tmp/y"
qemu_nocount=$(median_of "$tmp/y")
qemu_prompt=$(driver_field qemu prompt >"$tmp/x" && median_of "$tmp/x")
ours_prompt=$(driver_field uboot prompt >"$tmp/x" && median_of "$tmp/x")
ratio=$(calc "$qemu / $ours")
ratio_nocount=$(calc "$qemu_nocount / $ours")
# Equal work: QEMU's countdown interrupted by a key; ffa-harness's takes
# virtual time only (its host time is shown).
qemu_equal=$(driver_field qemu-interrupted hello >"$tmp/x" && median_of "$tmp/x")
driver_field uboot countdown_start >"$tmp/c0"
driver_field uboot countdown_end >"$tmp/c1"
paste -d' ' "$tmp/c0" "$tmp/c1" | awk '{printf "%.6f\n", $2 - $1}' >"$tmp/x"
ours_countdown=$(median_of "$tmp/x")
ratio_equal=$(calc "$qemu_equal / $ours")
ours_every_turn=$(driver_field uboot-every-turn hello >"$tmp/x" && median_of "$tmp/x")
ratio_equal_every_turn=$(calc "$qemu_equal / $ours_every_turn")

j1_reset=$(median suite-j1-from-reset)
j1_fresh=$(median suite-j1-fresh-engines)
uboot_cold=$(median uboot-suite-from-reset)
uboot_snap=$(median uboot-suite)
qemu_uboot_suite=$(median qemu-uboot-suite)
uboot_count=$(wc -l <"$tmp/uboot-suite.names")
uboot_ratio_qemu=$(calc "$qemu_uboot_suite / $uboot_snap")
uboot_snap_every_turn=$(median uboot-suite-every-turn)
uboot_ratio_qemu_every_turn=$(calc "$qemu_uboot_suite / $uboot_snap_every_turn")
uboot_ratio_cold=$(calc "$uboot_cold / $uboot_snap")
if [ -f "$tmp/uboot-ffa.bin" ]; then
	ffa_cold=$(median ffa-suite-from-reset)
	ffa_snap=$(median ffa-suite)
	ffa_ratio_cold=$(calc "$ffa_cold / $ffa_snap")
	ffa_json="{\"scenarios\": \"scenarios/uboot-ffa and scenarios/uboot but boot-version-poweroff\", \"from_reset_s\": $ffa_cold, \"snapshots_s\": $ffa_snap, \"ratio_vs_from_reset\": $ffa_ratio_cold, \"qemu_s\": null, \"ratio_vs_qemu\": null, \"qemu_note\": \"plain QEMU cannot run the FF-A U-Boot: its SMCs are undefined without a secure world\"}"
else
	ffa_cold=null ffa_snap=null
	ffa_json=null
fi

scenarios=$(sed -n 's/^\([0-9]*\) scenarios*:.*/\1/p' "$tmp/suite-j1.out" |
	head -n 1)
[ -n "$scenarios" ] || die "cannot read the scenario count of the suite"
suite_summary=$(grep -m1 'scenario' "$tmp/suite-j1.out")
j1=$(median suite-j1)
j2=$(median suite-j2)
j1_rate=$(calc "$scenarios / $j1")
j2_rate=$(calc "$scenarios / $j2")

# Seconds configuration $1 takes beyond configuration $2: the median of
# the differences within each round (the two ran close together, under the
# same load), which is steadier than the difference of the medians.
paired_diff() { # CONFIG BASELINE
	paste -d' ' "$tmp/$1.times" "$tmp/$2.times" |
		awk '{printf "%.6f\n", $1 - $2}' >"$tmp/diff"
	median_of "$tmp/diff"
}

# Microseconds per iteration of configuration $1 beyond configuration $2.
per_call() { # CONFIG BASELINE ITERATIONS
	calc "$(paired_diff "$1" "$2") / $3 * 1e6"
}

# Million instructions per second of configuration $1 beyond $2.
mips() { # CONFIG BASELINE
	insns=$(($(insns_of "$1") - $(insns_of "$2")))
	calc "$insns / $(paired_diff "$1" "$2") / 1e6"
}

smc_n=$(iterations_of img-smc.off)
mm_n=$(iterations_of img-mm.off)
compute_n=$(iterations_of img-compute.off)
a57=cortex-a57
smc_cortex_a57=$(per_call img-smc.$a57 img-loop.$a57 "$smc_n")
smc_off=$(per_call img-smc.off img-loop.off "$smc_n")
mm_cortex_a57=$(per_call img-mm.$a57 img-mm-base.$a57 "$mm_n")
mm_off=$(per_call img-mm.off img-mm-base.off "$mm_n")
mmn_cortex_a57=$(per_call img-mm-nomaint.$a57 img-mm-nomaint-base.$a57 "$mm_n")
mmn_off=$(per_call img-mm-nomaint.off img-mm-nomaint-base.off "$mm_n")
mmreq_cortex_a57=$(per_call img-mm.$a57 img-empty.$a57 "$mm_n")
mmreq_off=$(per_call img-mm.off img-empty.off "$mm_n")
mmnreq_cortex_a57=$(per_call img-mm-nomaint.$a57 img-empty.$a57 "$mm_n")
mmnreq_off=$(per_call img-mm-nomaint.off img-empty.off "$mm_n")
mips_compute_cortex_a57=$(mips img-compute.$a57 img-empty.$a57)
mips_compute_off=$(mips img-compute.off img-empty.off)
mips_compute_shared_cortex_a57=$(mips img-compute-shared.$a57 img-empty.$a57)
mips_compute_shared_off=$(mips img-compute-shared.off img-empty.off)
checks_insns=$(($(print_step_insns checks-compute) - $(print_step_insns checks-none)))
mips_checks=$(calc "$checks_insns / $(paired_diff checks-compute checks-none) / 1e6")
checks_shared_insns=$(($(print_step_insns checks-compute-shared) - $(print_step_insns checks-none)))
mips_checks_shared=$(calc "$checks_shared_insns / $(paired_diff checks-compute-shared checks-none) / 1e6")

if [ $linux_ok = yes ]; then
	linux_harness=$(median linux-harness)
	linux_plain=$(median linux-plain)
	linux_process=$(median linux-process)
	linux_cost=$(calc "$linux_harness - $linux_plain")
	relay_us=$(median linux-storm)
	relay_host_us=$(median linux-storm-host)
	linux_json=$(printf '{"what": "Debian Linux %s (bundle, 1 CPU, no modules) from the start of QEMU to its shell (@@READY)", "through_ffa_harness_s": %s, "through_ffa_harness_process_s": %s, "plain_qemu_s": %s, "harness_cost_s": %s, "relay_smc_round_trip_us": %s, "relay_host_time_per_smc_us": %s, "scenarios": "%s, -j 1 (they share boot and the first load_module)", "scenario_cold_s": %s, "scenario_snapshot_s": %s, "pair_cold_s": %s, "pair_snapshot_s": %s}' \
		"$(cat "$LINUX/release" 2>/dev/null || echo '?')" "$linux_harness" \
		"$linux_process" \
		"$linux_plain" "$linux_cost" "$relay_us" "$relay_host_us" \
		"$LINUX_PAIR" "$(median linux-scenario-cold)" \
		"$(median linux-scenario-snapshot)" "$(median linux-pair-cold)" \
		"$(median linux-pair-snapshot)")
else
	linux_json=$(printf '{"skipped": "no Linux bundle in %s (make linux-bundle)", "scenario_cold_s": null, "scenario_snapshot_s": null}' "$LINUX")
fi

rss_field() { sed "s/.*$2=\([-0-9]*\).*/\1/" "$tmp/$1.rss"; }
rss_boot=$(rss_field uboot-process maxrss_kb)
rss_j1=$(rss_field suite-j1 maxrss_kb)
rss_j1_tree=$(rss_field suite-j1 tree_peak_kb)
rss_j2=$(rss_field suite-j2 maxrss_kb)
rss_j2_tree=$(rss_field suite-j2 tree_peak_kb)
rss_qemu=$(rss_field qemu tree_peak_kb)

# --- Write ----------------------------------------------------------------

json_samples() {
	first=yes
	for c in $CONFIGS; do
		[ $first = yes ] || printf ',\n'
		first=no
		printf '    "%s": [%s]' "$c" "$(paste -sd, "$tmp/$c.times")"
	done
	printf '\n'
}

json_string() { # $1 as a JSON string (no control characters expected)
	printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
unicorn=$(dpkg-query -W -f='${Version}' libunicorn-dev 2>/dev/null || echo unknown)
qemu_version=$("$QEMU" --version | head -n 1)

mkdir -p "$(dirname "$OUT")"
{
	printf '{\n'
	printf '  "format": "ffa-harness-bench",\n  "version": 1,\n'
	printf '  "date": "%s",\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	printf '  "host": {"cpu": %s, "cpus": %s, "load_before": "%s", "load_after": "%s", "unicorn": "%s", "qemu": %s},\n' \
		"$(json_string "$cpu")" "$(nproc)" "$load_before" "$load_after" \
		"$unicorn" "$(json_string "$qemu_version")"
	printf '  "runs": %s,\n  "busy": %s,\n' "$RUNS" \
		"$([ "$busy" = yes ] && echo true || echo false)"
	printf '  "headline": {\n'
	printf '    "what": "U-Boot (Debian qemu_arm64) from start to the text of bootefi hello, autoboot let run on both",\n'
	printf '    "ffa_harness_s": %s,\n    "ffa_harness_prompt_s": %s,\n    "ffa_harness_process_s": %s,\n    "ffa_harness_process_cache_model_off_s": %s,\n' \
		"$ours" "$ours_prompt" "$ours_process" "$ours_process_off"
	printf '    "qemu_s": %s,\n    "qemu_prompt_s": %s,\n    "qemu_autoboot_countdown_s": %s,\n    "qemu_without_countdown_s": %s,\n' \
		"$qemu" "$qemu_prompt" "$countdown" "$qemu_nocount"
	printf '    "ratio": %s,\n    "ratio_without_countdown": %s,\n' \
		"$ratio" "$ratio_nocount"
	printf '    "qemu_countdown_interrupted_s": %s,\n    "ffa_harness_countdown_s": %s,\n    "ratio_equal_work": %s,\n    "ffa_harness_every_loop_turn_s": %s,\n    "ratio_equal_work_every_loop_turn": %s\n  },\n' \
		"$qemu_equal" "$ours_countdown" "$ratio_equal" "$ours_every_turn" \
		"$ratio_equal_every_turn"
	printf '  "uboot_suite": {\n'
	printf '    "uboot": {"scenarios": %s, "from_reset_s": %s, "snapshots_s": %s, "ratio_vs_from_reset": %s, "qemu_s": %s, "ratio_vs_qemu": %s, "qemu_note": "one QEMU boot per scenario, countdown interrupted, the commands of the scenario typed", "snapshots_every_loop_turn_s": %s, "ratio_vs_qemu_every_loop_turn": %s},\n' \
		"$uboot_count" "$uboot_cold" "$uboot_snap" "$uboot_ratio_cold" \
		"$qemu_uboot_suite" "$uboot_ratio_qemu" "$uboot_snap_every_turn" \
		"$uboot_ratio_qemu_every_turn"
	printf '    "uboot_ffa": %s\n  },\n' "$ffa_json"
	printf '  "suite": {"path": "%s", "scenarios": %s, "summary": %s, "j1_s": %s, "j1_scenarios_per_s": %s, "scenarios_per_s_per_core": %s, "j1_from_reset_s": %s, "j1_from_reset_scenarios_per_s": %s, "j1_fresh_engines_s": %s, "j1_fresh_engines_scenarios_per_s": %s, "j2_s": %s, "j2_scenarios_per_s": %s},\n' \
		"$SUITE" "$scenarios" "$(json_string "$suite_summary")" "$j1" \
		"$j1_rate" "$j1_rate" "$j1_reset" "$(calc "$scenarios / $j1_reset")" \
		"$j1_fresh" "$(calc "$scenarios / $j1_fresh")" "$j2" "$j2_rate"
	printf '  "smc_round_trip_us": {"iterations": %s, "cortex-a57": %s, "off": %s},\n' \
		"$smc_n" "$smc_cortex_a57" "$smc_off"
	printf '  "mm_doorbell_us": {"iterations": %s,\n' "$mm_n"
	printf '    "maintenance": {"cortex-a57": %s, "off": %s},\n' "$mm_cortex_a57" "$mm_off"
	printf '    "no_maintenance_cache_off": {"cortex-a57": %s, "off": %s},\n' "$mmn_cortex_a57" "$mmn_off"
	printf '    "whole_request_maintenance": {"cortex-a57": %s, "off": %s},\n' "$mmreq_cortex_a57" "$mmreq_off"
	printf '    "whole_request_no_maintenance": {"cortex-a57": %s, "off": %s}},\n' "$mmnreq_cortex_a57" "$mmnreq_off"
	printf '  "mips": {"iterations": %s,\n' "$compute_n"
	printf '    "plain_cache_model_off": %s,\n    "plain_cache_model_on": %s,\n' \
		"$mips_compute_off" "$mips_compute_cortex_a57"
	printf '    "shared_buffer_cache_model_off": %s,\n    "shared_buffer_cache_model_on": %s,\n' \
		"$mips_compute_shared_off" "$mips_compute_shared_cortex_a57"
	printf '    "every_check": %s,\n    "every_check_shared_buffer": %s},\n' \
		"$mips_checks" "$mips_checks_shared"
	printf '  "linux": %s,\n' "$linux_json"
	printf '  "rss_kb": {"boot_uboot": %s, "suite_j1_largest_process": %s, "suite_j1_tree_peak": %s, "suite_j2_largest_process": %s, "suite_j2_tree_peak": %s, "qemu_uboot": %s},\n' \
		"$rss_boot" "$rss_j1" "$rss_j1_tree" "$rss_j2" "$rss_j2_tree" "$rss_qemu"
	printf '  "samples_s": {\n'
	json_samples
	printf '  }\n}\n'
} >"$OUT.tmp.$$"
jq empty "$OUT.tmp.$$" 2>/dev/null || {
	rm -f "$OUT.tmp.$$"
	die "internal error: the results are not valid JSON"
}
mv "$OUT.tmp.$$" "$OUT"

# --- Table ----------------------------------------------------------------

cat <<EOF

ffa-harness benchmark ($(nproc) CPUs, $cpu; load $load_before -> $load_after)
medians of $RUNS runs; results in $OUT
EOF
if [ "$busy" = yes ]; then
	echo "warning: other processes were using the CPUs when this started:" \
		"expect noise, most of all in the small per-call numbers"
fi
cat <<EOF

U-Boot to "bootefi hello" (autoboot runs on both)
  ffa-harness                     $(printf '%8.3f' "$ours") s   (prompt at $(printf '%.3f' "$ours_prompt") s)
    whole process, cache model on / off   $(printf '%.3f' "$ours_process") / $(printf '%.3f' "$ours_process_off") s
  QEMU TCG                        $(printf '%8.3f' "$qemu") s   (prompt at $(printf '%.3f' "$qemu_prompt") s)
    of which autoboot countdown   $(printf '%8.3f' "$countdown") s   (real time in QEMU, virtual in ffa-harness)
  ratio QEMU / ffa-harness        $(printf '%8.2f' "$ratio")     ($(printf '%.2f' "$ratio_nocount") without the countdown)
  equal work: QEMU with the countdown interrupted   $(printf '%.3f' "$qemu_equal") s, ratio $(printf '%.2f' "$ratio_equal")
    every loop turn run (--no-fast-loops)   $(printf '%.3f' "$ours_every_turn") s, ratio $(printf '%.2f' "$ratio_equal_every_turn")

U-Boot suites (snapshots / from reset / plain QEMU, one boot per scenario)
  scenarios/uboot ($uboot_count)           $(printf '%.3f' "$uboot_snap") / $(printf '%.3f' "$uboot_cold") / $(printf '%.3f' "$qemu_uboot_suite") s   ($(printf '%.1f' "$uboot_ratio_qemu")x QEMU, $(printf '%.1f' "$uboot_ratio_cold")x from reset)
    every loop turn run (--no-fast-loops)  $(printf '%.3f' "$uboot_snap_every_turn") s   ($(printf '%.1f' "$uboot_ratio_qemu_every_turn")x QEMU)
  FF-A U-Boot suites              $(if [ "$ffa_snap" = null ]; then echo "not run (make uboot-ffa)"; else printf '%.3f / %.3f s   (plain QEMU cannot run it)' "$ffa_snap" "$ffa_cold"; fi)

Scenario suite ($SUITE, $scenarios scenarios)
  -j1                             $(printf '%8.3f' "$j1") s   $(printf '%6.1f' "$j1_rate") scenarios/s
  -j1 from reset (--no-snapshots) $(printf '%8.3f' "$j1_reset") s
  -j1 a new engine each (--fresh-engines) $(printf '%8.3f' "$j1_fresh") s
  -j2                             $(printf '%8.3f' "$j2") s   $(printf '%6.1f' "$j2_rate") scenarios/s

Secure-world calls (per call, baseline loop subtracted)   cache model: cortex-a57 / off
  SMC round trip (FFA_ID_GET)             $(printf '%8.2f' "$smc_cortex_a57") / $(printf '%8.2f' "$smc_off") us
  MM doorbell, DC CVAC/IVAC, cache on     $(printf '%8.2f' "$mm_cortex_a57") / $(printf '%8.2f' "$mm_off") us
  MM doorbell, no maintenance, cache off  $(printf '%8.2f' "$mmn_cortex_a57") / $(printf '%8.2f' "$mmn_off") us
  whole GET_VARIABLE (build, copy, DC, SMC, copy back)
    with maintenance                      $(printf '%8.2f' "$mmreq_cortex_a57") / $(printf '%8.2f' "$mmreq_off") us
    without                               $(printf '%8.2f' "$mmnreq_cortex_a57") / $(printf '%8.2f' "$mmnreq_off") us

Execution (loop with a load and a store), million instructions/s
  plain, cache model off / on             $(printf '%8.1f' "$mips_compute_off") / $(printf '%8.1f' "$mips_compute_cortex_a57")
  on the watched shared buffer, off / on  $(printf '%8.1f' "$mips_compute_shared_off") / $(printf '%8.1f' "$mips_compute_shared_cortex_a57")
  every check (runtime guard, cache model, watch), RAM / shared buffer
                                          $(printf '%8.1f' "$mips_checks") / $(printf '%8.1f' "$mips_checks_shared")

EOF
if [ $linux_ok = yes ]; then
	printf 'Linux on QEMU (the bundle, to its shell)\n'
	printf '  through ffa-harness (EL3 relay)   %8.3f s   (whole process to power off %.3f s)\n' "$linux_harness" "$linux_process"
	printf '  plain QEMU (-kernel)              %8.3f s   (cost of the harness %.3f s)\n' "$linux_plain" "$linux_cost"
	printf '  SMC round trip through the relay  %8.1f us  (host %.1f us of it)\n' "$relay_us" "$relay_host_us"
	printf '  a Linux scenario from reset / from a snapshot  %.3f / %.3f s (the pair: %.3f / %.3f s)\n\n' \
		"$(median linux-scenario-cold)" "$(median linux-scenario-snapshot)" \
		"$(median linux-pair-cold)" "$(median linux-pair-snapshot)"
else
	printf 'Linux on QEMU: skipped, no bundle in %s (make linux-bundle)\n\n' "$LINUX"
fi
cat <<EOF
Peak resident memory
  boot of U-Boot                  $(printf '%8d' "$rss_boot") kB
  suite -j1: largest process      $(printf '%8d' "$rss_j1") kB, all at once $(printf '%d' "$rss_j1_tree") kB (sampled)
  suite -j2: largest process      $(printf '%8d' "$rss_j2") kB, all at once $(printf '%d' "$rss_j2_tree") kB (sampled)
  QEMU to the hello text          $(printf '%8d' "$rss_qemu") kB (sampled)
EOF
