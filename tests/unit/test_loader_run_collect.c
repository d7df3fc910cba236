/* test_loader_run_collect.c: a whole run (startall_run) against the fake kernel hands each
 * armed script to its collector (a fork with the script's channel and relay files) and waits
 * for nothing after the last reply; the collectors take the manifest's log_size and
 * rd.systemtap.console, and notice when their channels are gone. */
#include "macro.h"
#include "test.h"
#include "fake_kernel.h"
#include "kmsg.h"
#include "startall.h"

static char *root;
static struct fr_run files;

static bool logged(const char *needle)
{
	return file_contains(files.kmsg, needle);
}

/* The state file of name's collector, once it is there (at most 5 s). */
static char *collector_state(const char *name)
{
	char p[4300];

	snprintf(p, sizeof(p), "%s/onboot.d/%s.state", files.rundir, name);
	for (int i = 0; i < 500 && access(p, F_OK) < 0; i++)
		usleep(10000);
	return read_text(p);
}

/* True when pid's fd 3 is name's channel: the fake kernel's socket the loader opened as
 * ROOT/proc/systemtap/NAME/.cmd (the same socket: same inode). */
static bool holds_channel(long pid, const char *name)
{
	struct fk_module *m = fk_find(name);
	char p[64];
	struct stat a, b;

	snprintf(p, sizeof(p), "/proc/%ld/fd/3", pid);
	return m && m->kfd >= 0 && stat(p, &a) == 0 && fstat(m->kfd, &b) == 0 &&
	       S_ISSOCK(a.st_mode) && a.st_dev == b.st_dev;
}

/* pid's command line, its NULs as blanks, in buf. */
static void cmdline_of(long pid, char *buf, size_t size)
{
	char p[64];
	size_t n = 0;
	FILE *f;

	snprintf(p, sizeof(p), "/proc/%ld/cmdline", pid);
	f = fopen(p, "r");
	if (f) {
		n = fread(buf, 1, size - 1, f);
		fclose(f);
	}
	for (size_t i = 0; i < n; i++)
		if (!buf[i])
			buf[i] = ' ';
	buf[n] = '\0';
}

/* The line number of the kernel log's first record holding needle (0: none). */
static size_t kmsg_line_of(const char *needle)
{
	char *text = read_text(files.kmsg), *at = strstr(text, needle);
	size_t n = 1;

	for (const char *p = text; at && p < at; p++)
		n += *p == '\n';
	free(text);
	return at ? n : 0;
}

/* Three healthy scripts, one whose probe calls exit() 300 ms after its start, and one whose
 * exit request comes while the loader hands it over (after the loader's last read of its
 * channel, before its collector exists): each handed to its collector, no wait after the last
 * reply: both exit requests are the collectors'. */
