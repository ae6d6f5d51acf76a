#!/bin/sh
# Builds upstream U-Boot for qemu_arm64 with FF-A and EFI_MM_COMM_TEE, from
# Debian's source package (trixie: U-Boot 2025.01; bookworm's 2023.01 has
# no FF-A driver), then runs scenarios/uboot-ffa and scenarios/uboot
# against it.  From the same download it builds a second U-Boot over
# OP-TEE only (OPTEE + EFI_MM_COMM_TEE, no ARM_FFA_TRANSPORT), in its own
# output directory, and runs scenarios/uboot-optee and scenarios/uboot
# against it on qemu-virt-optee, and its store test.  Part of
# `make check` (the download and both builds are kept in WORKDIR, and the
# builds in FFA_UBOOT_CACHE, default $HOME/.cache/ffa-harness/uboot, keyed
# by version, toolchain and configuration, so that a fresh clone copies
# them instead of building); docs/uboot.md has what they showed.
#
#   scripts/uboot-ffa.sh BIN [WORKDIR]     (make uboot-ffa)
set -eu
bin=${1:?usage: uboot-ffa.sh BIN [WORKDIR]}
work=${2:-build/uboot-ffa}
suite=${UBOOT_FFA_SUITE:-trixie}
version=2025.01
mkdir -p "$work"
work=$(cd "$work" && pwd)

# Its build tools come from scripts/install-deps.sh (the Makefile's set-up).
command -v aarch64-linux-gnu-gcc >/dev/null ||
	{ echo "uboot-ffa: no aarch64-linux-gnu-gcc: run scripts/install-deps.sh"; exit 1; }

# The two configurations (docs/uboot.md's walkthrough; Kconfig ints take
# no 0x).
ffa_config='CONFIG_ARM_FFA_TRANSPORT=y
CONFIG_ARM_SMCCC_FEATURES=y
CONFIG_TEE=y
CONFIG_OPTEE=y
CONFIG_EFI_MM_COMM_TEE=y
CONFIG_FFA_SHARED_MM_BUF_ADDR=0x60000000
CONFIG_FFA_SHARED_MM_BUF_SIZE=16384
CONFIG_FFA_SHARED_MM_BUF_OFFSET=0'
optee_config='CONFIG_TEE=y
CONFIG_OPTEE=y
CONFIG_EFI_MM_COMM_TEE=y
# CONFIG_ARM_FFA_TRANSPORT is not set'

# The build cache: one directory per (version, toolchain, configuration).
cache=${FFA_UBOOT_CACHE:-${HOME:-/root}/.cache/ffa-harness/uboot}
toolchain=$(aarch64-linux-gnu-gcc --version | head -n 1)
cache_key() { # NAME CONFIG
	printf '%s-%s\n' "$1" "$(printf '%s\n%s\n%s\n' "$version" "$toolchain" "$2" |
		sha256sum | cut -c1-16)"
}
ffa_cached=$cache/$(cache_key ffa "$ffa_config")
optee_cached=$cache/$(cache_key optee "$optee_config")
# Keeps DIR in the cache as NAME (atomically: a half-copied entry never
# shows); a failure to cache is only a lost shortcut.
cache_store() { # DIR ENTRY
	[ -d "$2" ] && return 0
	mkdir -p "$cache" 2>/dev/null || return 0
	rm -rf "$2.tmp.$$"
	if cp -a "$1" "$2.tmp.$$" 2>/dev/null; then
		mv "$2.tmp.$$" "$2" 2>/dev/null || rm -rf "$2.tmp.$$"
	else
		rm -rf "$2.tmp.$$"
	fi
}

src=$work/u-boot-$version
optee_out=$work/u-boot-optee
# The whole FF-A tree (test/py and scripts/mutation-uboot.sh need it); of
# the OP-TEE build only its outputs (its Makefile names the source path).
if [ ! -f "$src/u-boot.bin" ] && [ -f "$ffa_cached/u-boot.bin" ]; then
	rm -rf "$src"
	cp -a "$ffa_cached" "$src"
	echo "uboot-ffa: U-Boot $version with FF-A from $ffa_cached"
