/* state.h: is a script running? pid files in STAT_PATH and the kernel's module list (libkmod). */
#pragma once
#include <stdbool.h>
#include <sys/types.h>
#include "settings.h"

enum script_state {
	SCRIPT_RUNNING = 0,	     /* loaded, pid file present */
	SCRIPT_DEAD_PIDFILE = 1,     /* pid file, module not loaded */
	SCRIPT_STOPPED = 3,	     /* neither */
	SCRIPT_LOADED_NO_PIDFILE = 4 /* loaded, but not started by us */
};

/* Whether module name is loaded (libkmod initstate). 0 or -errno. */
int module_loaded(const char *name, bool *ret);
/* Whether the kernel still has module name in any state, "going" (being unloaded) included.
 * 0 or -errno. */
int module_present(const char *name, bool *ret);
/* State of name; *ret_pid gets the pid file's pid (0 for -L / boot modules). 0 or -errno. */
int script_state(const struct settings *s, const char *name, enum script_state *ret,
		 pid_t *ret_pid);
/* Writes STAT_PATH/name atomically with "pid\n". 0 or -errno. */
int pidfile_write(const struct settings *s, const char *name, pid_t pid);
int pidfile_remove(const struct settings *s, const char *name);
/* Names of the pid files in STAT_PATH (only valid script names; x.log is not one), sorted. */
int pidfiles_list(const struct settings *s, char ***ret);
/* For every PROC_PATH/systemtap/NAME/srvstat reading exactly "running" without a pid file,
 * writes a pid file (modules started at boot by stap-early-loader): its output collector's
 * pid (STAT_PATH/onboot.d/NAME.state, the process checked), else "0"; a pid file "0" gets the
 * collector's pid when there is one now. 0 or -errno. */
int adopt_boot_modules(const struct settings *s);
