/* fileio.c: whole-file reads that refuse what is not a regular file, and full writes. */
#include "fileio.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define READ_CHUNK 65536

int open_regular(const char *path, int flags)
{
	struct stat st;
	int fd, fl;

	/* O_NONBLOCK: opening a FIFO for reading would wait for a writer forever. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | flags);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return S_ISDIR(st.st_mode) ? -EISDIR : ERR_NOT_REGULAR;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
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
	char *buf = NULL;
	struct stat st;
	int fd, r;

	fd = open_regular(path, 0);
	if (fd < 0)
		return fd;
	/* procfs and sysfs files say 0 bytes: then the size is found by reading. */
	if (fstat(fd, &st) < 0)
		st.st_size = 0;
	if ((size_t)st.st_size > max) {
		r = -EFBIG;
		goto fail;
	}
	r = grow(&buf, &cap, (size_t)st.st_size + 2, limit);
	if (r < 0)
		goto fail;
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			r = grow(&buf, &cap, cap + 1, limit);
			if (r < 0)
				goto fail;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			r = -EFBIG;
			goto fail;
		}
	}
	close(fd);
	buf[len] = '\0';
	*ret_buf = buf;
	if (ret_len)
		*ret_len = len;
	return 0;
fail:
	free(buf);
	close(fd);
	return r;
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
