#!/bin/sh
# bench/boot.sh (make bench): how long the onboot scripts take to start at boot, upstream's way
# against the loader's, on the real kernel in QEMU (TCG). Prints figures; not a test (it fails
# only when it cannot measure). Builds ONE image with `systemtap-service onboot -o` holding
# three scripts (two tracepoints, tests/e2e/stp/e2e_exec.stp and e2e_dep.stp, and a 100 ms
# timer, bench/stp/bench_timer.stp), and, from the bench-only dracut module
# bench/dracut/99stap-onboot-bench, upstream's way of starting them: staprun + stapio, each
# cached module at /var/cache/systemtap/KVER/NAME.ko and upstream's cmdline/01 hook running
# `staprun -L` per module. Boots that image BENCH_BOOTS times (3) each way, the ways taking
# turns:
#   (a) staprun  upstream's hook (bench.way=staprun; the loader off: rd.systemtap=0);
#   (b) hook     the loader in the cmdline/01 hook (rd.systemtap.mode=hook);
#   (c) early    the loader as PID 1 (earliest mode): when the image's /init is
#                stap-early-loader (lsinitrd), or with rdinit= when its manifest says
#                "mode hook"; otherwise the output says that way (c) is not available.
# The bench module's cmdline/99 hook waits for the run's end, prints the kernel log (printk
# times) on the serial console and powers off. From those times, per way, the median of:
#   start at     the kernel's "Run /init as init process" line -> the first start line;
#   whole start  first start line -> last module armed (staprun: the hook's mark before the
#                first staprun -> its mark after the last `staprun -L` returned; loader: its
#                "starting:" line, written after its exec and manifest read, a few ms, -> its
#                last "NAME: armed");
#   whole run    first start line -> the run's last line (the loader's summary);
#   all armed    "Run /init" -> the last module armed (per boot, then the median);
#   cost         what the boot waits for, from the start of the hook or of PID 1 to the real
#                init going on: staprun: its hook's mark before the first staprun -> after the
#                last; hook: the bench's cmdline/00 mark -> its mark at the start of the next
#                cmdline/01 hook (the loader's hook has returned); earliest: "Run /init" (the
#                kernel's line before it execs PID 1) -> PID 1's "handing over to /init.real"
#                (logged just before the exec);
#   hand-over    the last module armed -> the end of the cost (the loader waits for nothing
#                after the last STP_START reply; this is its exit and, as PID 1, the exec);
#   NAME         "Run /init" -> that module armed;
# the ratios loader/staprun of the whole start and of the cost, and the goals: the loader's
# cost <= 1/4 of staprun's; its hand-over <= 20 ms; in earliest mode every module armed
# within 500 ms of "Run /init". Then the floor: the kernel's own part of the loader's cost
# (init_module and the STP_START write, summed from its "armed in" lines), the same work
# staprun's modules cost the kernel, as a ratio of staprun's cost.
# Environment: BENCH_WAYS (default "staprun hook early") boots only those ways;
# BENCH_ONBOOT_BUFSIZE=N builds the image with ONBOOT_BUFSIZE=N (0: the modules' own default
# relay buffer, as staprun -L gives them: the like-for-like comparison).
# Usage: bench/boot.sh [--from WORKDIR]: --from prints the table again from the console logs
# of a kept run, without booting.
# Environment: KVER, E2E_CACHE (the boot test's module cache, kept), BENCH_BOOTS,
# BOOT_TIMEOUT, BENCH_KEEP=1 keeps the work directory (console logs), BENCH_APPEND: more
# kernel command line for every boot.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/e2e/scripts/e2e-lib.sh
. "$TOP/tests/e2e/scripts/e2e-lib.sh"
# shellcheck source=tests/lib.sh
. "$TOP/tests/lib.sh"
set -eu

BOOTS=${BENCH_BOOTS:-3}
SCRIPTS="e2e_exec e2e_dep bench_timer"
GOAL_RATIO=0.25
GOAL_HANDOVER_MS=20
GOAL_EARLY_MS=500
E2E_T0=$(now_ms)

