/* test.c: the main of every unit test program (test.h): runs each registered test in a forked
 * child with a time limit and a temp directory, and says which tests failed and why. */
#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

/* A failed check's exit status: told apart from the sanitizers' (1) and set-up failures (2). */
#define EXIT_CHECK_FAILED 120

static struct test *tests;
static void (*setup_fn)(void), (*teardown_fn)(void);
static char program_dir[256], test_dir[512];
static const char *program;
static bool in_child;
/* The running test's child (its process group): what a signal to the runner ends too. */
static volatile pid_t running;
/* Shared with the children: the checks they ran. */
static unsigned long *checks;
static unsigned long parent_checks;

void test_register(struct test *t)
{
	struct test **p = &tests;

	/* In the order of the file (constructors run in no promised order). */
	while (*p && (strcmp((*p)->file, t->file) < 0 ||
		      (strcmp((*p)->file, t->file) == 0 && (*p)->line < t->line)))
		p = &(*p)->next;
	t->next = *p;
	*p = t;
}

void test_register_fixture(void (*fn)(void), bool teardown)
{
	void (**slot)(void) = teardown ? &teardown_fn : &setup_fn;

	if (*slot) {
		fprintf(stderr, "a second TEST_%s: one per program\n",
			teardown ? "TEARDOWN" : "SETUP");
		abort();
	}
	*slot = fn;
}

const char *test_tmpdir(void)
{
	return in_child ? test_dir : program_dir;
}

unsigned test_timeout_factor(void)
{
	const char *f = getenv("TEST_TIMEOUT_FACTOR");

	return f && atoi(f) > 0 ? (unsigned)atoi(f) : 1;
}

void test_count(void)
{
	if (checks)
		++*checks;
	else
		parent_checks++;
}

void test_fail_begin(const char *file, int line, const char *what)
{
	printf("FAIL %s:%d: %s\n", file, line, what);
}

void test_value_int(const char *label, bool is_signed, uintmax_t v)
{
	if (is_signed)
		printf("    %s = %" PRIdMAX "\n", label, (intmax_t)v);
	else
		printf("    %s = %" PRIuMAX "\n", label, v);
}

/* s quoted, control characters and bytes above 0x7e escaped. */
void test_value_str(const char *label, const char *s)
{
	printf("    %s = ", label);
	if (!s) {
		printf("NULL\n");
		return;
	}
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\n')
			printf("\\n");
		else if (*p == '\t')
			printf("\\t");
		else if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20 || *p > 0x7e)
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
	printf("\"\n");
}

void test_fail_message(const char *fmt, ...)
{
	va_list ap;

	printf("    (");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(")\n");
}

void test_fail_end(void)
{
	fflush(stdout);
	/* _exit: no leak report on top of the failure (the test's locals were never freed). */
	_exit(in_child ? EXIT_CHECK_FAILED : 2);
}

void test_value_float(const char *label, long double v)
{
	printf("    %s = %Lg\n", label, v);
}

/* -1, 0 or 1 into the truth of "c OP 0". */
static bool holds(int c, const char *op)
{
	if (strcmp(op, "==") == 0)
		return c == 0;
	if (strcmp(op, "!=") == 0)
		return c != 0;
	if (strcmp(op, "<") == 0)
		return c < 0;
	if (strcmp(op, "<=") == 0)
		return c <= 0;
	if (strcmp(op, ">") == 0)
		return c > 0;
	return c >= 0;
}

bool test_float_cmp(long double a, const char *op, long double b)
{
	/* NaN: only != holds. */
	if (a != a || b != b)
		return strcmp(op, "!=") == 0;
	return holds(a < b ? -1 : a > b, op);
}

bool test_int_cmp(bool a_signed, uintmax_t a, const char *op, bool b_signed, uintmax_t b)
{
	/* -1: a < b, 0: equal, 1: a > b, by value whatever the signedness. */
	bool a_neg = a_signed && (intmax_t)a < 0, b_neg = b_signed && (intmax_t)b < 0;
	int c = a_neg != b_neg ? (a_neg ? -1 : 1)
		: a_neg	       ? ((intmax_t)a < (intmax_t)b ? -1 : (intmax_t)a > (intmax_t)b)
			       : (a < b ? -1 : a > b);

	return holds(c, op);
}

/* ---- running ------------------------------------------------------------------------------ */
static int unlock_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag == FTW_D && (st->st_mode & 0700) != 0700)
		chmod(path, st->st_mode | 0700);
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* Removes dir and everything in it, also what a test made unreadable. */
static void remove_tree(const char *dir)
{
	nftw(dir, unlock_one, 16, FTW_PHYS);
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for child pid until deadline_ms; true when it exited (not yet reaped). SIGCHLD is
 * blocked, so it stays pending until sigtimedwait takes it. */
static bool wait_exit(pid_t pid, long long deadline_ms)
{
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	for (;;) {
		siginfo_t si = {0};
		long long left = deadline_ms - now_ms();

		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid)
			return true;
		if (left <= 0)
			return false;
		struct timespec ts = {.tv_sec = left / 1000, .tv_nsec = left % 1000 * 1000000};
		sigtimedwait(&chld, NULL, &ts);
	}
}

