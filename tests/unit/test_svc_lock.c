/* test_svc_lock.c: STAT_PATH/.lock: taken, recorded as "PID COMMAND" and the kernel,
 * close-on-exec; a second taker (another process) fails at once with timeout 0 naming the
 * holder, gives up after the timeout, and gets the lock once the holder releases it; a taker
 * whose ancestor (PROC_PATH's parent chain) holds it gets -EDEADLK at once. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "lock.h"
#include "test.h"
#include "settings.h"
#include "tempfile.h"

static struct settings s;
/* Where the lock is: the paths of s, as main.c passes them. */
#define PLACE (&(struct lock_place){s.stat_path, s.proc_path, s.kernel_release})

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* In a child: lock_take(timeout); exit code 0 taken, 1 -EWOULDBLOCK, 2 -ETIMEDOUT, 3 other;
 * its stderr goes to errpath. */
static int try_in_child(int timeout, const char *errpath, long long *ret_ms)
{
	long long t0 = now_ms();
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 2);
		int r = lock_take(PLACE, "stop", timeout, NULL);
		_exit(r >= 0 ? 0 : r == -EWOULDBLOCK ? 1 : r == -ETIMEDOUT ? 2 : 3);
	}
	waitpid(pid, &status, 0);
	*ret_ms = now_ms() - t0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
}

/* What someone else put at STAT_PATH/.lock: a symlink (to a file of value), a FIFO, a hard
 * link. None may be followed, hang, or have its other name emptied. */
/* The lock in the test's own temp directory: STAT_PATH, its .lock and a file for stderr. */
static const char *lock_dir(char lockpath[256], char errpath[256])
{
	const char *tmp = test_tmpdir();

	s.stat_path = (char *)tmp;
	s.kernel_release = (char *)"6.1.0-99-amd64";
	snprintf(lockpath, 256, "%s/.lock", tmp);
	snprintf(errpath, 256, "%s/stderr", tmp);
	return tmp;
}

TEST(hostile_lock_files)
{
	char lockpath[256], errpath[256];
	const char *tmp = lock_dir(lockpath, errpath);
	char victim[256], *text = NULL;
	long long ms;
	int fd, rc;

	snprintf(victim, sizeof(victim), "%s/victim", tmp);
	write_file_atomic(victim, "precious\n", 9, 0644);
	unlink(lockpath);
	symlink(victim, lockpath);
	rc = try_in_child(0, errpath, &ms);
	ASSERT_EQ(rc, 3, "a symlink .lock is refused");
	read_file(victim, &text, NULL);
	ASSERT_STREQ(text, "precious\n", "the symlink's target is untouched");
	free(text);
	read_file(errpath, &text, NULL);
	ASSERT_CONTAINS(text, ".lock: not a regular file", "says why: %s", text ? text : "");
	free(text);

	unlink(lockpath);
	mkfifo(lockpath, 0644);
	rc = try_in_child(0, errpath, &ms);
	ASSERT_EQ(rc, 3, "a FIFO .lock is refused at once (exit %d, %lld ms)", rc, ms);
	ASSERT_LT(ms, 3000, "a FIFO .lock is refused at once (exit %d, %lld ms)", rc, ms);

	unlink(lockpath);
	link(victim, lockpath);
	fd = lock_take(PLACE, "start", 0, NULL);
	ASSERT_GE(fd, 0, "a hard-linked .lock still locks");
	lock_release(fd);
	read_file(victim, &text, NULL);
	ASSERT_STREQ(text, "precious\n", "but its other name is neither rewritten nor emptied");
	free(text);
	unlink(lockpath);
}

/* Writes PROC/pid/stat saying that pid's parent is ppid (comm with blanks and parentheses, as
 * a real one may have). */