# cmdline WAY: the kernel command line of that way.
cmdline() {
	case $1 in
	staprun) echo "rd.systemtap=0 bench.way=staprun" ;;
	hook) echo "rd.systemtap.mode=hook bench.way=hook" ;;
	early) echo "bench.way=early $EARLY_ARGS" ;;
	esac
}

# figures WAY LOG: one line "WAY AT START RUN ALL COST HANDOVER A1 A2 A3" (ms; AT: "Run /init"
# -> the first start line, START: whole start, RUN: whole run, ALL: "Run /init" -> the last
# module armed, COST and HANDOVER: above, An: "Run /init" -> module n of SCRIPTS armed) from
# the "BENCH: " lines of a console log, or "WAY fail REASON". First occurrences count: a loader
# that runs twice (PID 1, then the cmdline hook finding the work done) is timed by its first run.
figures() {
	tr -d '\r' <"$2" | sed -n 's/^.*BENCH: //p' | awk -v way="$1" -v scripts="$SCRIPTS" '
		function t(line) { sub(/^\[ */, "", line); sub(/\].*/, "", line); return line * 1000 }
		function first(v, line) { return v != "" ? v : t(line) }
		BEGIN {
			n = split(scripts, name, " ")
			who = way == "staprun" ? "] stap-bench: staprun: " : "] stap-early-loader: "
		}
		/^\[ *[0-9.]+\] Run .* as init process/ { run = first(run, $0) }
		index($0, who "starting: ") { start = first(start, $0) }
		way == "staprun" && index($0, who "done") { end = first(end, $0) }
		way != "staprun" && /\] stap-early-loader: [0-9]+ armed, / { end = first(end, $0) }
		way == "staprun" && index($0, "] stap-bench: staprun: done") { cend = first(cend, $0) }
		way == "hook" && index($0, "] stap-bench: hook: starting") { cstart = first(cstart, $0) }
		way == "hook" && index($0, "] stap-bench: hook: returned") { cend = first(cend, $0) }
		way == "early" && index($0, "] stap-early-loader: handing over to ") { cend = first(cend, $0) }
		{
			for (i = 1; i <= n; i++)
				if (index($0, who name[i] ": armed") && armed[i] == "") {
					armed[i] = t($0)
					if (match($0, /init_module and STP_START [0-9]+ ms/))
						kernel += substr($0, RSTART + 26, RLENGTH - 29)
				}
		}
		END {
			if (run == "") { print way, "fail", "no \"Run /init\" line"; exit }
			if (start == "") { print way, "fail", "no start line"; exit }
			last = start
			for (i = 1; i <= n; i++) {
				if (armed[i] == "") { print way, "fail", name[i], "not armed"; exit }
				if (armed[i] > last) last = armed[i]
			}
			if (way == "staprun") cstart = start
			if (way == "early") cstart = run
			if (cstart == "" || cend == "") { print way, "fail", "no mark of the cost"; exit }
			line = sprintf("%s %.0f %.0f %.0f %.0f %.0f %.0f", way, start - run, last - start,
				(end == "" ? last : end) - start, last - run, cend - cstart, cend - last)
			for (i = 1; i <= n; i++) line = line sprintf(" %.0f", armed[i] - run)
			print line sprintf(" %.0f", kernel)
		}'
}

