#!/bin/sh
# test_interrupt.sh: SIGTERM, SIGINT and SIGHUP during compile, start and onboot end the command
# cleanly: the stap/staprun/dracut it runs (each in a process group of its own) get SIGTERM and
# are waited for, the temp directories and files go, no half-written cache entry or image is
# left, the lock is free, the message is on the console and in LOG_FILE, and the exit code is
# 128 + N. A second signal kills stubborn children; a Ctrl-C typed on a terminal reaches them the
# same way; a signal ignored when the service started (`cmd &` in a script) stays ignored. Last,
# the real stap and the real dracut are interrupted: neither leaves its own temp directory.
. "$(dirname "$0")/../lib.sh"

[ -x "$SVC" ] || fail "$SVC is not built"
mkroot
CACHE=$ROOT/var/cache/systemtap/$KVER_DEBIAN
LOG=$ROOT/var/log/systemtap.log
SD=$ROOT/etc/systemtap/script.d
KO=$(find "/lib/modules/$KVER_DEBIAN/kernel" -name '*.ko' -size -16k | sort | head -n 1)
[ -n "$KO" ] || fail "no module of $KVER_DEBIAN to copy"

# A stand-in stap. A script containing QUICK compiles at once (a real module of the Debian
# kernel, so that start's cache check passes). Any other one writes half a NAME.ko, records its
# pid in $ROOT/run.NAME and sleeps 30 s; on SIGTERM/SIGINT it records the signal in
# $ROOT/sig.NAME, takes 1 s to clean up (the service must wait for it), leaves
# $ROOT/cleaned.NAME and fails. One containing STUBBORN ignores SIGTERM.
stap_standin_head >"$ROOT/stap"
cat >>"$ROOT/stap" <<EOS
if grep -q QUICK "\$script"; then
	cp "$KO" "\$name.ko"
	exit 0
fi
head -c 1000 "$KO" >"\$name.ko"
if grep -q STUBBORN "\$script"; then
	trap '' TERM
	echo \$\$ >"$ROOT/run.\$name"
	exec sleep 30
fi
s=
ended() { echo "\$1" >>"$ROOT/sig.\$name"; kill \$s; sleep 1; : >"$ROOT/cleaned.\$name"; exit 1; }
trap 'ended TERM' TERM
trap 'ended INT' INT
echo \$\$ >"$ROOT/run.\$name"
sleep 30 &
s=\$!
wait \$s
EOS
chmod +x "$ROOT/stap"
cat >>"$CONF" <<EOF
STAP=$ROOT/stap
COMPILE_JOBS=2
EOF
echo 'probe begin { } # QUICK' >"$SD/quick.stp"
add_script slow1
add_script slow2
echo 'probe begin { } # STUBBORN' >"$SD/stubborn.stp"

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# bg ARGS...: systemtap-service ARGS in the background, SIGINT not ignored (a plain `&` in a
# script ignores it, see below); $BG its pid, its stdout in bg.out, stderr in bg.err.
bg() {
	rm -f "$ROOT"/run.* "$ROOT"/sig.* "$ROOT"/cleaned.*
	env --default-signal=INT "$SVC" "$@" -c "$CONF" -r "$KVER_DEBIAN" \
		>"$ROOT/bg.out" 2>"$ROOT/bg.err" &
	BG=$!
}

# running NAME...: waits (10 s at most) until the stand-ins of NAME... run; their pids in PIDS.
running() {
	PIDS=
	for n in "$@"; do
		i=0
		until [ -s "$ROOT/run.$n" ] && kill -0 "$(cat "$ROOT/run.$n")" 2>/dev/null; do
			i=$((i + 1))
			[ $i -lt 200 ] || fail "the stand-in for $n never ran: $(cat "$ROOT/bg.out" "$ROOT/bg.err")"
			sleep 0.05
		done
		PIDS="${PIDS:+$PIDS }$(cat "$ROOT/run.$n")"
	done
}

# interrupt SIG: sends SIG to the service and waits for it; RC, ELAPSED (ms), OUT (stdout and
# stderr, shown).
interrupt() {
	t0=$(now_ms)
	kill "-$1" "$BG"
	wait "$BG"
	RC=$?
	ELAPSED=$(($(now_ms) - t0))
	OUT=$(cat "$ROOT/bg.out" "$ROOT/bg.err")
	printf '%s\n' "$OUT" | sed 's/^/    | /'
	echo "    (exit $RC, $ELAPSED ms after SIG$1)"
}

