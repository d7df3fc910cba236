#!/bin/sh
# onboot with dracut's own defaults (hostonly, compressed: what `dracut -f` does on this
# machine), once: about a minute. The module's files survive hostonly filtering and
# compression, and the image check reads the compressed image.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-onboot.sh"
setup_onboot default
add_script alpha
add_script beta "-s 4"
old_image "$IMG" 2048

start=$(date +%s)
svc onboot alpha beta -b -r "$KVER"
assert_rc 0
echo "    onboot with dracut defaults took $(($(date +%s) - start)) s"
assert_out '^ Creating initramfs with alpha beta \.\.\. done$'
assert_unchanged "$IMG.bak"
assert_onboot_image "$IMG" alpha beta
lsinitrd "$IMG" | grep -q "^Arguments: *--force --add 'systemtap'" || fail "not dracut's default options"
grep -q "Using auto-determined compression method" "$LOG" || fail "image was not compressed"
grep -q 'Including module: systemd' "$LOG" || fail "not a systemd initrd"
grep -qx 'script beta protocol=4 bufsize=4' "$CACHE/onboot/manifest" || fail "bufsize"
ok "default (hostonly, compressed, systemd) image holds loader, manifest, hook, .ko files"
