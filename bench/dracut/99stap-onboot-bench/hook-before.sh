#!/bin/sh
# cmdline/00 hook (bench only; sourced): with bench.way=hook, marks in the kernel log that the
# loader's hook (cmdline/01) is about to run: the start of the boot's cost in that way.
if [ "$(getarg bench.way=)" = hook ]; then
    echo "stap-bench: hook: starting" >/dev/kmsg
fi
