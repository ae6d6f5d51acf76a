#!/bin/sh
# Builds a small virt-only arm64 kernel with the arm_ffa driver built in
# (CONFIG_ARM_FFA_TRANSPORT=y) from Debian's linux-source-6.12, for the
# FF-A init-order scenarios (scenarios/linux/init-order, docs/qemu-backend.md
# "The FF-A init order").  Built in, ffa_init() runs at the rootfs initcall
# level (since 6.12.43, drivers/firmware/arm_ffa/driver.c), before KVM's
# device initcall: the host talks FF-A before pKVM can negotiate.
# Debian's own kernels leave the driver off, and as a module it always
# loads after pKVM.
#
#   scripts/linux-ffa-builtin.sh [BUNDLE]    (make linux-kernel-ffa-builtin)
#
# BUNDLE (default build/linux) is the Linux bundle of scripts/linux-bundle.sh,
# whose cache holds the source package; the kernel goes to BUNDLE/ffa-builtin
# ({Image,release,config}) and the scenarios use the bundle's initramfs.
# The build (allnoconfig, the fragment below, `make Image`; about 10 minutes
# on two cores) is cached under FFA_LINUX_CACHE/ffa-builtin/KEY, KEY naming
# the source package's version, the cross compiler's and the recipe's
# revision: a second run only copies.
set -eu
bundle=${1:-build/linux}
cache=${FFA_LINUX_CACHE:-$HOME/.cache/ffa-harness/linux}
revision=r2
mkdir -p "$bundle" "$cache"
bundle=$(cd "$bundle" && pwd)
cache=$(cd "$cache" && pwd)

for tool in aarch64-linux-gnu-gcc dpkg-deb xz make flex bison bc; do
	command -v $tool >/dev/null ||
		{ echo "linux-ffa-builtin: no $tool: run scripts/install-deps.sh"; exit 1; }
done
[ -r "$bundle/linux-source" ] ||
	{ echo "linux-ffa-builtin: $bundle/linux-source missing (make linux-bundle writes it)"; exit 1; }
src_deb=$(cat "$bundle/linux-source")
[ -r "$src_deb" ] || { echo "linux-ffa-builtin: $src_deb is not there"; exit 1; }
src_ver=$(dpkg-deb -f "$src_deb" Version)
gcc_ver=$(aarch64-linux-gnu-gcc -dumpfullversion)
key=$(echo "src$src_ver-gcc$gcc_ver-$revision" | tr '~:+' '___')
kdir=$cache/ffa-builtin/$key
echo "linux-ffa-builtin: linux-source-6.12 $src_ver, gcc $gcc_ver ($kdir)"

# The fragment on top of allnoconfig: what QEMU's virt machine, the
# relay's PSCI, pKVM and the busybox initramfs need, and the driver.
# JUMP_LABEL: KVM's hypervisor code uses static keys.
fragment() {
	cat <<'CFG'
CONFIG_LOCALVERSION="-ffa-builtin"
# CONFIG_LOCALVERSION_AUTO is not set
CONFIG_SMP=y
CONFIG_NR_CPUS=8
CONFIG_PRINTK=y
CONFIG_KALLSYMS=y
CONFIG_MULTIUSER=y
CONFIG_FUTEX=y
CONFIG_POSIX_TIMERS=y
CONFIG_BLK_DEV_INITRD=y
CONFIG_RD_GZIP=y
CONFIG_BINFMT_ELF=y
CONFIG_BINFMT_SCRIPT=y
CONFIG_PROC_FS=y
CONFIG_SYSFS=y
CONFIG_DEVTMPFS=y
CONFIG_TTY=y
CONFIG_SERIAL_AMBA_PL011=y
CONFIG_SERIAL_AMBA_PL011_CONSOLE=y
CONFIG_ARM_GIC_V3=y
CONFIG_ARM_PSCI_FW=y
CONFIG_VIRTUALIZATION=y
CONFIG_KVM=y
CONFIG_JUMP_LABEL=y
CONFIG_ARM_FFA_TRANSPORT=y
CFG
}

if [ ! -s "$kdir/Image" ] || [ ! -s "$kdir/release" ]; then
	work=$kdir/tree
	rm -rf "$kdir"
	mkdir -p "$work"
	trap 'rm -rf "$work"' EXIT INT TERM
	fragment >"$kdir/virt-ffa.config"
	start=$(date +%s)
	# A tree of our own: the bundle's extracted tree is configured for
	# Debian's kernel (the out-of-tree module), and make O= refuses it.
	dpkg-deb --fsys-tarfile "$src_deb" |
		tar -xO ./usr/src/linux-source-6.12.tar.xz | tar -xJ -C "$work"
	tree=$work/linux-source-6.12
	kmake="make -C $tree ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- -s"
	$kmake allnoconfig >/dev/null
	"$tree/scripts/kconfig/merge_config.sh" -m -O "$tree" \
		"$tree/.config" "$kdir/virt-ffa.config" >/dev/null
	$kmake olddefconfig >/dev/null
	# Every option of the fragment must have survived Kconfig.
	grep '^CONFIG_' "$kdir/virt-ffa.config" | while read -r line; do
		grep -qxF "$line" "$tree/.config" ||
			{ echo "linux-ffa-builtin: Kconfig dropped $line"; exit 1; }
	done
	nice -n 10 $kmake -j2 Image
	cp "$tree/arch/arm64/boot/Image" "$kdir/Image.tmp"
	cp "$tree/.config" "$kdir/config"
	$kmake kernelrelease >"$kdir/release"
	echo $(($(date +%s) - start)) >"$kdir/build-seconds"
	mv "$kdir/Image.tmp" "$kdir/Image"
	rm -rf "$work"
	trap - EXIT INT TERM
	echo "linux-ffa-builtin: built in $(cat "$kdir/build-seconds") s"
fi
grep -qx 'CONFIG_ARM_FFA_TRANSPORT=y' "$kdir/config" ||
	{ echo "linux-ffa-builtin: $kdir/config has no built-in arm_ffa"; exit 1; }
mkdir -p "$bundle/ffa-builtin"
cp "$kdir/Image" "$kdir/release" "$kdir/config" "$bundle/ffa-builtin/"
echo "linux-ffa-builtin: $bundle/ffa-builtin (kernel $(cat "$kdir/release")," \
	"built in $(cat "$kdir/build-seconds") s)"
