/* run.h: the one way the service runs programs: fork + execvp with an argv, never a shell. */
#pragma once
#include <sys/types.h>

/* How a finished child ended: its exit code, or 128 + signal number. */
int run_exit_code(int wait_status);

/* Starts argv[0] (PATH is searched when it has no slash) in cwd (NULL: ours), stdin from
 * /dev/null, stdout to out_fd and stderr to err_fd (-1: LOG_FILE, or /dev/null without one).
 * The child runs in its own process group, which interrupt.c signals when the service is
 * interrupted. Returns the pid, or a negative errno when it could not be started (exec failure
 * included: reported through a CLOEXEC pipe, never as a child exit code); -EINTR, starting
 * nothing, once the service was interrupted. */
pid_t run_spawn(char *const argv[], const char *cwd, int out_fd, int err_fd);
/* A time limit for one child (timelimit.h): when it is reached the child's process group gets
 * SIGTERM, then SIGKILL, and the wait returns -ETIME after log_error naming the program, what it
 * worked on, the limit and the setting that raises it:
 *   "stap (compiling script NAME) did not finish within 1800 s ... raise COMPILE_TIMEOUT ..."
 * seconds 0: no limit. The texts are copied when the child starts. */
struct run_limit {
	unsigned seconds;
	const char *setting; /* "COMPILE_TIMEOUT" */
	const char *subject; /* "compiling script NAME", "building IMAGE" */
};
/* run_spawn's flags: the child gets SIGTERM when the service dies, even by SIGKILL
 * (PR_SET_PDEATHSIG), so that nothing it started runs on for a run that is gone. */
#define RUN_DIE_WITH_PARENT 1
/* How a child starts: its directory (NULL: ours), stdin (-1: /dev/null), stdout and stderr
 * (-1: LOG_FILE, or /dev/null without one), RUN_DIE_WITH_PARENT or 0, "KEY=VALUE" words
 * added to the environment it inherits (NULL: none), never to the service's own, and its time
 * limit (NULL: none). */
struct run_opts {
	const char *cwd;
	int in_fd, out_fd, err_fd;
	int flags;
	char *const *env_add;
	const struct run_limit *limit;
};
/* The one way to start a child: as run_spawn, with everything in o. */
pid_t run_spawn_opts(char *const argv[], const struct run_opts *o);
/* Waits for pid; returns its exit code (>= 0) or a negative errno (-EINTR for a child that
 * failed after the service was interrupted, -ETIME for one its time limit ended). */
int run_wait(pid_t pid);
/* For a child reaped by the caller (interrupt_reap) with wait_status: as run_wait's result. */
int run_status(pid_t pid, int wait_status);
/* run_status and run_wait, but on -ETIME the message goes to *ret_note (newly allocated, for the
 * caller to report once its own line is complete) instead of the log; ret_note NULL: logged. */
int run_status_note(pid_t pid, int wait_status, char **ret_note);
int run_wait_note(pid_t pid, char **ret_note);
/* Logs "Exec: ...", runs argv with stdout+stderr appended to LOG_FILE, waits.
 * Returns the exit code (>= 0) or a negative errno. */
int run_logged(char *const argv[], const char *cwd);
/* run_logged with a time limit (NULL: none): -ETIME when it was reached, its message in
 * *ret_note as run_wait_note (ret_note NULL: logged). */
int run_logged_limited(char *const argv[], const char *cwd, const struct run_limit *limit,
		       char **ret_note);
/* Runs argv, captures stdout+stderr into *ret_output (NUL-terminated, may be NULL), also
 * appends them to LOG_FILE. Returns the exit code (>= 0) or a negative errno (-EINTR as
 * run_wait). */
int run_capture(char *const argv[], const char *cwd, char **ret_output);
/* run_capture with a time limit (NULL: none): -ETIME after its message when it was reached. */
int run_capture_limited(char *const argv[], const char *cwd, const struct run_limit *limit,
			char **ret_output);
