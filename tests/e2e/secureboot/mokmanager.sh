# mokmanager.sh: sourced by tests/e2e/secureboot.sh after sb-lib.sh. Drives shim's MokManager
# over the serial console as a user at the keyboard would, to enroll the key that mokutil
# --import queued in the previous boot. OVMF mirrors the firmware console to the serial port
# and takes VT100 keys from it (ESC [ B: down). The screens, in order (shim 15.x and 16.x):
#   Shim UEFI key management   "Press any key to perform MOK management" (10 s countdown)
#   Perform MOK management     Continue boot / Enroll MOK / ...   -> down, Enter
#   [Enroll MOK]               View key 0 / Continue               -> down, Enter
#   Enroll the key(s)?         No / Yes                            -> down, Enter
#   Password:                  the password given to mokutil       -> typed, Enter
#   Perform MOK management     Reboot / ...                        -> Enter
# The reboot resets the machine; with -no-reboot QEMU then exits.
# shellcheck shell=sh

MOK_DOWN=$(printf '\033[B')
MOK_ENTER=$(printf '\r')
# Seconds to wait for each screen (firmware under TCG on a busy host is slow).
MOK_STEP_TIMEOUT=${MOK_STEP_TIMEOUT:-120}

# mok_expect TEXT: waits until TEXT shows on the serial console after what earlier steps
# consumed (mok_off bytes of mok_log); fails when QEMU is gone or after MOK_STEP_TIMEOUT.
mok_expect() {
	mok_end=$(($(now_ms) + MOK_STEP_TIMEOUT * 1000))
	while [ "$(now_ms)" -lt "$mok_end" ]; do
		mok_size=$(wc -c <"$mok_log")
		tail -c +$((mok_off + 1)) "$mok_log" | head -c $((mok_size - mok_off)) | sb_text >"$mok_dir.new"
		if grep -qF -- "$1" "$mok_dir.new"; then
			mok_off=$mok_size
			# The screen is drawn; let MokManager reach its key loop.
			sleep 0.5
			return 0
		fi
		# MokManager's error box: "ERROR", then the reason (e.g. Password doesn't match), the
		# words apart by runs of blanks where cursor moves were.
		mok_err=$(sed -n 's/   */|/g; s/.*|ERROR|\([^|]*\).*/\1/p' "$mok_dir.new" | head -n 1)
		if [ -n "$mok_err" ]; then
			MOK_DONE="$MOK_DONE (MokManager: ERROR $mok_err)"
			return 1
		fi
		[ -e "$mok_dir.rc" ] && return 1
		sleep 0.2
	done
	return 1
}

# mok_step NAME TEXT KEYS: waits for TEXT, then types KEYS; NAME goes into MOK_DONE.
mok_step() {
	mok_expect "$2" || return 1
	printf '%s' "$3" >&3
	MOK_DONE="$MOK_DONE $1"
}

# sb_mokmanager VARS ESP LOG PASSWORD: boots the ESP with VARS (which holds the request of
# mokutil --import), the serial console through a pipe: QEMU writes LOG.out (copied to LOG)
# and reads LOG.in, where the steps above type. Sets MOK_DONE (the steps taken, then why it stopped
# when a screen did not come) and returns 0 when all steps were taken and QEMU exited by
# itself (the reset), else 1 (QEMU is then killed).
sb_mokmanager() {
	mok_log=$3
	mok_dir=$3.serial
	mok_off=0
	MOK_DONE=
	rm -f "$mok_dir.in" "$mok_dir.out" "$mok_dir.rc" "$mok_dir.pid"
	mkfifo "$mok_dir.in" "$mok_dir.out"
	: >"$mok_log"
	mok_t0=$(now_ms)
	(
		r=0
		sb_qemu "$1" "$2" "pipe:$mok_dir" -pidfile "$mok_dir.pid" || r=$?
		echo "$r" >"$mok_dir.rc"
	) &
	mok_qemu=$!
	# Read and write ends of both FIFOs held open here (<>: an open that never blocks), so that
	# QEMU never waits for a reader and the reader sees no end before QEMU is gone.
	exec 3<>"$mok_dir.in"
	cat "$mok_dir.out" >"$mok_log" &
	mok_cat=$!
	mok_ok=1
	mok_step key "Press any key to perform MOK management" "$MOK_ENTER" &&
		mok_step "'Enroll MOK'" "Enroll key from disk" "$MOK_DOWN$MOK_ENTER" &&
		mok_step Continue "View key 0" "$MOK_DOWN$MOK_ENTER" &&
		mok_step Yes "Enroll the key(s)?" "$MOK_DOWN$MOK_ENTER" &&
		mok_step password "Password:" "$4$MOK_ENTER" &&
		mok_step Reboot "Reboot" "$MOK_ENTER" && mok_ok=0
	# After Reboot QEMU exits by itself; wait for that, else kill it.
	mok_end=$(($(now_ms) + 60000))
	while [ ! -e "$mok_dir.rc" ] && [ "$mok_ok" = 0 ] && [ "$(now_ms)" -lt "$mok_end" ]; do
		sleep 0.2
	done
	if [ ! -e "$mok_dir.rc" ]; then
		MOK_DONE="$MOK_DONE (QEMU killed)"
		mok_ok=1
		if [ -s "$mok_dir.pid" ]; then
			kill "$(cat "$mok_dir.pid")" 2>/dev/null || :
		fi
	fi
	wait "$mok_qemu" || :
	# cat ends when QEMU closes the FIFO; one that never saw QEMU open it still waits in open().
	if kill -0 "$mok_cat" 2>/dev/null; then
		sleep 1
		kill "$mok_cat" 2>/dev/null || :
	fi
	wait "$mok_cat" 2>/dev/null || :
	exec 3>&-
	echo $(($(now_ms) - mok_t0)) >"$mok_log.ms"
	[ "$(cat "$mok_dir.rc")" = 0 ] || mok_ok=1
	MOK_DONE=${MOK_DONE# }
	return "$mok_ok"
}
