#!/bin/sh
# test_svc_start_stop.sh: start runs staprun with upstream's exact command lines (-L; -D with
# -o and stapio's pid recorded; -b from -s; quoted words with blanks kept whole; -u for a
# script that needs uprobes), writes pid files and shows staprun's own errors; stop unloads
# detached modules with staprun -d and stops a stapio daemon (a real process) with SIGTERM;
# PASSALL=yes/no; restart, reload, force-reload, condrestart/try-restart.
. "$(dirname "$0")/../lib.sh"

[ -x "$SVC" ] || fail "$SVC is not built"
mkroot
fake_sysmodule
fake_stap
fake_staprun_kmod
CACHE=$ROOT/var/cache/systemtap/$KVER_DEBIAN
STAT=$ROOT/run/systemtap
LOG=$ROOT/var/log/systemtap.log
for s in detached daemon buffered spaced; do add_script $s; done
add_script upr 'probe begin { } // NEEDS_UPROBES'
cat >>"$CONF" <<EOC
daemon_OPT='-o $ROOT/daemon.out'
buffered_OPT='-s 8 -v -g'
spaced_OPT='-c "$ROOT/my prog" -x 42'
upr_OPT='--save-uprobes'
EOC
expect_out() { [ "$OUT" = "$(printf '%b' "$1")" ] || fail "output is not exactly: $1"; }
last_call() { staprun_calls | tail -n 1; }
# gone_within_2s PID: the process ended (a zombie waiting for its reaper counts as ended).
gone_within_2s() {
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		st=$(sed -n 's/^[0-9]* ([^)]*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null)
		[ -z "$st" ] || [ "$st" = Z ] && return 0
		sleep 0.1
	done
	return 1
}

# --- -L: a detached module ---------------------------------------------------------------
svcr start detached
assert_rc 0 "start detached"
expect_out 'Starting systemtap:  Compiling detached ... done\n Starting detached ... done\nOK'
[ "$(last_call)" = "staprun|-L|$CACHE/detached.ko" ] || fail "staprun argv: $(last_call)"
[ "$(cat "$STAT/detached")" = 0 ] || fail "pid file of a detached module is not 0"
[ "$(cat /sys/module/detached/initstate)" = live ] || fail "module not loaded"
grep -q "Exec: $ROOT/staprun -L $CACHE/detached.ko" "$LOG" || fail "LOG_FILE lacks the Exec line"
svcr status detached
assert_rc 0 "status of a running detached script"
expect_out 'detached is running...'
ok "start -L: exact argv, pid file 0, status running"

n=$(staprun_calls | wc -l)
svcr start detached
assert_rc 0
expect_out 'Starting systemtap: OK'
[ "$(staprun_calls | wc -l)" -eq "$n" ] || fail "a running script was started again"
ok "a running script is left alone"

# --- -D with -o: stapio daemon ------------------------------------------------------------
STAPIO_GOING=0.6 svcr start daemon
assert_rc 0 "start daemon"
[ "$(last_call)" = "staprun|-o|$ROOT/daemon.out|-D|$CACHE/daemon.ko" ] || fail "argv: $(last_call)"
pid=$(cat "$STAT/daemon")
[ "$pid" -gt 0 ] && kill -0 "$pid" || fail "pid file '$pid' is not the live stapio"
svcr status daemon
assert_rc 0
expect_out "daemon($pid) is running..."
ok "start -D: exact argv, stapio's pid recorded, status shows it"

# --- -s becomes -b, quoted words, uprobes ---------------------------------------------------
svcr start buffered spaced upr
assert_rc 0 "start buffered spaced upr"
staprun_calls | grep -qxF "staprun|-b|8|-L|$CACHE/buffered.ko" || fail "-s 8 did not become -b 8"
staprun_calls | grep -qxF "staprun|-c|$ROOT/my prog|-x|42|-L|$CACHE/spaced.ko" ||
	fail "quoted -c argument not passed as one word"
assert_file "$CACHE/upr.uprobes"
staprun_calls | grep -qxF "staprun|-u$CACHE/uprobes/uprobes.ko|-L|$CACHE/upr.ko" ||
	fail "uprobes.ko not passed with -u"
ok "-s N -> -b N; '-c \"my prog\"' one word; -u<uprobes.ko> for a script that needs it"

# --- stop: staprun -d for detached, SIGTERM for stapio --------------------------------------
svcr stop detached
assert_rc 0 "stop detached"
expect_out 'Stopping systemtap: OK'
[ "$(last_call)" = "staprun|-d|detached" ] || fail "stop argv: $(last_call)"
assert_no_file "$STAT/detached"
assert_no_file /sys/module/detached
svcr status detached
assert_rc 3 "status of a stopped script"
expect_out 'detached is stopped'
ok "stop of a detached module: staprun -d NAME, pid file removed, status 3"

n=$(staprun_calls | wc -l)
svcr stop daemon
assert_rc 0 "stop daemon"
# Right away: stop returns once the kernel has dropped the module, not while it is "going".
assert_no_file /sys/module/daemon
[ "$(staprun_calls | wc -l)" -eq "$n" ] || fail "staprun was run to stop a stapio daemon"
grep -q "Exec: kill -TERM $pid" "$LOG" || fail "LOG_FILE lacks 'Exec: kill -TERM $pid'"
gone_within_2s "$pid" || fail "stapio $pid still runs"
assert_no_file "$STAT/daemon"
assert_no_file /sys/module/daemon
ok "stop of a -D script: SIGTERM to stapio $pid, which unloaded the module; stop returned once the kernel dropped it (0.6 s 'going')"

# A stapio that died (SIGKILL) left its module loaded: stop unloads it with staprun -d.
svcr start daemon
pid=$(cat "$STAT/daemon")
kill -9 "$pid"
sleep 0.2
svcr stop daemon
assert_rc 0 "stop after stapio died"
[ "$(last_call)" = "staprun|-d|daemon" ] || fail "no staprun -d after stapio died: $(last_call)"
assert_no_file /sys/module/daemon
ok "stapio gone: the module is unloaded with staprun -d"

# A pid file naming a live process that is not this script's stapio: never killed.
sleep 60 &
stranger=$!
svcr start detached
echo "$stranger" >"$STAT/detached"
svcr stop detached
assert_rc 0
kill -0 "$stranger" || fail "a process that is not stapio was killed"
[ "$(last_call)" = "staprun|-d|detached" ] || fail "argv: $(last_call)"
kill "$stranger"
ok "a stale pid file naming another process: not killed, module unloaded with staprun -d"

# A pid reused by a process that only looks like the stapio: `tail -f` of a file named
# daemon.ko, and a program named stapio running another daemon.ko. Neither is signalled.
mkdir -p "$ROOT/x"
: >"$ROOT/x/daemon.ko"
tail -f "$ROOT/x/daemon.ko" >/dev/null &
tailpid=$!
"$ROOT/stapio" -c 'sleep 60' stapio "$ROOT/x/daemon.ko" &
otherpid=$!
for decoy in $tailpid $otherpid; do
	svcr start daemon
	kill -9 "$(cat "$STAT/daemon")"
	echo "$decoy" >"$STAT/daemon"
	svcr stop daemon
	assert_rc 0
	kill -0 "$decoy" || fail "process $decoy ($(cat /proc/$decoy/cmdline 2>/dev/null | tr '\0' ' ')) was killed"
	[ "$(last_call)" = "staprun|-d|daemon" ] || fail "argv: $(last_call)"
done
kill "$tailpid" "$otherpid"
ok "stop signals only stapio itself with the cached NAME.ko: not tail -f .../NAME.ko, not another stapio"

# --- staprun's own error text ----------------------------------------------------------------
STAPRUN_FAIL_FOR=detached svcr start detached
assert_rc 1 "failing staprun"
expect_out "Starting systemtap:  Starting detached ... error\n   ERROR: Couldn't insert module '$CACHE/detached.ko': Invalid module format\nsystemtap-service: Failed to run \"detached\". (1)\nFAILED"
assert_no_file "$STAT/detached"
grep -q "Invalid module format" "$LOG" || fail "staprun's error is not in LOG_FILE"
ok "staprun's error shown indented under 'error', logged, FAILED, exit 1"

# --- PASSALL ---------------------------------------------------------------------------------
svcr stop
STAPRUN_FAIL_FOR=buffered svcr start buffered detached
assert_rc 1 "PASSALL=yes"
assert_no_file "$STAT/detached"
ok "PASSALL=yes: the first failure stops the command (detached not started), exit 1"

echo "PASSALL=no" >>"$CONF"
STAPRUN_FAIL_FOR=buffered svcr start buffered detached
assert_rc 0 "PASSALL=no"
assert_out '^WARNING$'
assert_file "$STAT/detached"
grep -q 'Warning: Failed to run "buffered". (1)$' "$LOG" || fail "whole warning not logged"
grep -q 'Warning: 1 failure occurred.' "$LOG" || fail "failure count not logged"
ok "PASSALL=no: goes on, WARNING, exit 0, the whole message logged"
sed -i '/^PASSALL=no$/d' "$CONF"

# --- relative -o is refused --------------------------------------------------------------------
add_script relout
echo "relout_OPT='-o relative.out'" >>"$CONF"
svcr start relout
assert_rc 1
assert_out "the -o file 'relative.out' must be an absolute path"
ok "a relative -o file is refused"

# --- restart / reload / force-reload / condrestart ---------------------------------------------
svcr stop
svcr condrestart
assert_rc 0 "condrestart with nothing running"
[ -z "$OUT" ] || fail "condrestart printed something while nothing ran"
svcr try-restart
assert_rc 0
[ -z "$OUT" ] || fail "try-restart printed something while nothing ran"
ok "condrestart/try-restart: silent exit 0 when nothing runs"

svcr start detached
for cmd in restart reload force-reload condrestart try-restart; do
	: >"$ROOT/staprun.calls"
	svcr $cmd detached
	assert_rc 0 "$cmd"
	expect_out 'Stopping systemtap: OK\nStarting systemtap:  Starting detached ... done\nOK'
	[ "$(staprun_calls | tr '\n' ' ')" = "staprun|-d|detached staprun|-L|$CACHE/detached.ko " ] ||
		fail "$cmd: staprun calls $(staprun_calls | tr '\n' ' ')"
done
ok "restart, reload, force-reload, condrestart, try-restart: stop then start"
svcr stop
