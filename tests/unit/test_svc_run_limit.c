/* test_svc_run_limit.c: run.c's time limits (timelimit.c): a child past its limit is ended with
 * its whole process group (SIGTERM, then SIGKILL when it ignores that), the wait returns -ETIME
 * after one message naming the program, its subject, the limit and the setting; children within
 * their limits are untouched; several children with their own limits at once, reaped by the
 * caller as compile_jobs.c does. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "interrupt.h"
#include "run.h"
#include "capture.h"
#include "test.h"
#include "timelimit.h"

static const char *tmp; /* the program's temp directory */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* True once pid is dead (gone, or a zombie its new parent has not reaped yet), within 3 s. */
static bool gone(pid_t pid)
{
	for (int i = 0; i < 300; i++) {
		char path[64], *text = NULL;
		const char *paren;
		bool dead;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		if (read_file(path, &text, NULL) < 0)
			return true;
		paren = strrchr(text, ')');
		dead = paren && (paren[2] == 'Z' || paren[2] == 'X');
		free(text);
		if (dead)
			return true;
		usleep(10000);
	}
	return false;
}

/* The pid a child wrote to tmp/NAME. */
static pid_t pid_from(const char *name)
{
	char path[600], *text = NULL;
	pid_t pid = 0;

	snprintf(path, sizeof(path), "%s/%s", tmp, name);
	for (int i = 0; i < 100 && read_file(path, &text, NULL) < 0; i++)
		usleep(10000);
	if (text)
		pid = (pid_t)atoi(text);
	free(text);
	return pid;
}

TEST(killed_with_group)
{
	struct run_limit l = {1, "TEST_TIMEOUT", "testing the limit"};
	char script[700], *argv[] = {"sh", "-c", script, NULL};
	struct capture c;
	char *err = NULL;
	double t0 = now();
	int r;

	/* A shell and its child, as dracut and its helpers or stap and its kbuild. */
	snprintf(script, sizeof(script), "sleep 1000 & echo $! >%s/group; wait", tmp);
	capture_begin(&c);
	r = run_logged_limited(argv, NULL, &l, NULL);
	err = capture_end(&c);
	ASSERT_EQ(r, -ETIME, "past its limit: -ETIME");
	ASSERT_GE(now() - t0, 0.9, "after about 1 s (%.2f s)", now() - t0);
	ASSERT_LT(now() - t0, 3, "after about 1 s (%.2f s)", now() - t0);
	ASSERT_CONTAINS(err,
			"sh (testing the limit) did not finish within 1 s and was killed "
			"with its process group; if it needs longer, raise TEST_TIMEOUT "
			"(seconds, 0: no limit) in the config",
			"one message naming program, subject, limit, setting: %s", err ? err : "");
	ASSERT_TRUE(gone(pid_from("group")), "the child's own child is gone too");
	free(err);
}

TEST(term_ignored)
{
	struct run_limit l = {1, "TEST_TIMEOUT", "ignoring SIGTERM"};
	char script[700], *argv[] = {"sh", "-c", script, NULL};
	struct capture c;
	double t0 = now();
	int r;

	/* Ignored signals stay ignored across exec: sleep ignores SIGTERM as well. */
	snprintf(script, sizeof(script), "trap '' TERM; sleep 1000 & echo $! >%s/stubborn; wait",
		 tmp);
	timelimit_set_grace_ms(300);
	capture_begin(&c);
	r = run_logged_limited(argv, NULL, &l, NULL);
	free(capture_end(&c));
	ASSERT_EQ(r, -ETIME, "SIGTERM ignored: still -ETIME");
	ASSERT_GE(now() - t0, 1.2, "SIGKILL after the grace time (%.2f s)", now() - t0);
	ASSERT_LT(now() - t0, 3, "SIGKILL after the grace time (%.2f s)", now() - t0);
	ASSERT_TRUE(gone(pid_from("stubborn")), "its child is gone too");
	timelimit_set_grace_ms(TIMELIMIT_GRACE_MS);
}

