#!/bin/sh
# runner.sh GROUP TEST...: runs each test program, one line per test, logs in build/test-logs/.
# runner.sh summary: adds up every group run so far and prints "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
results="$top/build/test-results"
logs="$top/build/test-logs"
mkdir -p "$results" "$logs"
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
pass=0 fail=0
for t in "$@"; do
	name=$(basename "$t")
	log="$logs/$group-$name.log"
	start=$(date +%s)
	if TOP="$top" BUILD="$top/build" "$t" >"$log" 2>&1; then
		pass=$((pass + 1))
		echo "PASS $group/$name ($(($(date +%s) - start)) s)"
	else
		rc=$?
		fail=$((fail + 1))
		echo "FAIL $group/$name (exit $rc, $(($(date +%s) - start)) s); last lines of $log:"
		tail -n 40 "$log" | sed 's/^/    /'
	fi
done
echo "$pass $fail" >"$results/$group"
echo "$group: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
