/* supervise.h: run a piece of work in a child process under a hard time limit, so that PID 1
 * outlives whatever happens to it (crash, hang, a module that never returns). */
#pragma once
#include <stdint.h>

enum child_end {
	CHILD_EXITED,	 /* code: its exit status */
	CHILD_SIGNALED,	 /* code: the signal that ended it */
	CHILD_TIMED_OUT, /* killed at the limit (code: how it ended then, -1 still running) */
	CHILD_NOT_RUN,	 /* fork failed (code: errno) */
};

struct child_result {
	enum child_end end;
	int code;
	uint64_t ms; /* from fork to its end (or to giving up on it) */
};

/* How long a child killed at the limit is waited for before the caller goes on without it:
 * one stuck in the kernel (uninterruptible) cannot be reaped, and must not hold the boot. */
#define SUPERVISE_KILL_GRACE_MS 1000

/* Runs work(arg) in a child, whose exit status is work's return value, and waits at most
 * limit_ms for it; a child still running then gets SIGKILL and SUPERVISE_KILL_GRACE_MS more.
 * Never fails: every outcome is in *res. SIGCHLD is blocked while waiting and restored. */
void supervise_run(int (*work)(void *), void *arg, unsigned limit_ms, struct child_result *res);
