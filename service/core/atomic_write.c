/* atomic_write.c: whole files written, copied or moved into place through a temp of the one
 * rule (tempfile.h): a reader sees the old file or the new one, never half of it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "macro.h"
#include "tempfile.h"

int write_file_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	struct temp t = TEMP_INIT;
	int r;

	r = temp_file(path, &t);
	if (r < 0)
		return r;
	r = write_all(t.fd, data, len);
	if (r == 0)
		r = temp_commit(&t, path, mode);
	temp_discard(&t);
	return r;
}

int copy_file_atomic(const char *src, const char *dst, mode_t mode)
{
	_cleanup_close_ int in = -1;
	struct temp t = TEMP_INIT;
	char buf[65536];
	int r;

	in = open_regular(src, O_RDONLY | O_NOFOLLOW, 0);
	if (in < 0)
		return in;
	r = temp_file(dst, &t);
	if (r < 0)
		return r;
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		r = write_all(t.fd, buf, (size_t)n);
		if (r < 0)
			break;
	}
	if (r == 0)
		r = temp_commit(&t, dst, mode);
	temp_discard(&t);
	return r;
}

int move_file(const char *src, const char *dst, mode_t mode)
{
	int r;

	if (rename(src, dst) == 0) {
		if (chmod(dst, mode) < 0)
			return -errno;
		return fsync_parent_dir(dst);
	}
	if (errno != EXDEV)
		return -errno;
	r = copy_file_atomic(src, dst, mode);
	if (r < 0)
		return r;
	return unlink(src) < 0 ? -errno : 0;
}
