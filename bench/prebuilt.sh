#!/bin/sh
# bench/prebuilt.sh [RUNS] [SCRIPTS]: what a target machine spends to get the onboot set of its
# kernel into its snapshot (what the kernel hooks and onboot --refresh do), side by side:
#   load      onboot --load PACK, then onboot --refresh -r KVER, with no stap on the target
#             (the pack made once on a build host, not timed here: its time is printed apart)
#   compile   onboot --refresh -r KVER with the real stap compiling the same scripts there,
#             stap's own cache warm (~/.systemtap, as on a machine that compiled before)
#   cold      the same with an empty stap cache (SYSTEMTAP_DIR fresh: a machine's first
#             compile), one run only: it takes minutes
# Wall and CPU seconds (user + system, children included), median of RUNS (3) runs, each on a
# fresh target root; SCRIPTS (2) small scripts of a begin and a timer probe. Prints figures,
# never fails on a slow machine; uses temp roots like the tests.
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
export TOP BUILD
RUNS=${1:-3}
NSCRIPTS=${2:-2}
. "$TOP/tests/lib.sh"
. "$TOP/tests/lib-prebuilt.sh"
KVER=$KVER_DEBIAN
[ -x /usr/bin/time ] || fail "bench/prebuilt.sh needs /usr/bin/time (package time)"
command -v stap >/dev/null || fail "stap is not installed"

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

mkroot
BENCH=$ROOT
RT=$(stap_runtime_opt "$KVER")
names=$(seq 1 "$NSCRIPTS" | sed 's/^/bench/' | xargs)

# target DIR: a fresh target root in DIR (config $DIR/etc/systemtap/config): the scripts, their
# options and the recorded set, as --load would leave them, but no caches.
target() {
	d=$1
	rm -rf "$d"
	svc_tree "$d"
	mkdir -p "$d/modules"
}

# timed NAME COMMAND...: appends COMMAND's wall and CPU seconds to $BENCH/t.NAME, c.NAME.
timed() {
	name=$1
	shift
	/usr/bin/time -f '%e %U %S' -o "$BENCH/time.out" "$@" >"$BENCH/last.out" 2>&1 ||
		{ cat "$BENCH/last.out"; fail "$name failed"; }
	awk '{ print $1 }' "$BENCH/time.out" >>"$BENCH/t.$name"
	awk '{ print $2 + $3 }' "$BENCH/time.out" >>"$BENCH/c.$name"
}

# The build host: scripts, compile (stap's cache warmed by it), pack.
mk_buildhost
for n in $names; do
	KVER=$KVER add_bscript "$n"
done
"$SVC" compile $names -r "$KVER" -y -c "$BCONF" >/dev/null 2>&1 || fail "the build host cannot compile"
/usr/bin/time -f '%e' -o "$BENCH/pack.time" "$SVC" onboot --pack "$BENCH/set.pack" $names \
	-r "$KVER" -c "$BCONF" >/dev/null 2>&1 || fail "--pack failed"
pack_s=$(cat "$BENCH/pack.time")
pack_kb=$(($(stat -c %s "$BENCH/set.pack") / 1024))

# load: a target without stap and headers.
for _ in $(seq "$RUNS"); do
	T=$BENCH/target
	target "$T"
	printf 'STAP=%s/no-stap/stap\nMODULES_PATH=%s/modules\n' "$T" "$T" >>"$T/etc/systemtap/config"
	timed load sh -c "'$SVC' onboot --load '$BENCH/set.pack' -c '$T/etc/systemtap/config' &&
		'$SVC' onboot --refresh -r '$KVER' -c '$T/etc/systemtap/config'"
	grep -q "Onboot snapshot of $KVER: $NSCRIPTS of $NSCRIPTS" "$BENCH/last.out" ||
		{ cat "$BENCH/last.out"; fail "load: no snapshot"; }
done

# compile_way NAME RUNS [SYSTEMTAP_DIR]: the same scripts compiled on the target by --refresh.
compile_way() {
	for _ in $(seq "$2"); do
		T=$BENCH/target
		target "$T"
		cp "$BROOT/etc/systemtap/script.d/"*.stp "$T/etc/systemtap/script.d/"
		cp "$BROOT/etc/systemtap/conf.d/"*.conf "$T/etc/systemtap/conf.d/"
		{
			echo 'stap-onboot-set 1'
			for n in $names; do echo "script $n opts=$(echo "$RT" | sed 's/ /%20/g')"; done
		} >"$T/var/lib/systemtap/onboot.set"
		if [ -n "${3:-}" ]; then
			rm -rf "$3"
			mkdir -p "$3"
		fi
		timed "$1" env ${3:+SYSTEMTAP_DIR="$3"} "$SVC" onboot --refresh -r "$KVER" \
			-c "$T/etc/systemtap/config"
		grep -q "Onboot snapshot of $KVER: $NSCRIPTS of $NSCRIPTS" "$BENCH/last.out" ||
			{ cat "$BENCH/last.out"; fail "$1: no snapshot"; }
	done
}
compile_way compile "$RUNS"
compile_way cold 1 "$BENCH/stapdir"

printf 'prebuilt: %s scripts for %s; the pack (%s KiB) took %s s to make on the build host\n' \
	"$NSCRIPTS" "$KVER" "$pack_kb" "$pack_s"
printf '%-9s %4s %10s %10s %10s\n' way runs "wall (s)" "CPU (s)" "load x"
lw=$(median <"$BENCH/t.load")
for way in load compile cold; do
	w=$(median <"$BENCH/t.$way")
	c=$(median <"$BENCH/c.$way")
	printf '%-9s %4s %10s %10s %10s\n' "$way" "$(wc -l <"$BENCH/t.$way")" "$w" "$c" \
		"$(awk -v a="$w" -v b="$lw" 'BEGIN { printf (b > 0 ? "%.0f" : "-"), a / b }')"
done
