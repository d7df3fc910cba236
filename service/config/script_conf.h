/* script_conf.h: a script's options written for it (script_conf.c), when they come from
 * elsewhere: a loaded pack, an imported upstream module. */
#pragma once
#include "settings.h"

/* Makes opts (the options NAME was built with, from `from`) NAME's options here: nothing when
 * <NAME>_OPT already says so; CONFIG_PATH/NAME.conf written when nothing sets <NAME>_OPT
 * (said on stdout, and set in s for the rest of the run); a warning when this machine sets other
 * options (the module then needs stap to be rebuilt for start and onboot NAME). 0 or -errno after a
 * message. */
int script_conf_adopt(struct settings *s, const char *name, const char *opts, const char *from);
