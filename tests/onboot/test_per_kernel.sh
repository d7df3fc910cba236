#!/bin/sh
# The manifest is per kernel release: onboot for one kernel never changes another kernel's
# manifest or image, and the dracut module picks the manifest of the kernel dracut builds for.
# Only one real kernel is installed; the second release, $K2, is a symlink copy of its modules
# tree given to dracut with --kmoddir (in DRACUT_OPTS of a second config), so dracut builds
# real images for it. stap cannot compile for that fake release, so its manifest with a script
# is written by hand here, as onboot would write it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-onboot.sh"
setup_onboot fast
add_script alpha
K2=6.1.0-99-stap-onboot-test
mkdir -p "$ROOT/lib/modules"
cp -as "/lib/modules/$KVER" "$ROOT/lib/modules/$K2"
CONF2="$ROOT/etc/systemtap/config.k2"
cp "$CONF" "$CONF2"
echo "DRACUT_OPTS='--kmoddir $ROOT/lib/modules/$K2'" >>"$CONF2"
CACHE2="$ROOT/var/cache/systemtap/$K2"
IMG1="$IMG"
IMG2="$ROOT/boot/initrd.img-$K2"

svc onboot alpha -r "$KVER"
assert_rc 0
assert_onboot_image "$IMG1" alpha
sum1=$(sha256sum <"$IMG1")
man1=$(sha256sum <"$CACHE/onboot/manifest")

# A plain image for the second release: its own (empty) manifest; the first kernel's
# manifest and image are untouched.
OUT=$("$SVC" onboot -r "$K2" -c "$CONF2" 2>&1)
RC=$?
printf '%s\n' "$OUT" | sed 's/^/    | /'
assert_rc 0
assert_out '^ Creating initramfs without scripts \.\.\. done$'
assert_no_file "$CACHE2/onboot"
assert_image_lacks "$IMG2" "$MANIFEST_IN_IMAGE"
[ "$(sha256sum <"$IMG1")" = "$sum1" ] || fail "onboot for $K2 changed the $KVER image"
[ "$(sha256sum <"$CACHE/onboot/manifest")" = "$man1" ] || fail "onboot for $K2 changed the $KVER manifest"
ok "onboot -r $K2 left $KVER's image and manifest alone"

# The second release gets a script of its own (hand-written manifest, see above).
mkdir -p "$CACHE2/onboot"
cp "$CACHE/alpha.ko" "$CACHE2/onboot/other.ko"
printf 'stap-onboot-manifest 1\nkernel %s\nlog_boot_err no\nscript other protocol=4 bufsize=0\n' \
	"$K2" >"$CACHE2/onboot/manifest"
man2=$(sha256sum <"$CACHE2/onboot/manifest")

# onboot for the first kernel again: K2's manifest is not touched.
svc onboot alpha -r "$KVER"
assert_rc 0
[ "$(sha256sum <"$CACHE2/onboot/manifest")" = "$man2" ] || fail "onboot for $KVER changed $K2's manifest"
assert_image_lacks "$IMG1" usr/lib/stap-onboot/other.ko
ok "onboot -r $KVER left $K2's manifest alone"

# dracut itself (no STAP_ONBOOT_MANIFEST: what a kernel update runs) takes the manifest of the
# kernel it builds for, from the cache path substituted into module-setup.sh.
unset STAP_EARLY_LOADER
dracut --add systemtap --force "$ROOT/boot/plain-k1.img" "$KVER" >"$ROOT/d1.log" 2>&1 ||
	fail "dracut for $KVER failed: $(tail -n 5 "$ROOT/d1.log")"
assert_onboot_image "$ROOT/boot/plain-k1.img" alpha
assert_image_lacks "$ROOT/boot/plain-k1.img" usr/lib/stap-onboot/other.ko
dracut --add systemtap --kmoddir "$ROOT/lib/modules/$K2" --force "$ROOT/boot/plain-k2.img" "$K2" \
	>"$ROOT/d2.log" 2>&1 || fail "dracut for $K2 failed: $(tail -n 5 "$ROOT/d2.log")"
assert_image_has "$ROOT/boot/plain-k2.img" "$LOADER_IN_IMAGE" "$HOOK_IN_IMAGE" usr/lib/stap-onboot/other.ko
assert_image_lacks "$ROOT/boot/plain-k2.img" usr/lib/stap-onboot/alpha.ko
lsinitrd -f "$MANIFEST_IN_IMAGE" "$ROOT/boot/plain-k2.img" | cmp -s - "$CACHE2/onboot/manifest" ||
	fail "plain-k2.img holds another manifest"
ok "dracut for each kernel installs that kernel's manifest and modules only"

# A manifest written for another kernel is never installed: dracut --add fails loudly.
cp "$CACHE2/onboot/manifest" "$ROOT/wrong.manifest"
if STAP_ONBOOT_MANIFEST="$ROOT/wrong.manifest" dracut --add systemtap --force \
	"$ROOT/boot/wrong.img" "$KVER" >"$ROOT/d3.log" 2>&1; then
	fail "dracut accepted a manifest for $K2 when building $KVER"
fi
grep -q "dracut module 'systemtap' cannot be found or installed" "$ROOT/d3.log" ||
	fail "unexpected dracut failure: $(tail -n 5 "$ROOT/d3.log")"
ok "a manifest for another kernel is refused by the module's check()"
