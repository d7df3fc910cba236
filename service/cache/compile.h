/* compile.h: running the real stap for one or many scripts, in parallel, into the cache. */
#pragma once
#include <stdbool.h>
#include "settings.h"

struct compile_result {
	char *name;
	int rc; /* 0 compiled or cache valid, 1 stap failed, 2 bad options, 3 no script, ... */
	bool compiled;
};

/* Compiles names (each once) with at most s->compile_jobs stap processes at a time.
 * check: skip scripts with a valid cache (AUTOCOMPILE=no: a missing/stale cache is an error).
 * Prints " Compiling NAME ... done|error" per compiled script, one whole line each as it ends.
 * Returns the number of scripts that failed (>= 0) or a negative errno; *ret_results (may be
 * NULL) gets one entry per name, in names order. */
int compile_scripts(const struct settings *s, char *const *names, bool check,
		    struct compile_result **ret_results);
void compile_results_free(struct compile_result *r, size_t n);
