/* cache.h: the compiled-module cache CACHE_PATH/KVER/NAME.ko + NAME.opts and its validity.
 *
 * NAME.opts (ours; upstream wrote `uname -a` and the options, which made every cache built with
 * -r or on another host stale) holds KEY=VALUE lines in the config format:
 *   STAP_ONBOOT_CACHE=1
 *   KERNEL_RELEASE='6.1.0-56-amd64'
 *   KERNEL_BUILD='#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)'   (may be '')
 *   STAP_VERSION='4.8'
 *   PROTOCOL=4                          (control-channel numbering: 4 for stap <= 4.9, 5 after)
 *   OPTS='-R /var/tmp/rt --'            (the normalized compile options, joined by spaces)
 *   SCRIPT_SHA256='ab12...'             (SHA-256 of the script's bytes stap compiled; absent in
 *                                        caches of older versions: the mtime rule applies)
 *
 * Validity (cache_check.c, docs/design.md "Cache"): the script's content (its digest; without
 * one, upstream's mtime rule), the options, the kernel release and build, the stap version
 * where stap is installed, and the signature when MODULE_SIGN_CERT is set. */
#pragma once
#include <stdbool.h>
#include "settings.h"

struct cache_meta {
	char *kernel_release;
	char *kernel_build;
	char *stap_version;
	int protocol;
	char *opts;
	char *script_sha256; /* NULL: not recorded */
};

enum cache_state {
	CACHE_VALID = 0,
	CACHE_MISSING,	      /* .ko or .opts missing */
	CACHE_SCRIPT_NEWER,   /* no digest recorded, and the .stp is newer than the .ko */
	CACHE_SCRIPT_CHANGED, /* the .stp's content is not the one compiled */
	CACHE_OPTS_CHANGED,   /* compile options differ */
	CACHE_WRONG_KERNEL,   /* the module's vermagic is not for this kernel release */
	CACHE_BUILD_CHANGED,  /* the kernel was rebuilt under the same release */
	CACHE_STAP_CHANGED,   /* the installed stap is another version than the one that built it */
	CACHE_UNREADABLE,     /* .opts or .ko cannot be parsed */
	CACHE_UNSIGNED,	      /* a key signs (sign_key.h), the module is not signed */
	CACHE_OTHER_KEY,      /* the module is signed, not with the key in use */
};

/* Human text for a state: "no cache", "script is newer than its cache", ... */
const char *cache_state_to_string(enum cache_state st);
/* Paths CACHE_PATH/NAME.ko, .opts, .uprobes (newly allocated; NULL on ENOMEM). */
char *cache_ko_path(const struct settings *s, const char *name);
char *cache_opts_path(const struct settings *s, const char *name);
char *cache_uprobes_path(const struct settings *s, const char *name);
/* Reads and parses a NAME.opts. 0, -EBADMSG (not ours, or a bad value), -errno. Logs. */
int cache_meta_read(const char *path, struct cache_meta *ret);
/* cache_meta_read; quiet: no message (a cache left by upstream's initscript is simply
 * invalid, not an error). */
int cache_meta_read_quiet(const char *path, bool quiet, struct cache_meta *ret);
/* Writes meta to path atomically. 0 or -errno. */
int cache_meta_write(const char *path, const struct cache_meta *m);
void cache_meta_free(struct cache_meta *m);
/* Decides whether NAME's cache is valid for s->kernel_release and compile_opts (joined), and
 * with a signing key in use (sign_key.h), signed with it (cache_check.c). */
int cache_check(const struct settings *s, const char *name, const char *compile_opts,
		enum cache_state *ret);
