/* cmd_status.h: the status of scripts, for status and condrestart (cmd_status.c). */
#pragma once
#include <stdbool.h>
#include "commands.h"

/* Status of one script; quiet: print nothing. Returns the status exit code (0, 1, 3, 4). */
int status_of(struct invocation *inv, const char *name, bool quiet);
/* The status exit code over every script status looks at (0 if any runs), printing each line
 * unless quiet; EXIT_USAGE when there is none (after "No systemtap scripts are present"). */
int status_all(struct invocation *inv, bool quiet);
