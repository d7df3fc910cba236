/* test_svc_script_walk.c: for_each_script walks the names in order (stop: reversed), counts a
 * failed script under PASSALL=no with the command's message and goes on, stops at the first
 * failure under PASSALL=yes (FAILED) or at an aborting step, does not call a failure a script
 * failure when a signal came meanwhile, and runs no step after a signal. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "interrupt.h"
#include "log.h"
#include "script_walk.h"
#include "strfmt.h"
#include "capture.h"
#include "test.h"

/* The step's script: what each name returns, and the order the names were visited in. */
struct plan {
	const char *fail;   /* this name fails with code 7 */
	const char *abort;  /* this name aborts */
	const char *signal; /* this name raises SIGTERM, then fails */
	char seen[64];
};

static enum script_result step(struct invocation *inv, const char *name, void *userdata,
			       int *ret_code)
{
	struct plan *p = userdata;

	(void)inv;
	strncat(p->seen, name, sizeof(p->seen) - strlen(p->seen) - 1);
	if (p->signal && strcmp(name, p->signal) == 0) {
		raise(SIGTERM);
		*ret_code = 1;
		return SCRIPT_FAILED;
	}
	if (p->abort && strcmp(name, p->abort) == 0)
		return SCRIPT_ABORTED;
	if (p->fail && strcmp(name, p->fail) == 0) {
		*ret_code = 7;
		return SCRIPT_FAILED;
	}
	return strcmp(name, "b") == 0 ? SCRIPT_SKIPPED : SCRIPT_OK;
}

static char *failed(const char *name, int code)
{
	return strdup_printf("Failed to walk \"%s\". (%d)", name, code);
}

static char *names[] = {(char *)"a", (char *)"b", (char *)"c", NULL};

/* Walks names with plan p; the result, and stderr in *err (malloc'd). */
static int walk(struct invocation *inv, struct plan *p, bool reverse, char **err)
{
	struct script_step st = {.run = step, .failed = failed, .reverse = reverse};
	struct capture c;
	int r;

	capture_begin(&c);
	r = for_each_script(inv, names, &st, p);
	*err = capture_end(&c);
	return r;
}

TEST(walk)
{
	struct settings s = {0};
	struct invocation inv = {.s = &s};
	struct plan p = {0};
	char logpath[600];
	char *err;
	int r;

	snprintf(logpath, sizeof(logpath), "%s/log", test_tmpdir());
	ASSERT_EQ(log_open(logpath), 0);
	ASSERT_EQ(interrupt_install(), 0);
	r = walk(&inv, &p, false, &err);
	ASSERT_EQ(r, 0, "every name in order, OK and SKIPPED are no failure (%d, %s)", r, p.seen);
	ASSERT_STREQ(p.seen, "abc", "every name in order, OK and SKIPPED are no failure (%d, %s)",
		     r, p.seen);
	ASSERT_EQ(inv.nr_fails, 0, "every name in order, OK and SKIPPED are no failure (%d, %s)", r,
		  p.seen);
	free(err);

	p = (struct plan){0};
	r = walk(&inv, &p, true, &err);
	ASSERT_EQ(r, 0, "reversed");
	ASSERT_STREQ(p.seen, "cba", "reversed");
	free(err);

	p = (struct plan){.fail = "b"};
	r = walk(&inv, &p, false, &err);
	ASSERT_EQ(r, 0, "PASSALL=no: a failure is counted and the walk goes on (%d, %s)", r,
		  p.seen);
	ASSERT_STREQ(p.seen, "abc",
		     "PASSALL=no: a failure is counted and the walk goes on (%d, %s)", r, p.seen);
	ASSERT_EQ(inv.nr_fails, 1, "PASSALL=no: a failure is counted and the walk goes on (%d, %s)",
		  r, p.seen);
	ASSERT_CONTAINS(err, "Failed to walk \"b\". (7)", "with the step's message and code");
	free(err);

	s.passall = true;
	inv.nr_fails = 0;
	p = (struct plan){.fail = "b"};
	r = walk(&inv, &p, false, &err);
	ASSERT_EQ(r, -ECANCELED, "PASSALL=yes: the first failure ends the walk (%d, %s)", r,
		  p.seen);
	ASSERT_STREQ(p.seen, "ab", "PASSALL=yes: the first failure ends the walk (%d, %s)", r,
		     p.seen);
	ASSERT_CONTAINS(err, "Failed to walk \"b\". (7)", "naming the script");
	free(err);

	s.passall = false;
	p = (struct plan){.abort = "a"};
	r = walk(&inv, &p, false, &err);
	ASSERT_EQ(r, -ECANCELED, "an aborting step ends the walk, PASSALL or not (%d, %s)", r,
		  p.seen);
	ASSERT_STREQ(p.seen, "a", "an aborting step ends the walk, PASSALL or not (%d, %s)", r,
		     p.seen);
	ASSERT_EQ(inv.nr_fails, 0, "an aborting step ends the walk, PASSALL or not (%d, %s)", r,
		  p.seen);
	free(err);

	p = (struct plan){.signal = "b"};
	r = walk(&inv, &p, false, &err);
	ASSERT_EQ(r, -EINTR,
		  "a signal during a step: -EINTR, no failure counted, no further step (%d, %s)", r,
		  p.seen);
	ASSERT_STREQ(p.seen, "ab",
		     "a signal during a step: -EINTR, no failure counted, no further step (%d, %s)",
		     r, p.seen);
	ASSERT_EQ(inv.nr_fails, 0,
		  "a signal during a step: -EINTR, no failure counted, no further step (%d, %s)", r,
		  p.seen);
	ASSERT_NOT_CONTAINS(err, "Failed to walk", "and no failure message");
	free(err);

	p = (struct plan){0};
	r = walk(&inv, &p, false, &err);
	ASSERT_EQ(r, -EINTR, "after a signal no step runs");
	ASSERT_EQ(p.seen[0], '\0', "after a signal no step runs (%d)", r);
	free(err);
	log_close();
}
