/* conf_files.c: which files of CONFIG_PATH are read, in which order. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf_files.h"
#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "strv.h"

int list_conf_files(const char *dir, char ***ret)
{
	_cleanup_strv_free_ char **files = NULL;
	struct dirent *de;
	DIR *d;
	int r = 0;

	files = calloc(1, sizeof(char *));
	if (!files)
		return -ENOMEM;
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT) {
			*ret = files;
			files = NULL;
			return 0;
		}
		return log_error_errno(-errno, "Failed to read directory %s", dir);
	}
	while ((errno = 0, de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l <= 5 || !streq(de->d_name + l - 5, ".conf"))
			continue;
		r = strv_consume(&files, path_join(dir, de->d_name));
		if (r < 0)
			break;
	}
	if (r == 0 && errno)
		r = log_error_errno(-errno, "Failed to read directory %s", dir);
	closedir(d);
	if (r < 0)
		return r;
	strv_sort(files);
	*ret = files;
	files = NULL;
	return 0;
}
