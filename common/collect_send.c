/* collect_send.c: one request to a collector's socket. */
#include "collect_send.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int collect_send(const char *sock_path, const char *msg, size_t len, int fd)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	union {
		struct cmsghdr align;
		char space[CMSG_SPACE(sizeof(int))];
	} cbuf;
	struct iovec iov = {.iov_base = (void *)msg, .iov_len = len};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	ssize_t w;
	int conn, r;

	if (strlen(sock_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf.space;
		mh.msg_controllen = sizeof(cbuf.space);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	conn = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (conn < 0)
		return -errno;
	if (connect(conn, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		/* No socket file: no collector of that name. */
		r = errno == ENOENT ? -ECONNREFUSED : -errno;
		close(conn);
		return r;
	}
	w = sendmsg(conn, &mh, MSG_NOSIGNAL);
	if (w < 0 || (size_t)w != len) {
		r = w < 0 ? -errno : -EIO;
		close(conn);
		return r;
	}
	return conn;
}
