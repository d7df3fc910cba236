#!/bin/sh
# onboot with -o: a real dracut image holding the loader, the manifest, each cached .ko
# (byte-identical) and the cmdline/01 hook; the manifest says what the loader must do;
# messages as upstream; a new image is 0600; a relative -o is made absolute (upstream bug 13);
# bare onboot builds a plain image and clears the manifest; DRACUT_OPTS reach dracut;
# ONBOOT_MODE: early (default) wraps /init with the loader, hook leaves dracut's /init.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-onboot.sh"
setup_onboot fast
add_script alpha
add_script beta "-s 8"
add_script gamma
echo "gamma_REQ=alpha" >>"$ROOT/etc/systemtap/conf.d/gamma.conf"
OUTIMG="$IMG" # the kernel's own image: onboot keeps its snapshot and set

# gamma requires alpha: the named order is kept except that a requirement starts first.
svc onboot gamma beta alpha -r "$KVER"
assert_rc 0
assert_out '^ Compiling alpha \.\.\. done$'
assert_out '^ Checking options alpha \.\.\. done$'
assert_out '^ Checking options beta \.\.\. done$'
assert_out '^ Checking options gamma \.\.\. done$'
assert_out '^ Creating initramfs with alpha gamma beta \.\.\. done$'
# The details are in LOG_FILE, not on the terminal (upstream's lines only; -v shows them).
assert_no_out 'Checking space'
assert_no_out 'dracut log:'
assert_no_out 'NB: no bootloader tool found'
grep -q ' Checking space on .* \.\.\. done' "$LOG" || fail "LOG_FILE lacks the space check"
grep -q "dracut log: $LOG" "$LOG" || fail "LOG_FILE lacks the dracut log line"
grep -q 'NB: no bootloader tool found' "$LOG" || fail "LOG_FILE lacks the boot loader note"
ok "onboot: upstream's messages; the details in LOG_FILE"
[ "$(grep '^script' "$CACHE/onboot/manifest" | cut -d' ' -f2 | xargs)" = "alpha gamma beta" ] ||
	fail "manifest order is not 'alpha gamma beta'"
assert_onboot_image "$OUTIMG" alpha beta gamma
ok "image holds loader, manifest, hook and each .ko byte for byte"
grep -qx 'mode early' "$CACHE/onboot/manifest" || fail "manifest: no 'mode early' by default"
lsinitrd "$OUTIMG" | grep -Eq ' init -> usr/sbin/stap-early-loader$' || fail "/init is not the loader"
assert_image_has "$OUTIMG" init.real
lsinitrd -f init.real "$OUTIMG" | cmp -s - /usr/lib/dracut/modules.d/99base/init.sh ||
	fail "/init.real is not dracut's init.sh"
ok "earliest mode (default): /init -> the loader, dracut's init.sh moved to /init.real"
[ "$(stat -c %a "$OUTIMG")" = 600 ] || fail "new image mode $(stat -c %a "$OUTIMG"), not 600"
ok "new image is 0600"
head -n 1 "$CACHE/onboot/manifest" | grep -qx 'stap-onboot-manifest 1' || fail "manifest line 1"
grep -qx "kernel $KVER" "$CACHE/onboot/manifest" || fail "manifest kernel line"
grep -qx 'log_boot_err no' "$CACHE/onboot/manifest" || fail "manifest log_boot_err"
grep -qx 'log_size 4194304' "$CACHE/onboot/manifest" || fail "manifest: no log_size 4194304 (ONBOOT_LOG_SIZE's default)"
grep -qx 'script beta protocol=4 bufsize=8' "$CACHE/onboot/manifest" || fail "beta: -s 8 -> bufsize=8"
grep -qx 'script gamma protocol=4 bufsize=1' "$CACHE/onboot/manifest" || fail "gamma: no -s -> bufsize=1 (ONBOOT_BUFSIZE's default)"
ok "manifest: kernel, log_boot_err, log_size, bufsize from -s or ONBOOT_BUFSIZE, protocol 4 (stap 4.8)"
grep -q 'Including module: systemtap' "$LOG" || fail "dracut's output is not in LOG_FILE"
grep -q "Exec: .*dracut .*--force --add systemtap $ROOT/boot/\.initrd\.img-$KVER\.stap-tmp\.[0-9]*\.[A-Za-z0-9]\{6\} $KVER" "$LOG" ||
	fail "dracut command line not logged as expected"
assert_no_temp "$ROOT/boot" "$CACHE"
ok "dracut output and command in LOG_FILE; no temp files left"

# Without -R a requirement that is not named stays out.
svc onboot gamma -r "$KVER"
assert_rc 0
assert_out '^ Creating initramfs with gamma \.\.\. done$'
assert_onboot_image "$OUTIMG" gamma
assert_image_lacks "$OUTIMG" usr/lib/stap-onboot/alpha.ko usr/lib/stap-onboot/beta.ko
ok "only the named script without -R"

