# e2e-modes.sh: sourced by run.sh after kernel A's main boot (earliest mode: /init is the
# loader). Boots the same image three more times, in parallel (TCG, one vCPU each):
#   hook   rd.systemtap.mode=hook: the loader runs from dracut's cmdline hook instead, as
#          upstream did; its trace must lack the programs earliest mode saw first;
#   crash  the test build of the loader (build/stap-early-loader-faults, appended to the
#          image as a second cpio archive: the kernel unpacks both, the later file wins),
#          rd.systemtap.fault=crash: the loading child crashes (SIGSEGV) at the end of its
#          run; with module.sig_enforce=1 the kernel refuses every unsigned module first
#          (EKEYREJECTED) and the loader says what to do;
#   hang   the same build, rd.systemtap.fault=hang rd.systemtap.timeout=2: the child hangs
#          after arming the scripts; PID 1 kills it after 2 s and the scripts keep running.
# Each boot must reach the test hook's report and power off. Checks: e2e-checks-modes.sh.
# Uses WORK, BUILD, E2E_APPEND and e2e-lib.sh's e2e_boot, e2e_lines.
# shellcheck shell=sh

FAULTS_LOADER=$BUILD/stap-early-loader-faults
[ -x "$FAULTS_LOADER" ] || e2e_die "$FAULTS_LOADER is not built (make build/stap-early-loader-faults)"
rm -rf "$WORK/faults.tree"
mkdir -p "$WORK/faults.tree/usr/sbin"
cp "$FAULTS_LOADER" "$WORK/faults.tree/usr/sbin/stap-early-loader"
(cd "$WORK/faults.tree" && find usr | cpio -o -H newc --quiet) >"$WORK/faults.cpio"
cat "$WORK/boot.img" "$WORK/faults.cpio" >"$WORK/faults.img"

# mode_boot NAME IMG CMDLINE...: boots in the background; qemu's status in $WORK/NAME.rc.
mode_boot() {
	name=$1
	mimg=$2
	shift 2
	(
		r=0
		e2e_boot "$mimg" "$WORK/console-$name.log" "$@" || r=$?
		echo "$r" >"$WORK/$name.rc"
	) &
}

step "booting the image 3 more times in parallel: rd.systemtap.mode=hook, a crashing and a hanging loader"
# shellcheck disable=SC2086 # E2E_APPEND: words of the kernel command line
mode_boot hook "$WORK/boot.img" rd.systemtap.mode=hook ${E2E_APPEND:-}
# shellcheck disable=SC2086
mode_boot crash "$WORK/faults.img" rd.systemtap.fault=crash module.sig_enforce=1 ${E2E_APPEND:-}
# shellcheck disable=SC2086
mode_boot hang "$WORK/faults.img" rd.systemtap.fault=hang rd.systemtap.timeout=2 ${E2E_APPEND:-}
wait
for name in hook crash hang; do
	e2e_lines "$WORK/console-$name.log" >"$WORK/e2e-$name.txt"
	step "$name boot: qemu exited with $(cat "$WORK/$name.rc" 2>/dev/null)"
done
