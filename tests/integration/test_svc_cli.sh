#!/bin/sh
# test_svc_cli.sh: the command line: the exact usage text (stderr and exit 3 on misuse, stdout
# and exit 0 for --help/-h), the command must be the first word, options in any position
# (before, between and after names, clustered, with attached arguments), "--", unknown
# options and commands, missing arguments, bad script names and kernel releases.
. "$(dirname "$0")/../lib.sh"

[ -x "$SVC" ] || fail "$SVC is not built"
svc_root
add_script alpha
add_script beta
tab=$(printf '\t')
cat >"$ROOT/usage" <<EOU
Usage: systemtap-service {start|stop|status|restart|compile|onboot|cleanup|condrestart|try-restart|reload|force-reload} [OPTIONS] [SCRIPTS]
Options:
${tab}-b${tab}${tab}: backup initramfs before overwriting
${tab}-c configfile${tab}: specify config file
${tab}-o path.img${tab}: specify initramfs output file
${tab}-r kernelrelease: specify kernel release version
${tab}-R ${tab}${tab}: recursively dependency checking
${tab}-y ${tab}${tab}: answer yes for all questions
${tab}-v ${tab}${tab}: verbose: every detail on stdout too (else only in the log)
${tab}script(s)${tab}: specify systemtap scripts
onboot only:
${tab}--status${tab}: show the onboot scripts each installed kernel starts
${tab}--refresh [--image]: build the recorded onboot set for -r kernelrelease
${tab}--forget${tab}: remove the cache and onboot snapshot of -r kernelrelease
${tab}--pack file${tab}: the set's modules for each -r kernelrelease into file
${tab}--load file${tab}: check the modules of a pack and put them into the caches
${tab}--import${tab}: take over upstream stap-onboot's modules of -r kernelrelease
${tab}--save-log${tab}: save the output of the scripts started at boot to ONBOOT_LOG_DIR
${tab}--close-log${tab}: close those output files (at shutdown)

See systemtap-service(8) for full documentation
EOU

# run ARGS...: the service without the test's -c; stdout in $ROOT/stdout, stderr in $ROOT/stderr.
run() {
	"$SVC" "$@" >"$ROOT/stdout" 2>"$ROOT/stderr"
	RC=$?
	sed 's/^/    1| /' "$ROOT/stdout"
	sed 's/^/    2| /' "$ROOT/stderr"
}

# --- usage and help ------------------------------------------------------------------------
run
assert_rc 3 "no command"
cmp -s "$ROOT/usage" "$ROOT/stderr" || fail "usage text (stderr) differs"
[ ! -s "$ROOT/stdout" ] || fail "usage error printed on stdout"
for h in --help -h; do
	run $h
	assert_rc 0 "$h"
	cmp -s "$ROOT/usage" "$ROOT/stdout" || fail "$h text differs"
	[ ! -s "$ROOT/stderr" ] || fail "$h printed on stderr"
done
run status --help
assert_rc 0 "status --help"
cmp -s "$ROOT/usage" "$ROOT/stdout" || fail "status --help text differs"
ok "usage: exact text; misuse -> stderr, exit 3; --help/-h -> stdout, exit 0"

run -y start -c "$CONF"
assert_rc 3 "option before the command"
grep -q "unknown command '-y'" "$ROOT/stderr" || fail "no unknown command message"
run frobnicate -c "$CONF"
assert_rc 3 "unknown command"
grep -q "unknown command 'frobnicate'" "$ROOT/stderr" || fail "no unknown command message"
ok "the command must be the first word; an unknown command is exit 3"

run start -Z -c "$CONF"
assert_rc 3 "unknown option"
[ "$(head -n 1 "$ROOT/stderr")" = "systemtap-service: invalid option -- 'Z'" ] || fail "message"
tail -n +2 "$ROOT/stderr" | cmp -s "$ROOT/usage" - || fail "no usage after the message"
run status -yZR -c "$CONF"
assert_rc 3 "unknown option in a cluster"
grep -qx "systemtap-service: invalid option -- 'Z'" "$ROOT/stderr" || fail "cluster message"
run stop --force -c "$CONF"
assert_rc 3 "unknown long option"
grep -qx "systemtap-service: unrecognized option '--force'" "$ROOT/stderr" || fail "long message"
for o in c r o; do
	run status -$o
	assert_rc 3 "-$o without argument"
	grep -qx "systemtap-service: option requires an argument -- '$o'" "$ROOT/stderr" ||
		fail "missing argument message for -$o"
done
run status --status -c "$CONF"
assert_rc 3 "--status with another command"
grep -qx "systemtap-service: --status, --refresh, --image, --forget, --pack, --load, --import, --save-log and --close-log are options of onboot" \
	"$ROOT/stderr" || fail "onboot-only option message"
