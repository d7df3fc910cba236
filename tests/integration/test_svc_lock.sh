#!/bin/sh
# test_svc_lock.sh: one systemtap-service at a time. A second command waits for the first,
# saying whom it waits for, then runs; SYSTEMTAP_SERVICE_LOCK_TIMEOUT limits the wait;
# status never waits; a stapio daemon started by start does not keep the lock.
. "$(dirname "$0")/../lib.sh"

[ -x "$SVC" ] || fail "$SVC is not built"
mkroot
fake_sysmodule
fake_stap
fake_staprun_kmod
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
		[ "$(cat "$LOCK" 2>/dev/null)" = "$HOLDER start" ] && return 0
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
kill -0 "$HOLDER" 2>/dev/null && [ "$(cat "$LOCK")" = "$HOLDER start" ] ||
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
