/* fsutil.c: mkdir -p, scratch directories, rm -rf, paths, directory syncs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "macro.h"

/* mkdir that accepts an existing directory (and only a directory). */
static int mkdir_one(const char *path, mode_t mode)
{
	struct stat st;

	if (mkdir(path, mode) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	if (stat(path, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

int mkdir_p(const char *path, mode_t mode)
{
	_cleanup_free_ char *p = strdup(path);
	int r;

	if (!p)
		return -ENOMEM;
	if (!*p)
		return -EINVAL;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/' || s[-1] == '/')
			continue;
		*s = '\0';
		r = mkdir_one(p, mode);
		*s = '/';
		if (r < 0)
			return r;
	}
	return mkdir_one(p, mode);
}

int make_temp_dir(const char *parent, const char *prefix, char **ret_path)
{
	char *path;
	int r;

	if (asprintf(&path, "%s/%s%d.XXXXXX", parent, prefix, (int)getpid()) < 0)
		return -ENOMEM;
	if (!mkdtemp(path)) {
		r = -errno;
		free(path);
		return r;
	}
	*ret_path = path;
	return 0;
}

/* Empties the directory dfd (taking ownership of it), never following symlinks. */
static int rm_rf_children(int dfd)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	int r = 0;

	if (!d) {
		r = -errno;
		close(dfd);
		return r;
	}
	while ((errno = 0, de = readdir(d))) {
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0 || errno == ENOENT)
			continue;
		if (errno != EISDIR && errno != EPERM) {
			r = -errno;
			break;
		}
		int cfd =
		    openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cfd < 0) {
			r = -errno;
			break;
		}
		r = rm_rf_children(cfd);
		if (r < 0)
			break;
		if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT) {
			r = -errno;
			break;
		}
	}
	if (r == 0 && errno != 0)
		r = -errno;
	closedir(d);
	return r;
}

int rm_rf(const char *path)
{
	struct stat st;
	int fd, r;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = rm_rf_children(fd);
	if (r < 0)
		return r;
	if (rmdir(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

char *path_join(const char *a, const char *b)
{
	size_t la = strlen(a);
	char *out;

	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	if (la == 0)
		return strdup(b);
	if (asprintf(&out, "%.*s%s%s", (int)la, a, a[la - 1] == '/' ? "" : "/", b) < 0)
		return NULL;
	return out;
}

int path_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

int fsync_parent_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	_cleanup_free_ char *dir = NULL;
	_cleanup_close_ int fd = -1;

	if (!slash)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (!dir)
		return -ENOMEM;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0 && errno != EINVAL)
		return -errno;
	return 0;
}

int opendir_if_exists(const char *dir, DIR **ret)
{
	*ret = opendir(dir);
	if (*ret)
		return 1;
	if (errno == ENOENT)
		return 0;
	return log_error_errno(-errno, "Failed to read %s", dir);
}

static int is_executable_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int find_program(const char *program, char **ret)
{
	const char *path_env, *p;
	char *found;

	if (!program || !*program)
		return -ENOENT;
	if (strchr(program, '/')) {
		if (!is_executable_file(program))
			return -ENOENT;
		found = strdup(program);
		if (!found)
			return -ENOMEM;
		*ret = found;
		return 0;
	}
	path_env = getenv("PATH");
	if (!path_env)
		path_env = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (p = path_env;; p++) {
		const char *end = strchrnul(p, ':');
		int n = (int)(end - p);

		/* An empty PATH element means the current directory. */
		if (asprintf(&found, "%.*s/%s", n, n ? p : ".", program) < 0)
			return -ENOMEM;
		if (is_executable_file(found)) {
			*ret = found;
			return 0;
		}
		free(found);
		if (!*end)
			break;
		p = end;
	}
	return -ENOENT;
}
