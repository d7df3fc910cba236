/* fsutil.h: files and directories: mkdir -p, rm -rf, paths, reading whole files. Files staged
 * and renamed into place (atomic writes, copies): tempfile.h. */
#pragma once
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <sys/types.h>

#include "fileio.h"

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
/* Creates a fresh scratch directory parent/prefixPID.XXXXXX (mkdtemp), for tests and tools:
 * what the service stages goes through tempfile.h, whose leftovers a later run finds. 0 or
 * -errno. */
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
/* Full path of program: itself when it holds a slash, else the first PATH entry holding an
 * executable regular file of that name. 0 and *ret (newly allocated), -ENOENT when there is
 * none, -ENOMEM. Prints nothing. */
int find_program(const char *program, char **ret);
