# e2e-checks-systemd.sh: sourced by e2e-checks.sh. The systemd flavour (e2e_systemd_boot in
# e2e-lib.sh): the image, its boot in earliest mode with the full report ($SD/e2e.txt), its
# boot with rd.systemtap.mode=hook ($SD/e2e-hook.txt), and in both that the journal holds
# each loader line once. Uses SD, SD_ONBOOT_RC, SD_BOOT_RC, SD_HOOK_RC, KVER, RESTART, L and
# e2e-checks.sh's helpers.
# shellcheck shell=sh disable=SC2154

ES=$SD/e2e.txt
ESH=$SD/e2e-hook.txt
SYSTEMD_EXE=/usr/lib/systemd/systemd

check "systemd: onboot -o built the image (exit $SD_ONBOOT_RC)" \
	sh -c "[ $SD_ONBOOT_RC -eq 0 ] && [ -s '$SD/boot.img' ]"
for f in usr/lib/systemd/systemd usr/lib/systemd/system/dracut-cmdline.service \
	usr/lib/systemd/system/dracut-pre-mount.service usr/lib/stap-onboot/manifest \
	usr/lib/stap-onboot/e2e_exec.ko usr/lib/dracut/hooks/cmdline/01-stap-early-loader.sh; do
	check "systemd image has /$f" has " $f\$" "$SD/boot.list"
done
check "systemd image: /init is the loader, /init.real is systemd" \
	sh -c "grep -Eq ' init -> usr/sbin/stap-early-loader\$' '$SD/boot.list' &&
		grep -Eq ' init\\.real -> (/|\\.\\./)*usr/lib/systemd/systemd\$' '$SD/boot.list'"

# sd_boot_ok CONSOLE E2E RC: powered off, the report ran under systemd and finished, no
# kernel trouble.
sd_boot_ok() {
	[ "$3" = 0 ] && tr -d '\r' <"$1" | grep -q 'reboot: Power down' &&
		grep -qx "begin kernel $KVER" "$2" && grep -qx "init $SYSTEMD_EXE" "$2" && grep -qx end "$2" &&
		! tr -d '\r' <"$1" | grep -Eq 'BUG:|Oops|Call Trace|WARNING: CPU|Attempted to kill init|general protection'
}
# journal_once E2E: journald reads the kernel log ("[T] HOST stap-early-loader: TEXT") and
# each unit's stderr ("[T] HOST UNIT[PID]: stap-early-loader: TEXT"): the loader's
# "starting:" line once, its summary there, no loader line twice.
journal_once() {
	j=$(grep '^journal: ' "$1") || return 1
	[ "$(printf '%s\n' "$j" | grep -c 'stap-early-loader: starting: ')" -eq 1 ] &&
		printf '%s\n' "$j" | grep -q 'stap-early-loader: 2 armed, ' &&
		[ -z "$(printf '%s\n' "$j" | sed 's/^.*stap-early-loader: //' | sort | uniq -d)" ]
}

# ---- earliest mode (the image's default) ----------------------------------------------------------
check "systemd: booted to the report under systemd (PID 1 $SYSTEMD_EXE) and powered off (qemu exit $SD_BOOT_RC)" \
	sd_boot_ok "$SD/console.log" "$ES" "$SD_BOOT_RC"
check "systemd: the loader armed e2e_exec, then e2e_dep" before "${L}e2e_exec: armed" "${L}e2e_dep: armed" "$ES"
check "systemd: e2e_boom's begin probe error reported, module unloaded" \
	sh -c "grep -Eq '${L}e2e_boom: ERROR: boom' '$ES' && grep -Eq '${L}e2e_boom: failed .*unloaded' '$ES'"
check "systemd: e2e_foreign refused by the kernel (ENOEXEC)" has "${L}e2e_foreign: init_module failed.*Exec format error" "$ES"
check "systemd: loader summary 2 armed, 2 failed, then PID 1 handed over to /init.real (systemd)" \
	before "${L}2 armed, .*2 failed" "${L}handing over to /init\\.real" "$ES"
