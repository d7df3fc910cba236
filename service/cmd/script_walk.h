/* script_walk.h: one walk over a command's scripts, in order, with PASSALL and signals handled
 * in one place; each command supplies only its step for one script (script_walk.c). */
#pragma once
#include <stdbool.h>
#include "commands.h"

/* What a command's step did to one script. */
enum script_result {
	SCRIPT_OK = 0,	    /* done: started, stopped, removed, compiled, looked at */
	SCRIPT_SKIPPED,	    /* nothing to do (already running, already stopped) */
	SCRIPT_FAILED,	    /* failed with a code: PASSALL decides whether the walk goes on */
	SCRIPT_INTERRUPTED, /* a signal ended the step: the walk stops, main reports the signal */
	SCRIPT_ABORTED,	    /* failed so that the command ends ("FAILED" printed already) */
};

struct script_step {
	/* The step for one script, with the command's userdata. On SCRIPT_FAILED it sets
	 * *ret_code, the code the failure message shows. */
	enum script_result (*run)(struct invocation *inv, const char *name, void *userdata,
				  int *ret_code);
	/* might_fail's message for a script that failed with code (upstream's words per
	 * command), newly allocated; NULL when out of memory. */
	char *(*failed)(const char *name, int code);
	bool reverse; /* from the last name to the first (stop: requirements last) */
};

/* Runs step->run for each of names in order (reversed with step->reverse), none after a
 * signal; a SCRIPT_FAILED script goes through might_fail with step->failed's message unless a
 * signal came meanwhile. 0 when every script was walked, -EINTR after a signal (main reports
 * it), -ECANCELED when PASSALL or an aborting step ended the walk ("FAILED" printed). */
int for_each_script(struct invocation *inv, char *const *names, const struct script_step *step,
		    void *userdata);
