#!/bin/sh
# test_svc_stale.sh: a systemtap-service killed with SIGKILL while it compiles. Its stap (in a
# process group of its own) is ended with it, not left running; the next command removes the
# work directory it left in TEMP_PATH, and the staged temps (.BASE.stap-tmp.PID.XXXXXX) beside
# cache files, pid files and the recorded set that nobody holds (their owner is gone), but keeps
# those a live owner holds (flock). Last, the real stap killed with its service in its kernel
# build: its whole process group and its own temp dir go at once.
. "$(dirname "$0")/../lib.sh"

[ -x "$SVC" ] || fail "$SVC is not built"
mkroot
CACHE=$ROOT/var/cache/systemtap/$KVER_DEBIAN
STAT=$ROOT/run/systemtap
TMP=$ROOT/tmp

# A slow stand-in stap: records its pid in $ROOT/run.NAME and sleeps 30 s; on SIGTERM it ends
# its sleep and exits, as stap ends its own children.
stap_standin_head >"$ROOT/stap"
cat >>"$ROOT/stap" <<EOS
s=
trap 'kill \$s; exit 1' TERM
echo \$\$ >"$ROOT/run.\$name"
sleep 30 &
s=\$!
wait \$s
EOS
chmod +x "$ROOT/stap"
echo "STAP=$ROOT/stap" >>"$CONF"
add_script slow

"$SVC" compile slow -c "$CONF" -r "$KVER_DEBIAN" >"$ROOT/bg.out" 2>&1 &
bg=$!
i=0
until [ -s "$ROOT/run.slow" ]; do
	i=$((i + 1))
	[ $i -lt 200 ] || fail "the stand-in stap never ran: $(cat "$ROOT/bg.out")"
	sleep 0.05
done
stap=$(cat "$ROOT/run.slow")
kill -KILL "$bg"
wait "$bg" 2>/dev/null
i=0
while kill -0 "$stap" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 60 ] || fail "stap $stap still runs 3 s after its systemtap-service was killed"
	sleep 0.05
done
ok "kill -9 during compile: stap ends with the service"

[ -n "$(ls -A "$TMP")" ] || fail "the killed run left nothing in TEMP_PATH (test broken)"

# Staged temps as a run killed in a copy, a pid file write or the set's write leaves them
# (nobody holds their lock), and one a live run holds.
sh -c 'exit 0' &
dead=$!
wait "$dead"
STATE=$ROOT/var/lib/systemtap
for f in "$CACHE/.slow.ko.stap-tmp.$dead.AbC9eF" "$STAT/.slow.stap-tmp.$dead.q1w2e3" \
	"$STATE/.onboot.set.stap-tmp.$dead.z9y8x7" "$CACHE/.slow.opts.stap-tmp.$$.AbC9eF"; do
	mkdir -p "$(dirname "$f")" && echo partial >"$f"
done
flock "$CACHE/.slow.opts.stap-tmp.$$.AbC9eF" sleep 30 &
live=$!
i=0
while flock -n "$CACHE/.slow.opts.stap-tmp.$$.AbC9eF" true; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "the live holder never took its lock"
	sleep 0.05
done
svcr cleanup -y
assert_rc 0 "cleanup"
left=$(ls -A "$TMP")
[ -z "$left" ] || fail "TEMP_PATH still holds $left"
assert_no_file "$CACHE/.slow.ko.stap-tmp.$dead.AbC9eF"
assert_no_file "$STAT/.slow.stap-tmp.$dead.q1w2e3"
assert_no_file "$STATE/.onboot.set.stap-tmp.$dead.z9y8x7"
assert_file "$CACHE/.slow.opts.stap-tmp.$$.AbC9eF"
grep -q "Removed $TMP/\.compile\.stap-tmp\.$bg\.[A-Za-z0-9]*, left behind by process $bg" \
	"$ROOT/var/log/systemtap.log" || fail "the removal is not logged"
pkill -P "$live" sleep
kill "$live" 2>/dev/null
wait "$live" 2>/dev/null
ok "the next command removes the leftovers of dead runs (TEMP_PATH, cache, pid files, the set), not a live one's"

# --- the real stap, in its kernel build (pass 4) ---------------------------------------------
# New script text (stap's own cache cannot skip pass 4); TMPDIR puts stap's temp dir in TMP.
echo "STAP=$(command -v stap)" >>"$CONF"
echo "real_OPT='$(stap_runtime_opt)'" >>"$CONF"
printf 'probe begin { printf("%s\\n") }\n' "$ROOT" >"$ROOT/etc/systemtap/script.d/real.stp"
TMPDIR=$TMP "$SVC" compile real -c "$CONF" -r "$KVER_DEBIAN" >"$ROOT/bg.out" 2>&1 &
bg=$!
i=0
until spid=$(pgrep -P "$bg" -x stap) && pgrep -g "$spid" -x make >/dev/null; do
	i=$((i + 1))
	[ $i -lt 1200 ] || fail "stap never reached its kernel build: $(cat "$ROOT/bg.out")"
	sleep 0.05
done
ls -d "$TMP"/stap?????? >/dev/null 2>&1 || fail "stap made no temp dir in $TMP"
kill -KILL "$bg"
wait "$bg" 2>/dev/null
i=0
while [ -n "$(ps -eo pgid=,stat= | awk -v g="$spid" '$1 == g && $2 !~ /^Z/')" ]; do
	i=$((i + 1))
	[ $i -lt 60 ] || fail "stap's process group still runs 3 s after its service was killed"
	sleep 0.05
done
! ls -d "$TMP"/stap?????? >/dev/null 2>&1 || fail "stap left its temp dir"
svcr cleanup -y
left=$(ls -A "$TMP")
[ -z "$left" ] || fail "TEMP_PATH still holds $left"
ok "the real stap, its service killed in pass 4: its process group and temp dir gone at once; the next command removes the rest"
