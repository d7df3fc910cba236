/* stap_onboot_cli.c: upstream's stap-onboot options: -b, -c configfile, -o path.img,
 * -r kernelrelease and script names, nothing else. They mean what onboot's do, so the words
 * are checked against that list and handed on behind "onboot". */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "macro.h"
#include "stap_onboot_cli.h"
#include "strv.h"

bool stap_onboot_invoked(const char *argv0)
{
	const char *base = argv0 ? strrchr(argv0, '/') : NULL;

	base = base ? base + 1 : argv0;
	return base && streq(base, STAP_ONBOOT_PROGRAM);
}

void stap_onboot_usage(FILE *f)
{
	fputs("Usage: " STAP_ONBOOT_PROGRAM " [OPTIONS] [SCRIPTS]\n"
	      "Options:\n"
	      "\t-b\t\t: backup initramfs before overwriting\n"
	      "\t-c configfile\t: specify config file\n"
	      "\t-o path.img\t: specify initramfs output file\n"
	      "\t-r kernelrelease: specify kernel release version\n"
	      "\tscript(s)\t: specify systemtap scripts\n"
	      "\n" STAP_ONBOOT_PROGRAM " is systemtap-service onboot: see systemtap-service(8)\n",
	      f);
}

static int __attribute__((format(printf, 1, 2))) bad(const char *fmt, ...)
{
	va_list ap;

	fputs(STAP_ONBOOT_PROGRAM ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	stap_onboot_usage(stderr);
	return -EINVAL;
}

/* Checks the option cluster word (after '-'); *used: the next word is its argument. */
static int check_cluster(const char *word, const char *next, bool *used)
{
	*used = false;
	for (const char *p = word + 1; *p; p++) {
		char l[2] = {*p, '\0'};

		if (*p == 'b')
			continue;
		if (!strchr("rco", *p))
			return bad("invalid option -- '%s'", l);
		if (p[1])
			return 0; /* the rest of the word is the argument */
		if (!next)
			return bad("option requires an argument -- '%s'", l);
		*used = true;
		return 0;
	}
	return 0;
}

int stap_onboot_argv(int argc, char *const argv[], char ***ret)
{
	_cleanup_strv_free_ char **v = NULL;
	bool names_only = false;

	if (strv_push(&v, "systemtap-service") < 0 || strv_push(&v, "onboot") < 0)
		return -ENOMEM;
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];
		bool used = false;
		int r;

		if (!names_only && (streq(w, "-h") || streq(w, "--help"))) {
			stap_onboot_usage(stdout);
			return 1;
		}
		if (!names_only && streq(w, "--")) {
			names_only = true;
		} else if (!names_only && w[0] == '-' && w[1] == '-') {
			return bad("unrecognized option '%s'", w);
		} else if (!names_only && w[0] == '-' && w[1]) {
			r = check_cluster(w, i + 1 < argc ? argv[i + 1] : NULL, &used);
			if (r < 0)
				return r;
		}
		if (strv_push(&v, w) < 0 || (used && strv_push(&v, argv[++i]) < 0))
			return -ENOMEM;
	}
	*ret = v;
	v = NULL;
	return 0;
}
