/* onboot_scripts.c: what the early loader can honour of a script: its run options, its
 * module, its control protocol. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "onboot_scripts.h"
#include "onboot_util.h"
#include "optfilter.h"
#include "strfmt.h"
#include "strv.h"

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

/* Checks sc's run options and gets its buffer size (0: the module's default). 0 and *ret, or
 * -ENOMEM. */
static int check_run_options(const struct onboot_script *sc, unsigned *ret_bufsize,
			     struct onboot_verdict *ret)
{
	_cleanup_strv_free_ char **words = NULL, **norm = NULL, **run = NULL;
	_cleanup_free_ char *bad = NULL;
	const char *name = sc->name;
	enum run_mode mode;
	unsigned bufsize = 0;
	int r;

	r = opts_split(sc->opts ? sc->opts : "", &words);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return onboot_refuse(
		    ret, "Bad runtime options for script %s: unbalanced quote in %s_OPT", name,
		    name);
	r = opts_normalize(words, &norm, &bad);
	if (r == -ENOMEM)
		return r;
	if (r == -EPERM)
		return onboot_refuse(ret, "Refused option in script %s: %s", name, bad ? bad : "?");
	if (r < 0)
		return onboot_refuse(ret, "Bad runtime options for script %s: %s", name,
				     bad ? bad : "parse error");
	r = opts_for_run(norm, NULL, &run, &mode);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return onboot_refuse(ret, "Bad runtime options for script %s", name);
	if (mode == RUN_MODE_DAEMON)
		return onboot_refuse(ret, "Unsupported option -o in script %s", name);
	for (size_t i = 0; run[i]; i++) {
		const char *w = run[i];

		if (streq(w, "-L"))
			continue;
		if (streq(w, "-b") && run[i + 1]) {
			if (parse_bufsize(run[++i], &bufsize) < 0)
				return onboot_refuse(
				    ret,
				    "Bad runtime options for script %s: -s %s (the "
				    "buffer size is 1..4095 MB)",
				    name, run[i]);
			continue;
		}
		return onboot_refuse(ret, "Unsupported option %s in script %s%s", w, name,
				     unsupported_reason(w));
	}
	*ret_bufsize = bufsize;
	*ret = (struct onboot_verdict){.ok = true};
	return 0;
}

int onboot_check_script(const struct settings *s, struct onboot_script *sc,
			struct onboot_verdict *ret)
{
	_cleanup_free_ char *ko = cache_ko_path(s, sc->name), *opts = cache_opts_path(s, sc->name),
			    *uprobes = cache_uprobes_path(s, sc->name);
	const char *name = sc->name;
	struct cache_meta meta = {0};
	unsigned bufsize = 0;
	uint64_t size;
	int r, protocol;

	if (!ko || !opts || !uprobes)
		return -ENOMEM;
	r = check_run_options(sc, &bufsize, ret);
	if (r < 0 || !ret->ok)
		return r;
	if (path_exists(uprobes))
		return onboot_refuse(ret,
				     "Unsupported: script %s needs uprobes.ko (its kernel has no "
				     "built-in uprobes), which stap-early-loader does not load",
				     name);
	r = onboot_file_size(ko, &size);
	if (r < 0)
		return onboot_refuse(ret, "No compiled module %s for script %s: %s", ko, name,
				     strerror(-r));
	r = cache_meta_read(opts, &meta);
	if (r < 0)
		return onboot_refuse(ret, "Cannot read %s for script %s: %s", opts, name,
				     strerror(-r));
	protocol = meta.protocol;
	cache_meta_free(&meta);
	if (protocol != 4 && protocol != 5)
		return onboot_refuse(ret, "Unknown control protocol %d in %s for script %s",
				     protocol, opts, name);
	free(sc->ko_path);
	sc->ko_path = ko;
	ko = NULL;
	sc->protocol = protocol;
	/* No -s: ONBOOT_BUFSIZE, since the collector drains the buffer (settings.h). */
	sc->bufsize = bufsize ? bufsize : s->onboot_bufsize;
	sc->ko_size = size;
	return 0;
}