check "systemd: e2e_exec saw the exec of /init.real (armed before systemd started)" \
	has '^proc e2e_exec/first: /init\.real$' "$ES"
check "systemd: /run/systemtap logs of e2e_boom and e2e_exec survived systemd's /run" \
	sh -c "grep -q '^log e2e_boom: .*boom' '$ES' && grep -q '^log e2e_exec: .*armed' '$ES'"
part '^begin kernel' '^svc ' "$ES" >"$SD/pre.txt"
check "systemd: e2e_exec and e2e_dep loaded at pre-mount, e2e_boom and e2e_foreign not" \
	sh -c "grep -qx 'module e2e_exec' '$SD/pre.txt' && grep -qx 'module e2e_dep' '$SD/pre.txt' &&
		! grep -Eqx 'module (e2e_boom|e2e_foreign)' '$SD/pre.txt'"
check "systemd: e2e_exec counted execs at pre-mount" positive 'proc e2e_exec/execs' "$SD/pre.txt"
check "systemd: e2e_dep counted forks at pre-mount" positive 'proc e2e_dep/forks' "$SD/pre.txt"
check "systemd: svc status (e2e_exec, e2e_dep running), stop and start $RESTART: exit 0" \
	sh -c "grep -qx 'svc status rc=0' '$ES' && grep -Eqx 'svc status: e2e_exec\([0-9]+\) is running\.\.\.' '$ES' &&
		grep -Eqx 'svc status: e2e_dep\([0-9]+\) is running\.\.\.' '$ES' &&
		grep -qx 'svc stop rc=0' '$ES' && grep -qx 'svc start rc=0' '$ES'"
part '^after stop:' '^svc start' "$ES" >"$SD/stopped.txt"
part '^after start:' '^svc status2' "$ES" >"$SD/started.txt"
check "systemd: $RESTART unloaded by stop, loaded again by start" \
	sh -c "! grep -qx 'module $RESTART' '$SD/stopped.txt' && grep -qx 'module $RESTART' '$SD/started.txt'"
check "systemd: after start, $RESTART counted forks" positive "proc $RESTART/forks" "$SD/started.txt"
check "systemd: each loader line once in the journal ($(grep -c '^journal: ' "$ES") lines)" journal_once "$ES"

# ---- rd.systemtap.mode=hook: the loader in dracut-cmdline.service, stderr the journal --------------
check "systemd hook: booted to the report under systemd and powered off (qemu exit $SD_HOOK_RC)" \
	sd_boot_ok "$SD/console-hook.log" "$ESH" "$SD_HOOK_RC"
check "systemd hook: PID 1 left the scripts to the cmdline hook" \
	has "${L}rd\\.systemtap\\.mode=hook: the scripts start from dracut's cmdline hook" "$ESH"
check "systemd hook: the loader in dracut-cmdline.service armed e2e_exec; 2 armed, 2 failed" \
	sh -c "grep -Eq '${L}e2e_exec: armed' '$ESH' && grep -Eq '${L}2 armed, .*2 failed' '$ESH'"
check "systemd hook: e2e_exec's first exec was not /init.real (the hook runs later)" \
	sh -c "grep -q '^proc e2e_exec/first: ' '$ESH' && ! grep -q '^proc e2e_exec/first: /init\.real\$' '$ESH'"
check "systemd hook: e2e_exec counted execs at pre-mount" positive 'proc e2e_exec/execs' "$ESH"
# Before the loader knew $JOURNAL_STREAM, each line was there twice: the kernel's record and
# dracut-cmdline[PID]'s stderr; and journald copied the second to the console.
check "systemd hook: each loader line once in the journal ($(grep -c '^journal: ' "$ESH") lines)" journal_once "$ESH"
check "systemd hook: no journald copy of dracut-cmdline's stderr on the console" \
	sh -c "! tr -d '\\r' <'$SD/console-hook.log' | grep -Eq 'dracut-cmdline\\[[0-9]+\\]: stap-early-loader'"

# A crashing and a hanging loading child under systemd: the boot goes on there too.
check_faults "$SD" "systemd "
