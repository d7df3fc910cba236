# e2e-checks.sh: sourced by run.sh after the boot. Asserts on the image, the manifest and the
# "E2E: " lines of the serial console ($WORK/e2e.txt), prints the benchmarks, and on any
# failure the whole serial log. Uses WORK, KVER, KCACHE, BUILD, RESTART, other, refused_rc,
# plain, boot_rc, SD and SD_BUILD_MS (the systemd flavour) and, for the second kernel, KVER_B,
# B_SCRIPTS, KU_CACHE, IMG_B, refresh_b_rc, status_b_rc, boot_b_rc from run.sh.
# shellcheck shell=sh disable=SC2154

. "$TOP/tests/e2e/lib-check.sh"
has() { grep -Eq -- "$1" "${2:-$WORK/e2e.txt}"; }
lacks() { ! grep -Eq -- "$1" "${2:-$WORK/e2e.txt}"; }
# first_line REGEX [FILE]: line number of the first match in FILE (e2e.txt; 0: none).
first_line() { grep -En -- "$1" "${2:-$WORK/e2e.txt}" | head -n 1 | cut -d: -f1 | grep . || echo 0; }
before() { # REGEX1 REGEX2 [FILE]: both present, the first one earlier
	a=$(first_line "$1" "${3:-}")
	b=$(first_line "$2" "${3:-}")
	[ "$a" -gt 0 ] && [ "$b" -gt 0 ] && [ "$a" -lt "$b" ]
}
# part FROM TO [FILE]: the lines of FILE (default e2e.txt) after the first line matching FROM,
# before the next TO.
part() {
	awk -v from="$1" -v to="$2" 'on && $0 ~ to { exit } on { print } !on && $0 ~ from { on = 1 }' \
		"${3:-$WORK/e2e.txt}"
}
# positive KEY: the value in the first "KEY: N" line is a number > 0.
positive() {
	v=$(sed -n "s|^$1: \\([0-9][0-9]*\\)\$|\\1|p" "${2:-$WORK/e2e.txt}" | head -n 1)
	[ -n "$v" ] && [ "$v" -gt 0 ]
}

# ---- what systemtap-service refused on the host ------------------------------------------
check "onboot refused e2e_foreign whose vermagic names $other (exit $refused_rc, no image)" \
	sh -c "[ $refused_rc -ne 0 ] && [ ! -e '$WORK/refused.img' ]"
check "onboot said why: e2e_foreign's module was built for another kernel release" \
	has 'e2e_foreign.*another kernel release' "$WORK/refused.out"

# ---- the manifest in the image onboot -o wrote ---------------------------------------------
m=$WORK/manifest.onboot
check "manifest: format 1, kernel $KVER, log_boot_err yes" \
	sh -c "head -n 1 '$m' | grep -qx 'stap-onboot-manifest 1' && grep -qx 'kernel $KVER' '$m' && grep -qx 'log_boot_err yes' '$m'"
for s in e2e_exec e2e_dep e2e_boom e2e_foreign; do
	check "manifest lists $s" has "^script $s " "$m"
done
check "manifest: e2e_exec (required by e2e_dep) comes first" \
	sh -c "grep -n '^script ' '$m' | grep -B100 ' e2e_dep ' | grep -q ' e2e_exec '"
lsinitrd "$WORK/boot.img" >"$WORK/boot.list" 2>&1 || true
for f in usr/sbin/stap-early-loader usr/lib/stap-onboot/manifest usr/lib/stap-onboot/e2e_exec.ko \
	usr/lib/stap-onboot/e2e_dep.ko usr/lib/stap-onboot/e2e_boom.ko usr/lib/stap-onboot/e2e_foreign.ko \
	usr/lib/dracut/hooks/cmdline/01-stap-early-loader.sh; do
	check "image has /$f" has " $f\$" "$WORK/boot.list"
done
check "the loader's own parser accepts the image's manifest for $KVER (--list --kernel)" \
	"$BUILD/stap-early-loader" --list "$m" --kernel "$KVER"
