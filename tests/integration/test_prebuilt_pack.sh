#!/bin/sh
# Prebuilt packs (onboot --pack / --load): a build host with the real stap packs the set for
# two kernels; a target with no stap and no headers (STAP and MODULES_PATH point nowhere, both
# kernels installed in BOOT_PATH) loads a pack for one of them, names the other with the
# commands that bring its modules, starts the loaded scripts with staprun alone and builds
# the onboot snapshot with --refresh; then the pack for both. A damaged pack, a module for
# another kernel, a script that differs here and a signature by another key are refused before
# anything changes. Debian's postinst kernel hook uses a loaded pack. staprun is the stand-in of
# lib.sh; the hook reads /etc/systemtap/config of an overlay in a private mount namespace.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-prebuilt.sh"
command -v stap >/dev/null || fail "stap is not installed"
command -v cpio >/dev/null || fail "cpio is not installed"
KA=$KVER_DEBIAN
KB=$(ls /lib/modules | grep -- '-amd64$' | grep -vx "$KA" | sort -V | tail -n 1)
[ -n "$KB" ] && [ -d "/lib/modules/$KB/build" ] || fail "no second kernel with headers (make deps)"
[ "$(id -u)" -eq 0 ] || fail "needs root (mount namespace)"
if [ -z "${STAP_TEST_MOUNT_NS:-}" ]; then
	exec unshare -m --propagation private env STAP_TEST_MOUNT_NS=1 "$0" "$@"
fi
mkroot
fake_staprun
no_stap_here
echo "MODULES_PATH=$ROOT/modules" >>"$CONF"
mkdir -p "$ROOT/modules"
touch "$ROOT/boot/vmlinuz-$KA" "$ROOT/boot/vmlinuz-$KB"
mk_buildhost
KVER=$KA add_bscript alpha
KVER=$KA add_bscript beta "-s 2"
CA=$ROOT/var/cache/systemtap/$KA
CB=$ROOT/var/cache/systemtap/$KB
SET=$ROOT/var/lib/systemtap/onboot.set

# sums DIR...: a fingerprint of every file under DIR (to prove nothing changed).
sums() { find "$@" -type f -exec sha256sum {} + 2>/dev/null | sort; }

svcb onboot --pack "$ROOT/a.pack" alpha beta -r "$KA"
assert_rc 0
assert_out '^Kernel '"$KA"':$'
assert_out ' Compiling alpha \.\.\. done$'
assert_out '^ Checking options beta \.\.\. done$'
assert_out "^Packed 2 scripts for 1 kernels into $ROOT/a.pack"
members=$(cpio -it --quiet <"$ROOT/a.pack" | tr '\n' ' ')
[ "$members" = "stap-onboot-pack set scripts/alpha.stp scripts/beta.stp $KA/alpha.ko $KA/alpha.opts $KA/beta.ko $KA/beta.opts " ] ||
	fail "the pack holds: $members"
cpio -i --quiet --to-stdout stap-onboot-pack <"$ROOT/a.pack" | head -n 1 | grep -qx 'stap-onboot-pack 1' ||
	fail "the index is not first"
ok "--pack -r KA: compiled with stap, packed; cpio -t lists the index, set, scripts, modules"

svcb onboot --pack "$ROOT/ab.pack" alpha beta -r "$KA" -r "$KB"
assert_rc 0
assert_out '^Kernel '"$KB"':$'
assert_out "^Packed 2 scripts for 2 kernels into $ROOT/ab.pack"
n=$(grep -c . "$BROOT/var/log/systemtap.log")
svcb onboot --pack "$ROOT/ab2.pack" alpha beta -r "$KA" -r "$KB"
cmp -s "$ROOT/ab.pack" "$ROOT/ab2.pack" || fail "packing the same caches twice gave other bytes"
! sed -n "$((n + 1)),\$p" "$BROOT/var/log/systemtap.log" | grep -q 'Exec: .*stap ' ||
	fail "a second pack recompiled valid caches"
ok "--pack -r KA -r KB: both kernels; again from the caches alone, the same bytes"

# --- the target: no stap, no headers ---------------------------------------------------------
svc onboot --load "$ROOT/a.pack"
assert_rc 0
assert_out "^Loaded for kernel $KA: alpha beta (into $CA)\$"
assert_out "^Recorded the onboot set in $SET: alpha beta\$"
assert_out "Kernel $KB is installed and has no module of alpha beta: on a host with stap and these headers run \`systemtap-service onboot --pack FILE -r $KB\`, then here \`systemtap-service onboot --load FILE\`"
assert_out "Kernel $KA is installed: systemtap-service onboot --refresh --image -r $KA"
cmp -s "$BROOT/etc/systemtap/script.d/alpha.stp" "$ROOT/etc/systemtap/script.d/alpha.stp" ||
	fail "alpha.stp not written"
