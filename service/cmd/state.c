/* state.c: whether a script runs: its pid file in STAT_PATH and the kernel's view of the module
 * (libkmod initstate, i.e. /sys/module/NAME/initstate), never lsmod output. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "kmodctx.h"
#include "log.h"
#include "macro.h"
#include "names.h"
#include "onboot_collect.h"
#include "state.h"
#include "strv.h"
#include "tempfile.h"

/* The module's libkmod initstate (KMOD_MODULE_*), -ENOENT when the kernel has no such module,
 * or -errno (logged). */
static int module_initstate(const char *name)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx = NULL;
	int r, st;

	r = kmod_context_get(&ctx);
	if (r < 0)
		return r;
	r = kmod_module_new_from_name(ctx, name, &mod);
	if (r < 0)
		return log_error_errno(r, "Failed to look up module %s", name);
	st = kmod_module_get_initstate(mod);
	kmod_module_unref(mod);
	if (st < 0 && st != -ENOENT)
		return log_error_errno(st, "Failed to read the state of module %s", name);
	return st;
}

int module_loaded(const char *name, bool *ret)
{
	int st = module_initstate(name);

	if (st < 0 && st != -ENOENT)
		return st;
	*ret = st == KMOD_MODULE_LIVE || st == KMOD_MODULE_COMING;
	return 0;
}

int module_present(const char *name, bool *ret)
{
	int st = module_initstate(name);

	if (st < 0 && st != -ENOENT)
		return st;
	*ret = st != -ENOENT;
	return 0;
}

/* Reads the pid file: 1 and *ret_pid when it exists, 0 when it does not, or -errno. A file that
 * does not hold a pid counts as 0 (a detached module), after a warning. */
static int pidfile_read(const struct settings *s, const char *name, pid_t *ret_pid)
{
	_cleanup_free_ char *path = path_join(s->stat_path, name);
	_cleanup_free_ char *text = NULL;
	char *end;
	long v;
	int r;

	if (!path)
		return log_error_errno(-ENOMEM, "Failed to read the pid file of %s", name);
	r = read_file(path, &text, NULL);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return log_error_errno(r, "Failed to read %s", path);
	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || end == text || v < 0 || v > 0x7fffffffL || (*end && *end != '\n')) {
		log_warning("%s does not hold a pid; treating %s as detached", path, name);
		v = 0;
	}
	*ret_pid = (pid_t)v;
	return 1;
}

int script_state(const struct settings *s, const char *name, enum script_state *ret, pid_t *ret_pid)
{
	pid_t pid = 0;
	bool loaded;
	int has_pidfile, r;

	has_pidfile = pidfile_read(s, name, &pid);
	if (has_pidfile < 0)
		return has_pidfile;
	r = module_loaded(name, &loaded);
	if (r < 0)
		return r;
	if (loaded)
		*ret = has_pidfile ? SCRIPT_RUNNING : SCRIPT_LOADED_NO_PIDFILE;
	else
		*ret = has_pidfile ? SCRIPT_DEAD_PIDFILE : SCRIPT_STOPPED;
	if (ret_pid)
		*ret_pid = pid;
	return 0;
}

int pidfile_write(const struct settings *s, const char *name, pid_t pid)
{
	_cleanup_free_ char *path = path_join(s->stat_path, name);
	char text[32];
	int n, r;

	if (!path)
		return log_error_errno(-ENOMEM, "Failed to write the pid file of %s", name);
	n = snprintf(text, sizeof(text), "%d\n", (int)pid);
	r = write_file_atomic(path, text, (size_t)n, 0644);
	if (r < 0)
		return log_error_errno(r, "Failed to write %s", path);
	return 0;
}

