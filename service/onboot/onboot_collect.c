/* onboot_collect.c: finding the boot scripts' collectors, reading their state, talking to
 * them over their sockets. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "collect_send.h"
#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "onboot_collect.h"
#include "strv.h"

#define ANSWER_WAIT_MS 5000

char *collect_dir(const struct settings *s)
{
	return path_join(s->stat_path, COLLECT_DIR);
}

/* name when entry is NAME.sock or NAME.state with a valid NAME, else NULL (buf holds it). */
static const char *collector_name(const char *entry, char *buf, size_t size)
{
	static const char *const suffixes[] = {COLLECT_SOCK_SUFFIX, COLLECT_STATE_SUFFIX};
	size_t n = strlen(entry);

	for (size_t i = 0; i < ELEMENTSOF(suffixes); i++) {
		size_t l = strlen(suffixes[i]);

		if (n <= l || n - l >= size || !streq(entry + n - l, suffixes[i]))
			continue;
		memcpy(buf, entry, n - l);
		buf[n - l] = '\0';
		return script_name_valid(buf) ? buf : NULL;
	}
	return NULL;
}

int collect_names(const struct settings *s, char ***ret)
{
	_cleanup_free_ char *dir = collect_dir(s);
	_cleanup_strv_free_ char **names = NULL;
	struct dirent *de;
	DIR *d = NULL;
	int r;

	if (!dir)
		return log_error_errno(-ENOMEM, "Failed to list the boot scripts' collectors");
	r = opendir_if_exists(dir, &d);
	if (r < 0)
		return r;
	while (d && (de = readdir(d))) {
		char name[SCRIPT_NAME_MAX + 1];
		const char *n = collector_name(de->d_name, name, sizeof(name));

		if (n && !strv_contains(names, n) && strv_push(&names, n) < 0) {
			closedir(d);
			return log_error_errno(-ENOMEM, "Failed to list %s", dir);
		}
	}
	if (d)
		closedir(d);
	if (!names && !(names = calloc(1, sizeof(char *))))
		return log_error_errno(-ENOMEM, "Failed to list %s", dir);
	strv_sort(names);
	*ret = names;
	names = NULL;
	return 0;
}

int collect_state_read(const struct settings *s, const char *name, struct collect_state *ret)
{
	_cleanup_free_ char *dir = collect_dir(s), *path = NULL, *text = NULL;
	size_t len;
	int r;

	if (!dir || asprintf(&path, "%s/%s" COLLECT_STATE_SUFFIX, dir, name) < 0) {
		path = NULL;
		return log_error_errno(-ENOMEM, "Failed to read the state of %s", name);
	}
	r = read_file_limited(path, COLLECT_MSG_MAX, &text, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return log_error_errno(r, "Failed to read %s", path);
	if (collect_state_parse(text, len, ret) < 0 || !streq(ret->script, name))
		return log_error_errno(-EBADMSG, "Failed to read %s", path);
	return 1;
}

bool collect_is_of(const struct settings *s, pid_t pid, const char *name)
{
	_cleanup_free_ char *path = NULL, *cmdline = NULL;
	char link[4096];
	const char *base;
	size_t len;
	ssize_t n;

	if (pid <= 0 || asprintf(&path, "%s/%d/exe", s->proc_path, (int)pid) < 0)
		return false;
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return false;
	link[n] = '\0';
	base = strrchr(link, '/');
	base = base ? base + 1 : link;
	if (!streq(base, COLLECT_PROGRAM) && !streq(base, COLLECT_PROGRAM " (deleted)"))
		return false;
	free(path);
	if (asprintf(&path, "%s/%d/cmdline", s->proc_path, (int)pid) < 0) {
		path = NULL;
		return false;
	}
	if (read_file_limited(path, 65536, &cmdline, &len) < 0 || len == 0 || cmdline[0] != '@')
		return false;
	free(path);
	if (asprintf(&path, "%s/%d/fd/%d", s->proc_path, (int)pid, COLLECT_CTL_FD) < 0) {
		path = NULL;
		return false;
	}
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return false;
	link[n] = '\0';
	return collect_ctl_is_of(link, name);
}

/* Waits for the answer on conn and copies it: 0, -EPROTO, or -errno. */
static int read_answer(int conn, char *reply, size_t size)
{
	char buf[COLLECT_MSG_MAX + 1];
	struct pollfd p = {.fd = conn, .events = POLLIN};
	ssize_t n;
	int r;

	do
		r = poll(&p, 1, ANSWER_WAIT_MS);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return r < 0 ? -errno : -ETIMEDOUT;
	n = recv(conn, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	for (char *c = buf; *c; c++)
		if ((unsigned char)*c < ' ')
			*c = '?';
	if (strncmp(buf, "ok ", 3) == 0) {
		snprintf(reply, size, "%s", buf + 3);
		return 0;
	}
	snprintf(reply, size, "%s", strncmp(buf, "error ", 6) == 0 ? buf + 6 : "no answer");
	return -EPROTO;
}

int collect_request(const struct settings *s, const char *name, const struct collect_request *req,
		    int fd, char *reply, size_t size)
{
	_cleanup_free_ char *dir = collect_dir(s), *sock = NULL;
	char msg[COLLECT_MSG_MAX];
	_cleanup_close_ int conn = -1;
	int n;

	if (size)
		reply[0] = '\0';
	if (!dir || asprintf(&sock, "%s/%s" COLLECT_SOCK_SUFFIX, dir, name) < 0)
		return -ENOMEM;
	n = collect_request_format(req, msg, sizeof(msg));
	if (n < 0)
		return n;
	conn = collect_send(sock, msg, (size_t)n, fd);
	if (conn < 0)
		return conn;
	return read_answer(conn, reply, size);
}
