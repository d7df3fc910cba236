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
# Debian (debootstrap minbase) has none of them. The Secure Boot boot test: ovmf (firmware
# with Microsoft's keys), shim-signed, grub-efi-amd64-signed, mokutil, openssl (the test's
# keys), mtools and dosfstools (the EFI system partition without loop mounts). The whole
# system boot test: mmdebstrap (its Debian root), e2fsprogs (mkfs.ext4 -d, debugfs),
# logrotate (the installed snippet is checked with it). The compile server test:
# systemtap-server.
pkgs="build-essential pkg-config libkmod-dev libblkid-dev musl-tools clang libclang-rt-14-dev
 llvm valgrind mandoc clang-format bsdextrautils bash-completion systemd dracut dracut-core kmod cpio file binutils util-linux
 procps qemu-system-x86 systemtap systemtap-runtime linux-image-amd64 linux-headers-amd64
 ovmf shim-signed grub-efi-amd64-signed mokutil openssl mtools dosfstools mmdebstrap e2fsprogs
 logrotate systemtap-server"
# apt_get ARGS...: apt-get that retries a failed download and waits for a dpkg lock another
# apt holds rather than failing at once. INITRD=No: the kernel package would otherwise build
# its own initramfs (45 s, unused).
apt_get() {
	DEBIAN_FRONTEND=noninteractive INITRD=No \
		apt-get -q -o Acquire::Retries=3 -o DPkg::Lock::Timeout=300 "$@"
}
installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}
# second_kver KVER: the newest linux-image-6.1.0-N-amd64 with N below KVER's ABI whose image
# and headers both have an installation candidate (apt-cache policy), or nothing.
second_kver() {
	abi=${1#6.1.0-}
	abi=${abi%-amd64}
	apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64$' 2>/dev/null |
		sed -n 's/^linux-image-6\.1\.0-\([0-9]*\)-amd64 .*/\1/p' | sort -rn |
		while read -r n; do
			[ "$n" -lt "$abi" ] || continue
			k=6.1.0-$n-amd64
			if apt-cache policy "linux-image-$k" "linux-headers-$k" 2>/dev/null |
				grep -c '^  Candidate: [0-9]' | grep -qx 2; then
				echo "$k"
				break
			fi
		done
}
missing=""
for p in $pkgs; do
	installed "$p" || missing="$missing $p"
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
# A second, older kernel of the same series with its headers: the kernel-update tests go from
# kernel A (above) to this kernel B as a package update would. The newest ABI below the one
# linux-image-amd64 depends on that apt offers, chosen now: the archive drops old ABIs.
kver_a=$(kver_pkg)
kver_a=${kver_a:-$kver}
kver_b=$(second_kver "$kver_a")
if [ -z "$kver_b" ] && [ "$(id -u)" -eq 0 ]; then
	apt_get update
	kver_b=$(second_kver "$kver_a")
fi
[ -n "$kver_b" ] || { echo "deps: apt offers no linux-image-6.1.0-N-amd64 below $kver_a" >&2; exit 1; }
if ! installed "linux-image-$kver_b" || ! installed "linux-headers-$kver_b"; then
	[ "$(id -u)" -eq 0 ] || { echo "deps: missing linux-image-$kver_b linux-headers-$kver_b (run 'make deps' as root)" >&2; exit 1; }
	echo "deps: installing the second kernel linux-image-$kver_b linux-headers-$kver_b"
	apt_get install -y --no-install-recommends "linux-image-$kver_b" "linux-headers-$kver_b"
fi
echo "deps: all present (kernels $kver and $kver_b, $(stap -V 2>&1 | head -n 1 | sed 's/.*(version \([^ ,)]*\).*/stap \1/'))"
