#!/bin/sh
# make check-linux: every scenario of scenarios/linux on QEMU, reports in
# OUT/linux-report.  The init-order scenarios (scenarios/linux/init-order)
# need the kernel with arm_ffa built in, which make check-linux does not
# build (make linux-kernel-ffa-builtin, about 10 minutes): without it they
# are not run, and a SKIPPED line says so; they are never counted as passed.
#
#   scripts/check-linux.sh BIN FIRMWARE_DIR OUT
set -eu
bin=$1 fw=$2 out=$3
builtin=$out/linux/ffa-builtin/Image
export FFAH_LINUX_BUNDLE="$out/linux"
export FFAH_UBOOT_FFA="$out/uboot-ffa/u-boot-2025.01/u-boot.bin"
export FFAH_UBOOT_OPTEE="$out/uboot-ffa/u-boot-optee/u-boot.bin"
if [ -r "$builtin" ]; then
	set -- scenarios/linux
	skipped=
else
	set -- $(find scenarios/linux -name '*.yaml' ! -path '*/init-order/*' | sort)
	skipped=$(find scenarios/linux/init-order -name '*.yaml' | wc -l)
fi
rc=0
"$bin" run -j 2 --firmware-dir "$fw" --report-dir "$out/linux-report" "$@" || rc=$?
if [ -n "$skipped" ]; then
	echo "SKIPPED: scenarios/linux/init-order ($skipped scenarios, not run," \
		"not passed): no $builtin; make linux-kernel-ffa-builtin builds it"
fi
exit $rc
