/* onboot_util.c: small helpers of the onboot command: programs on PATH, paths, sizes. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "macro.h"
#include "onboot_util.h"
#include "strfmt.h"

int onboot_absolute_path(const char *path, char **ret)
{
	_cleanup_free_ char *cwd = NULL;
	char *abs;

	if (!path || !*path)
		return -EINVAL;
	if (path[0] == '/') {
		abs = strdup(path);
	} else {
		cwd = getcwd(NULL, 0);
		if (!cwd)
			return -errno;
		abs = path_join(cwd, path);
	}
	if (!abs)
		return -ENOMEM;
	*ret = abs;
	return 0;
}

char *onboot_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

int onboot_file_size(const char *path, uint64_t *ret)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	*ret = (uint64_t)st.st_size;
	return 0;
}

const char *onboot_format_size(uint64_t n, char *buf, size_t len)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
	double v = (double)n / 1024.0;
	size_t u = 0;

	if (n < 1024) {
		snprintf(buf, len, "%llu bytes", (unsigned long long)n);
		return buf;
	}
	while (v >= 1024.0 && u + 1 < ELEMENTSOF(units)) {
		v /= 1024.0;
		u++;
	}
	snprintf(buf, len, v < 10.0 ? "%.1f %s" : "%.0f %s", v, units[u]);
	return buf;
}

/* Debian and its derivatives name the image initrd.img-KVER (their kernel hooks, GRUB). */
bool onboot_system_is_debian(void)
{
	return access("/etc/debian_version", F_OK) == 0;
}

int onboot_default_image(const struct settings *s, const char *kver, char **ret)
{
	_cleanup_free_ char *debian = NULL, *dracut = NULL;

	if (asprintf(&debian, "%s/initrd.img-%s", s->boot_path, kver) < 0) {
		debian = NULL;
		return -ENOMEM;
	}
	if (asprintf(&dracut, "%s/initramfs-%s.img", s->boot_path, kver) < 0) {
		dracut = NULL;
		return -ENOMEM;
	}
	if (path_exists(debian) || (!path_exists(dracut) && onboot_system_is_debian())) {
		*ret = debian;
		debian = NULL;
	} else {
		*ret = dracut;
		dracut = NULL;
	}
	return 0;
}

int onboot_refuse(struct onboot_verdict *ret, const char *fmt, ...)
{
	va_list ap;
	char *why;

	va_start(ap, fmt);
	why = strdup_vprintf(fmt, ap);
	va_end(ap);
	if (!why)
		return -ENOMEM;
	*ret = (struct onboot_verdict){.ok = false, .why = why};
	return 0;
}

void onboot_verdict_free(struct onboot_verdict *v)
{
	free(v->why);
	*v = (struct onboot_verdict){0};
}