check "onboot -o left no snapshot and recorded no set" \
	sh -c "[ ! -e '$KCACHE/onboot' ] && [ ! -e '$WORK/state/onboot.set' ]"

# ---- the boot -----------------------------------------------------------------------------
check "the guest powered itself off (qemu exit $boot_rc; 124 = timeout)" \
	sh -c "[ $boot_rc -eq 0 ] && tr -d '\\r' <'$WORK/console.log' | grep -q 'reboot: Power down'"
check "the test hook ran at pre-mount on $KVER and finished" \
	sh -c "grep -qx 'begin kernel $KVER' '$WORK/e2e.txt' && grep -qx end '$WORK/e2e.txt'"
check "no kernel BUG/Oops/warning on the console" \
	sh -c "! tr -d '\\r' <'$WORK/console.log' | grep -Eq 'BUG:|Oops|Call Trace|WARNING: CPU|general protection'"

# What the loader did, from the kernel log.
L='kmsg: \[ *[0-9.]+\] stap-early-loader: '
check "loader: e2e_exec armed" has "${L}e2e_exec: armed"
check "loader: e2e_dep armed" has "${L}e2e_dep: armed"
check "loader: e2e_exec armed before e2e_dep (_REQ order)" before "${L}e2e_exec: armed" "${L}e2e_dep: armed"
check "loader: e2e_boom's begin probe error reported" has "${L}e2e_boom: ERROR: boom"
check "loader: e2e_boom failed and was unloaded" has "${L}e2e_boom: failed .*unloaded"
check "kernel: refused e2e_foreign (module_layout CRC)" has "kmsg: .*e2e_foreign: disagrees about version of symbol module_layout"
check "loader: e2e_foreign's init_module failed (ENOEXEC)" has "${L}e2e_foreign: init_module failed.*Exec format error"
check "loader: e2e_foreign failed, nothing loaded" has "${L}e2e_foreign: failed"
check "loader: summary 2 armed, 2 failed" has "${L}2 armed, .*2 failed"

# LOG_BOOT_ERR=yes: one log per script in /run/systemtap.
check "log e2e_boom has the error" has "^log e2e_boom: .*boom"
check "log e2e_foreign has the refusal" has "^log e2e_foreign: .*init_module failed"
check "log e2e_exec says armed" has "^log e2e_exec: .*armed"
check "log e2e_dep says armed" has "^log e2e_dep: .*armed"

# Loaded modules and the probes' counters at pre-mount, before root is mounted.
part '^begin kernel' '^svc ' >"$WORK/pre.txt"
check "e2e_exec and e2e_dep are loaded" sh -c "grep -qx 'module e2e_exec' '$WORK/pre.txt' && grep -qx 'module e2e_dep' '$WORK/pre.txt'"
check "e2e_boom and e2e_foreign are not loaded" \
	sh -c "! grep -Eqx 'module (e2e_boom|e2e_foreign)' '$WORK/pre.txt'"
check "e2e_exec counted execs before root was mounted" positive 'proc e2e_exec/execs' "$WORK/pre.txt"
check "e2e_dep counted forks before root was mounted" positive 'proc e2e_dep/forks' "$WORK/pre.txt"
check "srvstat of e2e_exec and e2e_dep reads running" \
	sh -c "grep -qx 'proc e2e_exec/srvstat: running' '$WORK/pre.txt' && grep -qx 'proc e2e_dep/srvstat: running' '$WORK/pre.txt'"

# The collectors: one per armed script, holding its channel, its output in memory (no root file
# system to save it to at pre-mount).
for s in e2e_exec e2e_dep; do
	check "collector of $s: alive at pre-mount, argv[0] '@stap-early-loader' (spared by systemd's killing sprees)" \
		has "^collector [0-9]+ @stap-early-loader --collect $s --protocol [45] "
	check "collector of $s: its state file says running, output in memory" \
		sh -c "grep -qx 'state $s: module running' '$WORK/e2e.txt' && grep -qx 'state $s: output memory' '$WORK/e2e.txt'"
