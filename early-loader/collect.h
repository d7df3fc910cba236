/* collect.h: a script's output collector: a process of its own (a fork of the loader named
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

#include "collect_proto.h"

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
	bool gated;		/* gate_fd holds the read end of the loader's gate */
	int gate_fd;		/* the collector starts its work when it reads the end of it */
	uint64_t armed_ns;	/* CLOCK_REALTIME when it was armed */
	uint64_t armed_boot_ns; /* CLOCK_BOOTTIME then */
	/* As the loader's (startall.h): the boot's, or a test's own. */
	const char *root, *rundir, *kmsg_path;
	bool kmsg_is_file;
};

/* The fds a collector finds its channel (COLLECT_CTL_FD, 3), its log and its gate on. */
#define COLLECT_LOG_FD 4
#define COLLECT_GATE_FD 5

/* The gate: a pipe the loader makes, whose write end the boot's critical path holds (the
 * loader's run; as PID 1 until it execs the real init): a collector forked with the read end
 * waits for its end of file, at most COLLECT_GATE_MAX_MS, before it sets itself up, so that the
 * boot never waits for the collectors' work (in one CPU, it would). The module's output waits
 * in its buffer meanwhile, and its exit request in its channel. The limit keeps a hung loader
 * from hiding the console copy. */
#define COLLECT_GATE_MAX_MS 1000

/* Starts the collector of a: a fork in a session of its own, with the real kernel calls
 * (sysseam), the control channel on COLLECT_CTL_FD, the log on COLLECT_LOG_FD and the gate
 * on COLLECT_GATE_FD,
 * stdin/stdout/stderr /dev/null, every other fd closed, its command line made the
 * collector's (COLLECT_ARGV0 COLLECT_OPTION NAME ..., as collect_main takes it), then
 * collect_run. Returns its pid or -errno (not logged); the caller's own copies of the fds
 * stay open. */
pid_t collect_spawn(const struct collect_args *a);

/* main() gives the loader's argv here: a collector that cannot point the kernel at a command
 * line of its own (PR_SET_MM needs CAP_SYS_RESOURCE) still marks argv[0] with the '@'. */
void collect_note_argv(char **argv);

/* The collector's whole life: waits at the gate (when gated), then runs until its module
 * ended (or it let go of it) and its output is in its file (or cannot be). Logs everything.
 * Returns the exit status. */
int collect_run(const struct collect_args *a);

/* main() when argv[0] is COLLECT_ARGV0: a collector run as a program, with the command line
 * collect_spawn gives its fork (the control channel on fd 3): parses it, sets up logging and
 * runs the collector. Returns the exit status (2: bad usage). */
int collect_main(int argc, char **argv);
