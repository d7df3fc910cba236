/* test_svc_interrupt.c: SIGINT/SIGTERM/SIGHUP handling (interrupt.c) with real children from
 * run_spawn: each child leads its own process group, and a signal (sent to us, or typed on our
 * terminal) reaches the whole group as SIGTERM, grandchildren included; a second signal kills
 * them; run_spawn starts nothing afterwards; a child that failed after it reads as -EINTR;
 * signals ignored at start stay ignored (for the children too); the child table has a limit.
 * Every case runs in its own process (test.c's child, SIGINT, SIGTERM and SIGHUP at their
 * defaults): the first signal is recorded for good. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "interrupt.h"
#include "run.h"
#include "capture.h"
#include "test.h"

static const char *dir; /* the program's temp directory */

static void pause_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&t, &t) < 0 && errno == EINTR)
		;
}

/* The first line of path, 0 or -1 when it cannot be read yet. */
static int read_file_text(const char *path, char **ret)
{
	FILE *f = fopen(path, "r");
	size_t len = 0;
	int r;

	*ret = NULL;
	if (!f)
		return -1;
	r = getline(ret, &len, f) > 0 ? 0 : -1;
	fclose(f);
	return r;
}

static pid_t spawn_sh(const char *script)
{
	char *argv[] = {"sh", "-c", (char *)script, NULL};

	return run_spawn(argv, NULL, -1, -1);
}

/* The signal that ended pid (reaped within 5 s), 0 when it exited, -1 when it still runs. */
static int ended_by(pid_t pid)
{
	int status;

	for (int i = 0; i < 500; i++) {
		pid_t r = interrupt_reap(pid, &status, WNOHANG);

		if (r == pid)
			return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
		pause_ms(10);
	}
	return -1;
}

static bool still_runs(pid_t pid)
{
	int status;

	pause_ms(300);
	return interrupt_reap(pid, &status, WNOHANG) == 0;
}

TEST(sent_to_us)
{
	char *touch[] = {"touch", "after-signal", NULL};
	pid_t a, b;
	char *out = NULL;

	ASSERT_EQ(interrupt_install(), 0, "installed, nothing received yet");
	ASSERT_EQ(interrupted(), 0, "installed, nothing received yet");
	a = spawn_sh("exec sleep 30");
	b = spawn_sh("exec sleep 30");
	ASSERT_GT(a, 0, "two children running");
	ASSERT_GT(b, 0, "two children running");
	raise(SIGTERM);
	ASSERT_EQ(interrupted(), SIGTERM, "interrupted() is SIGTERM after raise(SIGTERM)");
	ASSERT_EQ(ended_by(a), SIGTERM,
		  "both children were ended by the SIGTERM passed on to them");
	ASSERT_EQ(ended_by(b), SIGTERM,
		  "both children were ended by the SIGTERM passed on to them");
	ASSERT_EQ(run_spawn(touch, dir, -1, -1), -EINTR, "run_spawn after the signal: -EINTR");
	ASSERT_EQ(chdir(dir), 0, "and the program did not run");
	ASSERT_LT(access("after-signal", F_OK), 0, "and the program did not run");
	ASSERT_EQ(errno, ENOENT, "and the program did not run");
	char *fail[] = {"false", NULL};
	ASSERT_EQ(run_capture(fail, NULL, &out), -EINTR, "run_capture: -EINTR, no output");
	ASSERT_FALSE(out, "run_capture: -EINTR, no output");
	struct capture c;
	capture_begin(&c);
	int term = interrupt_report(SIGTERM), intr = interrupt_report(SIGINT);
	int hup = interrupt_report(SIGHUP);
	char *err = capture_end(&c);
	ASSERT_EQ(term, 143, "interrupt_report(SIGTERM): 143 and the message");
	ASSERT_CONTAINS(err, "systemtap-service: Interrupted by signal 15 (SIGTERM)\n",
			"interrupt_report(SIGTERM): 143 and the message");
	ASSERT_EQ(intr, 130, "exit codes 130 for SIGINT, 129 for SIGHUP");
	ASSERT_EQ(hup, 129, "exit codes 130 for SIGINT, 129 for SIGHUP");
	ASSERT_CONTAINS(err, "signal 2 (SIGINT)", "exit codes 130 for SIGINT, 129 for SIGHUP");
	ASSERT_CONTAINS(err, "signal 1 (SIGHUP)", "exit codes 130 for SIGINT, 129 for SIGHUP");
	free(err);
}

