#!/bin/sh
# Builds upstream U-Boot for qemu_arm64 with FF-A and EFI_MM_COMM_TEE, from
# Debian's source package (trixie: U-Boot 2025.01; bookworm's 2023.01 has
# no FF-A driver), then runs scenarios/uboot-ffa and scenarios/uboot
# against it.  Part of `make check` (about 70 s the first time: the
# download and the build are kept in WORKDIR); docs/uboot.md has what it
# showed.
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

tarball=$work/u-boot_$version.orig.tar.bz2
if [ ! -f "$tarball" ]; then
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

src=$work/u-boot-$version
if [ ! -f "$src/u-boot.bin" ]; then
	rm -rf "$src"
	tar xjf "$tarball" -C "$work"
	make -C "$src" -s CROSS_COMPILE=aarch64-linux-gnu- qemu_arm64_defconfig
	# The configuration of docs/uboot.md's walkthrough (the sizes are
	# decimal: Kconfig ints take no 0x).
	cat >>"$src/.config" <<'EOF'
CONFIG_ARM_FFA_TRANSPORT=y
CONFIG_ARM_SMCCC_FEATURES=y
CONFIG_TEE=y
CONFIG_OPTEE=y
CONFIG_EFI_MM_COMM_TEE=y
CONFIG_FFA_SHARED_MM_BUF_ADDR=0x60000000
CONFIG_FFA_SHARED_MM_BUF_SIZE=16384
CONFIG_FFA_SHARED_MM_BUF_OFFSET=0
EOF
	make -C "$src" -s CROSS_COMPILE=aarch64-linux-gnu- olddefconfig
	grep -q '^CONFIG_FFA_SHARED_MM_BUF_SIZE=16384$' "$src/.config" ||
		{ echo "uboot-ffa: the FF-A configuration did not take"; exit 1; }
	echo "uboot-ffa: building U-Boot $version with FF-A"
	make -C "$src" -s -j"$(nproc)" CROSS_COMPILE=aarch64-linux-gnu- >/dev/null
fi

# scenarios/uboot/boot-version-poweroff.yaml expects Debian's 2023.01
# banner, so it is left out; every other U-Boot scenario must pass.
set -- $(ls scenarios/uboot/*.yaml | grep -v boot-version-poweroff)
"$bin" run --image "$src/u-boot.bin" --platform qemu-virt-ffa \
	--report-dir "$work/report" scenarios/uboot-ffa "$@"

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
