#!/bin/sh
# test_upstream_service_spec.sh: a driver of upstream's own test of the service, SystemTap 4.8's
# testsuite/systemtap.base/systemtap-service.exp, against our binary in a temp root. Its steps,
# commands, script texts and patterns are the .exp's (read from a public copy of the systemtap
# tree; not vendored: the .exp needs DejaGnu's runtest, expect, the testsuite's own library and
# root over the host's /etc/systemtap, none of which a temp root gives). Like expect, each command
# is judged by its exit code and its stdout lines: a non-empty line that matches none of the
# .exp's patterns fails it (the .exp's `-re {^[^\r\n]+\r\n} { fail ... }`).
#   boot time probing: upstream's precondition is a new-kernel-pkg, here a stand-in that records
#     its argv. The real stap and the real dracut (the fast image of lib-onboot.sh, not the
#     default one: the lines are the same). onboot script3 prints exactly upstream's three lines
#     and nothing on stderr: the details (space checked, dracut's log, the boot loader) go to
#     LOG_FILE only, and to stdout with -v; script4 (embedded C) fails to compile without -g
#     and goes in with script4_OPT='-g'; lsinitrd finds it, and after onboot without scripts
#     no longer does.
#   no script: stop, cleanup -y, start, status (3), restart, status (3), cleanup -y, compile,
#     cleanup -y, stop. start and restart exit 0 here, as upstream 4.8's initscript does with
#     no scripts (RHBZ847286, /work/shared/docs/upstream-behaviour.md); the copy of the .exp
#     read expects 5.
#   bz1109084: script.d/script1-blah.stp (an invalid name): start exits 0 and LOG_FILE says
#     "not a valid script name".
# Differences: commands get -r KVER (the kernel whose headers are installed; the .exp uses the
# running one), and -c CONF (the temp root). Not here: the "one script" and "two scripts"
# parts load modules into the running kernel.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lib-onboot.sh"
setup_onboot fast
SD=$ROOT/etc/systemtap/script.d
CD=$ROOT/etc/systemtap/conf.d

# run ARGS...: the service as upstream's test runs it (no -r: here -r KVER, the kernel whose
# headers are installed), stdout in $OUT, stderr in $ERR, exit code in $RC.
run() {
	"$SVC" "$@" -c "$CONF" >"$ROOT/stdout" 2>"$ROOT/stderr"
	RC=$?
	OUT=$(tr -d '\r' <"$ROOT/stdout")
	ERR=$(cat "$ROOT/stderr")
	printf '%s\n' "$OUT" | sed 's/^/    1| /'
	printf '%s\n' "$ERR" | sed 's/^/    2| /'
}

# expect_lines PATTERN...: every non-empty stdout line matches one of the extended regular
# expressions, and each of them matches a line.
expect_lines() {
	printf '%s\n' "$OUT" | while IFS= read -r line; do
		[ -n "$line" ] || continue
		matched=
		for p in "$@"; do
			printf '%s\n' "$line" | grep -Eq -- "$p" && matched=1
		done
		[ -n "$matched" ] || fail "a line upstream's test does not expect: '$line'"
	done || exit 1
	for p in "$@"; do
		printf '%s\n' "$OUT" | grep -Eq -- "$p" || fail "stdout lacks a line matching '$p'"
	done
}

# onboot_lines NAME: upstream's three lines for onboot NAME.
onboot_lines() {
	expect_lines "^ Compiling $1[^\\r\\n]+done\$" "^ Checking options $1[^\\r\\n]+done\$" \
		"^ Creating initramfs with $1[^\\r\\n]+done\$"
}

# in_image NAME: lsinitrd's listing of the image holds NAME (upstream: lsinitrd | grep NAME).
in_image() { lsinitrd "$IMG" | grep -q -- "$1"; }

# --- boot time probing ----------------------------------------------------------------------
cat >"$ROOT/new-kernel-pkg" <<EOS
#!/bin/sh
{ printf '%s' new-kernel-pkg; for a in "\$@"; do printf '|%s' "\$a"; done; echo; } >>"$ROOT/nkp.calls"
EOS
chmod +x "$ROOT/new-kernel-pkg"
echo "NEW_KERNEL_PKG=$ROOT/new-kernel-pkg" >>"$CONF"

