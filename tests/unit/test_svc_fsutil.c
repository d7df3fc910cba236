/* test_svc_fsutil.c: atomic writes (no temp left, exact mode, old content kept on failure),
 * copies, moves (also across filesystems), read_file, mkdir_p, temp dirs, rm_rf, paths. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "log_api.h"
#include "test.h"
#include "tempfile.h"

static const char *tmp; /* the program's temp directory */

static char *at(const char *name)
{
	static char buf[4][600];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmp, name);
	return buf[i];
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static mode_t mode_of(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 ? st.st_mode & 07777 : 0;
}

TEST(write_atomic)
{
	char *text;
	size_t len;
	struct stat st1, st2;
	char *big;

	mkdir_p(at("w"), 0755);
	ASSERT_EQ(write_file_atomic(at("w/f"), "hello\n", 6, 0640), 0, "write a new file");
	ASSERT_EQ(read_file(at("w/f"), &text, &len), 0, "content written");
	ASSERT_EQ(len, 6, "content written");
	ASSERT_STREQ(text, "hello\n", "content written");
	free(text);
	ASSERT_EQ(mode_of(at("w/f")), 0640, "mode 0640 exactly (umask 077 does not apply)");
	ASSERT_EQ(count_entries(at("w")), 1, "no temp file left beside it");
	stat(at("w/f"), &st1);
	ASSERT_EQ(write_file_atomic(at("w/f"), "x", 1, 0600), 0, "overwrite");
	stat(at("w/f"), &st2);
	ASSERT_EQ(read_file(at("w/f"), &text, &len), 0, "new content");
	ASSERT_EQ(len, 1, "new content");
	ASSERT_STREQ(text, "x", "new content");
	free(text);
	ASSERT_EQ(mode_of(at("w/f")), 0600,
		  "new mode, new inode (renamed over, never rewritten in place)");
	ASSERT_NE(st1.st_ino, st2.st_ino,
		  "new mode, new inode (renamed over, never rewritten in place)");
	ASSERT_EQ(count_entries(at("w")), 1, "still no temp file");
	ASSERT_EQ(write_file_atomic(at("w/empty"), "", 0, 0644), 0, "an empty file");
	ASSERT_TRUE(path_exists(at("w/empty")), "an empty file");
	big = malloc(3 << 20);
	memset(big, 'b', 3 << 20);
	ASSERT_EQ(write_file_atomic(at("w/big"), big, 3 << 20, 0644), 0, "3 MiB file");
	ASSERT_EQ(read_file(at("w/big"), &text, &len), 0, "3 MiB read back equal");
	ASSERT_EQ(len, (3 << 20), "3 MiB read back equal");
	ASSERT_FALSE(memcmp(text, big, len), "3 MiB read back equal");
	free(text);
	free(big);
	/* Failures: nothing half-written, no temp left, the old file intact. */
	mkdir_p(at("w/dir"), 0755);
	ASSERT_EQ(write_file_atomic(at("w/dir"), "x", 1, 0644), -EISDIR,
		  "writing over a directory is -EISDIR");
	ASSERT_EQ(write_file_atomic(at("w/missing/f"), "x", 1, 0644), -ENOENT,
		  "a missing directory is -ENOENT");
	ASSERT_EQ(count_entries(at("w")), 4, "no temp file left after the failures");
}

TEST(copy_move)
{
	char *text, shm[128];
	size_t len;
	struct stat a, b;

	write_file_atomic(at("src"), "data", 4, 0644);
	ASSERT_EQ(copy_file_atomic(at("src"), at("copy"), 0755), 0, "copy");
	ASSERT_EQ(read_file(at("copy"), &text, &len), 0, "copied content");
	ASSERT_STREQ(text, "data", "copied content");
	free(text);
	ASSERT_EQ(mode_of(at("copy")), 0755, "copy has the given mode");
	ASSERT_EQ(copy_file_atomic(at("nosuch"), at("copy"), 0644), -ENOENT, "missing source");
	ASSERT_EQ(read_file(at("copy"), &text, &len), 0, "failed copy leaves the target alone");
	ASSERT_STREQ(text, "data", "failed copy leaves the target alone");
	free(text);
	ASSERT_EQ(move_file(at("copy"), at("moved"), 0600), 0, "move on one filesystem");
	ASSERT_FALSE(path_exists(at("copy")), "moved, with mode 0600");
	ASSERT_EQ(mode_of(at("moved")), 0600, "moved, with mode 0600");
	/* /dev/shm is another filesystem where it is a tmpfs: rename gives EXDEV there. */
	snprintf(shm, sizeof(shm), "/dev/shm/test_svc_fsutil.%d", (int)getpid());
	if (stat("/dev/shm", &a) == 0 && stat(tmp, &b) == 0 && a.st_dev != b.st_dev) {
		ASSERT_EQ(move_file(at("moved"), shm, 0640), 0, "move across filesystems");
		ASSERT_FALSE(path_exists(at("moved")), "source gone, mode set");
		ASSERT_EQ(mode_of(shm), 0640, "source gone, mode set");
		ASSERT_EQ(read_file(shm, &text, &len), 0, "content moved");
		ASSERT_STREQ(text, "data", "content moved");
		free(text);
		unlink(shm);
	} else {
		printf("note: /dev/shm is on the same filesystem as %s: EXDEV not exercised\n",
		       tmp);
	}
}

