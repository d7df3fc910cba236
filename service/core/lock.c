/* lock.c: STAT_PATH/.lock, an flock held for the whole command. The file names the holder so
 * that a second invocation can say whom it waits for. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
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

/* "PID COMMAND" of the current holder, or a placeholder while it has not written it yet. */
static void read_holder(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);

	if (n <= 0) {
		snprintf(buf, size, "another systemtap-service");
		return;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	/* "1234 start" -> "1234 (start)" */
	char *space = strchr(buf, ' ');
	if (space && (size_t)(n + 3) < size) {
		memmove(space + 2, space + 1, strlen(space + 1) + 1);
		space[1] = '(';
		strcat(buf, ")");
	}
}

/* True when the lock file is ours alone to rewrite: owned by us, no other name (hard link). */
static bool lock_file_ours(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && st.st_uid == geteuid() && st.st_nlink == 1;
}

static int write_holder(int fd, const char *command)
{
	char text[256];
	int n = snprintf(text, sizeof(text), "%d %s\n", (int)getpid(), command);

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

int lock_try_shared(const struct settings *s)
{
	_cleanup_free_ char *path = path_join(s->stat_path, ".lock");
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

int lock_take(const struct settings *s, const char *command, int timeout_sec)
{
	_cleanup_free_ char *path = path_join(s->stat_path, ".lock");
	long long deadline;
	char holder[128];
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
		read_holder(fd, holder, sizeof(holder));
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
	r = write_holder(fd, command);
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
