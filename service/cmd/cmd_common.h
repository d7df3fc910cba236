/* cmd_common.h: what the commands share (cmd_common.c): the script list, PASSALL handling,
 * the final word, the prompt, the dependency order. */
#pragma once
#include <stdbool.h>
#include "commands.h"

/* Exit code of the dependency sort failing (a loop or a bad _REQ name). */
#define EXIT_DEPENDENCY EXIT_NOT_CONFIGURED

/* The scripts a command acts on: the named ones, else every SCRIPT_PATH/NAME.stp (plus
 * CACHE_PATH/NAME.ko with ALLOW_CACHEONLY), valid names only (others logged), sorted. */
int invocation_scripts(struct invocation *inv, char ***ret);
/* PASSALL handling: with PASSALL=yes prints FAILED and returns true (caller stops with 1);
 * else logs "Warning: <msg>" and counts the failure. */
bool might_fail(struct invocation *inv, const char *msg);
/* "OK" or, after failures with PASSALL=no, "WARNING" (and a logged count). */
void might_success(struct invocation *inv, const char *msg);
/* Asks "<question> [y/N]: " on stdout unless -y; true for yes. */
bool ask_yesno(struct invocation *inv, const char *question);

/* Upstream's do_failure: logs "Error: <msg>" (console: stderr) and prints "FAILED". */
void do_failure(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* might_fail with a formatted message. */
bool might_failf(struct invocation *inv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Upstream's do_warning: logs "Warning: msg" and prints "WARNING" (upstream's undefined
 * `warning` crashed here on systems without the Red Hat init functions). */
void do_warning(const char *msg);
/* Orders names requirements first when s->recursive (deps_sort), else copies them.
 * 0 and *ret, or -errno after printing FAILED (-ELOOP or -EINVAL: the _REQ graph is bad, see
 * exit_code_of). */
int order_scripts(struct invocation *inv, char *const *names, char ***ret);
/* The exit code for a command that failed with r: EXIT_DEPENDENCY for a bad _REQ graph
 * (-ELOOP, -EINVAL from deps_sort), else EXIT_FAIL. */
int exit_code_of(int r);
/* Every valid name of a file DIR/NAME<suffix> (regular files; bad names logged as upstream),
 * appended to *names unless already there. 0 or -errno. */
int scan_dir_names(const char *dir, const char *suffix, char ***names);
/* Appends to *paths the existing cache files (.ko, .opts, .uprobes) of name. 0 or -ENOMEM. */
int cache_files_of(const struct settings *s, const char *name, char ***paths);
/* What the user said about changing existing caches. */
enum cache_answer {
	CACHES_NONE, /* there are none: nothing to ask */
	CACHES_YES,  /* listed, and the answer was yes (or -y) */
	CACHES_NO,   /* listed, and the answer was no */
};
/* The scripts of a command that changes caches (list; "FAILED" when that fails), their
 * existing cache files listed after "<what>: " and question asked (unless -y). 0 and *ret
 * (the names), *ret_answer, or -errno after FAILED. */
int confirm_cache_change(struct invocation *inv, int (*list)(struct invocation *, char ***),
			 const char *what, const char *question, char ***ret,
			 enum cache_answer *ret_answer);
/* Imports upstream's MODULES_PATH/KVER/systemtap/NAME.ko (see cmd_onboot_import.c) into the
 * cache of inv->s->kernel_release, each said on stdout; *ret_found the modules seen. The number
 * imported, or -errno after a message. */
int onboot_import_upstream(struct invocation *inv, size_t *ret_found);
