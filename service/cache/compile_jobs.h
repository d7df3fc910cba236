/* compile_jobs.h: one stap run per script, several at a time (compile_jobs.c), for
 * compile_scripts (compile.c). */
#pragma once
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "compile.h"
#include "settings.h"
#include "tempfile.h"

struct job {
	const char *name;
	struct compile_result *res;
	char *script;	     /* SCRIPT_PATH/NAME.stp */
	char **opts;	     /* normalized compile options */
	struct temp dir;     /* stap's working directory under TEMP_PATH: NAME.ko appears there */
	char *script_sha256; /* digest of the script as stap started, recorded in NAME.opts */
	pid_t pid;	     /* > 0 while stap runs */
	struct timespec started;
};

/* Frees what j holds and removes its directory under TEMP_PATH. */
void compile_job_done(struct job *j);
/* Runs the planned jobs (their res gets rc and compiled), at most s->compile_jobs at a time;
 * after a signal no stap starts. Prints " Compiling NAME ... done|error|interrupted" per
 * job as it ends. */
void compile_run_jobs(const struct settings *s, struct job *jobs, size_t n);
