#!/bin/sh
# bench/onboot.sh [RUNS] [KIND...]: wall time of `systemtap-service onboot` against dracut
# alone building the same image (same kernel, same manifest and modules, --add systemtap), and
# the overhead in percent, median of RUNS (5) runs for each dracut setup KIND (fast hostonly;
# "default" adds the compressed image, about a minute a run). Scripts are compiled before
# timing: this measures what onboot adds around dracut (checks, the image check, renames,
# fsyncs), not stap. The same for the CPU time (user + system, children included), which other
# work on a shared machine disturbs much less than the wall time. "beyond" is the wall time
# onboot spends outside its own dracut run (onboot's DRACUT is a wrapper timing dracut), in
# seconds and in percent of dracut alone: free of the run-to-run spread of dracut itself, it is
# the figure to trust on a busy machine. The two commands take turns, one starting first in odd
# runs and the other in even runs, so that a change of load spreads over both. Uses a temp root
# and a private dracut copy, like the tests.
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
export TOP BUILD
RUNS=${1:-5}
[ $# -gt 0 ] && shift
KINDS=${*:-fast hostonly}
. "$TOP/tests/lib.sh"
. "$TOP/tests/onboot/lib-onboot.sh"

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# timed NAME COMMAND...: runs COMMAND (quiet), appends its wall and CPU seconds to
# $ROOT/t.NAME and $ROOT/c.NAME.
timed() {
	name=$1
	shift
	/usr/bin/time -f '%e %U %S' -o "$ROOT/time.out" "$@" >/dev/null 2>&1 || fail "$name failed"
	awk '{ print $1 }' "$ROOT/time.out" >>"$ROOT/t.$name"
	awk '{ print $2 + $3 }' "$ROOT/time.out" >>"$ROOT/c.$name"
}
run_dracut() {
	timed dracut env STAP_ONBOOT_MANIFEST="$CACHE/onboot/manifest" dracut --force \
		--add systemtap "$ROOT/boot/dracut.img" "$KVER"
}
run_onboot() {
	timed onboot "$SVC" onboot alpha beta -r "$KVER" -o "$ROOT/boot/onboot.img" -c "$CONF"
	awk -v a="$(tail -n 1 "$ROOT/t.onboot")" '{ print a - $1 }' "$ROOT/inner.out" >>"$ROOT/t.beyond"
}
# time_inner_dracut: onboot's DRACUT becomes a wrapper that writes dracut's wall time to
# $ROOT/inner.out.
time_inner_dracut() {
	cat >"$ROOT/dracut-timed" <<EOS
#!/bin/sh
exec /usr/bin/time -f %e -o "$ROOT/inner.out" "$(command -v dracut)" "\$@"
EOS
	chmod +x "$ROOT/dracut-timed"
	echo "DRACUT=$ROOT/dracut-timed" >"$ROOT/etc/systemtap/conf.d/zz-bench.conf"
}

[ -x /usr/bin/time ] || fail "bench/onboot.sh needs /usr/bin/time (package time)"
printf '%-9s %4s %10s %10s %8s   %10s %10s %8s   %10s %7s\n' setup runs "dracut (s)" \
	"onboot (s)" overhead "dracut CPU" "onboot CPU" overhead "beyond (s)" beyond
for kind in $KINDS; do
	(
		setup_onboot "$kind"
		add_script alpha
		add_script beta
		# Without -o: the kernel's snapshot, which the plain dracut run below packs.
		svc onboot alpha beta -r "$KVER" >/dev/null
		[ "$RC" -eq 0 ] || fail "warm-up onboot failed"
		time_inner_dracut
		i=0
		while [ "$i" -lt "$RUNS" ]; do
			if [ $((i % 2)) -eq 0 ]; then
				run_dracut
				run_onboot
			else
				run_onboot
				run_dracut
			fi
			i=$((i + 1))
		done
		d=$(median <"$ROOT/t.dracut")
		o=$(median <"$ROOT/t.onboot")
		dc=$(median <"$ROOT/c.dracut")
		oc=$(median <"$ROOT/c.onboot")
		b=$(median <"$ROOT/t.beyond")
		awk -v k="$kind" -v n="$RUNS" -v d="$d" -v o="$o" -v dc="$dc" -v oc="$oc" -v b="$b" '
		BEGIN {
			printf "%-9s %4d %10.2f %10.2f %7.1f%%   %10.2f %10.2f %7.1f%%   %10.3f %6.1f%%\n",
			       k, n, d, o, (o - d) * 100 / d, dc, oc, (oc - dc) * 100 / dc, b, b * 100 / d }'
		if [ -n "${BENCH_VERBOSE:-}" ]; then
			for f in t.dracut t.onboot c.dracut c.onboot t.beyond; do
				echo "$kind $f: $(tr '\n' ' ' <"$ROOT/$f")"
			done
		fi
	) | grep -v '^    |'
done
