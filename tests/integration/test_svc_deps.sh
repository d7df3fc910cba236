#!/bin/sh
# test_svc_deps.sh: <script>_REQ: start order (requirements first), stop order (reversed),
# a diamond started and stopped once per script, -R / RECURSIVE=yes / no names follow the
# requirements while plain names do not, a loop is exit 6 naming the scripts, a bad _REQ
# word is exit 6, DEFAULT_START.
. "$(dirname "$0")/../lib.sh"

[ -x "$SVC" ] || fail "$SVC is not built"
svc_root
# top needs left and right, both need base: a diamond. solo has no requirement.
for s in top left right base solo; do add_script $s; done
cat >"$ROOT/etc/systemtap/conf.d/deps.conf" <<'EOC'
top_REQ="left right"
left_REQ=base
right_REQ='base'
EOC
# The order staprun saw: the module names of the load (-L) or unload (-d) calls.
loads() { staprun_calls | sed -n 's/.*|-L|.*\/\([^/]*\)\.ko$/\1/p' | tr '\n' ' '; }
unloads() { staprun_calls | sed -n 's/^staprun|-d|//p' | tr '\n' ' '; }
reset_calls() { : >"$ROOT/staprun.calls"; }

svcr start top
assert_rc 0
[ "$(loads)" = "top " ] || fail "start top without -R started: $(loads)"
svcr stop top
ok "plain names: requirements not followed"

reset_calls
svcr start -R top
assert_rc 0 "start -R top"
[ "$(loads)" = "base left right top " ] || fail "start order: $(loads)"
ok "start -R top: base left right top (requirements first, the diamond's base once)"

reset_calls
svcr stop top -R
assert_rc 0 "stop -R top"
[ "$(unloads)" = "top right left base " ] || fail "stop order: $(unloads)"
ok "stop -R top: top right left base (reversed, each once)"

reset_calls
echo RECURSIVE=yes >>"$CONF"
svcr start top
[ "$(loads)" = "base left right top " ] || fail "RECURSIVE=yes order: $(loads)"
svcr stop top
sed -i '/^RECURSIVE=yes$/d' "$CONF"
ok "RECURSIVE=yes follows the requirements of named scripts"

reset_calls
svcr start
assert_rc 0 "start of everything"
[ "$(loads)" = "base left right solo top " ] || fail "start all order: $(loads)"
reset_calls
svcr stop
assert_rc 0 "stop of everything"
[ "$(unloads)" = "top solo right left base " ] || fail "stop all order: $(unloads)"
ok "no names: all scripts, requirements first; stop of all in reverse"

# --- DEFAULT_START -------------------------------------------------------------------------
reset_calls
echo 'DEFAULT_START="solo left bad-name"' >>"$CONF"
svcr start
assert_rc 0 "start with DEFAULT_START"
[ "$(loads)" = "solo base left " ] || fail "DEFAULT_START order: $(loads)"
grep -q 'bad-name is not a valid script name' "$ROOT/var/log/systemtap.log" ||
	fail "bad DEFAULT_START name not logged"
svcr stop
sed -i '/^DEFAULT_START=/d' "$CONF"
ok "DEFAULT_START: its scripts with their requirements; a bad name skipped and logged"

# --- a loop -------------------------------------------------------------------------------------
add_script ring_a
add_script ring_b
add_script ring_c
printf 'ring_a_REQ=ring_b\nring_b_REQ=ring_c\nring_c_REQ=ring_a\n' >"$ROOT/etc/systemtap/conf.d/ring.conf"
reset_calls
svcr start -R ring_a
assert_rc 6 "dependency loop"
assert_out 'Dependency loop detected: ring_a -> ring_b -> ring_c -> ring_a'
assert_out 'FAILED'
[ -z "$(loads)" ] || fail "a script was started despite the loop"
svcr status -R ring_b
assert_rc 6 "status -R with a loop"
svcr start ring_a
assert_rc 0 "without -R the loop does not matter"
svcr stop
assert_rc 6 "stop of everything (ring_a runs) with a loop"
assert_out 'Dependency loop detected: ring_a -> ring_b -> ring_c -> ring_a'
svcr stop ring_a
assert_rc 0 "stop ring_a without -R"
rm "$ROOT/etc/systemtap/conf.d/ring.conf"
ok "a loop: exit 6, the loop named, nothing started"

# --- a bad _REQ word ------------------------------------------------------------------------------
echo 'solo_REQ="base ../../etc/passwd"' >"$ROOT/etc/systemtap/conf.d/bad.conf"
reset_calls
svcr start -R solo
assert_rc 6 "bad _REQ word"
assert_out 'Invalid script name "../../etc/passwd" in solo_REQ'
[ -z "$(loads)" ] || fail "a script was started despite a bad _REQ"
rm "$ROOT/etc/systemtap/conf.d/bad.conf"
ok "a bad name in _REQ: exit 6 naming it, nothing started"

# A requirement without a script fails like any missing script.
echo 'solo_REQ=ghost' >"$ROOT/etc/systemtap/conf.d/ghost.conf"
svcr start -R solo
assert_rc 1 "missing requirement"
assert_out "Error: no script file($ROOT/etc/systemtap/script.d/ghost.stp)."
ok "a missing requirement fails as 'no script file'"
