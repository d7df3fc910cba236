#!/bin/sh
# cmdline/01 hook (bench only; sourced), installed as 01-stap-early-mark.sh so that it runs
# right after 01-stap-early-loader.sh (and before 01-start-staprun.sh): marks in the kernel
# log that the loader's hook has returned, the end of the boot's cost in the bench's hook
# way. Unconditional: getarg would add its own time.
echo "stap-bench: hook: returned" >/dev/kmsg
