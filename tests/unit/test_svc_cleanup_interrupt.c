/* test_svc_cleanup_interrupt.c: cleanup's loop over the scripts stops at a signal: a SIGTERM
 * received before a script's turn leaves that script's cache (and the shared uprobes/) in
 * place, and the command fails (main then exits 128 + N). Without a signal every cache goes. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "fsutil.h"
#include "interrupt.h"
#include "files.h"
#include "test.h"
#include "tempfile.h"

static const char *tmp;

static char *at(const char *rel)
{
	return path_in(tmp, rel);
}

static void put(const char *rel)
{
	write_file_atomic(at(rel), "x", 1, 0644);
}

TEST(stops_at_a_signal)
{
	char *names[] = {(char *)"alpha", (char *)"beta", NULL};
	struct settings s = {0};
	struct invocation inv = {
	    .command = "cleanup", .names = names, .names_given = true, .assume_yes = true, .s = &s};
	int rc;

	tmp = test_tmpdir();
	s.cache_path = strdup(at("cache"));
	s.script_path = strdup(at("scripts"));
	s.boot_path = strdup(at("boot")); /* cleanup's notes on onboot snapshots look there */
	s.cache_root = strdup(at("cache"));
	s.passall = true;
	mkdir(at("cache"), 0755);
	mkdir(at("cache/uprobes"), 0755);
	put("cache/alpha.ko");
	put("cache/alpha.opts");
	put("cache/beta.ko");
	put("cache/uprobes/uprobes.ko");

	rc = cmd_cleanup(&inv);
	ASSERT_EQ(rc, EXIT_OK, "without a signal every cache goes");
	ASSERT_FALSE(path_exists(at("cache/alpha.ko")),
		     "without a signal every cache goes (exit %d)", rc);
	ASSERT_FALSE(path_exists(at("cache/beta.ko")),
		     "without a signal every cache goes (exit %d)", rc);
	ASSERT_FALSE(path_exists(at("cache/uprobes")),
		     "without a signal every cache goes (exit %d)", rc);
	mkdir(at("cache/uprobes"), 0755);
	put("cache/alpha.ko");
	put("cache/alpha.opts");
	put("cache/beta.ko");
	put("cache/uprobes/uprobes.ko");

	ASSERT_EQ(interrupt_install(), 0, "handlers installed");
	raise(SIGTERM);
	ASSERT_EQ(interrupted(), SIGTERM, "SIGTERM recorded, the test goes on");
	rc = cmd_cleanup(&inv);
	ASSERT_NE(rc, EXIT_OK, "cleanup after a signal fails");
	ASSERT_TRUE(path_exists(at("cache/alpha.ko")), "no cache removed after the signal");
	ASSERT_TRUE(path_exists(at("cache/alpha.opts")), "no cache removed after the signal");
	ASSERT_TRUE(path_exists(at("cache/beta.ko")), "no cache removed after the signal");
	ASSERT_TRUE(path_exists(at("cache/uprobes/uprobes.ko")), "uprobes/ kept");

	ASSERT_EQ(rm_rf(tmp), 0, "cleanup");
	free(s.cache_path);
	free(s.script_path);
	free(s.boot_path);
	free(s.cache_root);
}
