#!/bin/sh
# test_onboot_defects.sh: the onboot defects of issue 16, as a hostile user found them; each
# check failed before its fix. No stap compile and no real dracut: the snapshots and sets are
# written by hand (their formats are contracts, docs/design.md), and the dracut killed with its
# onboot is a stand-in that records the signal it gets.
#   1 onboot --forget without -r deleted CACHE_PATH/$(uname -r); --forget NAME, --image
#     without --refresh were accepted silently.
#   2 a leftover of a killed run in STATE_PATH (the set's temp) stayed forever.
#   3 --status exited 0 with a set recorded and a kernel with neither snapshot nor image, with an
#     unreadable set (a FIFO, over 4 MiB), and with a kernel whose snapshot is not the set.
#   4 --status and --refresh took quadratic time in the set's size.
#   6 onboot killed with SIGKILL left its dracut running.
#   7 --refresh for a kernel without headers left an empty CACHE_PATH/KVER.
#   8 the not-built text was printed raw, escape sequences included.
#   9 a malformed snapshot dropped its kernel's --status line without a word.
. "$(dirname "$0")/../lib.sh"

[ -x "$SVC" ] || fail "$SVC is not built"
mkroot
K=$KVER_DEBIAN
CROOT=$ROOT/var/cache/systemtap
STATE=$ROOT/var/lib/systemtap
SNAP=$CROOT/$K/onboot
: >"$ROOT/boot/vmlinuz-$K"
echo "MODULES_PATH=$ROOT/nomodules" >>"$CONF" # no kernel has headers here

# set NAME...: records the onboot set (STATE_PATH/onboot.set) as onboot writes it.
set_of() {
	{
		echo "stap-onboot-set 1"
		for n in "$@"; do echo "script $n opts="; done
	} >"$STATE/onboot.set"
}
# snapshot NOT_BUILT_TEXT: a snapshot of kernel K with no module and that not-built text.
snapshot() {
	rm -rf "$SNAP"
	mkdir -p "$SNAP"
	printf 'stap-onboot-manifest 1\nkernel %s\nlog_boot_err no\nmode early\nlog_size 4194304\n' \
		"$K" >"$SNAP/manifest"
	printf '%b' "$1" >"$SNAP/not-built"
}

# --- 1: --forget needs -r and takes no names; --image goes with --refresh only ------------------
RUNNING=$(uname -r)
mkdir -p "$CROOT/$RUNNING"
: >"$CROOT/$RUNNING/alpha.ko"
for args in "--forget alpha" "--forget" "--forget --image -r $K" "--status --image" "--image"; do
	# shellcheck disable=SC2086 # the options are words
	svc onboot $args
	assert_rc 3 "onboot $args"
	[ -f "$CROOT/$RUNNING/alpha.ko" ] || fail "onboot $args removed the running kernel's cache"
done
assert_out "'--image' goes with '--refresh' only"
svc onboot --forget alpha
assert_out "'--forget' takes no script names"
svc onboot --forget
assert_out "'--forget' needs -r KVER"
svc onboot --forget -r "$RUNNING"
assert_rc 0 "onboot --forget -r $RUNNING"
assert_no_file "$CROOT/$RUNNING"
ok "1: --forget refuses names and needs -r (exit 3, nothing removed); --image only with --refresh"

# --- 2: a killed run's temp of the set in STATE_PATH is removed by the next run -----------------
left=$STATE/.onboot.set.stap-tmp.99999.AbCdEf
echo "stap-onboot-set 1" >"$left"
svc stop # any command that takes the lock
[ ! -e "$left" ] || fail "the set's temp left by a killed run is still there"
grep -q "Removed $left, left behind by process 99999" "$ROOT/var/log/systemtap.log" ||
	fail "the removal of $left is not logged"
ok "2: a killed run's temp of the set in STATE_PATH is removed (and logged) by the next run"

# --- 3: --status exit status ------------------------------------------------------------------
set_of alpha
svc onboot --status
assert_rc 1 "a set recorded, a kernel with neither snapshot nor image"
assert_out "^  not built: the recorded onboot set (alpha) has no snapshot for this kernel$"
rm "$STATE/onboot.set"
mkfifo "$STATE/onboot.set"
OUT=$(timeout 20 "$SVC" onboot --status -c "$CONF" 2>&1)
RC=$?
assert_rc 1 "the set is a FIFO"
assert_out "^Onboot set ($STATE/onboot.set): unreadable"
rm "$STATE/onboot.set"
head -c 5000000 /dev/zero | tr '\0' '#' >"$STATE/onboot.set"
svc onboot --status
assert_rc 1 "the set is over 4 MiB"
assert_out "^Onboot set ($STATE/onboot.set): unreadable"
set_of alpha beta
snapshot 'alpha: no script file\n'
svc onboot --status
assert_rc 1 "the snapshot is not the set"
assert_out "^  differs from the recorded onboot set (alpha beta)$"
set_of alpha
svc onboot --status
assert_rc 0 "the snapshot names the set's one script as not built, no image: nothing to start"
assert_no_out "differs"
ok "3: --status exits 1 for a kernel lacking the set, an unreadable set, a snapshot that differs"

