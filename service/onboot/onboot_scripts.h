/* onboot_scripts.h: which of the named scripts can start at boot, and how. */
#pragma once
#include <stddef.h>

#include "commands.h"
#include "onboot_manifest.h"

/* For each name (compiled already, in start order) prints " Checking options NAME ... " and
 * checks what the early loader can honour: run options from <NAME>_OPT (-o, -c, -x, -S and
 * uprobes.ko are refused: no root file system, no processes at that time; -s N becomes the
 * buffer size), the cached .ko and its protocol. A refused script goes through PASSALL
 * (might_fail). Returns 0 with the accepted scripts in *ret (*ret_n may be 0), -ECANCELED
 * when PASSALL=yes stopped the command, or -errno. */
int onboot_check_scripts(struct invocation *inv, char *const *names, struct onboot_script **ret,
			 size_t *ret_n);
