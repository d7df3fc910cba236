/* run.c: fork + execvp with an argv; exec failures come back through a CLOEXEC pipe. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "growbuf.h"
#include "interrupt.h"
#include "log.h"
#include "macro.h"
#include "run.h"
#include "timelimit.h"

int run_exit_code(int wait_status)
{
	if (WIFEXITED(wait_status))
		return WEXITSTATUS(wait_status);
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return 128;
}

/* Marks every fd >= 3 close-on-exec so that the child inherits only 0, 1 and 2. */
static void cloexec_from_3(void)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */) == 0)
		return;
#endif
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	if (!d) {
		long max = sysconf(_SC_OPEN_MAX);
		for (long fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
			fcntl((int)fd, F_SETFD, FD_CLOEXEC);
		return;
	}
	while ((de = readdir(d))) {
		int fd = atoi(de->d_name);
		if (fd >= 3 && fd != dirfd(d))
			fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	closedir(d);
}

/* Makes fd the child's target_fd (0, 1 or 2) without close-on-exec. */
static int child_install_fd(int fd, int target_fd)
{
	if (fd == target_fd)
		return fcntl(fd, F_SETFD, 0) < 0 ? -errno : 0;
	return dup2(fd, target_fd) < 0 ? -errno : 0;
}

static _Noreturn void child_fail(int err_pipe, int err)
{
	ssize_t n;

	do
		n = write(err_pipe, &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	_exit(127);
}

static _Noreturn void child_exec(char *const argv[], const struct run_opts *o, int fds[3],
				 int err_pipe, pid_t parent)
{
	sigset_t all;
	int moved[3];

	/* With 0, 1 or 2 closed in the parent the pipe may be one of them: move it away first. */
	if (err_pipe < 3) {
		int moved_pipe = fcntl(err_pipe, F_DUPFD_CLOEXEC, 3);
		if (moved_pipe < 0)
			_exit(127);
		err_pipe = moved_pipe;
	}
	/* A process group of its own, which our signal handler ends as a whole (interrupt.h). The
	 * parent blocked its signals around fork: the handlers go before they are unblocked.
	 * SIGINT, SIGTERM, SIGHUP and SIGQUIT ignored when we started (`cmd &` in a script, nohup)
	 * stay ignored, as they are for us. */
	setpgid(0, 0);
	/* In a group of its own the child never hears of our death: SIGTERM then (it passes it on
	 * to its own children, as stap does); a parent already gone means now. */
	if (o->flags & RUN_DIE_WITH_PARENT) {
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0)
			child_fail(err_pipe, -errno);
		if (getppid() != parent)
			_exit(127);
	}
	interrupt_reset_in_child();
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);

	/* Move the sources above 2 first so that e.g. out=2, err=1 cannot clobber each other. */
	for (int i = 0; i < 3; i++) {
		moved[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
		if (moved[i] < 0)
			child_fail(err_pipe, -errno);
	}
	for (int i = 0; i < 3; i++) {
		int r = child_install_fd(moved[i], i);
		if (r < 0)
			child_fail(err_pipe, r);
	}
	cloexec_from_3();
	if (o->cwd && chdir(o->cwd) < 0)
		child_fail(err_pipe, -errno);
	/* The child's own copy of the environment: the service's stays as it is. */
	for (char *const *e = o->env_add; e && *e; e++)
		if (putenv(*e) != 0)
			child_fail(err_pipe, -errno);
	execvp(argv[0], argv);
	child_fail(err_pipe, -errno);
}

pid_t run_spawn(char *const argv[], const char *cwd, int out_fd, int err_fd)
{
	struct run_opts o = {.cwd = cwd, .in_fd = -1, .out_fd = out_fd, .err_fd = err_fd};

	return run_spawn_opts(argv, &o);
}

pid_t run_spawn_opts(char *const argv[], const struct run_opts *o)
{
	int in_fd = o->in_fd, out_fd = o->out_fd, err_fd = o->err_fd;
	bool limited = o->limit && o->limit->seconds > 0;
	pid_t parent = getpid();
	_cleanup_close_ int devnull = -1;
	_cleanup_free_ char *note = NULL;
	int err_pipe[2], fds[3], child_err = 0, r;
	sigset_t mask;
	ssize_t n;
	pid_t pid;

	if (!argv || !argv[0])
		return -EINVAL;
	if (limited) {
		r = timelimit_prepare();
		if (r < 0)
			return r;
		note = timelimit_note(argv[0], o->limit->seconds, o->limit->setting,
				      o->limit->subject);
		if (!note)
			return -ENOMEM;
	}
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0)
		return -errno;
	fds[0] = in_fd >= 0 ? in_fd : devnull;
	fds[1] = out_fd >= 0 ? out_fd : (log_fd() >= 0 ? log_fd() : devnull);
	fds[2] = err_fd >= 0 ? err_fd : (log_fd() >= 0 ? log_fd() : devnull);
	if (pipe2(err_pipe, O_CLOEXEC) < 0)
		return -errno;
	fflush(stdout);
	fflush(stderr);
	/* From the check to the record of the child, a signal waits: it cannot miss the child. */
	interrupt_block(&mask);
	if (interrupted()) {
		pid = -1;
		r = -EINTR;
	} else {
		pid = fork();
		if (pid == 0) {
			close(err_pipe[0]);
			child_exec(argv, o, fds, err_pipe[1], parent);
		}
		if (pid > 0)
			setpgid(pid, pid); /* also here: the group must exist when we unblock */
		r = pid < 0 ? -errno : interrupt_add_child(pid);
		if (r == 0 && limited) {
			r = timelimit_watch(pid, o->limit->seconds, note);
			note = NULL;
		}
	}
	interrupt_unblock(&mask);
	close(err_pipe[1]);
	if (pid < 0) {
		close(err_pipe[0]);
		return r;
	}
	if (r < 0) /* more children than the handler can tell: this one does not run */
		kill(pid, SIGKILL);
	do
		n = read(err_pipe[0], &child_err, sizeof(child_err));
	while (n < 0 && errno == EINTR);
	close(err_pipe[0]);
	if (r < 0 || n == (ssize_t)sizeof(child_err)) {
		/* The child never ran the program: reap it and report why. */
		interrupt_reap(pid, NULL, 0);
		timelimit_take(pid, NULL);
		return r < 0 ? r : child_err < 0 ? child_err : -EIO;
	}
	return pid;
}