# table: the side-by-side table of $WORK/figures and the goals.
table() {
	EARLY_NOTE=$(cat "$WORK/early-note" 2>/dev/null || :)
	echo
	echo "Onboot scripts at boot, kernel $KVER, QEMU/TCG 1 vCPU, $(cat "$WORK/boots" 2>/dev/null ||
		echo ?) boots a way, median ms"
	echo "(from printk times; start at, all armed and the scripts' columns: from the kernel's"
	echo "\"Run /init as init process\"; whole start: first start line -> last module armed;"
	echo "whole run: -> the run's last line; cost: the hook's or PID 1's start -> the real init"
	echo "going on; hand-over: last module armed -> that). TCG time follows the host's load: load average"
	echo "$(cat "$WORK/load" 2>/dev/null || echo ?)."
	echo "Relay buffers: staprun -L gives each module its own default (stap: 16 MB a CPU); the"
	echo "loader gives it the manifest's bufsize (0: that default; ONBOOT_BUFSIZE without -s):" \
		"$(sed -n 's/^script \([^ ]*\) .*bufsize=\([0-9]*\).*/\1 \2 MB/p' "$WORK/manifest" 2>/dev/null |
			paste -sd, - | sed 's/,/, /g')."
	awk -v scripts="$SCRIPTS" -v ways="staprun hook early" -v goal_ratio="$GOAL_RATIO" \
		-v goal_early="$GOAL_EARLY_MS" -v goal_handover="$GOAL_HANDOVER_MS" -v early_note="$EARLY_NOTE" '
		function median(list,    a, k, m, j, x) {
			k = split(list, a, " ")
			for (m = 2; m <= k; m++) {
				x = a[m] + 0
				for (j = m - 1; j >= 1 && a[j] + 0 > x; j--) a[j + 1] = a[j]
				a[j + 1] = x
			}
			return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
		}
		BEGIN {
			n = split(scripts, name, " ")
			label["staprun"] = "(a) staprun -L, cmdline hook"
			label["hook"] = "(b) loader, cmdline hook"
			label["early"] = "(c) loader, earliest mode"
		}
		$2 == "fail" { fails[$1]++; next }
		{
			ok[$1]++
			at[$1] = at[$1] " " $2
			ws[$1] = ws[$1] " " $3
			wr[$1] = wr[$1] " " $4
			all[$1] = all[$1] " " $5
			cost[$1] = cost[$1] " " $6
			hand[$1] = hand[$1] " " $7
			for (i = 1; i <= n; i++) arm[$1, i] = arm[$1, i] " " $(7 + i)
			if ($1 != "staprun") kern = kern " " $(8 + n)
		}
		END {
			hdr = sprintf("%-30s %5s %9s %12s %10s %10s %7s %10s", "way", "boots", "start at", "whole start", "whole run", "all armed", "cost", "hand-over")
			for (i = 1; i <= n; i++) hdr = hdr sprintf(" %11s", name[i])
			print hdr sprintf(" %10s %10s", "vs staprun", "cost vs")
			nw = split(ways, w, " ")
			for (k = 1; k <= nw; k++) {
				y = w[k]
				if (!ok[y]) {
					if (y == "early" && early_note != "") printf "%-30s %s\n", label[y], "not available (see below)"
					else if (fails[y]) printf "%-30s %5s %s\n", label[y], "0/" fails[y], "no boot measured"
				else printf "%-30s %s\n", label[y], "not measured"
					continue
				}
				med[y] = median(ws[y])
				worst[y] = median(all[y])
				mcost[y] = median(cost[y])
				mhand[y] = median(hand[y])
				line = sprintf("%-30s %5s %9d %12d %10d %10d %7d %10d", label[y], ok[y] (fails[y] ? "/" ok[y] + fails[y] : ""),
					median(at[y]), med[y], median(wr[y]), worst[y], mcost[y], mhand[y])
				for (i = 1; i <= n; i++) line = line sprintf(" %11d", median(arm[y, i]))
				if (y != "staprun" && ok["staprun"])
					line = line sprintf(" %9.2fx %9.2fx", med[y] / median(ws["staprun"]),
						mcost[y] / median(cost["staprun"]))
				print line
			}
			print ""
			print "Goals:"
			for (k = 2; k <= nw; k++) {
				y = w[k]
				if (!ok[y] || !ok["staprun"]) continue
				r = mcost[y] / mcost["staprun"]
				printf "  %-26s cost %d ms vs staprun %d ms = %.2fx, goal <= %.2fx: %s\n",
					label[y], mcost[y], mcost["staprun"], r, goal_ratio, (r <= goal_ratio ? "MET" : "NOT MET")
				printf "  %-26s hand-over %d ms after the last module armed, goal <= %d ms: %s\n",
					label[y], mhand[y], goal_handover, (mhand[y] <= goal_handover ? "MET" : "NOT MET")
			}
			if (ok["early"])
				printf "  %-26s last module armed %d ms after \"Run /init\", goal <= %d ms: %s\n",
					label["early"], worst["early"], goal_early, (worst["early"] <= goal_early ? "MET" : "NOT MET")
			else
				printf "  %-26s goal: every module armed <= %d ms after \"Run /init\": %s\n",
					label["early"], goal_early, (early_note != "" ? "not measured (earliest mode not available)" : "not measured")
			if (early_note != "") print "  " early_note
			if (kern != "" && ok["staprun"]) {
				k = median(kern)
				printf "The floor: what the kernel itself spends on the three modules (init_module and the\n"
				printf "STP_START write, from the loader lines \"armed in\", median over its boots) is %d ms =\n", k
				printf "%.2fx of the staprun cost, whatever a loader does; the loader work is the rest.\n",
					k / mcost["staprun"]
			}
		}' "$WORK/figures"
}