TEST(failed_child_is_eintr)
{
	pid_t ok, bad;

	interrupt_install();
	ok = spawn_sh("trap 'kill $!; exit 0' TERM; sleep 30 & wait");
	bad = spawn_sh("trap 'kill $!; exit 3' TERM; sleep 30 & wait");
	pause_ms(200); /* the traps are set */
	kill(getpid(), SIGINT);
	ASSERT_EQ(run_wait(ok), 0, "a child that exits 0 after the signal: run_wait 0");
	ASSERT_EQ(run_wait(bad), -EINTR, "a child that fails after the signal: run_wait -EINTR");
	ASSERT_EQ(interrupted(), SIGINT, "interrupted() is SIGINT");
}

TEST(second_signal_kills)
{
	pid_t p;

	interrupt_install();
	p = spawn_sh("trap '' TERM; exec sleep 30");
	pause_ms(200);
	raise(SIGINT);
	ASSERT_TRUE(still_runs(p), "a child ignoring SIGTERM still runs after the first signal");
	raise(SIGHUP);
	ASSERT_EQ(ended_by(p), SIGKILL, "the second signal kills it (SIGKILL)");
	ASSERT_EQ(interrupted(), SIGINT, "interrupted() stays the first signal, SIGINT");
}

/* A session of our own with a pty as controlling terminal: ^C written to the master makes the
 * kernel send SIGINT to the foreground process group, ours; the child, in a group of its own,
 * gets it from us as SIGTERM. */
TEST(from_terminal)
{
	int master, slave;
	pid_t p;

	interrupt_install();
	master = posix_openpt(O_RDWR | O_NOCTTY);
	/* test.c made us a session leader already: the pty becomes our controlling terminal. */
	if ((setsid() < 0 && getsid(0) != getpid()) || master < 0 || grantpt(master) < 0 ||
	    unlockpt(master) < 0) {
		ASSERT_TRUE(false, "cannot make a pty: %s", strerror(errno));
		return;
	}
	slave = open(ptsname(master), O_RDWR); /* becomes our controlling terminal */
	ASSERT_GE(slave, 0, "a pty is our controlling terminal");
	ASSERT_EQ(tcgetpgrp(slave), getpgrp(), "a pty is our controlling terminal");
	p = spawn_sh("exec sleep 30");
	ASSERT_GT(p, 0, "the child leads a process group of its own");
	ASSERT_EQ(getpgid(p), p, "the child leads a process group of its own");
	ASSERT_EQ(write(master, "\003", 1), 1, "^C typed on the terminal");
	for (int i = 0; i < 200 && !interrupted(); i++)
		pause_ms(10);
	ASSERT_EQ(interrupted(), SIGINT, "interrupted() is SIGINT");
	ASSERT_EQ(ended_by(p), SIGTERM, "the child was ended by our SIGTERM");
	close(slave);
	close(master);
}

/* True when pid is gone or a zombie (a grandchild is reaped by init, maybe late). */
static bool gone(pid_t pid)
{
	char path[64], *text = NULL;
	size_t len = 0;
	bool r = true;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (f && getline(&text, &len, f) > 0) {
		char *paren = strrchr(text, ')');
		r = paren && paren[1] == ' ' && paren[2] == 'Z';
	}
	free(text);
	if (f)
		fclose(f);
	return r;
}