done
check "no collector for e2e_boom and e2e_foreign (failed)" lacks '^collector .* --collect e2e_(boom|foreign) '
check "e2e_exec's collector kept its output (the exec of /init.real first)" \
	sh -c "kept=\$(sed -n 's/^state e2e_exec: kept //p' '$WORK/e2e.txt'); [ \"\${kept:-0}\" -gt 0 ]"
check "rd.systemtap.console=e2e_exec: its output on the console, from its first record (exec 1 /init.real)" \
	has "^kmsg: \[ *[0-9.]+\] e2e_exec: exec 1 /init\.real$"
check "rd.systemtap.console=e2e_exec: not e2e_dep's (it prints nothing), nor lines of other scripts" \
	lacks "^kmsg: \[ *[0-9.]+\] e2e_dep: "

# systemtap-service inside the VM, with the real staprun.
check "svc status: exit 0" has '^svc status rc=0$'
check "svc status: e2e_exec is running, its collector's pid" has '^svc status: e2e_exec\([0-9]+\) is running\.\.\.$'
check "svc status: e2e_dep is running, its collector's pid" has '^svc status: e2e_dep\([0-9]+\) is running\.\.\.$'
check "svc status: e2e_exec's output kept in memory until --save-log" \
	has '^svc status: e2e_exec: started at boot; its output is kept in memory \([0-9]+ bytes\) until systemtap-service onboot --save-log$'
check "svc status: e2e_boom is stopped" has '^svc status: e2e_boom is stopped$'
check "svc status: the /run/systemtap/*.log files are not taken for scripts" lacks '^svc status2?: .*\.log'
check "svc stop $RESTART: exit 0" has '^svc stop rc=0$'
check "svc stop sent SIGTERM to $RESTART's collector (no staprun -d: it holds the channel)" \
	sh -c "grep -Eq '^svclog: .*Exec: kill -TERM [0-9]+\$' '$WORK/e2e.txt' && ! grep -Eq '^svclog: .*staprun -d $RESTART\$' '$WORK/e2e.txt'"
check "$RESTART's collector ended and unloaded it: state stopped" has "^state2 $RESTART: module stopped\$"
check "the collector logged it: ended and unloaded" has "^kmsg2?: .*$RESTART: stopped \(SIGTERM: systemtap-service stop\): ended and unloaded"
part '^after stop:' '^svc start' >"$WORK/stopped.txt"
check "after stop: $RESTART unloaded, e2e_exec still loaded" \
	sh -c "! grep -qx 'module $RESTART' '$WORK/stopped.txt' && grep -qx 'module e2e_exec' '$WORK/stopped.txt'"
check "svc start $RESTART (staprun -L): exit 0" has '^svc start rc=0$'
part '^after start:' '^svc status2' >"$WORK/started.txt"
check "after start: $RESTART loaded again" grep -qx "module $RESTART" "$WORK/started.txt"
check "svc start ran the real staprun -L on the cached module" \
	has "^svclog: .*Exec: [^ ]*staprun -L /var/cache/systemtap/$KVER/$RESTART\\.ko\$"
check "after start: its srvstat reads running" grep -qx "proc $RESTART/srvstat: running" "$WORK/started.txt"
check "after start: its probes fire again" positive "proc $RESTART/forks" "$WORK/started.txt"
check "svc status after start: $RESTART is running" has "^svc status2: $RESTART is running\\.\\.\\.\$"

# ---- kernel B, after a kernel update ---------------------------------------------------------
EB=$WORK/e2e-b.txt
SB=$KU_CACHE/$KVER_B/onboot
check "$KVER_B's image from dracut alone had no onboot scripts" lacks ' usr/lib/stap-onboot/' "$WORK/boot-b-before.list"
check "onboot --refresh --image -r $KVER_B: exit 0" sh -c "[ $refresh_b_rc -eq 0 ]"
check "$KVER_B's snapshot lists $B_SCRIPTS, kernel $KVER_B" \
	sh -c "grep -qx 'kernel $KVER_B' '$SB/manifest' && grep -q '^script $B_SCRIPTS ' '$SB/manifest'"
