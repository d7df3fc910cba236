/* apifs.c: mount /proc, /sys, /dev and /run the way the real init expects to find them. */
#include "apifs.h"

#include "kmsg.h"
#include "macro.h"
#include "rootpath.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/mount.h>
#include <sys/stat.h>

struct apifs {
	const char *dir, *type;
	unsigned long flags;
	const char *data;
};

/* systemd's mount_setup() options; dracut's init mounts none of these when present. /run
 * without noexec: systemd does not set it either, and nothing here needs it. */
static const struct apifs apifs[] = {
    {"/proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL},
    {"/sys", "sysfs", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL},
    {"/dev", "devtmpfs", MS_NOSUID | MS_STRICTATIME, "mode=0755"},
    {"/run", "tmpfs", MS_NOSUID | MS_NODEV | MS_STRICTATIME, "mode=0755"},
};

/* A directory on another device than its root is a mount point: in the initramfs every
 * plain directory lives on the rootfs. */
static bool is_mounted(const char *path, const struct stat *root_st)
{
	struct stat st;

	return stat(path, &st) == 0 && st.st_dev != root_st->st_dev;
}

int apifs_mount_all(const char *root)
{
	char path[PATH_MAX];
	struct stat root_st;
	int failed = 0;

	if (root_path(path, sizeof(path), root, "/") < 0 || stat(path, &root_st) < 0) {
		log_error("cannot stat the root directory: %s", errno_reason(errno));
		return (int)(ELEMENTSOF(apifs));
	}
	for (size_t i = 0; i < ELEMENTSOF(apifs); i++) {
		const struct apifs *a = &apifs[i];

		if (root_path(path, sizeof(path), root, a->dir) < 0) {
			failed++;
			continue;
		}
		if (is_mounted(path, &root_st))
			continue;
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			log_error("cannot create %s: %s", path, errno_reason(errno));
			failed++;
		} else if (mount(a->type, path, a->type, a->flags, a->data) < 0) {
			log_error("cannot mount %s on %s: %s", a->type, path, errno_reason(errno));
			failed++;
		} else
			log_debug("mounted %s on %s", a->type, path);
	}
	return failed;
}
