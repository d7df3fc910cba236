/* stale.h: removing the temp files and directories of runs that died. */
#pragma once
#include <stdbool.h>
#include <sys/types.h>

/* The owner pid in a temp name PREFIX[...].PID.XXXXXX (the pid right after prefix or after a
 * dot; XXXXXX letters and digits), or 0 when name is no such temp name. */
pid_t temp_owner(const char *name, const char *prefix);
/* Removes (recursively, never following links) every entry of dir named as a temp of prefix
 * whose owner process is gone and that belongs to our user. Each removal is logged; one that
 * fails is a warning. The number removed, or -errno when dir cannot be read (missing: 0). */
int remove_stale_temps(const char *dir, const char *prefix);
