/* main.c: systemtap-service COMMAND [OPTIONS] [SCRIPT...]: parse, load the settings, run the
 * common prologue (upstream §1.6), dispatch. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_complete.h"
#include "commands.h"
#include "fsutil.h"
#include "interrupt.h"
#include "lock.h"
#include "log.h"
#include "macro.h"
#include "settings.h"
#include "stap_onboot_cli.h"
#include "strv.h"
#include "tempfile.h"
#include "state.h"

/* How long a command waits for another systemtap-service holding the lock. */
#define DEFAULT_LOCK_TIMEOUT 300

struct command {
	const char *name;
	int (*run)(struct invocation *inv);
	bool lock;	    /* changes state: one at a time */
	bool final_newline; /* upstream's `echo` after the command (status has none) */
};

static const struct command commands[] = {
    {"start", cmd_start, true, true},
    {"stop", cmd_stop, true, true},
    {"restart", cmd_restart, true, true},
    {"reload", cmd_restart, true, true},
    {"force-reload", cmd_restart, true, true},
    {"status", cmd_status, false, false},
    {"compile", cmd_compile, true, true},
    {"onboot", cmd_onboot, true, true},
    {"cleanup", cmd_cleanup, true, true},
    /* condrestart prints nothing at all when nothing runs, so it ends its own output. */
    {"condrestart", cmd_condrestart, true, false},
    {"try-restart", cmd_condrestart, true, false},
};

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(commands); i++)
		if (streq(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* SYSTEMTAP_SERVICE_LOCK_TIMEOUT: seconds to wait for the lock (-1: no limit, 0: do not wait). */
static int lock_timeout(void)
{
	const char *v = getenv("SYSTEMTAP_SERVICE_LOCK_TIMEOUT");
	char *end;
	long t;

	if (!v || !*v)
		return DEFAULT_LOCK_TIMEOUT;
	errno = 0;
	t = strtol(v, &end, 10);
	if (errno || *end || t > 86400L * 365 || t < -1) {
		log_warning(
		    "SYSTEMTAP_SERVICE_LOCK_TIMEOUT=%s is not a number of seconds; using %d", v,
		    DEFAULT_LOCK_TIMEOUT);
		return DEFAULT_LOCK_TIMEOUT;
	}
	return (int)t;
}

/* What runs killed before (kill -9, a crash) left behind (tempfile.h) in the directories every
 * command may write: work directories in TEMP_PATH, staged cache files and snapshots of this
 * kernel, the stap version memo (CACHE_PATH), pid files (STAT_PATH) and the recorded set
 * (STATE_PATH). Any other directory is cleaned when a run first stages something there. A
 * failure is a warning. */
static void remove_leftovers(const struct settings *s)
{
	_cleanup_free_ char *uprobes = path_join(s->cache_path, "uprobes");
	const char *const dirs[] = {s->temp_path, s->cache_root, s->cache_path,
				    uprobes,	  s->stat_path,	 s->state_path};

	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		int r = dirs[i] ? temp_clean(dirs[i], NULL, NULL) : -ENOMEM;
		if (r < 0)
			log_warning("Failed to look for leftovers in %s: %s",
				    dirs[i] ? dirs[i] : "the cache", errno_reason(r));
	}
}

/* What the lock file records as our command: onboot's mode too, so that a child can tell an
 * onboot building an image (the one that runs the boot loader tools) from the others. */
static const char *lock_label(const struct cli *cli)
{
	if (!streq(cli->command, "onboot"))
		return cli->command;
	switch (cli->onboot) {
	case ONBOOT_MODE_STATUS:
		return "onboot --status";
	case ONBOOT_MODE_REFRESH:
		return cli->image ? "onboot --refresh --image" : "onboot --refresh";
	case ONBOOT_MODE_FORGET:
		return "onboot --forget";
	case ONBOOT_MODE_PACK:
		return "onboot --pack";
	case ONBOOT_MODE_LOAD:
		return "onboot --load";
	case ONBOOT_MODE_IMPORT:
		return "onboot --import";
	case ONBOOT_MODE_SAVE_LOG:
		return "onboot --save-log";
	case ONBOOT_MODE_CLOSE_LOG:
		return "onboot --close-log";
	case ONBOOT_MODE_BUILD:
		break;
	}
	return "onboot";
}

/* Our own ancestor h holds the lock (lock_take's -EDEADLK): it waits for us, so we must not
 * wait for it. The one expected case: onboot building kernel KVER's image runs kernel-install
 * (boot loader update), whose plugin runs onboot --refresh (or --forget) -r KVER: that image
 * holds the snapshot already, so there is nothing to do. Anything else fails at once.
 * Returns the exit code. */
static int ancestor_holds_lock(const struct cli *cli, const struct settings *s,
			       const struct lock_holder *h)
{
	bool hook_mode = cli->onboot == ONBOOT_MODE_REFRESH || cli->onboot == ONBOOT_MODE_FORGET;

	if (streq(cli->command, "onboot") && hook_mode && streq(h->command, "onboot") &&
	    streq(h->kernel, s->kernel_release)) {
		clog("Nothing to do: %d (onboot), which started this command, is building kernel "
		     "%s's image\n",
		     (int)h->pid, s->kernel_release);
		return EXIT_OK;
	}
	log_error("%s/.lock is held by %d (%s), which started this command: waiting for it would "
		  "never end",
		  s->stat_path, (int)h->pid, *h->command ? h->command : "?");
	return EXIT_FAIL;
}

/* Upstream's prologue, then the command. Returns the exit code. */
static int run_command(const struct command *cmd, struct cli *cli, struct settings *s)
{
	struct invocation inv = {
	    .command = cli->command,
	    .names = cli->names,
	    .names_given = cli->names[0] != NULL,
	    .assume_yes = cli->assume_yes,
	    .backup = cli->backup,
	    .output = cli->output,
	    .onboot = cli->onboot,
	    .image = cli->image,
	    .pack_file = cli->pack_file,
	    .kernel_releases = cli->kernel_releases,
	    .stap_onboot = cli->stap_onboot,
	    .s = s,
	};
	/* The collectors' files are theirs, not the service's state: the unit at boot and
	 * logrotate never wait for a compile that holds the lock. */
	bool lock = cmd->lock && cli->onboot != ONBOOT_MODE_SAVE_LOG &&
		    cli->onboot != ONBOOT_MODE_CLOSE_LOG;
	int lock_fd = -1, rc, r;

	if (cli->recursive || !inv.names_given)
		s->recursive = true;
	r = mkdir_p(s->stat_path, 0755);
	if (r < 0) {
		log_error_errno(r, "Failed to make stat directory (%s)", s->stat_path);
		clog("FAILED\n");
		return EXIT_FAIL;
	}
	if (lock) {
		struct lock_holder ancestor;

		lock_fd =
		    lock_take(&(struct lock_place){s->stat_path, s->proc_path, s->kernel_release},
			      lock_label(cli), lock_timeout(), &ancestor);
		if (lock_fd == -EDEADLK)
			return ancestor_holds_lock(cli, s, &ancestor);
		if (lock_fd < 0)
			return EXIT_FAIL;
		/* From now on a signal ends the command cleanly (before: nothing to clean). */
		r = interrupt_install();
		if (r < 0)
			log_warning("Cannot catch signals: %s", strerror(-r));
		remove_leftovers(s);
	}
	/* Modules started from the initramfs: give them pid files so that status/stop see them.
	 * A failure here was reported and must not keep the command from running. Writing pid
	 * files needs the lock (a stop may be removing them): status takes it shared, only when
	 * no command holds it, and else adopts nothing. */
	if (!lock)
		lock_fd = lock_try_shared(s->stat_path);
	if (lock_fd >= 0)
		(void)adopt_boot_modules(s);
	else
		log_line("Not adopting boot-time modules now (lock: %s)", errno_reason(lock_fd));
	if (!lock) {
		lock_release(lock_fd);
		lock_fd = -1;
	}
	rc = cmd->run(&inv);
	if (cmd->final_newline)
		clog("\n");
	if (interrupted())
		rc = interrupt_report(interrupted());
	lock_release(lock_fd);
	return rc;
}

int main(int argc, char *argv[])
{
	_cleanup_strv_free_ char **compat = NULL;
	const struct command *cmd;
	struct settings s = {0};
	struct cli cli;
	int r, rc;

	/* The completion's read-only query (cmd_complete.c): no lock, no log, no prologue. */
	if (argc > 1 && streq(argv[1], "--complete"))
		return cmd_complete(argc - 2, argv + 2);
	/* Installed as stap-onboot too: upstream's command line, run as onboot. */
	if (stap_onboot_invoked(argv[0])) {
		r = stap_onboot_argv(argc, argv, &compat);
		if (r != 0)
			return r == 1 ? EXIT_OK : r == -ENOMEM ? EXIT_FAIL : EXIT_USAGE;
		argc = (int)strv_length(compat);
		argv = compat;
	}
	r = cli_parse(argc, argv, &cli);
	if (r == -ENOMEM) {
		fprintf(stderr, "systemtap-service: %s\n", strerror(ENOMEM));
		return EXIT_FAIL;
	}
	if (r < 0) {
		cli_usage(stderr);
		return EXIT_USAGE;
	}
	cli.stap_onboot = compat != NULL;
	if (cli.help) {
		cli_usage(stdout);
		cli_free(&cli);
		return EXIT_OK;
	}
	cmd = find_command(cli.command);
	if (!cmd) {
		fprintf(stderr, "systemtap-service: unknown command '%s'\n", cli.command);
		cli_usage(stderr);
		cli_free(&cli);
		return EXIT_USAGE;
	}
	if ((cli.onboot || cli.image) && !streq(cmd->name, "onboot")) {
		fprintf(stderr,
			"systemtap-service: --status, --refresh, --image, --forget, --pack, "
			"--load, --import, --save-log and --close-log are options of onboot\n");
		cli_usage(stderr);
		cli_free(&cli);
		return EXIT_USAGE;
	}
	r = settings_load(&s, cli.config_file, cli.kernel_release);
	if (r < 0) {
		settings_free(&s);
		cli_free(&cli);
		return r == -ENOMEM ? EXIT_FAIL : EXIT_NOT_CONFIGURED;
	}
	log_set_verbose(cli.verbose);
	r = log_open(s.log_file);
	if (r < 0)
		log_warning("Cannot write LOG_FILE %s: %s", s.log_file, errno_reason(r));
	rc = run_command(cmd, &cli, &s);
	log_close();
	settings_free(&s);
	cli_free(&cli);
	return rc;
}
