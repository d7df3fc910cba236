/* compile.c: runs the real stap for each script, several at a time, and installs the modules
 * into the cache. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "cache_install.h"
#include "cache_kernel.h"
#include "compile.h"
#include "fsutil.h"
#include "interrupt.h"
#include "log.h"
#include "macro.h"
#include "names.h"
#include "optfilter.h"
#include "run.h"
#include "stap_output.h"
#include "stap_version.h"
#include "strv.h"

/* Every module answers /proc/systemtap/NAME/srvstat with "running": that is how the service
 * recognizes modules started at boot. The \n is passed to stap as backslash + n. */
#define SRVSTAT_PROBE "probe procfs(\"srvstat\").read {$value = \"running\\n\"}"

struct job {
	const char *name;
	struct compile_result *res;
	char *script; /* SCRIPT_PATH/NAME.stp */
	char **opts;  /* normalized compile options */
	char *tmpdir; /* stap's working directory, NAME.ko appears there */
	pid_t pid;    /* > 0 while stap runs */
	struct timespec started;
};

/* What every compile of one call shares. */
struct toolchain {
	char *stap_version;
	int protocol;
	char *kernel_build;
};

/* Checks once, before the first stap runs, what every compile needs: a writable cache
 * directory, a working stap and the target kernel's build version. */
static int toolchain_prepare(const struct settings *s, struct toolchain *tc)
{
	int r;

	r = mkdir_p(s->cache_path, 0755);
	if (r < 0)
		return log_error_errno(r, "Failed to create cache directory %s", s->cache_path);
	if (access(s->cache_path, W_OK) < 0)
		return log_error_errno(-errno, "Cache directory %s is not writable", s->cache_path);
	r = stap_version(s, &tc->stap_version);
	if (r < 0)
		return r;
	tc->protocol = stap_protocol_for_version(tc->stap_version);
	if (tc->protocol < 0)
		return log_error_errno(tc->protocol, "Unknown stap version %s", tc->stap_version);
	return kernel_build_version(s, s->kernel_release, &tc->kernel_build);
}

static void job_done(struct job *j)
{
	free(j->script);
	strv_free(j->opts);
	if (j->tmpdir)
		rm_rf(j->tmpdir);
	free(j->tmpdir);
	*j = (struct job){0};
}

/* Normalized compile options of name's <name>_OPT. 0, -EINVAL after a message, -ENOMEM. */
static int script_compile_opts(const struct settings *s, const char *name, char ***ret)
{
	const char *text = settings_script_opt(s, name);
	_cleanup_strv_free_ char **words = NULL, **norm = NULL;
	_cleanup_free_ char *bad = NULL;
	int r;

	r = opts_split(text, &words);
	if (r == -EINVAL)
		log_error("Failed to parse parameters. (%s_OPT=%s: unbalanced quote)", name, text);
	if (r < 0)
		return r;
	r = opts_normalize(words, &norm, &bad);
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

/* Sets j->res->rc when name needs no stap (cache valid, or an error). 1 when it needs stap,
 * 0 when j->res->rc is final, or -errno. */
static int job_plan(const struct settings *s, struct job *j, bool check)
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
	r = script_compile_opts(s, j->name, &j->opts);
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
		return 1;
	r = cache_check(s, j->name, opts, &st);
	if (r < 0)
		return r;
	if (st == CACHE_VALID)
		return plan_final(j, 0);
	if (!s->autocompile) {
		log_error("No valid cache for %s: %s", j->name, cache_state_to_string(st));
		return plan_final(j, 1);
	}
	return 1;
}

/* Starts stap for j in a fresh directory under TEMP_PATH; stap dies with us, even by SIGKILL
 * (else it would go on filling a directory nobody removes). 0, or -errno after a message. */
static int job_start(const struct settings *s, struct job *j)
{
	_cleanup_free_ char *out_path = NULL, *err_path = NULL;
	_cleanup_close_ int out = -1, err = -1;
	_cleanup_strv_free_ char **argv = NULL;
	/* clang-format off */
	char *const head[] = {s->stap, "-E", SRVSTAT_PROBE, "-m", (char *)j->name, "-p4",
			      "-r", s->kernel_release, "--save-uprobes", NULL};
	/* clang-format on */
	pid_t pid;
	int r;

	r = make_temp_dir(s->temp_path, "cache.", &j->tmpdir);
	if (r < 0)
		return log_error_errno(r, "Failed to create a temporary directory in %s",
				       s->temp_path);
	out_path = path_join(j->tmpdir, ".stap.out");
	err_path = path_join(j->tmpdir, ".stap.err");
	if (!out_path || !err_path)
		return log_error_errno(-ENOMEM, "Failed to compile %s", j->name);
	out = open(out_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600);
	if (out >= 0)
		err = open(err_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600);
	if (out < 0 || err < 0)
		return log_error_errno(-errno, "Failed to create files in %s", j->tmpdir);
	if (strv_extend(&argv, head) < 0 || strv_extend(&argv, j->opts) < 0 ||
	    strv_push(&argv, j->script) < 0)
		return log_error_errno(-ENOMEM, "Failed to compile %s", j->name);
	log_exec(argv);
	clock_gettime(CLOCK_REALTIME, &j->started);
	pid = run_spawn_flags(argv, j->tmpdir, out, err, RUN_DIE_WITH_PARENT);
	if (pid < 0) /* -EINTR: a signal came, job_fail says so */
		return pid == -EINTR ? -EINTR
				     : log_error_errno((int)pid, "Failed to run %s", s->stap);
	j->pid = pid;
	return 0;
}

