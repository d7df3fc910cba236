/* timelimit.h: time limits of the children run.c starts. When a child's limit is reached, a
 * SIGALRM handler (one POSIX timer, CLOCK_MONOTONIC, armed for the next deadline) sends SIGTERM
 * to its process group, then SIGKILL after a grace time: every wait of the service (run.c,
 * compile_jobs.c) then ends as for any child that ended, without polling. The handler is
 * installed with SA_RESTART and fires only when a limit is reached. */
#pragma once
#include <stdbool.h>
#include <sys/types.h>

/* Time between SIGTERM and SIGKILL: enough for dracut or stap to remove their temp files. */
#define TIMELIMIT_GRACE_MS 5000
/* As many children as interrupt.c records. */
#define TIMELIMIT_MAX 4100

/* Creates the timer and installs the handler, once per process. 0 or -errno. */
int timelimit_prepare(void);
/* Watches pid, the leader of its process group, for seconds (> 0) from now; note (malloc'd,
 * taken, may be NULL) is handed back by timelimit_take. Call before pid can be reaped. 0, or
 * -EAGAIN when TIMELIMIT_MAX children are watched (note is freed). */
int timelimit_watch(pid_t pid, unsigned seconds, char *note);
/* pid is about to be reaped (interrupt_reap): it is never signalled again. */
void timelimit_forget(pid_t pid);
/* True when pid's limit was reached (it was sent SIGTERM), reaped or not. */
bool timelimit_expired(pid_t pid);
/* After pid was reaped: true when its limit was reached; *ret_note (may be NULL) gets the note
 * given to timelimit_watch (the caller frees it). Forgets pid. False for a pid never watched. */
bool timelimit_take(pid_t pid, char **ret_note);
/* The message for a child its limit ended (malloc'd, NULL: no memory): "PROGRAM (SUBJECT) did
 * not finish within N s ...; if it needs longer, raise SETTING ...", program's base name. */
char *timelimit_note(const char *program, unsigned seconds, const char *setting,
		     const char *subject);
/* For tests: the grace time in milliseconds (default TIMELIMIT_GRACE_MS). */
void timelimit_set_grace_ms(unsigned ms);
