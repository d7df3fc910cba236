/* cmd_compile.c: compile: rebuild the caches of the scripts (all of script.d when none is
 * named), asking before replacing existing caches. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "cmd_common.h"
#include "compile.h"
#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "strv.h"

/* Appends to *paths the existing cache files (.ko, .opts, .uprobes) of name. 0 or -ENOMEM. */
int cache_files_of(const struct settings *s, const char *name, char ***paths)
{
	char *(*const makers[])(const struct settings *, const char *) = {
	    cache_ko_path, cache_opts_path, cache_uprobes_path};

	for (size_t i = 0; i < ELEMENTSOF(makers); i++) {
		char *p = makers[i](s, name);
		if (!p)
			return -ENOMEM;
		if (!path_exists(p)) {
			free(p);
			continue;
		}
		if (strv_consume(paths, p) < 0)
			return -ENOMEM;
	}
	return 0;
}

int cmd_compile(struct invocation *inv)
{
	_cleanup_strv_free_ char **names = NULL, **existing = NULL;
	_cleanup_free_ char *joined = NULL;
	struct compile_result *res = NULL;
	size_t n;
	int r;

	clog("Compiling systemtap scripts: ");
	r = mkdir_p(inv->s->cache_path, 0755);
	if (r < 0) {
		do_failure("Failed to make cache directory (%s): %s", inv->s->cache_path,
			   strerror(-r));
		return EXIT_FAIL;
	}
	if (invocation_scripts(inv, &names) < 0) {
		clog("FAILED");
		return EXIT_FAIL;
	}
	for (size_t i = 0; names[i]; i++)
		if (cache_files_of(inv->s, names[i], &existing) < 0) {
			log_error_errno(-ENOMEM, "Failed to list the caches");
			clog("FAILED");
			return EXIT_FAIL;
		}
	if (existing) {
		joined = strv_join(existing, " ");
		clog("Updating caches: %s\n", joined ? joined : "");
		if (!ask_yesno(inv, "Do you really want to update above caches"))
			return EXIT_OK;
	}
	n = strv_length(names);
	r = n ? compile_scripts(inv->s, names, false, &res) : 0;
	if (r < 0) {
		do_failure("Failed to compile: %s", strerror(-r));
		return EXIT_FAIL;
	}
	for (size_t i = 0; i < n && r > 0; i++) {
		if (res[i].rc == 0)
			continue;
		if (might_failf(inv, "%s compilation failed (%d)", res[i].name, res[i].rc)) {
			compile_results_free(res, n);
			return EXIT_FAIL;
		}
	}
	compile_results_free(res, n);
	might_success(inv, "systemtap compiled");
	return EXIT_OK;
}
