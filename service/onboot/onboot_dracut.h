/* onboot_dracut.h: running dracut, its output to LOG_FILE, its progress on a terminal. */
#pragma once
#include "run.h"

/* Runs argv (dracut) under limit (NULL: none; -ETIME when reached, run.c's message in
 * *ret_note, newly allocated, for the caller's report) with
 * stdout and stderr read through a pipe: every line goes to LOG_FILE; on a terminal the line
 * `label` (already printed) is followed by dracut's current stage ("Including module: base", from
 * its "*** ... ***" lines) and the elapsed time, erased again before returning.
 * SIGINT/SIGTERM/SIGHUP received meanwhile are passed on as SIGTERM to dracut's process group
 * (interrupt.h) and make the result -EINTR. Returns dracut's exit code (>= 0) or -errno; *ret_tail
 * (may be NULL) gets the last lines dracut printed, for the failure message (newly allocated, NULL
 * when none). env_add: "KEY=VALUE" words for dracut's environment (run_opts). */
int onboot_run_dracut(char *const argv[], char *const env_add[], const struct run_limit *limit,
		      const char *label, char **ret_tail, char **ret_note);
