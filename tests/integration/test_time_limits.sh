#!/bin/sh
# test_time_limits.sh: nothing the service starts for a compile hangs it, nor a kernel install.
# The real service with a stand-in stap that never returns (the STAP setting; a stap that hung
# in `stap -V` was seen): compile, onboot and onboot --refresh end within COMPILE_TIMEOUT (or
# TOOL_TIMEOUT for -V) with one message naming the program, the script, the limit and the
# setting, exit 1, and leave no process and no temp directory behind. The kernel hooks, as
# `make install` installs them and run as the packages run them (run-parts --exit-on-error,
# kernel-install), exit 0 in bounded time with the line that says how to finish the work. A
# MODULE_SIGN_KEY that is a FIFO or a directory is refused at once (sign-file would block).
. "$(dirname "$0")/../lib.sh"
mkroot
K=$KVER_DEBIAN
LIMIT=3

# The stand-in: `-V` answers (or hangs when $ROOT/hang-V exists); a compile records its pid and
# its child's in $ROOT/stap.pids and sleeps for ever, as a stuck stap (and its kbuild) would.
cat >"$ROOT/stap" <<EOS
#!/bin/sh
if [ "\$1" = -V ]; then
	if [ -e "$ROOT/hang-V" ]; then
		echo \$\$ >>"$ROOT/stap.pids"
		exec sleep 100000
	fi
	echo "Systemtap translator/driver (version 4.8/0.188, Debian version 4.8-2)" >&2
	exit 0
fi
echo \$\$ >>"$ROOT/stap.pids"
sleep 100000 &
echo \$! >>"$ROOT/stap.pids"
wait
EOS
chmod +x "$ROOT/stap"
cat >>"$CONF" <<EOC
STAP=$ROOT/stap
COMPILE_TIMEOUT=$LIMIT
TOOL_TIMEOUT=$LIMIT
NEW_KERNEL_PKG=$ROOT/none/new-kernel-pkg
GRUBBY=$ROOT/none/grubby
KERNEL_INSTALL=$ROOT/none/kernel-install
EOC
add_script hang
# onboot checks for our dracut module and the loader before it compiles (dracut never runs here).
mkdir -p "$ROOT/dracut/modules.d/99systemtap"
cp "$TOP/dracut-module/99systemtap/module-setup.sh" "$ROOT/dracut/modules.d/99systemtap/"
export dracutbasedir="$ROOT/dracut"
echo "STAP_EARLY_LOADER=$BUILD/stap-early-loader" >>"$CONF"

# timed ARGS...: svc ARGS..., the time in $MS. A service that hangs after all fails the test
# (coreutils' timeout, 60 s) instead of hanging it.
timed() {
	t0=$(date +%s%N)
	OUT=$(timeout -k 5 60 "$SVC" "$@" -c "$CONF" 2>&1)
	RC=$?
	MS=$((($(date +%s%N) - t0) / 1000000))
	printf '%s\n' "$OUT" | sed 's/^/    | /'
	echo "    ($MS ms)"
	[ "$RC" -ne 124 ] || fail "$* hung"
}
# assert_time MS MAX_S WHAT: MS within [LIMIT, MAX_S] seconds.
assert_time() {
	[ "$1" -ge $((LIMIT * 1000)) ] && [ "$1" -lt $(($2 * 1000)) ] ||
		fail "$3 took $1 ms (limit $LIMIT s, at most $2 s expected)"
}
# assert_all_gone: every process the stand-in recorded has ended; no stap work directory left.
assert_all_gone() {
	[ -s "$ROOT/stap.pids" ] || fail "the stand-in stap never ran"
	for _ in $(seq 100); do
		left=""
		for p in $(cat "$ROOT/stap.pids"); do
			st=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | cut -c1)
			[ -n "$st" ] && [ "$st" != Z ] && left="$left $p"
		done
		[ -z "$left" ] && break
		sleep 0.05
	done
	[ -z "$left" ] || fail "processes left behind:$left"
	rm -f "$ROOT/stap.pids"
	[ -z "$(ls -A "$ROOT/tmp")" ] || fail "left in TEMP_PATH: $(ls -A "$ROOT/tmp")"
}
MSG="stap (compiling script hang) did not finish within $LIMIT s and was killed with its process group; if it needs longer, raise COMPILE_TIMEOUT (seconds, 0: no limit) in the config"

timed compile hang -r "$K"
assert_rc 1 "compile with a stap that hangs"
assert_out "^systemtap-service: $MSG\$"
assert_out "Compiling hang ... error"
assert_time "$MS" 10 compile
assert_all_gone
assert_no_file "$ROOT/var/cache/systemtap/$K/hang.ko"
grep -q "Error: $MSG" "$ROOT/var/log/systemtap.log" || fail "the message is not in LOG_FILE"
ok "compile: stap killed with its group after COMPILE_TIMEOUT ($MS ms), exit 1, nothing left"

timed onboot hang -r "$K"
assert_rc 1 "onboot with a stap that hangs"
assert_out "^systemtap-service: $MSG\$"
assert_time "$MS" 10 onboot
assert_all_gone
assert_no_file "$ROOT/boot/initrd.img-$K"
ok "onboot NAME: the same, and no image ($MS ms)"

