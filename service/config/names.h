/* names.h: script names: [A-Za-z_][A-Za-z0-9_]* wherever a name enters. */
#pragma once
#include <stdbool.h>

/* True when name matches [A-Za-z_][A-Za-z0-9_]* (and is at most 55 chars: a module name). */
bool script_name_valid(const char *name);
#define SCRIPT_NAME_RULE "[A-Za-z_][A-Za-z0-9_]*"

/* True when release can name a kernel: 1 to 64 printable, non-blank ASCII characters (the
 * size of utsname's release), no '/', not "." or "..": it is the one path component
 * CACHE_PATH/KVER and one word of the onboot manifest. */
bool kernel_release_valid(const char *release);
