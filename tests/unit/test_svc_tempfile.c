/* test_svc_tempfile.c: staged files and directories (tempfile.h): unnamed while written where
 * the file system allows, one naming rule and a lock for the rest; a later run removes exactly
 * what a dead owner left (a child killed with SIGKILL), never a live owner's temp, another
 * user's file, a symlink's target, or a name that only looks like ours. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fsutil.h"
#include "macro.h"
#include "files.h"
#include "tempfile.h"
#include "test.h"

/* rel in the running test's own directory. */
static char *at(const char *rel)
{
	return path_in(test_tmpdir(), rel);
}

static char *slurp(const char *path)
{
	char *text = NULL;

	return read_file(path, &text, NULL) < 0 ? NULL : text;
}

/* Entries of dir whose name contains part. */
static int count_with(const char *dir, const char *part)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += strstr(de->d_name, part) != NULL;
	closedir(d);
	return n;
}

/* True when another open file description can take path's lock now. */
static bool lockable(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok = fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0;

	if (fd >= 0)
		close(fd);
	return ok;
}

/* The rule's name: .BASE.stap-tmp.PID.XXXXXX in dir. */
static bool named_by_rule(const char *path, const char *dir, const char *base)
{
	char want[512];

	snprintf(want, sizeof(want), "%s/.%s" TEMP_MARK "%d.", dir, base, (int)getpid());
	return path && strncmp(path, want, strlen(want)) == 0 && strlen(path) == strlen(want) + 6;
}

TEST(unnamed_file)
{
	struct temp t = TEMP_INIT;
	struct stat st;
	char *text;

	mkdir(at("u"), 0755);
	ASSERT_EQ(temp_file(at("u/target"), &t), 0, "temp_file");
	ASSERT_GE(t.fd, 0, "temp_file gives an open file");
	ASSERT_FALSE(t.path, "unnamed while written (O_TMPFILE)");
	ASSERT_EQ(count_with(at("u"), TEMP_MARK), 0,
		  "unnamed while written: nothing in the directory");
	ASSERT_EQ(write(t.fd, "one\n", 4), 4, "written");
	ASSERT_EQ(temp_commit(&t, at("u/target"), 0640), 0, "committed");
	ASSERT_FALSE(t.dir, "committed: the temp is reset");
	ASSERT_FALSE(t.path, "committed: the temp is reset");
	text = slurp(at("u/target"));
	ASSERT_STREQ(text, "one\n", "the target holds the bytes");
	free(text);
	ASSERT_EQ(stat(at("u/target"), &st), 0, "the target exists");
	ASSERT_EQ((st.st_mode & 07777), 0640, "mode given");
	ASSERT_EQ(count_with(at("u"), TEMP_MARK), 0, "no temp name left after the rename");

	ASSERT_EQ(temp_file(at("u/target"), &t), 0, "a second one");
	temp_discard(&t);
	text = slurp(at("u/target"));
	ASSERT_STREQ(text, "one\n", "a discarded temp leaves the target as it was");
	free(text);
	ASSERT_EQ(temp_file(at("nosuch/target"), &t), -ENOENT, "missing directory: -ENOENT");
}

TEST(named_and_dirs)
{
	struct temp f = TEMP_INIT, d = TEMP_INIT;
	struct stat st;

	mkdir(at("n"), 0755);
	ASSERT_EQ(temp_file_named(at("n/img"), &f), 0, "named temp file");
	ASSERT_TRUE(named_by_rule(f.path, at("n"), "img"), "named by the rule: %s",
		    f.path ? f.path : "(none)");
	ASSERT_EQ(stat(f.path, &st), 0, "created");
	ASSERT_EQ((st.st_mode & 07777), 0600, "created 0600");
	ASSERT_FALSE(lockable(f.path), "held by its owner's lock");
	ASSERT_EQ(temp_dir(at("n"), "onboot", &d), 0, "temp directory");
	ASSERT_TRUE(named_by_rule(d.path, at("n"), "onboot"), "named by the rule: %s",
		    d.path ? d.path : "(none)");
	ASSERT_EQ(stat(d.path, &st), 0, "the directory exists");
	ASSERT_TRUE(S_ISDIR(st.st_mode), "a directory");
	ASSERT_FALSE(lockable(d.path), "a directory, held by its owner's lock");
	put_file(path_in(d.path, "inside"), "x");
	ASSERT_EQ(temp_clean(at("n"), "img", NULL), 0, "clean runs");
	ASSERT_TRUE(path_exists(f.path), "live temps are never removed");
	ASSERT_TRUE(path_exists(d.path), "live temps are never removed");
	temp_discard(&d);
	temp_discard(&f);
	ASSERT_EQ(count_with(at("n"), TEMP_MARK), 0, "discarded: file and directory tree gone");
}

/* A child makes a temp file and a temp directory and waits to be killed with SIGKILL: what a
 * killed run leaves behind. */
static pid_t killed_owner(const char *dir)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p) < 0)
		abort();
	pid = fork();
	if (pid == 0) {
		struct temp f = TEMP_INIT, d = TEMP_INIT;

		close(p[0]);
		if (temp_file_named(path_in(dir, "onboot.set"), &f) < 0 ||
		    temp_dir(dir, "onboot", &d) < 0)
			_exit(1);
		put_file(path_in(d.path, "manifest"), "half\n");
		(void)!write(p[1], "r", 1);
		pause();
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		abort();
	close(p[0]);
	return pid;
}

