# checks-trace.sh: sourced by system/checks.sh (unless SYSTEM_E2E_TRACE=0). The checks of the
# saved boot trace (issue 15: the collectors). The file's format (docs/design.md, "Boot output
# collectors"): a record is the module's output line as printed ("N begin" or "N exec PID
# PROGRAM"); the collector's own lines start with "-- stap-onboot: NAME: "; a boot's section
# starts at its header, "-- stap-onboot: NAME: boot BOOT_ID kernel RELEASE, started at boot,
# armed WHEN ..." (trace_records, section). Uses check, fact, console from checks.sh.
# shellcheck shell=sh disable=SC2154

TRACE_FILE=var/log/systemtap/onboot/sys_trace.log # ONBOOT_LOG_DIR's default, NAME.log
# section FILE BOOTID: the lines of FILE from the header line holding BOOTID to the next
# header (a line holding another boot id: the collector's own "continued" lines hold the same
# one; mawk has no {n} in its regular expressions).
section() {
	awk -v id="$2" '
		BEGIN { x = "[0-9a-f]"; x4 = x x x x; uuid = x4 x4 "-" x4 "-" x4 "-" x4 "-" x4 x4 x4 }
		index($0, id) { on = 1; print; next }
		on && $0 ~ uuid { exit }
		on { print }' "$1"
}
trace_records() { grep -E '^[0-9]+ (begin$|exec )'; }
# header FILE BOOTID: the section's lines before its first record.
header() { section "$1" "$2" | awk '/^[0-9]+ (begin$|exec )/ { exit } { print }'; }
# has_header FILE BOOTID: the boot's header names the kernel release, the script, the armed time.
has_header() {
	[ -n "$2" ] && header "$1" "$2" >"$1.header.$2" &&
		grep -Eq "^-- stap-onboot: sys_trace: boot $2 kernel $KVER, started at boot, armed [0-9T:.-]+Z \([0-9.]+ s after the kernel started\)" \
			"$1.header.$2"
}
# whole_from_start FILE BOOTID: the boot's records are 1, 2, ... N, each once and in order, the
# first "1 begin", the second the exec of the initramfs's own init by PID 1.
whole_from_start() {
	section "$1" "$2" | trace_records >"$1.records.$2"
	[ "$(sed -n 1p "$1.records.$2")" = "1 begin" ] &&
		[ "$(sed -n 2p "$1.records.$2")" = "2 exec 1 /init.real" ] &&
		awk '$1 != NR { bad = 1; exit } END { exit bad || NR < 3 }' "$1.records.$2"
}
# consecutive FILE BOOTID: the boot's records are 1, 2, ... N, each once and in order, from
# "1 begin" (hook mode: the exec of /init.real came before the scripts started).
consecutive() {
	section "$1" "$2" | trace_records >"$1.records.$2"
	[ "$(sed -n 1p "$1.records.$2")" = "1 begin" ] &&
		awk '$1 != NR { bad = 1; exit } END { exit bad || NR < 3 }' "$1.records.$2"
}
# past_real_init FILE BOOTID [hook]: after /init.real (hook: without it), PID 1 ran the real
# root's init, and the trace goes on to the test unit's program (on the real root, long after
# the switch).
past_real_init() {
	section "$1" "$2" | trace_records | awk -v initrd="${3:+1}" '
		$3 == 1 && $4 == "/init.real" { initrd = 1; next }
		initrd && $3 == 1 && $4 ~ /^(\/sbin\/init|\/(usr\/)?lib\/systemd\/systemd)$/ { real = 1; next }
		real && $4 == "/usr/lib/stap-onboot-test/guest-checks" { found = 1 }
		END { exit !found }'
}

# same_size DIR: the trace file's size did not change from right after stop to a second later,
# with a program run in between.
same_size() {
	a=$(awk '$1 == "sys_trace.log" { print $2 }' "$1/logsizes-after-stop")
	b=$(awk '$1 == "sys_trace.log" { print $2 }' "$1/logsizes-later")
	[ -n "$a" ] && [ "$a" = "$b" ]
}
# stop_recorded FILE BOOTID: the boot's records hold both execs of systemtap-service that
# guest-checks ran while the script was loaded: status, then stop itself.
stop_recorded() {
	[ "$(section "$1" "$2" | trace_records | grep -Ec '^[0-9]+ exec [0-9]+ /usr/sbin/systemtap-service$')" -ge 2 ]
}

