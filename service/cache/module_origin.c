/* module_origin.c: a module's own record of the stap that built it. A stap module names no
 * version in its .modinfo, but its runtime prints "NAME (FILE): systemtap: VERSION, ..." at
 * load, so "4.8/0.188" is one of its strings. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "module_origin.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Digits, then ('.' digits) repeated min..max times; *p advanced. */
static bool dotted(const char **p, const char *end, int min, int max)
{
	int parts = 0;

	if (*p >= end || !is_digit(**p))
		return false;
	while (*p < end && is_digit(**p))
		(*p)++;
	while (parts < max && *p + 1 < end && **p == '.' && is_digit((*p)[1])) {
		(*p)++;
		while (*p < end && is_digit(**p))
			(*p)++;
		parts++;
	}
	return parts >= min;
}

/* The string at s (up to its NUL before end) is "X.Y[.Z]/A.B": the length of X.Y[.Z], else 0. */
static size_t version_string(const char *s, const char *end)
{
	const char *p = s, *slash;

	if (!dotted(&p, end, 1, 2) || p >= end || *p != '/')
		return 0;
	slash = p++;
	if (!dotted(&p, end, 1, 1) || p >= end || *p != '\0')
		return 0;
	return (size_t)(slash - s);
}

int module_origin_scan(const char *data, size_t len, char **ret_version, bool *ret_srvstat)
{
	const char *end = data + len;
	char *version = NULL;

	*ret_srvstat = memmem(data, len, "srvstat", strlen("srvstat")) != NULL;
	for (const char *s = data; s < end && !version; s++) {
		size_t n;

		if (s != data && s[-1] != '\0')
			continue; /* a string starts after a NUL */
		n = version_string(s, end);
		if (n && !(version = strndup(s, n)))
			return -ENOMEM;
	}
	*ret_version = version;
	return 0;
}

int module_origin(const char *ko, char **ret_version, bool *ret_srvstat)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	int r = read_file(ko, &data, &len);

	if (r < 0)
		return log_error_errno(r, "Failed to read %s", ko);
	r = module_origin_scan(data, len, ret_version, ret_srvstat);
	return r < 0 ? log_error_errno(r, "Failed to read %s", ko) : 0;
}
