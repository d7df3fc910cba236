/* stale.c: temp files and directories left behind by a run that was killed (kill -9, a crash,
 * a power cut). Their names hold the owner's pid (fsutil.c: temp_beside, make_temp_dir), so a
 * later run can tell a leftover from a temp file in use. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "stale.h"

#define RANDOM_LEN 6 /* the XXXXXX of mkstemp/mkdtemp */

pid_t temp_owner(const char *name, const char *prefix)
{
	size_t plen = strlen(prefix), len = strlen(name);
	const char *rnd, *dot, *digits;
	long pid = 0;

	if (len < plen + 2 + RANDOM_LEN || strncmp(name, prefix, plen) != 0)
		return 0;
	rnd = name + len - RANDOM_LEN;
	dot = rnd - 1;
	if (*dot != '.')
		return 0;
	for (const char *p = rnd; *p; p++)
		if (!isalnum((unsigned char)*p))
			return 0;
	for (digits = dot; digits > name + plen && isdigit((unsigned char)digits[-1]);)
		digits--;
	/* The pid follows the prefix or a dot of its own, and fits a pid_t. */
	if (digits == dot || dot - digits > 10 || (digits != name + plen && digits[-1] != '.'))
		return 0;
	for (const char *p = digits; p < dot; p++)
		pid = pid * 10 + (*p - '0');
	return pid > 0 && pid <= 0x7fffffffL ? (pid_t)pid : 0;
}

/* True when no process pid exists any more (EPERM: it exists, just not ours to signal). A
 * dead owner's pid reused since leaves its file in place: harmless, and never wrong. */
static bool owner_gone(pid_t pid)
{
	return pid != getpid() && kill(pid, 0) < 0 && errno == ESRCH;
}

int remove_stale_temps(const char *dir, const char *prefix)
{
	struct dirent *de;
	int removed = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		_cleanup_free_ char *path = NULL;
		pid_t pid = temp_owner(de->d_name, prefix);
		struct stat st;
		int r;

		if (pid == 0 || !owner_gone(pid))
			continue;
		/* Only our own: in a shared TEMP_PATH another user's file is none of our business.
		 */
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    st.st_uid != geteuid())
			continue;
		path = path_join(dir, de->d_name);
		if (!path) {
			closedir(d);
			return -ENOMEM;
		}
		r = rm_rf(path);
		if (r < 0) {
			log_warning("Failed to remove %s, left by process %d: %s", path, (int)pid,
				    errno_reason(r));
			continue;
		}
		log_line("Removed %s, left by process %d that is gone", path, (int)pid);
		removed++;
	}
	closedir(d);
	return removed;
}
