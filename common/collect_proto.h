/* collect_proto.h: what the early loader's output collectors and systemtap-service share
 * (docs/design.md, "Boot output collectors"): where a collector's files are, the requests
 * its socket takes, and its state file. One parser and one writer of each, here. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "names.h"

/* Below /run/systemtap (the service's STAT_PATH): NAME.sock and NAME.state of each
 * collector. Not a valid script name, so no pid file can take its place. */
#define COLLECT_DIR "onboot.d"
#define COLLECT_SOCK_SUFFIX ".sock"
#define COLLECT_STATE_SUFFIX ".state"
/* A collector's argv: COLLECT_ARGV0 COLLECT_OPTION NAME ...; the '@' spares it from
 * systemd's killing sprees (switch-root and shutdown). It holds the module's control channel
 * on COLLECT_CTL_FD: what tells it from any other process. */
#define COLLECT_ARGV0 "@stap-early-loader"
#define COLLECT_OPTION "--collect"
#define COLLECT_CTL_FD 3
/* The program file a collector runs (its /proc/PID/exe, " (deleted)" after switch-root). */
#define COLLECT_PROGRAM "stap-early-loader"

/* ONBOOT_LOG_SIZE's default and limits (bytes): what a collector keeps in memory from the
 * first record until it is given the log directory. */
#define COLLECT_LOG_SIZE_DEFAULT (4ULL * 1024 * 1024)
#define COLLECT_LOG_SIZE_MAX (1024ULL * 1024 * 1024)

/* One request is one SOCK_SEQPACKET message of at most this many bytes. */
#define COLLECT_MSG_MAX 4096
/* A path carried in the state file; a directory in a request is shorter, so that
 * DIR/NAME.log fits. */
#define COLLECT_PATH_MAX 1024
#define COLLECT_DIR_MAX (COLLECT_PATH_MAX - SCRIPT_NAME_MAX - 8)

enum collect_verb {
	/* "save DIR": the message carries DIR's open fd (SCM_RIGHTS); the collector writes
	 * NAME.log there from now on (reopening it when it is another file than before). */
	COLLECT_SAVE,
	/* "close": the collector closes its file and keeps the output in memory again. */
	COLLECT_CLOSE,
};

struct collect_request {
	enum collect_verb verb;
	char dir[COLLECT_DIR_MAX]; /* COLLECT_SAVE: the directory's path, for messages */
};

/* Parses one request message (len bytes, not NUL-terminated, an optional final newline):
 * 0, or -EINVAL for anything else (an unknown verb, a relative or control-character path). */
int collect_request_parse(const char *msg, size_t len, struct collect_request *ret);
/* The message of r in buf: its length, or -EINVAL when r cannot be written (bad path) or
 * -ENOSPC when size is too small. */
int collect_request_format(const struct collect_request *r, char *buf, size_t size);

/* What became of the module. */
enum collect_module {
	COLLECT_MODULE_RUNNING,	 /* its probes run, the collector holds its channel */
	COLLECT_MODULE_EXITED,	 /* it asked to exit: ended and unloaded */
	COLLECT_MODULE_STOPPED,	 /* ended and unloaded on SIGTERM (systemtap-service stop) */
	COLLECT_MODULE_DETACHED, /* the collector let go of it (it keeps running detached) */
	COLLECT_MODULE_STATES,
};

/* Where its output goes. */
enum collect_output {
	COLLECT_OUTPUT_MEMORY, /* kept in memory, up to log_size, until a save request */
	COLLECT_OUTPUT_FILE,   /* appended to file as it comes */
	COLLECT_OUTPUT_DONE,   /* all of it is in file (or lost): the collector ended */
	COLLECT_OUTPUT_OUTPUTS,
};

/* NAME.state: rewritten (atomically) by the collector whenever one of these changes. */
struct collect_state {
	char script[SCRIPT_NAME_MAX + 1];
	long pid;
	enum collect_module module;
	enum collect_output output;
	char file[COLLECT_PATH_MAX]; /* the output file, "" before the first save */
	uint64_t log_size;	     /* the memory limit (ONBOOT_LOG_SIZE) */
	uint64_t kept;		     /* bytes kept in memory now */
	uint64_t lost_bytes;	     /* output dropped: memory full, or the file refused it */
	uint64_t lost_lines;	     /* newlines in what was dropped */
	uint64_t transport_failures; /* the module's own count, when it reported one */
};

/* The state file's text of st in buf: its length, -EINVAL for a bad name or path, -ENOSPC. */
int collect_state_format(const struct collect_state *st, char *buf, size_t size);
/* Parses a state file's text: 0, or -EBADMSG for a wrong first line, a bad or missing value
 * (unknown keys are ignored: a later version may add some). */
int collect_state_parse(const char *text, size_t len, struct collect_state *ret);

/* "running", "exited"...; "file", "memory". */
const char *collect_module_name(enum collect_module m);
const char *collect_output_name(enum collect_output o);

/* True when link (where a process's fd COLLECT_CTL_FD leads, readlink of /proc/PID/fd/3) is
 * script name's control channel: it ends with "/systemtap/NAME/.cmd" (procfs or debugfs). */
bool collect_ctl_is_of(const char *link, const char *name);
