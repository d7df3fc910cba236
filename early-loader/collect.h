/* collect.h: a script's output collector: a process of its own (this program again, argv[0]
 * COLLECT_ARGV0) that holds the module's control channel for the whole run of the script, so
 * that nothing is overwritten or lost silently, reads its output (the relay files
 * /proc/systemtap/NAME/trace*) into memory until `systemtap-service onboot --save-log` gives
 * it the log directory, then into NAME.log; it ends and unloads the module on a late exit
 * request or SIGTERM (docs/design.md, "Boot output collectors"). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* What the loader tells a collector (its command line), and where its files are. */
struct collect_args {
	const char *name;
	int protocol;		/* the module's control-channel numbering */
	int ctl_fd;		/* the open control channel */
	int log_fd;		/* the LOG_BOOT_ERR file, or -1 */
	size_t log_size;	/* what it keeps in memory before it has a file */
	bool console;		/* copy output lines to the kernel log until the first save */
	bool exit_requested;	/* the module asked to exit during its start: end it now */
	bool verbose;		/* rd.debug */
	uint64_t armed_ns;	/* CLOCK_REALTIME when it was armed */
	uint64_t armed_boot_ns; /* CLOCK_BOOTTIME then */
	/* As the loader's (startall.h): a test's own are passed on in the collector's
	 * environment (STAP_EARLY_LOADER_ROOT, _RUNDIR, _KMSG). */
	const char *root, *rundir, *kmsg_path;
	bool kmsg_is_file;
};

/* The fds a collector finds its channel and its log on (its argv says which are given). */
#define COLLECT_CTL_FD 3
#define COLLECT_LOG_FD 4

/* Starts the collector of a: fork, a new session, the control channel on COLLECT_CTL_FD and
 * the log on COLLECT_LOG_FD, stdin/stdout/stderr /dev/null, every other fd closed, then exec
 * of this program (/proc/self/exe) with its argv. Returns its pid or -errno (not logged);
 * the caller's own copies of the fds stay open. A failed exec is logged by the child. */
pid_t collect_spawn(const struct collect_args *a);

/* The collector's whole life: runs until its module ended (or it let go of it) and its
 * output is in its file (or cannot be). Logs everything. Returns the exit status. */
int collect_run(const struct collect_args *a);

/* main() when argv[0] is COLLECT_ARGV0: parses the command line collect_spawn wrote, sets up
 * logging and runs the collector. Returns the exit status (2: bad usage). */
int collect_main(int argc, char **argv);
