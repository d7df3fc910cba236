/* cmd_stop.c: stop: dependents before their requirements; kill -TERM for a stapio daemon or
 * the output collector of a script started at boot, staprun -d for a detached module,
 * re-checking up to 10 times as upstream. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "cmd_common.h"
#include "fsutil.h"
#include "interrupt.h"
#include "log.h"
#include "macro.h"
#include "onboot_collect.h"
#include "run.h"
#include "script_walk.h"
#include "state.h"
#include "strfmt.h"
#include "strv.h"

#define STOP_ATTEMPTS 10
#define POLL_MS 100
/* How long stop waits, after the unload, for a collector to finish its file. */
#define COLLECTOR_FINISH_MS 5000
/* How long stop waits for a module being unloaded to be gone. */
#define UNLOAD_MS 5000

/* True when PROC_PATH/systemtap/name exists: a systemtap module (its control directory). */
static bool is_systemtap_module(const struct settings *s, const char *name)
{
	_cleanup_free_ char *path = NULL;

	if (asprintf(&path, "%s/systemtap/%s", s->proc_path, name) < 0)
		return false;
	return path_exists(path) > 0;
}

/* True when PROC_PATH/pid/exe is a program named stapio ("stapio (deleted)" after an upgrade
 * replaced it while it ran). */
static bool runs_stapio(const struct settings *s, pid_t pid)
{
	_cleanup_free_ char *path = NULL;
	char exe[4096];
	const char *base;
	ssize_t n;

	if (asprintf(&path, "%s/%d/exe", s->proc_path, (int)pid) < 0)
		return false;
	n = readlink(path, exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	base = strrchr(exe, '/');
	base = base ? base + 1 : exe;
	return streq(base, "stapio") || streq(base, "stapio (deleted)");
}

/* True when process pid is the stapio of name: the program is stapio and one of its arguments
 * is exactly the cached module start gave staprun (stapio keeps staprun's argv). A pid file
 * left over from a crashed stapio, its pid reused, must not make us kill a stranger (a
 * `tail -f /x/NAME.ko` included). */
static bool is_stapio_of(const struct settings *s, pid_t pid, const char *name)
{
	_cleanup_free_ char *path = NULL, *cmdline = NULL, *ko = cache_ko_path(s, name);
	size_t len;

	if (!ko || !runs_stapio(s, pid))
		return false;
	if (asprintf(&path, "%s/%d/cmdline", s->proc_path, (int)pid) < 0)
		return false;
	if (read_file(path, &cmdline, &len) < 0)
		return false;
	for (size_t i = 0; i < len; i += strlen(cmdline + i) + 1)
		if (streq(cmdline + i, ko))
			return true;
	return false;
}

/* staprun -d name. 0 or -EIO after an error naming the module and staprun's words. */
static int unload_detached(const struct settings *s, const char *name)
{
	char *argv[] = {s->staprun, (char *)"-d", (char *)name, NULL};
	_cleanup_free_ char *out = NULL;
	int rc;

	rc = run_capture(argv, NULL, &out);
	if (rc == -EINTR) /* the signal ended it; main says so */
		return rc;
	if (rc < 0)
		return log_error_errno(rc, "Failed to run %s", s->staprun);
	if (rc != 0) {
		for (char *p = out; p && *p; p++)
			if (*p == '\n')
				*p = p[1] ? ' ' : '\0';
		log_error("Failed to unload %s: %s -d exited with %d%s%s", name, s->staprun, rc,
			  out && *out ? ": " : "", out ? out : "");
		return -EIO;
	}
	return 0;
}

/* SIGTERM to pid when it is name's stapio or output collector (which ends the module, writes
 * the rest of its output and unloads it). Checked and signalled through one pidfd where the
 * kernel has them: a pid reused in between is never signalled. 1 sent, 0 neither (or gone),
 * -errno after an error. */
static int term_stapio(const struct settings *s, pid_t pid, const char *name)
{
	_cleanup_close_ int pidfd = -1;
	int r;

#ifdef SYS_pidfd_open
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0 && errno == ESRCH)
		return 0;
#endif
	if (!is_stapio_of(s, pid, name) && !collect_is_of(s, pid, name))
		return 0;
	log_line("Exec: kill -TERM %d", (int)pid);
#ifdef SYS_pidfd_send_signal
	if (pidfd >= 0)
		r = (int)syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 0);
	else
#endif
		r = kill(pid, SIGTERM);
	if (r == 0)
		return 1;
	if (errno == ESRCH)
		return 0;
	return log_error_errno(-errno, "Failed to send SIGTERM to %d (%s)", (int)pid, name);
}

/* Asks the module to stop once. 0 or -errno after an error. */
static int send_stop(const struct settings *s, const char *name, pid_t pid)
{
	int r = pid > 0 ? term_stapio(s, pid, name) : 0;

	if (r != 0)
		return r < 0 ? r : 0;
	if (pid > 0)
		log_line("Process %d is not the stapio or collector of %s (any more); unloading "
			 "with staprun -d",
			 (int)pid, name);
	return unload_detached(s, name);
}

