#!/bin/sh
# test_svc_cache_cmds.sh: the compile and cleanup commands and start's use of the cache (with a
# stand-in stap; the real stap is exercised by test_compile*.sh): prompts (-y, yes, no, EOF,
# an unclear answer asked again), upstream's messages, a failing stap under PASSALL=yes/no,
# -r, cleanup of scripts gone from script.d, the shared uprobes directory kept while a
# script needs it, start compiling only what has no valid cache, AUTOCOMPILE=no.
. "$(dirname "$0")/../lib.sh"

[ -x "$SVC" ] || fail "$SVC is not built"
svc_root
echo COMPILE_JOBS=1 >>"$CONF"
add_script alpha
add_script beta
expect_out() { [ "$OUT" = "$(printf '%b' "$1")" ] || fail "output is not exactly: $1"; }
# answer TEXT ARGS...: the service with TEXT on stdin.
answer() {
	text=$1
	shift
	OUT=$(printf '%b' "$text" | "$SVC" "$@" -c "$CONF" -r "$KVER_DEBIAN" 2>&1)
	RC=$?
	printf '%s\n' "$OUT" | sed 's/^/    | /'
}
stap_runs() { wc -l <"$ROOT/stap.calls" 2>/dev/null || echo 0; }

# --- compile ---------------------------------------------------------------------------------
svcr compile
assert_rc 0 "compile of everything"
expect_out 'Compiling systemtap scripts:  Compiling alpha ... done\n Compiling beta ... done\nOK'
for f in alpha.ko alpha.opts beta.ko beta.opts; do assert_file "$CACHE/$f"; done
grep -qxF "stap|-E|probe procfs(\"srvstat\").read {\$value = \"running\\n\"}|-m|alpha|-p4|-r|$KVER_DEBIAN|--save-uprobes|--|$ROOT/etc/systemtap/script.d/alpha.stp" "$ROOT/stap.calls" ||
	fail "stap argv differs: $(head -n 1 "$ROOT/stap.calls")"
ok "compile: upstream's lines and stap argv, caches in CACHE_PATH/KVER"

n=$(stap_runs)
answer 'n\n' compile alpha
assert_rc 0 "compile answered no"
expect_out "Compiling systemtap scripts: Updating caches: $CACHE/alpha.ko $CACHE/alpha.opts\nDo you really want to update above caches [y/N]: "
[ "$(stap_runs)" -eq "$n" ] || fail "compiled although answered no"
answer '' compile alpha
assert_rc 0 "compile at EOF"
[ "$(stap_runs)" -eq "$n" ] || fail "compiled at EOF"
answer '\n' compile alpha
[ "$(stap_runs)" -eq "$n" ] || fail "compiled on an empty answer"
answer 'maybe\nyes\n' compile alpha
assert_rc 0 "compile answered maybe, then yes"
[ "$(printf '%s\n' "$OUT" | grep -o 'Do you really want' | wc -l)" -eq 2 ] || fail "not asked again"
assert_out 'Compiling alpha ... done'
[ "$(stap_runs)" -eq $((n + 1)) ] || fail "not compiled after yes"
svcr compile -y alpha
assert_rc 0
[ "$(stap_runs)" -eq $((n + 2)) ] || fail "not compiled with -y"
assert_no_out 'Do you really'
ok "compile asks before replacing caches: no/EOF/empty = no, unclear asked again, -y"

# --- a failing stap ------------------------------------------------------------------------------
add_script broken 'probe begin { STAP_FAIL'
svcr compile -y alpha broken beta
assert_rc 1 "failing stap with PASSALL=yes"
assert_out '^ Compiling broken ... error$'
assert_out '^    Pass 1: parse failed.'
assert_out 'broken compilation failed (1)'
assert_out '^FAILED$'
echo PASSALL=no >>"$CONF"
svcr compile -y alpha broken beta
assert_rc 0 "failing stap with PASSALL=no"
assert_out '^WARNING$'
grep -q 'Warning: broken compilation failed (1)' "$ROOT/var/log/systemtap.log" ||
	fail "the failure is not logged whole"
sed -i '/^PASSALL=no$/d' "$CONF"
svcr start broken
assert_rc 1 "start of a script stap cannot compile"
assert_out 'Failed to run "broken". (1)'
assert_no_file "$ROOT/run/systemtap/broken"
rm "$ROOT/etc/systemtap/script.d/broken.stp"
ok "a failing stap: its error shown; FAILED/exit 1, or WARNING/exit 0 with PASSALL=no"

