/* module_origin.h: what the bytes of a module built by stap elsewhere say about how it was
 * built (module_origin.c), for modules taken over from upstream's services. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

/* Scans data (a module's bytes) for the version string the stap runtime compiles into every
 * module for its load message, "4.8/0.188" (stap's version, "/", elfutils'): *ret_version the
 * stap part (newly allocated), NULL when there is none; *ret_srvstat whether the module has
 * the "srvstat" procfs file systemtap-service compiles in. 0 or -ENOMEM. */
int module_origin_scan(const char *data, size_t len, char **ret_version, bool *ret_srvstat);
/* module_origin_scan of the regular file ko. 0, or -errno after a message. */
int module_origin(const char *ko, char **ret_version, bool *ret_srvstat);
