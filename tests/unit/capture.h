/* capture.h: stderr captured into a string, for the tests of what a function logs (header
 * only). */
#pragma once
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Redirects stderr into a temp file until capture_end(). */
struct capture {
	int saved;
	char path[64];
};

static inline void capture_begin(struct capture *c)
{
	int fd;

	fflush(stderr);
	snprintf(c->path, sizeof(c->path), "/tmp/unit-test-stderr.XXXXXX");
	fd = mkstemp(c->path);
	if (fd < 0) {
		perror("mkstemp");
		exit(2);
	}
	c->saved = dup(2);
	dup2(fd, 2);
	close(fd);
}

/* Restores stderr, echoes what was captured (indented) and returns it (malloc'd). */
static inline char *capture_end(struct capture *c)
{
	char *buf = calloc(1, 65536);
	int fd;
	ssize_t n;

	fflush(stderr);
	dup2(c->saved, 2);
	close(c->saved);
	fd = open(c->path, O_RDONLY);
	n = fd >= 0 ? read(fd, buf, 65535) : 0;
	if (fd >= 0)
		close(fd);
	unlink(c->path);
	buf[n > 0 ? n : 0] = '\0';
	for (char *l = buf; *l;) {
		size_t len = strcspn(l, "\n");
		printf("    stderr| %.*s\n", (int)len, l);
		l += len + (l[len] == '\n');
	}
	return buf;
}
