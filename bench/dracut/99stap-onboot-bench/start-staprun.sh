#!/bin/sh
# cmdline/01 hook (bench only; sourced: never exit): with bench.way=staprun, start the scripts
# as upstream's start-staprun.sh did, one `staprun OPTS MODULE` after the other, exit codes
# ignored, and mark in the kernel log when the run starts, when each staprun returned (the
# module is armed: `staprun -L` returns once its probes started) and when the run ended.
# shellcheck disable=SC1091,SC2154 # the parameter file; NAME_OPT read through eval
if [ "$(getarg bench.way=)" = staprun ]; then
    . /etc/systemtap-params.conf
    mkdir -p /run/systemtap
    echo "stap-bench: staprun: starting: $ONBOOT_SCRIPTS" >/dev/kmsg
    for _s in $ONBOOT_SCRIPTS; do
        eval "_o=\$${_s}_OPT"
        _rc=0
        if [ "$LOG_BOOT_ERR" -eq 1 ]; then
            # shellcheck disable=SC2086 # staprun's options, one word each
            "$STAPRUN" $_o "$CACHE_PATH/$_s.ko" 2>"/run/systemtap/$_s.log" || _rc=$?
        else
            # shellcheck disable=SC2086
            "$STAPRUN" $_o "$CACHE_PATH/$_s.ko" || _rc=$?
        fi
        if [ "$_rc" -eq 0 ]; then
            echo "stap-bench: staprun: $_s: armed" >/dev/kmsg
        else
            echo "stap-bench: staprun: $_s: failed (exit $_rc)" >/dev/kmsg
        fi
    done
    echo "stap-bench: staprun: done" >/dev/kmsg
    unset _s _o _rc
fi
