/* collector.h: one collector's state, shared by its loop (collect.c) and its output side
 * (collect_end.c: reading the relay files, the console copy, ending the module, the state
 * file). Private to those two files. */
#pragma once
#include "channel.h"
#include "collect.h"
#include "collect_out.h"
#include "collect_proto.h"
#include "tracemsg.h"

#include <stdbool.h>
#include <stdint.h>

/* One relay file per CPU the module's buffer has. */
#define TRACE_MAX 256
/* The longest output line copied to the console in one record. */
#define CONSOLE_LINE_MAX 1000

struct collector {
	const struct collect_args *a;
	struct collect_ident id;
	struct collect_out out;
	struct channel ch;
	int trace[TRACE_MAX]; /* -1: closed, or at its end (a test's FIFO) */
	size_t n_trace;
	struct tracemsg tm;		    /* their messages, back in order */
	struct tracemsg_file tf[TRACE_MAX]; /* each file's partly read message */
	int lfd;			    /* the listening socket, -1 when none */
	int sfd;			    /* signalfd: SIGTERM, SIGINT */
	enum collect_module module;	    /* RUNNING until it ended or was let go */
	enum collect_module end_as;	    /* EXITED or STOPPED, once STP_EXIT was sent */
	bool ending;			    /* STP_EXIT sent, waiting for its reply */
	uint64_t end_deadline;		    /* ms: when to stop waiting for it */
	bool console;			    /* copying lines to the kernel log */
	char cons[CONSOLE_LINE_MAX];	    /* the console copy's unfinished line */
	size_t cons_len;
	bool in_rundir;	   /* the working directory is RUNDIR/onboot.d */
	bool done;	   /* its output is all where it can go: it ends */
	bool state_dirty;  /* the state file is behind */
	uint64_t state_at; /* ms: when it was last written */
};

/* Reads every relay file until none has more; the messages in sequence go to the output. */
void collector_read(struct collector *c);

/* A message's text, in sequence: into the output (and the console copy). tracemsg's emit. */
void collector_take(void *collector, const char *data, size_t len);

/* Sends STP_EXIT: why is COLLECT_MODULE_EXITED (it asked) or COLLECT_MODULE_STOPPED. */
void collector_end(struct collector *c, enum collect_module why);

/* The module ended (STP_EXIT came, or the wait for it is over) or the channel broke
 * (detached): reads the rest, lets go of the channel, unloads it when it ended, and says so
 * in the file and the kernel log. */
void collector_finish(struct collector *c, enum collect_module how);

/* Rewrites RUNDIR/onboot.d/NAME.state (atomically) when it is behind, at most once a second
 * unless now is set. */
void collector_state(struct collector *c, bool now);
