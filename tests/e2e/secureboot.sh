#!/bin/sh
# secureboot.sh (make e2e-secureboot; part of make check): a real Secure Boot boot. OVMF's
# Secure Boot firmware with Microsoft's keys boots Debian's signed shim, GRUB and kernel from an
# EFI system partition; the kernel is locked down. The image is built by `systemtap-service
# onboot -o` in earliest mode, with a module compiled and signed by `systemtap-service compile`
# (MODULE_SIGN_KEY), plus an unsigned one and one signed with another key. Three boots, one
# variable store:
#   1. before: all three modules refused; the guest queues our certificate with mokutil --import
#   2. MokManager: the test enrolls it over the serial console (Enroll MOK, password, Reboot)
#   3. after: our module armed, the other two refused; every boot reaches the report.
# README.md in this directory says what is checked and why.
# Environment: KVER, E2E_CACHE (kept between runs: keys, modules), BOOT_TIMEOUT (s, per boot,
# default 300), E2E_KEEP=1 keeps the work directory.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/e2e/scripts/e2e-lib.sh
. "$TOP/tests/e2e/scripts/e2e-lib.sh"
# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"
# shellcheck source=tests/e2e/secureboot/sb-lib.sh
. "$TOP/tests/e2e/secureboot/sb-lib.sh"
# shellcheck source=tests/e2e/secureboot/mokmanager.sh
. "$TOP/tests/e2e/secureboot/mokmanager.sh"
set -eu

E2E_T0=$(now_ms)
WORK=$(mktemp -d /tmp/stap-onboot-sb.XXXXXX)
if [ "${E2E_KEEP:-0}" = 1 ]; then
	trap 'echo "e2e-secureboot: work directory kept: $WORK"' EXIT
else
	trap 'rm -rf "$WORK"' EXIT
fi
sb_need_tools
STAPIO=$(stapio_path) # for e2e_dracut_base (no service runs inside this guest)
SB_CACHE=$E2E_CACHE/secureboot
KEYS=$SB_CACHE/keys
CACHE=$SB_CACHE/service
KCACHE=$CACHE/$KVER
# The MOK password: mokutil --import in the guest sets it, MokManager asks for it.
MOK_PW=stap-onboot
OUR_CN="stap-onboot Secure Boot test key"
OTHER_CN="stap-onboot key never enrolled"
step "kernel $KVER, Secure Boot firmware $OVMF_CODE, work in $WORK"

# ---- keys, scripts, configurations ----------------------------------------------------------
sb_key "$KEYS" ours "$OUR_CN"
sb_key "$KEYS" other "$OTHER_CN"
mkdir -p "$WORK/script.d" "$WORK/conf.d" "$WORK/run" "$WORK/tmp" "$WORK/boot" "$KCACHE"
rt=$(stap_runtime_opt "$KVER")
for s in sb_signed sb_unsigned sb_otherkey; do
	# The service's cache check compares the .stp's mtime with the .ko's: keep the sources' one.
	cp -p "$SB/stp/$s.stp" "$WORK/script.d/"
	echo "${s}_OPT='$rt'" >>"$WORK/conf.d/sb.conf"
done
# The dracut base directory with our module, the report module and the Secure Boot module.
e2e_dracut_base "$WORK" "" "" "" ""
cp -a "$SB/dracut/98stap-onboot-sb" "$dracutbasedir/modules.d/"
echo "SB_CERT='$KEYS/ours.der'" >"$dracutbasedir/modules.d/98stap-onboot-sb/sb.conf"
e2e_write_config "$WORK/config" "$CACHE" " --add stap-onboot-e2e --add stap-onboot-sb" \
	"MODULE_SIGN_KEY=$KEYS/ours.key" "MODULE_SIGN_CERT=$KEYS/ours.der"
e2e_write_config "$WORK/config-unsigned" "$CACHE" ""
e2e_write_config "$WORK/config-other" "$CACHE" "" \
	"MODULE_SIGN_KEY=$KEYS/other.key" "MODULE_SIGN_CERT=$KEYS/other.der"

# run_svc CONF ARGS...: systemtap-service for KVER with that config; output shown indented and
# kept in $WORK/svc.out; returns its exit code.
run_svc() {
	conf=$1
	shift
	rc=0
	"$BUILD/systemtap-service" "$@" -r "$KVER" -c "$conf" >"$WORK/svc.out" 2>&1 </dev/null || rc=$?
	sed 's/^/    | /' "$WORK/svc.out"
	return "$rc"
}

