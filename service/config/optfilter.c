/* optfilter.c: <script>_OPT words, normalized as upstream's stap_getopt and filtered for
 * compiling (stap) and running (staprun). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "growbuf.h"
#include "macro.h"
#include "optfilter.h"
#include "optfilter_long.h"
#include "strv.h"

/* getopt -o 'hVvtp:I:e:o:R:r:m:kgPc:x:D:bs:uqwl:d:L:FS:' */
static const char short_opts[] = "hVvtp:I:e:o:R:r:m:kgPc:x:D:bs:uqwl:d:L:FS:";

static int word_addc(struct growbuf *w, char c)
{
	return growbuf_append(w, &c, 1, SIZE_MAX);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Reads one word at *p (not at a blank) into w, as the config file reads a value. */
static int split_word(const char **p, struct growbuf *w)
{
	const char *s = *p;
	int r = growbuf_append(w, "", 0, SIZE_MAX); /* an empty word ('') is a word */

	while (r == 0 && *s && !is_blank(*s)) {
		if (*s == '\'' || *s == '"') {
			char quote = *s;

			for (s++; *s && *s != quote; s++) {
				/* In double quotes a backslash escapes only " \ $ and `. */
				if (quote == '"' && *s == '\\' && s[1] && strchr("\"\\$`", s[1]))
					s++;
				if ((r = word_addc(w, *s)) < 0)
					return r;
			}
			if (!*s)
				return -EINVAL;
			s++;
		} else if (*s == '\\') {
			if (!s[1])
				return -EINVAL;
			r = word_addc(w, s[1]);
			s += 2;
		} else {
			r = word_addc(w, *s++);
		}
	}
	*p = s;
	return r;
}

int opts_split(const char *text, char ***ret_words)
{
	_cleanup_strv_free_ char **words = calloc(1, sizeof(char *));
	const char *p = text ? text : "";

	if (!words)
		return -ENOMEM;
	for (;;) {
		struct growbuf w = {NULL, 0, 0};
		int r;

		while (is_blank(*p))
			p++;
		if (!*p)
			break;
		r = split_word(&p, &w);
		if (r < 0) {
			free(w.data);
			return r;
		}
		r = strv_consume(&words, w.data);
		if (r < 0)
			return r;
	}
	*ret_words = words;
	words = NULL;
	return 0;
}

/* 1 when short option c takes an argument, 0 when it takes none, -1 when unknown. */
static int short_opt_arg(char c)
{
	const char *o = c && c != ':' ? strchr(short_opts, c) : NULL;

	if (!o)
		return -1;
	return o[1] == ':';
}

static int fail_bad(const char *word, char **ret_bad)
{
	if (ret_bad) {
		*ret_bad = strdup(word);
		if (!*ret_bad)
			return -ENOMEM;
	}
	return -EINVAL;
}

/* Appends "-c" (and its argument) of the short option cluster at words[*i]. */
static int normalize_short(char *const *words, size_t *i, char ***opts, char **ret_bad)
{
	const char *w = words[*i];
	int r;

	for (size_t k = 1; w[k]; k++) {
		char o[3] = {'-', w[k], '\0'};
		int has_arg = short_opt_arg(w[k]);

		if (has_arg < 0)
			return fail_bad(w, ret_bad);
		r = strv_push(opts, o);
		if (r < 0)
			return r;
		if (!has_arg)
			continue;
		if (w[k + 1])
			return strv_push(opts, w + k + 1);
		if (!words[*i + 1])
			return fail_bad(w, ret_bad);
		return strv_push(opts, words[++*i]);
	}
	return 0;
}

/* -EPERM for an option the service refuses, *ret_bad set to "--name: why". */
static int fail_refused(const char *name, const char *why, char **ret_bad)
{
	if (ret_bad && asprintf(ret_bad, "--%s: %s", name, why) < 0) {
		*ret_bad = NULL;
		return -ENOMEM;
	}
	return -EPERM;
}

/* Appends the normalized long option at words[*i]: "--name", "--name" "ARG" (required
 * argument), or "--name=ARG" (optional argument, given attached). */
static int normalize_long(char *const *words, size_t *i, char ***opts, char **ret_bad)
{
	const char *w = words[*i], *eq = strchr(w + 2, '='), *arg = NULL, *why;
	size_t namelen = eq ? (size_t)(eq - (w + 2)) : strlen(w + 2);
	const struct long_opt *lo = long_opt_find(w + 2, namelen);
	char *word;
	int r;

	if (!lo || (eq && lo->arg == LONG_ARG_NONE))
		return fail_bad(w, ret_bad);
	if (lo->arg == LONG_ARG_REQUIRED) {
		arg = eq ? eq + 1 : words[*i + 1];
		if (!arg)
			return fail_bad(w, ret_bad);
		*i += !eq;
	} else if (eq) {
		arg = eq + 1;
	}
	why = long_opt_refusal(lo, arg);
	if (why)
		return fail_refused(lo->name, why, ret_bad);
	if (asprintf(&word, "--%s%s%s", lo->name, arg && lo->arg == LONG_ARG_OPTIONAL ? "=" : "",
		     arg && lo->arg == LONG_ARG_OPTIONAL ? arg : "") < 0)
		return -ENOMEM;
	r = strv_consume(opts, word);
	if (r < 0 || lo->arg != LONG_ARG_REQUIRED)
		return r;
	return strv_push(opts, arg);
}

int opts_normalize(char *const *words, char ***ret_norm, char **ret_bad)
{
	_cleanup_strv_free_ char **opts = calloc(1, sizeof(char *));
	_cleanup_strv_free_ char **args = NULL;
	bool only_args = false;
	int r = 0;

	if (!opts)
		return -ENOMEM;
	for (size_t i = 0; words && words[i] && r == 0; i++) {
		const char *w = words[i];

		if (only_args || w[0] != '-' || w[1] == '\0') {
			/* getopt permutes: positional words go after "--". */
			r = strv_push(&args, w);
		} else if (streq(w, "--")) {
			only_args = true;
		} else if (w[1] == '-') {
			r = normalize_long(words, &i, &opts, ret_bad);
		} else {
			r = normalize_short(words, &i, &opts, ret_bad);
		}
	}
	if (r == 0)
		r = strv_push(&opts, "--");
	if (r == 0)
		r = strv_extend(&opts, args);
	if (r < 0)
		return r;
	*ret_norm = opts;
	opts = NULL;
	return 0;
}

/* For a normalized option word: 1 when its argument is the next word, 0 when none. */
static int norm_takes_arg(const char *w)
{
	if (w[0] == '-' && w[1] == '-') {
		const struct long_opt *lo = long_opt_of_word(w);
		return lo && lo->arg == LONG_ARG_REQUIRED && !strchr(w, '=');
	}
	return w[0] == '-' && w[1] && !w[2] && short_opt_arg(w[1]) == 1;
}

/* --help, --version (as -h, -V) and --target-namespace (staprun's) are no compile options. */
static bool long_dropped_for_compile(const char *w)
{
	const struct long_opt *lo = long_opt_of_word(w);

	return lo && (lo->use == LONG_DROP || lo->use == LONG_RUN_NS);
}

int opts_for_compile(char *const *norm, char ***ret)
{
	_cleanup_strv_free_ char **out = calloc(1, sizeof(char *));
	size_t i = 0;
	int r = 0;

	if (!out)
		return -ENOMEM;
	for (; norm && norm[i] && !streq(norm[i], "--") && r == 0; i++) {
		const char *w = norm[i];
		bool arg = norm_takes_arg(w) && norm[i + 1];

		if (w[0] == '-' && w[1] && !w[2] && strchr("pmrcxesoS", w[1])) {
			i += arg; /* dropped with its argument */
			continue;
		}
		if (w[0] == '-' && w[1] && !w[2] && strchr("hVkF", w[1]))
			continue;
		if (long_dropped_for_compile(w)) {
			i += arg;
			continue;
		}
		r = strv_push(&out, w);
		if (r == 0 && arg)
			r = strv_push(&out, norm[++i]);
	}
	/* The "--" and the positional words stay, as upstream's filter kept them. */
	for (; norm && norm[i] && r == 0; i++)
		r = strv_push(&out, norm[i]);
	if (r < 0)
		return r;
	*ret = out;
	out = NULL;
	return 0;
}

int opts_for_run(char *const *norm, const char *uprobes_ko, char ***ret, enum run_mode *ret_mode)
{
	_cleanup_strv_free_ char **out = calloc(1, sizeof(char *));
	enum run_mode mode = RUN_MODE_LOAD_ONLY;
	int r = 0;

	if (!out)
		return -ENOMEM;
	for (size_t i = 0; norm && norm[i] && !streq(norm[i], "--") && r == 0; i++) {
		const char *w = norm[i];
		bool arg = norm_takes_arg(w) && norm[i + 1];

		if (streq(w, "--target-namespace") && arg) {
			r = strv_push(&out, "-N");
			if (r == 0)
				r = strv_push(&out, norm[i + 1]);
		} else if (streq(w, "--save-uprobes")) {
			if (uprobes_ko) {
				char *u;
				if (asprintf(&u, "-u%s", uprobes_ko) < 0)
					return -ENOMEM;
				r = strv_consume(&out, u);
			}
		} else if (arg && strchr("cxoSs", w[1]) && w[1] != '-') {
			if (w[1] == 'o')
				mode = RUN_MODE_DAEMON;
			r = strv_push(&out, w[1] == 's' ? "-b" : w);
			if (r == 0)
				r = strv_push(&out, norm[i + 1]);
		}
		i += arg;
	}
	if (r == 0)
		r = strv_push(&out, mode == RUN_MODE_DAEMON ? "-D" : "-L");
	if (r < 0)
		return r;
	*ret = out;
	out = NULL;
	if (ret_mode)
		*ret_mode = mode;
	return 0;
}
