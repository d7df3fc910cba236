/* cmd_onboot_prepare.h: the scripts of an onboot request, filled once from the command line
 * or the recorded set, compiled and checked (cmd_onboot_prepare.c). Here, not below, PASSALL
 * is applied to what the lower layers decide. */
#pragma once
#include <stddef.h>

#include "commands.h"
#include "onboot_manifest.h"

/* What becomes of a script that does not compile or cannot start at boot. */
enum onboot_failure {
	ONBOOT_FAILURE_PASSALL,	  /* PASSALL=yes stops the command, else it is left out (onboot) */
	ONBOOT_FAILURE_LEAVE_OUT, /* left out and named in the snapshot's not-built list
				   * (--refresh: one script must not keep the others out) */
};

/* The named scripts in start order (requirements first; with RECURSIVE also the scripts they
 * require), each with its <NAME>_OPT. 0 and *ret, *ret_n; -ELOOP or -EINVAL after FAILED when
 * the _REQ graph is bad; -ENOMEM. */
int onboot_scripts_named(struct invocation *inv, struct onboot_script **ret, size_t *ret_n);
/* Compiles what has no valid cache among *v (each with its options), then checks what the
 * early loader can honour (" Checking options NAME ... done|error|skipped", upstream's line);
 * *v keeps the scripts that can start at boot, checked (onboot_check_script). A script that
 * fails goes as failure says: with LEAVE_OUT a "NAME: why" line is added to *not_built; with
 * PASSALL, PASSALL=yes stops the command (-ECANCELED after FAILED), else a warning. 0 or
 * -errno. */
int onboot_prepare_scripts(struct invocation *inv, enum onboot_failure failure,
			   struct onboot_script **v, size_t *n, char **not_built);
