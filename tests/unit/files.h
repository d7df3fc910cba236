/* files.h: the unit tests' file set-up: writing, reading and removing test files with libc
 * only, so that the early loader's tests (which do not link the service) use it too
 * (header only). A failure to set up exits 2: the test fails, naming the path. */
#pragma once
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* "base/rel" in one of four rotating static buffers: enough for the paths of one call. */
static inline char *path_in(const char *base, const char *rel)
{
	static char buf[4][4096];
	static int i;

	i = (i + 1) % 4;
	if (snprintf(buf[i], sizeof(buf[i]), "%s/%s", base, rel) >= (int)sizeof(buf[i])) {
		fprintf(stderr, "%s/%s: path too long\n", base, rel);
		exit(2);
	}
	return buf[i];
}

/* Writes len bytes to dir/rel, making the directories of rel. */
static inline void put_bytes_in(const char *dir, const char *rel, const void *data, size_t len)
{
	char path[4096], *slash;
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/%s", dir, rel) >= (int)sizeof(path)) {
		fprintf(stderr, "%s/%s: path too long\n", dir, rel);
		exit(2);
	}
	for (slash = strchr(path + strlen(dir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	if (!f || (len && fwrite(data, len, 1, f) != 1) || fclose(f) != 0) {
		perror(path);
		exit(2);
	}
}

static inline void put_text_in(const char *dir, const char *rel, const char *text)
{
	put_bytes_in(dir, rel, text, strlen(text));
}

/* Writes text to path (its directory exists). */
static inline void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(path);
		exit(2);
	}
}

/* The whole file (up to 1 MiB) as a malloc'd string, "" when missing. */
static inline char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 20);
	size_t n = 0;

	if (!buf)
		exit(2);
	if (f) {
		n = fread(buf, 1, (1 << 20) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static inline bool file_contains(const char *path, const char *needle)
{
	char *text = read_text(path);
	bool found = strstr(text, needle) != NULL;

	free(text);
	return found;
}

static inline int remove_one_(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Removes dir and everything below it. */
static inline void remove_tree(const char *dir)
{
	nftw(dir, remove_one_, 16, FTW_DEPTH | FTW_PHYS);
}
