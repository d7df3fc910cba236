# lib-onboot.sh: sourced by tests/onboot/test_*.sh after tests/lib.sh.
# Real dracut 059, real lsinitrd, real stap for the installed Debian kernel. dracut runs from a
# private copy of /usr/lib/dracut (exported as dracutbasedir, which dracut 059 honours and the
# service passes on) with our module in modules.d/99systemtap, so nothing is installed on the
# host; its work directory is $ROOT/tmp, so the host's /var is not touched either.
KVER=${KVER_DEBIAN:?no Debian kernel in /lib/modules}

# setup_onboot [fast|hostonly|default]: mkroot, the dracut copy with our module, and a
# dracut.conf.d of that copy choosing the image kind:
#   fast      --no-hostonly --no-hostonly-cmdline -m base --no-compress (about 2 s)
#   hostonly  what a plain `dracut -f` does here, without compression (about 7 s)
#   default   exactly what a plain `dracut -f` does (about 60 s)
setup_onboot() {
	mkroot
	[ -x "$SVC" ] || fail "no $SVC: run make first"
	[ -x "$BUILD/stap-early-loader" ] || fail "no $BUILD/stap-early-loader: run make first"
	DRACUT_BASE="$ROOT/dracut"
	cp -a /usr/lib/dracut "$DRACUT_BASE"
	install_our_module "$DRACUT_BASE"
	mkdir -p "$DRACUT_BASE/dracut.conf.d"
	{
		echo "tmpdir=\"$ROOT/tmp\""
		case ${1:-fast} in
		fast)
			echo 'hostonly="no"'
			echo 'hostonly_cmdline="no"'
			echo 'dracutmodules="base"'
			echo 'compress="cat"'
			;;
		hostonly) echo 'compress="cat"' ;;
		default) ;;
		*) fail "setup_onboot: unknown kind $1" ;;
		esac
	} >"$DRACUT_BASE/dracut.conf.d/50-stap-onboot-test.conf"
	# Never the host's boot loader: tests that want a tool put a stand-in in conf.d.
	cat >>"$CONF" <<EOC
NEW_KERNEL_PKG=$ROOT/none/new-kernel-pkg
GRUBBY=$ROOT/none/grubby
KERNEL_INSTALL=$ROOT/none/kernel-install
EOC
	export dracutbasedir="$DRACUT_BASE"
	export STAP_EARLY_LOADER="$BUILD/stap-early-loader"
	# shellcheck disable=SC2034 # for the tests that source this file
	CACHE="$ROOT/var/cache/systemtap/$KVER"
	# shellcheck disable=SC2034
	LOG="$ROOT/var/log/systemtap.log"
	# shellcheck disable=SC2034
	IMG="$ROOT/boot/initrd.img-$KVER" # Debian's name, also when none exists yet
	RT_OPT=$(stap_runtime_opt "$KVER")
}

# install_our_module DIR: what `make install` does for the dracut module, into DIR/modules.d,
# with the loader and cache paths of this test root.
install_our_module() {
	m="$1/modules.d/99systemtap"
	mkdir -p "$m"
	sed -e "s|@SBINDIR@|$BUILD|g" -e "s|@CACHEDIR@|$ROOT/var/cache/systemtap|g" \
		"$TOP/dracut-module/99systemtap/module-setup.sh" >"$m/module-setup.sh"
	chmod 0755 "$m/module-setup.sh"
	install -m 0755 "$TOP/hooks/stap-early-loader.sh" "$m/stap-early-loader.sh"
}

# dracut_once: DRACUT (in conf.d) becomes a wrapper that runs the real dracut once for each
# image it is asked for (the same words, the temp image's name aside, and the same manifest and
# modules beside $STAP_ONBOOT_MANIFEST) and copies that image on later calls. For the tests of
# what onboot does around dracut (backups, the boot loader, the image check): dracut's own work
# is the same every time there, and each real run costs seconds.
dracut_once() {
	mkdir -p "$ROOT/dracut-once.d"
	cat >"$ROOT/dracut-once" <<EOS
#!/bin/sh
for a; do img=\$last; last=\$a; done
m=\${STAP_ONBOOT_MANIFEST:+\$(dirname "\$STAP_ONBOOT_MANIFEST")}
key=\$({ printf '%s\\n' "\$@" | grep -v '\\.stap-tmp\\.'; [ -z "\$m" ] || cat "\$m"/* 2>/dev/null; } | cksum | cut -d' ' -f1)
if [ -f "$ROOT/dracut-once.d/\$key.img" ]; then
	cp "$ROOT/dracut-once.d/\$key.img" "\$img"
else
	dracut "\$@" && cp "\$img" "$ROOT/dracut-once.d/\$key.img"
fi
EOS
	chmod +x "$ROOT/dracut-once"
	echo "DRACUT=$ROOT/dracut-once" >"$ROOT/etc/systemtap/conf.d/zz-dracut.conf"
}

# add_script NAME [OPTS]: a small script (begin + timer probes, no debuginfo needed) whose
# _OPT is the runtime option Debian's stap needs plus OPTS.
add_script() {
	cat >"$ROOT/etc/systemtap/script.d/$1.stp" <<EOS
probe begin { printf("$1 started\n") }
probe timer.s(5) { printf("$1 tick\n") }
EOS
	echo "$1_OPT='$RT_OPT${2:+ $2}'" >"$ROOT/etc/systemtap/conf.d/$1.conf"
}

# image_list IMG: the paths lsinitrd lists (symlink targets cut), sorted.
image_list() {
	lsinitrd "$1" | awk '/^[-dl]/ { sub(/ -> .*/, ""); print $NF }' | sort
}

