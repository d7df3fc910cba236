/* realinit.c: exec the real init, with fallbacks, never ourselves. */
#include "realinit.h"

#include "kmsg.h"
#include "macro.h"
#include "rootpath.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const candidates[] = {
    REAL_INIT_PATH, "/init",   "/usr/lib/systemd/systemd", "/sbin/init", "/etc/init",
    "/bin/init",    "/bin/sh",
};

/* The file this process was exec'd from, by the path given to execve (AT_EXECFN): it does
 * not need /proc, which may have failed to mount. */
static bool self_identity(struct stat *st)
{
	const char *me = (const char *)getauxval(AT_EXECFN);

	return me && stat(me, st) == 0;
}

int realinit_exec(const char *root, char **argv)
{
	char path[PATH_MAX];
	struct stat self, st;
	bool know_self = self_identity(&self);
	int r = -ENOENT;

	for (size_t i = 0; i < ELEMENTSOF(candidates); i++) {
		if (root_path(path, sizeof(path), root, candidates[i]) < 0)
			continue;
		if (stat(path, &st) < 0)
			continue;
		if (!know_self && streq(candidates[i], "/init"))
			continue; /* it may be our own symlink */
		/* Exec'ing ourselves again would loop forever as PID 1. */
		if (know_self && st.st_dev == self.st_dev && st.st_ino == self.st_ino)
			continue;
		log_info("handing over to %s", candidates[i]);
		argv[0] = path;
		execv(path, argv);
		r = -errno;
		log_error("cannot run %s: %s; trying the next init", path, errno_reason(r));
	}
	log_error("no init could be run (tried %s, /init, systemd, /sbin/init, /etc/init, "
		  "/bin/init, /bin/sh)",
		  REAL_INIT_PATH);
	return r;
}
