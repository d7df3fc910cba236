/* fsutil.h: files and directories: atomic writes, mkdir -p, temp dirs, reading whole files. */
#pragma once
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <sys/types.h>

#include "fileio.h"

/* Writes data to path atomically: temp file in the same directory, fsync, rename, fsync dir.
 * Returns 0 or a negative errno; path is never left half-written. */
int write_file_atomic(const char *path, const void *data, size_t len, mode_t mode);
/* Copies src to dst atomically (as write_file_atomic), mode as given. 0 or -errno. */
int copy_file_atomic(const char *src, const char *dst, mode_t mode);
/* Moves src to dst (rename, falling back to copy+unlink across filesystems). 0 or -errno. */
int move_file(const char *src, const char *dst, mode_t mode);
/* The largest file the service reads whole (a module the image check compares is the
 * largest). */
#define SERVICE_READ_MAX ((size_t)1 << 30)
/* Reads a whole regular file (read_file_limited at SERVICE_READ_MAX), NUL-terminated;
 * *ret_len may be NULL. 0 or -errno. */
static inline int read_file(const char *path, char **ret, size_t *ret_len)
{
	return read_file_limited(path, SERVICE_READ_MAX, ret, ret_len);
}
/* Creates path and its parents; existing directories are fine. 0 or -errno. */
int mkdir_p(const char *path, mode_t mode);
/* Creates a fresh directory parent/prefixPID.XXXXXX (mkdtemp; the pid names its owner, see
 * remove_stale_temps); 0 or -errno. */
int make_temp_dir(const char *parent, const char *prefix, char **ret_path);
/* Removes path recursively (a file or a tree); a missing path is fine. 0 or -errno. */
int rm_rf(const char *path);
/* Newly allocated "a/b" (one slash between); NULL on ENOMEM. */
char *path_join(const char *a, const char *b);
/* 1 if path exists (any type), 0 if not. */
int path_exists(const char *path);
/* fsyncs the directory holding path. 0 or -errno. */
int fsync_parent_dir(const char *path);
/* Opens directory dir for reading: 1 and *ret, 0 (*ret NULL) when it does not exist, or
 * -errno after "Failed to read DIR". */
int opendir_if_exists(const char *dir, DIR **ret);
