/* collect_spawn.c: the loader starts a script's collector: a fork of itself that keeps the
 * control channel it opened and armed. No exec: the boot's trace shows no program of ours,
 * and the boot waits for a fork only. */
#include "collect.h"

#include "collect_proto.h"
#include "kmsg.h"
#include "sysseam.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The command line /proc/PID/cmdline shows: NUL-separated words. Static: PR_SET_MM wants it
 * in a mapping of the process. */
static char title[512];
/* The loader's argv[0], for the fallback '@' (collect_note_argv). */
static char *argv0;

void collect_note_argv(char **argv)
{
	argv0 = argv && argv[0] && argv[0][0] ? argv[0] : NULL;
}

/* A copy of fd at 10 or above (close-on-exec), where the moves below cannot clobber it. */
static int high(int fd)
{
	return fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 10);
}

static void close_from(int first)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)first, ~0U, 0) == 0)
		return;
#endif
	for (int fd = first; fd < 1024; fd++)
		close(fd);
}

/* Appends word and its NUL to title at *n. */
static void word(size_t *n, const char *w)
{
	size_t l = strlen(w) + 1;

	if (*n + l <= sizeof(title)) {
		memcpy(title + *n, w, l);
		*n += l;
	}
}

/* Makes the process's command line the collector's (collect_args.c reads the same words):
 * COLLECT_ARGV0 first, which systemd's killing sprees spare, and --collect NAME, by which
 * systemtap-service knows it. The loader's own argv (PID 1's "/init") has no room for it:
 * the kernel is pointed at title instead (PR_SET_MM, CAP_SYS_RESOURCE). 0 or -errno. */
static int set_title(const struct collect_args *a)
{
	char num[32], armed[64];
	unsigned long start = (unsigned long)title, end;
	size_t n = 0;

	word(&n, COLLECT_ARGV0);
	word(&n, COLLECT_OPTION);
	word(&n, a->name);
	word(&n, "--protocol");
	snprintf(num, sizeof(num), "%d", a->protocol);
	word(&n, num);
	word(&n, "--log-size");
	snprintf(num, sizeof(num), "%zu", a->log_size);
	word(&n, num);
	word(&n, "--armed");
	snprintf(armed, sizeof(armed), "%llu:%llu", (unsigned long long)a->armed_ns,
		 (unsigned long long)a->armed_boot_ns);
	word(&n, armed);
	if (a->log_fd >= 0)
		word(&n, "--log");
	if (a->console)
		word(&n, "--console");
	if (a->exit_requested)
		word(&n, "--exit");
	end = start + n;
	/* Each call checks start <= end against the other's current value: the order that
	 * keeps that true depends on where the old arguments are. */
	if (prctl(PR_SET_MM, PR_SET_MM_ARG_START, start, 0, 0) == 0 &&
	    prctl(PR_SET_MM, PR_SET_MM_ARG_END, end, 0, 0) == 0)
		return 0;
	if (prctl(PR_SET_MM, PR_SET_MM_ARG_END, end, 0, 0) == 0 &&
	    prctl(PR_SET_MM, PR_SET_MM_ARG_START, start, 0, 0) == 0)
		return 0;
	return -errno;
}

/* In the child: the fds, the session, the name, then the collector's run. Never returns. */
static void __attribute__((noreturn)) become_collector(const struct collect_args *a)
{
	struct collect_args ca = *a;
	int ctl = high(a->ctl_fd), log = high(a->log_fd), gate = a->gated ? high(a->gate_fd) : -1;
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC), null = high(fd), r;

	/* A process of its own from here: it talks to the kernel itself. */
	sysseam_set(NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	if (fd >= 0)
		close(fd);
	/* Its own session: no terminal, no signal meant for the hook's process group. */
	setsid();
	log_setup(a->kmsg_path, a->kmsg_is_file, false);
	log_set_verbose(a->verbose);
	if (ctl < 0 || (a->log_fd >= 0 && log < 0) || dup2(ctl, COLLECT_CTL_FD) < 0 ||
	    (log >= 0 && dup2(log, COLLECT_LOG_FD) < 0)) {
		log_error("%s: cannot start its output collector: %s; its output stays in the "
			  "module's buffer (staprun -A %s)",
			  a->name, strerror(errno), a->name);
		_exit(127);
	}
	/* Without its gate (no fd left for it) it just does not wait. */
	if (gate < 0 || dup2(gate, COLLECT_GATE_FD) < 0)
		gate = -1;
	/* Nothing of the boot's console, pipes or journal stream stays open in it: dracut's
	 * init waits for its log pipe's writers. Nor the gate's write end, or it would wait for
	 * itself. */
	for (fd = 0; fd < 3; fd++)
		if (null < 0 || dup2(null, fd) < 0)
			close(fd);
	if (log < 0)
		close(COLLECT_LOG_FD);
	if (gate < 0)
		close(COLLECT_GATE_FD);
	close_from(COLLECT_GATE_FD + 1);
	ca.ctl_fd = COLLECT_CTL_FD;
	ca.log_fd = log >= 0 ? COLLECT_LOG_FD : -1;
	ca.gated = gate >= 0;
	ca.gate_fd = gate >= 0 ? COLLECT_GATE_FD : -1;
	r = set_title(&ca);
	if (r < 0)
		log_warning(
		    "%s: its collector cannot name itself %s (%s): systemd may end it at the "
		    "switch to the real root, systemtap-service will not know it",
		    a->name, COLLECT_ARGV0, strerror(-r));
	_exit(collect_run(&ca));
}

pid_t collect_spawn(const struct collect_args *a)
{
	pid_t pid = fork();

	if (pid == 0)
		become_collector(a);
	return pid < 0 ? -errno : pid;
}
