/* onboot_util.h: small helpers of the onboot command: programs on PATH, paths, sizes. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "settings.h"

/* path made absolute against the current directory (no symlinks resolved); 0 or -errno. */
int onboot_absolute_path(const char *path, char **ret);
/* Directory part of an absolute path ("/" for "/x"), newly allocated; NULL on ENOMEM. */
char *onboot_dirname(const char *path);
/* Size of a regular file in bytes; 0 or -errno (nothing printed). */
int onboot_file_size(const char *path, uint64_t *ret);
/* n bytes as "512 KiB" / "12.3 MiB" / "1.5 GiB" in buf; returns buf. */
const char *onboot_format_size(uint64_t n, char *buf, size_t len);
/* The image of kernel kver in BOOT_PATH: initrd.img-KVER where it exists or, when neither
 * name exists, on a Debian-like system (/etc/debian_version); else initramfs-KVER.img
 * (dracut's and Fedora's name). 0 and *ret (newly allocated) or -ENOMEM. */
int onboot_default_image(const struct settings *s, const char *kver, char **ret);
/* True on Debian and its derivatives (/etc/debian_version): their image and package names. */
bool onboot_system_is_debian(void);
/* What a check decided: a check that ran returns 0 with its verdict (a refusal is no error of
 * the check), -errno only when it could not decide. The caller prints the reason: its own line
 * must end first. */
struct onboot_verdict {
	bool ok;
	char *why; /* what is wrong, newly allocated; NULL when ok */
};
/* Sets *ret to a refusal saying the formatted why. 0, or -ENOMEM (*ret untouched). */
int onboot_refuse(struct onboot_verdict *ret, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void onboot_verdict_free(struct onboot_verdict *v);