int pidfile_remove(const struct settings *s, const char *name)
{
	_cleanup_free_ char *path = path_join(s->stat_path, name);

	if (!path)
		return log_error_errno(-ENOMEM, "Failed to remove the pid file of %s", name);
	if (unlink(path) < 0 && errno != ENOENT)
		return log_error_errno(-errno, "Failed to remove %s", path);
	return 0;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int pidfiles_list(const struct settings *s, char ***ret)
{
	_cleanup_strv_free_ char **names = NULL;
	struct dirent *de;
	DIR *d;
	int r = 0;

	d = opendir(s->stat_path);
	if (!d && errno != ENOENT)
		return log_error_errno(-errno, "Failed to read %s", s->stat_path);
	while (d && (de = readdir(d))) {
		/* Only regular files named like a script: x.log (LOG_BOOT_ERR) or .lock are not. */
		if (de->d_type != DT_REG && de->d_type != DT_UNKNOWN)
			continue;
		if (!script_name_valid(de->d_name))
			continue;
		r = strv_push(&names, de->d_name);
		if (r < 0)
			break;
	}
	if (d)
		closedir(d);
	if (r < 0)
		return log_error_errno(r, "Failed to list %s", s->stat_path);
	if (!names) {
		names = calloc(1, sizeof(char *));
		if (!names)
			return log_error_errno(-ENOMEM, "Failed to list %s", s->stat_path);
	}
	qsort(names, strv_length(names), sizeof(char *), compare_strings);
	*ret = names;
	names = NULL;
	return 0;
}

/* 1 when PROC_PATH/systemtap/name/srvstat reads exactly "running\n", what the probe compiled
 * into every module the service builds answers (compile.c, SRVSTAT_PROBE; the newline may be
 * missing), 0 otherwise: a module of someone else's that merely mentions the word is not
 * adopted. */
static int srvstat_running(const char *dir, const char *name)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ char *path = NULL;

	if (asprintf(&path, "%s/%s/srvstat", dir, name) < 0)
		return -ENOMEM;
	if (read_file(path, &text, NULL) < 0)
		return 0;
	return streq(text, "running\n") || streq(text, "running");
}

/* The pid a boot module's pid file gets: its collector's, when its state file names a process
 * that is that collector (checked: a stale state must not make stop signal a stranger), else
 * 0 (a module without a collector: images of earlier versions, or its collector died). */
static pid_t boot_module_pid(const struct settings *s, const char *name)
{
	struct collect_state st;

	if (collect_state_read(s, name, &st) <= 0 || st.module != COLLECT_MODULE_RUNNING)
		return 0;
	return collect_is_of(s, (pid_t)st.pid, name) ? (pid_t)st.pid : 0;
}

/* Adopts one running boot module: writes its pid file, or gives a pid file "0" the pid of the
 * collector that appeared since. 0 or -errno. */
static int adopt_one(const struct settings *s, const char *name)
{
	_cleanup_free_ char *pidfile = path_join(s->stat_path, name);
	pid_t pid, old = 0;
	int r;

	if (!pidfile)
		return log_error_errno(-ENOMEM, "Failed to adopt %s", name);
	r = pidfile_read(s, name, &old);
	if (r < 0)
		return r;
	if (r > 0 && old != 0)
		return 0;
	pid = boot_module_pid(s, name);
	if (r > 0 && pid == 0)
		return 0;
	r = pidfile_write(s, name, pid);
	if (r < 0)
		return r;
	if (pid)
		log_line("Adopted running module %s (started at boot; its output collector is %d)",
			 name, (int)pid);
	else
		log_line("Adopted running module %s (started at boot)", name);
	return 0;
}

int adopt_boot_modules(const struct settings *s)
{
	_cleanup_free_ char *dir = path_join(s->proc_path, "systemtap");
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (!dir)
		return log_error_errno(-ENOMEM, "Failed to look for boot-time modules");
	r = opendir_if_exists(dir, &d);
	if (r <= 0)
		return r;
	r = 0;
	while ((de = readdir(d))) {
		if (!script_name_valid(de->d_name))
			continue;
		r = srvstat_running(dir, de->d_name);
		if (r < 0) {
			log_error_errno(r, "Failed to adopt %s", de->d_name);
			break;
		}
		r = r ? adopt_one(s, de->d_name) : 0;
		if (r < 0)
			break;
	}
	closedir(d);
	return r < 0 ? r : 0;
}
