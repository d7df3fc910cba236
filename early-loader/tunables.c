/* tunables.c: FIPS check, kprobes-optimization and kptr_restrict, as staprun does them. */
#include "tunables.h"

#include "fileio.h"
#include "rootpath.h"
#include "kmsg.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The first byte of a /proc/sys file, or 0 when unreadable. */
static char read_first_byte(const char *path)
{
	char *text = NULL;
	size_t len;
	char c;

	if (read_file_limited(path, 4096, &text, &len) < 0)
		return 0;
	c = text[0];
	free(text);
	return c;
}

static void write_setting(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_TRUNC);

	if (fd < 0 || write(fd, value, strlen(value)) < 0)
		log_debug("cannot write %s to %s: %s", value, path, strerror(errno));
	else
		log_debug("wrote %s to %s", value, path);
	if (fd >= 0)
		close(fd);
}

int tunables_apply(const char *root)
{
	char path[PATH_MAX];
	char c;

	if (root_path(path, sizeof(path), root, "/proc/sys/crypto/fips_enabled") == 0) {
		c = read_first_byte(path);
		if (c && c != '0') {
			log_error(
			    "the kernel is in FIPS mode (%s): SystemTap modules are not loaded "
			    "(staprun refuses them too)",
			    path);
			return -EPERM;
		}
	}
	if (root_path(path, sizeof(path), root, "/proc/sys/debug/kprobes-optimization") == 0 &&
	    access(path, F_OK) == 0)
		write_setting(path, "0");
	if (root_path(path, sizeof(path), root, "/proc/sys/kernel/kptr_restrict") == 0 &&
	    read_first_byte(path) == '0')
		write_setting(path, "1");
	return 0;
}
