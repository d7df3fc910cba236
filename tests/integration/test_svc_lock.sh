#!/bin/sh
# test_svc_lock.sh: one systemtap-service at a time. A second command waits for the first,
# saying whom it waits for, then runs; SYSTEMTAP_SERVICE_LOCK_TIMEOUT limits the wait;
# status never waits; a stapio daemon started by start does not keep the lock; a command whose
# own ancestor holds the lock never waits for it (onboot's boot loader update runs
# kernel-install, whose plugin runs onboot --refresh).
. "$(dirname "$0")/../lib.sh"

[ -x "$SVC" ] || fail "$SVC is not built"
svc_root
add_script alpha
add_script daemon
echo "daemon_OPT='-o $ROOT/daemon.out'" >>"$CONF"
LOCK=$ROOT/run/systemtap/.lock
svcr compile alpha daemon

# hold_lock SECONDS: a `start alpha` in the background whose staprun takes SECONDS; returns
# once it holds the lock. Its pid is $HOLDER.
hold_lock() {
	STAPRUN_SLEEP=$1 "$SVC" start alpha -c "$CONF" -r "$KVER_DEBIAN" >"$ROOT/holder.out" 2>&1 &
	HOLDER=$!
	for _ in $(seq 50); do
		[ "$(head -n 1 "$LOCK" 2>/dev/null)" = "$HOLDER start" ] && return 0
		sleep 0.1
	done
	fail "the first command never took the lock"
}

hold_lock 2
t0=$(date +%s%N)
svcr stop alpha
t1=$(date +%s%N)
assert_rc 0 "stop after waiting"
assert_out "systemtap-service: waiting for $HOLDER (start) holding $LOCK"
wait "$HOLDER" || fail "the first command failed: $(cat "$ROOT/holder.out")"
[ "$(staprun_calls | tr '\n' ' ')" = "staprun|-L|$ROOT/var/cache/systemtap/$KVER_DEBIAN/alpha.ko staprun|-d|alpha " ] ||
	fail "the commands overlapped: $(staprun_calls | tr '\n' ' ')"
grep -q "Waiting for $HOLDER (start) holding $LOCK" "$ROOT/var/log/systemtap.log" ||
	fail "the wait is not logged"
echo "waited $(((t1 - t0) / 1000000)) ms"
[ $(((t1 - t0) / 1000000)) -ge 1000 ] || fail "stop did not wait for start"
ok "a second command waits for the holder, naming it, and runs after it"

hold_lock 3
svcr status alpha
kill -0 "$HOLDER" 2>/dev/null && [ "$(head -n 1 "$LOCK")" = "$HOLDER start" ] ||
	fail "status ended only after the holder: it waited for the lock"
assert_no_out waiting
ok "status does not wait for the lock"

SYSTEMTAP_SERVICE_LOCK_TIMEOUT=1 svcr stop alpha
assert_rc 1 "lock timeout"
assert_out "Gave up after 1 s waiting for $HOLDER (start) holding $LOCK"
SYSTEMTAP_SERVICE_LOCK_TIMEOUT=0 svcr stop alpha
assert_rc 1 "no wait"
assert_out "$LOCK is held by $HOLDER (start)"
wait "$HOLDER"
ok "SYSTEMTAP_SERVICE_LOCK_TIMEOUT: gives up after N s (0: at once), exit 1, naming the holder"

svcr stop
svcr start daemon
assert_rc 0
pid=$(cat "$ROOT/run/systemtap/daemon")
kill -0 "$pid" || fail "no stapio daemon"
SYSTEMTAP_SERVICE_LOCK_TIMEOUT=0 svcr stop daemon
assert_rc 0 "the lock is free while a stapio daemon runs"
assert_no_out 'held by'
ok "the stapio daemon does not inherit the lock"

# --- the holder is our own ancestor -----------------------------------------------------------
# ancestor COMMAND KVER ARGS...: a shell holds the lock (flock(1)) recording itself as
# "PID COMMAND" for kernel KVER, as the service does, and runs systemtap-service ARGS as its
# child. Output in $OUT, exit code in $RC, the holder's pid in $HOLDER, the time in $MS.
ancestor() {
	cmd=$1 k=$2
	shift 2
	t0=$(date +%s%N)
	OUT=$(SYSTEMTAP_SERVICE_LOCK_TIMEOUT=30 flock "$LOCK" sh -c '
		printf "%s %s\nkernel %s\n" $$ "$1" "$2" >"$3"
		echo "holder $$"
		shift 3
		"$@"' ancestor "$cmd" "$k" "$LOCK" "$SVC" "$@" -c "$CONF" 2>&1)
	RC=$?
	MS=$((($(date +%s%N) - t0) / 1000000))
	HOLDER=$(printf '%s\n' "$OUT" | sed -n 's/^holder //p')
	printf '%s\n' "$OUT" | sed 's/^/    | /'
	echo "    ($MS ms)"
}
K=$KVER_DEBIAN
for mode in --refresh "--refresh --image" --forget; do
	# shellcheck disable=SC2086 # mode: one or two options
	ancestor onboot "$K" onboot $mode -r "$K"
	assert_rc 0 "onboot $mode under the onboot building $K's image"
	assert_out "^Nothing to do: $HOLDER (onboot), which started this command, is building kernel $K's image\$"
	assert_no_out "waiting for"
	[ "$MS" -lt 5000 ] || fail "it waited ($MS ms)"
done
ok "onboot --refresh/--forget -r KVER under onboot building KVER's image: one line, exit 0 at once"

ancestor onboot 6.1.0-1-other onboot --refresh -r "$K"
assert_rc 1 "--refresh of another kernel under onboot"
assert_out "$LOCK is held by $HOLDER (onboot), which started this command: waiting for it would never end"
[ "$MS" -lt 5000 ] || fail "it waited ($MS ms)"
ancestor "onboot --refresh" "$K" onboot --refresh -r "$K"
assert_rc 1 "--refresh under --refresh"
assert_out "is held by $HOLDER (onboot --refresh), which started this command"
ancestor start "$K" stop alpha -r "$K"
assert_rc 1 "stop under start"
assert_out "$LOCK is held by $HOLDER (start), which started this command: waiting for it would never end"
[ "$MS" -lt 5000 ] || fail "it waited ($MS ms)"
ok "anything else under its own lock holder fails at once, naming the holder"
