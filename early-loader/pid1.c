/* pid1.c: earliest mode. PID 1 does the minimum itself: every module is handled by a child,
 * so that a loader bug or a module that never returns can cost the boot at most the time
 * limit, and never "Attempted to kill init". */
#include "pid1.h"

#include "apifs.h"
#include "cmdline.h"
#include "kmsg.h"
#include "realinit.h"
#include "rootpath.h"
#include "supervise.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef STAP_EARLY_LOADER_FAULTS
#include "fileio.h"

#include <stdlib.h>

/* Test build only (build/stap-early-loader-faults, tests/e2e): rd.systemtap.fault=crash or
 * =hang makes the loading child crash or hang once its run is over (the modules it armed keep
 * running), to prove the boot survives both. */
static void inject_fault(const char *cmdline_path)
{
	char *text = NULL;
	size_t len;

	if (read_file_limited(cmdline_path, 65536, &text, &len) < 0)
		return;
	if (strstr(text, "rd.systemtap.fault=crash")) {
		log_info("test build: crashing the loading child (rd.systemtap.fault=crash)");
		raise(SIGSEGV);
	}
	if (strstr(text, "rd.systemtap.fault=hang")) {
		log_info("test build: hanging the loading child (rd.systemtap.fault=hang)");
		for (;;)
			pause();
	}
	free(text);
}
#endif

static int load_in_child(void *arg)
{
	const struct startall_request *req = arg;
	int r;

	/* A vanished console reader must not kill the child either. */
	signal(SIGPIPE, SIG_IGN);
	r = startall_run(req, NULL);
#ifdef STAP_EARLY_LOADER_FAULTS
	inject_fault(req->cmdline_path);
#endif
	return r;
}

bool pid1_started(const char *root)
{
	char path[PATH_MAX];
	struct stat st;

	return root_path(path, sizeof(path), root, PID1_DONE_MARKER) == 0 &&
	       lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static void mark_started(const char *root)
{
	char path[PATH_MAX];
	int fd;

	if (root_path(path, sizeof(path), root, PID1_DONE_MARKER) < 0)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0644);
	if (fd < 0) {
		log_warning("cannot create %s (%s): the cmdline hook will try to start the "
			    "scripts again",
			    path, errno_reason(errno));
		return;
	}
	close(fd);
}

static void report(const struct child_result *res, unsigned limit_s)
{
	unsigned long long ms = (unsigned long long)res->ms;

	switch (res->end) {
	case CHILD_EXITED:
		log_debug("the loading process ended with status %d after %llu ms", res->code, ms);
		break;
	case CHILD_SIGNALED:
		log_error("the loading process was killed by signal %d (%s) after %llu ms; the "
			  "boot goes on without the scripts it had not started",
			  res->code, strsignal(res->code), ms);
		break;
	case CHILD_TIMED_OUT:
		log_error("the loading process did not finish within %u s "
			  "(rd.systemtap.timeout=): killed; the boot goes on without the scripts "
			  "it had not started",
			  limit_s);
		break;
	case CHILD_NOT_RUN:
		log_error("cannot start the loading process: %s; no SystemTap script started",
			  errno_reason(res->code));
		break;
	}
}

int pid1_main(const struct startall_request *req, char **argv)
{
	struct startall_request run = *req;
	struct boot_switches sw = {0};
	struct child_result res;
	unsigned limit_s;
	int r;

	log_setup(req->kmsg_path, req->kmsg_is_file, true);
	log_set_verbose(req->verbose);
	apifs_mount_all(req->root);
	/* Unreadable: start anyway; the child says why its switches are missing. */
	r = cmdline_load(req->cmdline_path, &sw);
	if (r == 0 && sw.verbose)
		log_set_verbose(true);
	limit_s = r == 0 && sw.timeout_s ? sw.timeout_s : PID1_TIMEOUT_DEFAULT_S;
	if (r == 0 && sw.disabled)
		log_debug("rd.systemtap=0: no SystemTap script started");
	else if (r == 0 && sw.mode == BOOT_MODE_HOOK)
		log_info("rd.systemtap.mode=hook: the scripts start from dracut's cmdline hook");
	else {
		mark_started(req->root);
		/* The collectors' gate stays shut until the exec (close-on-exec): they do not
		 * compete with the boot's way to the real init. */
		run.has_gate = pipe2(run.gate, O_CLOEXEC) == 0;
		supervise_run(load_in_child, &run, limit_s * 1000U, &res);
		if (run.has_gate)
			close(run.gate[0]);
		report(&res, limit_s);
	}
	boot_switches_free(&sw);
	return realinit_exec(req->root, argv);
}
