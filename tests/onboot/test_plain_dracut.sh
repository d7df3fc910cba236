#!/bin/sh
# What a kernel update does: a plain `dracut -f IMG KVER` (hostonly, no --add, no variables
# from us). Our module's check() includes it whenever the kernel's manifest lists scripts, so
# the onboot scripts stay (upstream's were silently dropped); after a bare onboot they are
# gone. A manifest naming a missing module installs nothing of ours, loudly. Hostonly images
# without compression here (about 7 s each); test_default_dracut.sh covers compression.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-onboot.sh"
setup_onboot hostonly
add_script alpha
OUTIMG="$IMG" # the kernel's own image: onboot keeps its snapshot and set

svc onboot alpha -r "$KVER"
assert_rc 0
assert_onboot_image "$OUTIMG" alpha
grep -q "Exec: .*dracut --force --add systemtap" "$LOG" || fail "onboot did not add the module"
ok "onboot in a hostonly dracut setup"

unset STAP_EARLY_LOADER
dracut --force "$ROOT/boot/plain.img" "$KVER" >"$ROOT/plain.log" 2>&1 ||
	fail "plain dracut failed: $(tail -n 5 "$ROOT/plain.log")"
grep -q 'Including module: systemtap' "$ROOT/plain.log" || fail "check() did not include our module"
assert_onboot_image "$ROOT/boot/plain.img" alpha
lsinitrd "$ROOT/boot/plain.img" | grep '^Arguments:' | grep -vq -- '--add' || fail "plain run used --add"
ok "plain dracut -f keeps the onboot scripts"

svc onboot -r "$KVER"
assert_rc 0
assert_out '^ Creating initramfs without scripts \.\.\. done$'
assert_image_lacks "$OUTIMG" "$LOADER_IN_IMAGE" "$MANIFEST_IN_IMAGE" "$HOOK_IN_IMAGE" usr/lib/stap-onboot/alpha.ko
dracut --force "$ROOT/boot/plain2.img" "$KVER" >"$ROOT/plain2.log" 2>&1 ||
	fail "plain dracut failed: $(tail -n 5 "$ROOT/plain2.log")"
! grep -q 'Including module: systemtap' "$ROOT/plain2.log" || fail "our module included without scripts"
assert_image_lacks "$ROOT/boot/plain2.img" "$LOADER_IN_IMAGE" "$MANIFEST_IN_IMAGE" "$HOOK_IN_IMAGE"
ok "after a bare onboot neither onboot nor a plain dracut -f puts our files in"

# A manifest that names a module that is not in the cache: nothing of ours, and dracut says so.
printf 'stap-onboot-manifest 1\nkernel %s\nlog_boot_err no\nscript alpha protocol=4 bufsize=0\nscript ghost protocol=4 bufsize=0\n' \
	"$KVER" >"$CACHE/onboot/manifest"
dracut --force "$ROOT/boot/plain3.img" "$KVER" >"$ROOT/plain3.log" 2>&1 ||
	fail "plain dracut failed: $(tail -n 5 "$ROOT/plain3.log")"
grep -q "systemtap: not installing the onboot scripts, missing: $CACHE/ghost.ko" "$ROOT/plain3.log" ||
	fail "no message about the missing module: $(grep systemtap "$ROOT/plain3.log")"
assert_image_lacks "$ROOT/boot/plain3.img" "$LOADER_IN_IMAGE" "$MANIFEST_IN_IMAGE" "$HOOK_IN_IMAGE" \
	usr/lib/stap-onboot/alpha.ko
ok "a manifest naming a missing module: all or nothing, with a message"
