#!/bin/sh
# test_compile.sh: `compile` runs the real stap (Debian's 4.8 against the installed kernel
# headers) with upstream's argv for three scripts, two at a time, into CACHE_PATH/KVER; a
# script with a syntax error shows stap's error text; a bad _OPT, a missing stap and an
# unwritable cache are reported clearly; ALLOW_CACHEONLY uses a cache without its script.
. "$(dirname "$0")/../lib.sh"

[ -x "$SVC" ] || fail "$SVC is not built"
[ -d "/lib/modules/${KVER_DEBIAN:-none}/build" ] || fail "no kernel headers for ${KVER_DEBIAN:-any -amd64 kernel}"
STAP=$(command -v stap) || fail "stap is not installed"
mkroot
RT=$(stap_runtime_opt)
SD=$ROOT/etc/systemtap/script.d
CACHE=$ROOT/var/cache/systemtap/$KVER_DEBIAN
LOG=$ROOT/var/log/systemtap.log
printf 'probe timer.ms(500) { printf("tick\\n") }\n' >"$SD/ticker.stp"
printf 'probe begin { printf("hello\\n") }\n' >"$SD/greeter.stp"
printf 'probe end { printf("bye\\n") }\n' >"$SD/ender.stp"
cat >>"$CONF" <<EOF
COMPILE_JOBS=2
ticker_OPT='$RT'
ender_OPT='$RT'
greeter_OPT='$RT -D MAXACTION=500'
broken_OPT='$RT'
EOF

# --- three scripts, two at a time -------------------------------------------------------
t0=$(date +%s%N)
svc compile -y -r "$KVER_DEBIAN" ticker greeter ender
t1=$(date +%s%N)
assert_rc 0 "compile of three scripts"
assert_out ' Compiling ticker \.\.\. done$'
assert_out ' Compiling greeter \.\.\. done$'
assert_out ' Compiling ender \.\.\. done$'
echo "three scripts, COMPILE_JOBS=2: $(((t1 - t0) / 1000000)) ms"
for s in ticker greeter ender; do
	assert_file "$CACHE/$s.ko"
	vm=$(modinfo -F vermagic "$CACHE/$s.ko" | cut -d' ' -f1)
	[ "$vm" = "$KVER_DEBIAN" ] || fail "$s.ko vermagic is '$vm', not $KVER_DEBIAN"
	[ "$(modinfo -F name "$CACHE/$s.ko")" = "$s" ] || fail "module name of $s.ko is not $s"
	grep -q srvstat "$CACHE/$s.ko" || fail "$s.ko lacks the srvstat procfs probe"
done
ok "the modules are built for $KVER_DEBIAN, named after their scripts, with the srvstat probe"

build=$(sed -n 's/^#define UTS_VERSION "\(.*\)"$/\1/p' \
	"/lib/modules/$KVER_DEBIAN/build/include/generated/utsversion.h")
[ -n "$build" ] || fail "no UTS_VERSION in the installed headers"
protocol=4
case $(stap -V 2>&1 | sed -n 's/.*(version \([0-9]*\)\..*/\1/p;q') in [5-9] | [1-9][0-9]) protocol=5 ;; esac
cat >"$ROOT/expect.opts" <<EOF
STAP_ONBOOT_CACHE=1
KERNEL_RELEASE='$KVER_DEBIAN'
KERNEL_BUILD='$build'
STAP_VERSION='$(stap -V 2>&1 | sed -n 's/.*(version \([^/ ,)]*\).*/\1/p;q')'
PROTOCOL=$protocol
OPTS='$RT -D MAXACTION=500 --'
SCRIPT_SHA256='$(sha256sum <"$SD/greeter.stp" | cut -d' ' -f1)'
EOF
diff -u "$ROOT/expect.opts" "$CACHE/greeter.opts" || fail "greeter.opts differs"
ok "greeter.opts records release, build, stap version, protocol, options and the script's digest"

probe='probe procfs("srvstat").read {$value = "running\n"}'
exec_line="Exec: $STAP -E '$probe' -m greeter -p4 -r $KVER_DEBIAN --save-uprobes $RT -D MAXACTION=500 -- $SD/greeter.stp"
grep -qF -- "$exec_line" "$LOG" || fail "LOG_FILE lacks: $exec_line"
ok "LOG_FILE has upstream's stap command line"
# The first stap runs alone (it fills stap's own cache), then two run at the same time:
# E = a stap started, D = a script done.
order=$(grep -o -e "Exec: $STAP -E" -e 'Compiling [a-z]* \.\.\. done' "$LOG" |
	sed 's/^Exec.*/E/; s/^Compiling.*/D/' | tr -d '\n')
[ "$order" = EDEEDD ] || fail "stap start/finish order $order, expected EDEEDD"
ok "the first stap ran alone, the other two at the same time (COMPILE_JOBS=2)"
[ -z "$(ls -A "$ROOT/tmp")" ] || fail "temporary directories left in TEMP_PATH: $(ls "$ROOT/tmp")"
ok "no temporary directory left behind"

