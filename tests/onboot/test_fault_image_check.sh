#!/bin/sh
# The new image fails its check (onboot reads the archives of the image itself, as the kernel
# unpacks them): the old image is intact byte for byte, the manifest untouched, no temp file
# left, and the message says what was wrong. DRACUT stand-ins run the real dracut, then spoil
# the image it wrote, as an image that lost /init, the .ko, the loader or the hook, took an old
# manifest or a damaged module would, or was cut short; in earliest mode, one without the
# image's own init (/init.real).
# shellcheck disable=SC2016 # the stand-ins' commands expand in the stand-ins
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-onboot.sh"
setup_onboot fast
add_script alpha
OUTIMG="$IMG" # the kernel's own image: onboot keeps its snapshot and set
old_image "$OUTIMG"

# stand_in NAME COMMANDS [AFTER]: a dracut that runs dracut_once's wrapper (the real dracut,
# once for each image), unpacks the image it wrote (the argument before the last), runs
# COMMANDS in the unpacked tree, packs it again, then runs AFTER there.
dracut_once
stand_in() {
	cat >"$ROOT/$1" <<EOS
#!/bin/sh
"$ROOT/dracut-once" "\$@" || exit
for a; do img=\$last; last=\$a; done
d=\$(mktemp -d "$ROOT/tmp/tamper.XXXXXX")
cd "\$d" && cpio -id --quiet <"\$img" || exit 1
$2
find . | LC_ALL=C sort | cpio -o -H newc --quiet >"\$img" || exit 1
${3:-}
cd / && rm -rf "\$d"
EOS
	chmod +x "$ROOT/$1"
	echo "DRACUT=$ROOT/$1" >"$ROOT/etc/systemtap/conf.d/zz-dracut.conf"
}
check_fails() { # WHAT MESSAGE
	svc onboot alpha -b -r "$KVER"
	assert_rc 1
	assert_out '^ Creating initramfs with alpha \.\.\. error$'
	assert_out "$2"
	assert_unchanged "$OUTIMG"
	assert_no_file "$OUTIMG.bak"
	assert_no_file "$CACHE/onboot/manifest"
	assert_no_temp "$ROOT/boot" "$CACHE"
	ok "$1: old image intact, no .bak, no temp, manifest untouched"
}
MSG="The initramfs creation is unsuccessful: image check failed"

stand_in dracut-no-init 'rm -f init'
check_fails "image without /init" "$MSG: $ROOT/boot/\..*\.stap-tmp\.[^ ]* holds no /init"

stand_in dracut-no-init-real 'rm -f init.real'
check_fails "earliest-mode image without /init.real" "$MSG: .* lacks /init\\.real .the image's own init, run by the loader as /init."

stand_in dracut-no-ko 'rm -f usr/lib/stap-onboot/*.ko'
check_fails "image without the .ko" "$MSG: .* lacks /usr/lib/stap-onboot/alpha\.ko"

stand_in dracut-no-loader 'rm -f usr/sbin/stap-early-loader'
check_fails "image without the loader" "$MSG: .* lacks /usr/sbin/stap-early-loader"

stand_in dracut-no-hook 'rm -f usr/lib/dracut/hooks/cmdline/01-stap-early-loader.sh'
check_fails "image without the hook" "$MSG: .* lacks the hook cmdline/01-stap-early-loader.sh"

stand_in dracut-old-manifest 'printf "stap-onboot-manifest 1\nkernel x\n" >usr/lib/stap-onboot/manifest'
check_fails "image with another manifest" "$MSG: /usr/lib/stap-onboot/manifest in .* differs from the manifest written"

stand_in dracut-bad-ko 'printf x >>usr/lib/stap-onboot/alpha.ko'
check_fails "image with a damaged .ko" "$MSG: /usr/lib/stap-onboot/alpha\.ko in .* differs from $CACHE/.*alpha\.ko"

# The .ko right, but hard-linked to another name that a second archive rewrites: the kernel
# writes the new bytes into the shared file.
stand_in dracut-relinked-ko 'ln usr/lib/stap-onboot/alpha.ko zz-other' \
	'echo other >zz-other && echo zz-other | cpio -o -H newc --quiet >>"$img"'
check_fails "image whose .ko was rewritten through a hard link" "$MSG: /usr/lib/stap-onboot/alpha\.ko in .* differs from $CACHE/.*alpha\.ko"

stand_in dracut-cut 'truncate -s 100000 "$img"; exit 0'
check_fails "image cut short" "$MSG: .*\.stap-tmp\.[^ ]*: not a whole cpio archive"

stand_in dracut-junk 'find . | LC_ALL=C sort | cpio -o -H newc --quiet >"$img"; echo junk >>"$img"; exit 0'
check_fails "image with other bytes after the archive" "$MSG: .*: no archive and no known compression at byte"

# A bare build whose image still holds our files is refused too.
stand_in dracut-stale 'mkdir -p usr/lib/stap-onboot && echo >usr/lib/stap-onboot/manifest'
svc onboot -r "$KVER"
assert_rc 1
assert_out "$MSG: .* still holds the onboot scripts"
assert_unchanged "$OUTIMG"
ok "bare onboot: an image still holding our files is refused"

stand_in dracut-same ':'
svc onboot alpha -r "$KVER"
assert_rc 0
assert_onboot_image "$OUTIMG" alpha
ok "an image unpacked and packed again with cpio passes the check"

rm "$ROOT/etc/systemtap/conf.d/zz-dracut.conf"
svc onboot alpha -r "$KVER"
assert_rc 0
assert_onboot_image "$OUTIMG" alpha
ok "with the real dracut the same run succeeds"
