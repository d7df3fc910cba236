/* config_write.c: KEY='value' lines in the config format. */
#include <errno.h>
#include <string.h>

#include "config_write.h"

int config_write_assign(FILE *f, const char *key, const char *value)
{
	if (strchr(value, '\n'))
		return -EINVAL;
	fprintf(f, "%s='", key);
	for (const char *v = value; *v; v++) {
		if (*v == '\'')
			fputs("'\"'\"'", f);
		else
			fputc(*v, f);
	}
	fputs("'\n", f);
	return 0;
}