grep -q "^beta_OPT='.*-s 2'\$" "$ROOT/etc/systemtap/conf.d/beta.conf" || fail "beta.conf not written"
cmp -s "$BROOT/var/cache/systemtap/$KA/alpha.ko" "$CA/alpha.ko" || fail "alpha.ko not loaded"
grep -q '^script alpha ' "$SET" || fail "the set is not recorded"
assert_no_stap_run
ok "--load on a machine without stap: modules, scripts, options and set; KB named with the fix"

svc start alpha beta -r "$KA"
assert_rc 0
staprun_calls | grep -qx "staprun|-L|$CA/alpha.ko" || fail "alpha not started with staprun -L"
staprun_calls | grep -qx "staprun|-b|2|-L|$CA/beta.ko" || fail "beta not started with -b 2"
assert_no_stap_run
ok "start uses the loaded caches with staprun alone"

svc onboot --refresh -r "$KA"
assert_rc 0
assert_out "headers of kernel $KA are not installed: its onboot set is prebuilt"
assert_out "^Onboot snapshot of $KA: 2 of 2 scripts"
cmp -s "$CA/onboot/alpha.ko" "$CA/alpha.ko" || fail "the snapshot lacks alpha.ko"
svc onboot --refresh -r "$KB"
assert_rc 0
assert_out "headers of kernel $KB are not installed .* alpha beta have no module for it: set COMPILE_SERVER, or on a host with stap"
assert_out "onboot --pack FILE -r $KB"
assert_no_file "$CB/onboot/manifest"
assert_no_stap_run
ok "--refresh: KA's snapshot from the prebuilt caches; KB named with the commands that fix it"

svc onboot --load "$ROOT/ab.pack"
assert_rc 0
assert_out "^Loaded for kernel $KB: alpha beta"
assert_no_out "has no module"
# KB installed now: Debian's postinst hook, as make install makes it, with this config as the
# machine's /etc/systemtap/config (an overlay of /etc, in this test's mount namespace).
mkdir -p "$ROOT/etc-up" "$ROOT/etc-work"
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$ROOT/etc-up,workdir=$ROOT/etc-work" /etc ||
	fail "cannot mount an overlay over /etc"
mkdir -p /etc/systemtap
cp "$CONF" /etc/systemtap/config
sed -e "s|@SBINDIR@|$BUILD|g" -e 's|@HOOK@|postinst|g' "$TOP/hooks/kernel/50-systemtap-onboot.in" \
	>"$ROOT/50-systemtap-onboot"
chmod +x "$ROOT/50-systemtap-onboot"
OUT=$(env DEB_MAINT_PARAMS=configure "$ROOT/50-systemtap-onboot" "$KB" "/boot/vmlinuz-$KB" 2>&1)
RC=$?
printf '%s\n' "$OUT" | sed 's/^/    | /'
umount /etc
assert_rc 0
assert_out "^systemtap-onboot: systemtap-service onboot --refresh -r $KB\$"
assert_out "^Onboot snapshot of $KB: 2 of 2 scripts"
assert_no_out 'failed'
assert_no_stap_run
ok "the pack of both kernels: KB loaded too; its kernel hook builds its snapshot without stap"

# --- refused packs change nothing --------------------------------------------------------------
before=$(sums "$ROOT/var/cache/systemtap" "$ROOT/etc" "$ROOT/var/lib")
refused() { # PACK MESSAGE WHAT
	svc onboot --load "$1"
	assert_rc 1
	assert_out "$2"
	[ "$(sums "$ROOT/var/cache/systemtap" "$ROOT/etc" "$ROOT/var/lib")" = "$before" ] ||
		fail "a refused pack ($3) changed files"
	[ -z "$(ls -A "$ROOT/tmp")" ] || fail "a refused pack ($3) left files in TEMP_PATH"
	ok "refused, nothing changed: $3"
}
cp "$ROOT/ab.pack" "$ROOT/bad.pack"
off=$(grep -abo "$KB/beta.ko" "$ROOT/bad.pack" | tail -n 1 | cut -d: -f1)
printf '\377' | dd of="$ROOT/bad.pack" bs=1 seek=$((off + 400)) conv=notrunc 2>/dev/null
refused "$ROOT/bad.pack" "$KB/beta.ko is not the file its index lists" "one byte changed in a module"
head -c 3000 "$ROOT/ab.pack" >"$ROOT/cut.pack"
refused "$ROOT/cut.pack" "cut short\|is missing" "a pack cut short"
refused "$ROOT/etc/systemtap/config" "is not a pack of systemtap-service" "a file that is no pack"