TEST(whole_tree)
{
	char pidfile[64], *text = NULL;
	pid_t p, grandchild = 0;
	char script[256];

	interrupt_install();
	snprintf(pidfile, sizeof(pidfile), "%s/grandchild", dir);
	snprintf(script, sizeof(script), "sleep 30 & echo $! >%s.new; mv %s.new %s; wait", pidfile,
		 pidfile, pidfile);
	p = spawn_sh(script);
	for (int i = 0; i < 500 && !grandchild; i++) {
		if (read_file_text(pidfile, &text) == 0)
			grandchild = (pid_t)atoi(text);
		free(text);
		text = NULL;
		pause_ms(10);
	}
	ASSERT_GT(grandchild, 0, "the child started a grandchild %d", (int)grandchild);
	raise(SIGTERM);
	ASSERT_EQ(ended_by(p), SIGTERM, "the child was ended by SIGTERM");
	for (int i = 0; i < 500 && !gone(grandchild); i++)
		pause_ms(10);
	ASSERT_TRUE(gone(grandchild),
		    "and so was the grandchild (its process group was signalled)");
}

TEST(ignored_at_start)
{
	char *argv[] = {"sh", "-c", "grep ^SigIgn: /proc/$$/status", NULL};
	char *out = NULL;
	unsigned long long ign = 0;

	signal(SIGINT, SIG_DFL); /* whatever the test runner left us */
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_IGN);
	ASSERT_EQ(interrupt_install(), 0, "installed with SIGHUP ignored");
	raise(SIGHUP);
	ASSERT_EQ(interrupted(), 0, "the ignored SIGHUP is still ignored");
	ASSERT_EQ(run_capture(argv, NULL, &out), 0, "a child's ignored signals: %.*s",
		  out ? (int)strcspn(out, "\n") : 6, out ? out : "(none)");
	ASSERT_EQ(sscanf(out, "SigIgn: %llx", &ign), 1, "a child's ignored signals: %.*s",
		  out ? (int)strcspn(out, "\n") : 6, out ? out : "(none)");
	ASSERT_TRUE(
	    ign & (1ULL << (SIGHUP - 1)),
	    "the child ignores SIGHUP as we do, not SIGINT/SIGTERM (ours went back to default)");
	ASSERT_FALSE(
	    (ign & (1ULL << (SIGTERM - 1))),
	    "the child ignores SIGHUP as we do, not SIGINT/SIGTERM (ours went back to default)");
	ASSERT_FALSE(
	    (ign & (1ULL << (SIGINT - 1))),
	    "the child ignores SIGHUP as we do, not SIGINT/SIGTERM (ours went back to default)");
	free(out);
}

TEST(child_table_full)
{
	/* Killed at once: it never gets as far as touch. */
	char *touch[] = {"sh", "-c", "sleep 1; touch over-limit", NULL};
	int added = 0;

	/* Our own pid as stand-in entries: no signal comes in this case. */
	while (interrupt_add_child(getpid()) == 0)
		added++;
	ASSERT_EQ(added, INTERRUPT_MAX_CHILDREN, "%d children recorded, then -EAGAIN", added);
	ASSERT_EQ(run_spawn(touch, dir, -1, -1), -EAGAIN, "run_spawn beyond the limit: -EAGAIN");
	ASSERT_EQ(chdir(dir), 0, "and the program did not run");
	ASSERT_LT(access("over-limit", F_OK), 0, "and the program did not run");
	ASSERT_EQ(interrupt_reap(-1, NULL, WNOHANG), -ECHILD, "no child left behind");
}

TEST(reap)
{
	int status = -1;
	pid_t p;

	ASSERT_EQ(interrupt_reap(-1, &status, WNOHANG), -ECHILD, "reap without children: -ECHILD");
	p = spawn_sh("exec sleep 30");
	ASSERT_EQ(interrupt_reap(-1, &status, WNOHANG), 0,
		  "reap WNOHANG of a running child: 0, status untouched");
	ASSERT_EQ(status, -1, "reap WNOHANG of a running child: 0, status untouched");
	kill(p, SIGKILL);
	ASSERT_EQ(interrupt_reap(-1, &status, 0), p, "reap of any child: its pid and status");
	ASSERT_EQ(WTERMSIG(status), SIGKILL, "reap of any child: its pid and status");
}

static void setup(void)
{
	dir = test_tmpdir();
}
TEST_SETUP(setup)