# -R: requirements come along, first; LOG_BOOT_ERR and ONBOOT_LOG_SIZE reach the manifest;
# mode kept.
chmod 0644 "$OUTIMG"
echo "LOG_BOOT_ERR=yes" >>"$CONF"
echo "ONBOOT_LOG_SIZE=64K" >>"$CONF"
svc onboot gamma -R -r "$KVER"
assert_rc 0
assert_out '^ Creating initramfs with alpha gamma \.\.\. done$'
[ "$(grep '^script' "$CACHE/onboot/manifest" | cut -d' ' -f2 | xargs)" = "alpha gamma" ] ||
	fail "-R: manifest order is not 'alpha gamma'"
grep -qx 'log_boot_err yes' "$CACHE/onboot/manifest" || fail "LOG_BOOT_ERR=yes not in manifest"
grep -qx 'log_size 65536' "$CACHE/onboot/manifest" || fail "ONBOOT_LOG_SIZE=64K: no log_size 65536 in the manifest"
assert_onboot_image "$OUTIMG" alpha gamma
assert_image_lacks "$OUTIMG" usr/lib/stap-onboot/beta.ko
[ "$(stat -c %a "$OUTIMG")" = 644 ] || fail "image mode not kept (644)"
ok "-R adds requirements first; LOG_BOOT_ERR=yes in manifest; mode 0644 kept"

# ONBOOT_MODE=hook: the manifest says so, dracut's /init stays, the hook starts the scripts.
cp "$CONF" "$ROOT/config.early"
echo "ONBOOT_MODE=hook" >>"$CONF"
svc onboot alpha -r "$KVER" -o "$ROOT/hook.img"
assert_rc 0
lsinitrd -f "$MANIFEST_IN_IMAGE" "$ROOT/hook.img" | grep -qx 'mode hook' || fail "manifest: no 'mode hook'"
lsinitrd -f init "$ROOT/hook.img" | cmp -s - /usr/lib/dracut/modules.d/99base/init.sh ||
	fail "ONBOOT_MODE=hook: /init is not dracut's init.sh"
assert_image_lacks "$ROOT/hook.img" init.real
assert_image_has "$ROOT/hook.img" "$HOOK_IN_IMAGE" "$LOADER_IN_IMAGE"
ok "ONBOOT_MODE=hook: dracut's /init kept, no /init.real, the hook and loader present"
echo "ONBOOT_MODE=later" >>"$CONF"
svc onboot alpha -r "$KVER" -o "$ROOT/bad.img"
assert_rc 6
assert_out "ONBOOT_MODE must be early or hook, not \"later\""
assert_no_file "$ROOT/bad.img"
cp "$ROOT/config.early" "$CONF"
ok "ONBOOT_MODE=later: a configuration error (exit 6) naming the value"

# Relative -o: relative to the current directory, not to a temp dir (upstream bug 13).
(cd "$ROOT" && svc onboot alpha -r "$KVER" -o boot/rel.img && [ "$RC" -eq 0 ]) || fail "relative -o failed"
[ -f "$ROOT/boot/rel.img" ] || fail "relative -o did not land in \$ROOT/boot/rel.img"
ONE_OFF=1
assert_onboot_image "$ROOT/boot/rel.img" alpha
ONE_OFF=
ok "relative -o path made absolute (a one-off image: the snapshot stays)"

# Bare onboot: plain image, manifest lists no script, nothing of ours in the image.
svc onboot -r "$KVER"
assert_rc 0
assert_out '^ Creating initramfs without scripts \.\.\. done$'
assert_no_out 'Checking options'
assert_image_lacks "$OUTIMG" "$LOADER_IN_IMAGE" "$MANIFEST_IN_IMAGE" "$HOOK_IN_IMAGE" \
	usr/lib/stap-onboot/alpha.ko usr/lib/stap-onboot/gamma.ko
assert_image_has "$OUTIMG" init
assert_no_file "$CACHE/onboot"
grep -q 'Exec: .*dracut --force '"$ROOT"'/boot/\.initrd\.img-' "$LOG" || fail "bare run used --add?"
ok "bare onboot: plain image, snapshot removed"

# DRACUT_OPTS: extra dracut words from the config (here: no early microcode cpio).
echo "DRACUT_OPTS='--no-early-microcode --reproducible'" >>"$CONF"
svc onboot alpha -r "$KVER"
assert_rc 0
lsinitrd "$OUTIMG" | grep '^Arguments:' | grep -q -- "--no-early-microcode --reproducible --force --add 'systemtap'" ||
	fail "DRACUT_OPTS did not reach dracut: $(lsinitrd "$OUTIMG" | grep '^Arguments:')"
assert_onboot_image "$OUTIMG" alpha
ok "DRACUT_OPTS passed to dracut"
