/* onboot_tempfile.c: temp files beside their target, locked while their owner lives. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "onboot_tempfile.h"

#define TEMP_SUFFIX_LEN 6 /* mkstemp's XXXXXX */

int onboot_temp_create(const char *dir, const char *prefix, struct onboot_temp *ret)
{
	_cleanup_free_ char *path = NULL;
	int fd, r;

	if (asprintf(&path, "%s/%sXXXXXX", strcmp(dir, "/") ? dir : "", prefix) < 0)
		return log_error_errno(-ENOMEM, "Failed to create a temporary file in %s", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return log_error_errno(-errno, "Failed to create a temporary file in %s", dir);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		r = -errno;
		unlink(path);
		close(fd);
		return log_error_errno(r, "Failed to lock %s", path);
	}
	ret->path = path;
	path = NULL;
	ret->fd = fd;
	return 0;
}

void onboot_temp_remove(struct onboot_temp *t)
{
	if (t->path)
		unlink(t->path);
	onboot_temp_release(t);
}

void onboot_temp_release(struct onboot_temp *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	free(t->path);
	t->path = NULL;
}

static int is_temp_name(const char *name, const char *prefix)
{
	size_t plen = strlen(prefix);

	return strncmp(name, prefix, plen) == 0 && strlen(name) == plen + TEMP_SUFFIX_LEN;
}

/* 1 removed, 0 held by someone else, -errno. */
static int remove_if_stale(int dfd, const char *dir, const char *name)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return errno == ENOENT ? 1 : -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK ? 0 : -errno;
	if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
		return -errno;
	clog("  Removed %s/%s (left behind by an interrupted onboot)\n", dir, name);
	return 1;
}

int onboot_temp_clean_stale(const char *dir, const char *prefix)
{
	DIR *d;
	struct dirent *de;
	int r = 0;

	d = opendir(dir);
	if (!d)
		return log_error_errno(-errno, "Failed to read directory %s", dir);
	while ((de = readdir(d))) {
		int q;

		if (!is_temp_name(de->d_name, prefix))
			continue;
		q = remove_if_stale(dirfd(d), dir, de->d_name);
		if (q == 0) {
			log_error("%s/%s is in use: is another systemtap-service onboot running?",
				  dir, de->d_name);
			r = -EBUSY;
			break;
		}
		if (q < 0) {
			r = log_error_errno(q, "Failed to remove stale temporary file %s/%s", dir,
					    de->d_name);
			break;
		}
	}
	closedir(d);
	return r;
}
