#!/bin/sh
# A machine with the SystemTap runtime only (staprun, no stap: STAP points nowhere) starts,
# lists, stops and puts into an initramfs the caches a build host compiled and that were
# copied over with every mtime changed (cp -r, tar --touch): no stap runs, not even `stap -V`.
# The modules are real (the real stap on the build host); staprun is a stand-in that records
# its argv, since nothing can load into the host kernel; onboot runs the real dracut.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-onboot.sh"
. "$(dirname "$0")/../lib-prebuilt.sh"
setup_onboot fast
fake_sysmodule
fake_staprun_kmod
no_stap_here
mk_buildhost
add_bscript alpha
add_bscript beta "-s 2"
BCACHE=$BROOT/var/cache/systemtap/$KVER

svcb compile alpha beta -r "$KVER" -y
assert_rc 0
assert_out ' Compiling alpha \.\.\. done$'
grep -q "^SCRIPT_SHA256='[0-9a-f]\{64\}'$" "$BCACHE/alpha.opts" || fail "alpha.opts has no digest"
ok "build host: real stap compiled alpha and beta, each NAME.opts records its script's digest"

# The copy: configs and scripts, then the cache; the scripts are made newer than the modules,
# so that upstream's mtime rule would call every cache stale.
cp "$BROOT/etc/systemtap/conf.d/"*.conf "$ROOT/etc/systemtap/conf.d/"
cp -r "$BCACHE" "$ROOT/var/cache/systemtap/"
sleep 0.01
cp "$BROOT/etc/systemtap/script.d/"*.stp "$ROOT/etc/systemtap/script.d/"
[ "$ROOT/etc/systemtap/script.d/alpha.stp" -nt "$CACHE/alpha.ko" ] || fail "the copy is not newer"

svc start alpha beta -r "$KVER"
assert_rc 0
assert_out '^Starting systemtap:  Starting alpha \.\.\. done$'
assert_out '^ Starting beta \.\.\. done$'
assert_no_out 'Compiling'
staprun_calls | grep -qx "staprun|-L|$CACHE/alpha.ko" || fail "alpha not started by staprun -L"
staprun_calls | grep -qx "staprun|-b|2|-L|$CACHE/beta.ko" || fail "beta not started with -b 2"
assert_no_stap_run
ok "start: a cache copied with cp -r (script newer than module) runs with staprun alone"

svc status alpha beta -r "$KVER"
assert_rc 0
assert_out '^alpha is running\.\.\.$'
assert_out '^beta is running\.\.\.$'
svc stop -r "$KVER"
assert_rc 0
staprun_calls | grep -qx 'staprun|-d|alpha' || fail "alpha not unloaded with staprun -d"
svc status alpha beta -r "$KVER"
assert_rc 3
assert_out '^alpha is stopped$'
assert_no_stap_run
ok "status and stop without stap"

svc onboot alpha beta -r "$KVER" -o "$ROOT/boot/special.img"
assert_rc 0
assert_out '^ Checking options alpha \.\.\. done$'
assert_out '^ Creating initramfs with alpha beta \.\.\. done$'
assert_no_out 'Compiling'
ONE_OFF=1 assert_onboot_image "$ROOT/boot/special.img" alpha beta
assert_no_stap_run
ok "onboot: the copied caches go into an initramfs, no stap"

rm -rf "$CACHE"
(cd "$BROOT/var/cache/systemtap" && tar -cf - "$KVER") |
	(cd "$ROOT/var/cache/systemtap" && tar -xf - --touch)
touch "$ROOT/etc/systemtap/script.d/"*.stp
svc start alpha -r "$KVER"
assert_rc 0
assert_out ' Starting alpha \.\.\. done$'
assert_no_stap_run
svc stop alpha -r "$KVER"
ok "a cache unpacked with tar --touch (every mtime now) is used as it is"

echo '# edited here' >>"$ROOT/etc/systemtap/script.d/alpha.stp"
n=$(staprun_calls | wc -l)
svc start alpha -r "$KVER"
assert_rc 1
assert_out ' Compiling alpha \.\.\. error$'
assert_out "alpha needs compiling (script changed since its cache was built), but $ROOT/no-stap/stap is not installed here"
assert_out 'onboot --load'
[ "$(staprun_calls | wc -l)" -eq "$n" ] || fail "staprun ran for a script without a valid cache"
ok "an edited script on the runtime-only machine: it says why and what to do, starts nothing"