# assert_image_has IMG PATH... / assert_image_lacks IMG PATH...
assert_image_has() {
	img=$1
	shift
	list=$(image_list "$img")
	for p in "$@"; do
		printf '%s\n' "$list" | grep -qx -- "$p" || fail "$img lacks $p"
	done
}
assert_image_lacks() {
	img=$1
	shift
	list=$(image_list "$img")
	for p in "$@"; do
		! printf '%s\n' "$list" | grep -qx -- "$p" || fail "$img still holds $p"
	done
}

HOOK_IN_IMAGE=usr/lib/dracut/hooks/cmdline/01-stap-early-loader.sh
LOADER_IN_IMAGE=usr/sbin/stap-early-loader
MANIFEST_IN_IMAGE=usr/lib/stap-onboot/manifest

# assert_onboot_image IMG NAME...: loader, manifest, hook and each NAME.ko are in IMG. An image
# of the kernel's own (a snapshot exists): each .ko and the manifest byte-identical to the
# snapshot's. A one-off -o image (ONE_OFF=1, or no snapshot): each .ko identical to the cached
# one, and the loader's own parser lists exactly NAME... from its manifest, for $KVER.
assert_onboot_image() {
	img=$1
	shift
	assert_image_has "$img" "$LOADER_IN_IMAGE" "$MANIFEST_IN_IMAGE" "$HOOK_IN_IMAGE"
	src=$CACHE
	[ -f "$CACHE/onboot/manifest" ] && [ -z "${ONE_OFF:-}" ] && src=$CACHE/onboot
	for n in "$@"; do
		assert_image_has "$img" "usr/lib/stap-onboot/$n.ko"
		lsinitrd -f "usr/lib/stap-onboot/$n.ko" "$img" | cmp -s - "$src/$n.ko" ||
			fail "usr/lib/stap-onboot/$n.ko in $img differs from $src/$n.ko"
	done
	lsinitrd -f "$MANIFEST_IN_IMAGE" "$img" >"$ROOT/image.manifest"
	if [ "$src" = "$CACHE/onboot" ]; then
		cmp -s "$ROOT/image.manifest" "$CACHE/onboot/manifest" ||
			fail "the manifest in $img differs from $CACHE/onboot/manifest"
	else
		listed=$("$BUILD/stap-early-loader" --list "$ROOT/image.manifest" --kernel "$KVER" | sort | xargs)
		[ "$listed" = "$(printf '%s\n' "$@" | sort | xargs)" ] ||
			fail "the manifest in $img lists '$listed', not '$*'"
	fi
}

# old_image PATH [SIZE_KB]: a stand-in "previous image" of random bytes, remembered as
# $OLD_SUM so assert_unchanged can prove it was left byte for byte.
old_image() {
	head -c "$((${2:-512} * 1024))" /dev/urandom >"$1"
	chmod 0644 "$1"
	remember_image "$1"
}
# remember_image PATH: an existing image, remembered as $OLD_SUM for assert_unchanged.
remember_image() {
	OLD_SUM=$(sha256sum <"$1")
}
# remember_manifest / assert_manifest_unchanged: the manifest of $KVER stays byte for byte.
remember_manifest() {
	cp "$CACHE/onboot/manifest" "$ROOT/manifest.before"
}
assert_manifest_unchanged() {
	cmp -s "$CACHE/onboot/manifest" "$ROOT/manifest.before" || fail "the manifest of $KVER changed"
}
assert_unchanged() {
	[ -f "$1" ] || fail "$1 is gone"
	[ "$(sha256sum <"$1")" = "$OLD_SUM" ] || fail "$1 was changed"
}
# assert_no_temp DIR...: no staged file or directory (tempfile.h's rule) left behind.
assert_no_temp() {
	left=$(find "$@" -maxdepth 1 -name '.*.stap-tmp.*')
	[ -z "$left" ] || fail "temp files left behind: $left"
}
