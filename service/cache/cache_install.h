/* cache_install.h: what stap built, into the cache (cache_install.c). */
#pragma once
#include <time.h>
#include "cache.h"
#include "settings.h"

/* Installs what stap built in workdir (NAME.ko, and uprobes/uprobes.ko when there) into the
 * cache with modification time mtime (when stap started: a script edited meanwhile is newer)
 * and writes NAME.opts from meta. NAME.opts is removed first and written last, so a crash in
 * between never leaves a cache that looks valid. 0, or -errno after a message. */
int cache_install(const struct settings *s, const char *name, const char *workdir,
		  const struct timespec *mtime, const struct cache_meta *meta);
