/* onboot_dracut.h: running dracut, its output to LOG_FILE, its progress on a terminal. */
#pragma once
#include <stdbool.h>

#include "run.h"

/* How one dracut run ended (onboot_run_dracut). */
struct dracut_run {
	int status; /* dracut's exit code, or -ETIME when its time limit ended it */
	char *tail; /* its last lines, for a failure message (newly allocated; NULL: none) */
	char *note; /* with -ETIME: run.c's message (program, image, limit, setting) */
};

/* Runs argv (dracut) under limit (NULL: none) with stdout and stderr read through a pipe:
 * every line goes to LOG_FILE; with progress (-v on a terminal) the line `label` (already
 * printed) is followed by dracut's current stage ("Including module: base", from its
 * "*** ... ***" lines) and the elapsed time, erased again before returning.
 * SIGINT/SIGTERM/SIGHUP received meanwhile are passed on as SIGTERM to dracut's process group
 * (interrupt.h). env_add: "KEY=VALUE" words for dracut's environment (run_opts). 0 and *ret when
 * dracut ran to an end, -EINTR after a signal, -errno when it could not be run (after log_error).
 */
int onboot_run_dracut(char *const argv[], char *const env_add[], const struct run_limit *limit,
		      const char *label, bool progress, struct dracut_run *ret);
void dracut_run_free(struct dracut_run *d);
