/* cache_install.c: moving what stap built into the cache, in an order that survives a crash. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "cache_install.h"
#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "tempfile.h"

/* Makes src durable and moves it to dst (mode 0644) with mtime t. 0, or -errno after a
 * message. */
static int install_file(const char *src, const char *dst, const struct timespec *t)
{
	const struct timespec times[2] = {*t, *t};
	_cleanup_close_ int fd = -1;
	int r;

	fd = open_regular(src, O_RDONLY | O_NOFOLLOW, 0);
	if (fd < 0)
		return log_error_errno(fd, "Failed to read %s", src);
	if (fsync(fd) < 0)
		return log_error_errno(-errno, "Failed to sync %s", src);
	r = move_file(src, dst, 0644);
	if (r < 0)
		return log_error_errno(r, "Failed to move %s to %s", src, dst);
	if (utimensat(AT_FDCWD, dst, times, 0) < 0)
		return log_error_errno(-errno, "Failed to set the time of %s", dst);
	return 0;
}

/* uprobes/uprobes.ko (made by --save-uprobes only for kernels without built-in uprobes) goes
 * to CACHE_PATH/uprobes/, and NAME.uprobes marks the script as needing it. */
static int install_uprobes(const struct settings *s, const char *name, const char *workdir,
			   const struct timespec *mtime)
{
	_cleanup_free_ char *src = path_join(workdir, "uprobes/uprobes.ko");
	_cleanup_free_ char *dir = path_join(s->cache_path, "uprobes");
	_cleanup_free_ char *dst = path_join(dir ? dir : "", "uprobes.ko");
	_cleanup_free_ char *marker = cache_uprobes_path(s, name);
	int r;

	if (!src || !dir || !dst || !marker)
		return log_error_errno(-ENOMEM, "Failed to install the cache of %s", name);
	if (!path_exists(src)) {
		if (unlink(marker) < 0 && errno != ENOENT)
			return log_error_errno(-errno, "Failed to remove %s", marker);
		return 0;
	}
	r = mkdir_p(dir, 0755);
	if (r < 0)
		return log_error_errno(r, "Failed to create %s", dir);
	r = install_file(src, dst, mtime);
	if (r < 0)
		return r;
	r = write_file_atomic(marker, "", 0, 0644);
	if (r < 0)
		return log_error_errno(r, "Failed to write %s", marker);
	return 0;
}

int cache_install(const struct settings *s, const char *name, const char *workdir,
		  const struct timespec *mtime, const struct cache_meta *meta)
{
	_cleanup_free_ char *src = NULL;
	_cleanup_free_ char *ko = cache_ko_path(s, name), *opts = cache_opts_path(s, name);
	int r;

	if (asprintf(&src, "%s/%s.ko", workdir, name) < 0)
		src = NULL;
	if (!src || !ko || !opts)
		return log_error_errno(-ENOMEM, "Failed to install the cache of %s", name);
	if (!path_exists(src)) {
		log_error("No module %s was built", src);
		return -ENOENT;
	}
	/* Without NAME.opts the cache is "missing" while its files change. */
	if (unlink(opts) < 0 && errno != ENOENT)
		return log_error_errno(-errno, "Failed to remove %s", opts);
	r = fsync_parent_dir(opts);
	if (r < 0)
		return log_error_errno(r, "Failed to sync %s", s->cache_path);
	r = install_file(src, ko, mtime);
	if (r < 0)
		return r;
	r = install_uprobes(s, name, workdir, mtime);
	if (r < 0)
		return r;
	return cache_meta_write(opts, meta);
}
