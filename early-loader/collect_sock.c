/* collect_sock.c: the collector's listening socket and its one-request connections. */
#include "collect_sock.h"

#include "kmsg.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define REQUEST_WAIT_MS 1000
#define FDS_MAX 4

int collect_sock_listen(const char *name)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd, r;

	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s" COLLECT_SOCK_SUFFIX, name) >=
	    (int)sizeof(sa.sun_path))
		return log_error_errno(-ENAMETOOLONG, "%s: socket name", name);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return log_error_errno(-errno, "%s: cannot make its socket", name);
	/* A socket left by an earlier collector of this boot (it died) is replaced. */
	if (unlink(sa.sun_path) < 0 && errno != ENOENT) {
		r = log_error_errno(-errno, "%s: cannot replace %s", name, sa.sun_path);
		goto fail;
	}
	/* Only root connects: the file is 0600 from the start. */
	mode_t old = umask(0177);
	r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0 || listen(fd, 4) < 0) {
		r = log_error_errno(-errno, "%s: cannot listen on %s", name, sa.sun_path);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return r;
}

/* The one fd the message carried (the others are closed), or -1. */
static int take_fd(struct msghdr *mh)
{
	int fd = -1;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		int fds[FDS_MAX];

		memcpy(fds, CMSG_DATA(c), (n < FDS_MAX ? n : FDS_MAX) * sizeof(int));
		for (size_t i = 0; i < n && i < FDS_MAX; i++) {
			if (fd < 0)
				fd = fds[i];
			else
				close(fds[i]);
		}
	}
	return fd;
}

/* Reads the request of conn: 0, or -errno (logged). */
static int read_request(int conn, const char *name, struct collect_request *req, int *ret_fd)
{
	char buf[COLLECT_MSG_MAX];
	union {
		struct cmsghdr align;
		char space[CMSG_SPACE(FDS_MAX * sizeof(int))];
	} cbuf;
	struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf.space,
			    .msg_controllen = sizeof(cbuf.space)};
	struct pollfd p = {.fd = conn, .events = POLLIN};
	ssize_t n;
	int fd, r;

	do
		r = poll(&p, 1, REQUEST_WAIT_MS);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return log_error_errno(r < 0 ? -errno : -ETIMEDOUT, "%s: no request on its socket",
				       name);
	do
		n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return log_error_errno(-errno, "%s: cannot read a request", name);
	fd = take_fd(&mh);
	if ((mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
	    collect_request_parse(buf, (size_t)n, req) < 0 ||
	    (req->verb == COLLECT_SAVE) != (fd >= 0)) {
		if (fd >= 0)
			close(fd);
		log_warning("%s: a request it does not understand on its socket: ignored", name);
		return -EBADMSG;
	}
	*ret_fd = fd;
	return 0;
}

int collect_sock_take(int lfd, const char *name, struct collect_request *req, int *ret_conn,
		      int *ret_fd)
{
	struct ucred cred = {.uid = (uid_t)-1};
	socklen_t len = sizeof(cred);
	int conn, r;

	conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		return errno == EAGAIN || errno == EINTR || errno == ECONNABORTED
			   ? -EAGAIN
			   : log_error_errno(-errno, "%s: cannot accept on its socket", name);
	if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    (cred.uid != 0 && cred.uid != geteuid())) {
		log_warning("%s: a connection from user %d refused", name, (int)cred.uid);
		close(conn);
		return -EPERM;
	}
	r = read_request(conn, name, req, ret_fd);
	if (r < 0) {
		collect_sock_reply(conn, false, "bad request");
		return r;
	}
	*ret_conn = conn;
	return 0;
}

void collect_sock_reply(int conn, bool ok, const char *fmt, ...)
{
	char msg[COLLECT_MSG_MAX];
	va_list ap;
	int n = snprintf(msg, sizeof(msg), "%s ", ok ? "ok" : "error");

	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	/* A client that went away gets no answer: no SIGPIPE for that. */
	(void)send(conn, msg, strlen(msg), MSG_NOSIGNAL | MSG_DONTWAIT);
	close(conn);
}
