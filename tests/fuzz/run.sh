#!/bin/sh
# run.sh SECONDS FUZZER...: runs each libFuzzer target for SECONDS on its seed corpus, two at a
# time (each target is one process on one core; FUZZ_JOBS sets how many run at once).
# run.sh --one SECONDS FUZZER: one target; prints its line(s) at once, records 1 (pass) or 0.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
results="$top/build/test-results"
mkdir -p "$top/build/test-logs" "$results"
if [ "$1" = --one ]; then
	secs=$2 f=$3
	name=$(basename "$f")
	seeds="$top/tests/fuzz/corpus/$name"
	work="$top/build/fuzz/corpus-$name"
	mkdir -p "$work"
	log="$top/build/test-logs/fuzz-$name.log"
	if "$f" -max_total_time="$secs" -max_len=4096 -artifact_prefix="$top/build/fuzz/$name-" \
		"$work" ${seeds:+$( [ -d "$seeds" ] && echo "$seeds")} >"$log" 2>&1; then
		echo 1 >"$results/fuzz.d/$name"
		echo "PASS fuzz/$name ($(grep -o 'Done [0-9]* runs' "$log" | tail -n 1))"
	else
		echo 0 >"$results/fuzz.d/$name"
		{ echo "FAIL fuzz/$name"; tail -n 40 "$log" | sed 's/^/    /'; } | cat
	fi
	exit 0
fi
secs=$1
shift
rm -rf "$results/fuzz.d"
mkdir -p "$results/fuzz.d"
printf '%s\n' "$@" | xargs -P "${FUZZ_JOBS:-2}" -n 1 "$0" --one "$secs"
pass=0 fail=0
for f in "$@"; do
	if [ "$(cat "$results/fuzz.d/$(basename "$f")" 2>/dev/null)" = 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
done
rm -rf "$results/fuzz.d"
echo "$pass $fail" >"$results/fuzz"
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