# --- -r: another kernel's cache --------------------------------------------------------------------
svc compile -y alpha -r 9.9.9-test
assert_rc 0 "compile -r 9.9.9-test"
grep -q '|-r|9.9.9-test|' "$ROOT/stap.calls" || fail "stap did not get -r 9.9.9-test"
assert_file "$ROOT/var/cache/systemtap/9.9.9-test/alpha.ko"
grep -qx "KERNEL_RELEASE='9.9.9-test'" "$ROOT/var/cache/systemtap/9.9.9-test/alpha.opts" ||
	fail "alpha.opts does not name 9.9.9-test"
assert_no_file "$ROOT/var/cache/systemtap/9.9.9-test/beta.ko"
ok "-r KVER: stap -r KVER into CACHE_PATH/KVER"

# --- start uses valid caches -----------------------------------------------------------------------
n=$(stap_runs)
svcr start alpha beta
assert_rc 0
[ "$(stap_runs)" -eq "$n" ] || fail "start recompiled valid caches"
expect_out 'Starting systemtap:  Starting alpha ... done\n Starting beta ... done\nOK'
svcr stop
sleep 0.01
touch "$ROOT/etc/systemtap/script.d/beta.stp"
svcr start alpha beta
[ "$(stap_runs)" -eq "$n" ] || fail "start recompiled a script that was only touched"
svcr stop
ok "a touched script with the same bytes keeps its cache (valid by content)"
echo '# edited' >>"$ROOT/etc/systemtap/script.d/beta.stp"
svcr start alpha beta
[ "$(stap_runs)" -eq $((n + 1)) ] || fail "start did not recompile the edited script"
tail -n 1 "$ROOT/stap.calls" | grep -q '|-m|beta|' || fail "the wrong script was recompiled"
svcr stop
ok "start compiles only what lacks a valid cache (an edited script)"

echo AUTOCOMPILE=no >>"$CONF"
echo '# edited again' >>"$ROOT/etc/systemtap/script.d/beta.stp"
n=$(stap_runs)
svcr start beta
assert_rc 1 "AUTOCOMPILE=no with a stale cache"
assert_out 'No valid cache for beta: '
[ "$(stap_runs)" -eq "$n" ] || fail "compiled with AUTOCOMPILE=no"
sed -i '/^AUTOCOMPILE=no$/d' "$CONF"
ok "AUTOCOMPILE=no: a stale cache fails the script, nothing compiled"

# --- cleanup -----------------------------------------------------------------------------------------
answer 'n\n' cleanup alpha
assert_rc 0
assert_out "^Cleaning up systemtap scripts: Removing caches: $CACHE/alpha.ko $CACHE/alpha.opts$"
assert_out 'Do you really want to remove above caches \[y/N\]: $'
assert_file "$CACHE/alpha.ko"
svcr cleanup alpha -y
assert_rc 0
assert_no_file "$CACHE/alpha.ko"
assert_no_file "$CACHE/alpha.opts"
assert_file "$CACHE/beta.ko"
ok "cleanup NAME: lists, asks, removes only that script's files"

# A script removed from script.d still gets its cache cleaned when no name is given.
rm "$ROOT/etc/systemtap/script.d/beta.stp"
svcr cleanup -y
assert_rc 0
assert_no_file "$CACHE/beta.ko"
assert_no_file "$CACHE/beta.opts"
ok "cleanup without names: also the caches of scripts gone from script.d"

# uprobes/ stays while a script needs it.
add_script up_one 'probe begin {} // NEEDS_UPROBES'
add_script up_two 'probe begin {} // NEEDS_UPROBES'
svcr compile -y up_one up_two
assert_file "$CACHE/uprobes/uprobes.ko"
assert_file "$CACHE/up_one.uprobes"
svcr cleanup -y up_one
assert_no_file "$CACHE/up_one.uprobes"
assert_file "$CACHE/uprobes/uprobes.ko"
svcr cleanup -y up_two
assert_no_file "$CACHE/uprobes"
ok "cleanup keeps uprobes/ while a NAME.uprobes marker is left, then removes it"

svc cleanup -r 0.0-none
assert_rc 0
expect_out 'Cleaning up systemtap scripts: OK'
ok "cleanup without a cache directory: OK"
