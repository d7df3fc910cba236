#!/bin/sh
# deps.sh (make deps): apt-gets what the build, the tests and the demo need, if missing.
# Debian 12; needs root for apt-get. Skips apt-get entirely when everything is present.
set -eu
kver_pkg() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		awk '/Depends: linux-image-/{sub("linux-image-","",$2); print $2; exit}'
}
pkgs="build-essential pkg-config libkmod-dev libblkid-dev musl-tools clang libclang-rt-14-dev
 llvm valgrind mandoc clang-format bsdextrautils systemd dracut dracut-core kmod cpio file binutils util-linux
 qemu-system-x86 systemtap systemtap-runtime linux-image-amd64 linux-headers-amd64"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: missing packages:$missing (run 'make deps' as root)" >&2
		exit 1
	fi
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# INITRD=No: the kernel package would otherwise build its own initramfs (45 s, unused).
	INITRD=No apt-get install -y -q --no-install-recommends $missing
fi
# linux-image-amd64 is a metapackage: the real kernel and headers must be there as well.
kver=$(ls /lib/modules 2>/dev/null | grep -- '-amd64$' | sort -V | tail -n 1)
if [ -z "$kver" ] || [ ! -e "/boot/vmlinuz-$kver" ] || [ ! -d "/lib/modules/$kver/build" ]; then
	kver=$(kver_pkg)
	echo "deps: installing linux-image-$kver linux-headers-$kver"
	export DEBIAN_FRONTEND=noninteractive
	INITRD=No apt-get install -y -q --no-install-recommends "linux-image-$kver" "linux-headers-$kver"
fi
echo "deps: all present (kernel $kver, $(stap -V 2>&1 | head -n 1 | sed 's/.*(version \([^ ,)]*\).*/stap \1/'))"