TEST(hand_over)
{
	const char *names[] = {"good", "other", "third"};
	size_t summary, late;
	int rc;

	struct startall_request req = fr_run_request(root, &files);
	struct loader_config timeouts;

	loader_config_init(&timeouts, NULL, NULL);
	fk_reset(root);
	put_text_in(root, "usr/lib/stap-onboot/manifest",
		    "stap-onboot-manifest 1\nlog_size 65536\nscript good protocol=4\n"
		    "script other protocol=5\nscript third protocol=4\nscript late protocol=4\n"
		    "script handover protocol=4\n");
	put_text_in(root, "cmdline", "rd.systemtap.console=other\n");
	char moddir[512]; /* short: the compiler proves the paths fit */

	snprintf(moddir, sizeof(moddir), "%.500s", files.moddir);
	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		fk_write_ko(moddir, names[i]);
		fk_add(names[i], i == 1 ? 5 : 4)->trace = true;
	}
	fk_write_ko(moddir, "late");
	struct fk_module *lm = fk_add("late", 4);
	lm->trace = lm->begin_exit = true;
	lm->exit_delay_ms = 300;
	fk_write_ko(moddir, "handover");
	struct fk_module *hm = fk_add("handover", 4);
	hm->trace = hm->exit_at_fork = true;
	rc = startall_run(&req, &timeouts);
	ASSERT_EQ(rc, 0, "five scripts armed");
	ASSERT_TRUE(
	    logged("5 armed, 0 finished, 0 failed"),
	    "five scripts armed: the loader ended before late's exit request came, and never "
	    "read handover's");
	for (int i = 0; i < 1000 && !logged("late: the script asked to exit"); i++)
		usleep(10000);
	summary = kmsg_line_of("5 armed, 0 finished");
	late = kmsg_line_of("late: the script asked to exit");
	ASSERT_GT(summary, 0, "the loader's summary is in the kernel log");
	ASSERT_GT(
	    late, summary,
	    "late's collector took its exit request, after the loader's summary (lines %zu, %zu)",
	    summary, late);
	for (int i = 0; i < 1000 && !logged("handover: the script asked to exit"); i++)
		usleep(10000);
	ASSERT_TRUE(logged("handover: armed in"), "handover was armed (the loader never saw its "
						  "exit request)");
	ASSERT_TRUE(logged("handover: the script asked to exit"),
		    "handover's exit request, queued during the hand-over, taken by its collector");
	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		char *st = collector_state(names[i]);
		long pid = 0;
		char *p = strstr(st, "\npid ");

		if (p)
			pid = strtol(p + 5, NULL, 10);
		ASSERT_CONTAINS(
		    st, "module running\n",
		    "%s: its collector's state: running, output in memory, log_size from the "
		    "manifest",
		    names[i]);
		ASSERT_CONTAINS(
		    st, "output memory\n",
		    "%s: its collector's state: running, output in memory, log_size from the "
		    "manifest",
		    names[i]);
		ASSERT_CONTAINS(
		    st, "log_size 65536\n",
		    "%s: its collector's state: running, output in memory, log_size from the "
		    "manifest",
		    names[i]);
		char cmd[512];
		cmdline_of(pid, cmd, sizeof(cmd));
		ASSERT_GT(
		    pid, 0,
		    "%s: collector %ld holds a socket as its fd 3 (the fake kernel's channel)",
		    names[i], pid);
		ASSERT_TRUE(
		    holds_channel(pid, names[i]),
		    "%s: collector %ld holds a socket as its fd 3 (the fake kernel's channel)",
		    names[i], pid);
		/* The kernel takes a command line of its own with CAP_SYS_RESOURCE only; without
		 * it the loader's argv[0] would be marked, but a test has none noted. */
		if (strncmp(cmd, "@", 1) == 0)
			ASSERT_EQ(strncmp(cmd, "@stap-early-loader --collect ", 29),
				  0 && strstr(cmd, names[i]), "%s: its command line: %s", names[i],
				  cmd);
		else
			printf("skip: %s: no CAP_SYS_RESOURCE here: the collector's command line "
			       "(%s) is not its own\n",
			       names[i], cmd);
		ASSERT_TRUE(
		    fk_find(names[i])->loaded,
		    "%s: still loaded, its channel held (by the collector: the loader closed its "
		    "copy)",
		    names[i]);
		ASSERT_FALSE(
		    fk_detached(fk_find(names[i])),
		    "%s: still loaded, its channel held (by the collector: the loader closed its "
		    "copy)",
		    names[i]);
		free(st);
	}
	fk_print(fk_find("other"), "1 begin\n");
	for (int i = 0; i < 500 && !logged("<5>other: 1 begin"); i++)
		usleep(10000);
	ASSERT_TRUE(
	    logged("<5>other: 1 begin"),
	    "rd.systemtap.console=other: other's output copied to the kernel log, good's not");
	ASSERT_FALSE(
	    logged("<5>good:"),
	    "rd.systemtap.console=other: other's output copied to the kernel log, good's not");
	fk_reset(root);
	for (int i = 0; i < 500 && !logged("third: its control channel failed"); i++)
		usleep(10000);
	ASSERT_TRUE(logged("good: its control channel failed"),
		    "the collectors notice when their channels are gone");
	ASSERT_TRUE(logged("third: its control channel failed"),
		    "the collectors notice when their channels are gone");
	ASSERT_GE(fr_reap(files.rundir), 3,
		  "SIGTERM ends them (they kept what they read for a save)");
}

static void setup(void)
{
	root = fk_make_root();
	fr_run_request(root, &files);
	setenv("TZ", "UTC", 1);
}
TEST_SETUP(setup)

static void teardown(void)
{
	remove_tree(root);
	free(root);
}
TEST_TEARDOWN(teardown)
