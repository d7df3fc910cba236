/* fsutil.h: files and directories: atomic writes, mkdir -p, temp dirs, reading whole files. */
#pragma once
#include <errno.h>
#include <stddef.h>
#include <sys/types.h>

/* The error of open_regular for anything that is not a regular file (a FIFO, a device, a
 * directory, a symlink under O_NOFOLLOW). No open(2) of a regular file gives it. */
#define ENOTREGULAR EMEDIUMTYPE

/* Opens path with flags (open(2): O_CLOEXEC and O_NOCTTY added; O_NOFOLLOW for files in
 * shared directories) only when it is a regular file, without ever blocking or acting on
 * anything else: the fd, blocking as usual, or -errno (-ENOTREGULAR). */
int open_regular(const char *path, int flags, mode_t mode);
/* strerror, but "not a regular file" for ENOTREGULAR (either sign). */
const char *fs_strerror(int err);
/* Writes all len bytes of data to fd, retrying short writes and EINTR. 0 or -errno. */
int write_all(int fd, const void *data, size_t len);
/* Writes data to path atomically: temp file in the same directory, fsync, rename, fsync dir.
 * Returns 0 or a negative errno; path is never left half-written. */
int write_file_atomic(const char *path, const void *data, size_t len, mode_t mode);
/* Copies src to dst atomically (as write_file_atomic), mode as given. 0 or -errno. */
int copy_file_atomic(const char *src, const char *dst, mode_t mode);
/* Moves src to dst (rename, falling back to copy+unlink across filesystems). 0 or -errno. */
int move_file(const char *src, const char *dst, mode_t mode);
/* Reads a whole regular file (links followed), NUL-terminated; *ret_len may be NULL. 0 or
 * -errno (-ENOTREGULAR for a FIFO, device or directory: never blocks on one). */
int read_file(const char *path, char **ret, size_t *ret_len);
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
