/* optfilter_long.c: stap 4.8's long options for <script>_OPT. Every one of its usage is known
 * here, so a typo is an error and an option the service cannot honour says why. */
#include <string.h>

#include "macro.h"
#include "optfilter_long.h"

#define NO_MODULE "lists what stap knows and builds no module"
#define ELSEWHERE "runs the script on another host; the service runs its modules here"

static const struct long_opt opts[] = {
    {"help", LONG_ARG_NONE, LONG_DROP, NULL},
    {"version", LONG_ARG_NONE, LONG_DROP, NULL},
    {"vp", LONG_ARG_REQUIRED, LONG_COMPILE, NULL},
    {"modinfo", LONG_ARG_REQUIRED, LONG_COMPILE, NULL},
    {"ldd", LONG_ARG_NONE, LONG_COMPILE, NULL},
    {"all-modules", LONG_ARG_NONE, LONG_COMPILE, NULL},
    {"runtime", LONG_ARG_REQUIRED, LONG_COMPILE, NULL},
    {"bpf", LONG_ARG_NONE, LONG_REFUSED,
     "builds a BPF program, not the kernel module the service starts"},
    {"prologue-searching", LONG_ARG_OPTIONAL, LONG_COMPILE, NULL},
    {"privilege", LONG_ARG_REQUIRED, LONG_COMPILE, NULL},
    {"unprivileged", LONG_ARG_NONE, LONG_COMPILE, NULL},
    {"compatible", LONG_ARG_REQUIRED, LONG_COMPILE, NULL},
    {"check-version", LONG_ARG_NONE, LONG_COMPILE, NULL},
    {"skip-badvars", LONG_ARG_NONE, LONG_COMPILE, NULL},
    {"suppress-handler-errors", LONG_ARG_NONE, LONG_COMPILE, NULL},
    {"use-server", LONG_ARG_OPTIONAL, LONG_COMPILE, NULL},
    {"list-servers", LONG_ARG_OPTIONAL, LONG_REFUSED,
     "reports on compile servers and builds nothing (run stap --list-servers yourself)"},
    {"trust-servers", LONG_ARG_OPTIONAL, LONG_COMPILE, NULL},
    {"use-server-on-error", LONG_ARG_OPTIONAL, LONG_COMPILE, NULL},
    {"remote", LONG_ARG_REQUIRED, LONG_REFUSED, ELSEWHERE},
    {"remote-prefix", LONG_ARG_NONE, LONG_REFUSED, ELSEWHERE},
    {"tmpdir", LONG_ARG_REQUIRED, LONG_COMPILE, NULL},
    {"download-debuginfo", LONG_ARG_OPTIONAL, LONG_COMPILE, NULL},
    {"dump-probe-types", LONG_ARG_NONE, LONG_REFUSED, NO_MODULE},
    {"dump-probe-aliases", LONG_ARG_NONE, LONG_REFUSED, NO_MODULE},
    {"dump-functions", LONG_ARG_NONE, LONG_REFUSED, NO_MODULE},
    {"sysroot", LONG_ARG_REQUIRED, LONG_COMPILE, NULL},
    {"sysenv", LONG_ARG_REQUIRED, LONG_COMPILE, NULL},
    {"suppress-time-limits", LONG_ARG_NONE, LONG_COMPILE, NULL},
    {"save-uprobes", LONG_ARG_NONE, LONG_UPROBES, NULL},
    {"target-namespace", LONG_ARG_REQUIRED, LONG_RUN_NS, NULL},
};

const struct long_opt *long_opt_find(const char *name, size_t len)
{
	const struct long_opt *found = NULL;
	bool ambiguous = false;

	for (size_t i = 0; i < ELEMENTSOF(opts); i++) {
		if (strncmp(opts[i].name, name, len) != 0)
			continue;
		if (strlen(opts[i].name) == len)
			return &opts[i];
		ambiguous = found != NULL;
		found = &opts[i];
	}
	return ambiguous ? NULL : found;
}

const struct long_opt *long_opt_of_word(const char *word)
{
	const char *eq;

	if (strncmp(word, "--", 2) != 0 || !word[2])
		return NULL;
	eq = strchr(word + 2, '=');
	for (size_t i = 0; i < ELEMENTSOF(opts); i++) {
		size_t len = eq ? (size_t)(eq - (word + 2)) : strlen(word + 2);
		if (strlen(opts[i].name) == len && strncmp(opts[i].name, word + 2, len) == 0)
			return &opts[i];
	}
	return NULL;
}

const char *long_opt_refusal(const struct long_opt *o, const char *arg)
{
	if (o->use == LONG_REFUSED)
		return o->reason;
	if (streq(o->name, "runtime") && arg && !streq(arg, "kernel"))
		return "builds no kernel module: the service starts only --runtime=kernel";
	return NULL;
}