# The set onboot records, as if it had been built for another kernel before.
printf 'stap-onboot-set 1\nscript hang\n' >"$ROOT/var/lib/systemtap/onboot.set"
timed onboot --refresh -r "$K"
assert_rc 1 "onboot --refresh with a stap that hangs"
assert_out "^systemtap-service: $MSG\$"
assert_out "hang: did not compile"
assert_time "$MS" 10 "onboot --refresh"
assert_all_gone
ok "onboot --refresh: the same, the script reported as not built ($MS ms)"

touch "$ROOT/hang-V"
timed compile hang -r "$K"
assert_rc 1 "compile with a stap that hangs in -V"
assert_out "stap (asked for its version, -V) did not finish within $LIMIT s and was killed with its process group; if it needs longer, raise TOOL_TIMEOUT"
assert_time "$MS" 10 "stap -V"
assert_all_gone
rm "$ROOT/hang-V"
ok "stap -V: killed after TOOL_TIMEOUT ($MS ms)"

# --- the kernel hooks, installed, with this service -------------------------------------------
make -s -C "$TOP" install DESTDIR="$ROOT/dest" SBINDIR="$ROOT/sbin" >"$ROOT/install.log" 2>&1 ||
	fail "make install failed: $(tail -n 5 "$ROOT/install.log")"
mkdir -p "$ROOT/sbin"
# The hooks call SBINDIR/systemtap-service: the built one, with this test's config.
printf '#!/bin/sh\nexec "%s" "$@" -c "%s"\n' "$SVC" "$CONF" >"$ROOT/sbin/systemtap-service"
chmod +x "$ROOT/sbin/systemtap-service"
HOOKS=$ROOT/dest/etc/kernel
# hooks DIR [ENV...]: run-parts over DIR as the kernel packages do; $OUT, $RC, $MS.
hooks() {
	dir=$1
	shift
	t0=$(date +%s%N)
	OUT=$(env "$@" timeout -k 5 60 run-parts --report --exit-on-error --arg="$K" \
		--arg="/boot/vmlinuz-$K" "$dir" 2>&1)
	RC=$?
	[ "$RC" -ne 124 ] || fail "the hooks of $dir hung"
	MS=$((($(date +%s%N) - t0) / 1000000))
	printf '%s\n' "$OUT" | sed 's/^/    | /'
	echo "    ($MS ms)"
}
hooks "$HOOKS/postinst.d" DEB_MAINT_PARAMS=configure
assert_rc 0 "postinst.d with a stap that hangs"
assert_out "$MSG"
assert_out "systemtap-onboot: onboot --refresh -r $K failed (exit 1): kernel $K's onboot scripts were not built; to finish it: systemtap-service onboot --refresh -r $K\$"
assert_time "$MS" 10 "the postinst.d hook"
assert_all_gone
POSTINST_MS=$MS
hooks "$HOOKS/header_postinst.d"
assert_rc 0 "header_postinst.d with a stap that hangs"
assert_out "to finish it: systemtap-service onboot --refresh --image -r $K\$"
assert_time "$MS" 10 "the header_postinst.d hook"
assert_all_gone
ok "postinst.d and header_postinst.d hooks: exit 0 after ${POSTINST_MS} and $MS ms, saying how to finish"

: >"$ROOT/vmlinuz-$K"
mkdir -p "$ROOT/bootroot"
t0=$(date +%s%N)
OUT=$(KERNEL_INSTALL_PLUGINS="$ROOT/dest/usr/lib/kernel/install.d/45-systemtap-onboot.install" \
	BOOT_ROOT="$ROOT/bootroot" timeout -k 5 60 kernel-install add "$K" "$ROOT/vmlinuz-$K" 2>&1)
RC=$?
[ "$RC" -ne 124 ] || fail "kernel-install add hung"
MS=$((($(date +%s%N) - t0) / 1000000))
printf '%s\n' "$OUT" | sed 's/^/    | /'
assert_rc 0 "kernel-install add with a stap that hangs"
assert_out "to finish it: systemtap-service onboot --refresh --image -r $K\$"
assert_time "$MS" 10 "kernel-install add"
assert_all_gone
ok "kernel-install add with our plugin: exit 0 after $MS ms, saying how to finish"

# --- a key that is no regular file ------------------------------------------------------------
command -v openssl >/dev/null || fail "openssl is not installed"
openssl req -new -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=stap-onboot-test \
	-keyout "$ROOT/key.pem" -out "$ROOT/cert.pem" 2>/dev/null || fail "openssl failed"
mkfifo "$ROOT/key.fifo"
for key in "$ROOT/key.fifo" "$ROOT/tmp"; do
	printf 'MODULE_SIGN_KEY=%s\nMODULE_SIGN_CERT=%s\n' "$key" "$ROOT/cert.pem" \
		>"$ROOT/etc/systemtap/conf.d/zz-sign.conf"
	for cmd in "compile hang" "onboot --refresh"; do
		# shellcheck disable=SC2086 # cmd: the command and its options
		timed $cmd -r "$K"
		assert_rc 1 "$cmd with MODULE_SIGN_KEY=$key"
		assert_out "Cannot sign modules with MODULE_SIGN_KEY $key: not a regular file"
		[ "$MS" -lt 2000 ] || fail "$cmd with MODULE_SIGN_KEY=$key took $MS ms"
		[ ! -s "$ROOT/stap.pids" ] || fail "stap ran with a key that is not a file"
	done
done
ok "a FIFO or a directory as MODULE_SIGN_KEY: refused at once, nothing compiled"
