/* interrupt.h: SIGINT, SIGTERM and SIGHUP end a command through its normal error paths (children
 * ended and waited for, temp files removed, lock released) and exit 128 + N, as shells do.
 *
 * run_spawn starts each child in a process group of its own, and the handler sends SIGTERM to
 * the groups of the children not reaped yet: the whole tree ends, as after a Ctrl-C on a
 * terminal (dracut's helpers outlive a SIGTERM to dracut alone, and so does its temp dir). Being
 * in no foreground group, the children never get the terminal's signals themselves: we pass them
 * on. A second signal kills the groups (SIGKILL). System calls are not restarted, so blocking
 * reads and sleeps return early; waits for children go on until the children end. After a
 * signal run_spawn starts nothing more (-EINTR), and a child that failed after it is reported
 * as -EINTR instead of its exit code. */
#pragma once
#include <signal.h>
#include <sys/types.h>

/* Installs the handlers; a signal ignored when we started stays ignored (nohup, `cmd &` in a
 * script). 0 or -errno. */
int interrupt_install(void);
/* The first signal received since interrupt_install, 0 when none came. */
int interrupted(void);
/* Logs "Interrupted by signal N (SIGxxx)" (stderr and LOG_FILE). Returns the exit code for
 * signal sig, 128 + sig. */
int interrupt_report(int sig);

/* Holds the handled signals off (*old gets the previous mask) around starting a child. */
void interrupt_block(sigset_t *old);
void interrupt_unblock(const sigset_t *old);
/* Records a started child, the leader of its process group: the handler signals the group
 * until interrupt_reap reaps the child. 0, or -EAGAIN when INTERRUPT_MAX_CHILDREN are recorded
 * already. */
#define INTERRUPT_MAX_CHILDREN 4100 /* COMPILE_JOBS is at most 4096 */
int interrupt_add_child(pid_t pid);
/* In a forked child before exec: our handlers back to the default, before it unblocks. */
void interrupt_reset_in_child(void);
/* As waitpid(pid, ret_status, flags) (pid -1: any child; flags 0 or WNOHANG), retrying EINTR (a
 * signalled child ends soon), but the child is forgotten before it is reaped, so that the
 * handler never signals a recycled pid (nor group). The pid, 0 (WNOHANG: none ended) or -errno. */
pid_t interrupt_reap(pid_t pid, int *ret_status, int flags);
