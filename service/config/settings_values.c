/* settings_values.c: the value syntax of the config's parameters (numbers, booleans, paths). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "settings.h"
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
