#!/bin/sh
# test_interrupt_loops.sh: a SIGTERM during stop or restart ends the command at the script it is
# at: the scripts after it are not stopped, restart starts nothing, and the exit code is 143.
# stop goes through the scripts in reverse order: zslow (a detached module whose staprun -d
# takes 3 s) first, then the stapio daemons d2 and d1, which must keep running. PASSALL=no:
# a failure alone would not end the loop.
. "$(dirname "$0")/../lib.sh"

[ -x "$SVC" ] || fail "$SVC is not built"
svc_root
for s in d1 d2 zslow; do add_script $s; done
cat >>"$CONF" <<EOC
PASSALL=no
d1_OPT='-o $ROOT/d1.out'
d2_OPT='-o $ROOT/d2.out'
EOC
svcr start
assert_rc 0 "start"
for s in d1 d2 zslow; do assert_file "/sys/module/$s"; done

# interrupted CMD: CMD in the background with a 3 s staprun; SIGTERM once it unloads zslow.
interrupted() {
	: >"$ROOT/staprun.calls"
	STAPRUN_SLEEP=3 "$SVC" "$1" -c "$CONF" -r "$KVER_DEBIAN" >"$ROOT/bg.out" 2>&1 &
	bg=$!
	i=0
	until grep -q '^staprun|-d|zslow$' "$ROOT/staprun.calls"; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "$1 never ran staprun -d zslow: $(cat "$ROOT/bg.out")"
		sleep 0.1
	done
	kill -TERM "$bg"
	wait "$bg"
	RC=$?
	OUT=$(cat "$ROOT/bg.out")
	printf '%s\n' "$OUT" | sed 's/^/    | /'
}

# still_running: d1 and d2 are loaded, with their pid files and live stapio daemons.
still_running() {
	for s in d1 d2; do
		assert_file "/sys/module/$s"
		kill -0 "$(cat "$STAT/$s")" 2>/dev/null || fail "the stapio of $s was stopped ($1)"
	done
}

interrupted stop
assert_rc 143 "stop interrupted by SIGTERM"
assert_out "Interrupted by signal 15 (SIGTERM)"
still_running "interrupted stop"
ok "SIGTERM during stop: the scripts after the current one are not stopped, exit 143"

interrupted restart
assert_rc 143 "restart interrupted by SIGTERM"
assert_no_out "Starting systemtap"
still_running "interrupted restart"
ok "SIGTERM during restart's stop: nothing more stopped, nothing started, exit 143"

svcr stop
assert_rc 0 "stop"
