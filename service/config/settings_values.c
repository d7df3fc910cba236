/* settings_values.c: the value syntax of the config's parameters (numbers, booleans, paths). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "settings.h"
#include "collect_proto.h"
#include "manifest.h"
#include "settings_values.h"

int parse_bool(const char *v)
{
	static const char *const yes[] = {"y", "Y", "yes", "Yes", "YES", "1"};
	static const char *const no[] = {"n", "N", "no", "No", "NO", "0"};

	if (!v)
		return -1;
	for (size_t i = 0; i < ELEMENTSOF(yes); i++)
		if (streq(v, yes[i]))
			return 1;
	for (size_t i = 0; i < ELEMENTSOF(no); i++)
		if (streq(v, no[i]))
			return 0;
	return -1;
}

/* A copy of v without trailing slashes ("/" stays "/"). */
char *settings_strip_slashes(const char *v)
{
	size_t l = strlen(v);

	while (l > 1 && v[l - 1] == '/')
		l--;
	return strndup(v, l);
}

/* A decimal number, digits only, min..max. 0 or -EINVAL. */
static int parse_number(const char *v, long min, long max, long *ret)
{
	char *end;
	long n;

	if (*v < '0' || *v > '9')
		return -EINVAL;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || n < min || n > max)
		return -EINVAL;
	*ret = n;
	return 0;
}

int settings_parse_jobs(const char *v, int *ret)
{
	long n;
	int r = parse_number(v, 1, 4096, &n);

	*ret = r < 0 ? *ret : (int)n;
	return r;
}

int settings_parse_seconds(const char *v, unsigned *ret)
{
	long n;
	int r = parse_number(v, 0, SECONDS_MAX, &n);

	*ret = r < 0 ? *ret : (unsigned)n;
	return r;
}

int settings_parse_bufsize(const char *v, unsigned *ret)
{
	long n;
	int r = parse_number(v, 0, BUFSIZE_MAX, &n);

	*ret = r < 0 ? *ret : (unsigned)n;
	return r;
}

/* ONBOOT_LOG_SIZE: bytes, or KiB, MiB, GiB with K, M, G; up to the limit. 0 or -EINVAL. */
int settings_parse_size(const char *v, unsigned long long *ret)
{
	unsigned long long n = 0, unit = 1;
	const char *p = v;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (unsigned long long)(*p - '0');
		if (n > COLLECT_LOG_SIZE_MAX)
			return -EINVAL;
	}
	if (*p == 'K' || *p == 'k')
		unit = 1024;
	else if (*p == 'M' || *p == 'm')
		unit = 1024 * 1024;
	else if (*p == 'G' || *p == 'g')
		unit = 1024 * 1024 * 1024;
	if (unit > 1)
		p++;
	if (*p || n > COLLECT_LOG_SIZE_MAX / unit)
		return -EINVAL;
	*ret = n * unit;
	return 0;
}
