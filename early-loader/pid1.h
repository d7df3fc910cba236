/* pid1.h: earliest mode: stap-early-loader as the initramfs's first process (/init). */
#pragma once
#include "startall.h"

#include <stdbool.h>

/* The loading child's time limit when rd.systemtap.timeout= is not given. */
#define PID1_TIMEOUT_DEFAULT_S 20
/* Left in /run by PID 1 when it starts the scripts: the cmdline hook then has nothing to do.
 * /run is carried over to the real root, so it also tells later who started them. */
#define PID1_DONE_MARKER "/run/stap-early-loader.done"

/* PID 1's whole run: mounts the API filesystems, starts the manifest's scripts in a child
 * with a hard time limit (unless rd.systemtap=0 or rd.systemtap.mode=hook), then execs the
 * real init whatever happened to the child. Returns only when no init could be exec'd. */
int pid1_main(const struct startall_request *req, char **argv);

/* True when PID 1 started this boot's scripts (PID1_DONE_MARKER below root). */
bool pid1_started(const char *root);