# --- 8: the not-built text is escaped -----------------------------------------------------------
snapshot 'alpha: \033[2J\033[31mred\033[0m\rfake line\n'
svc onboot --status
printf '%s' "$OUT" | grep -q "$(printf '\033')" && fail "an escape character reached the terminal"
printf '%s' "$OUT" | grep -q "$(printf '\r')" && fail "a carriage return reached the terminal"
assert_out '^  not built: alpha: \\x1b\[2J\\x1b\[31mred\\x1b\[0m\\x0dfake line$'
ok "8: the not-built text is printed with its control characters escaped"

# --- 9: a malformed snapshot keeps its kernel's line --------------------------------------------
echo "garbage line" >>"$SNAP/manifest"
svc onboot --status
assert_rc 1 "a malformed snapshot"
assert_out "^$K: onboot snapshot unreadable ($SNAP): "
assert_out "^  to fix: systemtap-service onboot --refresh --image -r $K$"
rm -rf "$SNAP"
ok "9: a malformed snapshot: its kernel's line says so, the fix, exit 1"

# --- 7: --refresh without headers makes no cache directory --------------------------------------
svc onboot --refresh -r 6.1.0-56-amd64
assert_rc 0 "--refresh without headers"
assert_out "headers of kernel 6.1.0-56-amd64 are not installed"
assert_no_file "$CROOT/6.1.0-56-amd64"
ok "7: --refresh for a kernel without headers leaves no CACHE_PATH/KVER"

# --- 4: --status and --refresh in linear time ---------------------------------------------------
# secs N ARGS...: a set of N names, then the seconds (ms precision) systemtap-service ARGS took.
secs() {
	n=$1
	shift
	{
		echo "stap-onboot-set 1"
		seq 1 "$n" | sed 's/^/script s/; s/$/ opts=/'
	} >"$STATE/onboot.set"
	t0=$(date +%s%N)
	"$SVC" "$@" -c "$CONF" >/dev/null 2>&1
	echo $((($(date +%s%N) - t0) / 1000000))
}
for mode in "onboot --status" "onboot --refresh -r 6.1.0-56-amd64"; do
	# shellcheck disable=SC2086 # the command and its options are words
	a=$(secs 100000 $mode)
	# shellcheck disable=SC2086
	b=$(secs 200000 $mode)
	echo "    $mode: 100k names ${a} ms, 200k names ${b} ms"
	# Linear: twice the names, about twice the time. Quadratic was 4-7 times (3.1 s, 7.2 s).
	[ "$b" -le $((3 * a + 400)) ] || fail "$mode: 200k names took ${b} ms, 100k ${a} ms"
	[ "$b" -le 5000 ] || fail "$mode: 200k names took ${b} ms"
done
rm -f "$STATE/onboot.set"
ok "4: --status and --refresh take linear time in the set's size"

# --- 6: onboot killed with SIGKILL: its dracut gets SIGTERM -------------------------------------
cat >"$ROOT/dracut" <<EOS
#!/bin/sh
trap 'echo TERM >"$ROOT/sig.dracut"; kill \$s; exit 1' TERM
echo \$\$ >"$ROOT/run.dracut"
sleep 30 &
s=\$!
wait \$s
EOS
chmod +x "$ROOT/dracut"
echo "DRACUT=$ROOT/dracut" >>"$CONF"
"$SVC" onboot -r "$K" -o "$ROOT/boot/test.img" -c "$CONF" >"$ROOT/killed.out" 2>&1 &
pid=$!
i=0
while [ ! -s "$ROOT/run.dracut" ] && [ $i -lt 200 ]; do
	sleep 0.05
	i=$((i + 1))
done
[ -s "$ROOT/run.dracut" ] || fail "dracut never started: $(cat "$ROOT/killed.out")"
kill -9 "$pid"
wait "$pid" 2>/dev/null
i=0
while [ ! -s "$ROOT/sig.dracut" ] && [ $i -lt 40 ]; do
	sleep 0.05
	i=$((i + 1))
done
[ -s "$ROOT/sig.dracut" ] || {
	kill "$(cat "$ROOT/run.dracut")" 2>/dev/null
	fail "dracut got no SIGTERM when its onboot was killed"
}
ok "6: onboot killed with SIGKILL: its dracut got SIGTERM at once (parent-death signal)"
