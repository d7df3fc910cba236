/* cmd_onboot_prepare.c: an onboot request's scripts: named or recorded, compiled, checked. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_common.h"
#include "cmd_onboot_prepare.h"
#include "compile.h"
#include "deps.h"
#include "log.h"
#include "macro.h"
#include "onboot_scripts.h"
#include "strfmt.h"
#include "strv.h"

int onboot_scripts_named(struct invocation *inv, struct onboot_script **ret, size_t *ret_n)
{
	_cleanup_strv_free_ char **sorted = NULL;
	struct onboot_script *v;
	size_t n = 0;
	int r;

	r = deps_sort(inv->s, inv->names, &sorted);
	if (r == -ENOMEM)
		return log_error_errno(r, "Failed to order the scripts");
	if (r < 0) {
		do_failure("Failed to sort dependency");
		return r;
	}
	v = calloc(strv_length(sorted) + 1, sizeof(*v));
	if (!v)
		return log_error_errno(-ENOMEM, "Failed to order the scripts");
	for (size_t i = 0; sorted[i]; i++) {
		/* Without RECURSIVE the requirements order the named scripts, and stay out. */
		if (!inv->s->recursive && !strv_contains(inv->names, sorted[i]))
			continue;
		v[n].name = strdup(sorted[i]);
		v[n].opts = strdup(settings_script_opt(inv->s, sorted[i]));
		n++;
		if (!v[n - 1].name || !v[n - 1].opts) {
			onboot_scripts_free(v, n);
			return log_error_errno(-ENOMEM, "Failed to order the scripts");
		}
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

/* Appends "NAME: why\n" to *text. 0 or -ENOMEM. */
static int add_not_built(char **text, const char *name, const char *why)
{
	char *t = strdup_printf("%s%s: %s\n", *text ? *text : "", name, why);

	if (!t)
		return -ENOMEM;
	free(*text);
	*text = t;
	return 0;
}

/* Applies failure to sc, which cannot run at boot (why: the check's reason). 0 when it is
 * left out, -ECANCELED when the command stops (FAILED printed), -ENOMEM. */
static int refused(struct invocation *inv, enum onboot_failure failure,
		   const struct onboot_script *sc, const char *why, char **not_built)
{
	if (failure == ONBOOT_FAILURE_LEAVE_OUT) {
		log_warning("%s", why);
		return add_not_built(not_built, sc->name, "cannot run at boot (see above)");
	}
	return might_fail(inv, why) ? -ECANCELED : 0;
}

/* Keeps in v the scripts whose keep[i] is set; frees the others. */
static void keep_only(struct onboot_script *v, size_t *n, const bool *keep)
{
	size_t k = 0;

	for (size_t i = 0; i < *n; i++) {
		if (keep[i]) {
			v[k++] = v[i];
			continue;
		}
		free(v[i].name);
		free(v[i].opts);
		free(v[i].ko_path);
	}
	*n = k;
}

/* Compiles what needs it; keep[i] false for a script that did not compile. */
static int compile_step(struct invocation *inv, enum onboot_failure failure,
			struct onboot_script *v, size_t n, bool *keep, char **not_built)
{
	_cleanup_strv_free_ char **names = NULL, **opts = NULL;
	struct compile_result *res = NULL;
	int r = 0;

	for (size_t i = 0; i < n && r == 0; i++) {
		r = strv_push(&names, v[i].name);
		if (r == 0)
			r = strv_push(&opts, v[i].opts ? v[i].opts : "");
	}
	if (r < 0)
		return log_error_errno(r, "Failed to compile");
	if (n == 0)
		return 0;
	r = compile_scripts(inv->s, names, opts, true, &res);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n && r >= 0; i++) {
		_cleanup_free_ char *why = NULL;

		keep[i] = res[i].rc == 0;
		if (keep[i])
			continue;
		/* compile_scripts printed " Compiling NAME ... error" and logged why. */
		if (failure == ONBOOT_FAILURE_LEAVE_OUT) {
			r = add_not_built(not_built, v[i].name, "did not compile (see LOG_FILE)");
			continue;
		}
		why = strdup_printf("Could not compile %s (%d)", v[i].name, res[i].rc);
		r = !why ? -ENOMEM : might_fail(inv, why) ? -ECANCELED : 0;
	}
	compile_results_free(res, n);
	return r < 0 ? r : 0;
}

/* " Checking options NAME ... ": keep[i] false for a script the early loader cannot run. */
static int check_step(struct invocation *inv, enum onboot_failure failure, struct onboot_script *v,
		      size_t n, bool *keep, char **not_built)
{
	int r = 0;

	for (size_t i = 0; i < n && r >= 0; i++) {
		struct onboot_verdict verdict = {0};

		if (!keep[i])
			continue;
		clog(" Checking options %s ... ", v[i].name);
		r = onboot_check_script(inv->s, &v[i], &verdict);
		if (r < 0) {
			clog("error\n");
			return log_error_errno(r, "Failed to check %s", v[i].name);
		}
		if (verdict.ok) {
			clog("done\n");
			continue;
		}
		keep[i] = false;
		clog("%s\n",
		     failure == ONBOOT_FAILURE_PASSALL && inv->s->passall ? "error" : "skipped");
		r = refused(inv, failure, &v[i], verdict.why, not_built);
		onboot_verdict_free(&verdict);
	}
	return r < 0 ? r : 0;
}

int onboot_prepare_scripts(struct invocation *inv, enum onboot_failure failure,
			   struct onboot_script **v, size_t *n, char **not_built)
{
	_cleanup_free_ bool *keep = calloc(*n + 1, sizeof(bool));
	int r;

	if (!keep)
		return log_error_errno(-ENOMEM, "Failed to prepare the scripts");
	r = compile_step(inv, failure, *v, *n, keep, not_built);
	if (r == 0)
		r = check_step(inv, failure, *v, *n, keep, not_built);
	if (r < 0)
		return r;
	keep_only(*v, n, keep);
	return 0;
}