for f in $FLAVOURS; do
	d=$WORK/$f.results/stap-onboot-test/boot-1
	t=$d/onboot-logs/sys_trace.log
	id=$(fact "$d" boot_id)
	check "$f: the boot trace was saved to /$TRACE_FILE" test -s "$t"
	check "$f: its section of this boot has a header: boot id, kernel release, script, armed time" \
		has_header "$t" "$id"
	check "$f: the trace starts at its first record and the exec of the initramfs's /init.real; every record once, in order" \
		whole_from_start "$t" "$id"
	check "$f: the trace continues past the real root's init, up to the test unit" past_real_init "$t" "$id"
	check "$f: status lists sys_trace with its file" has "sys_trace.*/$TRACE_FILE" "$d/status.out"
	check "$f: stop ended the writing: the file did not grow after it" same_size "$d"
	check "$f: ... after the records that came before it: the execs of status and of stop itself are in it" \
		stop_recorded "$t" "$id"
	check "$f: the file ends with the collector's end line: stopped, module unloaded" \
		sh -c "tail -n 1 '$t' | grep -q '^-- stap-onboot: sys_trace: ended .*: stopped (SIGTERM: systemtap-service stop), module unloaded\$'"
	check "$f: sys_trace's collector, argv[0] '@stap-early-loader', still ran on the real root" \
		has "^[0-9]+ @stap-early-loader --collect sys_trace " "$d/collectors"
	ds=$d/onboot-logs/demo_execs.log
	check "$f: demo_execs' trace of the whole boot: saved, nothing lost (ONBOOT_LOG_SIZE's default, 4M)" \
		sh -c "[ -s '$ds' ] && ! grep -q 'of output lost here' '$ds' && ! grep -q 'of output lost here' '$t' &&
			grep -qx 'lost_bytes 0' '$d/collect-states/demo_execs.state.end' &&
			grep -qx 'lost_bytes 0' '$d/collect-states/sys_trace.state.end'"
	echo "    $f: trace sizes of this boot up to the test unit: sys_trace $(wc -c <"$t" 2>/dev/null) bytes," \
		"demo_execs $(wc -c <"$ds" 2>/dev/null) bytes ($(grep -c '^ *[0-9]' "$ds" 2>/dev/null) execs)"
done

# The second boot: the shell flavour's disk again, with the systemd image and the console copy.
d1=$WORK/shell.results/stap-onboot-test/boot-1
d2=$WORK/second.results/stap-onboot-test/boot-2
t=$d2/onboot-logs/sys_trace.log
id1=$(fact "$d1" boot_id)
id2=$(fact "$d2" boot_id)
check "second boot: the guest powered itself off (qemu exit $(cat "$WORK/second.boot.rc"))" \
	powered_off "$WORK/second.boot" "$WORK/second.console.log"
check "second boot: the test unit ran to its end ($d2/done)" test -f "$d2/done"
check "second boot: the trace file has a second section, after the first boot's" \
	sh -c "[ -n '$id1' ] && [ -n '$id2' ] && [ '$id1' != '$id2' ] &&
		a=\$(grep -n -F '$id1' '$t' | head -n 1 | cut -d: -f1) && b=\$(grep -n -F '$id2' '$t' | head -n 1 | cut -d: -f1) &&
		[ -n \"\$a\" ] && [ -n \"\$b\" ] && [ \"\$a\" -lt \"\$b\" ]"
check "second boot: the first boot's section is unchanged in it (still whole from its start)" whole_from_start "$t" "$id1"
check "second boot: its own section starts again at its first record; every record once, in order" \
	whole_from_start "$t" "$id2"
console "$WORK/second.console.log" >"$WORK/second.console.txt"
check "second boot: rd.systemtap.console=1 copied the trace to the kernel log (console): its begin and /init.real" \
	sh -c "grep -Eq '\] sys_trace: 1 begin\$' '$WORK/second.console.txt' &&
		grep -Eq '\] sys_trace: 2 exec 1 /init.real\$' '$WORK/second.console.txt'"
check "second boot: the console copy stopped at the save: no copy of the test unit's execs" \
	sh -c "! grep -q 'sys_trace: [0-9]* exec [0-9]* /usr/lib/stap-onboot-test/guest-checks' '$WORK/second.console.txt'"

# Hook mode under a systemd initramfs: the collectors start in dracut-cmdline.service.
dh1=$WORK/systemd.results/stap-onboot-test/boot-1
dh=$WORK/hook.results/stap-onboot-test/boot-2
th=$dh/onboot-logs/sys_trace.log
idh=$(fact "$dh" boot_id)
check "hook boot: the guest powered itself off (qemu exit $(cat "$WORK/hook.boot.rc"))" \
	powered_off "$WORK/hook.boot" "$WORK/hook.console.log"
check "hook boot: the test unit ran to its end ($dh/done)" test -f "$dh/done"
check "hook boot: the loader ran from dracut-cmdline.service's hook (PID 1 left it the scripts)" \
	has "rd\.systemtap\.mode=hook: the scripts start from dracut's cmdline hook" "$dh/dmesg.txt"
check "hook boot: sys_trace's collector survived the unit's stop and the switch to the real root" \
	has "^[0-9]+ @stap-early-loader --collect sys_trace " "$dh/collectors"
check "hook boot: its section, after the first boot's, has the header" has_header "$th" "$idh"
check "hook boot: records from 1 begin, each once, in order (the hook misses /init.real)" consecutive "$th" "$idh"
check "hook boot: the trace continues past the real root's init, up to the test unit" past_real_init "$th" "$idh" hook
check "hook boot: the first boot's section is unchanged" whole_from_start "$th" "$(fact "$dh1" boot_id)"