run start --pack "$ROOT/x.pack" -c "$CONF"
assert_rc 3 "--pack with another command"
run onboot --pack -c "$CONF"
assert_rc 3 "--pack without a file (the next word is an option, not taken)"
run onboot --load= -c "$CONF"
assert_rc 3 "--load= with an empty file"
grep -q "option '--load' requires a file" "$ROOT/stderr" || fail "--load= message"
run onboot --import=x -c "$CONF"
assert_rc 3 "--import takes no argument"
run onboot --load "$ROOT/x.pack" alpha -c "$CONF"
assert_rc 3 "--load with names"
grep -q "takes no script names" "$ROOT/stderr" || fail "--load with names: message"
run onboot --import alpha -c "$CONF"
assert_rc 3 "--import with names"
run start -r 6.1.0-1 -r 6.1.0-2 -c "$CONF"
assert_rc 3 "two -r outside --pack"
grep -qx "systemtap-service: -r is given once, except with onboot --pack" "$ROOT/stderr" ||
	fail "two -r message"
run status --save-log -c "$CONF"
assert_rc 3 "--save-log with another command"
run onboot --status --forget -c "$CONF"
assert_rc 3 "two onboot modes"
grep -q "cannot be combined" "$ROOT/stderr" || fail "two modes message"
ok "unknown options (alone, clustered, long) and missing arguments: message + usage, exit 3"

# --- bad names and releases ---------------------------------------------------------------
long=$(printf 'a%.0s' $(seq 56))
for bad in 'a b' '../x' '9lives' 'x.stp' '-' "$long" 'x;touch' ''; do
	run start "$bad" -c "$CONF" -r "$KVER_DEBIAN"
	assert_rc 3 "bad name '$bad'"
	grep -qF "'$bad' is not a valid script name" "$ROOT/stderr" || fail "no message for '$bad'"
done
assert_no_file "$ROOT/staprun.calls"
assert_no_file "$ROOT/stap.calls"
run status "$(printf 'a%.0s' $(seq 55))" -c "$CONF"
assert_rc 3 "a 55-character name is valid (stopped)"
ok "bad script names on the command line: exit 3, nothing run"

for bad in ../../etc x/y . ..; do
	run status -r "$bad" -c "$CONF"
	assert_rc 3 "bad release '$bad'"
	grep -qF "'$bad' is not a valid kernel release" "$ROOT/stderr" || fail "message for '$bad'"
done
ok "a kernel release that is not one path component: exit 3"

# --- options anywhere ----------------------------------------------------------------------
svc compile alpha -r "$KVER_DEBIAN"
assert_rc 0 "first compile"
# check_yes ARGS...: `compile ARGS` must take -y wherever it is and recompile alpha unasked.
check_yes() {
	: >"$ROOT/stap.calls"
	OUT=$("$SVC" compile "$@" -c "$CONF" </dev/null 2>&1)
	RC=$?
	assert_rc 0 "compile $*"
	assert_no_out 'Do you really want'
	[ "$(wc -l <"$ROOT/stap.calls")" -eq 1 ] || fail "compile $* did not recompile alpha"
}
check_yes -y alpha -r "$KVER_DEBIAN"
check_yes alpha -y -r "$KVER_DEBIAN"
check_yes -yR alpha -r "$KVER_DEBIAN"
check_yes alpha -Ry -r "$KVER_DEBIAN"
check_yes -Ryr"$KVER_DEBIAN" alpha
OUT=$("$SVC" compile alpha -c"$CONF" -r"$KVER_DEBIAN" </dev/null 2>&1)
RC=$?
assert_rc 0
assert_out 'Do you really want to update above caches \[y/N\]: $'
ok "options before, between and after names, clustered, attached arguments"

run status -c "$CONF" -- alpha
assert_rc 3 "-- then a name"
grep -qx 'alpha is stopped' "$ROOT/stdout" || fail "-- alpha not taken as a name"
run status -c "$CONF" alpha alpha beta alpha
[ "$(grep -c '^alpha is stopped$' "$ROOT/stdout")" -eq 1 ] || fail "a repeated name listed twice"
ok "'--' ends the options; a name given twice counts once"

svc start -r "$KVER_DEBIAN" beta -R alpha
assert_rc 0
assert_file "$ROOT/run/systemtap/alpha"
assert_file "$ROOT/run/systemtap/beta"
svc stop alpha beta
ok "names around options all count"

# onboot is dispatched with its options (its own tests are in tests/onboot/).
echo "DRACUT=$ROOT/no-dracut" >>"$CONF"
svc onboot -b alpha -o "$ROOT/x.img" -r "$KVER_DEBIAN"
assert_rc 1 "onboot without dracut"
assert_out "$ROOT/no-dracut not found"
assert_no_out 'Usage:'
assert_no_file "$ROOT/x.img"
ok "onboot is dispatched with -b -o -r"
