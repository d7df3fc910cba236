/* test_loader_gate.c: the collectors' gate (collect.h, as PID 1 holds it until it execs the
 * real init): a collector the run handed its module to waits, holding the channel, until the
 * gate's last write end is closed, or COLLECT_GATE_MAX_MS; then it sets itself up. */
#include "collect.h"
#include "macro.h"
#include "test.h"
#include "fake_kernel.h"
#include "startall.h"

#include <fcntl.h>

static char *root;
static struct fr_run files;

/* The state file of name's collector, once it is there (at most 5 s): true when it came. */
static bool state_came(const char *name)
{
	char p[4300];

	snprintf(p, sizeof(p), "%s/onboot.d/%s.state", files.rundir, name);
	for (int i = 0; i < 500 && access(p, F_OK) < 0; i++)
		usleep(10000);
	return access(p, F_OK) == 0;
}

static bool state_there(const char *name)
{
	char p[4300];

	snprintf(p, sizeof(p), "%s/onboot.d/%s.state", files.rundir, name);
	return access(p, F_OK) == 0;
}

/* One script's run with a gate whose write end the test keeps (as PID 1 does): returns that
 * write end. */
static int run_gated(const char *name)
{
	struct startall_request req = fr_run_request(root, &files);
	char manifest[256];
	int gate[2], keep;

	fk_reset(root);
	fr_reap(files.rundir);
	remove_tree(files.rundir);
	unlink(files.kmsg);
	snprintf(manifest, sizeof(manifest), "stap-onboot-manifest 1\nscript %s protocol=4\n",
		 name);
	put_text_in(root, "usr/lib/stap-onboot/manifest", manifest);
	put_text_in(root, "cmdline", "quiet\n");
	fk_write_ko(files.moddir, name);
	fk_add(name, 4)->trace = true;
	if (pipe2(gate, O_CLOEXEC) < 0 || (keep = fcntl(gate[1], F_DUPFD_CLOEXEC, 0)) < 0)
		exit(2);
	req.verbose = true;
	req.has_gate = true;
	req.gate[0] = gate[0];
	req.gate[1] = gate[1];
	ASSERT_EQ(startall_run(&req, NULL), 0, "%s: the run", name);
	ASSERT_TRUE(file_contains(files.kmsg, "1 armed, 0 finished"), "%s: armed and handed over",
		    name);
	return keep;
}

TEST(gate_opens)
{
	int keep = run_gated("opens");

	usleep(300000);
	ASSERT_FALSE(state_there("opens"), "gate shut: its collector waits (no state file yet)");
	ASSERT_FALSE(fk_detached(fk_find("opens")), "gate shut: its collector holds the channel");
	close(keep);
	ASSERT_TRUE(state_came("opens"),
		    "gate's last write end closed: the collector set itself up");
	ASSERT_FALSE(file_contains(files.kmsg, "opens: the loader still runs"),
		     "by the gate's end of file, not by its time limit");
	fk_reset(root);
	fr_reap(files.rundir);
}

TEST(gate_limit)
{
	int keep = run_gated("limit");

	ASSERT_TRUE(state_came("limit"), "gate never opened: the collector set itself up anyway");
	ASSERT_TRUE(file_contains(files.kmsg, "limit: the loader still runs after 1000 ms"),
		    "... after COLLECT_GATE_MAX_MS, and said so");
	close(keep);
	fk_reset(root);
	fr_reap(files.rundir);
}

static void setup(void)
{
	root = fk_make_root();
	fr_run_request(root, &files);
}
TEST_SETUP(setup)

static void teardown(void)
{
	remove_tree(root);
	free(root);
}
TEST_TEARDOWN(teardown)
