/* supervise.c: fork, wait with a deadline, kill at the deadline. */
#include "supervise.h"

#include "sysseam.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Waits for pid until deadline (sysseam->now_ms() clock). 1 and *status when it ended, 0 at
 * the deadline. SIGCHLD must be blocked: sigtimedwait then sleeps until a child changes
 * state, without a handler and without a race between waitpid and the sleep. */
static int wait_until(pid_t pid, uint64_t deadline, const sigset_t *chld, int *status)
{
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		uint64_t now;
		struct timespec ts;

		if (r == pid)
			return 1;
		if (r < 0 && errno != EINTR)
			return 1; /* not our child any more (ECHILD): nothing left to wait for */
		now = sysseam->now_ms();
		if (now >= deadline)
			return 0;
		ts.tv_sec = (time_t)((deadline - now) / 1000);
		ts.tv_nsec = (long)((deadline - now) % 1000) * 1000000L;
		(void)sigtimedwait(chld, NULL, &ts);
	}
}

static void record_end(struct child_result *res, int status)
{
	if (WIFSIGNALED(status)) {
		res->end = CHILD_SIGNALED;
		res->code = WTERMSIG(status);
	} else {
		res->end = CHILD_EXITED;
		res->code = WEXITSTATUS(status);
	}
}

void supervise_run(int (*work)(void *), void *arg, unsigned limit_ms, struct child_result *res)
{
	uint64_t t0 = sysseam->now_ms();
	sigset_t chld, old;
	int status = 0;
	pid_t pid;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	pid = fork();
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		_exit(work(arg) & 0xff);
	}
	if (pid < 0) {
		*res = (struct child_result){.end = CHILD_NOT_RUN, .code = errno};
		sigprocmask(SIG_SETMASK, &old, NULL);
		return;
	}
	if (wait_until(pid, t0 + limit_ms, &chld, &status)) {
		record_end(res, status);
	} else {
		kill(pid, SIGKILL);
		res->code = -1;
		if (wait_until(pid, sysseam->now_ms() + SUPERVISE_KILL_GRACE_MS, &chld, &status)) {
			record_end(res, status);
			res->code = res->end == CHILD_SIGNALED ? res->code : -1;
		}
		res->end = CHILD_TIMED_OUT;
	}
	res->ms = sysseam->now_ms() - t0;
	sigprocmask(SIG_SETMASK, &old, NULL);
}
