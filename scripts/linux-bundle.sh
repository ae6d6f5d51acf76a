#!/bin/sh
# Builds the Linux bundle of the QEMU backend (docs/qemu-backend.md) from
# Debian's arm64 packages: the kernel Image, the arm_ffa driver built out of
# tree from Debian's linux-source-6.12 (Debian's kernels leave
# CONFIG_ARM_FFA_TRANSPORT off), Linux's tee_stmm_efi built the same way
# (CONFIG_TEE_STMM_EFI off too), the project's FF-A test client
# (linux/ffa-harness-test), and an initramfs with busybox, efivarfs,
# Debian's tee and optee modules and a line protocol on the console
# (scripts/linux-init.sh).
#
#   scripts/linux-bundle.sh [OUTDIR]        (make linux-bundle)
#
# Everything downloaded and built is cached under FFA_LINUX_CACHE (default
# $HOME/.cache/ffa-harness/linux), keyed by package versions: a second run
# only copies.  The arm64 packages are downloaded with a private apt
# configuration and unpacked with dpkg-deb -x; nothing is installed.
# Versions are chosen now with apt-cache, since old ones leave the mirror.
set -eu
out=${1:-build/linux}
cache=${FFA_LINUX_CACHE:-$HOME/.cache/ffa-harness/linux}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out" "$cache"
out=$(cd "$out" && pwd)
cache=$(cd "$cache" && pwd)

# pahole and libelf-dev (not checked here) keep the image's BTF options:
# modules_prepare then builds resolve_btfids.
for tool in aarch64-linux-gnu-gcc cpio xz pahole; do
	command -v $tool >/dev/null ||
		{ echo "linux-bundle: no $tool: run scripts/install-deps.sh"; exit 1; }
done

# A private apt state for arm64: the host's sources, lists and status are
# left alone.
apt_dir=$cache/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"
cat >"$apt_dir/sources.list" <<SRC
deb [arch=arm64] http://deb.debian.org/debian bookworm main
deb [arch=arm64] http://deb.debian.org/debian bookworm-backports main
deb [arch=arm64] http://deb.debian.org/debian-security bookworm-security main
SRC
: >"$apt_dir/status"
apt_opts="-o Dir::Etc::SourceList=$apt_dir/sources.list -o Dir::Etc::SourceParts=/dev/null
 -o Dir::State::Lists=$apt_dir/lists -o Dir::State::Status=$apt_dir/status
 -o Dir::Cache=$apt_dir/cache -o APT::Architecture=arm64
 -o APT::Architectures::=arm64 -o Debug::NoLocking=1"
mkdir -p "$apt_dir/cache/archives/partial"
# Lists older than a day are refreshed (versions drift as updates land).
if [ -z "$(find "$apt_dir/lists" -name '*Packages*' -mtime -1 2>/dev/null | head -1)" ]; then
	echo "linux-bundle: apt-get update (arm64, private lists)"
	apt-get $apt_opts update >/dev/null
fi

# The newest 6.12 arm64 unsigned image the suites have.
image_pkg=$(apt-cache $apt_opts pkgnames linux-image-6.12 2>/dev/null |
	grep -E '^linux-image-6\.12\.[0-9]+\+deb12-arm64-unsigned$' | sort -V | tail -1)
