/* lock.h: one systemtap-service at a time, a lock file in STAT_PATH. */
#pragma once
#include "settings.h"

/* Takes STAT_PATH/.lock (flock). When held: prints "waiting for PID (COMMAND) holding LOCK"
 * once and waits up to timeout_sec (0: fail at once; negative: wait as long as it takes).
 * Returns the lock fd (close-on-exec: no child inherits it) or -errno (-EWOULDBLOCK /
 * -ETIMEDOUT after log_error naming the holder). The lock file records "PID COMMAND". */
int lock_take(const struct settings *s, const char *command, int timeout_sec);
/* Takes the lock shared (other shared holders are fine, a command holding it is not), only if
 * that is possible right now, printing nothing: status never waits. The lock fd, or -errno
 * (-EWOULDBLOCK while a command holds it). */
int lock_try_shared(const struct settings *s);
void lock_release(int fd);
