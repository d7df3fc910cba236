/* onboot_headers.h: what onboot --refresh does for a kernel whose headers are not installed
 * (onboot_headers.c): stap -r KVER cannot build there, but a compile server can, and a set
 * loaded from a prebuilt pack needs no build at all. */
#pragma once
#include <stdbool.h>

#include "manifest.h"
#include "settings.h"

/* For kernel s->kernel_release without headers (build: the directory looked for): true when the
 * set can still be built, because COMPILE_SERVER is set or every script of set has a valid
 * cache for it (said on stdout); else false after a warning naming the package to install and
 * the commands that bring prebuilt modules. */
bool onboot_build_without_headers(const struct settings *s, const struct manifest *set,
				  const char *build);
/* The scripts of set (blank separated, newly allocated; NULL when none) that have no valid
 * cache for s->kernel_release with the options the set records. 0 or -ENOMEM. */
int onboot_set_unbuilt(const struct settings *s, const struct manifest *set, char **ret);
/* The commands that bring kernel kver's modules from a build host, for messages:
 * "on a host with stap run `...--pack FILE -r KVER`, then here `...--load FILE`". */
const char *onboot_prebuilt_hint(const char *kver, char *buf, size_t len);