[ -n "$image_pkg" ] || { echo "linux-bundle: no linux-image-6.12.*-arm64-unsigned in the archive"; exit 1; }
release=${image_pkg#linux-image-}
release=${release%-unsigned}
headers_pkg=linux-headers-$release
src_ver=$(apt-cache $apt_opts policy linux-source-6.12 | sed -n 's/^  Candidate: //p')
bb_ver=$(apt-cache $apt_opts policy busybox-static | sed -n 's/^  Candidate: //p')
[ -n "$src_ver" ] && [ "$src_ver" != "(none)" ] || { echo "linux-bundle: no linux-source-6.12"; exit 1; }
echo "linux-bundle: kernel $release, linux-source-6.12 $src_ver, busybox-static $bb_ver"

key=$release-src$src_ver-bb$bb_ver
key=$(echo "$key" | tr '~:+' '___')
kdir=$cache/$key
mkdir -p "$kdir/debs"

download() { # package
	if ! ls "$kdir/debs/$1"_*.deb >/dev/null 2>&1; then
		(cd "$kdir/debs" && apt-get $apt_opts download "$1:arm64" >/dev/null 2>&1 ||
			apt-get $apt_opts download "$1" >/dev/null) ||
			{ echo "linux-bundle: could not download $1"; exit 1; }
	fi
}
for p in "$image_pkg" "$headers_pkg" "linux-headers-${release%-arm64}-common" \
	linux-source-6.12 busybox-static; do
	download "$p"
done

if [ ! -f "$kdir/root/.done" ]; then
	rm -rf "$kdir/root"
	mkdir -p "$kdir/root"
	for d in "$kdir"/debs/*.deb; do
		case "$d" in *linux-source*) continue ;; esac
		dpkg-deb -x "$d" "$kdir/root"
	done
	touch "$kdir/root/.done"
fi
image=$kdir/root/boot/vmlinuz-$release
[ -f "$image" ] || { echo "linux-bundle: $image missing"; exit 1; }

# The out-of-tree modules are built in a kernel tree prepared from
# Debian's source with the image's configuration, its release string and
# its Module.symvers (a newer source minor version is tolerated: the
# modules' imports are checked by modversions at insmod).  pahole must be
# there: without it Kconfig drops DEBUG_INFO_BTF_MODULES, which changes the
# layout of struct module, and the kernel refuses the module.  Each
# module's directory name carries its recipe's revision.
tree=$kdir/srcx/linux-source-6.12
kmake="make -C $tree ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- -s"
prepare_tree() {
	[ -f "$kdir/srcx/.prepared" ] && return 0
	src_deb=$(ls "$kdir"/debs/linux-source-6.12_*.deb)
	srcx=$kdir/srcx
	if [ ! -f "$srcx/.done" ]; then
		rm -rf "$srcx"
		mkdir -p "$srcx"
		dpkg-deb -x "$src_deb" "$srcx/deb"
		tar -xJf "$srcx"/deb/usr/src/linux-source-6.12.tar.xz -C "$srcx"
		rm -rf "$srcx/deb"
		touch "$srcx/.done"
	fi
	hdr=$kdir/root/usr/src/linux-headers-$release
	cp "$kdir/root/boot/config-$release" "$tree/.config"
	cp "$hdr/Module.symvers" "$tree/Module.symvers"
	"$tree/scripts/config" --file "$tree/.config" -d MODULE_SIG_ALL \
		--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS "" \
		--set-str MODULE_SIG_KEY ""
	$kmake olddefconfig >/dev/null
	nice -n 10 $kmake -j2 modules_prepare
	# vermagic must name the image's release, not the source's.
	echo "$release" >"$tree/include/config/kernel.release"
	echo "#define UTS_RELEASE \"$release\"" >"$tree/include/generated/utsrelease.h"
	for opt in DEBUG_INFO_BTF_MODULES MODVERSIONS MODULE_SIG; do
		grep -q "^CONFIG_$opt=y" "$tree/.config" ||
			grep -q "^# CONFIG_$opt is not set" "$kdir/root/boot/config-$release" ||
			{ echo "linux-bundle: CONFIG_$opt differs from the image's"; exit 1; }
	done
	touch "$kdir/srcx/.prepared"
}

# The arm_ffa driver (Debian leaves CONFIG_ARM_FFA_TRANSPORT off).
mod_dir=$kdir/arm_ffa-r2
if [ ! -f "$mod_dir/ffa-module.ko" ]; then
	prepare_tree
	rm -rf "$mod_dir"
	mkdir -p "$mod_dir"
	cp "$tree"/drivers/firmware/arm_ffa/*.c "$tree"/drivers/firmware/arm_ffa/*.h "$mod_dir/"
	# Two modules, since bus.c and driver.c each have an initcall: the bus
	# (ffa-core) and the driver with its SMCCC transport (ffa-module).
	cat >"$mod_dir/Kbuild" <<'KB'
ccflags-y += -DCONFIG_ARM_FFA_TRANSPORT_MODULE=1 -DCONFIG_ARM_FFA_SMCCC=1
obj-m := ffa-core.o ffa-module.o
ffa-core-y := bus.o
ffa-module-y := driver.o smccc.o
KB
	nice -n 10 $kmake -j2 M="$mod_dir" modules
	[ -f "$mod_dir/ffa-module.ko" ] || { echo "linux-bundle: arm_ffa did not build"; exit 1; }
	aarch64-linux-gnu-strip --strip-debug "$mod_dir"/*.ko
fi

# Linux's tee_stmm_efi (drivers/firmware/efi/stmm, since 6.7; Debian leaves
# CONFIG_TEE_STMM_EFI off).  It depends on tee only (and on vmlinux's
# efivars exports); tee.ko and optee.ko come with Debian's image.
stmm_dir=$kdir/tee_stmm_efi-r1
if [ ! -f "$stmm_dir/tee_stmm_efi.ko" ]; then
	prepare_tree
	rm -rf "$stmm_dir"
	mkdir -p "$stmm_dir"
	cp "$tree"/drivers/firmware/efi/stmm/tee_stmm_efi.c \
		"$tree"/drivers/firmware/efi/stmm/mm_communication.h "$stmm_dir/"
	echo 'obj-m := tee_stmm_efi.o' >"$stmm_dir/Kbuild"
	nice -n 10 $kmake -j2 M="$stmm_dir" modules
	[ -f "$stmm_dir/tee_stmm_efi.ko" ] ||
		{ echo "linux-bundle: tee_stmm_efi did not build"; exit 1; }
	aarch64-linux-gnu-strip --strip-debug "$stmm_dir"/*.ko
fi

# ffa_harness_test (linux/ffa-harness-test): the project's own FF-A client
# of the test partition, built the same way against ffa-core's exports.
# Its directory name carries a hash of its source, so an edit rebuilds it.
fht_src=$here/../linux/ffa-harness-test
fht_key=$(cat "$fht_src/Kbuild" "$fht_src/ffa_harness_test.c" | sha256sum | cut -c1-12)
fht_dir=$kdir/ffa_harness_test-$fht_key
if [ ! -f "$fht_dir/ffa_harness_test.ko" ]; then
	prepare_tree
	rm -rf "$fht_dir"
	mkdir -p "$fht_dir"
	cp "$fht_src/Kbuild" "$fht_src/ffa_harness_test.c" "$fht_dir/"
	nice -n 10 $kmake -j2 M="$fht_dir" \
		KBUILD_EXTRA_SYMBOLS="$mod_dir/Module.symvers" modules
	[ -f "$fht_dir/ffa_harness_test.ko" ] ||
		{ echo "linux-bundle: ffa_harness_test did not build"; exit 1; }
	aarch64-linux-gnu-strip --strip-debug "$fht_dir"/*.ko
fi

# A module of Debian's image, uncompressed into DIR/NAME.ko.
image_module() { # NAME DIR
	m=$(find "$kdir/root/lib/modules/$release" -name "$1.ko*" | head -1)
	case "$m" in
	*.xz) xz -dc "$m" >"$2/$1.ko" ;;
	*.ko) cp "$m" "$2/$1.ko" ;;
	*) echo "linux-bundle: no $1 module in the image"; exit 1 ;;
	esac
}

# The initramfs: busybox, the modules, efivarfs, and the init script.  Its
# name carries a hash of /init, chattr's source, ffa_harness_test's key and
# the module set's revision (r3: ffa_harness_test), so that trees with
# another /init share the cache.
ir_key=$( (cat "$here/linux-init.sh" "$here/linux-chattr.c"; echo "r3 $fht_key") |
	sha256sum | cut -c1-12)
initrd=$kdir/initrd-$ir_key.cpio.gz
if [ ! -s "$initrd" ] || [ "$(wc -c <"$initrd")" -lt 100000 ] ||
	[ "$stmm_dir/tee_stmm_efi.ko" -nt "$initrd" ]; then
	ir=$kdir/initramfs-$ir_key
	rm -rf "$ir"
	mkdir -p "$ir/bin" "$ir/lib/modules" "$ir/proc" "$ir/sys" "$ir/dev" "$ir/tmp"
	cp "$kdir/root/bin/busybox" "$ir/bin/busybox"
	cp "$here/linux-init.sh" "$ir/init"
	chmod 755 "$ir/init"
	# busybox-static has no chattr; efivarfs files are immutable.
	aarch64-linux-gnu-gcc -Os -static -nostdlib -ffreestanding \
		-fno-stack-protector -fno-asynchronous-unwind-tables \
		-o "$ir/bin/chattr" "$here/linux-chattr.c"
	cp "$mod_dir"/ffa-core.ko "$mod_dir"/ffa-module.ko "$ir/lib/modules/"
	# The OP-TEE route (docs/optee.md): tee, optee (depends on tee),
	# tee_stmm_efi (depends on tee).
	for m in efivarfs tee optee; do
		image_module $m "$ir/lib/modules"
	done
	cp "$stmm_dir/tee_stmm_efi.ko" "$ir/lib/modules/"
	# Loaded by scenarios only (load_module), never by /init.
	cp "$fht_dir/ffa_harness_test.ko" "$ir/lib/modules/"
	(cd "$ir" && find . | cpio -o -H newc --quiet >"$initrd.$$.cpio")
	gzip -9 <"$initrd.$$.cpio" >"$initrd.$$.tmp"
	rm -f "$initrd.$$.cpio"
	gzip -dc "$initrd.$$.tmp" | cpio -t --quiet 2>/dev/null | grep -qx init ||
		{ echo "linux-bundle: the initramfs has no /init"; exit 1; }
	mv "$initrd.$$.tmp" "$initrd"
	rm -rf "$ir"
fi

# Debian's arm64 vmlinuz is an uncompressed Image (with an EFI stub).
if gzip -t "$image" 2>/dev/null; then
	gzip -dc "$image" >"$out/Image"
else
	cp "$image" "$out/Image"
fi
cp "$initrd" "$out/initrd.cpio.gz"
cp "$mod_dir"/ffa-core.ko "$mod_dir"/ffa-module.ko "$stmm_dir/tee_stmm_efi.ko" \
	"$fht_dir/ffa_harness_test.ko" "$out/"
echo "$release" >"$out/release"
# Where the source package is: scripts/linux-ffa-builtin.sh builds from it.
ls "$kdir"/debs/linux-source-6.12_*.deb >"$out/linux-source"
echo "linux-bundle: $out (kernel $release)"
