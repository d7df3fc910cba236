/* test_svc_run.c: running programs: exit codes, signals as 128+n, exec failures as negative
 * errno, captured output (large, and with a daemon holding the pipe), cwd, stdin, fds, log. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "run.h"
#include "test.h"

static char *tmp;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int sh(const char *script)
{
	char *argv[] = {"sh", "-c", (char *)script, NULL};

	return run_logged(argv, NULL);
}

TEST(exit_codes)
{
	char *t[] = {"true", NULL}, *f[] = {"false", NULL};

	ASSERT_EQ(run_logged(t, NULL), 0, "true: 0");
	ASSERT_EQ(run_logged(f, NULL), 1, "false: 1");
	ASSERT_EQ(sh("exit 3"), 3, "exit 3: 3");
	ASSERT_EQ(sh("exit 255"), 255, "exit 255: 255");
	ASSERT_EQ(sh("kill -TERM $$"), 128 + 15, "SIGTERM: 143");
	ASSERT_EQ(sh("kill -KILL $$"), 128 + 9, "SIGKILL: 137");
	ASSERT_EQ(run_wait(1), -ECHILD, "waiting for a process that is not our child: -ECHILD");
}

TEST(exec_failures)
{
	char *missing[] = {"/nonexistent/stap", "-V", NULL};
	char *nopath[] = {"no-such-program-stap-onboot", NULL};
	char *noexec[] = {"/etc/passwd", NULL};
	char *t[] = {"true", NULL};
	char *empty[] = {NULL};
	char *out = (char *)"untouched";
	char buf[600];

	ASSERT_EQ(run_logged(missing, NULL), -ENOENT, "missing program: -ENOENT (not exit 127)");
	ASSERT_EQ(run_spawn(missing, NULL, -1, -1), -ENOENT, "run_spawn of it: -ENOENT");
	ASSERT_EQ(run_capture(missing, NULL, &out), -ENOENT,
		  "run_capture of it: -ENOENT, no output");
	ASSERT_STREQ(out, "untouched", "run_capture of it: -ENOENT, no output");
	ASSERT_EQ(run_logged(nopath, NULL), -ENOENT, "name not in PATH: -ENOENT");
	ASSERT_EQ(run_logged(noexec, NULL), -EACCES, "not executable: -EACCES");
	snprintf(buf, sizeof(buf), "%s/nosuch-dir", tmp);
	ASSERT_EQ(run_logged(t, buf), -ENOENT, "missing cwd: -ENOENT");
	ASSERT_EQ(run_spawn(empty, NULL, -1, -1), -EINVAL, "empty argv: -EINVAL");
	snprintf(buf, sizeof(buf), "Failed to run %s: %s", missing[0], strerror(ENOENT));
	ASSERT_STREQ(buf, "Failed to run /nonexistent/stap: No such file or directory",
		     "the caller can say: %s", buf);
}

TEST(capture)
{
	char *argv[] = {"sh", "-c", "echo out; echo err >&2; exit 2", NULL};
	char *big[] = {"sh", "-c", "yes 0123456789 | head -n 600000; echo tail >&2", NULL};
	char *daemon[] = {"sh", "-c", "sleep 5 & echo started", NULL};
	char *pwd[] = {"pwd", "-P", NULL};
	char *in[] = {"readlink", "/proc/self/fd/0", NULL};
	char *out = NULL, want[600];
	double t0;
	int r;

	ASSERT_EQ(run_capture(argv, NULL, &out), 2, "captured program exit code 2");
	ASSERT_CONTAINS(out, "out\n", "stdout and stderr captured");
	ASSERT_CONTAINS(out, "err\n", "stdout and stderr captured");
	free(out);
	t0 = now();
	r = run_capture(big, NULL, &out);
	ASSERT_EQ(r, 0, "6.6 MB captured whole (%zu bytes)", out ? strlen(out) : 0);
	ASSERT_TRUE(out, "6.6 MB captured whole (%zu bytes)", out ? strlen(out) : 0);
	ASSERT_EQ(strlen(out), 600000 * 11 + 5, "6.6 MB captured whole (%zu bytes)",
		  out ? strlen(out) : 0);
	ASSERT_TRUE(out, "ends with the stderr line");
	ASSERT_STREQ(out + strlen(out) - 5, "tail\n", "ends with the stderr line");
	printf("note: 6.6 MB captured in %.2f s\n", now() - t0);
	free(out);
	t0 = now();
	r = run_capture(daemon, NULL, &out);
	ASSERT_EQ(r, 0,
		  "output of a program that left a "
		  "process holding the pipe");
	ASSERT_STREQ(out, "started\n",
		     "output of a program that left a "
		     "process holding the pipe");
	ASSERT_LT(now() - t0, 3.0,
		  "returned when the program ended, not when its child did (%.2f s)", now() - t0);
	free(out);
	ASSERT_EQ(run_capture(pwd, tmp, &out), 0, "pwd in cwd");
	snprintf(want, sizeof(want), "%s\n", tmp);
	ASSERT_STREQ(out, want, "cwd is the given directory");
	free(out);
	ASSERT_EQ(run_capture(in, NULL, &out), 0, "stdin");
	ASSERT_STREQ(out, "/dev/null\n", "stdin is /dev/null");
	free(out);
	ASSERT_EQ(run_capture(pwd, NULL, NULL), 0, "output may be discarded (NULL)");
}

TEST(fds)
{
	char *ls[] = {"ls", "-1", "/proc/self/fd", NULL};
	char *argv[] = {"sh", "-c", "echo to-out; echo to-err >&2", NULL};
	char *out = NULL, *text;
	char p1[600], p2[600];
	int leak, o, e, n = 0;

	leak = open("/dev/null", O_RDONLY); /* no O_CLOEXEC on purpose */
	ASSERT_EQ(dup2(leak, 200), 200, "fd 200 open without close-on-exec");
	ASSERT_EQ(run_capture(ls, NULL, &out), 0, "ls /proc/self/fd in the child");
	for (char *l = out; l && *l; l += strcspn(l, "\n") + 1)
		n++;
	ASSERT_EQ(strncmp(out, "0\n1\n2\n", 6), 0,
		  "child has only 0 1 2 (and ls's own directory fd): %d fds", n);
	ASSERT_LE(n, 4, "child has only 0 1 2 (and ls's own directory fd): %d fds", n);
	ASSERT_NOT_CONTAINS(out, "200\n",
			    "child has only 0 1 2 (and ls's own directory fd): %d fds", n);
	free(out);
	close(200);
	close(leak);
	snprintf(p1, sizeof(p1), "%s/out", tmp);
	snprintf(p2, sizeof(p2), "%s/err", tmp);
	o = open(p1, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	e = open(p2, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	pid_t pid = run_spawn(argv, NULL, o, e);
	ASSERT_GT(pid, 0, "run_spawn with separate stdout and stderr");
	ASSERT_EQ(run_wait(pid), 0, "run_spawn with separate stdout and stderr");
	close(o);
	close(e);
	ASSERT_EQ(read_file(p1, &text, NULL), 0, "stdout file");
	ASSERT_STREQ(text, "to-out\n", "stdout file");
	free(text);
	ASSERT_EQ(read_file(p2, &text, NULL), 0, "stderr file");
	ASSERT_STREQ(text, "to-err\n", "stderr file");
	free(text);
	/* Swapped: the child's stdout onto our fd 2 and its stderr onto our fd 1. */
	fflush(stdout);
	pid = run_spawn(argv, NULL, 2, 1);
	ASSERT_GT(pid, 0, "run_spawn with stdout/stderr swapped (no clobber)");
	ASSERT_EQ(run_wait(pid), 0, "run_spawn with stdout/stderr swapped (no clobber)");
}

/* env_add reaches the child only: the service's own environment stays as it was. */
TEST(env_add)
{
	char *argv[] = {"sh", "-c", "printf '%s/%s' \"$STAP_T1\" \"$HOME_T2\" >\"$OUT\"", NULL};
	char *env[] = {"STAP_T1=one two", "HOME_T2=x=y", NULL, NULL};
	char out[600], outvar[640], *text = NULL;
	struct run_opts o = {.in_fd = -1, .out_fd = -1, .err_fd = -1, .env_add = env};
	pid_t pid;

	snprintf(out, sizeof(out), "%s/env", tmp);
	snprintf(outvar, sizeof(outvar), "OUT=%s", out);
	env[2] = outvar;
	pid = run_spawn_opts(argv, &o);
	ASSERT_GT(pid, 0, "run_spawn_opts with env_add");
	ASSERT_EQ(run_wait(pid), 0, "run_spawn_opts with env_add");
	ASSERT_EQ(read_file(out, &text, NULL), 0, "the child sees the added variables: %s",
		  text ? text : "(none)");
	ASSERT_STREQ(text, "one two/x=y", "the child sees the added variables: %s",
		     text ? text : "(none)");
	free(text);
	ASSERT_FALSE(getenv("STAP_T1"), "the service's own environment is unchanged");
	ASSERT_FALSE(getenv("HOME_T2"), "the service's own environment is unchanged");
	ASSERT_FALSE(getenv("OUT"), "the service's own environment is unchanged");
}

/* A service started with 0, 1 and 2 closed still runs programs and sees exec failures. */
TEST(closed_std_fds)
{
	char *missing[] = {"/nonexistent/stap", NULL};
	char *echo[] = {"echo", "hi", NULL};
	pid_t pid = fork();
	int status = 0;

	if (pid == 0) {
		char *out = NULL;
		int bits = 0;
		close(0);
		close(1);
		close(2);
		/* /dev/null becomes fd 0 and the error pipe fds 1 and 2 here. */
		if (run_spawn(missing, NULL, -1, -1) == -ENOENT &&
		    run_capture(missing, NULL, &out) == -ENOENT)
			bits |= 1;
		if (run_capture(echo, NULL, &out) == 0 && out && strcmp(out, "hi\n") == 0)
			bits |= 2;
		_exit(bits);
	}
	waitpid(pid, &status, 0);
	ASSERT_TRUE(WIFEXITED(status), "with 0 1 2 closed: exec failure still -ENOENT");
	ASSERT_TRUE(WEXITSTATUS(status) & 1, "with 0 1 2 closed: exec failure still -ENOENT");
	ASSERT_TRUE(WIFEXITED(status), "with 0 1 2 closed: output captured");
	ASSERT_TRUE(WEXITSTATUS(status) & 2, "with 0 1 2 closed: output captured");
}

TEST(log)
{
	char *argv[] = {"sh", "-c", "echo logged-out; echo logged-err >&2", NULL};
	char *cap[] = {"echo", "captured too", NULL};
	char path[600], *text, *out;

	snprintf(path, sizeof(path), "%s/log/systemtap.log", tmp);
	ASSERT_EQ(log_open(path), 0, "log_open %s", path);
	ASSERT_OK(log_fd(), "log_open %s", path);
	ASSERT_EQ(run_logged(argv, NULL), 0, "run_logged");
	ASSERT_EQ(run_capture(cap, NULL, &out), 0, "run_capture");
	free(out);
	log_close();
	ASSERT_EQ(read_file(path, &text, NULL), 0, "log read");
	printf("%s", text);
	ASSERT_CONTAINS(text, ": Exec: sh -c 'echo logged-out; echo logged-err >&2'\n",
			"Exec line, quoted");
	ASSERT_CONTAINS(text, "\nlogged-out\n", "the program's stdout and stderr are in the log");
	ASSERT_CONTAINS(text, "\nlogged-err\n", "the program's stdout and stderr are in the log");
	ASSERT_CONTAINS(text, ": Exec: echo 'captured too'\ncaptured too\n",
			"captured output is in the log too");
	free(text);
}

/* The program's temp directory, as realpath gives it (the tests compare paths). */
static void setup(void)
{
	tmp = realpath(test_tmpdir(), NULL);
	if (!tmp)
		exit(2);
}
TEST_SETUP(setup)

static void teardown(void)
{
	free(tmp);
}
TEST_TEARDOWN(teardown)
