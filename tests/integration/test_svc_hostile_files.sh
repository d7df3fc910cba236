#!/bin/sh
# test_svc_hostile_files.sh: what someone else may leave where the service expects its own
# regular files. A symlink at STAT_PATH/.lock or LOG_FILE is never followed (its target keeps
# its content); a FIFO as the lock, a pid file, a conf.d file, the config file or LOG_FILE never
# hangs the service: each is refused, the message names it and says it is not a regular file.
. "$(dirname "$0")/../lib.sh"

[ -x "$SVC" ] || fail "$SVC is not built"
mkroot
STAT=$ROOT/run/systemtap
LOG=$ROOT/var/log/systemtap.log
add_script alpha

# tsvc ARGS...: svc, but killed after 10 s (exit 124): a hang fails the test instead of it.
tsvc() {
	OUT=$(timeout 10 "$SVC" "$@" -c "$CONF" 2>&1 </dev/null)
	RC=$?
	printf '%s\n' "$OUT" | sed 's/^/    | /'
	[ "$RC" -ne 124 ] || fail "systemtap-service $* hung"
}

# --- symlinks are not followed ------------------------------------------------------------------
echo precious >"$ROOT/victim"
ln -s "$ROOT/victim" "$STAT/.lock"
tsvc stop
assert_rc 1 "a symlink as the lock"
assert_out "Failed to open $STAT/.lock: not a regular file"
[ "$(cat "$ROOT/victim")" = precious ] || fail "the lock's symlink target was rewritten"
rm "$STAT/.lock"
ok "a symlink at STAT_PATH/.lock: refused, its target untouched"

mv "$LOG" "$ROOT/log.old" 2>/dev/null
ln -s "$ROOT/victim" "$LOG"
tsvc stop
assert_rc 0 "a symlink as LOG_FILE (the command goes on without a log)"
assert_out "Cannot write LOG_FILE $LOG: not a regular file"
[ "$(cat "$ROOT/victim")" = precious ] || fail "LOG_FILE's symlink target was appended to"
rm "$LOG"
ok "a symlink at LOG_FILE: not written through, the command goes on"

# --- FIFOs never block -----------------------------------------------------------------------
rm -f "$STAT/.lock"
mkfifo "$STAT/.lock"
tsvc stop
assert_rc 1 "a FIFO as the lock"
assert_out "Failed to open $STAT/.lock: not a regular file"
rm "$STAT/.lock"
ok "a FIFO at STAT_PATH/.lock: refused at once"

mkfifo "$STAT/alpha"
tsvc status alpha
assert_rc 4 "a FIFO as a pid file: status unknown"
assert_out "Failed to read $STAT/alpha: not a regular file"
rm "$STAT/alpha"
ok "a FIFO as a pid file: status 4, named"

mkfifo "$ROOT/etc/systemtap/conf.d/x.conf"
tsvc status
assert_rc 6 "a FIFO in conf.d"
assert_out "Failed to read $ROOT/etc/systemtap/conf.d/x.conf: not a regular file"
rm "$ROOT/etc/systemtap/conf.d/x.conf"
ok "a FIFO in conf.d: exit 6, named"

mkfifo "$ROOT/config.fifo"
OUT=$(timeout 10 "$SVC" status -c "$ROOT/config.fifo" 2>&1 </dev/null)
RC=$?
[ "$RC" -ne 124 ] || fail "a FIFO as the config file hung the service"
assert_rc 6 "a FIFO as the config file"
assert_out "Failed to read $ROOT/config.fifo: not a regular file"
ok "a FIFO as the config file: exit 6, named"

rm -f "$LOG"
mkfifo "$LOG"
tsvc stop
assert_rc 0 "a FIFO as LOG_FILE (the command goes on without a log)"
assert_out "Cannot write LOG_FILE $LOG: not a regular file"
rm "$LOG"
ok "a FIFO as LOG_FILE: refused at once, the command goes on"
