# lib-kupdate.sh: sourced by the kernel-update tests after tests/lib.sh. An owned root: the test
# shellcheck shell=sh disable=SC2034 # RC: read by assert_rc (lib.sh)
# runs in a private mount namespace where the real paths a kernel update touches are temp
# directories of the test, so the real hooks, the installed service, Debian's dracut hook,
# dracut and kernel-install run exactly as the packages run them, and the host is never
# touched:
#   /boot                  vmlinuz, config, System.map of kernels A and B (copies)
#   /etc                   an overlay (upper layer in $KT), and bind mounts over it of:
#   /etc/kernel            what `make install` put in postinst.d, header_postinst.d, postrm.d,
#                          plus Debian's own dracut hooks (copies)
#   /etc/systemtap         the installed config (+ the test's settings), conf.d, script.d
#   /etc/dracut.conf.d     the test's dracut configuration (see kupdate_enter)
#   /var                   cache/systemtap, lib/systemtap, log, tmp (dracut's work directory)
#   /usr/lib/dracut/modules.d  a copy of the host's, plus our installed 99systemtap
#   /usr/local/sbin        the installed systemtap-service and stap-early-loader
# `make install` runs with PREFIX=/usr/local (its output lands in $KT/dest, then in the places
# above); stap's own cache (~/.systemtap) and the patched runtime copy stay shared.
# KA: kernel A (newest installed -amd64); KB: kernel B (the second one make deps installs).
KA=${KVER_DEBIAN:?no Debian kernel in /lib/modules}
KB=$(for d in /lib/modules/*-amd64; do echo "${d##*/}"; done | sort -V |
	awk -v a="$KA" '$0 == a { exit } { print }' | while read -r k; do
		[ -d "/lib/modules/$k/build" ] && [ -r "/boot/vmlinuz-$k" ] && echo "$k"
	done | tail -n 1)
SBIN=/usr/local/sbin
SVC_INST=$SBIN/systemtap-service

# kupdate_enter: call first. Outside the namespace: makes the temp directory $KT, re-runs the
# test inside `unshare -m` and removes $KT afterwards, from outside, where no bind mount
# leads into the host's directories. Inside: builds the owned root (needs root).
kupdate_enter() {
	[ -n "$KB" ] || fail "no second kernel below $KA with headers: run 'make deps' as root"
	if [ -z "${KUPDATE_NS:-}" ]; then
		[ "$(id -u)" -eq 0 ] || fail "the kernel-update test needs root (mount namespace)"
		KT=$(mktemp -d /tmp/stap-onboot-kupdate.XXXXXX)
		host_paths >"$KT/host.before"
		rc=0
		unshare -m --propagation private env KUPDATE_NS=1 KT="$KT" "$0" "$@" || rc=$?
		host_paths >"$KT/host.after"
		if ! cmp -s "$KT/host.before" "$KT/host.after"; then
			diff "$KT/host.before" "$KT/host.after"
			echo "FAIL: the host's paths changed during the test" >&2
			rc=1
		fi
		rm -rf "$KT"
		exit "$rc"
	fi
	[ -d "${KT:-}" ] || fail "KT is not a directory"
	kupdate_install
	kupdate_mount
}

