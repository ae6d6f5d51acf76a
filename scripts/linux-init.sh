#!/bin/busybox sh
# /init of the QEMU backend's initramfs (scripts/linux-bundle.sh).  Loads
# the arm_ffa modules, efivarfs and, when the device tree has OP-TEE, tee,
# optee and tee_stmm_efi, then serves a line protocol on the
# console so that a host can run commands and read their output and status:
#   host:  @@CMD <seq> <shell command>
#   Linux: @@BEGIN <seq>, the output, @@END <seq> <exit status>
# "@@READY" is printed whenever a command may be sent; "@@CMD <seq> poweroff"
# powers the machine off (PSCI SYSTEM_OFF).  With ffa_harness.modules=none
# on the kernel's command line the modules but efivarfs are left for the
# scenario to load (a load_module step); efivarfs is always loaded.  Commands
# find the efivarfs directory in $EFIVARS.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mods="ffa-core ffa-module efivarfs"
# A device tree with OP-TEE (/firmware/optee): its driver and Linux's
# tee_stmm_efi, which then serves the EFI variables (docs/optee.md).
[ -e /proc/device-tree/firmware/optee ] && mods="$mods tee optee tee_stmm_efi"
case " $(cat /proc/cmdline) " in
*" ffa_harness.modules=none "*) mods=efivarfs ;;
esac
for m in $mods; do
	[ -f /lib/modules/$m.ko ] && insmod /lib/modules/$m.ko
done
# efivarfs: where an EFI boot put it, else at /efivars (a kernel booted
# without EFI has no /sys/firmware/efi; tee_stmm_efi still registers the
# variable operations).  It is mounted as soon as the kernel has variable
# operations: at boot, or before a later command (after a load_module).
export EFIVARS=/sys/firmware/efi/efivars
[ -d $EFIVARS ] || { EFIVARS=/efivars; mkdir -p $EFIVARS; }
mount_efivars() {
	grep -q " $EFIVARS efivarfs " /proc/mounts ||
		mount -t efivarfs efivarfs $EFIVARS 2>/dev/null
}
mount_efivars || [ $EFIVARS = /efivars ] ||
	echo "init: efivarfs could not be mounted"
stty -echo 2>/dev/null
cr=$(printf '\r')
echo "@@READY"
while read -r tag seq cmd; do
	[ "$tag" = "@@CMD" ] || continue
	cmd=${cmd%"$cr"} # a terminal's Enter may arrive as CR
	if [ "$cmd" = "poweroff" ]; then
		echo "@@BEGIN $seq"
		echo "@@END $seq 0"
		poweroff -f
	fi
	mount_efivars
	echo "@@BEGIN $seq"
	sh -c "$cmd" 2>&1
	echo "@@END $seq $?"
	echo "@@READY"
done
poweroff -f
