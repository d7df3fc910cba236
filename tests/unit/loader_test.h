/* loader_test.h: checks that print what they verified, and the file helpers of the loader's
 * unit tests (header-only). */
#pragma once
#include <ftw.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ELEMENTS(x) (sizeof(x) / sizeof((x)[0]))

/* ---- checks ------------------------------------------------------------------------------ */
static int lt_failures;

#define CHECK(cond, ...) lt_check((cond), #cond, __FILE__, __LINE__, __VA_ARGS__)

__attribute__((format(printf, 5, 6))) static inline void
lt_check(bool ok, const char *expr, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", ok ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (!ok) {
		printf("  [%s:%d: %s]", file, line, expr);
		lt_failures++;
	}
	printf("\n");
	fflush(stdout);
}

static inline int lt_result(void)
{
	printf("%s: %d failed check(s)\n", lt_failures ? "FAILED" : "PASSED", lt_failures);
	return lt_failures ? 1 : 0;
}

/* ---- files ------------------------------------------------------------------------------ */
static inline void lt_write_bytes(const char *dir, const char *rel, const void *data, size_t len)
{
	char path[4096], *slash;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	for (slash = strchr(path + strlen(dir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(2);
	}
	if (len && fwrite(data, len, 1, f) != 1)
		exit(2);
	fclose(f);
}

static inline void lt_write_file(const char *dir, const char *rel, const char *text)
{
	lt_write_bytes(dir, rel, text, strlen(text));
}

/* The whole file as a malloc'd string ("" when missing). */
static inline char *lt_read_file(const char *path)
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

static inline bool lt_file_contains(const char *path, const char *needle)
{
	char *text = lt_read_file(path);
	bool found = strstr(text, needle) != NULL;

	free(text);
	return found;
}

static inline int lt_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline void lt_rm_rf(const char *dir)
{
	nftw(dir, lt_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
