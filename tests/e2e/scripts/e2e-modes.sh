# e2e-modes.sh: sourced by run.sh after kernel A's main boot (earliest mode: /init is the
# loader). Boots the same image three more times, in parallel (TCG, one vCPU each):
#   hook   rd.systemtap.mode=hook: the loader runs from dracut's cmdline hook instead, as
#          upstream did; its trace must lack the programs earliest mode saw first;
#   crash  the test build of the loader (e2e_faults_image: build/stap-early-loader-faults
#          appended to the image), rd.systemtap.fault=crash: the loading child crashes
#          (SIGSEGV) at the end of its
#          run; with module.sig_enforce=1 the kernel refuses every unsigned module first
#          (EKEYREJECTED) and the loader says what to do;
#   hang   the same build, rd.systemtap.fault=hang rd.systemtap.timeout=2: the child hangs
#          after arming the scripts; PID 1 kills it after 2 s and the scripts keep running.
# Each boot must reach the test hook's report and power off. Checks: e2e-checks-modes.sh. The
# systemd flavour boots the same crash and hang (e2e_systemd_boot).
# Uses WORK, E2E_APPEND and e2e-lib.sh's e2e_faults_image, e2e_mode_boot, e2e_mode_lines.
# shellcheck shell=sh

e2e_faults_image "$WORK/boot.img" "$WORK/faults.img"
step "booting the image 3 more times in parallel: rd.systemtap.mode=hook, a crashing and a hanging loader"
# shellcheck disable=SC2086 # E2E_APPEND: words of the kernel command line
e2e_mode_boot "$WORK" hook "$WORK/boot.img" rd.systemtap.mode=hook ${E2E_APPEND:-}
# shellcheck disable=SC2086
e2e_mode_boot "$WORK" crash "$WORK/faults.img" $E2E_CRASH_CMDLINE ${E2E_APPEND:-}
# shellcheck disable=SC2086
e2e_mode_boot "$WORK" hang "$WORK/faults.img" $E2E_HANG_CMDLINE ${E2E_APPEND:-}
wait
for name in hook crash hang; do
	e2e_mode_lines "$WORK" "$name"
	step "$name boot: qemu exited with $(cat "$WORK/$name.rc" 2>/dev/null)"
done
