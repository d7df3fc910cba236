/* pack_check.h: what onboot --load checks in an unpacked pack before anything goes into the
 * caches (pack_check.c). */
#pragma once
#include <stddef.h>

#include "cache.h"
#include "manifest.h"
#include "pack_index.h"
#include "settings.h"

/* One kernel of the pack: the scripts it has a module for, in set order. */
struct pack_kernel {
	const char *release;	 /* the index's */
	char **names;		 /* NULL-terminated, may be NULL */
	struct cache_meta *meta; /* each name's NAME.opts */
	size_t n;
	char *joined; /* names joined with blanks */
};

struct pack_check {
	const char *stage; /* where the pack was unpacked */
	struct manifest set;
	char *set_joined; /* the set's names */
	struct pack_kernel *kernels;
	size_t n_kernels;
};

/* Checks the pack ix unpacked in stage (origin names it): the set parses and names a script
 * for each name, differing from no script of SCRIPT_PATH; every module is built for the
 * kernel it is listed under (vermagic and NAME.opts), from its packed script (digest), with
 * the set's options, and with MODULE_SIGN_CERT set, signed with its key. 0 and *ret, or
 * -EBADMSG after a message naming the member and why, -errno. */
int pack_check(const struct settings *s, const char *origin, const char *stage,
	       const struct pack_index *ix, struct pack_check *ret);
/* The kernel kver of p, or NULL. */
const struct pack_kernel *pack_check_kernel(const struct pack_check *p, const char *kver);
void pack_check_free(struct pack_check *p);
