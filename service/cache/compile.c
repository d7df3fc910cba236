/* compile.c: which scripts need stap (cache check, options, ALLOW_CACHEONLY) and the results
 * per name; compile_jobs.c runs stap. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "compile.h"
#include "compile_jobs.h"
#include "fsutil.h"
#include "interrupt.h"
#include "log.h"
#include "macro.h"
#include "names.h"
#include "optfilter.h"
#include "run.h"
#include "strv.h"

/* Normalized compile options of name's options text. 0, -EINVAL after a message, -ENOMEM. */
static int script_compile_opts(const char *name, const char *text, char ***ret)
{
	_cleanup_strv_free_ char **words = NULL, **norm = NULL;
	_cleanup_free_ char *bad = NULL;
	int r;

	r = opts_split(text, &words);
	if (r == -EINVAL)
		log_error("Failed to parse parameters. (%s_OPT=%s: unbalanced quote)", name, text);
	if (r < 0)
		return r;
	r = opts_normalize(words, &norm, &bad);
	if (r == -EPERM) {
		log_error("Failed to parse parameters. (%s_OPT=%s: refused option %s)", name, text,
			  bad ? bad : "?");
		return -EINVAL;
	}
	if (r == -EINVAL)
		log_error("Failed to parse parameters. (%s_OPT=%s: unknown option or missing "
			  "argument: %s)",
			  name, text, bad ? bad : "?");
	if (r < 0)
		return r;
	return opts_for_compile(norm, ret);
}

/* ALLOW_CACHEONLY and no script, but a module: it is used as it is, when check finds it valid.
 * Returns the compile_result rc, or -errno. */
static int use_cache_only(const struct settings *s, const struct job *j, const char *opts,
			  bool check)
{
	enum cache_state st = CACHE_VALID;
	int r;

	if (check) {
		r = cache_check(s, j->name, opts, &st);
		if (r < 0)
			return r;
	}
	if (st != CACHE_VALID) {
		log_error("No valid cache for %s: %s, and no script file(%s)", j->name,
			  cache_state_to_string(st), j->script);
		return 1;
	}
	clog("Warning: no script file(%s). Use compiled cache.\n", j->script);
	return 0;
}

/* Records rc as j's final result: no stap is needed. Returns 0 for job_plan. */
static int plan_final(struct job *j, int rc)
{
	j->res->rc = rc;
	return 0;
}

/* name must be compiled (why: the cache state, NULL for `compile`): 1 when stap is here to do
 * it; else, on a runtime-only machine, the error says what to do instead of "Failed to run
 * stap", and j->res->rc is final. */
static int needs_stap(const struct settings *s, struct job *j, const char *why)
{
	_cleanup_free_ char *stap = NULL;
	int r = find_program(s->stap, &stap);

	if (r != -ENOENT)
		return r < 0 ? r : 1;
	clog(" Compiling %s ... error\n", j->name);
	log_error("%s needs compiling%s%s%s, but %s is not installed here: install systemtap "
		  "(stap), or load modules built on another host (systemtap-service onboot --load "
		  "FILE, made there with onboot --pack)",
		  j->name, why ? " (" : "", why ? why : "", why ? ")" : "", s->stap);
	return plan_final(j, 1);
}

/* Sets j->res->rc when name needs no stap (cache valid, or an error). 1 when it needs stap,
 * 0 when j->res->rc is final, or -errno. */
static int job_plan(const struct settings *s, struct job *j, const char *opts_text, bool check)
{
	_cleanup_free_ char *ko = cache_ko_path(s, j->name), *opts = NULL;
	enum cache_state st = CACHE_UNREADABLE;
	bool have_script;
	int r;

	if (!ko)
		return -ENOMEM;
	if (!script_name_valid(j->name)) {
		log_error("%s is not a valid script name (must match " SCRIPT_NAME_RULE ")",
			  j->name);
		return plan_final(j, 1);
	}
	if (asprintf(&j->script, "%s/%s.stp", s->script_path, j->name) < 0) {
		j->script = NULL;
		return -ENOMEM;
	}
	have_script = path_exists(j->script);
	if (!have_script && !(s->allow_cacheonly && path_exists(ko))) {
		clog("Error: no script file(%s).\n", j->script);
		return plan_final(j, 3);
	}
	r = script_compile_opts(j->name, opts_text, &j->opts);
	if (r == -EINVAL)
		return plan_final(j, 2);
	if (r < 0)
		return r;
	opts = strv_join(j->opts, " ");
	if (!opts)
		return -ENOMEM;
	if (!have_script) {
		r = use_cache_only(s, j, opts, check);
		return r < 0 ? r : plan_final(j, r);
	}
	if (!check)
		return needs_stap(s, j, NULL);
	r = cache_check(s, j->name, opts, &st);
	if (r < 0)
		return r;
	if (st == CACHE_VALID)
		return plan_final(j, 0);
	if (!s->autocompile) {
		log_error("No valid cache for %s: %s", j->name, cache_state_to_string(st));
		return plan_final(j, 1);
	}
	return needs_stap(s, j, cache_state_to_string(st));
}

void compile_results_free(struct compile_result *r, size_t n)
{
	for (size_t i = 0; r && i < n; i++)
		free(r[i].name);
	free(r);
}

/* Index of the first entry of names equal to names[i]. */
static size_t first_index(char *const *names, size_t i)
{
	size_t k = 0;

	while (!streq(names[k], names[i]))
		k++;
	return k;
}

int compile_scripts(const struct settings *s, char *const *names, char *const *opts, bool check,
		    struct compile_result **ret_results)
{
	size_t n = strv_length(names), njobs = 0;
	struct compile_result *res;
	struct job *jobs;
	int r = 0;

	res = calloc(n + 1, sizeof(*res));
	jobs = calloc(n + 1, sizeof(*jobs));
	if (!res || !jobs) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		res[i].name = strdup(names[i]);
		if (!res[i].name) {
			r = -ENOMEM;
			goto out;
		}
		if (first_index(names, i) != i)
			continue;
		jobs[njobs] = (struct job){.name = names[i], .res = &res[i]};
		r = job_plan(s, &jobs[njobs], opts ? opts[i] : settings_script_opt(s, names[i]),
			     check);
		if (r < 0)
			goto out;
		if (r == 0)
			compile_job_done(&jobs[njobs]);
		else
			njobs++;
	}
	compile_run_jobs(s, jobs, njobs);
	r = interrupted() ? -EINTR : 0;
	if (r < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		size_t k = first_index(names, i);

		res[i].rc = res[k].rc;
		res[i].compiled = res[k].compiled;
	}
out:
	if (r < 0) {
		for (size_t i = 0; jobs && i <= njobs && i < n; i++)
			compile_job_done(&jobs[i]);
		if (r == -ENOMEM)
			log_error_errno(r, "Failed to compile scripts");
	}
	free(jobs);
	if (r >= 0)
		*ret_results = res;
	else
		compile_results_free(res, n);
	return r;
}