/* Puts j's module into the cache with its NAME.opts. 0, or -errno after a message. */
static int job_install(const struct settings *s, const struct toolchain *tc, const struct job *j)
{
	_cleanup_free_ char *joined = strv_join(j->opts, " ");
	struct cache_meta m;

	if (!joined)
		return log_error_errno(-ENOMEM, "Failed to install the cache of %s", j->name);
	m = (struct cache_meta){.kernel_release = s->kernel_release,
				.kernel_build = tc->kernel_build,
				.stap_version = tc->stap_version,
				.protocol = tc->protocol,
				.opts = joined};
	return cache_install(s, j->name, j->tmpdir, &j->started, &m);
}

/* stap of j ended with code: logs its output, installs the module, prints the line. */
static void job_finish(const struct settings *s, const struct toolchain *tc, struct job *j,
		       int code)
{
	_cleanup_free_ char *out_path = path_join(j->tmpdir, ".stap.out"), *out = NULL;
	_cleanup_free_ char *err_path = path_join(j->tmpdir, ".stap.err"), *err = NULL;

	if (out_path)
		read_file(out_path, &out, NULL);
	if (err_path)
		read_file(err_path, &err, NULL);
	if ((out && *out) || (err && *err))
		log_line("Output of stap for %s (exit code %d):", j->name, code);
	log_raw(out);
	log_raw(err);
	j->res->rc = 1;
	if (code != 0 && interrupted()) { /* the signal ended stap: not the script's error */
		clog(" Compiling %s ... interrupted\n", j->name);
	} else if (code == 0 && job_install(s, tc, j) == 0) {
		j->res->rc = 0;
		j->res->compiled = true;
		clog(" Compiling %s ... done\n", j->name);
	} else if (code == 0) {
		clog(" Compiling %s ... error\n", j->name);
	} else {
		log_line("Failed to compile script(%s). (stap exit code %d)", j->name, code);
		clog(" Compiling %s ... error\n", j->name);
		stap_output_show_errors(err, code);
	}
	job_done(j);
}

/* Waits for any of the running jobs. The service runs no other child while it compiles. */
static int wait_job(struct job *jobs, size_t n, struct job **ret, int *ret_code)
{
	int status;

	for (;;) {
		pid_t pid = interrupt_reap(-1, &status, 0);
		if (pid < 0)
			return log_error_errno((int)pid, "Failed to wait for stap");
		for (size_t i = 0; i < n; i++)
			if (jobs[i].pid == pid) {
				*ret = &jobs[i];
				*ret_code = run_exit_code(status);
				return 0;
			}
	}
}

static void job_fail(struct job *j)
{
	j->res->rc = 1;
	clog(" Compiling %s ... %s\n", j->name, interrupted() ? "interrupted" : "error");
	job_done(j);
}

/* Runs the planned jobs, at most s->compile_jobs at a time. The first one runs alone: on a
 * fresh machine stap first fills its own cache (~/.systemtap: the kernel's autoconf results,
 * about 8 s), and parallel stap processes would each redo that work (measured on 2 CPUs: two
 * scripts 24 s at once, 11 s one after the other). */
static void run_jobs(const struct settings *s, struct job *jobs, size_t n)
{
	size_t max = s->compile_jobs > 0 ? (size_t)s->compile_jobs : 1, limit = 1;
	size_t next = 0, running = 0;
	struct toolchain tc = {0};
	bool ready;

	if (n == 0)
		return;
	ready = toolchain_prepare(s, &tc) == 0;
	/* After a signal no stap starts, and the running ones end (the signal ends them). */
	while ((next < n && !interrupted()) || running > 0) {
		struct job *j = NULL;
		int code = 0;

		for (; next < n && running < limit && !interrupted(); next++) {
			if (!ready || job_start(s, &jobs[next]) < 0)
				job_fail(&jobs[next]);
			else
				running++;
		}
		if (running == 0)
			continue;
		if (wait_job(jobs, next, &j, &code) < 0) {
			for (size_t i = 0; i < next; i++)
				if (jobs[i].pid > 0)
					job_fail(&jobs[i]);
			running = 0;
			ready = false;
			continue;
		}
		job_finish(s, &tc, j, code);
		running--;
		limit = max;
	}
	free(tc.stap_version);
	free(tc.kernel_build);
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

int compile_scripts(const struct settings *s, char *const *names, bool check,
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
		r = job_plan(s, &jobs[njobs], check);
		if (r < 0)
			goto out;
		if (r == 0)
			job_done(&jobs[njobs]);
		else
			njobs++;
	}
	run_jobs(s, jobs, njobs);
	r = interrupted() ? -EINTR : 0;
	if (r < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		size_t k = first_index(names, i);
		if (k == i) {
			r += res[i].rc != 0;
			continue;
		}
		res[i].rc = res[k].rc;
		res[i].compiled = res[k].compiled;
	}
out:
	if (r < 0) {
		for (size_t i = 0; jobs && i <= njobs && i < n; i++)
			job_done(&jobs[i]);
		if (r == -ENOMEM)
			log_error_errno(r, "Failed to compile scripts");
	}
	free(jobs);
	if (r >= 0 && ret_results)
		*ret_results = res;
	else
		compile_results_free(res, n);
	return r;
}
