/* lock.h: one systemtap-service at a time, a lock file in STAT_PATH. */
#pragma once
#include <sys/types.h>

/* The holder as its lock file records it: "PID COMMAND\nkernel KVER\n". */
struct lock_holder {
	pid_t pid;	  /* 0: not recorded (yet) */
	char command[64]; /* "start", "onboot" (building an image), "onboot --refresh" ... */
	char kernel[128]; /* the holder's -r KVER (or uname -r); "" when not recorded */
};

/* Where the lock is and what its file records: STAT_PATH, PROC_PATH (NULL: ancestors are not
 * looked at) and the kernel release the command works on. */
struct lock_place {
	const char *stat_path;
	const char *proc_path;
	const char *kernel;
};

/* Takes STAT_PATH/.lock (flock). When held: prints "waiting for PID (COMMAND) holding LOCK"
 * once and waits up to timeout_sec (0: fail at once; negative: wait as long as it takes).
 * A holder that is our own ancestor (the parent chain in PROC_PATH/PID/stat; no PROC_PATH: not
 * looked at) never releases it while we wait: -EDEADLK at once, with *ret_ancestor filled and
 * nothing printed (the caller decides; NULL: log_error naming the holder).
 * Returns the lock fd (close-on-exec: no child inherits it) or -errno (-EWOULDBLOCK /
 * -ETIMEDOUT after log_error naming the holder). The lock file records "PID COMMAND" and the
 * kernel release of at. */
int lock_take(const struct lock_place *at, const char *command, int timeout_sec,
	      struct lock_holder *ret_ancestor);
/* Takes the lock shared (other shared holders are fine, a command holding it is not), only if
 * that is possible right now, printing nothing: status never waits. The lock fd, or -errno
 * (-EWOULDBLOCK while a command holds it). */
int lock_try_shared(const char *stat_path);
void lock_release(int fd);

/* The parsers lock_take uses (also for the fuzzer): a lock file's text into *h (pid 0 when it
 * names no holder), and the parent pid in the text of a /proc/PID/stat file (-1: none). */
void lock_holder_parse(const char *text, struct lock_holder *h);
int lock_stat_ppid(const char *text);
