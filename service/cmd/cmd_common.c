/* cmd_common.c: what every command shares: the script list, PASSALL handling, the final
 * OK/WARNING/FAILED word, the yes/no prompt and the dependency order. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "cmd_common.h"
#include "deps.h"
#include "fsutil.h"
#include "log.h"
#include "macro.h"
#include "names.h"
#include "strfmt.h"
#include "strv.h"

int scan_dir_names(const char *dir, const char *suffix, char ***names)
{
	size_t slen = strlen(suffix);
	struct dirent *de;
	DIR *d;
	int r;

	r = opendir_if_exists(dir, &d);
	if (r <= 0)
		return r;
	r = 0;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		_cleanup_free_ char *base = NULL;

		if (de->d_type == DT_DIR || len <= slen || !streq(de->d_name + len - slen, suffix))
			continue;
		base = strndup(de->d_name, len - slen);
		if (!base) {
			r = -ENOMEM;
			break;
		}
		if (!script_name_valid(base)) {
			log_line(
			    "%s is not a valid script name (must match [a-zA-Z_][a-zA-Z0-9_]*)",
			    base);
			continue;
		}
		if (strv_contains(*names, base))
			continue;
		r = strv_push(names, base);
		if (r < 0)
			break;
	}
	closedir(d);
	if (r < 0)
		return log_error_errno(r, "Failed to list %s", dir);
	return 0;
}

int invocation_scripts(struct invocation *inv, char ***ret)
{
	_cleanup_strv_free_ char **names = NULL;
	int r;

	if (inv->names_given) {
		r = strv_extend(&names, inv->names);
	} else {
		r = 0;
		if (inv->s->allow_cacheonly)
			r = scan_dir_names(inv->s->cache_path, ".ko", &names);
		if (r >= 0)
			r = scan_dir_names(inv->s->script_path, ".stp", &names);
		strv_sort(names);
	}
	if (r >= 0 && !names) {
		names = calloc(1, sizeof(char *));
		if (!names)
			r = -ENOMEM;
	}
	if (r == -ENOMEM)
		return log_error_errno(r, "Failed to list the scripts");
	if (r < 0)
		return r;
	*ret = names;
	names = NULL;
	return 0;
}

void do_failure(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	_cleanup_free_ char *msg = strdup_vprintf(fmt, ap);
	va_end(ap);
	log_error("%s", msg ? msg : fmt);
	clog("FAILED");
}

void do_warning(const char *msg)
{
	log_line("Warning: %s", msg);
	clog("WARNING");
}

bool might_fail(struct invocation *inv, const char *msg)
{
	if (inv->s->passall) {
		do_failure("%s", msg);
		return true;
	}
	/* Upstream logged only the first word of msg here. */
	log_warning("%s", msg);
	inv->nr_fails++;
	return false;
}

bool might_failf(struct invocation *inv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	_cleanup_free_ char *msg = strdup_vprintf(fmt, ap);
	va_end(ap);
	return might_fail(inv, msg ? msg : fmt);
}

void might_success(struct invocation *inv, const char *msg)
{
	if (inv->nr_fails == 0) {
		log_line("Pass: %s", msg);
		clog("OK");
		return;
	}
	log_line("Warning: %d failure%s occurred.", inv->nr_fails, inv->nr_fails == 1 ? "" : "s");
	do_warning(msg);
}

bool ask_yesno(struct invocation *inv, const char *question)
{
	_cleanup_free_ char *line = NULL;
	size_t size = 0;

	if (inv->assume_yes)
		return true;
	for (;;) {
		ssize_t n;
		int b;

		printf("%s [y/N]: ", question);
		fflush(stdout);
		n = getline(&line, &size, stdin);
		if (n < 0) {
			/* EOF (or a read error) is "no", as an empty answer. */
			log_line("%s: no answer, assuming no", question);
			return false;
		}
		line[strcspn(line, "\r\n")] = '\0';
		if (!*line)
			return false;
		b = parse_bool(line);
		if (b >= 0) {
			log_line("%s: %s", question, b ? "yes" : "no");
			return b == 1;
		}
	}
}

int order_scripts(struct invocation *inv, char *const *names, char ***ret)
{
	_cleanup_strv_free_ char **sorted = NULL;
	int r;

	if (inv->s->recursive) {
		r = deps_sort(inv->s, names, &sorted);
		if (r < 0) {
			do_failure("Failed to sort dependency");
			return r;
		}
	} else {
		r = strv_extend(&sorted, names);
		if (r >= 0 && !sorted) {
			sorted = calloc(1, sizeof(char *));
			if (!sorted)
				r = -ENOMEM;
		}
		if (r < 0) {
			log_error_errno(r, "Failed to list the scripts");
			clog("FAILED");
			return r;
		}
	}
	*ret = sorted;
	sorted = NULL;
	return 0;
}

int exit_code_of(int r)
{
	return r == -ELOOP || r == -EINVAL ? EXIT_DEPENDENCY : EXIT_FAIL;
}

/* Appends to *paths the existing cache files (.ko, .opts, .uprobes) of name. 0 or -ENOMEM. */
int cache_files_of(const struct settings *s, const char *name, char ***paths)
{
	char *(*const makers[])(const struct settings *, const char *) = {
	    cache_ko_path, cache_opts_path, cache_uprobes_path};

	for (size_t i = 0; i < ELEMENTSOF(makers); i++) {
		char *p = makers[i](s, name);
		if (!p)
			return -ENOMEM;
		if (!path_exists(p)) {
			free(p);
			continue;
		}
		if (strv_consume(paths, p) < 0)
			return -ENOMEM;
	}
	return 0;
}

int confirm_cache_change(struct invocation *inv, int (*list)(struct invocation *, char ***),
			 const char *what, const char *question, char ***ret,
			 enum cache_answer *ret_answer)
{
	_cleanup_strv_free_ char **names = NULL, **existing = NULL;
	_cleanup_free_ char *joined = NULL;
	enum cache_answer answer = CACHES_NONE;

	if (list(inv, &names) < 0) {
		clog("FAILED");
		return -EIO;
	}
	for (size_t i = 0; names[i]; i++)
		if (cache_files_of(inv->s, names[i], &existing) < 0) {
			do_failure("Failed to list the caches: %s", strerror(ENOMEM));
			return -ENOMEM;
		}
	if (existing) {
		joined = strv_join(existing, " ");
		clog("%s: %s\n", what, joined ? joined : "");
		answer = ask_yesno(inv, question) ? CACHES_YES : CACHES_NO;
	}
	*ret = names;
	names = NULL;
	*ret_answer = answer;
	return 0;
}
