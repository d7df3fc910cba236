# disk.sh: sourced by tests/e2e/system.sh. The guest's disk: a copy of the cached Debian root
# with the project installed by `make install DESTDIR=`, a configuration, the test scripts and
# their modules compiled on the host, the kernel's modules the guest needs, and the test unit;
# then an ext4 image made from that tree by mkfs.ext4 -d (no loop mount, no root needed for
# the image itself). Uses TOP, KVER, WORK, e2e_die.
# shellcheck shell=sh

SYSTEM_GUEST=$TOP/tests/e2e/system/guest
# The kernel modules the guest loads: the initramfs loads the ones the root disk needs and
# the real root keeps them; the disk gets them too (with their dependencies and depmod's
# indexes) so that the real root's modprobe and udev find a consistent tree.
SYSTEM_KMODS="virtio_pci virtio_blk ext4"

# system_tree ROOT TREE CACHE CONFD SCRIPTD NAMES: TREE = a copy of ROOT, with
#   make install DESTDIR=TREE (the service, the loader, the unit(s), the dracut module, the
#     kernel hooks);
#   /etc/systemtap/config (LOG_BOOT_ERR=yes), conf.d/*.conf from CONFD and NAME.stp from
#     SCRIPTD (mtimes kept: the cache check compares them), CACHE/KVER/NAME.ko and .opts in
#     /var/cache/systemtap/KVER, for each of NAMES;
#   the kernel modules of SYSTEM_KMODS for KVER;
#   the test unit (enabled) and guest-checks; no getty; a fixed machine id (no first boot).
# Make's output goes to TREE.install.log.
system_tree() {
	root=$1
	tree=$2
	cache=$3
	confd=$4
	scriptd=$5
	names=$6
	rm -rf "$tree"
	cp -a "$root" "$tree"
	make -C "$TOP" install DESTDIR="$tree" PREFIX=/usr >"$tree.install.log" 2>&1 ||
		{ tail -n 30 "$tree.install.log"; e2e_die "make install DESTDIR=$tree failed"; }
	etc=$tree/etc/systemtap
	# make install wrote the commented default; this one (a new file, not a rewrite of the
	# copy) turns the boot logs on.
	rm -f "$etc/config"
	{
		echo "# The whole-system test's configuration: the defaults, and the boot logs."
		echo "LOG_BOOT_ERR=yes"
	} >"$etc/config"
	cp -p "$confd"/*.conf "$etc/conf.d/"
	mkdir -p "$tree/var/cache/systemtap/$KVER"
	for s in $names; do
		cp -p "$scriptd/$s.stp" "$etc/script.d/"
		cp -p "$cache/$KVER/$s.ko" "$cache/$KVER/$s.opts" "$tree/var/cache/systemtap/$KVER/"
	done
	# The kernel's modules: these few, their dependencies, and the kernel's lists.
	# shellcheck disable=SC2086 # one word per module
	modprobe -a -S "$KVER" --show-depends $SYSTEM_KMODS | awk '$1 == "insmod" { print $2 }' | sort -u |
		while read -r ko; do
			mkdir -p "$tree$(dirname "$ko")"
			cp "$ko" "$tree$ko"
		done
	for f in modules.builtin modules.builtin.modinfo modules.order; do
		cp "/lib/modules/$KVER/$f" "$tree/lib/modules/$KVER/"
	done
	depmod -b "$tree" "$KVER" || e2e_die "depmod -b $tree $KVER failed"
	# The test unit, enabled as systemctl enable would; no getty (one on the serial console
	# could hang it up; Debian's getty-static.service starts them on tty2-6 without logind).
	install -D -m 0755 "$SYSTEM_GUEST/guest-checks" "$tree/usr/lib/stap-onboot-test/guest-checks"
	sd=$tree/etc/systemd/system
	install -D -m 0644 "$SYSTEM_GUEST/stap-onboot-test.service" "$sd/stap-onboot-test.service"
	mkdir -p "$sd/multi-user.target.wants"
	ln -sf ../stap-onboot-test.service "$sd/multi-user.target.wants/stap-onboot-test.service"
	ln -sf /dev/null "$sd/serial-getty@ttyS0.service"
	ln -sf /dev/null "$sd/getty.target"
	# Written anew (rm first), never rewritten in place: TREE started as a copy.
	rm -f "$tree/etc/hostname" "$tree/etc/machine-id" "$tree/etc/fstab"
	echo stap-onboot-guest >"$tree/etc/hostname"
	echo 5ea7ab1e5ea7ab1e5ea7ab1e5ea7ab1e >"$tree/etc/machine-id"
	# The initramfs mounts the root read-write (root=/dev/vda rw); no fsck (passno 0).
	echo "/dev/vda / ext4 rw 0 0" >"$tree/etc/fstab"
}

# system_disk TREE IMG: an ext4 image of TREE (its size: the tree's plus a quarter plus 64 MB).
system_disk() {
	mb=$(du -sm "$1" | cut -f1)
	rm -f "$2"
	mkfs.ext4 -q -F -L stap-onboot -d "$1" "$2" "$((mb + mb / 4 + 64))M" >"$2.mkfs.log" 2>&1 ||
		{ cat "$2.mkfs.log"; e2e_die "mkfs.ext4 -d $1 $2 failed"; }
}

# system_results DISK DEST: the guest's results (/var/lib/stap-onboot-test) copied out of the
# disk image DISK into DEST with debugfs. e2fsck -p first: it replays the journal of a guest
# that did not unmount its root (and does nothing to a clean one); its output is kept in
# DEST.fsck.
system_results() {
	rm -rf "$2"
	mkdir -p "$2"
	e2fsck -p "$1" >"$2.fsck" 2>&1 || true
	debugfs -R "rdump /var/lib/stap-onboot-test $2" "$1" >"$2.debugfs" 2>&1 || true
}

# system_boot IMG DISK LOG CMDLINE...: boots kernel KVER with the initramfs IMG and DISK as
# /dev/vda (virtio) in QEMU (TCG, one vCPU), serial console into LOG, qemu's wall time (ms)
# into LOG.ms. Returns qemu's status (124: SYSTEM_BOOT_TIMEOUT).
system_boot() {
	img=$1
	disk=$2
	log=$3
	shift 3
	rc=0
	t0=$(now_ms)
	timeout -k 5 "$SYSTEM_BOOT_TIMEOUT" qemu-system-x86_64 -accel tcg -smp 1 -m 1024 \
		-display none -monitor none -serial "file:$log" -nic none -no-reboot \
		-drive "file=$disk,format=raw,if=virtio" \
		-kernel "/boot/vmlinuz-$KVER" -initrd "$img" \
		-append "console=ttyS0 root=/dev/vda rw panic=-1 rd.shell=0 $*" </dev/null || rc=$?
	echo $(($(now_ms) - t0)) >"$log.ms"
	return "$rc"
}
