/* startall.h: one loader run: command line switches, manifest, every script in order. */
#pragma once
#include "loader.h"

#include <stdbool.h>

#define RUNDIR_DEFAULT "/run/systemtap"
#define KMSG_DEFAULT "/dev/kmsg"

/* Exit status: 0 all armed (or nothing to do), 1..254 failed scripts plus rejected manifest
 * lines (capped), 255 manifest unreadable. */
#define EXIT_MANIFEST_UNREADABLE 255
#define EXIT_FAILURES_MAX 254

struct startall_request {
	const char *manifest_path;
	const char *cmdline_path; /* /proc/cmdline */
	const char *kmsg_path;	  /* /dev/kmsg */
	bool kmsg_is_file;	  /* a test's file: create it */
	const char *rundir;	  /* /run/systemtap: log_boot_err files */
	const char *root;	  /* prefix for /proc and /sys, "" on a real boot */
	bool verbose;		  /* -v */
	/* The collectors' gate (collect.h), whose write end the caller keeps open beyond the
	 * run (PID 1: until it execs the real init); without it the collectors start at once
	 * (the hook: the shell that waits for the loader would wait for their start as well). */
	bool has_gate;
	int gate[2];
};

/* Defaults, then the test-only environment overrides STAP_EARLY_LOADER_CMDLINE, _KMSG,
 * _RUNDIR and _ROOT. manifest_path and verbose are the caller's. */
void startall_request_init(struct startall_request *req, const char *manifest_path, bool verbose);

/* Sets up logging, logs the run's first line ("starting: N scripts in MANIFEST", or the
 * rd.systemtap=0 line) and starts every script of the manifest that is not skipped, each
 * armed one handed to its collector (gated by req's gate, whose copies it closes at its end).
 * timeouts may be NULL (defaults; its root and module_dir are ignored). Returns the exit
 * status. */
int startall_run(const struct startall_request *req, const struct loader_config *timeouts);