/* A module that stopped running may still be "going" (its exit code runs, its files are
 * released): stop returns once the kernel has dropped it, so that whatever runs next (a start,
 * rmmod, a check of /sys/module) finds it gone. Up to UNLOAD_MS, then it is left to finish. */
static void wait_gone(const char *name)
{
	for (int waited = 0; waited < UNLOAD_MS && !interrupted(); waited += POLL_MS) {
		struct timespec pause = {0, POLL_MS * 1000000L};
		bool present;

		if (module_present(name, &present) < 0 || !present)
			return;
		nanosleep(&pause, NULL);
	}
	log_line("Module %s is still being unloaded; not waiting longer", name);
}

/* Polls for up to one second until name is unloaded. 1 stopped (pid file removed), 0 still
 * loaded, -errno. */
static int wait_stopped(const struct settings *s, const char *name)
{
	for (int waited = 0; waited < 1000 && !interrupted(); waited += POLL_MS) {
		struct timespec pause = {0, POLL_MS * 1000000L};
		enum script_state st;
		int r = script_state(s, name, &st, NULL);

		if (r < 0)
			return r;
		if (st == SCRIPT_STOPPED || st == SCRIPT_DEAD_PIDFILE) {
			r = pidfile_remove(s, name);
			if (r < 0)
				return r;
			wait_gone(name);
			return 1;
		}
		nanosleep(&pause, NULL);
	}
	return 0;
}

/* After the unload: waits until name's collector pid has written the end of its output (it
 * exited, or ended and keeps the output in memory for a later save), so that its file no
 * longer changes when stop returns. A collector that takes longer is left to finish. */
static void wait_collector(const struct settings *s, pid_t pid, const char *name)
{
	for (int waited = 0; waited < COLLECTOR_FINISH_MS && !interrupted(); waited += POLL_MS) {
		struct timespec pause = {0, POLL_MS * 1000000L};
		struct collect_state st;

		if (!collect_is_of(s, pid, name))
			return;
		if (collect_state_read(s, name, &st) > 0 && st.module != COLLECT_MODULE_RUNNING &&
		    st.output != COLLECT_OUTPUT_FILE)
			return;
		nanosleep(&pause, NULL);
	}
	log_line("The collector %d of %s is still writing; not waiting longer", (int)pid, name);
}

/* Stops one script (for_each_script). On SCRIPT_FAILED *ret_code is 1, or
 * SCRIPT_LOADED_NO_PIDFILE for a module that is not ours. */
static enum script_result stop_step(struct invocation *inv, const char *name, void *userdata,
				    int *ret_code)
{
	const struct settings *s = inv->s;

	(void)userdata;
	*ret_code = 1;
	for (int attempt = 1; attempt <= STOP_ATTEMPTS; attempt++) {
		enum script_state st;
		pid_t pid = 0;
		int r;

		if (interrupted())
			return SCRIPT_INTERRUPTED;
		r = script_state(s, name, &st, &pid);
		if (r < 0)
			return SCRIPT_FAILED;
		if (st == SCRIPT_STOPPED)
			return attempt == 1 ? SCRIPT_SKIPPED : SCRIPT_OK;
		if (st == SCRIPT_DEAD_PIDFILE)
			return pidfile_remove(s, name) < 0 ? SCRIPT_FAILED : SCRIPT_OK;
		if (st == SCRIPT_LOADED_NO_PIDFILE && !is_systemtap_module(s, name)) {
			log_error("%s is loaded but is not a systemtap module; not stopping it",
				  name);
			*ret_code = SCRIPT_LOADED_NO_PIDFILE;
			return SCRIPT_FAILED;
		}
		/* Loaded without a pid file but with a control directory: a systemtap module
		 * started by hand; detached, so staprun -d unloads it. */
		bool collector = pid > 0 && collect_is_of(s, pid, name);

		if (send_stop(s, name, pid) < 0)
			return SCRIPT_FAILED;
		r = wait_stopped(s, name);
		if (r < 0)
			return SCRIPT_FAILED;
		if (r > 0 && collector)
			wait_collector(s, pid, name);
		if (r > 0)
			return SCRIPT_OK;
	}
	log_error("Failed to stop script \"%s\" after %d attempts", name, STOP_ATTEMPTS);
	return SCRIPT_FAILED;
}

static char *stop_failed(const char *name, int code)
{
	return strdup_printf("Failed to stop \"%s\". (%d)", name, code);
}

/* Requirements stop after the scripts that need them. */
static const struct script_step stop_script = {
    .run = stop_step, .failed = stop_failed, .reverse = true};

int cmd_stop(struct invocation *inv)
{
	_cleanup_strv_free_ char **names = NULL, **ordered = NULL;
	int r;

	clog("Stopping systemtap: ");
	r = inv->names_given ? invocation_scripts(inv, &names) : pidfiles_list(inv->s, &names);
	if (r < 0) {
		clog("FAILED");
		return EXIT_FAIL;
	}
	r = order_scripts(inv, names, &ordered);
	if (r < 0)
		return exit_code_of(r);
	/* After a signal no further script is stopped (main reports it, exit 128 + N). */
	if (for_each_script(inv, ordered, &stop_script, NULL) < 0)
		return EXIT_FAIL;
	might_success(inv, "systemtap stopping");
	return EXIT_OK;
}
