/* test_svc_stale.c: temp names carry their owner's pid (write_file_atomic's temp, make_temp_dir)
 * and remove_stale_temps removes exactly the temps whose owner is gone: not a live owner's,
 * not names that only look alike, not symlinks' targets. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fsutil.h"
#include "stale.h"
#include "files.h"
#include "test.h"

static const char *tmp; /* the program's temp directory */

static char *at(const char *rel)
{
	return path_in(tmp, rel);
}

/* A pid that no process has: a child that has exited and been reaped. */
static pid_t dead_pid(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return pid;
}

TEST(names)
{
	ASSERT_EQ(temp_owner(".alpha.ko.1234.AbC9eF", "."), 1234, ".NAME.ko.PID.XXXXXX");
	ASSERT_EQ(temp_owner(".alpha.1234.AbC9eF", "."), 1234, ".NAME.PID.XXXXXX (pid file temp)");
	ASSERT_EQ(temp_owner("cache.77.x1y2z3", "cache."), 77, "cache.PID.XXXXXX");
	ASSERT_EQ(temp_owner("cache.x1y2z3", "cache."), 0, "the old cache.XXXXXX: no owner");
	ASSERT_EQ(temp_owner(".alpha.ko.1234.AbC9e", "."), 0, "5 random characters: no");
	ASSERT_EQ(temp_owner(".alpha.ko.1234.AbC-eF", "."), 0, "not letters/digits: no");
	ASSERT_EQ(temp_owner(".alpha.ko.x1234.AbC9eF", "."), 0, "digits not after a dot: no");
	ASSERT_EQ(temp_owner(".alpha.ko.99999999999.AbC9eF", "."), 0, "no pid that large");
	ASSERT_EQ(temp_owner(".alpha.ko.0.AbC9eF", "."), 0, "pid 0: no");
	ASSERT_EQ(temp_owner("alpha.ko.1234.AbC9eF", "."), 0, "without the prefix: no");
	ASSERT_EQ(temp_owner("mycache.1.abcdef", "cache."), 0, "another prefix: no");
}

TEST(our_temps_are_named)
{
	char *d = NULL;

	ASSERT_EQ(make_temp_dir(tmp, "cache.", &d), 0, "make_temp_dir");
	ASSERT_TRUE(d, "make_temp_dir's name gives our pid: %s", d ? d : "");
	ASSERT_EQ(temp_owner(strrchr(d, '/') + 1, "cache."), getpid(),
		  "make_temp_dir's name gives our pid: %s", d ? d : "");
	ASSERT_EQ(remove_stale_temps(tmp, "cache."), 0, "a live owner's directory stays");
	ASSERT_TRUE(d, "a live owner's directory stays");
	ASSERT_TRUE(path_exists(d), "a live owner's directory stays");
	rm_rf(d);
	free(d);
}

static void put(const char *rel)
{
	write_file_atomic(at(rel), "x", 1, 0644);
}

TEST(removal)
{
	char name[256], live[128], dead_dir[128], dead_file[128], odd[128], link[256];
	pid_t dead = dead_pid();
	int r;

	mkdir(at("c"), 0755);
	snprintf(dead_file, sizeof(dead_file), "c/.alpha.ko.%d.AbC9eF", (int)dead);
	put(dead_file);
	snprintf(live, sizeof(live), "c/.beta.ko.%d.AbC9eF", (int)getppid());
	put(live);
	snprintf(dead_dir, sizeof(dead_dir), "c/.tree.%d.q1w2e3", (int)dead);
	mkdir(at(dead_dir), 0755);
	snprintf(name, sizeof(name), "%s/sub", dead_dir);
	mkdir(at(name), 0755);
	put("outside");
	snprintf(link, sizeof(link), "%s/sub/link", dead_dir);
	symlink(at("outside"), at(link));
	snprintf(odd, sizeof(odd), "c/alpha.ko");
	put(odd);
	put("c/.lock");
	r = remove_stale_temps(at("c"), ".");
	ASSERT_EQ(r, 2, "two leftovers removed");
	ASSERT_FALSE(path_exists(at(dead_file)), "a dead owner's half-written file goes");
	ASSERT_FALSE(path_exists(at(dead_dir)), "a dead owner's directory goes, with its tree");
	ASSERT_TRUE(path_exists(at("outside")), "a symlink's target outside stays");
	ASSERT_TRUE(path_exists(at(live)), "a live owner's temp stays");
	ASSERT_TRUE(path_exists(at(odd)), "other files stay");
	ASSERT_TRUE(path_exists(at("c/.lock")), "other files stay");
	ASSERT_EQ(remove_stale_temps(at("nosuch"), "."), 0, "a missing directory: nothing to do");
}

static void setup(void)
{
	tmp = test_tmpdir();
}
TEST_SETUP(setup)

static void teardown(void)
{
	ASSERT_EQ(rm_rf(tmp), 0, "cleanup");
}
TEST_TEARDOWN(teardown)
