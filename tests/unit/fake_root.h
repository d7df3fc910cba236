/* fake_root.h: the temp root the early loader's unit tests run in, as the loader sees a booted
 * kernel through STAP_EARLY_LOADER_ROOT (header-only). */
#pragma once
#include "files.h"
#include "startall.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* SIGTERM to each child of the test that a state file in dir names. */
static inline void fr_term_collectors(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	siginfo_t si;

	while (d && (de = readdir(d))) {
		char file[4500], *text, *p;
		long pid;

		if (!strstr(de->d_name, ".state") || de->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s", dir, de->d_name);
		text = read_text(file);
		p = strstr(text, "\npid ");
		pid = p ? strtol(p + 5, NULL, 10) : 0;
		/* Only a child of ours that still runs; one that ended stays unreaped (WNOWAIT):
		 * fr_reap counts it. */
		si.si_pid = 0;
		if (pid > 0 && waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    si.si_pid == 0)
			kill((pid_t)pid, SIGTERM);
		free(text);
	}
	if (d)
		closedir(d);
}

/* Ends the collectors the runs started (each RUNDIR/onboot.d/NAME.state names one: SIGTERM,
 * again while it waits for a save) and waits (at most 10 s) for every child of the test to
 * end. Returns how many ended. */
static inline int fr_reap(const char *rundir)
{
	char path[4200];
	int n = 0, status;

	snprintf(path, sizeof(path), "%s/onboot.d", rundir);
	fr_term_collectors(path);
	alarm(10);
	for (;;) {
		pid_t pid = waitpid(-1, &status, WNOHANG);

		if (pid > 0) {
			n++;
			continue;
		}
		if (pid < 0 && errno != EINTR)
			break;
		/* Still running: a collector whose module ended waits for a save. */
		fr_term_collectors(path);
		usleep(100000);
	}
	alarm(0);
	return n;
}

/* A temp root as the loader sees a booted kernel: kallsyms with the wanted symbols (and
 * module copies of them that must be ignored), a build-id note, two loaded modules with
 * sections (one init section) and a built-in one without. Returns a malloc'd path. */
/* Two loaded modules below root: zmod (.data, .init.text, .text) and amod (.text), in
 * /proc/modules and /sys/module, and a built-in one (a /sys/module directory only). */
static inline void fk_put_modules(const char *root)
{
	put_text_in(root, "sys/module/zmod/sections/.text", "0xffffffffc0100000\n");
	put_text_in(root, "sys/module/zmod/sections/.init.text", "0xffffffffc0200000\n");
	put_text_in(root, "sys/module/zmod/sections/.data", "0xffffffffc0300000\n");
	put_text_in(root, "sys/module/amod/sections/.text", "0xffffffffc0400000\n");
	put_text_in(root, "sys/module/builtin/parameters/x", "1\n");
	/* Built-in modules have a /sys/module directory but no /proc/modules line. */
	put_text_in(root, "proc/modules",
		    "zmod 16384 0 - Live 0xffffffffc0100000\n"
		    "amod 8192 1 zmod, Live 0xffffffffc0400000 (OE)\n");
}

static inline char *fk_make_root(void)
{
	char *root = strdup("/tmp/stap-loader-test.XXXXXX");

	if (!root || !mkdtemp(root))
		exit(2);
	put_text_in(root, "proc/kallsyms",
		    "0000000000000000 A fixed_percpu_data\n"
		    "ffffffff81000000 T _stext\n"
		    "ffffffff81000100 t module_kallsyms_on_each_symbol\t[evil]\n"
		    "ffffffff81100000 T kallsyms_on_each_symbol\n"
		    "ffffffff81100200 T module_kallsyms_on_each_symbol\n"
		    "ffffffff811000f0 t kallsyms_lookup_name_helper\n"
		    "ffffffff81100100 T kallsyms_lookup_name\n"
		    "ffffffffc0000000 t kallsyms_lookup_name\t[othermod]\n");
	put_text_in(root, "sys/kernel/notes", "\x04");
	fk_put_modules(root);
	return root;
}

/* The files of a whole run below a fake root: the kernel log and command line as plain files,
 * the LOG_BOOT_ERR directory, the module directory and its manifest. */
struct fr_run {
	char kmsg[4096], cmdline[4096], rundir[4096], moddir[4096], manifest[4200];
};

/* Fills p for root; returns the startall_request of a run over those files (not verbose). */
static inline struct startall_request fr_run_request(const char *root, struct fr_run *p)
{
	snprintf(p->kmsg, sizeof(p->kmsg), "%s/kmsg", root);
	snprintf(p->cmdline, sizeof(p->cmdline), "%s/cmdline", root);
	snprintf(p->rundir, sizeof(p->rundir), "%s/run/systemtap", root);
	snprintf(p->moddir, sizeof(p->moddir), "%s/usr/lib/stap-onboot", root);
	snprintf(p->manifest, sizeof(p->manifest), "%s/manifest", p->moddir);
	return (struct startall_request){
	    .manifest_path = p->manifest,
	    .cmdline_path = p->cmdline,
	    .kmsg_path = p->kmsg,
	    .kmsg_is_file = true,
	    .rundir = p->rundir,
	    .root = root,
	};
}
