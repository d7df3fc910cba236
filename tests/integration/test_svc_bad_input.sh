#!/bin/sh
# test_svc_bad_input.sh: bad input, each with its own check: config files with $(...),
# backticks or ';' (never executed: no file appears), unreadable config files, bad names in
# script.d and conf.d, a missing script, bad <script>_OPT, a cache or stat directory that
# cannot be written, an unwritable LOG_FILE.
. "$(dirname "$0")/../lib.sh"

[ -x "$SVC" ] || fail "$SVC is not built"
svc_root
add_script alpha
cp "$CONF" "$ROOT/config.good"

# --- configs that a shell would execute ------------------------------------------------------
# try_config LINE WHERE: LINE in the main config (WHERE=main) or in conf.d/x.conf; the command
# must fail with exit 6 naming file:line, and the pwned file must not exist.
try_config() {
	cp "$ROOT/config.good" "$CONF"
	rm -f "$ROOT/etc/systemtap/conf.d/x.conf" "$ROOT/pwned"
	if [ "$2" = main ]; then
		printf '# comment\n%s\n' "$1" >>"$CONF"
		where="$CONF:$(wc -l <"$CONF")"
	else
		printf 'alpha_OPT=-v\n%s\n' "$1" >"$ROOT/etc/systemtap/conf.d/x.conf"
		where="$ROOT/etc/systemtap/conf.d/x.conf:2"
	fi
	svcr start alpha
	assert_rc 6 "config line: $1"
	assert_out "$where: "
	assert_no_file "$ROOT/pwned"
	assert_no_file "$ROOT/staprun.calls"
}
for where in main conf.d; do
	try_config "SCRIPT_PATH=\$(touch $ROOT/pwned)" $where
	assert_out 'command substitution $(...) is not allowed'
	try_config "LOG_FILE=\`touch $ROOT/pwned\`" $where
	assert_out 'command substitution (`...`) is not allowed'
	try_config "PASSALL=yes; touch $ROOT/pwned" $where
	assert_out "unquoted ';' (a command separator) is not allowed"
	try_config "alpha_OPT=\"\$(touch $ROOT/pwned)\"" $where
	try_config "touch $ROOT/pwned" $where
	try_config "alpha_REQ=a b" $where
done
cp "$ROOT/config.good" "$CONF"
rm -f "$ROOT/etc/systemtap/conf.d/x.conf"
ok "\$(...), backticks, ';', commands, unquoted blanks: exit 6 naming file:line, nothing run"

# --- unreadable config files -------------------------------------------------------------------
OUT=$("$SVC" status -c "$ROOT/no-such-config" 2>&1)
RC=$?
assert_rc 6 "missing config"
assert_out "Failed to read $ROOT/no-such-config: No such file or directory"
mkdir "$ROOT/etc/systemtap/conf.d/dir.conf"
svc status
assert_rc 6 "a conf.d entry that is a directory"
assert_out "Failed to read $ROOT/etc/systemtap/conf.d/dir.conf: not a regular file"
rmdir "$ROOT/etc/systemtap/conf.d/dir.conf"
ok "unreadable config files: exit 6 with the file and strerror"

# --- bad names in script.d and conf.d --------------------------------------------------------------
add_script 'my-script' 'probe begin {}'
add_script '9lives' 'probe begin {}'
svcr start
assert_rc 0 "start with badly named files in script.d"
assert_file "$ROOT/run/systemtap/alpha"
assert_no_out 'my-script'
for bad in my-script 9lives; do
	grep -qF "$bad is not a valid script name (must match [a-zA-Z_][a-zA-Z0-9_]*)" \
		"$ROOT/var/log/systemtap.log" || fail "$bad not logged as invalid"
done
staprun_calls | grep -q 'my-script\|9lives' && fail "a badly named script was run"
svcr stop
ok "script.d files with bad names: skipped, logged with upstream's line"

echo 'alpha_REQ="beta gam-ma"' >"$ROOT/etc/systemtap/conf.d/req.conf"
svcr start -R alpha
assert_rc 6 "bad name in conf.d _REQ"
assert_out 'Invalid script name "gam-ma" in alpha_REQ'
rm "$ROOT/etc/systemtap/conf.d/req.conf"
ok "a bad name in a conf.d _REQ: exit 6 naming it"

# --- a missing script ----------------------------------------------------------------------------
svcr start ghost
assert_rc 1 "missing script"
assert_out "Error: no script file($ROOT/etc/systemtap/script.d/ghost.stp)."
assert_out 'Failed to run "ghost". (3)'
svcr status ghost
assert_rc 3
ok "a missing script: 'no script file', exit 1"

# --- bad _OPT ----------------------------------------------------------------------------------------
echo "alpha_OPT='--no-such-option'" >"$ROOT/etc/systemtap/conf.d/opt.conf"
svcr start alpha
assert_rc 1 "unknown stap option"
assert_out 'unknown option or missing argument: --no-such-option'
echo "alpha_OPT='--bpf'" >"$ROOT/etc/systemtap/conf.d/opt.conf"
svcr start alpha
assert_rc 1 "a refused stap option"
assert_out 'refused option --bpf: builds a BPF program, not the kernel module the service starts'
echo "alpha_OPT='-D \"unbalanced'" >"$ROOT/etc/systemtap/conf.d/opt.conf"
svcr start alpha
assert_rc 1 "unbalanced quote in _OPT"
assert_out 'unbalanced quote'
rm "$ROOT/etc/systemtap/conf.d/opt.conf"
assert_no_file "$ROOT/run/systemtap/alpha"
ok "bad <script>_OPT: the script fails with the reason"

# --- directories that cannot be written ----------------------------------------------------------------
svcr compile -y alpha
mount --bind "$ROOT/var/cache/systemtap" "$ROOT/var/cache/systemtap"
mount -o remount,bind,ro "$ROOT/var/cache/systemtap"
svcr compile -y alpha
assert_rc 1 "read-only cache"
assert_out "$CACHE"
assert_out 'Read-only file system'
svc start alpha -r 7.7.7-none
assert_rc 1 "cache directory that cannot be made"
assert_out "Failed to make cache directory ($ROOT/var/cache/systemtap/7.7.7-none): Read-only file system"
svcr start alpha
assert_rc 0 "a valid cache on a read-only file system still starts"
svcr stop alpha
umount "$ROOT/var/cache/systemtap"
ok "a read-only cache: compile fails naming it; start still works from valid caches"

printf 'not a directory' >"$ROOT/statfile"
echo "STAT_PATH=$ROOT/statfile/sub" >>"$CONF"
svcr status
assert_rc 1 "STAT_PATH cannot be made"
assert_out "Failed to make stat directory ($ROOT/statfile/sub): Not a directory"
cp "$ROOT/config.good" "$CONF"
ok "STAT_PATH that cannot be made: exit 1 naming it"

echo "LOG_FILE=$ROOT/statfile/log" >>"$CONF"
svcr start alpha
assert_rc 0 "start without a usable LOG_FILE"
assert_out "Cannot write LOG_FILE $ROOT/statfile/log: Not a directory"
svcr stop alpha
cp "$ROOT/config.good" "$CONF"
ok "an unwritable LOG_FILE: a warning, the command still works"
