/* stap_version.h: which stap runs, and its control-channel protocol (stap_version.c). */
#pragma once
#include "settings.h"

/* The stap control-channel protocol for a stap version string ("4.8" -> 4, "5.1" -> 5). */
int stap_protocol_for_version(const char *version);
/* The version in `stap -V` output: "... (version 4.8/0.188, ...)" -> "4.8". 0, -EBADMSG when
 * there is none, -ENOMEM. */
int stap_version_parse(const char *output, char **ret);
/* Runs `STAP -V` now, under TOOL_TIMEOUT: a stap that hangs there must not hang a kernel
 * install. 0, or -errno after a message. */
int stap_version_run(const struct settings *s, const char *stap, char **ret);
/* Runs `STAP -V` (once per process and STAP) and returns the version ("4.8"). 0 or -errno. */
int stap_version(const struct settings *s, char **ret);
/* The version of the stap installed here (STAP, a path or a name looked up in PATH), for the
 * cache's "same stap version" rule: *ret = NULL when STAP is not installed (a runtime-only
 * machine) or does not say its version (logged). `STAP -V` runs only when
 * CACHE_PATH/.stap-version does not describe this very binary (path, device, inode, size,
 * mtime, ctime); it is then rewritten, so a machine runs no stap at all for valid caches.
 * 0, or -ENOMEM after a message (stap_installed.c). */
int stap_installed_version(const struct settings *s, char **ret);