# --from WORKDIR: the table again from the console logs a run kept (BENCH_KEEP=1), no boot.
if [ "${1:-}" = --from ]; then
	WORK=${2:?usage: bench/boot.sh [--from WORKDIR]}
	: >"$WORK/figures"
	for log in "$WORK"/console-*-*.log; do
		way=${log##*/console-}
		figures "${way%-*}" "$log" >>"$WORK/figures"
	done
	table
	exit 0
fi

missing=
for pair in stap:systemtap staprun:systemtap-runtime dracut:dracut lsinitrd:dracut-core \
	qemu-system-x86_64:qemu-system-x86 timeout:coreutils; do
	command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair#*:}(${pair%%:*})"
done
STAPIO=$(stapio_path)
[ -n "$STAPIO" ] || missing="$missing systemtap-runtime(stapio)"
[ -n "$KVER" ] && [ -r "/boot/vmlinuz-$KVER" ] || missing="$missing linux-image-amd64(/boot/vmlinuz-$KVER)"
[ -d "/lib/modules/$KVER/build" ] || missing="$missing linux-headers-$KVER"
[ -z "$missing" ] || e2e_die "bench/boot.sh: missing packages:$missing; run 'make deps' as root"
for f in "$BUILD/systemtap-service" "$BUILD/stap-early-loader"; do
	[ -x "$f" ] || e2e_die "bench/boot.sh: $f is not built (run make)"
done

WORK=$(mktemp -d /tmp/stap-onboot-bench.XXXXXX)
if [ "${BENCH_KEEP:-0}" = 1 ]; then
	trap 'echo "bench: work directory kept: $WORK"' EXIT
else
	trap 'rm -rf "$WORK"' EXIT
fi

# ---- the image: onboot -o with the bench module -------------------------------------------
# A private module cache, seeded from the boot test's (E2E_CACHE, kept between runs) and
# written back to it: other runs that share E2E_CACHE, and their cleanup of temp files, never
# touch this run's files.
SHARED=$E2E_CACHE/service/$KVER
CACHE=$WORK/cache
KCACHE=$CACHE/$KVER
mkdir -p "$WORK/script.d" "$WORK/conf.d" "$WORK/run" "$WORK/tmp" "$WORK/boot" "$KCACHE" "$SHARED"
for s in $SCRIPTS; do
	if [ -f "$SHARED/$s.ko" ] && [ -f "$SHARED/$s.opts" ]; then
		cp -p "$SHARED/$s.ko" "$SHARED/$s.opts" "$KCACHE/"
	fi
done
# The cache check compares the .stp's mtime with the .ko's: keep the sources' one.
cp -p "$TOP/tests/e2e/stp/e2e_exec.stp" "$TOP/tests/e2e/stp/e2e_dep.stp" \
	"$TOP/bench/stp/bench_timer.stp" "$WORK/script.d/"
rt=$(stap_runtime_opt "$KVER")
for s in $SCRIPTS; do
	echo "${s}_OPT='$rt'"
done >"$WORK/conf.d/bench.conf"
e2e_dracut_base "$WORK" "" "" "" ""
bmod=$dracutbasedir/modules.d/99stap-onboot-bench
cp -a "$TOP/bench/dracut/99stap-onboot-bench" "$bmod"
{
	echo "STAPRUN=\"$(command -v staprun)\""
	echo "STAPIO=\"$STAPIO\""
	echo "CACHE_PATH=\"/var/cache/systemtap/$KVER\""
	echo "BENCH_KODIR=\"$KCACHE\""
	echo "LOG_BOOT_ERR=\"1\""
	echo "ONBOOT_SCRIPTS=\"$SCRIPTS\""
	for s in $SCRIPTS; do
		echo "${s}_OPT=\"-L\""
	done
} >"$bmod/params.conf"
# shellcheck disable=SC2046 # no line, or one
e2e_write_config "$WORK/config" "$CACHE" " --add stap-onboot-bench" \
	$(test -z "${BENCH_ONBOOT_BUFSIZE:-}" || echo "ONBOOT_BUFSIZE=$BENCH_ONBOOT_BUFSIZE")
IMG=$WORK/bench.img
step "kernel $KVER: systemtap-service onboot -o bench.img $SCRIPTS (compiles what is not cached)"
# shellcheck disable=SC2086 # one word per script
"$BUILD/systemtap-service" onboot -o "$IMG" $SCRIPTS -r "$KVER" -c "$WORK/config" \
	>"$WORK/onboot.out" 2>&1 </dev/null || {
	cat "$WORK/onboot.out"
	e2e_die "bench/boot.sh: onboot failed"
}
for s in $SCRIPTS; do
	for f in "$s.ko" "$s.opts"; do
		cmp -s "$KCACHE/$f" "$SHARED/$f" && continue
		cp -p "$KCACHE/$f" "$SHARED/.$f.bench.$$" && mv -f "$SHARED/.$f.bench.$$" "$SHARED/$f"
	done
done
lsinitrd "$IMG" >"$WORK/image.list" 2>&1 || e2e_die "bench/boot.sh: lsinitrd $IMG failed"
for f in "$(command -v staprun)" "$STAPIO" /usr/sbin/stap-early-loader \
	"/var/cache/systemtap/$KVER/bench_timer.ko" /usr/lib/stap-onboot/manifest; do
	grep -q " ${f#/}\$" "$WORK/image.list" || e2e_die "bench/boot.sh: $f is not in the image"
done
# Way (c): an earliest-mode image has /init -> the loader; a hook-mode image of a loader that
# knows earliest mode (its manifest says "mode hook") gets there with rdinit=.
lsinitrd -f usr/lib/stap-onboot/manifest "$IMG" >"$WORK/manifest" 2>/dev/null || true
WAYS=${BENCH_WAYS:-"staprun hook early"}
EARLY_NOTE=
EARLY_ARGS=
if grep -q ' init -> .*stap-early-loader$' "$WORK/image.list"; then
	echo "    earliest mode: /init is stap-early-loader in the image"
elif grep -qx 'mode hook' "$WORK/manifest"; then
	EARLY_ARGS=rdinit=/usr/sbin/stap-early-loader
	echo "    earliest mode: a hook-mode image; way (c) boots it with $EARLY_ARGS"
else
	WAYS="staprun hook"
	EARLY_NOTE="(c) earliest mode: NOT AVAILABLE: the image's /init is not stap-early-loader (lsinitrd) and its manifest has no mode line: this loader has no earliest mode"
	echo "    $EARLY_NOTE"
fi
echo "$EARLY_NOTE" >"$WORK/early-note"

# ---- the boots ----------------------------------------------------------------------------
step "booting the image $BOOTS times each way ($WAYS), the ways taking turns (TCG: ~20 s a boot)"
LOAD0=$(cut -d ' ' -f 1 /proc/loadavg)
echo "$BOOTS" >"$WORK/boots"
i=1
while [ "$i" -le "$BOOTS" ]; do
	for way in $WAYS; do
		log=$WORK/console-$way-$i.log
		rc=0
		# shellcheck disable=SC2046,SC2086 # words of the kernel command line
		e2e_boot "$IMG" "$log" $(cmdline "$way") ${BENCH_APPEND:-} || rc=$?
		f=$(figures "$way" "$log")
		echo "$f" >>"$WORK/figures"
		echo "    boot $i $way (qemu exit $rc): $f"
	done
	i=$((i + 1))
done

echo "$LOAD0 before the boots, $(cut -d ' ' -f 1 /proc/loadavg) after ($(nproc) CPUs)" >"$WORK/load"
table
grep -q -v ' fail ' "$WORK/figures" || e2e_die "bench/boot.sh: no boot could be measured (BENCH_KEEP=1 keeps the console logs)"
step "done"
