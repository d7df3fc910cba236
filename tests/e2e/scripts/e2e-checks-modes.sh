# e2e-checks-modes.sh: sourced by e2e-checks.sh. Earliest mode in kernel A's main boot, and the
# three boots of e2e-modes.sh (hook mode, a crashing and a hanging loading child).
# shellcheck shell=sh disable=SC2154

# ---- earliest mode (the default): the main boot -----------------------------------------------
check "manifest: mode early (the default ONBOOT_MODE)" grep -qx 'mode early' "$WORK/manifest.onboot"
check "image: /init is the loader, the image's own init is /init.real" \
	sh -c "grep -Eq ' init -> usr/sbin/stap-early-loader\$' '$WORK/boot.list' && grep -Eq ' init\\.real\$' '$WORK/boot.list'"
check "earliest: PID 1 handed over to /init.real after the loader's summary" \
	before "${L}2 armed, " "${L}handing over to /init\\.real"
# gap FROM TO [FILE]: ms between the first kernel-log lines matching FROM and TO.
gap_ms() {
	awk -v from="$1" -v to="$2" '
		function t() { s = $0; sub(/^kmsg: \[ */, "", s); sub(/\].*/, "", s); return s * 1000 }
		a == "" && $0 ~ from { a = t() }
		a != "" && b == "" && $0 ~ to { b = t() }
		END { if (a == "" || b == "") print -1; else printf "%.0f\n", b - a }' "${3:-$WORK/e2e.txt}"
}
HANDOVER_MS=$(gap_ms "${L}[0-9]+ armed, " "${L}handing over to /init\\.real")
check "earliest: no final window: PID 1 handed over ${HANDOVER_MS} ms after the loader's summary (<= 20 ms)" \
	sh -c "[ $HANDOVER_MS -ge 0 ] && [ $HANDOVER_MS -le 20 ]"
check "earliest: e2e_exec saw the exec of /init.real itself (armed before the initramfs's init)" \
	has '^proc e2e_exec/first: /init\.real$'
check "earliest: the cmdline hook found PID 1's marker and started nothing twice" \
	sh -c "[ \"\$(grep -Ec '${L}starting: ' '$WORK/e2e.txt')\" = 1 ]"

# ---- hook mode: rd.systemtap.mode=hook ----------------------------------------------------------
EH=$WORK/e2e-hook.txt
mode_ok() { # DIR NAME: powered off, report complete, no kernel trouble
	sh -c "[ \"\$(cat '$1/$2.rc')\" = 0 ] && tr -d '\\r' <'$1/console-$2.log' | grep -q 'reboot: Power down' &&
		grep -qx end '$1/e2e-$2.txt' &&
		! tr -d '\\r' <'$1/console-$2.log' | grep -Eq 'BUG:|Oops|Call Trace|Attempted to kill init|general protection'"
}
check "hook: booted to the report and powered off" mode_ok "$WORK" hook
check "hook: PID 1 left the scripts to the cmdline hook" \
	has "${L}rd\\.systemtap\\.mode=hook: the scripts start from dracut's cmdline hook" "$EH"
check "hook: the cmdline hook's loader armed e2e_exec and e2e_dep" \
	sh -c "grep -Eq '${L}e2e_exec: armed' '$EH' && grep -Eq '${L}2 armed, .*2 failed' '$EH'"
check "hook: e2e_exec counted execs" positive 'proc e2e_exec/execs' "$EH"
check "hook: e2e_exec never saw /init.real: earliest mode sees what the hook misses" \
	sh -c "grep -q '^proc e2e_exec/first: ' '$EH' && ! grep -q '^proc e2e_exec/first: /init\\.real\$' '$EH'"

# ---- a crashing and a hanging loading child (both flavours) -------------------------------------
# check_faults DIR LABEL: the crash boot (with module.sig_enforce=1) and the hang boot whose
# consoles e2e_mode_boot left in DIR; LABEL starts each check's name.
check_faults() {
	EC=$1/e2e-crash.txt
	EG=$1/e2e-hang.txt
	check "${2}crash: booted to the report and powered off (no 'Attempted to kill init')" \
		mode_ok "$1" crash
	check "${2}crash: module.sig_enforce=1 refused e2e_exec; the loader said to sign it and enroll the key" \
		has "${L}e2e_exec: init_module failed \\(the kernel accepts only signed modules: sign it .*mokutil --import" "$EC"
	check "${2}crash: every script was still tried: 0 armed, 4 failed" \
		has "${L}0 armed, 0 finished, 4 failed" "$EC"
	check "${2}crash: PID 1 reported the child killed by signal 11" \
		has "${L}the loading process was killed by signal 11 " "$EC"
	check "${2}crash: PID 1 handed over to /init.real" has "${L}handing over to /init\\.real" "$EC"
	check "${2}hang: booted to the report and powered off" mode_ok "$1" hang
	check "${2}hang: PID 1 killed the child at rd.systemtap.timeout=2" \
		has "${L}the loading process did not finish within 2 s" "$EG"
	check "${2}hang: then handed over to /init.real" \
		before "${L}the loading process did not finish" "${L}handing over to /init\\.real" "$EG"
	check "${2}hang: the scripts the child armed kept running (e2e_exec counted execs)" \
		positive 'proc e2e_exec/execs' "$EG"
}
check_faults "$WORK" ""
