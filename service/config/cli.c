/* cli.c: the command line. The command is the first word (as upstream: "-y start" is a usage
 * error); options may follow in any position, like GNU getopt's permutation, but every word
 * stays one argument (no word splitting). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "macro.h"
#include "names.h"
#include "strv.h"

#define PROGRAM "systemtap-service"

void cli_usage(FILE *f)
{
	fputs("Usage: " PROGRAM " {start|stop|status|restart|compile|onboot|cleanup|condrestart|"
	      "try-restart|reload|force-reload} [OPTIONS] [SCRIPTS]\n"
	      "Options:\n"
	      "\t-b\t\t: backup initramfs before overwriting\n"
	      "\t-c configfile\t: specify config file\n"
	      "\t-o path.img\t: specify initramfs output file\n"
	      "\t-r kernelrelease: specify kernel release version\n"
	      "\t-R \t\t: recursively dependency checking\n"
	      "\t-y \t\t: answer yes for all questions\n"
	      "\t-v \t\t: verbose: every detail on stdout too (else only in the log)\n"
	      "\tscript(s)\t: specify systemtap scripts\n"
	      "onboot only:\n"
	      "\t--status\t: show the onboot scripts each installed kernel starts\n"
	      "\t--refresh [--image]: build the recorded onboot set for -r kernelrelease\n"
	      "\t--forget\t: remove the cache and onboot snapshot of -r kernelrelease\n"
	      "\t--pack file\t: the set's modules for each -r kernelrelease into file\n"
	      "\t--load file\t: check the modules of a pack and put them into the caches\n"
	      "\t--import\t: take over upstream stap-onboot's modules of -r kernelrelease\n"
	      "\t--save-log\t: save the output of the scripts started at boot to ONBOOT_LOG_DIR\n"
	      "\t--close-log\t: close those output files (at shutdown)\n"
	      "\n"
	      "See systemtap-service(8) for full documentation\n",
	      f);
}

static int __attribute__((format(printf, 1, 2))) bad_option(const char *fmt, ...)
{
	va_list ap;

	fputs(PROGRAM ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -EINVAL;
}

/* Handles one option letter; *arg is the rest of its word or the next word (consumed by
 * options with an argument: *used set). */
static int parse_letter(struct cli *c, char letter, const char *arg, bool *used)
{
	char l[2] = {letter, '\0'};
	bool *flag = letter == 'R'   ? &c->recursive
		     : letter == 'y' ? &c->assume_yes
		     : letter == 'b' ? &c->backup
		     : letter == 'h' ? &c->help
		     : letter == 'v' ? &c->verbose
				     : NULL;

	if (flag) {
		*flag = true;
		return 0;
	}
	switch (letter) {
	case 'c':
	case 'r':
	case 'o':
		if (!arg)
			return bad_option("option requires an argument -- '%s'", l);
		*used = true;
		if (letter == 'c')
			c->config_file = arg;
		else if (letter == 'o')
			c->output = arg;
		else if (!kernel_release_valid(arg))
			return bad_option("'%s' is not a valid kernel release", arg);
		else if (strv_push(&c->kernel_releases, arg) < 0)
			return -ENOMEM;
		else
			c->kernel_release = arg;
		return 0;
	default:
		return bad_option("invalid option -- '%s'", l);
	}
}

/* One word starting with '-': a cluster of letters, the last one possibly taking the rest of
 * the word or the next word as its argument. Returns how many extra words were used, or an
 * error. */
static int parse_option_word(struct cli *c, const char *word, const char *next)
{
	for (const char *p = word + 1; *p; p++) {
		bool takes_rest = strchr("cro", *p) != NULL;
		const char *arg = takes_rest ? (p[1] ? p + 1 : next) : NULL;
		bool used = false;
		int r = parse_letter(c, *p, arg, &used);

		if (r < 0)
			return r;
		if (used)
			return p[1] ? 0 : 1;
	}
	return 0;
}

/* onboot's long options; the mode is given once. --pack and --load take a file (the next
 * word, or attached with "="). Returns how many extra words were used, or an error. */
