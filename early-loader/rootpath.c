/* rootpath.c: every /proc and /sys path of the loader, prefixed with the test root. */
#include "rootpath.h"

#include <errno.h>
#include <stdio.h>

int root_path(char *buf, size_t size, const char *root, const char *path)
{
	int n = snprintf(buf, size, "%s%s", root ? root : "", path);

	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}
