#!/bin/sh
# cmdline/00 hook (bench only; sourced): marks in the kernel log that the loader's hook
# (cmdline/01-stap-early-loader.sh) is about to run: the start of the boot's cost in the
# bench's hook way. Unconditional: getarg would add its own time.
echo "stap-bench: hook: starting" >/dev/kmsg
