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
#include "svc_test.h"
#include "tempfile.h"

static char *tmp;

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

static void test_write_atomic(void)
{
	char *text;
	size_t len;
	struct stat st1, st2;
	char *big;

	mkdir_p(at("w"), 0755);
	CHECK(write_file_atomic(at("w/f"), "hello\n", 6, 0640) == 0, "write a new file");
	CHECK(read_file(at("w/f"), &text, &len) == 0 && len == 6 && !strcmp(text, "hello\n"),
	      "content written");
	free(text);
	CHECK(mode_of(at("w/f")) == 0640, "mode 0640 exactly (umask 077 does not apply)");
	CHECK(count_entries(at("w")) == 1, "no temp file left beside it");
	stat(at("w/f"), &st1);
	CHECK(write_file_atomic(at("w/f"), "x", 1, 0600) == 0, "overwrite");
	stat(at("w/f"), &st2);
	CHECK(read_file(at("w/f"), &text, &len) == 0 && len == 1 && !strcmp(text, "x"),
	      "new content");
	free(text);
	CHECK(mode_of(at("w/f")) == 0600 && st1.st_ino != st2.st_ino,
	      "new mode, new inode (renamed over, never rewritten in place)");
	CHECK(count_entries(at("w")) == 1, "still no temp file");
	CHECK(write_file_atomic(at("w/empty"), "", 0, 0644) == 0 && path_exists(at("w/empty")),
	      "an empty file");
	big = malloc(3 << 20);
	memset(big, 'b', 3 << 20);
	CHECK(write_file_atomic(at("w/big"), big, 3 << 20, 0644) == 0, "3 MiB file");
	CHECK(read_file(at("w/big"), &text, &len) == 0 && len == (3 << 20) &&
		  !memcmp(text, big, len),
	      "3 MiB read back equal");
	free(text);
	free(big);
	/* Failures: nothing half-written, no temp left, the old file intact. */
	mkdir_p(at("w/dir"), 0755);
	CHECK(write_file_atomic(at("w/dir"), "x", 1, 0644) == -EISDIR,
	      "writing over a directory is -EISDIR");
	CHECK(write_file_atomic(at("w/missing/f"), "x", 1, 0644) == -ENOENT,
	      "a missing directory is -ENOENT");
	CHECK(count_entries(at("w")) == 4, "no temp file left after the failures");
}

static void test_copy_move(void)
{
	char *text, shm[128];
	size_t len;
	struct stat a, b;

	write_file_atomic(at("src"), "data", 4, 0644);
	CHECK(copy_file_atomic(at("src"), at("copy"), 0755) == 0, "copy");
	CHECK(read_file(at("copy"), &text, &len) == 0 && !strcmp(text, "data"), "copied content");
	free(text);
	CHECK(mode_of(at("copy")) == 0755, "copy has the given mode");
	CHECK(copy_file_atomic(at("nosuch"), at("copy"), 0644) == -ENOENT, "missing source");
	CHECK(read_file(at("copy"), &text, &len) == 0 && !strcmp(text, "data"),
	      "failed copy leaves the target alone");
	free(text);
	CHECK(move_file(at("copy"), at("moved"), 0600) == 0, "move on one filesystem");
	CHECK(!path_exists(at("copy")) && mode_of(at("moved")) == 0600, "moved, with mode 0600");
	/* /dev/shm is another filesystem where it is a tmpfs: rename gives EXDEV there. */
	snprintf(shm, sizeof(shm), "/dev/shm/test_svc_fsutil.%d", (int)getpid());
	if (stat("/dev/shm", &a) == 0 && stat(tmp, &b) == 0 && a.st_dev != b.st_dev) {
		CHECK(move_file(at("moved"), shm, 0640) == 0, "move across filesystems");
		CHECK(!path_exists(at("moved")) && mode_of(shm) == 0640, "source gone, mode set");
		CHECK(read_file(shm, &text, &len) == 0 && !strcmp(text, "data"), "content moved");
		free(text);
		unlink(shm);
	} else {
		printf("note: /dev/shm is on the same filesystem as %s: EXDEV not exercised\n",
		       tmp);
	}
}

static void test_read_file(void)
{
	char *text = NULL;
	size_t len = 99;

	CHECK(read_file(at("w/empty"), &text, &len) == 0 && len == 0 && text && !text[0],
	      "empty file: \"\", length 0");
	free(text);
	CHECK(read_file("/proc/self/status", &text, NULL) == 0 && strstr(text, "Pid:"),
	      "a /proc file (stat size 0) is read whole");
	free(text);
	text = NULL;
	CHECK(read_file(at("nosuch"), &text, &len) == -ENOENT && text == NULL,
	      "missing: -ENOENT, output untouched");
}

/* Nothing but a regular file opens, and nothing blocks: a FIFO without a writer (read) or a
 * reader (write) would hang a plain open forever; alarm() fails the test instead. */
