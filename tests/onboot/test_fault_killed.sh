#!/bin/sh
# systemtap-service is killed (SIGKILL) while dracut runs: the old image and the manifest are
# intact byte for byte; the temp files it leaves (.IMG.stap-tmp.PID.XXXXXX beside the image,
# .onboot.stap-tmp.PID.XXXXXX in the cache) are recognised and removed by the next run, which
# succeeds. A temp file still locked by a live process is never removed: that run refuses.
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
svc compile beta -y -r "$KVER"
assert_rc 0

"$SVC" onboot alpha beta -r "$KVER" -c "$CONF" >"$ROOT/killed.out" 2>&1 &
pid=$!
dpid=
i=0
while [ $i -lt 600 ] && [ -z "$dpid" ]; do
	dpid=$(pgrep -P "$pid" -x dracut || true)
	[ -n "$dpid" ] || sleep 0.05
	i=$((i + 1))
done
[ -n "$dpid" ] || fail "dracut never started under $pid: $(cat "$ROOT/killed.out")"
sleep 0.5
kill -9 "$pid"
wait "$pid" 2>/dev/null
i=0
while kill -0 "$dpid" 2>/dev/null && [ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -0 "$dpid" 2>/dev/null && fail "dracut $dpid still runs"
sed 's/^/    killed run| /' "$ROOT/killed.out"
echo
assert_unchanged "$OUTIMG"
assert_manifest_unchanged
left_img=$(find "$ROOT/boot" -maxdepth 1 -name ".initrd.img-$KVER.stap-tmp.$pid.??????" -printf '%f\n')
left_man=$(find "$CACHE" -maxdepth 1 -name ".onboot.stap-tmp.$pid.??????" -printf '%f\n')
if [ -z "$left_img" ] || [ -z "$left_man" ]; then
	fail "expected the killed run's temp files, found: $(ls -A "$ROOT/boot" "$CACHE")"
fi
ok "killed during dracut: image and manifest intact; temp files $left_img, $left_man left"

# A temp file held by a live onboot (flock) is not touched: this run refuses.
flock -o "$ROOT/boot/$left_img" sleep 60 &
holder=$!
i=0
while flock -n "$ROOT/boot/$left_img" true && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
svc onboot alpha beta -r "$KVER"
assert_rc 1
assert_out "A temporary image of $OUTIMG in $ROOT/boot is in use: is another systemtap-service onboot running?"
assert_no_out "Creating initramfs"
[ -f "$ROOT/boot/$left_img" ] || fail "a temp file in use was removed"
assert_unchanged "$OUTIMG"
sleeper=$(pgrep -P "$holder" -x sleep || true)
kill "$holder" ${sleeper:+"$sleeper"}
wait "$holder" 2>/dev/null
ok "a temp file locked by a live process is left alone and the run refuses"

# The next run cleans up and succeeds.
svc onboot alpha beta -r "$KVER"
assert_rc 0
grep -q "Removed $ROOT/boot/$left_img, left behind by process $pid" "$LOG" ||
	fail "the removal of $left_img is not logged"
grep -q "Removed $CACHE/$left_man, left behind by process $pid" "$LOG" ||
	fail "the removal of $left_man is not logged"
assert_out '^ Creating initramfs with alpha beta \.\.\. done$'
assert_no_temp "$ROOT/boot" "$CACHE"
assert_onboot_image "$OUTIMG" alpha beta
ok "next run removes the stale temp files and succeeds"