# ended NAME... (after interrupt): each stand-in got SIGTERM once, had finished its cleanup
# when the service exited, and is gone.
ended() {
	for n in "$@"; do
		[ "$(cat "$ROOT/sig.$n" 2>/dev/null)" = TERM ] ||
			fail "stap for $n got '$(cat "$ROOT/sig.$n" 2>/dev/null)', not one SIGTERM"
		assert_file "$ROOT/cleaned.$n"
	done
	for p in $PIDS; do
		! kill -0 "$p" 2>/dev/null || fail "stand-in $p still runs"
	done
}

# clean_and_unlocked: no TEMP_PATH/cache.* (nor anything else) left, and the lock is free at
# once (condrestart takes it, and does nothing when no script runs).
clean_and_unlocked() {
	left=$(find "$ROOT/tmp" -mindepth 1 -maxdepth 1 -printf '%f ')
	[ -z "$left" ] || fail "left in TEMP_PATH: $left"
	SYSTEMTAP_SERVICE_LOCK_TIMEOUT=0 "$SVC" condrestart -c "$CONF" -r "$KVER_DEBIAN" \
		>"$ROOT/lock.out" 2>&1 || fail "the lock was not free: $(cat "$ROOT/lock.out")"
}

# --- compile, SIGTERM, nothing cached yet ------------------------------------------------------
bg compile -y quick slow1 slow2
running slow1 slow2
interrupt TERM
assert_rc 143 "SIGTERM"
ended slow1 slow2
assert_out '^Compiling systemtap scripts:  Compiling quick \.\.\. done$'
assert_out '^ Compiling slow1 \.\.\. interrupted$'
assert_out '^ Compiling slow2 \.\.\. interrupted$'
assert_no_out 'Compiling slow[12] \.\.\. error'
grep -qx 'systemtap-service: Interrupted by signal 15 (SIGTERM)' "$ROOT/bg.err" ||
	fail "no 'Interrupted by signal 15 (SIGTERM)' on stderr"
grep -q ': Error: Interrupted by signal 15 (SIGTERM)$' "$LOG" || fail "the signal is not logged"
grep -q ':  Compiling slow1 \.\.\. interrupted$' "$LOG" || fail "the interrupted script is not logged"
[ "$ELAPSED" -lt 5000 ] || fail "the service took $ELAPSED ms to end"
assert_file "$CACHE/quick.ko"
assert_file "$CACHE/quick.opts"
for f in slow1.ko slow1.opts slow2.ko slow2.opts; do assert_no_file "$CACHE/$f"; done
clean_and_unlocked
ok "compile, SIGTERM: exit 143 in $ELAPSED ms, both stap got SIGTERM and were waited for, no temp dir, no half cache, lock free"

# --- compile, SIGINT, replacing existing caches ---------------------------------------------------
echo 'probe begin { } # QUICK' >"$SD/slow1.stp"
svcr compile -y slow1
assert_rc 0
add_script slow1
sum_before=$(cat "$CACHE/slow1.ko" "$CACHE/slow1.opts" | sha256sum)
bg compile -y quick slow1 slow2
running slow1 slow2
interrupt INT
assert_rc 130 "SIGINT"
ended slow1 slow2
assert_out '^ Compiling slow1 \.\.\. interrupted$'
assert_out 'Interrupted by signal 2 (SIGINT)'
grep -q ': Error: Interrupted by signal 2 (SIGINT)$' "$LOG" || fail "SIGINT is not logged"
[ "$(cat "$CACHE/slow1.ko" "$CACHE/slow1.opts" | sha256sum)" = "$sum_before" ] ||
	fail "the old cache of slow1 changed"
assert_no_file "$CACHE/slow2.ko"
clean_and_unlocked
ok "compile -y, SIGINT: exit 130, the old cache of slow1 byte-identical, nothing of slow2"

# --- start, SIGHUP while it compiles: nothing is started --------------------------------------
fake_staprun
bg start slow2
running slow2
interrupt HUP
assert_rc 129 "SIGHUP"
ended slow2
assert_out '^Starting systemtap:  Compiling slow2 \.\.\. interrupted$'
assert_out 'Interrupted by signal 1 (SIGHUP)'
assert_no_file "$ROOT/staprun.calls"
assert_no_file "$ROOT/run/systemtap/slow2"
clean_and_unlocked
ok "start, SIGHUP during its compile: exit 129, staprun never ran, no pid file"

