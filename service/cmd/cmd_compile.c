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
#include "script_walk.h"
#include "strfmt.h"
#include "strv.h"

/* The compile results, one per name in names order, and the next one to look at. */
struct compile_walk {
	const struct compile_result *res;
	size_t next;
};

/* The result of one compiled script (for_each_script walks names in the order of res). */
static enum script_result compiled_step(struct invocation *inv, const char *name, void *userdata,
					int *ret_code)
{
	struct compile_walk *w = userdata;

	(void)inv;
	(void)name;
	*ret_code = w->res[w->next++].rc;
	return *ret_code == 0 ? SCRIPT_OK : SCRIPT_FAILED;
}

static char *compile_failed(const char *name, int code)
{
	return strdup_printf("%s compilation failed (%d)", name, code);
}

static const struct script_step compiled_script = {.run = compiled_step, .failed = compile_failed};

int cmd_compile(struct invocation *inv)
{
	_cleanup_strv_free_ char **names = NULL;
	struct compile_result *res = NULL;
	enum cache_answer answer;
	size_t n;
	int r;

	clog("Compiling systemtap scripts: ");
	r = mkdir_p(inv->s->cache_path, 0755);
	if (r < 0) {
		do_failure("Failed to make cache directory (%s): %s", inv->s->cache_path,
			   strerror(-r));
		return EXIT_FAIL;
	}
	r = confirm_cache_change(inv, invocation_scripts, "Updating caches",
				 "Do you really want to update above caches", &names, &answer);
	if (r < 0)
		return EXIT_FAIL;
	if (answer == CACHES_NO)
		return EXIT_OK;
	n = strv_length(names);
	r = n ? compile_scripts(inv->s, names, NULL, false, &res) : 0;
	if (r == -EINTR) { /* main reports the signal */
		clog("FAILED");
		return EXIT_FAIL;
	}
	if (r < 0) {
		do_failure("Failed to compile: %s", strerror(-r));
		return EXIT_FAIL;
	}
	if (n)
		r = for_each_script(inv, names, &compiled_script, &(struct compile_walk){res, 0});
	compile_results_free(res, n);
	if (r < 0)
		return EXIT_FAIL;
	might_success(inv, "systemtap compiled");
	return EXIT_OK;
}