static void fake_stat(const char *proc, pid_t pid, pid_t ppid)
{
	char dir[300], path[320], text[200];

	snprintf(dir, sizeof(dir), "%s/%d", proc, (int)pid);
	mkdir_p(dir, 0755);
	snprintf(path, sizeof(path), "%s/stat", dir);
	snprintf(text, sizeof(text), "%d (a (b) c) S %d %d 0 0 -1 4194560\n", (int)pid, (int)ppid,
		 (int)pid);
	write_file_atomic(path, text, strlen(text), 0644);
}

/* In a child whose parent chain PROC_PATH tells (1: its parent directly, 2: through a fake
 * grandparent 7777777, 0: none): lock_take(timeout 5). Exit 0 taken, 1 -EDEADLK with the
 * ancestor's record as expected, 2 -EDEADLK logged (no ret_ancestor), 3 other. */
static int ancestor_child(const char *proc, int how, bool want_record, const char *errpath,
			  long long *ret_ms)
{
	long long t0 = now_ms();
	pid_t parent = getpid(), pid = fork();
	int status;

	if (pid == 0) {
		struct lock_holder h = {0};
		int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600), r;

		dup2(fd, 2);
		if (how == 1)
			fake_stat(proc, getpid(), parent);
		else if (how == 2) {
			fake_stat(proc, getpid(), 7777777);
			fake_stat(proc, 7777777, parent);
		}
		r = lock_take(PLACE, "onboot --refresh", how ? 5 : 0, want_record ? &h : NULL);
		if (r >= 0)
			_exit(0);
		if (r == -EDEADLK && want_record)
			_exit(h.pid == parent && strcmp(h.command, "onboot") == 0 &&
				      strcmp(h.kernel, "6.1.0-99-amd64") == 0
				  ? 1
				  : 4);
		_exit(r == -EDEADLK ? 2 : r == -EWOULDBLOCK ? 5 : 3);
	}
	waitpid(pid, &status, 0);
	*ret_ms = now_ms() - t0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
}

TEST(ancestors)
{
	char lockpath[256], errpath[256];
	const char *tmp = lock_dir(lockpath, errpath);
	char proc[256], want[300], *text = NULL;
	long long ms;
	int fd, rc;

	snprintf(proc, sizeof(proc), "%s/proc", tmp);
	mkdir_p(proc, 0755);
	s.proc_path = proc;
	fd = lock_take(PLACE, "onboot", 0, NULL);
	ASSERT_GE(fd, 0, "an onboot takes the lock");

	rc = ancestor_child(proc, 1, true, errpath, &ms);
	ASSERT_EQ(rc, 1,
		  "held by our parent: -EDEADLK at once with its record (exit %d, "
		  "%lld ms)",
		  rc, ms);
	ASSERT_LT(ms, 2000,
		  "held by our parent: -EDEADLK at once with its record (exit %d, "
		  "%lld ms)",
		  rc, ms);
	rc = ancestor_child(proc, 2, true, errpath, &ms);
	ASSERT_EQ(rc, 1, "held by our grandparent: -EDEADLK at once (exit %d, %lld ms)", rc, ms);
	ASSERT_LT(ms, 2000, "held by our grandparent: -EDEADLK at once (exit %d, %lld ms)", rc, ms);
	rc = ancestor_child(proc, 1, false, errpath, &ms);
	ASSERT_EQ(rc, 2, "without ret_ancestor: -EDEADLK");
	read_file(errpath, &text, NULL);
	snprintf(want, sizeof(want), "is held by %d (onboot), which started this command",
		 (int)getpid());
	ASSERT_CONTAINS(text, want, "and the message names the holder: %s", text ? text : "");
	free(text);
	/* No stat file for the child: the chain is unknown, it is no deadlock (timeout 0). */
	rc = ancestor_child(proc, 0, true, errpath, &ms);
	ASSERT_EQ(rc, 5, "an unknown parent chain: an ordinary wait");
	lock_release(fd);
	s.proc_path = NULL;
}

