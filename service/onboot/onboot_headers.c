/* onboot_headers.c: onboot --refresh for a kernel without headers. The kernel hooks run it for
 * every kernel a site installs; a site without compilers gets its modules from a compile
 * server or from a pack made on a build host, and is told which when it has neither. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "growbuf.h"
#include "log.h"
#include "macro.h"
#include "onboot_headers.h"
#include "onboot_util.h"
#include "optfilter.h"
#include "strv.h"

const char *onboot_prebuilt_hint(const char *kver, char *buf, size_t len)
{
	snprintf(buf, len,
		 "on a host with stap and these headers run `systemtap-service onboot --pack FILE "
		 "-r %s`, then here `systemtap-service onboot --load FILE`",
		 kver);
	return buf;
}

/* Whether the cache of ms is valid for s->kernel_release with the options it was recorded
 * with. Anything that keeps it from being checked means no. */
static bool prebuilt(const struct settings *s, const struct manifest_script *ms)
{
	_cleanup_strv_free_ char **words = NULL, **norm = NULL, **comp = NULL;
	_cleanup_free_ char *bad = NULL, *joined = NULL;
	enum cache_state st = CACHE_MISSING;

	if (opts_split(ms->opts, &words) < 0 || opts_normalize(words, &norm, &bad) < 0 ||
	    opts_for_compile(norm, &comp) < 0 || !(joined = strv_join(comp, " ")))
		return false;
	return cache_check(s, ms->name, joined, &st) == 0 && st == CACHE_VALID;
}

int onboot_set_unbuilt(const struct settings *s, const struct manifest *set, char **ret)
{
	struct growbuf b = {0}; /* grown by doubling: linear in the set's size */
	int r = 0;

	for (size_t i = 0; i < set->n_scripts && r == 0; i++) {
		const char *name = set->scripts[i].name;
		if (prebuilt(s, &set->scripts[i]))
			continue;
		if (b.data)
			r = growbuf_append(&b, " ", 1, SIZE_MAX);
		if (r == 0)
			r = growbuf_append(&b, name, strlen(name), SIZE_MAX);
	}
	if (r < 0) {
		free(b.data);
		return r;
	}
	*ret = b.data;
	return 0;
}

bool onboot_build_without_headers(const struct settings *s, const struct manifest *set,
				  const char *build)
{
	const char *kver = s->kernel_release;
	_cleanup_free_ char *missing = NULL;
	char hint[512];

	if (s->compile_server && *s->compile_server) {
		clog("The headers of kernel %s are not installed: the compile server %s builds its "
		     "onboot set\n",
		     kver, s->compile_server);
		return true;
	}
	if (onboot_set_unbuilt(s, set, &missing) < 0)
		return false;
	if (!missing) {
		clog("The headers of kernel %s are not installed: its onboot set is prebuilt "
		     "(loaded caches), nothing to compile\n",
		     kver);
		return true;
	}
	log_warning("The headers of kernel %s are not installed (no %s) and %s %s no module for "
		    "it: set COMPILE_SERVER, or %s; or the scripts are built when the headers are. "
		    "Install %s%s",
		    kver, build ? build : "build directory", missing,
		    strchr(missing, ' ') ? "have" : "has",
		    onboot_prebuilt_hint(kver, hint, sizeof(hint)),
		    onboot_system_is_debian() ? "linux-headers-" : "kernel-devel-", kver);
	return false;
}
