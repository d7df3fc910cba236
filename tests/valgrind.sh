#!/bin/sh
# valgrind.sh TEST...: the unit tests TEST (build/tests/NAME) again, unsanitized, under valgrind
# memcheck (build/vg/tests/NAME: a binary left there by a test since removed is not run).
# ASan binaries cannot run under valgrind, so the tests are rebuilt plain into build/vg/.
# Each test runs in a forked child (tests/unit/test.c): valgrind follows a fork without
# --trace-children (that option is about exec, and the programs the tests exec are not ours),
# checks each child's leaks when it exits and gives it --error-exitcode, which fails that test.
# Valgrind runs the code 10 to 50 times slower: the time limits of the tests are 10 times theirs.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
make -s -C "$top" vg-tests >/dev/null
pass=0 fail=0
for u in "$@"; do
	name=$(basename "$u")
	t="$top/build/vg/tests/$name"
	log="$top/build/test-logs/valgrind-$name.log"
	mkdir -p "$(dirname "$log")"
	if TEST_TIMEOUT_FACTOR=10 valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		"$t" >"$log" 2>&1; then
		pass=$((pass + 1)); echo "PASS valgrind/$name"
	else
		fail=$((fail + 1)); echo "FAIL valgrind/$name"; tail -n 40 "$log" | sed 's/^/    /'
	fi
done
echo "$pass $fail" >"$top/build/test-results/valgrind"
echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