# --- one script (timing; stap's own cache in ~/.systemtap makes reruns fast) -------------
t0=$(date +%s%N)
svc compile -y -r "$KVER_DEBIAN" ticker
t1=$(date +%s%N)
assert_rc 0 "recompile of one script"
assert_out ' Compiling ticker \.\.\. done$'
echo "one script: $(((t1 - t0) / 1000000)) ms"

# --- stap fails: its error text is shown under the script's line --------------------------
printf 'probe begin { printf("unclosed\\n" }\n' >"$SD/broken.stp"
svc compile -y -r "$KVER_DEBIAN" broken
assert_rc 1 "stap failing"
assert_out ' Compiling broken \.\.\. error$'
assert_out '^    parse error: expected'
assert_out '^    Pass 1: parse failed'
grep -q 'Failed to compile script(broken)\.' "$LOG" || fail "LOG_FILE lacks the failure"
grep -q '^parse error' "$LOG" || fail "LOG_FILE lacks stap's own output"
assert_no_file "$CACHE/broken.ko"
assert_no_file "$CACHE/broken.opts"
[ -z "$(ls -A "$ROOT/tmp")" ] || fail "temporary directory left after a failure"
ok "a syntax error: rc 1, stap's error lines shown indented, nothing cached, no temp dir"

# --- bad <script>_OPT ---------------------------------------------------------------------
echo "greeter_OPT='$RT -Q'" >>"$CONF"
svc compile -y -r "$KVER_DEBIAN" greeter
assert_rc 1 "bad option"
assert_out 'Failed to parse parameters.*greeter_OPT.*-Q'
sed -i '$d' "$CONF"
ok "an unknown stap option in greeter_OPT is named"

# --- no script; ALLOW_CACHEONLY --------------------------------------------------------------
mv "$SD/ticker.stp" "$ROOT/ticker.stp"
svc compile -y -r "$KVER_DEBIAN" ticker
assert_rc 1 "no script"
assert_out "Error: no script file($SD/ticker.stp)\."
cp "$CONF" "$ROOT/cacheonly.conf"
echo "ALLOW_CACHEONLY=yes" >>"$ROOT/cacheonly.conf"
before=$(stat -c %Y.%y "$CACHE/ticker.ko")
OUT=$("$SVC" compile -y -r "$KVER_DEBIAN" ticker -c "$ROOT/cacheonly.conf" 2>&1)
RC=$?
printf '%s\n' "$OUT" | sed 's/^/    | /'
assert_rc 0 "ALLOW_CACHEONLY"
assert_out "Warning: no script file($SD/ticker.stp)\. Use compiled cache\."
[ "$(stat -c %Y.%y "$CACHE/ticker.ko")" = "$before" ] || fail "ticker.ko was changed"
mv "$ROOT/ticker.stp" "$SD/ticker.stp"
ok "no script: error; with ALLOW_CACHEONLY the cache is used as it is"

# --- stap missing -----------------------------------------------------------------------
cp "$CONF" "$ROOT/nostap.conf"
echo "STAP=/nonexistent/stap" >>"$ROOT/nostap.conf"
OUT=$("$SVC" compile -y -r "$KVER_DEBIAN" greeter -c "$ROOT/nostap.conf" 2>&1)
RC=$?
printf '%s\n' "$OUT" | sed 's/^/    | /'
assert_rc 1 "missing stap"
assert_out 'greeter needs compiling, but /nonexistent/stap is not installed here: install systemtap'
assert_out ' Compiling greeter \.\.\. error$'
ok "a missing stap is named with what to do"

# --- cache directory not writable ---------------------------------------------------------
# Root ignores permission bits: a file where the directory should be, and a read-only mount.
cp "$CONF" "$ROOT/file.conf"
: >"$ROOT/cachefile"
echo "CACHE_PATH=$ROOT/cachefile" >>"$ROOT/file.conf"
OUT=$("$SVC" compile -y -r "$KVER_DEBIAN" greeter -c "$ROOT/file.conf" 2>&1)
RC=$?
printf '%s\n' "$OUT" | sed 's/^/    | /'
assert_rc 1 "cache path is a file"
assert_out "$ROOT/cachefile/$KVER_DEBIAN.*Not a directory"
ok "a file in the way of the cache directory: named, with the reason"

OUT=$(unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" &&
	exec "$2" compile -y -r "$3" greeter -c "$4"' sh "$CACHE" "$SVC" "$KVER_DEBIAN" "$CONF" 2>&1)
RC=$?
printf '%s\n' "$OUT" | sed 's/^/    | /'
assert_rc 1 "read-only cache directory"
assert_out "$CACHE.*Read-only file system"
assert_file "$CACHE/greeter.ko"
assert_file "$CACHE/greeter.opts"
ok "a read-only cache directory: named, with the reason; the old cache stays"
[ -z "$(ls -A "$ROOT/tmp")" ] || fail "temporary directories left in TEMP_PATH"
echo "PASS"
