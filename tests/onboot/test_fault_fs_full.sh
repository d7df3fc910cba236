#!/bin/sh
# The output's file system is too small (a small tmpfs, mounted in a private mount namespace so
# that it disappears with the test): onboot refuses early, changing nothing, naming the file
# system; when the estimate passes but dracut still runs out of room, the old image is
# intact and no temp file is left.
if [ -z "${STAP_ONBOOT_IN_NS:-}" ]; then
	exec env STAP_ONBOOT_IN_NS=1 unshare -m --propagation private "$0" "$@"
fi
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-onboot.sh"
setup_onboot fast
add_script alpha
SMALL="$ROOT/small"
mkdir -p "$SMALL"
mount -t tmpfs -o size=8m stap-onboot-test "$SMALL" || fail "cannot mount a tmpfs"
trap 'umount "$SMALL" 2>/dev/null; rm -rf "$ROOT"' EXIT

# 1. Refused by the preflight: a 6 MiB image on an 8 MiB tmpfs leaves 2 MiB, the estimate is
#    6 MiB + the modules + 4 MiB.
OUTIMG="$SMALL/initramfs.img"
old_image "$OUTIMG" 6144
svc onboot alpha -b -r "$KVER" -o "$OUTIMG"
assert_rc 1
assert_out "^ Checking space on stap-onboot-test (tmpfs, no block device) \.\.\. error$"
assert_out "Not enough space for $OUTIMG on stap-onboot-test: about 10 MiB needed (the current image of 6.0 MiB, the modules and a margin), 2.0 MiB free"
assert_no_out 'Creating initramfs'
assert_unchanged "$OUTIMG"
assert_no_file "$OUTIMG.bak"
assert_no_file "$CACHE/onboot/manifest"
assert_no_temp "$SMALL" "$CACHE"
ok "preflight refuses: tmpfs named, nothing changed"

# 2. The estimate passes (a 512 KiB old image), but the real image (about 22 MiB) does not fit
#    in 16 MiB: dracut fails writing it; the old image stays, no temp file is left.
umount "$SMALL"
mount -t tmpfs -o size=16m stap-onboot-test "$SMALL" || fail "cannot mount a tmpfs"
old_image "$OUTIMG" 512
svc onboot alpha -b -r "$KVER" -o "$OUTIMG"
assert_rc 1
assert_out "^ Checking space on stap-onboot-test (tmpfs, no block device) \.\.\. done"
assert_out "The initramfs creation is unsuccessful: .*dracut exited with status 1"
assert_out "No space left on device"
assert_unchanged "$OUTIMG"
assert_no_file "$OUTIMG.bak"
assert_no_file "$CACHE/onboot/manifest"
assert_no_temp "$SMALL" "$CACHE"
[ "$(ls -A "$SMALL")" = "initramfs.img" ] || fail "unexpected files on the tmpfs: $(ls -A "$SMALL")"
ok "out of room during dracut: old image intact, no temp file, manifest untouched"
