#!/bin/sh
# test_kernel_install_bls.sh: onboot on a Boot Loader Spec machine, with the real systemd
# kernel-install (252) and its real plugins: ours (as `make install` installs it), Debian's
# 85-initrd.install (stages /boot/initrd.img-KVER when no initrd is given) and
# 90-loaderentry.install (copies kernel and initrds into BOOT_ROOT/MACHINE-ID/KVER/, writes
# BOOT_ROOT/loader/entries/MACHINE-ID-KVER.conf). The owned root of lib-kupdate.sh (a private
# mount namespace: /boot, /etc/kernel, /etc/systemtap, /var are the test's), the ESP at
# /boot/efi (Debian's systemd-boot layout), the real stap and dracut:
#   1. onboot NAME -r A: onboot's boot loader update runs kernel-install, whose plugin runs
#      onboot --refresh -r A: that sees its own ancestor building A's image and does nothing
#      (it used to wait for onboot's lock: SYSTEMTAP_SERVICE_LOCK_TIMEOUT, 300 s, then fail).
#      One dracut run; the entry's initrd is the image onboot built, holding A's snapshot;
#   2. kernel B installed the Debian way: the postinst.d hooks (ours compiles the set, Debian's
#      dracut builds /boot/initrd.img-B), then `kernel-install add B /boot/vmlinuz-B` as
#      systemd-boot's zz-systemd-boot hook runs it: the entry's initrd holds B's snapshot, and
#      our plugin (--refresh --image) builds nothing more;
#   3. `kernel-install add B` while /boot/initrd.img-B lacks the set (an image built without
#      it): our plugin rebuilds it before 85-initrd stages it, so the entry holds the set;
#   4. `kernel-install remove B`: B's cache and snapshot go, and its entry.
# kernel-install's other plugins (50-depmod would write the host's /lib/modules) are left out
# through KERNEL_INSTALL_PLUGINS.
# shellcheck disable=SC2034 # RC: read by assert_rc (lib.sh)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-kupdate.sh"
kupdate_enter "$@"

# The script of test_kernel_update.sh, byte for byte: stap's own cache serves both tests.
NAME=kupd_tick
CACHE=/var/cache/systemtap
MID=5f1e0c0ffee0c0ffee0c0ffee0c0ffee
ESP=/boot/efi
RT_OPT=$(stap_runtime_opt "$KA")
rt_b=$(stap_runtime_opt "$KB")
[ "${rt_b:+patched}" = "${RT_OPT:+patched}" ] ||
	fail "kernels $KA and $KB need different stap runtimes (task_work_cancel_func)"
cat >"/etc/systemtap/script.d/$NAME.stp" <<'EOS'
probe begin { printf("kupd_tick started\n") }
probe timer.s(5) { printf("kupd_tick tick\n") }
EOS
echo "${NAME}_OPT='$RT_OPT'" >"/etc/systemtap/conf.d/$NAME.conf"

