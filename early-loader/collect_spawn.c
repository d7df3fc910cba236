/* collect_spawn.c: the loader starts a script's collector: this program again, argv[0]
 * COLLECT_ARGV0, with the control channel it opened and armed. */
#include "collect.h"

#include "collect_proto.h"
#include "kmsg.h"
#include "startall.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

#define ARGS_MAX 20

/* The program to exec: the file this process runs, by its real path so that the collector's
 * name (comm) is the program's, not "exe". */
static void self_path(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);

	if (n > 0 && buf[0] == '/') {
		buf[n] = '\0';
		/* Replaced since it started (an upgrade): the link still execs what runs. */
		if (n > 10 && strcmp(buf + n - 10, " (deleted)") == 0)
			snprintf(buf, size, "/proc/self/exe");
		return;
	}
	const char *fn = (const char *)getauxval(AT_EXECFN);

	snprintf(buf, size, "%s", fn && *fn == '/' ? fn : "/proc/self/exe");
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

/* The loader's own places, where they are not the boot's (a test's; see startall.h): the
 * collector reads them from the same environment. */
static void export_paths(const struct collect_args *a)
{
	if (a->root && *a->root)
		setenv("STAP_EARLY_LOADER_ROOT", a->root, 1);
	if (a->rundir && strcmp(a->rundir, RUNDIR_DEFAULT) != 0)
		setenv("STAP_EARLY_LOADER_RUNDIR", a->rundir, 1);
	if (a->kmsg_is_file && a->kmsg_path)
		setenv("STAP_EARLY_LOADER_KMSG", a->kmsg_path, 1);
}

/* In the child: the fds, the session, exec. Never returns. */
static void __attribute__((noreturn))
become_collector(const struct collect_args *a, char **argv, const char *path)
{
	int ctl = high(a->ctl_fd), log = high(a->log_fd);
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC), null = high(fd);

	if (fd >= 0)
		close(fd);
	/* Its own session: no terminal, no signal meant for the hook's process group. */
	setsid();
	if (ctl < 0 || (a->log_fd >= 0 && log < 0))
		goto fail;
	/* Nothing of the boot's console, pipes or journal stream stays open in it: dracut's
	 * init waits for its log pipe's writers. */
	for (fd = 0; fd < 3; fd++)
		if (null < 0 || dup2(null, fd) < 0)
			close(fd);
	/* dup2 leaves the copies without close-on-exec. */
	if (dup2(ctl, COLLECT_CTL_FD) < 0 || (log >= 0 && dup2(log, COLLECT_LOG_FD) < 0))
		goto fail;
	close_from(log >= 0 ? COLLECT_LOG_FD + 1 : COLLECT_CTL_FD + 1);
	export_paths(a);
	execve(path, argv, environ);
fail:
	log_error("%s: cannot start its output collector %s: %s; its output stays in the "
		  "module's buffer (staprun -A %s)",
		  a->name, path, strerror(errno), a->name);
	_exit(127);
}

pid_t collect_spawn(const struct collect_args *a)
{
	char path[PATH_MAX], proto[16], size[32], armed[64];
	char *argv[ARGS_MAX];
	size_t n = 0;
	pid_t pid;

	self_path(path, sizeof(path));
	snprintf(proto, sizeof(proto), "%d", a->protocol);
	snprintf(size, sizeof(size), "%zu", a->log_size);
	snprintf(armed, sizeof(armed), "%llu:%llu", (unsigned long long)a->armed_ns,
		 (unsigned long long)a->armed_boot_ns);
	argv[n++] = (char *)COLLECT_ARGV0;
	argv[n++] = (char *)COLLECT_OPTION;
	argv[n++] = (char *)a->name;
	argv[n++] = (char *)"--protocol";
	argv[n++] = proto;
	argv[n++] = (char *)"--log-size";
	argv[n++] = size;
	argv[n++] = (char *)"--armed";
	argv[n++] = armed;
	if (a->log_fd >= 0)
		argv[n++] = (char *)"--log";
	if (a->console)
		argv[n++] = (char *)"--console";
	if (a->exit_requested)
		argv[n++] = (char *)"--exit";
	if (a->verbose)
		argv[n++] = (char *)"-v";
	argv[n] = NULL;
	pid = fork();
	if (pid == 0)
		become_collector(a, argv, path);
	return pid < 0 ? -errno : pid;
}
