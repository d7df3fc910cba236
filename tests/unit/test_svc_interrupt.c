/* test_svc_interrupt.c: SIGINT/SIGTERM/SIGHUP handling (interrupt.c) with real children from
 * run_spawn: each child leads its own process group, and a signal (sent to us, or typed on our
 * terminal) reaches the whole group as SIGTERM, grandchildren included; a second signal kills
 * them; run_spawn starts nothing afterwards; a child that failed after it reads as -EINTR;
 * signals ignored at start stay ignored (for the children too); the child table has a limit.
 * Every case runs in its own process: the first signal is recorded for good. */
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
#include "svc_test.h"

static char dir[] = "/tmp/svc-test-interrupt.XXXXXX";

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

static void case_sent_to_us(void)
{
	char *touch[] = {"touch", "after-signal", NULL};
	pid_t a, b;
	char *out = NULL;

	CHECK(interrupt_install() == 0 && interrupted() == 0, "installed, nothing received yet");
	a = spawn_sh("exec sleep 30");
	b = spawn_sh("exec sleep 30");
	CHECK(a > 0 && b > 0, "two children running");
	raise(SIGTERM);
	CHECK(interrupted() == SIGTERM, "interrupted() is SIGTERM after raise(SIGTERM)");
	CHECK(ended_by(a) == SIGTERM && ended_by(b) == SIGTERM,
	      "both children were ended by the SIGTERM passed on to them");
	CHECK(run_spawn(touch, dir, -1, -1) == -EINTR, "run_spawn after the signal: -EINTR");
	CHECK(chdir(dir) == 0 && access("after-signal", F_OK) < 0 && errno == ENOENT,
	      "and the program did not run");
	char *fail[] = {"false", NULL};
	CHECK(run_capture(fail, NULL, &out) == -EINTR && !out, "run_capture: -EINTR, no output");
	struct capture c;
	capture_begin(&c);
	int term = interrupt_report(SIGTERM), intr = interrupt_report(SIGINT);
	int hup = interrupt_report(SIGHUP);
	char *err = capture_end(&c);
	CHECK(term == 143 && strstr(err, "systemtap-service: Interrupted by signal 15 (SIGTERM)\n"),
	      "interrupt_report(SIGTERM): 143 and the message");
	CHECK(intr == 130 && hup == 129 && strstr(err, "signal 2 (SIGINT)") &&
		  strstr(err, "signal 1 (SIGHUP)"),
	      "exit codes 130 for SIGINT, 129 for SIGHUP");
	free(err);
}

static void case_failed_child_is_eintr(void)
{
	pid_t ok, bad;

	interrupt_install();
	ok = spawn_sh("trap 'kill $!; exit 0' TERM; sleep 30 & wait");
	bad = spawn_sh("trap 'kill $!; exit 3' TERM; sleep 30 & wait");
	pause_ms(200); /* the traps are set */
	kill(getpid(), SIGINT);
	CHECK(run_wait(ok) == 0, "a child that exits 0 after the signal: run_wait 0");
	CHECK(run_wait(bad) == -EINTR, "a child that fails after the signal: run_wait -EINTR");
	CHECK(interrupted() == SIGINT, "interrupted() is SIGINT");
}

static void case_second_signal_kills(void)
{
	pid_t p;

	interrupt_install();
	p = spawn_sh("trap '' TERM; exec sleep 30");
	pause_ms(200);
	raise(SIGINT);
	CHECK(still_runs(p), "a child ignoring SIGTERM still runs after the first signal");
	raise(SIGHUP);
	CHECK(ended_by(p) == SIGKILL, "the second signal kills it (SIGKILL)");
	CHECK(interrupted() == SIGINT, "interrupted() stays the first signal, SIGINT");
}

/* A session of our own with a pty as controlling terminal: ^C written to the master makes the
 * kernel send SIGINT to the foreground process group, ours; the child, in a group of its own,
 * gets it from us as SIGTERM. */
