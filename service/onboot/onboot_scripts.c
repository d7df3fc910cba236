/* onboot_scripts.c: " Checking options NAME ... ": what the early loader can honour. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "cmd_common.h"
#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "onboot_scripts.h"
#include "onboot_util.h"
#include "optfilter.h"
#include "strfmt.h"
#include "strv.h"

/* Ends the " Checking options NAME ... " line of a refused script ("error", or "skipped"
 * with PASSALL=no) and applies PASSALL: the reason and "FAILED", and the command stops
 * (-ECANCELED); else a warning with the reason, and 0 (the script is left out). */
static int __attribute__((format(printf, 2, 3)))
refuse(struct invocation *inv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	_cleanup_free_ char *msg = strdup_vprintf(fmt, ap);
	va_end(ap);
	clog("%s\n", inv->s->passall ? "error" : "skipped");
	return might_fail(inv, msg ? msg : fmt) ? -ECANCELED : 0;
}

static int parse_bufsize(const char *word, unsigned *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(word, &end, 10);
	if (errno || end == word || *end || v < 1 || v > 4095 || word[0] == '-')
		return -EINVAL;
	*ret = (unsigned)v;
	return 0;
}

/* The end of the message refusing run word w. */
static const char *unsupported_reason(const char *w)
{
	if (streq(w, "-o") || streq(w, "-D"))
		return ""; /* the upstream message, said by the caller */
	if (streq(w, "-c"))
		return ": no command can be started before the root file system is mounted";
	if (streq(w, "-x"))
		return ": there is no process to attach to at boot";
	if (streq(w, "-N"))
		return " (--target-namespace): there is no process to take namespaces from at boot";
	if (streq(w, "-S"))
		return ": output files need -o, which boot scripts cannot use";
	return ": stap-early-loader does not support it";
}

/* Checks NAME's run options and gets its buffer size (0: the module's default).
 * 1 accepted, 0 refused (the caller goes on), -ECANCELED stop, -ENOMEM. */
static int check_run_options(struct invocation *inv, const char *name, unsigned *ret_bufsize)
{
	_cleanup_strv_free_ char **words = NULL, **norm = NULL, **run = NULL;
	_cleanup_free_ char *bad = NULL;
	enum run_mode mode;
	unsigned bufsize = 0;
	int r;

	r = opts_split(settings_script_opt(inv->s, name), &words);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return refuse(inv, "Bad runtime options for script %s: unbalanced quote in %s_OPT",
			      name, name);
	r = opts_normalize(words, &norm, &bad);
	if (r == -ENOMEM)
		return r;
	if (r == -EPERM)
		return refuse(inv, "Refused option in script %s: %s", name, bad ? bad : "?");
	if (r < 0)
		return refuse(inv, "Bad runtime options for script %s: %s", name,
			      bad ? bad : "parse error");
	r = opts_for_run(norm, NULL, &run, &mode);
	if (r < 0)
		return r == -ENOMEM ? r : refuse(inv, "Bad runtime options for script %s", name);
	if (mode == RUN_MODE_DAEMON)
		return refuse(inv, "Unsupported option -o in script %s", name);
	for (size_t i = 0; run[i]; i++) {
		const char *w = run[i];

		if (streq(w, "-L"))
			continue;
		if (streq(w, "-b") && run[i + 1]) {
			if (parse_bufsize(run[++i], &bufsize) < 0)
				return refuse(
				    inv,
				    "Bad runtime options for script %s: -s %s (the buffer "
				    "size is 1..4095 MB)",
				    name, run[i]);
			continue;
		}
		return refuse(inv, "Unsupported option %s in script %s%s", w, name,
			      unsupported_reason(w));
	}
	*ret_bufsize = bufsize;
	return 1;
}

/* 1 accepted (*ret filled), 0 refused, -ECANCELED, -ENOMEM. */
static int check_script(struct invocation *inv, const char *name, struct onboot_script *ret)
{
	const struct settings *s = inv->s;
	_cleanup_free_ char *ko = cache_ko_path(s, name), *opts = cache_opts_path(s, name),
			    *uprobes = cache_uprobes_path(s, name);
	struct cache_meta meta = {0};
	unsigned bufsize = 0;
	uint64_t size;
	int r, protocol;

	if (!ko || !opts || !uprobes)
		return -ENOMEM;
	clog(" Checking options %s ... ", name);
	r = check_run_options(inv, name, &bufsize);
	if (r <= 0)
		return r;
	if (path_exists(uprobes))
		return refuse(inv,
			      "Unsupported: script %s needs uprobes.ko (its kernel has no built-in "
			      "uprobes), which stap-early-loader does not load",
			      name);
	r = onboot_file_size(ko, &size);
	if (r < 0)
		return refuse(inv, "No compiled module %s for script %s: %s", ko, name,
			      strerror(-r));
	r = cache_meta_read(opts, &meta);
	if (r < 0)
		return refuse(inv, "Cannot read %s for script %s: %s", opts, name, strerror(-r));
	protocol = meta.protocol;
	cache_meta_free(&meta);
	if (protocol != 4 && protocol != 5)
		return refuse(inv, "Unknown control protocol %d in %s for script %s", protocol,
			      opts, name);
	ret->name = strdup(name);
	if (!ret->name)
		return -ENOMEM;
	ret->ko_path = ko;
	ko = NULL;
	ret->protocol = protocol;
	ret->bufsize = bufsize;
	ret->ko_size = size;
	clog("done\n");
	return 1;
}

int onboot_check_scripts(struct invocation *inv, char *const *names, struct onboot_script **ret,
			 size_t *ret_n)
{
	size_t n = strv_length(names), k = 0;
	struct onboot_script *v;

	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return log_error_errno(-ENOMEM, "Failed to check the scripts");
	for (size_t i = 0; i < n; i++) {
		int r = check_script(inv, names[i], &v[k]);

		if (r < 0) {
			onboot_scripts_free(v, k);
			return r == -ECANCELED ? r
					       : log_error_errno(r, "Failed to check %s", names[i]);
		}
		if (r > 0)
			k++;
	}
	*ret = v;
	*ret_n = k;
	return 0;
}
