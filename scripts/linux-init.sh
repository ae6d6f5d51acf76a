#!/bin/busybox sh
# /init of the QEMU backend's initramfs (scripts/linux-bundle.sh).  Loads
# the arm_ffa modules and efivarfs, then serves a line protocol on the
# console so that a host can run commands and read their output and status:
#   host:  @@CMD <seq> <shell command>
#   Linux: @@BEGIN <seq>, the output, @@END <seq> <exit status>
# "@@READY" is printed whenever a command may be sent; "@@CMD <seq> poweroff"
# powers the machine off (PSCI SYSTEM_OFF).  With ffa_harness.modules=none
# on the kernel's command line the arm_ffa modules are left for the
# scenario to load (a load_module step); efivarfs is always loaded.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mods="ffa-core ffa-module efivarfs"
case " $(cat /proc/cmdline) " in
*" ffa_harness.modules=none "*) mods=efivarfs ;;
esac
for m in $mods; do
	[ -f /lib/modules/$m.ko ] && insmod /lib/modules/$m.ko
done
if [ -d /sys/firmware/efi/efivars ]; then
	mount -t efivarfs efivarfs /sys/firmware/efi/efivars ||
		echo "init: efivarfs could not be mounted"
fi
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
	echo "@@BEGIN $seq"
	sh -c "$cmd" 2>&1
	echo "@@END $seq $?"
	echo "@@READY"
done
poweroff -f
