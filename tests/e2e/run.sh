#!/bin/sh
# run.sh (make e2e; part of make check): the boot test. Compiles real SystemTap scripts with
# systemtap-service for the Debian kernel, builds an image with `systemtap-service onboot -o`,
# boots that kernel with it in QEMU (TCG) and checks, on the serial console, what happened
# before root was mounted. README.md in this directory says what is checked and why.
# Environment: KVER (default: newest -amd64 under /lib/modules), E2E_CACHE (kept between
# runs), BOOT_TIMEOUT (s, default 300), E2E_KEEP=1 keeps the work directory, E2E_APPEND:
# more kernel command line (e.g. rd.debug).
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/e2e/scripts/e2e-lib.sh
. "$TOP/tests/e2e/scripts/e2e-lib.sh"
# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"
set -eu

E2E_T0=$(now_ms)
WORK=$(mktemp -d /tmp/stap-onboot-e2e.XXXXXX)
if [ "${E2E_KEEP:-0}" = 1 ]; then
	trap 'echo "e2e: work directory kept: $WORK"' EXIT
else
	trap 'rm -rf "$WORK"' EXIT
fi
SCRIPTS="e2e_dep e2e_boom e2e_foreign e2e_exec" # named out of order on purpose
RESTART=e2e_dep                                 # stopped and started inside the VM

e2e_need_tools
step "kernel $KVER, $(stap -V 2>&1 | head -n 1 | sed 's/.*(version \([^ ,)]*\).*/stap \1/'), work in $WORK"

# run_svc_for KVER CONF ARGS...: systemtap-service for kernel KVER with that config; output
# shown indented, kept in $WORK/svc.out; returns its exit code. run_svc: for KVER.
run_svc_for() {
	r=$1
	conf=$2
	shift 2
	rc=0
	"$BUILD/systemtap-service" "$@" -r "$r" -c "$conf" >"$WORK/svc.out" 2>&1 </dev/null || rc=$?
	sed 's/^/    | /' "$WORK/svc.out"
	return "$rc"
}
run_svc() { run_svc_for "$KVER" "$@"; }

# ---- configuration: everything in WORK except the module cache -----------------------------
CACHE=$E2E_CACHE/service
KCACHE=$CACHE/$KVER
mkdir -p "$WORK/script.d" "$WORK/conf.d" "$WORK/run" "$WORK/tmp" "$WORK/boot" "$KCACHE"
# The service's cache check compares the .stp's mtime with the .ko's: keep the sources' one.
for s in $SCRIPTS; do
	cp -p "$E2E/stp/$s.stp" "$WORK/script.d/"
done
rt=$(stap_runtime_opt "$KVER")
{
	for s in $SCRIPTS; do
		echo "${s}_OPT='$rt'"
	done
	echo 'e2e_dep_REQ="e2e_exec"'
} >"$WORK/conf.d/e2e.conf"
# The dracut base directory (exports dracutbasedir) and the test-only module's payload: the
# cached modules of VM_SCRIPTS, copied when dracut runs, i.e. after onboot compiled them.
VM_SCRIPTS="e2e_exec e2e_dep e2e_boom"
e2e_dracut_base "$WORK" "$BUILD/systemtap-service" "$KCACHE" "$VM_SCRIPTS" "$WORK/conf.d"
[ -d "$dracutbasedir/modules.d/99systemtap" ] ||
	e2e_die "dracut-module/99systemtap/module-setup.sh or hooks/stap-early-loader.sh is missing"
# The test image has the test-only module; the benchmark's images do not.
e2e_write_config "$WORK/config" "$CACHE" " --add stap-onboot-e2e" ALLOW_CACHEONLY=yes
e2e_write_config "$WORK/config-bench" "$CACHE" "" ALLOW_CACHEONLY=yes