# The ESP with an entry-token directory: kernel-install's layout is then bls.
mkdir -p "$ESP/$MID" "$ESP/loader/entries"
echo "root=/dev/stap-onboot-test ro" >/etc/kernel/cmdline # else the host's /proc/cmdline
PLUGINS="$KT/dest/usr/lib/kernel/install.d/45-systemtap-onboot.install"
PLUGINS="$PLUGINS /usr/lib/kernel/install.d/85-initrd.install /usr/lib/kernel/install.d/90-loaderentry.install"
export KERNEL_INSTALL_PLUGINS="$PLUGINS" BOOT_ROOT="$ESP" MACHINE_ID="$MID"
# A regression would show as a wait for the lock: not 300 s of it.
export SYSTEMTAP_SERVICE_LOCK_TIMEOUT=60
# The service's dracut counts its runs and times them (the real dracut does the work).
cat >"$KT/dracut-count" <<EOS
#!/bin/sh
t0=\$(date +%s%N)
rc=0
dracut "\$@" || rc=\$?
echo "\$(((\$(date +%s%N) - t0) / 1000000)) \$*" >>"$KT/dracut.runs"
exit \$rc
EOS
chmod +x "$KT/dracut-count"
cat >/etc/systemtap/conf.d/zz-bls.conf <<EOC
KERNEL_INSTALL=/usr/bin/kernel-install
DRACUT=$KT/dracut-count
EOC
runs() { cat "$KT/dracut.runs" 2>/dev/null | wc -l; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# assert_entry KVER: the loader entry of KVER lists its initrd, a copy of /boot/initrd.img-KVER
# that holds KVER's snapshot (manifest byte for byte, NAME.ko built for KVER).
assert_entry() {
	conf=$ESP/loader/entries/$MID-$1.conf
	initrd=$ESP/$MID/$1/initrd.img-$1
	assert_file "$conf"
	sed 's/^/    conf| /' "$conf"
	grep -q "^initrd  *[^ ]*/$MID/$1/initrd.img-$1\$" "$conf" || fail "$conf lists no initrd.img-$1"
	cmp -s "$initrd" "/boot/initrd.img-$1" || fail "$initrd is not /boot/initrd.img-$1"
	lsinitrd -f usr/lib/stap-onboot/manifest "$initrd" | cmp -s - "$CACHE/$1/onboot/manifest" ||
		fail "$initrd does not hold $1's snapshot manifest"
	v=$(image_ko_vermagic "$initrd" "$NAME")
	[ "$v" = "$1" ] || fail "$initrd: $NAME.ko is built for '$v', not $1"
}

# --- 1. onboot NAME -r A ---------------------------------------------------------------------
t0=$(now_ms)
isvc onboot "$NAME" -v -r "$KA"
ONBOOT_MS=$(($(now_ms) - t0))
echo "onboot $NAME -r $KA in a BLS layout: $ONBOOT_MS ms; dracut: $(cut -d ' ' -f 1 "$KT/dracut.runs" | xargs) ms"
assert_rc 0 "onboot $NAME -r $KA"
assert_out '^ Updating bootloader (kernel-install) \.\.\. done$'
LOG=/var/log/systemtap.log
grep -q "systemtap-onboot: systemtap-service onboot --refresh -r $KA\$" "$LOG" ||
	fail "our plugin did not run (or not with --refresh alone: onboot passes its image)"
grep -q "^Nothing to do: [0-9]* (onboot), which started this command, is building kernel $KA's image\$" "$LOG" ||
	fail "the plugin's onboot --refresh did not see its ancestor"
! grep -q "waiting for\|Gave up\|failed (exit" "$LOG" || fail "something waited or failed: $(grep "waiting for\|Gave up\|failed (exit" "$LOG")"
[ "$(runs)" -eq 1 ] || fail "onboot ran dracut $(runs) times"
assert_entry "$KA"
# Again, compiled already: onboot takes about what its one dracut run takes.
: >"$LOG"
t0=$(now_ms)
isvc onboot "$NAME" -r "$KA"
ONBOOT_MS=$(($(now_ms) - t0))
DRACUT_MS=$(tail -n 1 "$KT/dracut.runs" | cut -d ' ' -f 1)
echo "onboot $NAME -r $KA again: $ONBOOT_MS ms, its dracut run $DRACUT_MS ms"
assert_rc 0 "onboot $NAME -r $KA again"
grep -q "^Nothing to do: " "$LOG" || fail "the plugin's onboot --refresh did not see its ancestor"
[ "$(runs)" -eq 2 ] || fail "onboot ran dracut more than once"
[ "$ONBOOT_MS" -lt $((DRACUT_MS + 30000)) ] || fail "onboot took $ONBOOT_MS ms, dracut $DRACUT_MS ms"
assert_entry "$KA"
ok "onboot in a BLS layout: the plugin does nothing at once, one dracut run ($ONBOOT_MS ms, dracut $DRACUT_MS ms), the entry holds the snapshot"

# --- 2. kernel B, the Debian way ---------------------------------------------------------------
# zz-systemd-boot (systemd-boot's hook: kernel-install add "$1" "$2" when bootctl finds the boot
# loader installed, which needs a real ESP): here after Debian's dracut hook, as run-parts orders.
cat >/etc/kernel/postinst.d/zz-systemd-boot <<'EOS'
#!/bin/sh
exec kernel-install add "$1" "$2"
EOS
chmod +x /etc/kernel/postinst.d/zz-systemd-boot
before=$(runs)
t0=$(now_ms)
kernel_hooks /etc/kernel/postinst.d "$KB" DEB_MAINT_PARAMS=configure
echo "postinst.d for $KB: $(($(now_ms) - t0)) ms"
assert_rc 0 "postinst.d for $KB"
printf '%s\n' "$OUT" | awk '/refresh -r / { s = NR } /^dracut: Generating/ { d = NR } /refresh --image -r / { k = NR } END { exit !(s && d && k && s < d && d < k) }' ||
	fail "not: our hook, Debian's dracut, then kernel-install with our plugin"
assert_out "holds the onboot snapshot already\$"
[ "$(runs)" -eq "$before" ] || fail "our plugin ran dracut again"
assert_entry "$KB"
rm /etc/kernel/postinst.d/zz-systemd-boot
ok "kernel $KB installed: its entry's initrd holds $NAME built for $KB; the plugin built nothing more"

# --- 3. kernel-install add B while its image lacks the set -----------------------------------
dracut -q --force --omit systemtap "/boot/initrd.img-$KB" "$KB" || fail "dracut without our module failed"
! lsinitrd "/boot/initrd.img-$KB" | grep -q usr/lib/stap-onboot/ || fail "the image still holds the set"
before=$(runs)
OUT=$(kernel-install add "$KB" "/boot/vmlinuz-$KB" 2>&1)
RC=$?
printf '%s\n' "$OUT" | sed 's/^/    | /'
assert_rc 0 "kernel-install add $KB"
assert_out "systemtap-onboot: systemtap-service onboot --refresh --image -r $KB"
[ "$(runs)" -eq $((before + 1)) ] || fail "the plugin did not rebuild the image once"
assert_entry "$KB"
ok "kernel-install add $KB with a stale /boot/initrd.img-$KB: rebuilt with the set before the entry took it"

# --- 4. kernel-install remove B -----------------------------------------------------------------
OUT=$(kernel-install remove "$KB" 2>&1)
RC=$?
printf '%s\n' "$OUT" | sed 's/^/    | /'
assert_rc 0 "kernel-install remove $KB"
assert_out "systemtap-onboot: systemtap-service onboot --forget -r $KB"
assert_no_file "$CACHE/$KB"
assert_no_file "$ESP/loader/entries/$MID-$KB.conf"
assert_no_file "$ESP/$MID/$KB"
assert_entry "$KA"
ok "kernel-install remove $KB: its cache, snapshot and entry are gone; $KA's entry stays"
