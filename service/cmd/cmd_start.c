/* cmd_start.c: start: compile what needs it (in parallel), then run staprun for each script,
 * requirements first, recording a pid file per started script. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "cmd_common.h"
#include "compile.h"
#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "names.h"
#include "optfilter.h"
#include "run.h"
#include "script_walk.h"
#include "state.h"
#include "strfmt.h"
#include "strv.h"
#include "tempfile.h"

/* stapio prints its daemon pid after forking: wait for it as upstream did (BZ624657). */
#define DAEMON_PID_WAIT_MS 10000
#define POLL_MS 100

/* The scripts start acts on: the named ones, else DEFAULT_START (valid names), else all. */
static int start_names(struct invocation *inv, char ***ret)
{
	_cleanup_strv_free_ char **words = NULL;
	_cleanup_strv_free_ char **names = NULL;
	int r;

	if (inv->names_given || !inv->s->default_start || !*inv->s->default_start)
		return invocation_scripts(inv, ret);
	r = strv_split_blanks(inv->s->default_start, &words);
	if (r < 0)
		return log_error_errno(r, "Failed to read DEFAULT_START");
	for (size_t i = 0; words && words[i]; i++) {
		if (!script_name_valid(words[i])) {
			log_line(
			    "%s is not a valid script name (must match [a-zA-Z_][a-zA-Z0-9_]*)",
			    words[i]);
			continue;
		}
		if (!strv_contains(names, words[i]) && strv_push(&names, words[i]) < 0)
			return log_error_errno(-ENOMEM, "Failed to read DEFAULT_START");
	}
	if (!names && !(names = calloc(1, sizeof(char *))))
		return log_error_errno(-ENOMEM, "Failed to read DEFAULT_START");
	*ret = names;
	names = NULL;
	return 0;
}

/* Inserts word before the last entry of *v (the mode word stays last). 0 or -ENOMEM. */
static int insert_before_last(char ***v, const char *word)
{
	size_t n = strv_length(*v);
	int r = strv_push(v, word);

	if (r < 0 || n == 0)
		return r;
	char *w = (*v)[n];
	(*v)[n] = (*v)[n - 1];
	(*v)[n - 1] = w;
	return 0;
}

/* staprun's options for name from <name>_OPT (mode word last), or -EINVAL after an error. */
static int run_options(const struct settings *s, const char *name, char ***ret,
		       enum run_mode *ret_mode)
{
	_cleanup_strv_free_ char **words = NULL, **norm = NULL, **run = NULL;
	_cleanup_free_ char *bad = NULL, *marker = cache_uprobes_path(s, name);
	_cleanup_free_ char *uprobes = NULL;
	enum run_mode mode;
	int r;

	if (!marker)
		return log_error_errno(-ENOMEM, "Failed to prepare %s", name);
	r = opts_split(settings_script_opt(s, name), &words);
	if (r == -EINVAL) {
		log_error("Bad options for script %s: %s_OPT has an unbalanced quote", name, name);
		return r;
	}
	if (r >= 0)
		r = opts_normalize(words, &norm, &bad);
	if (r == -EPERM) {
		log_error("Bad options for script %s: refused option %s", name, bad ? bad : "");
		return -EINVAL;
	}
	if (r == -EINVAL) {
		log_error("Bad options for script %s: unknown option or missing argument '%s'",
			  name, bad ? bad : "");
		return r;
	}
	if (r >= 0 && path_exists(marker)) {
		uprobes = path_join(s->cache_path, "uprobes/uprobes.ko");
		if (!uprobes)
			r = -ENOMEM;
		else if (!path_exists(uprobes)) {
			free(uprobes);
			uprobes = NULL;
		}
	}
	if (r >= 0)
		r = opts_for_run(norm, uprobes, &run, &mode);
	if (r >= 0 && uprobes) {
		/* The script needs uprobes.ko (its .uprobes marker) even without --save-uprobes. */
		bool has_u = false;
		for (size_t i = 0; run[i]; i++)
			has_u = has_u || strncmp(run[i], "-u", 2) == 0;
		if (!has_u) {
			_cleanup_free_ char *u = NULL;
			if (asprintf(&u, "-u%s", uprobes) < 0)
				r = -ENOMEM;
			else
				r = insert_before_last(&run, u);
		}
	}
	if (r < 0)
		return log_error_errno(r, "Bad options for script %s", name);
	for (size_t i = 0; run[i]; i++)
		if (streq(run[i], "-o") && run[i + 1] && run[i + 1][0] != '/') {
			/* staprun runs in a temporary directory that is removed afterwards. */
			log_error("Bad options for script %s: the -o file '%s' must be an absolute "
				  "path",
				  name, run[i + 1]);
			return -EINVAL;
		}
	*ret = run;
	run = NULL;
	*ret_mode = mode;
	return 0;
}