fi
if [ ! -f "$optee_out/u-boot.bin" ] && [ -f "$optee_cached/u-boot.bin" ]; then
	rm -rf "$optee_out"
	cp -a "$optee_cached" "$optee_out"
	echo "uboot-ffa: U-Boot $version over OP-TEE from $optee_cached"
fi

tarball=$work/u-boot_$version.orig.tar.bz2
if { [ ! -f "$src/u-boot.bin" ] || [ ! -f "$optee_out/u-boot.bin" ]; } &&
	[ ! -f "$tarball" ]; then
	# A private source list, so that the system's apt state is untouched.
	cat >"$work/trixie.sources" <<EOF
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
	mkdir -p "$work/lists/partial"
	apt="-o Dir::Etc::SourceList=$work/trixie.sources -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=$work/lists"
	apt-get $apt update >/dev/null
	# Only the upstream tarball is used; the archive may lack the .dsc of
	# the newest revision, which makes apt-get fail after the tarball.
	(cd "$work" && apt-get $apt source --download-only u-boot >/dev/null 2>&1) || true
	[ -f "$tarball" ] || { echo "uboot-ffa: could not download $tarball"; exit 1; }
fi

if [ ! -f "$src/u-boot.bin" ]; then
	rm -rf "$src"
	tar xjf "$tarball" -C "$work"
	make -C "$src" -s CROSS_COMPILE=aarch64-linux-gnu- qemu_arm64_defconfig
	printf '%s\n' "$ffa_config" >>"$src/.config"
	make -C "$src" -s CROSS_COMPILE=aarch64-linux-gnu- olddefconfig
	grep -q '^CONFIG_FFA_SHARED_MM_BUF_SIZE=16384$' "$src/.config" ||
		{ echo "uboot-ffa: the FF-A configuration did not take"; exit 1; }
	echo "uboot-ffa: building U-Boot $version with FF-A"
	make -C "$src" -s -j"$(nproc)" CROSS_COMPILE=aarch64-linux-gnu- >/dev/null
	cache_store "$src" "$ffa_cached"
fi

# The OP-TEE build: a pristine copy of the source (Kbuild refuses O= from a
# tree that has been built in, and scripts/mutation-uboot.sh patches the
# FF-A tree) and its own output directory.  Without ARM_FFA_TRANSPORT,
# lib/efi_loader/efi_variable_tee.c's mm_communicate() always calls
# optee_mm_communicate(): an StMM session per request.
optee_src=$work/src/u-boot-$version
if [ ! -f "$optee_out/u-boot.bin" ]; then
	if [ ! -f "$optee_src/Makefile" ]; then
		rm -rf "$work/src"
		mkdir -p "$work/src"
		tar xjf "$tarball" -C "$work/src"
	fi
	rm -rf "$optee_out"
	mkdir -p "$optee_out"
	kmake="make -C $optee_src -s O=$optee_out CROSS_COMPILE=aarch64-linux-gnu-"
	$kmake qemu_arm64_defconfig
	printf '%s\n' "$optee_config" >>"$optee_out/.config"
	$kmake olddefconfig
	if ! grep -q '^CONFIG_EFI_MM_COMM_TEE=y$' "$optee_out/.config" ||
		grep -q '^CONFIG_ARM_FFA_TRANSPORT=y$' "$optee_out/.config"; then
		echo "uboot-ffa: the OP-TEE configuration did not take"
		exit 1
	fi
	echo "uboot-ffa: building U-Boot $version over OP-TEE"
	$kmake -j"$(nproc)" >/dev/null
	mkdir -p "$work/optee-outputs"
	for f in u-boot.bin u-boot .config System.map; do
		cp "$optee_out/$f" "$work/optee-outputs/"
	done
	cache_store "$work/optee-outputs" "$optee_cached"
	rm -rf "$work/optee-outputs"
fi

