#!/bin/sh
# system.sh (make e2e-system; part of make check): the whole-system test. A Debian 12 root
# (mmdebstrap, cached) with the project installed by make install, booted in QEMU (TCG) with an
# onboot image built by `systemtap-service onboot` through the switch to the real root into
# systemd, once with dracut's shell init and once with a systemd initramfs, in parallel. A
# test unit in the guest gathers the results and powers off; the host reads them from the disk
# image (debugfs) and checks them (system/checks.sh). README.md in this directory says more.
# Environment: KVER, E2E_CACHE (as make e2e), SYSTEM_CACHE (the Debian root, default
# ~/.cache/stap-onboot/system), SYSTEM_BOOT_TIMEOUT (s, default 420), E2E_KEEP=1 keeps the work
# directory, E2E_APPEND: more kernel command line, SYSTEM_E2E_TRACE=0: without the checks of
# the saved boot trace (the collectors') and the two boots they add.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/e2e/scripts/e2e-lib.sh
. "$TOP/tests/e2e/scripts/e2e-lib.sh"
# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"
set -eu
# shellcheck source=tests/e2e/system/rootfs.sh
. "$E2E/system/rootfs.sh"
# shellcheck source=tests/e2e/system/disk.sh
. "$E2E/system/disk.sh"

E2E_T0=$(now_ms)
SYSTEM_BOOT_TIMEOUT=${SYSTEM_BOOT_TIMEOUT:-420}
SYSTEM_E2E_TRACE=${SYSTEM_E2E_TRACE:-1}
# The guest learns of the switch from its command line (guest-checks leaves the module's output
# to the collector then: no staprun -A).
SYSTEM_CMDLINE=
[ "$SYSTEM_E2E_TRACE" = 1 ] && SYSTEM_CMDLINE=stap-onboot-test.trace=1
WORK=$(mktemp -d /tmp/stap-onboot-system.XXXXXX)
if [ "${E2E_KEEP:-0}" = 1 ]; then
	trap 'echo "e2e-system: work directory kept: $WORK"' EXIT
else
	trap 'rm -rf "$WORK"' EXIT
fi
# sys_trace numbers its records (the trace checks); e2e_boom fails at begin (its LOG_BOOT_ERR
# log must be on the real root); demo_execs, the demo's script, prints every exec: the size
# of its whole boot's trace against ONBOOT_LOG_SIZE's default.
NAMES="sys_trace e2e_boom demo_execs"
FLAVOURS="shell systemd"

e2e_need_tools
for pair in mmdebstrap:mmdebstrap mkfs.ext4:e2fsprogs debugfs:e2fsprogs e2fsck:e2fsprogs depmod:kmod; do
	command -v "${pair%%:*}" >/dev/null 2>&1 || e2e_die "missing ${pair#*:} (${pair%%:*}): run 'make deps' as root"
done
step "kernel $KVER, work in $WORK"

# ---- the Debian root (cached) --------------------------------------------------------------
system_root
step "Debian root: $SYSTEM_ROOT"

# ---- the scripts, compiled on the host, and the two onboot images --------------------------
CACHE=$E2E_CACHE/system
mkdir -p "$WORK/script.d" "$WORK/conf.d" "$WORK/tmp" "$CACHE/$KVER"
for s in $NAMES; do
	cp -p "$E2E/stp/$s.stp" "$WORK/script.d/"
done
rt=$(stap_runtime_opt "$KVER")
for s in $NAMES; do
	echo "${s}_OPT='$rt'"
done >"$WORK/conf.d/system.conf"
# Our dracut module in a private dracut base directory (exports dracutbasedir); the test-only
# module of make e2e is not added to these images.
e2e_dracut_base "$WORK" "" "" "" ""
# What booting a real root needs, with no hostonly: the root's block device found by udev,
# the virtio and ext4 drivers, dracut's rootfs-block.
ROOT_OPTS=" -m rootfs-block -m udev-rules --add-drivers virtio_pci --add-drivers virtio_blk --add-drivers ext4"
e2e_write_config "$WORK/config-shell" "$CACHE" "$ROOT_OPTS"
sed -e "s|^DRACUT_OPTS=.*|DRACUT_OPTS=\"$DRACUT_TEST_OPTS_SYSTEMD$ROOT_OPTS\"|" \
	-e "s|^STAT_PATH=.*|STAT_PATH=$WORK/run-systemd|" "$WORK/config-shell" >"$WORK/config-systemd"

