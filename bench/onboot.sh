#!/bin/sh
# bench/onboot.sh [RUNS] [KIND...]: wall time of `systemtap-service onboot` against dracut
# alone building the same image (same kernel, same manifest and modules, --add systemtap), and
# the overhead in percent, median of RUNS (3) runs for each dracut setup KIND (fast hostonly;
# "default" adds the compressed image, about a minute a run). Scripts are compiled before
# timing: this measures what onboot adds around dracut (checks, lsinitrd verification,
# renames, fsyncs), not stap. Uses a temp root and a private dracut copy, like the tests.
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
export TOP BUILD
RUNS=${1:-3}
[ $# -gt 0 ] && shift
KINDS=${*:-fast hostonly}
. "$TOP/tests/lib.sh"
. "$TOP/tests/onboot/lib-onboot.sh"

now() { date +%s.%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

printf '%-9s %5s %12s %12s %9s\n' setup runs "dracut (s)" "onboot (s)" overhead
for kind in $KINDS; do
	(
		setup_onboot "$kind"
		add_script alpha
		add_script beta
		# Without -o: the kernel's snapshot, which the plain dracut run below packs.
		svc onboot alpha beta -r "$KVER" >/dev/null
		[ "$RC" -eq 0 ] || fail "warm-up onboot failed"
		: >"$ROOT/t.dracut"
		: >"$ROOT/t.onboot"
		i=0
		while [ "$i" -lt "$RUNS" ]; do
			t0=$(now)
			STAP_ONBOOT_MANIFEST="$CACHE/onboot/manifest" dracut --force --add systemtap \
				"$ROOT/boot/dracut.img" "$KVER" >/dev/null 2>&1 || fail "dracut failed"
			t1=$(now)
			"$SVC" onboot alpha beta -r "$KVER" -o "$ROOT/boot/onboot.img" -c "$CONF" \
				>/dev/null 2>&1 || fail "onboot failed"
			t2=$(now)
			awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }' >>"$ROOT/t.dracut"
			awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }' >>"$ROOT/t.onboot"
			i=$((i + 1))
		done
		d=$(median <"$ROOT/t.dracut")
		o=$(median <"$ROOT/t.onboot")
		awk -v k="$kind" -v n="$RUNS" -v d="$d" -v o="$o" \
			'BEGIN { printf "%-9s %5d %12.2f %12.2f %8.1f%%\n", k, n, d, o, (o - d) * 100 / d }'
	) | grep -v '^    |'
done
