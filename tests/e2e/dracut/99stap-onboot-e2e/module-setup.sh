#!/bin/bash
# Test-only dracut module of stap-onboot's boot test (tests/e2e). The test adds it with
# --add to an image it boots in QEMU; it is never installed. With e2e.test on the kernel
# command line it lets an image without a root disk reach pre-mount (cmdline hook 99), then
# prints what the host asserts on to the console and powers the VM off (pre-mount hook).
#
# The test writes e2e.conf beside this file (sourced below):
#   E2E_SERVICE  build/systemtap-service to run inside the VM ("" = none: the demo)
#   E2E_STAPRUN  the real staprun, E2E_STAPIO the stapio it execs
#   E2E_CACHE, E2E_SCRIPTS  E2E_CACHE/NAME.ko and NAME.opts of each of E2E_SCRIPTS are
#                copied to /var/cache/systemtap/E2E_KVER (the modules onboot just compiled)
#   E2E_CONFD    its *.conf go to /etc/systemtap/conf.d (the scripts' _OPT, for the cache check)

check() {
    return 255
}

depends() {
    return 0
}

install() {
    # shellcheck disable=SC1091
    . "$moddir/e2e.conf"
    inst_multiple cat grep tr
    inst_script "$moddir/e2e-report" /usr/bin/e2e-report
    inst_hook cmdline 99 "$moddir/e2e-root.sh"
    inst_hook pre-mount 99 "$moddir/e2e-poweroff.sh"
    [ -n "${E2E_SERVICE:-}" ] || return 0
    inst_binary "$E2E_SERVICE" /usr/sbin/systemtap-service
    inst_binary "$E2E_STAPRUN" "$E2E_STAPRUN"
    inst_binary "$E2E_STAPIO" "$E2E_STAPIO"
    inst_simple "$moddir/service.conf" /etc/systemtap/config
    mkdir -p "$initdir/etc/systemtap/script.d" "$initdir/etc/systemtap/conf.d"
    local n f
    for f in "$E2E_CONFD"/*.conf; do
        [ -f "$f" ] && inst_simple "$f" "/etc/systemtap/conf.d/${f##*/}"
    done
    for n in $E2E_SCRIPTS; do
        inst_simple "$E2E_CACHE/$n.ko" "/var/cache/systemtap/$E2E_KVER/$n.ko" || return 1
        inst_simple "$E2E_CACHE/$n.opts" "/var/cache/systemtap/$E2E_KVER/$n.opts" || return 1
    done
    return 0
}
