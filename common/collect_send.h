/* collect_send.h: the client side of a collector's socket (collect_proto.h): one request
 * message, with an open file descriptor when it carries one, sent the way the collector
 * reads it. systemtap-service's requests and the tests' use it. */
#pragma once
#include <stddef.h>

/* Connects to the SOCK_SEQPACKET socket at sock_path and sends msg (len bytes) as one
 * message, with fd attached (SCM_RIGHTS) when fd >= 0. Returns the connected socket, for the
 * caller to read the answer from and close, or -errno: -ECONNREFUSED when no socket is
 * there, -EIO when the message went out short. Never raises SIGPIPE. */
int collect_send(const char *sock_path, const char *msg, size_t len, int fd);
