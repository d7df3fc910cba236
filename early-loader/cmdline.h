/* cmdline.h: the loader's kernel command line switches. */
#pragma once
#include <stdbool.h>

#define CMDLINE_DEFAULT_PATH "/proc/cmdline"
/* The largest rd.systemtap.timeout= taken: an hour. */
#define CMDLINE_TIMEOUT_MAX_S 3600

/* rd.systemtap.mode=: who starts the scripts in an image whose /init is the loader. */
enum boot_mode {
	BOOT_MODE_DEFAULT, /* not given: the image decides */
	BOOT_MODE_EARLY,   /* early: the loader as PID 1, before the real init */
	BOOT_MODE_HOOK,	   /* hook: dracut's cmdline hook, as upstream did */
};

struct boot_switches {
	bool disabled;	     /* rd.systemtap=0|no|off */
	bool verbose;	     /* rd.debug, rdinitdebug */
	char *skip;	     /* ",a,b," from every rd.systemtap.skip=a,b (NULL: none) */
	enum boot_mode mode; /* rd.systemtap.mode=early|hook (last valid one wins) */
	unsigned timeout_s;  /* rd.systemtap.timeout=SECONDS (1..3600), 0: not given */
	/* rd.systemtap.console=: copy the scripts' output to the kernel log until it is saved:
	 * 1 (yes, on, or no value) every script, 0 (no, off) none, else a list of names that
	 * adds up like skip's. */
	bool console_all;
	char *console; /* ",a,b," (NULL: none named) */
};

/* Parses a kernel command line (words, "double quoted" values allowed); the last
 * rd.systemtap= wins, skip lists add up. Returns 0 or -ENOMEM. */
int cmdline_parse(const char *text, struct boot_switches *ret);

/* Reads path and parses it; -errno when unreadable (not logged: the caller decides). */
int cmdline_load(const char *path, struct boot_switches *ret);

/* True when rd.systemtap.skip= names the script. */
bool boot_switches_skip(const struct boot_switches *b, const char *script);

/* True when rd.systemtap.console= asks for the script's output on the console. */
bool boot_switches_console(const struct boot_switches *b, const char *script);

void boot_switches_free(struct boot_switches *b);
