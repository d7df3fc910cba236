#!/bin/sh
# test_svc_status.sh: status lines and exit codes for every state (running with and without a
# stapio pid, stopped, stale pid file, loaded without pid file), the exit code rules (0 when
# any runs, else the last script's), "No systemtap scripts are present", files in STAT_PATH
# that are not scripts (x.log), adoption of boot-time modules through PROC_PATH/systemtap/*/
# srvstat (never while a command holds the lock), and stop of modules loaded without a pid
# file.
. "$(dirname "$0")/../lib.sh"

[ -x "$SVC" ] || fail "$SVC is not built"
svc_root --real-stap
PROC=$ROOT/proc
mkdir -p "$PROC/systemtap"
echo "PROC_PATH=$PROC" >>"$CONF"
expect_out() { [ "$OUT" = "$(printf '%b' "$1")" ] || fail "output is not exactly: $1"; }

# --- nothing at all -----------------------------------------------------------------------
svc status
assert_rc 3 "status without scripts"
expect_out 'No systemtap scripts are present'
echo "boot error text" >"$STAT/early.log"
svc status
assert_rc 3 "status with only x.log in STAT_PATH"
expect_out 'No systemtap scripts are present'
ok "no scripts: 'No systemtap scripts are present', exit 3; x.log in STAT_PATH is no script"

# --- every state ---------------------------------------------------------------------------
for s in alpha beta gamma delta; do add_script $s; done
echo 0 >"$STAT/alpha"
fake_loaded alpha # running, detached
echo 4242 >"$STAT/beta" # stale pid file, not loaded
fake_loaded gamma       # loaded, no pid file
svc status
assert_rc 0 "status with one running"
expect_out 'alpha is running...\nbeta is stopped\ndelta is stopped\ngamma is loaded but was not started by systemtap-service'
ok "one line per script, sorted; exit 0 when any runs"

svc status beta
assert_rc 1 "stale pid file"
svc status delta
assert_rc 3 "stopped"
svc status gamma
assert_rc 4 "loaded without pid file"
expect_out 'gamma is loaded but was not started by systemtap-service'
svc status beta delta
assert_rc 3 "last script's code"
svc status delta beta
assert_rc 1 "last script's code"
svc status delta alpha beta
assert_rc 0 "sticky 0"
fake_loaded epsilon_coming coming
add_script epsilon_coming
echo 0 >"$STAT/epsilon_coming"
svc status epsilon_coming
assert_rc 0 "a module still coming counts as loaded"
ok "exit codes 1 (stale pid file), 3 (stopped), 4 (loaded, not ours); last wins, 0 sticks"

# A script only known by its pid file is listed too; x.log is not.
echo 0 >"$STAT/cacheonly"
fake_loaded cacheonly
svc status
assert_out '^cacheonly is running...$'
assert_no_out 'early'
ok "status lists pid-file-only scripts, never x.log"

# --- stop without names: pid files only, x.log untouched -----------------------------------------
svc stop
assert_rc 0 "stop of everything"
assert_file "$STAT/early.log"
[ "$(cat "$STAT/early.log")" = "boot error text" ] || fail "early.log was changed"
for s in alpha beta cacheonly epsilon_coming; do assert_no_file "$STAT/$s"; done
assert_file /sys/module/gamma # loaded, not ours, not named: left alone
ok "stop: every pid file handled, x.log kept, a foreign loaded module left alone"

# --- loaded without pid file: stop NAME --------------------------------------------------------------
svc stop gamma
assert_rc 1 "stop of a loaded module that is not a systemtap module"
assert_out 'gamma is loaded but is not a systemtap module; not stopping it'
assert_file /sys/module/gamma
mkdir -p "$PROC/systemtap/gamma" # a systemtap module started by hand (no srvstat "running")
svc stop gamma
assert_rc 0 "stop of a hand-started systemtap module"
staprun_calls | tail -n 1 | grep -qx 'staprun|-d|gamma' || fail "not unloaded with staprun -d"
assert_no_file /sys/module/gamma
rm -rf "$PROC/systemtap/gamma"
ok "stop NAME of a loaded module without pid file: refused unless it is a systemtap module"

fake_loaded delta
svc start delta
assert_rc 1 "start of a module loaded by someone else"
assert_out 'delta is loaded but was not started by systemtap-service; stop it first'
rm -rf /sys/module/delta
ok "start refuses a module of that name loaded by someone else, saying why"

# --- adoption of boot-time modules ----------------------------------------------------------------
mkdir -p "$PROC/systemtap/booted" "$PROC/systemtap/other" "$PROC/systemtap/bad-name"
echo running >"$PROC/systemtap/booted/srvstat"
echo running >"$PROC/systemtap/bad-name/srvstat"
fake_loaded booted
fake_loaded other
# While a command (here a stand-in holding the flock) holds the lock, status neither waits nor
# writes a pid file: a stop may be removing them.
sh -c 'exec 9>>"$1"; flock -x 9; exec sleep 30' sh "$STAT/.lock" &
holder=$!
until ! flock -n "$STAT/.lock" true; do sleep 0.05; done
t0=$(date +%s)
svc status booted
[ $(($(date +%s) - t0)) -lt 3 ] || fail "status waited for the lock"
assert_no_file "$STAT/booted"
kill "$holder"
wait "$holder" 2>/dev/null
ok "status while a command holds the lock: no wait, no pid file written"
svc status booted
assert_rc 0 "adopted boot module"
expect_out 'booted is running...'
[ "$(cat "$STAT/booted")" = 0 ] || fail "adopted pid file is not 0"
assert_no_file "$STAT/other"
assert_no_file "$STAT/bad-name"
grep -q 'Adopted running module booted' "$ROOT/var/log/systemtap.log" || fail "adoption not logged"
svc status other
assert_rc 4 "a module without srvstat is not adopted"
ok "boot-time modules with srvstat 'running' get pid file 0; others and bad names do not"

svc stop booted
assert_rc 0
staprun_calls | tail -n 1 | grep -qx 'staprun|-d|booted' || fail "adopted module not unloaded with -d"
assert_no_file "$STAT/booted"
ok "an adopted module is stopped with staprun -d"
