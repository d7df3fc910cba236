/* cmd_restart.c: restart (also reload, force-reload) and condrestart/try-restart. */
#include <stdio.h>

#include "cmd_common.h"
#include "cmd_status.h"
#include "interrupt.h"

int cmd_restart(struct invocation *inv)
{
	int rc = cmd_stop(inv);

	/* PASSALL=yes stopped at a failure: do not start (upstream exited here); nor after a
	 * signal, which main reports. */
	if (rc == EXIT_FAIL || interrupted())
		return EXIT_FAIL;
	putchar('\n');
	inv->nr_fails = 0;
	return cmd_start(inv);
}

int cmd_condrestart(struct invocation *inv)
{
	int rc;

	/* Silent unless something runs, as upstream's `rh_status_q || exit 0`. */
	if (status_all(inv, true) != 0 || interrupted())
		return EXIT_OK;
	rc = cmd_restart(inv);
	putchar('\n');
	return rc;
}