TEST(read_file)
{
	char *text = NULL;
	size_t len = 99;

	ASSERT_EQ(read_file(at("w/empty"), &text, &len), 0, "empty file: \"\", length 0");
	ASSERT_EQ(len, 0, "empty file: \"\", length 0");
	ASSERT_TRUE(text, "empty file: \"\", length 0");
	ASSERT_FALSE(text[0], "empty file: \"\", length 0");
	free(text);
	ASSERT_EQ(read_file("/proc/self/status", &text, NULL), 0,
		  "a /proc file (stat size 0) is read whole");
	ASSERT_CONTAINS(text, "Pid:", "a /proc file (stat size 0) is read whole");
	free(text);
	text = NULL;
	ASSERT_EQ(read_file(at("nosuch"), &text, &len), -ENOENT,
		  "missing: -ENOENT, output untouched");
	ASSERT_NULL(text, "missing: -ENOENT, output untouched");
}

/* Nothing but a regular file opens, and nothing blocks: a FIFO without a writer (read) or a
 * reader (write) would hang a plain open forever; alarm() fails the test instead. */
TEST(open_regular)
{
	char *text = NULL;
	int fd;

	alarm(10);
	mkfifo(at("fifo"), 0644);
	symlink(at("w/f"), at("link"));
	ASSERT_EQ(open_regular(at("fifo"), O_RDONLY, 0), -ENOTREGULAR, "a FIFO to read: refused");
	ASSERT_EQ(open_regular(at("fifo"), O_WRONLY | O_APPEND | O_CREAT, 0644), -ENOTREGULAR,
		  "a FIFO to append to: refused");
	ASSERT_EQ(open_regular(at("fifo"), O_RDWR | O_NOFOLLOW, 0), -ENOTREGULAR,
		  "a FIFO to rewrite: refused");
	ASSERT_EQ(read_file(at("fifo"), &text, NULL), -ENOTREGULAR, "read_file of a FIFO");
	ASSERT_FALSE(text, "read_file of a FIFO");
	ASSERT_EQ(open_regular("/dev/null", O_RDONLY, 0), -ENOTREGULAR, "a device: refused");
	ASSERT_EQ(open_regular(at("w"), O_RDONLY, 0), -ENOTREGULAR, "a directory: refused");
	ASSERT_EQ(open_regular(at("link"), O_RDWR | O_NOFOLLOW, 0), -ENOTREGULAR,
		  "a symlink under O_NOFOLLOW: refused");
	ASSERT_EQ(open_regular(at("nosuch"), O_RDONLY, 0), -ENOENT, "missing: -ENOENT");
	ASSERT_STREQ(errno_reason(-ENOTREGULAR), "not a regular file", "its message");
	fd = open_regular(at("link"), O_RDONLY, 0);
	ASSERT_GE(
	    fd, 0,
	    "a symlink to a regular file without O_NOFOLLOW: opened, blocking, close-on-exec");
	ASSERT_FALSE(
	    (fcntl(fd, F_GETFL) & O_NONBLOCK),
	    "a symlink to a regular file without O_NOFOLLOW: opened, blocking, close-on-exec");
	ASSERT_TRUE(
	    fcntl(fd, F_GETFD) & FD_CLOEXEC,
	    "a symlink to a regular file without O_NOFOLLOW: opened, blocking, close-on-exec");
	if (fd >= 0)
		close(fd);
	fd = open_regular(at("new"), O_WRONLY | O_CREAT | O_NOFOLLOW, 0600);
	ASSERT_GE(fd, 0, "a new file is created");
	ASSERT_EQ(mode_of(at("new")), 0600, "a new file is created");
	if (fd >= 0)
		close(fd);
	alarm(0);
	unlink(at("fifo"));
	unlink(at("link"));
	unlink(at("new"));
}

TEST(mkdir_p)
{
	umask(022);
	ASSERT_EQ(mkdir_p(at("m/a//b/c/"), 0750), 0, "mkdir -p a//b/c/");
	ASSERT_EQ(mode_of(at("m/a/b/c")), 0750, "mode 0750");
	ASSERT_EQ(mkdir_p(at("m/a/b"), 0755), 0, "existing directory is fine");
	write_file_atomic(at("m/file"), "", 0, 0644);
	ASSERT_EQ(mkdir_p(at("m/file"), 0755), -ENOTDIR, "a file in the way: -ENOTDIR");
	ASSERT_EQ(mkdir_p(at("m/file/x"), 0755), -ENOTDIR, "a file as parent: -ENOTDIR");
	ASSERT_EQ(mkdir_p("", 0755), -EINVAL, "empty path: -EINVAL");
}

