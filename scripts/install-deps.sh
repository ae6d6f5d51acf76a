#!/bin/sh
# Installs the Debian 12 packages ffa-harness needs, and only those missing.
# Called by the Makefile before every build; fast when nothing is missing.
#   scripts/install-deps.sh          install what is missing (needs root)
#   scripts/install-deps.sh --list   print the package list
#   scripts/install-deps.sh --check  exit 1 if something is missing
set -eu

PACKAGES="
make gcc pkg-config
libunicorn-dev libcapstone-dev libyaml-dev check libfdt-dev libjansson-dev zlib1g-dev
clang lld llvm
u-boot-qemu qemu-system-arm
libxml2-utils chromium jq help2man gdb-multiarch
python3 python3-pytest python3-filelock python3-pytest-xdist
libclang-rt-14-dev
gcc-aarch64-linux-gnu bison flex bc libssl-dev libgnutls28-dev uuid-dev
cpio xz-utils dwarves libelf-dev
"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

case "${1:-}" in
--list) echo $PACKAGES; exit 0 ;;
--check) [ -z "$missing" ] && exit 0; echo "missing:$missing"; exit 1 ;;
esac

[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: not root; run: sudo apt-get install -y$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have empty package lists: update once if install fails.
if ! apt-get install -y --no-install-recommends $missing; then
	apt-get update
	apt-get install -y --no-install-recommends $missing
fi
