/* fileio.c: whole-file reads that refuse what is not a regular file, and full writes. */
#include "fileio.h"
#include "macro.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define READ_CHUNK 65536

/* -ENOTREGULAR when path (not followed when nofollow) exists and is no regular file, else
 * err: what a failed open means for the caller. */
static int classify_open_error(const char *path, bool nofollow, int err)
{
	struct stat st;

	if (err == -ENOENT || err == -EACCES || err == -ENOMEM || err == -ENAMETOOLONG)
		return err;
	if ((nofollow ? lstat(path, &st) : stat(path, &st)) == 0 && !S_ISREG(st.st_mode))
		return -ENOTREGULAR;
	return err;
}

int open_regular(const char *path, int flags, mode_t mode)
{
	struct stat st;
	int fd, fl, r;

	/* O_NONBLOCK: opening a FIFO or a device must neither hang nor act on it. */
	fd = open(path, flags | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, mode);
	if (fd < 0)
		return classify_open_error(path, flags & O_NOFOLLOW, -errno);
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode))
		r = -ENOTREGULAR;
	else if ((fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		r = -errno;
	else
		return fd;
	close(fd);
	return r;
}

/* Grows *buf so that it has room for want bytes, never beyond limit. 0 or -ENOMEM. */
static int grow(char **buf, size_t *cap, size_t want, size_t limit)
{
	size_t ncap = *cap ? *cap : READ_CHUNK;
	char *nbuf;

	while (ncap < want)
		ncap *= 2;
	if (ncap > limit)
		ncap = limit;
	if (ncap <= *cap && *buf)
		return 0;
	nbuf = realloc(*buf, ncap);
	if (!nbuf)
		return -ENOMEM;
	*buf = nbuf;
	*cap = ncap;
	return 0;
}

int read_file_limited(const char *path, size_t max, char **ret_buf, size_t *ret_len)
{
	/* One byte to tell "exactly max" from "more than max", one for the NUL. */
	size_t limit = max + 2, cap = 0, len = 0;
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r;

	fd = open_regular(path, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	/* procfs and sysfs files say 0 bytes: then the size is found by reading. */
	if (fstat(fd, &st) < 0)
		st.st_size = 0;
	if ((size_t)st.st_size > max)
		return -EFBIG;
	r = grow(&buf, &cap, (size_t)st.st_size + 2, limit);
	if (r < 0)
		return r;
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			r = grow(&buf, &cap, cap + 1, limit);
			if (r < 0)
				return r;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max)
			return -EFBIG;
	}
	buf[len] = '\0';
	*ret_buf = TAKE_PTR(buf);
	if (ret_len)
		*ret_len = len;
	return 0;
}

int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
