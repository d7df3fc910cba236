/* interrupt.c: SIGINT, SIGTERM and SIGHUP end a command cleanly; the children's groups are told. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "interrupt.h"
#include "log.h"
#include "macro.h"
#include "timelimit.h"

static const int handled[] = {SIGINT, SIGTERM, SIGHUP};

static volatile sig_atomic_t first_signal;
/* Pids of the unreaped children (0: free slot); the handler reads slots [0, used). */
static volatile sig_atomic_t children[INTERRUPT_MAX_CHILDREN];
static volatile sig_atomic_t used;

/* Signals the process group of every unreaped child (the child alone if it has none). */
static void signal_children(int sig)
{
	for (sig_atomic_t i = 0; i < used; i++) {
		pid_t pid = (pid_t)children[i];

		if (pid > 0 && kill(-pid, sig) < 0)
			kill(pid, sig);
	}
}

static void on_signal(int sig)
{
	int saved_errno = errno;

	if (first_signal == 0) {
		first_signal = sig;
		signal_children(SIGTERM);
	} else {
		signal_children(SIGKILL);
	}
	errno = saved_errno;
}

int interrupt_install(void)
{
	struct sigaction sa = {.sa_handler = on_signal}; /* no SA_RESTART: waits wake up */

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ELEMENTSOF(handled); i++)
		sigaddset(&sa.sa_mask, handled[i]);
	for (size_t i = 0; i < ELEMENTSOF(handled); i++) {
		struct sigaction old;

		if (sigaction(handled[i], NULL, &old) < 0)
			return -errno;
		if (old.sa_handler == SIG_IGN)
			continue;
		if (sigaction(handled[i], &sa, NULL) < 0)
			return -errno;
	}
	return 0;
}

int interrupted(void)
{
	return first_signal;
}

int interrupt_report(int sig)
{
	const char *name = sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP";

	log_error("Interrupted by signal %d (%s)", sig, name);
	return 128 + sig;
}

void interrupt_block(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < ELEMENTSOF(handled); i++)
		sigaddset(&set, handled[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

void interrupt_unblock(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

int interrupt_add_child(pid_t pid)
{
	for (sig_atomic_t i = 0; i < INTERRUPT_MAX_CHILDREN; i++) {
		if (children[i] != 0)
			continue;
		children[i] = pid;
		if (used <= i)
			used = i + 1;
		return 0;
	}
	return -EAGAIN;
}

void interrupt_reset_in_child(void)
{
	for (size_t i = 0; i < ELEMENTSOF(handled); i++) {
		struct sigaction old;

		if (sigaction(handled[i], NULL, &old) == 0 && old.sa_handler == on_signal)
			signal(handled[i], SIG_DFL);
	}
}

static void forget_child(pid_t pid)
{
	timelimit_forget(pid);
	for (sig_atomic_t i = 0; i < used; i++)
		if (children[i] == pid)
			children[i] = 0;
}

pid_t interrupt_reap(pid_t pid, int *ret_status, int flags)
{
	siginfo_t si;
	int status;
	pid_t got;

	for (;;) {
		/* WNOWAIT: the child stays a zombie, its pid taken, while we forget it. */
		memset(&si, 0, sizeof(si));
		if (waitid(pid > 0 ? P_PID : P_ALL, pid > 0 ? (id_t)pid : 0, &si,
			   WEXITED | WNOWAIT | (flags & WNOHANG)) == 0)
			break;
		if (errno != EINTR)
			return -errno;
	}
	if (si.si_pid == 0)
		return 0;
	forget_child(si.si_pid);
	while ((got = waitpid(si.si_pid, &status, 0)) < 0)
		if (errno != EINTR)
			return -errno;
	if (ret_status)
		*ret_status = status;
	return got;
}
