/* lock.c: STAT_PATH/.lock, an flock held for the whole command. The file names the holder so
 * that a second invocation can say whom it waits for, and see that it would wait for its own
 * ancestor (kernel-install's plugin, run by onboot's boot loader update). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "lock.h"
#include "log.h"
#include "macro.h"

#define LOCK_POLL_MS 50

#define ANCESTORS_MAX 4096 /* more parents than any process tree has: a loop, stop */

void lock_holder_parse(const char *text, struct lock_holder *h)
{
	const char *line2 = strchr(text, '\n');
	char *end;
	long pid;

	*h = (struct lock_holder){0};
	if (*text < '1' || *text > '9')
		return;
	errno = 0;
	pid = strtol(text, &end, 10);
	if (errno || pid <= 0 || pid > INT_MAX)
		return;
	h->pid = (pid_t)pid;
	if (*end == ' ')
		snprintf(h->command, sizeof(h->command), "%.*s", (int)strcspn(end + 1, "\n"),
			 end + 1);
	if (line2 && strncmp(line2 + 1, "kernel ", 7) == 0)
		snprintf(h->kernel, sizeof(h->kernel), "%.*s", (int)strcspn(line2 + 8, "\n"),
			 line2 + 8);
}

/* What the lock file says of its holder; pid 0 while it has not written it yet. */
static void read_holder(int fd, struct lock_holder *h)
{
	char text[256];
	ssize_t n = pread(fd, text, sizeof(text) - 1, 0);

	text[n > 0 ? n : 0] = '\0';
	lock_holder_parse(text, h);
}

int lock_stat_ppid(const char *text)
{
	/* "PID (COMM) STATE PPID ...": COMM may hold anything, ")" too. */
	const char *close_paren = strrchr(text, ')');
	int ppid;

	if (!close_paren || sscanf(close_paren + 1, " %*c %d", &ppid) != 1 || ppid < 0)
		return -1;
	return ppid;
}

/* "1234 (start)", for the messages. */
static void holder_text(const struct lock_holder *h, char *buf, size_t size)
{
	if (h->pid == 0)
		snprintf(buf, size, "another systemtap-service");
	else if (*h->command)
		snprintf(buf, size, "%d (%s)", (int)h->pid, h->command);
	else
		snprintf(buf, size, "%d", (int)h->pid);
}

/* True when pid is our parent, or its parent, and so on: PROC_PATH/N/stat from our own pid up.
 * Such a holder waits for us (run.c waits for every child), so we must not wait for it. */
static bool is_ancestor(const char *proc, pid_t pid)
{
	pid_t cur = getpid();

	if (!proc || pid <= 0)
		return false;
	for (int depth = 0; depth < ANCESTORS_MAX && cur > 0; depth++) {
		_cleanup_free_ char *path = NULL, *text = NULL;
		int ppid;

		if (asprintf(&path, "%s/%d/stat", proc, (int)cur) < 0)
			return false;
		if (read_file_limited(path, 4096, &text, NULL) < 0)
			return false;
		ppid = lock_stat_ppid(text);
		if (ppid < 0)
			return false;
		if (ppid == pid)
			return true;
		cur = ppid;
	}
	return false;
}

/* True when the lock file is ours alone to rewrite: owned by us, no other name (hard link). */
static bool lock_file_ours(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && st.st_uid == geteuid() && st.st_nlink == 1;
}

static int write_holder(int fd, const char *command, const char *kernel)
{
	char text[256];
	int n = snprintf(text, sizeof(text), "%d %s\n%s%s%s", (int)getpid(), command,
			 kernel ? "kernel " : "", kernel ? kernel : "", kernel ? "\n" : "");

	if (n < 0 || (size_t)n >= sizeof(text))
		n = snprintf(text, sizeof(text), "%d\n", (int)getpid());
	if (!lock_file_ours(fd))
		return -EPERM;
	if (ftruncate(fd, 0) < 0 || pwrite(fd, text, (size_t)n, 0) != n)
		return -errno;
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int lock_try_shared(const char *stat_path)
{
	_cleanup_free_ char *path = path_join(stat_path, ".lock");
	int fd;

	if (!path)
		return -ENOMEM;
	fd = open_regular(path, O_RDWR | O_CREAT | O_NOFOLLOW, 0644);
	if (fd < 0)
		return fd;
	while (flock(fd, LOCK_SH | LOCK_NB) < 0) {
		int r = -errno;
		if (r == -EINTR)
			continue;
		close(fd);
		return r;
	}
	return fd;
}

int lock_take(const struct lock_place *at, const char *command, int timeout_sec,
	      struct lock_holder *ret_ancestor)
{
	_cleanup_free_ char *path = path_join(at->stat_path, ".lock");
	struct lock_holder h;
	pid_t checked = 0;
	long long deadline;
	char holder[256];
	bool announced = false;
	int fd, r;

	if (!path)
		return log_error_errno(-ENOMEM, "Failed to take the lock");
	/* Never through a link, nor a FIFO: the file is rewritten (its holder record). */
	fd = open_regular(path, O_RDWR | O_CREAT | O_NOFOLLOW, 0644);
	if (fd < 0)
		return log_error_errno(fd, "Failed to open %s", path);
	deadline = now_ms() + (long long)timeout_sec * 1000;
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		struct timespec pause = {0, LOCK_POLL_MS * 1000000L};

		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			r = log_error_errno(-errno, "Failed to lock %s", path);
			close(fd);
			return r;
		}
		read_holder(fd, &h);
		holder_text(&h, holder, sizeof(holder));
		if (h.pid != checked && is_ancestor(at->proc_path, h.pid)) {
			close(fd);
			if (ret_ancestor) {
				*ret_ancestor = h;
				return -EDEADLK;
			}
			log_error("%s is held by %s, which started this command: waiting for it "
				  "would never end",
				  path, holder);
			return -EDEADLK;
		}
		checked = h.pid;
		if (timeout_sec == 0 || (timeout_sec > 0 && now_ms() >= deadline)) {
			if (timeout_sec == 0)
				log_error("%s is held by %s", path, holder);
			else
				log_error("Gave up after %d s waiting for %s holding %s",
					  timeout_sec, holder, path);
			close(fd);
			return timeout_sec == 0 ? -EWOULDBLOCK : -ETIMEDOUT;
		}
		if (!announced) {
			fflush(stdout);
			fprintf(stderr, "systemtap-service: waiting for %s holding %s\n", holder,
				path);
			log_line("Waiting for %s holding %s", holder, path);
			announced = true;
		}
		nanosleep(&pause, NULL);
	}
	r = write_holder(fd, command, at->kernel);
	if (r < 0) {
		/* The lock works without the record; only the waiting message gets vaguer. */
		log_warning("Failed to record the holder in %s: %s", path,
			    r == -EPERM ? "not our own file (other owner, or hard links)"
					: strerror(-r));
	}
	return fd;
}

void lock_release(int fd)
{
	if (fd < 0)
		return;
	/* Held shared, no command holds it: the text (if any) is stale either way. */
	if (lock_file_ours(fd) && ftruncate(fd, 0) < 0) {
		/* Stale text is harmless: it is only read while the lock is held. */
	}
	close(fd);
}
