/* names.h: the one rule for script names and kernel releases, shared by systemtap-service
 * (where a name enters: command line, conf.d, SCRIPT_PATH, the onboot set) and the early
 * loader (the manifest). */
#pragma once
#include <stdbool.h>

/* The kernel's module name limit: MODULE_NAME_LEN (64 - sizeof(unsigned long)) less the NUL. */
#define SCRIPT_NAME_MAX 55
#define SCRIPT_NAME_RULE "[A-Za-z_][A-Za-z0-9_]*"

/* True when name matches [A-Za-z_][A-Za-z0-9_]* and is at most SCRIPT_NAME_MAX characters. */
bool script_name_valid(const char *name);

/* True when release can name a kernel: 1 to 64 printable, non-blank ASCII characters (the
 * size of utsname's release), no '/', not "." or "..": it is the one path component
 * CACHE_PATH/KVER and one word of the onboot manifest. */
bool kernel_release_valid(const char *release);
