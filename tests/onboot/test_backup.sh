#!/bin/sh
# -b: the old image becomes IMG.bak, a second -b never replaces that .bak; the default output
# is Debian's BOOT_PATH/initrd.img-KVER (also when no image exists yet: a fresh system), or
# BOOT_PATH/initramfs-KVER.img where only that exists; without -o and without any bootloader
# tool: a note that the boot loader finds the image by its name. Those are details: shown with
# -v (here), else only in LOG_FILE.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-onboot.sh"
setup_onboot fast
add_script alpha
dracut_once # dracut builds the same image every time here
# No bootloader tool is found (setup_onboot points them at nothing).

old_image "$IMG" 300
svc onboot alpha -b -v -r "$KVER"
assert_rc 0
assert_out '^ Creating initramfs with alpha \.\.\. done$'
assert_out "^  Previous image kept as $IMG.bak$"
assert_out "^NB: no bootloader tool found .*; the boot loader finds $IMG by its name$"
assert_unchanged "$IMG.bak"
assert_onboot_image "$IMG" alpha
[ "$(stat -c %a "$IMG")" = 644 ] || fail "image mode not kept"
assert_no_temp "$ROOT/boot"
ok "default output $IMG; -b kept the old image as .bak byte for byte"
first_new=$(sha256sum <"$IMG")

# Second -b: .bak is the first old image still; the image is rebuilt.
svc onboot alpha -b -v -r "$KVER"
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

# dracut's naming: initramfs-KVER.img exists, initrd.img-KVER does not: that one is updated.
rm "$IMG"
DRC="$ROOT/boot/initramfs-$KVER.img"
old_image "$DRC" 200
svc onboot alpha -b -v -r "$KVER"
assert_rc 0
assert_no_file "$IMG"
assert_unchanged "$DRC.bak"
assert_onboot_image "$DRC" alpha
assert_out "finds $DRC by its name"
ok "dracut layout: $DRC updated, its .bak kept"

# A fresh Debian system: no image at all yet. Debian's name, and no contradiction: there was
# nothing to back up, and the note does not claim a replacement.
rm -f "$DRC" "$DRC.bak"
svc onboot alpha -b -v -r "$KVER"
assert_rc 0
assert_no_file "$DRC"
assert_onboot_image "$IMG" alpha
assert_out "^  No previous image $IMG to back up$"
assert_no_out "replaced in place"
ok "no image yet: $IMG written (Debian's name)"
rm -f "$IMG"

DEB="$ROOT/boot/initrd.img-$KVER"
old_image "$DEB" 200
# A symlinked output is followed: the link stays a link, its target is replaced.
ln -s "initrd.img-$KVER" "$ROOT/boot/initrd.img"
svc onboot -r "$KVER" -o "$ROOT/boot/initrd.img"
assert_rc 0
[ -L "$ROOT/boot/initrd.img" ] || fail "the symlink was replaced by a file"
assert_image_lacks "$DEB" "$MANIFEST_IN_IMAGE"
ok "symlinked -o: the target is replaced, the link stays"
