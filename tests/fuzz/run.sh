#!/bin/sh
# run.sh SECONDS FUZZER...: runs each libFuzzer target for SECONDS on its seed corpus.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=$1
shift
pass=0 fail=0
for f in "$@"; do
	name=$(basename "$f")
	seeds="$top/tests/fuzz/corpus/$name"
	work="$top/build/fuzz/corpus-$name"
	mkdir -p "$work" "$top/build/test-logs" "$top/build/test-results"
	log="$top/build/test-logs/fuzz-$name.log"
	if "$f" -max_total_time="$secs" -max_len=4096 -artifact_prefix="$top/build/fuzz/$name-" \
		"$work" ${seeds:+$( [ -d "$seeds" ] && echo "$seeds")} >"$log" 2>&1; then
		pass=$((pass + 1))
		echo "PASS fuzz/$name ($(grep -o 'Done [0-9]* runs' "$log" | tail -n 1))"
	else
		fail=$((fail + 1)); echo "FAIL fuzz/$name"; tail -n 40 "$log" | sed 's/^/    /'
	fi
done
echo "$pass $fail" >"$top/build/test-results/fuzz"
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