# onboot_image FLAVOUR: systemtap-service onboot -o WORK/FLAVOUR.img NAMES (output in
# WORK/FLAVOUR.onboot.out, exit code in .rc, time in ms in .ms).
onboot_image() {
	t0=$(now_ms)
	rc=0
	# shellcheck disable=SC2086 # one word per script
	"$BUILD/systemtap-service" onboot -o "$WORK/$1.img" $NAMES -r "$KVER" -c "$WORK/config-$1" \
		>"$WORK/$1.onboot.out" 2>&1 </dev/null || rc=$?
	echo "$rc" >"$WORK/$1.onboot.rc"
	echo $(($(now_ms) - t0)) >"$WORK/$1.onboot.ms"
}
step "systemtap-service onboot -o shell.img $NAMES (compiles what is not cached: 1 to 3 min cold)"
onboot_image shell
sed 's/^/    | /' "$WORK/shell.onboot.out"
[ "$(cat "$WORK/shell.onboot.rc")" = 0 ] || e2e_die "onboot (shell init image) failed"

# ---- the systemd image in the background, the disks meanwhile ------------------------------
step "onboot -o systemd.img (systemd initramfs) in the background; the disk images meanwhile"
onboot_image systemd &
sd_pid=$!
t0=$(now_ms)
system_tree "$SYSTEM_ROOT" "$WORK/tree" "$CACHE" "$WORK/conf.d" "$WORK/script.d" "$NAMES"
TREE_MS=$(($(now_ms) - t0))
t0=$(now_ms)
for f in $FLAVOURS; do
	system_disk "$WORK/tree" "$WORK/$f.disk"
done
DISK_MS=$(($(now_ms) - t0))
echo "    tree (copy, make install, modules) $((TREE_MS / 1000)).$((TREE_MS % 1000 / 100)) s," \
	"two disks (mkfs.ext4 -d, $(du -sm "$WORK/tree" | cut -f1) MB) $((DISK_MS / 1000)).$((DISK_MS % 1000 / 100)) s"
wait "$sd_pid" || true
sed 's/^/    | /' "$WORK/systemd.onboot.out"
[ "$(cat "$WORK/systemd.onboot.rc")" = 0 ] || e2e_die "onboot (systemd initramfs image) failed"

# ---- the boots -----------------------------------------------------------------------------
step "booting both flavours in parallel into the real root's systemd (TCG, one vCPU each)"
for f in $FLAVOURS; do
	(
		r=0
		# shellcheck disable=SC2086 # E2E_APPEND: words of the kernel command line
		system_boot "$WORK/$f.img" "$WORK/$f.disk" "$WORK/$f.console.log" $SYSTEM_CMDLINE \
			${E2E_APPEND:-} || r=$?
		echo "$r" >"$WORK/$f.boot.rc"
	) &
done
wait
for f in $FLAVOURS; do
	step "$f: qemu exited with $(cat "$WORK/$f.boot.rc") after $(($(cat "$WORK/$f.console.log.ms") / 1000)) s"
	system_results "$WORK/$f.disk" "$WORK/$f.results"
done

# ---- the collectors' checks: a second boot of each disk ----------------------------------
# With SYSTEM_E2E_TRACE=1 (the default: the saved boot trace, system/checks-trace.sh) both
# disks boot again, at once: the shell flavour's disk with the systemd image and the console
# copy on (its trace file must get a second section; the console must show the trace), the
# systemd flavour's with the systemd image in hook mode (the collectors start in
# dracut-cmdline.service and must still reach the real root).
SECOND_BOOT=
if [ "$SYSTEM_E2E_TRACE" = 1 ]; then
	SECOND_BOOT=1
	step "second boots: the shell flavour's disk (systemd image, rd.systemtap.console=1), the systemd flavour's (rd.systemtap.mode=hook)"
	(
		r=0
		# shellcheck disable=SC2086 # E2E_APPEND: words of the kernel command line
		system_boot "$WORK/systemd.img" "$WORK/shell.disk" "$WORK/second.console.log" \
			rd.systemtap.console=1 $SYSTEM_CMDLINE ${E2E_APPEND:-} || r=$?
		echo "$r" >"$WORK/second.boot.rc"
	) &
	(
		r=0
		# shellcheck disable=SC2086 # E2E_APPEND: words of the kernel command line
		system_boot "$WORK/systemd.img" "$WORK/systemd.disk" "$WORK/hook.console.log" \
			rd.systemtap.mode=hook $SYSTEM_CMDLINE ${E2E_APPEND:-} || r=$?
		echo "$r" >"$WORK/hook.boot.rc"
	) &
	wait
	for b in second hook; do
		step "$b boot: qemu exited with $(cat "$WORK/$b.boot.rc") after $(($(cat "$WORK/$b.console.log.ms") / 1000)) s"
	done
	system_results "$WORK/shell.disk" "$WORK/second.results"
	system_results "$WORK/systemd.disk" "$WORK/hook.results"
fi

# shellcheck source=tests/e2e/system/checks.sh
. "$E2E/system/checks.sh"