run cleanup -y -r "$KVER"
assert_rc 0 "cleanup -y"
# Upstream's script3: a timer that prints. Its _OPT is '' upstream; Debian's stap 4.8 needs the
# patched runtime for this kernel (lib.sh, stap_runtime_opt), which adds no run option.
printf '%s\n' 'probe timer.ms(500) { print("script3out\n") }' >"$SD/script3.stp"
echo "script3_OPT='$RT_OPT'" >"$CD/script3.conf"
run onboot script3 -r "$KVER"
assert_rc 0 "onboot script3"
onboot_lines script3
[ -z "$ERR" ] || fail "onboot script3 wrote on stderr"
[ "$(cat "$ROOT/nkp.calls")" = "new-kernel-pkg|--initrdfile=$IMG|--update|$KVER" ] ||
	fail "new-kernel-pkg was run as: $(cat "$ROOT/nkp.calls")"
in_image script3 || fail "lsinitrd does not find script3 in $IMG"
grep -q " Checking space on .* done (" "$LOG" || fail "LOG_FILE lacks the space check"
grep -q "  dracut log: $LOG" "$LOG" || fail "LOG_FILE lacks where dracut's log went"
ok "onboot script3: upstream's three lines and nothing else, exit 0, new-kernel-pkg told, script3 in the image, the details in LOG_FILE"

run onboot script3 -v -r "$KVER"
assert_rc 0 "onboot -v script3"
printf '%s\n' "$OUT" | grep -q "^ Checking space on .* done (" || fail "-v: no space check line"
printf '%s\n' "$OUT" | grep -q "^  dracut log: $LOG\$" || fail "-v: no dracut log line"
printf '%s\n' "$OUT" | grep -q "^ Creating initramfs with script3[^\r]*done\$" ||
	fail "-v: no Creating line"
ok "onboot -v script3: the details on stdout too"

# script4: embedded C needs -g (guru mode).
cat >"$SD/script4.stp" <<'EOS'
function __return_three:long() %{ STAP_RETURN(3); %}
probe timer.ms(500) { printf("script4out %d\n", __return_three()) }
EOS
echo "script4_OPT='$RT_OPT'" >"$CD/script4.conf"
run onboot script4 -r "$KVER"
assert_rc 1 "onboot script4 without -g"
printf '%s\n' "$OUT" | grep -Eq '^ Compiling script4[^\r\n]+error$' ||
	fail "no ' Compiling script4 ... error' line"
in_image script4 && fail "script4 is in the image although it did not compile"
ok "onboot script4 without -g: Compiling script4 ... error, exit 1, the image without it"

echo "script4_OPT='-g${RT_OPT:+ $RT_OPT}'" >"$CD/script4.conf"
run onboot script4 -r "$KVER"
assert_rc 0 "onboot script4 with -g"
onboot_lines script4
[ -z "$ERR" ] || fail "onboot script4 wrote on stderr"
in_image script4 || fail "lsinitrd does not find script4 in $IMG"
ok "script4_OPT='-g': upstream's three lines, script4 in the image"

run onboot -r "$KVER"
assert_rc 0 "onboot without scripts"
expect_lines '^ +Creating initramfs without scripts[^\r\n]+done$'
in_image script4 && fail "script4 is still in the image"
ok "onboot without scripts: Creating initramfs without scripts ... done, script4 gone from the image"

# --- no script ------------------------------------------------------------------------------
rm -f "$SD"/* "$CD"/*
for step in "stop 0" "cleanup -y 0" "start 0" "status 3" "restart 0" "status 3" "cleanup -y 0" \
	"compile 0" "cleanup -y 0" "stop 0"; do
	want=${step##* }
	# shellcheck disable=SC2086 # the command and its options are words
	run ${step% *}
	assert_rc "$want" "${step% *} without scripts"
done
ok "no script: stop, cleanup -y, start, status (3), restart, status (3), cleanup -y, compile, cleanup -y, stop"

# --- bz1109084: an invalid script name ------------------------------------------------------
echo 'probe begin { exit() }' >"$SD/script1-blah.stp"
echo "LOG_FILE=$ROOT/stap-service-test-log" >>"$CONF"
run start
assert_rc 0 "start with script1-blah.stp"
grep -q 'not a valid script name' "$ROOT/stap-service-test-log" ||
	fail "LOG_FILE does not say 'not a valid script name'"
ok "bz1109084: script1-blah.stp is skipped, start exits 0, LOG_FILE says why"