# repack DIR OUT KVER... : a pack made with cpio(1) from the files of DIR (set, scripts/, one
# directory per KVER), its index written here with sha256sum: the format is plain newc.
repack() {
	d=$1 out=$2
	shift 2
	files=$( (cd "$d" && ls set scripts/*.stp && for k; do ls "$k"/*.ko "$k"/*.opts; done) |
		awk '{ print } /\.ko$/ { sub(/\.ko$/, ".opts"); }' | awk '!seen[$0]++')
	{
		echo 'stap-onboot-pack 1'
		for k; do echo "kernel $k"; done
		for f in $files; do
			echo "file $f $(stat -c %s "$d/$f") $(sha256sum <"$d/$f" | cut -d' ' -f1)"
		done
	} >"$d/stap-onboot-pack"
	(cd "$d" && printf '%s\n' stap-onboot-pack $files | cpio -o -H newc --quiet) >"$out"
}
mkdir "$ROOT/un"
(cd "$ROOT/un" && cpio -id --quiet <"$ROOT/a.pack") || fail "cpio cannot unpack a.pack"
repack "$ROOT/un" "$ROOT/same.pack" "$KA"
svc onboot --load "$ROOT/same.pack"
assert_rc 0
assert_out "^Loaded for kernel $KA: alpha beta"
ok "a pack written by cpio -o -H newc with a hand-made index loads the same"
before=$(sums "$ROOT/var/cache/systemtap" "$ROOT/etc" "$ROOT/var/lib")
mv "$ROOT/un/$KA" "$ROOT/un/$KB"
sed -i "s/^KERNEL_RELEASE=.*/KERNEL_RELEASE='$KB'/" "$ROOT/un/$KB/alpha.opts" "$ROOT/un/$KB/beta.opts"
repack "$ROOT/un" "$ROOT/other.pack" "$KB"
refused "$ROOT/other.pack" "$KB/alpha.ko is not a module for kernel $KB (vermagic: $KA)" \
	"a module listed under another kernel than its vermagic's"

cp "$ROOT/etc/systemtap/script.d/alpha.stp" "$ROOT/alpha.keep"
echo '# local change' >>"$ROOT/etc/systemtap/script.d/alpha.stp"
before=$(sums "$ROOT/var/cache/systemtap" "$ROOT/etc" "$ROOT/var/lib")
refused "$ROOT/ab.pack" "alpha.stp differs from the script in" "a script that differs here"
mv "$ROOT/alpha.keep" "$ROOT/etc/systemtap/script.d/alpha.stp"

# Signatures: the build host signs with key a; this machine trusts b, then a.
for k in a b; do
	openssl req -new -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=stap-onboot-$k" \
		-keyout "$ROOT/$k.key" -outform DER -out "$ROOT/$k.der" 2>/dev/null || fail "openssl"
done
printf 'MODULE_SIGN_KEY=%s\nMODULE_SIGN_CERT=%s\n' "$ROOT/a.key" "$ROOT/a.der" >>"$BCONF"
svcb onboot --pack "$ROOT/signed.pack" alpha beta -r "$KA"
assert_rc 0
cp "$CONF" "$ROOT/conf.keep"
echo "MODULE_SIGN_KEY=$ROOT/b.key" >>"$CONF"
echo "MODULE_SIGN_CERT=$ROOT/b.der" >>"$CONF"
before=$(sums "$ROOT/var/cache/systemtap" "$ROOT/etc" "$ROOT/var/lib")
refused "$ROOT/signed.pack" "$KA/alpha.ko is signed with another key, not with MODULE_SIGN_CERT's key" \
	"modules signed with another key than MODULE_SIGN_CERT's"
refused "$ROOT/a.pack" "$KA/alpha.ko is not signed, not with MODULE_SIGN_CERT's key" \
	"unsigned modules where MODULE_SIGN_CERT is set"
cp "$ROOT/conf.keep" "$CONF"
echo "MODULE_SIGN_KEY=$ROOT/a.key" >>"$CONF"
echo "MODULE_SIGN_CERT=$ROOT/a.der" >>"$CONF"
svc onboot --load "$ROOT/signed.pack"
assert_rc 0
[ "$(modinfo -F signer "$CA/alpha.ko")" = stap-onboot-a ] || fail "the loaded alpha.ko is not a's"
assert_out "Kernel $KB is installed and has no module of alpha beta"
svc start alpha -r "$KA"
assert_no_out 'Compiling'
assert_no_stap_run
ok "signed with MODULE_SIGN_CERT's key: loaded, and its cache is valid here"
