/* tempfile.h: every file and directory the service stages and then renames into place
 * (tempfile.c), and the one rule by which a later run finds what a killed run left.
 *
 * A staged file is unnamed (O_TMPFILE) while it is written, where the file system allows: a
 * run killed then leaves nothing. What needs a name (a file on a file system without
 * O_TMPFILE, a file another program writes, a directory, an unnamed file just before its
 * rename) is DIR/.BASE.stap-tmp.PID.XXXXXX in the directory of its final place, BASE naming
 * what it becomes, PID its owner (for people reading the name). The owner holds flock(LOCK_EX)
 * on it from its creation to its rename; the kernel drops that lock when the owner dies, even
 * by SIGKILL. So a temp of the rule that nobody holds is a leftover, whatever its pid says
 * (pids are reused, and live in namespaces). The first temp a run makes in a directory first
 * removes that directory's leftovers (our user's only), so every directory the service writes
 * is cleaned by the next run that writes there. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* What every temp name has between BASE and PID. */
#define TEMP_MARK ".stap-tmp."

/* Empty (nothing staged) when dir is NULL: a zeroed struct temp is empty too. */
struct temp {
	int fd;	    /* open on the staged file or directory, holding its lock */
	char *path; /* its name; NULL while unnamed or empty */
	char *dir;  /* the directory it is staged in; NULL: empty */
};

#define TEMP_INIT                                                                                  \
	{                                                                                          \
		.fd = -1, .path = NULL, .dir = NULL                                                \
	}

/* A new file to be renamed to target, open for writing: unnamed where the file system allows.
 * 0 and *ret, or -errno (nothing logged). */
int temp_file(const char *target, struct temp *ret);
/* As temp_file, but always named (t->path): for a file another program writes. */
int temp_file_named(const char *target, struct temp *ret);
/* A new directory parent/.BASE.stap-tmp.PID.XXXXXX (mode 0700), locked: staged contents, or a
 * run's work directory. 0 and *ret, or -errno (nothing logged). */
int temp_dir(const char *parent, const char *base, struct temp *ret);
/* Gives the file mode, syncs it, renames it over target (an unnamed one is named first) and
 * syncs the directory; t is empty afterwards. On failure target is as it was and t still holds
 * the temp (temp_discard it). 0 or -errno (nothing logged). */
int temp_commit(struct temp *t, const char *target, mode_t mode);
/* After the caller renamed t->path into place itself: closes the lock, forgets the name. */
void temp_release(struct temp *t);
/* Removes the temp (a directory with all it holds) and empties t; safe on an empty one. */
void temp_discard(struct temp *t);
/* Removes every leftover of the rule in dir: temps nobody holds that belong to our user, each
 * logged. With base, *ret_busy (may be NULL) counts the temps of that BASE that a live process
 * holds. 0, or -errno when dir cannot be read (a missing dir is fine). */
int temp_clean(const char *dir, const char *base, size_t *ret_busy);

/* ---- whole files through a temp (atomic_write.c) ---------------------------------------- */
/* Writes data to path through temp_file and temp_commit: path is never half written. 0 or
 * -errno. */
int write_file_atomic(const char *path, const void *data, size_t len, mode_t mode);
/* Copies src (a regular file) to dst in the same way. 0 or -errno. */
int copy_file_atomic(const char *src, const char *dst, mode_t mode);
/* Moves src to dst (rename, else copy_file_atomic and unlink across file systems). 0 or
 * -errno. */
int move_file(const char *src, const char *dst, mode_t mode);