TEST(temp_dir_and_rm_rf)
{
	umask(022);
	char *d1 = NULL, *d2 = NULL, outside[600], p[700];
	struct stat st;

	ASSERT_EQ(make_temp_dir(tmp, "cache.", &d1), 0, "two temp dirs");
	ASSERT_EQ(make_temp_dir(tmp, "cache.", &d2), 0, "two temp dirs");
	ASSERT_TRUE(d2, "distinct, named prefixXXXXXX, mode 0700: %s", d1 ? d1 : "");
	ASSERT_TRUE(strcmp(d1, d2), "distinct, named prefixXXXXXX, mode 0700: %s", d1 ? d1 : "");
	ASSERT_CONTAINS(d1, "/cache.", "distinct, named prefixXXXXXX, mode 0700: %s", d1 ? d1 : "");
	ASSERT_EQ(stat(d1, &st), 0, "distinct, named prefixXXXXXX, mode 0700: %s", d1 ? d1 : "");
	ASSERT_TRUE(S_ISDIR(st.st_mode), "distinct, named prefixXXXXXX, mode 0700: %s",
		    d1 ? d1 : "");
	ASSERT_EQ((st.st_mode & 0777), 0700, "distinct, named prefixXXXXXX, mode 0700: %s",
		  d1 ? d1 : "");
	snprintf(p, sizeof(p), "/cache.%d.", (int)getpid());
	ASSERT_CONTAINS(d1, p, "the name holds the owner's pid: %s", d1 ? d1 : "");
	rm_rf(d2);
	free(d2);
	d2 = NULL;
	ASSERT_EQ(make_temp_dir(at("nosuch"), "x", &d2), -ENOENT, "missing parent: -ENOENT");
	ASSERT_NULL(d2, "missing parent: -ENOENT");
	/* A tree with files, subdirectories and symlinks out of it. */
	snprintf(outside, sizeof(outside), "%s/outside", tmp);
	mkdir_p(outside, 0755);
	write_file_atomic(at("outside/keep"), "k", 1, 0644);
	snprintf(p, sizeof(p), "%s/a/b/c", d1);
	mkdir_p(p, 0755);
	snprintf(p, sizeof(p), "%s/a/b/c/f", d1);
	write_file_atomic(p, "x", 1, 0644);
	snprintf(p, sizeof(p), "%s/a/link-dir", d1);
	symlink(outside, p);
	snprintf(p, sizeof(p), "%s/link-file", d1);
	symlink(at("outside/keep"), p);
	snprintf(p, sizeof(p), "%s/a/ro", d1);
	mkdir_p(p, 0500);
	ASSERT_EQ(rm_rf(d1), 0, "rm_rf removes the tree");
	ASSERT_FALSE(path_exists(d1), "rm_rf removes the tree");
	ASSERT_TRUE(path_exists(at("outside/keep")), "symlinked targets outside survive");
	ASSERT_EQ(rm_rf(d1), 0, "a missing path is fine");
	ASSERT_EQ(rm_rf(at("outside/keep")), 0, "rm_rf of a single file");
	ASSERT_FALSE(path_exists(at("outside/keep")), "rm_rf of a single file");
	free(d1);
}

TEST(paths)
{
	umask(022);
	char *j;

#define J(a, b, want)                                                                              \
	do {                                                                                       \
		j = path_join(a, b);                                                               \
		ASSERT_STREQ(j, want, "path_join(\"" a "\", \"" b "\")");                          \
		free(j);                                                                           \
	} while (0)
	J("a", "b", "a/b");
	J("a/", "/b", "a/b");
	J("a//", "b", "a/b");
	J("/", "x", "/x");
	J("", "x", "x");
	J("/var/cache", "k/n.ko", "/var/cache/k/n.ko");
#undef J
	ASSERT_TRUE(path_exists(tmp), "path_exists");
	ASSERT_FALSE(path_exists(at("nosuch")), "path_exists");
	symlink("/nonexistent", at("dangling"));
	ASSERT_FALSE(path_exists(at("dangling")), "a dangling symlink does not exist (as test -e)");
	ASSERT_EQ(fsync_parent_dir(at("w/f")), 0, "fsync_parent_dir");
	ASSERT_EQ(fsync_parent_dir(at("nosuch/f")), -ENOENT, "fsync_parent_dir of a missing dir");
	ASSERT_EQ(fsync_parent_dir("relative"), 0, "fsync_parent_dir of a bare name (.)");
}

/* The first tests run with umask 077: the modes they check are the ones the code sets. */
static void setup(void)
{
	umask(077);
	tmp = test_tmpdir();
}
TEST_SETUP(setup)

/* rm_rf of everything the tests left (a FIFO, modes, links...). */
static void teardown(void)
{
	ASSERT_EQ(rm_rf(tmp), 0, "cleanup");
	ASSERT_FALSE(path_exists(tmp), "cleanup");
}
TEST_TEARDOWN(teardown)