static int parse_long(struct cli *c, const char *word, const char *next)
{
	static const struct {
		const char *name;
		enum onboot_mode mode;
		bool takes_file;
	} modes[] = {
	    /* clang-format off */
	    {"--status", ONBOOT_MODE_STATUS, false},
	    {"--refresh", ONBOOT_MODE_REFRESH, false},
	    {"--forget", ONBOOT_MODE_FORGET, false},
	    {"--pack", ONBOOT_MODE_PACK, true},
	    {"--load", ONBOOT_MODE_LOAD, true},
	    {"--import", ONBOOT_MODE_IMPORT, false},
	    {"--save-log", ONBOOT_MODE_SAVE_LOG, false},
	    {"--close-log", ONBOOT_MODE_CLOSE_LOG, false},
	    /* clang-format on */
	};
	const char *eq = strchr(word, '=');
	size_t len = eq ? (size_t)(eq - word) : strlen(word);

	if (streq(word, "--image")) {
		c->image = true;
		return 0;
	}
	for (size_t i = 0; i < ELEMENTSOF(modes); i++) {
		if (strlen(modes[i].name) != len || strncmp(word, modes[i].name, len) != 0)
			continue;
		if (eq && !modes[i].takes_file)
			return bad_option("option '%s' doesn't allow an argument", modes[i].name);
		if (c->onboot && c->onboot != modes[i].mode)
			return bad_option("'%s' cannot be combined with another of --status, "
					  "--refresh, --forget, --pack, --load, --import, "
					  "--save-log, --close-log",
					  modes[i].name);
		c->onboot = modes[i].mode;
		if (!modes[i].takes_file)
			return 0;
		/* The next word is the file unless it is an option (a file named "-x": ./-x). */
		c->pack_file = eq ? eq + 1 : next && next[0] != '-' ? next : NULL;
		if (!c->pack_file || !*c->pack_file)
			return bad_option("option '%s' requires a file", modes[i].name);
		return eq ? 0 : 1;
	}
	return bad_option("unrecognized option '%s'", word);
}

/* What an onboot mode needs besides itself. --forget removes a whole kernel's cache: it is
 * never left to default to the running kernel, and never takes names it would ignore. */
static int check_onboot_mode(const struct cli *c)
{
	if (c->image && c->onboot != ONBOOT_MODE_REFRESH)
		return bad_option("'--image' goes with '--refresh' only");
	if (c->onboot != ONBOOT_MODE_FORGET)
		return 0;
	if (c->names && c->names[0])
		return bad_option("'--forget' takes no script names: it removes the cache and "
				  "onboot snapshot of the kernel given with -r");
	if (!c->kernel_releases)
		return bad_option("'--forget' needs -r KVER: the kernel whose cache and onboot "
				  "snapshot it removes");
	return 0;
}

static int add_name(struct cli *c, const char *name)
{
	if (!script_name_valid(name)) {
		fprintf(stderr,
			PROGRAM ": '%s' is not a valid script name (must match " SCRIPT_NAME_RULE
				", at most 55 characters)\n",
			name);
		return -EINVAL;
	}
	if (strv_contains(c->names, name))
		return 0;
	return strv_push(&c->names, name);
}

int cli_parse(int argc, char *const argv[], struct cli *ret)
{
	struct cli c = {0};
	bool options_done = false;
	int r = 0;

	if (argc < 2)
		return -EINVAL;
	c.command = argv[1];
	if (streq(c.command, "-h") || streq(c.command, "--help"))
		c.help = true;
	for (int i = 2; i < argc && r >= 0; i++) {
		const char *w = argv[i];

		if (options_done || w[0] != '-' || w[1] == '\0') {
			r = add_name(&c, w);
		} else if (streq(w, "--")) {
			options_done = true;
		} else if (streq(w, "--help")) {
			c.help = true;
		} else if (w[1] == '-') {
			r = parse_long(&c, w, i + 1 < argc ? argv[i + 1] : NULL);
			if (r > 0)
				i += r;
		} else {
			r = parse_option_word(&c, w, i + 1 < argc ? argv[i + 1] : NULL);
			if (r > 0)
				i += r;
		}
	}
	if (r >= 0 && strv_length(c.kernel_releases) > 1 && c.onboot != ONBOOT_MODE_PACK)
		r = bad_option("-r is given once, except with onboot --pack");
	if (r >= 0)
		r = check_onboot_mode(&c);
	if (r < 0) {
		cli_free(&c);
		return r;
	}
	if (!c.names) {
		/* Always a vector, possibly empty. */
		c.names = calloc(1, sizeof(char *));
		if (!c.names)
			return -ENOMEM;
	}
	*ret = c;
	return 0;
}

void cli_free(struct cli *c)
{
	c->names = strv_free(c->names);
	c->kernel_releases = strv_free(c->kernel_releases);
}