/* Runs t in a child; prints its line; true when it passed. */
static bool run_one(struct test *t, int nr, unsigned factor)
{
	unsigned limit = (t->timeout ? t->timeout : TEST_DEFAULT_TIMEOUT) * factor;
	long long start = now_ms();
	bool timed_out;
	int status = 0;
	sigset_t chld, stop, old;
	pid_t pid;

	snprintf(test_dir, sizeof(test_dir), "/tmp/%.64s.%.64s.XXXXXX", program, t->name);
	if (!mkdtemp(test_dir)) {
		printf("not ok %d - %s: cannot make %s: %s\n", nr, t->name, test_dir,
		       strerror(errno));
		return false;
	}
	*checks = 0;
	fflush(stdout);
	fflush(stderr);
	/* SIGCHLD stays blocked for wait_exit; the signals that stop the runner are blocked only
	 * until running names the child, so on_signal never misses it. */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &chld, &old);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	pid = fork();
	if (pid < 0) {
		printf("not ok %d - %s: fork: %s\n", nr, t->name, strerror(errno));
		sigprocmask(SIG_SETMASK, &old, NULL);
		remove_tree(test_dir);
		return false;
	}
	if (pid == 0) {
		/* Its own session (and process group): a timeout ends whatever the test started,
		 * and the test starts with no controlling terminal and the default dispositions. */
		setsid();
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		in_child = true;
		t->fn();
		fflush(stdout);
		/* exit, not _exit: LeakSanitizer and valgrind check this test's leaks here. */
		exit(0);
	}
	running = pid;
	sigprocmask(SIG_UNBLOCK, &stop, NULL);
	timed_out = !wait_exit(pid, start + (long long)limit * 1000);
	sigprocmask(SIG_BLOCK, &stop, NULL); /* from here on the group is ours to end */
	/* Whatever the test left running in its group goes, before the group id can be reused. */
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL); /* a hang before setsid */
	waitpid(pid, &status, 0);
	running = 0;
	remove_tree(test_dir);
	sigprocmask(SIG_SETMASK, &old, NULL); /* a pending ^C ends the runner now */

	long long ms = now_ms() - start;
	if (!timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("ok %d - %s (%lu checks, %lld ms)\n", nr, t->name, *checks, ms);
		return true;
	}
	printf("not ok %d - %s: ", nr, t->name);
	if (timed_out)
		printf("timed out after %u s", limit);
	else if (WIFSIGNALED(status))
		printf("killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
	else if (WEXITSTATUS(status) == EXIT_CHECK_FAILED)
		printf("a check failed");
	else
		printf("exit status %d%s", WEXITSTATUS(status),
		       WEXITSTATUS(status) == 1	   ? " (a sanitizer's report, above)"
		       : WEXITSTATUS(status) == 99 ? " (valgrind's report, above)"
						   : "");
	printf(" (%lu checks, %lld ms)\n", *checks, ms);
	return false;
}

/* ^C or a kill of the runner: the test's whole group goes too, then the runner. */
static void on_signal(int sig)
{
	if (running > 0) {
		kill(-running, SIGKILL);
		kill(running, SIGKILL); /* not yet in its own session */
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static bool selected(const struct test *t, int argc, char **argv)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], t->name) == 0)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	unsigned factor = test_timeout_factor();
	int nr = 0, failed = 0, ran = 0;
	unsigned long total = 0;

	program = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (struct test *t = tests; t; t = t->next)
			printf("%s\n", t->name);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		struct test *t = tests;

		while (t && strcmp(t->name, argv[i]) != 0)
			t = t->next;
		if (!t) {
			fprintf(stderr, "%s: no test named %s (--list names them)\n", program,
				argv[i]);
			return 2;
		}
	}
	checks =
	    mmap(NULL, sizeof(*checks), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	snprintf(program_dir, sizeof(program_dir), "/tmp/%.64s.XXXXXX", program);
	if (checks == MAP_FAILED || !mkdtemp(program_dir)) {
		perror(program);
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	if (setup_fn) {
		unsigned long *shared = checks;

		checks = NULL;
		setup_fn();
		checks = shared;
	}
	for (struct test *t = tests; t; t = t->next) {
		nr++;
		if (!selected(t, argc, argv))
			continue;
		ran++;
		if (run_one(t, nr, factor))
			total += *checks;
		else
			failed++;
	}
	if (teardown_fn)
		teardown_fn();
	remove_tree(program_dir);
	total += parent_checks;
	if (failed)
		printf("FAILED: %d of %d tests (%lu checks in the passed ones)\n", failed, ran,
		       total);
	else
		printf("PASSED: %d tests, %lu checks\n", ran, total);
	munmap(checks, sizeof(*checks));
	return failed ? 1 : 0;
}
