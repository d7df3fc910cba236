/* script_walk.c: the loop every per-script command shares: order, signals, PASSALL. */
#include <errno.h>

#include "cmd_common.h"
#include "interrupt.h"
#include "macro.h"
#include "script_walk.h"
#include "strv.h"

int for_each_script(struct invocation *inv, char *const *names, const struct script_step *step,
		    void *userdata)
{
	size_t n = strv_length(names);

	for (size_t k = 0; k < n; k++) {
		const char *name = names[step->reverse ? n - 1 - k : k];
		_cleanup_free_ char *msg = NULL;
		int code = 0;

		if (interrupted())
			return -EINTR;
		switch (step->run(inv, name, userdata, &code)) {
		case SCRIPT_OK:
		case SCRIPT_SKIPPED:
			continue;
		case SCRIPT_INTERRUPTED:
			return -EINTR;
		case SCRIPT_ABORTED:
			return -ECANCELED;
		case SCRIPT_FAILED:
			break;
		}
		/* A step a signal made fail is not a script failure: main reports the signal. */
		if (interrupted())
			return -EINTR;
		msg = step->failed(name, code);
		if (might_fail(inv, msg ? msg : name))
			return -ECANCELED;
	}
	return interrupted() ? -EINTR : 0;
}