# ---- e2e_foreign: a module built for another kernel -------------------------------------
# Compiled for this kernel, its .stp removed (ALLOW_CACHEONLY=yes: onboot uses the cached
# module), then rewritten by scripts/foreign-ko twice over:
# 1. vermagic names another release: the service's cache check must refuse it;
# 2. same release, another module_layout CRC (another build of the kernel): the service takes
#    it, and at boot the kernel must refuse it (ENOEXEC) while the boot goes on.
step "compiling e2e_foreign, then rewriting its module as built for another kernel"
run_svc "$WORK/config" compile -y e2e_foreign || e2e_die "systemtap-service compile e2e_foreign failed"
rm "$WORK/script.d/e2e_foreign.stp"
cp "$KCACHE/e2e_foreign.ko" "$WORK/e2e_foreign.ko"
other=$("$E2E/scripts/foreign-ko" --release "$WORK/e2e_foreign.ko" "$KCACHE/e2e_foreign.ko")
step "systemtap-service onboot e2e_foreign, its module claiming kernel $other: must be refused"
refused_rc=0
run_svc "$WORK/config" onboot -o "$WORK/refused.img" e2e_foreign || refused_rc=$?
cp "$WORK/svc.out" "$WORK/refused.out"
"$E2E/scripts/foreign-ko" "$WORK/e2e_foreign.ko" "$KCACHE/e2e_foreign.ko" >/dev/null
echo "    e2e_foreign.ko now names $KVER but has a wrong module_layout CRC"

# ---- the images ---------------------------------------------------------------------------
step "systemtap-service onboot -o boot.img $SCRIPTS (compiles what is not cached: ~2 min cold)"
# shellcheck disable=SC2086 # one word per script
run_svc "$WORK/config" onboot -o "$WORK/boot.img" $SCRIPTS || e2e_die "onboot failed (exit $rc)"
# -o makes a one-off image: no snapshot, no recorded set. Its manifest is read back from it.
lsinitrd -f usr/lib/stap-onboot/manifest "$WORK/boot.img" >"$WORK/manifest.onboot" 2>/dev/null || true

step "images for the size benchmark (without the test module): with the scripts, and plain"
# shellcheck disable=SC2086
run_svc "$WORK/config-bench" onboot -o "$WORK/bench.img" $SCRIPTS || e2e_die "onboot (bench image) failed"
plain=$E2E_CACHE/plain-$KVER.img
key=$({
	dracut --version 2>&1
	echo "$DRACUT_TEST_OPTS"
	cat "$BUILD/systemtap-service" "$TOP/dracut-module/99systemtap/module-setup.sh"
} | sed "s|$WORK|WORK|g" | cksum)
if [ -f "$plain" ] && [ "$(cat "$plain.key" 2>/dev/null)" = "$key" ]; then
	echo "    plain image cached: $plain"
else
	run_svc "$WORK/config-bench" onboot -o "$WORK/plain.img" || e2e_die "onboot without scripts failed"
	mv "$WORK/plain.img" "$plain"
	echo "$key" >"$plain.key"
fi

# ---- boot ---------------------------------------------------------------------------------
step "booting $KVER with boot.img in QEMU (TCG, about 20 s)"
boot_rc=0
# shellcheck disable=SC2086 # E2E_APPEND: words of the kernel command line
e2e_boot "$WORK/boot.img" "$WORK/console.log" "e2e.restart=$RESTART" rd.systemtap.console=e2e_exec \
	${E2E_APPEND:-} || boot_rc=$?
step "qemu exited with $boot_rc"
e2e_lines "$WORK/console.log" >"$WORK/e2e.txt"

# ---- the same image in hook mode, and with a crashing and a hanging loader ----------------
# shellcheck source=tests/e2e/scripts/e2e-modes.sh
. "$E2E/scripts/e2e-modes.sh"

# ---- the systemd flavour: the same scripts in a systemd initramfs (dracut-systemd) -------------
# Same test module, same report (dracut-pre-mount.service runs its pre-mount hook); booted in
# earliest mode and with rd.systemtap.mode=hook (the loader in dracut-cmdline.service, its
# stderr the journal). Checks: e2e-checks-systemd.sh.
SD=$WORK/systemd
step "onboot -o $SD/boot.img $SCRIPTS as a systemd initramfs; booting it 4 times in parallel (earliest, hook, crash, hang)"
# shellcheck disable=SC2086 # one word per script
e2e_systemd_boot "$WORK/config" "$SD" "e2e.restart=$RESTART ${E2E_APPEND:-}" $SCRIPTS
step "qemu exited with $SD_BOOT_RC and $SD_HOOK_RC (hook) (onboot -o: exit $SD_ONBOOT_RC in $SD_BUILD_MS ms)"

