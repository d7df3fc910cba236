#!/bin/sh
# runner.sh [-jN] GROUP TEST...: runs each test program, one line per test (its last lines
# too when it fails), logs in build/test-logs/. With -jN, N tests run at once (a group whose
# tests each own their root, dracut copy and namespaces: the onboot tests); each test's lines
# are printed in one piece when it ends.
# runner.sh summary: adds up every group run so far and prints "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
results="$top/build/test-results"
logs="$top/build/test-logs"
mkdir -p "$results" "$logs"
jobs=1
case ${1-} in
-j*)
	jobs=${1#-j}
	shift
	;;
esac
group=$1
shift
if [ "$group" = summary ]; then
	pass=0 fail=0
	for f in "$results"/*; do
		[ -f "$f" ] || continue
		read -r p q <"$f"
		pass=$((pass + p)) fail=$((fail + q))
	done
	echo "total: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
fi

# one_test GROUP TEST: runs TEST, prints its lines at once, records 1 (pass) or 0 in
# $results/GROUP.d/NAME.
if [ "$group" = --one ]; then
	group=$1 t=$2
	name=$(basename "$t")
	log="$logs/$group-$name.log"
	out="$results/$group.d/$name.out"
	start=$(date +%s)
	if TOP="$top" BUILD="$top/build" "$t" >"$log" 2>&1; then
		echo "PASS $group/$name ($(($(date +%s) - start)) s)" >"$out"
		echo 1 >"$results/$group.d/$name"
	else
		rc=$?
		{
			echo "FAIL $group/$name (exit $rc, $(($(date +%s) - start)) s); last lines of $log:"
			tail -n 40 "$log" | sed 's/^/    /'
		} >"$out"
		echo 0 >"$results/$group.d/$name"
	fi
	cat "$out"
	exit 0
fi

rm -rf "$results/$group.d"
mkdir -p "$results/$group.d"
# xargs runs at most $jobs at once; the names are the Makefile's sorted wildcard (no blanks).
printf '%s\n' "$@" | xargs -P "$jobs" -n 1 "$0" --one "$group"
pass=0 fail=0
for t in "$@"; do
	r=$(cat "$results/$group.d/$(basename "$t")" 2>/dev/null || echo 0)
	if [ "$r" = 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
done
rm -rf "$results/$group.d"
echo "$pass $fail" >"$results/$group"
echo "$group: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
