#!/bin/bash
# Bench-only dracut module of bench/boot.sh, never installed: boot.sh adds it with --add to the
# one image it boots. It puts upstream's way of starting onboot scripts beside ours: staprun,
# the stapio it execs and each script's cached module at upstream's path
# (/var/cache/systemtap/KVER/NAME.ko), with upstream's cmdline/01 hook that runs `staprun -L`
# per module (start-staprun.sh, on with bench.way=staprun). Its cmdline/00 hook and
# 01-stap-early-mark.sh (sorted right after our 01-stap-early-loader.sh) mark in the kernel
# log when the loader's hook starts and returns (the bench's hook way). Its cmdline/99 hook waits for
# the end of the run, prints the kernel log on the console and powers the VM off.
#
# boot.sh writes params.conf beside this file, in the shape of upstream's parameter file:
#   STAPRUN, STAPIO     the host's staprun and the stapio it execs (same paths in the image)
#   CACHE_PATH          where the modules go in the image; BENCH_KODIR: where they come from
#   ONBOOT_SCRIPTS      the scripts, in start order; NAME_OPT: staprun's options of each
#   LOG_BOOT_ERR        1: staprun's stderr to /run/systemtap/NAME.log, as upstream's hook

check() {
    return 255
}

depends() {
    return 0
}

install() {
    # shellcheck disable=SC1091,SC2154 # params.conf: written by bench/boot.sh; moddir: by dracut
    . "$moddir/params.conf"
    inst_multiple dmesg mkdir sleep grep
    inst_binary "$STAPRUN" "$STAPRUN" || return 1
    inst_binary "$STAPIO" "$STAPIO" || return 1
    local n
    for n in $ONBOOT_SCRIPTS; do
        inst_simple "$BENCH_KODIR/$n.ko" "$CACHE_PATH/$n.ko" || return 1
    done
    inst_simple "$moddir/params.conf" /etc/systemtap-params.conf
    inst_hook cmdline 00 "$moddir/hook-before.sh"
    inst_hook cmdline 01 "$moddir/stap-early-mark.sh"
    inst_hook cmdline 01 "$moddir/start-staprun.sh"
    inst_hook cmdline 99 "$moddir/bench-report.sh"
    return 0
}