lsinitrd "$IMG_B" >"$WORK/boot-b.list" 2>&1 || true
for s in $B_SCRIPTS; do
	lsinitrd -f "usr/lib/stap-onboot/$s.ko" "$IMG_B" >"$WORK/b-$s.ko" 2>/dev/null || true
	check "$s.ko in $KVER_B's rebuilt image is built for $KVER_B (vermagic), as in the snapshot" \
		sh -c "modinfo -F vermagic '$WORK/b-$s.ko' | grep -q '^$KVER_B ' && cmp -s '$WORK/b-$s.ko' '$SB/$s.ko'"
done
lsinitrd -f usr/lib/stap-onboot/manifest "$IMG_B" >"$WORK/manifest-b.image" 2>/dev/null || true
check "$KVER_B's image holds its snapshot's manifest" cmp -s "$SB/manifest" "$WORK/manifest-b.image"
check "onboot --status: exit 0, $KVER_B starts $B_SCRIPTS, its image holds the snapshot" \
	sh -c "[ $status_b_rc -eq 0 ] && grep -q '^$KVER_B: $B_SCRIPTS\$' '$WORK/status-b.out' &&
		grep -q '^  image: $IMG_B holds this snapshot\$' '$WORK/status-b.out' &&
		! grep -q 'kernel not installed' '$WORK/status-b.out'"
check "the guest of $KVER_B powered itself off (qemu exit $boot_b_rc)" \
	sh -c "[ $boot_b_rc -eq 0 ] && tr -d '\\r' <'$WORK/console-b.log' | grep -q 'reboot: Power down'"
check "$KVER_B: the test hook ran at pre-mount and finished" \
	sh -c "grep -qx 'begin kernel $KVER_B' '$EB' && grep -qx end '$EB'"
check "$KVER_B: no kernel BUG/Oops/warning on the console" \
	sh -c "! tr -d '\\r' <'$WORK/console-b.log' | grep -Eq 'BUG:|Oops|Call Trace|WARNING: CPU|general protection'"
check "$KVER_B: loader armed e2e_exec" has "${L}e2e_exec: armed" "$EB"
check "$KVER_B: loader summary 1 armed, 0 failed" has "${L}1 armed, .*0 failed" "$EB"
check "$KVER_B: e2e_exec counted execs before root was mounted" positive 'proc e2e_exec/execs' "$EB"

# shellcheck source=tests/e2e/scripts/e2e-checks-modes.sh
. "$E2E/scripts/e2e-checks-modes.sh"
# shellcheck source=tests/e2e/scripts/e2e-checks-systemd.sh
. "$E2E/scripts/e2e-checks-systemd.sh"

# ---- benchmarks ---------------------------------------------------------------------------
# Kernel-log timestamps, from the loader's start to each script's outcome. The start is the
# loader's "starting ..." line when it logs one, else its summary line's time minus the run
# time that line reports.
echo "benchmark: time from the loader's start to each script's outcome (kernel-log timestamps, TCG)"
sed -n 's/^kmsg: \[ *\([0-9.]*\)\] stap-early-loader: \(.*\)$/\1 \2/p' "$WORK/e2e.txt" >"$WORK/loader.txt"
awk '
	/^[0-9.]+ [Ss]tarting[: ]/ && !start { start = $1 * 1000 }
	/ armed, .* failed, .*ms\)$/ { d = $(NF - 1); gsub(/[()]/, "", d); end = $1 * 1000; total = d }
	/^[0-9.]+ [A-Za-z0-9_]+: (armed|failed|finished)/ { t[++n] = $1 * 1000; what[n] = $2 " " $3 }
	END {
		if (!total) { print "    (no summary line from the loader)"; exit }
		how = "its \"starting\" line"
		if (!start) { start = end - total; how = "its summary line - the " total " ms it reports" }
		for (i = 1; i <= n; i++) {
			split(what[i], w, " "); sub(":$", "", w[1])
			printf "    %-12s %-8s at +%5.0f ms\n", w[1], w[2], t[i] - start
		}
		printf "    all done     at +%5.0f ms (loader start: %s)\n", end - start, how
	}
