/* cmd_common.h: helpers shared by the cmd_*.c files (not used outside the commands). */
#pragma once
#include <stdbool.h>
#include "commands.h"

/* Exit code of the dependency sort failing (a loop or a bad _REQ name). */
#define EXIT_DEPENDENCY EXIT_NOT_CONFIGURED

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
/* Lists the existing cache files of names after "<what>: " and asks question (unless -y).
 * Returns 2 when there were files and the answer was yes, 1 when there were none, 0 when the
 * answer was no, or -ENOMEM after FAILED. */
int confirm_cache_change(struct invocation *inv, char *const *names, const char *what,
			 const char *question);
/* Sorts a vector in C-locale order. */
void strv_sort(char **v);
/* Status of one script; quiet: print nothing. Returns the status exit code (0, 1, 3, 4). */
int status_of(struct invocation *inv, const char *name, bool quiet);
/* The status exit code over every script status looks at (0 if any runs), printing each line
 * unless quiet; EXIT_USAGE when there is none (after "No systemtap scripts are present"). */
int status_all(struct invocation *inv, bool quiet);
/* onboot's output image: -o made absolute, else onboot_default_image; a symlink is followed.
 * 0 and *ret, or -errno after log_error. */
int onboot_resolve_output(const struct settings *s, const char *opt, char **ret);
/* 0 when dracut will find our module, else -ENOENT after log_error. */
int onboot_check_dracut_module(void);
/* The stap-early-loader to pack (STAP_EARLY_LOADER), absolute. 0 or -errno after log_error. */
int onboot_find_loader(const struct settings *s, char **ret);
/* After the cache of names was removed: for each one still in a kernel's onboot snapshot,
 * says that kernel's image still starts it (the snapshot keeps its module) and how to take it
 * out: onboot without it. */
void onboot_note_snapshots(const struct settings *s, char *const *names);