/* With ret_note the message is handed back for the caller's report, not logged. */
TEST(note)
{
	struct run_limit l = {1, "TOOL_TIMEOUT", "pointing the boot loader at IMG"};
	char *argv[] = {"sleep", "1000", NULL}, *note = NULL, *err;
	struct capture c;
	int r;

	capture_begin(&c);
	r = run_logged_limited(argv, NULL, &l, &note);
	err = capture_end(&c);
	ASSERT_EQ(r, -ETIME, "-ETIME");
	ASSERT_STREQ(
	    note,
	    "sleep (pointing the boot loader at IMG) did not finish within 1 s and was killed "
	    "with its process group; if it needs longer, raise TOOL_TIMEOUT (seconds, 0: no "
	    "limit) in the config",
	    "the note");
	ASSERT_TRUE(err, "nothing logged: %s", err ? err : "");
	ASSERT_STREQ(err, "", "nothing logged: %s", err ? err : "");
	free(note);
	free(err);
}

TEST(capture_limited)
{
	struct run_limit l = {1, "TEST_TIMEOUT", "capturing"};
	char *argv[] = {"sh", "-c", "echo partial; trap 'exit 0' TERM; sleep 1000 & wait", NULL};
	struct capture c;
	char *out = (char *)"untouched";
	int r;

	capture_begin(&c);
	r = run_capture_limited(argv, NULL, &l, &out);
	free(capture_end(&c));
	ASSERT_EQ(r, -ETIME, "captured, exits 0 on SIGTERM: still -ETIME");
	ASSERT_STREQ(out, "untouched", "no output handed back");
}

TEST(within_limits)
{
	struct run_limit l = {5, "TEST_TIMEOUT", "quick"}, none = {0, "TEST_TIMEOUT", "unlimited"};
	char *t[] = {"true", NULL}, *f[] = {"sh", "-c", "exit 3", NULL};
	char *argv[] = {"sh", "-c", "sleep 1.2; echo done", NULL};
	char *out = NULL;
	bool all = true;

	for (int i = 0; i < 50; i++)
		all = all && run_logged_limited(t, NULL, &l, NULL) == 0;
	ASSERT_TRUE(all, "50 quick children within their limits: 0 each");
	ASSERT_EQ(run_logged_limited(f, NULL, &l, NULL), 3,
		  "an exit code within the limit is kept");
	ASSERT_EQ(run_capture_limited(argv, NULL, &none, &out), 0, "limit 0: no limit");
	ASSERT_STREQ(out, "done\n", "limit 0: no limit");
	free(out);
}

/* As compile_jobs.c: several children at once, each with its own limit, reaped in any order. */
TEST(parallel)
{
	struct run_limit slow = {1, "COMPILE_TIMEOUT", "compiling script slow"},
			 fast = {10, "COMPILE_TIMEOUT", "compiling script fast"};
	char *hang[] = {"sleep", "1000", NULL}, *quick[] = {"sleep", "0.3", NULL};
	struct run_opts o = {.in_fd = -1, .out_fd = -1, .err_fd = -1, .limit = &slow};
	pid_t a, b;
	int codes[2] = {-1, -1}, status;
	struct capture c;
	char *err;

	capture_begin(&c);
	a = run_spawn_opts(hang, &o);
	o.limit = &fast;
	b = run_spawn_opts(quick, &o);
	for (int n = 0; n < 2; n++) {
		pid_t pid = interrupt_reap(-1, &status, 0);

		if (pid == a)
			codes[0] = run_status(pid, status);
		else if (pid == b)
			codes[1] = run_status(pid, status);
	}
	err = capture_end(&c);
	ASSERT_EQ(codes[1], 0, "the quick one: 0 (%d)", codes[1]);
	ASSERT_EQ(codes[0], -ETIME, "the one past its limit: -ETIME (%d)", codes[0]);
	ASSERT_CONTAINS(err, "sleep (compiling script slow) did not finish within 1 s",
			"only it is reported: %s", err ? err : "");
	ASSERT_NOT_CONTAINS(err, "script fast", "only it is reported: %s", err ? err : "");
	free(err);
}

static void setup(void)
{
	tmp = test_tmpdir();
}
TEST_SETUP(setup)
