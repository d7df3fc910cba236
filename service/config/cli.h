/* cli.h: the command line of systemtap-service: COMMAND first, then options and script names
 * in any order (-c FILE -r KVER -o IMG -R -y -b -v, clustered or not; "--" ends the options),
 * and onboot's long options --status, --refresh [--image], --forget, --pack FILE, --load FILE,
 * --import, --save-log, --close-log. */
#pragma once
#include <stdbool.h>
#include <stdio.h>

/* What `onboot` does: build an image (the upstream command), or one of our long options. */
enum onboot_mode {
	ONBOOT_MODE_BUILD = 0,
	ONBOOT_MODE_STATUS,  /* --status: what each installed kernel's next boot starts */
	ONBOOT_MODE_REFRESH, /* --refresh [--image]: the recorded set, built for -r KVER */
	ONBOOT_MODE_FORGET,  /* --forget: a removed kernel's cache and snapshot go */
	/* Prebuilt sets and migration. */
	ONBOOT_MODE_PACK,   /* --pack FILE: the set's modules for each -r KVER, into one file */
	ONBOOT_MODE_LOAD,   /* --load FILE: a pack's modules checked and put into the caches */
	ONBOOT_MODE_IMPORT, /* --import: upstream stap-onboot's MODULES_PATH/KVER/systemtap/ */
	/* The boot scripts' saved output (systemtap-onboot-log.service). */
	ONBOOT_MODE_SAVE_LOG,  /* --save-log: the boot scripts' output into ONBOOT_LOG_DIR */
	ONBOOT_MODE_CLOSE_LOG, /* --close-log: their output files closed (shutdown) */
};

struct cli {
	const char *command;	    /* argv[1] as typed (not checked against the command list) */
	char **names;		    /* validated script names, each once, in the given order */
	const char *config_file;    /* -c, or NULL */
	const char *kernel_release; /* -r, or NULL */
	const char *output;	    /* -o, or NULL */
	bool recursive;		    /* -R */
	bool assume_yes;	    /* -y */
	bool backup;		    /* -b */
	bool verbose;		    /* -v: details on stdout too (log_detail) */
	bool help;		    /* -h / --help anywhere: print the usage, exit 0 */
	enum onboot_mode onboot;    /* --status, --refresh, --forget (onboot only) */
	bool image;		    /* --image (with --refresh) */
	const char *pack_file;	    /* --pack FILE / --load FILE */
	char **kernel_releases;	    /* every -r in order (several only with --pack), may be NULL */
	bool stap_onboot;	    /* run as upstream's stap-onboot (argv[0]), set by main */
};

/* Parses argv into *ret. Returns 0, -EINVAL after printing the reason to stderr (a bad option,
 * a missing argument, a bad script name or kernel release), or -ENOMEM. A missing command is
 * -EINVAL with nothing printed. */
int cli_parse(int argc, char *const argv[], struct cli *ret);
void cli_free(struct cli *c);
/* The usage text (upstream's, with our program name). */
void cli_usage(FILE *f);
