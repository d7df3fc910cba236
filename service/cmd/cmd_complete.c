/* cmd_complete.c: the completion's query. The config is read by settings_load and the names by
 * the service's own rules, so the completion offers what the commands would take: one parser
 * per format, none in bash. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd_common.h"
#include "cmd_complete.h"
#include "commands.h"
#include "fsutil.h"
#include "macro.h"
#include "names.h"
#include "strv.h"

/* A vector even when nothing was found, so that callers need not test for NULL. */
static int sorted_vector(char ***names)
{
	if (!*names) {
		*names = calloc(1, sizeof(char *));
		if (!*names)
			return -ENOMEM;
	}
	strv_sort(*names);
	return 0;
}

int complete_scripts(const struct settings *s, char ***ret)
{
	_cleanup_strv_free_ char **names = NULL;
	int r = scan_dir_names(s->script_path, ".stp", &names);

	if (r >= 0)
		r = sorted_vector(&names);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(names);
	return 0;
}

int complete_releases(const struct settings *s, char ***ret)
{
	_cleanup_strv_free_ char **names = NULL;
	struct dirent *de;
	DIR *d;
	int r = opendir_if_exists(s->modules_path, &d);

	if (r < 0)
		return r;
	r = 0;
	while (d && r >= 0 && (de = readdir(d))) {
		struct stat st;

		/* A dot name is nobody's kernel (as for ls and a shell's glob). */
		if (de->d_name[0] == '.' || !kernel_release_valid(de->d_name))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, 0) < 0 || !S_ISDIR(st.st_mode))
			continue;
		r = strv_push(&names, de->d_name);
	}
	if (d)
		closedir(d);
	if (r >= 0)
		r = sorted_vector(&names);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(names);
	return 0;
}

int cmd_complete(int argc, char *const argv[])
{
	_cleanup_strv_free_ char **names = NULL;
	struct settings s = {0};
	const char *config = NULL;
	bool scripts;
	int r;

	if (argc == 3 && streq(argv[1], "-c"))
		config = argv[2];
	else if (argc != 1)
		argc = 0;
	scripts = argc > 0 && streq(argv[0], "scripts");
	if (argc == 0 || (!scripts && !streq(argv[0], "releases"))) {
		fputs("Usage: systemtap-service --complete {scripts|releases} [-c configfile]\n",
		      stderr);
		return EXIT_USAGE;
	}
	/* A refused config has said why on stderr; the completion offers nothing. */
	r = settings_load(&s, config, NULL);
	if (r < 0)
		return r == -ENOMEM ? EXIT_FAIL : EXIT_OK;
	r = scripts ? complete_scripts(&s, &names) : complete_releases(&s, &names);
	settings_free(&s);
	if (r < 0)
		return EXIT_FAIL;
	for (size_t i = 0; names[i]; i++)
		puts(names[i]);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
}
