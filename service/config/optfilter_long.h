/* optfilter_long.h: the long options of stap 4.8's usage (`stap --help`) that <script>_OPT
 * accepts, each with its argument form and what the service does with it (optfilter_long.c).
 * Upstream's initscript knew only --vp and --save-uprobes. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

enum long_arg {
	LONG_ARG_NONE,	   /* --name */
	LONG_ARG_REQUIRED, /* --name=ARG or --name ARG; normalized as two words "--name" "ARG" */
	LONG_ARG_OPTIONAL, /* --name or --name=ARG (attached only, as getopt); kept as one word */
};

enum long_use {
	LONG_COMPILE, /* passed to stap */
	LONG_DROP,    /* dropped, as -h and -V are: --help, --version */
	LONG_UPROBES, /* --save-uprobes: to stap, and staprun -u where uprobes.ko exists */
	LONG_RUN_NS,  /* --target-namespace PID: staprun -N PID, not for stap */
	LONG_REFUSED, /* makes no sense for a service: refused, with the reason */
};

struct long_opt {
	const char *name; /* without the dashes */
	enum long_arg arg;
	enum long_use use;
	const char *reason; /* LONG_REFUSED: why, said after the option */
};

/* The option "--" + name[0..len) names, exactly or as an unambiguous prefix (as getopt_long);
 * NULL when none or ambiguous. */
const struct long_opt *long_opt_find(const char *name, size_t len);
/* The option of a normalized word ("--name" or "--name=ARG"), or NULL. */
const struct long_opt *long_opt_of_word(const char *word);
/* Why the normalized option with argument arg (NULL: none) is refused, or NULL when it is
 * accepted (--runtime=kernel is, every other runtime is not). */
const char *long_opt_refusal(const struct long_opt *o, const char *arg);