# scenarios/uboot/boot-version-poweroff.yaml expects Debian's 2023.01
# banner, so it is left out; every other U-Boot scenario must pass.
set -- $(ls scenarios/uboot/*.yaml | grep -v boot-version-poweroff)
"$bin" run --image "$src/u-boot.bin" --platform qemu-virt-ffa \
	--report-dir "$work/report" scenarios/uboot-ffa "$@"

# Snapshots (docs/cli.md) must not change a byte of the results: the same
# suites with every scenario from reset.
"$bin" run --quiet --no-snapshots --image "$src/u-boot.bin" \
	--platform qemu-virt-ffa --json "$work/from-reset.json" \
	scenarios/uboot-ffa "$@"
cmp "$work/report/results.json" "$work/from-reset.json" ||
	{ echo "uboot-ffa: results from snapshots differ from results from reset"; exit 1; }
# Nor may engine reuse (emulator/machine_pool.c), nor fast loops
# (emulator/machine_loops.c): a new engine each, every loop turn run.
"$bin" run --quiet --no-snapshots --fresh-engines --no-fast-loops \
	--image "$src/u-boot.bin" \
	--platform qemu-virt-ffa --json "$work/fresh-engines.json" \
	scenarios/uboot-ffa "$@"
cmp "$work/report/results.json" "$work/fresh-engines.json" ||
	{ echo "uboot-ffa: results on fresh engines running every loop turn differ from the default run's"; exit 1; }

# U-Boot's own test/py against the image through `ffa-harness console` and
# the hook scripts of scripts/u-boot-test-hooks (docs/uboot.md).
UBOOT_FFA_SRC="$src" FFAH="$bin" FFAH_FW_DIR="$(dirname "$bin")/firmware" \
	sh tests/integration/test-console-testpy.sh || {
	rc=$?
	[ "$rc" -eq 77 ] || exit "$rc"
}

# The same image on the QEMU backend (docs/qemu-backend.md), if QEMU is here.
UBOOT_FFA="$src/u-boot.bin" FFAH="$bin" FFAH_FW_DIR="$(dirname "$bin")/firmware" \
	sh tests/integration/test-qemu-uboot-ffa.sh || {
	rc=$?
	[ "$rc" -eq 77 ] || exit "$rc"
}

# The OP-TEE build: scenarios/uboot-optee and the same U-Boot scenarios on
# the platform with /firmware/optee, then its variables in a store file
# across boots, shared with the FF-A build.
"$bin" run --image "$optee_out/u-boot.bin" --platform qemu-virt-optee \
	--report-dir "$work/report-optee" scenarios/uboot-optee "$@"
"$bin" run --quiet --no-snapshots --fresh-engines --no-fast-loops \
	--image "$optee_out/u-boot.bin" --platform qemu-virt-optee \
	--json "$work/optee-fresh-engines.json" scenarios/uboot-optee "$@"
cmp "$work/report-optee/results.json" "$work/optee-fresh-engines.json" ||
	{ echo "uboot-ffa: OP-TEE results on fresh engines running every loop turn differ from the default run's"; exit 1; }
UBOOT_OPTEE="$optee_out/u-boot.bin" UBOOT_FFA="$src/u-boot.bin" FFAH="$bin" \
	FFAH_FW_DIR="$(dirname "$bin")/firmware" \
	sh tests/integration/test-uboot-optee-store.sh

# The OP-TEE build starts Linux with bootefi (the Linux bundle of `make
# linux-bundle`, skipped without it): U-Boot and tee_stmm_efi share the
# store (docs/optee.md "Linux").
UBOOT_OPTEE="$optee_out/u-boot.bin" FFAH="$bin" \
	FFAH_FW_DIR="$(dirname "$bin")/firmware" \
	FFAH_LINUX_BUNDLE="${FFAH_LINUX_BUNDLE:-$(dirname "$work")/linux}" \
	sh tests/integration/test-qemu-linux-uboot-optee.sh || {
	rc=$?
	[ "$rc" -eq 77 ] || exit "$rc"
}
