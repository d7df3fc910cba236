#!/bin/sh
# onboot --status on a current image and on a stale one (an image rebuilt without our module),
# then the fix it names (--refresh --image), the missing-headers message of --refresh, and
# --forget. Fast images (no compression, base only).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-onboot.sh"
setup_onboot fast
add_script alpha
# status lists the kernels that have an image file in BOOT_PATH (vmlinuz-KVER).
: >"$ROOT/boot/vmlinuz-$KVER"

svc onboot alpha -r "$KVER"
assert_rc 0
svc onboot --status -r "$KVER"
assert_rc 0
assert_out "^Onboot set ($ROOT/var/lib/systemtap/onboot.set): alpha$"
assert_out "^$KVER: alpha$"
assert_out "^  snapshot: $CACHE/onboot$"
assert_out "^  image: $IMG holds this snapshot$"
ok "status of a current image: exit 0, the script, its snapshot"

# A dracut run that leaves our module out: the image no longer holds the snapshot.
dracut --force --omit systemtap "$IMG" "$KVER" >"$ROOT/omit.log" 2>&1 ||
	fail "dracut failed: $(tail -n 5 "$ROOT/omit.log")"
svc onboot --status
assert_rc 1
assert_out "^  image: $IMG does NOT hold this snapshot: .*lacks"
assert_out "^  to fix: systemtap-service onboot --refresh --image -r $KVER$"
ok "status of a stale image: exit 1, what is wrong, the command that fixes it"

svc onboot --refresh --image -r "$KVER"
assert_rc 0
assert_out "^Building the onboot set for kernel $KVER: alpha$"
assert_out '^ Creating initramfs with alpha \.\.\. done$'
assert_onboot_image "$IMG" alpha
svc onboot --status
assert_rc 0
svc onboot --refresh --image -r "$KVER"
assert_rc 0
assert_out "holds the onboot snapshot already"
ok "--refresh --image rebuilds a stale image once, then leaves it"

# Headers missing: --refresh names the package and builds nothing (exit 0: hooks go on).
sed "s|^MODULES_PATH=.*||" "$CONF" >"$ROOT/noheaders.conf"
echo "MODULES_PATH=$ROOT/nomodules" >>"$ROOT/noheaders.conf"
OUT=$("$SVC" onboot --refresh -r "$KVER" -c "$ROOT/noheaders.conf" 2>&1)
RC=$?
assert_rc 0
assert_out "headers of kernel $KVER are not installed: its onboot set is prebuilt"
assert_out "^Onboot snapshot of $KVER: 1 of 1 scripts"
ok "--refresh without headers, the set's caches valid: the snapshot is built from them"
mv "$CACHE/alpha.opts" "$ROOT/alpha.opts"
snap_before=$(ls -i "$CACHE/onboot/manifest")
OUT=$("$SVC" onboot --refresh -r "$KVER" -c "$ROOT/noheaders.conf" 2>&1)
RC=$?
assert_rc 0
assert_out "headers of kernel $KVER are not installed .*alpha has no module for it: set COMPILE_SERVER, or on a host with stap and these headers run \`systemtap-service onboot --pack FILE -r $KVER\`.*Install linux-headers-$KVER"
[ "$(ls -i "$CACHE/onboot/manifest")" = "$snap_before" ] || fail "the snapshot changed"
mv "$ROOT/alpha.opts" "$CACHE/alpha.opts"
ok "--refresh without headers or a valid cache: names linux-headers-$KVER and the pack commands, changes nothing"

# --forget: a removed kernel's cache and snapshot go; others stay.
OTHER="$ROOT/var/cache/systemtap/9.9.9-gone"
mkdir -p "$OTHER/onboot"
cp "$CACHE/onboot/manifest" "$OTHER/onboot/manifest"
svc onboot --status
assert_out "^  kernel not installed: remove its snapshot with systemtap-service onboot --forget -r 9.9.9-gone$"
svc onboot --forget -r 9.9.9-gone
assert_rc 0
assert_no_file "$OTHER"
assert_file "$CACHE/onboot/manifest"
ok "--forget removes that kernel's cache and snapshot only"

svc status --status
assert_rc 3
ok "--status belongs to onboot"