TEST(killed_run)
{
	size_t busy = 0;
	pid_t pid;

	mkdir(at("k"), 0755);
	pid = killed_owner(at("k"));
	ASSERT_EQ(temp_clean(at("k"), "onboot.set", &busy), 0, "clean while its owner lives");
	ASSERT_EQ(busy, 1, "one busy temp of onboot.set");
	ASSERT_EQ(count_with(at("k"), TEMP_MARK), 2, "while its owner lives: both stay");
	ASSERT_EQ(temp_clean(at("k"), "other", &busy), 0, "clean for another BASE");
	ASSERT_EQ(busy, 0, "busy counts only the BASE asked for");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	ASSERT_EQ(count_with(at("k"), TEMP_MARK), 2, "SIGKILL leaves both behind");
	ASSERT_EQ(temp_clean(at("k"), "onboot.set", &busy), 0, "the next clean");
	ASSERT_EQ(busy, 0, "nothing busy any more");
	ASSERT_EQ(count_with(at("k"), TEMP_MARK), 0,
		  "the next clean removes the file and the directory tree");
}

TEST(first_temp_cleans)
{
	struct temp t = TEMP_INIT;
	pid_t pid;

	mkdir(at("f"), 0755);
	pid = killed_owner(at("f"));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	ASSERT_EQ(count_with(at("f"), TEMP_MARK), 2, "a killed run's leftovers");
	ASSERT_EQ(write_file_atomic(at("f/onboot.set"), "set\n", 4, 0644), 0,
		  "a write into that directory");
	ASSERT_EQ(count_with(at("f"), TEMP_MARK), 0,
		  "the first temp a run makes in a directory removes its leftovers");
	pid = killed_owner(at("f"));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	ASSERT_EQ(temp_file(at("f/x"), &t), 0, "another temp there");
	ASSERT_EQ(count_with(at("f"), TEMP_MARK), 2,
		  "once per run and directory, not at every temp");
	temp_discard(&t);
}

TEST(not_ours)
{
	char name[128];
	pid_t pid;

	mkdir(at("o"), 0755);
	pid = killed_owner(at("o"));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	/* Names that only look like the rule's. */
	put_file(at("o/.x.stap-tmp.12.abcde"), "5 random characters");
	put_file(at("o/x.stap-tmp.12.abcdef"), "no leading dot");
	put_file(at("o/.stap-tmp.12.abcdef"), "no BASE");
	put_file(at("o/.x.stap-tmp.12a.abcdef"), "not a pid");
	put_file(at("o/.x.stap-tmp.12.abc-ef"), "not letters and digits");
	put_file(at("o/.x.12.abcdef"), "no mark");
	/* The rule's names, but not ours to remove. */
	snprintf(name, sizeof(name), "o/.fifo" TEMP_MARK "%d.abcdef", (int)pid);
	ASSERT_EQ(mkfifo(at(name), 0600), 0, "a FIFO named by the rule");
	snprintf(name, sizeof(name), "o/.theirs" TEMP_MARK "%d.abcdef", (int)pid);
	put_file(at(name), "another user's");
	if (geteuid() == 0)
		ASSERT_EQ(chown(at(name), 1, 1), 0, "owned by uid 1");
	put_file(at("outside"), "target of a link");
	snprintf(name, sizeof(name), "o/.link" TEMP_MARK "%d.abcdef", (int)pid);
	ASSERT_EQ(symlink(at("outside"), at(name)), 0, "a symlink named by the rule");
	ASSERT_EQ(temp_clean(at("o"), NULL, NULL), 0, "clean");
	ASSERT_EQ(count_with(at("o"), "onboot"), 0, "the killed run's temps went");
	ASSERT_EQ(count_with(at("o"), "stap-tmp"), 8 - (geteuid() == 0 ? 0 : 1),
		  "the look-alikes, the FIFO, %sthe symlink stay",
		  geteuid() == 0 ? "another user's file, " : "");
	ASSERT_TRUE(path_exists(at("outside")), "a symlink's target stays");
	ASSERT_EQ(temp_clean(at("nosuch"), NULL, NULL), 0, "a missing directory: nothing to do");
}

TEST(atomic_writes)
{
	char *text;

	mkdir(at("w"), 0755);
	ASSERT_EQ(write_file_atomic(at("w/a"), "1", 1, 0644), 0, "written");
	ASSERT_EQ(write_file_atomic(at("w/a"), "22", 2, 0600), 0, "written twice");
	text = slurp(at("w/a"));
	ASSERT_STREQ(text, "22", "the second write wins");
	free(text);
	ASSERT_EQ(copy_file_atomic(at("w/a"), at("w/b"), 0644), 0, "copied");
	text = slurp(at("w/b"));
	ASSERT_STREQ(text, "22", "the copy");
	free(text);
	mkdir(at("w/dir"), 0755);
	ASSERT_EQ(write_file_atomic(at("w/dir"), "x", 1, 0644), -EISDIR,
		  "over a directory: -EISDIR");
	ASSERT_EQ(count_with(at("w"), TEMP_MARK), 0, "no temp left after a failed rename");
}