/* Reads the daemon pid stapio printed on stdout (file path), waiting up to 10 s for a whole
 * line; *ret_pid is 0 when none came. */
static void read_daemon_pid(const char *path, pid_t *ret_pid)
{
	for (int waited = 0;; waited += POLL_MS) {
		_cleanup_free_ char *text = NULL;
		struct timespec pause = {0, POLL_MS * 1000000L};

		if (read_file(path, &text, NULL) >= 0 && strchr(text, '\n')) {
			char *end;
			long v = strtol(text, &end, 10);
			if (end != text && v > 0 && v <= 0x7fffffffL) {
				*ret_pid = (pid_t)v;
				return;
			}
			break;
		}
		if (waited >= DAEMON_PID_WAIT_MS)
			break;
		nanosleep(&pause, NULL);
	}
	*ret_pid = 0;
}

/* Logs staprun's stderr, and with show also prints it indented under the "error" word. */
static void report_output(const char *path, bool show)
{
	_cleanup_free_ char *text = NULL;

	if (read_file(path, &text, NULL) < 0)
		return;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (!*line)
			continue;
		if (show)
			clog("   %s\n", line);
		else
			log_line("staprun: %s", line);
	}
}

/* Creates path for writing (a fresh file). The fd, or -errno. */
static int create_file(const char *path)
{
	int fd;

	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
	return fd < 0 ? -errno : fd;
}

/* Runs staprun argv with workdir as its cwd (stapio's, bz7097); on success writes the pid
 * file. Returns staprun's exit code, or 1 when it could not run. */
static int run_staprun(const struct settings *s, const char *workdir, const char *name,
		       char *const *argv, enum run_mode mode)
{
	_cleanup_free_ char *out_path = NULL, *err_path = NULL;
	_cleanup_close_ int out_fd = -1, err_fd = -1;
	pid_t child, daemon_pid = 0;
	int rc;

	if (asprintf(&out_path, "%s/%s.pid", workdir, name) < 0 ||
	    asprintf(&err_path, "%s/%s.err", workdir, name) < 0) {
		out_path = err_path = NULL;
		clog("error\n");
		log_error_errno(-ENOMEM, "Failed to start %s", name);
		return 1;
	}
	/* stdout carries stapio's daemon pid with -D; otherwise it is logged with stderr. */
	err_fd = create_file(err_path);
	out_fd = mode == RUN_MODE_DAEMON ? create_file(out_path) : dup(err_fd);
	if (err_fd < 0 || out_fd < 0) {
		clog("error\n");
		log_error_errno(err_fd < 0 ? err_fd : -errno, "Failed to create files in %s",
				workdir);
		return 1;
	}
	log_exec(argv);
	child = run_spawn(argv, workdir, out_fd, err_fd);
	rc = child < 0 ? (int)child : run_wait(child);
	if (rc == -EINTR) { /* a signal ended it (interrupt.h) */
		clog("interrupted\n");
		report_output(err_path, false);
		unlink(out_path);
		unlink(err_path);
		return 1;
	}
	if (rc < 0) {
		clog("error\n");
		log_error_errno(rc, "Failed to run %s", argv[0]);
		return 1;
	}
	if (rc == 0 && mode == RUN_MODE_DAEMON) {
		read_daemon_pid(out_path, &daemon_pid);
		if (daemon_pid == 0)
			log_warning("stapio did not report its pid for %s within %d s", name,
				    DAEMON_PID_WAIT_MS / 1000);
	}
	if (rc == 0 && pidfile_write(s, name, daemon_pid) < 0)
		rc = 1;
	clog(rc == 0 ? "done\n" : "error\n");
	report_output(err_path, rc != 0);
	unlink(out_path);
	unlink(err_path);
	return rc;
}

/* What start_step needs besides the name: the compile results, and the directory under
 * TEMP_PATH staprun runs in, made by the first script that needs it. */
struct start_walk {
	struct compile_result *res;
	size_t nres;
	struct temp workdir;
};

/* The compile result of name, 0 when it was not compiled at all (already running). */
static int compile_rc_of(const struct compile_result *res, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (streq(res[i].name, name))
			return res[i].rc;
	return 0;
}

/* Starts one script (for_each_script). On SCRIPT_FAILED *ret_code is the compile code, 2 for
 * bad options, SCRIPT_LOADED_NO_PIDFILE, staprun's exit code, or 1. */