# --- start, SIGTERM while staprun runs ---------------------------------------------------------
cat >"$ROOT/staprun" <<EOS
#!/bin/sh
echo "\$@" >>"$ROOT/staprun.calls"
trap 'echo TERM >>"$ROOT/sig.staprun"; kill \$s; : >"$ROOT/cleaned.staprun"; exit 1' TERM
echo \$\$ >"$ROOT/run.staprun"
sleep 30 &
s=\$!
wait \$s
EOS
bg start quick
running staprun
interrupt TERM
assert_rc 143
ended staprun
assert_out '^Starting systemtap:  Starting quick \.\.\. interrupted$'
assert_no_out OK
assert_no_file "$ROOT/run/systemtap/quick"
clean_and_unlocked
ok "start, SIGTERM while staprun runs: exit 143, staprun ended, no pid file, its work dir removed"

# --- a second signal kills a child that ignores SIGTERM ----------------------------------------
bg compile -y stubborn
running stubborn
kill -TERM "$BG"
sleep 1
kill -0 "$BG" 2>/dev/null || fail "the service did not wait for its stubborn child"
kill -0 "$PIDS" 2>/dev/null || fail "the stubborn child ended on SIGTERM"
interrupt TERM
assert_rc 143
! kill -0 "$PIDS" 2>/dev/null || fail "the stubborn child still runs"
assert_out '^Compiling systemtap scripts:  Compiling stubborn \.\.\. interrupted$'
[ "$ELAPSED" -lt 2000 ] || fail "the second signal took $ELAPSED ms"
clean_and_unlocked
ok "a child ignoring SIGTERM is waited for; the second signal kills it ($ELAPSED ms)"

# --- SIGINT ignored at start stays ignored -------------------------------------------------------
rm -f "$ROOT"/run.* "$ROOT"/sig.* "$ROOT"/cleaned.*
"$SVC" compile -y slow1 -c "$CONF" -r "$KVER_DEBIAN" >"$ROOT/bg.out" 2>"$ROOT/bg.err" &
BG=$!
running slow1
kill -INT "$BG"
sleep 0.5
{ kill -0 "$BG" && kill -0 "$PIDS"; } 2>/dev/null || fail "an ignored SIGINT ended something"
assert_no_file "$ROOT/sig.slow1"
interrupt TERM
assert_rc 143
ended slow1
clean_and_unlocked
ok "with SIGINT ignored at start (\`cmd &\` in a script) SIGINT changes nothing; SIGTERM still works"