TEST(take_wait_release)
{
	char lockpath[256], errpath[256], want[512], *text = NULL;
	long long ms;
	int fd, rc;

	lock_dir(lockpath, errpath);
	fd = lock_take(PLACE, "start", 0, NULL);
	ASSERT_GE(fd, 0, "the free lock is taken at once");
	ASSERT_NE((fcntl(fd, F_GETFD) & FD_CLOEXEC), 0, "the lock fd is close-on-exec");
	snprintf(want, sizeof(want), "%d start\nkernel 6.1.0-99-amd64\n", (int)getpid());
	read_file(lockpath, &text, NULL);
	ASSERT_STREQ(text, want, "the lock file records PID COMMAND and the kernel");
	free(text);

	rc = try_in_child(0, errpath, &ms);
	ASSERT_EQ(rc, 1, "timeout 0 while held: -EWOULDBLOCK");
	read_file(errpath, &text, NULL);
	snprintf(want, sizeof(want), "is held by %d (start)", (int)getpid());
	ASSERT_CONTAINS(text, want, "the message names the holder: %s", text ? text : "");
	free(text);

	rc = try_in_child(1, errpath, &ms);
	ASSERT_EQ(rc, 2, "timeout 1 while held: -ETIMEDOUT");
	ASSERT_GE(ms, 1000, "gave up after about 1 s (%lld ms)", ms);
	ASSERT_LT(ms, 5000, "gave up after about 1 s (%lld ms)", ms);
	read_file(errpath, &text, NULL);
	snprintf(want, sizeof(want), "waiting for %d (start) holding %s", (int)getpid(), lockpath);
	ASSERT_CONTAINS(text, want, "says whom it waits for: %s", text ? text : "");
	ASSERT_CONTAINS(text, "Gave up after 1 s", "says it gave up");
	free(text);

	lock_release(fd);
	rc = try_in_child(5, errpath, &ms);
	ASSERT_EQ(rc, 0, "after release the lock is taken at once (%lld ms)", ms);
	ASSERT_LT(ms, 2000, "after release the lock is taken at once (%lld ms)", ms);

	/* A holder that releases while the other waits: the waiter gets it then. */
	fd = lock_take(PLACE, "compile", 0, NULL);
	pid_t waiter = fork();
	if (waiter == 0) {
		/* A forked copy of the holder's fd would hold the flock too (no exec here). */
		close(fd);
		int efd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(efd, 2);
		_exit(lock_take(PLACE, "stop", 10, NULL) >= 0 ? 0 : 1);
	}
	usleep(300000);
	long long t0 = now_ms();
	int status;
	lock_release(fd);
	waitpid(waiter, &status, 0);
	ASSERT_TRUE(WIFEXITED(status), "a waiter gets the lock on release");
	ASSERT_EQ(WEXITSTATUS(status), 0, "a waiter gets the lock on release");
	ASSERT_LT(now_ms() - t0, 2000, "within about a poll interval (%lld ms)", now_ms() - t0);
	read_file(errpath, &text, NULL);
	snprintf(want, sizeof(want), "waiting for %d (compile)", (int)getpid());
	ASSERT_CONTAINS(text, want, "the waiter named the holder: %s", text ? text : "");
	free(text);

	/* status: shared with other statuses, never while a command holds it, never waiting. */
	fd = lock_take(PLACE, "stop", 0, NULL);
	rc = lock_try_shared(s.stat_path);
	ASSERT_EQ(rc, -EWOULDBLOCK, "shared try while a command holds it: -EWOULDBLOCK");
	lock_release(fd);
	int sh1 = lock_try_shared(s.stat_path), sh2 = lock_try_shared(s.stat_path);
	ASSERT_GE(sh1, 0, "two shared holders at once");
	ASSERT_GE(sh2, 0, "two shared holders at once");
	rc = try_in_child(0, errpath, &ms);
	ASSERT_EQ(rc, 1, "a command cannot take it while shared holders hold it");
	lock_release(sh1);
	lock_release(sh2);
}
