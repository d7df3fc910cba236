#!/bin/sh
# bench/status.sh (make bench): systemtap-service over 200 scripts in a temp root, every cache
# valid, with a staprun stand-in that returns at once (fake /sys/module: the modules look
# loaded). Prints the time per call of status, start (cache checks, 200 staprun runs, pid
# files) and stop, and per script. Not a test: it checks only that the commands succeed.
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
export TOP
. "$TOP/tests/lib.sh"

N=${BENCH_SCRIPTS:-200}
ROUNDS=${BENCH_ROUNDS:-5}
[ -x "$SVC" ] || fail "$SVC is not built"
mkroot
fake_sysmodule
fake_stap
fake_staprun_kmod
echo PASSALL=no >>"$CONF"
# STAT_PATH lives on tmpfs (/run is one on real systems): pid files are fsynced.
SHM=$(mktemp -d /dev/shm/stap-onboot-bench.XXXXXX)
trap 'rm -rf "$ROOT" "$SHM"' EXIT
echo "STAT_PATH=$SHM/run" >>"$CONF"
i=1
while [ "$i" -le "$N" ]; do
	add_script "$(printf 's%03d' "$i")"
	i=$((i + 1))
done

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# timed NAME ARGS...: runs the service ROUNDS times, prints ms per call and per script.
timed() {
	name=$1
	shift
	t0=$(now_ms)
	r=0
	while [ "$r" -lt "$ROUNDS" ]; do
		"$SVC" "$@" -c "$CONF" -r "$KVER_DEBIAN" >/dev/null 2>&1 || [ "$1" = status ] ||
			fail "$name failed"
		r=$((r + 1))
	done
	t1=$(now_ms)
	per=$(((t1 - t0) / ROUNDS))
	printf '%-28s %6d ms/call  %6d us/script\n' "$name" "$per" $((per * 1000 / N))
}

t0=$(now_ms)
"$SVC" compile -y -c "$CONF" -r "$KVER_DEBIAN" >/dev/null 2>&1 || fail "compile failed"
echo "bench: $N scripts (STAT_PATH on tmpfs), caches built with a stand-in stap in $(($(now_ms) - t0)) ms"

timed "status (nothing runs)" status
t0=$(now_ms)
"$SVC" start -c "$CONF" -r "$KVER_DEBIAN" >/dev/null 2>&1 || fail "start failed"
t_start=$(($(now_ms) - t0))
[ "$(ls "$SHM/run" | wc -l)" -eq "$N" ] || fail "not every script got a pid file"
timed "status ($N running)" status
timed "start (all running: no-op)" start
t0=$(now_ms)
"$SVC" stop -c "$CONF" -r "$KVER_DEBIAN" >/dev/null 2>&1 || fail "stop failed"
t_stop=$(($(now_ms) - t0))
printf '%-28s %6d ms/call  %6d us/script\n' "start ($N staprun -L)" "$t_start" $((t_start * 1000 / N))
printf '%-28s %6d ms/call  %6d us/script\n' "stop ($N staprun -d)" "$t_stop" $((t_stop * 1000 / N))
[ -z "$(ls "$SHM/run")" ] || fail "pid files left after stop"
# What the stand-in staprun itself costs (a shell script), to read the two lines above.
t0=$(now_ms)
i=0
while [ "$i" -lt "$N" ]; do
	"$ROOT/staprun" -d nosuch 2>/dev/null
	i=$((i + 1))
done
t=$(($(now_ms) - t0))
printf '%-28s %6d ms/call  %6d us/script\n' "(stand-in staprun alone)" "$t" $((t * 1000 / N))
