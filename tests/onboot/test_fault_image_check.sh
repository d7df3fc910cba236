#!/bin/sh
# The new image fails its check (lsinitrd --unpack of /init and our files): the old image is
# intact byte for byte, the manifest untouched, no temp file left, and the message says what
# was wrong. LSINITRD stand-ins: one that unpacks nothing; others run the real lsinitrd and
# then spoil what it unpacked, as an image that lost the .ko or the loader, took an old
# manifest or a damaged module would; one that fails.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-onboot.sh"
setup_onboot fast
add_script alpha
OUTIMG="$IMG" # the kernel's own image: onboot keeps its snapshot and set
old_image "$OUTIMG"

# shellcheck disable=SC2016 # the stand-ins' own "$@"
stand_in() { # NAME BODY
	printf '#!/bin/sh\n%s\n' "$2" >"$ROOT/$1"
	chmod +x "$ROOT/$1"
	echo "LSINITRD=$ROOT/$1" >"$ROOT/etc/systemtap/conf.d/zz-lsinitrd.conf"
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
	[ -z "$(find "$ROOT/tmp" -maxdepth 1 -name 'stap-onboot-check.*')" ] || fail "check dir left in TEMP_PATH"
	ok "$1: old image intact, no .bak, no temp, manifest untouched"
}

stand_in lsinitrd-empty 'exit 0'
check_fails "lsinitrd unpacks nothing" "The initramfs creation is unsuccessful: image check failed: lsinitrd finds no /init in $ROOT/boot/\.initrd\.img-$KVER\.stap-onboot\."

stand_in lsinitrd-no-ko 'lsinitrd "$@" && rm -f usr/lib/stap-onboot/*.ko'
check_fails "image without the .ko" "The initramfs creation is unsuccessful: image check failed: .* lacks /usr/lib/stap-onboot/alpha\.ko"

stand_in lsinitrd-no-loader 'lsinitrd "$@" && rm -f usr/sbin/stap-early-loader'
check_fails "image without the loader" "The initramfs creation is unsuccessful: image check failed: .* lacks /usr/sbin/stap-early-loader"

stand_in lsinitrd-no-hook 'lsinitrd "$@" && rm -f usr/lib/dracut/hooks/cmdline/01-stap-early-loader.sh'
check_fails "image without the hook" "The initramfs creation is unsuccessful: image check failed: .* lacks the hook cmdline/01-stap-early-loader.sh"

stand_in lsinitrd-old-manifest 'lsinitrd "$@" && printf "stap-onboot-manifest 1\nkernel x\n" >usr/lib/stap-onboot/manifest'
check_fails "image with another manifest" "The initramfs creation is unsuccessful: image check failed: /usr/lib/stap-onboot/manifest in .* differs from the manifest written"

stand_in lsinitrd-bad-ko 'lsinitrd "$@" && printf x >>usr/lib/stap-onboot/alpha.ko'
check_fails "image with a damaged .ko" "The initramfs creation is unsuccessful: image check failed: /usr/lib/stap-onboot/alpha\.ko in .* differs from $CACHE/\.onboot\..*/alpha\.ko"

stand_in lsinitrd-fails 'echo "lsinitrd: broken image" >&2; exit 1'
check_fails "lsinitrd fails" "The initramfs creation is unsuccessful: image check failed: $ROOT/lsinitrd-fails --unpack .* exited with status 1"

# A bare build whose image still holds our files is refused too.
stand_in lsinitrd-stale 'lsinitrd "$@" && mkdir -p usr/lib/stap-onboot && echo >usr/lib/stap-onboot/manifest'
svc onboot -r "$KVER"
assert_rc 1
assert_out "The initramfs creation is unsuccessful: image check failed: .* still holds the onboot scripts"
assert_unchanged "$OUTIMG"
ok "bare onboot: an image still holding our files is refused"

rm "$ROOT/etc/systemtap/conf.d/zz-lsinitrd.conf"
svc onboot alpha -r "$KVER"
assert_rc 0
assert_onboot_image "$OUTIMG" alpha
ok "with the real lsinitrd the same run succeeds"
