/* commands.h: the commands of systemtap-service; each returns the process exit code. */
#pragma once
#include <stdbool.h>
#include "cli.h"
#include "settings.h"

struct invocation {
	const char *command; /* as typed */
	char **names;	     /* script names from the command line (validated), may be empty */
	bool names_given;
	bool assume_yes;	 /* -y */
	bool backup;		 /* -b */
	const char *output;	 /* -o PATH.IMG or NULL */
	enum onboot_mode onboot; /* onboot --status/--refresh/--forget */
	bool image;		 /* onboot --refresh --image */
	const char *pack_file;	 /* onboot --pack FILE / --load FILE */
	char **kernel_releases;	 /* every -r (onboot --pack takes several), may be NULL */
	bool stap_onboot;	 /* run as stap-onboot: upstream's modules are imported first */
	struct settings *s;
	int nr_fails; /* failures so far with PASSALL=no */
};

/* Exit codes (LSB init script conventions). */
#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 3 /* also status: not running */
#define EXIT_NOT_CONFIGURED 6

int cmd_start(struct invocation *inv);
int cmd_stop(struct invocation *inv);
int cmd_restart(struct invocation *inv);
int cmd_status(struct invocation *inv);
int cmd_condrestart(struct invocation *inv);
int cmd_compile(struct invocation *inv);
int cmd_cleanup(struct invocation *inv);
int cmd_onboot(struct invocation *inv);
/* onboot --status: Secure Boot, lockdown and the signing key, then per installed kernel the
 * onboot scripts its next boot starts, their snapshot, and whether the image holds it.
 * EXIT_FAIL when an image lacks its snapshot, or when the kernel would refuse the modules. */
int cmd_onboot_status(struct invocation *inv);
/* onboot --refresh [--image]: the recorded set built for -r KVER into its snapshot (kernel
 * hooks). EXIT_OK, or EXIT_FAIL when a script could not be built. */
int cmd_onboot_refresh(struct invocation *inv);
/* onboot --forget: a removed kernel's cache and snapshot go (kernel hooks). */
int cmd_onboot_forget(struct invocation *inv);
/* onboot --pack FILE [-r KVER]... [NAME...]: the named scripts (else the recorded set),
 * compiled where needed for each kernel, into one pack file (cmd_onboot_pack.c). */
int cmd_onboot_pack(struct invocation *inv);
/* onboot --load FILE: a pack's modules checked (vermagic, signature, digests) and put into the
 * caches, its set recorded (cmd_onboot_load.c). */
int cmd_onboot_load(struct invocation *inv);
/* onboot --import [-r KVER]: upstream stap-onboot's MODULES_PATH/KVER/systemtap/NAME.ko and
 * their NAME.options taken into the cache (cmd_onboot_import.c). */
int cmd_onboot_import(struct invocation *inv);
/* onboot --save-log: every collector of a script started at boot writes its output to
 * ONBOOT_LOG_DIR/NAME.log from now on (systemtap-onboot-log.service). EXIT_OK, or EXIT_FAIL
 * when the directory cannot be used or a collector refused. */
int cmd_onboot_save_log(struct invocation *inv);
/* onboot --close-log: the collectors close their files (the unit's stop, at shutdown). */
int cmd_onboot_close_log(struct invocation *inv);
