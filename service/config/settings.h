/* settings.h: every parameter of the service, with upstream defaults, after the config is read. */
#pragma once
#include <stdbool.h>
#include "config.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif
#ifndef RUNSTATEDIR
#define RUNSTATEDIR "/run"
#endif
#ifndef SBINDIR
#define SBINDIR "/usr/sbin"
#endif
#ifndef BINDIR
#define BINDIR "/usr/bin"
#endif

#define DEFAULT_CONFIG SYSCONFDIR "/systemtap/config"
/* ONBOOT_BUFSIZE's default, MB a CPU: 256 pages take a boot's trace (the demo's whole boot
 * is 9 KB) until its collector reads them; stap's 16 MB a CPU costs each module load about
 * twice its time at boot (bench/boot.sh) and, on a machine of many CPUs, much memory. */
#define ONBOOT_BUFSIZE_DEFAULT 1

struct settings {
	/* The 12 global parameters of upstream. */
	char *script_path;    /* SCRIPT_PATH  default SYSCONFDIR/systemtap/script.d */
	char *config_path;    /* CONFIG_PATH  default SYSCONFDIR/systemtap/conf.d */
	char *cache_root;     /* CACHE_PATH as configured: LOCALSTATEDIR/cache/systemtap */
	char *cache_path;     /* cache_root/KRELEASE: the cache of the target kernel */
	char *stat_path;      /* STAT_PATH    default RUNSTATEDIR/systemtap */
	char *temp_path;      /* TEMP_PATH    default /tmp */
	char *log_file;	      /* LOG_FILE     default LOCALSTATEDIR/log/systemtap.log */
	char *state_path;     /* STATE_PATH (ours) default LOCALSTATEDIR/lib/systemtap: the
			       * recorded onboot set */
	bool passall;	      /* PASSALL=yes */
	bool recursive;	      /* RECURSIVE=no (forced on by -R or when no scripts are named) */
	bool autocompile;     /* AUTOCOMPILE=yes */
	bool allow_cacheonly; /* ALLOW_CACHEONLY=no */
	bool log_boot_err;    /* LOG_BOOT_ERR=no */
	bool onboot_hook;     /* ONBOOT_MODE (ours): early (false, default) or hook (true):
			       * who starts the scripts of the images onboot builds */
	char *default_start;  /* DEFAULT_START (blank separated names), may be "" */
	/* Tool paths (ours): STAP STAPRUN DRACUT NEW_KERNEL_PKG GRUBBY KERNEL_INSTALL. */
	char *stap, *staprun, *dracut, *new_kernel_pkg, *grubby, *kernel_install;
	/* Ours: COMPILE_JOBS (default: number of CPUs), BOOT_PATH (/boot), MODULES_PATH
	 * (/lib/modules), PROC_PATH (/proc: where /proc/systemtap lives), STAP_EARLY_LOADER
	 * (the loader onboot packs, SBINDIR/stap-early-loader), DRACUT_OPTS (extra dracut
	 * words for onboot, "" by default). */
	int compile_jobs;
	char *boot_path, *modules_path, *proc_path;
	char *early_loader, *dracut_opts;
	/* Ours: MODULE_SIGN_KEY and MODULE_SIGN_CERT, the private key and certificate compile
	 * signs each module with; both "" (no signing) or both absolute paths. */
	char *module_sign_key, *module_sign_cert;
	/* Ours (prebuilt sets, compile servers): COMPILE_SERVER, blank separated stap SERVER-SPECs
	 * (HOST[:PORT], an address, a certificate serial) that every compile uses through
	 * --use-server=SPEC; "" (default): stap compiles here. */
	char *compile_server;
	/* Ours, Secure Boot: SYSFS_PATH (/sys: EFI variables, shim's MOK table, lockdown),
	 * DKMS_PATH (LOCALSTATEDIR/lib/dkms: DKMS's mok.key and mok.pub, the key pair used when
	 * MODULE_SIGN_KEY is unset and the kernel needs signatures; "" never) and MOKUTIL (asked
	 * whether a certificate is enrolled when the MOK lists cannot be read). */
	char *sysfs_path, *dkms_path, *mokutil;
	/* Ours: time limits in seconds (0: none) of the programs run for a compile, an image or a
	 * boot loader update; the child's process group is killed when one is reached (run.h):
	 * COMPILE_TIMEOUT each stap run (1800), DRACUT_TIMEOUT each dracut run, the image
	 * check's decompressor and kernel-install (900), TOOL_TIMEOUT stap -V, sign-file,
	 * new-kernel-pkg, grubby (300). */
	unsigned compile_timeout, dracut_timeout, tool_timeout;
	/* Ours, the output of the scripts started at boot (the collectors): ONBOOT_LOG_DIR,
	 * where `onboot --save-log` has them write NAME.log (LOCALSTATEDIR/log/systemtap/onboot),
	 * and ONBOOT_LOG_SIZE, what each keeps in memory before that (bytes, the manifest's
	 * log_size; K, M, G suffixes in the config). */
	char *onboot_log_dir;
	unsigned long long onboot_log_size;
	/* Ours: ONBOOT_BUFSIZE, the MB a CPU of the relay buffer of an onboot script whose
	 * <script>_OPT sets none with -s (the manifest's bufsize; 0: the module's own default,
	 * stap's 16 MB a CPU). Its collector drains that buffer from the boot on. */
	unsigned onboot_bufsize;
	char *kernel_release; /* -r, else uname -r */
	struct config cfg;    /* every KEY=value read, for <script>_OPT and <script>_REQ */
};

/* Fills s with defaults, reads config_file (NULL: DEFAULT_CONFIG) then the *.conf files of
 * CONFIG_PATH in C-locale order, applies them, sets kernel_release (kver NULL: uname -r) and
 * cache_path. Returns 0 or a negative errno after log_error naming the file (and line). */
int settings_load(struct settings *s, const char *config_file, const char *kver);
/* <name>_OPT, or "" when unset. */
const char *settings_script_opt(const struct settings *s, const char *name);
/* <name>_REQ, or "" when unset. */
const char *settings_script_req(const struct settings *s, const char *name);
/* Upstream check_bool: 1 for y|Y|yes|Yes|YES|1, 0 for n|N|no|No|NO|0, -1 for anything else. */
int parse_bool(const char *v);
/* Points s at kernel kver (a valid release): kernel_release and cache_path, for commands that
 * act on several kernels (onboot --pack, --load). 0 or -ENOMEM. */
int settings_use_kernel(struct settings *s, const char *kver);
void settings_free(struct settings *s);
