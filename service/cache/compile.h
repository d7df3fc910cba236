/* compile.h: running the real stap for one or many scripts, in parallel, into the cache. */
#pragma once
#include <stdbool.h>
#include "settings.h"

struct compile_result {
	char *name;
	int rc; /* 0 compiled or cache valid, 1 stap failed, 2 bad options, 3 no script, ... */
	bool compiled;
};

/* Compiles names (each once) with at most s->compile_jobs stap processes at a time, each with
 * its options text: opts[i] for names[i], or <NAME>_OPT when opts is NULL.
 * check: skip scripts with a valid cache (AUTOCOMPILE=no: a missing/stale cache is an error).
 * Prints " Compiling NAME ... done|error" per compiled script, one whole line each as it ends.
 * 0 and *ret_results (one entry per name, in names order; rc says how each went), or -errno
 * (-EINTR after a signal). */
int compile_scripts(const struct settings *s, char *const *names, char *const *opts, bool check,
		    struct compile_result **ret_results);
void compile_results_free(struct compile_result *r, size_t n);
