/* timelimit.c: SIGTERM, then SIGKILL, to the process group of a child past its time limit. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "strfmt.h"
#include "timelimit.h"

/* What the handler reads is only changed with SIGALRM blocked (or by the handler itself). */
enum stage {
	STAGE_RUNNING,	 /* at: its deadline */
	STAGE_TERM_SENT, /* at: when SIGKILL follows */
	STAGE_KILL_SENT, /* nothing more to do */
};
static volatile sig_atomic_t slot_pid[TIMELIMIT_MAX]; /* > 0 watched, < 0 reaped, 0 free */
static volatile sig_atomic_t slot_stage[TIMELIMIT_MAX];
static volatile long long slot_at[TIMELIMIT_MAX]; /* CLOCK_MONOTONIC milliseconds */
static char *slot_note[TIMELIMIT_MAX];		  /* never touched by the handler */
static volatile sig_atomic_t used;		  /* slots [0, used) may be taken */
static volatile sig_atomic_t grace_ms = TIMELIMIT_GRACE_MS;
static timer_t timer;
static bool prepared;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Arms the timer for the earliest pending action, or disarms it. Async-signal-safe. */
static void arm_next(void)
{
	long long next = LLONG_MAX;
	struct itimerspec its = {{0, 0}, {0, 0}};

	if (!prepared)
		return;
	for (sig_atomic_t i = 0; i < used; i++)
		if (slot_pid[i] > 0 && slot_stage[i] != STAGE_KILL_SENT && slot_at[i] < next)
			next = slot_at[i];
	if (next != LLONG_MAX) {
		/* An absolute time of 0 would disarm: the first millisecond of boot is long gone.
		 */
		its.it_value.tv_sec = (time_t)(next / 1000);
		its.it_value.tv_nsec = (long)(next % 1000) * 1000000L;
	}
	timer_settime(timer, TIMER_ABSTIME, &its, NULL);
}

static void on_alarm(int sig)
{
	int saved_errno = errno;
	long long now = now_ms();

	(void)sig;
	for (sig_atomic_t i = 0; i < used; i++) {
		pid_t pid = (pid_t)slot_pid[i];
		int s;

		if (pid <= 0 || slot_stage[i] == STAGE_KILL_SENT || now < slot_at[i])
			continue;
		s = slot_stage[i] == STAGE_RUNNING ? SIGTERM : SIGKILL;
		if (kill(-pid, s) < 0)
			kill(pid, s);
		slot_stage[i] = slot_stage[i] + 1;
		slot_at[i] = s == SIGTERM ? now + grace_ms : LLONG_MAX;
	}
	arm_next();
	errno = saved_errno;
}

static void block_alarm(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_BLOCK, &set, old);
}

static void restore_mask(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

int timelimit_prepare(void)
{
	struct sigaction sa = {.sa_handler = on_alarm, .sa_flags = SA_RESTART};
	struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGALRM};
	sigset_t unblock;

	if (prepared)
		return 0;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) < 0)
		return -errno;
	if (timer_create(CLOCK_MONOTONIC, &ev, &timer) < 0)
		return -errno;
	/* A parent may have started us with SIGALRM blocked: the limits must still work. */
	sigemptyset(&unblock);
	sigaddset(&unblock, SIGALRM);
	sigprocmask(SIG_UNBLOCK, &unblock, NULL);
	prepared = true;
	return 0;
}

/* The slot of pid (watched or reaped), or -1. */
static int find(pid_t pid)
{
	for (sig_atomic_t i = 0; i < used; i++)
		if (slot_pid[i] == pid || slot_pid[i] == -pid)
			return (int)i;
	return -1;
}

static void release(int i)
{
	free(slot_note[i]);
	slot_note[i] = NULL;
	slot_pid[i] = 0;
	while (used > 0 && slot_pid[used - 1] == 0)
		used = used - 1;
}

int timelimit_watch(pid_t pid, unsigned seconds, char *note)
{
	sigset_t old;
	int slot = -1;

	block_alarm(&old);
	/* A reaped pid nobody took is stale once the kernel hands the pid out again. */
	slot = find(pid);
	if (slot >= 0)
		release(slot);
	for (int i = 0; i < TIMELIMIT_MAX && slot < 0; i++)
		if (slot_pid[i] == 0)
			slot = i;
	if (slot < 0) {
		restore_mask(&old);
		free(note);
		return -EAGAIN;
	}
	slot_note[slot] = note;
	slot_stage[slot] = STAGE_RUNNING;
	slot_at[slot] = now_ms() + (long long)seconds * 1000;
	slot_pid[slot] = pid;
	if (used <= slot)
		used = slot + 1;
	arm_next();
	restore_mask(&old);
	return 0;
}

void timelimit_forget(pid_t pid)
{
	sigset_t old;
	int i;

	if (pid <= 0)
		return;
	block_alarm(&old);
	i = find(pid);
	if (i >= 0 && slot_pid[i] == pid) {
		/* Kept, as reaped, only when there is something to report. */
		if (slot_stage[i] == STAGE_RUNNING)
			release(i);
		else
			slot_pid[i] = -pid;
		arm_next();
	}
	restore_mask(&old);
}

bool timelimit_expired(pid_t pid)
{
	sigset_t old;
	bool expired;
	int i;

	block_alarm(&old);
	i = find(pid);
	expired = i >= 0 && slot_stage[i] != STAGE_RUNNING;
	restore_mask(&old);
	return expired;
}

bool timelimit_take(pid_t pid, char **ret_note)
{
	bool expired = false;
	sigset_t old;
	int i;

	if (ret_note)
		*ret_note = NULL;
	block_alarm(&old);
	i = find(pid);
	if (i >= 0) {
		expired = slot_stage[i] != STAGE_RUNNING;
		if (ret_note) {
			*ret_note = slot_note[i];
			slot_note[i] = NULL;
		}
		release(i);
		arm_next();
	}
	restore_mask(&old);
	return expired;
}

void timelimit_set_grace_ms(unsigned ms)
{
	grace_ms = (sig_atomic_t)ms;
}

char *timelimit_note(const char *program, unsigned seconds, const char *setting,
		     const char *subject)
{
	const char *base = strrchr(program, '/');

	return strdup_printf("%s (%s) did not finish within %u s and was killed with its process "
			     "group; if it needs longer, raise %s (seconds, 0: no limit) in the "
			     "config",
			     base ? base + 1 : program, subject ? subject : "no subject", seconds,
			     setting ? setting : "its time limit");
}
