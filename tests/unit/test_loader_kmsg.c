/* test_loader_kmsg.c: where the loader's records go. When stderr is the journal
 * ($JOURNAL_STREAM names stderr's device:inode, as systemd sets it for dracut-cmdline.service),
 * a record the kernel log took is not written to stderr again: journald reads the kernel log
 * itself and would show the line twice. Anything else still gets its stderr copy. */
#include "kmsg.h"
#include "files.h"
#include "startall.h"
#include "macro.h"
#include "test.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *dir; /* the program's temp directory */
static char path_kmsg[4096], path_err[4096], path_other[4096], path_cmdline[4096];
static int saved_stderr = -1;

/* Points stderr at a new empty file path_err. */
static void stderr_to_file(void)
{
	int fd = open(path_err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || dup2(fd, STDERR_FILENO) < 0)
		exit(2);
	close(fd);
}

static void stderr_back(void)
{
	dup2(saved_stderr, STDERR_FILENO);
}

/* Sets JOURNAL_STREAM to the device:inode of path. */
static void journal_stream_is(const char *path)
{
	struct stat st;
	char value[64];

	if (stat(path, &st) < 0)
		exit(2);
	snprintf(value, sizeof(value), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", value, 1);
}

/* One record through a fresh log_setup; true when it reached kmsg / stderr. */
static void log_one(const char *kmsg, const char *text, bool *in_kmsg, bool *in_stderr)
{
	unlink(path_kmsg);
	stderr_to_file();
	log_setup(kmsg, true, true);
	log_info("%s", text);
	stderr_back();
	*in_kmsg = file_contains(path_kmsg, text);
	*in_stderr = file_contains(path_err, text);
}

TEST(no_journal)
{
	bool k, e;

	unsetenv("JOURNAL_STREAM");
	log_one(path_kmsg, "starting: plain stderr", &k, &e);
	ASSERT_TRUE(k, "no JOURNAL_STREAM: the record goes to the kernel log and to stderr");
	ASSERT_TRUE(e, "no JOURNAL_STREAM: the record goes to the kernel log and to stderr");
}

TEST(stderr_is_journal)
{
	bool k, e;

	stderr_to_file();
	journal_stream_is(path_err);
	bool j = log_stderr_is_journal();
	stderr_back();
	ASSERT_TRUE(j, "JOURNAL_STREAM naming stderr's device:inode: stderr is the journal");

	log_one(path_kmsg, "starting: journal", &k, &e);
	ASSERT_TRUE(k, "stderr is the journal: the record is in the kernel log only, once");
	ASSERT_FALSE(e, "stderr is the journal: the record is in the kernel log only, once");
	ASSERT_TRUE(file_contains(path_kmsg, "<6>" LOG_PREFIX "starting: journal\n"),
		    "the kernel-log record keeps its level and prefix");
}

TEST(stderr_elsewhere)
{
	bool k, e;

	/* A service whose stderr was later pointed at the console keeps the variable. */
	put_text_in(dir, "other", "");
	journal_stream_is(path_other);
	log_one(path_kmsg, "starting: console", &k, &e);
	ASSERT_TRUE(k, "JOURNAL_STREAM naming another file: stderr still gets the record");
	ASSERT_TRUE(e, "JOURNAL_STREAM naming another file: stderr still gets the record");
}

TEST(kmsg_refused)
{
	char missing[4200];
	bool k, e;

	snprintf(missing, sizeof(missing), "%s/no-such-dir/kmsg", dir);
	journal_stream_is(path_err);
	log_one(missing, "starting: kmsg refused", &k, &e);
	ASSERT_TRUE(
	    e, "stderr is the journal but the kernel log refused the record: it goes to stderr");
	log_one(NULL, "no kmsg at all", &k, &e);
	ASSERT_TRUE(e, "stderr is the journal, no kernel log (--list on the host): stderr gets it");
}

TEST(malformed)
{
	struct stat st;
	char good[64];
	const char *bad[] = {"", ":", "12", "12:", ":34", "x:y", "12:34x", "-1:-1"};

	stderr_to_file();
	fstat(STDERR_FILENO, &st);
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		setenv("JOURNAL_STREAM", bad[i], 1);
		bool j = log_stderr_is_journal();

		stderr_back();
		ASSERT_FALSE(j, "JOURNAL_STREAM='%s' is not stderr", bad[i]);
		stderr_to_file();
	}
	snprintf(good, sizeof(good), "%llu:%llu ", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", good, 1);
	bool trailing = log_stderr_is_journal();
	stderr_back();
	ASSERT_FALSE(trailing, "JOURNAL_STREAM with trailing garbage is refused");
}

/* The boot-time path: startall_run sets up logging itself (rd.systemtap=0: its one line). */
TEST(startall)
{
	struct startall_request req = {
	    .manifest_path = "/nonexistent/manifest",
	    .cmdline_path = path_cmdline,
	    .kmsg_path = path_kmsg,
	    .kmsg_is_file = true,
	    .rundir = "/nonexistent/run",
	    .root = dir,
	};
	int r;

	put_text_in(dir, "cmdline", "console=ttyS0 rd.systemtap=0\n");
	unlink(path_kmsg);
	stderr_to_file();
	journal_stream_is(path_err);
	r = startall_run(&req, NULL);
	stderr_back();
	ASSERT_EQ(r, 0,
		  "startall_run under the journal: its line in the kernel log, not on stderr");
	ASSERT_TRUE(file_contains(path_kmsg, "rd.systemtap=0"),
		    "startall_run under the journal: its line in the kernel log, not on stderr");
	ASSERT_FALSE(file_contains(path_err, "rd.systemtap=0"),
		     "startall_run under the journal: its line in the kernel log, not on stderr");

	unsetenv("JOURNAL_STREAM");
	unlink(path_kmsg);
	stderr_to_file();
	r = startall_run(&req, NULL);
	stderr_back();
	ASSERT_EQ(r, 0, "startall_run, stderr not the journal: the line on stderr too");
	ASSERT_TRUE(file_contains(path_err, "rd.systemtap=0"),
		    "startall_run, stderr not the journal: the line on stderr too");
}

static void setup(void)
{
	dir = test_tmpdir();
	snprintf(path_kmsg, sizeof(path_kmsg), "%s/kmsg", dir);
	snprintf(path_err, sizeof(path_err), "%s/stderr", dir);
	snprintf(path_other, sizeof(path_other), "%s/other", dir);
	snprintf(path_cmdline, sizeof(path_cmdline), "%s/cmdline", dir);
	saved_stderr = dup(STDERR_FILENO);
	if (saved_stderr < 0)
		exit(2);
}
TEST_SETUP(setup)
