/* svc_test.h: checks and stderr capture shared by the service unit tests (header only). */
#pragma once
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int test_failures, test_passes;

/* Records one check; prints "ok: WHAT" or "FAIL file:line: WHAT". */
#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (cond) {                                                                        \
			test_passes++;                                                             \
			printf("ok: ");                                                            \
		} else {                                                                           \
			test_failures++;                                                           \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);                                \
		}                                                                                  \
		printf(__VA_ARGS__);                                                               \
		printf("\n");                                                                      \
		fflush(stdout);                                                                    \
	} while (0)

/* String equality that shows both sides when it fails. */
#define CHECK_STR(got, want, what)                                                                 \
	do {                                                                                       \
		const char *g_ = (got), *w_ = (want);                                              \
		CHECK(g_ &&w_ &&strcmp(g_, w_) == 0, "%s: \"%s\"%s%s%s", what, g_ ? g_ : "(null)", \
		      g_ && w_ && strcmp(g_, w_) == 0 ? "" : " (expected \"",                      \
		      g_ && w_ && strcmp(g_, w_) == 0 ? ""                                         \
		      : w_			      ? w_                                         \
						      : "(null)",                                                             \
		      g_ && w_ && strcmp(g_, w_) == 0 ? "" : "\")");                               \
	} while (0)

static inline int test_summary(void)
{
	printf("%d passed, %d failed\n", test_passes, test_failures);
	return test_failures ? 1 : 0;
}

/* Redirects stderr into a temp file until capture_end(). */
struct capture {
	int saved;
	char path[64];
};

static inline void capture_begin(struct capture *c)
{
	int fd;

	fflush(stderr);
	snprintf(c->path, sizeof(c->path), "/tmp/svc-test-stderr.XXXXXX");
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

/* "base/rel" in one of four rotating static buffers: enough for the paths of one call. */
static inline char *path_in(const char *base, const char *rel)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", base, rel);
	return buf[i];
}

/* Writes text to path (test setup); exits on failure. */
static inline void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(path);
		exit(2);
	}
}
