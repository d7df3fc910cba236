/* onboot_tempfile.h: temp files beside their target, locked while their owner lives.
 *
 * A temp file DIR/PREFIXxxxxxx is created 0600 and held with flock(LOCK_EX) on a CLOEXEC
 * descriptor until it is renamed into place or removed. The kernel drops the lock when the
 * owner dies (even by SIGKILL), so a later run can tell a stale file from one in use. */
#pragma once

struct onboot_temp {
	char *path; /* NULL when empty */
	int fd;	    /* holds the lock; -1 when empty */
};

#define ONBOOT_TEMP_INIT                                                                           \
	{                                                                                          \
		NULL, -1                                                                           \
	}

/* Creates DIR/PREFIXxxxxxx (mkstemp) and locks it. 0 or -errno after log_error. */
int onboot_temp_create(const char *dir, const char *prefix, struct onboot_temp *ret);
/* Unlinks the file (if still there) and releases it; safe on an empty one. */
void onboot_temp_remove(struct onboot_temp *t);
/* Releases the lock and forgets the path, after the file was renamed into place. */
void onboot_temp_release(struct onboot_temp *t);
/* Removes every DIR/PREFIXxxxxxx that no live process holds, printing each. Returns 0,
 * -EBUSY (after log_error) when another process holds one, or -errno. */
int onboot_temp_clean_stale(const char *dir, const char *prefix);
