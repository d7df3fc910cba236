/* cmd_complete.h: `systemtap-service --complete scripts|releases [-c CONFIG]`, the read-only
 * query the bash completion asks instead of parsing the config and the names itself. */
#pragma once
#include "settings.h"

/* The script names of SCRIPT_PATH the service acts on (scan_dir_names' rule), sorted, into
 * *ret (a vector, possibly empty). 0 or -errno. */
int complete_scripts(const struct settings *s, char ***ret);
/* The directories of MODULES_PATH (links followed, dot names skipped) whose name the service
 * takes after -r (kernel_release_valid), sorted, into *ret. 0 or -errno. */
int complete_releases(const struct settings *s, char ***ret);
/* argv: the words after --complete. Prints one name per line on stdout; takes no lock, writes
 * no log or state, runs nothing. A refused config prints nothing and exits 0. Exit code. */
int cmd_complete(int argc, char *const argv[]);
