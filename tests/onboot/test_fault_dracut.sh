#!/bin/sh
# dracut fails (bad dracut configuration; an unknown kernel release), cannot run (no dracut,
# no module, no loader) or never returns (DRACUT_TIMEOUT): the old image and the kernel's
# manifest stay byte for byte, no temp file is left, and the message says why (with dracut's
# last lines and where its log went).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-onboot.sh"
setup_onboot fast
add_script alpha
add_script beta
OUTIMG="$IMG" # the kernel's own image: onboot keeps its snapshot and set

svc onboot alpha -r "$KVER"
assert_rc 0
remember_image "$OUTIMG"
remember_manifest

# 1. dracut itself fails: its configuration names a tmpdir that does not exist.
conf="$DRACUT_BASE/dracut.conf.d/50-stap-onboot-test.conf"
cp "$conf" "$ROOT/dracut.conf.good"
echo "tmpdir=\"$ROOT/no-such-dir\"" >>"$conf"
svc onboot alpha beta -r "$KVER"
assert_rc 1
assert_out '^ Creating initramfs with alpha beta \.\.\. error$'
assert_out "The initramfs creation is unsuccessful: .*dracut exited with status 1"
assert_out "Last lines from dracut:"
assert_out "Invalid tmpdir"
assert_out "dracut log: $LOG"
assert_out "$OUTIMG was left as it was"
assert_unchanged "$OUTIMG"
assert_manifest_unchanged
assert_no_temp "$ROOT/boot" "$CACHE"
ok "dracut fails: old image and manifest intact, reason shown"
cp "$ROOT/dracut.conf.good" "$conf"

# 2. An unknown kernel release: dracut has no /lib/modules/KVER.
svc onboot -r 9.9.9-nope
assert_rc 1
assert_out "The initramfs creation is unsuccessful"
assert_out "Cannot find module directory /lib/modules/9.9.9-nope"
assert_unchanged "$OUTIMG"
assert_manifest_unchanged
assert_no_file "$ROOT/var/cache/systemtap/9.9.9-nope/onboot.manifest"
assert_no_temp "$ROOT/boot" "$ROOT/var/cache/systemtap/9.9.9-nope"
ok "unknown kernel release: old image intact, no manifest for it"

# 3. No dracut at all.
echo "DRACUT=$ROOT/no/dracut" >"$ROOT/etc/systemtap/conf.d/zz-dracut.conf"
svc onboot alpha -r "$KVER"
assert_rc 1
assert_out "$ROOT/no/dracut not found"
assert_unchanged "$OUTIMG"
rm "$ROOT/etc/systemtap/conf.d/zz-dracut.conf"
ok "no dracut: refused before anything"

# 4. Our dracut module is not installed where dracut looks.
mv "$DRACUT_BASE/modules.d/99systemtap" "$ROOT/99systemtap.away"
svc onboot alpha -r "$KVER"
assert_rc 1
assert_out "SystemTap dracut module systemtap not found"
assert_unchanged "$OUTIMG"
mv "$ROOT/99systemtap.away" "$DRACUT_BASE/modules.d/99systemtap"
ok "no dracut module: refused before anything"

# 5. No stap-early-loader.
STAP_EARLY_LOADER="$ROOT/no/stap-early-loader" svc onboot alpha -r "$KVER"
assert_rc 1
assert_out "stap-early-loader not found at $ROOT/no/stap-early-loader"
assert_unchanged "$OUTIMG"
assert_manifest_unchanged
ok "no loader: refused before anything"

# 6. The output directory does not exist.
svc onboot alpha -r "$KVER" -o "$ROOT/nodir/x.img"
assert_rc 1
assert_out "The directory $ROOT/nodir of the output does not exist"
ok "missing output directory: refused"

# 7. dracut never returns (a stuck helper): killed with its process group after DRACUT_TIMEOUT,
#    the old image and manifest intact, nothing left behind.
cat >"$ROOT/dracut-hangs" <<EOS
#!/bin/sh
echo "dracut: *** Including module: base ***"
sleep 100000 &
echo \$! >"$ROOT/dracut-hangs.pid"
wait
EOS
chmod +x "$ROOT/dracut-hangs"
printf 'DRACUT=%s\nDRACUT_TIMEOUT=2\n' "$ROOT/dracut-hangs" >"$ROOT/etc/systemtap/conf.d/zz-dracut.conf"
t0=$(date +%s)
OUT=$(timeout -k 5 60 "$SVC" onboot alpha -r "$KVER" -c "$CONF" 2>&1)
RC=$?
printf '%s\n' "$OUT" | sed 's/^/    | /'
[ "$RC" -ne 124 ] || fail "onboot hung with a dracut that hangs"
assert_rc 1
[ $(($(date +%s) - t0)) -lt 20 ] || fail "onboot took $(($(date +%s) - t0)) s"
assert_out '^ Creating initramfs with alpha \.\.\. error$'
assert_out "The initramfs creation is unsuccessful: dracut-hangs (building $OUTIMG) did not finish within 2 s and was killed with its process group; if it needs longer, raise DRACUT_TIMEOUT"
assert_out "$OUTIMG was left as it was"
assert_unchanged "$OUTIMG"
assert_manifest_unchanged
assert_no_temp "$ROOT/boot" "$CACHE"
p=$(cat "$ROOT/dracut-hangs.pid")
for _ in $(seq 50); do
	st=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | cut -c1)
	[ -z "$st" ] || [ "$st" = Z ] && break
	sleep 0.1
done
[ -z "$st" ] || [ "$st" = Z ] || fail "dracut's child $p is still running"
rm "$ROOT/etc/systemtap/conf.d/zz-dracut.conf"
ok "dracut that hangs: killed after DRACUT_TIMEOUT, old image and manifest intact"
