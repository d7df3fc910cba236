/* cmd_status.c: status: one line per script and the LSB exit code; a script started at boot
 * also gets lines on its output (its collector's state). Waits for no lock: it only reads
 * (main adopts boot-time modules before, holding the lock only if it is free). */
#include <errno.h>
#include <stdio.h>

#include "cmd_common.h"
#include "cmd_status.h"
#include "deps.h"
#include "log.h"
#include "macro.h"
#include "onboot_collect.h"
#include "script_walk.h"
#include "state.h"
#include "strv.h"

/* What status says of a script in state st (after its name). */
static const char *status_words(enum script_state st)
{
	if (st == SCRIPT_RUNNING)
		return "is running...";
	/* Upstream said "is dead, but another script is running." */
	if (st == SCRIPT_LOADED_NO_PIDFILE)
		return "is loaded but was not started by systemtap-service";
	return "is stopped"; /* SCRIPT_STOPPED, SCRIPT_DEAD_PIDFILE */
}

/* Where a boot script's output is, from its collector's state. */
static void print_output(const char *name, const struct collect_state *st)
{
	const char *ran = st->module == COLLECT_MODULE_RUNNING	 ? ""
			  : st->module == COLLECT_MODULE_EXITED	 ? " (it ended: the script exited)"
			  : st->module == COLLECT_MODULE_STOPPED ? " (it ended: stopped)"
								 : " (detached from its collector)";

	if (st->output == COLLECT_OUTPUT_MEMORY)
		printf("%s: started at boot%s; its output is kept in memory (%llu bytes) until "
		       "systemtap-service onboot --save-log%s%s\n",
		       name, ran, (unsigned long long)st->kept, *st->file ? ", then " : "",
		       st->file);
	else if (*st->file)
		printf("%s: started at boot%s; its output %s %s\n", name, ran,
		       st->output == COLLECT_OUTPUT_FILE ? "goes to" : "is in", st->file);
	else
		printf("%s: started at boot%s; its output was never saved to a file\n", name, ran);
	if (st->lost_bytes)
		printf(
		    "%s: %llu bytes (%llu lines) of its output were lost (more than "
		    "ONBOOT_LOG_SIZE=%llu before its file was opened, or the file refused them)\n",
		    name, (unsigned long long)st->lost_bytes, (unsigned long long)st->lost_lines,
		    (unsigned long long)st->log_size);
	if (st->transport_failures)
		printf("%s: the module counted %llu transport failures (output its full buffer "
		       "refused)\n",
		       name, (unsigned long long)st->transport_failures);
}

int status_of(struct invocation *inv, const char *name, bool quiet)
{
	struct collect_state cst;
	enum script_state st;
	pid_t pid = 0;
	int r;

	r = script_state(inv->s, name, &st, &pid);
	if (r < 0)
		return 4; /* LSB: status unknown */
	if (quiet)
		return (int)st;
	if (st == SCRIPT_RUNNING && pid > 0)
		printf("%s(%d) is running...\n", name, (int)pid);
	else
		printf("%s %s\n", name, status_words(st));
	if (collect_state_read(inv->s, name, &cst) > 0)
		print_output(name, &cst);
	return (int)st;
}

/* The scripts status looks at: the named ones (with -R also their requirements), else every
 * script plus every pid file (a module started from the cache alone or at boot shows too) and
 * every script started at boot (its collector's files).
 * 0 and *ret, or -errno (-ELOOP, -EINVAL after deps_sort reported a loop or a bad name). */
static int status_names(struct invocation *inv, char ***ret)
{
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_strv_free_ char **running = NULL, **booted = NULL;
	int r;

	r = invocation_scripts(inv, &names);
	if (r < 0)
		return r;
	if (inv->names_given) {
		if (inv->s->recursive) {
			_cleanup_strv_free_ char **sorted = NULL;
			r = deps_sort(inv->s, names, &sorted);
			if (r < 0)
				return r;
			strv_free(names);
			names = sorted;
			sorted = NULL;
		}
	} else {
		r = pidfiles_list(inv->s, &running);
		if (r < 0)
			return r;
		r = collect_names(inv->s, &booted);
		if (r < 0)
			return r;
		for (size_t i = 0; booted[i]; i++)
			if (!strv_contains(running, booted[i]) &&
			    strv_push(&running, booted[i]) < 0)
				return log_error_errno(-ENOMEM, "Failed to list the scripts");
		for (size_t i = 0; running[i]; i++)
			if (!strv_contains(names, running[i]) && strv_push(&names, running[i]) < 0)
				return log_error_errno(-ENOMEM, "Failed to list the scripts");
		strv_sort(names);
	}
	*ret = names;
	names = NULL;
	return 0;
}

/* What status_step keeps over the walk. */
struct status_walk {
	bool quiet;
	int rc; /* sticky 0 once any script runs; else the last script's code, as upstream */
};

/* Status of one script (for_each_script): a code, never a failure. */
static enum script_result status_step(struct invocation *inv, const char *name, void *userdata,
				      int *ret_code)
{
	struct status_walk *w = userdata;
	int st = status_of(inv, name, w->quiet);

	(void)ret_code;
	if (w->rc != 0)
		w->rc = st;
	return SCRIPT_OK;
}

static const struct script_step status_script = {.run = status_step};

int status_all(struct invocation *inv, bool quiet)
{
	_cleanup_strv_free_ char **names = NULL;
	struct status_walk w = {.quiet = quiet, .rc = EXIT_USAGE};
	int r;

	r = status_names(inv, &names);
	if (r == -ELOOP || r == -EINVAL)
		return EXIT_DEPENDENCY;
	if (r < 0)
		return 4;
	if (!names[0]) {
		if (!quiet)
			printf("No systemtap scripts are present\n");
		return EXIT_USAGE;
	}
	/* condrestart runs this with the signal handlers installed: a signal ends the walk. */
	(void)for_each_script(inv, names, &status_script, &w);
	return w.rc;
}

int cmd_status(struct invocation *inv)
{
	return status_all(inv, false);
}