' "$WORK/loader.txt"

# Boot times on the kernel's clock (TCG): Run /init, the loader's first line, power-off; and
# qemu's wall time (the shell hook boot shares the host with two others, the systemd ones with
# each other).
echo "benchmark: boot times of kernel $KVER (kernel clock, TCG, 1 vCPU; qemu wall time)"
for fl in "shell:$WORK/console.log" "shell-hook:$WORK/console-hook.log" \
	"systemd:$SD/console.log" "systemd-hook:$SD/console-hook.log"; do
	tr -d '\r' <"${fl#*:}" 2>/dev/null | awk -v name="${fl%%:*}" -v wall="$(cat "${fl#*:}.ms" 2>/dev/null)" '
		function t() { s = $0; sub(/^\[ */, "", s); sub(/\].*/, "", s); return s + 0 }
		/^\[ *[0-9.]+\] Run \/init as init process/ { init = t() }
		/^\[ *[0-9.]+\] stap-early-loader: starting/ && !ld { ld = t() }
		/^\[ *[0-9.]+\] reboot: Power down/ { off = t() }
		END {
			printf "    %-12s Run /init %5.2f s, loader start %5.2f s (+%.2f s), power-off %5.2f s; qemu %5.1f s\n",
				name, init, ld, ld - init, off, wall / 1000
		}'
done
echo "    systemd image built by onboot -o in $((SD_BUILD_MS / 1000)).$(((SD_BUILD_MS % 1000) / 100)) s"

size() { wc -c <"$1" | tr -d ' '; }
gz() { gzip -6 -c "$1" | wc -c | tr -d ' '; }
plain_b=$(size "$plain")
with_b=$(size "$WORK/bench.img")
ko_b=0
for s in e2e_exec e2e_dep e2e_boom e2e_foreign; do
	ko_b=$((ko_b + $(size "$KCACHE/$s.ko")))
done
growth=$((with_b - plain_b))
echo "benchmark: image size (dracut -m base, uncompressed cpio; gzip -6 in brackets)"
echo "    plain (onboot, no scripts): $plain_b bytes [$(gz "$plain")]"
echo "    with the 4 onboot scripts:  $with_b bytes [$(gz "$WORK/bench.img")]"
echo "    growth: $growth bytes = $ko_b in .ko files + $((growth - ko_b)) other" \
	"(loader $(size "$BUILD/stap-early-loader"), manifest, hook, cpio headers)"

echo "e2e: $passed checks passed, $failed failed ($((($(now_ms) - E2E_T0) / 1000)) s)"
mkdir -p "$BUILD/test-results"
if [ "$failed" -ne 0 ]; then
	echo "0 1" >"$BUILD/test-results/e2e"
	echo "---- serial console ($WORK/console.log) ----"
	tr -d '\r' <"$WORK/console.log"
	for c in b hook crash hang; do
		echo "---- serial console $WORK/console-$c.log ----"
		tr -d '\r' <"$WORK/console-$c.log" 2>/dev/null || true
	done
	for c in "$SD/console.log" "$SD/console-hook.log" "$SD/console-crash.log" "$SD/console-hang.log"; do
		echo "---- serial console of the systemd flavour ($c) ----"
		tr -d '\r' <"$c" 2>/dev/null || true
	done
	echo "---- systemtap-service log ----"
	cat "$WORK/systemtap.log" 2>/dev/null || true
	exit 1
fi
echo "1 0" >"$BUILD/test-results/e2e"
