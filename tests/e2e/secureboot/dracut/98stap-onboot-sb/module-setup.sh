#!/bin/bash
# Test-only dracut module of the Secure Boot boot test (tests/e2e/secureboot.sh). The test adds
# it with --add stap-onboot-sb next to stap-onboot-e2e; it is never installed. Its pre-mount
# hook (50, before stap-onboot-e2e's report at 99) prints with "E2E: sb " what the guest
# sees of Secure Boot (lockdown, mokutil --sb-state, the kernel's keyrings, whether our
# certificate is enrolled) and, with e2e.mok=import on the command line, queues the
# certificate for enrollment with mokutil --import, as a user would.
#
# The test writes sb.conf beside this file (sourced below):
#   SB_CERT  the project's test certificate (DER), installed as /etc/stap-onboot-sb/cert.der

check() {
    return 255
}

depends() {
    return 0
}

installkernel() {
    # mokutil reads and writes EFI variables through efivarfs (a module in Debian's kernel).
    instmods efivarfs
}

install() {
    # shellcheck disable=SC1091,SC2154 # moddir: set by dracut
    . "$moddir/sb.conf"
    inst_multiple mokutil modprobe mount grep cat
    inst_simple "$SB_CERT" /etc/stap-onboot-sb/cert.der
    inst_script "$moddir/sb-report" /usr/bin/sb-report
    inst_hook pre-mount 50 "$moddir/sb-hook.sh"
}
