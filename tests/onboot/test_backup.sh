#!/bin/sh
# -b: the old image becomes IMG.bak, a second -b never replaces that .bak; the default output
# BOOT_PATH/initramfs-KVER.img, or Debian's BOOT_PATH/initrd.img-KVER where only that exists;
# without -o and without any bootloader tool: a note that the image was replaced in place.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-onboot.sh"
setup_onboot fast
add_script alpha
# No bootloader tool is found (setup_onboot points them at nothing).

old_image "$IMG" 300
svc onboot alpha -b -r "$KVER"
assert_rc 0
assert_out '^ Creating initramfs with alpha \.\.\. done$'
assert_out "^  Previous image kept as $IMG.bak$"
assert_out "^NB: no bootloader tool found .*; $IMG was replaced in place$"
assert_unchanged "$IMG.bak"
assert_onboot_image "$IMG" alpha
[ "$(stat -c %a "$IMG")" = 644 ] || fail "image mode not kept"
assert_no_temp "$ROOT/boot"
ok "default output $IMG; -b kept the old image as .bak byte for byte"
first_new=$(sha256sum <"$IMG")

# Second -b: .bak is the first old image still; the image is rebuilt.
svc onboot alpha -b -r "$KVER"
assert_rc 0
assert_out "^  Backup already exists: $IMG.bak (left as it was)$"
assert_unchanged "$IMG.bak"
assert_onboot_image "$IMG" alpha
ok "-b twice keeps the first .bak"
[ "$(find "$ROOT/boot" -mindepth 1 | wc -l)" -eq 2 ] || fail "unexpected files in boot: $(ls -a "$ROOT/boot")"

# Without -b the image is replaced and no .bak appears.
rm "$IMG.bak"
svc onboot -r "$KVER"
assert_rc 0
assert_no_file "$IMG.bak"
assert_image_lacks "$IMG" "$MANIFEST_IN_IMAGE"
[ "$(sha256sum <"$IMG")" != "$first_new" ] || fail "image not replaced"
ok "without -b: replaced, no .bak"

# Debian's naming: initrd.img-KVER exists, initramfs-KVER.img does not.
rm "$IMG"
DEB="$ROOT/boot/initrd.img-$KVER"
old_image "$DEB" 200
svc onboot alpha -b -r "$KVER"
assert_rc 0
assert_no_file "$IMG"
assert_unchanged "$DEB.bak"
assert_onboot_image "$DEB" alpha
assert_out "$DEB was replaced in place"
ok "Debian layout: $DEB updated, its .bak kept"

# A symlinked output is followed: the link stays a link, its target is replaced.
ln -s "initrd.img-$KVER" "$ROOT/boot/initrd.img"
svc onboot -r "$KVER" -o "$ROOT/boot/initrd.img"
assert_rc 0
[ -L "$ROOT/boot/initrd.img" ] || fail "the symlink was replaced by a file"
assert_image_lacks "$DEB" "$MANIFEST_IN_IMAGE"
ok "symlinked -o: the target is replaced, the link stays"