# ---- kernel B: the second kernel, after a kernel update -----------------------------------
# What the kernel hooks do: the onboot set is recorded on kernel A (`onboot NAME -r A`); kernel
# B arrives and Debian's dracut hook builds its image without the set (B's headers were not
# there yet); B's header_postinst hook runs `onboot --refresh --image -r B`, which compiles the
# set for B, writes B's snapshot and rebuilds B's image. Kernel B then boots with that image
# (no service inside this VM: kernel A's boot tests that). Its own cache, state and boot
# directory: kernel A's checks want no snapshot and no recorded set in theirs. One tracepoint
# script: a cold run also compiles stap's tracepoint queries for B's headers.
B_SCRIPTS="e2e_exec"
KU_CACHE=$E2E_CACHE/kupdate
IMG_B=$WORK/boot-kupdate/initrd.img-$KVER_B
mkdir -p "$KU_CACHE" "$WORK/boot-kupdate"
# Both kernels installed there, for onboot --status.
ln -s "/boot/vmlinuz-$KVER" "/boot/vmlinuz-$KVER_B" "$WORK/boot-kupdate/"
sed -e "s|^CACHE_PATH=.*|CACHE_PATH=$KU_CACHE|" -e "s|^STATE_PATH=.*|STATE_PATH=$WORK/state-kupdate|" \
	-e "s|^BOOT_PATH=.*|BOOT_PATH=$WORK/boot-kupdate|" "$WORK/config" >"$WORK/config-kupdate"
# The scripts' _OPT (one for every kernel) names the runtime copy patched for kernel A; it
# serves B only if B's headers need the same patch.
[ "$(stap_runtime_opt "$KVER_B" | sed 's/-[0-9]*-amd64$//')" = "$(printf '%s' "$rt" | sed 's/-[0-9]*-amd64$//')" ] ||
	e2e_die "kernels $KVER and $KVER_B need different stap runtimes (task_work_cancel_func)"
step "kernel update: onboot $B_SCRIPTS -r $KVER records the set; $KVER_B's image without it"
e2e_module_conf "$KVER" "" "" "" ""
# shellcheck disable=SC2086 # one word per script
run_svc_for "$KVER" "$WORK/config-kupdate" onboot $B_SCRIPTS || e2e_die "onboot $B_SCRIPTS -r $KVER failed (exit $rc)"
# A snapshot of B left by an earlier run would make --refresh find its work done.
run_svc_for "$KVER_B" "$WORK/config-kupdate" onboot --forget || e2e_die "onboot --forget -r $KVER_B failed (exit $rc)"
e2e_module_conf "$KVER_B" "" "" "" ""
# shellcheck disable=SC2086 # words of options
dracut $DRACUT_TEST_OPTS --add stap-onboot-e2e --tmpdir "$WORK/tmp" --kver "$KVER_B" -f "$IMG_B" \
	>"$WORK/dracut-b.log" 2>&1 || { cat "$WORK/dracut-b.log"; e2e_die "dracut for $KVER_B failed"; }
lsinitrd "$IMG_B" >"$WORK/boot-b-before.list" 2>&1 || true
step "systemtap-service onboot --refresh --image -r $KVER_B (compiles for $KVER_B what is not cached)"
refresh_b_rc=0
run_svc_for "$KVER_B" "$WORK/config-kupdate" onboot --refresh --image || refresh_b_rc=$?
cp "$WORK/svc.out" "$WORK/refresh-b.out"
status_b_rc=0
run_svc_for "$KVER_B" "$WORK/config-kupdate" onboot --status || status_b_rc=$?
cp "$WORK/svc.out" "$WORK/status-b.out"
step "booting $KVER_B with the image onboot --refresh --image rebuilt, in QEMU"
boot_b_rc=0
BOOT_KVER=$KVER_B
# shellcheck disable=SC2086 # E2E_APPEND: words of the kernel command line
e2e_boot "$IMG_B" "$WORK/console-b.log" ${E2E_APPEND:-} || boot_b_rc=$?
BOOT_KVER=
step "qemu exited with $boot_b_rc"
e2e_lines "$WORK/console-b.log" >"$WORK/e2e-b.txt"

# shellcheck source=tests/e2e/scripts/e2e-checks.sh
. "$E2E/scripts/e2e-checks.sh"
