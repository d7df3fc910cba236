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

int cmd_compile(struct invocation *inv)
{
	_cleanup_strv_free_ char **names = NULL;
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
	r = confirm_cache_change(inv, names, "Updating caches",
				 "Do you really want to update above caches");
	if (r <= 0)
		return r < 0 ? EXIT_FAIL : EXIT_OK;
	n = strv_length(names);
	r = n ? compile_scripts(inv->s, names, false, &res) : 0;
	if (r == -EINTR) { /* main reports the signal */
		clog("FAILED");
		return EXIT_FAIL;
	}
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