# --- Ctrl-C on a terminal ----------------------------------------------------------------------
rm -f "$ROOT"/run.* "$ROOT"/sig.* "$ROOT"/cleaned.* "$ROOT/script.rc"
mkfifo "$ROOT/tty.in"
(
	env --default-signal=INT script -qefc \
		"exec '$SVC' compile -y slow1 -c '$CONF' -r '$KVER_DEBIAN'" /dev/null \
		<"$ROOT/tty.in" >"$ROOT/bg.out" 2>&1
	echo $? >"$ROOT/script.rc"
) &
exec 3>"$ROOT/tty.in"
running slow1
printf '\003' >&3
i=0
while [ ! -s "$ROOT/script.rc" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
exec 3>&-
OUT=$(tr -d '\r' <"$ROOT/bg.out")
printf '%s\n' "$OUT" | sed 's/^/    tty| /'
RC=$(cat "$ROOT/script.rc" 2>/dev/null || echo none)
assert_rc 130 "Ctrl-C"
ended slow1
assert_out ' Compiling slow1 \.\.\. interrupted'
assert_out 'Interrupted by signal 2 (SIGINT)'
clean_and_unlocked
ok "Ctrl-C on the terminal: exit 130, stap got one SIGTERM from us and was waited for"

# --- onboot, SIGTERM while a stand-in dracut runs ---------------------------------------------
OUTIMG=$ROOT/boot/test.img
head -c 300000 /dev/urandom >"$OUTIMG"
img_sum=$(sha256sum <"$OUTIMG")
cat >"$ROOT/dracut" <<EOS
#!/bin/sh
for a in "\$@"; do img=\$last; last=\$a; done
echo "dracut: *** Including module: base ***"
head -c 100000 /dev/urandom >"\$img"
trap 'echo TERM >>"$ROOT/sig.dracut"; kill \$s; : >"$ROOT/cleaned.dracut"; exit 1' TERM
echo \$\$ >"$ROOT/run.dracut"
sleep 30 &
s=\$!
wait \$s
EOS
chmod +x "$ROOT/dracut"
echo "DRACUT=$ROOT/dracut" >>"$CONF"
bg onboot -o "$OUTIMG"
running dracut
interrupt TERM
assert_rc 143
ended dracut
assert_out '^ Creating initramfs without scripts \.\.\. interrupted$'
assert_out "  $OUTIMG was left as it was"
assert_out 'Interrupted by signal 15 (SIGTERM)'
assert_no_out 'unsuccessful'
[ "$(sha256sum <"$OUTIMG")" = "$img_sum" ] || fail "the old image changed"
left=$(find "$ROOT/boot" "$CACHE" -name '.*.??????' -printf '%f ')
[ -z "$left" ] || fail "temp files left: $left"
assert_no_file "$CACHE/onboot.manifest"
clean_and_unlocked
ok "onboot, SIGTERM during dracut: exit 143, old image byte-identical, no temp image or manifest"

# --- the real stap, in its kernel build (pass 4) -----------------------------------------------
# The script text is new (stap's own cache cannot skip pass 4), and TMPDIR puts stap's temp dir
# into TEMP_PATH, which must be empty afterwards.
STAP_REAL=$(command -v stap) || fail "stap is not installed"
echo "STAP=$STAP_REAL" >>"$CONF"
echo "slow1_OPT='$(stap_runtime_opt)'" >>"$CONF"
printf 'probe begin { printf("%s\\n") }\n' "$ROOT" >"$SD/slow1.stp"
export TMPDIR="$ROOT/tmp"
bg compile -y slow1
unset TMPDIR
i=0
until SPID=$(pgrep -P "$BG" -x stap) && pgrep -g "$SPID" -x make >/dev/null; do
	i=$((i + 1))
	[ $i -lt 1200 ] || fail "stap never reached its kernel build: $(cat "$ROOT/bg.out" "$ROOT/bg.err")"
	sleep 0.05
done
ls -d "$ROOT"/tmp/stap?????? >/dev/null 2>&1 || fail "stap made no temp dir in $ROOT/tmp"
echo "    stap's process group while it builds: $(pgrep -g "$SPID" | wc -l) processes"
interrupt TERM
assert_rc 143
assert_out ' Compiling slow1 \.\.\. interrupted'
left=$(ps -eo pid=,pgid=,stat=,args= | awk -v g="$SPID" '$2 == g && $3 !~ /^Z/')
[ -z "$left" ] || fail "left of stap's process group: $left"
[ "$(cat "$CACHE/slow1.ko" "$CACHE/slow1.opts" | sha256sum)" = "$sum_before" ] ||
	fail "the old cache of slow1 changed"
clean_and_unlocked
ok "the real stap during its kernel build: exit 143 in $ELAPSED ms, its whole process tree and temp dir gone, old cache intact"

# --- the real dracut -------------------------------------------------------------------------
rm -rf "$ROOT"
. "$(dirname "$0")/../onboot/lib-onboot.sh"
setup_onboot hostonly
OUTIMG=$ROOT/boot/test.img
head -c 300000 /dev/urandom >"$OUTIMG"
img_sum=$(sha256sum <"$OUTIMG")
bg onboot -o "$OUTIMG"
i=0
until pgrep -P "$BG" -x dracut >/dev/null; do
	i=$((i + 1))
	[ $i -lt 200 ] || fail "dracut never started: $(cat "$ROOT/bg.out" "$ROOT/bg.err")"
	sleep 0.05
done
sleep 1
ls -d "$ROOT"/tmp/dracut.* >/dev/null 2>&1 || fail "dracut made no temp dir in $ROOT/tmp"
interrupt TERM
assert_rc 143
assert_out ' Creating initramfs without scripts \.\.\. interrupted'
[ "$(sha256sum <"$OUTIMG")" = "$img_sum" ] || fail "the old image changed"
left=$(find "$ROOT/boot" "$ROOT/tmp" -mindepth 1 -maxdepth 1 ! -name test.img -printf '%f ')
[ -z "$left" ] || fail "left after the real dracut: $left"
ok "the real dracut, SIGTERM after 1 s: exit 143 in $ELAPSED ms, old image intact, dracut's own temp dir gone too"
