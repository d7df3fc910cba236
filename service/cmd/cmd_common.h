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
 * 0, or the exit code to return after printing FAILED (EXIT_DEPENDENCY or EXIT_FAIL). */
int order_scripts(struct invocation *inv, char *const *names, char ***ret);
/* Every valid name of a file DIR/NAME<suffix> (regular files; bad names logged as upstream),
 * appended to *names unless already there. 0 or -errno. */
int scan_dir_names(const char *dir, const char *suffix, char ***names);
/* Appends to *paths the existing cache files (.ko, .opts, .uprobes) of name. 0 or -ENOMEM. */
int cache_files_of(const struct settings *s, const char *name, char ***paths);
/* The scripts of a command that changes caches (list; "FAILED" when that fails), their
 * existing cache files listed after "<what>: " and question asked (unless -y). *ret gets the
 * names. Returns 2 when there were files and the answer was yes, 1 when there were none, 0
 * when the answer was no, or -errno after FAILED. */
int confirm_cache_change(struct invocation *inv, int (*list)(struct invocation *, char ***),
			 const char *what, const char *question, char ***ret);
/* onboot's named scripts in start order: requirements first; with RECURSIVE also the scripts
 * they require (cmd_onboot.c). 0, -ELOOP after FAILED when the _REQ graph is bad, -ENOMEM. */
int onboot_start_order(struct invocation *inv, char ***ret);
/* Imports upstream's MODULES_PATH/KVER/systemtap/NAME.ko (see cmd_onboot_import.c) into the
 * cache of inv->s->kernel_release, each said on stdout; *ret_found the modules seen. The number
 * imported, or -errno after a message. */
int onboot_import_upstream(struct invocation *inv, size_t *ret_found);