static enum script_result start_step(struct invocation *inv, const char *name, void *userdata,
				     int *ret_code)
{
	const struct settings *s = inv->s;
	struct start_walk *w = userdata;
	_cleanup_strv_free_ char **opts = NULL, **argv = NULL;
	_cleanup_free_ char *ko = NULL;
	enum run_mode mode = RUN_MODE_LOAD_ONLY;
	enum script_state st;
	int r;

	*ret_code = 1;
	r = script_state(s, name, &st, NULL);
	if (r < 0)
		return SCRIPT_FAILED;
	if (st == SCRIPT_RUNNING)
		return SCRIPT_SKIPPED;
	if (st == SCRIPT_LOADED_NO_PIDFILE) {
		log_error("%s is loaded but was not started by systemtap-service; stop it first "
			  "(systemtap-service stop %s)",
			  name, name);
		*ret_code = SCRIPT_LOADED_NO_PIDFILE;
		return SCRIPT_FAILED;
	}
	*ret_code = compile_rc_of(w->res, w->nres, name);
	if (*ret_code != 0)
		return SCRIPT_FAILED;
	*ret_code = 2;
	if (run_options(s, name, &opts, &mode) < 0)
		return SCRIPT_FAILED;
	*ret_code = 1;
	ko = cache_ko_path(s, name);
	if (!ko || strv_push(&argv, s->staprun) < 0 || strv_extend(&argv, opts) < 0 ||
	    strv_push(&argv, ko) < 0) {
		log_error_errno(-ENOMEM, "Failed to start %s", name);
		return SCRIPT_FAILED;
	}
	clog(" Starting %s ... ", name);
	if (!w->workdir.dir) {
		r = temp_dir(s->temp_path, "start", &w->workdir);
		if (r < 0) {
			clog("error\n");
			log_error_errno(r, "Failed to create a temporary directory in %s",
					s->temp_path);
			return SCRIPT_FAILED;
		}
	}
	*ret_code = run_staprun(s, w->workdir.path, name, argv, mode);
	return *ret_code == 0 ? SCRIPT_OK : SCRIPT_FAILED;
}

static char *start_failed(const char *name, int code)
{
	return strdup_printf("Failed to run \"%s\". (%d)", name, code);
}

static const struct script_step start_script = {.run = start_step, .failed = start_failed};

/* Compiles, in parallel, every script of names that is not running and lacks a valid cache. */
static int compile_needed(struct invocation *inv, char *const *names,
			  struct compile_result **ret_res, size_t *ret_n)
{
	_cleanup_strv_free_ char **todo = NULL;
	int r;

	for (size_t i = 0; names[i]; i++) {
		enum script_state st;
		if (script_state(inv->s, names[i], &st, NULL) == 0 &&
		    (st == SCRIPT_RUNNING || st == SCRIPT_LOADED_NO_PIDFILE))
			continue;
		if (strv_push(&todo, names[i]) < 0)
			return log_error_errno(-ENOMEM, "Failed to compile");
	}
	*ret_res = NULL;
	*ret_n = 0;
	if (!todo)
		return 0;
	r = compile_scripts(inv->s, todo, NULL, true, ret_res);
	if (r < 0)
		return r;
	*ret_n = strv_length(todo);
	return 0;
}

int cmd_start(struct invocation *inv)
{
	_cleanup_strv_free_ char **names = NULL, **ordered = NULL;
	struct start_walk w = {0};
	int r, rc = EXIT_OK;

	clog("Starting systemtap: ");
	if (start_names(inv, &names) < 0) {
		clog("FAILED");
		return EXIT_FAIL;
	}
	if (!names[0]) {
		do_warning("No scripts exist.");
		return EXIT_OK;
	}
	r = mkdir_p(inv->s->stat_path, 0755);
	if (r < 0) {
		do_failure("Failed to make stat directory (%s): %s", inv->s->stat_path,
			   strerror(-r));
		return EXIT_FAIL;
	}
	r = mkdir_p(inv->s->cache_path, 0755);
	if (r < 0) {
		do_failure("Failed to make cache directory (%s): %s", inv->s->cache_path,
			   strerror(-r));
		return EXIT_FAIL;
	}
	r = order_scripts(inv, names, &ordered);
	if (r < 0)
		return exit_code_of(r);
	if (compile_needed(inv, ordered, &w.res, &w.nres) < 0) {
		clog("FAILED");
		return EXIT_FAIL;
	}
	/* After a signal: main reports it and exits 128 + N. */
	if (for_each_script(inv, ordered, &start_script, &w) < 0)
		rc = EXIT_FAIL;
	compile_results_free(w.res, w.nres);
	temp_discard(&w.workdir);
	if (rc == EXIT_OK)
		might_success(inv, "systemtap startup");
	return rc;
}