# ---- the modules and the image ------------------------------------------------------------
# sb_compile CONF NAME CERT: systemtap-service compile NAME with CONF (its MODULE_SIGN_KEY, or
# none), unless the cache already holds NAME.ko newer than its .stp and signed with CERT's key
# ("" for none): stap takes 5 s or more even when its own cache hits.
sb_compile() {
	ko=$KCACHE/$2.ko
	if [ -n "$(find "$ko" -newer "$WORK/script.d/$2.stp" 2>/dev/null)" ] &&
		[ "$(modinfo -F sig_key "$ko" 2>/dev/null)" = "$(sb_key_id "$3")" ]; then
		echo "    $2: cached ($ko)"
		return 0
	fi
	run_svc "$1" compile -y "$2" || e2e_die "systemtap-service compile $2 failed (exit $rc)"
}
step "systemtap-service compile: sb_signed with our key, sb_unsigned without one, sb_otherkey with another"
sb_compile "$WORK/config" sb_signed "$KEYS/ours.der"
sb_compile "$WORK/config-unsigned" sb_unsigned ""
sb_compile "$WORK/config-other" sb_otherkey "$KEYS/other.der"
step "systemtap-service onboot -o boot.img sb_signed (earliest mode, signing configured)"
run_svc "$WORK/config" onboot -o "$WORK/boot.img" sb_signed || e2e_die "onboot failed (exit $rc)"
lsinitrd "$WORK/boot.img" >"$WORK/boot.list" 2>&1 || true
lsinitrd -f usr/lib/stap-onboot/manifest "$WORK/boot.img" >"$WORK/manifest.onboot" 2>/dev/null || true
# With signing configured the service rebuilds (signs) every module it packs, so the unsigned
# and the other key's module come as a second cpio archive (the kernel unpacks both, later
# files win): their .ko files and a manifest listing all three, ours last.
step "appending sb_unsigned.ko, sb_otherkey.ko and a manifest of all three to the image"
x=$WORK/extra
mkdir -p "$x/usr/lib/stap-onboot"
cp "$KCACHE/sb_unsigned.ko" "$KCACHE/sb_otherkey.ko" "$x/usr/lib/stap-onboot/"
line=$(grep '^script sb_signed ' "$WORK/manifest.onboot") || e2e_die "no sb_signed in the image's manifest"
{
	grep -v '^script ' "$WORK/manifest.onboot"
	for s in sb_unsigned sb_otherkey sb_signed; do
		echo "$line" | sed "s/^script sb_signed /script $s /"
	done
} >"$x/usr/lib/stap-onboot/manifest"
(cd "$x" && find usr | cpio -o -H newc --quiet) >"$WORK/extra.cpio"
cat "$WORK/boot.img" "$WORK/extra.cpio" >"$WORK/initrd.img"

# ---- the EFI system partition and the variable store ----------------------------------------
BASE_CMDLINE="console=ttyS0 panic=-1 rd.shell=0 e2e.test=1"
sb_grub_cfg "$WORK/grub-before.cfg" "$BASE_CMDLINE e2e.mok=import e2e.mok.pw=$MOK_PW"
sb_grub_cfg "$WORK/grub-after.cfg" "$BASE_CMDLINE"
sb_esp "$WORK/esp.img" "$WORK/initrd.img" "$WORK/grub-before.cfg"
cp "$OVMF_VARS" "$WORK/vars.fd"

# ---- 1: before the enrollment -------------------------------------------------------------
step "boot 1/3 (Secure Boot, before enrollment): all three refused; mokutil --import our certificate"
before_rc=0
sb_boot "$WORK/vars.fd" "$WORK/esp.img" "$WORK/console-before.log" || before_rc=$?
step "qemu exited with $before_rc"
e2e_lines "$WORK/console-before.log" >"$WORK/e2e-before.txt"

# ---- 2: MokManager ------------------------------------------------------------------------
step "boot 2/3: MokManager, driven over the serial console: Enroll MOK, Continue, Yes, password, Reboot"
mok_rc=0
sb_mokmanager "$WORK/vars.fd" "$WORK/esp.img" "$WORK/console-mok.log" "$MOK_PW" || mok_rc=$?
step "MokManager: $MOK_DONE (qemu exited with $mok_rc)"

# ---- 3: after the enrollment --------------------------------------------------------------
mcopy -o -i "$WORK/esp.img" "$WORK/grub-after.cfg" ::/EFI/BOOT/grub.cfg || e2e_die "mcopy grub.cfg failed"
step "boot 3/3 (Secure Boot, our key enrolled): sb_signed armed, the other two refused"
after_rc=0
sb_boot "$WORK/vars.fd" "$WORK/esp.img" "$WORK/console-after.log" || after_rc=$?
step "qemu exited with $after_rc"
e2e_lines "$WORK/console-after.log" >"$WORK/e2e-after.txt"

# shellcheck source=tests/e2e/secureboot/sb-checks.sh
. "$SB/sb-checks.sh"