static void test_open_regular(void)
{
	char *text = NULL;
	int fd;

	alarm(10);
	mkfifo(at("fifo"), 0644);
	symlink(at("w/f"), at("link"));
	CHECK(open_regular(at("fifo"), O_RDONLY, 0) == -ENOTREGULAR, "a FIFO to read: refused");
	CHECK(open_regular(at("fifo"), O_WRONLY | O_APPEND | O_CREAT, 0644) == -ENOTREGULAR,
	      "a FIFO to append to: refused");
	CHECK(open_regular(at("fifo"), O_RDWR | O_NOFOLLOW, 0) == -ENOTREGULAR,
	      "a FIFO to rewrite: refused");
	CHECK(read_file(at("fifo"), &text, NULL) == -ENOTREGULAR && !text, "read_file of a FIFO");
	CHECK(open_regular("/dev/null", O_RDONLY, 0) == -ENOTREGULAR, "a device: refused");
	CHECK(open_regular(at("w"), O_RDONLY, 0) == -ENOTREGULAR, "a directory: refused");
	CHECK(open_regular(at("link"), O_RDWR | O_NOFOLLOW, 0) == -ENOTREGULAR,
	      "a symlink under O_NOFOLLOW: refused");
	CHECK(open_regular(at("nosuch"), O_RDONLY, 0) == -ENOENT, "missing: -ENOENT");
	CHECK_STR(errno_reason(-ENOTREGULAR), "not a regular file", "its message");
	fd = open_regular(at("link"), O_RDONLY, 0);
	CHECK(fd >= 0 && !(fcntl(fd, F_GETFL) & O_NONBLOCK) && (fcntl(fd, F_GETFD) & FD_CLOEXEC),
	      "a symlink to a regular file without O_NOFOLLOW: opened, blocking, close-on-exec");
	if (fd >= 0)
		close(fd);
	fd = open_regular(at("new"), O_WRONLY | O_CREAT | O_NOFOLLOW, 0600);
	CHECK(fd >= 0 && mode_of(at("new")) == 0600, "a new file is created");
	if (fd >= 0)
		close(fd);
	alarm(0);
	unlink(at("fifo"));
	unlink(at("link"));
	unlink(at("new"));
}

static void test_mkdir_p(void)
{
	CHECK(mkdir_p(at("m/a//b/c/"), 0750) == 0, "mkdir -p a//b/c/");
	CHECK(mode_of(at("m/a/b/c")) == 0750, "mode 0750");
	CHECK(mkdir_p(at("m/a/b"), 0755) == 0, "existing directory is fine");
	write_file_atomic(at("m/file"), "", 0, 0644);
	CHECK(mkdir_p(at("m/file"), 0755) == -ENOTDIR, "a file in the way: -ENOTDIR");
	CHECK(mkdir_p(at("m/file/x"), 0755) == -ENOTDIR, "a file as parent: -ENOTDIR");
	CHECK(mkdir_p("", 0755) == -EINVAL, "empty path: -EINVAL");
}

static void test_temp_dir_and_rm_rf(void)
{
	char *d1 = NULL, *d2 = NULL, outside[600], p[700];
	struct stat st;

	CHECK(make_temp_dir(tmp, "cache.", &d1) == 0 && make_temp_dir(tmp, "cache.", &d2) == 0,
	      "two temp dirs");
	CHECK(d1 && d2 && strcmp(d1, d2) && strstr(d1, "/cache.") && stat(d1, &st) == 0 &&
		  S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700,
	      "distinct, named prefixXXXXXX, mode 0700: %s", d1 ? d1 : "");
	snprintf(p, sizeof(p), "/cache.%d.", (int)getpid());
	CHECK(d1 && strstr(d1, p), "the name holds the owner's pid: %s", d1 ? d1 : "");
	rm_rf(d2);
	free(d2);
	d2 = NULL;
	CHECK(make_temp_dir(at("nosuch"), "x", &d2) == -ENOENT && d2 == NULL,
	      "missing parent: -ENOENT");
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
	CHECK(rm_rf(d1) == 0 && !path_exists(d1), "rm_rf removes the tree");
	CHECK(path_exists(at("outside/keep")), "symlinked targets outside survive");
	CHECK(rm_rf(d1) == 0, "a missing path is fine");
	CHECK(rm_rf(at("outside/keep")) == 0 && !path_exists(at("outside/keep")),
	      "rm_rf of a single file");
	free(d1);
}

static void test_paths(void)
{
	char *j;

#define J(a, b, want)                                                                              \
	do {                                                                                       \
		j = path_join(a, b);                                                               \
		CHECK_STR(j, want, "path_join(\"" a "\", \"" b "\")");                             \
		free(j);                                                                           \
	} while (0)
	J("a", "b", "a/b");
	J("a/", "/b", "a/b");
	J("a//", "b", "a/b");
	J("/", "x", "/x");
	J("", "x", "x");
	J("/var/cache", "k/n.ko", "/var/cache/k/n.ko");
#undef J
	CHECK(path_exists(tmp) && !path_exists(at("nosuch")), "path_exists");
	symlink("/nonexistent", at("dangling"));
	CHECK(!path_exists(at("dangling")), "a dangling symlink does not exist (as test -e)");
	CHECK(fsync_parent_dir(at("w/f")) == 0, "fsync_parent_dir");
	CHECK(fsync_parent_dir(at("nosuch/f")) == -ENOENT, "fsync_parent_dir of a missing dir");
	CHECK(fsync_parent_dir("relative") == 0, "fsync_parent_dir of a bare name (.)");
}

int main(void)
{
	umask(077);
	if (make_temp_dir("/tmp", "test_svc_fsutil.", &tmp) < 0)
		return 2;
	test_write_atomic();
	test_copy_move();
	test_read_file();
	test_open_regular();
	umask(022);
	test_mkdir_p();
	test_temp_dir_and_rm_rf();
	test_paths();
	CHECK(rm_rf(tmp) == 0 && !path_exists(tmp), "cleanup");
	free(tmp);
	return test_summary();
}
