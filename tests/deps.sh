#!/bin/sh
# deps.sh (make deps): apt-gets what the build, the tests and the demo need, if missing.
# Debian 12; needs root for apt-get. Skips apt-get entirely when everything is present.
set -eu
kver_pkg() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		awk '/Depends: linux-image-/{sub("linux-image-","",$2); print $2; exit}'
}
# Beyond the compilers and the real tools: procps (pgrep, used by the tests), bsdextrautils
# (col), file, cpio, bash-completion (its _init_completion and completionsdir); a minimal
# Debian (debootstrap minbase) has none of them.
pkgs="build-essential pkg-config libkmod-dev libblkid-dev musl-tools clang libclang-rt-14-dev
 llvm valgrind mandoc clang-format bsdextrautils bash-completion systemd dracut dracut-core kmod cpio file binutils util-linux
 procps qemu-system-x86 systemtap systemtap-runtime linux-image-amd64 linux-headers-amd64"
# apt_get ARGS...: apt-get that retries a failed download and waits for a dpkg lock another
# apt holds rather than failing at once. INITRD=No: the kernel package would otherwise build
# its own initramfs (45 s, unused).
apt_get() {
	DEBIAN_FRONTEND=noninteractive INITRD=No \
		apt-get -q -o Acquire::Retries=3 -o DPkg::Lock::Timeout=300 "$@"
}
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
	apt_get update
	# shellcheck disable=SC2086 # one word per package
	apt_get install -y --no-install-recommends $missing
fi
# linux-image-amd64 is a metapackage: the real kernel and headers must be there as well.
kver=$(for d in /lib/modules/*-amd64; do [ -d "$d" ] && echo "${d##*/}"; done | sort -V | tail -n 1)
if [ -z "$kver" ] || [ ! -e "/boot/vmlinuz-$kver" ] || [ ! -d "/lib/modules/$kver/build" ]; then
	kver=$(kver_pkg)
	echo "deps: installing linux-image-$kver linux-headers-$kver"
	apt_get install -y --no-install-recommends "linux-image-$kver" "linux-headers-$kver"
fi
echo "deps: all present (kernel $kver, $(stap -V 2>&1 | head -n 1 | sed 's/.*(version \([^ ,)]*\).*/stap \1/'))"
