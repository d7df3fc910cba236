#!/bin/sh
# cmdline/99 hook (bench only): with bench.way=..., wait until the run is over (up to 60 s:
# in earliest mode the loader's child may still run beside dracut's init), print the kernel
# log on the console, each line prefixed "BENCH: ", and power the VM off.
_way=$(getarg bench.way=)
if [ -n "$_way" ]; then
    case $_way in
        staprun) _end='stap-bench: staprun: done' ;;
        hook) _end='stap-bench: hook: returned' ;;
        *) _end='stap-early-loader: handing over to ' ;;
    esac
    _n=0
    while ! dmesg | grep -q -e "$_end" && [ "$_n" -lt 600 ]; do
        sleep 0.1
        _n=$((_n + 1))
    done
    dmesg | while IFS= read -r _l; do echo "BENCH: $_l"; done >/dev/console
    echo "BENCH: end" >/dev/console
    echo o >/proc/sysrq-trigger
    sleep 60
fi
