/* collect_sock.h: a collector's socket, RUNDIR/onboot.d/NAME.sock (SOCK_SEQPACKET, 0600):
 * one request per connection (common/collect_proto.h), one answer, "ok TEXT" or
 * "error TEXT". */
#pragma once
#include "collect_proto.h"

/* Creates NAME.sock in the current directory (the collector's run directory), replacing a
 * stale one, and listens on it: the fd, or -errno (logged). */
int collect_sock_listen(const char *name);

/* Accepts one connection on lfd and reads its request (waiting at most a second for it):
 * 0 with *req, *ret_conn (the connection, for collect_sock_reply) and *ret_fd (the fd the
 * request carried, -1 when none), or -errno (logged; nothing to reply to). Only root, or
 * the collector's own user, is heard. */
int collect_sock_take(int lfd, const char *name, struct collect_request *req, int *ret_conn,
		      int *ret_fd);

/* Sends the answer and closes conn. */
void collect_sock_reply(int conn, bool ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
