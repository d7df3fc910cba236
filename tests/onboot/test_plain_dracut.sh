#!/bin/sh
# What a kernel update does: a plain `dracut -f IMG KVER` (hostonly, no --add, no variables
# from us). Our module's check() includes it whenever the kernel's manifest lists scripts, so
# the onboot scripts stay (upstream's were silently dropped), byte for byte from the kernel's
# snapshot even after a recompile or a cleanup; after a bare onboot they are gone. A manifest naming a missing module installs nothing of ours, loudly. Hostonly images
# without compression and without the kernel's own modules here (no_kernel: what decides
# whether our module is in is its check(), not the drivers; 13 s a run instead of 43 s);
# test_default_dracut.sh covers a whole default image, compressed.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-onboot.sh"
setup_onboot hostonly
echo 'no_kernel="yes"' >>"$DRACUT_BASE/dracut.conf.d/50-stap-onboot-test.conf"
add_script alpha
OUTIMG="$IMG" # the kernel's own image: onboot keeps its snapshot and set

svc onboot alpha -r "$KVER"
assert_rc 0
assert_onboot_image "$OUTIMG" alpha
grep -q "Exec: .*dracut --force --add systemtap" "$LOG" || fail "onboot did not add the module"
SET="$ROOT/var/lib/systemtap/onboot.set"
grep -q "^script alpha opts=" "$SET" || fail "the set does not record alpha with its options"
"$BUILD/stap-early-loader" --list "$CACHE/onboot/manifest" --kernel "$KVER" | grep -qx alpha ||
	fail "the snapshot's manifest does not list alpha"
ok "onboot in a hostonly dracut setup: set recorded, snapshot written"

unset STAP_EARLY_LOADER
dracut --force "$ROOT/boot/plain.img" "$KVER" >"$ROOT/plain.log" 2>&1 ||
	fail "plain dracut failed: $(tail -n 5 "$ROOT/plain.log")"
grep -q 'Including module: systemtap' "$ROOT/plain.log" || fail "check() did not include our module"
assert_onboot_image "$ROOT/boot/plain.img" alpha
lsinitrd "$ROOT/boot/plain.img" | grep '^Arguments:' | grep -vq -- '--add' || fail "plain run used --add"
ok "plain dracut -f keeps the onboot scripts"

# The snapshot is what dracut packs: a recompile with other options and a cleanup change the
# cache, never the snapshot, so a later plain dracut -f packs the same module byte for byte.
snap_sum=$(sha256sum <"$CACHE/onboot/alpha.ko")
image_ko() { lsinitrd -f usr/lib/stap-onboot/alpha.ko "$1" | sha256sum; }
echo "alpha_OPT='$RT_OPT -DMAXACTION=4321'" >"$ROOT/etc/systemtap/conf.d/alpha.conf"
svc compile -y alpha -r "$KVER"
assert_rc 0
[ "$(sha256sum <"$CACHE/alpha.ko")" != "$snap_sum" ] || fail "the recompile did not change the cache"
dracut --force "$ROOT/boot/recompiled.img" "$KVER" >"$ROOT/recompiled.log" 2>&1 ||
	fail "plain dracut failed: $(tail -n 5 "$ROOT/recompiled.log")"
[ "$(image_ko "$ROOT/boot/recompiled.img")" = "$snap_sum" ] ||
	fail "after a recompile, plain dracut packed another alpha.ko than the snapshot's"
ok "recompiled with other options: plain dracut -f still packs the snapshot's alpha.ko"
svc cleanup -y alpha -r "$KVER"
assert_rc 0
assert_no_file "$CACHE/alpha.ko"
assert_out "NB: the onboot snapshot of kernel $KVER still holds alpha, so its image starts it at every boot; to take it out: systemtap-service onboot -r $KVER$"
dracut --force "$ROOT/boot/cleaned.img" "$KVER" >"$ROOT/cleaned.log" 2>&1 ||
	fail "plain dracut failed: $(tail -n 5 "$ROOT/cleaned.log")"
grep -q 'Including module: systemtap' "$ROOT/cleaned.log" || fail "cleanup dropped our module"
[ "$(image_ko "$ROOT/boot/cleaned.img")" = "$snap_sum" ] ||
	fail "after cleanup, plain dracut did not pack the snapshot's alpha.ko"
ok "cleanup -y alpha: says which kernel still starts it; plain dracut -f still packs it"

svc onboot -r "$KVER"
assert_rc 0
assert_out '^ Creating initramfs without scripts \.\.\. done$'
assert_no_file "$SET"
assert_no_file "$CACHE/onboot"
assert_image_lacks "$OUTIMG" "$LOADER_IN_IMAGE" "$MANIFEST_IN_IMAGE" "$HOOK_IN_IMAGE" usr/lib/stap-onboot/alpha.ko
dracut --force "$ROOT/boot/plain2.img" "$KVER" >"$ROOT/plain2.log" 2>&1 ||
	fail "plain dracut failed: $(tail -n 5 "$ROOT/plain2.log")"
! grep -q 'Including module: systemtap' "$ROOT/plain2.log" || fail "our module included without scripts"
assert_image_lacks "$ROOT/boot/plain2.img" "$LOADER_IN_IMAGE" "$MANIFEST_IN_IMAGE" "$HOOK_IN_IMAGE"
ok "after a bare onboot neither onboot nor a plain dracut -f puts our files in"

# A manifest that names a module that is not in the cache: nothing of ours, and dracut says so.
mkdir -p "$CACHE/onboot"
lsinitrd -f usr/lib/stap-onboot/alpha.ko "$ROOT/boot/recompiled.img" >"$CACHE/onboot/alpha.ko"
printf 'stap-onboot-manifest 1\nkernel %s\nlog_boot_err no\nscript alpha protocol=4 bufsize=0\nscript ghost protocol=4 bufsize=0\n' \
	"$KVER" >"$CACHE/onboot/manifest"
dracut --force "$ROOT/boot/plain3.img" "$KVER" >"$ROOT/plain3.log" 2>&1 ||
	fail "plain dracut failed: $(tail -n 5 "$ROOT/plain3.log")"
grep -q "systemtap: not installing the onboot scripts, missing: $CACHE/onboot/ghost.ko" "$ROOT/plain3.log" ||
	fail "no message about the missing module: $(grep systemtap "$ROOT/plain3.log")"
assert_image_lacks "$ROOT/boot/plain3.img" "$LOADER_IN_IMAGE" "$MANIFEST_IN_IMAGE" "$HOOK_IN_IMAGE" \
	usr/lib/stap-onboot/alpha.ko
ok "a manifest naming a missing module: all or nothing, with a message"