# host_paths: what the owned root stands in for, as the host has it (compared before and after).
host_paths() {
	ls -la --time-style=+%s /boot /etc/kernel/*/ /usr/local/sbin /usr/lib/dracut/modules.d \
		/usr/lib/dracut/modules.d/99systemtap /lib/modules/"$KB" /etc/systemtap \
		/etc/dracut.conf.d /var/cache/systemtap /var/lib/systemtap 2>&1
}

# kupdate_install: make install into $KT/dest, then the owned trees in $KT from it.
kupdate_install() {
	[ -x "$SVC" ] || fail "no $SVC: run make first"
	make -s -C "$TOP" install DESTDIR="$KT/dest" PREFIX=/usr/local SYSCONFDIR=/etc \
		LOCALSTATEDIR=/var DRACUTMODDIR=/usr/lib/dracut/modules.d \
		KERNELINSTALLDIR=/usr/lib/kernel/install.d >"$KT/install.log" 2>&1 ||
		fail "make install failed: $(tail -n 5 "$KT/install.log")"
	mkdir -p "$KT/boot" "$KT/etc" "$KT/var/tmp" "$KT/var/log" "$KT/var/lib" "$KT/run" \
		"$KT/bootroot" "$KT/dracut.conf.d"
	for k in "$KA" "$KB"; do
		for f in vmlinuz config System.map; do
			cp "/boot/$f-$k" "$KT/boot/"
		done
	done
	cp -a "$KT/dest/etc/kernel" "$KT/dest/etc/systemtap" "$KT/etc/"
	cp -a "$KT/dest/var/cache" "$KT/var/"
	ln -s /run "$KT/var/run"
	ln -s /run/lock "$KT/var/lock"
	# Debian's dracut hooks, as the dracut package installs them.
	cp -p /etc/kernel/postinst.d/dracut "$KT/etc/kernel/postinst.d/dracut" ||
		fail "no /etc/kernel/postinst.d/dracut: install dracut (make deps)"
	cp -p /etc/kernel/postrm.d/dracut "$KT/etc/kernel/postrm.d/dracut" ||
		fail "no /etc/kernel/postrm.d/dracut: install dracut (make deps)"
	cp -a /usr/lib/dracut/modules.d "$KT/dracut-modules"
	cp -a "$KT/dest/usr/lib/dracut/modules.d/99systemtap" "$KT/dracut-modules/"
	# dracut's defaults here build a generic compressed image with systemd and every driver
	# (hostonly falls back to generic: this VM has no /proc/modules): about 30 s of CPU per
	# image, five images per run. These images are never booted, so: no kernel drivers, no
	# compression, none of the modules a generic image adds beyond base (about 15 s of CPU).
	# dracut still picks its modules itself, ours by its check() alone;
	# test_default_dracut.sh covers the default image, tests/e2e boots one like it.
	cat >"$KT/dracut.conf.d/50-stap-onboot-kupdate.conf" <<'EOC'
hostonly="no"
no_kernel="yes"
compress="cat"
omit_dracutmodules+=" systemd network i18n kernel-modules kernel-modules-extra terminfo crypt dm nvdimm overlay-root qemu lunmask resume usrmount virtiofs shutdown rootfs-block "
EOC
	# The installed binary was built with SBINDIR=/usr/sbin: name the loader make install put
	# in /usr/local/sbin. STAT_PATH: not the host's /run/systemtap. Never the host's boot
	# loader: its tools are not there.
	cat >>"$KT/etc/systemtap/config" <<EOC
STAP_EARLY_LOADER=$SBIN/stap-early-loader
STAT_PATH=$KT/run
NEW_KERNEL_PKG=$KT/none/new-kernel-pkg
GRUBBY=$KT/none/grubby
KERNEL_INSTALL=$KT/none/kernel-install
EOC
}

# bind DIR-IN-KT PATH: bind mount, and prove PATH now is that directory.
bind() {
	mount --bind "$1" "$2" || fail "cannot bind-mount $1 over $2"
	[ "$(stat -c %d:%i "$1")" = "$(stat -c %d:%i "$2")" ] || fail "$2 is not $1 after the bind mount"
}

# kupdate_mount: the bind mounts of the owned root (see the top of this file). /etc first gets
# an overlay whose upper layer is in $KT: the host may have no /etc/systemtap to bind over, and
# the mount points made for it must not appear on the host.
kupdate_mount() {
	mkdir -p "$KT/etc-up" "$KT/etc-work"
	mount -t overlay overlay -o "lowerdir=/etc,upperdir=$KT/etc-up,workdir=$KT/etc-work" /etc ||
		fail "cannot mount an overlay over /etc"
	mkdir -p /etc/systemtap /etc/kernel /etc/dracut.conf.d
	bind "$KT/boot" /boot
	bind "$KT/etc/kernel" /etc/kernel
	bind "$KT/etc/systemtap" /etc/systemtap
	bind "$KT/dracut.conf.d" /etc/dracut.conf.d
	bind "$KT/var" /var
	bind "$KT/dracut-modules" /usr/lib/dracut/modules.d
	bind "$KT/dest$SBIN" "$SBIN"
}

# hide_headers KVER / show_headers KVER: /lib/modules/KVER/build (the symlink linux-headers-KVER
# installs) disappears inside the namespace, as without the headers package: an overlay whose
# upper layer in $KT holds a whiteout for it. The host's tree is not changed.
hide_headers() {
	mkdir -p "$KT/hdr-up" "$KT/hdr-work"
	mount -t overlay overlay -o "lowerdir=/lib/modules/$1,upperdir=$KT/hdr-up,workdir=$KT/hdr-work" \
		"/lib/modules/$1" || fail "cannot mount an overlay over /lib/modules/$1"
	rm "/lib/modules/$1/build" || fail "cannot hide /lib/modules/$1/build"
	[ ! -e "/lib/modules/$1/build" ] || fail "/lib/modules/$1/build is still there"
}
show_headers() {
	umount "/lib/modules/$1" || fail "cannot unmount the overlay over /lib/modules/$1"
	[ -d "/lib/modules/$1/build" ] || fail "/lib/modules/$1/build is not back"
}

# kernel_hooks DIR KVER [ENV...]: the hooks of DIR run as the kernel packages run them; output
# in $OUT (shown indented), exit code in $RC.
kernel_hooks() {
	dir=$1
	k=$2
	shift 2
	OUT=$(env "$@" run-parts --report --exit-on-error --arg="$k" --arg="/boot/vmlinuz-$k" "$dir" 2>&1)
	RC=$?
	printf '%s\n' "$OUT" | sed 's/^/    | /'
}

# isvc ARGS...: the installed systemtap-service with the owned root's own config; output in
# $OUT, exit code in $RC.
isvc() {
	OUT=$("$SVC_INST" "$@" 2>&1 </dev/null)
	RC=$?
	printf '%s\n' "$OUT" | sed 's/^/    | /'
}

# image_ko_vermagic IMG NAME: the vermagic release of NAME.ko in IMG ("" when absent).
image_ko_vermagic() {
	lsinitrd -f "usr/lib/stap-onboot/$2.ko" "$1" >"$KT/probe.ko" 2>/dev/null || true
	if [ -s "$KT/probe.ko" ]; then
		modinfo -F vermagic "$KT/probe.ko" 2>/dev/null | cut -d ' ' -f 1
	fi
	rm -f "$KT/probe.ko"
}
