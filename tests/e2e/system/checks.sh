# checks.sh: sourced by tests/e2e/system.sh after the boots. Asserts on what the guests wrote
# (WORK/FLAVOUR.results/stap-onboot-test/boot-N/, see guest/guest-checks) and on their serial
# consoles; prints the timings; on any failure the serial consoles and the guests' own logs.
# The checks of the saved boot trace (the collectors') are in checks-trace.sh (not with
# SYSTEM_E2E_TRACE=0). Uses WORK, KVER, BUILD, FLAVOURS, SYSTEM_* and the times from system.sh.
# shellcheck shell=sh disable=SC2154

. "$TOP/tests/e2e/lib-check.sh"
has() { grep -Eq -- "$1" "$2"; }
# fact DIR KEY: the value of KEY in DIR/facts (what guest-checks recorded).
fact() { sed -n "s|^$2 ||p" "$1/facts" 2>/dev/null | head -n 1; }
is_fact() { [ "$(fact "$1" "$2")" = "$3" ]; }
# console LOG: the serial log without CRs and terminal escapes.
console() { tr -d '\r' <"$1" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g'; }
no_kernel_bug() { ! console "$1" | grep -Eq 'BUG:|Oops|Call Trace|WARNING: CPU|general protection'; }
powered_off() { [ "$(cat "$1.rc" 2>/dev/null)" = 0 ] && console "$2" | grep -q 'reboot: Power down'; }
# grew A B: files A and B hold numbers, B's larger.
grew() { a=$(cat "$1") && b=$(cat "$2") && [ "$a" -gt 0 ] && [ "$b" -gt "$a" ]; }
# real_init_after_initrd PID1: the programs PID 1 ran were the initramfs's /init.real, then
# (after dracut's switch_root, or directly from systemd's switch-root) the real root's init.
real_init_after_initrd() {
	[ "$(head -n 1 "$1")" = /init.real ] && sed 1d "$1" | grep -Eqx '/sbin/init|/(usr/)?lib/systemd/systemd'
}

# check_today FLAVOUR DIR: what works without the collector.
check_today() {
	f=$1
	d=$2
	check "$f: the guest powered itself off (qemu exit $(cat "$WORK/$f.boot.rc"); 124 = timeout)" \
		powered_off "$WORK/$f.boot" "$WORK/$f.console.log"
	check "$f: the test unit ran to its end on the real root ($d/done)" test -f "$d/done"
	check "$f: booted $KVER into the real root: / is /dev/vda (ext4), PID 1 is systemd" \
		sh -c "[ '$(fact "$d" kernel)' = '$KVER' ] && [ '$(fact "$d" root)' = '/dev/vda ext4' ] &&
			[ '$(fact "$d" init)' = /usr/lib/systemd/systemd ]"
	check "$f: no kernel BUG/Oops/warning on the console" no_kernel_bug "$WORK/$f.console.log"
	check "$f: no failed unit on the real root" has '^0 loaded units listed' "$d/failed.txt"
	# In the initramfs, from the kernel log the guest kept.
	check "$f: the loader armed sys_trace in the initramfs" has 'stap-early-loader: sys_trace: armed' "$d/dmesg.txt"
	check "$f: the loader reported e2e_boom's failing begin probe and unloaded it" \
		has 'stap-early-loader: e2e_boom: failed .*module unloaded' "$d/dmesg.txt"
	# The switch to the real root.
	check "$f: sys_trace is still loaded on the real root" is_fact "$d" loaded_at_start yes
	check "$f: its probes saw PID 1 run the initramfs's /init.real, then the real root's init" \
		real_init_after_initrd "$d/pid1"
	check "$f: its probes still count on the real root (execs between two reads)" grew "$d/count1" "$d/count2"
	check "$f: LOG_BOOT_ERR: /run/systemtap/sys_trace.log on the real root says armed" \
		has 'sys_trace: armed' "$d/run-systemtap/sys_trace.log"
	check "$f: LOG_BOOT_ERR: /run/systemtap/e2e_boom.log on the real root has its error" \
		has 'e2e_boom: ERROR: boom' "$d/run-systemtap/e2e_boom.log"
	# The service on the real root.
	check "$f: status adopts sys_trace (started at boot) and lists it running, its collector's pid (exit 0)" \
		sh -c "grep -Eqx 'sys_trace\\([0-9]+\\) is running\\.\\.\\.' '$d/status.out' && [ \"\$(cat '$d/status.rc')\" = 0 ]"
	check "$f: the service's log says it adopted sys_trace, with its collector" \
		has 'Adopted running module sys_trace \(started at boot; its output collector is [0-9]+\)' "$d/systemtap.log"
	check "$f: status lists e2e_boom stopped (the loader unloaded it)" has '^e2e_boom is stopped$' "$d/status.out"
	if [ "$SYSTEM_E2E_TRACE" != 1 ]; then
		check "$f: staprun -A reads what sys_trace printed in the initramfs (its begin line, the exec of /init.real)" \
			sh -c "grep -qx '1 begin' '$d/attach.out' && grep -Eqx '[0-9]+ exec 1 /init.real' '$d/attach.out'"
		check "$f: ... and what it printed on the real root (the exec of the test unit's program)" \
			has '^[0-9]+ exec [0-9]+ /usr/lib/stap-onboot-test/guest-checks$' "$d/attach.out"
		check "$f: staprun -A detached on SIGQUIT: sys_trace still loaded" is_fact "$d" loaded_after_attach yes
	fi
	check "$f: stop sys_trace: OK (exit 0), and the module loaded before is unloaded" \
		sh -c "grep -q 'OK' '$d/stop.out' && [ \"\$(cat '$d/stop.rc')\" = 0 ] &&
			grep -qx 'loaded_before_stop yes' '$d/facts' && grep -qx 'loaded_after_stop no' '$d/facts'"
	check "$f: status after stop: sys_trace is stopped" has '^sys_trace is stopped$' "$d/status2.out"
}

for f in $FLAVOURS; do
	check_today "$f" "$WORK/$f.results/stap-onboot-test/boot-1"
done
if [ "$SYSTEM_E2E_TRACE" = 1 ]; then
	# shellcheck source=tests/e2e/system/checks-trace.sh
	. "$E2E/system/checks-trace.sh"
else
	echo "e2e-system: the saved boot trace is not checked (SYSTEM_E2E_TRACE=0)"
fi

# ---- timings -------------------------------------------------------------------------------
# ktime LOG REGEX [tail]: the kernel timestamp of the first (tail: last) console line matching
# REGEX (s), or -1.
ktime() {
	console "$1" | grep -E -- "$2" | "${3:-head}" -n 1 | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p' | grep . || echo -1
}
ms() { printf '%d.%d s' "$(($1 / 1000))" "$((($1 % 1000) / 100))"; }
echo "timings (TCG, one vCPU per guest, two guests at once on $(nproc) cores):"
[ "$SYSTEM_ROOT_BUILT" = 1 ] && echo "    Debian root (mmdebstrap, cold): $(ms "$SYSTEM_ROOT_MS")"
echo "    onboot -o images: shell init $(ms "$(cat "$WORK/shell.onboot.ms")"), systemd $(ms "$(cat "$WORK/systemd.onboot.ms")")"
echo "    disk: tree $(ms "$TREE_MS"), two mkfs.ext4 -d $(ms "$DISK_MS")"
for f in $FLAVOURS ${SECOND_BOOT:+second hook}; do
	l=$WORK/$f.console.log
	r=$WORK/$f.results/stap-onboot-test/boot-1
	case $f in second | hook) r=$WORK/$f.results/stap-onboot-test/boot-2 ;; *) ;; esac
	# The real root's systemd: the last "running in system mode" (a systemd initramfs has one).
	printf '    %-8s Run /init %s s, loader %s s, real root systemd %s s, test unit %s s, power-off %s s; qemu %s\n' \
		"$f" "$(ktime "$l" 'Run /init')" "$(ktime "$l" 'stap-early-loader: starting')" \
		"$(ktime "$l" 'systemd\[1\]: systemd [0-9].* running in system mode' tail)" "$(fact "$r" uptime)" \
		"$(ktime "$l" 'reboot: Power down')" "$(ms "$(cat "$l.ms" 2>/dev/null || echo 0)")"
done

echo "e2e-system: $passed checks passed, $failed failed ($((($(now_ms) - E2E_T0) / 1000)) s)"
mkdir -p "$BUILD/test-results"
if [ "$failed" -ne 0 ]; then
	echo "0 1" >"$BUILD/test-results/e2e-system"
	for f in $FLAVOURS ${SECOND_BOOT:+second hook}; do
		echo "---- serial console of the $f boot ($WORK/$f.console.log) ----"
		console "$WORK/$f.console.log" 2>/dev/null || true
		for g in "$WORK/$f.results/stap-onboot-test"/boot-*/guest.log "$WORK/$f.results.fsck"; do
			[ -s "$g" ] || continue
			echo "---- $g ----"
			cat "$g"
		done
	done
	exit 1
fi
echo "1 0" >"$BUILD/test-results/e2e-system"