/* The exit code of a child that ended with wait_status; -EINTR when it failed after a signal
 * interrupted us: it was most likely ended by it, and its code says nothing more; -ETIME when its
 * time limit ended it, whatever it exited with then (its work is not whole). */
int run_status_note(pid_t pid, int wait_status, char **ret_note)
{
	_cleanup_free_ char *note = NULL;
	bool expired = timelimit_take(pid, &note);
	int code = run_exit_code(wait_status);

	if (code != 0 && interrupted())
		return -EINTR;
	if (!expired)
		return code;
	if (!note)
		note = strdup("a program did not finish in time and was killed");
	if (ret_note) {
		*ret_note = note;
		note = NULL;
	} else {
		log_error("%s", note ? note : strerror(ETIME));
	}
	return -ETIME;
}

int run_status(pid_t pid, int wait_status)
{
	return run_status_note(pid, wait_status, NULL);
}

int run_wait_note(pid_t pid, char **ret_note)
{
	int status;
	pid_t r = interrupt_reap(pid, &status, 0);

	if (r < 0) {
		timelimit_take(pid, NULL);
		return (int)r;
	}
	return run_status_note(pid, status, ret_note);
}

int run_wait(pid_t pid)
{
	return run_wait_note(pid, NULL);
}

int run_logged_limited(char *const argv[], const char *cwd, const struct run_limit *limit,
		       char **ret_note)
{
	struct run_opts o = {.cwd = cwd, .in_fd = -1, .out_fd = -1, .err_fd = -1, .limit = limit};
	pid_t pid;

	log_exec(argv);
	pid = run_spawn_opts(argv, &o);
	if (pid < 0)
		return (int)pid;
	return run_wait_note(pid, ret_note);
}

int run_logged(char *const argv[], const char *cwd)
{
	return run_logged_limited(argv, cwd, NULL, NULL);
}

static int drain(int fd, struct growbuf *b)
{
	char chunk[16384];

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		if (n == 0)
			return 1;
		if (log_fd() >= 0 && write(log_fd(), chunk, (size_t)n) < 0) {
			/* The log is best effort; the captured output still counts. */
		}
		int r = growbuf_append(b, chunk, (size_t)n, SIZE_MAX);
		if (r < 0)
			return r;
	}
}

/* Collects the output until EOF, or until the child has exited: a daemon it left behind may
 * keep the pipe open forever. */
static int collect(pid_t pid, int rfd, struct growbuf *b, int *ret_status)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	bool exited = false;
	int status = 0, r;

	for (;;) {
		struct pollfd p[2] = {{.fd = rfd, .events = POLLIN},
				      {.fd = pidfd, .events = POLLIN}};
		int np = pidfd >= 0 ? 2 : 1;

		if (poll(p, (nfds_t)np, pidfd >= 0 ? -1 : 100) < 0 && errno != EINTR) {
			r = -errno;
			break;
		}
		r = drain(rfd, b);
		if (r != 0)
			break;
		pid_t w = interrupt_reap(pid, &status, WNOHANG);
		if (w == pid) {
			exited = true;
			r = drain(rfd, b);
			if (r >= 0)
				r = 0;
			break;
		}
		if (w < 0) {
			r = (int)w;
			break;
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	if (r > 0)
		r = 0;
	if (r == 0 && !exited) {
		r = run_wait(pid);
		if (r >= 0) {
			*ret_status = r;
			return 0;
		}
		return r;
	}
	if (r < 0) {
		if (!exited)
			run_wait(pid);
		return r;
	}
	r = run_status(pid, status);
	if (r < 0)
		return r;
	*ret_status = r;
	return 0;
}

int run_capture(char *const argv[], const char *cwd, char **ret_output)
{
	return run_capture_limited(argv, cwd, NULL, ret_output);
}

int run_capture_limited(char *const argv[], const char *cwd, const struct run_limit *limit,
			char **ret_output)
{
	struct growbuf b = {NULL, 0, 0};
	int pfd[2], code = 0, r;
	pid_t pid;

	log_exec(argv);
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid = run_spawn_opts(
	    argv, &(struct run_opts){
		      .cwd = cwd, .in_fd = -1, .out_fd = pfd[1], .err_fd = pfd[1], .limit = limit});
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		return (int)pid;
	}
	if (fcntl(pfd[0], F_SETFL, O_NONBLOCK) < 0) {
		r = -errno;
		close(pfd[0]);
		run_wait(pid);
		return r;
	}
	r = collect(pid, pfd[0], &b, &code);
	close(pfd[0]);
	if (r < 0) {
		free(b.data);
		return r;
	}
	if (!b.data && growbuf_append(&b, "", 0, SIZE_MAX) < 0)
		return -ENOMEM;
	if (ret_output)
		*ret_output = b.data;
	else
		free(b.data);
	return code;
}
