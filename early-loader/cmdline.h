/* cmdline.h: the loader's kernel command line switches. */
#pragma once
#include <stdbool.h>

#define CMDLINE_DEFAULT_PATH "/proc/cmdline"

struct boot_switches {
	bool disabled; /* rd.systemtap=0|no|off */
	bool verbose;  /* rd.debug, rdinitdebug */
	char *skip;    /* ",a,b," from every rd.systemtap.skip=a,b (NULL: none) */
};

/* Parses a kernel command line (words, "double quoted" values allowed); the last
 * rd.systemtap= wins, skip lists add up. Returns 0 or -ENOMEM. */
int cmdline_parse(const char *text, struct boot_switches *ret);

/* Reads path and parses it; -errno when unreadable (not logged: the caller decides). */
int cmdline_load(const char *path, struct boot_switches *ret);

/* True when rd.systemtap.skip= names the script. */
bool boot_switches_skip(const struct boot_switches *b, const char *script);

void boot_switches_free(struct boot_switches *b);