static void case_from_terminal(void)
{
	int master, slave;
	pid_t p;

	interrupt_install();
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (setsid() < 0 || master < 0 || grantpt(master) < 0 || unlockpt(master) < 0) {
		CHECK(false, "cannot make a pty: %s", strerror(errno));
		return;
	}
	slave = open(ptsname(master), O_RDWR); /* becomes our controlling terminal */
	CHECK(slave >= 0 && tcgetpgrp(slave) == getpgrp(), "a pty is our controlling terminal");
	p = spawn_sh("exec sleep 30");
	CHECK(p > 0 && getpgid(p) == p, "the child leads a process group of its own");
	CHECK(write(master, "\003", 1) == 1, "^C typed on the terminal");
	for (int i = 0; i < 200 && !interrupted(); i++)
		pause_ms(10);
	CHECK(interrupted() == SIGINT, "interrupted() is SIGINT");
	CHECK(ended_by(p) == SIGTERM, "the child was ended by our SIGTERM");
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

static void case_whole_tree(void)
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
	CHECK(grandchild > 0, "the child started a grandchild %d", (int)grandchild);
	raise(SIGTERM);
	CHECK(ended_by(p) == SIGTERM, "the child was ended by SIGTERM");
	for (int i = 0; i < 500 && !gone(grandchild); i++)
		pause_ms(10);
	CHECK(gone(grandchild), "and so was the grandchild (its process group was signalled)");
}

static void case_ignored_at_start(void)
{
	char *argv[] = {"sh", "-c", "grep ^SigIgn: /proc/$$/status", NULL};
	char *out = NULL;
	unsigned long long ign = 0;

	signal(SIGINT, SIG_DFL); /* whatever the test runner left us */
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_IGN);
	CHECK(interrupt_install() == 0, "installed with SIGHUP ignored");
	raise(SIGHUP);
	CHECK(interrupted() == 0, "the ignored SIGHUP is still ignored");
	CHECK(run_capture(argv, NULL, &out) == 0 && sscanf(out, "SigIgn: %llx", &ign) == 1,
	      "a child's ignored signals: %.*s", out ? (int)strcspn(out, "\n") : 6,
	      out ? out : "(none)");
	CHECK((ign & (1ULL << (SIGHUP - 1))) && !(ign & (1ULL << (SIGTERM - 1))) &&
		  !(ign & (1ULL << (SIGINT - 1))),
	      "the child ignores SIGHUP as we do, not SIGINT/SIGTERM (ours went back to default)");
	free(out);
}

static void case_child_table_full(void)
{
	/* Killed at once: it never gets as far as touch. */
	char *touch[] = {"sh", "-c", "sleep 1; touch over-limit", NULL};
	int added = 0;

	/* Our own pid as stand-in entries: no signal comes in this case. */
	while (interrupt_add_child(getpid()) == 0)
		added++;
	CHECK(added == INTERRUPT_MAX_CHILDREN, "%d children recorded, then -EAGAIN", added);
	CHECK(run_spawn(touch, dir, -1, -1) == -EAGAIN, "run_spawn beyond the limit: -EAGAIN");
	CHECK(chdir(dir) == 0 && access("over-limit", F_OK) < 0, "and the program did not run");
	CHECK(interrupt_reap(-1, NULL, WNOHANG) == -ECHILD, "no child left behind");
}

static void case_reap(void)
{
	int status = -1;
	pid_t p;

	CHECK(interrupt_reap(-1, &status, WNOHANG) == -ECHILD, "reap without children: -ECHILD");
	p = spawn_sh("exec sleep 30");
	CHECK(interrupt_reap(-1, &status, WNOHANG) == 0 && status == -1,
	      "reap WNOHANG of a running child: 0, status untouched");
	kill(p, SIGKILL);
	CHECK(interrupt_reap(-1, &status, 0) == p && WTERMSIG(status) == SIGKILL,
	      "reap of any child: its pid and status");
}

static void run_case(const char *name, void (*fn)(void))
{
	int status;
	pid_t pid;

	printf("-- %s\n", name);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		/* Whatever the test was started with (a background job of a non-interactive
		 * shell gets SIGINT ignored): each case begins from the defaults. */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		test_failures = 0; /* this case's own */
		fn();
		exit(test_failures ? 1 : 0);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		  WEXITSTATUS(status) == 0,
	      "%s: every check passed", name);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}
	run_case("a signal sent to us", case_sent_to_us);
	run_case("children failing after the signal", case_failed_child_is_eintr);
	run_case("a second signal", case_second_signal_kills);
	run_case("a signal from the terminal", case_from_terminal);
	run_case("the child's whole process tree", case_whole_tree);
	run_case("signals ignored at start", case_ignored_at_start);
	run_case("the child table is full", case_child_table_full);
	run_case("reaping", case_reap);
	rmdir(dir);
	return test_summary();
}
